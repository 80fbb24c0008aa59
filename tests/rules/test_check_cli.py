"""``goaltree check`` and ``goaltree rules`` through ``main(argv)``, in-process."""

from __future__ import annotations

import json

import pytest

from conftest import DATA, RULE_CASE_HEADER

WARNING_ONLY = RULE_CASE_HEADER + """\
nodes:
  brand:
    title: Stronger brand in the Nordics
    type: objective
"""

ERRORS = RULE_CASE_HEADER + """\
nodes:
  leads:
    title: 5 000 leads
    unit: count
    deadline: 2028-01-31
    target: 5000
    actuals: {2027-03-31: 1200}
"""

CLEAN = RULE_CASE_HEADER + """\
nodes:
  leads:
    title: 5 000 leads from the website
    unit: count
    target: 5000
    actuals: {2027-03-31: 1200}
"""


@pytest.fixture
def goal(tmp_path):
    def write(text: str, name: str = "goals.yaml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_exit_codes(goal, capsys) -> None:
    from goaltree.cli import main

    assert main(["check", goal(CLEAN)]) == 0
    assert "no problems" in capsys.readouterr().err
    assert main(["check", goal(WARNING_ONLY)]) == 0
    assert main(["check", goal(WARNING_ONLY), "--strict"]) == 1
    assert main(["check", goal(ERRORS)]) == 1
    assert main(["check", goal(ERRORS), "--strict"]) == 1
    assert main(["check", goal(CLEAN), "--strict"]) == 0


def test_notes_never_fail(goal) -> None:
    from goaltree.cli import main

    note_only = CLEAN.replace("5 000 leads from the website", "Leads from the website")
    assert main(["check", goal(note_only), "--strict"]) == 0


def test_text_output_is_compiler_style(goal, capsys) -> None:
    from goaltree.cli import main

    path = goal(ERRORS)
    main(["check", path])
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{path}:10:15: error T001 [leads] " + out[0].split("[leads] ", 1)[1]]


def test_json_output_shape(goal, capsys) -> None:
    from goaltree.cli import main

    main(["check", goal(ERRORS), goal(WARNING_ONLY, "other.yaml"), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["diagnostics", "errors", "warnings"]
    assert document["errors"] == 1 and document["warnings"] == 1
    for item in document["diagnostics"]:
        assert list(item) == ["code", "severity", "node", "message", "file", "line", "column"]
        assert isinstance(item["line"], int) and isinstance(item["column"], int)


def test_github_annotations(goal, capsys) -> None:
    from goaltree.cli import main

    path = goal(ERRORS)
    assert main(["check", path, "--format", "github"]) == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"::error file={path},line=10,col=15,title=T001 [leads]::the deadline 2028-01-31")


def test_github_escapes_properties_and_message() -> None:
    from goaltree.cli.check import github_annotation
    from goaltree.errors import Diagnostic

    diagnostic = Diagnostic("A001", "warning", "up 400 %\nsecond line", node="x", file="a,b:c.yaml", line=3, column=5)
    assert github_annotation(diagnostic) == "::warning file=a%2Cb%3Ac.yaml,line=3,col=5,title=A001 [x]::up 400 %25%0Asecond line"
    assert github_annotation(Diagnostic("S002", "info", "note")).startswith("::notice title=S002::")


def test_a_missing_file_exits_2_but_the_others_are_checked(goal, tmp_path, capsys) -> None:
    from goaltree.cli import main

    assert main(["check", str(tmp_path / "missing.yaml"), goal(ERRORS), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert "no such file" in captured.err
    assert json.loads(captured.out)["errors"] == 1


def test_a_file_that_cannot_be_read_is_never_summed_up_as_no_problems(tmp_path, capsys) -> None:
    from goaltree.cli import main

    assert main(["check", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err
    assert "no problems" not in err
    assert "0 files checked; 1 could not be read" in err


def test_every_mistake_in_github_format_has_one_annotation_per_finding(capsys) -> None:
    from goaltree.cli import main

    main(["check", str(DATA / "every_mistake.yaml"), "--format", "github"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 22 and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


@pytest.mark.parametrize("form", ["text", "json", "md"])
def test_rules_command_lists_every_code(form, capsys) -> None:
    from goaltree.cli import main
    from goaltree.rules.registry import DEFAULT_RULES

    assert main(["rules", "--format", form]) == 0
    out = capsys.readouterr().out
    if form == "json":
        listed = [rule["code"] for rule in json.loads(out)["rules"]]
        assert listed == [rule.code for rule in DEFAULT_RULES]
        first = json.loads(out)["rules"][0]
        assert set(first) == {
            "code", "name", "severity", "family", "summary", "description", "options", "emitted_by", "configurable",
        }
    else:
        for rule in DEFAULT_RULES:
            assert rule.code in out and rule.name in out
