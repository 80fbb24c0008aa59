"""goaltree diff: the semantic diff of two revisions read from a real git repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.errors import DiagnosticsError, GoaltreeError
from goaltree.revisions.diff import diff_revisions, diff_trees, match_renames, tree_from_text
from goaltree.revisions.git import GoalText, read_goal_text

from revision_repo import UNSPLIT, UNSPLIT_BROKEN, make_repository, new_text, old_text, repository  # noqa: F401 (a fixture)


def diff_json(capsys, *arguments: str) -> dict:
    assert main(["diff", *arguments, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def tree_of(text: str, name: str = "goals.yaml"):
    return tree_from_text(GoalText(text, name, Path(name)))


def test_json_has_the_spec_shape_and_every_kind_of_change(repository, capsys):
    document = diff_json(capsys, "HEAD~1:goals.yaml", "HEAD:goals.yaml")
    assert {"added", "removed", "changed", "derived"} <= set(document)
    assert document["added"] == ["webinars"]
    assert document["removed"] == ["newsletter"]
    assert document["renamed"] == {"lead_to_customer": "win_rate"}
    assert document["reparented"] == {"events": {"old": ["leads"], "new": ["customers"]}}
    assert document["changed"]["revenue"]["target"] == {"old": 63000000, "new": 70000000}
    assert document["changed"]["revenue"]["title"]["new"].startswith("70 MSEK")
    assert document["changed"]["events"] == {"parent": {"old": ["leads"], "new": ["customers"]}}
    # A whitespace-only formula edit and a formula that only follows a rename are no changes.
    assert "clv" not in document["changed"] and "customers" not in document["changed"]
    assert "win_rate" not in document["changed"]
    derived = document["derived"]
    assert list(derived) == ["customers", "leads", "visits"]  # goal-file order
    assert derived["customers"]["old"] == 70 and derived["customers"]["new"] == pytest.approx(77.7778, rel=1e-5)
    assert derived["leads"]["old"] == 5000 and derived["leads"]["new"] == pytest.approx(5555.56, rel=1e-6)
    assert derived["visits"]["old"] == 250000 and derived["visits"]["new"] == pytest.approx(277777.78, rel=1e-8)
    assert all(set(entry) == {"old", "new"} for entry in derived.values())
    assert all(set(change) == {"old", "new"} for fields in document["changed"].values() for change in fields.values())
    assert document["derived_from"] == {"customers": ["revenue"], "leads": ["revenue"], "visits": ["revenue"]}
    assert "revenue" not in derived  # its own edit, reported under changed
    assert document["file"] == {}
    assert document["compared"] == {"old": "HEAD~1:goals.yaml", "new": "HEAD:goals.yaml", "as_of": "2027-01-01"}


def test_json_output_is_deterministic(repository, capsys):
    first = diff_json(capsys, "HEAD~1:goals.yaml", "HEAD:goals.yaml")
    second = diff_json(capsys, "HEAD~1:goals.yaml", "HEAD:goals.yaml")
    assert json.dumps(first) == json.dumps(second)


def test_text_explains_the_derived_targets_by_their_cause(repository, capsys):
    assert main(["diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml"]) == 0
    out = capsys.readouterr().out
    assert (
        "revenue 63 000 000 → 70 000 000 (+11.1 %) ⇒ customers 70 → 77.78 (+11.1 %), "
        "leads 5 000 → 5 556 (+11.1 %), visits 250 000 → 277 778 (+11.1 %)"
    ) in out
    assert "+ webinars: 800 webinar sign-ups" in out
    assert "- newsletter: 2 000 newsletter subscribers" in out
    assert "lead_to_customer → win_rate" in out
    assert "events: feeds leads → customers" in out
    assert "target: 63 000 000 → 70 000 000 (+11.1 %)" in out


def test_markdown_is_a_pull_request_comment_with_a_mermaid_subtree(repository, capsys):
    assert main(["diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### Goal changes: `HEAD~1:goals.yaml` → `HEAD:goals.yaml`")
    assert "| `revenue` | target | 63 000 000 | 70 000 000 | +11.1 % |" in out
    assert "| `customers` | 70 | 77.78 | +11.1 % | `revenue` |" in out
    assert "```mermaid\nflowchart TD" in out
    assert "n_revenue --> n_customers" in out
    assert ":::added" in out and ":::removed" in out and ":::derived" in out
    assert "n_leads -.-> r_newsletter" in out
    assert "avg_order" not in out.split("```mermaid")[1]  # only what changed, and its parents


def test_markdown_escapes_user_text(tmp_path, capsys):
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(old_text(), encoding="utf-8")
    new.write_text(
        old_text().replace("title: 12 events with partners", 'title: "12 events | <script>alert(1)</script> `x`"'),
        encoding="utf-8",
    )
    assert main(["diff", str(old), str(new), "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "<script>" not in out
    assert "&lt;script&gt;" in out and "\\|" in out
    chart = out.split("```mermaid")[1]
    assert "`x`" not in chart and "#60;script#62;" in chart


def test_working_copy_against_a_revision_and_two_plain_paths(repository, capsys, tmp_path):
    document = diff_json(capsys, "HEAD~1:goals.yaml", "goals.yaml")
    assert document["added"] == ["webinars"] and document["compared"]["new"] == "goals.yaml"
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.yaml").write_text(old_text(), encoding="utf-8")
    (plain / "b.yaml").write_text(new_text(), encoding="utf-8")
    document = diff_json(capsys, str(plain / "a.yaml"), str(plain / "b.yaml"))
    assert document["removed"] == ["newsletter"]


def test_no_changes(repository, capsys):
    document = diff_json(capsys, "HEAD:goals.yaml", "goals.yaml")
    assert document["added"] == [] and document["removed"] == [] and document["changed"] == {} and document["derived"] == {}
    assert main(["diff", "HEAD:goals.yaml", "goals.yaml"]) == 0
    assert "No changes in the goals." in capsys.readouterr().out


def test_a_path_from_a_subfolder_is_relative_to_where_you_stand(repository, capsys, monkeypatch):
    sub = repository.root / "plans"
    sub.mkdir()
    monkeypatch.chdir(sub)
    document = diff_json(capsys, "HEAD~1:../goals.yaml", "HEAD:../goals.yaml")
    assert document["added"] == ["webinars"]


def test_a_changed_driver_moves_targets_on_both_sides_and_names_the_cause(tmp_path):
    old = tree_of(old_text())
    new = tree_of(old_text().replace("target: 0.014", "target: 0.02"))
    diff = diff_trees(old, new)
    assert diff.changed["lead_to_customer"]["target"].old == pytest.approx(0.014)
    assert diff.changed["lead_to_customer"]["target"].relative == pytest.approx(0.02 / 0.014 - 1)
    assert diff.derived["leads"].old == pytest.approx(5000) and diff.derived["leads"].new == pytest.approx(3500)
    assert diff.derived["leads"].because == ("lead_to_customer",)
    assert diff.derived["visits"].new == pytest.approx(175000)
    assert "customers" not in diff.derived  # still 63 M / 900 000


def test_declaring_a_derived_target_is_an_origin_change_with_its_new_value():
    old = tree_of(old_text())
    new = tree_of(old_text().replace("    formula: visits * visit_to_lead\n", "    formula: visits * visit_to_lead\n    target: 6000\n"))
    diff = diff_trees(old, new)
    assert diff.changed["leads"]["target"].old == pytest.approx(5000)
    assert diff.changed["leads"]["target"].new == 6000
    assert diff.changed["leads"]["target_origin"].old == "derived"
    assert diff.changed["leads"]["target_origin"].new == "declared"
    assert diff.derived["visits"].new == pytest.approx(300000)
    assert diff.derived["visits"].because == ("leads",)


def test_targets_that_go_with_their_parents_are_derived_changes_not_edits():
    text = """\
goaltree: 1
id: d1
title: Leads
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  total: {title: 1000 leads, unit: count, rollup: sum, target: 1000}
  a: {title: Web leads, unit: count, parent: total}
  b: {title: Event leads, unit: count, parent: total}
  c: {title: 100 partner leads, unit: count, parent: total, target: 100}
"""
    diff = diff_trees(tree_of(text), tree_of(text.replace(", target: 1000}", "}")))
    # Only the total's entry changed; a and b lose their shares of (1 000 - 100) / 2 = 450 with it.
    assert set(diff.changed) == {"total"}
    assert (diff.changed["total"]["target_origin"].old, diff.changed["total"]["target_origin"].new) == ("declared", None)
    assert {node: (change.old, change.new) for node, change in diff.derived.items()} == {"a": (450, None), "b": (450, None)}
    # The new revision derives nothing for them; the old one says they were allocated from the total.
    assert diff.derived["a"].because == diff.derived["b"].because == ("total",)


def test_two_removed_nodes_alike_are_no_rename_of_one_added():
    text = """\
goaltree: 1
id: t
title: Test 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Ann
nodes:
  top: {title: Top goal, type: objective}
  k1: {title: Web signups, unit: count, target: 10, parent: top}
  k2: {title: Web signups, unit: count, target: 10, parent: top}
"""
    new_text = text.replace("  k1: {title: Web signups, unit: count, target: 10, parent: top}\n", "").replace("k2:", "k3:")
    # k1 and k2 are equally good matches for k3: docs/revisions.md leaves such a pair as removed and added.
    assert match_renames(tree_of(text), tree_of(new_text)) == {}
    one_left = text.replace("  k2: {title: Web signups, unit: count, target: 10, parent: top}\n", "")
    assert match_renames(tree_of(one_left), tree_of(new_text)) == {"k1": "k3"}


def test_file_level_changes_are_reported():
    old = tree_of(old_text())
    new = tree_of(old_text().replace("end: 2027-12-31", "end: 2027-06-30"))
    assert diff_trees(old, new).to_json()["file"] == {
        "period": {"old": {"start": "2027-01-01", "end": "2027-12-31"}, "new": {"start": "2027-01-01", "end": "2027-06-30"}}
    }


def test_rename_with_a_new_title_is_matched_by_its_formula():
    old = tree_of(old_text())
    text = old_text().replace("  leads:\n    title: 5 000 leads from the website", "  mqls:\n    title: 5 000 qualified leads from the website")
    text = text.replace("leads * lead_to_customer", "mqls * lead_to_customer").replace("parent: leads", "parent: mqls")
    new = tree_of(text)
    assert match_renames(old, new) == {"leads": "mqls"}
    diff = diff_trees(old, new)
    assert diff.added == () and diff.removed == ()
    assert set(diff.changed["mqls"]) == {"title"}
    assert "customers" not in diff.changed and "events" not in diff.changed and diff.reparented == {}


def test_a_new_node_with_another_title_is_not_a_rename():
    old = tree_of(old_text())
    new = tree_of(old_text().replace("  events:\n    title: 12 events with partners", "  podcasts:\n    title: 30 podcast episodes"))
    diff = diff_trees(old, new)
    assert diff.added == ("podcasts",) and diff.removed == ("events",) and diff.renamed == {}


def test_as_of_is_recorded(repository, capsys):
    document = diff_json(capsys, "HEAD~1:goals.yaml", "HEAD:goals.yaml", "--as-of", "2027-06-30")
    assert document["compared"]["as_of"] == "2027-06-30"


# --- where the text comes from -----------------------------------------------------------------------------


def test_a_revision_prefix_wins_over_a_file_of_that_name(repository):
    (repository.root / "HEAD:goals.yaml").write_text("not a goal file", encoding="utf-8")
    goal_text = read_goal_text("HEAD:goals.yaml")
    assert goal_text.commit is not None and "70 MSEK" in goal_text.text


def test_a_file_with_a_colon_that_is_no_revision_is_read_from_disk(repository):
    (repository.root / "v1:goals.yaml").write_text(old_text(), encoding="utf-8")
    goal_text = read_goal_text("v1:goals.yaml")
    assert goal_text.commit is None and "63 MSEK" in goal_text.text


def test_a_file_renamed_later_is_read_at_its_old_revision(repository, capsys):
    repository.git("mv", "goals.yaml", "plan.yaml")
    repository.git("commit", "-q", "-m", "Rename the goal file")
    document = diff_json(capsys, "HEAD~2:goals.yaml", "plan.yaml")
    assert document["added"] == ["webinars"]


# --- errors: exit 2 with a clear message ---------------------------------------------------------------------


def test_a_bad_revision_is_a_usage_error(repository, capsys):
    assert main(["diff", "nosuchbranch:goals.yaml", "goals.yaml"]) == 2
    err = capsys.readouterr().err
    assert "'nosuchbranch' is not a revision in the git repository" in err
    assert "Traceback" not in err


def test_a_revision_that_looks_like_an_option_is_refused(repository, capsys):
    assert main(["diff", "--", "--output=pwned:goals.yaml", "goals.yaml"]) == 2
    assert "'--output=pwned' is not a revision" in capsys.readouterr().err
    with pytest.raises(GoaltreeError, match="is not a revision"):
        read_goal_text("--all:goals.yaml")
    assert not (repository.root / "pwned").exists()


def test_a_file_missing_at_the_revision_is_a_usage_error(repository, capsys):
    (repository.root / "later.yaml").write_text(old_text(), encoding="utf-8")
    assert main(["diff", "HEAD~1:later.yaml", "later.yaml"]) == 2
    err = capsys.readouterr().err
    assert "later.yaml: does not exist at HEAD~1" in err


def test_a_folder_at_the_revision_is_a_usage_error(repository, capsys):
    (repository.root / "plans").mkdir()
    (repository.root / "plans" / "goals.yaml").write_text(old_text(), encoding="utf-8")
    repository.git("add", "plans")
    repository.git("commit", "-q", "-m", "plans")
    assert main(["diff", "HEAD:plans", "goals.yaml"]) == 2
    assert "is a folder at HEAD" in capsys.readouterr().err


def test_outside_a_git_repository_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "nogit"
    folder.mkdir()
    (folder / "goals.yaml").write_text(old_text(), encoding="utf-8")
    monkeypatch.chdir(folder)
    assert main(["diff", "HEAD:goals.yaml", "goals.yaml"]) == 2
    err = capsys.readouterr().err
    assert "not inside a git repository" in err and "HEAD:goals.yaml" in err


def test_a_missing_plain_file_is_a_usage_error(tmp_path, capsys):
    assert main(["diff", str(tmp_path / "nothing.yaml"), str(tmp_path / "nothing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_an_invalid_revision_reports_its_diagnostics_at_the_revision(repository, capsys):
    repository.commit(new_text().replace("formula: customers * clv", "formula: customers * clvv"), "Typo")
    assert main(["diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml"]) == 1
    err = capsys.readouterr().err
    assert "HEAD:goals.yaml:" in err and "E004" in err and "did you mean 'clv'" in err


def test_a_revision_whose_targets_cannot_be_derived_exits_1_with_its_error(repository, capsys):
    repository.commit(UNSPLIT, "Leads from web and events")  # events = 4 000 − 3 000 = 1 000
    repository.commit(UNSPLIT_BROKEN, "Drop the web target")
    for arguments in (["HEAD~1:goals.yaml", "HEAD:goals.yaml"], ["HEAD:goals.yaml", "HEAD~1:goals.yaml"]):
        for output in ("text", "json", "md"):
            assert main(["diff", *arguments, "--format", output]) == 1
            captured = capsys.readouterr()
            assert captured.out == ""  # no diff that says `events 1 000 → –` as if the plan were whole
            assert "HEAD:goals.yaml:7:" in captured.err and "error E010 [leads]" in captured.err
    with pytest.raises(DiagnosticsError):
        diff_trees(tree_of(UNSPLIT), tree_of(UNSPLIT_BROKEN))


def test_diff_revisions_library_api(repository):
    diff = diff_revisions("HEAD~1:goals.yaml", "HEAD:goals.yaml")
    assert diff.renamed == {"lead_to_customer": "win_rate"}
    assert diff.touched()[0] == "revenue"
    with pytest.raises(GoaltreeError):
        diff_revisions("HEAD~5:goals.yaml", "goals.yaml")


def test_the_console_script_runs_the_diff(repository):
    result = subprocess.run(
        [sys.executable, "-m", "goaltree", "diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=repository.root,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == ["webinars"]


def test_a_second_repository_is_independent(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "none"))
    repo = make_repository(tmp_path / "other")
    repo.commit(old_text(), "one")
    repo.commit(old_text().replace("target: 12\n", "target: 15\n"), "two")
    document = diff_json(capsys, f"HEAD~1:{repo.goals}", f"HEAD:{repo.goals}")
    assert document["changed"] == {"events": {"target": {"old": 12, "new": 15}}}


SMALL_CHANGE = """\
goaltree: 1
id: small
title: Small changes
period: {start: 2026-01-01, end: 2026-12-31}
nodes:
  revenue: {title: Revenue, unit: SEK, formula: customers * deal}
  customers: {title: Customers, unit: count, target: 2000}
  deal: {title: Deal size, unit: SEK, type: driver, baseline: 1234567}
  win: {title: Win rate, unit: ratio, type: driver, target: 0.0345}
  won: {title: Deals won, unit: count, formula: customers * win}
"""


def test_a_small_change_never_reads_as_the_same_number_or_as_no_change(tmp_path, capsys):
    # At the usual precision 2 000 → 2 000.4 read "2 000 → 2 000 (+0.0 %)" and the win rate "3.45 % → 3.45 %".
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(SMALL_CHANGE, encoding="utf-8")
    new.write_text(SMALL_CHANGE.replace("target: 2000}", "target: 2000.4}").replace("target: 0.0345}", "target: 0.03454}"), encoding="utf-8")
    assert main(["diff", str(old), str(new)]) == 0
    text = capsys.readouterr().out
    # By hand: 2 000.4 / 2 000 − 1 = +0.02 %; 0.03454 / 0.0345 − 1 = +0.116 %;
    # revenue 2 000.4 × 1 234 567 = 2 469 627 826.8 against 2 000 × 1 234 567 = 2 469 134 000.
    assert "target: 2 000.0 → 2 000.4 (+0.02 %)" in text
    assert "target: 3.450 % → 3.454 % (+0.1 %)" in text
    assert "revenue 2 469 134 000 → 2 469 627 827 (+0.02 %)" in text
    assert "won 69 → 69.09 (+0.1 %)" in text  # 2 000 × 0.0345 and 2 000.4 × 0.03454 = 69.0938
    assert main(["diff", str(old), str(new), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "| `customers` | target | 2 000.0 | 2 000.4 | +0.02 % |" in markdown
    assert "| `win` | target | 3.450 % | 3.454 % | +0.1 % |" in markdown
    assert "| `revenue` | 2 469 134 000 | 2 469 627 827 | +0.02 % | `customers` |" in markdown
    assert "target 2 000.0 → 2 000.4 #40;+0.02 %#41;" in markdown.split("```mermaid")[1]
    assert main(["diff", str(old), str(new), "--language", "sv"]) == 0
    assert "target: 2 000,0 → 2 000,4 (+0,02 %)" in capsys.readouterr().out


CAC = """\
goaltree: 1
id: cac
title: Cost per customer
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  revenue: {title: Revenue 63 MSEK, unit: SEK, target: 63000000, formula: customers * deal}
  customers: {title: Customers, unit: count}
  deal: {title: 900 000 SEK a deal, unit: SEK, type: driver, target: 900000}
  marketing_cost: {title: Spend at most 6.3 MSEK, unit: SEK, direction: decrease, target: 6300000}
  cac: {title: CAC, unit: SEK, direction: decrease, baseline: 128000, formula: marketing_cost / customers}
"""


def test_a_baseline_edit_does_not_make_a_solved_target_the_nodes_own_change():
    old = tree_of(CAC)
    new = tree_of(CAC.replace("target: 63000000", "target: 57000000").replace("baseline: 128000", "baseline: 126500"))
    diff = diff_trees(old, new)
    # cac = 6 300 000 / (63 000 000 / 900 000) = 90 000 before, 6 300 000 / (57 000 000 / 900 000) = 99 473.68 after:
    # a move of the revenue edit, solved from the formula; cac's own baseline takes no part in it.
    assert set(diff.changed["cac"]) == {"baseline"}
    move = diff.derived["cac"]
    assert (move.old, move.new) == (pytest.approx(90_000), pytest.approx(6_300_000 / (57_000_000 / 900_000)))
    assert move.because == ("revenue",)


def test_a_baseline_edit_that_moves_an_allocated_target_is_the_nodes_own_change():
    text = """\
goaltree: 1
id: split
title: Split
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  revenue: {title: Revenue 1 000, unit: SEK, target: 1000, rollup: sum}
  web: {title: Web, unit: SEK, parent: revenue, baseline: 100}
  stores: {title: Stores, unit: SEK, parent: revenue, baseline: 300}
"""
    diff = diff_trees(tree_of(text), tree_of(text.replace("baseline: 100", "baseline: 200")))
    # By baseline share: web 1 000 · 100/400 = 250 → 1 000 · 200/500 = 400, its own edit; stores 750 → 600 follows it.
    assert diff.changed["web"]["target"].old == pytest.approx(250) and diff.changed["web"]["target"].new == pytest.approx(400)
    assert diff.derived["stores"].new == pytest.approx(600) and diff.derived["stores"].because == ("web",)


REMOVAL = """\
goaltree: 1
id: r
title: Removal
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  leads: {title: Leads 1 000, unit: count, target: 1000, rollup: sum}
  web: {title: Web leads, unit: count, parent: leads, baseline: 600}
  events: {title: Event leads, unit: count, parent: leads, baseline: 400}
"""


def test_a_target_moved_by_removing_a_sibling_names_the_removed_node_in_json_as_in_text(tmp_path, capsys):
    # By baseline share events had 400 of 1 000 (600 : 400); without web it carries all 1 000 (+150 %).
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(REMOVAL, encoding="utf-8")
    new.write_text("".join(line for line in REMOVAL.splitlines(keepends=True) if not line.startswith("  web:")), encoding="utf-8")
    assert main(["diff", str(old), str(new)]) == 0
    assert "removing web ⇒ events 400 → 1 000 (+150.0 %)" in capsys.readouterr().out
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["derived"] == {"events": {"old": 400, "new": 1000}}
    assert document["derived_from"] == {"events": ["web"]}
