"""goaltree diff names the cause of every allocated target that moved, on a split and on a wide rollup."""

from __future__ import annotations

from pathlib import Path

import pytest

from goaltree.revisions.diff import diff_trees, tree_from_text
from goaltree.revisions.git import GoalText

SPLIT = """\
goaltree: 1
id: split
title: Revenue split
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  revenue: {title: Revenue, unit: SEK, rollup: sum, target: 1000}
  stores: {title: Stores, unit: SEK, parent: revenue, target: 400}
  web: {title: Web shop, unit: SEK, parent: revenue, baseline: 100}
  partners: {title: Partners, unit: SEK, parent: revenue, baseline: 300}
"""


def tree_of(text: str):
    return tree_from_text(GoalText(text, "goals.yaml", Path("goals.yaml")))


def test_a_declared_sibling_that_moves_moves_the_remainder_the_others_share():
    diff = diff_trees(tree_of(SPLIT), tree_of(SPLIT.replace("target: 400", "target: 700")))
    # By hand: 1 000 − 700 = 300 left, split 100 : 300.
    assert diff.changed["stores"]["target"].new == 700
    assert (diff.derived["web"].old, diff.derived["web"].new) == (pytest.approx(150), pytest.approx(75))
    assert (diff.derived["partners"].old, diff.derived["partners"].new) == (pytest.approx(450), pytest.approx(225))
    assert diff.derived["web"].because == ("stores",)
    assert diff.derived["partners"].because == ("stores",)


def test_a_sibling_s_new_baseline_moves_the_shares_of_the_children_allocated_with_it():
    diff = diff_trees(tree_of(SPLIT), tree_of(SPLIT.replace("baseline: 300", "baseline: 500")))
    # By hand: 600 left, now split 100 : 500.
    assert diff.changed["partners"]["baseline"].new == 500
    assert diff.changed["partners"]["target"].new == pytest.approx(500)
    assert diff.derived["web"].new == pytest.approx(100)
    assert diff.derived["web"].because == ("partners",)
    assert "stores" not in diff.derived and "revenue" not in diff.derived


def test_every_child_of_a_wide_rollup_names_its_edited_parent():
    siblings = 3000
    lines = [
        "goaltree: 1",
        "id: wide",
        "title: Wide",
        "period: {start: 2027-01-01, end: 2027-12-31}",
        "nodes:",
        "  revenue: {title: Revenue, unit: SEK, rollup: sum, target: 600000}",
    ]
    lines += [f"  channel_{i}: {{title: Channel {i}, unit: SEK, parent: revenue}}" for i in range(siblings)]
    old = "\n".join(lines) + "\n"
    new = old.replace("target: 600000", "target: 660000").replace(
        "  channel_0: {title: Channel 0, unit: SEK, parent: revenue}",
        "  channel_0: {title: Channel 0, unit: SEK, parent: revenue, target: 2200}",
    )
    diff = diff_trees(tree_of(old), tree_of(new))
    # By hand: 600 000 / 3 000 = 200 each before; (660 000 − 2 200) / 2 999 = 219.3331… after.
    assert len(diff.derived) == siblings - 1
    for i in (1, 1500, siblings - 1):
        move = diff.derived[f"channel_{i}"]
        assert move.old == pytest.approx(200)
        assert move.new == pytest.approx((660000 - 2200) / 2999)
        assert move.because == ("revenue", "channel_0")
