"""A SQL source reads a date column as a CSV does: whole ISO texts only, a time zone's day on the machine's clock.

SQLite keeps dates as text. A text with more after the date (``2027-03-3199``,
``2027-02-10 and later``) was read as its first ten characters; a timestamp
with an offset lost the offset, so one row fell in March from SQLite and in
April from the same CSV. The figures are checked by DuckDB SQL written here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROWS = [("2027-03-31T20:00:00-05:00", 100.0), ("2027-02-10T12:00:00+00:00", 1.0)]

GOALS = """\
goaltree: 1
id: tz
title: Revenue in Q1 2027
period: {start: 2027-01-01, end: 2027-03-31}
owner: Sales
sources:
  csv: {type: csv, path: data/deals.csv, date_column: ts}
  db: {type: sql, url: "sqlite:///data/deals.db"}
nodes:
  from_csv:
    title: Revenue 200 SEK (CSV)
    unit: SEK
    target: 200
    metric: {source: csv, value: amount}
  from_sql:
    title: Revenue 200 SEK (SQLite)
    unit: SEK
    target: 200
    metric: {source: db, query: "SELECT ts, amount FROM deals"}
"""


def project(tmp_path: Path, rows: list[tuple[str, float]]) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "deals.csv").write_text("ts,amount\n" + "".join(f"{ts},{amount:g}\n" for ts, amount in rows), encoding="utf-8")
    with sqlite3.connect(data / "deals.db") as database:
        database.execute("CREATE TABLE deals (ts TEXT, amount REAL)")
        database.executemany("INSERT INTO deals VALUES (?, ?)", rows)
    database.close()
    (tmp_path / "goals.yaml").write_text(GOALS, encoding="utf-8")
    return tmp_path / "goals.yaml"


def evaluated(goals: Path, zone: str) -> tuple[int, dict]:
    """``goaltree evaluate --format json`` in a process on ``zone``'s clock: its exit code and its JSON."""
    run = subprocess.run(
        [sys.executable, "-m", "goaltree", "evaluate", str(goals), "--as-of", "2027-03-31", "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": zone},
        cwd=goals.parent,
    )
    return run.returncode, json.loads(run.stdout)


def q1_total_by_duckdb(csv: Path, zone: str) -> float:
    """The Q1 total of the file's rows, each timestamp cut to its day in ``zone``, by DuckDB."""
    connection = duckdb.connect()
    connection.execute(f"SET TimeZone = '{zone}'")
    return connection.execute(
        f"SELECT sum(amount) FROM read_csv('{csv}', columns = {{'ts': 'VARCHAR', 'amount': 'DOUBLE'}}, header = true) "
        "WHERE CAST(CAST(ts AS TIMESTAMPTZ) AS DATE) BETWEEN DATE '2027-01-01' AND DATE '2027-03-31'"
    ).fetchone()[0]


@pytest.mark.parametrize(("zone", "total"), [("UTC", 1), ("America/New_York", 101)])
def test_a_row_with_a_time_zone_falls_on_the_same_day_from_sqlite_and_from_csv(tmp_path, zone, total):
    # 20:00 in New York on 31 March is 01:00 on 1 April in UTC: in Q1 on a New York clock only.
    goals = project(tmp_path, ROWS)
    assert q1_total_by_duckdb(goals.parent / "data" / "deals.csv", zone) == total
    code, document = evaluated(goals, zone)
    nodes = document["nodes"]
    assert code == 0
    assert nodes["from_csv"]["actual"] == total
    assert nodes["from_sql"]["actual"] == total


@pytest.mark.parametrize("text", ["2027-03-3199", "2027-02-10 and later"])
def test_a_sql_date_with_more_after_it_is_an_error_that_quotes_it(tmp_path, text):
    goals = project(tmp_path, [(text, 2.0), ("2027-02-10", 1.0)])
    code, document = evaluated(goals, "UTC")
    assert code == 1
    assert document["nodes"]["from_sql"]["actual"] is None
    (error,) = [d for d in document["diagnostics"] if d["node"] == "from_sql"]
    assert error["code"] == "E017"
    assert error["message"].endswith(f"the query's first column must be a date: '{text}' is not a date")
