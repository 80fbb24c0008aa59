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
from typing import TYPE_CHECKING, Callable, Container, Iterable

from goaltree.engine.results import Derivation
from goaltree.errors import Diagnostic

if TYPE_CHECKING:
    from goaltree.formula import Formula
    from goaltree.graph import GoalTree

DESCRIBED_CHILDREN = 8
"""A rollup equation names at most this many children in a derivation text; the rest are counted."""


@dataclass(frozen=True)
class Equation:
    """``node = formula(children)`` or ``node = rollup(children)``."""

    node: str
    kind: str  # "formula" or a numeric rollup: sum | mean | weighted_mean | min | max
    children: tuple[str, ...]
    formula: "Formula | None" = None
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
            return math.fsum(numbers)
        if self.kind == "mean":
            return math.fsum(numbers) / len(numbers)
        if self.kind == "weighted_mean":
            total = math.fsum(self.weights)
            if total == 0:
                return math.fsum(numbers) / len(numbers)
            return math.fsum(w * v for w, v in zip(self.weights, numbers)) / total
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
            return node_value - math.fsum(others)
        if self.kind == "mean":
            return node_value * len(self.children) - math.fsum(others)
        if self.kind == "weighted_mean":
            weight_of = dict(zip(self.children, self.weights))
            total = math.fsum(self.weights)
            if weight_of[child] == 0 or total == 0:
                return None
            rest = math.fsum(weight_of[c] * values[c] for c in self.children if c != child)
            return (node_value * total - rest) / weight_of[child]
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
    result = []
    for node_id in tree.order:
        formula = formulas.get(node_id)
        if formula is not None:
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
                continue
            if value is None or not math.isfinite(value):
                continue
            learn(target, value, deferred(rule, write, arguments, inputs_of[index]))

    def check_consistency(equation: Equation) -> None:
        try:
            computed = equation.evaluate(values)
        except FormulaError as error:
            if error.kind == "division_by_zero":
                division_by_zero(equation, error)
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
        remainder = target - math.fsum(values[c] for c in known_children)
        if any(_explicit_weight(tree, c) for c in unknown):
            weights = [nodes[c].weight for c in unknown]
            basis = "weight"
        elif all(nodes[c].baseline is not None for c in unknown) and math.fsum(
            nodes[c].baseline for c in unknown
        ) != 0:
            weights = [nodes[c].baseline for c in unknown]
            basis = "baseline share"
        else:
            weights = [1.0] * len(unknown)
            basis = "equal shares"
        total = math.fsum(weights)
        if total == 0:
            weights, total, basis = [1.0] * len(unknown), float(len(unknown)), "equal shares"
        result = []
        for child, weight in zip(unknown, weights):
            share = weight / total
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
        total = math.fsum(weight_of.values())
        unknown_weight = math.fsum(weight_of[c] for c in unknown)
        if unknown_weight == 0:
            return None
        rest = math.fsum(weight_of[c] * values[c] for c in known_children)
        value = (target * total - rest) / unknown_weight
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
