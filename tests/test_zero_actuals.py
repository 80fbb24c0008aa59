"""An actual whose formula divides by an actual of 0: no number, status no data, and warning M007 saying why."""

from __future__ import annotations

import datetime as dt

import pytest

import goaltree
from goaltree.cli import main
from support import HEADER

AS_OF = dt.date(2027, 2, 15)

COST_PER_LEAD = HEADER + """\
nodes:
  cpl:
    title: Cost per lead is at most 500 SEK in 2027
    unit: SEK
    direction: decrease
    target: 500
    formula: cost / leads
  cost:
    title: Lead generation costs at most 500 000 SEK in 2027
    unit: SEK
    direction: decrease
    target: 500000
    actuals: {2027-01-31: 40000}
  leads:
    title: We get 1 000 leads in 2027
    unit: count
    target: 1000
    actuals: {2027-01-31: LEADS}
"""


def evaluated(write_goals, text: str):
    path = write_goals(text)
    return path, goaltree.evaluate(goaltree.load(path), AS_OF)


def test_a_rate_over_a_zero_actual_has_no_actual_and_a_warning_naming_the_divisor(write_goals):
    path, evaluation = evaluated(write_goals, COST_PER_LEAD.replace("LEADS", "0"))
    cpl = evaluation.nodes["cpl"]
    assert cpl.actual is None
    assert cpl.status == "no_data"
    assert evaluation.nodes["leads"].actual == 0  # the data is there: 0 leads in January
    [warning] = [d for d in evaluation.diagnostics if d.node == "cpl"]
    assert (warning.code, warning.severity) == ("M007", "warning")
    assert "cpl = cost / leads" in warning.message and "'leads'" in warning.message
    lines = path.read_text(encoding="utf-8").splitlines()
    formula_line = next(number for number, line in enumerate(lines, 1) if "formula: cost / leads" in line)
    assert (warning.file, warning.line, warning.column) == (str(path), formula_line, lines[formula_line - 1].index("cost") + 1)
    assert not any(d.severity == "error" for d in evaluation.diagnostics)


def test_the_rate_has_its_value_once_the_divisor_counts_something(write_goals):
    _path, evaluation = evaluated(write_goals, COST_PER_LEAD.replace("LEADS", "80"))
    assert evaluation.nodes["cpl"].actual == pytest.approx(40_000 / 80)  # 500 SEK a lead
    assert not [d for d in evaluation.diagnostics if d.code == "M007"]


def test_a_rate_solved_from_a_zero_count_has_no_actual_and_a_warning(write_goals):
    text = HEADER + """\
nodes:
  leads:
    title: 5 000 leads in 2027
    unit: count
    target: 5000
    formula: visits * visit_to_lead
    actuals: {2027-01-31: 12}
  visits:
    title: 250 000 visits in 2027
    unit: count
    target: 250000
    actuals: {2027-01-31: 0}
  visit_to_lead:
    title: 2 % of visits become leads
    type: driver
    unit: ratio
    target: 0.02
"""
    _path, evaluation = evaluated(write_goals, text)
    rate = evaluation.nodes["visit_to_lead"]
    # 12 leads from 0 visits gives no rate: the driver nobody measures keeps its plan, unscored.
    assert (rate.actual, rate.actual_origin, rate.status) == (0.02, "assumed", "assumed")
    [warning] = [d for d in evaluation.diagnostics if d.code == "M007"]
    assert warning.node == "visit_to_lead" and "divides by visits, whose actual is 0" in warning.message


def test_the_warning_stops_no_output_and_can_be_disabled(write_goals, tmp_path, capsys):
    path = write_goals(COST_PER_LEAD.replace("LEADS", "0"))
    assert main(["evaluate", str(path), "--as-of", AS_OF.isoformat()]) == 0
    assert "warning M007 [cpl]" in capsys.readouterr().out
    report = tmp_path / "report.md"
    assert main(["report", str(path), "--as-of", AS_OF.isoformat(), "-o", str(report)]) == 0
    assert "Cost per lead" in report.read_text(encoding="utf-8")
    quiet = write_goals(COST_PER_LEAD.replace("LEADS", "0").replace("nodes:", "checks: {disable: [M007]}\nnodes:"), "quiet.yaml")
    evaluation = goaltree.evaluate(goaltree.load(quiet), AS_OF)
    assert not [d for d in evaluation.diagnostics if d.code == "M007"]
    assert evaluation.nodes["cpl"].status == "no_data"


def test_a_zero_target_divisor_is_still_error_e008(write_goals):
    text = COST_PER_LEAD.replace("LEADS", "5").replace("target: 1000", "target: 0")
    _path, evaluation = evaluated(write_goals, text)
    assert [(d.code, d.severity) for d in evaluation.diagnostics if d.node == "cpl"] == [("E008", "error")]
