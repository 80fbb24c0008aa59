"""`%` in formulas: a percentage enters as its fraction, as in a spreadsheet (SPEC §1, issue #12).

Every number is checked against a hand calculation written here, and the
property test checks that a `%` file and the same file written in `ratio`
give the same numbers everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import goaltree
from goaltree.cli import main
from goaltree.engine import evaluate
from goaltree.graph import build
from goaltree.model import GoalFile
from goaltree.present.numbers import format_number, format_quantity
from goaltree.report.charts import axis_label
from goaltree.rules import units

AS_OF = dt.date(2027, 6, 30)
# 2027-01-01 .. 2027-06-30 inclusive is 181 of 365 days.
ELAPSED = 181 / 365

LEADS = """\
goaltree: 1
id: leads-2027
title: Fler leads 2027
owner: Marknadschef
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  leads:
    title: Öka leads till 3 000
    unit: count
    target: 3000
    formula: contacts * contact_to_lead
  contacts:
    title: Kontakter som behövs för 3 000 leads
    unit: count
    actuals: {2027-03-31: 2000, 2027-06-30: 2000}
  contact_to_lead:
    title: 23 % av kontakterna blir leads
    type: driver
    unit: "%"
    aggregate: last
    target: 23
    actuals: {2027-03-31: 20, 2027-06-30: 21}
"""


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def test_a_percent_rate_derives_13_043_contacts_for_3_000_leads(write_goals):
    nodes = goaltree.evaluate(goaltree.load(write_goals(LEADS)), AS_OF).nodes
    # 3 000 leads at 23 %: 3 000 / 0.23 = 13 043.48 contacts (not 3 000 / 23 = 130)
    assert nodes["contacts"].target == pytest.approx(13_043.478260869565, rel=1e-12)
    assert "13 043.4783" in nodes["contacts"].target_derivation.text
    # 4 000 contacts at 21 %: 840 leads
    assert nodes["leads"].actual == pytest.approx(840, rel=1e-12)
    assert nodes["leads"].actual_origin == "rolled_up"
    # a flow paced from 0: 3 000 x 181/365 = 1 487.67 expected, 840 / 3 000 = 28 % progress
    assert nodes["leads"].expected == pytest.approx(3000 * ELAPSED, rel=1e-12)
    assert nodes["leads"].progress == pytest.approx(0.28, rel=1e-12)
    # the rate itself stays in percent
    assert (nodes["contact_to_lead"].target, nodes["contact_to_lead"].actual) == (23, 21)


def test_a_percent_formula_node_shows_its_fraction_times_100(write_goals):
    path = write_goals(
        """\
        goaltree: 1
        id: kunder-2027
        title: Fler kunder 2027
        owner: Säljchef
        period: {start: 2027-01-01, end: 2027-12-31}
        nodes:
          win_share:
            title: 14 % av leads blir kunder
            unit: "%"
            formula: customers / leads
          customers:
            title: 420 nya kunder
            unit: count
            target: 420
            actuals: {2027-06-30: 50}
          leads:
            title: 3 000 leads
            unit: count
            target: 3000
            actuals: {2027-06-30: 400}
        """
    )
    nodes = goaltree.evaluate(goaltree.load(path), AS_OF).nodes
    win = nodes["win_share"]
    assert win.target == pytest.approx(14, rel=1e-12)  # 420 / 3 000 = 0.14, shown as 14 %
    assert win.actual == pytest.approx(12.5, rel=1e-12)  # 50 / 400 = 0.125
    # a rate its formula computes is a level: no baseline, so it is compared with its target
    assert win.aggregate == "last"
    assert win.expected == pytest.approx(14, rel=1e-12)
    assert win.progress == pytest.approx(12.5 / 14, rel=1e-12)
    assert format_number(win.actual, win.unit) == "12.50 %"


def test_a_percent_rate_is_solved_from_the_counts_around_it(write_goals):
    body = LEADS.replace("    actuals: {2027-03-31: 20, 2027-06-30: 21}\n", "").replace(
        "    formula: contacts * contact_to_lead\n",
        "    formula: contacts * contact_to_lead\n    actuals: {2027-06-30: 900}\n",
    )
    body = body.replace("    type: driver\n", "")  # a measured KPI in the middle: not a planning assumption
    nodes = goaltree.evaluate(goaltree.load(write_goals(body)), AS_OF).nodes
    rate = nodes["contact_to_lead"]
    # 900 leads from 4 000 contacts: 900 / 4 000 = 0.225, a rate of 22.5 %
    assert rate.actual_origin == "solved"
    assert rate.actual == pytest.approx(22.5, rel=1e-12)


def test_a_common_growth_factor_scales_a_percent_baseline_as_a_fraction(write_goals):
    body = LEADS.replace("    actuals: {2027-03-31: 2000, 2027-06-30: 2000}\n", "    baseline: 10000\n")
    body = body.replace("    target: 23\n", "    baseline: 20\n").replace("    type: driver\n", "")
    nodes = goaltree.evaluate(goaltree.load(write_goals(body)), AS_OF).nodes
    # 10 000 g x 0.20 g = 3 000: g = sqrt(1.5)
    growth = math.sqrt(1.5)
    assert nodes["contacts"].target == pytest.approx(10_000 * growth, rel=1e-9)
    assert nodes["contact_to_lead"].target == pytest.approx(20 * growth, rel=1e-9)  # 24.49 %


def test_attribution_splits_the_leads_gap_by_the_fraction_reading(write_goals):
    leads = goaltree.evaluate(goaltree.load(write_goals(LEADS)), AS_OF).nodes["leads"]
    # LMDI worked out by hand: before = expected leads, after = actual leads
    expected_contacts = 3000 / 0.23 * ELAPSED  # a flow: paced from 0
    before = expected_contacts * 0.23  # the rate's expected value is its target (a level without baseline)
    after = 4000 * 0.21
    weight = (after - before) / math.log(after / before)
    assert leads.attribution["contacts"] == pytest.approx(weight * math.log(4000 / expected_contacts), rel=1e-9)
    assert leads.attribution["contact_to_lead"] == pytest.approx(weight * math.log(21 / 23), rel=1e-9)
    assert math.fsum(leads.attribution.values()) == pytest.approx(after - before, rel=1e-9)


def test_a_mean_rollup_of_percent_children_stays_in_percent(write_goals):
    path = write_goals(
        """\
        goaltree: 1
        id: nojdhet
        title: Nöjdare kunder
        owner: Kundchef
        period: {start: 2027-01-01, end: 2027-12-31}
        nodes:
          satisfied:
            title: 25 % nöjda kunder i snitt
            unit: "%"
            aggregate: last
            rollup: mean
          satisfied_web:
            title: 20 % nöjda webbkunder
            unit: "%"
            aggregate: last
            parent: satisfied
            target: 20
            actuals: {2027-06-30: 18}
          satisfied_shop:
            title: 30 % nöjda butikskunder
            unit: "%"
            aggregate: last
            parent: satisfied
            target: 30
            actuals: {2027-06-30: 32}
        """
    )
    nodes = goaltree.evaluate(goaltree.load(path), AS_OF).nodes
    assert nodes["satisfied"].target == pytest.approx((20 + 30) / 2)
    assert nodes["satisfied"].actual == pytest.approx((18 + 32) / 2)


def test_count_times_percent_is_a_count_and_a_hand_made_100_is_m006(write_goals):
    assert not {"M005", "M006"} & set(codes(goaltree.check(write_goals(LEADS))))
    # the same 23 in a count multiplies the contacts by 23
    as_count = LEADS.replace('    unit: "%"\n', "    unit: count\n")
    found = [d for d in goaltree.check(write_goals(as_count, "count.yaml")) if d.code == "M006"]
    assert [(d.node, d.line) for d in found] == [("contact_to_lead", 21)]
    assert "multiplies by 23, not 0.23" in found[0].message
    twice = LEADS.replace("formula: contacts * contact_to_lead", "formula: contacts * contact_to_lead / 100")
    found = [d for d in goaltree.check(write_goals(twice, "twice.yaml")) if d.code == "M006"]
    assert [(d.node, d.line, d.column) for d in found] == [("leads", 11, 43)]
    assert "remove the `100`" in found[0].message


def test_a_rate_computed_by_a_formula_is_not_m004_and_is_paced_as_a_level(write_goals):
    path = write_goals(
        """\
        goaltree: 1
        id: vinst-2027
        title: Vinna affärer 2027
        owner: Säljchef
        period: {start: 2027-01-01, end: 2027-12-31}
        nodes:
          win_rate:
            title: En fjärdedel av 280 affärsmöjligheter vinns
            unit: ratio
            target: 0.25
            formula: customers / opportunities
          customers:
            title: 70 nya kunder
            unit: count
            target: 70
            actuals: {2027-06-30: 30}
          opportunities:
            title: 280 affärsmöjligheter
            unit: count
            actuals: {2027-06-30: 80}
        """
    )
    assert "M004" not in codes(goaltree.check(path))
    win = goaltree.evaluate(goaltree.load(path), AS_OF).nodes["win_rate"]
    assert win.actual == pytest.approx(30 / 80)
    assert win.expected == pytest.approx(0.25)  # a level is due at its target, not 0.25 x 181/365
    measured_sum = path.read_text(encoding="utf-8").replace(
        "    formula: customers / opportunities\n", "    aggregate: sum\n    actuals: {2027-06-30: 0.3}\n"
    )
    assert "M004" in codes(goaltree.check(write_goals(measured_sum, "measured.yaml")))


def test_explain_shows_the_derived_contacts_and_the_percent_rate(write_goals, capsys):
    path = write_goals(LEADS)
    assert main(["explain", str(path), "contacts", "--as-of", "2027-06-30"]) == 0
    out = capsys.readouterr().out
    assert "Target 13 043 (derived)" in out
    assert "solved from leads = contacts * contact_to_lead with leads = 3 000: 13 043.4783" in out
    assert "contact_to_lead: 23.00 %" in out
    assert main(["explain", str(path), "leads", "--as-of", "2027-06-30"]) == 0
    assert "leads = contacts * contact_to_lead = 840" in capsys.readouterr().out


def test_diff_moves_the_derived_contacts_by_the_fraction(write_goals, capsys):
    old = write_goals(LEADS)
    new = write_goals(LEADS.replace("    target: 23\n", "    target: 25\n"), "new.yaml")
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    derived = json.loads(capsys.readouterr().out)["derived"]["contacts"]
    assert derived["old"] == pytest.approx(3000 / 0.23, rel=1e-9)
    assert derived["new"] == pytest.approx(3000 / 0.25, rel=1e-9)  # 12 000


def test_rollover_keeps_the_rate_in_percent_and_derives_contacts_again(write_goals, tmp_path, capsys):
    path = write_goals(LEADS)
    out = tmp_path / "next.yaml"
    # --carry remaining: the rule under which the % reading moves a number (what remains of leads).
    assert main(["rollover", str(path), "--to", "2028", "-o", str(out), "--as-of", "2027-12-31", "--carry", "remaining"]) == 0
    carried = yaml.safe_load(out.read_text(encoding="utf-8"))["nodes"]
    assert (carried["contact_to_lead"]["baseline"], carried["contact_to_lead"]["target"]) == (21, 23)
    assert carried["leads"]["target"] == pytest.approx(3000 - 4000 * 0.21)  # 2 160 leads remaining
    nodes = goaltree.evaluate(goaltree.load(out), dt.date(2028, 6, 30)).nodes
    assert nodes["contacts"].target == pytest.approx(2160 / 0.23, rel=1e-9)  # 9 391.30
    # By default a finished year keeps its targets: 3 000 leads at 23 % is 13 043.48 contacts again.
    assert main(["rollover", str(path), "--to", "2028", "-o", str(tmp_path / "kept.yaml"), "--as-of", "2027-12-31"]) == 0
    kept = goaltree.evaluate(goaltree.load(tmp_path / "kept.yaml"), dt.date(2028, 6, 30)).nodes
    assert kept["leads"].target == 3000
    assert kept["contacts"].target == pytest.approx(3000 / 0.23, rel=1e-9)


def test_a_multiple_reads_5_9x_and_enters_formulas_as_it_is(write_goals):
    assert format_number(5.9, "multiple") == "5.9×"
    assert format_number(8, "multiple") == "8×"
    assert units.parse_unit("multiple").kind == "multiple"
    # reports and charts carry the × themselves, never "8× multiple"
    assert format_quantity(8, "multiple") == "8×"
    assert axis_label(6, "multiple") == "6×"
    path = write_goals(
        """\
        goaltree: 1
        id: annonser
        title: Sökannonser 2027
        owner: Digitalchef
        period: {start: 2027-01-01, end: 2027-12-31}
        nodes:
          ad_revenue:
            title: 4 MSEK från sökannonser
            unit: SEK
            target: 4000000
            formula: ad_spend * roas
          ad_spend:
            title: 500 000 SEK i annonser
            unit: SEK
            actuals: {2027-06-30: 250000}
          roas:
            title: 8 kronor tillbaka per krona
            type: driver
            unit: multiple
            target: 8
        """
    )
    nodes = goaltree.evaluate(goaltree.load(path), AS_OF).nodes
    assert nodes["ad_spend"].target == pytest.approx(4_000_000 / 8)
    assert nodes["ad_revenue"].actual == pytest.approx(250_000 * 8)
    assert not [d for d in goaltree.check(path) if d.code in ("M004", "M005", "M006")]


# --- a % file and the same file in ratio give the same numbers --------------------------------


def tree_of(nodes: dict):
    goal_file = GoalFile.model_validate(
        {"goaltree": 1, "id": "p", "title": "P", "owner": "O", "period": {"start": "2027-01-01", "end": "2027-12-31"}, "nodes": nodes}
    )
    tree, diagnostics = build(goal_file)
    assert tree is not None, diagnostics
    return tree


def funnel(percent: bool, counts: tuple[int, int, int], rates: tuple[float, float], revenue: float) -> dict:
    """visits -> leads (a rate) -> customers (a rate solved from counts) -> revenue; a rate node computed from counts."""
    contacts, leads, customers = counts
    planned_rate, measured_rate = rates  # in percent
    scale = 1.0 if percent else 0.01
    unit = "%" if percent else "ratio"
    return {
        "revenue": {"title": "Revenue", "unit": "SEK", "target": revenue, "formula": "customers * clv"},
        "clv": {"title": "CLV", "type": "driver", "unit": "SEK", "target": 900_000},
        "customers": {"title": "Customers", "unit": "count", "formula": "leads * lead_to_customer",
                      "actuals": {"2027-06-01": customers}},
        "lead_to_customer": {"title": "Rate", "unit": unit, "aggregate": "last", "baseline": 1.0 * scale},
        "leads": {"title": "Leads", "unit": "count", "formula": "contacts * contact_to_lead",
                  "actuals": {"2027-06-01": leads}},
        "contact_to_lead": {"title": "Rate", "type": "driver", "unit": unit, "target": planned_rate * scale,
                            "actuals": {"2027-06-01": measured_rate * scale}},
        "contacts": {"title": "Contacts", "unit": "count", "actuals": {"2027-06-01": contacts}},
        "win_share": {"title": "Share", "unit": unit, "formula": "customers / contacts"},
    }


def close(first, second) -> bool:
    if first is None or second is None:
        return first is second
    return math.isclose(first, second, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.tuples(st.integers(1, 100_000), st.integers(1, 10_000), st.integers(0, 1_000)),
    rates=st.tuples(st.floats(0.5, 95), st.floats(0.5, 95)),
    revenue=st.floats(1e6, 1e9),
)
def test_a_percent_file_and_the_same_file_in_ratio_give_the_same_numbers(counts, rates, revenue):
    in_percent = evaluate(tree_of(funnel(True, counts, rates, revenue)), AS_OF).nodes
    in_ratio = evaluate(tree_of(funnel(False, counts, rates, revenue)), AS_OF).nodes
    for node_id, node in in_percent.items():
        other = in_ratio[node_id]
        scale = 100.0 if node.unit == "%" else 1.0

        def converted(value):
            return None if value is None else value / scale

        for field in ("target", "actual", "expected", "forecast"):
            assert close(converted(getattr(node, field)), getattr(other, field)), (node_id, field)
        assert close(node.progress, other.progress), node_id
        assert node.status == other.status, node_id
        assert node.attribution.keys() == other.attribution.keys(), node_id
        for child, part in node.attribution.items():
            # a part is in the parent's unit
            assert math.isclose(part / scale, other.attribution[child], rel_tol=1e-7, abs_tol=1e-6), (node_id, child)
