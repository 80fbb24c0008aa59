"""The report's sections as data: summary, outline, why parents miss, funnel, breakdowns, findings, data source."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from report_helpers import with_breakdown
from report_helpers import funnel, objectives  # noqa: F401 (pytest fixtures)

from goaltree.errors import Diagnostic
from goaltree.report import funnels, sections


def test_summary_counts_worst_first(funnel):
    summary = sections.summary(funnel)
    assert [(t["status"], t["count"]) for t in summary["counts"]] == [
        ("off_track", 0),
        ("at_risk", 3),
        ("no_data", 0),
        ("on_track", 2),
        ("achieved", 1),
        ("assumed", 4),
    ]
    # The four CLV drivers nobody measures count neither way: 3 of the 6 scored nodes are behind.
    assert summary["headline"] == "3 of 6 scored nodes are behind their pace; 4 planning assumptions not scored"
    # worst first: by status, then by how far behind pace (85.7 % of expected before 86.4 %)
    assert summary["attention"] == ["lead_to_customer", "revenue", "customers"]


def test_summary_of_the_objective_tree(objectives):
    summary = sections.summary(objectives)
    assert summary["attention"][:3] == ["awareness", "brand", "followers"]
    assert summary["attention"][-1] == "events"
    assert summary["headline"] == "6 of 10 nodes are behind their pace; 1 without data"


def test_outline_nests_in_tree_order(funnel):
    rows = sections.outline(funnel)
    assert [(r["id"], r["depth"]) for r in rows] == [
        ("revenue", 0),
        ("customers", 1),
        ("leads", 2),
        ("visits", 3),
        ("visit_to_lead", 3),
        ("lead_to_customer", 2),
        ("clv", 1),
        ("avg_order", 2),
        ("orders_per_year", 2),
        ("lifetime_years", 2),
    ]
    # every opened level is closed exactly once
    opened = sum(1 for r in rows if r["has_children"])
    assert sum(r["close"] for r in rows) == opened
    assert rows[-1]["close"] == 2


def test_outline_refers_to_a_shared_child_under_its_second_parent(funnel):
    nodes = dict(funnel.nodes)
    nodes["leads"] = dataclasses.replace(nodes["leads"], children=nodes["leads"].children + ("lead_to_customer",))
    shared = dataclasses.replace(funnel, nodes=nodes)
    rows = {r["id"]: r for r in sections.outline(shared)}
    # depth first: leads is reached before customers' second child, so it holds the node
    assert rows["lead_to_customer"]["depth"] == 3
    assert rows["leads"]["references"] == []
    assert rows["customers"]["references"] == ["lead_to_customer"]
    assert [r["id"] for r in sections.outline(shared)].count("lead_to_customer") == 1


def test_why_a_parent_misses(funnel):
    items = {item["node"]: item for item in sections.explanations(funnel)}
    assert list(items) == ["revenue", "customers"]
    revenue = items["revenue"]
    assert revenue["sentence"] == "revenue is 4 241 096 SEK behind its expected pace: customers explain 100 % of the revenue gap."
    assert [p["child"] for p in revenue["parts"]] == ["customers"]
    customers = items["customers"]
    assert [p["child"] for p in customers["parts"]] == ["lead_to_customer", "leads"]
    assert customers["parts"][1]["offsets"] is True
    # the parts add up to the whole gap
    assert math.isclose(sum(p["share"] for p in customers["parts"]), 1.0, rel_tol=1e-9)
    assert customers["parts"][0]["amount_text"].startswith("−4.9")


def test_why_an_objective_misses_in_points(objectives):
    brand = next(i for i in sections.explanations(objectives) if i["node"] == "brand")
    assert brand["gap_unit"] == "points"
    assert brand["sentence"].startswith("brand is 16.0 points behind its expected progress: awareness explain 62 % of the brand gap, followers 38 %")


def test_nodes_ahead_of_pace_need_no_explanation(funnel):
    assert "leads" not in {item["node"] for item in sections.explanations(funnel)}


def test_the_funnel_of_the_seeds(funnel):
    (funnel_view,) = funnels.funnels(funnel)
    steps = funnel_view["steps"]
    assert [s["node"] for s in steps] == ["visits", "leads", "customers"]
    assert steps[0]["rate"] is None
    # By hand: 2 500 / 125 000 = 2.00 % and 30 / 2 500 = 1.20 %, written as the tree's table writes a ratio.
    assert (steps[1]["rate"], steps[1]["conversion_text"], steps[1]["planned_conversion_text"]) == ("visit_to_lead", "2.00 %", "2.00 %")
    assert (steps[2]["rate"], steps[2]["conversion_text"], steps[2]["planned_conversion_text"]) == ("lead_to_customer", "1.20 %", "1.40 %")
    value = funnel_view["value"]
    assert (value["node"], value["clv"]) == ("revenue", "clv")
    assert value["per_first_step"] == 252
    assert "Each of the 70 planned customers is worth 900 000 SEK" in value["sentence"]


def test_funnel_steps_worst_against_plan_first(funnel):
    links = funnels.funnel_links(funnels.funnels(funnel))
    assert [(link["from"], link["node"]) for link in links] == [("leads", "customers"), ("visits", "leads")]
    assert links[0]["against_plan"] < 1 <= links[1]["against_plan"]


def test_no_funnel_without_rate_formulas(objectives):
    assert funnels.funnels(objectives) == []


def test_breakdowns_largest_first_with_shares(funnel):
    split = with_breakdown(funnel, "visits", {"organic": 50_000, "paid": 75_000})
    (item,) = sections.breakdowns(split)
    assert item["node"] == "visits"
    assert [(r["dimension"], r["value_text"], r["share_text"]) for r in item["rows"]] == [
        ("paid", "75 000", "60 %"),
        ("organic", "50 000", "40 %"),
    ]
    assert item["total_text"] == "125 000"


def test_findings_are_merged_once_and_sorted():
    first = Diagnostic("S001", "warning", "vague title", node="a", file="/somewhere/goals.yaml", line=9, column=5)
    second = Diagnostic("A001", "warning", "contradiction", node="b", file="/somewhere/goals.yaml", line=3, column=3)
    merged = sections.merge_findings([first, second], [first])
    assert merged == [second, first]
    view = sections.findings(merged)
    assert view["rows"][0]["where"] == "goals.yaml:3:3"  # the file name only: no machine-specific folders
    assert (view["rows"][1]["family"], view["warnings"], view["errors"]) == ("specific", 2, 0)


@pytest.mark.parametrize(
    ("snapshot", "kind", "text"),
    [
        ({"path": "/data/q2.snapshot.json", "sha256": "ab" * 32, "fetched_at": "2027-07-01T08:00:00Z"}, "snapshot", "snapshot q2.snapshot.json (sha256 abababababab), fetched at 2027-07-01T08:00:00Z"),
        (None, "inline", "inline actuals in the goal file, up to 2027-06-30"),
    ],
)
def test_data_source(funnel, snapshot, kind, text):
    source = sections.data_source(dataclasses.replace(funnel, snapshot=snapshot))
    assert (source["kind"], source["text"]) == (kind, text)


def test_data_source_live(funnel):
    from goaltree.engine.results import Derivation

    nodes = dict(funnel.nodes)
    nodes["visits"] = dataclasses.replace(
        nodes["visits"],
        actual_origin="measured",
        actual_derivation=Derivation("measured", "sum of 2 day(s) of observations (source web)"),
        actual_source="web",
    )
    source = sections.data_source(dataclasses.replace(funnel, nodes=nodes))
    assert source["text"] == "live sources at 2027-06-30"


ONE_NODE = """\
goaltree: 1
id: bar
title: Bar rounding
period: {start: 2027-01-01, end: 2027-12-31}
owner: Anna
nodes:
  sales: {title: Sales reach 10 000 units in 2027, unit: count, target: 10000, actuals: {2027-01-02: 3496}}
"""


@pytest.mark.parametrize(
    ("language", "headline"),
    [("en", "**No node is behind its pace (1 node).**"), ("sv", "**Ingen nod ligger efter sin takt (1 nod).**")],
)
def test_the_headline_of_one_node_on_its_pace_reads_in_the_singular(tmp_path, capsys, language, headline):
    # 3 496 of 10 000 by 5 January (5/365 of the year due): far ahead, so nothing is behind.
    from goaltree.cli import main

    path = tmp_path / "goals.yaml"
    path.write_text(ONE_NODE, encoding="utf-8")
    assert main(["report", str(path), "--as-of", "2027-01-05", "-o", "-", "--format", "md", "--language", language]) == 0
    assert headline in capsys.readouterr().out.splitlines()


def test_the_headline_groups_its_counts_like_every_figure(capsys):
    # The enterprise example has 1 000 nodes: "473 of 1 000", as the report writes "121 of the 1 000 nodes".
    from goaltree.cli import main

    goals = Path(__file__).resolve().parents[2] / "examples" / "enterprise" / "goals.yaml"
    assert main(["report", str(goals), "--as-of", "2027-06-30", "-o", "-", "--format", "md"]) == 0
    headline = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("**"))
    assert " of 1 000 nodes are behind their pace" in headline
