"""`goaltree evaluate` where people read it: a terminal of any width, a sub-tree, a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import AS_OF, HEADER

ROOT = Path(__file__).resolve().parent.parent
FUNNEL = ROOT / "examples" / "b2b-funnel" / "goals.yaml"
ENTERPRISE = ROOT / "examples" / "enterprise" / "goals.yaml"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def goaltree(*arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "NO_COLOR")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "goaltree", *arguments, "--as-of", AS_OF.isoformat()],
        capture_output=True, text=True, check=False, env=environment, cwd=ROOT,
    )


def json_nodes(path: Path, *options: str) -> dict:
    done = goaltree("evaluate", str(path), "--format", "json", *options)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["nodes"]


def table_rows(text: str) -> list[list[str]]:
    """The table's node rows split on runs of two or more spaces."""
    lines = text.split("\n\n")[0].splitlines()[3:]
    return [re.split(r"\s{2,}", line.strip()) for line in lines]


def test_a_pipe_gets_80_columns_and_numbers_are_never_cut():
    done = goaltree("evaluate", str(ENTERPRISE))
    lines = done.stdout.split("\n\n")[0].splitlines()
    assert max(map(len, lines)) <= 80
    assert any("…" in line for line in lines[3:])  # its long ids are cut to fit
    import goaltree as library
    from goaltree.present.numbers import format_number

    nodes = library.evaluate(library.load(ENTERPRISE), AS_OF).nodes
    for row in table_rows(done.stdout):
        name = row[0]
        matches = [node for node in nodes if node == name or (name.endswith("…") and node.startswith(name[:-1]))]
        assert matches, row
        # Whatever the cut id, the target printed is one of those nodes' targets, in full.
        assert row[1].rstrip("*") in {format_number(nodes[node].target, nodes[node].unit) for node in matches}, row


def test_columns_sets_the_width():
    wide = goaltree("evaluate", str(FUNNEL), env={"COLUMNS": "200"}).stdout
    narrow = goaltree("evaluate", str(FUNNEL), env={"COLUMNS": "72"}).stdout
    assert max(map(len, narrow.split("\n\n")[0].splitlines())) <= 72
    assert "…" not in wide and "…" in narrow
    # The same numbers either way.
    assert [row[1:] for row in table_rows(wide)] == [row[1:] for row in table_rows(narrow)]


def test_colour_only_on_a_terminal_and_never_with_no_color():
    def on_a_terminal(env: dict) -> str:
        leader, follower = pty.openpty()
        environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
        environment.update(env, COLUMNS="120")
        process = subprocess.Popen(
            [sys.executable, "-m", "goaltree", "evaluate", str(FUNNEL), "--as-of", AS_OF.isoformat()],
            stdout=follower, stderr=subprocess.DEVNULL, env=environment, cwd=ROOT,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait()
        os.close(leader)
        return b"".join(chunks).decode("utf-8")

    assert ANSI.search(on_a_terminal({}))
    assert not ANSI.search(on_a_terminal({"NO_COLOR": "1"}))
    assert not ANSI.search(goaltree("evaluate", str(FUNNEL)).stdout)


def test_root_and_depth_choose_a_sub_tree_in_the_table_and_the_json():
    done = goaltree("evaluate", str(FUNNEL), "--root", "leads", "--depth", "1")
    assert [row[0] for row in table_rows(done.stdout)] == ["leads", "visits", "visit_to_lead"]
    assert "3 of 26 nodes" in done.stdout
    chosen = json_nodes(FUNNEL, "--root", "leads", "--depth", "1")
    whole = json_nodes(FUNNEL)
    assert set(chosen) == {"leads", "visits", "visit_to_lead"}
    assert list(chosen) == [node for node in whole if node in chosen]  # goal-file order
    assert chosen["leads"] == whole["leads"]
    assert set(json_nodes(FUNNEL, "--depth", "0")) == {node for node, fields in whole.items() if not fields["parents"]}


def test_an_unknown_root_is_a_usage_error_with_a_suggestion():
    done = goaltree("evaluate", str(FUNNEL), "--root", "laeds")
    assert done.returncode == 2
    assert "no node 'laeds'" in done.stderr and "did you mean 'leads'" in done.stderr
    assert goaltree("evaluate", str(FUNNEL), "--depth", "-1").returncode == 2


def test_csv_for_a_spreadsheet_read_by_pandas():
    pandas = pytest.importorskip("pandas")
    done = goaltree("evaluate", str(FUNNEL), "--format", "csv")
    frame = pandas.read_csv(io.StringIO(done.stdout), index_col="node")
    whole = json_nodes(FUNNEL)
    assert list(frame.index) == list(whole)
    for node, fields in whole.items():
        for column in ("target", "actual", "expected", "progress", "score"):
            value = frame.at[node, column]
            if fields[column] is None:
                assert pandas.isna(value), (node, column)
            else:
                assert value == pytest.approx(fields[column], rel=1e-12), (node, column)
        assert frame.at[node, "status"] == fields["status"]
    # 63 MSEK at 900 000 SEK a customer: 70 customers.
    assert frame.at["customers", "target"] == pytest.approx(63_000_000 / 900_000)


def test_csv_never_hands_a_spreadsheet_a_formula(tmp_path):
    path = tmp_path / "goals.yaml"
    path.write_text(
        HEADER
        + """
nodes:
  leads:
    title: "=HYPERLINK(\\"http://example.invalid\\",\\"1 500 leads\\")"
    owner: "@marketing, \\"the team\\""
    unit: count
    target: 1500
    actuals: {2027-03-31: 300}
""",
        encoding="utf-8",
    )
    done = goaltree("evaluate", str(path), "--format", "csv")
    (row,) = list(csv.DictReader(io.StringIO(done.stdout)))
    assert row["title"] == "'=HYPERLINK(\"http://example.invalid\",\"1 500 leads\")"
    assert row["owner"] == "'@marketing, \"the team\""
    assert row["target"] == "1500"


def test_the_closing_line_explains_the_star_only_when_the_table_shows_one(tmp_path, capsys):
    from goaltree.cli import main

    body = (
        "goaltree: 1\nid: t\ntitle: T\nowner: Me\nperiod: {start: 2027-01-01, end: 2027-12-31}\nnodes:\n"
        "  leads: {title: 1 000 leads, unit: count, target: 1000, rollup: sum}\n"
        "  web: {title: Web leads, unit: count, parent: leads, target: 600, actuals: {2027-03-01: 300}}\n"
        "  events: {title: Event leads, unit: count, parent: leads, target: 400, actuals: {2027-03-01: 100}}\n"
    )
    path = tmp_path / "goals.yaml"
    path.write_text(body, encoding="utf-8")
    main(["evaluate", str(path), "--as-of", "2027-06-30"])
    declared = capsys.readouterr().out
    assert "*" not in declared and declared.rstrip().endswith(".")
    # Without its own target, leads' 1 000 is derived from its children (600 + 400) and marked.
    path.write_text(body.replace("target: 1000, rollup", "rollup"), encoding="utf-8")
    main(["evaluate", str(path), "--as-of", "2027-06-30"])
    derived = capsys.readouterr().out
    assert "1 000*" in derived and derived.rstrip().endswith("* = derived target")
