"""A field the file leaves out means its default: the diff shows what it means, not a blank or `{}`."""

from __future__ import annotations

import json

from goaltree.revisions.diff import diff_trees
from revision_repo import run_diff, tree_of

OLD = """\
goaltree: 1
id: d
title: Defaults 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
thresholds: {on_track: 0.9, at_risk: 0.6}
nodes:
  leads: {title: Leads 2 000 in 2027, unit: count, target: 2000}
  rate: {title: Win rate in 2027, type: driver, unit: '%', target: 5, aggregate: mean}
"""
# thresholds left out (the defaults 0.95 and 0.8, model.Thresholds); leads gets a deadline, an aggregate
# and an owner it did not state (the period's end 2027-12-31, `sum` for a kpi, the file's owner Me);
# rate leaves out the aggregate it stated (`last`, a driver's default).
NEW = """\
goaltree: 1
id: d
title: Defaults 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  leads: {title: Leads 2 000 in 2027, unit: count, target: 2000, deadline: 2027-06-30, aggregate: last, owner: Ann}
  rate: {title: Win rate in 2027, type: driver, unit: '%', target: 5}
"""


def test_thresholds_show_their_effective_values_and_which_are_defaults(capsys, tmp_path):
    out = run_diff(capsys, tmp_path, OLD, NEW)
    assert "thresholds: on_track: 0.9, at_risk: 0.6 → on_track: 0.95 (default), at_risk: 0.8 (default)" in out
    one = OLD.replace("thresholds: {on_track: 0.9, at_risk: 0.6}", "thresholds: {on_track: 0.9}")
    out = run_diff(capsys, tmp_path, OLD, one)
    assert "thresholds: on_track: 0.9, at_risk: 0.6 → on_track: 0.9, at_risk: 0.8 (default)" in out
    document = json.loads(run_diff(capsys, tmp_path, OLD, NEW, "--format", "json"))
    assert document["file"]["thresholds"] == {"old": {"on_track": 0.9, "at_risk": 0.6}, "new": {"on_track": 0.95, "at_risk": 0.8}}
    out = run_diff(capsys, tmp_path, OLD, NEW, "--format", "md")
    assert "| thresholds | on\\_track: 0.9, at\\_risk: 0.6 | on\\_track: 0.95 (default), at\\_risk: 0.8 (default) |" in out


def test_a_left_out_field_shows_the_default_it_stands_for(capsys, tmp_path):
    out = run_diff(capsys, tmp_path, OLD, NEW)
    assert "deadline: 2027-12-31 (default: the period's end) → 2027-06-30" in out
    assert "aggregate: sum (default) → last" in out
    assert "owner: Me (default: the file's owner) → Ann" in out
    assert "aggregate: mean → last (default)" in out
    assert "–" not in out
    out = run_diff(capsys, tmp_path, NEW, OLD, "--format", "md")
    assert "| `leads` | deadline | 2027-06-30 | 2027-12-31 (default: the period&#39;s end) |  |" in out
    assert "| `rate` | aggregate | last (default) | mean |  |" in out
    out = run_diff(capsys, tmp_path, OLD, NEW, "--language", "sv")
    assert "deadline: 2027-12-31 (standard: periodens slut) → 2027-06-30" in out
    assert "aggregate: sum (standard) → last" in out
    # JSON keeps what the file states: null for a field it leaves out.
    document = json.loads(run_diff(capsys, tmp_path, OLD, NEW, "--format", "json"))
    assert document["changed"]["leads"]["deadline"] == {"old": None, "new": "2027-06-30"}
    assert document["changed"]["rate"]["aggregate"] == {"old": "mean", "new": None}


def test_stating_the_default_is_no_change():
    # deadline: 2027-12-31 is the period's end, aggregate: sum a kpi's default, owner: Me the file's owner.
    stated = OLD.replace("target: 2000}", "target: 2000, deadline: 2027-12-31, aggregate: sum, owner: Me}")
    assert diff_trees(tree_of(OLD), tree_of(stated)).changed == {}
    assert diff_trees(tree_of(stated), tree_of(OLD)).changed == {}
