"""check's findings for CI beyond ten annotations: GitHub's step summary and GitLab's Code Quality report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goaltree.cli import main

GOALS = """\
goaltree: 1
id: acme
title: Acme
owner: Marketing
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  growth:
    title: Growth
    type: objective
"""
# Twelve children with vague titles: more findings than GitHub shows as annotations.
CHANNELS = "".join(
    f"""  channel_{i}:
    title: "Better channel {i} | with a pipe"
    parent: growth
    unit: count
    target: {100 + i}
    actuals: {{2027-03-31: 10}}
"""
    for i in range(12)
)


@pytest.fixture
def many_findings(tmp_path: Path) -> Path:
    path = tmp_path / "goals.yaml"
    path.write_text(GOALS + CHANNELS, encoding="utf-8")
    return path


def findings_json(path: Path, capsys) -> list[dict]:
    main(["check", str(path), "--format", "json"])
    return json.loads(capsys.readouterr().out)["diagnostics"]


def test_the_step_summary_lists_every_finding(many_findings, tmp_path, capsys, monkeypatch):
    from markdown_it import MarkdownIt

    summary = tmp_path / "step_summary.md"
    summary.write_text("## An earlier step's summary\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    expected = findings_json(many_findings, capsys)
    assert len(expected) > 10

    code = main(["check", str(many_findings), "--format", "github"])
    annotations = capsys.readouterr().out.splitlines()
    assert code == 0 and len(annotations) == len(expected)

    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## An earlier step's summary\n")  # appended to, never replaced
    # Read the table as GitHub does: a CommonMark parser with GitHub's tables.
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    # What a reader sees in each cell: the text after Markdown's escapes and HTML entities are read.
    cells = [
        "".join(child.content for child in token.children if child.type in ("text", "code_inline"))
        for token in tokens
        if token.type == "inline"
    ][2:]  # after the two headings
    cells = [cell for cell in cells if not cell.startswith("1 goal file")]
    header, rows = cells[:5], [cells[i : i + 5] for i in range(5, len(cells), 5)]
    assert header == ["where", "severity", "code", "node", "message"]
    assert len(rows) == len(expected)
    for row, finding in zip(rows, expected):
        assert row[0] == f"{finding['file']}:{finding['line']}:{finding['column']}"
        assert row[1:4] == [finding["severity"], finding["code"], finding["node"] or ""]
        assert row[4] == " ".join(finding["message"].split())


def test_without_a_step_summary_nothing_is_written(many_findings, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    main(["check", str(many_findings), "--format", "github"])
    assert sorted(tmp_path.iterdir()) == before


def test_an_unwritable_step_summary_is_an_environment_error(many_findings, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "summary.md"))
    assert main(["check", str(many_findings), "--format", "github"]) == 2
    assert "GITHUB_STEP_SUMMARY" in capsys.readouterr().err


def test_gitlab_code_quality_report(many_findings, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expected = findings_json(Path("goals.yaml"), capsys)
    assert main(["check", "goals.yaml", "--format", "codequality"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert isinstance(report, list) and len(report) == len(expected)
    severities = {"error": "critical", "warning": "minor", "info": "info"}
    for issue, finding in zip(report, expected):
        # The fields GitLab requires (docs: "Code Quality report format").
        assert isinstance(issue["description"], str) and finding["message"] in issue["description"]
        assert issue["check_name"] == finding["code"]
        assert issue["severity"] == severities[finding["severity"]]
        assert issue["location"] == {"path": "goals.yaml", "lines": {"begin": finding["line"]}}
        assert len(issue["fingerprint"]) == 64
    assert len({issue["fingerprint"] for issue in report}) == len(report)


def test_code_quality_fingerprints_survive_lines_moving(many_findings, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    main(["check", "goals.yaml", "--format", "codequality"])
    before = {issue["fingerprint"] for issue in json.loads(capsys.readouterr().out)}
    text = many_findings.read_text(encoding="utf-8")
    many_findings.write_text("# A comment that moves every line down\n" + text, encoding="utf-8")
    main(["check", "goals.yaml", "--format", "codequality"])
    after = json.loads(capsys.readouterr().out)
    assert {issue["fingerprint"] for issue in after} == before
    assert after[0]["location"]["lines"]["begin"] > 1


def test_an_error_is_critical_in_code_quality(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("goals.yaml").write_text(GOALS + "  leads:\n    title: 1 500 leads\n    parent: growht\n", encoding="utf-8")
    assert main(["check", "goals.yaml", "--format", "codequality"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert any(issue["severity"] == "critical" and issue["check_name"] == "E004" for issue in report)
