"""goaltree rollover: titles that name a period or a date, and the baselines of flows nothing measures.

Every expected title, date and baseline is worked out by hand in the test.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

from goaltree.cli import main

YEAR_2028 = textwrap.dedent(
    """\
    goaltree: 1
    id: acme-2028
    title: Acme B2B marketing 2028
    {language}period: {{start: 2028-01-01, end: 2028-12-31}}
    nodes:
      growth:
        title: Marketing grows revenue in 2028
        type: objective
        rollup: progress
      h1_leads:
        title: {title}
        parent: growth
        unit: count
        target: 700
        deadline: 2028-02-29
        actuals: {{2028-01-31: 300, 2028-02-29: 300}}
    """
)

YEAR_2027 = textwrap.dedent(
    """\
    goaltree: 1
    id: acme-2027
    title: Acme B2B marketing 2027
    period: {start: 2027-01-01, end: 2027-12-31}
    nodes:
      growth:
        title: Marketing brings in 40 MSEK of new revenue in 2027 within budget
        type: objective
        rollup: progress
      revenue:
        title: New revenue of 40 MSEK in 2027
        parent: growth
        unit: SEK
        baseline: 30000000
        target: 40000000
        formula: customers * deal_size
        actuals: {2027-03-31: 8000000, 2027-06-30: 9000000}
      customers:
        title: New customers in 2027
        unit: count
        formula: leads * win_rate
      deal_size:
        title: Average deal is 200 000 SEK
        type: driver
        unit: SEK
        target: 200000
      win_rate:
        title: 12.5 % of leads become customers
        type: driver
        unit: '%'
        target: 12.5
      leads:
        title: Leads in 2027
        unit: count
        baseline: 1200
        rollup: sum
        actuals: {2027-03-31: 300, 2027-06-30: 350}
      web_leads:
        title: Website leads in 2027
        parent: leads
        unit: count
        baseline: 800
        weight: 3
      event_leads:
        title: Event leads in 2027
        parent: leads
        unit: count
        baseline: 300
        weight: 1
    """
)


def roll(tmp_path: Path, text: str, *arguments: str) -> dict:
    source = tmp_path / "goals.yaml"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / "out.yaml"
    output.unlink(missing_ok=True)
    assert main(["rollover", str(source), "-o", str(output), *arguments]) == 0
    return yaml.safe_load(output.read_text(encoding="utf-8"))["nodes"]


def test_a_date_in_a_title_is_restated_as_the_new_deadline(tmp_path, capsys):
    text = YEAR_2028.format(language="", title="700 event leads by 29 February 2028")
    # Into 2029: the deadline moves twelve months, and the last day of February stays the last day: 2029-02-28
    # (2029 is no leap year). The title says that date, not "29 February 2029", which does not exist.
    leads = roll(tmp_path, text, "--to", "2029")["h1_leads"]
    assert str(leads["deadline"]) == "2029-02-28"
    assert leads["title"] == "700 event leads by 28 February 2029"
    # Into 2028-03-01..2028-06-30: the period starts two months later, so 2028-02-29 (a month's last day)
    # moves to 2028-04-30; no period name is glued after the date.
    leads = roll(tmp_path, text, "--to", "2028-03-01..2028-06-30")["h1_leads"]
    assert str(leads["deadline"]) == "2028-04-30"
    assert leads["title"] == "700 event leads by 30 April 2028"
    # --carry remaining into Q2: 700 − (300 + 300) = 100 remain; the old deadline lies before Q2, so the
    # deadline is Q2's end, 2028-06-30 (left out of the file, the default).
    leads = roll(tmp_path, text, "--to", "2028-Q2", "--carry", "remaining")["h1_leads"]
    assert leads["target"] == 100 and "deadline" not in leads
    assert leads["title"] == "100 event leads by 30 June 2028"
    assert "29 February 2028 → 30 June 2028" in leads["description"]
    capsys.readouterr()


def test_a_date_is_restated_in_the_language_the_title_writes_it(tmp_path, capsys):
    text = YEAR_2028.format(language="language: sv\n", title="700 leads från mässor senast 29 februari 2028")
    leads = roll(tmp_path, text, "--to", "2029")["h1_leads"]
    assert leads["title"] == "700 leads från mässor senast 28 februari 2029"
    text = YEAR_2028.format(language="", title="Event leads done by 2028-02-29")
    assert roll(tmp_path, text, "--to", "2029")["h1_leads"]["title"] == "Event leads done by 2029-02-28"
    capsys.readouterr()


def test_a_date_that_is_not_the_deadline_is_kept_and_named_for_review(tmp_path, capsys):
    text = YEAR_2028.format(language="", title="700 event leads by 29 February 2028, kick-off 15 January 2028")
    leads = roll(tmp_path, text, "--to", "2029")["h1_leads"]
    assert leads["title"] == "700 event leads by 28 February 2029, kick-off 15 January 2028"
    assert "15 January 2028 is not the node's deadline" in leads["description"]
    capsys.readouterr()


def test_an_amount_that_is_not_the_nodes_target_keeps_the_title_in_its_period(tmp_path, capsys):
    nodes = roll(tmp_path, YEAR_2027, "--to", "2027-Q3")
    # Q3's revenue target: (40 000 000 − 17 000 000) × 92 / 184 days = 11 500 000, so the objective's
    # "40 MSEK … in 2027" must not become "40 MSEK … in 2027-Q3".
    assert nodes["revenue"]["target"] == 11500000
    assert nodes["revenue"]["title"] == "New revenue of 11.5 MSEK in 2027-Q3"
    assert nodes["growth"]["title"] == "Marketing brings in 40 MSEK of new revenue in 2027 within budget"
    assert "40 MSEK is not this node's target" in nodes["growth"]["description"]
    assert "review the title" in nodes["growth"]["description"]
    assert nodes["web_leads"]["title"] == "Website leads in 2027-Q3"  # no amount: the period moves
    capsys.readouterr()


def test_a_flow_nothing_measures_gets_its_baseline_scaled_like_a_measured_one(tmp_path, capsys):
    nodes = roll(tmp_path, YEAR_2027, "--to", "2027-Q3")
    # leads, measured: 300 + 350 = 650 over the six months to 30 June, over Q3's three months 650 × 3 / 6 = 325.
    assert nodes["leads"]["baseline"] == 325
    # Unmeasured: last year's totals over twelve months, over three: 800 × 3 / 12 = 200, 300 × 3 / 12 = 75.
    assert nodes["web_leads"]["baseline"] == 200
    assert nodes["event_leads"]["baseline"] == 75
    assert "800 → 200" in nodes["web_leads"]["description"]
    # A year into the next year is as long: the baselines stay.
    nodes = roll(tmp_path, YEAR_2027, "--to", "2028")
    assert nodes["web_leads"]["baseline"] == 800 and nodes["event_leads"]["baseline"] == 300
    capsys.readouterr()
