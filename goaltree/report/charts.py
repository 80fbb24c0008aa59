"""Pace charts: the geometry of one KPI's chart, computed here and drawn by the report template.

A chart shows the declared (or derived) target as a horizontal line, the
expected pace from the start value through the milestones to the target, the
milestones, the actual observations (cumulative for flows, whose actual is a
running total), the actual at the as-of date and the forecast at the deadline.
Everything is numbers rounded to a tenth of a pixel, so the drawn SVG is
deterministic; the template only draws.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from goaltree.engine.measuring import daily_values
from goaltree.engine.results import Evaluation, NodeResult
from goaltree.present.language import _, _p, currency_symbol, current, format_date, month_abbreviation
from goaltree.present.numbers import format_quantity, format_short

WIDTH = 560
HEIGHT = 230
LEFT = 56
RIGHT = 16
TOP = 24
BOTTOM = 30


def axis_label(value: float, unit: str | None) -> str:
    """A tick label in the report's number words: ``60 M``, ``250 k``, ``1.5 bn``, ``1.4 %``.

    The unit is written once, beside the axis, so a tick carries only the
    number (see :func:`goaltree.present.numbers.format_short`).
    """
    return format_short(value, unit)


_LARGEST_CHARTED = 1e300
"""Beyond this the axis arithmetic (span, ticks) would leave float range."""


_SMALLEST_SPAN = 1e-290
"""Below this the ticks' steps (a power of ten under the span) would leave float range."""


def _px(value: float) -> float:
    return round(value, 1)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 5 × 10^k steps) covering ``low``..``high``."""
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    # Rounded a few places below the step, whatever its size: a fixed 12 places made every tick
    # of a 1e-16 step 0, and the axis had no height.
    places = max(12, 3 - math.floor(math.log10(step)))
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, places))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, places))
    return ticks


def _month_ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    months = (end.year - start.year) * 12 + end.month - start.month
    every = 1 if months <= 12 else 3 if months <= 36 else 12
    ticks = []
    year, month = start.year, start.month
    if start.day != 1:
        month += 1
        if month > 12:
            year, month = year + 1, 1
    while year <= dt.MAXYEAR and dt.date(year, month, 1) <= end:
        if (month - 1) % every == 0 or every == 1:
            ticks.append(dt.date(year, month, 1))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return ticks


def series_of(result: NodeResult, start: dt.date, as_of: dt.date) -> list[tuple[dt.date, float]]:
    """The node's observations up to ``as_of`` as plotted: each day's value, cumulative for flows."""
    points = daily_values(result.observations, start, as_of, result.aggregate)
    if result.aggregate != "sum":
        return points
    total = 0.0
    cumulative = []
    for date, value in points:
        total += value
        cumulative.append((date, total))
    return cumulative


def expected_points(result: NodeResult, start: dt.date) -> list[tuple[int, float]]:
    """The expected-pace line as (day index, value): start value, milestones, target (SPEC §3.3)."""
    if result.target is None:
        return []
    deadline_day = (result.deadline - start).days + 1
    points: list[tuple[int, float]] = []
    if result.start_value is not None:
        points.append((0, result.start_value))
    for date, value in result.milestones:
        if start <= date < result.deadline:
            points.append(((date - start).days + 1, value))
    points.append((deadline_day, result.target))
    if result.start_value is None:
        points.insert(0, (0, points[0][1]))
    return points


def pace_chart(
    result: NodeResult,
    evaluation: Evaluation,
    value_range: tuple[float, float] | None = None,
) -> dict[str, Any] | None:
    """The chart of one node, or ``None`` when there is nothing to draw (no target, no data)."""
    start = evaluation.period_start
    as_of = evaluation.as_of
    end = max(result.deadline, start)
    series = series_of(result, start, min(as_of, end))
    expected = expected_points(result, start)
    if not expected and not series and result.actual is None and value_range is None:
        return None
    total_days = (end - start).days + 1
    unit = result.unit

    values = [v for _, v in series] + [v for _, v in expected]
    values += [v for v in (result.actual, result.forecast, result.target) if v is not None]
    values += [v for _, v in result.milestones]
    if value_range is not None:
        values += list(value_range)
    if not values:
        return None
    low, high = min(values), max(values)
    if low >= 0 and low < 0.5 * high:
        low = 0.0
    span = (high - low) or abs(high) or 1.0
    if not max(abs(low), abs(high)) < _LARGEST_CHARTED or span < _SMALLEST_SPAN:
        # Values near the float limit (or an overflow, reported as E026), or apart by less than the
        # axis arithmetic can tell (1e-320 from 5e-324), have no axis to draw on.
        return None
    ticks = nice_ticks(low - 0.04 * span if low != 0 else 0.0, high + 0.06 * span)
    y_low, y_high = ticks[0], ticks[-1]
    if not y_high > y_low:  # the span checks above keep the axis from collapsing; never divide by 0
        return None
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x_of(day: float) -> float:
        return _px(LEFT + plot_width * min(max(day, 0), total_days) / total_days)

    def x_date(date: dt.date) -> float:
        return x_of((date - start).days + 1)

    def y_of(value: float) -> float:
        return _px(TOP + plot_height * (1 - (value - y_low) / (y_high - y_low)))

    def path(points: list[tuple[float, float]]) -> str:
        return " ".join(f"{x},{y}" for x, y in points)

    chart: dict[str, Any] = {
        "node": result.id,
        "width": WIDTH,
        "height": HEIGHT,
        "plot": {"left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "bottom": HEIGHT - BOTTOM},
        "y_ticks": [{"y": y_of(t), "label": axis_label(t, unit)} for t in ticks],
        "y_unit": currency_symbol(unit, current().code) if unit and unit not in ("ratio", "%", "count", "multiple") else "",
        "x_ticks": [
            {"x": x_date(d), "label": month_abbreviation(d.month) + (f" {d.year}" if d.month == 1 else "")}
            for d in _month_ticks(start, end)
        ],
        "flow": result.aggregate == "sum",
        "target": None,
        "range": None,
        "expected": path([(x_of(day), y_of(v)) for day, v in expected]) if expected else None,
        "milestones": [
            {"x": x_date(d), "y": y_of(v), "label": f"{format_date(d)}: {format_quantity(v, unit)}"}
            for d, v in result.milestones
            if start <= d <= end
        ],
        "actual": path(([(x_of(0), y_of(0.0))] if result.aggregate == "sum" else []) + [(x_date(d), y_of(v)) for d, v in series])
        if len(series) > 1 or (series and result.aggregate == "sum")
        else None,
        "observations": [
            {"x": x_date(d), "y": y_of(v), "label": f"{format_date(d)}: {format_quantity(v, unit)}"} for d, v in series
        ],
        "as_of": None,
        "now": None,
        "forecast": None,
        "description": "",
    }
    if result.target is not None:
        chart["target"] = {
            "y": y_of(result.target),
            "label": _p("report", "target {value} (derived)", value=format_quantity(result.target, unit))
            if result.target_origin == "derived"
            else _p("report", "target {value}", value=format_quantity(result.target, unit)),
        }
    if value_range is not None:
        chart["range"] = {"top": y_of(value_range[1]), "bottom": y_of(value_range[0]), "label": _p("report", "range {low} – {high}", low=format_quantity(value_range[0], unit), high=format_quantity(value_range[1], unit))}
    if start <= as_of <= end:
        chart["as_of"] = {"x": x_date(as_of), "label": _p("report", "as of {date}", date=format_date(as_of))}
    if result.actual is not None:
        point_date = min(max(as_of, start), end)
        chart["now"] = {
            "x": x_date(point_date),
            "y": y_of(result.actual),
            "value": format_quantity(result.actual, unit),
            "label": _p("report", "actual {value} at {date}", value=format_quantity(result.actual, unit), date=format_date(point_date)),
        }
        if result.forecast is not None and as_of < end:
            chart["forecast"] = {
                "points": path([(x_date(point_date), y_of(result.actual)), (x_date(end), y_of(result.forecast))]),
                "x": x_date(end),
                "y": y_of(result.forecast),
                "label": _p("report", "forecast {value}", value=format_quantity(result.forecast, unit)),
            }
    parts = [_p("report", "Pace of {node}", node=result.id)]
    if chart["target"]:
        parts.append(chart["target"]["label"])
    if result.expected is not None:
        parts.append(_p("report", "expected {value} at {date}", value=format_quantity(result.expected, unit), date=format_date(as_of)))
    if result.actual is not None:
        parts.append(_p("report", "actual {value}", value=format_quantity(result.actual, unit)))
    if result.forecast is not None:
        parts.append(_p("report", "forecast {value} at {date}", value=format_quantity(result.forecast, unit), date=format_date(end)))
    chart["description"] = "; ".join(parts)
    return chart
