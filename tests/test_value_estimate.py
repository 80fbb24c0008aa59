"""The estimate of a text's values before parsing (goaltree.goalfile.limits.may_hold_too_many_values).

It counts the indicators that can start a value in one translated copy of the
text; these tests pin it to the count of each indicator on its own.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.goalfile import limits

_INDICATORS = ("\n", "\r", "\x85", "\u2028", "\u2029", ":", ",", "[", "{", "?", "- ", "-\t")


def _starts_one_by_one(text: str) -> int:
    """1 + every indicator counted on its own, as the bound's docstring defines them."""
    return 1 + sum(text.count(indicator) for indicator in _INDICATORS)


def assert_counts_starts(monkeypatch, text: str, starts: int) -> None:
    """``text`` is refused exactly when 2 × ``starts`` values are more than the bound."""
    monkeypatch.setattr(limits, "MAX_VALUES", 2 * starts)
    assert not limits.may_hold_too_many_values(text)
    monkeypatch.setattr(limits, "MAX_VALUES", 2 * starts - 1)
    assert limits.may_hold_too_many_values(text)


def test_each_indicator_counts_once_by_hand(monkeypatch):
    # 3 "\n", 1 "\r", ":", ",", "[", "{", "?", one "- " and one "-\t": 1 + 11 = 12 starts, 24 values at most.
    text = "a: [1, {b\n? c\n- x\n-\ty\r"
    assert _starts_one_by_one(text) == 12
    assert_counts_starts(monkeypatch, text, 12)


def test_the_line_breaks_beyond_ascii_count_too(monkeypatch):
    # "\x85", "\u2028" and "\u2029" are line breaks to libyaml: 1 + 3 starts; "å" and "-x" start none.
    assert_counts_starts(monkeypatch, "å\x85b\u2028c\u2029-x", 4)


def test_a_dash_before_a_tab_or_a_blank_counts_but_not_before_another_indicator(monkeypatch):
    # "-:" is one start (the colon), "-\t" and "- " one each, "--" none: 1 + 3.
    assert_counts_starts(monkeypatch, "-:-\t-  --", 4)


_TEXT = st.text(
    alphabet=st.sampled_from(list("ab -\t\n\r:,[{?}]#'\"") + ["\x85", "\u2028", "\u2029", "å", "€", "\ud800", "😀"]),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(text=_TEXT, bound=st.integers(min_value=0, max_value=130))
def test_the_estimate_agrees_with_counting_each_indicator_on_its_own(text, bound):
    limits_bound = limits.MAX_VALUES
    try:
        limits.MAX_VALUES = bound
        assert limits.may_hold_too_many_values(text) == (2 * _starts_one_by_one(text) > bound)
    finally:
        limits.MAX_VALUES = limits_bound
