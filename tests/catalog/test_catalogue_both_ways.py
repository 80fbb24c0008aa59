"""The catalogue works in either direction: a catalogue rate beside the formula that uses it is no
cycle, the report's funnel finds catalogue funnels, and catalogue level KPIs pace from the right start."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.pipeline import load_goal_file

HEAD = """\
goaltree: 1
id: tratten-2027
title: Marknadstratten 2027
owner: Marknadschef
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
"""

# The README's funnel, with the two rates taken from the catalogue by name.
README_FUNNEL = HEAD + """\
  revenue:
    title: Nya intäkter 63 MSEK från marknadsdrivna kunder
    unit: SEK
    target: 63000000
    formula: customers * clv
  customers:
    title: 70 nya kunder under 2027
    unit: count
    formula: leads * lead_to_customer
  leads:
    title: 5 000 leads från webbplatsen under 2027
    unit: count
    formula: visits * traffic_to_lead
    actuals: {2027-03-31: 1500}
  visits:
    title: 250 000 besök på webbplatsen under 2027
    unit: count
    actuals: {2027-03-31: 60000}
  traffic_to_lead:
    title: 2 % av besöken blir leads
    type: driver
    kpi: traffic_to_lead
    baseline: 0.02
  lead_to_customer:
    title: 1,4 % av alla leads blir kunder
    type: driver
    kpi: lead_to_customer
    baseline: 0.014
  clv:
    title: Kundens livstidsvärde är 900 000 kr
    type: driver
    unit: SEK
    baseline: 900000
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "goals.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _evaluate(path: Path, capsys, as_of: str = "2027-03-31") -> dict:
    assert main(["evaluate", str(path), "--as-of", as_of, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_catalogue_rate_beside_the_formula_that_uses_it_is_no_cycle(tmp_path, capsys) -> None:
    path = _write(tmp_path, README_FUNNEL)
    assert main(["check", str(path)]) == 0
    assert "E006" not in capsys.readouterr().out
    tree = load_goal_file(path).tree
    # The catalogue's `leads / visits` is the identity `leads = visits * traffic_to_lead` already
    # states: the node keeps the catalogue's unit and direction but not the reversed formula.
    assert tree.goal_file.nodes["traffic_to_lead"].formula is None
    assert tree.goal_file.nodes["traffic_to_lead"].unit == "ratio"
    assert tree.children("leads") == ("visits", "traffic_to_lead")

    nodes = _evaluate(path, capsys)["nodes"]
    # Targets, by hand: 63 000 000 / 900 000 = 70 customers; 70 / 0.014 = 5 000 leads; 5 000 / 0.02 visits.
    assert nodes["customers"]["target"] == pytest.approx(70)
    assert nodes["leads"]["target"] == pytest.approx(5_000)
    assert nodes["visits"]["target"] == pytest.approx(250_000)
    # Actuals in the other direction: the rate is solved from the two measured counts, 1 500 / 60 000.
    assert nodes["traffic_to_lead"]["actual"] == pytest.approx(1_500 / 60_000)
    assert nodes["customers"]["actual"] == pytest.approx(1_500 * 0.014)
    assert nodes["revenue"]["actual"] == pytest.approx(1_500 * 0.014 * 900_000)


def test_a_cycle_of_the_files_own_formulas_is_still_an_error(tmp_path, capsys) -> None:
    path = _write(
        tmp_path,
        README_FUNNEL.replace(
            "  visits:\n    title: 250 000 besök på webbplatsen under 2027\n    unit: count\n",
            "  visits:\n    title: 250 000 besök på webbplatsen under 2027\n    unit: count\n    formula: leads / traffic_to_lead\n",
        ),
    )
    assert main(["check", str(path)]) == 1
    output = capsys.readouterr().out
    assert "E006" in output and "leads -> visits -> leads" in output


CATALOGUE_FUNNEL = HEAD + """\
  visits:
    title: 250 000 besök på webbplatsen under 2027
    unit: count
    target: 250000
    actuals: {2027-03-31: 60000}
  leads:
    title: 5 000 leads från webbplatsen under 2027
    unit: count
    target: 5000
    actuals: {2027-03-31: 1500}
  customers:
    title: 70 nya kunder under 2027
    unit: count
    target: 70
    actuals: {2027-03-31: 15}
  traffic_to_lead:
    title: 2 % av besöken blir leads
    kpi: traffic_to_lead
  lead_to_customer:
    title: 1,4 % av alla leads blir kunder
    kpi: lead_to_customer
  ad_revenue: {title: Annonsintäkter 2 MSEK under 2027, unit: SEK, target: 2000000, actuals: {2027-03-31: 400000}}
  ad_spend: {title: Annonskostnaden högst 500 000 kr, unit: SEK, direction: decrease, target: 500000, actuals: {2027-03-31: 100000}}
  roas:
    title: Annonserna ger 4 kr per satsad krona
    kpi: roas
"""


@pytest.mark.parametrize(
    "text, rates",
    [
        (README_FUNNEL, {"leads": (1_500 / 60_000, 0.02), "customers": (0.014, 0.014)}),
        # Rates as catalogue quotients (leads / visits, customers / leads), no product formula at all.
        (CATALOGUE_FUNNEL, {"leads": (1_500 / 60_000, 5_000 / 250_000), "customers": (15 / 1_500, 70 / 5_000)}),
    ],
    ids=["readme-funnel", "catalogue-rates"],
)
def test_the_report_funnel_recognises_catalogue_funnels(tmp_path, capsys, text, rates) -> None:
    path = _write(tmp_path, text)
    output = tmp_path / "report.json"
    assert main(["report", str(path), "--as-of", "2027-03-31", "-o", str(output), "--format", "json"]) == 0
    (funnel,) = json.loads(output.read_text(encoding="utf-8"))["report"]["funnels"]
    steps = funnel["steps"]
    assert [step["node"] for step in steps] == ["visits", "leads", "customers"]
    assert [step["rate"] for step in steps] == [None, "traffic_to_lead", "lead_to_customer"]
    for step in steps[1:]:
        conversion, planned = rates[step["node"]]
        assert step["conversion"] == pytest.approx(conversion)
        assert step["planned_conversion"] == pytest.approx(planned)
    # ROAS is revenue over spend: a quotient of money, not a funnel step.
    assert "ad_spend" not in [step["node"] for step in steps]


FOLLOWERS = HEAD + """\
  brand:
    title: Varumärket får 25 % fler följare under 2027
    type: objective
  follower_growth:
    title: Vår följarskara växer med 25 % under 2027
    parent: brand
    kpi: follower_growth
    target: 0.25
  followers:
    title: Följare på LinkedIn och YouTube når 60 000
    unit: count
    actuals: {2027-01-31: 49018, 2027-02-28: 49561, 2027-03-31: 50250, 2027-04-30: 51208, 2027-05-31: 52283, 2027-06-30: 53067}
  followers_start:
    title: Vi hade 48 000 följare den 1 januari 2027
    type: driver
    unit: count
    target: 48000
    actuals: {2027-01-01: 48000}
"""


def test_follower_growth_paces_from_no_growth_without_a_hand_set_baseline(tmp_path, capsys) -> None:
    path = _write(tmp_path, FOLLOWERS)
    nodes = _evaluate(path, capsys, as_of="2027-06-30")["nodes"]
    # A follower count is a level: the last observation, not the sum of six months.
    assert nodes["followers"]["actual"] == 53_067
    growth = nodes["follower_growth"]
    actual = (53_067 - 48_000) / 48_000  # 0.1056
    elapsed = 181 / 365  # 1 January to 30 June, days inclusive
    assert growth["baseline"] == 0
    assert growth["actual"] == pytest.approx(actual)
    assert growth["expected"] == pytest.approx(0.25 * elapsed)
    assert growth["progress"] == pytest.approx(actual / 0.25)
    # 0.4222 of the way against 0.4959 due: a ratio of 0.851, between 0.80 and 0.95.
    assert growth["status"] == "at_risk"


def test_what_the_node_says_wins_over_the_catalogue_for_levels(tmp_path, capsys) -> None:
    text = FOLLOWERS.replace("    kpi: follower_growth\n", "    kpi: follower_growth\n    baseline: 0.05\n").replace(
        "    title: Följare på LinkedIn och YouTube når 60 000\n    unit: count\n",
        "    title: Följare på LinkedIn och YouTube når 60 000\n    unit: count\n    aggregate: mean\n",
    )
    nodes = _evaluate(_write(tmp_path, text), capsys, as_of="2027-06-30")["nodes"]
    mean = (49_018 + 49_561 + 50_250 + 51_208 + 52_283 + 53_067) / 6
    assert nodes["followers"]["actual"] == pytest.approx(mean)  # the node's own aggregate
    growth = nodes["follower_growth"]
    assert growth["baseline"] == 0.05
    assert growth["expected"] == pytest.approx(0.05 + (0.25 - 0.05) * 181 / 365)
    assert growth["progress"] == pytest.approx(((mean - 48_000) / 48_000 - 0.05) / (0.25 - 0.05))


def test_every_computed_catalogue_kpi_is_a_level_so_pace_is_meaningful() -> None:
    """A rate or a ratio summed over a period means nothing: every KPI with a formula is a level,
    and a KPI with a catalogue baseline is one that starts from it (growth from 0)."""
    from goaltree import catalog

    for entry in catalog.entries():
        if entry.formula is not None:
            assert entry.aggregate != "sum", entry.id
        if entry.baseline is not None:
            assert entry.aggregate != "sum" and entry.direction == "increase", entry.id
    assert catalog.get("follower_growth").baseline == 0


CLV_MEASURED = HEAD + """\
  clv:
    title: Varje kund är värd 900 000 kr
    kpi: clv
    target: 900000
  avg_order: {title: Snittorder 100 000 kr, unit: SEK, target: 100000, actuals: {2027-03-31: 100000, 2027-06-30: 100000}}
  orders_per_year: {title: 3 ordrar per år, unit: count, target: 3, actuals: {2027-03-31: 3, 2027-06-30: 3}}
  lifetime_years: {title: Kunder stannar 3 år, unit: years, target: 3, actuals: {2027-03-31: 3, 2027-06-30: 3}}
  conversion_value:
    title: Konverteringsvärde 12 600 kr
    kpi: conversion_value
    target: 12600
  close_rate: {title: "1,4 % av konverteringarna blir affärer", unit: ratio, target: 0.014, actuals: {2027-03-31: 0.014, 2027-06-30: 0.014}}
  sale_value: {title: Affärsvärde 900 000 kr, unit: SEK, target: 900000, actuals: {2027-03-31: 900000, 2027-06-30: 900000}}
"""


def test_measured_levels_of_clv_and_conversion_value_are_read_not_added_up(tmp_path, capsys) -> None:
    # Article 003: "100 000 SEK per order … 3 ordrar per år och stannar i 3 år … (100 000 x 3 x 3) = 900 000".
    # Each level measured in March and June is its latest value, not twice it (7 200 000, "achieved").
    nodes = _evaluate(_write(tmp_path, CLV_MEASURED), capsys, as_of="2027-06-30")["nodes"]
    assert (nodes["avg_order"]["actual"], nodes["orders_per_year"]["actual"], nodes["lifetime_years"]["actual"]) == (100_000, 3, 3)
    assert nodes["clv"]["actual"] == 100_000 * 3 * 3
    # Article 002: a close rate of 1.4 % on a 900 000 sale: 0.014 × 900 000 = 12 600.
    assert nodes["close_rate"]["actual"] == 0.014 and nodes["sale_value"]["actual"] == 900_000
    assert nodes["conversion_value"]["actual"] == pytest.approx(0.014 * 900_000)
    assert nodes["clv"]["status"] == nodes["conversion_value"]["status"] == "achieved"  # levels at their targets
