"""The one way from a goal file to a built tree: what each outcome holds, and what the commands then say."""

from __future__ import annotations

from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.errors import DiagnosticsError
from goaltree.pipeline import load_goal_file, load_goal_text
from support import HEADER

CYCLE = HEADER + """\
nodes:
  visits: {title: 1 000 visits, formula: sessions * 2}
  sessions: {title: 500 sessions, formula: visits / 2}
"""

MISSPELT = HEADER + """\
nodes:
  leads: {title: 5 000 leads, targt: 5000}
"""

GOOD = HEADER + """\
nodes:
  revenue: {title: 100 SEK revenue, unit: SEK, target: 100, formula: deals * size}
  deals: {title: 20 deals, unit: count}
  size: {title: 5 SEK deal size, unit: SEK, target: 5}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "goals.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_is_built_in_topological_order(tmp_path):
    path = _write(tmp_path, GOOD)
    loaded = load_goal_file(path)
    assert loaded.errors == []
    assert loaded.require_tree() is loaded.tree
    assert loaded.tree.path == path and loaded.tree.project_dir == tmp_path
    assert loaded.tree.order == ("revenue", "deals", "size")


def test_a_cycle_is_validated_but_not_built(tmp_path):
    path = _write(tmp_path, CYCLE)
    loaded = load_goal_file(path)
    assert loaded.tree is None
    assert loaded.goal_file is not None and list(loaded.goal_file.nodes) == ["visits", "sessions"]
    [cycle] = loaded.errors
    # The cycle is reported at the node that starts it: `visits`, on line 7 (5 header lines, then `nodes:`),
    # where its value, the `{` after `  visits: `, starts: column 11.
    assert (cycle.code, cycle.file, cycle.line, cycle.column) == ("E006", str(path), 7, 11)
    with pytest.raises(DiagnosticsError) as raised:
        loaded.require_tree()
    assert raised.value.diagnostics == [cycle]


def test_a_file_that_does_not_validate_has_no_graph(tmp_path):
    path = _write(tmp_path, MISSPELT)
    loaded = load_goal_file(path)
    assert loaded.tree is None and loaded.goal_file is None
    [misspelt] = loaded.errors
    assert misspelt.code == "E002" and "did you mean 'target'" in misspelt.message
    # At the misspelt key: `  leads: {title: 5 000 leads, ` is 30 characters, so `targt` starts at column 31.
    assert (misspelt.line, misspelt.column) == (7, 31)


def test_text_of_no_file_is_built_without_a_path():
    loaded = load_goal_text(GOOD)
    assert loaded.tree is not None and loaded.tree.path is None
    located = load_goal_text(CYCLE).errors
    assert [(d.code, d.file, d.line) for d in located] == [("E006", "<string>", 7)]


@pytest.mark.parametrize("command", [["check"], ["evaluate"], ["render", "-o", "out.svg"], ["report", "-o", "out.md"]])
def test_every_command_says_the_same_about_a_broken_graph(tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, CYCLE)
    argv = [command[0], str(path), *command[1:]]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert f"{path}:7:11: error E006 [visits] cycle: visits -> sessions -> visits" in captured.out + captured.err
    assert not (tmp_path / "out.svg").exists() and not (tmp_path / "out.md").exists()
