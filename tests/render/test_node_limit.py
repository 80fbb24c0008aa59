"""A node limit: diagrams draw the top levels, the worst nodes of the level that would pass it, and count the rest.

The tree: revenue over three regions, each over two channels. Half the year is
gone on 2027-07-02, so on pace is 500 of a channel's 1 000; channels a1 and c2
sold 50 (off track), b1 has no actuals (no data), the others sold 600 (ahead
of pace). A limit of 6 draws revenue, the three regions and, of the six
channels, the two worst: a1 and c2 (off track comes before no data).
Regions a and c sold 650 of a 1 000 pace (off track); b has no data, as one
of its channels has none.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from render_helpers import evaluate_file

from goaltree.errors import GoaltreeError
from goaltree.render.dot import to_dot
from goaltree.render.mermaid import to_mermaid
from goaltree.render.select import select

AS_OF = dt.date(2027, 7, 2)
SOLD = {"a1": 50, "a2": 600, "b1": None, "b2": 600, "c1": 600, "c2": 50}
CHANNELS = tuple(SOLD)


def regions_goal_file(directory):
    lines = [
        "goaltree: 1",
        "id: regions",
        "title: Revenue from three regions",
        "period: {start: 2027-01-01, end: 2027-12-31}",
        "owner: Head of Sales",
        "nodes:",
        "  revenue:",
        "    title: Revenue from every region",
        "    unit: SEK",
        "    rollup: sum",
        "    target: 6000",
    ]
    for region in "abc":
        lines += [
            f"  region_{region}:",
            f"    title: Region {region} revenue",
            "    parent: revenue",
            "    unit: SEK",
            "    rollup: sum",
            "    target: 2000",
        ]
    for channel, amount in SOLD.items():
        lines += [
            f"  {channel}:",
            f"    title: Channel {channel} revenue",
            f"    parent: region_{channel[0]}",
            "    unit: SEK",
            "    target: 1000",
            "    owner: Seller",
        ]
        if amount is not None:
            lines.append(f"    actuals: {{2027-06-30: {amount}}}")
    path = directory / "regions.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def regions(tmp_path):
    evaluation = evaluate_file(regions_goal_file(tmp_path), AS_OF)
    statuses = {channel: evaluation.nodes[channel].status for channel in CHANNELS}
    statuses.update({region: evaluation.nodes[f"region_{region}"].status for region in "abc"})
    assert statuses == {
        "a": "off_track",
        "b": "no_data",
        "c": "off_track",
        "a1": "off_track",
        "a2": "on_track",
        "b1": "no_data",
        "b2": "on_track",
        "c1": "on_track",
        "c2": "off_track",
    }
    return evaluation


def test_a_limit_takes_whole_levels_then_the_worst_of_the_next(regions):
    selection = select(regions, node_limit=6)
    assert selection.nodes == ("revenue", "region_a", "region_b", "region_c", "a1", "c2")
    assert selection.hidden_children == {"region_a": 1, "region_b": 2, "region_c": 1}
    assert [(edge.parent, edge.child) for edge in selection.edges] == [
        ("revenue", "region_a"),
        ("revenue", "region_b"),
        ("revenue", "region_c"),
        ("region_a", "a1"),
        ("region_c", "c2"),
    ]
    # One more: no data comes next; then ties in goal-file order.
    assert select(regions, node_limit=7).nodes[-3:] == ("a1", "b1", "c2")
    assert select(regions, node_limit=8).nodes[4:] == ("a1", "a2", "b1", "c2")
    # A level that just fits is drawn whole and the next not at all.
    assert select(regions, node_limit=4).hidden_children == {"region_a": 2, "region_b": 2, "region_c": 2}
    assert select(regions, node_limit=1).nodes == ("revenue",)


def test_each_smaller_limit_draws_a_part_of_the_larger(regions):
    everything = select(regions).nodes
    assert len(everything) == 10
    previous: set[str] = set()
    for limit in range(1, 13):
        drawn = set(select(regions, node_limit=limit).nodes)
        assert len(drawn) == min(limit, 10)
        assert previous <= drawn
        previous = drawn
    assert select(regions, node_limit=10).nodes == everything
    assert select(regions, node_limit=10).hidden_children == {}


def test_a_limit_works_with_depth_children_and_root(regions):
    # Regions a and c are off track (650 of a 1 000 pace), b has no data: a limit of 3 keeps a and c.
    assert select(regions, depth=1, node_limit=3).nodes == ("revenue", "region_a", "region_c")
    # The children cap first, then the limit: two regions, two channels under each, and of those the worst one.
    capped = select(regions, children=2, node_limit=4)
    assert capped.nodes == ("revenue", "region_a", "region_c", "a1")
    assert capped.hidden_children == {"revenue": 1, "region_a": 1, "region_c": 2}
    under_c = select(regions, root="region_c", node_limit=2)
    assert under_c.nodes == ("region_c", "c2")
    assert under_c.hidden_children == {"region_c": 1}


def test_a_limit_below_one_is_refused(regions):
    with pytest.raises(GoaltreeError, match="--nodes must be 1 or more, not 0"):
        select(regions, node_limit=0)


def test_dot_and_mermaid_draw_the_limit_and_count_the_rest(regions):
    dot = to_dot(regions, node_limit=6)
    assert sorted(set(re.findall(r'\b(?:a|b|c)[12]\b(?= \[)', dot))) == ["a1", "c2"]
    assert dot.count("+ 2 children not drawn") == 1
    assert dot.count("+ 1 child not drawn") == 2
    mermaid = to_mermaid(regions, node_limit=6)
    assert "+ 2 children not drawn" in mermaid
    assert not re.search(r"\b(a2|b1|b2|c1)\b", mermaid)


def test_render_command_takes_nodes(tmp_path):
    path = regions_goal_file(tmp_path)
    run = [sys.executable, "-m", "goaltree", "render", str(path), "--as-of", "2027-07-02", "--format", "dot", "-o", "-"]
    drawn = subprocess.run(run + ["--nodes", "4"], capture_output=True, text=True)
    assert drawn.returncode == 0, drawn.stderr
    assert drawn.stdout.count("+ 2 children not drawn") == 3
    refused = subprocess.run(run + ["--nodes", "0"], capture_output=True, text=True)
    assert refused.returncode == 2
    assert "--nodes must be 1 or more, not 0" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_report_on_a_large_tree_draws_its_top_and_says_how_much(tmp_path):
    from render_helpers import generated_goal_file

    from goaltree.cli import main
    from goaltree.report import DIAGRAM_NODES

    path = generated_goal_file(tmp_path, 300)
    html = tmp_path / "report.html"
    assert main(["report", str(path), "-o", str(html), "--as-of", "2027-06-30"]) in (0, 1)
    page = html.read_text(encoding="utf-8")
    cards = re.findall(r'<g id="diagram-(\w+)" class="node"', page)
    assert len(cards) == DIAGRAM_NODES == 200
    # Whole levels from the top: the root, 4, 16 and 64 markets (85 nodes), then 115 of the fifth level.
    assert {"root", "market_1", "market_4", "market_84"} <= set(cards)
    assert "The diagram shows 200 of the 300 nodes" in page
    # Every node is still in the list of goals and KPIs.
    assert len(re.findall(r'<details class="node" id="node-', page)) == 300


def test_a_report_on_a_small_tree_says_nothing_of_a_limit(tmp_path):
    from render_helpers import FUNNEL

    from goaltree.cli import main

    for name in ("report.html", "report.md"):
        out = tmp_path / name
        assert main(["report", str(FUNNEL), "-o", str(out), "--as-of", "2027-06-30"]) in (0, 1)
        assert "The diagram shows" not in out.read_text(encoding="utf-8")
