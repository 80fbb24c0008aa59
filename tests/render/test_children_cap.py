"""A wide level: diagrams draw the worst N children of a node and count the rest.

Eight channels under one sum; channels 1, 4 and 6 reach 10 % of their pace
(off track), channel 3 has no actuals (no data), the others are ahead. With
``children=4`` the four drawn are the three off track and the one without data
(the worst statuses), in goal-file order, and the parent's card says
"+ 4 children not drawn".
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

from render_helpers import evaluate_file

from goaltree.render.dot import to_dot
from goaltree.render.mermaid import to_mermaid
from goaltree.render.select import select

OFF_TRACK = {1, 4, 6}
NO_DATA = 3


def wide_goal_file(directory, channels=8):
    lines = [
        "goaltree: 1",
        "id: wide",
        "title: Revenue from eight channels",
        "period: {start: 2027-01-01, end: 2027-12-31}",
        "owner: Head of Sales",
        "nodes:",
        "  revenue:",
        "    title: Revenue from every channel",
        "    unit: SEK",
        "    rollup: sum",
        f"    target: {channels * 1000}",
    ]
    for index in range(channels):
        lines += [
            f"  channel_{index}:",
            f"    title: Channel {index} revenue",
            "    parent: revenue",
            "    unit: SEK",
            "    owner: Seller",
        ]
        if index != NO_DATA:
            # Half the year gone: on pace is 500 of 1 000; 50 is 10 % of pace, 600 is ahead.
            amount = 50 if index in OFF_TRACK else 600
            lines.append(f"    actuals: {{2027-06-30: {amount}}}")
    path = directory / "wide.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_select_keeps_the_worst_children_in_file_order(tmp_path):
    evaluation = evaluate_file(wide_goal_file(tmp_path), dt.date(2027, 7, 2))
    assert {n: evaluation.nodes[f"channel_{n}"].status for n in (1, 3, 0)} == {
        1: "off_track",
        3: "no_data",
        0: "on_track",
    }
    selection = select(evaluation, children=4)
    assert selection.nodes == ("revenue", "channel_1", "channel_3", "channel_4", "channel_6")
    assert [edge.child for edge in selection.edges] == ["channel_1", "channel_3", "channel_4", "channel_6"]
    assert selection.hidden_children == {"revenue": 4}
    # No cap, or a cap at the width: every child drawn, none counted.
    assert select(evaluation, children=8).hidden_children == {}
    assert len(select(evaluation).edges) == 8


def test_dot_and_mermaid_count_the_children_left_out(tmp_path):
    evaluation = evaluate_file(wide_goal_file(tmp_path), dt.date(2027, 7, 2))
    dot = to_dot(evaluation, children=2)
    assert "+ 6 children not drawn" in dot
    assert sorted(set(re.findall(r"channel_\d", dot))) == ["channel_1", "channel_4"]
    mermaid = to_mermaid(evaluation, children=2)
    assert "+ 6 children not drawn" in mermaid
    assert "channel_6" not in mermaid and "channel_0" not in mermaid


def test_render_command_takes_children(tmp_path):
    path = wide_goal_file(tmp_path)
    run = [sys.executable, "-m", "goaltree", "render", str(path), "--as-of", "2027-07-02", "--format", "dot", "-o", "-"]
    drawn = subprocess.run(run + ["--children", "3"], capture_output=True, text=True)
    assert drawn.returncode == 0, drawn.stderr
    assert "+ 5 children not drawn" in drawn.stdout
    refused = subprocess.run(run + ["--children", "-1"], capture_output=True, text=True)
    assert refused.returncode == 2
    assert "--children must be 0 or more, not -1" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_report_diagram_draws_at_most_25_children(tmp_path):
    from goaltree.report import DIAGRAM_CHILDREN, build_context

    evaluation = evaluate_file(wide_goal_file(tmp_path, channels=30), dt.date(2027, 7, 2))
    context = build_context(evaluation)
    assert DIAGRAM_CHILDREN == 25
    assert "+ 5 children not drawn" in str(context["mermaid"])
