"""The equations of a tree: one per formula and numeric rollup, ``node = f(children)``, and their index.

:mod:`goaltree.engine.equations` solves them; this module only states them and
says which equations a node takes part in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping

from goaltree.engine.percent import PercentReading, percent_units, read_percent
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


def values_of_names(values: Mapping[str, float], names: Iterable[str]) -> dict[str, float]:
    """The entries of ``values`` for ``names``: what a formula reads, without copying the whole tree."""
    return {name: values[name] for name in names if name in values}


class Equations(list):
    """A tree's equations, with the indexes the solver reads: built once, shared by the target and actual solves.

    Attributes:
        drivers: The tree's drivers, parents before children (:func:`drivers_in_order`).
    """

    def __init__(self, equations: Iterable[Equation], order: tuple[str, ...], drivers: list[str]) -> None:
        super().__init__(equations)
        self._order = order
        self.drivers = drivers
        self._index: EquationIndex | None = None

    def index(self) -> "EquationIndex":
        """Who takes part in which equation: built on first use, then shared by every solve."""
        if self._index is None:
            self._index = EquationIndex(self, self._order, in_order=True)
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

    def __init__(self, equations: list[Equation], order: tuple[str, ...], *, in_order: bool = False) -> None:
        """
        Args:
            equations: The equations.
            order: The tree's node ids in topological order.
            in_order: Whether ``equations`` are in the topological order of their nodes already
                (as :func:`equations_of` lists them), so no sorting is needed.
        """
        self.inputs_of = [equation.members for equation in equations]
        self.members_of = [tuple(dict.fromkeys(members)) for members in self.inputs_of]
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
        if in_order:
            self.by_rank = self.rank_of = range(len(equations))
        else:
            position = {node_id: place for place, node_id in enumerate(order)}
            self.by_rank = sorted(range(len(equations)), key=lambda index: (position[equations[index].node], index))
            rank_of = [0] * len(equations)
            for rank, index in enumerate(self.by_rank):
                rank_of[index] = rank
            self.rank_of = rank_of


def equations_of(tree: "GoalTree") -> Equations:
    """Every equation in the tree, in topological order of their nodes."""
    from goaltree.model import NUMERIC_ROLLUPS

    nodes = tree.goal_file.nodes
    formulas, formula_children, rollup_children = tree.formulas, tree.formula_children, tree.rollup_children
    percent = percent_units(tree) if formulas else frozenset()
    result = []
    drivers = []
    for node_id in tree.order:
        node = nodes[node_id]
        if node.type == "driver":
            drivers.append(node_id)
        formula = formulas.get(node_id)
        if formula is not None:
            if percent:
                formula = read_percent(formula, node_id, percent)
            result.append(Equation(node_id, "formula", formula_children[node_id], formula))
            continue
        children = rollup_children.get(node_id)
        if not children:
            continue
        rollup = node.effective_rollup
        if rollup in NUMERIC_ROLLUPS:
            weights = tuple(nodes[child].weight for child in children)
            result.append(Equation(node_id, rollup, children, None, weights))
    return Equations(result, tree.order, drivers)
