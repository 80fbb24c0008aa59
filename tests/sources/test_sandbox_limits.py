"""The source sandbox's limits: functions that crash SQLite, URL options, side files, sizes and waits.

Each test uses a real database committed beside a goal file, as a pull request
would bring it, and checks that goaltree ends with a located error (never a
crash or a traceback), inside the time limit, without writing in the project.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from goaltree.sources import fetch_observations
from goaltree.sources.sandbox import connect_duckdb

from .deals import AS_OF, START, goal_file
from .test_sandbox import failures_by_node, folder_state


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    (folder / "data").mkdir(parents=True)
    return folder


def run_goaltree(project: Path, sources: str, nodes: dict[str, str], seconds: float = 30, **env: str):
    """``goaltree evaluate`` in a process of its own, so that a crash fails the test instead of ending pytest."""
    lines = "".join(
        f"  {node}:\n    title: {node}\n    metric: {{source: db, query: \"{query}\"}}\n" for node, query in nodes.items()
    )
    goals = project / "goals.yaml"
    goals.write_text(
        "goaltree: 1\nid: t\ntitle: T\nperiod: {start: 2027-01-01, end: 2027-12-31}\n"
        f"sources:\n  db: {sources}\nnodes:\n{lines}"
    )
    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, "-m", "goaltree", "evaluate", str(goals), "--as-of", "2027-02-01"],
        capture_output=True,
        text=True,
        timeout=seconds,
        env={**os.environ, **env},
        cwd=project,
    )
    return finished, time.monotonic() - started


def test_fts3_tokenizer_is_refused_and_cannot_crash_goaltree(project: Path) -> None:
    # Node a would register a tokenizer at address 0x4141…; node b's MATCH would then call it: a segfault.
    database = sqlite3.connect(project / "data" / "w.db")
    with database:
        database.execute("CREATE VIRTUAL TABLE notes USING fts3(body)")
        database.execute("INSERT INTO notes VALUES ('hello world')")
    database.close()
    before = folder_state(project / "data")

    finished, _ = run_goaltree(
        project,
        '{type: sql, url: "sqlite:///data/w.db"}',
        {
            "a": "SELECT '2027-01-02', length(fts3_tokenizer('simple', x'4141414141414141'))",
            "b": "SELECT '2027-01-02', count(*) FROM notes WHERE notes MATCH 'hello'",
            "c": "SELECT '2027-01-02', length(fts3_tokenizer('simple'))",
        },
    )

    printed = finished.stdout + finished.stderr
    assert finished.returncode == 1, printed  # not -11, a segmentation fault
    for node, line in (("a", 10), ("c", 16)):
        assert (
            f"goals.yaml:{line}:33: error E028 [{node}] source db, node {node}: query refused: "
            "the function fts3_tokenizer() is not allowed" in printed
        ), printed
    assert "Traceback" not in printed and "0x" not in printed  # no library address either
    assert folder_state(project / "data") == before


def test_sqlite_url_options_that_lock_or_wait_are_refused(project: Path) -> None:
    database = sqlite3.connect(project / "data" / "w.db")
    with database:
        database.execute("CREATE TABLE deals (day TEXT, amount REAL)")
        database.execute("INSERT INTO deals VALUES ('2027-01-02', 10)")
    database.close()
    # A committed lock folder: with vfs=unix-dotfile SQLite would wait for it to go, for the timeout given.
    (project / "data" / "w.db.lock").mkdir()
    (project / "data" / "w.db.lock" / "keep").write_text("")
    before = folder_state(project / "data")

    finished, seconds = run_goaltree(
        project,
        '{type: sql, url: "sqlite:///data/w.db?vfs=unix-dotfile&timeout=2000000"}',
        {"revenue": "SELECT day, amount FROM deals"},
    )

    printed = finished.stdout + finished.stderr
    assert finished.returncode == 1, printed
    assert (
        "goals.yaml:6:24: error E018 [revenue] source db, node revenue: url "
        "'sqlite:///data/w.db?timeout=2000000&vfs=unix-dotfile' sets timeout, vfs; a sqlite URL may set only "
        "cache, mode, uri" in printed
    ), printed
    assert seconds < 20
    assert folder_state(project / "data") == before and sorted(os.listdir(project / "data")) == ["w.db", "w.db.lock"]


def test_waiting_for_a_locked_sqlite_file_stays_inside_the_time_limit(project: Path, monkeypatch) -> None:
    path = project / "data" / "w.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("CREATE TABLE deals (day TEXT, amount REAL)")
    writer.execute("BEGIN EXCLUSIVE")  # another process writing: readers wait for it
    monkeypatch.setenv("GOALTREE_QUERY_SECONDS", "1")
    tree = goal_file(
        {"db": {"type": "sql", "url": "sqlite:///data/w.db"}},
        {"revenue": {"metric": {"source": "db", "query": "SELECT day, amount FROM deals"}}},
    )
    try:
        started = time.monotonic()
        result = fetch_observations(tree, project, START, AS_OF)
        seconds = time.monotonic() - started
    finally:
        writer.rollback()
        writer.close()

    code, message = failures_by_node(result)["revenue"]
    assert "database is locked" in message
    assert seconds < 3  # Python's own default would wait 5 seconds, a URL's timeout days


def write_duckdb_with_a_log(path: Path) -> Path:
    """A DuckDB database with one deal of 10, and its log (``.wal``) adding 5 000 more."""
    connection = duckdb.connect(str(path))
    connection.execute("CREATE TABLE deals AS SELECT DATE '2027-01-05' AS d, 10 AS a")
    connection.close()
    connection = duckdb.connect(str(path))
    connection.execute("PRAGMA disable_checkpoint_on_shutdown")
    connection.execute("SET checkpoint_threshold = '1GB'")
    connection.execute("INSERT INTO deals VALUES (DATE '2027-01-05', 5000)")
    connection.close()
    log = path.with_name(path.name + ".wal")
    assert log.is_file()
    return log


def test_a_duckdb_log_that_is_a_link_is_refused(tmp_path: Path, project: Path) -> None:
    pytest.importorskip("duckdb_engine")
    outside = tmp_path / "outside"
    outside.mkdir()
    log = write_duckdb_with_a_log(outside / "w.duckdb")
    database = project / "data" / "w.duckdb"
    shutil.copy(outside / "w.duckdb", database)
    (project / "data" / "w.duckdb.wal").symlink_to(log)
    before = folder_state(tmp_path)
    tree = goal_file(
        {"db": {"type": "sql", "url": "duckdb:///data/w.duckdb"}},
        {"revenue": {"metric": {"source": "db", "query": "SELECT d, SUM(a) FROM deals GROUP BY 1"}}},
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert failures_by_node(result) == {
        "revenue": (
            "E028",
            "source db, node revenue: data/w.duckdb.wal is a symbolic link; DuckDB would replay the log it leads "
            "to into data/w.duckdb, so the source is refused (replace the link by the file, or checkpoint the "
            "database and remove it)",
        )
    }
    assert result.diagnostics[0].path == ("sources", "db", "url")
    assert folder_state(tmp_path) == before

    # The same log as a file of the project is the project's own data.
    (project / "data" / "w.duckdb.wal").unlink()
    shutil.copy(log, project / "data" / "w.duckdb.wal")
    result = fetch_observations(tree, project, START, AS_OF)
    assert result.diagnostics == ()
    assert [observation.value for observation in result.observations["revenue"]] == [5010]


def test_a_duckdb_database_spills_into_goaltrees_scratch_folder_not_beside_its_file(project: Path) -> None:
    pytest.importorskip("duckdb_engine")
    connection = duckdb.connect(str(project / "data" / "w.duckdb"))
    connection.execute("CREATE TABLE deals AS SELECT DATE '2027-01-05' AS d, 10 AS a")
    connection.close()
    query = (
        "SELECT d, CAST(current_setting('temp_directory') LIKE '%goaltree-duckdb-%' AS INTEGER) "
        "+ CAST(current_setting('lock_configuration') AS INTEGER) * 10 FROM deals"
    )
    tree = goal_file(
        {"db": {"type": "sql", "url": "duckdb:///data/w.duckdb"}},
        {"settings": {"metric": {"source": "db", "query": query}}},
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert result.diagnostics == ()
    assert [observation.value for observation in result.observations["settings"]] == [11]  # scratch folder, locked
    assert sorted(os.listdir(project / "data")) == ["w.duckdb"]


def test_sqlite_values_are_capped_so_each_step_of_a_query_is_short(project: Path, monkeypatch) -> None:
    monkeypatch.setenv("GOALTREE_QUERY_SECONDS", "2")
    query = (
        "SELECT '2027-01-02', length(replace(replace(replace(replace(hex(zeroblob(100000000)),"
        "'0','1'),'1','0'),'0','1'),'1','0'))"
    )
    tree = goal_file(
        {"db": {"type": "sql", "url": "sqlite://"}},
        {
            "huge": {"metric": {"source": "db", "query": query}},
            "fine": {"metric": {"source": "db", "query": "SELECT '2027-01-02', length(hex(zeroblob(400000)))"}},
        },
    )

    started = time.monotonic()
    result = fetch_observations(tree, project, START, AS_OF)
    seconds = time.monotonic() - started

    assert seconds < 2  # it stops at once, rather than run 7 s past a 2 s limit (or fill 16 GB)
    assert failures_by_node(result) == {
        "huge": (
            "E013",
            "source db, node huge: query stopped: string or blob too big; a SQLite query may make or read values "
            "of up to 1 000 000 bytes and use 2000 MB (GOALTREE_QUERY_MEMORY_MB)",
        )
    }
    assert [observation.value for observation in result.observations["fine"]] == [800000]


def test_duckdb_memory_is_capped_and_the_cap_set_by_the_environment(tmp_path: Path, project: Path, monkeypatch) -> None:
    pytest.importorskip("duckdb_engine")
    monkeypatch.setenv("GOALTREE_QUERY_MEMORY_MB", "100")
    connection = connect_duckdb([], str(tmp_path))
    try:
        assert connection.execute("SELECT current_setting('memory_limit')").fetchone() == ("95.3 MiB",)
    finally:
        connection.close()
    duckdb.connect(str(project / "data" / "w.duckdb")).close()
    query = "SELECT DATE '2027-01-05', length(string_agg(repeat('x', 100), '')) FROM range(3000000)"
    tree = goal_file(
        {"db": {"type": "sql", "url": "duckdb:///data/w.duckdb"}},
        {"huge": {"metric": {"source": "db", "query": query}}},
    )

    result = fetch_observations(tree, project, START, AS_OF)

    ((code, message),) = failures_by_node(result).values()
    assert "Out of Memory Error" in message, message


def test_a_query_stopped_for_its_time_leaves_no_thread_or_folder_behind(tmp_path: Path, monkeypatch) -> None:
    """The DuckDB scratch folder of a ``duckdb:///`` source goes when the source is done, whatever happened."""
    pytest.importorskip("duckdb_engine")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    project = tmp_path / "project"
    project.mkdir()
    duckdb.connect(str(project / "w.duckdb")).close()
    monkeypatch.setenv("GOALTREE_QUERY_SECONDS", "0.5")
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    tree = goal_file(
        {"db": {"type": "sql", "url": "duckdb:///w.duckdb"}},
        {"slow": {"metric": {"source": "db", "query": "SELECT DATE '2027-01-05', COUNT(*) FROM range(100000000000)"}}},
    )
    threads = threading.active_count()

    result = fetch_observations(tree, project, START, AS_OF)

    ((code, message),) = failures_by_node(result).values()
    assert code == "E013" and "more than 0.5 seconds" in message
    assert os.listdir(tmp_path / "tmp") == []
    assert threading.active_count() <= threads


def test_sigterm_during_a_query_ends_goaltree_cleanly_and_leaves_no_scratch_folder(tmp_path: Path) -> None:
    """A cancelled CI job sends SIGTERM: goaltree exits 143 with a word, its DuckDB scratch folder removed."""
    pytest.importorskip("duckdb_engine")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    duckdb.connect(str(project / "w.duckdb")).close()
    (project / "goals.yaml").write_text(
        "goaltree: 1\nid: t\ntitle: T\nowner: Me\nperiod: {start: 2027-01-01, end: 2027-12-31}\n"
        "sources:\n  db: {type: sql, url: 'duckdb:///w.duckdb'}\n"
        "nodes:\n  slow: {title: 100 rows, unit: count, target: 100,"
        " metric: {source: db, query: \"SELECT DATE '2027-01-05', COUNT(*) FROM range(100000000000)\"}}\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-c", "from goaltree.cli import run; run()", "evaluate", "goals.yaml", "--as-of", "2027-06-30"]
    environment = {**os.environ, "TMPDIR": str(scratch), "GOALTREE_QUERY_SECONDS": "60"}
    process = subprocess.Popen(command, cwd=project, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):  # up to 30 s for the query to start: its scratch folder appears
            if any(name.startswith("goaltree-duckdb-") for name in os.listdir(scratch)):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the query never started")
        process.terminate()
        _out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 143, err
    assert "goaltree: terminated" in err and "Traceback" not in err
    assert os.listdir(scratch) == []
