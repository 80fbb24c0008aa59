"""A node that switches between `%` and `ratio`: each side is read in its own unit (docs/engine.md).

A `%` value of 5 and a ratio of 0.05 are the same 5 %: a switch that keeps the
fraction moves no target, and a real move is told on the fractions.
"""

from __future__ import annotations

import json

from goaltree.cli import main
from goaltree.revisions.diff import diff_trees
from revision_repo import make_repository, run_diff, tree_of

# customers = leads * win: 100 customers of 2 000 leads derive win = 100 / 2 000 = 0.05 = 5 %.
PERCENT = """\
goaltree: 1
id: u
title: Unit switch
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  customers: {title: Customers 100 in 2027, unit: count, target: 100, formula: leads * win}
  leads:     {title: Leads 2 000 in 2027, unit: count, target: 2000}
  win:       {title: Win rate in 2027, type: driver, unit: '%'}
"""
RATIO = PERCENT.replace("unit: '%'}", "unit: ratio}")


def test_a_unit_switch_that_keeps_the_fraction_moves_no_target(capsys, tmp_path):
    # Derived on both sides: 100 / 2 000 = 0.05, which is 5 in `%` and 0.05 as a ratio.
    for old, new in ((PERCENT, RATIO), (RATIO, PERCENT)):
        diff = diff_trees(tree_of(old), tree_of(new))
        assert diff.derived == {}
        assert list(diff.changed) == ["win"] and list(diff.changed["win"]) == ["unit"]
        out = run_diff(capsys, tmp_path, old, new)
        assert "Derived targets" not in out and "target:" not in out and "99" not in out
        document = json.loads(run_diff(capsys, tmp_path, old, new, "--format", "json"))
        assert document["derived"] == {}
        assert document["changed"] == {"win": {"unit": {"old": diff.changed["win"]["unit"].old, "new": diff.changed["win"]["unit"].new}}}


def test_a_declared_target_converted_with_its_unit_is_no_target_change(capsys, tmp_path):
    old = PERCENT.replace("unit: '%'}", "unit: '%', target: 5}")
    new = RATIO.replace("unit: ratio}", "unit: ratio, target: 0.05}")
    for first, second in ((old, new), (new, old)):
        diff = diff_trees(tree_of(first), tree_of(second))
        assert list(diff.changed["win"]) == ["unit"] and diff.derived == {}
        out = run_diff(capsys, tmp_path, first, second, "--format", "md")
        assert "| `win` | unit |" in out and "| target |" not in out


def test_a_real_move_across_the_switch_is_told_on_the_fractions(capsys, tmp_path):
    # 5 % → 0.04 (4 %): (0.04 − 0.05) / 0.05 = −20 %; back, (0.05 − 0.04) / 0.04 = +25 %.
    old = PERCENT.replace("unit: '%'}", "unit: '%', target: 5}")
    new = RATIO.replace("unit: ratio}", "unit: ratio, target: 0.04}")
    diff = diff_trees(tree_of(old), tree_of(new))
    target = diff.changed["win"]["target"]
    assert (target.old, target.new) == (5, 0.04)  # each in its own unit, as the files state them
    assert abs(target.relative - (-0.20)) < 1e-12
    assert "win" not in diff.derived
    out = run_diff(capsys, tmp_path, old, new)
    assert "target: 5.00 % → 4.00 % (-20.0 %)" in out
    assert "unit: % → ratio" in out
    out = run_diff(capsys, tmp_path, new, old, "--format", "md")
    assert "| `win` | target | 4.00 % | 5.00 % | +25.0 % |" in out
    document = json.loads(run_diff(capsys, tmp_path, old, new, "--format", "json"))
    assert document["changed"]["win"]["target"] == {"old": 5, "new": 0.04}
    assert document["changed"]["win"]["unit"] == {"old": "%", "new": "ratio"}
    out = run_diff(capsys, tmp_path, old, new, "--language", "sv")
    assert "target: 5,00 % → 4,00 % (−20,0 %)" in out


def test_a_unit_switch_without_converting_the_value_is_a_target_change(tmp_path):
    # 5 in `%` is 5 %; 5 as a ratio is 500 %: (5 − 0.05) / 0.05 = +9 900 %. The node's own entry moved it,
    # so it is listed under changed, and customers (declared 100) does not move.
    old = PERCENT.replace("unit: '%'}", "unit: '%', target: 5}")
    new = RATIO.replace("unit: ratio}", "unit: ratio, target: 5}")
    diff = diff_trees(tree_of(old), tree_of(new))
    assert abs(diff.changed["win"]["target"].relative - 99.0) < 1e-9
    assert "win" not in diff.derived


def test_baselines_milestones_and_scenarios_are_read_in_their_units(capsys, tmp_path):
    # baseline 4 % = 0.04, milestone 4.5 % = 0.045, scenario 6 % = 0.06: the same on both sides.
    old = PERCENT.replace(
        "unit: '%'}", "unit: '%', baseline: 4, milestones: {2027-06-30: 4.5}}"
    ) + "scenarios:\n  high: {set: {win: 6}}\n"
    new = RATIO.replace(
        "unit: ratio}", "unit: ratio, baseline: 0.04, milestones: {2027-06-30: 0.045}}"
    ) + "scenarios:\n  high: {set: {win: 0.06}}\n"
    diff = diff_trees(tree_of(old), tree_of(new))
    assert list(diff.changed["win"]) == ["unit"] and diff.scenarios == {}
    # A real move of the baseline: 4 % → 0.03 (3 %) is (0.03 − 0.04) / 0.04 = −25 %; the scenario 6 % → 7 %.
    moved = new.replace("baseline: 0.04", "baseline: 0.03").replace("win: 0.06", "win: 0.07")
    out = run_diff(capsys, tmp_path, old, moved)
    assert "baseline: 4.00 % → 3.00 % (-25.0 %)" in out
    assert "high: sets win 6.00 % → win 7.00 %" in out


def test_history_reads_every_revision_in_the_nodes_newest_unit(tmp_path, monkeypatch, capsys):
    # Revisions: win 5 % (derived, 100 / 2 000), the same as a ratio, then `%` again with 80 customers:
    # 80 / 2 000 = 0.04 = 4 %. Real values 5 %, 5 % (unchanged), 4 % ((4 − 5) / 5 = −20 %).
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    repo = make_repository(tmp_path / "repo")
    repo.commit(PERCENT, "Plan in percent")
    repo.commit(RATIO, "Rates as ratios")
    repo.commit(PERCENT.replace("target: 100,", "target: 80,"), "Percent again, 80 customers")
    monkeypatch.chdir(repo.root)
    assert main(["history", "goals.yaml", "win"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "(derived)" in line]
    assert len(lines) == 3
    assert lines[0].endswith("5.00 % (derived)")
    assert lines[1].endswith("5.00 % (derived)  unchanged")
    assert lines[2].endswith("4.00 % (derived)  -20.0 %")
    assert main(["history", "goals.yaml", "win", "--format", "json"]) == 0
    targets = [revision["targets"]["win"]["target"] for revision in json.loads(capsys.readouterr().out)["revisions"]]
    assert targets == [5, 5, 4]  # in the newest unit, `%`
    assert main(["history", "goals.yaml"]) == 0
    win = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("win "))
    assert win.split()[1:] == ["5.00", "%*", "5.00", "%*", "4.00", "%*"]


def test_units_that_do_not_compare_get_no_relative_change(capsys, tmp_path):
    # 5 % enters formulas as 0.05, a count of 5 as 5: a different target, but no percent change between them.
    old = PERCENT.replace("unit: '%'}", "unit: '%', target: 5}")
    count = PERCENT.replace("unit: '%'}", "unit: count, target: 5}")
    diff = diff_trees(tree_of(old), tree_of(count))
    target = diff.changed["win"]["target"]
    assert (target.old, target.new, target.relative) == (5, 5, None)
    out = run_diff(capsys, tmp_path, old, count)
    assert "target: 5.00 % → 5\n" in out
    # count → SEK: both read as they are, 5 is 5; only the unit changed.
    kronor = count.replace("unit: count, target: 5}", "unit: SEK, target: 5}")
    assert list(diff_trees(tree_of(count), tree_of(kronor)).changed["win"]) == ["unit"]


def test_a_copied_change_keeps_each_sides_unit():
    import copy
    import pickle

    old = PERCENT.replace("unit: '%'}", "unit: '%', target: 5}")
    new = RATIO.replace("unit: ratio}", "unit: ratio, target: 0.04}")
    target = diff_trees(tree_of(old), tree_of(new)).changed["win"]["target"]
    for copied in (copy.deepcopy(target), pickle.loads(pickle.dumps(target))):
        assert (copied.old.unit, copied.new.unit) == ("%", "ratio")
        assert abs(copied.relative - (-0.20)) < 1e-12  # (0.04 − 0.05) / 0.05


def test_history_across_units_that_do_not_compare_writes_each_in_its_own(tmp_path, monkeypatch, capsys):
    # A budget first counted in deals (400), then in SEK (400 000), then 500 000 SEK:
    # no percent compares 400 deals with 400 000 SEK; 400 000 -> 500 000 is +25 %, by hand.
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    repo = make_repository(tmp_path / "repo")
    counted = PERCENT + "  budget: {title: Budget, unit: count, target: 400}\n"
    repo.commit(counted, "Budget in deals")
    repo.commit(counted.replace("unit: count, target: 400}", "unit: SEK, target: 400000}"), "Budget in SEK")
    repo.commit(counted.replace("unit: count, target: 400}", "unit: SEK, target: 500000}"), "More budget")
    monkeypatch.chdir(repo.root)
    assert main(["history", "goals.yaml", "budget"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "(declared)" in line]
    assert lines[0].endswith("  400 (declared)")
    assert lines[1].endswith("400 000 SEK (declared)  unit changed from count to SEK")
    assert lines[2].endswith("500 000 SEK (declared)  +25.0 %")
    assert main(["history", "goals.yaml", "budget", "--format", "json"]) == 0
    budget = [revision["targets"]["budget"] for revision in json.loads(capsys.readouterr().out)["revisions"]]
    assert [(target["target"], target["unit"]) for target in budget] == [(400, "count"), (400_000, "SEK"), (500_000, "SEK")]
    assert main(["history", "goals.yaml"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("budget "))
    assert "400" in row.split() and "400 000 SEK" in row


def test_every_percentage_unit_reads_as_the_formulas_read_it(capsys, tmp_path):
    # `procent` is a percentage as `%` is (goaltree.model.is_percent_unit): 5 procent is the ratio 0.05,
    # so switching `procent` -> `ratio` with the fraction kept moves no target, as `%` -> `ratio` does.
    for old_unit in ("procent", "percent"):
        old = PERCENT.replace("unit: '%'}", f"unit: {old_unit}}}")
        out = run_diff(capsys, tmp_path, old, RATIO)
        assert "Derived targets" not in out and f"unit: {old_unit} → ratio" in out, old_unit
        document = json.loads(run_diff(capsys, tmp_path, old, RATIO, "--format", "json"))
        assert document["changed"] == {"win": {"unit": {"old": old_unit, "new": "ratio"}}}, old_unit
