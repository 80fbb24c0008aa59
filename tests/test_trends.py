"""Series' trends worked out together, each checked against a fit worked out by hand here.

The period is 2027: day 1 is 2027-01-01, the year-end deadline is day 365.
Every series is fitted in a crowd of others sharing its days (as a large
file's month-end actuals do) and alone: the trend must be the same float.
The hand figures are written in the order of the one-series arithmetic
(docs/engine.md, "Forecast"), so they are compared with ``==``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.cli import main
from goaltree.engine.trends import trends_at

START = dt.date(2027, 1, 1)
YEAR_END = dt.date(2027, 12, 31)


def on(*days_and_values: tuple[int, float]) -> list[tuple[dt.date, float]]:
    """A series from (day number, value) pairs, day 1 being the period's start."""
    return [(START + dt.timedelta(days=day - 1), float(value)) for day, value in days_and_values]


def crowd(days: tuple[int, ...], size: int = 50) -> dict[str, list[tuple[dt.date, float]]]:
    """Series observed on ``days``, as many as a team-by-team file has."""
    return {f"team_{index}": on(*((day, 1000 + index * 7 + day) for day in days)) for index in range(size)}


def trend(series, aggregate: str, deadline: dt.date = YEAR_END, rows=None, company=()):
    """The trend of ``series`` fitted alone and fitted with ``company`` (a crowd on the same days); the two must agree."""
    alone = trends_at({"node": series}, {"node": aggregate}, START, deadline, {"node": rows} if rows else {})["node"]
    others = crowd(company) if company else {}
    together = {**others, "node": series}
    aggregate_of = {node_id: aggregate for node_id in together}
    fitted = trends_at(together, aggregate_of, START, deadline, {"node": rows} if rows else {})["node"]
    assert fitted is alone or fitted == alone or (math.isnan(fitted) and math.isnan(alone))
    return alone


MONTH_ENDS = (31, 59, 90)


def test_a_flow_is_its_run_rate_through_the_origin():
    # Cumulative 10, 30, 60 at days 31, 59, 90: (31·10 + 59·30 + 90·60) / (31² + 59² + 90²) = 7 480 / 12 542 a day.
    forecast = trend(on((31, 10), (59, 20), (90, 30)), "sum", company=MONTH_ENDS)
    assert forecast == 7480 / 12542 * 365
    assert forecast == pytest.approx(217.69, abs=0.01)


def test_a_count_is_never_forecast_below_what_it_has_counted():
    # Cumulative 0 then 100 at days 10 and 20: 2 000 / 500 = 4 a day, 84 by day 21, below the 100 counted.
    deadline = START + dt.timedelta(days=20)
    assert 2000 / 500 * 21 == 84
    assert trend(on((10, 0), (20, 100)), "sum", deadline, company=(10, 20)) == 100
    # A row that takes away lifts the floor: cumulative -10 then 100, 1 900 / 500 · 21 = 79.8 stays.
    assert trend(on((10, -10), (20, 110)), "sum", deadline, company=(10, 20)) == 1900 / 500 * 21


def test_a_level_is_its_least_squares_line():
    # Days 1, 2, 3 at 1, 3, 2: mean day 2, mean value 2, covariance 1, variance 2: slope 0.5, 2 + 0.5 · 363 at day 365.
    assert trend(on((1, 1), (2, 3), (3, 2)), "last", company=(1, 2, 3)) == 2 + 0.5 * 363


def test_the_largest_row_never_falls_and_the_smallest_never_grows():
    falling = on((1, 500), (2, 300), (3, 100))  # slope -200: the line is at 300 - 200 · 363 by day 365
    rising = on((1, 100), (2, 300), (3, 500))
    assert trend(falling, "max", company=(1, 2, 3)) == 500
    assert trend(rising, "max", company=(1, 2, 3)) == 300 + 200 * 363
    assert trend(rising, "min", company=(1, 2, 3)) == 100
    assert trend(falling, "min", company=(1, 2, 3)) == 300 - 200 * 363
    assert trend(falling, "last", company=(1, 2, 3)) == 300 - 200 * 363


def test_a_mean_of_rows_weighs_each_day_by_its_rows():
    # Three rows averaging 10 on day 1, one row of 30 on day 3. Over the rows: mean day (3·1 + 3) / 4 = 1.5,
    # mean value (3·10 + 30) / 4 = 15, covariance 3·(-0.5)·(-5) + 1.5·15 = 30, variance 3·0.25 + 2.25 = 3:
    # slope 10. The mean from the first row's day to day 365 is the line half-way, on day 183.
    forecast = trend(on((1, 10), (3, 30)), "mean", rows=[3, 1], company=(1, 3))
    assert forecast == 15 + 10 * ((1 + 365) / 2 - 1.5)
    slope, intercept = statistics.linear_regression([1, 1, 1, 3], [10, 10, 10, 30])
    assert forecast == pytest.approx(intercept + slope * 183)
    # Without rows each day weighs 1: mean day 2, mean value 20, slope 10.
    assert trend(on((1, 10), (3, 30)), "mean", company=(1, 3)) == 20 + 10 * ((1 + 365) / 2 - 2)


def test_one_observation_or_one_day_is_the_forecast_of_a_level():
    assert trend(on((40, 7.5)), "last", company=(40,)) == 7.5
    assert trend(on((40, 7.5)), "max") == 7.5
    assert trend(on((40, 7.5), (40, 9.0)), "min") == 9.0  # two values on one day: no line, the last
    # A flow with one observation still has a run rate: 5 on day 40 is 0.125 a day, 45.625 by day 365.
    assert trend(on((40, 5)), "sum", company=(40,)) == 40 * 5 / 1600 * 365


def test_no_series_has_a_trend_at_a_deadline_before_the_period():
    series = crowd(MONTH_ENDS, size=3)
    for deadline in (START - dt.timedelta(days=1), START - dt.timedelta(days=30)):
        assert trends_at(series, dict.fromkeys(series, "sum"), START, deadline) == dict.fromkeys(series)
    assert trends_at({"empty": []}, {"empty": "last"}, START, YEAR_END) == {"empty": None}


def test_a_series_beyond_the_float_range_has_no_trend_and_leaves_its_crowd_alone():
    series = {
        **crowd(MONTH_ENDS, size=5),
        "overflows": on((31, 1e308), (59, 1e308), (90, 1e308)),  # fsum's total passes the largest float
        "undefined": on((31, math.inf), (59, -math.inf), (90, 1)),  # fsum of inf and -inf
    }
    fitted = trends_at(series, dict.fromkeys(series, "last"), START, YEAR_END)
    assert fitted["overflows"] is None and fitted["undefined"] is None
    # The others are fitted as they are alone: team_0 is 1 031, 1 059, 1 090 on days 31, 59, 90.
    alone = trends_at({"team_0": series["team_0"]}, {"team_0": "last"}, START, YEAR_END)["team_0"]
    assert fitted["team_0"] == alone
    mean_day = 60.0
    assert alone == pytest.approx(1060 + 1 * (365 - mean_day))


def test_a_flow_that_overflows_is_an_infinite_trend_and_no_forecast(tmp_path, capsys):
    (tmp_path / "goals.yaml").write_text(
        """\
goaltree: 1
id: t
title: Overflow
owner: Marketing
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  leads: {title: Leads, unit: count, target: 100, actuals: {2027-01-31: 1e308, 2027-02-28: 1e308}}
  calls: {title: Calls, unit: count, target: 100, actuals: {2027-01-31: 10, 2027-02-28: 20}}
""",
        encoding="utf-8",
    )
    assert trend(on((31, 1e308), (59, 1e308)), "sum") == math.inf
    main(["evaluate", str(tmp_path / "goals.yaml"), "--as-of", "2027-03-15", "--format", "json"])
    nodes = json.loads(capsys.readouterr().out)["nodes"]
    assert nodes["leads"]["forecast"] is None  # the non-finite trend is dropped
    assert nodes["calls"]["forecast"] == pytest.approx((31 * 10 + 59 * 30) / (31**2 + 59**2) * 365)


def test_deadlines_fixed_and_final_forecasts_around_the_bulk_fit(tmp_path, capsys):
    # q1 is due on day 90 and has been reached: its forecast is its actual, 300, also in the year's total.
    # web runs to the year's end: cumulative 100, 300 at days 31, 59: (3 100 + 17 700) / 4 442 · 365.
    # h1 is due on day 181 and counts web forecast for day 181, not for the year's end.
    (tmp_path / "goals.yaml").write_text(
        """\
goaltree: 1
id: t
title: Deadlines
owner: Marketing
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  year: {title: Leads in 2027, unit: count, target: 5000, formula: q1 + web}
  h1: {title: Leads by midsummer, unit: count, target: 2000, deadline: 2027-06-30, formula: q1 + web}
  q1: {title: Q1 campaign leads, unit: count, target: 300, deadline: 2027-03-31, actuals: {2027-02-10: 120, 2027-03-20: 180}}
  web: {title: Web leads, unit: count, target: 4000, actuals: {2027-01-31: 100, 2027-02-28: 200}}
""",
        encoding="utf-8",
    )
    main(["evaluate", str(tmp_path / "goals.yaml"), "--as-of", "2027-04-15", "--format", "json"])
    nodes = json.loads(capsys.readouterr().out)["nodes"]
    web_a_day = (31 * 100 + 59 * 300) / (31**2 + 59**2)
    assert nodes["q1"]["forecast"] == 300
    assert nodes["web"]["forecast"] == pytest.approx(web_a_day * 365)  # JSON keeps 12 digits
    assert nodes["year"]["forecast"] == pytest.approx(300 + web_a_day * 365)
    assert nodes["h1"]["forecast"] == pytest.approx(300 + web_a_day * 181)


def one_series_trend(series, aggregate: str, deadline: dt.date, rows=None):
    """The fit of one series in plain floats, step by step as docs/engine.md ("Forecast") describes it."""
    horizon = (deadline - START).days + 1
    if not series or horizon <= 0:
        return None
    try:
        points = [((date - START).days + 1, value) for date, value in series]
        if aggregate == "sum":
            cumulative = numerator = denominator = 0.0
            for t, value in points:
                cumulative += value
                numerator += t * cumulative
                denominator += t * t
            run_rate = numerator / denominator * horizon
            return max(run_rate, cumulative) if all(value >= 0 for _, value in points) else run_rate
        if len({t for t, _ in points}) == 1:
            return points[-1][1]
        weights = rows if rows is not None else (1,) * len(points)
        n = math.fsum(weights)
        mean_t = math.fsum(w * t for w, (t, _) in zip(weights, points)) / n
        mean_v = math.fsum(w * v for w, (_, v) in zip(weights, points)) / n
        covariance = math.fsum(w * (t - mean_t) * (v - mean_v) for w, (t, v) in zip(weights, points))
        slope = covariance / math.fsum(w * (t - mean_t) ** 2 for w, (t, _) in zip(weights, points))
        if aggregate == "mean":
            return mean_v + slope * ((points[0][0] + horizon) / 2 - mean_t)
        trend = mean_v + slope * (horizon - mean_t)
        if aggregate == "max":
            return max(trend, max(v for _, v in points))
        if aggregate == "min":
            return min(trend, min(v for _, v in points))
        return trend
    except (OverflowError, ValueError):
        return None


VALUES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    st.integers(-50, 50).map(float),
    st.sampled_from([0.0, -0.0, 0.1, 1e16, -1e16, 1e308, -1e308, math.inf, -math.inf, 5e-324]),  # cancellations, overflows
)


@settings(max_examples=300, deadline=None)
@given(
    days=st.lists(st.integers(1, 200), min_size=1, max_size=6, unique=True).map(sorted),
    data=st.data(),
    aggregate=st.sampled_from(["sum", "last", "mean", "max", "min"]),
    deadline=st.sampled_from([YEAR_END, dt.date(2027, 3, 31), START, dt.date(2026, 12, 1)]),
)
def test_series_fitted_together_give_the_floats_of_each_fitted_alone(days, data, aggregate, deadline):
    # Up to eight series on the same days, some with rows: the crowd's trends, bit for bit, are each one's own.
    count = data.draw(st.integers(1, 8))
    one_a_day = {"min_size": len(days), "max_size": len(days)}
    series_of = {f"s{index}": on(*zip(days, data.draw(st.lists(VALUES, **one_a_day)))) for index in range(count)}
    rows_of = {
        node_id: data.draw(st.lists(st.integers(1, 4), **one_a_day)) for node_id in series_of if data.draw(st.booleans())
    }
    fitted = trends_at(series_of, dict.fromkeys(series_of, aggregate), START, deadline, rows_of)
    for node_id, series in series_of.items():
        expected = one_series_trend(series, aggregate, deadline, rows_of.get(node_id) if aggregate != "sum" else None)
        got = fitted[node_id]
        if expected is None or got is None or math.isnan(expected):
            assert got is expected or (got is not None and math.isnan(got) and math.isnan(expected))
        else:
            assert got.hex() == expected.hex()
