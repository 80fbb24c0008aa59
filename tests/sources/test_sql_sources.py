"""sql sources: the same deals in SQLite and in a live PostgreSQL give the same numbers."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy.pool import Pool

from goaltree.sources import fetch_observations

from .deals import (
    AS_OF,
    START,
    assert_series_equal,
    by_day,
    by_day_and_dimension,
    expected_by_channel,
    expected_count,
    expected_revenue,
    goal_file,
    write_deals_sqlite,
)

SQLITE_QUERIES = {
    "revenue": (
        "SELECT date(close_date) AS day, SUM(amount) AS value FROM deals "
        "WHERE dealstage = 'closedwon' AND date(close_date) BETWEEN :start AND :end GROUP BY 1"
    ),
    "deals": "SELECT date(close_date), COUNT(*) FROM deals WHERE date(close_date) BETWEEN :start AND :end GROUP BY 1",
    "deals_by_channel": (
        "SELECT date(close_date), COUNT(*), channel FROM deals "
        "WHERE date(close_date) BETWEEN :start AND :end GROUP BY 1, 3"
    ),
}
POSTGRES_QUERIES = {
    "revenue": (
        "SELECT close_date::date AS day, SUM(amount) AS value FROM deals "
        "WHERE dealstage = 'closedwon' AND close_date::date BETWEEN :start AND :end GROUP BY 1"
    ),
    "deals": "SELECT CAST(close_date AS date), COUNT(*) FROM deals WHERE close_date::date BETWEEN :start AND :end GROUP BY 1",
    "deals_by_channel": (
        "SELECT close_date::date, COUNT(*), channel FROM deals "
        "WHERE close_date::date BETWEEN :start AND :end GROUP BY 1, 3"
    ),
}


def sql_nodes(queries: dict[str, str], source: str = "warehouse") -> dict:
    return {node_id: {"metric": {"source": source, "query": query}} for node_id, query in queries.items()}


def assert_deal_numbers(result) -> None:
    assert result.diagnostics == ()
    assert_series_equal(by_day(result.observations["revenue"]), expected_revenue())
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert_series_equal(by_day_and_dimension(result.observations["deals_by_channel"]), expected_by_channel())


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every DBAPI connection SQLAlchemy opens during the test."""
    opened: list[object] = []

    def count(dbapi_connection: object, record: object) -> None:
        opened.append(dbapi_connection)

    sqlalchemy.event.listen(Pool, "connect", count)
    yield opened
    sqlalchemy.event.remove(Pool, "connect", count)


def test_sqlite_gives_the_same_numbers_on_one_connection(tmp_path: Path, connections: list[object]) -> None:
    write_deals_sqlite(tmp_path / "data" / "warehouse.db")
    tree = goal_file({"warehouse": {"type": "sql", "url": "sqlite:///data/warehouse.db"}}, sql_nodes(SQLITE_QUERIES))

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert_deal_numbers(result)
    assert len(connections) == 1  # three queries, one connection


def test_sqlite_is_opened_read_only_and_never_created(tmp_path: Path) -> None:
    database = write_deals_sqlite(tmp_path / "warehouse.db")
    tree = goal_file(
        {"warehouse": {"type": "sql", "url": "sqlite:///warehouse.db"}, "typo": {"type": "sql", "url": "sqlite:///wherehouse.db"}},
        {
            "wipe": {"metric": {"source": "warehouse", "query": "DELETE FROM deals"}},
            "other": {"metric": {"source": "typo", "query": "SELECT 1, 2"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.failed_nodes == {"wipe", "other"}
    assert sqlite3.connect(database).execute("SELECT COUNT(*) FROM deals").fetchone()[0] > 0
    assert not (tmp_path / "wherehouse.db").exists()
    messages = {d.node: d.message for d in result.diagnostics}
    assert "database file wherehouse.db not found" in messages["other"]


def test_a_query_without_parameters_is_clipped_to_the_range(tmp_path: Path) -> None:
    write_deals_sqlite(tmp_path / "warehouse.db")
    tree = goal_file(
        {"warehouse": {"type": "sql", "url": "sqlite:///warehouse.db"}},
        {
            "deals": {
                "metric": {"source": "warehouse", "query": "SELECT substr(close_date, 1, 10), 1 FROM deals"},
            }
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    # One row per deal, added up per day by goaltree, and only inside the range.
    assert_series_equal(by_day(result.observations["deals"]), expected_count())


def test_parameters_are_bound_not_pasted(tmp_path: Path) -> None:
    database = tmp_path / "w.db"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE t (day TEXT, value REAL)")
    connection.execute("INSERT INTO t VALUES ('2027-01-05', 1), ('2027-02-05', 2)")
    connection.commit()
    connection.close()
    tree = goal_file(
        {"w": {"type": "sql", "url": "sqlite:///w.db"}},
        {
            "echo": {"metric": {"source": "w", "query": "SELECT :start, typeof(:start) = 'text' AND :end = '2027-01-31'"}},
            "value": {"metric": {"source": "w", "query": "SELECT day, value FROM t WHERE day BETWEEN :start AND :end"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, dt.date(2027, 1, 31))

    assert by_day(result.observations["echo"]) == {START: 1.0}
    assert by_day(result.observations["value"]) == {dt.date(2027, 1, 5): 1.0}


def test_sql_errors_name_the_node_and_leave_the_other_queries_running(tmp_path: Path) -> None:
    write_deals_sqlite(tmp_path / "warehouse.db")
    tree = goal_file(
        {"warehouse": {"type": "sql", "url": "sqlite:///warehouse.db"}},
        {
            "bad_sql": {"metric": {"source": "warehouse", "query": "SELECT date(close_date) 1 FROM deals"}},
            "bad_column": {"metric": {"source": "warehouse", "query": "SELECT date(close_date), amout FROM deals"}},
            "four_columns": {"metric": {"source": "warehouse", "query": "SELECT 1, 2, 3, 4"}},
            "not_a_date": {"metric": {"source": "warehouse", "query": "SELECT 'soon', 1"}},
            "extra_parameter": {"metric": {"source": "warehouse", "query": "SELECT :day, 1"}},
            "deals": {"metric": {"source": "warehouse", "query": SQLITE_QUERIES["deals"]}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.failed_nodes == {"bad_sql", "bad_column", "four_columns", "not_a_date", "extra_parameter"}
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    messages = {d.node: d.message for d in result.diagnostics}
    assert messages["bad_sql"] == 'source warehouse, node bad_sql: query failed: near "1": syntax error'
    assert messages["bad_column"] == "source warehouse, node bad_column: query failed: no such column: amout"
    assert "returns 4 columns" in messages["four_columns"]
    assert "first column must be a date" in messages["not_a_date"]
    assert "day" in messages["extra_parameter"] and "only :start and :end are bound" in messages["extra_parameter"]
    assert {d.code for d in result.diagnostics} == {"E017"}
    assert all(d.path == ("nodes", d.node, "metric", "query") for d in result.diagnostics)


def test_a_sqlite_file_outside_the_project_is_refused(tmp_path: Path) -> None:
    write_deals_sqlite(tmp_path / "elsewhere" / "w.db")
    project = tmp_path / "project"
    project.mkdir()
    tree = goal_file(
        {
            "relative": {"type": "sql", "url": "sqlite:///../elsewhere/w.db"},
            "absolute": {"type": "sql", "url": f"sqlite:///{tmp_path}/elsewhere/w.db"},
        },
        {
            "a": {"metric": {"source": "relative", "query": SQLITE_QUERIES["deals"]}},
            "b": {"metric": {"source": "absolute", "query": SQLITE_QUERIES["deals"]}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert result.failed_nodes == {"a", "b"}
    assert {d.code for d in result.diagnostics} == {"E018"}
    assert all("leads outside the project folder" in d.message for d in result.diagnostics)
    assert all(d.path == ("sources", d.message.split()[1].rstrip(","), "url") for d in result.diagnostics)


@pytest.mark.parametrize(
    "option",
    ["passfile=/tmp/secret.txt", "sslkeylogfile=/tmp/precious.txt", "service=warehouse", "sslkey=../key.pem", "sslrootcert=/etc/ssl/x.crt", "PassFile=/tmp/x"],
)
def test_a_postgresql_url_may_not_name_files_for_the_driver(tmp_path: Path, option: str) -> None:
    # libpq would read (passfile, service, sslkey, sslrootcert) or append to (sslkeylogfile) the file
    # named: refused before any connection, so no server is needed to show it.
    secret = tmp_path / "secret.txt"
    secret.write_text("*:*:*:*:OutsideFileSecret\n", encoding="utf-8")
    tree = goal_file(
        {"warehouse": {"type": "sql", "url": f"postgresql://127.0.0.1:1/db?sslmode=disable&{option}"}},
        {"deals": {"metric": {"source": "warehouse", "query": "SELECT 1, 2"}}},
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.failed_nodes == {"deals"}
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "E018" and diagnostic.path == ("sources", "warehouse", "url")
    assert f"sets {option.split('=')[0]};" in diagnostic.message


def test_a_sqlite_file_outside_the_project_is_read_when_the_source_allows_it(tmp_path: Path) -> None:
    write_deals_sqlite(tmp_path / "elsewhere" / "w.db")
    project = tmp_path / "project"
    project.mkdir()
    tree = goal_file(
        {"shared": {"type": "sql", "url": "sqlite:///../elsewhere/w.db", "allow_outside_project": True}},
        {"a": {"metric": {"source": "shared", "query": SQLITE_QUERIES["deals"]}}},
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert result.diagnostics == () and result.failed_nodes == frozenset()
    assert result.observations["a"]


# --- PostgreSQL ----------------------------------------------------------------------------

postgres = pytest.mark.postgres


@postgres
def test_postgresql_gives_the_same_numbers(postgres_deals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, connections) -> None:
    monkeypatch.setenv("GOALTREE_TEST_PG_PASSWORD", postgres_deals.password)
    monkeypatch.setenv("GOALTREE_ALLOWED_VARIABLES", "GOALTREE_TEST_PG_PASSWORD")
    server = postgres_deals
    # Plain postgresql:// (no driver named): goaltree picks psycopg 3 when psycopg2 is absent.
    url = f"postgresql://{server.user}:${{GOALTREE_TEST_PG_PASSWORD}}@{server.host}:{server.port}/{server.database}"
    tree = goal_file({"warehouse": {"type": "sql", "url": url}}, sql_nodes(POSTGRES_QUERIES))

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert_deal_numbers(result)
    assert len(connections) == 1


@postgres
def test_postgresql_failures_never_show_the_password(
    postgres_deals, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    password = postgres_deals.password
    monkeypatch.setenv("DB_PASSWORD", password)
    monkeypatch.setenv("DB_PORT", str(postgres_deals.port))
    monkeypatch.setenv("GOALTREE_ALLOWED_VARIABLES", "DB_PASSWORD DB_PORT")
    user, host, database = postgres_deals.user, postgres_deals.host, postgres_deals.database
    written_in = postgres_deals.url()  # the password written into the goal file itself
    from_env = f"postgresql+psycopg://{user}:${{DB_PASSWORD}}@{host}:${{DB_PORT}}/{database}"
    unreachable = f"postgresql+psycopg://{user}:${{DB_PASSWORD}}@{host}:1/{database}?connect_timeout=3"
    wrong_database = f"postgresql+psycopg://{user}:${{DB_PASSWORD}}@{host}:${{DB_PORT}}/no_such_db"
    wrong_password = postgres_deals.url(password=password[::-1])
    tree = goal_file(
        {
            "written": {"type": "sql", "url": written_in},
            "env": {"type": "sql", "url": from_env},
            "down": {"type": "sql", "url": unreachable},
            "nodb": {"type": "sql", "url": wrong_database},
            "badpw": {"type": "sql", "url": wrong_password},
        },
        {
            "bad_sql": {"metric": {"source": "written", "query": "SELECT close_date::date, amout FROM deals"}},
            "echo": {"metric": {"source": "env", "query": f"SELECT now()::date, 1 WHERE '{password}' = 'x' OR nonsense"}},
            "good": {"metric": {"source": "env", "query": POSTGRES_QUERIES["deals"]}},
            "down_node": {"metric": {"source": "down", "query": "SELECT 1"}},
            "nodb_node": {"metric": {"source": "nodb", "query": "SELECT 1"}},
            "badpw_node": {"metric": {"source": "badpw", "query": "SELECT 1"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.failed_nodes == {"bad_sql", "echo", "down_node", "nodb_node", "badpw_node"}
    assert_series_equal(by_day(result.observations["good"]), expected_count())
    messages = {d.node: d.message for d in result.diagnostics}
    assert 'column "amout" does not exist' in messages["bad_sql"]
    assert messages["down_node"].startswith(f"source down, node down_node: cannot connect to postgresql+psycopg://{user}:***@")
    assert "no_such_db" in messages["nodb_node"]
    assert "password authentication failed" in messages["badpw_node"]
    output = capsys.readouterr()
    for text in [*messages.values(), output.out, output.err]:
        for form in (password, password[::-1], postgres_deals.url().split("@")[0].split(":")[-1]):
            assert form not in text, text
    assert {d.code for d in result.diagnostics} == {"E013", "E017"}


def test_without_server_binaries_the_database_tests_skip_locally_and_fail_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from . import postgres as server_module

    monkeypatch.setattr(server_module, "find_postgres_bindir", lambda: None)
    with pytest.raises(server_module.ServerUnavailable, match="install them with scripts/install-system-deps.sh"):
        with server_module.running_server():
            pass
    assert server_module.must_fail_without_server({"CI": "true"})
    assert not server_module.must_fail_without_server({})
    assert not server_module.must_fail_without_server({"CI": "false"})
