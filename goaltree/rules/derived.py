"""A — achievable: targets the solver derives must be possible values (A005).

The same check serves ``goaltree check`` (the rule below, over the shared
target solve) and ``goaltree evaluate`` (:func:`impossible_target_diagnostics`,
over the evaluation's results), so both print the same words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from goaltree.errors import Diagnostic
from goaltree.present.language import _, _p
from goaltree.present.numbers import format_number
from goaltree.rules import wording
from goaltree.rules.base import CheckContext, Finding, Rule
from goaltree.rules.units import CURRENCIES, Unit, parse_unit
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.engine.results import Derivation, Evaluation
    from goaltree.graph import GoalTree
    from goaltree.model import Node

# Derivations that take a node's target from the equation of a node above it.
_FROM_A_PARENT = frozenset({"allocated", "solved", "growth_factor", "mean"})


class ImpossibleDerivedTarget(Rule):
    """A derived target is below zero for a node that counts or earns: its parent's target leaves less than nothing.

    A target goaltree derives for a node from its parent (the remainder of a
    `sum`, a value solved from a formula) can come out negative when the
    declared targets around it ask for more than the parent's target: the
    regions' targets add up to 1 050 000 SEK of a 1 000 000 SEK total, so
    −50 000 SEK is left for the rest. A count, an amount of money, or any
    node that should `increase` cannot have a negative target; the plan
    contradicts itself. The warning names the node, the parent and the
    numbers. `goaltree check` and `goaltree evaluate` both report it.

    **Anti-pattern**

    ```yaml
    revenue: {title: 1 MSEK new revenue, unit: SEK, rollup: sum, target: 1000000}
    revenue_se: {title: 600 kSEK in Sweden, unit: SEK, parent: revenue, target: 600000}
    revenue_no: {title: 450 kSEK in Norway, unit: SEK, parent: revenue, target: 450000}
    revenue_dk: {title: Revenue in Denmark, unit: SEK, parent: revenue}   # −50 000 left
    ```

    **Best practice**

    ```yaml
    revenue: {title: 1.1 MSEK new revenue, unit: SEK, rollup: sum, target: 1100000}
    revenue_se: {title: 600 kSEK in Sweden, unit: SEK, parent: revenue, target: 600000}
    revenue_no: {title: 450 kSEK in Norway, unit: SEK, parent: revenue, target: 450000}
    revenue_dk: {title: Revenue in Denmark, unit: SEK, parent: revenue}   # 50 000
    ```
    """

    code = codes.IMPOSSIBLE_DERIVED_TARGET
    name = "achievable.impossible_derived_target"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Finding]:
        nodes = context.goal_file.nodes
        negative = [
            node_id for node_id, value in context.targets.values.items() if value < 0 and nodes[node_id].target is None
        ]
        yield from impossible_derived_targets(
            nodes, negative, context.target_of, context.targets.derivations.get
        )


def counts_or_earns(node: "Node") -> bool:
    """Whether a node's value cannot be below zero: a count, an amount of money, or a value meant to ``increase``."""
    if node.direction == "increase":
        return True
    unit = parse_unit(node.unit)
    if unit is None:
        return False
    return unit.kind == "count" or _money(unit)


def _money(unit: Unit) -> bool:
    """One currency to the first power (SEK, kSEK, EUR): an amount of money."""
    return len(unit.dimensions) == 1 and unit.dimensions[0][1] == 1 and unit.dimensions[0][0][-3:] in CURRENCIES


def impossible_derived_targets(
    nodes: dict,
    candidates: Iterable[str],
    target_of: Callable[[str], float | None],
    derivation_of: Callable[[str], "Derivation | None"],
) -> Iterator[Finding]:
    """The A005 findings among ``candidates``: nodes whose derived target is below zero.

    Args:
        nodes: The goal file's nodes.
        candidates: Nodes whose target is derived and may be negative.
        target_of: Node id -> its target (declared or derived).
        derivation_of: Node id -> how its target was derived.
    """
    for node_id in candidates:
        node = nodes[node_id]
        value = target_of(node_id)
        derivation = derivation_of(node_id)
        if value is None or value >= 0 or node.target is not None or derivation is None:
            continue
        if derivation.rule not in _FROM_A_PARENT or not derivation.inputs or derivation.inputs[0] == node_id:
            continue  # a value its own children give is theirs to answer for
        if not counts_or_earns(node):
            continue
        parent = derivation.inputs[0]
        parent_target = target_of(parent)
        if parent_target is None or abs(value) <= 1e-9 * max(1.0, abs(parent_target)):
            continue  # floating-point dust around an exact zero
        others = [member for member in dict.fromkeys(derivation.inputs[1:]) if member != node_id]
        known = [(member, target_of(member)) for member in others]
        listed = ", ".join(f"{member} ({format_number(target)})" for member, target in known if target is not None)
        yield Finding(
            _(
                "the derived target of {node} is {value}, below zero, which {what} cannot be: "
                "{parent}'s target {parent_target} leaves {value} for it once {others} have theirs "
                "({derivation}); lower those targets, raise {parent}'s, or declare {node}'s target",
                node=node_id,
                value=format_number(value),
                what=_what(node),
                parent=parent,
                parent_target=format_number(parent_target),
                others=listed or _p("check", "the others"),
                derivation=derivation.text,
            ),
            node_id,
            ("nodes", node_id),
            key=True,
        )


def impossible_target_diagnostics(tree: "GoalTree", evaluation: "Evaluation") -> list[Diagnostic]:
    """A005 for ``goaltree evaluate``: the same findings as ``check``, from the evaluation's results."""
    from goaltree.rules.locate import locate

    candidates = evaluation.negative_derived_targets
    if not candidates:
        return []
    results = evaluation.nodes
    findings = impossible_derived_targets(
        tree.goal_file.nodes,
        candidates,
        lambda node_id: results[node_id].target,
        lambda node_id: results[node_id].target_derivation,
    )
    load = tree.load
    return [
        locate(
            load,
            Diagnostic(ImpossibleDerivedTarget.code, ImpossibleDerivedTarget.severity, f.message, node=f.node, path=f.path),
            key=f.key,
        )
        for f in findings
    ]


def _what(node: "Node") -> str:
    """What a node that cannot go below zero is, as the subject of "… cannot be": ``a count``, ``an amount of SEK``."""
    unit = parse_unit(node.unit)
    if unit is not None and unit.kind == "count":
        return wording.unit_name(unit)
    if unit is not None and _money(unit):
        return _p("check", "an amount of {currency}", currency=wording.unit_word(unit.text))
    return _p("check", "a value meant to increase")
