"""Numbers, dates and indentation written the way people write them: the error says how a goal file writes them.

The goal files are the ones a Swedish marketing team wrote (``language: sv``):
each test runs ``goaltree check`` on one and reads the whole located line, in
Swedish (the file's language) and in English (``--language en``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.goalfile.notation import date_problem

HEADER = """goaltree: 1
id: t
title: Test
language: sv
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marknadschef
nodes:
"""


def check(tmp_path: Path, text: str, capsys) -> tuple[Path, list[str], list[str]]:
    """The lines ``goaltree check`` prints for ``text``: in the file's Swedish, then in English."""
    path = tmp_path / "goals.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    swedish = capsys.readouterr().out.splitlines()
    assert main(["check", str(path), "--language", "en"]) == 1
    english = capsys.readouterr().out.splitlines()
    return path, swedish, english


def test_a_check_in_date_written_day_first_or_impossible_says_how_to_write_it(tmp_path, capsys):
    path, swedish, english = check(
        tmp_path,
        HEADER
        + """  leads:
    title: 1 600 leads 2027
    unit: count
    target: 1600
    actuals: {31/3/2027: 400, 2027-02-30: 100}
""",
        capsys,
    )
    assert swedish == [
        f"{path}:12:15: error E003 [leads] ogiltigt datum för avstämningen '31/3/2027' i `actuals` i noden 'leads': "
        "ska vara ett datum (ÅÅÅÅ-MM-DD); skrivet D/M/ÅÅÅÅ är det 31 mars 2027: skriv 2027-03-31",
        f"{path}:12:31: error E003 [leads] ogiltigt datum för avstämningen '2027-02-30' i `actuals` i noden 'leads': "
        "ska vara ett datum (ÅÅÅÅ-MM-DD): dagen finns inte i den månaden (februari 2027 har 28 dagar)",
    ]
    assert english == [
        f"{path}:12:15: error E003 [leads] bad check-in date '31/3/2027' in `actuals` of node 'leads': "
        "should be a date (YYYY-MM-DD); written D/M/YYYY, this is 31 March 2027: write 2027-03-31",
        f"{path}:12:31: error E003 [leads] bad check-in date '2027-02-30' in `actuals` of node 'leads': "
        "should be a date (YYYY-MM-DD): the day does not exist in that month (February 2027 has 28 days)",
    ]


def test_a_milestone_date_and_a_deadline_that_read_two_ways_name_both(tmp_path, capsys):
    path, swedish, english = check(
        tmp_path,
        HEADER
        + """  leads:
    title: 1 600 leads 2027
    unit: count
    target: 1600
    deadline: 3/4/2027
    milestones:
      30.6.2027: 800
""",
        capsys,
    )
    assert swedish == [
        f"{path}:12:15: error E003 [leads] ogiltigt värde för 'deadline' i noden 'leads': ska vara ett datum (ÅÅÅÅ-MM-DD); "
        "det kan vara 3 april 2027 eller 4 mars 2027: skriv 2027-04-03 eller 2027-03-04 (angivet: '3/4/2027')",
        f"{path}:14:7: error E003 [leads] ogiltigt datum för milstolpen '30.6.2027' i `milestones` i noden 'leads': "
        "ska vara ett datum (ÅÅÅÅ-MM-DD); skrivet D.M.ÅÅÅÅ är det 30 juni 2027: skriv 2027-06-30",
    ]
    assert english == [
        f"{path}:12:15: error E003 [leads] bad value for 'deadline' in node 'leads': should be a date (YYYY-MM-DD); "
        "this may be 3 April 2027 or 4 March 2027: write 2027-04-03 or 2027-03-04 (got '3/4/2027')",
        f"{path}:14:7: error E003 [leads] bad milestone date '30.6.2027' in `milestones` of node 'leads': "
        "should be a date (YYYY-MM-DD); written D.M.YYYY, this is 30 June 2027: write 2027-06-30",
    ]


def test_a_tab_in_the_indentation_is_named_at_the_tab(tmp_path, capsys):
    path, swedish, english = check(tmp_path, HEADER + "  leads:\n\ttitle: 1 600 leads 2027\n", capsys)
    assert swedish == [
        f"{path}:9:1: error E001 felaktig YAML: ett tabbtecken i indraget; YAML drar in med mellanslag: byt tabben mot mellanslag"
    ]
    assert english == [
        f"{path}:9:1: error E001 malformed YAML: a tab in the indentation; YAML indents with spaces: replace the tab with spaces"
    ]


def test_a_tab_after_spaces_is_located_at_the_tab_itself(tmp_path, capsys):
    path, _swedish, english = check(tmp_path, HEADER + "  leads:\n    title: 1 600 leads\n  \t unit: count\n", capsys)
    assert english == [
        f"{path}:10:3: error E001 malformed YAML: a tab in the indentation; YAML indents with spaces: replace the tab with spaces"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("3/31/2027", "should be a date (YYYY-MM-DD); written M/D/YYYY, this is 31 March 2027: write 2027-03-31"),
        ("5/5/2027", "should be a date (YYYY-MM-DD); written D/M/YYYY, this is 5 May 2027: write 2027-05-05"),
        ("31/2/2027", "should be a date (YYYY-MM-DD): the day does not exist in that month (February 2027 has 28 days)"),
        ("2028-02-30", "should be a date (YYYY-MM-DD): the day does not exist in that month (February 2028 has 29 days)"),
        ("2027-13-01", "should be a date (YYYY-MM-DD): the month must be 1-12"),
        ("2027/03/31", "should be a date (YYYY-MM-DD): write 2027-03-31"),
        ("2027-3-31", "should be a date (YYYY-MM-DD): write 2027-03-31"),
        ("20270331", "should be a date (YYYY-MM-DD): write 2027-03-31"),
        ("Q1", "should be a date (YYYY-MM-DD), such as 2027-03-31"),
    ],
)
def test_date_readings(text, problem):
    assert date_problem(text) == problem
