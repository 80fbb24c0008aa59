"""Pace, status, forecast and score (SPEC §3.3–3.4), and turning observations into an actual."""

from __future__ import annotations

import datetime as dt
import math
from typing import Iterable, Sequence

from goaltree.engine.results import Observation, Status
from goaltree.observations import merge


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


def day_index(date: dt.date, start: dt.date) -> int:
    """Days counted inclusively: the period's first day is 1."""
    return (date - start).days + 1


def elapsed_fraction(as_of: dt.date, start: dt.date, deadline: dt.date) -> float:
    """``f = (as_of − start + 1) / (deadline − start + 1)``, clipped to [0, 1]."""
    total = day_index(deadline, start)
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, day_index(as_of, start) / total))


def expected_at(
    as_of: dt.date,
    start: dt.date,
    deadline: dt.date,
    start_value: float | None,
    target: float,
    milestones: Sequence[tuple[dt.date, float]] = (),
) -> float:
    """Where the node should be at ``as_of``: linear, or piecewise linear through the milestones.

    Without a start value (a level with no baseline) the node is simply compared
    with its target, or with the next milestone's value.
    """
    if not milestones:  # the common case, without building the list of points below
        total = (deadline - start).days + 1
        if start_value is None:
            return target
        x = min(max((as_of - start).days + 1, 0), total)
        if x <= 0:
            return start_value
        expected = start_value + (target - start_value) * x / total
        if not math.isfinite(expected):  # (target − start) · x overflowed although the result fits: scale first
            expected = start_value + (target - start_value) * (x / total)
        return expected
    points: list[tuple[int, float]] = []
    if start_value is not None:
        points.append((0, start_value))
    for date, value in sorted(milestones):
        if start <= date < deadline:
            points.append((day_index(date, start), value))
    points.append((day_index(deadline, start), target))
    x = min(max(day_index(as_of, start), 0), day_index(deadline, start))
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            if x1 == x0:
                return y1
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def forecast_series(
    series: Sequence[tuple[dt.date, float]], aggregate: str, start: dt.date, deadline: dt.date
) -> float | None:
    """The linear trend of the observations, extrapolated to the deadline.

    Flows (``sum``) fit the cumulative total through the origin (a run rate);
    levels fit a least-squares line through the observed values.
    """
    if not series:
        return None
    horizon = day_index(deadline, start)
    if aggregate == "sum":
        cumulative = 0.0
        numerator = denominator = 0.0
        for date, value in series:
            cumulative += value
            t = day_index(date, start)
            numerator += t * cumulative
            denominator += t * t
        if denominator == 0:
            return None
        return numerator / denominator * horizon
    points = [(day_index(date, start), value) for date, value in series]
    if len(points) == 1 or len({t for t, _ in points}) == 1:
        return points[-1][1]
    n = len(points)
    mean_t = math.fsum(t for t, _ in points) / n
    mean_v = math.fsum(v for _, v in points) / n
    covariance = math.fsum((t - mean_t) * (v - mean_v) for t, v in points)
    variance = math.fsum((t - mean_t) ** 2 for t, _ in points)
    slope = covariance / variance
    return mean_v + slope * (horizon - mean_t)


def progress_of(actual: float, target: float, start_value: float | None, direction: str = "increase") -> float | None:
    """``(actual − start) / (target − start)``; without a start value, how close the actual is to the target.

    A level with no baseline has no way travelled to measure: its progress is
    ``actual / target``, and for a ``decrease`` goal ``target / actual`` (a CAC
    of 111 000 against a target of 90 000 is 81 % of the way, not 123 %).
    """
    if start_value is None:
        if direction == "decrease":
            return target / actual if actual > 0 else (1.0 if actual == target == 0 else None)
        return actual / target if target != 0 else None
    span = target - start_value
    if span == 0:
        return None
    return (actual - start_value) / span


def status_of(
    *,
    as_of: dt.date,
    start: dt.date,
    deadline: dt.date,
    direction: str,
    flow: bool,
    actual: float | None,
    target: float | None,
    progress: float | None,
    expected_progress: float | None,
    value_range: tuple[float, float] | None,
    on_track: float,
    at_risk: float,
) -> Status:
    """The status of SPEC §3.4."""
    if as_of < start:
        return "not_started"
    if actual is None:
        return "no_data"
    if direction == "maintain":
        low, high = value_range if value_range is not None else (target * on_track, target / on_track)
        return "on_track" if low <= actual <= high else "off_track"
    if target is None:
        return "no_data"
    if direction == "increase" and actual >= target:
        return "achieved"
    if direction == "decrease" and as_of >= deadline and actual <= target:
        return "achieved"
    if progress is None or expected_progress is None:
        if direction == "decrease":
            return "on_track" if actual <= target else "off_track"
        return "on_track" if actual >= target else "off_track"
    ratio = ratio_of(progress, expected_progress, decrease_flow=direction == "decrease" and flow)
    return classify(ratio, on_track, at_risk)


def ratio_of(progress: float, expected_progress: float, *, decrease_flow: bool) -> float:
    """``progress / expected_progress``, inverted for a budget cap; infinite when nothing is due yet."""
    if decrease_flow:
        if progress <= 0:
            return math.inf
        return expected_progress / progress
    if expected_progress <= 0:
        return math.inf if progress >= 0 else -math.inf
    return progress / expected_progress


def classify(ratio: float, on_track: float, at_risk: float) -> Status:
    """``on_track`` / ``at_risk`` / ``off_track`` from a pace ratio."""
    if ratio >= on_track:
        return "on_track"
    if ratio >= at_risk:
        return "at_risk"
    return "off_track"
