"""Equations between a node and its children, and the solver that fills in unknowns.

Every formula and every numeric rollup is an equation ``node = f(children)``.
The same solver serves targets (SPEC §3.1) and actuals (§3.2): an equation
with exactly one unknown member is solved for it; targets may then also be
allocated top-down (remainders of sums, a common growth factor for formulas).
The solver is a worklist: an equation is looked at again only when one of its
members becomes known, so a large tree is solved in near-linear time.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Container, Iterable, Mapping, Sequence

from goaltree.engine.results import Derivation
from goaltree.errors import Diagnostic

if TYPE_CHECKING:
    from goaltree.formula import Formula
    from goaltree.graph import GoalTree

def total(numbers: Iterable[float]) -> float:
    """The exact sum of ``numbers``; ``inf`` or ``nan`` where it overflows, never an exception.

    ``math.fsum`` raises on an intermediate overflow (two values of 1e308); the
    solver turns a non-finite result into diagnostic E026 instead.
    """
    if not isinstance(numbers, list):
        numbers = list(numbers)
    try:
        return math.fsum(numbers)
    except (OverflowError, ValueError):  # ValueError: inf + -inf
        return sum(numbers)

class PercentReading:
    """A formula read the way a spreadsheet reads ``%`` values (SPEC §1).

    A ``%`` node holds percent (23 means 23 %). In the formula it stands for
    its fraction (0.23), and a formula node whose unit is ``%`` holds its
    formula's fraction times 100. This is the one place where node values
    enter and leave formula evaluation and solving, so targets, actuals,
    solved rates, growth factors and attribution all share the reading.

    It offers the methods of :class:`~goaltree.formula.Formula` the engine
    uses, on node values; everything else (``text``, ``root``, ``names``…)
    is the wrapped formula's.

    Attributes:
        formula: The formula as written.
        percent_names: The names whose node is in ``%``.
        percent_result: Whether the formula's own node is in ``%``.
    """

    __slots__ = ("formula", "percent_names", "percent_result", "names", "text")

    def __init__(self, formula: "Formula", percent_names: frozenset[str], percent_result: bool) -> None:
        self.formula = formula
        self.percent_names = percent_names
        self.percent_result = percent_result
        # Read on every solve step: kept here rather than looked up through __getattr__.
        self.names = formula.names
        self.text = formula.text

    def __getattr__(self, attribute: str):
        if attribute in self.__slots__:  # not set yet (a copy being built): never recurse
            raise AttributeError(attribute)
        return getattr(self.formula, attribute)

    def __str__(self) -> str:
        return self.formula.text

    def _fractions(self, values: Mapping[str, float]) -> dict[str, float]:
        """The formula's inputs, ``%`` values as fractions (division is exact for whole percent)."""
        percent = self.percent_names
        result = {}
        for name in self.names:
            if name in values:
                value = values[name]
                result[name] = value / 100 if name in percent and value is not None else value
        return result

    def _to_node(self, value: float) -> float:
        return value * 100 if self.percent_result else value

    def _from_node(self, value: float) -> float:
        return value / 100 if self.percent_result else value

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The node's value from its children's (see :meth:`Formula.evaluate`)."""
        return self._to_node(self.formula.evaluate(self._fractions(values)))

    def solve_for(self, name: str, result: float, values: Mapping[str, float]) -> float | None:
        """The value of the node ``name`` that gives the formula's node ``result`` (see :meth:`Formula.solve_for`)."""
        value = self.formula.solve_for(name, self._from_node(result), self._fractions(values))
        if value is None or name not in self.percent_names:
            return value
        return value * 100

    def solve_common_factor(
        self,
        result: float,
        baselines: Mapping[str, float],
        unknowns: Sequence[str],
        values: Mapping[str, float],
    ) -> float | None:
        """The common growth factor (see :meth:`Formula.solve_common_factor`); a factor has no unit."""
        return self.formula.solve_common_factor(
            self._from_node(result), self._fractions(baselines), unknowns, self._fractions(values)
        )

    def as_monomial(self) -> tuple[float, dict[str, float]] | None:
        """The formula on node values as ``constant * Π name ** exponent`` (see :meth:`Formula.as_monomial`)."""
        monomial = self.formula.as_monomial()
        if monomial is None:
            return None
        constant, exponents = monomial
        percent_power = math.fsum(exponent for name, exponent in exponents.items() if name in self.percent_names)
        return self._to_node(constant) / 100**percent_power, exponents


def percent_units(tree: "GoalTree") -> frozenset[str]:
    """The nodes whose unit is a percentage (``%``, ``percent``, ``procent``): they hold percent, not fractions."""
    from goaltree.model import is_percent_unit

    is_percent: dict[str, bool] = {}  # a tree has few distinct units and many nodes
    percent = []
    for node_id, node in tree.goal_file.nodes.items():
        text = node.unit
        if text is None:
            continue
        known = is_percent.get(text)
        if known is None:
            known = is_percent[text] = is_percent_unit(text)
        if known:
            percent.append(node_id)
    return frozenset(percent)


def read_percent(formula: "Formula", node_id: str, percent: frozenset[str]) -> "Formula | PercentReading":
    """``formula`` of ``node_id`` as it reads node values: wrapped only where a ``%`` node takes part."""
    names = percent.intersection(formula.names)
    if not names and node_id not in percent:
        return formula
    return PercentReading(formula, frozenset(names), node_id in percent)
DESCRIBED_CHILDREN = 8
"""A rollup equation names at most this many children in a derivation text; the rest are counted."""


@dataclass(frozen=True)
class Equation:
    """``node = formula(children)`` or ``node = rollup(children)``."""

    node: str
    kind: str  # "formula" or a numeric rollup: sum | mean | weighted_mean | min | max
    children: tuple[str, ...]
    formula: "Formula | PercentReading | None" = None
    weights: tuple[float, ...] = ()

    @property
    def members(self) -> tuple[str, ...]:
        return (self.node,) + self.children

    def describe(self) -> str:
        """``revenue = customers * clv`` or ``leads = sum(leads_web, leads_events)``."""
        if self.formula is not None:
            return f"{self.node} = {self.formula.text}"
        if len(self.children) > DESCRIBED_CHILDREN:
            # Every child's derivation quotes its parent's equation: naming all
            # children made each text grow with its siblings, the report quadratic.
            shown = ", ".join(self.children[: DESCRIBED_CHILDREN - 1])
            return f"{self.node} = {self.kind}({shown}, … and {len(self.children) - DESCRIBED_CHILDREN + 1} more)"
        return f"{self.node} = {self.kind}({', '.join(self.children)})"

    def evaluate(self, values: dict[str, float]) -> float:
        """The node's value from its children's (raises ``FormulaError`` on a division by zero)."""
        if self.formula is not None:
            return self.formula.evaluate(values)
        numbers = [values[child] for child in self.children]
        if self.kind == "sum":
            return total(numbers)
        if self.kind == "mean":
            return total(numbers) / len(numbers)
        if self.kind == "weighted_mean":
            weight_sum = total(self.weights)
            if weight_sum == 0:
                return total(numbers) / len(numbers)
            return total(w * v for w, v in zip(self.weights, numbers)) / weight_sum
        if self.kind == "min":
            return min(numbers)
        return max(numbers)

    def solve_child(self, child: str, node_value: float, values: dict[str, float]) -> float | None:
        """The value of ``child`` that satisfies the equation, the rest known."""
        if self.formula is not None:
            # Only the formula's own names: the solver copies the mapping it is given,
            # and ``values`` holds every node of the tree.
            return self.formula.solve_for(child, node_value, _restricted(values, self.formula.names))
        others = [values[c] for c in self.children if c != child]
        if self.kind == "sum":
            return node_value - total(others)
        if self.kind == "mean":
            return node_value * len(self.children) - total(others)
        if self.kind == "weighted_mean":
            weight_of = dict(zip(self.children, self.weights))
            weight_sum = total(self.weights)
            if weight_of[child] == 0 or weight_sum == 0:
                return None
            rest = total(weight_of[c] * values[c] for c in self.children if c != child)
            return (node_value * weight_sum - rest) / weight_of[child]
        if self.kind == "min" and others and min(others) >= node_value:
            return node_value
        if self.kind == "max" and others and max(others) <= node_value:
            return node_value
        return None


def _restricted(values: dict[str, float], names: Iterable[str]) -> dict[str, float]:
    """The entries of ``values`` for ``names``: what a formula reads, without copying the whole tree."""
    return {name: values[name] for name in names if name in values}


class Equations(list):
    """A tree's equations, with the indexes the solver reads: built once, shared by the target and actual solves."""

    def __init__(self, equations: Iterable[Equation], order: tuple[str, ...]) -> None:
        super().__init__(equations)
        self._order = order
        self._index: _Index | None = None

    def index(self) -> "_Index":
        if self._index is None:
            self._index = _Index(self, self._order)
        return self._index


class _Index:
    """Who takes part in which equation, for :func:`solve`'s worklist."""

    def __init__(self, equations: list[Equation], order: tuple[str, ...]) -> None:
        self.position = {node_id: index for index, node_id in enumerate(order)}
        # Each equation's members once, without repeats (``a * a``), in formula order.
        self.members_of = [tuple(dict.fromkeys(equation.members)) for equation in equations]
        self.inputs_of = [equation.members for equation in equations]
        involved: dict[str, list[int]] = {}
        for index, members in enumerate(self.members_of):
            for member in members:
                bucket = involved.get(member)
                if bucket is None:
                    involved[member] = [index]
                else:
                    bucket.append(index)
        self.involved = involved
        headed: dict[str, list[int]] = {}
        for index, equation in enumerate(equations):
            headed.setdefault(equation.node, []).append(index)
        self.headed = headed


def equations_of(tree: "GoalTree") -> Equations:
    """Every equation in the tree, in topological order of their nodes."""
    from goaltree.model import NUMERIC_ROLLUPS

    nodes = tree.goal_file.nodes
    formulas, formula_children, rollup_children = tree.formulas, tree.formula_children, tree.rollup_children
    percent = percent_units(tree) if formulas else frozenset()
    result = []
    for node_id in tree.order:
        formula = formulas.get(node_id)
        if formula is not None:
            if percent:
                formula = read_percent(formula, node_id, percent)
            result.append(Equation(node_id, "formula", formula_children[node_id], formula))
            continue
        children = rollup_children.get(node_id)
        if not children:
            continue
        rollup = nodes[node_id].effective_rollup
        if rollup in NUMERIC_ROLLUPS:
            weights = tuple(nodes[child].weight for child in children)
            result.append(Equation(node_id, rollup, children, None, weights))
    return Equations(result, tree.order)


@dataclass
class SolveOutcome:
    values: dict[str, float]
    derivations: dict[str, Derivation]
    diagnostics: list[Diagnostic]


def _fmt(value: float) -> str:
    if value == 0 or (abs(value) >= 0.01 and abs(value) < 1e15):
        text = f"{value:,.4f}".rstrip("0").rstrip(".")
        return text.replace(",", " ")
    return f"{value:.4g}"


def _computed_text(equation: Equation, value: float) -> str:
    return f"{equation.describe()} = {_fmt(value)}"


def _solved_text(equation: Equation, node_value: float, value: float) -> str:
    return f"solved from {equation.describe()} with {equation.node} = {_fmt(node_value)}: {_fmt(value)}"


def solve(
    tree: "GoalTree",
    equations: list[Equation],
    known: dict[str, float],
    *,
    what: str,
    allocate: bool,
    defaults: Callable[[Container[str]], dict[str, tuple[float, str]]] | None = None,
    contradiction_code: str = "A003",
    contradiction_tolerance: float = 0.005,
) -> SolveOutcome:
    """Fill in unknown members of ``equations`` from the ``known`` values.

    Args:
        what: ``target`` or ``actual`` (used in messages).
        allocate: Whether several unknowns may be allocated top-down (targets only).
        defaults: Called when nothing else can be solved, with the known nodes (every
            other node is unknown); returns values to assume for unknown nodes (a
            driver keeps its baseline) with the reason.
        contradiction_code: Code of the warning for equations whose known members disagree.
        contradiction_tolerance: Relative gap above which they disagree.
    """
    from goaltree.formula import FormulaError

    values = dict(known)
    derivations: dict[str, Derivation] = {}
    diagnostics: list[Diagnostic] = []
    shared = equations.index() if isinstance(equations, Equations) else _Index(equations, tree.order)
    position, members_of, inputs_of = shared.position, shared.members_of, shared.inputs_of
    involved, headed = shared.involved, shared.headed
    unknown_count = [sum(1 for member in members if member not in values) for members in members_of]
    ready = [i for i, n in enumerate(unknown_count) if n <= 1]
    # A heap of the equations whose node is known: allocation always takes the
    # top-most one, without rescanning every equation.
    allocatable = [(position[e.node], i) for i, e in enumerate(equations) if e.node in values]
    heapq.heapify(allocatable)
    settled = [False] * len(equations)
    reported_zero: set[str] = set()
    reported_overflow: set[str] = set()
    push = heapq.heappush
    deferred = Derivation.deferred

    def learn(node_id: str, value: float, derivation: Derivation) -> None:
        values[node_id] = value
        derivations[node_id] = derivation
        heads = headed.get(node_id)
        if heads:
            for index in heads:
                push(allocatable, (position[node_id], index))
        for index in involved.get(node_id, ()):
            unknown_count[index] -= 1
            if unknown_count[index] <= 1:
                ready.append(index)

    def division_by_zero(equation: Equation, error: FormulaError) -> None:
        if equation.node in reported_zero:
            return
        reported_zero.add(equation.node)
        diagnostics.append(
            tree.locate(
                Diagnostic(
                    "E008",
                    "error",
                    f"division by zero in the {what}s of {equation.describe()}: {error.message}",
                    node=equation.node,
                    path=("nodes", equation.node, "formula"),
                )
            )
        )

    def overflow(equation: Equation, member: str, detail: str) -> None:
        """Report once per node and solve that ``member``'s value is beyond float range (E026)."""
        if member in reported_overflow:
            return
        reported_overflow.add(member)
        path_field = "formula" if equation.formula is not None else "rollup"
        diagnostics.append(
            tree.locate(
                Diagnostic(
                    "E026",
                    "error",
                    f"the {what} of '{member}' overflows in {equation.describe()} ({detail}): it is beyond the "
                    f"largest number goaltree can hold (about 1.8e308) or not a number, so it is left unknown; "
                    "check the magnitudes of the values it is computed from (a unit mix-up, a power too large)",
                    node=member,
                    path=("nodes", equation.node, path_field),
                )
            )
        )

    def run_ready() -> None:
        while ready:
            index = ready.pop()
            if settled[index]:
                continue
            unknown = [m for m in members_of[index] if m not in values]
            if len(unknown) > 1:
                continue
            equation = equations[index]
            settled[index] = True
            if not unknown:
                check_consistency(equation)
                continue
            target = unknown[0]
            try:
                if target == equation.node:
                    value = equation.evaluate(values)
                    rule = "formula" if equation.formula is not None else "rollup"
                    write, arguments = _computed_text, (equation, value)
                else:
                    node_value = values[equation.node]
                    value = equation.solve_child(target, node_value, values)
                    if value is None:
                        settled[index] = False
                        continue
                    rule, write, arguments = "solved", _solved_text, (equation, node_value, value)
            except FormulaError as error:
                if error.kind == "division_by_zero":
                    division_by_zero(equation, error)
                elif error.kind == "domain":
                    overflow(equation, target, error.message)
                continue
            if value is None:
                continue
            if not math.isfinite(value):
                overflow(
                    equation,
                    target,
                    "the result does not fit in a number"
                    if target == equation.node
                    else f"solving it for {target} gives a value that does not fit in a number",
                )
                continue
            learn(target, value, deferred(rule, write, arguments, inputs_of[index]))

    def check_consistency(equation: Equation) -> None:
        try:
            computed = equation.evaluate(values)
        except FormulaError as error:
            if error.kind == "division_by_zero":
                division_by_zero(equation, error)
            elif error.kind == "domain":
                overflow(equation, equation.node, error.message)
            return
        if not math.isfinite(computed):
            overflow(equation, equation.node, "its children give a value that does not fit in a number")
            return
        stated = values[equation.node]
        scale = max(abs(stated), abs(computed))
        if scale == 0 or abs(stated - computed) <= contradiction_tolerance * scale:
            return
        gap = stated - computed
        relative = f" ({gap / computed:+.1%})" if computed else ""
        diagnostics.append(
            tree.locate(
                Diagnostic(
                    contradiction_code,
                    "warning",
                    f"{what}s disagree with {equation.describe()}: {equation.node} {what} is {_fmt(stated)} "
                    f"but its children give {_fmt(computed)}, a gap of {_fmt(gap)}{relative}; "
                    f"change one of the declared {what}s or leave one out to derive it",
                    node=equation.node,
                    path=("nodes", equation.node, what if what == "target" else "formula"),
                )
            )
        )

    def allocate_one() -> bool:
        """Allocate the top-most equation whose node is known and whose children are not."""
        while allocatable:
            _, index = heapq.heappop(allocatable)
            equation = equations[index]
            if settled[index]:
                continue
            unknown = [c for c in dict.fromkeys(equation.children) if c not in values]
            if len(unknown) < 2:
                continue
            allocation = _allocate(tree, equation, unknown, values)
            if allocation is None:
                continue
            beyond = [child for child, value, _, _ in allocation if not math.isfinite(value)]
            if beyond:
                settled[index] = True
                for child in beyond:
                    share = f"allocating {equation.node} {_fmt(values[equation.node])} gives {child} no finite share"
                    overflow(equation, child, share)
                continue
            settled[index] = True
            for child, value, text, rule in allocation:
                learn(child, value, Derivation(rule, text, equation.members))
            return True
        return False

    run_ready()
    if defaults is not None:
        # Assumptions (a driver keeps its baseline) come before any allocation:
        # an assumed conversion rate is what lets a volume target be derived exactly.
        assumed = defaults(values.keys())
        for node_id, (value, text) in assumed.items():
            learn(node_id, value, Derivation("assumed", text))
        run_ready()
    while allocate and allocate_one():
        run_ready()

    if allocate:
        for index, equation in enumerate(equations):
            if settled[index] or equation.formula is None or equation.node not in values:
                continue
            unknown = [c for c in dict.fromkeys(equation.children) if c not in values]
            if len(unknown) >= 2:
                missing = [c for c in unknown if tree.goal_file.nodes[c].baseline in (None, 0)]
                diagnostics.append(
                    tree.locate(
                        Diagnostic(
                            "E010",
                            "error",
                            f"cannot derive targets for {', '.join(unknown)} from {equation.describe()}: "
                            f"several are unknown and {', '.join(missing) or 'some'} "
                            f"{'has' if len(missing) == 1 else 'have'} no baseline to scale by a common growth factor; "
                            "declare a target on all but one of them, or give them baselines",
                            node=equation.node,
                            path=("nodes", equation.node, "formula"),
                        )
                    )
                )
    return SolveOutcome(values, derivations, diagnostics)


def _explicit_weight(tree: "GoalTree", node_id: str) -> bool:
    return "weight" in tree.goal_file.nodes[node_id].model_fields_set


def _allocate(
    tree: "GoalTree", equation: Equation, unknown: list[str], values: dict[str, float]
) -> list[tuple[str, float, str, str]] | None:
    """Split a known node target among several unknown children (SPEC §3.1 rules 2 and 3)."""
    nodes = tree.goal_file.nodes
    target = values[equation.node]
    known_children = [c for c in equation.children if c in values]
    if equation.kind == "sum":
        remainder = target - total(values[c] for c in known_children)
        if any(_explicit_weight(tree, c) for c in unknown):
            weights = [nodes[c].weight for c in unknown]
            basis = "weight"
        elif all(nodes[c].baseline is not None for c in unknown) and total(
            nodes[c].baseline for c in unknown
        ) != 0:
            weights = [nodes[c].baseline for c in unknown]
            basis = "baseline share"
        else:
            weights = [1.0] * len(unknown)
            basis = "equal shares"
        weight_sum = total(weights)
        if weight_sum == 0:
            weights, weight_sum, basis = [1.0] * len(unknown), float(len(unknown)), "equal shares"
        result = []
        for child, weight in zip(unknown, weights):
            share = weight / weight_sum
            value = remainder * share
            result.append(
                (
                    child,
                    value,
                    f"allocated from {equation.describe()}: remainder {_fmt(remainder)} of "
                    f"{equation.node} {_fmt(target)} by {basis} ({share:.1%})",
                    "allocated",
                )
            )
        return result
    if equation.kind in ("mean", "weighted_mean"):
        if equation.kind == "mean":
            weight_of = dict.fromkeys(equation.children, 1.0)
        else:
            weight_of = dict(zip(equation.children, equation.weights))
        weight_sum = total(weight_of.values())
        unknown_weight = total(weight_of[c] for c in unknown)
        if unknown_weight == 0:
            return None
        rest = total(weight_of[c] * values[c] for c in known_children)
        value = (target * weight_sum - rest) / unknown_weight
        return [
            (child, value, f"set so that {equation.describe()} reaches {_fmt(target)}: {_fmt(value)}", "mean")
            for child in unknown
        ]
    if equation.formula is not None:
        baselines = {c: nodes[c].baseline for c in unknown}
        if any(b is None or b == 0 for b in baselines.values()):
            return None
        from goaltree.formula import FormulaError

        try:
            factor = equation.formula.solve_common_factor(
                target, baselines, unknown, _restricted(values, equation.formula.names)
            )
        except FormulaError:
            return None
        if factor is None or not math.isfinite(factor):
            return None
        return [
            (
                child,
                baselines[child] * factor,
                f"scaled from its baseline {_fmt(baselines[child])} by the common growth factor "
                f"{factor:.4g} that makes {equation.describe()} reach {_fmt(target)}",
                "growth_factor",
            )
            for child in unknown
        ]
    return None


def drivers_in_order(tree: "GoalTree") -> list[str]:
    """The tree's drivers, parents before children: the nodes a solve may assume values for."""
    nodes = tree.goal_file.nodes
    return [node_id for node_id in tree.order if nodes[node_id].type == "driver"]


def solve_targets(tree: "GoalTree", equations: list[Equation] | None = None) -> SolveOutcome:
    """Declared and derived targets (SPEC §3.1): the one propagation ``evaluate`` and ``check`` share.

    A driver with a baseline but no target, that nothing determines, is assumed
    to stay at its baseline before any allocation.

    Args:
        tree: The goal tree.
        equations: Its equations, when the caller has them already.
    """
    nodes = tree.goal_file.nodes
    declared = {node_id: node.target for node_id, node in nodes.items() if node.target is not None}

    def assume_baselines(known: Container[str]) -> dict[str, tuple[float, str]]:
        return {
            node_id: (
                nodes[node_id].baseline,
                f"no target declared: the driver is assumed to stay at its baseline {nodes[node_id].baseline:g}",
            )
            for node_id in drivers_in_order(tree)
            if node_id not in known and nodes[node_id].baseline is not None
        }

    if equations is None:
        equations = equations_of(tree)
    return solve(tree, equations, declared, what="target", allocate=True, defaults=assume_baselines)
