"""The vocabulary of the rules: vague words and quantities in titles, units and what adds up."""

from __future__ import annotations

import pytest

from goaltree.formula import parse
from goaltree.rules import units, words


@pytest.mark.parametrize(
    "title, vague",
    [
        ("Vi ska göra bättre content", "bättre"),
        ("Förbättra kundnöjdheten", "Förbättra"),
        ("Stärka varumärket", "Stärka"),
        ("Fler leads från webben", "Fler"),
        ("Mer trafik till sajten", "Mer"),
        ("Öka försäljningen till befintliga kunder", "Öka"),
        ("Better content in 2027", "Better"),
        ("Improve Q3 conversion", "Improve"),
        ("Optimise the funnel by 2027-12-31", "Optimise"),
        ("A world-class brand", "world-class"),
        ("Better B2B leads", "Better"),
        # amounts make a title specific
        ("Vårt content ska generera 400 kvalificerade leads 2027", None),
        ("63 MSEK new revenue from marketing-sourced customers", None),
        ("Öka försäljningen med 20 %", None),
        ("More than 500 leads from webinars", None),
        ("Fördubbla antalet bokade möten", None),
        ("Searches for the group's brands grow by a fifth in 2027", None),
        ("Increase revenue 10%", None),
        # no vague word at all (compounds are not the word: merförsäljning is upsell)
        ("Merförsäljning till befintliga kunder", None),
        ("Website visits", None),
        ("Customer lifetime value of 900 000 SEK", None),
    ],
)
def test_vague_word(title: str, vague: str | None) -> None:
    assert words.vague_word(title) == vague


@pytest.mark.parametrize(
    "title, quantity",
    [
        ("250 000 website visits", True),
        ("1.4 % of leads become customers", True),
        ("3 orders per customer and year", True),
        ("2000 leads from the web", True),
        ("Double the leads", True),
        ("Tre nya marknader", True),
        ("Leads in 2027", False),
        ("Bättre content 2027", False),
        ("Q3 conversion", False),
        ("Deadline 2027-06-30", False),
        # A date written with its month's name is a time too, in both languages.
        ("Stärka varumärket senast 30 juni 2027", False),
        ("Fler leads före 1 mars", False),
        ("Improve leads by June 30, 2027", False),
        ("Leads by 1st March", False),
        ("3 marknadsaktiviteter i kvartalet", True),  # "3 mar…" is no date
        ("450 leads by 30 June 2027", True),
        ("B2B leads", False),
        ("x antal kvalificerade leads", False),
    ],
)
def test_has_quantity(title: str, quantity: bool) -> None:
    assert words.has_quantity(title) is quantity


def test_extra_vague_words() -> None:
    extra = words.vague_words(["Holistisk"])
    assert words.vague_word("En holistisk marknadsmix", extra) == "holistisk"
    assert words.vague_word("En holistisk marknadsmix") is None


@pytest.mark.parametrize(
    "text, dimensions, kind",
    [
        ("SEK", (("SEK", 1),), None),
        ("sek", (("SEK", 1),), None),
        ("kSEK", (("kSEK", 1),), None),
        ("MSEK", (("MSEK", 1),), None),
        ("tkr", (("kSEK", 1),), None),
        ("EUR", (("EUR", 1),), None),
        ("count", (), "count"),
        ("%", (), "percent"),
        ("ratio", (), "ratio"),
        ("days", (("day", 1),), None),
        ("SEK/day", (("SEK", 1), ("day", -1)), None),
        ("SEK per month", (("SEK", 1), ("month", -1)), None),
    ],
)
def test_parse_unit(text: str, dimensions, kind) -> None:
    unit = units.parse_unit(text)
    assert unit is not None and unit.dimensions == dimensions and unit.kind == kind


@pytest.mark.parametrize("text", [None, "", "leads", "NPS", "SEK/customer", "a/b/c"])
def test_unknown_units(text) -> None:
    assert units.parse_unit(text) is None


UNITS = {
    "revenue": "SEK", "cost": "SEK", "budget_eur": "EUR", "leads": "count", "visits": "count",
    "conversion": "ratio", "bounce": "%", "cycle": "days", "lag": "months", "nps": "NPS",
}


@pytest.mark.parametrize(
    "formula, mismatches",
    [
        ("revenue - cost", []),
        ("revenue + leads", [("+", "SEK", "a count")]),
        ("revenue + budget_eur", [("+", "SEK", "EUR")]),
        ("conversion + bounce", []),  # in a formula a percentage is its fraction, as a ratio is
        ("conversion + leads", [("+", "a ratio", "a count")]),
        ("max(cycle, lag)", [("max()", "days", "months")]),
        ("min(revenue, leads, cost)", [("min()", "SEK", "a count")]),
        ("leads * revenue + revenue", []),
        ("visits * conversion + leads", []),
        ("(1 - conversion) * leads + 5", []),
        ("revenue / leads + revenue", []),  # SEK per count is SEK: counts are plain numbers
        ("revenue / cycle + revenue", [("+", "SEK/day", "SEK")]),
        ("nps + revenue", []),
        ("abs(revenue - leads)", [("-", "SEK", "a count")]),
        ("revenue ** 2 + revenue", [("+", "SEK^2", "SEK")]),
    ],
)
def test_formula_units(formula: str, mismatches) -> None:
    def unit_of(node_id: str):
        return units.parse_unit(UNITS[node_id])

    found = units.formula_mismatches(parse(formula).root, unit_of)
    assert [(m.operation, m.left_unit.describe(), m.right_unit.describe()) for m in found] == mismatches
