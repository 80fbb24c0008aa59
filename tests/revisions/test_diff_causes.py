"""goaltree diff names as a derived target's cause only an edit that moves it: not a weight a growth
factor does not read, not a unit that keeps the numbers; and it names a child that moved out, or a
target that was removed, where the new revision has no derivation that reads them."""

from __future__ import annotations

import json

import pytest

from goaltree.revisions.diff import diff_trees
from revision_repo import run_diff, tree_of

SCALED = """\
goaltree: 1
id: d1
title: Diff 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  leads: {title: 4 000 leads, unit: count, target: 4000, formula: web + events}
  web: {title: Web leads, unit: count, baseline: 300}
  events: {title: Event leads, unit: count, baseline: 100}
"""
# leads doubled, and a weight on events, which a formula's growth factor does not read.
SCALED_NEW = SCALED.replace("{title: 4 000 leads, unit: count, target: 4000", "{title: 8 000 leads, unit: count, target: 8000").replace(
    "baseline: 100}", "baseline: 100, weight: 2}"
)


def test_a_weight_a_growth_factor_does_not_read_is_no_cause(capsys, tmp_path):
    diff = diff_trees(tree_of(SCALED), tree_of(SCALED_NEW))
    # Scaled from the baselines 300 : 100 by one factor: 4 000 · ¾ = 3 000 and 4 000 · ¼ = 1 000 before,
    # 8 000 · ¾ = 6 000 and 8 000 · ¼ = 2 000 after. The weight takes no part: both follow leads alone.
    assert set(diff.changed["events"]) == {"weight"}
    assert (diff.derived["events"].old, diff.derived["events"].new) == (pytest.approx(4000 / 4), pytest.approx(8000 / 4))
    assert (diff.derived["web"].old, diff.derived["web"].new) == (pytest.approx(4000 * 3 / 4), pytest.approx(8000 * 3 / 4))
    assert diff.derived["events"].because == ("leads",)
    assert diff.derived["web"].because == ("leads",)
    out = run_diff(capsys, tmp_path, SCALED, SCALED_NEW)
    assert "leads 4 000 → 8 000 (+100.0 %) ⇒ web 3 000 → 6 000 (+100.0 %), events 1 000 → 2 000 (+100.0 %)" in out
    document = json.loads(run_diff(capsys, tmp_path, SCALED, SCALED_NEW, "--format", "json"))
    assert document["derived_from"] == {"web": ["leads"], "events": ["leads"]}
    assert document["changed"]["events"] == {"weight": {"old": 1, "new": 2}}


def test_a_weight_that_a_sum_splits_by_is_still_a_cause():
    text = """\
goaltree: 1
id: d1
title: Diff 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  leads: {title: 4 000 leads, unit: count, target: 4000, rollup: sum}
  web: {title: Web leads, unit: count, parent: leads, baseline: 300}
  events: {title: Event leads, unit: count, parent: leads, baseline: 100}
"""
    diff = diff_trees(tree_of(text), tree_of(text.replace("baseline: 100}", "baseline: 100, weight: 2}")))
    # A stated weight makes the sum split by weight, 1 : 2, instead of by baseline share, 300 : 100:
    # events 4 000 · ¼ = 1 000 → 4 000 · ⅔ = 2 666.67, its own edit; web 3 000 → 4 000 · ⅓ = 1 333.33 follows it.
    assert diff.changed["events"]["target"].new == pytest.approx(4000 * 2 / 3)
    assert diff.derived["web"].new == pytest.approx(4000 / 3)
    assert diff.derived["web"].because == ("events",)


UNITS = """\
goaltree: 1
id: d1u
title: Diff 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  revenue: {title: Revenue 63 MSEK, unit: SEK, target: 63000000, formula: customers * deal}
  customers: {title: Customers, unit: count}
  deal: {title: Average deal 900 k, type: driver, unit: SEK, target: 900000}
"""


def test_a_unit_edit_that_keeps_the_number_is_no_cause(capsys, tmp_path):
    new = UNITS.replace("Revenue 63 MSEK, unit: SEK, target: 63000000", "Revenue 70 MSEK, unit: SEK, target: 70000000").replace(
        "type: driver, unit: SEK", "type: driver, unit: EUR"
    )
    diff = diff_trees(tree_of(UNITS), tree_of(new))
    # customers = revenue / deal: 63 000 000 / 900 000 = 70 → 70 000 000 / 900 000 = 77.78. deal's number,
    # 900 000, is the same in either unit: only revenue moved customers.
    assert set(diff.changed["deal"]) == {"unit"}
    move = diff.derived["customers"]
    assert (move.old, move.new) == (pytest.approx(63_000_000 / 900_000), pytest.approx(70_000_000 / 900_000))
    assert move.because == ("revenue",)
    assert "revenue 63 000 000 → 70 000 000 (+11.1 %) ⇒ customers 70 → 77.78 (+11.1 %)" in run_diff(capsys, tmp_path, UNITS, new)


def test_a_weight_that_a_weighted_mean_reads_is_still_a_cause():
    text = """\
goaltree: 1
id: nps
title: Satisfaction 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  satisfaction: {title: Satisfaction 80, unit: points, target: 80, rollup: weighted_mean}
  support: {title: Support 90, unit: points, parent: satisfaction, target: 90}
  onboarding: {title: Onboarding, unit: points, parent: satisfaction}
"""
    diff = diff_trees(tree_of(text), tree_of(text.replace("target: 90}", "target: 90, weight: 3}")))
    # onboarding makes the mean reach 80: (80 · 2 − 90) / 1 = 70 with equal weights, (80 · 4 − 3 · 90) / 1 = 50
    # once support weighs 3. Support's own target stays 90; its weight moved onboarding's.
    assert set(diff.changed["support"]) == {"weight"}
    move = diff.derived["onboarding"]
    assert (move.old, move.new) == (pytest.approx(80 * 2 - 90), pytest.approx(80 * 4 - 3 * 90))
    assert move.because == ("support",)


@pytest.mark.parametrize(
    ("children", "basis", "reads"),
    [
        ("baseline: 300}|baseline: 100, weight: 2}", "by weight", {"weight"}),
        ("baseline: 300}|baseline: 100}", "by baseline share", {"baseline"}),
        ("baseline: 300}|weight: 1}", "by weight", {"weight"}),
        ("baseline: 300}|owner: Ann}", "by equal shares", set()),
    ],
)
def test_what_the_diff_says_a_split_reads_is_what_the_engine_split_by(children, basis, reads):
    from goaltree.revisions.diff_causes import Derivations
    from goaltree.revisions.diff import evaluate_targets

    web, events = children.split("|")
    text = f"""\
goaltree: 1
id: s
title: Split
period: {{start: 2027-01-01, end: 2027-12-31}}
owner: Me
nodes:
  leads: {{title: 4 000 leads, unit: count, target: 4000, rollup: sum}}
  web: {{title: Web, unit: count, parent: leads, {web}
  events: {{title: Events, unit: count, parent: leads, {events}
"""
    tree = tree_of(text)
    evaluation = evaluate_targets(tree, tree.goal_file.period.start)
    assert basis in evaluation.nodes["web"].target_derivation.text  # the engine's own words for its split
    assert Derivations(evaluation, tree).reads["web"] == reads == Derivations(evaluation, tree).reads["events"]


MOVE = """\
goaltree: 1
id: mv
title: Move 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  pipeline: {title: Pipeline 10 MSEK, unit: SEK, target: 10000000, rollup: sum}
  inbound: {title: Inbound pipeline, unit: SEK, parent: pipeline, baseline: 3000000}
  partner: {title: Partner pipeline, unit: SEK, parent: pipeline, baseline: 1000000}
  brand: {title: Brand, type: objective}
"""


def test_a_child_that_moves_out_is_named_as_the_cause_of_its_siblings_move(capsys, tmp_path):
    new = MOVE.replace("parent: pipeline, baseline: 1000000", "parent: brand, baseline: 1000000")
    diff = diff_trees(tree_of(MOVE), tree_of(new))
    # By baseline share inbound had 10 000 000 · 3/4 = 7 500 000; with partner gone to brand it carries all 10 000 000.
    move = diff.derived["inbound"]
    assert (move.old, move.new) == (pytest.approx(10_000_000 * 3 / 4), pytest.approx(10_000_000))
    assert move.because == ("partner",)
    out = run_diff(capsys, tmp_path, MOVE, new)
    assert "moving partner from pipeline to brand ⇒ inbound 7 500 000 → 10 000 000 (+33.3 %)" in out
    assert "changes elsewhere" not in out
    document = json.loads(run_diff(capsys, tmp_path, MOVE, new, "--format", "json"))
    assert document["derived_from"] == {"inbound": ["partner"]}


ROLLUP = """\
goaltree: 1
id: r
title: Revenue
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  revenue: {title: Revenue, type: objective, unit: SEK, rollup: sum}
  stores: {title: Stores 400, unit: SEK, parent: revenue, target: 400}
  web: {title: Web shop 600, unit: SEK, parent: revenue, target: 600}
"""


def test_a_removed_target_is_named_as_the_cause_of_a_target_that_goes_with_it(capsys, tmp_path):
    new = ROLLUP.replace("{title: Web shop 600, unit: SEK, parent: revenue, target: 600}", "{title: Web shop, unit: SEK, parent: revenue}")
    diff = diff_trees(tree_of(ROLLUP), tree_of(new))
    # revenue = stores + web = 400 + 600 = 1 000; without web's target the sum has no value. The new
    # revision has no derivation of revenue to follow: the old one says it read web.
    assert (diff.changed["web"]["target"].old, diff.changed["web"]["target"].new) == (600, None)
    assert (diff.derived["revenue"].old, diff.derived["revenue"].new) == (400 + 600, None)
    assert diff.derived["revenue"].because == ("web",)
    out = run_diff(capsys, tmp_path, ROLLUP, new)
    assert "web 600 → – ⇒ revenue 1 000 → –" in out and "changes elsewhere" not in out
    document = json.loads(run_diff(capsys, tmp_path, ROLLUP, new, "--format", "json"))
    assert document["derived_from"] == {"revenue": ["web"]}
