"""What a rule is: a code, a dotted name, a default severity, options, and a docstring that documents it.

A rule never picks its own code or severity when it reports: it yields
:class:`Finding` objects (which node, what is wrong, where in the file) and
the runner turns them into diagnostics with the code of the rule and the
severity the goal file configured. A rule never raises either; if it does, the
runner reports the crash as an ``E099`` diagnostic naming the rule.

Every entry of the registry is a :class:`Rule` subclass. Those that check
something override :meth:`Rule.check` (or :meth:`NodeRule.check_node`); the
others document a code that the loader, the graph, the solver or the sources
emit (``emitted_by``), so that ``goaltree rules`` and ``docs/rules.md`` list
every code a user can meet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Iterator, Sequence

from goaltree.errors import Severity
from goaltree.present.catalogues import RULE_SUMMARY
from goaltree.present.language import N_, _p, translated
from goaltree.present.numbers import format_fixed

if TYPE_CHECKING:
    from goaltree.engine.equations import Equation, SolveOutcome
    from goaltree.graph import GoalTree
    from goaltree.model import GoalFile, Node
    from goaltree.rules.amounts import StatedAmount

FAMILIES: dict[str, str] = {
    "S": N_("Specific"),
    "M": N_("Measurable"),
    "A": N_("Achievable"),
    "R": N_("Relevant"),
    "T": N_("Time-bound"),
    "E": N_("Structure"),
}
"""Code letter -> family, in the order the reference lists them (the JSON keeps the English name)."""


@dataclass(frozen=True)
class Option:
    """A setting of a rule, set per file under ``checks.options``.

    Attributes:
        name: The key under ``checks.options`` (unique across all rules).
        default: The value when the file does not set it.
        kind: ``number``, ``integer`` or ``words`` (a list of strings).
        minimum: The smallest allowed value for numbers.
        help: One sentence for the reference.
    """

    name: str
    default: Any
    kind: str
    help: str
    minimum: float | None = None

    def validate(self, value: Any) -> tuple[Any, str | None]:
        """The value to use and, when ``value`` is not acceptable, what it should be (``an integer``)."""
        if self.kind == "words":
            if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
                return self.default, _p("check", "a list of words, e.g. [viktig, väsentlig]")
            return value, None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return self.default, _p("check", "an integer") if self.kind == "integer" else _p("check", "a number")
        if self.kind == "integer" and value != int(value):
            return self.default, _p("check", "an integer")
        if self.minimum is not None and value < self.minimum:
            return self.default, _p("check", "a number of at least {minimum}", minimum=format_fixed(self.minimum, "g"))
        return (int(value) if self.kind == "integer" else float(value)), None


@dataclass(frozen=True)
class Finding:
    """One problem a rule found.

    Attributes:
        message: What is wrong and how to fix it.
        node: The node it concerns, if any.
        path: Where in the document (``("nodes", "leads", "target")``); the
            line and column are looked up only when the finding is reported.
        key: Point at the key of ``path`` rather than its value.
        column_offset: Characters to add to the located column (a place inside a formula).
    """

    message: str
    node: str | None = None
    path: tuple[Any, ...] | None = None
    key: bool = False
    column_offset: int = 0


class Rule:
    """One code in the registry. Subclasses set the class attributes and write the docstring.

    The docstring is the user documentation: its first line is the summary
    ``goaltree rules`` prints; the rest (Markdown, with **Anti-pattern** and
    **Best practice** examples) goes into the rule reference.

    Attributes:
        code: Stable code: ``S…`` specific, ``M…`` measurable, ``A…``
            achievable, ``R…`` relevant, ``T…`` time-bound, ``E…`` structure.
        name: Dotted name, usable instead of the code in ``checks`` and ``suppress``.
        severity: The default severity.
        options: Settings read from ``checks.options``.
        emitted_by: Who reports the code: ``rules`` (this package) or the
            ``loader``, ``graph``, ``solver``, ``evaluate`` or ``sources``.
        needs_tree: Whether the rule needs the goal graph and the solved
            targets; rules that read only the nodes still run when the graph
            has errors, so one pass reports as much as it can.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    options: ClassVar[tuple[Option, ...]] = ()
    emitted_by: ClassVar[str] = "rules"
    needs_tree: ClassVar[bool] = True

    @classmethod
    def summary(cls) -> str:
        """The first line of the docstring."""
        return _docstring(cls).split("\n", 1)[0].strip()

    @classmethod
    def translated_summary(cls) -> str:
        """:meth:`summary` in the current language (``checks.po`` holds it under the context ``rule``)."""
        return translated(cls.summary(), RULE_SUMMARY)

    @classmethod
    def description(cls) -> str:
        """The docstring after its first line (Markdown)."""
        parts = _docstring(cls).split("\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""

    @classmethod
    def configurable(cls) -> bool:
        """Whether a goal file may disable, re-grade or suppress it (every code but ``E…``)."""
        return not cls.code.startswith("E")

    @classmethod
    def runs(cls) -> bool:
        """Whether the rule checks something itself (rather than documenting another module's code)."""
        return cls.check is not Rule.check

    def check(self, context: "CheckContext") -> Iterable[Finding]:
        """Every problem in the tree. Documented-only codes keep this default."""
        return ()


def _docstring(rule: type[Rule]) -> str:
    import inspect  # only the reference needs it; keep it off the check path

    return inspect.cleandoc(rule.__dict__.get("__doc__") or "")


class NodeRule(Rule):
    """A rule that looks at one node at a time; the runner isolates a crash to that node."""

    def check(self, context: "CheckContext") -> Iterator[Finding]:
        for node_id, node in context.goal_file.nodes.items():
            yield from self.check_node(context, node_id, node)

    def check_node(self, context: "CheckContext", node_id: str, node: "Node") -> Iterable[Finding]:
        """The problems of one node."""
        raise NotImplementedError


@dataclass
class CheckContext:
    """What every rule may read: the goal file, its tree, the solved targets and the file's options.

    When the goal graph could not be built (an unknown id, a cycle), only the
    rules with ``needs_tree = False`` run: ``tree`` is ``None``, there are no
    equations, and the targets are the declared ones.

    Attributes:
        goal_file: The validated goal file.
        targets: The target solve (SPEC §3.1) shared by every rule.
        options: Option name -> value (the file's, else the default).
        equations: Every equation of the tree, parents before children.
        tree: The built goal tree, or ``None`` when the graph is broken.
    """

    goal_file: "GoalFile"
    targets: "SolveOutcome"
    options: dict[str, Any] = field(default_factory=dict)
    equations: list["Equation"] = field(default_factory=list)
    tree: "GoalTree | None" = None
    _amounts: "dict[str, Sequence[StatedAmount]]" = field(default_factory=dict, init=False, repr=False, compare=False)

    def target_of(self, node_id: str) -> float | None:
        """The node's declared or derived target, or ``None``."""
        return self.targets.values.get(node_id)

    def aggregate_of(self, node_id: str) -> str:
        """The node's aggregate as the engine paces it (:attr:`GoalTree.aggregate_of`); its model's without a tree."""
        if self.tree is not None:
            return self.tree.aggregate_of[node_id]
        return self.goal_file.nodes[node_id].effective_aggregate

    def is_declared(self, node_id: str) -> bool:
        """Whether the node's target is written in the file."""
        return self.goal_file.nodes[node_id].target is not None

    @cached_property
    def period_years(self) -> range:
        """The years the file's period touches: a number that is one of them is a year, never an amount."""
        period = self.goal_file.period
        return range(period.start.year, period.end.year + 1)

    def amounts_in(self, title: str) -> "Sequence[StatedAmount]":
        """The amounts ``title`` states (:func:`goaltree.rules.amounts.stated_amounts`), read once per distinct title.

        Large plans repeat titles ("Outbound visits" in every team): each is read once per check.
        """
        amounts = self._amounts.get(title)
        if amounts is None:
            from goaltree.rules.amounts import stated_amounts

            amounts = self._amounts[title] = tuple(stated_amounts(title, self.period_years))
        return amounts

    @cached_property
    def equation_nodes(self) -> frozenset[str]:
        """Nodes whose value is an equation of their children (a formula or a numeric rollup)."""
        return frozenset(equation.node for equation in self.equations)


def where(node_id: str, *fields: Any) -> tuple[Any, ...]:
    """The document path of a node's field: ``where("leads", "target")``."""
    return ("nodes", node_id) + fields
