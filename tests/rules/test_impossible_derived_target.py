"""A005 in `check` and in `evaluate`: a derived target below zero names the node, the parent and the numbers."""

from __future__ import annotations

import json

import pytest

from goaltree.cli import main

GOALS = """\
goaltree: 1
id: norden-2027
title: Nya intäkter i Norden 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Försäljningschef

nodes:
  intakter:
    title: 1 MSEK i nya intäkter i Norden
    unit: kSEK
    rollup: sum
    target: 1000
    actuals: {2027-06-30: 480}
  intakter_se:
    title: 620 kSEK i nya intäkter i Sverige
    unit: kSEK
    parent: intakter
    target: 620
    actuals: {2027-06-30: 300}
  intakter_no:
    title: 430 kSEK i nya intäkter i Norge
    unit: kSEK
    parent: intakter
    target: 430
    actuals: {2027-06-30: 200}
  intakter_dk:
    title: Nya intäkter i Danmark
    unit: kSEK
    parent: intakter
    actuals: {2027-06-30: 0}
"""

# By hand: 1 000 − 620 − 430 = −50 kSEK is left for Denmark.
REMAINDER = 1000 - 620 - 430
DENMARK_LINE = GOALS.splitlines().index("  intakter_dk:") + 1  # the warning points at the node's key


@pytest.fixture
def goals(tmp_path):
    path = tmp_path / "goals.yaml"
    path.write_text(GOALS, encoding="utf-8")
    return path


def _a005(diagnostics):
    return [d for d in diagnostics if d["code"] == "A005"]


def test_check_warns_with_the_node_the_parent_and_the_numbers(goals, capsys):
    assert main(["check", str(goals), "--format", "json"]) == 0  # a warning, not an error
    (finding,) = _a005(json.loads(capsys.readouterr().out)["diagnostics"])
    assert REMAINDER == -50
    assert (finding["severity"], finding["node"], finding["line"], finding["column"]) == ("warning", "intakter_dk", DENMARK_LINE, 3)
    assert finding["file"].endswith("goals.yaml")
    message = finding["message"]
    assert message.startswith("the derived target of intakter_dk is -50, below zero, which an amount of kSEK cannot be")
    assert "intakter's target 1 000 leaves -50 for it once intakter_se (620), intakter_no (430) have theirs" in message
    assert "lower those targets, raise intakter's, or declare intakter_dk's target" in message


def test_evaluate_reports_the_same_warning(goals, capsys):
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["nodes"]["intakter_dk"]["target"] == REMAINDER
    (finding,) = _a005(document["diagnostics"])
    assert (finding["node"], finding["line"], finding["column"]) == ("intakter_dk", DENMARK_LINE, 3)
    assert "intakter's target 1 000 leaves -50" in finding["message"]


def test_a_suppressed_warning_stays_quiet_in_evaluate_too(goals, capsys):
    goals.write_text(
        GOALS.replace(
            "    actuals: {2027-06-30: 0}\n",
            "    actuals: {2027-06-30: 0}\n    suppress: {A005: \"Danmark läggs ned under året\"}\n",
        ),
        encoding="utf-8",
    )
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--format", "json"]) == 0
    assert _a005(json.loads(capsys.readouterr().out)["diagnostics"]) == []
    assert main(["check", str(goals), "--format", "json"]) == 0
    assert _a005(json.loads(capsys.readouterr().out)["diagnostics"]) == []


def test_a_declared_target_is_not_the_rule_s_business(goals, capsys):
    """Only derived targets: a declared negative target is the author's statement, judged by other rules."""
    goals.write_text(GOALS.replace("    parent: intakter\n    actuals: {2027-06-30: 0}\n", "    parent: intakter\n    target: -50\n    actuals: {2027-06-30: 0}\n"), encoding="utf-8")
    assert main(["check", str(goals), "--format", "json"]) == 0
    assert _a005(json.loads(capsys.readouterr().out)["diagnostics"]) == []
