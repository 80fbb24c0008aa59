"""Observations turned into an actual (SPEC §3.2): merged per day, combined by the node's ``aggregate``, split by dimension."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Iterable, Sequence

from goaltree.engine.results import Observation
from goaltree.errors import Diagnostic
from goaltree.model import is_rate_unit
from goaltree.observations import merge
from goaltree.present.language import _
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.graph import GoalTree
    from goaltree.model import Node


def days_of(observations: Iterable[Observation], start: dt.date, end: dt.date) -> list[Observation]:
    """Observations between ``start`` and ``end`` (inclusive), merged per day across dimensions, by date."""
    days: dict[dt.date, list[Observation]] = {}
    for observation in observations:
        if start <= observation.date <= end:
            days.setdefault(observation.date, []).append(observation)
    return [merge(date, parts) for date, parts in sorted(days.items())]


def day_value(day: Observation, aggregate: str) -> float:
    """What one day shows for a node with ``aggregate``: its sum, or the mean, smallest or largest of its rows."""
    if day.rows is None or aggregate in ("sum", "last"):
        return day.value
    if aggregate == "mean":
        return day.value / day.rows
    if not day.extremes_known:
        return day.value / day.rows  # the day's mean is all that is known of its rows
    if aggregate == "min":
        return day.smallest
    return day.largest


def daily_values(observations: Iterable[Observation], start: dt.date, end: dt.date, aggregate: str) -> list[tuple[dt.date, float]]:
    """The node's value per day between ``start`` and ``end``, as a chart or a trend reads it."""
    return [(day.date, day_value(day, aggregate)) for day in days_of(observations, start, end)]


def aggregate_days(days: Sequence[Observation], aggregate: str) -> float | None:
    """Combine the days of :func:`days_of` into one period-to-date value; ``None`` when there are none.

    ``sum`` adds every row; ``last`` is the last day's sum of rows; ``mean``,
    ``min`` and ``max`` are over every row of the period, so that a day with
    three deals weighs three times a day with one. Days' values that are not
    made of rows (a ``count``) are combined day by day instead.
    """
    if not days:
        return None
    if aggregate == "sum":
        return math.fsum(day.value for day in days)
    if aggregate == "last":
        return days[-1].value
    if any(day.rows is None for day in days):
        return aggregate_series([(day.date, day.value) for day in days], aggregate)
    if aggregate == "mean":
        return math.fsum(day.value for day in days) / sum(day.rows for day in days)  # type: ignore[misc]
    if not all(day.extremes_known for day in days):
        return None  # rows fetched without their extremes (for another aggregate): no smallest to give
    if aggregate == "min":
        return min(day.smallest for day in days)
    return max(day.largest for day in days)


def aggregate_observations(observations: Iterable[Observation], start: dt.date, end: dt.date, aggregate: str) -> float | None:
    """The period-to-date value of ``observations`` between ``start`` and ``end``; ``None`` without any."""
    return aggregate_days(days_of(observations, start, end), aggregate)


def aggregate_series(series: Sequence[tuple[dt.date, float]], aggregate: str) -> float | None:
    """Combine a dated series of one value a day into one period-to-date value; ``None`` when it is empty."""
    if not series:
        return None
    values = [value for _, value in series]
    if aggregate == "sum":
        return math.fsum(values)
    if aggregate == "last":
        return values[-1]
    if aggregate == "mean":
        return math.fsum(values) / len(values)
    if aggregate == "min":
        return min(values)
    return max(values)


def breakdown(observations: Iterable[Observation], start: dt.date, end: dt.date, aggregate: str) -> dict[str, float]:
    """The period-to-date value per dimension (``by``), in first-seen order.

    Each dimension is aggregated like the node itself, over its own rows: the
    mean deal of the email channel, its largest deal, its last day.
    """
    per_dimension: dict[str, list[Observation]] = {}
    for observation in observations:
        if observation.dimension is None or not (start <= observation.date <= end):
            continue
        per_dimension.setdefault(observation.dimension, []).append(observation)
    result = {}
    for dimension, series in per_dimension.items():
        value = aggregate_observations(series, start, end, aggregate)
        if value is not None:
            result[dimension] = value
    return result


_SUMMED_RATE = frozenset({codes.RATE_SUMMED_OVER_TIME, "measurable.rate_summed_over_time"})


def summed_rate_diagnostic(tree: "GoalTree", node_id: str, node: "Node", aggregate: str) -> Diagnostic | None:
    """Error M004 when ``node``'s observations are a rate it would add up over time; ``None`` otherwise.

    Three months at a 2 % conversion are not 6 %: such an actual is left
    unknown rather than printed, with ``goaltree check``'s words. A file that
    disables M004, or a node that suppresses it, has its rate summed as it asks.
    """
    if aggregate != "sum" or not is_rate_unit(node.unit):
        return None
    if _SUMMED_RATE.intersection(tree.goal_file.checks.disable) or _SUMMED_RATE.intersection(node.suppress):
        return None
    path = ("nodes", node_id, "aggregate" if node.aggregate is not None else "unit")
    return tree.locate(Diagnostic(codes.RATE_SUMMED_OVER_TIME, "error", summed_rate_message(node), node=node_id, path=path))


def summed_rate_message(node: "Node") -> str:
    """What M004 says of a measured rate added up over time, by the ``aggregate`` it has or defaults to."""
    if node.aggregate == "sum":
        return _(
            "a {unit} is summed over time by `aggregate: sum`; set `aggregate: last` (or `mean`), "
            "or compute the rate from totals with a formula",
            unit=node.unit,
        )
    return _(
        "a {unit} is summed over time by the default `aggregate: sum` of a KPI; "
        "set `aggregate: last` (or `mean`), or compute the rate from totals with a formula",
        unit=node.unit,
    )
