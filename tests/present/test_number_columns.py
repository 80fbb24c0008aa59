"""A column of numbers (the table's) reads exactly as each number formatted on its own.

:func:`format_numbers` and :func:`format_percents` write a whole column by
its classes (a percent, a figure from 1 000, from 100, from 1) at once, and
hand a value near a half of its last place to the one-by-one rounding; these
tests hold them to :func:`format_number` and :func:`format_percent` on the
floats where the two could part: halves at each place and their neighbours,
the edges between the classes, tiny, huge and signed zeros.
"""

from __future__ import annotations

import math
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.present.language import use_language
from goaltree.present.numbers import format_number, format_numbers, format_percent, format_percents

UNITS = [None, "SEK", "count", "days", "ratio", "%", "multiple"]


@st.composite
def halves(draw: st.DrawFn) -> float:
    """A value on a half of the last place of some magnitude (or a float next to it), of either sign."""
    places = draw(st.integers(-2, 6))
    whole = draw(st.integers(0, 10**draw(st.integers(0, 12))))
    odd = draw(st.integers(0, 9)) * 2 + 1
    value = (whole + odd / 2 * 10.0**-places) if places > 0 else (whole + odd / 2) * 10.0**-places
    value = draw(st.sampled_from([value, math.nextafter(value, 0), math.nextafter(value, math.inf), value / 100]))
    return draw(st.sampled_from([value, -value]))


EDGES = [
    edge * sign
    for base in (1000, 100, 1, 0.01, 0.001, 1e-4, 1e-15, 1e12, 1e15)
    for edge in (base, math.nextafter(base, 0), math.nextafter(base, math.inf), base * 0.99995, base * 0.9995, base * 0.995)
    for sign in (1, -1)
]
"""The edges between the classes a column is written by (and those of the percents' and the decimals' rounding)."""

AWKWARD = st.one_of(
    st.none(),
    halves(),
    st.sampled_from(EDGES),
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1e-300, 1e300, sys.float_info.max, -sys.float_info.max]),
    st.sampled_from([math.inf, -math.inf, math.nan]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**15), 10**15),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(AWKWARD, st.sampled_from(UNITS)), max_size=40), st.sampled_from(["en", "sv"]))
def test_a_column_of_awkward_floats_reads_as_each_on_its_own(cells, language):
    values = [value for value, _unit in cells]
    units = [unit for _value, unit in cells]
    with use_language(language):
        assert format_numbers(values, units) == [format_number(value, unit) for value, unit in cells]
        assert format_percents(values) == [format_percent(value) for value in values]


def test_a_column_writes_each_class_as_worked_by_hand():
    """Each class of a column, with a half on its last place (rounded away from zero, not to even) and an unknown."""
    values = [1234.5, -2344.5, 999.95, 100.05, 2.675, 0.5, 0.0, -0.0, None, 0.0145, 0.000014, 45.15, 5.95, 1e-5]
    units = ["SEK", "count", None, "SEK", "days", "SEK", "count", "count", "SEK", "ratio", "ratio", "%", "multiple", None]
    assert format_numbers(values, units) == [
        "1 235",  # not 1 234, as Python's even rounding writes it
        "-2 345",
        "1 000",  # 999.95 rounds up into the next magnitude: one decimal, stripped
        "100.1",  # 100.05 is 100.04999… in binary
        "2.68",  # 2.675 is 2.67499… in binary
        "0.5",
        "0",
        "0",
        "–",
        "1.45 %",
        "0.0014 %",  # too small for two decimals: two significant digits
        "45.15 %",
        "5.95×",
        "0.00001",
    ]
    assert format_percents([0.4515, 0.000008, None, -0.5, 14.5]) == ["45.2 %", "0.0008 %", "–", "-50.0 %", "1 450.0 %"]
    with use_language("sv"):
        assert format_numbers([1234.5, -2344.5, 100.05, 0.0145], ["SEK", "count", "SEK", "ratio"]) == [
            "1 235",
            "−2 345",
            "100,1",
            "1,45 %",
        ]
