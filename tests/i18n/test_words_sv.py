"""A Swedish reader gets goaltree's own words in Swedish: a node's type, a rollup, and counts in the right number."""

from __future__ import annotations

from pathlib import Path

import pytest

from goaltree.cli import main

KUND = """\
goaltree: 1
id: kund-2027
title: Kundmål 2027
language: sv
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marknadschef
nodes:
  lonsamhet: {title: Annonseringen är lönsam och kunderna stannar 2027, type: objective, rollup: progress}
  churn:
    title: Churn under 5 % per månad 2027
    parent: lonsamhet
    unit: "%"
    direction: decrease
    aggregate: last
    baseline: 6.5
    target: 5
    actuals: {2027-01-31: 6.4, 2027-02-28: 6.1, 2027-03-31: 5.8}
  roas:
    title: ROAS minst 4,5 för betald annonsering 2027
    parent: lonsamhet
    unit: multiple
    target: 4.5
    formula: intakter / annonskostnad
  intakter:
    title: Intäkter från betald annonsering 2027
    unit: SEK
    actuals: {2027-01-31: 61000, 2027-02-28: 70500, 2027-03-31: 82250}
  annonskostnad:
    title: Annonskostnaden är högst 1 500 000 kr under 2027
    unit: SEK
    direction: decrease
    target: 1500000
    actuals: {2027-01-31: 15000, 2027-02-28: 17250, 2027-03-31: 19999}
"""


@pytest.fixture
def kund(tmp_path: Path) -> Path:
    path = tmp_path / "kund.yaml"
    path.write_text(KUND, encoding="utf-8")
    return path


def test_explain_names_the_type_and_the_rollup_in_swedish(kund: Path, capsys) -> None:
    assert main(["explain", str(kund), "lonsamhet", "--as-of", "2027-03-31"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("  typ målsättning, ansvarig Marknadschef")
    assert lines[2] == "  rollup: framsteg av churn, roas"


def test_the_reports_counts_and_diagram_words_are_swedish(kund: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    assert main(["report", str(kund), "--as-of", "2027-03-31", "-o", str(report)]) == 0
    text = report.read_text(encoding="utf-8")
    assert "0 fel, 1 varning, 1 notering." in text  # one of each: the singular
    assert 'lonsamhet -->|"framsteg · vikt 1"| churn' in text
    english = tmp_path / "en.md"
    assert main(["report", str(kund), "--as-of", "2027-03-31", "-o", str(english), "--language", "en"]) == 0
    text = english.read_text(encoding="utf-8")
    assert "0 error(s), 1 warning(s), 1 note(s)." in text and 'lonsamhet -->|"progress · weight 1"| churn' in text


def test_the_tables_count_of_a_status_agrees_with_its_number(kund: Path, capsys) -> None:
    assert main(["evaluate", str(kund), "--as-of", "2026-12-01"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "5 noder: 5 ej startade. * = härlett mål"
    assert main(["evaluate", str(kund), "--as-of", "2026-12-01", "--language", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "5 nodes: 5 not started. * = derived target"
