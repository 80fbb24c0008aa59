"""Evaluate a goal tree at a date: targets, actuals, pace, status, forecast and attribution."""

from __future__ import annotations

import datetime as dt
import math
from typing import Mapping, NamedTuple, Sequence

from goaltree.engine import pace
from goaltree.engine.equations import Equation, equations_of, solve, solve_targets
from goaltree.engine.results import Derivation, Evaluation, NodeResult, Observation
from goaltree.errors import Diagnostic, sort_key
from goaltree.graph import GoalTree


def inline_observations(tree: GoalTree) -> dict[str, tuple[Observation, ...]]:
    """The nodes' own ``actuals`` as observations."""
    return {
        node_id: tuple([Observation(date, float(value)) for date, value in sorted(node.actuals.items())])
        for node_id, node in tree.goal_file.nodes.items()
        if node.actuals and node.metric is None
    }


def evaluate(
    tree: GoalTree,
    as_of: dt.date | None = None,
    *,
    observations: Mapping[str, Sequence[Observation]] | None = None,
    failed: frozenset[str] = frozenset(),
    diagnostics: Sequence[Diagnostic] = (),
    snapshot: dict | None = None,
) -> Evaluation:
    """Evaluate ``tree`` at ``as_of`` (default today).

    Args:
        tree: A built goal tree (:func:`goaltree.graph.build`).
        as_of: The date to evaluate at.
        observations: Node id -> observations from metric sources. Nodes' inline
            ``actuals`` are always used for nodes without a ``metric``.
        failed: Nodes whose source failed: reported as ``no_data``.
        diagnostics: Diagnostics found before evaluation (loading, sources), kept in the result.
        snapshot: Which data snapshot the observations come from, for reports.
    """
    as_of = as_of or dt.date.today()
    goal_file = tree.goal_file
    nodes = goal_file.nodes
    start = goal_file.period.start
    found: list[Diagnostic] = list(diagnostics)

    aggregate_of = {node_id: node.effective_aggregate for node_id, node in nodes.items()}
    series_by_node: dict[str, Sequence[Observation]] = dict(inline_observations(tree))
    if observations:
        series_by_node.update(observations)

    equations = equations_of(tree)
    equation_of: dict[str, Equation] = {e.node: e for e in equations}

    # --- targets (SPEC §3.1) ---------------------------------------------------------------
    targets = solve_targets(tree, equations)
    declared = {node_id for node_id, node in nodes.items() if node.target is not None}
    found.extend(targets.diagnostics)

    # --- actuals (SPEC §3.2) ---------------------------------------------------------------
    measured: dict[str, float] = {}
    daily: dict[str, list[tuple[dt.date, float]]] = {}
    if as_of >= start:
        for node_id, series in series_by_node.items():
            if node_id not in nodes or node_id in failed:
                continue
            if observations and node_id in observations:
                days = pace.daily_totals(series, start, as_of)
            else:  # inline actuals: one value a day, already in date order
                days = [(o.date, 0.0 + o.value) for o in series if start <= o.date <= as_of]
            daily[node_id] = days
            value = pace.aggregate_series(days, aggregate_of[node_id])
            if value is not None:
                measured[node_id] = value

    def assume_plans(unknown: set[str]) -> dict[str, tuple[float, str]]:
        # A driver nobody measures (years as a customer) keeps its planning value.
        result = {}
        for node_id in tree.order:
            node = nodes[node_id]
            if (
                node_id in unknown
                and node.type == "driver"
                and node.metric is None
                and not node.actuals
                and node_id not in equation_of
                and node_id in targets.values
            ):
                result[node_id] = (targets.values[node_id], "not measured: the planning assumption (its target) is used")
        return result

    if as_of >= start:
        actuals = solve(
            tree,
            equations,
            measured,
            what="actual",
            allocate=False,
            defaults=assume_plans,
            contradiction_code="A004",
            contradiction_tolerance=0.01,
        )
        found.extend(d for d in actuals.diagnostics if d.code != "E008")
        actual_values = {k: v for k, v in actuals.values.items() if k not in failed}
        actual_derivations = actuals.derivations
    else:
        actual_values, actual_derivations = {}, {}

    computed: dict[str, float] = {}
    for node_id, equation in equation_of.items():
        if all(child in actual_values for child in equation.children):
            try:
                computed[node_id] = equation.evaluate(actual_values)
            except Exception:  # a division by zero in actuals leaves the computed value unknown
                pass

    # --- pace and status (SPEC §3.3–3.4), children before parents ----------------------------
    paces = _paces(tree, as_of, targets.values, actual_values, aggregate_of)

    # --- forecasts: observed trends, carried up through the equations -----------------------
    forecasts = _forecasts(tree, equation_of, daily, actual_values, paces, aggregate_of)

    # --- attribution (SPEC §3.5) ------------------------------------------------------------
    attributions: dict[str, dict[str, float]] = {}
    rollup_parents = tree.rollup_children
    for node_id in tree.order:
        equation = equation_of.get(node_id)
        if equation is None and node_id not in rollup_parents:
            continue  # a node without children has no gap to split
        parts = _attribute(tree, node_id, equation, paces)
        if parts:
            attributions[node_id] = parts

    # --- one result per node ------------------------------------------------------------------
    results: dict[str, NodeResult] = {}
    # The same for every node: written once (a large tree has a hundred thousand nodes).
    observed_span = f"from {start} to {min(as_of, goal_file.period.end) if as_of <= goal_file.period.end else as_of}"
    declared_derivation = Derivation("declared", "declared in the goal file")
    deferred = Derivation.deferred
    from_fields = NodeResult.from_fields
    target_derivations = targets.derivations
    formula_children_of = tree.formula_children
    rollup_children_of = tree.rollup_children
    parents_of = tree.parents
    children_of = tree.children
    file_owner = goal_file.owner
    empty: dict = {}
    for node_id, node in nodes.items():
        info = paces[node_id]
        progress = info.progress
        actual = info.actual
        aggregate = aggregate_of[node_id]
        if node_id in measured and node_id not in failed:
            actual_origin = "measured"
            actual_derivation = deferred(
                "measured",
                _measured_text,
                (aggregate, len(daily.get(node_id, ())), observed_span, node.metric.source if node.metric else None),
            )
        elif actual is not None:
            actual_derivation = actual_derivations.get(node_id)
            rule = actual_derivation.rule if actual_derivation else "rolled_up"
            actual_origin = "solved" if rule == "solved" else "assumed" if rule == "assumed" else "rolled_up"
        else:
            actual_origin, actual_derivation = None, None
        target = info.target
        if node_id in declared:
            target_origin, target_derivation = "declared", declared_derivation
        elif target is not None:
            target_origin, target_derivation = "derived", target_derivations.get(node_id)
        else:
            target_origin, target_derivation = None, None
        all_observations = tuple(series_by_node.get(node_id, ())) if node_id not in failed else ()
        # Inline actuals have no dimension, so only a source's observations can have a breakdown.
        if observations and node_id in observations and all_observations:
            breakdown = pace.breakdown(all_observations, start, as_of, aggregate)
        else:
            breakdown = {}
        results[node_id] = from_fields(
            {
                "id": node_id,
                "title": node.title,
                "type": node.type,
                "unit": node.unit,
                "owner": node.owner or file_owner,
                "direction": node.direction,
                "aggregate": aggregate,
                "rollup": node.effective_rollup,
                "formula": node.formula,
                "weight": node.weight,
                "baseline": node.baseline,
                "target": target,
                "target_origin": target_origin,
                "target_derivation": target_derivation,
                "deadline": info.deadline,
                "actual": actual,
                "actual_origin": actual_origin,
                "actual_derivation": actual_derivation,
                "measured_actual": measured.get(node_id) if node_id not in failed else None,
                "computed_actual": computed.get(node_id),
                "start_value": info.start_value,
                "expected": info.expected,
                "progress": progress,
                "expected_progress": info.expected_progress,
                "status": info.status,
                "forecast": forecasts.get(node_id),
                "score": None if progress is None else min(1.0, max(0.0, progress)),
                "attribution": attributions.get(node_id, {}),
                "children": children_of(node_id),
                "parents": parents_of.get(node_id, ()),
                "formula_children": formula_children_of.get(node_id, ()),
                "rollup_children": rollup_children_of.get(node_id, ()),
                "observations": all_observations,
                "breakdown": breakdown,
                "milestones": info.milestones,
            }
        )
    unique = list(dict.fromkeys(found))
    return Evaluation(
        tree_id=goal_file.id,
        title=goal_file.title,
        as_of=as_of,
        period_start=start,
        period_end=goal_file.period.end,
        nodes=results,
        diagnostics=tuple(sorted(unique, key=sort_key)),
        snapshot=snapshot,
    )


def _forecasts(
    tree: GoalTree,
    equation_of: Mapping[str, Equation],
    daily: Mapping[str, list[tuple[dt.date, float]]],
    actual_values: Mapping[str, float],
    paces: Mapping[str, "_Pace"],
    aggregate_of: Mapping[str, str],
) -> dict[str, float]:
    """Each node's value at its deadline if its observed trend goes on, children before parents."""
    start = tree.goal_file.period.start
    forecasts: dict[str, float] = {}
    isfinite = math.isfinite
    forecast_series = pace.forecast_series
    for node_id in reversed(tree.order):
        days = daily.get(node_id)
        value = None
        if days:
            value = forecast_series(days, aggregate_of[node_id], start, paces[node_id].deadline)
        else:
            equation = equation_of.get(node_id)
            if equation is not None:
                if all(child in forecasts for child in equation.children):
                    try:
                        value = equation.evaluate(forecasts)
                    except Exception:
                        value = None
            elif node_id in actual_values and aggregate_of[node_id] != "sum":
                value = actual_values[node_id]  # a level nobody observes over time stays where it is
        if value is not None and isfinite(value):
            forecasts[node_id] = value
    return forecasts


def _measured_text(aggregate: str, days: int, span: str, source: str | None) -> str:
    origin = f" (source {source})" if source is not None else " (inline actuals)"
    return f"{aggregate} of {days} day(s) of observations {span}{origin}"


class _Pace(NamedTuple):
    """Where one node stands: what :func:`_paces` works out, read by attribution and the results."""

    deadline: dt.date
    target: float | None
    actual: float | None
    start_value: float | None
    expected: float | None
    progress: float | None
    expected_progress: float | None
    status: str
    milestones: tuple[tuple[dt.date, float], ...]


def _paces(
    tree: GoalTree,
    as_of: dt.date,
    target_values: Mapping[str, float],
    actual_values: Mapping[str, float],
    aggregate_of: Mapping[str, str],
) -> dict[str, _Pace]:
    """Expected value, progress and status of every node (SPEC §3.3–3.4), children before parents."""
    goal_file = tree.goal_file
    nodes = goal_file.nodes
    start = goal_file.period.start
    period_end = goal_file.period.end
    thresholds = goal_file.thresholds
    on_track, at_risk = thresholds.on_track, thresholds.at_risk
    started = as_of >= start
    expected_at, progress_of, status_of = pace.expected_at, pace.progress_of, pace.status_of
    rollup_children_of = tree.rollup_children
    paces: dict[str, _Pace] = {}
    for node_id in reversed(tree.order):
        node = nodes[node_id]
        deadline = node.deadline or period_end
        target = target_values.get(node_id)
        actual = actual_values.get(node_id)
        flow = aggregate_of[node_id] == "sum"
        start_value = 0.0 if flow else node.baseline
        expected = progress = expected_progress = None
        milestones = tuple(sorted(node.milestones.items())) if node.milestones else ()
        if target is not None and started:
            expected = expected_at(as_of, start, deadline, start_value, target, milestones)
            expected_progress = progress_of(expected, target, start_value, node.direction)
            if actual is not None:
                progress = progress_of(actual, target, start_value, node.direction)
        status = status_of(
            as_of=as_of,
            start=start,
            deadline=deadline,
            direction=node.direction,
            flow=flow,
            actual=actual,
            target=target,
            progress=progress,
            expected_progress=expected_progress,
            value_range=node.range,
            on_track=on_track,
            at_risk=at_risk,
        )
        if target is None or actual is None:
            rollup_children = rollup_children_of.get(node_id)
            if rollup_children and node.effective_rollup == "progress":
                progress, expected_progress, status = _objective_progress(
                    rollup_children, paces, nodes, as_of, start, thresholds
                )
        paces[node_id] = _Pace(
            deadline,
            target,
            actual,
            start_value if target is not None else None,
            expected,
            progress,
            expected_progress,
            status,
            milestones,
        )
    return paces


def _objective_progress(
    children: Sequence[str],
    paces: Mapping[str, _Pace],
    nodes: Mapping,
    as_of: dt.date,
    start: dt.date,
    thresholds,
) -> tuple[float | None, float | None, str]:
    """Weighted mean of the children's progress, each clipped to [0, 1] (the OKR way)."""
    if as_of < start:
        return None, None, "not_started"
    scored = [c for c in children if paces[c].target is not None or paces[c].progress is not None]
    if not scored:
        return None, None, "no_data"
    if any(paces[c].progress is None or paces[c].expected_progress is None for c in scored):
        return None, None, "no_data"
    weights = [nodes[c].weight for c in scored]
    total = math.fsum(weights)
    if total == 0:
        weights, total = [1.0] * len(scored), float(len(scored))
    scores = [_objective_score(paces[c], nodes[c]) for c in scored]
    progress = math.fsum(w * score for w, (score, _) in zip(weights, scores)) / total
    expected = math.fsum(w * due for w, (_, due) in zip(weights, scores)) / total
    if progress >= 1.0:
        return progress, expected, "achieved"
    ratio = pace.ratio_of(progress, expected, decrease_flow=False)
    return progress, expected, pace.classify(ratio, thresholds.on_track, thresholds.at_risk)


def _objective_score(info: _Pace, node) -> tuple[float, float]:
    """A child's (score, expected score) in its objective, both in [0, 1].

    Progress is clipped so one over-achieved key result cannot hide a lagging
    one. A budget cap (a ``decrease`` flow) counts as on pace while spending
    stays at or under its pace, and loses score in proportion to overspending:
    its own progress (money spent) rising is not good news for the objective.
    """
    due = min(1.0, max(0.0, info.expected_progress))
    if node.direction == "decrease" and node.effective_aggregate == "sum":
        ratio = pace.ratio_of(info.progress, info.expected_progress, decrease_flow=True)
        return due * min(1.0, max(0.0, ratio)), due
    return min(1.0, max(0.0, info.progress)), due


def _attribute(
    tree: GoalTree, node_id: str, equation: Equation | None, paces: Mapping[str, _Pace]
) -> dict[str, float]:
    """Split the node's gap (actual − expected) among its children (SPEC §3.5)."""
    from goaltree.engine import attribution

    info = paces[node_id]
    nodes = tree.goal_file.nodes
    if equation is None:
        children = tree.rollup_children.get(node_id, ())
        if nodes[node_id].effective_rollup != "progress" or not children or info.actual is not None:
            return {}
        if info.progress is None or info.expected_progress is None:
            return {}
        scored = [c for c in children if paces[c].progress is not None and paces[c].expected_progress is not None]
        weights = {c: nodes[c].weight for c in scored}
        total = math.fsum(weights.values()) or 1.0
        parts = {}
        for c in scored:
            score, due = _objective_score(paces[c], nodes[c])
            parts[c] = weights[c] * (score - due) / total
        return parts
    if info.actual is None or info.expected is None:
        return {}
    children = equation.children
    child_paces = [paces[c] for c in children]
    if any(p.actual is None or p.expected is None for p in child_paces):
        return {}
    actual = {c: p.actual for c, p in zip(children, child_paces)}
    expected = {c: p.expected for c, p in zip(children, child_paces)}
    gap = info.actual - info.expected
    try:
        if equation.formula is not None:
            parts = attribution.attribute_formula(equation.formula, expected, actual)
        elif equation.kind == "sum":
            parts = attribution.attribute_sum({c: actual[c] - expected[c] for c in children})
        elif equation.kind in ("mean", "weighted_mean"):
            weights = dict(zip(children, equation.weights)) if equation.kind == "weighted_mean" else None
            parts = attribution.attribute_mean(expected, actual, weights)
        else:
            explained = equation.evaluate(actual) - equation.evaluate(expected)
            pick = min if equation.kind == "min" else max
            decisive = pick(children, key=lambda c: actual[c])
            parts = {c: (explained if c == decisive else 0.0) for c in children}
    except Exception:  # attribution is an explanation; a numeric failure must not stop the evaluation
        return {}
    explained = math.fsum(parts.values())
    residual = gap - explained
    if abs(residual) > 1e-9 * max(1.0, abs(gap), abs(explained)):
        # The node's own measurement (or a declared target the children contradict)
        # differs from what the children add up to: show that part as such.
        parts["_unexplained"] = residual
    return parts
