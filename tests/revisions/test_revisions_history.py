"""goaltree history: targets across a goal file's git history, with the commit messages."""

from __future__ import annotations

import json
import re

import pytest

from goaltree.cli import main
from goaltree.errors import GoaltreeError
from goaltree.revisions.history import file_history
from revision_repo import (  # noqa: F401 (repository is a fixture)
    EXTRA_OLD,
    FIRST_MESSAGE,
    SECOND_BODY,
    SECOND_SUBJECT,
    UNSPLIT,
    UNSPLIT_BROKEN,
    make_repository,
    new_text,
    old_text,
    repository,
)


def test_a_node_lists_every_revision_with_its_value_and_why(repository, capsys):
    assert main(["history", "goals.yaml", "leads"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("leads — 5 000 leads from the website (goals.yaml, 2 revisions)")
    first, second = out.split("\n\n")[1:3]
    assert "5 000 (derived)" in first and FIRST_MESSAGE in first and "Ann Planner" in first
    assert "5 556 (derived)  +11.1 %" in second
    assert SECOND_SUBJECT in second and SECOND_BODY in out
    assert out.index(FIRST_MESSAGE) < out.index(SECOND_SUBJECT)  # oldest first: a timeline


def test_json_gives_date_author_message_and_target_per_revision(repository, capsys):
    assert main(["history", "goals.yaml", "revenue", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["node"] == "revenue" and document["file"] == "goals.yaml"
    revisions = document["revisions"]
    assert [r["subject"] for r in revisions] == [FIRST_MESSAGE, SECOND_SUBJECT]
    assert revisions[1]["message"] == f"{SECOND_SUBJECT}\n\n{SECOND_BODY}"
    assert [r["targets"]["revenue"]["target"] for r in revisions] == [63000000, 70000000]
    assert {r["targets"]["revenue"]["origin"] for r in revisions} == {"declared"}
    assert revisions[0]["author"] == "Ann Planner" and len(revisions[0]["commit"]) == 40
    assert revisions[0]["date"][:4].isdigit() and revisions[0]["error"] is None
    assert revisions[1]["commit"] == repository.git("rev-parse", "HEAD").strip()


def test_a_renamed_node_keeps_its_history(repository, capsys):
    assert main(["history", "goals.yaml", "win_rate"]) == 0
    out = capsys.readouterr().out
    assert "1.40 % (declared) as lead_to_customer" in out
    assert "1.40 % (declared)  unchanged" in out
    # The old id finds the same node.
    assert main(["history", "goals.yaml", "lead_to_customer", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["node"] == "win_rate"
    assert [r["targets"]["win_rate"]["id"] for r in document["revisions"]] == ["lead_to_customer", "win_rate"]


def test_without_a_node_a_compact_table_of_every_target(repository, capsys):
    assert main(["history", "goals.yaml"]) == 0
    out = capsys.readouterr().out
    short_ids = [line.split()[0] for line in repository.git("log", "--format=%h", "--abbrev=7").split()]
    assert all(short in out for short in short_ids)
    lines = out.splitlines()
    revenue = next(line for line in lines if line.startswith("revenue "))
    assert revenue.split() == ["revenue", "63", "000", "000", "70", "000", "000"]
    customers = next(line for line in lines if line.startswith("customers "))
    assert "70*" in customers and "77.78*" in customers
    assert any(line.startswith("newsletter ") for line in lines)  # removed later, still listed
    assert any(line.startswith("webinars ") for line in lines)
    assert SECOND_SUBJECT in out


def test_uncommitted_edits_appear_as_the_working_copy(repository, capsys):
    repository.goals.write_text(new_text().replace("target: 70000000", "target: 75000000"), encoding="utf-8")
    assert main(["history", "goals.yaml", "revenue"]) == 0
    out = capsys.readouterr().out
    assert "working copy" in out and "75 000 000 (declared)  +7.1 %" in out


def test_a_move_too_small_for_the_usual_digits_shows_the_digits_that_tell_it(repository, capsys):
    # 70 000 000 → 70 000 000.4 is +0.4 / 70 000 000 = +0.00000057 %, the first decimal that shows it +0.000001 %;
    # both amounts read "70 000 000" at the usual digits, so every row of the two gets the decimal that tells
    # them apart; 63 000 000 is told from both without one.
    repository.goals.write_text(new_text().replace("target: 70000000", "target: 70000000.4"), encoding="utf-8")
    assert main(["history", "goals.yaml", "revenue"]) == 0
    out = capsys.readouterr().out
    assert "63 000 000 (declared)\n" in out
    assert "70 000 000.0 (declared)  +11.1 %" in out
    assert "70 000 000.4 (declared)  +0.000001 %" in out


def test_the_history_follows_a_renamed_file(repository, capsys):
    repository.git("mv", "goals.yaml", "plan-2027.yaml")
    repository.commit(new_text().replace("target: 12\n", "target: 14\n"), "Rename, and two more events", name="plan-2027.yaml")
    history = file_history("plan-2027.yaml")
    assert [r.commit.path for r in history.revisions] == ["goals.yaml", "goals.yaml", "plan-2027.yaml"]
    assert [target.target for _, target in history.targets_of("events")] == [12, 12, 14]


def test_a_revision_that_does_not_load_is_shown_not_hidden(repository, capsys):
    repository.commit("goaltree: 1\nid: [broken\n", "Broken for a moment")
    repository.commit(new_text(), "Fixed")
    assert main(["history", "goals.yaml", "revenue"]) == 0
    out = capsys.readouterr().out
    assert "not evaluated:" in out and "Broken for a moment" in out
    assert main(["history", "goals.yaml"]) == 0
    assert "not evaluated:" in capsys.readouterr().out


def test_a_revision_whose_targets_cannot_be_derived_is_not_evaluated(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    repo = make_repository(tmp_path / "repo")
    repo.commit(UNSPLIT, "Plan")  # events = 4 000 − 3 000 = 1 000
    # leads = web + events with two unknowns and no baselines to split by: E010, as `goaltree check` says.
    repo.commit(UNSPLIT_BROKEN, "Drop the web target")
    repo.commit(UNSPLIT, "Restore")
    monkeypatch.chdir(repo.root)
    broken = repo.git("rev-parse", "--short", "HEAD~1").strip()
    first = repo.git("rev-parse", "--short", "HEAD~2").strip()
    assert main(["history", "goals.yaml", "events"]) == 0
    out = capsys.readouterr().out
    assert f"not evaluated: {broken}:goals.yaml:7:" in out and "error E010 [leads]" in out
    assert "(no target)" not in out
    assert f"1 000 (derived)  unchanged since {first} ({broken} could not be read)" in out
    assert main(["history", "goals.yaml"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"^events\s+1 000\*\s+\?\s+1 000\*$", table, re.MULTILINE)
    assert main(["history", "goals.yaml", "events", "--format", "json"]) == 0
    revisions = json.loads(capsys.readouterr().out)["revisions"]
    assert [revision["targets"].get("events", {}).get("target") for revision in revisions] == [4000 - 3000, None, 4000 - 3000]
    assert revisions[1]["targets"] == {} and "E010" in revisions[1]["error"]


def test_a_revision_that_is_not_utf8_text_is_shown_not_evaluated(repository, capsys):
    (repository.root / "goals.yaml").write_bytes(b"\xff\xfe" + old_text().encode("utf-16-le"))
    repository.git("add", "goals.yaml")
    repository.git("commit", "-q", "-m", "Saved as UTF-16 by mistake")
    repository.commit(new_text(), "Back to UTF-8")
    assert main(["history", "goals.yaml", "revenue"]) == 0
    out = capsys.readouterr().out
    assert "Saved as UTF-16 by mistake" in out and "not UTF-8 text" in out and "not evaluated:" in out
    assert "Back to UTF-8" in out and "70 000 000" in out  # the revisions around it still evaluated


def test_a_node_removed_later_and_an_unknown_node(repository, capsys):
    assert main(["history", "goals.yaml", "newsletter"]) == 0
    out = capsys.readouterr().out
    assert "2 000 (declared)" in out and "not in this revision" in out
    assert main(["history", "goals.yaml", "leeds"]) == 2
    assert "'leeds' is not a node in any revision of goals.yaml (did you mean 'leads'?)" in capsys.readouterr().err


def test_errors_outside_git_and_for_an_uncommitted_file(tmp_path, monkeypatch, capsys, repository):
    (repository.root / "draft.yaml").write_text(old_text(), encoding="utf-8")
    assert main(["history", "draft.yaml"]) == 2
    assert "has no commits" in capsys.readouterr().err

    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "nogit"
    folder.mkdir()
    (folder / "goals.yaml").write_text(old_text(), encoding="utf-8")
    assert main(["history", str(folder / "goals.yaml")]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_an_empty_repository(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "none"))
    repo = make_repository(tmp_path / "empty")
    repo.goals.write_text(old_text(), encoding="utf-8")
    assert main(["history", str(repo.goals)]) == 2
    assert "has no commits yet" in capsys.readouterr().err
    with pytest.raises(GoaltreeError):
        file_history(repo.goals)


def _short(repository) -> str:
    return repository.git("rev-parse", "HEAD").strip()[:7]


def test_after_a_revision_that_could_not_be_read_the_move_is_told_from_the_last_value(repository, capsys):
    # Revisions: 63 MSEK, 70 MSEK, a broken file, 65 MSEK. The last move is against 70 000 000, the last value
    # the history had: (65 000 000 − 70 000 000) / 70 000 000 = −7.142857 % → "-7.1 %"; the broken revision
    # in between is named, and nothing says "back": the target never left. avg_order, 100 000 throughout,
    # is unchanged since the last revision that could be read.
    seventy = _short(repository)
    repository.commit("goaltree: 1\nid: [broken\n", "Broken for a moment")
    broken = _short(repository)
    repository.commit(new_text().replace("target: 70000000", "target: 65000000"), "Fixed, and revenue cut to 65 MSEK")
    assert main(["history", "goals.yaml", "revenue"]) == 0
    out = capsys.readouterr().out
    assert f"65 000 000 (declared)  -7.1 % from 70 000 000 in {seventy} ({broken} could not be read)\n" in out
    assert "back" not in out
    assert main(["history", "goals.yaml", "avg_order"]) == 0
    out = capsys.readouterr().out
    assert f"100 000 (declared)  unchanged since {seventy} ({broken} could not be read)\n" in out
    assert "back" not in out


def test_back_only_when_a_node_returns_at_the_value_it_had(repository, capsys):
    # newsletter: 2 000 in the plan, removed in the second revision, added again at 2 500
    # ((2 500 − 2 000) / 2 000 = +25.0 %: not "back"), removed again, then added again at 2 500: back.
    plan = repository.git("rev-parse", "HEAD~1").strip()[:7]
    with_newsletter = new_text() + EXTRA_OLD.split("  events:")[0]
    repository.commit(with_newsletter.replace("target: 2000", "target: 2500"), "Newsletter again, 2 500")
    again = _short(repository)
    repository.commit(new_text(), "No newsletter")
    repository.commit(with_newsletter.replace("target: 2000", "target: 2500"), "Newsletter back")
    assert main(["history", "goals.yaml", "newsletter"]) == 0
    out = capsys.readouterr().out
    assert f"2 500 (declared)  added again, +25.0 % from 2 000 in {plan}\n" in out
    assert f"2 500 (declared)  back, unchanged since {again}\n" in out
    assert out.count("(declared)  back") == 1


def test_one_value_reads_the_same_in_every_revision(repository, capsys):
    # revenue: 63 000 000, 70 000 000, 70 000 000.4, 70 000 000.4 (a commit that changes another node).
    # 70 000 000 and 70 000 000.4 read alike at the usual digits, so both are written with one decimal
    # wherever they appear; the third and fourth revisions hold the same value and read the same.
    raised = new_text().replace("target: 70000000", "target: 70000000.4")
    repository.commit(raised, "Revenue 70 000 000.4")
    repository.commit(raised.replace("target: 800\n", "target: 900\n"), "More webinars")
    assert main(["history", "goals.yaml", "revenue"]) == 0
    out = capsys.readouterr().out
    assert "70 000 000.0 (declared)  +11.1 %\n" in out
    assert "70 000 000.4 (declared)  +0.000001 %\n" in out
    assert "70 000 000.4 (declared)  unchanged\n" in out
    assert "70 000 000 (declared)" not in out
    assert main(["history", "goals.yaml"]) == 0
    revenue = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("revenue "))
    assert re.split(r" {2,}", revenue.strip()) == ["revenue", "63 000 000", "70 000 000.0", "70 000 000.4", "70 000 000.4"]
