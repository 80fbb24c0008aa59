"""Metric sources in Swedish: a goal file with ``language: sv`` hears of its sources' failures in Swedish.

Each test writes a real project in ``tmp_path`` (a CSV file, a SQLite
database, a goal file that says ``language: sv``) and runs the real command
line. The expected sentences are written out by hand; the rule code, the node
id in brackets and the severity word of a located line stay English, only the
message after them is translated. ``--language en`` on the same file gives the
English that goaltree has always printed.
"""

from __future__ import annotations

import io
import re
import sqlite3
import time
from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.present.language import _, use_language
from goaltree.sources.progress import FetchProgress

AS_OF = "2027-06-30"
SECRET_VARIABLE = "GOALTREE_SV_TEST_DB_PASSWORD"

GOALS = """\
goaltree: 1
id: marknad-2027
title: Marknadens bidrag till intäkterna 2027
language: sv
period: {{start: 2027-01-01, end: 2027-12-31}}
owner: Marknadschef

sources:
  crm: {{type: csv, path: data/affarer.csv, date_column: stangd}}
  saknas: {{type: csv, path: data/finns_inte.csv, date_column: stangd}}
  lager: {{type: sql, url: "sqlite:///data/lager.db"}}
  moln: {{type: sql, url: "postgresql://rapport:${{{secret}}}@db.internal/salj"}}

nodes:
  intakter:
    title: Intäkter 1 000 000 kr 2027
    unit: SEK
    target: 1000000
    formula: webb + event + kolumnfel + kommentar + skrivande + tva_satser + moln_intakter + saknade
  webb:
    title: Intäkter från webben 400 000 kr
    unit: SEK
    target: 400000
    metric: {{source: crm, value: belopp, where: "kanal = 'webb'"}}
  event:
    title: Intäkter från event 200 000 kr
    unit: SEK
    target: 200000
    metric: {{source: lager, query: "SELECT dag, belopp FROM affarer WHERE dag BETWEEN :start AND :end"}}
  kolumnfel:
    title: Intäkter från partner 100 000 kr
    unit: SEK
    target: 100000
    metric: {{source: crm, value: belop}}
  kommentar:
    title: Intäkter från mässor 100 000 kr
    unit: SEK
    target: 100000
    metric: {{source: crm, value: "belopp -- utan moms"}}
  skrivande:
    title: Intäkter från kampanjer 50 000 kr
    unit: SEK
    target: 50000
    metric: {{source: lager, query: "WITH d AS (SELECT 1) DELETE FROM affarer"}}
  tva_satser:
    title: Intäkter från rabatter 50 000 kr
    unit: SEK
    target: 50000
    metric: {{source: lager, query: "DELETE FROM affarer"}}
  moln_intakter:
    title: Intäkter från molnet 50 000 kr
    unit: SEK
    target: 50000
    metric: {{source: moln, query: "SELECT dag, belopp FROM affarer"}}
  saknade:
    title: Intäkter från arkivet 50 000 kr
    unit: SEK
    target: 50000
    metric: {{source: saknas, value: belopp}}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Swedish goal file whose sources fail in the usual ways, beside a real CSV file and SQLite database."""
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    monkeypatch.setenv("GOALTREE_ALLOWED_VARIABLES", SECRET_VARIABLE)
    data = tmp_path / "data"
    data.mkdir()
    (data / "affarer.csv").write_text(
        "stangd,belopp,kanal\n2027-01-10,120000,webb\n2027-02-14,80000,event\n2027-03-03,95000,webb\n",
        encoding="utf-8",
    )
    with sqlite3.connect(data / "lager.db") as connection:
        connection.execute("CREATE TABLE affarer (dag TEXT, belopp REAL)")
        connection.executemany("INSERT INTO affarer VALUES (?, ?)", [("2027-01-10", 150000.0), ("2027-05-02", 25000.0)])
    connection.close()
    goals = tmp_path / "goals.yaml"
    goals.write_text(GOALS.format(secret=SECRET_VARIABLE), encoding="utf-8")
    return goals


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def error_of(output: str, node: str) -> str:
    """The message of the one located error about ``node``, after ``file:line:col: error E0xx [node] ``."""
    found = [line for line in output.splitlines() if re.match(rf".*:\d+:\d+: error E0\d\d \[{node}\] ", line)]
    assert len(found) == 1, output
    return found[0].split(f"[{node}] ", 1)[1]


def test_a_missing_csv_file_is_a_located_error_in_swedish(project: Path, capsys) -> None:
    code, output = run(capsys, "evaluate", str(project), "--as-of", AS_OF)

    assert code == 1
    located = next(line for line in output.splitlines() if "[saknade]" in line)
    assert located.startswith(f"{project}:10:")  # the source's `path`, as in English
    assert " error E013 [saknade] " in located  # the severity word and the code stay English
    missing = project.parent / "data" / "finns_inte.csv"
    assert error_of(output, "saknade") == (
        f"källa saknas, nod saknade: filen data/finns_inte.csv finns inte (letade efter {missing})"
    )


def test_a_missing_column_and_a_comment_in_a_value_in_swedish(project: Path, capsys) -> None:
    _code, output = run(capsys, "evaluate", str(project), "--as-of", AS_OF)

    # The "did you mean" after it belongs to goaltree.errors, not to the sources.
    assert error_of(output, "kolumnfel").startswith("källa crm, nod kolumnfel: kolumnen 'belop' finns inte i data/affarer.csv")
    assert error_of(output, "kommentar") == (
        "källa crm, nod kommentar: value 'belopp -- utan moms' avvisas: uttrycket får inte innehålla "
        "SQL-kommentarer (-- eller /* */): de skulle dölja resten av goaltrees fråga"
    )


def test_sql_that_writes_is_refused_by_the_sandbox_in_swedish(project: Path, capsys) -> None:
    _code, output = run(capsys, "evaluate", str(project), "--as-of", AS_OF)

    # SQLite's authorizer refuses the DELETE hidden behind a WITH …
    assert error_of(output, "skrivande") == (
        "källa lager, nod skrivande: frågan avvisas: DELETE affarer är inte tillåtet "
        "(goaltree läser bara källans egen databas)"
    )
    # … and a query that does not start like a reading statement never reaches the database.
    assert error_of(output, "tva_satser") == (
        "källa lager, nod tva_satser: frågan avvisas: den börjar med 'DELETE'; en fråga läser bara: "
        "den börjar med SELECT, WITH, VALUES, TABLE, FROM eller '('"
    )
    with sqlite3.connect(project.parent / "data" / "lager.db") as connection:
        assert connection.execute("SELECT COUNT(*) FROM affarer").fetchone() == (2,)
    connection.close()


def test_an_unset_environment_variable_in_a_url_in_swedish(project: Path, capsys) -> None:
    _code, output = run(capsys, "evaluate", str(project), "--as-of", AS_OF)

    assert error_of(output, "moln_intakter") == (
        f"källa moln, nod moln_intakter: miljövariabeln {SECRET_VARIABLE} är inte satt (används i `url`); "
        "sätt den eller ändra källan"
    )


def test_a_variable_the_environment_does_not_list_in_swedish(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv(SECRET_VARIABLE, "hemligt-123456")
    monkeypatch.setenv("GOALTREE_ALLOWED_VARIABLES", "")
    _code, output = run(capsys, "evaluate", str(project), "--as-of", AS_OF)

    assert error_of(output, "moln_intakter") == (
        f"källa moln, nod moln_intakter: miljövariabeln {SECRET_VARIABLE} (används i `url`) får inte läsas av en "
        "målfil: källor läser bara de variabler som miljön anger i GOALTREE_ALLOWED_VARIABLES, aldrig andra som ett "
        f"CI-jobb har; lägg till den där goaltree körs (GOALTREE_ALLOWED_VARIABLES={SECRET_VARIABLE}) eller ändra källan"
    )
    assert "hemligt-123456" not in output


def test_the_sources_that_work_still_deliver_with_swedish_numbers(project: Path, capsys) -> None:
    _code, output = run(capsys, "evaluate", str(project), "--as-of", AS_OF)

    webb = next(line for line in output.splitlines() if line.strip().startswith("webb "))
    assert "215 000" in webb  # 120 000 + 95 000 of the web channel
    assert "53,8 %" in webb  # of the 400 000 target, with a decimal comma
    event = next(line for line in output.splitlines() if line.strip().startswith("event "))
    assert "175 000" in event


def test_check_names_an_undeclared_source_in_swedish(project: Path, capsys) -> None:
    text = project.read_text(encoding="utf-8").replace("{source: crm, value: belop}", "{source: crn, value: belopp}")
    project.write_text(text, encoding="utf-8")

    code, output = run(capsys, "check", str(project))

    assert code == 1
    assert error_of(output, "kolumnfel").startswith(
        "nod kolumnfel: källan 'crn' är inte deklarerad under `sources` "
        "(deklarerade: crm, lager, moln, saknas; `inline` är inbyggd)"
    )


def test_language_en_on_the_swedish_file_gives_the_english(project: Path, capsys) -> None:
    _code, output = run(capsys, "evaluate", str(project), "--as-of", AS_OF, "--language", "en")

    missing = project.parent / "data" / "finns_inte.csv"
    assert error_of(output, "saknade") == f"source saknas, node saknade: file data/finns_inte.csv not found (looked for {missing})"
    assert error_of(output, "kolumnfel") == "source crm, node kolumnfel: column 'belop' not found in data/affarer.csv (did you mean 'belopp'?)"
    assert error_of(output, "skrivande") == (
        "source lager, node skrivande: query refused: DELETE affarer is not allowed (goaltree only reads the source's own database)"
    )
    assert error_of(output, "tva_satser") == (
        "source lager, node tva_satser: query refused: it starts with 'DELETE'; a query only reads: "
        "it starts with SELECT, WITH, VALUES, TABLE, FROM or '('"
    )
    assert error_of(output, "moln_intakter") == (
        f"source moln, node moln_intakter: environment variable {SECRET_VARIABLE} is not set (used in `url`); "
        "set it or change the source"
    )
    assert error_of(output, "kommentar") == (
        "source crm, node kommentar: value 'belopp -- utan moms' is refused: it may not contain SQL comments "
        "(-- or /* */): they would hide the rest of goaltree's query"
    )


def clean_project(project: Path) -> Path:
    """The project with only the nodes whose sources work, so that `pull` succeeds."""
    head, nodes = project.read_text(encoding="utf-8").split("nodes:\n", 1)
    blocks = re.split(r"(?m)^(?=  \w+:\n)", nodes)
    kept = [block for block in blocks if block.startswith(("  webb:", "  event:"))]
    project.write_text(head + "nodes:\n" + "".join(kept), encoding="utf-8")
    return project


def test_a_stale_snapshot_warns_in_swedish_with_swedish_dates(project: Path, capsys) -> None:
    goals = clean_project(project)
    snapshot = goals.with_name("goals.snapshot.json")
    assert run(capsys, "pull", str(goals), "--as-of", "2027-03-31", "-o", str(snapshot))[0] == 0

    _code, output = run(capsys, "evaluate", str(goals), "--as-of", AS_OF, "--snapshot", str(snapshot))

    warning = next(line for line in output.splitlines() if "warning E027" in line)
    message = warning.split("warning E027 ", 1)[1]
    assert re.fullmatch(
        r"ögonblicksbilden goals\.snapshot\.json hämtades den \d{1,2} [a-zåäö]+ \d{4} med data från 1 januari 2027 "
        r"till 31 mars 2027, men en utvärdering per 30 juni 2027 läser 1 januari 2027 till 30 juni 2027: "
        r"observationerna för 1 april 2027 till 30 juni 2027 saknas, så flöden \(sum\) blir för låga och "
        r"nivåer \(last\) visar en äldre dag; kör `goaltree pull --as-of 2027-06-30` för att uppdatera den",
        message,
    ), message

    _code, english = run(capsys, "evaluate", str(goals), "--as-of", AS_OF, "--snapshot", str(snapshot), "--language", "en")
    assert "with data from 2027-01-01 to 2027-03-31, but evaluating at 2027-06-30 reads 2027-01-01 to 2027-06-30" in english


def test_a_missing_snapshot_is_named_in_swedish(project: Path, capsys) -> None:
    missing = project.with_name("borta.snapshot.json")

    code, output = run(capsys, "evaluate", str(project), "--as-of", AS_OF, "--snapshot", str(missing))

    assert code != 0
    assert f"ögonblicksbilden {missing} finns inte; skriv en med `goaltree pull`" in output


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_speaks_swedish_from_its_own_thread() -> None:
    stream = Terminal()
    with use_language("sv"):
        with FetchProgress(2, stream=stream, delay=0) as bar:
            bar.note(_("{source}: reading {file}", source="crm", file="data/affarer.csv"))  # what a csv source notes
            bar.advance()
            time.sleep(0.25)

    drawn = stream.getvalue()
    assert "hämtar [" in drawn
    assert "1/2 källor  crm: läser data/affarer.csv" in drawn
    assert re.search(r"\(\d+,\d s\)", drawn), drawn  # the seconds with a decimal comma
