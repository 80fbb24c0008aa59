"""How an allocated target says where it comes from: its parent and the children already known, never every sibling."""

from __future__ import annotations

import pytest

import goaltree
from goaltree.cli import main
from goaltree.present.language import use_language
from support import AS_OF, HEADER

SPLIT = HEADER + """\
nodes:
  revenue:
    title: Revenue
    unit: SEK
    rollup: sum
    target: 1000
  stores:
    title: Stores
    unit: SEK
    parent: revenue
    target: 400
  web:
    title: Web shop
    unit: SEK
    parent: revenue
    baseline: 100
  partners:
    title: Partners
    unit: SEK
    parent: revenue
    baseline: 300
"""


def test_a_sum_remainder_is_split_by_baseline_share_and_reads_the_parent_and_the_declared_sibling(write_goals):
    nodes = goaltree.evaluate(goaltree.load(write_goals(SPLIT)), AS_OF).nodes
    # By hand: 1 000 − 400 = 600 left; web has 100 of the 400 baseline, partners 300.
    assert nodes["web"].target == pytest.approx(600 * 100 / 400) == 150
    assert nodes["partners"].target == pytest.approx(600 * 300 / 400) == 450
    for node_id, share in (("web", "25.0%"), ("partners", "75.0%")):
        derivation = nodes[node_id].target_derivation
        assert derivation.rule == "allocated"
        assert derivation.inputs == ("revenue", "stores")
        assert derivation.text == (
            f"allocated from revenue = sum(stores, web, partners): remainder 600 of revenue 1 000 by baseline share ({share})"
        )


def test_the_children_of_one_split_read_in_the_language_of_each_read(write_goals):
    # The words a split's children share are written once per language, not once for good.
    nodes = goaltree.evaluate(goaltree.load(write_goals(SPLIT)), AS_OF).nodes
    web, partners = nodes["web"].target_derivation, nodes["partners"].target_derivation
    english = "allocated from revenue = sum(stores, web, partners): remainder 600 of revenue 1 000 by baseline share"
    assert web.text == f"{english} (25.0%)"
    with use_language("sv"):
        for derivation in (partners, web):
            assert derivation.text.startswith("fördelat från revenue = sum(stores, web, partners): resten 600 av revenue ")
            assert "efter andel av utgångsläget" in derivation.text
    assert (web.text, partners.text) == (f"{english} (25.0%)", f"{english} (75.0%)")


def test_explain_lists_what_the_split_reads_and_not_the_siblings_it_shares_with(write_goals, capsys):
    path = write_goals(SPLIT)
    assert main(["explain", str(path), "web", "--as-of", "2027-06-30"]) == 0
    text = capsys.readouterr().out
    assert "remainder 600 of revenue 1 000 by baseline share (25.0%)" in text
    assert "  - revenue: 1 000 — declared in the goal file" in text
    assert "  - stores: 400 — declared in the goal file" in text
    assert "partners:" not in text


def test_a_wide_allocation_keeps_one_name_per_child(write_goals):
    siblings = 3000
    body = "nodes:\n  revenue: {title: Revenue, unit: SEK, rollup: sum, target: 600000}\n" + "".join(
        f"  channel_{i}: {{title: Channel {i}, unit: SEK, parent: revenue}}\n" for i in range(siblings)
    )
    nodes = goaltree.evaluate(goaltree.load(write_goals(HEADER + body)), AS_OF).nodes
    derivations = [nodes[f"channel_{i}"].target_derivation for i in range(siblings)]
    # Equal shares: 600 000 / 3 000 = 200 each, each reading only its parent.
    assert [nodes[f"channel_{i}"].target for i in range(siblings)] == pytest.approx([200.0] * siblings)
    assert sum(len(derivation.inputs) for derivation in derivations) == siblings
    assert derivations[17].inputs == ("revenue",)
    # Seven children named, 3 000 − 7 counted.
    assert "… and 2993 more): remainder 600 000 of revenue 600 000 by equal shares (0.0%)" in derivations[17].text


def test_a_mean_gives_every_unknown_child_one_value_from_the_parent_and_the_known_child(write_goals):
    body = """\
nodes:
  satisfaction:
    title: Mean satisfaction
    unit: score
    rollup: mean
    target: 50
  store_a: {title: Store A, unit: score, parent: satisfaction, target: 40}
  store_b: {title: Store B, unit: score, parent: satisfaction}
  store_c: {title: Store C, unit: score, parent: satisfaction}
"""
    nodes = goaltree.evaluate(goaltree.load(write_goals(HEADER + body)), AS_OF).nodes
    # By hand: (40 + 2x) / 3 = 50, so x = 55.
    for node_id in ("store_b", "store_c"):
        derivation = nodes[node_id].target_derivation
        assert nodes[node_id].target == pytest.approx(55)
        assert (derivation.rule, derivation.inputs) == ("mean", ("satisfaction", "store_a"))
        assert derivation.text == "set so that satisfaction = mean(store_a, store_b, store_c) reaches 50: 55"


def test_a_growth_factor_scales_every_unknown_factor_and_reads_the_parent(write_goals):
    body = """\
nodes:
  revenue: {title: Revenue, unit: SEK, formula: customers * deal, target: 2000}
  customers: {title: Customers, unit: count, baseline: 10}
  deal: {title: Deal size, unit: SEK, baseline: 100}
"""
    nodes = goaltree.evaluate(goaltree.load(write_goals(HEADER + body)), AS_OF).nodes
    # By hand: (10 g)(100 g) = 2 000, so g = √2.
    factor = 2**0.5
    assert nodes["customers"].target == pytest.approx(10 * factor)
    assert nodes["deal"].target == pytest.approx(100 * factor)
    for node_id in ("customers", "deal"):
        derivation = nodes[node_id].target_derivation
        assert (derivation.rule, derivation.inputs) == ("growth_factor", ("revenue",))
        assert "by the common growth factor 1.414 that makes revenue = customers * deal reach 2 000" in derivation.text


def test_a_driver_kept_at_its_baseline_states_the_baseline_in_full(write_goals):
    # In `g` form the sentence read "its baseline 1.23457e+06": another number than the target beside it.
    body = """\
nodes:
  revenue: {title: Revenue, unit: SEK, formula: customers * deal}
  customers: {title: Customers, unit: count, target: 2000}
  deal: {title: Deal size, unit: SEK, type: driver, baseline: 1234567}
  win: {title: Win rate, unit: ratio, type: driver, baseline: 0.0345}
  won: {title: Deals won, unit: count, formula: customers * win}
"""
    nodes = goaltree.evaluate(goaltree.load(write_goals(HEADER + body)), AS_OF).nodes
    # By hand: 2 000 customers at 1 234 567 SEK each.
    assert nodes["revenue"].target == 2_469_134_000
    assert nodes["deal"].target == 1_234_567
    deal, win = nodes["deal"].target_derivation, nodes["win"].target_derivation
    assert deal.rule == win.rule == "assumed"
    assert deal.text == "no target declared: the driver is assumed to stay at its baseline 1 234 567"
    # A rate reads as the percent it is, as on the line it stands on ("win: 3.45 % — …"), not 0.0345.
    assert win.text == "no target declared: the driver is assumed to stay at its baseline 3.45 %"
    with use_language("sv"):
        assert deal.text == "inget mål angivet: drivaren antas ligga kvar på sitt utgångsläge 1 234 567"
        assert win.text == "inget mål angivet: drivaren antas ligga kvar på sitt utgångsläge 3,45 %"


def test_a_percent_driver_kept_at_its_baseline_says_percent(write_goals):
    # 70 customers at an assumed 1.3 % lead-to-customer rate: 70 / 0.013 = 5 384.6 leads, by hand.
    body = """\
nodes:
  customers: {title: Customers, unit: count, target: 70, formula: leads * ltc}
  leads: {title: Leads, unit: count}
  ltc: {title: Lead to customer, unit: '%', type: driver, baseline: 1.3}
"""
    nodes = goaltree.evaluate(goaltree.load(write_goals(HEADER + body)), AS_OF).nodes
    assert nodes["leads"].target == pytest.approx(70 / 0.013)
    assert nodes["ltc"].target_derivation.text == "no target declared: the driver is assumed to stay at its baseline 1.3 %"


RATES = HEADER + """\
nodes:
  win_rate: {title: Win rate 25 %, unit: '%', target: 25, formula: won / opportunities}
  won: {title: Won deals, unit: count, actuals: {2027-03-01: 100}}
  opportunities: {title: 400 opportunities, unit: count, target: 400, actuals: {2027-03-01: 400}}
  sql: {title: 300 SQLs, unit: count, target: 300, formula: mql * mql_to_sql}
  mql: {title: 1 000 MQLs, unit: count, target: 1000}
  mql_to_sql: {title: MQL to SQL, unit: ratio}
"""


def test_a_rate_in_a_derivation_is_written_as_the_percent_it_is(write_goals):
    nodes = goaltree.evaluate(goaltree.load(write_goals(RATES)), AS_OF).nodes
    # 100 / 400 = 0.25, which a % node holds as 25: "= 25" would not add up as written.
    assert nodes["win_rate"].actual_derivation.text == "win_rate = won / opportunities = 25 %"
    # won = 25 % of 400 = 100; the ratio 300 / 1 000 = 0.3 is 30 %.
    assert nodes["won"].target_derivation.text == "solved from win_rate = won / opportunities with win_rate = 25 %: 100"
    assert nodes["mql_to_sql"].target_derivation.text == "solved from sql = mql * mql_to_sql with sql = 300: 30 %"
