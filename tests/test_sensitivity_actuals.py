"""``goaltree sensitivity --on actual``: a level at its actual, a flow measured part-way at its forecast for the deadline."""

from __future__ import annotations

import json

import pytest

from goaltree.cli import main

# followers = linkedin + instagram, two levels: what each stands at, not where its trend would be at the year's end.
LEVELS = """
goaltree: 1
id: sens-level
title: Sensitivity on actuals with levels
period: {start: 2027-01-01, end: 2027-12-31}
owner: Head of Marketing
nodes:
  followers: {title: Followers, unit: count, baseline: 15000, target: 20000, rollup: sum}
  linkedin:
    title: LinkedIn followers
    parent: followers
    unit: count
    aggregate: AGGREGATE
    baseline: 10000
    actuals: {2027-01-31: 10000, 2027-02-28: 11000, 2027-03-31: 12000}
  instagram:
    title: Instagram followers
    parent: followers
    unit: count
    aggregate: last
    baseline: 5000
    actuals: {2027-01-31: 5000, 2027-02-28: 5000, 2027-03-31: 5000}
"""

# revenue = leads * deal: leads a flow counted to 31 March, deal a level (the last deal size).
FLOW_AND_LEVEL = """
goaltree: 1
id: flow-and-level
title: A flow and a level
period: {start: 2027-01-01, end: 2027-12-31}
owner: Head of Marketing
nodes:
  revenue: {title: Revenue, unit: SEK, target: 120000000, formula: leads * deal}
  leads: {title: Leads, unit: count, aggregate: sum, actuals: {2027-03-31: 300}}
  deal:
    title: Deal size
    type: driver
    unit: SEK
    aggregate: last
    target: 100000
    actuals: {2027-01-31: 90000, 2027-02-28: 95000, 2027-03-31: 97000}
"""


def sensitivity_json(write_goals, capsys, text: str, node: str, as_of: str) -> dict:
    path = write_goals(text)
    code = main(["sensitivity", str(path), node, "--on", "actual", "--as-of", as_of, "--format", "json"])
    assert code == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("aggregate", "linkedin"),
    [
        ("last", 12000),  # the last of 10 000, 11 000, 12 000
        ("max", 12000),
        ("min", 10000),
        ("mean", 11000),  # (10 000 + 11 000 + 12 000) / 3
    ],
)
def test_levels_are_read_at_their_actual(write_goals, capsys, aggregate, linkedin):
    document = sensitivity_json(write_goals, capsys, LEVELS.replace("AGGREGATE", aggregate), "followers", "2027-03-31")
    total = linkedin + 5000  # instagram stands at 5 000
    assert document["value"] == pytest.approx(total)
    drivers = {d["node"]: d for d in document["drivers"]}
    # A sum's elasticity to a part is the part's share: 12 000 / 17 000 = 0.706 and 5 000 / 17 000 = 0.294 for `last`.
    assert drivers["linkedin"]["elasticity"] == pytest.approx(linkedin / total)
    assert drivers["instagram"]["elasticity"] == pytest.approx(5000 / total)
    # ±10 % of LinkedIn moves followers by ±1 200 for `last`: 15 800 and 18 200.
    assert drivers["linkedin"]["low"] == pytest.approx(total - linkedin * 0.1)
    assert drivers["linkedin"]["high"] == pytest.approx(total + linkedin * 0.1)


def test_the_table_shows_a_level_at_its_actual(write_goals, capsys):
    path = write_goals(LEVELS.replace("AGGREGATE", "last"))
    assert main(["sensitivity", str(path), "followers", "--on", "actual", "--as-of", "2027-03-31"]) == 0
    out = capsys.readouterr().out.replace("\u202f", " ").replace("\u00a0", " ")
    assert out.startswith("followers = 17 000 on actuals")
    assert "linkedin   12 000    0.705882  15 800  18 200" in out


def test_a_flow_is_read_at_its_forecast_and_a_level_at_its_actual(write_goals, capsys):
    document = sensitivity_json(write_goals, capsys, FLOW_AND_LEVEL, "revenue", "2027-03-31")
    # leads: 300 in the 90 days to 31 March, a run rate through the origin to day 365: 300 * 365 / 90 = 1 216.67.
    # deal: the last deal size, 97 000 (not its line at 31 December).
    leads, deal = 300 * 365 / 90, 97000
    assert document["value"] == pytest.approx(leads * deal)  # 118 016 666.67
    drivers = {d["node"]: d for d in document["drivers"]}
    assert drivers["deal"]["elasticity"] == pytest.approx(1)
    assert drivers["deal"]["low"] == pytest.approx(leads * deal * 0.9)
    assert drivers["leads"]["high"] == pytest.approx(leads * 1.1 * deal)


def test_the_table_shows_each_input_at_the_value_it_is_read_at(write_goals, capsys):
    path = write_goals(FLOW_AND_LEVEL)
    assert main(["sensitivity", str(path), "revenue", "--on", "actual", "--as-of", "2027-03-31"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.replace("\u202f", " ").splitlines()[2:]}
    assert rows["deal"].split()[1:3] == ["97", "000"]
    assert rows["leads"].split()[1:3] == ["1", "217"]  # 1 216.67, shown rounded
