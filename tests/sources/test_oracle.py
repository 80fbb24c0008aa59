"""An independent oracle for every measured actual: DuckDB SQL written here, against goaltree.evaluate.

For every example, every starter and the rows project (tests/data/rows, CSV
files plus a SQLite database built from them), each node with data gets its
actual (and its ``by`` breakdown) computed by SQL written in this file from the
metric definitions read from the goal file with plain YAML: the rows between
``period.start`` and the evaluation date that pass ``where``, combined by the
node's aggregate over rows (``sum``, ``mean``, ``min``, ``max``), the last
day's sum of rows (``last``), and for ``value: count`` over each day's number
of rows. goaltree's own reading, planning and aggregation code is not used.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

import goaltree
from goaltree import catalog  # the catalogue's declared aggregates are part of the metric definitions

REPO = Path(__file__).resolve().parents[2]
ROWS_PROJECT = REPO / "tests" / "data" / "rows"
PROJECTS = sorted(
    [path.parent for path in (REPO / "examples").glob("*/goals.yaml")]
    + [path.parent for path in (REPO / "goaltree" / "starters").glob("*/goals.yaml")]
)
MISSING = "(missing)"

# What each query of the rows project means, said again over the raw tables:
# node -> (table, date column, value, where, by). The oracle aggregates these
# itself instead of running the goal file's query.
SQL_MEANINGS: dict[str, tuple[str, str, str, str | None, str | None]] = {
    "sql_deal_days": ("deals", "close_date", "days_to_close", "stage = 'won'", None),
    "sql_deal_days_by_channel": ("deals", "close_date", "days_to_close", "stage = 'won'", "channel"),
    "sql_fastest_deal_by_channel": ("deals", "close_date", "days_to_close", "stage = 'won'", "channel"),
    "sql_slowest_deal": ("deals", "close_date", "days_to_close", "stage = 'won'", None),
    "sql_won_revenue": ("deals", "close_date", "amount", "stage = 'won'", None),
    "sql_open_pipeline_by_region": ("pipeline", "date", "open_pipeline", None, "region"),
}


def default_aggregate(node: dict[str, Any]) -> str:
    """SPEC §2: a node's aggregate, else its catalogue KPI's, else `last` for a driver and `sum` otherwise."""
    if node.get("aggregate"):
        return node["aggregate"]
    entry = catalog.get(node["kpi"]) if node.get("kpi") else None
    if entry is not None and entry.aggregate:
        return entry.aggregate
    return "last" if node.get("type") == "driver" else "sum"


def as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def aggregate_units(connection: duckdb.DuckDBPyConnection, units: str, aggregate: str) -> dict[str, float]:
    """``units`` has columns (day, g, v): one row per unit. The aggregate of ``v`` per group ``g``."""
    if aggregate == "last":
        sql = (
            f"SELECT g, SUM(v) FROM (SELECT *, MAX(day) OVER (PARTITION BY g) AS last_day FROM ({units})) "
            "WHERE day = last_day GROUP BY g"
        )
    else:
        function = {"sum": "SUM", "mean": "AVG", "min": "MIN", "max": "MAX"}[aggregate]
        sql = f"SELECT g, {function}(v) FROM ({units}) GROUP BY g"
    return {group: float(value) for group, value in connection.execute(sql).fetchall() if value is not None}


def oracle(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    date_column: str,
    value: str,
    where: str | None,
    by: str | None,
    aggregate: str,
    start: dt.date,
    end: dt.date,
) -> tuple[float | None, dict[str, float]]:
    """The node's actual and its breakdown per ``by`` value, from ``relation``'s rows."""
    day = f'CAST("{date_column}" AS DATE)'
    dimension = f"COALESCE(CAST(\"{by}\" AS VARCHAR), '{MISSING}')" if by else "NULL"
    rows = (
        f"SELECT {day} AS day, {dimension} AS dim, "
        + ("1.0" if value.strip().lower() == "count" else f"CAST(({value}) AS DOUBLE)")
        + f" AS v FROM {relation} WHERE {day} BETWEEN DATE '{start}' AND DATE '{end}'"
        + (f" AND ({where})" if where else "")
    )
    if value.strip().lower() == "count":
        # A count is each day's number of rows: the aggregate goes over days.
        total_units = f"SELECT day, 'all' AS g, COUNT(*) AS v FROM ({rows}) GROUP BY day"
        dimension_units = f"SELECT day, dim AS g, COUNT(*) AS v FROM ({rows}) GROUP BY day, dim"
    else:
        # docs/sources.md: empty values are left out (a value that is not finite fails its node, tested apart).
        total_units = f"SELECT day, 'all' AS g, v FROM ({rows}) WHERE isfinite(v)"
        dimension_units = f"SELECT day, dim AS g, v FROM ({rows}) WHERE isfinite(v)"
    total = aggregate_units(connection, total_units, aggregate).get("all")
    breakdown = aggregate_units(connection, dimension_units, aggregate) if by else {}
    return total, breakdown


def build_sqlite(project: Path) -> None:
    """data/deals.db of the rows project: the CSV files' rows, dates as ISO text."""
    database = sqlite3.connect(project / "data" / "deals.db")
    with database:
        for table in ("deals", "pipeline"):
            relation = duckdb.read_csv(str(project / "data" / f"{table}.csv"), all_varchar=True)
            columns = relation.columns
            database.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
            for row in relation.fetchall():
                values = [None if cell in (None, "") else cell for cell in row]
                numeric = [float(v) if v is not None and c not in ("deal_id", "close_date", "date", "stage", "channel", "region") else v for c, v in zip(columns, values)]
                database.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})", numeric)
    database.close()


def expected_actuals(project: Path, as_of: dt.date) -> dict[str, tuple[float | None, dict[str, float]]]:
    """node id -> (actual, breakdown) for every node with data, computed by the oracle."""
    document = yaml.safe_load((project / "goals.yaml").read_text(encoding="utf-8"))
    period = document["period"]
    start = as_date(period["start"])
    end = min(as_of, as_date(period["end"]))
    sources = document.get("sources") or {}
    connection = duckdb.connect()
    if (project / "data" / "deals.db").exists():
        database = sqlite3.connect(project / "data" / "deals.db")
        for table in ("deals", "pipeline"):
            cursor = database.execute(f"SELECT * FROM {table}")
            columns = [column[0] for column in cursor.description]
            frame_rows = cursor.fetchall()
            types = ["DOUBLE" if isinstance(next((r[i] for r in frame_rows if r[i] is not None), ""), float) else "VARCHAR" for i in range(len(columns))]
            connection.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in zip(columns, types))})")
            connection.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})", frame_rows)
        database.close()
    expected: dict[str, tuple[float | None, dict[str, float]]] = {}
    for node_id, node in (document.get("nodes") or {}).items():
        aggregate = default_aggregate(node)
        metric = node.get("metric")
        if metric is None:
            if not node.get("actuals"):
                continue
            values = ", ".join(f"(DATE '{as_date(day)}', {float(value)!r})" for day, value in node["actuals"].items())
            relation = f"(SELECT * FROM (VALUES {values}) AS actuals(day, amount))"
            expected[node_id] = oracle(connection, relation, "day", "amount", None, None, aggregate, start, end)
            continue
        source = sources[metric["source"]]
        if source["type"] == "sql":
            table, date_column, value, where, by = SQL_MEANINGS[node_id]
            expected[node_id] = oracle(connection, table, date_column, value, where, by, aggregate, start, end)
            continue
        assert source["type"] in ("csv", "parquet"), f"{project.name}: no oracle for source type {source['type']}"
        reader = "read_csv" if source["type"] == "csv" else "read_parquet"
        options = f", delim = '{source['delimiter']}'" if source.get("delimiter") else ""
        relation = f"{reader}('{project / source['path']}'{options})"
        date_column = metric.get("date_column") or source["date_column"]
        expected[node_id] = oracle(
            connection, relation, date_column, str(metric["value"]), metric.get("where"), metric.get("by"), aggregate, start, end
        )
    connection.close()
    return expected


def assert_matches(project: Path, as_of: dt.date) -> int:
    """Every node's measured actual and breakdown equal the oracle's; the number of nodes compared."""
    evaluation = goaltree.evaluate(project / "goals.yaml", as_of)
    assert not [d for d in evaluation.diagnostics if d.severity == "error"], evaluation.diagnostics
    expected = expected_actuals(project, as_of)
    for node_id, (actual, breakdown) in expected.items():
        result = evaluation.nodes[node_id]
        where = f"{project.name} {node_id} at {as_of}"
        if actual is None:
            assert result.measured_actual is None, where
        else:
            assert result.measured_actual == pytest.approx(actual, rel=1e-9, abs=1e-9), where
        assert result.breakdown.keys() == breakdown.keys(), where
        for dimension, value in breakdown.items():
            assert result.breakdown[dimension] == pytest.approx(value, rel=1e-9, abs=1e-9), (where, dimension)
    return len(expected)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: f"{path.parent.name}/{path.name}")
@pytest.mark.parametrize("as_of", [dt.date(2027, 1, 31), dt.date(2027, 6, 30), dt.date(2027, 12, 31)], ids=str)
def test_every_example_and_starter_matches_the_oracle(project: Path, as_of: dt.date) -> None:
    assert_matches(project, as_of)


@pytest.fixture(scope="module")
def rows_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("rows") / "rows"
    shutil.copytree(ROWS_PROJECT, project)
    build_sqlite(project)
    return project


@pytest.mark.parametrize(
    "as_of", [dt.date(2027, 1, 10), dt.date(2027, 2, 14), dt.date(2027, 4, 20), dt.date(2027, 6, 30), dt.date(2027, 12, 31)], ids=str
)
def test_the_rows_project_csv_and_sqlite_match_the_oracle(rows_project: Path, as_of: dt.date) -> None:
    assert assert_matches(rows_project, as_of) == 17


def test_a_mean_is_over_deals_not_days(rows_project: Path) -> None:
    """Deals of 10, 20 and 90 days on 2027-01-10 and one of 100 days on 2027-04-20 average 55, not 70."""
    nodes = goaltree.evaluate(rows_project / "goals.yaml", dt.date(2027, 4, 20)).nodes

    for node_id in ("deal_days", "deal_days_by_channel", "sql_deal_days", "sql_deal_days_by_channel"):
        assert nodes[node_id].actual == pytest.approx((10 + 20 + 90 + 100) / 4), node_id
    # The breakdown aggregates each channel's own deals the same way.
    assert nodes["deal_days_by_channel"].breakdown == pytest.approx({"email": 50.0, "social": 20.0, MISSING: 100.0})
    assert nodes["fastest_deal"].actual == 10.0 and nodes["slowest_deal"].actual == 100.0
    assert nodes["slowest_deal_by_channel"].actual == 100.0
    assert nodes["slowest_deal_by_channel"].breakdown == {"email": 90.0, "social": 20.0, MISSING: 100.0}
    # `last` is the sum of the last day's rows: three regions on 2027-03-31.
    assert nodes["open_pipeline"].actual == 1_500_000 + 700_000 + 300_000
    assert nodes["open_pipeline_by_region"].actual == 2_500_000.0


NOT_FINITE_GOALS = """\
goaltree: 1
id: not-finite
title: Deals with broken rows
period: {start: 2027-01-01, end: 2027-12-31}
owner: Sales
sources:
  crm: {type: KIND, path: data/deals.KIND, date_column: day}
nodes:
  revenue: {title: 100 SEK revenue, unit: SEK, target: 100, metric: {source: crm, value: amount}}
  biggest: {title: 100 SEK largest deal, unit: SEK, aggregate: max, target: 100, metric: {source: crm, value: amount}}
  smallest: {title: 1 SEK smallest deal, unit: SEK, aggregate: min, direction: decrease, target: 1, metric: {source: crm, value: amount}}
  average: {title: 100 SEK mean deal, unit: SEK, aggregate: mean, target: 100, metric: {source: crm, value: amount, by: channel}}
  won: {title: 100 SEK won, unit: SEK, target: 100, metric: {source: crm, value: amount, where: "channel = 'web'"}}
"""

NOT_FINITE_ROWS = """\
day,amount,channel
2027-01-05,10,web
2027-01-05,NaN,web
2027-01-05,20,events
2027-01-05,inf,events
2027-01-06,7,web
2027-01-06,-inf,web
2027-01-07,NaN,events
"""


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_value_that_is_not_a_finite_number_fails_its_node_and_says_where(tmp_path: Path, kind: str) -> None:
    project = tmp_path / kind
    (project / "data").mkdir(parents=True)
    finite = '  finite: {title: 100 SEK revenue, unit: SEK, target: 100, metric: {source: crm, value: amount, where: "isfinite(amount)"}}\n'
    (project / "goals.yaml").write_text(NOT_FINITE_GOALS.replace("KIND", kind) + finite, encoding="utf-8")
    csv_path = project / "data" / "deals.csv"
    csv_path.write_text(NOT_FINITE_ROWS, encoding="utf-8")
    if kind == "parquet":
        duckdb.execute(f"COPY (SELECT * FROM read_csv('{csv_path}')) TO '{project / 'data' / 'deals.parquet'}' (FORMAT parquet)")
        csv_path.unlink()
    evaluation = goaltree.evaluate(project / "goals.yaml", dt.date(2027, 1, 31))
    # SPEC §3.2: NaN and infinite values are errors. Left out, they would change the totals without a word.
    failed = {d.node: d for d in evaluation.diagnostics if d.code == "E013"}
    assert set(failed) == {"revenue", "biggest", "smallest", "average", "won"}
    assert all(d.severity == "error" for d in failed.values())
    assert "in 4 rows (the first on 2027-01-05)" in failed["revenue"].message  # NaN, inf, -inf, NaN
    assert "in 2 rows (the first on 2027-01-05)" in failed["won"].message  # the web rows: NaN, -inf
    lines = (project / "goals.yaml").read_text(encoding="utf-8").splitlines()
    assert failed["revenue"].line == next(n for n, line in enumerate(lines, 1) if line.startswith("  revenue:"))
    nodes = evaluation.nodes
    for node_id in failed:
        assert (nodes[node_id].actual, nodes[node_id].status) == (None, "no_data")
    # Left out on purpose by `where`: the finite rows, 10 and 20 on the 5th and 7 on the 6th.
    assert nodes["finite"].actual == 37


def test_a_query_value_that_is_not_a_finite_number_fails_its_node(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    database = sqlite3.connect(tmp_path / "data" / "deals.db")
    with database:
        database.execute("CREATE TABLE deals (day TEXT, amount REAL)")
        database.executemany("INSERT INTO deals VALUES (?, ?)", [("2027-01-05", 10.0), ("2027-01-06", 1e999), ("2028-02-01", 1e999)])
    database.close()
    (tmp_path / "goals.yaml").write_text(
        NOT_FINITE_GOALS.split("sources:")[0]
        + 'sources:\n  db: {type: sql, url: "sqlite:///data/deals.db"}\nnodes:\n'
        + "  revenue: {title: 100 SEK revenue, unit: SEK, target: 100, metric: {source: db, query: 'SELECT day, amount FROM deals'}}\n",
        encoding="utf-8",
    )
    evaluation = goaltree.evaluate(tmp_path / "goals.yaml", dt.date(2027, 1, 31))
    [failure] = [d for d in evaluation.diagnostics if d.code == "E013"]
    assert "in 1 row (the first on 2027-01-06)" in failure.message  # the infinity of 2028 is outside the period
    assert evaluation.nodes["revenue"].actual is None
