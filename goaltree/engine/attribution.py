"""Why a parent misses: split a parent's gap among its children (SPEC §3.5).

Every split here is *additive*: the parts add up to the parent's change, so a
report can say "leads explain 82 % of the revenue gap" and the percentages add
up to 100.

* Sums: each child's own gap (times its weight, for a weighted sum).
* Means: each child's weighted share of the gap.
* Formulas: a decomposition of ``f(actual) - f(expected)``:

  - **LMDI-I** (log-mean Divisia) where the formula is a pure product/quotient
    of its names and every value involved is positive:
    ``part_i = L(f1, f0) · e_i · ln(x1_i / x0_i)`` with ``L`` the logarithmic
    mean and ``e_i`` the name's exponent (``-1`` for a divisor). It treats
    every factor symmetrically and leaves no interaction residue. A node
    ``a * b`` or ``a / b`` of positive values, the most common formula, takes
    this closed form straight from its children's paces, with the general
    path's operations in the general path's order.
  - **Shapley** otherwise, up to :data:`SHAPLEY_LIMIT` changed names: each
    name's average marginal effect over every order of switching names from
    expected to actual. Exact by construction; ``2**n`` evaluations.
  - **Sequential** beyond that, or when a Shapley coalition cannot be
    evaluated (a division by zero in a mixed state): names are switched from
    expected to actual one at a time in formula order (then, if that order
    hits an undefined state, in reverse order), each part being the change its
    switch causes. The parts telescope to the total.

  A name whose value did not change gets exactly 0. Floating-point residue
  (``total - sum(parts)``, of the order of 1e-16 relative) is added to the
  largest part of a changed name, where it distorts least.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Literal, Mapping

from goaltree.engine.pace import NodePace, objective_terms
from goaltree.formula import Formula, FormulaError
from goaltree.formula.shapes import Shape
from goaltree.formula.tree import BinaryOp, Name
from goaltree.present.language import N_, _

if TYPE_CHECKING:
    from goaltree.engine.equations import Equation
    from goaltree.graph import GoalTree

__all__ = [
    "OWN_PACE",
    "OWN_PACE_WORDS",
    "SHAPLEY_LIMIT",
    "Attribution",
    "attribute_formula",
    "attribute_mean",
    "attribute_node",
    "attribute_sum",
    "decompose_formula",
    "own_pace_words",
    "shares",
]

OWN_PACE = "own pace"
"""The key of a parent's attribution that holds the rest of its gap: what its own
actual (a measurement, or a declared target the children contradict) does beyond
what its children add up to. Node ids cannot contain a space, so it never
collides with a child."""

OWN_PACE_WORDS = N_("its own pace differs from its parts")
"""How every output names :data:`OWN_PACE` in words, in English: print ``_(OWN_PACE_WORDS)``
(or :func:`own_pace_words`), which reads in the command's language."""


def own_pace_words() -> str:
    """:data:`OWN_PACE_WORDS` in the current language (``den egna takten avviker från delarnas``)."""
    return _(OWN_PACE_WORDS)


SHAPLEY_LIMIT = 12
"""Most changed names for an exact Shapley split (``2**12`` evaluations); beyond it, sequential."""

Method = Literal["unchanged", "lmdi", "shapley", "sequential", "partial"]


@dataclass(frozen=True)
class Attribution:
    """A formula's change split among its names.

    Attributes:
        parts: Node id -> its part of the change, in formula order. When
            ``complete`` is false, names whose part could not be computed are
            left out rather than guessed.
        total: ``f(actual) - f(expected)``.
        method: ``unchanged`` (nothing moved), ``lmdi``, ``shapley``,
            ``sequential``, or ``partial`` (the sequential split met a state
            the formula cannot be evaluated in; only the parts before it are given).
        complete: Whether ``parts`` add up to ``total``.
    """

    parts: dict[str, float]
    total: float
    method: Method
    complete: bool


def decompose_formula(
    formula: Formula, expected: Mapping[str, float], actual: Mapping[str, float]
) -> Attribution:
    """Split ``formula(actual) - formula(expected)`` among the formula's names.

    Args:
        formula: The parent's formula.
        expected: Each name's expected value.
        actual: Each name's actual value.

    Returns:
        The parts, the total, the method used and whether the parts are complete
        (see the module documentation for the choice of method).

    Raises:
        FormulaError: When the formula cannot be evaluated at ``expected`` or at
            ``actual`` (a missing value, a division by zero): then there is no
            gap to split.
    """
    return Attribution(*_decomposed(formula, expected, actual))


def _decomposed(
    formula: Formula, expected: Mapping[str, float], actual: Mapping[str, float]
) -> tuple[dict[str, float], float, Method, bool]:
    """:func:`decompose_formula`'s parts, total, method and completeness, without the object around them."""
    before = formula.evaluate(expected)
    after = formula.evaluate(actual)
    total = after - before
    names = formula.names
    changed = [name for name in names if float(actual[name]) != float(expected[name])]
    parts = dict.fromkeys(names, 0.0)
    if not changed:
        return parts, total, "unchanged", True

    lmdi = _lmdi(formula, expected, actual, before, after)
    if lmdi is not None:
        parts.update(lmdi)
        return _absorb_residue(parts, total, changed), total, "lmdi", True

    if len(changed) <= SHAPLEY_LIMIT:
        shapley = _shapley(formula, expected, actual, changed)
        if shapley is not None and _finite(shapley):
            parts.update(shapley)
            return _absorb_residue(parts, total, changed), total, "shapley", True

    for order in (changed, changed[::-1]):
        sequential, complete = _sequential(formula, expected, actual, order)
        if complete and _finite(sequential):
            parts.update(sequential)
            return _absorb_residue(parts, total, changed), total, "sequential", True
    # Every order met an undefined state. Report what is known and nothing else:
    # unchanged names (exactly 0) and the switches made before the first failure.
    sequential, _ = _sequential(formula, expected, actual, changed)
    known = {name: value for name, value in parts.items() if name not in changed}
    known.update((name, part) for name, part in sequential.items() if math.isfinite(part))
    return {name: known[name] for name in names if name in known}, total, "partial", False


def attribute_formula(
    formula: Formula, expected: Mapping[str, float], actual: Mapping[str, float]
) -> dict[str, float]:
    """The parts of :func:`decompose_formula`: node id -> its part of ``f(actual) - f(expected)``.

    The parts add up to the total (to floating-point rounding) except in the
    rare ``partial`` case, where names that could not be attributed are left
    out; use :func:`decompose_formula` to tell.

    Raises:
        FormulaError: When the formula cannot be evaluated at ``expected`` or ``actual``.
    """
    return _decomposed(formula, expected, actual)[0]


def attribute_sum(
    children_gaps: Mapping[str, float], weights: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Split a ``sum`` rollup's gap: each child's own gap (``actual - expected``).

    Args:
        children_gaps: Child id -> its gap.
        weights: For a weighted sum (``parent = Σ w·child``), each child's
            weight; missing children weigh 1. Leave out for a plain sum.

    Returns:
        Child id -> its part; the parts add up to the parent's gap.
    """
    if weights is None:
        return {child: float(gap) for child, gap in children_gaps.items()}
    return {child: float(weights.get(child, 1.0)) * float(gap) for child, gap in children_gaps.items()}


def attribute_mean(
    expected: Mapping[str, float],
    actual: Mapping[str, float],
    weights: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Split a ``mean`` or ``weighted_mean`` rollup's gap: each child's weighted share.

    The parent is ``Σ w·child / Σ w``, so child ``c``'s part is
    ``w_c · (actual_c - expected_c) / Σ w``; the parts add up to the parent's gap.

    Args:
        expected: Child id -> expected value.
        actual: Child id -> actual value (the same children).
        weights: Child id -> weight for a weighted mean; ``None`` for a plain
            mean. Missing children weigh 1.

    Returns:
        Child id -> its part, in the order of ``actual``.

    Raises:
        ValueError: When the weights add up to 0 (the mean is undefined).
    """
    children = list(actual)
    weight = {child: 1.0 if weights is None else float(weights.get(child, 1.0)) for child in children}
    total_weight = math.fsum(weight.values())
    if total_weight == 0:
        raise ValueError("the weights of a weighted mean add up to 0")
    return {
        child: weight[child] * (float(actual[child]) - float(expected[child])) / total_weight
        for child in children
    }


def shares(parts: Mapping[str, float], total: float) -> dict[str, float]:
    """Each part as a fraction of the total gap ("leads explain 82 % of the revenue gap").

    A part with the same sign as the total has a positive share. Shares may
    exceed 1 or be negative when children pull in opposite directions.

    Args:
        parts: Child id -> its part of the gap.
        total: The gap being explained.

    Returns:
        Child id -> ``part / total``; every share is 0.0 when the total is 0
        (or not a finite number): there is no gap to explain.
    """
    if total == 0 or not math.isfinite(total):
        return {child: 0.0 for child in parts}
    return {child: float(part) / total for child, part in parts.items()}


def attribute_node(
    tree: "GoalTree", node_id: str, equation: "Equation | None", paces: Mapping[str, NodePace]
) -> dict[str, float]:
    """Split a node's gap (actual − expected) among its children (SPEC §3.5).

    A formula or numeric rollup splits by the methods above; an objective
    (``rollup: progress``) by each scored child's weighted score gap. The
    part its children do not explain (its own measurement, or a declared
    target they contradict) is under :data:`OWN_PACE`. A gap that cannot be
    split (an unknown value, a numeric failure, a result beyond float range)
    gives no parts at all rather than wrong ones.

    Args:
        tree: The goal tree.
        node_id: The node whose gap is split.
        equation: The node's equation with its children, or ``None`` (an objective, a leaf).
        paces: Every node's pace (:func:`goaltree.engine.pace.paces_of`).
    """
    if equation is None:
        return _objective_parts(tree, node_id, paces)
    info = paces[node_id]
    if info.actual is None or info.expected is None:
        return {}
    gap = info.actual - info.expected
    parts = _two_factor_parts(equation, paces)
    if parts is None:
        actual: dict[str, float] = {}
        expected: dict[str, float] = {}
        for child in equation.children:
            child_pace = paces[child]
            value = child_pace.actual
            plan = _plan(child_pace)
            if value is None or plan is None:
                return {}
            actual[child] = value
            expected[child] = plan
        try:
            parts = _equation_parts(equation, expected, actual)
        except Exception:  # attribution is an explanation; a numeric failure must not stop the evaluation
            return {}
    if not math.isfinite(gap) or not _finite(parts):
        return {}  # a gap beyond float range has no parts worth printing
    explained = math.fsum(parts.values())
    residual = gap - explained
    if abs(residual) > 1e-9 * max(1.0, abs(gap), abs(explained)):
        # The node's own measurement (or a declared target the children contradict)
        # differs from what the children add up to: show that part as such.
        parts[OWN_PACE] = residual
    return parts


def _equation_parts(equation: "Equation", expected: Mapping[str, float], actual: Mapping[str, float]) -> dict[str, float]:
    """The children's parts of the change of an equation's value from ``expected`` to ``actual``."""
    children = equation.children
    if equation.formula is not None:
        return _decomposed(equation.formula, expected, actual)[0]
    if equation.kind == "sum":
        return attribute_sum({c: actual[c] - expected[c] for c in children})
    if equation.kind in ("mean", "weighted_mean"):
        weights = dict(zip(children, equation.weights)) if equation.kind == "weighted_mean" else None
        return attribute_mean(expected, actual, weights)
    # min / max: the decisive child moves the whole value.
    explained = equation.evaluate(actual) - equation.evaluate(expected)
    pick = min if equation.kind == "min" else max
    decisive = pick(children, key=lambda c: actual[c])
    return {c: (explained if c == decisive else 0.0) for c in children}


def _objective_parts(tree: "GoalTree", node_id: str, paces: Mapping[str, NodePace]) -> dict[str, float]:
    """An objective's score gap split among the children its score counts, each by its weight."""
    info = paces[node_id]
    nodes = tree.goal_file.nodes
    children = tree.rollup_children.get(node_id, ())
    if nodes[node_id].effective_rollup != "progress" or not children or info.actual is not None:
        return {}
    if info.progress is None or info.expected_progress is None:
        return {}
    terms = objective_terms(children, paces, tree)
    if not terms:
        return {}
    weight_sum = math.fsum(weight for _child, weight, _score, _due in terms)
    return {child: weight * (score - due) / weight_sum for child, weight, score, due in terms}


# --------------------------------------------------------------------------- #


def _logarithmic_mean(after: float, before: float) -> float:
    """``L(a, b) = (a - b) / ln(a / b)`` for a and b of the same sign; ``a`` when they are equal."""
    if after == before:
        return after
    log_ratio = _log_ratio(after, before)
    if log_ratio == 0:
        return after
    return (after - before) / log_ratio


def _log_ratio(after: float, before: float) -> float:
    """``ln(after / before)`` for two numbers of the same sign, without overflow or lost digits."""
    ratio = after / before
    if 0.5 < ratio < 2:
        return math.log1p((after - before) / before)  # precise when the two are close
    return math.log(abs(after)) - math.log(abs(before))  # no overflow when they are far apart


def _exponents(formula: Formula) -> Iterable[tuple[str, float]] | None:
    """Each name of a pure product/quotient with its exponent (:meth:`Formula.as_monomial`'s), else ``None``.

    Read by position from the formula's shape, which works the monomial form
    out once for every formula of that shape.
    """
    monomial = formula.shape.monomial()
    if monomial is None:
        return None
    _, exponents, by_position = monomial
    if by_position is None:  # a tree built by hand: its own template
        return exponents.items()
    names = formula.names
    return [(names[position], exponent) for position, exponent in by_position]


_INFINITY = math.inf


@lru_cache(maxsize=1024)
def _two_factor_exponent(shape: Shape) -> float | None:
    """The exponent of the second name of a shape ``a * b`` (``1.0``) or ``a / b`` (``-1.0``); else ``None``.

    Worked out once per shape: the exponents are :meth:`Shape.monomial`'s, as
    :func:`_lmdi` reads them, and the shape is checked to be just the two
    names, so that its compiled evaluator does exactly one ``*`` or ``/``.
    """
    root = shape.root
    names = shape.names
    if not (
        isinstance(root, BinaryOp)
        and root.op in ("*", "/")
        and len(names) == 2
        and isinstance(root.left, Name)
        and isinstance(root.right, Name)
        and (root.left.id, root.right.id) == names
    ):
        return None
    monomial = shape.monomial()
    if monomial is None or monomial[2] is None:
        return None
    exponents = dict(monomial[2])
    second = -1.0 if root.op == "/" else 1.0
    return second if exponents == {0: 1.0, 1: second} else None


def _two_factor_parts(equation: "Equation", paces: Mapping[str, NodePace]) -> dict[str, float] | None:
    """The children's parts when the equation is ``a * b`` or ``a / b`` of positive numbers; ``None`` otherwise.

    Most formulas of a goal tree multiply or divide two children
    (``revenue = customers * deal``), most often of positive values, whose
    split is LMDI's closed form. This reads the two children's paces and works
    the parts out directly, with the same operations in the same order as the
    compiled formula, :func:`_decomposed`, :func:`_lmdi` and
    :func:`_absorb_residue` (so the same floats), but without their general
    machinery. Anything else (another shape, a value that is not a positive
    float, a value beyond float range, a non-finite part) gives ``None``: the
    general path decides.
    """
    formula = equation.formula
    if type(formula) is not Formula:  # a rollup, or a percent reading, which evaluates otherwise
        return None
    names = formula.names
    exponent = _two_factor_exponent(formula.shape)
    if exponent is None or names != equation.children:
        return None
    first, second = names
    now_first, plan_first = paces[first].actual, _plan(paces[first])
    now_second, plan_second = paces[second].actual, _plan(paces[second])
    if not (
        type(plan_first) is float
        and type(now_first) is float
        and type(plan_second) is float
        and type(now_second) is float
        and 0.0 < plan_first < _INFINITY
        and 0.0 < now_first < _INFINITY
        and 0.0 < plan_second < _INFINITY
        and 0.0 < now_second < _INFINITY
    ):
        return None
    if exponent < 0:
        before = plan_first / plan_second
        after = now_first / now_second
    else:
        before = plan_first * plan_second
        after = now_first * now_second
    if not (0.0 < before < _INFINITY and 0.0 < after < _INFINITY):
        return None  # beyond float range: no value, or no LMDI split
    changed = [name for name, now, plan in ((first, now_first, plan_first), (second, now_second, plan_second)) if now != plan]
    if not changed:
        return {first: 0.0, second: 0.0}
    weight = _logarithmic_mean(after, before)
    first_part = weight * _log_ratio(now_first, plan_first)  # its exponent is 1
    second_part = weight * exponent * _log_ratio(now_second, plan_second)
    if not (math.isfinite(first_part) and math.isfinite(second_part)):
        return None
    return _absorb_residue({first: first_part, second: second_part}, after - before, changed)


def _plan(child: NodePace) -> float | None:
    """Where the plan puts a child at the evaluation's date: its expected value; a planning assumption's own value.

    A planning assumption is where the plan puts it: it moves no part of the gap.
    """
    return child.actual if child.status == "assumed" else child.expected


def _lmdi(
    formula: Formula,
    expected: Mapping[str, float],
    actual: Mapping[str, float],
    before: float,
    after: float,
) -> dict[str, float] | None:
    """The LMDI-I part of each name with a non-zero exponent, or ``None`` when LMDI does not apply.

    It applies to a pure product/quotient whose value and factors keep one
    sign (positive, for the factors) at both ends, when every part is a finite number.
    """
    if before == 0 or after == 0 or (before > 0) != (after > 0):
        return None
    exponents = _exponents(formula)
    if exponents is None:
        return None
    for name, exponent in exponents:
        if exponent != 0 and not (float(expected[name]) > 0 and float(actual[name]) > 0):
            return None
    weight = _logarithmic_mean(after, before)
    parts = {}
    for name, exponent in exponents:
        if exponent != 0:
            part = parts[name] = weight * exponent * _log_ratio(float(actual[name]), float(expected[name]))
            if not math.isfinite(part):
                return None
    return parts


def _shapley(
    formula: Formula, expected: Mapping[str, float], actual: Mapping[str, float], changed: list[str]
) -> dict[str, float] | None:
    count = len(changed)
    environment = {name: expected[name] for name in formula.names}
    worth: list[float] = []
    try:
        for mask in range(1 << count):
            for index, name in enumerate(changed):
                environment[name] = actual[name] if mask >> index & 1 else expected[name]
            worth.append(formula.evaluate(environment))
    except FormulaError:
        return None
    # weight[s] = s! (n - s - 1)! / n!: the chance that exactly a given s others switch first.
    weight = [
        math.factorial(size) * math.factorial(count - size - 1) / math.factorial(count) for size in range(count)
    ]
    popcount = [bin(mask).count("1") for mask in range(1 << count)]
    parts: dict[str, float] = {}
    for index, name in enumerate(changed):
        bit = 1 << index
        parts[name] = math.fsum(
            weight[popcount[mask]] * (worth[mask | bit] - worth[mask])
            for mask in range(1 << count)
            if not mask & bit
        )
    return parts


def _sequential(
    formula: Formula, expected: Mapping[str, float], actual: Mapping[str, float], order: list[str]
) -> tuple[dict[str, float], bool]:
    """Switch names from expected to actual in ``order``; stop at the first undefined state."""
    environment = {name: expected[name] for name in formula.names}
    parts: dict[str, float] = {}
    previous = formula.evaluate(environment)
    for name in order:
        environment[name] = actual[name]
        try:
            current = formula.evaluate(environment)
        except FormulaError:
            return parts, False
        parts[name] = current - previous
        previous = current
    return parts, True


def _finite(parts: Mapping[str, float]) -> bool:
    """Whether every part is a finite number."""
    return all(map(math.isfinite, parts.values()))


def _absorb_residue(parts: dict[str, float], total: float, changed: list[str]) -> dict[str, float]:
    """Add the floating-point residue to the largest part of a changed name so that the parts add up to the total.

    Unchanged names keep exactly 0. When every changed name's part rounds to 0
    (the total itself is below the rounding of the intermediate values), the
    first changed name takes the residue.
    """
    residue = total - math.fsum(parts.values())
    if residue and changed:
        largest = max(changed, key=lambda name: abs(parts[name]))
        parts[largest] += residue
    return parts
