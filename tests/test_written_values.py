"""Numbers, dates and indentation written the way people write them: the error says how a goal file writes them.

The goal files are the ones a Swedish marketing team wrote (``language: sv``):
each test runs ``goaltree check`` on one and reads the whole located line, in
Swedish (the file's language) and in English (``--language en``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.goalfile.notation import date_problem, number_problem

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


NUMBERS = HEADER + """  intakter:
    title: 1,2 MSEK i ny försäljning 2027
    unit: SEK
    target: 1 200 000
    actuals: {2027-03-31: 250000}
  konvertering:
    title: 2,5 % av besöken blir leads
    type: driver
    unit: ratio
    target: 0,025
  churn:
    title: Kundbortfallet sjunker till 6 %
    unit: "%"
    direction: decrease
    target: 6 %
    aggregate: last
    actuals: {2027-03-31: 7}
  andel:
    title: Andelen återkommande kunder
    target: 6 %
  affar:
    title: Snittaffär
    unit: SEK
    target: 1,200
"""


def test_a_number_written_with_spaces_a_decimal_comma_or_a_percent_sign_says_how_to_write_it(tmp_path, capsys):
    path, swedish, english = check(tmp_path, NUMBERS, capsys)
    assert swedish == [
        f"{path}:11:13: error E003 [intakter] ogiltigt värde för 'target' i noden 'intakter': "
        "ska vara ett tal utan mellanslag: skriv 1200000 (angivet: '1 200 000')",
        f"{path}:17:13: error E003 [konvertering] ogiltigt värde för 'target' i noden 'konvertering': "
        "ska vara ett tal med decimalpunkt, inte decimalkomma: skriv 0.025 (angivet: '0,025')",
        f"{path}:22:13: error E003 [churn] ogiltigt värde för 'target' i noden 'churn': "
        "ska vara ett tal utan '%': skriv 6; `unit: \"%\"` gör det redan till procent (angivet: '6 %')",
        f"{path}:27:13: error E003 [andel] ogiltigt värde för 'target' i noden 'andel': "
        "ska vara ett tal utan '%': skriv 6 med `unit: \"%\"`, eller 0.06 med `unit: ratio` (angivet: '6 %')",
        f"{path}:31:13: error E003 [affar] ogiltigt värde för 'target' i noden 'affar': "
        "ska vara ett tal; det kan vara 1.2 (med decimalkomma) eller 1200 (med tusentalsavgränsare): "
        "skriv det du menar, 1.2 eller 1200 (angivet: '1,200')",
    ]
    assert english == [
        f"{path}:11:13: error E003 [intakter] bad value for 'target' in node 'intakter': "
        "should be a number without spaces: write 1200000 (got '1 200 000')",
        f"{path}:17:13: error E003 [konvertering] bad value for 'target' in node 'konvertering': "
        "should be a number with a decimal point, not a comma: write 0.025 (got '0,025')",
        f"{path}:22:13: error E003 [churn] bad value for 'target' in node 'churn': "
        "should be a number without '%': write 6; `unit: \"%\"` already makes it a percent (got '6 %')",
        f"{path}:27:13: error E003 [andel] bad value for 'target' in node 'andel': "
        "should be a number without '%': write 6 with `unit: \"%\"`, or 0.06 with `unit: ratio` (got '6 %')",
        f"{path}:31:13: error E003 [affar] bad value for 'target' in node 'affar': "
        "should be a number; it may be 1.2 (a decimal comma) or 1200 (a thousands separator): "
        "write the one you mean, 1.2 or 1200 (got '1,200')",
    ]


def test_a_percent_in_a_ratio_scenario_is_written_as_its_fraction(tmp_path, capsys):
    text = HEADER + """  konvertering:
    title: 2,5 % av besöken blir leads
    type: driver
    unit: ratio
    target: 0.025
scenarios:
  hogre:
    set: {konvertering: 3 %}
"""
    path, swedish, english = check(tmp_path, text, capsys)
    assert swedish == [
        f"{path}:15:25: error E003 ogiltigt värde för 'konvertering' i scenariot 'hogre': "
        "ska vara ett tal utan '%': med `unit: ratio` skrivs 3 % som 0.03 (angivet: '3 %')",
    ]
    assert english == [
        f"{path}:15:25: error E003 bad value for 'konvertering' in scenario 'hogre': "
        "should be a number without '%': with `unit: ratio`, 3 % is written 0.03 (got '3 %')",
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
        ("1 200 000", "should be a number without spaces: write 1200000"),
        ("1\u00a0200\u00a0000", "should be a number without spaces: write 1200000"),
        ("\u22120,5", "should be a number with a decimal point, not a comma: write -0.5"),
        ("1 200,5", "should be a number without spaces, with a decimal point, not a comma: write 1200.5"),
        ("1,200,000", "should be a number without thousands separators: write 1200000"),
        ("1,200.50", "should be a number without thousands separators: write 1200.50"),
        ("1.200.000", "should be a number without thousands separators: write 1200000"),
        ("1.200,50", "should be a number without thousands separators, with a decimal point, not a comma: write 1200.50"),
        ("0,200", "should be a number with a decimal point, not a comma: write 0.200"),
        ("2,5 %", "should be a number without '%': write 2.5 with `unit: \"%\"`, or 0.025 with `unit: ratio`"),
        # no reading a person could be sure of: pydantic's words stay
        ("1,200 %", None),
        ("12 34", None),
        ("1,2,3", None),
        ("lots", None),
    ],
)
def test_number_readings(text, problem):
    assert number_problem(text, None, None, in_node=True) == problem


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
