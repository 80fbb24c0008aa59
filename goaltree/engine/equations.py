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
from typing import TYPE_CHECKING, Callable, Container, Mapping

from goaltree.engine.percent import PercentReading, percent_units, read_percent
from goaltree.engine.results import Derivation
from goaltree.engine.system import Equation, EquationIndex, Equations, equations_of, total
from goaltree.errors import Diagnostic
from goaltree import codes
from goaltree.present.language import _, _n, current
from goaltree.present.numbers import format_change, format_fixed, format_percent, format_precise

if TYPE_CHECKING:
    from goaltree.formula import FormulaError
    from goaltree.graph import GoalTree
    from goaltree.model import Node

__all__ = [
    "Equation",
    "Equations",
    "PercentReading",
    "SolveOutcome",
    "Solver",
    "equations_of",
    "percent_units",
    "read_percent",
    "solve",
    "solve_actuals",
    "solve_targets",
    "total",
]


@dataclass
class SolveOutcome:
    """What a solve found: every known value, how each derived one was reached, and the problems met."""

    values: dict[str, float]
    derivations: dict[str, Derivation]
    diagnostics: list[Diagnostic]


number_text = format_precise
"""A number as a derivation sentence writes it (:func:`goaltree.present.numbers.format_precise`)."""


def percent_text(fraction: float, *, signed: bool = False) -> str:
    """A fraction as a derivation or a diagnostic writes it: ``33.3%`` (``+1.2%``) in English, ``33,3 %`` in Swedish.

    English keeps the form these sentences have always had (golden files
    compare them); another language takes :mod:`goaltree.present.numbers`'s.
    """
    if current().is_english:
        return format_fixed(fraction * 100, "+.1f" if signed else ".1f") + "%"
    return format_change(fraction) if signed else format_percent(fraction)


def value_text(value: float, unit: str | None) -> str:
    """A node's value as a derivation writes it: :func:`number_text`, a rate as the percent it is.

    A ``ratio`` of 0.3 is written 30 %, and a ``%`` node's 25 as 25 %: a
    formula takes both as the fraction, so ``won / opportunities = 25``
    would not add up as written.
    """
    if unit == "ratio":
        return number_text(value * 100) + " %"
    if unit == "%":
        return number_text(value) + " %"
    return number_text(value)


def _computed_text(equation: Equation, value: float, nodes: Mapping[str, "Node"]) -> str:
    unit = nodes[equation.node].unit
    return f"{equation.describe()} = {value_text(value, unit)}"  # a formula and a number: no words to translate


def _solved_text(equation: Equation, node_value: float, value: float, nodes: Mapping[str, "Node"], member: str) -> str:
    return _(
        "solved from {equation} with {node} = {node_value}: {value}",
        equation=equation.describe(),
        node=equation.node,
        node_value=value_text(node_value, nodes[equation.node].unit),
        value=value_text(value, nodes[member].unit),
    )


class Solver:
    """Fills in the unknown members of a tree's equations from known values: one solve, of targets or of actuals.

    The solver is a worklist. An equation is looked at again only when one of
    its members becomes known (:meth:`learn`), and it is ready once at most
    one member is unknown (:meth:`solve_ready`). Targets may then be
    allocated top-down (:meth:`allocate_next`), the top-most equation whose
    node is known first, taken from a heap rather than a rescan.

    Attributes:
        values: Node id -> its value: the known ones, then each one learnt.
        derivations: Node id -> how its learnt value was reached, in the order learnt.
        diagnostics: The problems met (E008, E010, E026, and ``contradiction_code``).
    """

    def __init__(
        self,
        tree: "GoalTree",
        equations: list[Equation],
        known: Mapping[str, float],
        *,
        what: str,
        contradiction_code: str = codes.CONTRADICTING_TARGETS,
        contradiction_tolerance: float = 0.005,
        unknowable: Container[str] = frozenset(),
    ) -> None:
        """
        Args:
            tree: The goal tree the equations come from.
            equations: Its equations (:func:`equations_of`).
            known: The values given (declared targets, measured actuals).
            what: ``target`` or ``actual`` (used in messages).
            contradiction_code: Code of the warning for equations whose known members disagree.
            contradiction_tolerance: Relative gap above which they disagree.
            unknowable: Nodes never given a value: measured nodes without data, which no equation may fill in.
        """
        self.tree = tree
        self.unknowable = unknowable
        self.equations = equations
        self.what = what
        self.contradiction_code = contradiction_code
        self.contradiction_tolerance = contradiction_tolerance
        self.values: dict[str, float] = dict(known)
        self.derivations: dict[str, Derivation] = {}
        self.diagnostics: list[Diagnostic] = []
        index = equations.index() if isinstance(equations, Equations) else EquationIndex.of(equations, tree.order)
        self._index = index
        self._involved = index.involved
        # Every member is unknown until a known value says otherwise: work per known value, not per member.
        unknown_count = [len(members) for members in index.members_of]
        involved = index.involved
        for node_id in self.values:
            for equation_index in involved.get(node_id, ()):
                unknown_count[equation_index] -= 1
        self._unknown_count = unknown_count
        self._ready = [i for i, count in enumerate(unknown_count) if count <= 1]
        # Ranks of the equations whose node is known, the top-most first: kept from the first
        # allocation on, as only targets are allocated.
        self._allocatable: list[int] | None = None
        self._settled = [False] * len(equations)
        self._reported_zero: set[str] = set()
        self._reported_overflow: set[str] = set()

    def outcome(self) -> SolveOutcome:
        """What the solve found so far."""
        return SolveOutcome(self.values, self.derivations, self.diagnostics)

    def learn(self, node_id: str, value: float, derivation: Derivation) -> None:
        """Record a value and make ready every unsettled equation it leaves with at most one unknown."""
        self.values[node_id] = value
        self.derivations[node_id] = derivation
        allocatable = self._allocatable
        if allocatable is not None:
            rank_of = self._index.rank_of
            for equation_index in self._index.headed.get(node_id, ()):
                heapq.heappush(allocatable, rank_of[equation_index])
        unknown_count, ready, settled = self._unknown_count, self._ready, self._settled
        for equation_index in self._involved.get(node_id, ()):
            unknown_count[equation_index] -= 1
            # A settled equation stays settled: it would only be taken off the worklist again.
            if unknown_count[equation_index] <= 1 and not settled[equation_index]:
                ready.append(equation_index)

    def assume(self, assumed: Mapping[str, tuple[float, Derivation]]) -> None:
        """Learn assumed values (node id -> value and its ``assumed`` derivation, which gives the reason)."""
        for node_id, (value, derivation) in assumed.items():
            self.learn(node_id, value, derivation)

    def solve_ready(self) -> None:
        """Solve every equation with one unknown member, and check those with none, until none is left."""
        from goaltree.formula import FormulaError

        values, equations, settled, ready = self.values, self.equations, self._settled, self._ready
        unknown_count, inputs_of = self._unknown_count, self._index.inputs_of
        nodes = self.tree.goal_file.nodes
        while ready:
            index = ready.pop()
            if settled[index]:
                continue
            unknown = unknown_count[index]  # kept by learn(): no rescan of the members
            if unknown > 1:
                continue
            equation = equations[index]
            settled[index] = True
            if not unknown:
                self._check_consistency(equation)
                continue
            target = equation.node
            if target in values:  # the one unknown member is a child
                for target in equation.children:
                    if target not in values:
                        break
            if target in self.unknowable:
                continue  # settled: its one unknown stays unknown
            try:
                # The sentences read the units of the (frozen) nodes when they are written: most never are.
                if target == equation.node:
                    value = equation.evaluate(values)
                    rule = "formula" if equation.formula is not None else "rollup"
                    write, arguments = _computed_text, (equation, value, nodes)
                else:
                    node_value = values[equation.node]
                    value = equation.solve_child(target, node_value, values)
                    if value is None:
                        settled[index] = False
                        self._zero_divisor(equation, target, node_value, values)
                        continue
                    rule, write, arguments = "solved", _solved_text, (equation, node_value, value, nodes, target)
            except FormulaError as error:
                self._formula_error(equation, target, error)
                continue
            if value is None:
                continue
            if not math.isfinite(value):
                if target == equation.node:
                    detail = _("the result does not fit in a number")
                else:
                    detail = _("solving it for {node} gives a value that does not fit in a number", node=target)
                self._overflow(equation, target, detail)
                continue
            self.learn(target, value, Derivation.deferred(rule, write, arguments, inputs_of[index]))

    def allocate_next(self) -> bool:
        """Allocate the top-most equation whose node is known and whose children are not; whether one was."""
        from goaltree.engine.allocation import allocate  # allocation reads equations: imported when used

        values, equations, settled, allocatable = self.values, self.equations, self._settled, self._allocatable
        if allocatable is None:
            rank_of = self._index.rank_of
            allocatable = self._allocatable = [rank_of[i] for i, e in enumerate(equations) if e.node in values]
            heapq.heapify(allocatable)
        by_rank = self._index.by_rank
        while allocatable:
            index = by_rank[heapq.heappop(allocatable)]
            equation = equations[index]
            if settled[index]:
                continue
            unknown = [c for c in dict.fromkeys(equation.children) if c not in values]
            if len(unknown) < 2:
                continue
            allocation = allocate(self.tree, equation, unknown, values)
            if allocation is None:
                continue
            settled[index] = True
            beyond = [child for child, value, _ in allocation if not math.isfinite(value)]
            if beyond:
                for child in beyond:
                    share = _(
                        "allocating {node} {value} gives {child} no finite share",
                        node=equation.node,
                        value=number_text(values[equation.node]),
                        child=child,
                    )
                    self._overflow(equation, child, share)
                continue
            for child, value, derivation in allocation:
                self.learn(child, value, derivation)
            return True
        return False

    def report_underdetermined(self) -> None:
        """Error E010 for each formula whose node is known but whose several unknown children have no baseline."""
        nodes = self.tree.goal_file.nodes
        for index, equation in enumerate(self.equations):
            if self._settled[index] or equation.formula is None or equation.node not in self.values:
                continue
            unknown = [c for c in dict.fromkeys(equation.children) if c not in self.values]
            if len(unknown) < 2:
                continue
            missing = [c for c in unknown if nodes[c].baseline in (None, 0)]
            fields = {"unknown": ", ".join(unknown), "equation": equation.describe(), "missing": ", ".join(missing)}
            if missing:
                message = _n(
                    "cannot derive targets for {unknown} from {equation}: several are unknown and {missing} has "
                    "no baseline other than 0 to scale by a common growth factor; declare a target on all but one "
                    "of them, or give them baselines",
                    "cannot derive targets for {unknown} from {equation}: several are unknown and {missing} have "
                    "no baseline other than 0 to scale by a common growth factor; declare a target on all but one "
                    "of them, or give them baselines",
                    len(missing),
                    **fields,
                )
            else:
                message = _(
                    "cannot derive targets for {unknown} from {equation}: several are unknown and no common "
                    "growth factor of their baselines reaches the target; declare a target on all but one of them, "
                    "or check their baselines",
                    **fields,
                )
            self._report(codes.UNDERDETERMINED_TARGETS, "error", message, equation.node, ("nodes", equation.node, "formula"))

    def _check_consistency(self, equation: Equation) -> None:
        """Warn (``contradiction_code``) when an equation whose members are all known does not hold."""
        from goaltree.formula import FormulaError

        try:
            computed = equation.evaluate(self.values)
        except FormulaError as error:
            self._formula_error(equation, equation.node, error)
            return
        if not math.isfinite(computed):
            self._overflow(equation, equation.node, _("its children give a value that does not fit in a number"))
            return
        derivations = self.derivations
        if self.what == "actual" and any(getattr(derivations.get(m), "rule", None) == "assumed" for m in equation.members):
            return  # a planning assumption that did not hold is not two measurements that disagree
        stated = self.values[equation.node]
        scale = max(abs(stated), abs(computed))
        if scale == 0 or abs(stated - computed) <= self.contradiction_tolerance * scale:
            return
        what = self.what
        gap = stated - computed
        fields = {
            "equation": equation.describe(),
            "node": equation.node,
            "stated": number_text(stated),
            "computed": number_text(computed),
            "gap": number_text(gap),
            # Relative to the size of what the children give: its sign is the gap's, whatever theirs.
            "relative": f" ({percent_text(gap / abs(computed), signed=True)})" if computed else "",
        }
        if what == "target":
            message = _(
                "targets disagree with {equation}: {node} target is {stated} but its children give {computed}, "
                "a gap of {gap}{relative}; change one of the declared targets or leave one out to derive it",
                **fields,
            )
        else:
            message = _(
                "actuals disagree with {equation}: {node} actual is {stated} but its children give {computed}, "
                "a gap of {gap}{relative}; change one of the declared actuals or leave one out to derive it",
                **fields,
            )
        self._report(self.contradiction_code, "warning", message, equation.node, ("nodes", equation.node, what if what == "target" else "formula"))

    def _formula_error(self, equation: Equation, member: str, error: "FormulaError") -> None:
        """Report a division by zero (E008), or a result beyond float range or not a real number (E026), met solving for ``member``."""
        if error.kind == "division_by_zero":
            self._division_by_zero(equation, error.message)
        elif error.kind in ("domain", "undefined"):
            self._overflow(equation, member, error.message, undefined=error.kind == "undefined")

    def _division_by_zero(self, equation: Equation, reason: str) -> None:
        """Report once per node that its equation divides by zero, ``reason`` saying where: E008 for targets, M007 for actuals."""
        if equation.node in self._reported_zero:
            return
        self._reported_zero.add(equation.node)
        fields = {"equation": equation.describe(), "reason": reason}
        path = ("nodes", equation.node, "formula")
        if self.what == "target":
            message = _("division by zero in the targets of {equation}: {reason}", **fields)
            self._report(codes.DIVISION_BY_ZERO, "error", message, equation.node, path)
        else:  # the data, not the file: a warning, not an error that stops a report (docs/engine.md)
            message = _("{equation} gives no actual yet ({reason}); it reads as no data until the divisor's actual is not 0", **fields)
            self._report(codes.ACTUAL_DIVIDES_BY_ZERO, "warning", message, equation.node, path)

    def _zero_divisor(self, equation: Equation, member: str, node_value: float, values: Mapping[str, float]) -> None:
        """Report that ``member`` cannot be solved because a known member of the formula is 0 and divides it.

        ``leads = visits * conversion`` with a conversion of 0 leaves the visits
        unsolved: without a word they would read as no target at all (E008).
        Among actuals, a conversion rate is not solved from 0 visits (M007).
        """
        if equation.formula is None or equation.node in self._reported_zero:
            return
        known = {child: values[child] for child in equation.children if child != member and child in values}
        for name, value in known.items():
            if value == 0 and equation.solve_child(member, node_value, {**known, name: 1.0}) is not None:
                if self.what == "target":
                    self._division_by_zero(equation, _("solving it for {node} divides by {member}, which is 0", node=member, member=name))
                    return
                self._reported_zero.add(equation.node)
                message = _(
                    "the actual of '{node}' cannot be solved from {equation} yet: that divides by {divisor}, whose actual is 0",
                    node=member, equation=equation.describe(), divisor=name,
                )  # fmt: skip
                self._report(codes.ACTUAL_DIVIDES_BY_ZERO, "warning", message, member, ("nodes", equation.node, "formula"))
                return

    def _overflow(self, equation: Equation, member: str, detail: str, *, undefined: bool = False) -> None:
        """Report once per node that ``member``'s value is beyond float range, or has no real value, and is left unknown (E026).

        ``undefined``: there is no real number at all (a negative number to a fractional power), not one too large.
        """
        if member in self._reported_overflow:
            return
        self._reported_overflow.add(member)
        fields = {"node": member, "equation": equation.describe(), "detail": detail}
        if undefined and self.what == "target":
            message = _(
                "the target of '{node}' has no value in {equation} ({detail}), so it is left unknown; "
                "check the values it is computed from (a sign, a target below zero)",
                **fields,
            )
        elif undefined:
            message = _(
                "the actual of '{node}' has no value in {equation} ({detail}), so it is left unknown; "
                "check the values it is computed from (a sign, an actual below zero)",
                **fields,
            )
        elif self.what == "target":
            message = _(
                "the target of '{node}' overflows in {equation} ({detail}): it is beyond the largest number "
                "goaltree can hold (about 1.8e308) or not a number, so it is left unknown; check the magnitudes "
                "of the values it is computed from (a unit mix-up, a power too large)",
                **fields,
            )
        else:
            message = _(
                "the actual of '{node}' overflows in {equation} ({detail}): it is beyond the largest number "
                "goaltree can hold (about 1.8e308) or not a number, so it is left unknown; check the magnitudes "
                "of the values it is computed from (a unit mix-up, a power too large)",
                **fields,
            )
        path_field = "formula" if equation.formula is not None else "rollup"
        self._report(codes.NUMBER_OVERFLOW, "error", message, member, ("nodes", equation.node, path_field))

    def _report(self, code: str, severity: str, message: str, node_id: str, path: tuple[str, ...]) -> None:
        self.diagnostics.append(self.tree.locate(Diagnostic(code, severity, message, node=node_id, path=path)))


def solve(
    tree: "GoalTree",
    equations: list[Equation],
    known: dict[str, float],
    *,
    what: str,
    allocate: bool,
    defaults: Callable[[Container[str]], dict[str, tuple[float, Derivation]]] | None = None,
    contradiction_code: str = codes.CONTRADICTING_TARGETS,
    contradiction_tolerance: float = 0.005,
    unknowable: Container[str] = frozenset(),
) -> SolveOutcome:
    """Fill in unknown members of ``equations`` from the ``known`` values.

    Exact solving first; then the ``defaults`` are assumed and exact solving
    resumes; then, for targets, allocation top-down, exact solving resuming
    after each one (docs/engine.md, "Targets").

    Args:
        tree: The goal tree.
        equations: Its equations (:func:`equations_of`).
        known: The values given (declared targets, measured actuals).
        what: ``target`` or ``actual`` (used in messages).
        allocate: Whether several unknowns may be allocated top-down (targets only).
        defaults: Called when nothing else can be solved, with the known nodes (every
            other node is unknown); returns values to assume for unknown nodes (a
            driver keeps its baseline), each with its ``assumed`` derivation.
        contradiction_code: Code of the warning for equations whose known members disagree.
        contradiction_tolerance: Relative gap above which they disagree.
        unknowable: Nodes no equation may give a value (see :class:`Solver`).
    """
    solver = Solver(
        tree,
        equations,
        known,
        what=what,
        contradiction_code=contradiction_code,
        contradiction_tolerance=contradiction_tolerance,
        unknowable=unknowable,
    )
    solver.solve_ready()
    if defaults is not None:
        # Assumptions (a driver keeps its baseline) come before any allocation:
        # an assumed conversion rate is what lets a volume target be derived exactly.
        solver.assume(defaults(solver.values.keys()))
        solver.solve_ready()
    if allocate:
        while solver.allocate_next():
            solver.solve_ready()
        solver.report_underdetermined()
    return solver.outcome()


def _kept_baseline_text(baseline: float, unit: str | None) -> str:
    return _("no target declared: the driver is assumed to stay at its baseline {baseline}", baseline=value_text(baseline, unit))


def _planned_actual_text() -> str:
    return _("not measured: the planning assumption (its target) is used")


PLANNED_ACTUAL = Derivation.deferred("assumed", _planned_actual_text, ())
"""How the actual of a driver nobody measures is reached: one immutable derivation shared by every such driver."""


def drivers_in_order(tree: "GoalTree") -> list[str]:
    """The tree's drivers, parents before children: the nodes a solve may assume values for."""
    nodes = tree.goal_file.nodes
    return [node_id for node_id in tree.order if nodes[node_id].type == "driver"]


def solve_targets(tree: "GoalTree", equations: list[Equation] | None = None) -> SolveOutcome:
    """Declared and derived targets (SPEC §3.1): the one propagation ``evaluate`` and ``check`` share.

    A driver with a baseline but no target, that nothing determines, is assumed
    to stay at its baseline before any allocation. Drivers with the same
    baseline share one derivation, so its sentence is written once, not once
    per driver (a large plan repeats a few conversion rates thousands of times).

    Args:
        tree: The goal tree.
        equations: Its equations, when the caller has them already.
    """
    nodes = tree.goal_file.nodes
    declared = {node_id: node.target for node_id, node in nodes.items() if node.target is not None}

    def assume_baselines(known: Container[str]) -> dict[str, tuple[float, Derivation]]:
        assumed = {}
        # Keyed by the baseline, its sign and unit: 0.0 and -0.0 are equal keys but write differently.
        shared: dict[tuple[float, float, str | None], Derivation] = {}
        for node_id, baseline, unit in zip(drivers, baselines, units):
            if node_id in known:
                continue
            if baseline is not None:
                key = (baseline, math.copysign(1.0, baseline), unit)
                derivation = shared.get(key)
                if derivation is None:
                    derivation = shared[key] = Derivation.deferred("assumed", _kept_baseline_text, (baseline, unit))
                assumed[node_id] = (baseline, derivation)
        return assumed

    if equations is None:
        equations = equations_of(tree)
    if isinstance(equations, Equations):
        drivers, baselines, units = equations.drivers, equations.driver_baselines, equations.driver_units
    else:
        drivers = drivers_in_order(tree)
        baselines, units = [nodes[node_id].baseline for node_id in drivers], [nodes[node_id].unit for node_id in drivers]
    return solve(tree, equations, declared, what="target", allocate=True, defaults=assume_baselines)


def solve_actuals(
    tree: "GoalTree",
    equations: list[Equation],
    measured: Mapping[str, float],
    target_values: Mapping[str, float],
    unknowable: Container[str] = frozenset(),
) -> SolveOutcome:
    """Actuals rolled up, computed and solved from the measured ones (SPEC §3.2); never allocated.

    A driver nobody measures and no equation determines (years as a
    customer) keeps its planning value, its target, as its actual. Known
    members that disagree by more than 1 % are warning A004.

    Args:
        tree: The goal tree.
        equations: Its equations (:func:`equations_of`).
        measured: Node id -> its measured actual.
        target_values: Node id -> its target (:func:`solve_targets`), the planning values.
        unknowable: Measured nodes without a value (no rows by the evaluation date, a failed
            source): their actual stays unknown, never solved from the nodes around them.
    """
    nodes = tree.goal_file.nodes
    if isinstance(equations, Equations):
        headed: Container[str] = equations.index().headed
        drivers = equations.drivers
    else:
        headed, drivers = {equation.node for equation in equations}, drivers_in_order(tree)

    def assume_plans(known: Container[str]) -> dict[str, tuple[float, Derivation]]:
        assumed = {}
        for node_id in drivers:
            if node_id in known or node_id in headed or node_id not in target_values:
                continue
            node = nodes[node_id]
            if node.metric is None and not node.actuals:
                assumed[node_id] = (target_values[node_id], PLANNED_ACTUAL)
        return assumed

    return solve(
        tree,
        equations,
        dict(measured),
        what="actual",
        allocate=False,
        defaults=assume_plans,
        contradiction_code=codes.ACTUALS_DISAGREE,
        contradiction_tolerance=0.01,
        unknowable=unknowable,
    )
