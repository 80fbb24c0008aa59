"""Amounts in titles: what "1 500", "1,4 %", "5,4 mnkr" and "63 MSEK" are worth, and how a new target is written."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from goaltree.rules import amounts

YEAR = range(2027, 2028)


@pytest.mark.parametrize(
    ("title", "text", "value", "kind"),
    [
        ("Öka intäkterna till 63 MSEK", "63 MSEK", 63_000_000, "currency"),
        ("5,4 mnkr i ny försäljning", "5,4 mnkr", 5_400_000, "currency"),
        ("Intäkter 63 miljoner kronor", "63 miljoner kronor", 63_000_000, "currency"),
        ("Pipeline om 63 000 000 kr", "63 000 000 kr", 63_000_000, "currency"),
        ("Eventbudget 450 tkr", "450 tkr", 450_000, "currency"),
        ("Koncernen 1,2 mdr", "1,2 mdr", 1_200_000_000, "scaled"),
        ("Group revenue 2 bn", "2 bn", 2_000_000_000, "scaled"),
        ("$5M ARR", "$5M", 5_000_000, "currency"),
        ("1 500 leads per kvartal", "1 500", 1500, "plain"),
        ("1\u00a0500 leads", "1\u00a0500", 1500, "plain"),
        ("1,500 newsletter sign-ups", "1,500", 1500, "plain"),
        ("50k website visits", "50k", 50_000, "scaled"),
        ("Konvertering 1,4 %", "1,4 %", 1.4, "percent"),
        ("1.4 % of leads become customers", "1.4 %", 1.4, "percent"),
        ("Konvertering 0,151 %", "0,151 %", 0.151, "percent"),
        ("Öppningsgrad 40 procent", "40 procent", 40, "percent"),
        # A space-grouped number after a dash or a minus is read whole, not from its last group.
        ("Webbplatsen ger 1 200–1 500 leads 2027", "1 500", 1500, "plain"),
        ("Webbplatsen ger 1200–1500 leads 2027", "1500", 1500, "plain"),
        ("1 200-1 500 leads", "1 500", 1500, "plain"),
        ("Kampanjresultatet förbättras från −1 500 tkr till −200 tkr", "−200 tkr", -200_000, "currency"),
        ("Resultat −1 500 tkr", "−1 500 tkr", -1_500_000, "currency"),
        ("Resultat −1500 tkr", "−1500 tkr", -1_500_000, "currency"),
        ("Betald sökning ger ROAS 8:1", "8:1", 8, "plain"),
    ],
)
def test_amounts_and_their_worth(title, text, value, kind):
    found = [amount for amount in amounts.stated_amounts(title, YEAR) if amount.role is None]
    assert len(found) == 1
    assert (found[0].text, found[0].kind) == (text, kind)
    assert found[0].value == pytest.approx(value)


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Leads 2027", "year"),
        ("2027 leads from the website", "year"),  # a year in the period is never an amount
        ("Top 3 channels", "label"),
        ("Svara inom 30 dagar", "time"),
        ("Öka försäljningen med 20 %", "change"),
        ("500 fler kunder", "change"),
        ("Från 1 200 till 1 500 leads", "from"),
        ("2 möten per 1 000 besök", "denominator"),
        ("Webinarerna ger +1 300 leads", "change"),
        ("Kampanjresultatet förbättras från −1 500 tkr till −200 tkr", "from"),
    ],
)
def test_numbers_that_are_not_the_goal_amount(title, role):
    assert role in {amount.role for amount in amounts.stated_amounts(title, YEAR)}


def test_quarters_dates_and_ids_are_not_numbers_at_all():
    assert amounts.stated_amounts("Lansera B2B-portalen i Q3, senast 2027-03-31, med 4G", YEAR) == []
    assert amounts.stated_amounts("Lansera B2B-portalen i Q3 med 4G-stöd, 3:e plats", YEAR) == []
    assert amounts.stated_amounts("COVID-19, B2-3 och ROAS 3:2", YEAR) == []


def test_a_quarter_of_a_yearly_flow():
    statement = amounts.title_statement(
        "1 500 leads per kvartal", "count", 6000, flow=True, start=dt.date(2027, 1, 1), deadline=dt.date(2027, 12, 31)
    )
    assert statement is not None and statement.agrees and statement.expected == 1500  # 6 000 × 3/12
    level = amounts.title_statement(
        "1 500 leads per kvartal", "count", 6000, flow=False, start=dt.date(2027, 1, 1), deadline=dt.date(2027, 12, 31)
    )
    assert level is not None and not level.agrees  # a level is not divided over the period


@pytest.mark.parametrize(
    ("title", "unit", "old", "new", "restated"),
    [
        ("Öka intäkterna till 63 MSEK", "SEK", 63_000_000, 18_000_000, "Öka intäkterna till 18 MSEK"),
        ("Öka intäkterna till 63 MSEK", "SEK", 63_000_000, 4_500_000, "Öka intäkterna till 4,5 MSEK"),
        ("63 MSEK new revenue", "SEK", 63_000_000, 15_750_000, "15.8 MSEK new revenue"),  # 0.3 % off, 16 would be 1.6 %
        ("5 000 leads from the website", "count", 5000, 20 / 0.014, "1 429 leads from the website"),
        ("1,500 sign-ups", "count", 1500, 3000, "3,000 sign-ups"),
        ("Konvertering 1,4 %", "ratio", 0.014, 0.0145, "Konvertering 1,45 %"),
        ("Konvertering 1,4 %", "ratio", 0.014, 0.001234, "Konvertering 0,123 %"),  # 0,12 would be 2.8 % off
        ("Budget 1,2 MSEK", "kSEK", 1200, 1500, "Budget 1,5 MSEK"),
        ("1 200–1 500 leads", "count", 1500, 2000, "1 200–2 000 leads"),
        ("Resultatet förbättras till −200 tkr", "SEK", -200_000, -300_000, "Resultatet förbättras till −300 tkr"),
        ("ROAS 8:1", "multiple", 8, 10, "ROAS 10:1"),
    ],
)
def test_a_new_target_is_written_the_way_the_title_wrote_the_old_one(title, unit, old, new, restated):
    start, end = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    statement = amounts.title_statement(title, unit, old, flow=False, start=start, deadline=end)
    assert statement is not None and statement.agrees
    assert amounts.restate(title, statement, new, unit) == restated
    again = amounts.title_statement(restated, unit, new, flow=False, start=start, deadline=end)
    assert again is not None and again.agrees


@pytest.mark.parametrize(
    ("title", "amounts_read"),
    [
        ("Leads senast 30 juni 2027", []),
        ("450 leads senast 30 juni 2027", ["450"]),
        ("Leads by June 30, 2027", []),
        ("500 leads by June 30", ["500"]),
        ("Leads före 1 mars", []),
        ("12 dec: 40 webinar sign-ups", ["40"]),
    ],
)
def test_a_date_written_with_its_month_is_no_amount(title, amounts_read):
    # The day of "30 juni" was read as the amount 30: a false S004 beside a target of 500,
    # and a missed one when the title's real amount (450) was beside it.
    found = [amount.text for amount in amounts.stated_amounts(title, YEAR) if amount.role is None]
    assert found == amounts_read


def test_a_title_repeated_on_many_nodes_is_judged_against_each_nodes_target(write_goals):
    """Each title is read once per check; the verdict is still each node's own, by its target, unit and period."""
    from goaltree.rules import check_file

    title = "Outbound: 1 500 leads per kvartal"
    nodes = {
        "a_leads": {"title": title, "unit": "count", "target": 6000},  # a quarter of 6 000: agrees
        "b_leads": {"title": title, "unit": "count", "target": 8000},  # a quarter of 8 000 is 2 000: contradicts
        "c_leads": {"title": title, "unit": "count", "target": 1500, "aggregate": "last"},  # a level: 1 500 agrees
        "d_share": {"title": title, "unit": "%", "target": 40},  # no amount of its unit: nothing to compare
        "e_leads": {"title": title, "unit": "count", "target": 6000, "deadline": "2027-06-30"},  # half a year: 3 000
    }
    document = {"goaltree": 1, "id": "repeats", "title": "Repeated titles", "period": {"start": "2027-01-01", "end": "2027-12-31"}, "nodes": nodes}
    path = write_goals(json.dumps(document), "goals.json")
    contradicted = {d.node: d.message for d in check_file(path) if d.code == "S004"}
    assert sorted(contradicted) == ["b_leads", "e_leads"]
    assert "2 000" in contradicted["b_leads"] and "3 000" in contradicted["e_leads"]


def test_a_multiple_reads_a_percent_in_its_title_as_its_fraction(write_goals):
    """An ROI of 950 % is 9.5× (article 002's ROI of 9.5 from CPA and conversion value); a target of 950 is 950×."""
    from goaltree.rules import check_file

    nodes = {
        "roi_slip": {"title": "Marketing ROI of 950 % in 2027", "type": "driver", "unit": "multiple", "target": 950},
        "roi_right": {"title": "Marketing ROI of 950 % in 2027", "type": "driver", "unit": "multiple", "target": 9.5},
        "roas_times": {"title": "ROAS 4 gånger under 2027", "type": "driver", "unit": "multiple", "target": 4},
        "roas_slip": {"title": "ROAS of 500 % in 2027", "type": "driver", "unit": "multiple", "target": 4},
    }
    document = {"goaltree": 1, "id": "multiples", "title": "Multiples", "period": {"start": "2027-01-01", "end": "2027-12-31"}, "nodes": nodes}
    path = write_goals(json.dumps(document), "goals.json")
    contradicted = {d.node: d.message for d in check_file(path) if d.code == "S004"}
    assert sorted(contradicted) == ["roas_slip", "roi_slip"]
    # 950× is 95 000 %; 4× is 400 %, not the 500 % the title says.
    assert "950× (95 000 %)" in contradicted["roi_slip"] and "4× (400 %)" in contradicted["roas_slip"]
