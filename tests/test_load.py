"""Every malformed-input class of SPEC §2 is a located diagnostic, never a traceback, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import HEADER
from goaltree.cli import main


def run_check(path: Path, capsys) -> tuple[int, str]:
    code = main(["check", str(path)])
    return code, capsys.readouterr().out


CASES = {
    "malformed_yaml": (
        HEADER + "nodes:\n  revenue: {title: Revenue, target: [1, 2\n",
        "E001",
        7,
        "malformed YAML",
    ),
    "unknown_field": (
        HEADER + "nodes:\n  revenue:\n    title: Revenue 1 MSEK\n    targt: 1000000\n",
        "E002",
        9,
        "did you mean 'target'",
    ),
    "unknown_metric_field": (
        HEADER
        + "sources:\n  crm: {type: csv, path: deals.csv, date_column: close_date}\n"
        + "nodes:\n  revenue:\n    title: Revenue\n    metric: {source: crm, valeu: amount}\n",
        "E002",
        11,
        "did you mean 'value'",
    ),
    "bad_type": (
        HEADER + "nodes:\n  revenue:\n    title: Revenue\n    target: lots\n",
        "E003",
        9,
        "'target'",
    ),
    "missing_title": (HEADER + "nodes:\n  revenue:\n    target: 5\n", "E003", 7, "missing required field 'title'"),
    "unknown_formula_id": (
        HEADER + "nodes:\n  revenue:\n    title: Revenue\n    formula: customers * clvv\n  customers: {title: C}\n  clv: {title: CLV}\n",
        "E004",
        9,
        "did you mean 'clv'",
    ),
    "unknown_parent": (
        HEADER + "nodes:\n  growth: {title: Growth, type: objective}\n  brand: {title: Brand, parent: growht}\n",
        "E004",
        8,
        "did you mean 'growth'",
    ),
    "duplicate_id": (
        HEADER + "nodes:\n  leads: {title: Leads}\n  leads: {title: Leads again}\n",
        "E005",
        8,
        "duplicate node id 'leads'",
    ),
    "cycle": (
        HEADER + "nodes:\n  a: {title: A, formula: b * 2}\n  b: {title: B, formula: c + 1}\n  c: {title: C, formula: a - 1}\n",
        "E006",
        None,
        "a -> b -> c -> a",
    ),
    "formula_syntax": (
        HEADER + "nodes:\n  a: {title: A, formula: 'b * * 2'}\n  b: {title: B}\n",
        "E007",
        7,
        "formula",
    ),
    "division_by_zero": (
        HEADER + "nodes:\n  a: {title: A, target: 10, formula: b / c}\n  b: {title: B, target: 5}\n  c: {title: C, target: 0}\n",
        "E008",
        7,
        "division by zero",
    ),
    "formula_and_rollup": (
        HEADER + "nodes:\n  a: {title: A, formula: b * 2, rollup: sum}\n  b: {title: B}\n  c: {title: C, parent: a}\n",
        "E009",
        7,
        "both a formula",
    ),
    "version": (HEADER.replace("goaltree: 1", "goaltree: 2") + "nodes: {}\n", "E011", 1, "format version"),
    "bad_node_id": (HEADER + "nodes:\n  Revenue-2027: {title: R}\n", "E015", 7, "must match"),
    "binary_value": (
        HEADER + "nodes:\n  a: {title: !!binary aGVsbG8=, unit: SEK, target: 500}\n",
        "E001",
        7,
        "a !!binary value has no place in a goal file",
    ),
    "set_value": (HEADER + "nodes:\n  a: {title: A, tags: !!set {x, y}}\n", "E001", 7, "a !!set value has no place"),
    "object_tag": (HEADER + "nodes:\n  a: !!python/object:os.system {title: A}\n", "E001", None, "YAML"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_input_is_a_located_error(name, write_goals, capsys, tmp_path):
    text, code, line, fragment = CASES[name]
    path = write_goals(text)
    exit_code, out = run_check(path, capsys)
    assert exit_code == 1, out
    lines = [l for l in out.splitlines() if f" {code} " in l]
    assert lines, out
    assert fragment in lines[0]
    assert lines[0].startswith(f"{path}:")
    if line is not None:
        assert lines[0].startswith(f"{path}:{line}:"), lines[0]
    assert "Traceback" not in out


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_input_writes_nothing(name, write_goals, capsys, tmp_path):
    text = CASES[name][0]
    path = write_goals(text)
    for command in (["evaluate", str(path)], ["explain", str(path), "a"]):
        assert main(command) in (1, 2)
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert "internal error" not in out.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["goals.yaml"]


def test_billion_laughs_is_refused_not_expanded(write_goals, capsys):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = write_goals("\n".join(lines) + "\n")
    exit_code, out = run_check(path, capsys)
    assert exit_code == 1
    assert "E014" in out


def test_billion_laughs_through_the_fallback_parser(monkeypatch):
    from goaltree.goalfile import parse

    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    data, problems = parse._parse_pyyaml("\n".join(lines), "g.yaml")
    assert data is None and problems[0].code == "E014"


def test_json_goal_files_are_accepted(tmp_path, capsys):
    import json

    path = tmp_path / "goals.json"
    path.write_text(
        json.dumps(
            {
                "goaltree": 1,
                "id": "j",
                "title": "JSON tree",
                "owner": "Marketing",
                "period": {"start": "2027-01-01", "end": "2027-12-31"},
                "nodes": {"leads": {"title": "5 000 leads", "unit": "count", "target": 5000, "actuals": {"2027-03-01": 10}}},
            }
        )
    )
    assert main(["evaluate", str(path), "--as-of", "2027-03-01", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["nodes"]["leads"]["actual"] == 10


def test_json_errors_are_located(tmp_path, capsys):
    path = tmp_path / "goals.json"
    path.write_text('{\n  "goaltree": 1,\n  "id": "j",\n  "title": "T",\n  "period": {"start": "2027-01-01", "end": "2027-12-31"},\n  "nodes": {"a": {"title": "A", "targt": 3}}\n}\n')
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:6:" in out and "E002" in out and "did you mean 'target'" in out


def test_missing_file_is_an_environment_error(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_positions_are_not_computed_for_a_clean_file(funnel_path, monkeypatch):
    from goaltree.goalfile import SourceMap

    def refuse(self):
        raise AssertionError("a clean file must not be composed for positions")

    monkeypatch.setattr(SourceMap, "_compose", refuse)
    import goaltree

    goaltree.load(funnel_path)


def test_goaltree_load_is_the_function_whatever_was_imported_before(funnel_path):
    """No module is named ``goaltree.load``: importing the loading package never rebinds the public function."""
    import goaltree
    import goaltree.goalfile
    import goaltree.pipeline
    from goaltree import api

    assert goaltree.load is api.load
    assert goaltree.load(funnel_path).goal_file.id == goaltree.goalfile.load_file(funnel_path).goal_file.id


def test_loading_a_goal_file_imports_nothing_above_the_graph():
    import subprocess
    import sys

    code = (
        "import sys, goaltree.pipeline\n"
        "above = [m for m in sys.modules if m.split('.')[:2] in (['goaltree', 'api'], ['goaltree', 'engine'],"
        " ['goaltree', 'rules'], ['goaltree', 'cli'], ['goaltree', 'render'], ['goaltree', 'report'])]\n"
        "print(above)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "[]", done.stderr
