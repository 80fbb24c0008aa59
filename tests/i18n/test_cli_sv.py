"""The command line's own sentences in Swedish: explain, check and its CI summary, init, pull, scenarios, sensitivity.

Each test runs the real command (``goaltree.cli.main``) on a goal file that
says ``language: sv`` and compares with Swedish written by hand: the plural
forms (``1 varning``, ``2 varningar``), the decimal comma, Swedish dates.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import DATA

from goaltree.cli import main

ROOT = Path(__file__).resolve().parents[2]


def swedish(text: str) -> str:
    """A goal file's text with ``language: sv`` after its top-level ``owner:``."""
    return text.replace("owner: Head of Marketing\n", "owner: Head of Marketing\nlanguage: sv\n", 1)


@pytest.fixture
def funnel(tmp_path: Path) -> Path:
    """The seed funnel, in Swedish."""
    path = tmp_path / "goals.yaml"
    path.write_text(swedish((DATA / "funnel.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    return path


def channel(name: str) -> str:
    # A vague title (a warning, S001) under a parent that does not exist (an error, E004).
    return f"""  {name}:
    title: Better {name}
    parent: growht
    unit: count
    target: 100
"""


def flawed(tmp_path: Path, name: str, channels: int) -> Path:
    """A Swedish goal file with one error and one warning per channel."""
    path = tmp_path / name
    head = """\
goaltree: 1
id: acme
title: Acme
owner: Head of Marketing
language: sv
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  growth:
    title: Growth
    type: objective
"""
    path.write_text(head + "".join(channel(f"channel_{i}") for i in range(channels)), encoding="utf-8")
    return path


def test_explain_speaks_swedish(funnel, capsys):
    assert main(["explain", str(funnel), "revenue", "--as-of", "2027-06-30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "  typ KPI, ansvarig Head of Marketing, slutdatum 31 december 2027"
    assert lines[2] == "  formel: revenue = customers * clv"
    assert "Mål 63 000 000 (angivet)" in lines
    assert "Utfall 27 000 000 (beräknat från barnnoderna)" in lines
    assert "Takt per 30 juni 2027: förväntat 31 241 096, framsteg 42,9 % mot förväntat 49,6 %, status risk" in lines
    assert "  prognos vid slutdatum: 53 783 926" in lines
    assert "Gapet −4 241 096, per barnnod:" in lines
    assert "  customers: −4 241 096 (100 % av gapet)" in lines


def test_explain_names_a_derived_target_and_a_measured_actual(funnel, capsys):
    main(["explain", str(funnel), "leads", "--as-of", "2027-06-30"])
    lines = capsys.readouterr().out.splitlines()
    assert "Mål 5 000 (härlett)" in lines
    assert "Utfall 2 500 (uppmätt)" in lines
    assert "  barnnoderna ger 2 500" in lines
    assert any(line.startswith("  - lead_to_customer: 1,40 % — ") for line in lines)  # the derivation's words are the engine's
    assert "  visits: 20,55 (100 % av gapet)" in lines


def test_language_en_over_a_swedish_file_gives_english(funnel, capsys):
    main(["explain", str(funnel), "revenue", "--as-of", "2027-06-30", "--language", "en"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "  type kpi, owner Head of Marketing, deadline 2027-12-31"
    assert "Target 63 000 000 (declared)" in lines
    assert "Actual 27 000 000 (rolled_up)" in lines
    assert "Pace at 2027-06-30: expected 31 241 096, progress 42.9 % of 49.6 % expected, status at_risk" in lines
    assert "  customers: -4 241 096 (100% of the gap)" in lines
    assert "  clv: 0 (0% of the gap)" in lines  # clv is on pace: a share that rounds to nothing is 0, never -0

    main(["check", str(funnel), "--language", "en"])
    assert capsys.readouterr().err.splitlines()[-1] == "1 file checked: no problems"


def test_checks_closing_line_counts_the_swedish_way(funnel, tmp_path, capsys):
    one = flawed(tmp_path, "one.yaml", 1)
    two = flawed(tmp_path, "two.yaml", 2)
    assert main(["check", str(one)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "1 fil kontrollerad: 1 fel, 1 varning, 0 noteringar"
    main(["check", str(two)])
    assert capsys.readouterr().err.splitlines()[-1] == "1 fil kontrollerad: 2 fel, 2 varningar, 0 noteringar"
    main(["check", str(one), str(two)])
    assert capsys.readouterr().err.splitlines()[-1] == "2 filer kontrollerade: 3 fel, 3 varningar, 0 noteringar"
    assert main(["check", str(funnel)]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == "1 fil kontrollerad: inga problem"


def test_an_unreadable_file_and_the_error_line_in_swedish(funnel, tmp_path, capsys):
    missing = tmp_path / "saknas.yaml"
    assert main(["check", str(funnel), str(missing)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"goaltree: fel: {missing}")
    assert err[-1] == "1 fil kontrollerad; 1 kunde inte läsas"

    assert main(["explain", str(funnel), "revenu"]) == 2
    assert capsys.readouterr().err.startswith(f"goaltree: fel: ingen nod 'revenu' i {funnel}")


def test_the_github_step_summary_in_swedish(tmp_path, capsys, monkeypatch):
    summary = tmp_path / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    path = flawed(tmp_path, "goals.yaml", 2)
    main(["check", str(path), "--format", "github"])
    annotations = capsys.readouterr().out.splitlines()
    assert annotations[0].startswith("::")  # the workflow commands themselves stay as GitHub reads them
    lines = summary.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "### goaltree check"
    assert lines[2] == "1 målfil kontrollerad: 2 fel, 2 varningar, 0 noteringar."
    assert lines[4] == "| var | allvarlighet | kod | nod | meddelande |"
    rows = lines[6:10]
    assert [row.split(" | ")[1] for row in rows].count("fel") == 2
    assert [row.split(" | ")[1] for row in rows].count("varning") == 2
    assert sum(" | E004 | " in row for row in rows) == 2  # the rule codes stay as they are


def test_init_says_what_it_created_in_swedish(tmp_path, capsys):
    target = tmp_path / "projekt"
    assert main(["init", str(target), "--language", "sv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"skapade {target} från mallen b2b-funnel:"
    assert "nästa steg:" in lines
    assert f"  goaltree check {target / 'goals.yaml'}" in lines

    assert main(["init", str(tmp_path / "x"), "--template", "b2b-funel", "--language", "sv"]) == 2
    assert capsys.readouterr().err.startswith("goaltree: fel: ingen mall 'b2b-funel'")


def test_pull_before_the_period_says_so_in_swedish(funnel, tmp_path, capsys):
    assert main(["pull", str(funnel), "-o", str(tmp_path / "s.json"), "--as-of", "2026-06-30"]) == 1
    assert capsys.readouterr().err.strip() == (
        "goaltree: inget att hämta: perioden börjar 1 januari 2027, efter 30 juni 2026; "
        "ingen ögonblicksbild skriven (hämta från och med 1 januari 2027, eller med --as-of)"
    )


def test_the_scenarios_table_in_swedish(tmp_path, capsys):
    project = tmp_path / "b2b-funnel"
    shutil.copytree(ROOT / "examples" / "b2b-funnel", project)
    goals = project / "goals.yaml"
    text = goals.read_text(encoding="utf-8")
    goals.write_text(text.replace("\nperiod:", "\nlanguage: sv\nperiod:", 1), encoding="utf-8")
    assert main(["scenarios", str(goals)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "nod"
    assert "1,40 %" in next(line for line in lines if line.startswith("lead_to_customer"))
    hidden = next(line for line in lines if "samma mål" in line)
    assert hidden.endswith(" andra noder har samma mål i alla scenarier (--all visar dem).")

    main(["scenarios", str(goals), "--language", "en"])
    out = capsys.readouterr().out
    assert out.startswith("node ")
    assert "other node(s) have the same target in every scenario (--all shows them)." in out


def test_the_sensitivity_table_in_swedish(funnel, capsys):
    assert main(["sensitivity", str(funnel), "--step", "2.5%"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "revenue = 63 000 000 enligt målen; varje indata flyttad ±2,5 % (låg, hög: revenue då)"
    assert lines[1].split() == ["indata", "värde", "elasticitet", "låg", "hög"]
    assert "1,40 %" in next(line for line in lines if line.startswith("lead_to_customer"))

    main(["sensitivity", str(funnel), "--step", "2.5%", "--language", "en"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "revenue = 63 000 000 on targets; each input moved by ±2.5 % (low, high: revenue then)"
    assert lines[1].split() == ["input", "value", "elasticity", "low", "high"]


def test_a_bad_step_is_refused_in_swedish(funnel, capsys):
    assert main(["sensitivity", str(funnel), "--step", "150%"]) == 2
    assert capsys.readouterr().err.strip() == "goaltree: fel: --step ska vara över 0 och under 100 % (0 < step < 1), inte '150%'"


def test_a_negative_elasticity_is_written_with_the_languages_minus(tmp_path, capsys):
    # kunder = budget / kostnad_per_kund. Moved ±25 %, the cost gives 1/1.25 = 0.8 and 1/0.75 = 1.3333 of the
    # value: (0.8 − 1.3333) / (2 × 0.25) = −1.06667 (by hand); the budget gives (1.25 − 0.75) / 0.5 = 1.
    goals = tmp_path / "kunder.yaml"
    goals.write_text(
        "goaltree: 1\n"
        "id: kunder\n"
        "title: Kunder ur budgeten\n"
        "language: sv\n"
        "owner: Marknadschef\n"
        "period: {start: 2027-01-01, end: 2027-12-31}\n"
        "nodes:\n"
        "  kunder:\n"
        "    title: 100 nya kunder\n"
        "    unit: count\n"
        "    formula: budget / kostnad_per_kund\n"
        "  budget:\n"
        "    title: En budget på 1 000 000 kr\n"
        "    type: driver\n"
        "    unit: SEK\n"
        "    target: 1000000\n"
        "  kostnad_per_kund:\n"
        "    title: 10 000 kr per ny kund\n"
        "    type: driver\n"
        "    unit: SEK\n"
        "    target: 10000\n",
        encoding="utf-8",
    )
    assert main(["sensitivity", str(goals), "--step", "25%"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split() == ["kostnad_per_kund", "10", "000", "−1,06667", "133,3", "80"]
    assert lines[3].split() == ["budget", "1", "000", "000", "1", "75", "125"]
    main(["sensitivity", str(goals), "--step", "25%", "--language", "en"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split() == ["kostnad_per_kund", "10", "000", "-1.06667", "133.3", "80"]


def test_a_date_option_that_is_not_a_date_is_refused_in_swedish(funnel, tmp_path, capsys):
    # argparse reads --as-of before --language; the refusal waits for the language (docs/languages.md).
    missing = tmp_path / "saknas.yaml"
    assert main(["evaluate", str(missing), "--as-of", "31-12-2027", "--language", "sv"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("usage: goaltree evaluate")
    assert err[-1] == (
        "goaltree evaluate: fel: argumentet --as-of: '31-12-2027' ska vara ett datum (ÅÅÅÅ-MM-DD); "
        "skrivet D-M-ÅÅÅÅ är det 31 december 2027: skriv 2027-12-31"
    )
    # The goal file's language: sv serves as well; English stays as argparse writes it.
    assert main(["report", str(funnel), "-o", str(tmp_path / "r.html"), "--as-of", "30 juni"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "goaltree report: fel: argumentet --as-of: '30 juni' ska vara ett datum (ÅÅÅÅ-MM-DD), till exempel 2027-03-31"
    )
    assert main(["evaluate", str(funnel), "--as-of", "31-12-2027", "--language", "en"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "goaltree evaluate: error: argument --as-of: '31-12-2027' should be a date (YYYY-MM-DD); "
        "written D-M-YYYY, this is 31 December 2027: write 2027-12-31"
    )



@pytest.mark.parametrize(
    ("date", "english", "swedish"),
    [
        (
            "2027-06-31",
            "the day does not exist in that month (June 2027 has 30 days)",
            "dagen finns inte i den månaden (juni 2027 har 30 dagar)",
        ),
        (
            "2027-02-29",
            "the day does not exist in that month (February 2027 has 28 days)",
            "dagen finns inte i den månaden (februari 2027 har 28 dagar)",
        ),
        (
            "2028-02-30",
            "the day does not exist in that month (February 2028 has 29 days)",
            "dagen finns inte i den månaden (februari 2028 har 29 dagar)",
        ),
        ("2027-13-01", "the month must be 1-12", "månaden måste vara 1-12"),
    ],
)
def test_a_date_option_in_the_right_form_says_what_is_wrong_with_its_month_or_day(funnel, capsys, date, english, swedish):
    # Written YYYY-MM-DD already: "write it as YYYY-MM-DD" would send the user looking in the wrong place.
    assert main(["evaluate", str(funnel), "--as-of", date, "--language", "en"]) == 2
    english_line = f"goaltree evaluate: error: argument --as-of: '{date}' should be a date (YYYY-MM-DD): {english}"
    assert capsys.readouterr().err.splitlines()[-1] == english_line
    assert main(["evaluate", str(funnel), "--as-of", date]) == 2
    swedish_line = f"goaltree evaluate: fel: argumentet --as-of: '{date}' ska vara ett datum (ÅÅÅÅ-MM-DD): {swedish}"
    assert capsys.readouterr().err.splitlines()[-1] == swedish_line


FOLLOWERS = """\
goaltree: 1
id: foljare
title: Sociala medier 2027
language: sv
period: {start: 2027-01-01, end: 2027-12-31}
owner: Varumärkesansvarig
nodes:
  foljartillvaxt:
    title: Följarna på Linkedin ökar med 30 % under 2027
    kpi: follower_growth
    target: 0.3
    inputs: {followers: foljare, followers_start: foljare_start}
  foljare:
    title: Linkedin-sidan har 2 600 följare vid årets slut
    unit: count
    actuals: {2027-03-31: 2150, 2027-06-30: 2290}
  foljare_start:
    title: Linkedin-sidan hade 2 000 följare vid årets start
    type: driver
    unit: count
    target: 2000
"""


def test_one_planning_assumption_is_counted_in_the_singular(tmp_path, capsys):
    # foljare_start is the one assumption ("1 antaganden" read wrong); the plural stays for more.
    goals = tmp_path / "goals.yaml"
    goals.write_text(FOLLOWERS, encoding="utf-8")
    main(["evaluate", str(goals), "--as-of", "2027-06-30"])
    assert "3 noder: 1 i fas, 1 risk; 1 antagande (ett planeringsantagande som ingen mäter, inte bedömt). * = härlett mål" in capsys.readouterr().out
    main(["evaluate", str(goals), "--as-of", "2027-06-30", "--language", "en"])
    assert "3 nodes: 1 on track, 1 at risk; 1 assumed (a planning assumption nobody measures, not scored). * = derived target" in capsys.readouterr().out
    goals.write_text(FOLLOWERS + "  foljare_mal:\n    title: Målet 2 600 följare\n    type: driver\n    unit: count\n    target: 2600\n", encoding="utf-8")
    main(["evaluate", str(goals), "--as-of", "2027-06-30"])
    assert "; 2 antaganden (planeringsantaganden som ingen mäter, inte bedömda)." in capsys.readouterr().out
