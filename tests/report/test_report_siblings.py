"""A node with many children: every output grows linearly with them (sizes only; no timing)."""

from __future__ import annotations

import json

import pytest
from report_helpers import FUNNEL, load_and_evaluate, with_breakdown

from goaltree.cli import main
from goaltree.report import render_report


def _siblings(count: int) -> str:
    lines = [
        "goaltree: 1",
        f"id: siblings-{count}",
        "title: Revenue from every channel",
        "period: {start: 2027-01-01, end: 2027-12-31}",
        "nodes:",
        "  revenue: {title: Revenue, unit: SEK, rollup: sum, target: %d}" % (count * 1000),
    ]
    for index in range(count):
        lines.append(
            f"  channel_{index}: {{title: Channel {index}, parent: revenue, unit: SEK, baseline: {800 + index % 13}, "
            f"actuals: {{2027-03-31: {100 + index % 7}}}}}"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("report_format", ["json", "md"])
def test_report_size_grows_linearly_with_siblings(tmp_path, report_format):
    sizes = {}
    for count in (50, 400):
        goals = tmp_path / f"goals-{count}.yaml"
        goals.write_text(_siblings(count), encoding="utf-8")
        out = tmp_path / f"report-{count}.{report_format}"
        assert main(["report", str(goals), "--as-of", "2027-06-30", "--format", report_format, "-o", str(out)]) == 0
        sizes[count] = out.stat().st_size
    # 8x the siblings: a linear report is at most about 8x the size; the old one (every
    # child's derivation naming all its siblings) was over 30x.
    assert sizes[400] < 10 * sizes[50], sizes


def test_each_childs_derivation_names_a_bounded_number_of_siblings(tmp_path):
    goals = tmp_path / "goals.yaml"
    goals.write_text(_siblings(300), encoding="utf-8")
    out = tmp_path / "report.json"
    assert main(["report", str(goals), "--as-of", "2027-06-30", "--format", "json", "-o", str(out)]) == 0
    derivation = json.loads(out.read_text(encoding="utf-8"))["nodes"]["channel_7"]["target_derivation"]
    assert "revenue = sum(channel_0, channel_1, channel_2, channel_3, channel_4, channel_5, channel_6, … and 293 more)" in derivation
    assert "channel_299" not in derivation


def test_needs_attention_shows_the_worst_25_and_counts_the_rest(tmp_path):
    goals = tmp_path / "goals.yaml"
    goals.write_text(_siblings(300), encoding="utf-8")
    assert main(["report", str(goals), "--as-of", "2027-06-30", "--format", "json", "-o", str(tmp_path / "r.json")]) == 0
    assert main(["report", str(goals), "--as-of", "2027-06-30", "--format", "md", "-o", str(tmp_path / "r.md")]) == 0
    assert main(["report", str(goals), "--as-of", "2027-06-30", "-o", str(tmp_path / "r.html")]) == 0
    statuses = [n["status"] for n in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["nodes"].values()]
    behind = sum(1 for s in statuses if s in ("off_track", "at_risk", "no_data"))
    assert behind > 100
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    table = markdown.split("Needs attention, worst first:", 1)[1].split("\n\n", 2)[1]
    assert len(table.splitlines()) == 2 + 25
    assert f"… and {behind - 25} more that need attention" in markdown
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    attention = html.split('<table class="attention">', 1)[1].split("</table>", 1)[0]
    assert attention.count("<tr>") == 1 + 25
    assert f"… and {behind - 25} more that need attention" in html


def test_a_breakdown_shows_the_largest_20_values_and_counts_the_rest():
    _, evaluation = load_and_evaluate(FUNNEL)
    node_id = next(n for n, r in evaluation.nodes.items() if r.type == "kpi")
    parts = {f"store {index:03d}": float(index + 1) for index in range(130)}  # store 129 is the largest
    evaluation = with_breakdown(evaluation, node_id, parts)
    markdown = render_report(evaluation, "md")
    section = markdown.split("## Breakdowns", 1)[1].split("## SMART findings", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| store")]
    assert len(rows) == 20
    assert rows[0].startswith("| store 129 |") and rows[-1].startswith("| store 110 |")
    assert "… and 110 more values." in section
    html = render_report(evaluation, "html")
    assert html.count("<tr><td>store ") == 20 and "… and 110 more values." in html
    assert len(json.loads(render_report(evaluation, "json"))["report"]["breakdowns"][node_id]) == 130
