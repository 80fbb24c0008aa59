"""Trends: each measured series' line, carried to a deadline (docs/engine.md, "Forecast").

A large file measures thousands of series over the same number of days (a
month-end actual for every team), so the series are fitted together: one
array per aggregate and length, a row per series and a column per day. Each
element goes through the operations of a fit of that series alone, in the
same order; what a series shares with others (its days, its rows) is worked
out once in plain floats; the sums of rounded terms are ``math.fsum``'s, row
by row. A series' trend is therefore the same float whichever series it is
fitted with, and the same as the one-series arithmetic the tests spell out.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Mapping, NamedTuple, Sequence

from goaltree.engine.pace import day_index

if TYPE_CHECKING:
    import numpy


class _Days(NamedTuple):
    """What a level's fit takes from its days and their rows alone, the same for every series observed on them."""

    days: tuple[int, ...]
    weights: tuple[int, ...]
    rows: float
    """The weights' sum: the rows (or days) the line is fitted to."""
    mean_day: float
    variance: float
    spread: tuple[float, ...]
    """Each day's weight times its distance from ``mean_day``."""


class _Group(NamedTuple):
    """Series of one aggregate and length, in parallel lists."""

    node_ids: list[str]
    days: list[tuple[int, ...]]
    values: list[tuple[float, ...]]
    rows: list[Sequence[int] | None]


def trends_at(
    series_of: Mapping[str, Sequence[tuple[dt.date, float]]],
    aggregate_of: Mapping[str, str],
    start: dt.date,
    deadline: dt.date,
    rows_of: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, float | None]:
    """The linear trend of each series, extrapolated to the deadline; ``None`` where there is none.

    Flows (``sum``) fit the cumulative total through the origin (a run rate),
    never below the total already counted when no row takes away; levels fit
    a least-squares line through the observed values. The largest row
    (``max``) can only grow and the smallest (``min``) only fall: their
    forecast is never past what is already reached. A ``mean`` of rows is
    forecast as the line's mean from the first row to the deadline; given
    its ``rows_of`` (each day's rows, the day's value their mean), the line is
    fitted to the rows, so a day of three deals weighs three times a day of one.

    A series without observations has no trend, nor has any series when the
    deadline is before the period (error T001). Neither has a series whose
    sums leave the float range (``fsum`` of values near the limit).
    """
    trends: dict[str, float | None] = dict.fromkeys(series_of)
    horizon = day_index(deadline, start)
    if horizon <= 0:
        return trends
    rows_of = rows_of or {}
    day_numbers: dict[tuple[dt.date, ...], tuple[int, ...]] = {}
    groups: dict[tuple[str, int, bool], _Group] = {}
    for node_id, series in series_of.items():
        if not series:
            continue
        dates, values = zip(*series)
        days = day_numbers.get(dates)
        if days is None:
            days = day_numbers[dates] = tuple(day_index(date, start) for date in dates)
        aggregate = aggregate_of[node_id]
        rows = rows_of.get(node_id) if aggregate != "sum" else None
        # A level seen on one day has no line: its trend is its last value.
        key = (aggregate, len(days), aggregate != "sum" and len(set(days)) == 1)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group([], [], [], [])
        group.node_ids.append(node_id)
        group.days.append(days)
        group.values.append(values)
        group.rows.append(rows)
    fits: dict[tuple[tuple[int, ...], tuple[int, ...] | None], _Days] = {}
    for (aggregate, _length, one_day), group in groups.items():
        if one_day:
            trends.update(zip(group.node_ids, (values[-1] for values in group.values)))
        else:
            trends.update(zip(group.node_ids, _group_trends(aggregate, group, horizon, fits)))
    return trends


def _group_trends(aggregate: str, group: _Group, horizon: int, fits: dict) -> list[float | None]:
    """The trends of a group's series; one by one when a sum leaves the float range, that series' trend ``None``."""
    try:
        return _fit(aggregate, group, horizon, fits)
    except (OverflowError, ValueError):  # fsum of inf and -inf, or past the largest float
        pass
    trends: list[float | None] = []
    for index in range(len(group.node_ids)):
        alone = _Group(*(part[index : index + 1] for part in group))
        try:
            trends.extend(_fit(aggregate, alone, horizon, fits))
        except (OverflowError, ValueError):
            trends.append(None)
    return trends


def _fit(aggregate: str, group: _Group, horizon: int, fits: dict) -> list[float | None]:
    import numpy

    observed = numpy.array(group.values, dtype=float)
    with numpy.errstate(all="ignore"):  # values near the float limit overflow to inf here as in plain floats
        if aggregate == "sum":
            return _run_rates(numpy.array(group.days, dtype=float), observed, horizon)
        return _lines(aggregate, [_days_fit(days, rows, fits) for days, rows in zip(group.days, group.rows)], observed, horizon)


def _run_rates(days: "numpy.ndarray", observed: "numpy.ndarray", horizon: int) -> list[float | None]:
    """The run rate of each row: its cumulative total fitted through the origin, carried to ``horizon``.

    The columns are added one after the other, as one series' loop adds its
    days; day numbers and their squares are whole numbers, exact as floats.
    """
    import numpy

    cumulative = numpy.zeros(len(observed))
    numerator = numpy.zeros(len(observed))
    denominator = numpy.zeros(len(observed))
    for column in range(observed.shape[1]):
        cumulative += observed[:, column]
        numerator += days[:, column] * cumulative
        denominator += days[:, column] * days[:, column]
    run_rate = numerator / denominator * horizon
    # Rows that only add can't be forecast below what they already add up to (an accelerating
    # count undershoots a line through the origin).
    growing = (observed >= 0).all(axis=1)
    trends: list[float | None] = numpy.where(growing & (cumulative > run_rate), cumulative, run_rate).tolist()
    no_line = denominator == 0  # every day numbered 0: no line through the origin
    if no_line.any():
        trends = [None if missing else trend for missing, trend in zip(no_line.tolist(), trends)]
    return trends


def _days_fit(days: tuple[int, ...], rows: Sequence[int] | None, fits: dict) -> _Days:
    """The part of a level's fit its days and rows give, worked out once for the series that share them."""
    key = (days, None if rows is None else tuple(rows))
    fit = fits.get(key)
    if fit is None:
        # Each day weighs its rows (its value is their mean): the line through the rows themselves. A series
        # without row counts weighs each day 1, which is exact: the plain least-squares line.
        weights = key[1] if key[1] is not None else (1,) * len(days)
        count = math.fsum(weights)
        mean_day = math.fsum(w * t for w, t in zip(weights, days)) / count
        variance = math.fsum(w * (t - mean_day) ** 2 for w, t in zip(weights, days))
        spread = tuple(w * (t - mean_day) for w, t in zip(weights, days))
        fit = fits[key] = _Days(days, weights, count, mean_day, variance, spread)
    return fit


def _lines(aggregate: str, fits: list[_Days], observed: "numpy.ndarray", horizon: int) -> list[float | None]:
    """Each row's least-squares line at ``horizon``, with the fit of its days from ``fits``."""
    import numpy

    weights = numpy.array([fit.weights for fit in fits], dtype=float)
    count = numpy.array([fit.rows for fit in fits])
    spread = numpy.array([fit.spread for fit in fits])
    mean_value = numpy.array(list(map(math.fsum, (weights * observed).tolist()))) / count
    covariance = numpy.array(list(map(math.fsum, (spread * (observed - mean_value[:, None])).tolist())))
    slope = covariance / numpy.array([fit.variance for fit in fits])
    if aggregate == "mean":
        # The actual is the mean of every row: at the deadline, the line's mean from the first row on,
        # its value half-way between the first row's day and the deadline.
        return (mean_value + slope * numpy.array([(fit.days[0] + horizon) / 2 - fit.mean_day for fit in fits])).tolist()
    trend = mean_value + slope * numpy.array([horizon - fit.mean_day for fit in fits])
    if aggregate == "max":
        reached = _reached(observed, numpy.greater)
        return numpy.where(reached > trend, reached, trend).tolist()
    if aggregate == "min":
        reached = _reached(observed, numpy.less)
        return numpy.where(reached < trend, reached, trend).tolist()
    return trend.tolist()


def _reached(observed: "numpy.ndarray", beyond) -> "numpy.ndarray":
    """Each row's largest (``numpy.greater``) or smallest (``numpy.less``) value, the first of equal ones.

    The first of equals, as ``max`` and ``min`` keep it: of 0.0 and -0.0 the one seen first.
    """
    import numpy

    reached = observed[:, 0]
    for column in range(1, observed.shape[1]):
        reached = numpy.where(beyond(observed[:, column], reached), observed[:, column], reached)
    return reached
