"""The Graphviz diagram: cards, edges, types, sub-trees, determinism, output formats."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import pytest
from render_helpers import FUNNEL, evaluate_file, generated_goal_file
from render_helpers import funnel, objectives  # noqa: F401 (pytest fixtures)

from goaltree.errors import GoaltreeError
from goaltree.present.escape import graphviz_text
from goaltree.render.dot import render, render_svg, to_dot
from goaltree.render.select import select

NODE_LINE = re.compile(r"^\t([a-z][a-z0-9_]*) \[label=<", re.MULTILINE)


def node_block(dot: str, node_id: str) -> str:
    """The DOT statement of one node."""
    start = dot.index(f"\t{node_id} [label=<")
    return dot[start : dot.index("\n", start)]


def test_the_same_evaluation_gives_byte_identical_dot(funnel):
    again = evaluate_file(FUNNEL)
    assert to_dot(funnel) == to_dot(funnel) == to_dot(again)


def test_nodes_use_goal_file_ids_in_goal_file_order(funnel):
    assert NODE_LINE.findall(to_dot(funnel)) == list(funnel.nodes)


def test_no_generated_ids_and_no_clock(funnel):
    dot = to_dot(funnel)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", dot)
    assert re.findall(r"\d{4}-\d{2}-\d{2}", dot) and set(re.findall(r"\d{4}-\d{2}-\d{2}", dot)) == {"2027-06-30"}


def test_a_card_has_title_values_bar_status_words_and_owner(funnel):
    card = node_block(to_dot(funnel), "revenue")
    assert "63 MSEK new revenue from" in card
    assert "27 000 000 / 63 000 000 SEK" in card
    assert "AT RISK" in card
    assert "42.9 % · expected 49.6 %" in card
    assert "owner: Head of Marketing" in card
    # the progress bar: a filled part in the status colour, the rest as the track
    assert 'WIDTH="69" HEIGHT="7" FIXEDSIZE="TRUE" BGCOLOR="#E69F00"' in card
    assert 'color="#E69F00"' in card


def test_derived_targets_are_marked(funnel):
    dot = to_dot(funnel)
    assert "30 / 70 (derived)" in node_block(dot, "customers")
    assert "(derived)" not in node_block(dot, "revenue")


def test_objectives_kpis_and_drivers_have_distinct_borders(objectives, funnel):
    assert "peripheries=2" in node_block(to_dot(objectives), "growth")
    assert 'style="rounded,filled,bold"' in node_block(to_dot(objectives), "growth")
    assert "style=filled" in node_block(to_dot(funnel), "revenue")
    assert "dashed" in node_block(to_dot(funnel), "clv")
    assert "OBJECTIVE · growth" in to_dot(objectives)
    assert "DRIVER · clv" in to_dot(funnel)


def test_formula_edges_carry_the_formula_once(funnel):
    dot = to_dot(funnel)
    assert 'revenue -> "revenue=formula" [label=<customers * clv> arrowhead=none]' in dot
    assert '"revenue=formula" -> customers' in dot
    assert '"revenue=formula" -> clv' in dot
    assert dot.count("customers * clv") == 1


def test_rollup_edges_carry_the_rollup_and_weight(objectives):
    dot = to_dot(objectives)
    assert "pipeline -> pipeline_se [label=<sum · weight 3>]" in dot
    assert "pipeline -> pipeline_no [label=<sum>]" in dot
    assert "growth -> brand [label=<progress · weight 2>]" in dot
    assert "awareness -> events [label=<supports> style=dashed]" in dot


def test_status_legend_in_words_and_colour_blind_safe_colours(funnel):
    dot = to_dot(funnel)
    for label, colour in [("ACHIEVED", "#0072B2"), ("ON TRACK", "#009E73"), ("AT RISK", "#E69F00"), ("OFF TRACK", "#D55E00")]:
        assert f'BGCOLOR="{colour}"' in dot and label in dot
    assert "NO DATA" in to_dot(funnel, legend=True)
    assert "NO DATA" not in to_dot(funnel, legend=False)


def test_sub_tree_by_root_and_depth(funnel):
    selection = select(funnel, "customers", 1)
    assert selection.nodes == ("customers", "lead_to_customer", "leads")
    assert selection.hidden_children == {"leads": 2}
    dot = to_dot(funnel, root="customers", depth=1)
    assert NODE_LINE.findall(dot) == ["customers", "lead_to_customer", "leads"]
    assert "+ 2 children not drawn" in dot
    assert "under customers" in dot
    assert NODE_LINE.findall(to_dot(funnel, depth=0)) == ["revenue"]
    assert NODE_LINE.findall(to_dot(funnel, root="visits")) == ["visits"]


def test_unknown_root_and_negative_depth_are_usage_errors(funnel):
    with pytest.raises(GoaltreeError, match="no node 'custmers'.*did you mean 'customers'"):
        to_dot(funnel, root="custmers")
    with pytest.raises(GoaltreeError, match="--depth must be 0 or more"):
        to_dot(funnel, depth=-1)


def test_labels_escape_html_specials():
    assert graphviz_text('<b>"A" & \'B\'</b>\n') == "&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;"


def test_svg_png_pdf_and_dot_outputs(funnel):
    svg = render(funnel, "svg")
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert render(funnel, "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert render(funnel, "pdf").startswith(b"%PDF-")
    assert render(funnel, "dot").decode("utf-8") == to_dot(funnel)
    with pytest.raises(GoaltreeError, match="cannot draw 'gif'"):
        render(funnel, "gif")  # type: ignore[arg-type]


def test_svg_links_each_card_to_the_report_outline(funnel):
    svg = render_svg(funnel)
    assert 'id="diagram&#45;revenue"' in svg or 'id="diagram-revenue"' in svg
    assert 'xlink:href="#node-revenue"' in svg


def test_missing_graphviz_is_an_environment_error(funnel, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GoaltreeError, match="Graphviz's 'dot' program was not found"):
        render_svg(funnel)
    assert to_dot(funnel)  # the DOT source needs no Graphviz program


def test_a_few_hundred_nodes_render_to_valid_svg(tmp_path):
    evaluation = evaluate_file(generated_goal_file(tmp_path, 300))
    assert len(evaluation.nodes) == 300
    svg = render_svg(evaluation)
    root = ElementTree.fromstring(svg)
    titles = {t.text for t in root.iter("{http://www.w3.org/2000/svg}title")}
    assert set(evaluation.nodes) <= titles


def test_crowded_trees_are_drawn_left_to_right(tmp_path, funnel):
    wide = evaluate_file(generated_goal_file(tmp_path, 80))
    assert "rankdir=LR" in to_dot(wide)
    assert "rankdir=TB" in to_dot(funnel)
    assert "rankdir=LR" in to_dot(funnel, direction="LR")
    assert "rankdir=TB" in to_dot(wide, direction="TB")
