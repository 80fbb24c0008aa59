"""What the JSON (and the CSV) show of each node, worked out for a batch of nodes a field at a time.

A large tree's JSON is mostly the same 25 fields over and over. They are
read here as columns -- every node's target, then every node's baseline --
in the batch's order, so that each field is one pass over the batch, the
numbers of every column are rounded in one call, and a value shared by many
nodes (a deadline's text) is worked out once. The fields, their order and
their values are :func:`goaltree.engine.serialize.result_fields`'s for the
result :meth:`goaltree.engine.evaluate._Results.build` gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

from goaltree.engine.pace import score_of

if TYPE_CHECKING:
    from goaltree.engine.evaluate import _Results


def json_fields(
    results: "_Results", node_ids: Sequence[str], rounding: Callable[[list[float | None]], list] | None = None
) -> list[dict[str, Any]]:
    """What the JSON shows of each of ``node_ids``, in order, its numbers rounded by ``rounding``.

    Args:
        results: What the evaluation worked out.
        node_ids: The nodes, in the order wanted.
        rounding: Numbers -> each one rounded, in order, given every number of
            the batch at once (the ten number columns, then every node's
            attribution values and breakdown values); ``None`` leaves them as they are.
    """
    if not node_ids:
        return []
    tree = results.tree
    goal_file = tree.goal_file
    nodes = goal_file.nodes
    paces = results.paces
    count = len(node_ids)
    models = [nodes[node_id] for node_id in node_ids]
    infos = [paces[node_id] for node_id in node_ids]
    target = [info.target for info in infos]
    actual = [info.actual for info in infos]

    failed = results.failed
    is_failed = [node_id in failed for node_id in node_ids]
    target_origin = results.target_origins(node_ids, target)
    derivations = map(results.target_derivation, node_ids, target_origin)
    target_derivation = [None if derivation is None else derivation.text for derivation in derivations]
    actual_origin = list(map(results.actual_origin, node_ids, actual, is_failed))

    attribution, unscored = [], []
    for parts, left_out in map(results.gap_parts, node_ids, models):
        attribution.append(parts)
        unscored.append(left_out)
    breakdown = list(map(results.breakdown, node_ids, is_failed))

    measured, computed, forecasts, aggregate_of = results.measured, results.computed, results.forecasts, results.aggregate_of
    numbers: list[float | None] = [
        *target,
        *[node.baseline for node in models],
        *actual,
        *[None if node_failed else measured.get(node_id) for node_id, node_failed in zip(node_ids, is_failed)],
        *map(computed, node_ids),
        *[info.expected for info in infos],
        *[info.progress for info in infos],
        *[info.expected_progress for info in infos],
        *map(forecasts.get, node_ids),
        *map(score_of, infos, models, map(aggregate_of.__getitem__, node_ids)),
    ]
    for parts in attribution:
        numbers += parts.values()
    for values in breakdown:
        numbers += values.values()
    if rounding is not None:
        numbers = rounding(numbers)
    columns = [numbers[first : first + count] for first in range(0, 10 * count, count)]
    # zip stops at the end of its first argument, so each node's keys take one number apiece.
    attributed = iter(numbers[10 * count :])
    broken_down = iter(numbers[10 * count + sum(map(len, attribution)) :])

    file_owner = goal_file.owner
    deadlines = {deadline: deadline.isoformat() for deadline in {info.deadline for info in infos}}
    children_of, parents = tree.children, tree.parents
    return [
        {
            "title": node.title,
            "type": node.type,
            "unit": node.unit,
            "owner": node.owner or file_owner,
            "direction": node.direction,
            "target": target,
            "target_origin": origin,
            "target_derivation": derivation,
            "baseline": baseline,
            "actual": actual,
            "actual_origin": actual_from,
            "measured_actual": measured_actual,
            "computed_actual": computed_actual,
            "expected": expected,
            "progress": progress,
            "expected_progress": expected_progress,
            "status": info.status,
            "forecast": forecast,
            "score": score,
            "deadline": deadlines[info.deadline],
            "attribution": dict(zip(parts, attributed)),
            "unscored_children": left_out,
            "breakdown": dict(zip(values, broken_down)),
            "children": list(children_of(node_id)),
            "parents": list(parents.get(node_id, ())),
        }
        for (
            node_id, node, info, origin, derivation, actual_from, parts, left_out, values,
            target, baseline, actual, measured_actual, computed_actual, expected, progress, expected_progress, forecast, score,
        ) in zip(
            node_ids, models, infos, target_origin, target_derivation, actual_origin, attribution, unscored, breakdown, *columns
        )
    ]  # fmt: skip
