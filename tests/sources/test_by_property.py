"""Property: breaking a metric down with `by` never changes the node's actual, whatever the aggregate.

The same random rows are read from a CSV file and from a SQLite database by
nodes with and without `by`, for every aggregate and for `value: count`; the
actuals must be equal (up to the order in which floats are added).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import goaltree

START = dt.date(2027, 1, 1)
AS_OF = dt.date(2027, 1, 21)
AGGREGATES = ("sum", "last", "mean", "min", "max")

row = st.tuples(
    st.integers(min_value=-3, max_value=30),  # days after START: some before the period, some after AS_OF
    st.one_of(st.none(), st.integers(min_value=-100_000, max_value=100_000).map(lambda cents: cents / 100)),
    st.sampled_from(["email", "social", "paid search", None]),
)


def goal_file() -> dict:
    nodes = {}
    for aggregate in AGGREGATES:
        for divided in (False, True):
            suffix = "_by" if divided else ""
            by = {"by": "channel"} if divided else {}
            nodes[f"{aggregate}_value{suffix}"] = {"aggregate": aggregate, "metric": {"source": "rows", "value": "amount", **by}}
            nodes[f"{aggregate}_count{suffix}"] = {"aggregate": aggregate, "metric": {"source": "rows", "value": "count", **by}}
            columns = "day, amount, channel" if divided else "day, amount"
            nodes[f"{aggregate}_sql{suffix}"] = {
                "aggregate": aggregate,
                "metric": {"source": "db", "query": f"SELECT {columns} FROM rows WHERE day BETWEEN :start AND :end"},
            }
    return {
        "goaltree": 1,
        "id": "by-property",
        "title": "By never changes an actual",
        "period": {"start": START.isoformat(), "end": "2027-12-31"},
        "sources": {
            "rows": {"type": "csv", "path": "rows.csv", "date_column": "day"},
            "db": {"type": "sql", "url": "sqlite:///rows.db"},
        },
        "nodes": {node_id: {"title": node_id.replace("_", " "), **node} for node_id, node in nodes.items()},
    }


def write_project(folder: Path, rows: list[tuple[int, float | None, str | None]]) -> Path:
    lines = ["day,amount,channel"]
    for offset, amount, channel in rows:
        lines.append(f"{START + dt.timedelta(days=offset)},{'' if amount is None else amount},{channel or ''}")
    (folder / "rows.csv").write_text("\n".join(lines) + "\n")
    database = sqlite3.connect(folder / "rows.db")
    with database:
        database.execute("DROP TABLE IF EXISTS rows")
        database.execute("CREATE TABLE rows (day TEXT, amount REAL, channel TEXT)")
        database.executemany(
            "INSERT INTO rows VALUES (?, ?, ?)",
            [((START + dt.timedelta(days=offset)).isoformat(), amount, channel) for offset, amount, channel in rows],
        )
    database.close()
    path = folder / "goals.yaml"
    path.write_text(yaml.safe_dump(goal_file(), sort_keys=False))
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=25).filter(lambda rows: any(amount is not None for _, amount, _ in rows)))
def test_by_never_changes_a_nodes_actual(rows: list[tuple[int, float | None, str | None]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        evaluation = goaltree.evaluate(write_project(Path(folder), rows), AS_OF)
    assert not [d for d in evaluation.diagnostics if d.severity == "error"], evaluation.diagnostics
    nodes = evaluation.nodes
    for aggregate in AGGREGATES:
        for kind in ("value", "count", "sql"):
            whole, divided = nodes[f"{aggregate}_{kind}"].actual, nodes[f"{aggregate}_{kind}_by"].actual
            if whole is None:
                assert divided is None, (aggregate, kind)
            else:
                assert divided == pytest.approx(whole, rel=1e-12, abs=1e-9), (aggregate, kind)
            assert nodes[f"{aggregate}_value"].actual == nodes[f"{aggregate}_sql"].actual or (
                nodes[f"{aggregate}_sql"].actual == pytest.approx(nodes[f"{aggregate}_value"].actual, rel=1e-12, abs=1e-9)
            ), aggregate
