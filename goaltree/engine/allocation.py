"""Allocation: splitting a known target among several unknown children (SPEC §3.1 rules 2 and 3).

The solver (:class:`goaltree.engine.equations.Solver`) allocates when exact
solving is stuck, the top-most equation first: a ``sum`` splits its
remainder by weight, baseline share or equally; a ``mean`` gives every
unknown child the value that makes it reach the target; a formula scales its
unknown children from their baselines by one common growth factor.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Mapping, Sequence

from goaltree.engine.equations import number_text, percent_text
from goaltree.engine.system import Equation, total, values_of_names
from goaltree.engine.results import Derivation
from goaltree.present.language import _
from goaltree.present.numbers import format_general

if TYPE_CHECKING:
    from goaltree.graph import GoalTree
    from goaltree.model import Node

ALLOCATION_RULES = frozenset({"allocated", "mean", "growth_factor"})
"""The rules of derivations made by :func:`allocate`: the children of one allocation share their inputs."""


def _allocated_text(equation: Equation, remainder: float, target: float, basis: str, share: float) -> str:
    fields = {
        "equation": equation.describe(),
        "remainder": number_text(remainder),
        "node": equation.node,
        "target": number_text(target),
        "share": percent_text(share),
    }
    if basis == "weight":
        return _("allocated from {equation}: remainder {remainder} of {node} {target} by weight ({share})", **fields)
    if basis == "baseline share":
        return _("allocated from {equation}: remainder {remainder} of {node} {target} by baseline share ({share})", **fields)
    return _("allocated from {equation}: remainder {remainder} of {node} {target} by equal shares ({share})", **fields)


def _mean_text(equation: Equation, target: float, value: float) -> str:
    return _(
        "set so that {equation} reaches {target}: {value}",
        equation=equation.describe(),
        target=number_text(target),
        value=number_text(value),
    )


def _scaled_text(equation: Equation, baseline: float, factor: float, target: float) -> str:
    return _(
        "scaled from its baseline {baseline} by the common growth factor {factor} that makes {equation} reach {target}",
        baseline=number_text(baseline),
        factor=format_general(factor, 4),
        equation=equation.describe(),
        target=number_text(target),
    )


def split_weights(children: Sequence["Node"]) -> tuple[list[float], str]:
    """How a sum's remainder is split among ``children``: each one's weight, and the basis.

    By weight when one of them states a ``weight``, else by baseline share when
    every one has a baseline and they do not add up to 0, else (or when the
    weights add up to 0) in equal shares.
    """
    baselines = [child.baseline for child in children]
    if any("weight" in child.model_fields_set for child in children):  # a weight written in the file
        weights, basis = [child.weight for child in children], "weight"
    elif None not in baselines and total(baselines) != 0:
        weights, basis = baselines, "baseline share"
    else:
        weights, basis = [1.0] * len(children), "equal shares"
    if total(weights) == 0:
        return [1.0] * len(children), "equal shares"
    return weights, basis


def allocate(
    tree: "GoalTree", equation: Equation, unknown: list[str], values: Mapping[str, float]
) -> list[tuple[str, float, Derivation]] | None:
    """Split a known node target among several unknown children (SPEC §3.1 rules 2 and 3).

    Every child's derivation has the same inputs, one tuple for all of them:
    the parent and the children already known (whose values the split
    depends on), never every sibling, so an allocation among N children keeps
    N names, not N².

    Returns:
        (child, value, derivation) for each unknown child, or ``None`` when
        the equation cannot be allocated (``min``/``max``, a formula child
        without a baseline, a weighted mean whose unknown children weigh nothing).
    """
    nodes = tree.goal_file.nodes
    target = values[equation.node]
    known_children = [c for c in dict.fromkeys(equation.children) if c in values]
    inputs = (equation.node, *known_children)
    if equation.kind == "sum":
        remainder = target - total([values[c] for c in known_children])
        weights, basis = split_weights([nodes[c] for c in unknown])
        weight_sum = total(weights)
        result = []
        for child, weight in zip(unknown, weights):
            share = weight / weight_sum
            arguments = (equation, remainder, target, basis, share)
            result.append((child, remainder * share, Derivation.deferred("allocated", _allocated_text, arguments, inputs)))
        return result
    if equation.kind in ("mean", "weighted_mean"):
        if equation.kind == "mean":
            weight_of = dict.fromkeys(equation.children, 1.0)
        else:
            weight_of = dict(zip(equation.children, equation.weights))
        weight_sum = total(list(weight_of.values()))
        unknown_weight = total([weight_of[c] for c in unknown])
        if unknown_weight == 0:
            return None
        rest = total([weight_of[c] * values[c] for c in known_children])
        value = (target * weight_sum - rest) / unknown_weight
        derivation = Derivation.deferred("mean", _mean_text, (equation, target, value), inputs)
        return [(child, value, derivation) for child in unknown]
    if equation.formula is not None:
        baselines = {c: nodes[c].baseline for c in unknown}
        if any(b is None or b == 0 for b in baselines.values()):
            return None
        from goaltree.formula import FormulaError

        try:
            factor = equation.formula.solve_common_factor(
                target, baselines, unknown, values_of_names(values, equation.formula.names)
            )
        except FormulaError:
            return None
        if factor is None or not math.isfinite(factor):
            return None
        return [
            (
                child,
                baselines[child] * factor,
                Derivation.deferred("growth_factor", _scaled_text, (equation, baselines[child], factor, target), inputs),
            )
            for child in unknown
        ]
    return None
