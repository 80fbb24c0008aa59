"""The command line: exit codes, the JSON contract of SPEC §6, explain, schema, the console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import console_script

import goaltree
from goaltree.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_evaluate_json_has_the_spec_shape(funnel_path, capsys):
    assert main(["evaluate", str(funnel_path), "--as-of", "2027-06-30", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["tree"] == "seed-funnel" and document["as_of"] == "2027-06-30"
    assert list(document["nodes"])[:3] == ["revenue", "clv", "avg_order"]  # goal-file order
    revenue = document["nodes"]["revenue"]
    for key in ("title", "unit", "target", "target_origin", "baseline", "actual", "expected", "progress",
                "status", "forecast", "score", "attribution", "children", "parents"):
        assert key in revenue
    assert revenue["target"] == 63000000 and isinstance(revenue["target"], int)
    assert revenue["baseline"] is None
    assert revenue["children"] == ["customers", "clv"]
    assert document["nodes"]["customers"]["parents"] == ["revenue"]
    assert document["nodes"]["customers"]["target"] == 70
    assert document["diagnostics"] == []


def test_evaluate_table_marks_derived_targets_and_status_in_words(funnel_path, capsys):
    assert main(["evaluate", str(funnel_path), "--as-of", "2027-06-30"]) == 0
    out = capsys.readouterr().out
    assert "5 000*" in out and "at risk" in out and "on track" in out
    assert "\033[" not in out  # no colours when not on a terminal


def test_explain_shows_the_chain_of_derivation(funnel_path, capsys):
    assert main(["explain", str(funnel_path), "leads", "--as-of", "2027-06-30"]) == 0
    out = capsys.readouterr().out
    assert "Target 5 000 (derived)" in out
    assert "customers = leads * lead_to_customer" in out
    assert "- customers: 70" in out and "- revenue: 63 000 000 — declared" in out


def test_explain_unknown_node_suggests_a_name(funnel_path, capsys):
    assert main(["explain", str(funnel_path), "lead"]) == 2
    assert "did you mean 'leads'" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    assert main(["evaluate"]) == 2
    assert main(["evaluate", "x.yaml", "--as-of", "30/6/2027"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_check_exit_codes(write_goals, capsys):
    from support import HEADER

    clean = write_goals(HEADER + "nodes:\n  a: {title: A, formula: b * 2}\n  b: {title: B}\n", "clean.yaml")
    broken = write_goals(HEADER + "nodes:\n  a: {title: A, formula: c * 2}\n", "broken.yaml")
    assert main(["check", str(broken)]) == 1
    capsys.readouterr()
    assert main(["check", str(broken), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["errors"] >= 1 and set(out["diagnostics"][0]) == {"code", "severity", "node", "message", "file", "line", "column"}
    assert main(["check", str(clean), "--format", "github"]) in (0, 1)


def test_schema_in_the_repo_is_fresh():
    from goaltree.schema import schema_text

    committed = (ROOT / "schemas" / "goaltree.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: goaltree schema -o schemas/goaltree.schema.json"


def test_schema_validates_the_seed_funnel():
    import yaml
    from goaltree.schema import schema

    document = schema()
    nodes = document["properties"]["nodes"]
    assert nodes["patternProperties"]["^[a-z][a-z0-9_]*$"]["$ref"].endswith("/Node")
    assert nodes["additionalProperties"] is False
    assert "title" in document["$defs"]["Node"]["required"]
    data = yaml.safe_load((ROOT / "tests" / "data" / "funnel.yaml").read_text())
    assert set(data) <= set(document["properties"])


def test_internal_errors_say_how_to_report_them(funnel_path, capsys, monkeypatch):
    import goaltree.engine

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(goaltree.engine, "evaluate", explode)
    assert main(["evaluate", str(funnel_path)]) == 2
    err = capsys.readouterr().err
    assert "internal error" in err and "report" in err and "Traceback" not in err


def test_installed_console_script_runs(funnel_path):
    script = console_script()
    if script is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the goaltree console script is not installed: pip install -e .")
        pytest.skip("goaltree is not installed as a console script here")
    done = subprocess.run([script, "evaluate", str(funnel_path), "--as-of", "2027-06-30", "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["nodes"]["visits"]["target"] == 250000


def test_python_dash_m_runs(funnel_path):
    done = subprocess.run([sys.executable, "-m", "goaltree", "check", str(funnel_path)], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_the_command_exits_with_its_code_and_all_its_output(tmp_path, funnel_path):
    """The command leaves without the interpreter's teardown: codes and flushed output must survive."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(funnel_path.read_text().replace("goaltree: 1", "goaltree: 1\nunknown_field: 1", 1))

    def command(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "goaltree", *arguments], capture_output=True, text=True, check=False, cwd=ROOT)

    table = command("evaluate", str(funnel_path), "--as-of", "2027-06-30")
    assert table.returncode == 0, table.stderr
    summary = [line for line in table.stdout.splitlines() if "* = derived target" in line]
    assert len(summary) == 1 and summary[0].startswith(f"{len(goaltree.load(funnel_path).goal_file.nodes)} nodes:")
    errors = command("check", str(broken))
    assert errors.returncode == 1
    assert "unknown field 'unknown_field'" in errors.stdout + errors.stderr
    missing = command("evaluate", str(tmp_path / "missing.yaml"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_init_pull_and_evaluate_from_the_snapshot(tmp_path, capsys):
    project = tmp_path / "marketing"
    assert main(["init", str(project), "--template", "b2b-funnel"]) == 0
    goals = project / "goals.yaml"
    assert main(["pull", str(goals), "--as-of", "2027-06-30"]) == 0
    snapshot = project / "goals.snapshot.json"
    assert snapshot.is_file() and oct(snapshot.stat().st_mode & 0o044) == oct(0o044)
    capsys.readouterr()
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--format", "json"]) == 0
    live = json.loads(capsys.readouterr().out)
    (project / "data" / "deals.csv").unlink()  # offline: the snapshot alone must rebuild the numbers
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--format", "json", "--snapshot", str(snapshot)]) == 0
    offline = json.loads(capsys.readouterr().out)
    assert offline["nodes"] == live["nodes"]
    assert offline["snapshot"]["sha256"]


def test_init_refuses_a_folder_that_is_not_empty_and_lists_templates(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert main(["init", "--list"]) == 0
    assert "brand-and-business" in capsys.readouterr().out
    assert main(["init"]) == 2
    assert main(["init", str(tmp_path / "x"), "--template", "b2b-funel"]) == 2
    assert "did you mean 'b2b-funnel'" in capsys.readouterr().err


def test_catalog_lists_and_explains(capsys):
    assert main(["catalog"]) == 0
    assert "roas" in capsys.readouterr().out.lower()
    assert main(["catalog", "clv"]) == 0
    assert "lifetime" in capsys.readouterr().out.lower()
    assert main(["catalog", "rosa"]) == 2


def test_reference_doc_is_fresh():
    from goaltree.reference import reference_markdown

    committed = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), "run: python -m goaltree.reference > docs/reference.md"


def test_reference_lists_every_field_command_and_code():
    from goaltree.cli import COMMANDS
    from goaltree.model import Node
    from goaltree.reference import reference_markdown
    from goaltree.rules.registry import DEFAULT_RULES

    text = reference_markdown()
    assert all(f"| `{field}` |" in text for field in Node.model_fields)
    assert all(f"### `goaltree {command}`" in text for command in COMMANDS)
    assert all(f"| {rule.code} |" in text for rule in DEFAULT_RULES)


@pytest.mark.parametrize("command", sorted(goaltree.cli.COMMANDS))
def test_a_command_parses_and_helps_as_in_the_full_parser(command, capsys):
    """A run builds only its command's arguments: the help, the defaults and the errors read as with every command's."""
    from goaltree.cli import build_parser

    full, alone = build_parser(), build_parser(command)
    texts = []
    for parser in (full, alone):
        with pytest.raises(SystemExit):
            parser.parse_args([command, "--help"])
        texts.append(capsys.readouterr().out)
    assert texts[0] == texts[1] and f"usage: goaltree {command} " in texts[0]
    required = [action for action in alone._subparsers._group_actions[0].choices[command]._actions if action.required]
    sample = [command] + ["x" for action in required if not action.option_strings]
    sample += [part for action in required if action.option_strings for part in (action.option_strings[0], "2027-Q3")]
    assert vars(full.parse_args(sample)) == vars(alone.parse_args(sample))
    errors = []
    for parser in (full, alone):
        with pytest.raises(SystemExit):
            parser.parse_args([*sample, "--no-such-option"])
        errors.append(capsys.readouterr().err)
    assert errors[0] == errors[1] and "--no-such-option" in errors[0]


def test_an_unknown_command_lists_every_command(capsys):
    assert main(["chek", "goals.yaml"]) == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'chek'" in error and all(f"'{name}'" in error for name in goaltree.cli.COMMANDS)


def test_a_name_too_long_for_the_system_is_an_error_not_an_internal_one(funnel_path, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    long_name = "x" * 300  # over the 255 bytes a Linux file name may have
    assert main(["init", long_name]) == 2
    err = capsys.readouterr().err
    assert "cannot create the project in" in err and "File name too long" in err and "internal error" not in err
    report = tmp_path / "report.md"
    assert main(["report", str(funnel_path), "-o", str(report), "--template", long_name + ".j2"]) == 2
    err = capsys.readouterr().err
    assert "cannot read template" in err and "File name too long" in err and "internal error" not in err
    assert not report.exists() and [path for path in tmp_path.iterdir() if path != funnel_path] == []


def test_what_the_system_refuses_is_an_error_naming_the_file(funnel_path, capsys, monkeypatch):
    import errno

    import goaltree.engine

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "/srv/data/leads.csv")

    monkeypatch.setattr(goaltree.engine, "evaluate", refused)
    assert main(["evaluate", str(funnel_path)]) == 2
    err = capsys.readouterr().err
    assert "goaltree: error: /srv/data/leads.csv: Permission denied" in err and "internal error" not in err
