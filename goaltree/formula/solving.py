"""Solving a formula: for one of its node ids, or for one growth factor of several (SPEC §3.1).

Exact where the formula can be inverted along the path to the node id
(:mod:`goaltree.formula.algebra`), closed-form where it is homogeneous in the
scaled ids, numeric otherwise (:mod:`goaltree.formula.roots`). Every answer is
checked by evaluating the formula at it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Mapping, Sequence

from goaltree.formula.algebra import InversionStep, homogeneous_degree, invert_step
from goaltree.formula.evaluation import CheckedEvaluator, no_value
from goaltree.formula.roots import bracket_and_solve
from goaltree.formula.tree import FormulaError, Number, names_in_order
from goaltree.present.language import _

if TYPE_CHECKING:
    from goaltree.formula.formula import Formula

NUMERIC_TOLERANCE = 1e-9
"""Relative miss within which a numeric solution is accepted."""


def require_values(formula: "Formula", values: Mapping[str, float], exclude: frozenset[str]) -> None:
    """Raise for the first node id (outside ``exclude``) that has no value, at its column.

    Raises:
        FormulaError: ``kind="unknown_name"`` naming the node id.
    """
    get = values.get
    if all(name in exclude or get(name) is not None for name in formula.names):
        return
    for node in names_in_order(formula.root):
        if node.id not in exclude and get(node.id) is None:
            raise FormulaError(no_value(node), node.column or None, "unknown_name", node.id)


def solve_for(formula: "Formula", name: str, result: float, values: Mapping[str, float]) -> float | None:
    """The value of ``name`` that makes ``formula`` equal ``result`` (see :meth:`Formula.solve_for`)."""
    names = formula.names
    if name not in names or not math.isfinite(result):
        return None
    get = values.get
    for other in names:
        if other != name and get(other) is None:
            require_values(formula, values, exclude=frozenset((name,)))  # raises
    # The formula's own names only: ``values`` may hold every node of a tree.
    environment = {other: values[other] for other in names if other in values}
    steps = formula.shape.inversion(names.index(name))
    if steps is not None:
        return _invert(formula, steps, result, environment, name)
    return _solve_numerically(formula, name, result, environment)


def solve_common_factor(
    formula: "Formula",
    result: float,
    baselines: Mapping[str, float],
    unknowns: Sequence[str],
    values: Mapping[str, float],
) -> float | None:
    """The common growth factor of ``unknowns`` (see :meth:`Formula.solve_common_factor`)."""
    scaled = [name for name in dict.fromkeys(unknowns) if name in formula.names]
    if not scaled or not math.isfinite(result):
        return None
    missing = [name for name in scaled if baselines.get(name) is None]
    if missing:
        raise ValueError(_("no baseline for {nodes}: a common growth factor needs one", nodes=", ".join(missing)))
    base = {name: float(baselines[name]) for name in scaled}
    require_values(formula, values, exclude=frozenset(scaled))
    template = formula.template()
    if template is formula:
        return _common_factor(formula, result, base, scaled, dict(values))
    # The template over the same values gives the same factor, and its analyses are shared.
    own = dict(zip(formula.names, template.names))
    environment = dict(zip(template.names, map(values.get, formula.names)))
    return _common_factor(
        template, result, {own[name]: value for name, value in base.items()}, [own[name] for name in scaled], environment
    )


def _common_factor(
    formula: "Formula", result: float, base: dict[str, float], scaled: list[str], environment: dict[str, float]
) -> float | None:
    """:meth:`solve_common_factor` once baselines and values are checked."""

    def evaluate_at(factor: float) -> float:
        for name in scaled:
            environment[name] = base[name] * factor
        return formula.evaluate(environment)

    environment.update(base)
    try:
        degree = homogeneous_degree(
            formula.root, frozenset(scaled), CheckedEvaluator(formula.text, environment)
        )
    except FormulaError as error:
        if error.kind == "unknown_name":
            raise
        degree = None  # an exponent is undefined; the numeric search will say None too
    if degree is not None:
        if degree == 0:
            return None
        try:
            at_baseline = evaluate_at(1.0)
        except FormulaError as error:
            if error.kind == "unknown_name":
                raise
            return None
        ratio = result / at_baseline if at_baseline else 0.0
        if ratio <= 0:
            return None
        try:
            factor = math.exp(math.log(ratio) / degree)
            evaluate_at(factor)
        except (OverflowError, FormulaError):
            return None
        return factor

    scale: list[float] = []

    def residual(log_factor: float) -> float | None:
        try:
            value = evaluate_at(math.exp(log_factor))
        except FormulaError as error:
            if error.kind == "unknown_name":
                raise
            return None
        except OverflowError:
            return None
        scale.append(abs(value))
        return value - result

    offsets = [2.0**k for k in range(-7, 10)] + [700.0]
    log_factor = bracket_and_solve(residual, 0.0, offsets, xtol=1e-15)
    if log_factor is None:
        return None
    factor = math.exp(log_factor)
    try:
        reached = evaluate_at(factor)
    except FormulaError:
        return None
    if abs(reached - result) > NUMERIC_TOLERANCE * max([abs(result), *scale[:3]]):
        return None
    return factor


def _invert(
    formula: "Formula",
    steps: tuple[InversionStep, ...],
    result: float,
    environment: dict[str, float],
    name: str,
) -> float | None:
    names = formula.names
    evaluator = None
    isfinite = math.isfinite
    target = result
    try:
        for op, on_left, other, position, child in steps:
            if op is None:  # a sign; on_left says whether it is a minus
                if on_left:
                    target = -target
                continue
            value = None
            if position is not None:  # a node id: read it here, as the checked lookup would
                value = environment.get(names[position])
                if value.__class__ is not float or not isfinite(value):
                    value = None  # not plainly a number: the checked walk judges it
            elif other.__class__ is Number:
                value = other.value
            if value is None or op == "**":
                if evaluator is None:
                    evaluator = formula.shape.checked_evaluator(environment, names)
                if value is None:
                    value = evaluator.evaluate(other)
            target = invert_step(op, on_left, target, value, child, environment, evaluator, name)
            if target is None or not isfinite(target):
                return None
    except FormulaError as error:
        if error.kind == "unknown_name":
            raise
        return None  # the rest of the formula is undefined: no value of name helps
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    environment[name] = target
    try:
        formula.evaluate(environment)
    except FormulaError:
        return None
    return target


def _solve_numerically(formula: "Formula", name: str, result: float, environment: dict[str, float]) -> float | None:
    current = environment.get(name)
    start = float(current) if current is not None and math.isfinite(current) and current != 0 else 1.0
    scale: list[float] = []

    def residual(point: float) -> float | None:
        environment[name] = point
        try:
            value = formula.evaluate(environment)
        except FormulaError as error:
            if error.kind == "unknown_name":
                raise
            return None
        scale.append(abs(value))
        return value - result

    magnitude = abs(start)
    offsets = [magnitude * 2.0**k for k in range(-4, 64)]
    point = bracket_and_solve(residual, start, offsets, xtol=magnitude * 1e-15)
    if point is None:
        return None
    reached = residual(point)
    if reached is None or abs(reached) > NUMERIC_TOLERANCE * max([abs(result), *scale[:3]]):
        return None  # a sign change across a pole, not a root
    return point
