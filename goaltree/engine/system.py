"""The equations of a tree: one per formula and numeric rollup, ``node = f(children)``, and their index.

:mod:`goaltree.engine.equations` solves them; this module only states them and
says which equations a node takes part in.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple, Sequence

from goaltree.engine.percent import PercentReading, read_percent
from goaltree.present.language import _

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


DESCRIBED_CHILDREN = 8
"""A rollup equation names at most this many children in a derivation text; the rest are counted."""


class Equation(NamedTuple):
    """``node = formula(children)`` or ``node = rollup(children)``: immutable, one per formula and numeric rollup."""

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
            return _(
                "{node} = {rollup}({children}, … and {count} more)",
                node=self.node,
                rollup=self.kind,
                children=shown,
                count=len(self.children) - DESCRIBED_CHILDREN + 1,
            )
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
            return self.formula.solve_for(child, node_value, values)
        others = [values[c] for c in self.children if c != child]
        if self.kind == "sum":
            return node_value - total(others)
        if self.kind == "mean":
            return node_value * len(self.children) - total(others)
        if self.kind == "weighted_mean":
            weight_sum = total(self.weights)
            if weight_sum == 0:  # the plain mean, as :meth:`evaluate` reads it
                return node_value * len(self.children) - total(others)
            weight_of = dict(zip(self.children, self.weights))
            if weight_of[child] == 0:
                return None
            rest = total(weight_of[c] * values[c] for c in self.children if c != child)
            return (node_value * weight_sum - rest) / weight_of[child]
        if self.kind == "min" and others and min(others) >= node_value:
            return node_value
        if self.kind == "max" and others and max(others) <= node_value:
            return node_value
        return None


def values_of_names(values: Mapping[str, float], names: Iterable[str]) -> dict[str, float]:
    """The entries of ``values`` for ``names``: what a formula reads, without copying the whole tree."""
    return {name: values[name] for name in names if name in values}


class Equations(list):
    """A tree's equations, with the indexes the solver reads: built once, shared by the target and actual solves.

    Attributes:
        drivers: The tree's drivers, parents before children (:func:`drivers_in_order`).
        driver_baselines: Each driver's baseline, in the order of ``drivers``.
        driver_units: Each driver's unit, in the order of ``drivers``.
    """

    def __init__(
        self,
        equations: Iterable[Equation],
        order: tuple[str, ...],
        drivers: list[str],
        driver_baselines: list[float | None],
        driver_units: list[str | None],
    ) -> None:
        super().__init__(equations)
        self._order = order
        self.drivers = drivers
        self.driver_baselines = driver_baselines
        self.driver_units = driver_units
        self._index: EquationIndex | None = None

    def index(self) -> "EquationIndex":
        """Who takes part in which equation: built on first use, then shared by every solve."""
        if self._index is None:
            self._index = EquationIndex.of(self, self._order, in_order=True)
        return self._index


class EquationIndex:
    """Who takes part in which equation, for the :class:`Solver`'s worklist.

    Attributes:
        members_of: Each equation's members once, without repeats (``a * a``), in formula order.
        inputs_of: Each equation's members as written: the inputs of the values it gives.
        involved: Node id -> the equations it is a member of.
        headed: Node id -> the equations it is the node of.
        by_rank: The equations, top-most node first (topological order, then list order).
        rank_of: Each equation's place in ``by_rank``: the top-most is allocated first.
    """

    __slots__ = ("members_of", "inputs_of", "involved", "headed", "by_rank", "rank_of")

    def __init__(
        self,
        members_of: list[tuple[str, ...]],
        inputs_of: list[tuple[str, ...]],
        involved: dict[str, list[int]],
        headed: dict[str, list[int]],
        by_rank: Sequence[int],
        rank_of: Sequence[int],
    ) -> None:
        self.members_of = members_of
        self.inputs_of = inputs_of
        self.involved = involved
        self.headed = headed
        self.by_rank = by_rank
        self.rank_of = rank_of

    @classmethod
    def of(cls, equations: list[Equation], order: tuple[str, ...], *, in_order: bool = False) -> "EquationIndex":
        """The index of ``equations``.

        Args:
            equations: The equations.
            order: The tree's node ids in topological order.
            in_order: Whether ``equations`` are in the topological order of their nodes already
                (as :func:`equations_of` lists them), so no sorting is needed.
        """
        inputs_of = [equation.members for equation in equations]
        members_of = [tuple(dict.fromkeys(members)) for members in inputs_of]
        involved: dict[str, list[int]] = {}
        for index, members in enumerate(members_of):
            for member in members:
                bucket = involved.get(member)
                if bucket is None:
                    involved[member] = [index]
                else:
                    bucket.append(index)
        headed: dict[str, list[int]] = {}
        for index, equation in enumerate(equations):
            headed.setdefault(equation.node, []).append(index)
        if in_order:
            return cls(members_of, inputs_of, involved, headed, range(len(equations)), range(len(equations)))
        position = {node_id: place for place, node_id in enumerate(order)}
        by_rank = sorted(range(len(equations)), key=lambda index: (position[equations[index].node], index))
        rank_of = [0] * len(equations)
        for rank, index in enumerate(by_rank):
            rank_of[index] = rank
        return cls(members_of, inputs_of, involved, headed, by_rank, rank_of)


def equations_of(tree: "GoalTree") -> Equations:
    """Every equation in the tree, in topological order of their nodes, with their index (:meth:`Equations.index`)."""
    from goaltree.model import NUMERIC_ROLLUPS, is_percent_unit

    nodes = tree.goal_file.nodes
    formulas, formula_children, rollup_children = tree.formulas, tree.formula_children, tree.rollup_children
    order = tree.order
    # A file that lists parents before children is its own topological order: its nodes are
    # read as they are stored, without a lookup by id for each.
    in_order = nodes.items() if order == tuple(nodes) else [(node_id, nodes[node_id]) for node_id in order]
    drivers: list[str] = []
    driver_baselines: list[float | None] = []
    driver_units: list[str | None] = []
    percent = []
    is_percent: dict[str, bool] = {}  # a tree has few distinct units and many nodes
    equations: list[Equation] = []
    inputs_of: list[tuple[str, ...]] = []
    members_of: list[tuple[str, ...]] = []
    involved: dict[str, list[int]] = {}
    headed: dict[str, list[int]] = {}
    for node_id, node in in_order:
        unit = node.unit
        if node.type == "driver":
            drivers.append(node_id)
            driver_baselines.append(node.baseline)
            driver_units.append(unit)
        if unit is not None:
            known = is_percent.get(unit)
            if known is None:
                known = is_percent[unit] = is_percent_unit(unit)
            if known:
                percent.append(node_id)
        formula = formulas.get(node_id) if node.formula is not None else None
        if formula is not None:
            children = formula_children[node_id]
            equation = Equation(node_id, "formula", children, formula)
        elif node.rollup in NUMERIC_ROLLUPS and rollup_children.get(node_id):  # a numeric rollup is never a default
            children = rollup_children[node_id]
            weights = tuple([nodes[child].weight for child in children])
            if not any(weights):  # weights that add up to 0 weigh every child alike, on every side of the equation
                weights = (1.0,) * len(children)
            equation = Equation(node_id, node.rollup, children, None, weights)
        else:
            continue
        index = len(equations)
        equations.append(equation)
        inputs = (node_id, *children)
        inputs_of.append(inputs)
        # A formula's names and a node's children are distinct, and a node is not its own
        # child unless the graph has errors: then the members are the inputs.
        members_of.append(inputs if node_id not in children else tuple(dict.fromkeys(inputs)))
        headed[node_id] = [index]
        for member in inputs:
            bucket = involved.get(member)
            if bucket is None:
                involved[member] = [index]
            elif bucket[-1] != index:
                bucket.append(index)
    if percent:
        percent_nodes = frozenset(percent)
        for index, equation in enumerate(equations):
            if equation.formula is not None:
                equations[index] = equation._replace(formula=read_percent(equation.formula, equation.node, percent_nodes))
    result = Equations(equations, order, drivers, driver_baselines, driver_units)
    ranks = range(len(equations))
    result._index = EquationIndex(members_of, inputs_of, involved, headed, ranks, ranks)
    return result
