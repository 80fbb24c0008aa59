"""The forecast of a `mean` of a source's rows is fitted to the rows, not to each day's mean (SPEC §3.2: rows, not days)."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest

import goaltree
from support import HEADER

ROWS = [
    ("2027-01-10", 10), ("2027-01-10", 20), ("2027-01-10", 90),  # three deals closed on one day
    ("2027-02-15", 100),
    ("2027-03-03", 40), ("2027-03-03", 60),
]  # fmt: skip


def test_a_day_of_three_deals_weighs_three_times_a_day_of_one(tmp_path):
    (tmp_path / "deals.csv").write_text(
        "close_date,days\n" + "".join(f"{date},{days}\n" for date, days in ROWS), encoding="utf-8"
    )
    goals = tmp_path / "goals.yaml"
    goals.write_text(
        HEADER
        + """\
sources:
  crm: {type: csv, path: deals.csv, date_column: close_date}
nodes:
  days_to_close:
    title: Won deals close within 50 days on average in 2027
    unit: days
    direction: decrease
    target: 50
    aggregate: mean
    metric: {source: crm, value: days}
""",
        encoding="utf-8",
    )
    node = goaltree.evaluate(goaltree.load(goals), dt.date(2027, 3, 15)).nodes["days_to_close"]
    # Worked out apart from goaltree: a least-squares line through the six rows (day 1 is the
    # period's start), its mean from the first row's day to the deadline's, day 365.
    start = dt.date(2027, 1, 1)
    days = [(dt.date.fromisoformat(date) - start).days + 1 for date, _ in ROWS]
    slope, intercept = statistics.linear_regression(days, [value for _, value in ROWS])
    expected = intercept + slope * (days[0] + 365) / 2
    assert node.actual == pytest.approx(320 / 6)
    assert node.forecast == pytest.approx(expected)  # 113.13; the line through the daily means gave 128.78
    assert node.forecast == pytest.approx(113.13, abs=0.01)
