"""goaltree.present: the one number formatter and the escapers every output uses."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.cli import main
from goaltree.present.escape import graphviz_text, markdown_code, markdown_text, mermaid_text
from goaltree.present.language import use_language
from goaltree.present.numbers import (
    format_difference,
    format_change,
    format_fixed,
    format_general,
    format_number,
    format_numbers,
    format_percent,
    format_percents,
    format_points,
    format_quantity,
    format_share,
    format_short,
    format_signed_quantity,
)

PACKAGE = Path(__file__).resolve().parents[2] / "goaltree"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (27_000_000, None, "27 000 000"),
        (-1500, "SEK", "-1 500"),
        (123.46, None, "123.5"),
        (1.42, None, "1.42"),
        (7.0, None, "7"),
        (0.0123456, None, "0.01235"),
        (0, None, "0"),
        (None, "SEK", "–"),
        (0.496, "ratio", "49.60 %"),
        (12.5, "%", "12.50 %"),
        (5.9, "multiple", "5.9×"),
    ],
)
def test_format_number(value, unit, expected):
    assert format_number(value, unit) == expected


@pytest.mark.parametrize(
    ("write", "value", "expected"),
    [
        # 0.4515 is 45.15 %, which rounds to 45.2 %; in binary 0.4515 * 100 is 45.14999…, which Python writes 45.1.
        (format_percent, 0.4515, "45.2 %"),
        (lambda value: format_percents([value])[0], 0.4515, "45.2 %"),
        # 115 of 200 deals is 57.5 %, 58 % in whole percent (0.575 * 100 is 57.49999999999999 in binary).
        (format_share, 0.575, "58 %"),
        (format_change, -0.4515, "-45.2 %"),
        # An exact half rounds away from zero, as a spreadsheet rounds, not to even.
        (format_number, 1234.5, "1 235"),
        (format_number, 1233.5, "1 234"),
        (format_number, -2.345, "-2.35"),
        (format_number, 0.0123445, "0.01234"),  # below the half: not rounded up
        (lambda value: format_number(value, "ratio"), 0.123455, "12.35 %"),
        (lambda value: format_fixed(value, ".1f"), 0.25, "0.3"),
        # A value beyond 12 significant digits keeps all its digits.
        (format_number, 12_345_678_901_234.5, "12 345 678 901 234"),
    ],
)
def test_a_figure_on_a_half_rounds_as_it_reads(write, value, expected):
    assert write(value) == expected


def test_the_words_around_a_number():
    assert format_quantity(27_000_000, "SEK") == "27 000 000 SEK"
    assert format_quantity(2500, "count") == "2 500"
    assert format_signed_quantity(-4_241_096, "SEK") == "−4 241 096 SEK"
    assert format_signed_quantity(1200, "SEK") == "+1 200 SEK"
    assert format_percent(0.429) == "42.9 %"
    assert format_share(0.823) == "82 %"
    assert format_share(-14.11) == "−1 411 %"  # grouped as every other figure
    assert format_change(70 / 63 - 1) == "+11.1 %"
    assert format_change(None) == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ("2.5", "+0.1", "0.125", "1e+06", "+1.2", "−3.4", "+0.0")),
        ("sv", ("2,5", "+0,1", "0,125", "1e+06", "+1,2", "−3,4", "+0,0")),
    ],
)
def test_figures_read_as_written_take_the_language_decimal_sign(language, expected):
    """A factor, seconds, a weight and a gap in points: Python's digits, the reader's decimal sign."""
    with use_language(language):
        assert (
            format_fixed(5 / 2, ".1f"),
            format_fixed(0.05, "+.1f"),  # 0.05 is stored just above 0.05, so it rounds up
            format_general(0.125),
            format_general(1e6),
            format_points(0.012),
            format_points(-0.034),
            format_points(0.0),
        ) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1_500_000_000, "SEK", "1.5 bn"),
        (2_500_000_000_000, "SEK", "2 500 bn"),
        (60_000_000, "SEK", "60 M"),
        (250_000, "count", "250 k"),
        (10_000, None, "10 k"),
        (2000, None, "2 000"),
        (-500_000, None, "-500 k"),
        (0.014, "ratio", "1.4 %"),
        (45, "%", "45 %"),
        (6, "multiple", "6×"),
    ],
)
def test_short_labels_use_the_report_number_words(value, unit, expected):
    assert format_short(value, unit) == expected


GOALS = """\
goaltree: 1
id: billions
title: Group revenue
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  revenue:
    title: 1.5 bn SEK revenue in 2027
    unit: SEK
    aggregate: last
    target: 1500000000
    actuals: {2027-03-31: 100000000, 2027-06-30: 200000000}
"""


def test_chart_axes_say_bn_like_the_report(tmp_path):
    from goaltree.api import evaluate, load
    from goaltree.report.charts import pace_chart

    path = tmp_path / "goals.yaml"
    path.write_text(GOALS, encoding="utf-8")
    evaluation = evaluate(load(path), dt.date(2027, 6, 30))
    chart = pace_chart(evaluation.nodes["revenue"], evaluation)
    # By hand: values 0 .. 1.5e9, plus 6 % head room = 1.59e9; a quarter of that is 3.975e8,
    # so the step is 5e8 and the ticks run 0, 0.5, 1, 1.5, 2 billion.
    assert [tick["label"] for tick in chart["y_ticks"]] == ["0", "500 M", "1 bn", "1.5 bn", "2 bn"]
    assert chart["target"]["label"] == "target 1 500 000 000 SEK"
    report = tmp_path / "report.html"
    assert main(["report", str(path), "-o", str(report), "--as-of", "2027-06-30"]) in (0, 1)
    html = report.read_text(encoding="utf-8")
    assert ">1.5 bn<" in html and " G<" not in html


def test_markdown_escaping():
    assert markdown_text("a | b\n<c> & `d` *e* _f_ [g] ~h~ \\") == (
        "a \\| b &lt;c&gt; &amp; \\`d\\` \\*e\\* \\_f\\_ \\[g\\] \\~h\\~ \\\\"
    )
    assert markdown_code("goals.yaml") == "`goals.yaml`"
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x") == "`` `x ``"
    assert markdown_code("a|b") == "`a\\|b`"


def test_mermaid_escaping():
    assert mermaid_text('a "b" <c> & [d] {e} (f) | #g `h`') == (
        "a #34;b#34; #60;c#62; #38; #91;d#93; #123;e#125; #40;f#41; #124; #35;g #96;h#96;"
    )
    assert "%%" not in mermaid_text("%%{init: x}%%")
    assert mermaid_text("*s* _u_ `c`", beside_markup=True) == "\\*s\\* \\_u\\_ \\#96;c\\#96;"
    assert mermaid_text("<a@b.se> a@b.se", beside_markup=True) == "#60;a\\@b.se#62; a@b.se"


def test_graphviz_escaping():
    assert graphviz_text("<b>\"A\" & 'B'</b>\n") == "&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;"


def test_present_imports_nothing_of_goaltree():
    """It sits below every layer that writes output, the engine included (its modules may use each other)."""
    for path in sorted((PACKAGE / "present").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [
            node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
        ] + [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        assert not [name for name in imported if name.startswith("goaltree") and not name.startswith("goaltree.present")], path


def test_no_number_formatter_outside_present():
    """Thin grouping ("27 000 000") is written in one place."""
    allowed = {"present/numbers.py"}
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if str(path.relative_to(PACKAGE)) not in allowed
        and ':,.' in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_no_decimal_sign_put_in_outside_present():
    """The language's decimal sign is put into a number in one place, not by a replace here and there."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if str(path.relative_to(PACKAGE)) != "present/numbers.py"
        and re.search(r'\.replace\("\.", |\.decimal\b', path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**18), 10**18)),
            st.sampled_from([None, "SEK", "count", "ratio", "%", "multiple"]),
        ),
        max_size=30,
    ),
    st.sampled_from(["en", "sv"]),
)
def test_a_column_reads_as_each_number_on_its_own(cells, language):
    """The table formats a column at once; it must give the texts the one-by-one formatters give."""
    values = [value for value, _unit in cells]
    units = [unit for _value, unit in cells]
    with use_language(language):
        assert format_numbers(values, units) == [format_number(value, unit) for value, unit in cells]
        assert format_percents(values) == [format_percent(value) for value in values]


def _on_and_near_halves() -> list[float]:
    """Values on a half of the last place each magnitude writes (and their float neighbours), with some that are not."""
    import math

    values = []
    for places, wholes in ((0, (1000, 1234, 2345, 99_999, 123_456_789)), (1, (100, 234, 999)), (2, (1, 2, 45, 99))):
        step = 10.0**-places
        for whole in wholes:
            for odd in range(1, 20, 2):  # whole + 0.5, 1.5, … steps: each on a half
                half = whole + odd * step / 2
                values += [half, math.nextafter(half, 0), math.nextafter(half, math.inf), half + step / 7]
    return values + [-value for value in values]


def _as_read(value: float, places: int, grouped: bool) -> str:
    """``value``'s 12 significant digits rounded to ``places`` half away from zero, in :mod:`decimal`: the hand calculation."""
    from decimal import ROUND_HALF_UP, Decimal

    rounded = Decimal(f"{value:.12g}").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format(rounded, ",f" if grouped else "f")


def test_a_column_rounds_halves_as_decimal_does():
    """The table's columns write a value on a half of its last place as decimal rounds its 12 digits, half away from zero."""
    values = _on_and_near_halves()
    expected = []
    for value in values:
        places = 0 if abs(value) >= 1000 else 1 if abs(value) >= 100 else 2
        text = _as_read(value, places, grouped=True).replace(",", " ")
        expected.append(text if places == 0 else text.rstrip("0").rstrip("."))
    assert format_numbers(values, ["count"] * len(values)) == expected
    fractions = [value / 1000 for value in values if abs(value) < 1000]
    assert format_numbers(fractions, ["ratio"] * len(fractions)) == [_as_read(f * 100, 2, False) + " %" for f in fractions]
    assert format_percents(fractions) == [_as_read(f * 100, 1, False) + " %" for f in fractions]


def test_a_change_too_small_for_one_decimal_gets_the_decimals_that_show_it():
    from goaltree.present.numbers import format_change, format_number_pair

    assert format_change(0.111) == "+11.1 %"
    assert format_change(0.0002) == "+0.02 %"  # 2 000 → 2 000.4
    assert format_change(-0.00049) == "-0.05 %"  # half away from zero at the second decimal
    assert format_change(1e-9) == "+0.0000001 %"  # the smallest change a diff reports (same_number's 1e-9)
    assert format_change(0.0) == "+0.0 %"
    assert format_number_pair(2000, 2001) == ("2 000", "2 001")  # already apart: as format_number writes them
    assert format_number_pair(2000, 2000.4) == ("2 000.0", "2 000.4")
    assert format_number_pair(0.0345, 0.03454, "ratio") == ("3.450 %", "3.454 %")
    assert format_number_pair(5.91, 5.912, "multiple") == ("5.910×", "5.912×")
    assert format_number_pair(None, 3.0) == ("–", "3")
    with use_language("sv"):
        assert format_number_pair(2000, 2000.4) == ("2 000,0", "2 000,4")
        assert format_change(-0.0002) == "−0,02 %"


def test_a_gap_between_rates_too_small_for_two_decimals_gets_the_decimals_that_show_it():
    from goaltree.present.numbers import format_difference

    assert format_difference(-2.7, "%") == "−2.70 percentage points"
    assert format_difference(0.004, "%") == "+0.004 percentage points"  # 0 % → 0.004 %, never "+0.00"
    assert format_difference(-0.0000004, "ratio") == "−0.00004 percentage points"  # 1.2 % → 1.19996 %
    assert format_difference(0.0, "ratio") == "+0.00 percentage points"
    assert format_difference(0.00123, "%", signed=False) == "0.0012 percentage points"  # two significant digits
    with use_language("sv"):
        assert format_difference(0.004, "%") == "+0,004 procentenheter"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", ["2 500.00 %", "1 234.50 %", "1 450.0 %", "−1 200.0 %"]), ("sv", ["2 500,00 %", "1 234,50 %", "1 450,0 %", "−1 200,0 %"])],
)
def test_a_percent_of_a_thousand_or_more_is_grouped_like_every_figure(language, expected):
    # SPEC §8: space thousands. Follower growth of 25 (2 500 %), a 1 234.5 % rise, progress of 14.5.
    with use_language(language):
        texts = [format_number(25.0, "ratio"), format_number(1234.5, "%"), format_percent(14.5), format_percent(-12.0)]
        assert [text.replace("-", "−") for text in texts] == expected
        assert format_percents([14.5]) == [format_percent(14.5)]


def test_small_rates_and_amounts_read_as_plain_figures_never_zero_or_an_exponent(tmp_path, capsys):
    from goaltree.present.numbers import format_number, format_precise

    # A rate too small for two decimals of a percent: two significant digits, not "0.00 %".
    assert format_number(0.000014, "ratio") == "0.0014 %"
    assert format_number(0.0014, "%") == "0.0014 %"
    assert format_number(0.0000075, "ratio") == "0.00075 %"
    assert format_number(0.0345, "ratio") == "3.45 %"  # unchanged from 0.01 % up
    assert format_number(0.0, "ratio") == "0.00 %"
    # Below 1e-4 an amount kept g's exponent ("3e-05"); four significant digits, written out.
    assert format_number(0.00003, "SEK") == "0.00003"
    assert format_number(-0.000012345) == "-0.00001235"  # 12 digits end in a half: away from zero
    assert format_number(0.01234) == "0.01234" and format_number(0.99996) == "1"
    assert format_precise(8e-06) == "0.000008"
    with use_language("sv"):
        assert format_number(0.000014, "ratio") == "0,0014 %"
        assert format_number(-0.00003) == "−0,00003"
    goals = tmp_path / "goals.yaml"
    goals.write_text(
        """\
goaltree: 1
id: impressions
title: Impressions
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  customers: {title: 70 customers, unit: count, target: 70, formula: impressions * impression_to_customer, actuals: {2027-03-31: 12}}
  impressions: {title: Ad impressions, unit: count, baseline: 4000000, actuals: {2027-03-31: 1500000}}
  impression_to_customer: {title: 0.0014 % of impressions become customers, type: driver, unit: ratio, baseline: 0.000014}
""",
        encoding="utf-8",
    )
    main(["evaluate", str(goals), "--as-of", "2027-03-31"])
    row = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("impression_to_customer"))
    # By hand: the target is the baseline, 0.0014 %; the actual is solved, 12 / 1 500 000 = 0.0008 %.
    assert row.split()[1:4] == ["0.0014", "%*", "0.0008"]
    report = tmp_path / "report.md"
    assert main(["report", str(goals), "--as-of", "2027-03-31", "-o", str(report)]) == 0
    # The funnel's step conversion (one decimal elsewhere) and its plan: 12 / 1 500 000 and 0.000014.
    assert "| 70 customers (`customers`) | 12 | 70 | 0.0008 % | 0.0014 % | OFF TRACK |" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        # 0.0247 % against 0.02496 % is 0.00026 points behind: two decimals would read −0.00.
        (-0.00026, "%", "−0.00026 percentage points"),
        (0.0000003, "ratio", "+0.00003 percentage points"),  # 0.0000003 × 100 = 0.00003 points
        (-0.005, "%", "−0.01 percentage points"),  # a half of the second decimal rounds away from zero
        (2.7, "%", "+2.70 percentage points"),
    ],
)
def test_a_gap_between_rates_too_small_for_two_decimals_keeps_its_digits(value, unit, text):
    assert format_difference(value, unit) == text


def test_large_changes_and_factors_are_grouped_like_every_figure(tmp_path, capsys):
    # A target from 500 000 to 10 000 000 is +1 900 %; 250 000 needed at 909 a day against 1 in
    # 90 days observed (0.0111 a day) is 81 817.9 times the pace; 500 against 10 000 × 0.02 % = 2
    # is a gap of +24 900 %. Each is grouped by a space, as docs/languages.md says of every figure.
    header = "goaltree: 1\nid: grouping\ntitle: Grouping\nperiod: {start: 2027-01-01, end: 2027-12-31}\nowner: Marketing\nnodes:\n"
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(header + "  partners: {title: Partner revenue, unit: SEK, target: 500000, actuals: {2027-03-31: 200000}}\n", encoding="utf-8")
    new.write_text(header + "  partners: {title: Partner revenue, unit: SEK, target: 10000000, actuals: {2027-03-31: 200000}}\n", encoding="utf-8")
    for language, change in (("en", "(+1 900.0 %)"), ("sv", "(+1 900,0 %)")):
        main(["diff", str(old), str(new), "--as-of", "2027-03-31", "--language", language])
        assert f"target: 500 000 → 10 000 000 {change}" in capsys.readouterr().out
    goals = tmp_path / "goals.yaml"
    goals.write_text(
        header
        + "  events: {title: Event leads, unit: SEK, target: 250000, actuals: {2027-03-31: 1}}\n"
        + "  leads: {title: Leads, unit: count, target: 500, formula: visits * conversion}\n"
        + "  visits: {title: Visits, unit: count, target: 10000, parent: leads}\n"
        + "  conversion: {title: Conversion, unit: '%', target: 0.02, aggregate: last, type: driver}\n",
        encoding="utf-8",
    )
    for language, times, gap in (("en", "81 817.9×", "(+24 900.0%)"), ("sv", "81 817,9×", "(+24 900,0 %)")):
        main(["check", str(goals), "--language", language])
        out = capsys.readouterr().out
        assert times in out and gap in out
