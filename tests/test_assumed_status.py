"""Honest status: a planning assumption nobody measures is `assumed`, never `achieved`, and counts neither way.

The goal file is the seeds' funnel in Swedish: revenue is customers times a
customer lifetime value that is nothing but three planning assumptions, and
the objective above it also names a satisfaction driver nobody measures and a
webinar KPI without a target. Every number is checked against a hand
calculation written here.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from goaltree.api import evaluate
from goaltree.cli import main
from goaltree.cli.explain import explain
from goaltree.render.dot import to_dot
from goaltree.render.mermaid import to_mermaid
from goaltree.report import render_report

GOALS = """\
goaltree: 1
id: marknad-2027
title: Marknadens bidrag till nya affärer 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marknadschef

nodes:
  tillvaxt:
    title: Marknaden driver lönsam tillväxt under 2027
    type: objective
    rollup: progress
  intakter:
    title: 63 MSEK i nya intäkter från marknadsgenererade kunder
    parent: tillvaxt
    unit: SEK
    target: 63000000
    formula: kunder * clv
  kunder:
    title: 70 nya kunder från marknadens leads
    unit: count
    target: 70
    actuals: {2027-03-31: 14, 2027-06-30: 16}
  clv:
    title: Kundens livstidsvärde är 900 000 SEK
    type: driver
    unit: SEK
    formula: ordervarde * ordrar_per_ar * livslangd
  ordervarde:
    title: Snittorder på 100 000 SEK
    type: driver
    unit: SEK
    target: 100000
  ordrar_per_ar:
    title: 3 ordrar per kund och år
    type: driver
    unit: count
    target: 3
  livslangd:
    title: 3 år som kund
    type: driver
    unit: count
    target: 3
  nojdhet:
    title: Kundnöjdhet (NPS) på 40
    type: driver
    parent: tillvaxt
    target: 40
  webbinarier:
    title: 12 webbinarier för befintliga kunder
    parent: tillvaxt
    unit: count
    actuals: {2027-05-31: 3}
"""

AS_OF = dt.date(2027, 6, 30)
ASSUMED = ["clv", "ordervarde", "ordrar_per_ar", "livslangd", "nojdhet"]

# Hand calculation at 2027-06-30: day 181 of 365.
ELAPSED = 181 / 365
CUSTOMERS_PROGRESS = (14 + 16) / 70
REVENUE_ACTUAL = (14 + 16) * 100_000 * 3 * 3


@pytest.fixture
def goals(tmp_path):
    path = tmp_path / "goals.yaml"
    path.write_text(GOALS, encoding="utf-8")
    return path


@pytest.fixture
def evaluation(goals):
    return evaluate(goals, AS_OF)


def test_json_calls_unmeasured_drivers_assumed_and_never_scores_them(goals, capsys):
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--format", "json"]) == 0
    nodes = json.loads(capsys.readouterr().out)["nodes"]
    for node_id in ASSUMED:
        node = nodes[node_id]
        assert node["status"] == "assumed", node_id
        assert (node["progress"], node["expected_progress"], node["score"], node["expected"]) == (None, None, None, None)
    # The planning values are still the actuals the formulas use: 100 000 · 3 · 3.
    assert nodes["clv"]["actual"] == 900_000
    assert nodes["ordervarde"]["actual_origin"] == "assumed"
    # Revenue rests on measured customers, so it is scored: 27 MSEK of 63 MSEK.
    revenue = nodes["intakter"]
    assert revenue["actual"] == REVENUE_ACTUAL == 27_000_000
    assert math.isclose(revenue["progress"], REVENUE_ACTUAL / 63_000_000, rel_tol=1e-12)
    assert math.isclose(revenue["expected_progress"], ELAPSED, rel_tol=1e-12)
    assert revenue["status"] == "at_risk"  # 0.4286 / 0.4959 = 0.864, between 0.80 and 0.95
    # The assumed clv moves no part of the revenue gap: customers explain all of it.
    assert revenue["attribution"]["clv"] == 0
    gap = REVENUE_ACTUAL - 63_000_000 * ELAPSED
    assert math.isclose(revenue["attribution"]["kunder"], gap, rel_tol=1e-9)


def test_the_objective_scores_without_the_assumption_and_says_which_children_it_leaves_out(evaluation):
    objective = evaluation.nodes["tillvaxt"]
    # Only intakter has a target and data; nojdhet is an assumption, webbinarier has no target.
    assert math.isclose(objective.progress, CUSTOMERS_PROGRESS, rel_tol=1e-12)
    assert math.isclose(objective.expected_progress, ELAPSED, rel_tol=1e-12)
    assert objective.status == "at_risk"
    assert objective.unscored_children == {
        "nojdhet": "a planning assumption, not measured",
        "webbinarier": "no target: it supports the objective without being scored",
    }
    text = explain(evaluation, "tillvaxt")
    assert "scored from intakter; left out of the score:" in text
    assert "  - nojdhet: a planning assumption, not measured" in text
    assert "assumed — its actual rests only on planning assumptions" in explain(evaluation, "nojdhet")


def test_an_assumption_counts_neither_way_in_the_table(goals, capsys):
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip() and line.split()[0] in ASSUMED}
    assert all(line.rstrip().endswith("assumed") for line in rows.values()) and len(rows) == 5
    # tillvaxt, intakter and kunder are at risk; webbinarier has no target; five are assumptions.
    assert "9 nodes: 3 at risk, 1 no data; 5 assumed (planning assumptions nobody measures, not scored)." in out


def test_reports_count_assumptions_apart_and_explain_the_colour(evaluation):
    markdown = render_report(evaluation, "md")
    assert "**3 of 4 scored nodes are behind their pace; 1 without data; 5 planning assumptions not scored.**" in markdown
    assert "| ASSUMED | 5 | a planning assumption nobody measures: not scored |" in markdown
    assert "- `tillvaxt`: nojdhet (a planning assumption, not measured); webbinarier (no target:" in markdown
    html = render_report(evaluation, "html")
    assert "3 of 4 scored nodes are behind their pace; 1 without data; 5 planning assumptions not scored." in html
    assert 'background:#CC79A7;color:#000000">ASSUMED</span> a planning assumption nobody measures: not scored' in html
    assert "<strong>Left out of the score:</strong> nojdhet (a planning assumption, not measured)" in html
    # No node is achieved or on track: the assumptions are not counted as either.
    assert '<li class="tile" data-status="achieved"><span class="count">0</span>' in html
    assert '<li class="tile" data-status="on_track"><span class="count">0</span>' in html


def test_diagrams_colour_assumptions_in_their_own_colour(evaluation):
    mermaid = to_mermaid(evaluation)
    assert "    classDef assumed fill:#CC79A7,stroke:#333333,color:#000000" in mermaid
    assert "    class clv,ordervarde,ordrar_per_ar,livslangd,nojdhet assumed" in mermaid
    assert "achieved" not in mermaid.split("classDef")[0]
    assert 'nojdhet(["DRIVER · ASSUMED<br/>' in mermaid
    assert "planning assumption · not scored" in mermaid
    dot = to_dot(evaluation)
    assert ">ASSUMED<" in dot  # the legend in the heading


def test_measured_and_solved_drivers_are_still_scored(write_goals):
    """A rate measured by its own actuals, or solved from measured counts, is evidence: it is scored."""
    path = write_goals(
        """\
goaltree: 1
id: tratt
title: Tratten 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marknadschef
nodes:
  kunder:
    title: 70 nya kunder
    unit: count
    target: 70
    formula: leads * konvertering
    actuals: {2027-06-30: 30}
  konvertering:
    title: 1,4 % av leads blir kunder
    type: driver
    unit: ratio
    target: 0.014
  leads:
    title: 5 000 leads från webben
    unit: count
    actuals: {2027-06-30: 2500}
"""
    )
    result = evaluate(path, AS_OF).nodes["konvertering"]
    assert result.actual_origin == "solved"
    assert result.actual == pytest.approx(30 / 2500)
    # A level without a baseline: progress = actual / target = 0.012 / 0.014.
    assert result.progress == pytest.approx(0.012 / 0.014)
    assert result.status == "at_risk"


# Revenue and customers measured at midsummer: 24 500 000 SEK from 28 customers.
MEASURED_REVENUE = """\
goaltree: 1
id: kundvarde
title: Kundvärde 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marknadschef
nodes:
  intakter:
    title: Nya kunder är värda 63 MSEK under kundlivstiden
    unit: SEK
    target: 63000000
    formula: kunder * clv
    actuals: {2027-06-30: 24500000}
  kunder: {title: 70 nya kunder 2027, unit: count, actuals: {2027-06-30: 28}}
"""


def test_measured_revenue_and_customers_against_an_assumed_clv_is_no_a004(write_goals, capsys):
    """A CLV solved from measured revenue and customers is evidence; its planning inputs are not measurements.

    24 500 000 SEK from 28 customers is 875 000 SEK a customer, where the
    plan assumed 100 000 × 3 × 3 = 900 000. That is the plan not holding, not
    two measured actuals that disagree: warning A004 ("change one of the
    declared actuals") has nothing the team could change.
    """
    path = write_goals(
        MEASURED_REVENUE
        + """\
  clv: {title: En kund är värd 900 000 kr, type: driver, unit: SEK, formula: ordervarde * ordrar * livslangd}
  ordervarde: {title: En order är värd 100 000 kr, type: driver, unit: SEK, target: 100000}
  ordrar: {title: 3 ordrar per år, type: driver, unit: count, target: 3}
  livslangd: {title: Kunden stannar i 3 år, type: driver, unit: count, target: 3}
"""
    )
    assert main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [d["code"] for d in document["diagnostics"]] == []
    clv = document["nodes"]["clv"]
    assert clv["actual"] == pytest.approx(24_500_000 / 28) == 875_000
    assert clv["actual_origin"] == "solved"
    assert document["nodes"]["ordervarde"]["status"] == "assumed"


def test_two_measured_actuals_that_disagree_are_still_a004(write_goals, capsys):
    """The same tree with the CLV measured too: 875 000 against 900 000 measured is A004 (2.8 % apart)."""
    path = write_goals(
        MEASURED_REVENUE
        + """\
  clv: {title: En kund är värd 900 000 kr, type: driver, unit: SEK, target: 900000, aggregate: last, actuals: {2027-06-30: 900000}}
"""
    )
    main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert [(d["code"], d["node"]) for d in document["diagnostics"]] == [("A004", "intakter")]
