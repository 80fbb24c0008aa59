"""A source is read once per run, whatever the number of nodes that use it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from goaltree.sources import fetch_observations

from .deals import AS_OF, CHANNELS, START, STAGES, assert_series_equal, by_day, expected_count, goal_file, write_deals_csv, write_deals_parquet


class RecordingConnection:
    """A DuckDB connection that remembers every statement run on it."""

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self._connection = connection
        self.statements: list[str] = []

    def execute(self, sql: str, *args, **kwargs):
        self.statements.append(sql)
        return self._connection.execute(sql, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._connection, name)

    def data_reads(self) -> int:
        """Statements that read rows of the data files (directly, or through a view of them)."""
        through_view = any(s.startswith("CREATE VIEW __goaltree_rows") for s in self.statements)
        reads = 0
        for statement in self.statements:
            if statement.startswith(("SET ", "DESCRIBE ", "CREATE VIEW ")):
                continue
            if "read_csv(" in statement or "read_parquet(" in statement:
                reads += 1
            elif through_view and "__goaltree_rows" in statement:
                reads += 1
        return reads


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[RecordingConnection]:
    connections: list[RecordingConnection] = []
    real_connect = duckdb.connect

    def connect(*args, **kwargs):
        connection = RecordingConnection(real_connect(*args, **kwargs))
        connections.append(connection)
        return connection

    monkeypatch.setattr(duckdb, "connect", connect)
    return connections


def many_nodes(source: str, divided: bool) -> dict:
    """Twelve metrics on one source: sums and counts under different filters (and, if ``divided``, several `by`)."""
    nodes = {}
    for index, stage in enumerate(STAGES):
        nodes[f"revenue_{index}"] = {"metric": {"source": source, "value": "amount", "where": f"dealstage = '{stage}'"}}
        nodes[f"count_{index}"] = {"metric": {"source": source, "value": "count", "where": f"dealstage = '{stage}'"}}
    for index, channel in enumerate(CHANNELS[:3]):
        metric = {"source": source, "value": "amount * 0.8", "where": f"channel = '{channel}'"}
        if divided:
            metric["by"] = ("dealstage", "channel", "dealname")[index]
        nodes[f"net_{index}"] = {"metric": metric}
    nodes["deals"] = {"metric": {"source": source, "value": "count"}}
    return nodes


@pytest.mark.parametrize("divided", [False, True], ids=["one-group", "several-by"])
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_one_connection_and_one_reading_of_the_file_per_source(
    tmp_path: Path, recorded: list[RecordingConnection], kind: str, divided: bool
) -> None:
    if kind == "csv":
        write_deals_csv(tmp_path / "a.csv")
        write_deals_csv(tmp_path / "b.csv")
    else:
        write_deals_parquet(tmp_path / "a.parquet")
        write_deals_parquet(tmp_path / "b.parquet")
    nodes = {f"a_{k}": v for k, v in many_nodes("first", divided).items()}
    nodes |= {f"b_{k}": v for k, v in many_nodes("second", divided).items()}
    tree = goal_file(
        {
            "first": {"type": kind, "path": f"a.{kind}", "date_column": "close_date"},
            "second": {"type": kind, "path": f"b.{kind}", "date_column": "close_date"},
        },
        nodes,
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.diagnostics == ()
    assert len(result.observations) == 24
    assert_series_equal(by_day(result.observations["a_deals"]), expected_count())
    assert len(recorded) == 2  # one connection per source, not per node
    for connection in recorded:
        assert connection.data_reads() == 1, connection.statements
        assert sum(s.startswith("DESCRIBE SELECT * FROM read_") for s in connection.statements) == 1


def test_a_bad_node_costs_no_extra_reading(tmp_path: Path, recorded: list[RecordingConnection]) -> None:
    write_deals_csv(tmp_path / "a.csv")
    nodes = many_nodes("crm", divided=True)
    nodes["typo"] = {"metric": {"source": "crm", "value": "amout"}}
    tree = goal_file({"crm": {"type": "csv", "path": "a.csv", "date_column": "close_date"}}, nodes)

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.failed_nodes == {"typo"}
    assert len(result.observations) == 12
    assert [connection.data_reads() for connection in recorded] == [1]
