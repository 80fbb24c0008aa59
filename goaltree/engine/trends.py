"""Trends: each measured series' line, carried to a deadline (docs/engine.md, "Forecast").

A large file measures thousands of series over the same number of days (a
month-end actual for every team), so the series are fitted together: one
array per aggregate and length, a row per series and a column per day. Each
element goes through the operations of a fit of that series alone, in the
same order; what only the days and their rows give is worked out once per
distinct row of them, in plain floats; the sums of rounded terms are
``math.fsum``'s, row by row. A series' trend is therefore the same float
whichever series it is fitted with, and the same as the one-series
arithmetic the tests spell out.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import operator
from typing import TYPE_CHECKING, Mapping, NamedTuple, Sequence

from goaltree.engine.pace import day_index

if TYPE_CHECKING:
    import numpy


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
    groups: dict[tuple[str, int], tuple[list[str], list[Sequence[tuple[dt.date, float]]]]] = {}
    for node_id, series in series_of.items():
        if series:
            group = groups.get((aggregate_of[node_id], len(series)))
            if group is None:
                group = groups[aggregate_of[node_id], len(series)] = ([], [])
            group[0].append(node_id)
            group[1].append(series)
    for (aggregate, _length), (node_ids, series) in groups.items():
        # A flow's run rate counts days, not rows.
        rows = [None] * len(node_ids) if aggregate == "sum" else [rows_of.get(node_id) for node_id in node_ids]
        trends.update(zip(node_ids, _group_trends(aggregate, _Series(series, rows), start, horizon)))
    return trends


class _Series(NamedTuple):
    """Series of one aggregate and length, and each one's rows a day (``None``: a day weighs 1)."""

    series: list[Sequence[tuple[dt.date, float]]]
    rows: list[Sequence[int] | None]


def _group_trends(aggregate: str, group: _Series, start: dt.date, horizon: int) -> list[float | None]:
    """The trends of a group's series; one by one when a sum leaves the float range, that series' trend ``None``."""
    try:
        return _fit(aggregate, group, start, horizon)
    except (OverflowError, ValueError):  # fsum of inf and -inf, or past the largest float
        pass
    trends: list[float | None] = []
    for index in range(len(group.series)):
        alone = _Series(group.series[index : index + 1], group.rows[index : index + 1])
        try:
            trends.extend(_fit(aggregate, alone, start, horizon))
        except (OverflowError, ValueError):
            trends.append(None)
    return trends


def _fit(aggregate: str, group: _Series, start: dt.date, horizon: int) -> list[float | None]:
    import numpy

    observations = list(itertools.chain.from_iterable(group.series))
    shape = (len(group.series), len(observations) // len(group.series))
    observed = numpy.array(list(map(operator.itemgetter(1), observations)), dtype=float).reshape(shape)
    # pace.day_index of each date: its distance from the day before the period's start, a whole number.
    ordinals = numpy.fromiter(map(dt.date.toordinal, map(operator.itemgetter(0), observations)), numpy.int64, len(observations))
    days = (ordinals - (start.toordinal() - 1)).reshape(shape).astype(float)
    with numpy.errstate(all="ignore"):  # values near the float limit overflow to inf here as in plain floats
        if aggregate == "sum":
            return _run_rates(days, observed, horizon)
        weights = numpy.array([(1,) * shape[1] if rows is None else rows for rows in group.rows], dtype=float)
        return _levels(aggregate, days, weights, observed, horizon)


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


def _levels(aggregate: str, days: "numpy.ndarray", weights: "numpy.ndarray", observed: "numpy.ndarray", horizon: int) -> list[float | None]:
    """Each row's least-squares line at ``horizon``; a row of one day has none, its trend is its last value."""
    import numpy

    trends = observed[:, -1].copy()
    lined = (days != days[:, :1]).any(axis=1)
    if lined.any():
        trends[lined] = _lines(aggregate, days[lined], weights[lined], observed[lined], horizon)
    return trends.tolist()


class _Days(NamedTuple):
    """What a level's fit takes from its days and their rows alone, one value per row."""

    rows: "numpy.ndarray"
    """The weights' sum: the rows (or days) the line is fitted to."""
    mean_day: "numpy.ndarray"
    variance: "numpy.ndarray"
    spread: "numpy.ndarray"
    """Each day's weight times its distance from ``mean_day``, a column per day."""


def _lines(aggregate: str, days: "numpy.ndarray", weights: "numpy.ndarray", observed: "numpy.ndarray", horizon: int) -> "numpy.ndarray":
    """Each row's least-squares line at ``horizon``, its days' part from :func:`_days_fits`."""
    import numpy

    fit = _days_fits(days, weights)
    mean_value = numpy.array(list(map(math.fsum, (weights * observed).tolist()))) / fit.rows
    covariance = numpy.array(list(map(math.fsum, (fit.spread * (observed - mean_value[:, None])).tolist())))
    slope = covariance / fit.variance
    if aggregate == "mean":
        # The actual is the mean of every row: at the deadline, the line's mean from the first row on,
        # its value half-way between the first row's day and the deadline.
        return mean_value + slope * ((days[:, 0] + horizon) / 2 - fit.mean_day)
    trend = mean_value + slope * (horizon - fit.mean_day)
    if aggregate == "max":
        reached = _reached(observed, numpy.greater)
        return numpy.where(reached > trend, reached, trend)
    if aggregate == "min":
        reached = _reached(observed, numpy.less)
        return numpy.where(reached < trend, reached, trend)
    return trend


def _days_fits(days: "numpy.ndarray", weights: "numpy.ndarray") -> _Days:
    """The part of each row's fit its days and weights give, worked out once for each distinct row of them.

    Each day weighs its rows (its value is their mean): the line through the rows themselves. A series
    without row counts weighs each day 1, which is exact: the plain least-squares line.
    """
    import numpy

    distinct, which = numpy.unique(numpy.concatenate([days, weights], axis=1), axis=0, return_inverse=True)
    width = days.shape[1]
    fits = []
    for row in distinct.tolist():
        row_days, row_weights = row[:width], row[width:]
        count = math.fsum(row_weights)
        mean_day = math.fsum(w * t for w, t in zip(row_weights, row_days)) / count
        variance = math.fsum(w * (t - mean_day) ** 2 for w, t in zip(row_weights, row_days))
        fits.append((count, mean_day, variance, *(w * (t - mean_day) for w, t in zip(row_weights, row_days))))
    table = numpy.array(fits)[which.reshape(-1)]
    return _Days(table[:, 0], table[:, 1], table[:, 2], table[:, 3:])


def _reached(observed: "numpy.ndarray", beyond) -> "numpy.ndarray":
    """Each row's largest (``numpy.greater``) or smallest (``numpy.less``) value, the first of equal ones.

    The first of equals, as ``max`` and ``min`` keep it: of 0.0 and -0.0 the one seen first.
    """
    import numpy

    reached = observed[:, 0]
    for column in range(1, observed.shape[1]):
        reached = numpy.where(beyond(observed[:, column], reached), observed[:, column], reached)
    return reached
