"""The source sandbox: a goal file's SQL reads its own source's data and nothing else.

Every test attacks a real database (SQLite, DuckDB through duckdb-engine, a live
PostgreSQL, DuckDB under csv sources) from a goal file, and checks that

- the node fails with a located error naming the node and the source,
- nothing in the test's folder changed (every file byte for byte, no new file)
  and the tables are still there, with all their rows,
- no error text holds the content of a file the attack tried to read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import duckdb
import pytest
import sqlalchemy
from sqlalchemy.pool import Pool

from goaltree.cli import main
from goaltree.sources import fetch_observations
from goaltree.sources.sandbox import SqliteGuard, duckdb_settings, fragment_problem, statement_problem

from .deals import (
    AS_OF,
    DEALS,
    START,
    assert_series_equal,
    by_day,
    expected_count,
    goal_file,
    write_deals_csv,
    write_deals_sqlite,
)

SECRET = "s3cr3t-row-from-outside"
SQLITE_DEALS = "SELECT date(close_date), COUNT(*) FROM deals WHERE date(close_date) BETWEEN :start AND :end GROUP BY 1"


def folder_state(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and the hash of its bytes: any write, new file or deletion changes it."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def failures_by_node(result) -> dict[str, tuple[str, str]]:
    return {d.node: (d.code, d.message) for d in result.diagnostics}


def assert_no_secret(result, *secrets: str) -> None:
    for diagnostic in result.diagnostics:
        for secret in secrets:
            assert secret not in diagnostic.message, diagnostic.message


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """Data outside the project: a SQLite database, a DuckDB database and a text file, each holding ``SECRET``."""
    folder = tmp_path / "outside"
    folder.mkdir()
    connection = sqlite3.connect(folder / "secret.db")
    with connection:
        connection.execute("CREATE TABLE secrets (day TEXT, value REAL, note TEXT)")
        connection.execute("INSERT INTO secrets VALUES ('2027-01-05', 42, ?)", (SECRET,))
    connection.close()
    other = duckdb.connect(str(folder / "secret.duckdb"))
    other.execute(f"CREATE TABLE secrets AS SELECT DATE '2027-01-05' AS day, 42 AS value, '{SECRET}' AS note")
    other.close()
    (folder / "secret.txt").write_text(SECRET + "\n")
    (folder / "secret.csv").write_text(f"day,value\n2027-01-05,{SECRET}\n")
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


# --- the statement check, every dialect ------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT day, value FROM t WHERE note = ';'",
        "SELECT day, value FROM t WHERE note = 'it''s; fine'",
        "select day, value from t;",
        "  -- the daily total\n  /* one row a day */ WITH d AS (SELECT day, value FROM t) SELECT * FROM d",
        "(SELECT day, value FROM t)",
        "VALUES ('2027-01-05', 1)",
        "FROM t SELECT day, value",
    ],
)
def test_one_reading_statement_passes(query: str) -> None:
    assert statement_problem(query) is None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT 1, 2; DELETE FROM deals",
        "SELECT 1, 2 -- it's\n; DROP TABLE deals; -- '",
        "SELECT 1, 2 # it's\n; DROP TABLE deals -- '",  # MySQL and BigQuery read '#' as a comment
        "SELECT 'a\\'; DROP TABLE deals; --', 2",  # backslash escapes (MySQL) hide nothing
        "SELECT E'a\\'; DROP TABLE deals; --', 2",  # nor PostgreSQL's E'' strings
        "SELECT [it's]; DROP TABLE deals; --'",  # SQL Server brackets
        "SELECT 1 /* /* */ ; DROP TABLE deals; */",  # PostgreSQL nests comments, SQLite does not
        "SELECT $$;$$, 2",  # a dollar quote is text in PostgreSQL only
    ],
)
def test_several_statements_are_refused_whatever_the_dialect_reads_as_text(query: str) -> None:
    assert "several statements" in statement_problem(query)


@pytest.mark.parametrize(
    "query, word",
    [
        ("DELETE FROM deals", "'DELETE'"),
        ("/* looks harmless */ DROP TABLE deals", "'DROP'"),
        ("COPY (SELECT 1) TO PROGRAM 'id'", "'COPY'"),
        ("SELEC 1, 2", "'SELEC' (did you mean 'SELECT'?)"),
        ("", "no statement"),
        ("-- only a comment", "no statement"),
    ],
)
def test_a_query_must_start_like_a_reading_statement(query: str, word: str) -> None:
    assert statement_problem(query).startswith(f"it starts with {word}; a query only reads")


# --- SQLite ----------------------------------------------------------------------------------


def sqlite_attack(project: Path, nodes: dict[str, str]):
    tree = goal_file(
        {"warehouse": {"type": "sql", "url": "sqlite:///warehouse.db"}},
        {node: {"metric": {"source": "warehouse", "query": query}} for node, query in nodes.items()},
    )
    return fetch_observations(tree, project, START, AS_OF)


def test_sqlite_attach_then_read_is_refused(tmp_path: Path, project: Path, outside: Path) -> None:
    write_deals_sqlite(project / "warehouse.db")
    before = folder_state(tmp_path)

    result = sqlite_attack(
        project,
        {
            "attach": f"ATTACH DATABASE '{outside / 'secret.db'}' AS s",
            "read": "SELECT day, value FROM s.secrets",
            "read_main": "SELECT day, value FROM main.secrets",
            "deals": SQLITE_DEALS,
        },
    )

    failures = failures_by_node(result)
    assert failures["attach"][0] == "E028"
    assert "source warehouse, node attach: query refused: it starts with 'ATTACH'" in failures["attach"][1]
    assert failures["read"] == ("E017", "source warehouse, node read: query failed: no such table: s.secrets")
    assert failures["read_main"][0] == "E017"
    # The other node still reads the project's database, with the right numbers.
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert folder_state(tmp_path) == before
    assert_no_secret(result, SECRET)


@pytest.mark.parametrize(
    "query",
    [
        "DROP TABLE deals",
        "DELETE FROM deals",
        "INSERT INTO deals (deal_id) VALUES (-1)",
        "UPDATE deals SET amount = 0",
        "VACUUM INTO 'copy.db'",
        "PRAGMA writable_schema = 1",
        "CREATE TABLE stolen AS SELECT * FROM deals",
    ],
)
def test_sqlite_statements_that_write_are_refused(tmp_path: Path, project: Path, query: str) -> None:
    database = write_deals_sqlite(project / "warehouse.db")
    before = folder_state(tmp_path)

    result = sqlite_attack(project, {"attack": query, "deals": SQLITE_DEALS})

    assert failures_by_node(result)["attack"][0] == "E028"
    assert folder_state(tmp_path) == before
    assert sqlite3.connect(database).execute("SELECT COUNT(*) FROM deals").fetchone()[0] == len(DEALS)
    assert_series_equal(by_day(result.observations["deals"]), expected_count())


@pytest.mark.parametrize(
    "query, refused",
    [
        # SQLite runs a WITH before DELETE/INSERT/UPDATE: these pass the statement check and
        # meet the authorizer (and the read-only file) instead.
        ("WITH x AS (SELECT 1) DELETE FROM deals", "DELETE deals"),
        ("WITH x AS (SELECT 1) INSERT INTO deals (deal_id) VALUES (-1)", "INSERT deals"),
        ("WITH x AS (SELECT 1) UPDATE deals SET amount = 0", "UPDATE deals"),
        ("SELECT '2027-01-05', load_extension('{outside}/evil.so')", "the function load_extension()"),
    ],
)
def test_sqlite_writes_that_look_like_reads_meet_the_authorizer(
    tmp_path: Path, project: Path, outside: Path, query: str, refused: str
) -> None:
    database = write_deals_sqlite(project / "warehouse.db")
    before = folder_state(tmp_path)

    result = sqlite_attack(project, {"attack": query.format(outside=outside)})

    code, message = failures_by_node(result)["attack"]
    assert code == "E028"
    assert message == (
        f"source warehouse, node attack: query refused: {refused} is not allowed "
        "(goaltree only reads the source's own database)"
    )
    assert folder_state(tmp_path) == before
    assert sqlite3.connect(database).execute("SELECT COUNT(*), SUM(amount = 0) FROM deals WHERE deal_id > 0").fetchone() == (
        len(DEALS),
        sum(1 for d in DEALS if d.amount == 0),
    )


@pytest.mark.parametrize(
    "statement",
    [
        "ATTACH DATABASE '{outside}/secret.db' AS s",
        "ATTACH DATABASE '{outside}/new.db' AS s",
        "VACUUM INTO '{outside}/copy.db'",
        "PRAGMA writable_schema = 1",
        "PRAGMA journal_mode = DELETE",
        "SELECT load_extension('{outside}/evil.so')",
        "CREATE TEMP TABLE t AS SELECT 1",
        "DROP TABLE deals",
    ],
)
def test_the_sqlite_guard_refuses_on_its_own(tmp_path: Path, outside: Path, statement: str) -> None:
    """The second line of defence: a statement that got past the statement check still cannot act."""
    database = write_deals_sqlite(tmp_path / "warehouse.db")
    before = folder_state(tmp_path)
    connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    guard = SqliteGuard()
    guard.install(connection)

    with pytest.raises(sqlite3.DatabaseError):
        connection.execute(statement.format(outside=outside)).fetchall()

    assert guard.take_refusal() is not None
    assert connection.execute("SELECT COUNT(*) FROM deals").fetchone()[0] == len(DEALS)
    connection.close()
    unguarded = sqlite3.connect(database)
    assert [row[1] for row in unguarded.execute("PRAGMA database_list")] == ["main"]
    assert unguarded.execute("PRAGMA writable_schema").fetchone()[0] == 0
    assert unguarded.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    unguarded.close()
    assert folder_state(tmp_path) == before


def test_sqlite_one_statement_per_query_and_semicolons_in_text_are_fine(tmp_path: Path, project: Path) -> None:
    database = write_deals_sqlite(project / "warehouse.db")
    before = folder_state(tmp_path)

    result = sqlite_attack(
        project,
        {
            "stacked": SQLITE_DEALS + "; DELETE FROM deals",
            "hidden": SQLITE_DEALS + " -- it's\n; DELETE FROM deals; -- '",
            "text": SQLITE_DEALS.replace("WHERE", "WHERE dealname <> 'a;b' AND"),
        },
    )

    failures = failures_by_node(result)
    assert set(failures) == {"stacked", "hidden"}
    for node in ("stacked", "hidden"):
        assert failures[node] == (
            "E028",
            f"source warehouse, node {node}: query refused: it holds several statements separated by ';'; "
            "a query is one SELECT (a ';' inside a string literal is fine)",
        )
    assert_series_equal(by_day(result.observations["text"]), expected_count())
    assert folder_state(tmp_path) == before
    assert sqlite3.connect(database).execute("SELECT COUNT(*) FROM deals").fetchone()[0] == len(DEALS)


def test_sqlite_url_options_cannot_reopen_the_file_for_writing(tmp_path: Path, project: Path) -> None:
    database = write_deals_sqlite(project / "warehouse.db")
    before = folder_state(tmp_path)
    tree = goal_file(
        {"warehouse": {"type": "sql", "url": "sqlite:///warehouse.db?mode=rwc&cache=shared"}},
        {"deals": {"metric": {"source": "warehouse", "query": SQLITE_DEALS}}},
    )
    write_errors: list[str] = []

    def try_to_write(dbapi_connection: sqlite3.Connection, record: object) -> None:
        # Without the authorizer, only the way the file was opened stands in the way.
        dbapi_connection.set_authorizer(None)
        try:
            dbapi_connection.execute("DELETE FROM deals")
        except sqlite3.OperationalError as error:
            write_errors.append(str(error))

    sqlalchemy.event.listen(Pool, "connect", try_to_write)
    try:
        result = fetch_observations(tree, project, START, AS_OF)
    finally:
        sqlalchemy.event.remove(Pool, "connect", try_to_write)

    assert write_errors == ["attempt to write a readonly database"]
    assert result.diagnostics == ()
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert folder_state(tmp_path) == before
    assert sqlite3.connect(database).execute("SELECT COUNT(*) FROM deals").fetchone()[0] == len(DEALS)


def attack_goal_file(url: str, nodes: str) -> str:
    """The text of a goal file whose sql source ``warehouse`` reads ``url`` (line 6), with ``nodes`` (YAML lines)."""
    return (
        "goaltree: 1\n"
        "id: attack\n"
        "title: Attack\n"
        "period: {start: 2027-01-01, end: 2027-12-31}\n"
        "sources:\n"
        f"  warehouse: {{type: sql, url: '{url}'}}\n"
        f"nodes:\n{nodes}"
    )


def test_a_refused_query_is_located_in_the_goal_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_deals_sqlite(project / "warehouse.db")
    goals = project / "goals.yaml"
    text = attack_goal_file(
        "sqlite:///warehouse.db",
        "  deals:\n"
        "    title: 1 000 deals closed in 2027\n"
        "    unit: count\n"
        "    target: 1000\n"
        "    metric: {source: warehouse, query: \"DROP TABLE deals\"}\n",
    )
    goals.write_text(text)
    column = text.splitlines()[11].index('"DROP') + 1

    code = main(["evaluate", str(goals), "--as-of", AS_OF.isoformat()])

    output = capsys.readouterr()
    assert code == 1
    assert (
        f"{goals}:12:{column}: error E028 [deals] source warehouse, node deals: query refused: it starts with 'DROP'"
        in output.err + output.out
    )
    assert "Traceback" not in output.err + output.out


# --- DuckDB through SQLAlchemy (duckdb-engine) ----------------------------------------------


def write_deals_duckdb(path: Path) -> Path:
    csv = write_deals_csv(path.parent / "deals-for-duckdb.csv")
    connection = duckdb.connect(str(path))
    connection.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{csv}')")
    connection.close()
    csv.unlink()
    return path


DUCKDB_DEALS = (
    "SELECT CAST(close_date AS DATE), COUNT(*) FROM deals "
    "WHERE CAST(close_date AS DATE) BETWEEN :start AND :end GROUP BY 1"
)


def duckdb_attack(project: Path, nodes: dict[str, str], url: str = "duckdb:///warehouse.duckdb"):
    tree = goal_file(
        {"warehouse": {"type": "sql", "url": url}},
        {node: {"metric": {"source": "warehouse", "query": query}} for node, query in nodes.items()},
    )
    return fetch_observations(tree, project, START, AS_OF)


def test_duckdb_gives_the_deal_numbers_from_a_file_relative_to_the_goal_file(project: Path) -> None:
    pytest.importorskip("duckdb_engine")
    write_deals_duckdb(project / "data" / "warehouse.duckdb")

    result = duckdb_attack(project, {"deals": DUCKDB_DEALS}, url="duckdb:///data/warehouse.duckdb")

    assert result.diagnostics == ()
    assert_series_equal(by_day(result.observations["deals"]), expected_count())


def test_duckdb_cannot_read_or_write_files(tmp_path: Path, project: Path, outside: Path) -> None:
    pytest.importorskip("duckdb_engine")
    write_deals_duckdb(project / "warehouse.duckdb")
    passwd = Path("/etc/passwd").read_text() if Path("/etc/passwd").exists() else ""
    before = folder_state(tmp_path)

    result = duckdb_attack(
        project,
        {
            "read_text": f"SELECT DATE '2027-01-05', length(content) FROM read_text('{outside / 'secret.txt'}')",
            "read_csv": "SELECT DATE '2027-01-05', COUNT(*) FROM read_csv('/etc/passwd')",
            "cast": f"SELECT DATE '2027-01-05', CAST(content AS INTEGER) FROM read_text('{outside / 'secret.txt'}')",
            "replacement_scan": f"SELECT day, value FROM '{outside / 'secret.csv'}'",
            "copy": f"COPY (SELECT * FROM deals) TO '{outside / 'stolen.csv'}'",
            "stacked_copy": f"SELECT DATE '2027-01-05', 1; COPY (SELECT * FROM deals) TO '{outside / 'stolen.csv'}'",
            "attach": f"ATTACH '{outside / 'secret.duckdb'}' AS s",
            "install": "INSTALL httpfs",
            "load": "LOAD httpfs",
            "unlock": "SET enable_external_access = true",
            "create": "CREATE TABLE stolen AS SELECT * FROM deals",
            "deals": DUCKDB_DEALS,
        },
    )

    failures = failures_by_node(result)
    assert set(failures) == set(result.failed_nodes) == {
        "read_text", "read_csv", "cast", "replacement_scan", "copy", "stacked_copy",
        "attach", "install", "load", "unlock", "create",
    }
    for node in ("read_text", "read_csv", "cast", "replacement_scan"):
        code, message = failures[node]
        assert code == "E028", message
        assert "file system operations are disabled by configuration" in message
    assert {node: message for node, (code, message) in failures.items() if code != "E028"} == {}
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert folder_state(tmp_path) == before
    assert_no_secret(result, SECRET, *[line for line in passwd.splitlines() if len(line) > 8][:5])


def test_duckdb_connections_are_read_only_and_locked(tmp_path: Path, outside: Path) -> None:
    """The settings goaltree gives duckdb-engine, on a DuckDB connection of their own."""
    database = write_deals_duckdb(tmp_path / "warehouse.duckdb")
    before = folder_state(tmp_path)
    connection = duckdb.connect(str(database), read_only=True, config=duckdb_settings())

    for statement in (
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "DELETE FROM deals",
        f"ATTACH '{outside / 'secret.duckdb'}' AS s",
        f"COPY deals TO '{outside / 'stolen.csv'}'",
        f"SELECT * FROM read_text('{outside / 'secret.txt'}')",
        "LOAD httpfs",
    ):
        with pytest.raises(duckdb.Error) as refused:
            connection.execute(statement)
        assert SECRET not in str(refused.value)

    assert connection.execute("SELECT COUNT(*) FROM deals").fetchone()[0] == len(DEALS)
    connection.close()
    assert folder_state(tmp_path) == before


def test_duckdb_files_stay_inside_the_project_and_take_no_options(tmp_path: Path, project: Path, outside: Path) -> None:
    pytest.importorskip("duckdb_engine")
    write_deals_duckdb(project / "warehouse.duckdb")
    before = folder_state(tmp_path)
    tree = goal_file(
        {
            "escape": {"type": "sql", "url": "duckdb:///../outside/secret.duckdb"},
            "absolute": {"type": "sql", "url": f"duckdb:///{outside}/secret.duckdb"},
            "unlocked": {"type": "sql", "url": "duckdb:///warehouse.duckdb?enable_external_access=true"},
            "missing": {"type": "sql", "url": "duckdb:///nowhere.duckdb"},
        },
        {
            "a": {"metric": {"source": "escape", "query": "SELECT day, value FROM secrets"}},
            "b": {"metric": {"source": "absolute", "query": "SELECT day, value FROM secrets"}},
            "c": {"metric": {"source": "unlocked", "query": DUCKDB_DEALS}},
            "d": {"metric": {"source": "missing", "query": DUCKDB_DEALS}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    failures = failures_by_node(result)
    assert failures["a"][0] == failures["b"][0] == "E018"
    assert "leads outside the project folder" in failures["a"][1] and "leads outside the project folder" in failures["b"][1]
    assert failures["c"] == (
        "E018",
        "source unlocked, node c: url 'duckdb:///warehouse.duckdb?enable_external_access=true' sets options "
        "(enable_external_access); a duckdb URL takes none: goaltree configures the connection itself",
    )
    assert failures["d"][0] == "E013" and "database file nowhere.duckdb not found" in failures["d"][1]
    assert folder_state(tmp_path) == before  # nowhere.duckdb was not created
    assert_no_secret(result, SECRET)


# --- csv and parquet: DuckDB under value and where --------------------------------------------


def test_csv_expressions_cannot_reach_other_files(tmp_path: Path, project: Path, outside: Path) -> None:
    write_deals_csv(project / "data" / "deals.csv")
    before = folder_state(tmp_path)
    tree = goal_file(
        {"crm": {"type": "csv", "path": "data/deals.csv", "date_column": "close_date"}},
        {
            "read_text": {"metric": {"source": "crm", "value": f"(SELECT length(content) FROM read_text('{outside / 'secret.txt'}'))"}},
            "passwd": {"metric": {"source": "crm", "value": "count", "where": "(SELECT COUNT(*) FROM read_csv('/etc/passwd')) > 0"}},
            "secret_csv": {"metric": {"source": "crm", "value": f"(SELECT max(value) FROM '{outside / 'secret.csv'}')"}},
            "environment": {"metric": {"source": "crm", "value": "length(getenv('HOME'))"}},
            "deals": {"metric": {"source": "crm", "value": "count"}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    failures = failures_by_node(result)
    assert set(failures) == {"read_text", "passwd", "secret_csv", "environment"}
    for node in ("read_text", "passwd", "secret_csv"):
        code, message = failures[node]
        assert code == "E028", message
        assert "is refused: Cannot access file" in message and "disabled by configuration" in message
    assert failures["environment"][0] == "E017"  # DuckDB's Python client has no getenv
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert folder_state(tmp_path) == before
    assert_no_secret(result, SECRET, os.environ.get("HOME", SECRET))


def test_csv_expressions_cannot_end_goaltrees_query_and_write_the_data_file(tmp_path: Path, project: Path) -> None:
    data = write_deals_csv(project / "data" / "deals.csv")
    before = folder_state(tmp_path)
    # $$…$$ hides a quote from the expression check, which then takes the ';' for text; DuckDB's
    # parser sees three statements, the second writing the source's own file (which the
    # connection may open) in place.
    overwrite = (
        "length($$'$$) + 0) AS v0 FROM __goaltree_rows GROUP BY 1; "
        f"COPY (SELECT 'pwned' AS close_date) TO '{data}' (USE_TMP_FILE false); "
        "SELECT 1 AS d, fsum(length($$'$$)"
    )
    # The same with a tagged dollar quote, and with an E'…' string whose \' is no end of text.
    tagged = overwrite.replace("$$", "$q$")
    escaped = (
        "length(E'\\'') + 0) AS v0 FROM __goaltree_rows GROUP BY 1; "
        f"COPY (SELECT 'pwned' AS close_date) TO '{data}' (USE_TMP_FILE false); "
        "SELECT 1 AS d, fsum(length(E'\\'')"
    )
    tree = goal_file(
        {"crm": {"type": "csv", "path": "data/deals.csv", "date_column": "close_date"}},
        {
            "overwrite": {"metric": {"source": "crm", "value": overwrite}},
            "tagged": {"metric": {"source": "crm", "value": tagged}},
            "escaped": {"metric": {"source": "crm", "value": "count", "where": escaped}},
            "deals": {"metric": {"source": "crm", "value": "count"}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    failures = failures_by_node(result)
    assert set(failures) == set(result.failed_nodes) == {"overwrite", "tagged", "escaped"}
    for node, field, text in (("overwrite", "value", overwrite), ("tagged", "value", tagged), ("escaped", "where", escaped)):
        assert failures[node] == (
            "E028",
            f"source crm, node {node}: {field} '{text}' is refused: it may not contain ';' "
            "(a value or where is one expression inside goaltree's query, not a statement)",
        )
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert folder_state(tmp_path) == before
    assert data.read_text().startswith("deal_id,")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("amount * 0.8", None),
        ("dealstage = 'a;b' AND channel <> '--'", None),
        ("dealstage = $$closedwon$$ AND channel = 'it''s; fine'", None),
        ("length(E'a\\tb') > 0", None),
        ("list_value(1, 2)[1]", None),
        # Text that only one way of reading quotes finds closed is refused: standard SQL and DuckDB must agree.
        ("dealstage = $$it's; fine$$", "has an unclosed '"),
        ("length(E'it\\'s') > 0", "has an unclosed '"),
        ("amount + length($q$ -- $q$)", "may not contain SQL comments"),
        ("1 = 1; DROP TABLE x", "may not contain ';'"),
        # Standard SQL reads text from ' to ': only DuckDB's dollar quotes show the ';'.
        ("$$'$$; SELECT $$'$$", "may not contain ';'"),
        ("amount /* the rest */", "may not contain SQL comments"),
        ("amount) AS v FROM t (", "has a ')' without its '('"),
        ("E'\\') AS v --'", "may not contain SQL comments"),
        ("'open", "has an unclosed '"),
        ("$tag$ open", "has an unclosed $tag$"),
        ("sum(amount", "has a '(' without its ')'"),
    ],
)
def test_a_value_or_where_stays_one_expression_however_duckdb_reads_quotes(text: str, problem: str | None) -> None:
    found = fragment_problem(text)
    if problem is None:
        assert found is None
        duckdb.sql(f"SELECT {text} FROM (SELECT 1.0 AS amount, 'x' AS dealstage, 'y' AS channel) AS t").fetchall()
    else:
        assert found is not None and found.startswith(f"it {problem}"), found


# --- PostgreSQL --------------------------------------------------------------------------------

postgres = pytest.mark.postgres
POSTGRES_DEALS = (
    "SELECT close_date::date, COUNT(*) FROM deals WHERE close_date::date BETWEEN :start AND :end GROUP BY 1"
)


@pytest.fixture
def writable_by_server() -> Iterator[Path]:
    """A folder the server's account could write into, so that a COPY TO PROGRAM that ran would show.

    The server may run as another user, who cannot enter pytest's private
    temporary folders, so this one is made directly under the system's.
    """
    folder = Path(tempfile.mkdtemp(prefix="goaltree-sandbox-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def postgres_attack(server, project: Path, nodes: dict[str, str], url: str | None = None):
    tree = goal_file(
        {"warehouse": {"type": "sql", "url": url or server.url()}},
        {node: {"metric": {"source": "warehouse", "query": query}} for node, query in nodes.items()},
    )
    return fetch_observations(tree, project, START, AS_OF)


def deal_count(server) -> int:
    with server.connect() as connection:
        return connection.execute("SELECT COUNT(*) FROM deals").fetchone()[0]


@postgres
def test_postgresql_queries_run_in_a_read_only_transaction(postgres_deals, tmp_path: Path, project: Path, writable_by_server: Path) -> None:
    before = folder_state(tmp_path)
    program_output = writable_by_server / "pwned"

    result = postgres_attack(
        postgres_deals,
        project,
        {
            "insert": "INSERT INTO deals (deal_id) VALUES (-1)",
            "create": "CREATE TABLE stolen AS SELECT * FROM deals",
            "copy_program": f"COPY (SELECT 1) TO PROGRAM 'touch {program_output}'",
            "stacked": f"SELECT now()::date, 1; COPY (SELECT 1) TO PROGRAM 'touch {program_output}'",
            # These are one statement that starts with WITH or SELECT: the read-only transaction stops them.
            "delete_in_cte": "WITH gone AS (DELETE FROM deals RETURNING 1) SELECT now()::date, COUNT(*) FROM gone",
            "insert_in_cte": (
                "WITH added AS (INSERT INTO deals (deal_id) VALUES (-1) RETURNING 1) SELECT now()::date, COUNT(*) FROM added"
            ),
            "select_into": "SELECT * INTO stolen FROM deals",
            "read_write": "SELECT now()::date, 1 FROM (SELECT set_config('transaction_read_only', 'off', true)) AS s",
            "deals": POSTGRES_DEALS,
        },
    )

    failures = failures_by_node(result)
    assert set(failures) == set(result.failed_nodes) == {
        "insert", "create", "copy_program", "stacked", "delete_in_cte", "insert_in_cte", "select_into", "read_write",
    }
    # Switching the transaction to read-write is refused by PostgreSQL itself: a refusal too.
    assert failures.pop("read_write") == (
        "E028",
        "source warehouse, node read_write: query refused: transaction read-write mode must be set before any query",
    )
    assert {node: message for node, (code, message) in failures.items() if code != "E028"} == {}
    for node in ("delete_in_cte", "insert_in_cte", "select_into"):
        assert "in a read-only transaction" in failures[node][1]
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert deal_count(postgres_deals) == len(DEALS)
    with postgres_deals.connect() as connection:
        assert connection.execute("SELECT to_regclass('stolen')").fetchone()[0] is None
    assert not program_output.exists()
    assert folder_state(tmp_path) == before and folder_state(writable_by_server) == {}


@postgres
def test_postgresql_server_files_are_out_of_reach_of_a_read_only_role(postgres_deals, tmp_path: Path, project: Path) -> None:
    before = folder_state(tmp_path)

    result = postgres_attack(
        postgres_deals,
        project,
        {
            "read_file": "SELECT now()::date, length(pg_read_file('/etc/passwd'))",
            "cast_file": "SELECT now()::date, CAST(pg_read_file('/etc/passwd') AS integer)",
            "list_dir": "SELECT now()::date, COUNT(*) FROM pg_ls_dir('/etc') AS f",
            "deals": POSTGRES_DEALS,
        },
    )

    failures = failures_by_node(result)
    assert set(failures) == {"read_file", "cast_file", "list_dir"}
    for node in ("read_file", "cast_file", "list_dir"):
        assert "permission denied for function" in failures[node][1]
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert_no_secret(result, *passwd_lines())
    assert deal_count(postgres_deals) == len(DEALS)
    assert folder_state(tmp_path) == before


def passwd_lines() -> list[str]:
    """Lines of the server machine's /etc/passwd (the tests run on it): none may show up in a message."""
    return [line for line in Path("/etc/passwd").read_text().splitlines() if len(line) > 8]


def statements_received(server) -> str:
    """The server's log: every statement it was sent (log_statement = all)."""
    assert server.log is not None
    return server.log.read_text(errors="replace")


FILE_ATTACKS = {
    "read_file": "SELECT now()::date, length(pg_read_file('/etc/passwd'))",
    "cast_file": "SELECT now()::date, CAST(pg_read_file('/etc/passwd') AS integer)",
    "list_dir": "SELECT now()::date, COUNT(*) FROM pg_ls_dir('/etc') AS f",
    "list_wal": "SELECT now()::date, COUNT(*) FROM pg_ls_waldir() AS f",
    "deals": POSTGRES_DEALS,
}


@postgres
def test_a_superuser_login_is_refused_before_any_query_runs(
    postgres_superuser, tmp_path: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goals = project / "goals.yaml"
    nodes = "".join(
        f"  {node}:\n    title: {node}\n    metric: {{source: warehouse, query: \"{query}\"}}\n"
        for node, query in FILE_ATTACKS.items()
    )
    text = attack_goal_file(postgres_superuser.url(), nodes)
    goals.write_text(text)
    url_column = text.splitlines()[5].index("'postgresql") + 1
    before = folder_state(tmp_path)
    received_before = len(statements_received(postgres_superuser))

    code = main(["evaluate", str(goals), "--as-of", AS_OF.isoformat()])

    output = capsys.readouterr()
    printed = output.out + output.err
    assert code == 1
    reason = (
        f"the database role {postgres_superuser.user} is a superuser, so a query could read or write the database "
        "server's files (pg_read_file) or run statements elsewhere, which a read-only transaction does not stop; "
        "connect as a role that may only SELECT the tables the goal file reads (see Security in docs/sources.md)"
    )
    for node in FILE_ATTACKS:
        assert f"{goals}:6:{url_column}: error E028 [{node}] source warehouse, node {node}: {reason}" in printed
    assert "Traceback" not in printed and postgres_superuser.password not in printed
    for line in passwd_lines():
        assert line not in printed
    # The server received goaltree's check of the role, and not one of the goal file's queries.
    received = statements_received(postgres_superuser)[received_before:]
    assert "pg_has_role" in received
    for query in FILE_ATTACKS.values():
        assert query.split(",")[1] not in received
    assert "FROM deals" not in received
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize(
    ("grants", "what"),
    [
        # NOINHERIT does not help: a query may still switch to the role (set_config('role', …) changes current_user).
        (["GRANT pg_read_server_files TO {role}"], "is a member of pg_read_server_files"),
        (["GRANT pg_execute_server_program, pg_write_server_files TO {role}"], "is a member of pg_execute_server_program, pg_write_server_files"),
        (["GRANT EXECUTE ON FUNCTION pg_read_file(text) TO {role}"], "may call pg_read_file()"),
        (["CREATE ROLE goaltree_files", "GRANT EXECUTE ON FUNCTION lo_export(oid, text) TO goaltree_files", "GRANT goaltree_files TO {role}"], "may call lo_export()"),
        (["GRANT {superuser} TO {role}"], "is a member of the superuser role {superuser}"),
        # pg_monitor may list the server's folders: pg_ls_waldir(), pg_ls_logdir(), pg_ls_tmpdir().
        (["GRANT pg_monitor TO {role}"], "is a member of pg_monitor, pg_read_all_settings, pg_read_all_stats"),
        (["GRANT pg_read_all_settings TO {role}"], "is a member of pg_read_all_settings"),
        (["GRANT EXECUTE ON FUNCTION pg_ls_waldir() TO {role}"], "may call pg_ls_waldir()"),
    ],
)
@postgres
def test_a_login_that_can_reach_the_servers_files_is_refused(
    postgres_superuser, project: Path, grants: list[str], what: str
) -> None:
    role, password = "goaltree_privileged", "privileged-pw"
    superuser = postgres_superuser.user
    with postgres_superuser.connect() as connection:
        connection.execute(f"CREATE ROLE {role} LOGIN NOINHERIT PASSWORD '{password}'")
        connection.execute(f"GRANT SELECT ON deals TO {role}")
        for grant in grants:
            connection.execute(grant.format(role=role, superuser=superuser))
    try:
        host = f"{postgres_superuser.host}:{postgres_superuser.port}/{postgres_superuser.database}"
        result = postgres_attack(postgres_superuser, project, FILE_ATTACKS, url=f"postgresql+psycopg://{role}:{password}@{host}")
    finally:
        with postgres_superuser.connect() as connection:
            for name in (role, "goaltree_files"):
                if connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                    connection.execute(f"DROP OWNED BY {name}")
                    connection.execute(f"DROP ROLE {name}")

    failures = failures_by_node(result)
    assert set(failures) == set(FILE_ATTACKS)
    expected = what.format(superuser=superuser)
    for code, message in failures.values():
        assert code == "E028"
        assert f": the database role {role} {expected}, so a query could read or write" in message
    assert_no_secret(result, *passwd_lines())


@postgres
def test_a_login_that_may_call_dblink_is_refused(postgres_superuser, postgres_deals, project: Path) -> None:
    # dblink runs a statement on another connection, outside goaltree's read-only transaction;
    # CREATE EXTENSION grants its functions to PUBLIC, so every login of that database may call them.
    database = "goaltree_dblink"
    with postgres_superuser.connect() as connection:
        connection.execute(f"CREATE DATABASE {database}")
    try:
        inside = replace(postgres_superuser, database=database)
        with inside.connect() as connection:
            connection.execute("CREATE EXTENSION dblink")
            connection.execute("CREATE TABLE deals AS SELECT 1 AS n")
            connection.execute(f"GRANT SELECT ON deals TO {postgres_deals.user}")
        result = postgres_attack(postgres_deals, project, {"deals": POSTGRES_DEALS}, url=replace(postgres_deals, database=database).url())
    finally:
        with postgres_superuser.connect() as connection:
            connection.execute(f"DROP DATABASE {database} WITH (FORCE)")

    ((code, message),) = failures_by_node(result).values()
    assert code == "E028"
    assert message.startswith(
        f"source warehouse, node deals: the database role {postgres_deals.user} may call dblink(), dblink_connect(), "
        "dblink_exec(), dblink_send_query(), so a query could"
    )


@postgres
def test_a_server_that_cannot_tell_what_the_login_may_do_is_refused(postgres_superuser, postgres_deals, project: Path) -> None:
    # As on a PostgreSQL-compatible server without pg_has_role: goaltree cannot check the login, so nothing runs.
    signature = "pg_catalog.pg_has_role(name, oid, text)"
    received_before = len(statements_received(postgres_superuser))
    with postgres_superuser.connect() as connection:
        connection.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
    try:
        result = postgres_attack(postgres_deals, project, FILE_ATTACKS)
    finally:
        with postgres_superuser.connect() as connection:
            connection.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO PUBLIC")

    failures = failures_by_node(result)
    assert failures == {
        node: (
            "E028",
            f"source warehouse, node {node}: could not check what the database role may do, so no query runs: "
            "permission denied for function pg_has_role",
        )
        for node in FILE_ATTACKS
    }
    assert "FROM deals" not in statements_received(postgres_superuser)[received_before:]


# --- a time limit on every query -------------------------------------------------------------

ENDLESS_SQLITE = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT '2027-01-02', count(*) FROM c"
ENDLESS_DUCKDB = "(SELECT sum(a.range % 7 + b.range % 3) FROM range(1000000) a, range(1000000) b)"
TIMED_OUT = "the query ran for more than 1 seconds and was stopped"


def test_a_query_that_never_ends_is_stopped_and_the_others_still_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOALTREE_QUERY_SECONDS", "1")
    (project / "data").mkdir()
    (project / "data" / "deals.csv").write_text("close_date,amount\n2027-01-05,10\n2027-01-06,7\n", encoding="utf-8")
    database = duckdb.connect(str(project / "data" / "w.duckdb"))
    database.execute("CREATE TABLE t AS SELECT 1 AS a")
    database.close()
    tree = goal_file(
        {
            "lite": {"type": "sql", "url": "sqlite://"},
            "crm": {"type": "csv", "path": "data/deals.csv", "date_column": "close_date"},
            "duck": {"type": "sql", "url": "duckdb:///data/w.duckdb"},
        },
        {
            "recursive": {"metric": {"source": "lite", "query": ENDLESS_SQLITE}},
            "cross_join": {"metric": {"source": "crm", "value": ENDLESS_DUCKDB}},
            "in_a_database": {"metric": {"source": "duck", "query": f"SELECT DATE '2027-01-02', {ENDLESS_DUCKDB}"}},
            "amount": {"metric": {"source": "crm", "value": "amount"}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    failures = failures_by_node(result)
    assert set(failures) == {"recursive", "cross_join", "in_a_database"}
    assert all(TIMED_OUT in message for _code, message in failures.values())
    assert sum(observation.value for observation in result.observations["amount"]) == 17  # 10 + 7


@postgres
def test_a_postgresql_query_that_never_ends_is_stopped_by_the_server(postgres_deals, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOALTREE_QUERY_SECONDS", "1")
    result = postgres_attack(postgres_deals, project, {"sleep": "SELECT now()::date, 1 FROM pg_sleep(30)", "deals": POSTGRES_DEALS})
    failures = failures_by_node(result)
    assert set(failures) == {"sleep"} and TIMED_OUT in failures["sleep"][1]
    assert result.observations["deals"]
