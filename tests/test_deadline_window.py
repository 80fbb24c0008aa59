"""A node is done by its deadline: rows after it never count towards its actual.

A webinar's 30 sign-ups were due by midsummer. 22 came by then and 20 more in
September: evaluated at year end the goal was missed (22 of 30), not
achieved with 42. Each figure here is worked out by hand, or by DuckDB SQL
written in this file over the same CSV.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from goaltree.cli import main

HEADER = """\
goaltree: 1
id: webinars
title: Webinars
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marketing
"""


def evaluate(tmp_path, capsys, body: str, as_of: str) -> dict:
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    main(["evaluate", str(path), "--as-of", as_of, "--format", "json"])
    return json.loads(capsys.readouterr().out)["nodes"]


INLINE = """\
nodes:
  signups:
    title: 30 webinar sign-ups by midsummer
    unit: count
    target: 30
    deadline: 2027-06-30
    actuals: {2027-06-15: 22, 2027-09-01: 20}
"""


@pytest.mark.parametrize("as_of", ["2027-06-30", "2027-09-01", "2027-12-31"])
def test_sign_ups_after_the_deadline_do_not_turn_a_missed_goal_into_an_achieved_one(tmp_path, capsys, as_of):
    # 22 of 30 by 2027-06-30: progress 22 / 30 = 73.3 %, and the deadline has come, so off track
    # whenever it is evaluated after it. The 20 of September would make 42 (140 %, "achieved").
    signups = evaluate(tmp_path, capsys, INLINE, as_of)["signups"]
    assert signups["actual"] == 22
    assert signups["progress"] == pytest.approx(22 / 30)
    assert signups["status"] == "off_track"
    assert signups["forecast"] == 22  # the deadline has come: what was reached by then


def test_before_the_deadline_the_same_rows_are_judged_by_their_pace(tmp_path, capsys):
    # 2027-06-15 is day 166 of the node's 181: 30 · 166 / 181 = 27.51 expected, 22 reached.
    signups = evaluate(tmp_path, capsys, INLINE, "2027-06-15")["signups"]
    assert signups["actual"] == 22
    assert signups["expected"] == pytest.approx(30 * 166 / 181)


def test_explain_names_the_deadline_as_the_last_day_counted(tmp_path, capsys):
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + INLINE, encoding="utf-8")
    main(["explain", str(path), "signups", "--as-of", "2027-12-31"])
    out = capsys.readouterr().out
    assert "Actual 22 (measured)" in out
    assert "from 2027-01-01 to 2027-06-30 (inline actuals)" in out


def test_a_level_due_at_midsummer_keeps_its_midsummer_value(tmp_path, capsys):
    # NPS to reach 40 by midsummer (aggregate last): 41 on 2027-06-20, 30 in the autumn.
    # At year end the goal was met at its deadline: 41, achieved.
    body = (
        "nodes:\n  nps: {title: NPS 40 by midsummer, unit: count, baseline: 30, target: 40, aggregate: last,"
        " deadline: 2027-06-30, actuals: {2027-03-01: 35, 2027-06-20: 41, 2027-10-01: 30}}\n"
    )
    nps = evaluate(tmp_path, capsys, body, "2027-12-31")["nps"]
    assert nps["actual"] == 41
    assert nps["progress"] == pytest.approx((41 - 30) / (40 - 30))
    assert nps["status"] == "achieved"


def test_a_source_and_its_breakdown_stop_at_the_node_deadline_as_sql_says(tmp_path, capsys):
    rows = [
        ("2027-02-10", "web", 5),
        ("2027-05-03", "events", 9),
        ("2027-06-30", "web", 4),  # the deadline itself counts (days count inclusive)
        ("2027-07-01", "web", 7),
        ("2027-11-20", "events", 12),
    ]
    data = tmp_path / "data"
    data.mkdir()
    (data / "signups.csv").write_text(
        "date,channel,signups\n" + "".join(f"{day},{channel},{count}\n" for day, channel, count in rows), encoding="utf-8"
    )
    body = (
        "sources:\n  crm: {type: csv, path: data/signups.csv, date_column: date}\n"
        "nodes:\n"
        "  early: {title: 30 sign-ups by midsummer, unit: count, target: 30, deadline: 2027-06-30,"
        " metric: {source: crm, value: signups, by: channel}}\n"
        "  yearly: {title: 60 sign-ups in 2027, unit: count, target: 60,"
        " metric: {source: crm, value: signups}}\n"
    )
    nodes = evaluate(tmp_path, capsys, body, "2027-12-31")
    query = (
        "SELECT channel, sum(signups) FROM read_csv(?, header=true) "
        "WHERE date BETWEEN DATE '2027-01-01' AND ? GROUP BY channel"
    )
    csv = str(data / "signups.csv")
    by_midsummer = dict(duckdb.execute(query, [csv, dt.date(2027, 6, 30)]).fetchall())
    by_year_end = dict(duckdb.execute(query, [csv, dt.date(2027, 12, 31)]).fetchall())
    assert by_midsummer == {"web": 9, "events": 9} and by_year_end == {"web": 16, "events": 21}
    assert nodes["early"]["actual"] == sum(by_midsummer.values()) == 18
    assert nodes["early"]["breakdown"] == by_midsummer
    assert nodes["early"]["status"] == "off_track"
    assert nodes["yearly"]["actual"] == sum(by_year_end.values()) == 37
