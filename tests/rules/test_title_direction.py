"""Which way a title says its node should go (goaltree/rules/title_direction.py), phrase by phrase."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from goaltree.rules import title_direction
from goaltree.rules.title_direction import may_lean, title_leaning, titles_that_may_lean

YEARS = range(2027, 2028)


@pytest.mark.parametrize(
    "title, unit, way, phrase",
    [
        ("CAC at most 60 000 SEK in 2027", "SEK", "decrease", "at most 60 000 SEK"),
        ("Cost per lead under 800", "SEK", "decrease", "under 800"),
        ("Max. 800 kr per lead", "SEK", "decrease", "Max. 800 kr"),
        ("Budgettak på 2 MSEK", "SEK", "decrease", "Budgettak på 2 MSEK"),
        ("Agency fees capped at 400 000 SEK", "SEK", "decrease", "capped at 400 000 SEK"),
        ("Churn ned till 3 %", "%", "decrease", "ned till 3 %"),
        ("Churn från 5 % till 3 %", "%", "decrease", "från 5 % till 3 %"),
        ("Lower churn to 3 %", "%", "decrease", "Lower"),
        ("Kostnaden får inte överstiga 2 MSEK", "SEK", "decrease", "inte överstiga 2 MSEK"),
        ("No won deal takes more than 120 days", "days", "decrease", "No won deal takes more than 120"),
        ("Inga affärer tar mer än 120 dagar", "days", "decrease", "Inga affärer tar mer än 120"),
        ("At least 5 000 leads", "count", "increase", "At least 5 000"),
        ("Över 600 bokade möten", "count", "increase", "Över 600"),
        ("Maximize sign-ups", "count", "increase", "Maximize"),
        ("Från 1 200 till 1 500 leads i månaden", "count", "increase", "Från 1 200 till 1 500"),
    ],
)
def test_a_title_that_leans(title: str, unit: str, way: str, phrase: str) -> None:
    leaning = title_leaning(title, unit, YEARS)
    assert leaning is not None and (leaning.way, leaning.phrase) == (way, phrase)


@pytest.mark.parametrize(
    "title, unit",
    [
        ("Leads under Q1", "count"),  # Swedish "under" is "during"
        ("1 200 leads under 2027", "count"),
        ("Leads under året: 1 200", "count"),
        ("Under 2027 bokar vi 600 möten", "count"),
        ("Leads under 800 SEK each", "count"),  # an amount of another kind than the node's
        ("Svara på 900 ärenden inom 2 dagar", "count"),
        ("900 leads through the shortcut form", "count"),
        ("1 500 lower-funnel leads", "count"),
        ("Leads över tid", "count"),
        ("Grow revenue to 63 MSEK at a CAC under 60 000 SEK", "SEK"),  # both ways
        ("Kostnaden ska inte öka", "SEK"),  # a negated verb says nothing
        ("1 200 leads in 2027, 300 a quarter", "count"),
    ],
)
def test_a_title_that_says_neither_way(title: str, unit: str) -> None:
    assert title_leaning(title, unit, YEARS) is None


NEUTRAL = ["1 200 qualified leads from web", "Average deal of 356 000 SEK", "20.1 % of leads become customers"]


@pytest.mark.parametrize(
    "title",
    ["Cost per lead under 800", "(Max. 800 kr per lead)", "Churn från 5 % till 3 %", "Kostnaden ska inte öka", "grow"],
)
def test_a_title_that_may_lean_is_found_among_many(title: str) -> None:
    assert titles_that_may_lean([*NEUTRAL, title, *NEUTRAL]) == {title}


def test_titles_without_a_leaning_word_are_passed_over_together() -> None:
    assert titles_that_may_lean(NEUTRAL * 100) == set()


# Words a leaning starts with, negations, range words, amounts and filler, joined by spaces, punctuation
# and line breaks: reading titles together finds every one that :func:`may_lean` finds alone.
_PIECES = sorted({*title_direction._SIGNAL_WORDS, *title_direction._NEGATIONS}) + [
    "from", "från", "till", "to", "5", "$5", "3 %", "leads", "growth", "undersökning", "ÖKA", "Under", "İ", "ς",
]  # fmt: skip
_JOINS = [" ", "  ", ", ", "(", ")", ".", "-", "\n", "«", "…", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_JOINS)), max_size=6), max_size=8))
def test_reading_titles_together_misses_none(drafts: list[list[tuple[str, str]]]) -> None:
    titles = ["".join(piece + join for piece, join in draft) for draft in drafts]
    alone = {title for title in titles if may_lean(title, "increase") or may_lean(title, "decrease")}
    assert alone <= titles_that_may_lean(titles)
