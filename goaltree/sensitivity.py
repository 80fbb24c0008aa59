"""What moves a node's value: its elasticity to each input, one input moved at a time by a step.

The node is computed forward from its inputs through its formulas and
roll-ups; moving one input recomputes only the equations between it and the
node (:class:`_Model`), so every input of a wide tree costs one pass over its
own ancestors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

from goaltree.present.language import _, _n

if TYPE_CHECKING:
    from goaltree.engine.equations import Equation
    from goaltree.engine.results import Evaluation
    from goaltree.graph import GoalTree


@dataclass(frozen=True)
class Driver:
    """One input of a node and how far the node moves with it.

    Attributes:
        node: The input's id.
        value: The input's value the elasticity is taken at.
        elasticity: ``(dV/V) / (dx/x)``, by central difference.
        low: The node's value with the input moved down by the step.
        high: The node's value with the input moved up by the step.
    """

    node: str
    value: float
    elasticity: float
    low: float
    high: float


@dataclass(frozen=True)
class Sensitivity:
    """What moves one node's value.

    Attributes:
        node: The node.
        value: Its value with every input at its own value.
        drivers: The inputs, the largest elasticity (by size) first.
        skipped: Input id -> why it has no elasticity (unknown value, zero, a division by zero).
    """

    node: str
    value: float | None
    drivers: tuple[Driver, ...]
    skipped: dict[str, str]

    def to_json(self) -> dict:
        """``{"node", "value", "drivers": [{"node", "elasticity", "low", "high"}], "skipped"}``."""
        return {
            "node": self.node,
            "value": self.value,
            "drivers": [
                {"node": d.node, "elasticity": d.elasticity, "low": d.low, "high": d.high} for d in self.drivers
            ],
            "skipped": [{"node": node_id, "reason": reason} for node_id, reason in self.skipped.items()],
        }


def inputs_of(node_id: str, equation_of: Mapping[str, "Equation"]) -> list[str]:
    """The inputs ``node_id`` depends on through formulas and numeric roll-ups: the nodes no equation computes.

    In depth-first order of the formulas and roll-ups, each once.
    """
    return [current for current in _below(node_id, equation_of) if current != node_id and current not in equation_of]


def _below(node_id: str, equation_of: Mapping[str, "Equation"]) -> list[str]:
    """``node_id`` and every node its formulas and roll-ups reach, each once, depth first."""
    seen: set[str] = set()
    order: list[str] = []
    stack = [node_id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        order.append(current)
        equation = equation_of.get(current)
        if equation is not None:
            stack.extend(reversed(equation.children))
    return order


def values_on_actuals(evaluation: "Evaluation") -> dict[str, float]:
    """Each node's value for ``--on actual``: its actual at ``as_of``, a flow measured part-way at its forecast.

    A flow (``aggregate: sum``) whose deadline has not come has added up only
    part of its period: it is read at its forecast for the deadline (the
    year's leads, not the leads so far), or at its actual when it has no
    forecast. A level (``last``, ``max``, ``min``, ``mean``, …) is already
    where it stands: it is read at its actual, never at the trend's value for
    the deadline. Nodes without a value are left out.
    """
    values: dict[str, float] = {}
    for node_id, result in evaluation.nodes.items():
        value = result.actual
        if result.aggregate == "sum" and evaluation.as_of < result.deadline and result.forecast is not None:
            value = result.forecast
        if value is not None:
            values[node_id] = value
    return values


def top_nodes(tree: "GoalTree", equation_of: Mapping[str, "Equation"]) -> list[str]:
    """The nodes sensitivity looks at by default: computed nodes that no other equation uses.

    For a file whose roots are formulas or sums these are its roots; under an
    objective scored by progress, the top of each numeric chain.
    """
    used = {child for equation in equation_of.values() for child in equation.children}
    return [node_id for node_id in tree.order if node_id in equation_of and node_id not in used]


_FAR_FROM_OVERFLOW = 1e300
"""The largest value :meth:`_Model._shifted_sum` adds: a million of them still fit in a float."""


class _Model:
    """A node as a function of its inputs: computed once at the inputs' values, then again per moved input.

    Moving one input recomputes only the equations between it and the node,
    so looking at every input of a wide tree costs one pass over each
    input's ancestors, not one pass over the whole sub-tree.
    """

    def __init__(self, node_id: str, equation_of: Mapping[str, "Equation"], order: Sequence[str]) -> None:
        self.node_id = node_id
        self.equation_of = equation_of
        below = set(_below(node_id, equation_of))
        # Children before parents: the order every recomputation follows.
        self.heads = [n for n in reversed(order) if n in below and n in equation_of]
        self.position = {n: i for i, n in enumerate(self.heads)}
        users: dict[str, list[str]] = {}
        for head in self.heads:
            for child in dict.fromkeys(equation_of[head].children):
                users.setdefault(child, []).append(head)
        self.users = users

        # The last base computed, and per rollup the exact parts of its sum (_exact_parts), or its
        # two extreme children and its children (_shifted_extreme).
        self._base: tuple[dict[str, float], dict[str, tuple | None]] | None = None

    def _evaluate(self, head: str, values: Mapping[str, float]) -> float:
        equation = self.equation_of[head]
        return equation.evaluate({child: values[child] for child in equation.children})

    def base(self, inputs: Mapping[str, float]) -> dict[str, float]:
        """Every node between the inputs and the node, computed from ``inputs`` (raises on a division by zero)."""
        values = dict(inputs)
        for head in self.heads:
            values[head] = self._evaluate(head, values)
        self._base = (values, {})
        return values

    def _shifted_sum(self, head: str, changed: Mapping[str, float]) -> float | None:
        """A rollup's value with the ``changed`` children, from its base's exact parts; ``None`` when not a rollup.

        Recomputing a rollup of N children for each of its N moved inputs is
        quadratic. The base's children (times their weights, for a weighted
        mean) are kept as a few floats whose sum is exactly theirs (Shewchuk's
        partials, as ``math.fsum`` keeps them); the moved sum is ``fsum`` of
        those, minus each changed child's base term, plus its new one: the same
        correctly rounded float as ``fsum`` of all the terms, in time of the
        changed ones. A ``min`` or ``max`` keeps its two extreme children.
        """
        import math

        equation = self.equation_of[head]
        if equation.formula is not None or self._base is None:
            return None
        if equation.kind in ("min", "max"):
            return self._shifted_extreme(head, changed)
        if equation.kind not in ("sum", "mean", "weighted_mean"):
            return None
        base, exact = self._base
        if head not in exact:
            exact[head] = _exact_parts(equation, base)
        known = exact[head]
        if known is None:
            return None
        partials, weight_of, divisor = known
        weighted = equation.kind == "weighted_mean"
        terms = list(partials)
        for child, value in changed.items():
            weight = weight_of.get(child)
            if weight is None:
                continue
            was = base[child]
            if weighted:
                value, was = weight * value, weight * was
            if not abs(value) <= _FAR_FROM_OVERFLOW:
                return None
            terms += (-was, value)
        try:
            result = math.fsum(terms)
        except (OverflowError, ValueError):
            return None
        if result == 0 or not math.isfinite(result):
            return None  # the full sum decides the sign of a zero and what overflows
        return result if divisor is None else result / divisor

    def _shifted_extreme(self, head: str, changed: Mapping[str, float]) -> float | None:
        """A ``min`` or ``max`` with one changed child, from its base's two extreme children; ``None`` otherwise."""
        equation = self.equation_of[head]
        base, exact = self._base  # type: ignore[misc]
        if head not in exact:
            children = equation.children
            ranked = sorted(children, key=base.__getitem__, reverse=equation.kind == "max")
            exact[head] = (ranked[:2], frozenset(children)) if len(set(children)) == len(children) >= 2 else None
        known = exact[head]
        mine = [child for child in changed if known is not None and child in known[1]]
        if known is None or len(mine) != 1:
            return None
        (first, second), _children = known
        # The extreme of the others: the first, unless the changed child is the first.
        others, value = base[second] if mine[0] == first else base[first], changed[mine[0]]
        if value == others == 0:
            return None  # 0.0 or -0.0: the order of the children decides, as the full rollup reads them
        return min(others, value) if equation.kind == "min" else max(others, value)

    def moved(self, base: Mapping[str, float], input_id: str, value: float) -> float:
        """The node with ``input_id`` at ``value`` and every other input as in ``base``."""
        from collections import ChainMap

        changed: dict[str, float] = {input_id: value}
        values = ChainMap(changed, base)  # type: ignore[arg-type]
        affected: set[str] = set()
        stack = list(self.users.get(input_id, ()))
        while stack:
            head = stack.pop()
            if head not in affected:
                affected.add(head)
                stack.extend(self.users.get(head, ()))
        exact = self._base is not None and self._base[0] is base
        for head in sorted(affected, key=self.position.__getitem__):
            shifted = self._shifted_sum(head, changed) if exact else None
            changed[head] = self._evaluate(head, values) if shifted is None else shifted
        return values[self.node_id]


def _exact_parts(
    equation: "Equation", base: Mapping[str, float]
) -> tuple[list[float], dict[str, float], float | None] | None:
    """A sum's, mean's or weighted mean's kept parts (see :meth:`_Model._shifted_sum`), worked out once per base.

    Returns the Shewchuk partials of its terms (each child, times its weight
    for a weighted mean), each child's weight (1 unweighted), and what the sum
    is divided by (``None`` for a sum); ``None`` when the rollup has no exact
    shortcut: a child listed twice, a term near the float limit, weights that
    add up to 0.
    """
    from goaltree.engine.system import total

    children = equation.children
    numbers = [base[child] for child in children]
    if equation.kind == "weighted_mean":
        weight_sum = total(equation.weights)
        if weight_sum == 0:
            return None
        numbers = [weight * number for weight, number in zip(equation.weights, numbers)]
        weight_of, divisor = dict(zip(children, equation.weights)), weight_sum
    else:
        weight_of = dict.fromkeys(children, 1.0)
        divisor = None if equation.kind == "sum" else len(children)
    partials: list[float] = []
    for x in numbers:
        kept = 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low:
                partials[kept] = low
                kept += 1
            x = high
        partials[kept:] = [x]
    # Far from the largest float, so that neither sum can overflow on the way.
    if len(weight_of) != len(children) or not all(abs(x) <= _FAR_FROM_OVERFLOW for x in numbers):
        return None
    return partials, weight_of, divisor


def sensitivity(
    tree: "GoalTree",
    node_id: str,
    values: Mapping[str, float],
    step: float = 0.1,
) -> Sensitivity:
    """The elasticity of ``node_id`` to each of its inputs, at ``values``.

    The node is computed forward from its inputs through its formulas and
    roll-ups, so that declared targets above the inputs do not hold it still.
    Each input is moved down and up by ``step`` (a fraction: 0.1 is 10 %)
    with every other input kept, and the elasticity is the central difference
    ``((high - low) / value) / (2 * step)``.

    Args:
        tree: The goal tree.
        node_id: The node whose value is looked at.
        values: Node id -> value (targets, or actuals) for the inputs.
        step: How far each input is moved, as a fraction of its value (0 < step < 1).
    """
    import math

    from goaltree.engine.equations import equations_of
    from goaltree.formula import FormulaError

    equation_of = {equation.node: equation for equation in equations_of(tree)}
    inputs = inputs_of(node_id, equation_of)
    skipped: dict[str, str] = {}
    missing = [input_id for input_id in inputs if values.get(input_id) is None]
    if missing:
        # Every input is listed, each with its reason: the known ones move a node that has no value.
        without = _n(
            "{node} has no value while {inputs} is not known",
            "{node} has no value while {inputs} are not known",
            len(missing),
            node=node_id,
            inputs=", ".join(missing),
        )
        for input_id in inputs:
            skipped[input_id] = _("its value is not known") if values.get(input_id) is None else without
        return Sensitivity(node_id, None, (), skipped)
    known = {input_id: float(values[input_id]) for input_id in inputs}
    if node_id not in equation_of:
        return Sensitivity(node_id, values.get(node_id), (), skipped)

    model = _Model(node_id, equation_of, tree.order)
    failures = (FormulaError, ZeroDivisionError, OverflowError, ValueError)
    try:
        base = model.base(known)
        value: float | None = base[node_id]
    except failures:
        base, value = {}, None
    if value is None or not math.isfinite(value):
        reason = _("{node} cannot be computed", node=node_id)
        return Sensitivity(node_id, None, (), {**skipped, **{i: reason for i in inputs}})

    def computed(input_id: str, moved: float) -> float | None:
        try:
            result = model.moved(base, input_id, moved)
        except failures:
            return None
        return result if math.isfinite(result) else None

    drivers: list[Driver] = []
    for input_id in inputs:
        x = known[input_id]
        if x == 0:
            skipped[input_id] = _("its value is 0: a relative change of it means nothing")
            continue
        if value == 0:
            skipped[input_id] = _("{node} is 0: a relative change of it means nothing", node=node_id)
            continue
        low = computed(input_id, x * (1 - step))
        high = computed(input_id, x * (1 + step))
        if low is None or high is None:
            skipped[input_id] = _(
                "moving it by {step} leaves {node} without a value (a division by zero)", step=_step_text(step), node=node_id
            )
            continue
        elasticity = ((high - low) / value) / (2 * step)
        drivers.append(Driver(input_id, x, _significant(elasticity), _significant(low), _significant(high)))
    drivers.sort(key=lambda d: (-abs(d.elasticity), d.node))
    return Sensitivity(node_id, _significant(value), tuple(drivers), skipped)


def _significant(number: float) -> float:
    """``number`` to 12 significant digits: 0.9 is 0.9, not the 0.8999999999999999 that the float steps leave."""
    return float(f"{number:.12g}") + 0.0  # + 0.0 turns -0.0 into 0.0


def _step_text(step: float) -> str:
    """The step of a sensitivity in a sentence: ``10%`` in English (as it always read), ``10 %`` in Swedish."""
    from goaltree.present.language import current
    from goaltree.present.numbers import format_share

    return f"{step:.0%}" if current().is_english else format_share(step)
