"""diff, history and rollover in Swedish: a real git repository with two commits of a Swedish goal file.

The first commit is the plan; the second raises the revenue target from 63 to
70 MSEK (moving the derived customers and leads), removes the trade fairs and
adds the podcast. Every expected sentence is written here by hand, the Swedish
way (decimal comma, a space between thousands, Swedish month names), and each
would fail if the text were left in English.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from goaltree.cli import main

PLAN = """\
goaltree: 1
id: marknad-2027
title: Marknadens bidrag till intäkterna 2027
language: sv
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marknadschef

nodes:
  growth:
    title: Marknaden driver tillväxten
    type: objective
    rollup: progress
  revenue:
    title: Intäkter från nya kunder
    parent: growth
    unit: SEK
    target: 63000000
    formula: customers * deal_size
  customers:
    title: Nya kunder från marknadens leads
    unit: count
    formula: leads * lead_to_customer
  deal_size:
    title: Kundvärde per affär
    type: driver
    unit: SEK
    target: 900000
  lead_to_customer:
    title: Andel leads som blir kunder
    type: driver
    unit: ratio
    target: 0.014
  leads:
    title: Kvalificerade leads
    unit: count
    actuals: {2027-03-31: 1200, 2027-06-30: 2600}
  events:
    title: Leads från mässor
    parent: growth
    unit: count
    target: 400
"""

EVENTS = """\
  events:
    title: Leads från mässor
    parent: growth
    unit: count
    target: 400
"""

PODCAST = """\
  podcast:
    title: Lyssnare på B2B-podden
    parent: growth
    unit: count
    target: 5000
"""

REVISION = PLAN.replace("target: 63000000", "target: 70000000").replace(EVENTS, PODCAST)


def git(root: Path, *arguments: str, date: str | None = None) -> str:
    environment = dict(os.environ)
    if date:
        environment.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    result = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=False, env=environment)
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit(root: Path, text: str, message: str, author: str, date: str) -> None:
    (root / "goals.yaml").write_text(text, encoding="utf-8")
    git(root, "add", "goals.yaml")
    git(root, "-c", f"user.name={author}", "-c", "user.email=marknad@example.com", "commit", "-q", "-m", message, date=date)


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The plan (15 March 2027) and its revision (20 April 2027), the repository the current folder."""
    if shutil.which("git") is None:  # pragma: no cover - git is part of the system set-up
        pytest.fail("git is needed for these tests")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "commit.gpgsign", "false")
    commit(root, PLAN, "Målen för 2027", "Anna Berg", "2027-03-15T09:00:00+01:00")
    commit(root, REVISION, "Högre intäktsmål, podden ersätter mässorna", "Erik Lund", "2027-04-20T14:30:00+02:00")
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- diff ---------------------------------------------------------------------------------------


def test_diff_between_two_commits_speaks_the_new_revisions_swedish(repository, capsys):
    # NEW is read from git, so only its loaded text can say `language: sv`.
    code, out, err = run(capsys, "diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Ändrade mål: HEAD~1:goals.yaml → HEAD:goals.yaml (mål per 1 januari 2027)"
    assert "Tillagda (1)" in lines
    assert "  + podcast: Lyssnare på B2B-podden — mål 5 000, matar growth" in lines
    assert "Borttagna (1)" in lines
    assert "  - events: Leads från mässor — målet var 400, matade growth" in lines
    assert "Ändrade (1)" in lines
    assert "      target: 63 000 000 → 70 000 000 (+11,1 %)" in lines  # the field is the YAML key
    assert "Härledda mål (2)" in lines
    assert (
        "  revenue 63 000 000 → 70 000 000 (+11,1 %) ⇒ customers 70 → 77,78 (+11,1 %), leads 5 000 → 5 556 (+11,1 %)"
        in lines
    )


def test_diff_of_the_working_copy_speaks_swedish_too(repository, capsys):
    (repository / "goals.yaml").write_text(REVISION.replace("target: 5000", "target: 6000"), encoding="utf-8")
    code, out, _ = run(capsys, "diff", "HEAD:goals.yaml", "goals.yaml")
    assert code == 0
    assert "Ändrade mål: HEAD:goals.yaml → goals.yaml (mål per 1 januari 2027)" in out
    assert "      target: 5 000 → 6 000 (+20,0 %)" in out.splitlines()


def test_diff_of_identical_revisions_says_so_in_swedish(repository, capsys):
    code, out, _ = run(capsys, "diff", "HEAD:goals.yaml", "HEAD:goals.yaml")
    assert code == 0
    assert out.splitlines()[-1] == "Inga ändringar i målen."


def test_diff_as_a_pull_request_comment_in_swedish(repository, capsys):
    code, out, _ = run(capsys, "diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml", "--format", "md")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "### Ändrade mål: `HEAD~1:goals.yaml` → `HEAD:goals.yaml`"
    assert "**1** tillagd · **1** borttagen · **1** ändrad · **2** härledda mål ändrade" in lines
    assert "#### Tillagda" in lines and "#### Borttagna" in lines and "#### Härledda mål" in lines
    assert "| nod | titel | mål | matar |" in lines
    assert "| `podcast` | Lyssnare på B2B-podden | 5 000 | growth |" in lines
    assert "| nod | titel | målet var |" in lines
    assert "| nod | fält | före | efter | ändring |" in lines
    assert "| `revenue` | target | 63 000 000 | 70 000 000 | +11,1 % |" in lines
    assert "| nod | före | efter | ändring | på grund av |" in lines
    assert "| `customers` | 70 | 77,78 | +11,1 % | `revenue` |" in lines
    assert "#### Vad som ändrades i målträdet" in lines
    assert '  n_podcast["<b>podcast</b> Lyssnare på B2B-podden<br/>tillagd, mål 5 000"]:::added' in lines
    assert '  r_events["<b>events</b> Leads från mässor<br/>borttagen"]:::removed' in lines
    assert "<br/>mål 63 000 000 → 70 000 000 #40;+11,1 %#41;" in out


def test_diff_with_language_en_on_a_swedish_file_is_english(repository, capsys):
    code, out, _ = run(capsys, "diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml", "--language", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Goal changes: HEAD~1:goals.yaml → HEAD:goals.yaml (targets as of 2027-01-01)"
    assert "  + podcast: Lyssnare på B2B-podden — target 5 000, feeds growth" in lines
    assert "  - events: Leads från mässor — target was 400, fed growth" in lines
    assert "Derived targets (2)" in lines
    code, out, _ = run(capsys, "diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml", "--format", "md", "--language", "en")
    assert "**1** added · **1** removed · **1** changed · **2** derived targets moved" in out.splitlines()
    assert '<br/>removed"]:::removed' in out


# --- history ------------------------------------------------------------------------------------


def test_history_table_in_swedish(repository, capsys):
    code, out, err = run(capsys, "history", "goals.yaml")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "goals.yaml: mål i 2 versioner (* = härlett)"
    assert lines[2].split()[0] == "nod"
    assert lines[3].split() == ["15", "mars", "2027", "20", "april", "2027"]
    assert next(line for line in lines if line.startswith("customers")).split() == ["customers", "70*", "77,78*"]
    assert next(line for line in lines if line.startswith("lead_to_customer")).split() == ["lead_to_customer", "1,40", "%", "1,40", "%"]
    assert any(line.endswith("Anna Berg  Målen för 2027") and "15 mars 2027" in line for line in lines)


def test_history_of_a_node_in_swedish(repository, capsys):
    (repository / "goals.yaml").write_text(REVISION + "# ett utkast\n", encoding="utf-8")
    code, out, _ = run(capsys, "history", "goals.yaml", "revenue")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "revenue — Intäkter från nya kunder (goals.yaml, 3 versioner)"
    first = next(line for line in lines if line.startswith("15 mars 2027"))
    assert first.endswith("Anna Berg  63 000 000 (angivet)")
    second = next(line for line in lines if line.startswith("20 april 2027"))
    assert second.endswith("Erik Lund  70 000 000 (angivet)  +11,1 %")
    working = next(line for line in lines if line.startswith("(ej incheckad)"))
    assert working.split()[2] == "arbetskopia" and working.endswith("70 000 000 (angivet)  oförändrat")
    assert "    ej incheckade ändringar i arbetskopian" in lines


def test_history_of_a_derived_and_a_removed_node_in_swedish(repository, capsys):
    code, out, _ = run(capsys, "history", "goals.yaml", "customers")
    assert "customers — Nya kunder från marknadens leads (goals.yaml, 2 versioner)" in out
    assert "77,78 (härlett)  +11,1 %" in out
    code, out, _ = run(capsys, "history", "goals.yaml", "events")
    assert out.splitlines()[-2].endswith("finns inte i den här versionen")


def test_history_of_an_unknown_node_is_a_swedish_error(repository, capsys):
    code, _, err = run(capsys, "history", "goals.yaml", "kunder")
    assert code == 2
    assert "'kunder' är ingen nod i någon version av goals.yaml" in err


def test_history_with_language_en_is_english(repository, capsys):
    code, out, _ = run(capsys, "history", "goals.yaml", "revenue", "--language", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "revenue — Intäkter från nya kunder (goals.yaml, 2 revisions)"
    assert next(line for line in lines if line.startswith("2027-04-20")).endswith("70 000 000 (declared)  +11.1 %")


# --- rollover -----------------------------------------------------------------------------------


def test_rollover_to_the_second_half_carries_what_remains_in_swedish(repository, capsys):
    code, out, err = run(capsys, "rollover", "goals.yaml", "--to", "2027-H2", "-o", "h2.yaml", "--as-of", "2027-06-30")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Skrev h2.yaml: 1 juli 2027–31 december 2027, utfall per 30 juni 2027"
    assert lines[1].split() == ["revenue", "förs", "över", "mål", "70", "000", "000", "→", "22", "120", "000"]
    assert lines[2].split()[:4] == ["deal_size", "antagande,", "oförändrat", "mål"]
    assert "podcast" in lines[4] and "behålls" in lines[4]
    text = (repository / "h2.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# Överförd med `goaltree rollover` från goals.yaml (2027) till 2027-H2, utfall per 30 juni 2027.\n"
        "# Mål vars slutdatum har passerat behåller sin nivå (ett flöde i samma takt) med förra periodens\n"
        "# resultat som utgångsläge; mål som fortfarande löper för över det som återstår.\n"
        "# Uppnådda mål taggas achieved-2027."
    )
    nodes = yaml.safe_load(text)["nodes"]
    assert nodes["revenue"]["description"] == (
        "Överföring från 2027 den 30 juni 2027: 47 880 000 av 70 000 000 nått, 22 120 000 återstår."
    )
    assert nodes["podcast"]["description"] == "Överföring från 2027 den 30 juni 2027: inget utfall, så målet förs över oförändrat."


def test_a_second_rollover_replaces_the_swedish_note(repository, capsys):
    assert main(["rollover", "goals.yaml", "--to", "2027-H2", "-o", "h2.yaml", "--as-of", "2027-06-30"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "rollover", "h2.yaml", "--to", "2028", "-o", "next.yaml")
    assert code == 0
    assert out.splitlines()[0] == "Skrev next.yaml: 1 januari 2028–31 december 2028, utfall per 31 december 2027"
    assert "avslutat, förnyat" in out.splitlines()[1]
    description = yaml.safe_load((repository / "next.yaml").read_text(encoding="utf-8"))["nodes"]["podcast"]["description"]
    assert description == (
        "Överföring från 2027-H2 den 31 december 2027: avslutat utan utfall; "
        "slutdatumet 31 december 2027 har passerat, så 2028 behåller målet."
    )


def test_rollover_refuses_in_swedish(repository, capsys):
    code, _, err = run(capsys, "rollover", "goals.yaml", "--to", "2026")
    assert code == 2
    assert "--to 2026 börjar 2026-01-01, inte efter den gamla periodens start 2027-01-01; rollover flyttar en målfil framåt" in err
    code, _, err = run(capsys, "rollover", "goals.yaml", "--to", "2027-Q5")
    assert "'2027-Q5' är ingen period; skriv 2027-Q3, 2027-H2, 2028 eller START..END" in err


def test_rollover_with_language_en_on_a_swedish_file_is_english(repository, capsys):
    code, out, _ = run(capsys, "rollover", "goals.yaml", "--to", "2028", "-o", "next.yaml", "--as-of", "2027-06-30", "--language", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Wrote next.yaml: 2028-01-01..2028-12-31, actuals as of 2027-06-30"
    assert lines[1].split()[:3] == ["revenue", "finished,", "renewed"]
    text = (repository / "next.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Rolled over by `goaltree rollover` from goals.yaml (2027) to 2028, actuals as of 2027-06-30.\n")
    description = yaml.safe_load(text)["nodes"]["revenue"]["description"]
    assert description.startswith("Rollover from 2027 on 2027-06-30: finished with 47 880 000 of 70 000 000 reached;")
