"""The loader never crashes: every hostile goal file or snapshot is read, or refused with a located error.

Each case runs the real command line on a real file and checks the exit code,
the position (line and column counted by hand from the text written here) and
that the "internal error" path was never taken.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from goaltree.cli import main

GOAL = """\
goaltree: 1
id: t
title: T
owner: Marketing
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  revenue:
    title: Revenue of 100 SEK
    unit: SEK
    baseline: 0
    target: 100
    actuals: {2027-03-31: 40}
"""


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main([*arguments])
    captured = capsys.readouterr()
    assert "internal error" not in captured.err + captured.out
    assert "Traceback" not in captured.err + captured.out
    return code, captured.out, captured.err


def write(tmp_path: Path, text: str | bytes, name: str = "goals.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_a_byte_order_mark_is_accepted(tmp_path, capsys):
    plain = write(tmp_path, GOAL, "plain.yaml")
    marked = write(tmp_path, b"\xef\xbb\xbf" + GOAL.encode(), "marked.yaml")
    code, out, _ = run(capsys, "evaluate", str(marked), "--as-of", "2027-06-30", "--format", "json")
    assert code == 0
    node = json.loads(out)["nodes"]["revenue"]
    # 40 measured against a target of 100 from a baseline of 0: 40 % of the way.
    assert node["target"] == 100 and node["actual"] == 40
    assert run(capsys, "check", str(marked))[0] == run(capsys, "check", str(plain))[0] == 0


def test_a_json_goal_file_with_a_byte_order_mark_is_accepted(tmp_path, capsys):
    document = {
        "goaltree": 1,
        "id": "t",
        "title": "T",
        "owner": "Marketing",
        "period": {"start": "2027-01-01", "end": "2027-12-31"},
        "nodes": {"revenue": {"title": "Revenue of 100 SEK", "unit": "SEK", "target": 100, "actuals": {"2027-03-31": 40}}},
    }
    path = write(tmp_path, b"\xef\xbb\xbf" + json.dumps(document).encode(), "goals.json")
    assert run(capsys, "check", str(path))[0] == 0


@pytest.mark.parametrize(
    ("replace", "by", "position", "words"),
    [
        ("  revenue:\n", "  [a, b]:\n    title: x\n  revenue:\n", "7:3", "a key in nodes is a list"),
        ("  revenue:\n", "  ? [a, b]\n  : {title: x}\n  revenue:\n", "7:3", "a key in nodes is a list"),
        ("nodes:\n", "~: 1\nnodes:\n", "1:1", "a key at the top level is null (~)"),
        ("actuals: {2027-03-31: 40}", "actuals: {~: 40}", "12:14", "a key in nodes.revenue.actuals is null (~)"),
        ("actuals: {2027-03-31: 40}", "milestones: {[1, 2]: 40}", "12:17", "a key in nodes.revenue.milestones is a list"),
    ],
    ids=["list-key", "complex-list-key", "null-key-top", "null-key-actuals", "list-key-milestones"],
)
def test_a_list_or_null_key_is_a_located_error(tmp_path, capsys, replace, by, position, words):
    path = write(tmp_path, GOAL.replace(replace, by))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}:{position}: error E001" in out
    assert words in out


NUMBER_CASES = [
    # (what replaces "target: 100", where the bad value starts)
    ("target: .nan", "11:13"),
    ("target: .inf", "11:13"),
    ("target: -.Inf", "11:13"),
    ("target: 1e999", "11:13"),
    ("target: " + "9" * 5000, "11:13"),
    ("target: 100\n    weight: .inf", "12:13"),
    ("target: 100\n    milestones: {2027-06-30: .nan}", "12:30"),
    ("target: 100\n    range: [0, .inf]\n    direction: maintain", "12:16"),
]


@pytest.mark.parametrize(("field", "position"), NUMBER_CASES, ids=lambda value: str(value)[:24])
def test_nan_infinity_and_numbers_beyond_float_range_are_refused_where_they_are(tmp_path, capsys, field, position):
    path = write(tmp_path, GOAL.replace("target: 100", field))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}:{position}: error E003 [revenue]" in out
    assert "must be a finite number" in out


@pytest.mark.parametrize(
    ("replace", "by", "position"),
    [("baseline: 0", "baseline: -1e999", "10:15"), ("actuals: {2027-03-31: 40}", "actuals: {2027-03-31: .nan}", "12:27")],
    ids=["baseline", "actuals"],
)
def test_nan_in_baseline_and_actuals_is_refused(tmp_path, capsys, replace, by, position):
    path = write(tmp_path, GOAL.replace(replace, by))
    code, _, err = run(capsys, "evaluate", str(path), "--as-of", "2027-06-30")
    assert code == 1
    assert f"{path}:{position}: error E003 [revenue]" in err
    code, out, _ = run(capsys, "check", str(path))
    assert f"{path}:{position}: error E003 [revenue]" in out


@pytest.mark.parametrize("spelling", ["NaN", "Infinity", "-Infinity", "1e999", "9" * 5000])
def test_json_nan_infinity_and_huge_numbers_are_refused_where_they_are(tmp_path, capsys, spelling):
    text = (
        '{"goaltree": 1, "id": "t", "title": "T", "owner": "M",\n'
        ' "period": {"start": "2027-01-01", "end": "2027-12-31"},\n'
        ' "nodes": {"revenue": {"title": "Revenue of 100", "unit": "SEK",\n'
        f'   "target": {spelling}}}}}}}\n'
    )
    path = write(tmp_path, text, "goals.json")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}:4:14: error E003 [revenue]" in out
    assert "must be a finite number" in out


def test_report_refuses_nan_before_writing_anything(tmp_path, capsys):
    path = write(tmp_path, GOAL.replace("target: 100", "target: .nan"))
    output = tmp_path / "report.html"
    code, _, err = run(capsys, "report", str(path), "-o", str(output), "--as-of", "2027-06-30")
    assert code == 1
    assert f"{path}:11:13: error E003" in err
    assert not output.exists()


DEEP = 100_000


@pytest.mark.parametrize(
    ("name", "text", "position"),
    [
        ("goals.yaml", "goaltree: 1\nnodes: " + "[" * DEEP + "]" * DEEP + "\n", "2:108"),
        ("goals.yaml", "goaltree: 1\nnodes:\n" + "- " * DEEP + "x\n", "3:199"),
        ("goals.json", '{"goaltree": 1, "nodes": ' + "[" * DEEP + "]" * DEEP + "}\n", "1:125"),
        ("goals.json", '{"nodes": ' + '{"a": ' * DEEP + "1" + "}" * DEEP + "}\n", "1:605"),
    ],
    ids=["yaml-flow", "yaml-block", "json-lists", "json-objects"],
)
def test_nesting_a_hundred_thousand_deep_is_a_located_error(tmp_path, capsys, name, text, position):
    path = write(tmp_path, text, name)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}:{position}: error E001" in out
    assert "nests more than 100 levels deep" in out


def test_a_hundred_levels_of_brackets_in_text_are_not_nesting(tmp_path, capsys):
    path = write(tmp_path, GOAL.replace("title: Revenue of 100 SEK", "title: 'Revenue of 100 SEK " + "[" * 150 + "'"))
    assert run(capsys, "check", str(path))[0] == 0


@pytest.mark.parametrize(
    ("replace", "by", "position", "words"),
    [
        ("target: 100", 'target: !!int ""', "11:13", "'' is not a valid int"),
        ("target: 100", "target: 100\n    deadline: !!timestamp 2027-02-30", "12:15", "deadline"),
        ("title: Revenue of 100 SEK", "title: !!str Revenue of 100 SEK\n    deadline: 2027-02-30", "9:15", "deadline"),
    ],
    ids=["int-of-nothing", "timestamp-tag", "str-tag-and-february-30"],
)
def test_explicit_tags_and_impossible_dates_are_located_errors(tmp_path, capsys, replace, by, position, words):
    path = write(tmp_path, GOAL.replace(replace, by))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}:{position}: error E00" in out
    assert words in out


def test_a_nul_byte_is_refused_where_it_is(tmp_path, capsys):
    # Unrefused, one parser reads "Reve" and drops the rest of the file without a word.
    path = write(tmp_path, GOAL.replace("title: Revenue", "title: Reve\x00nue"))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}:8:16: error E001" in out
    assert "NUL byte" in out


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("- a\n", "1:1", "this file holds a list"),
        ("- goaltree: 1\n- id: t\n", "1:1", "this file holds a list"),
        ("[1, 2]\n", "1:1", "this file holds a list"),
        (GOAL + "---\n" + GOAL, "13:1", "malformed YAML"),
    ],
    ids=["one-item", "two-items", "flow", "two-documents"],
)
def test_a_top_level_list_or_a_second_document_is_a_located_error(tmp_path, capsys, text, position, words):
    path = write(tmp_path, text)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"{path}:{position}: error E001" in out
    assert words in out


def _command(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed command in a real process, with this worktree's code first on the path."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent.parent), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "goaltree", *arguments], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


def test_a_fifo_as_the_goal_file_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "goals.yaml"
    os.mkfifo(fifo)
    result = _command("check", str(fifo), cwd=tmp_path)  # reading it would block until the timeout
    assert result.returncode == 2
    assert f"{fifo}: is a named pipe (FIFO), not a goal file" in result.stderr
    result = _command("evaluate", str(fifo), cwd=tmp_path)
    assert result.returncode == 2
    assert "named pipe (FIFO)" in result.stderr


def test_a_device_as_the_goal_file_is_refused_unread(tmp_path):
    result = _command("evaluate", "/dev/zero", cwd=tmp_path)  # read, it never ends
    assert result.returncode == 2
    assert "/dev/zero: is a device, not a goal file" in result.stderr
    assert "internal error" not in result.stderr


# --- snapshots ------------------------------------------------------------------------------------


def _snapshot_text(values: list[str]) -> str:
    """A snapshot for GOAL whose sha256 is computed here, independently, as the format describes it."""
    rows = ",".join(f'["2027-0{index + 1}-15",{value}]' for index, value in enumerate(values))
    canonical = (
        '{"end":"2027-06-30","failed":[],"goaltree_snapshot":1,'
        f'"nodes":{{"revenue":[{rows}]}},'
        '"period":{"end":"2027-12-31","start":"2027-01-01"},"start":"2027-01-01","tree":"t"}'
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return (
        '{"goaltree_snapshot": 1, "tree": "t", "period": {"start": "2027-01-01", "end": "2027-12-31"},\n'
        f' "start": "2027-01-01", "end": "2027-06-30", "fetched_at": "2027-07-01T06:00:00+00:00", "sha256": "{digest}",\n'
        f' "failed": [], "nodes": {{"revenue": [{rows}]}}}}\n'
    )


def test_a_snapshot_with_a_byte_order_mark_is_read(tmp_path, capsys):
    goals = write(tmp_path, GOAL)
    snapshot = write(tmp_path, b"\xef\xbb\xbf" + _snapshot_text(["30", "12.5"]).encode(), "goals.snapshot.json")
    code, out, _ = run(capsys, "evaluate", str(goals), "--as-of", "2027-06-30", "--snapshot", str(snapshot), "--format", "json")
    assert code == 0
    assert json.loads(out)["nodes"]["revenue"]["actual"] == 42.5  # 30 + 12.5, summed by hand


@pytest.mark.parametrize("value", ["1e999", "NaN", "-Infinity", "9" * 400, "9" * 5000])
def test_a_snapshot_number_beyond_float_range_is_refused(tmp_path, capsys, value):
    goals = write(tmp_path, GOAL)
    snapshot = write(tmp_path, _snapshot_text(["30", value]), "goals.snapshot.json")
    code, _, err = run(capsys, "evaluate", str(goals), "--as-of", "2027-06-30", "--snapshot", str(snapshot))
    assert code == 2
    assert f"snapshot {snapshot}:" in err
    assert "finite number" in err


@pytest.mark.parametrize("deep", [900, DEEP])
def test_a_deeply_nested_snapshot_is_refused(tmp_path, capsys, deep):
    goals = write(tmp_path, GOAL)
    snapshot = write(tmp_path, '{"goaltree_snapshot": 1, "nodes": ' + "[" * deep + "]" * deep + "}", "goals.snapshot.json")
    code, _, err = run(capsys, "evaluate", str(goals), "--as-of", "2027-06-30", "--snapshot", str(snapshot))
    assert code == 2
    assert f"snapshot {snapshot}:" in err


def test_a_fifo_as_the_snapshot_is_refused_without_waiting(tmp_path):
    write(tmp_path, GOAL)
    os.mkfifo(tmp_path / "goals.snapshot.json")
    result = _command("evaluate", "goals.yaml", "--snapshot", "goals.snapshot.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not a regular file" in result.stderr


# --- a SQL query with no result set ---------------------------------------------------------------


@pytest.mark.parametrize("query", ["PRAGMA foreign_keys = ON", "-- only a comment"])
def test_a_sql_query_without_a_result_set_is_a_clear_source_error(tmp_path, capsys, query):
    import sqlite3

    with sqlite3.connect(tmp_path / "warehouse.db") as connection:
        connection.execute("CREATE TABLE sales (day DATE, amount REAL)")
        connection.execute("INSERT INTO sales VALUES ('2027-03-01', 40)")
    goals = write(
        tmp_path,
        GOAL.replace("nodes:\n", "sources:\n  db: {type: sql, url: 'sqlite:///warehouse.db'}\nnodes:\n").replace(
            "actuals: {2027-03-31: 40}", f'metric: {{source: db, query: "{query}"}}'
        ),
    )
    code, out, err = run(capsys, "evaluate", str(goals), "--as-of", "2027-06-30")
    assert code == 1
    # The sandbox refuses a statement that is not a query before it reaches the database (E028).
    assert "E028" in out and "query refused" in out
    assert "ResourceClosedError" not in out + err
