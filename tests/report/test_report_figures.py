"""Figures of the status report against a hand calculation: shares that add up, grouped digits, bars that match their text.

Every expected figure is worked out here from the goal file's numbers: a
period of 2027 is 365 days and 30 June is its 181st, so a target of T is
expected to be T × 181 / 365 by then. Percents are rounded as a spreadsheet
rounds (a half away from zero). The Markdown is read as GitHub reads it
(markdown-it, CommonMark with tables), the HTML in Chromium.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from goaltree.cli import main

AS_OF = "2027-06-30"
AS_OF_DATE = dt.date(2027, 6, 30)
ELAPSED = 181 / 365
"""The share of 2027 gone by 30 June (1 January to 30 June, both counted)."""

HEADER = """\
goaltree: 1
id: figures
title: Figures
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marketing
"""


def whole_percent(fraction: float) -> str:
    """``fraction`` in whole percent as a reader rounds it, thousands grouped by a space, with a real minus."""
    digits = Decimal(f"{fraction * 100:.12g}").quantize(Decimal(1), rounding=ROUND_HALF_UP)
    text = f"{abs(digits):,}".replace(",", " ") + " %"
    return ("−" if digits < 0 else "") + text


def one_decimal(value: float) -> Decimal:
    return Decimal(f"{value:.12g}").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def two_decimals(value: float) -> Decimal:
    """How a figure between 1 and 100 is written: two decimals, rounded half up."""
    return Decimal(f"{value:.12g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def write(tmp_path: Path, nodes: str, name: str = "goals.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "nodes:\n" + nodes, encoding="utf-8")
    return path


def report(path: Path, report_format: str, *extra: str) -> str:
    out = path.with_suffix(f".{report_format}")
    assert main(["report", str(path), "--as-of", AS_OF, "--format", report_format, "-o", str(out), *extra]) in (0, 1)
    return out.read_text(encoding="utf-8")


def markdown_items(markdown: str, heading: str) -> list[str]:
    """The text of each list item under the ``## heading`` of ``markdown``, as a reader sees it."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    items, inside, in_item = [], False, 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inside = token.tag == "h2" and tokens[index + 1].content == heading
        elif inside and token.type == "list_item_open":
            in_item += 1
            items.append("")
        elif inside and token.type == "list_item_close":
            in_item -= 1
        elif inside and in_item and token.type == "inline":
            items[-1] += "".join(child.content for child in token.children if child.type in ("text", "code_inline", "text_special"))
    return items


def open_in_chromium(html: str, tmp_path: Path, script: str):
    """``script`` (a JavaScript function of no arguments) evaluated on the page of ``html`` in Chromium."""
    from browser import chromium

    page_path = tmp_path / "page.html"
    page_path.write_text(html, encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(page_path.as_uri(), wait_until="load")
        return page.evaluate(script)


# --- why parents miss: the shares add up ---------------------------------------------------------


def channels(count: int, first_actual: float, other_actual: float) -> str:
    lines = ["  total: {title: All channels, unit: count, rollup: sum}\n"]
    for index in range(1, count + 1):
        actual = first_actual if index == 1 else other_actual
        lines.append(f"  ch{index}: {{title: Channel {index}, parent: total, unit: count, target: 1000, actuals: {{{AS_OF}: {actual}}}}}\n")
    return "".join(lines)


def test_children_under_half_a_percent_are_summed_into_one_line(tmp_path):
    path = write(tmp_path, channels(12, 400, 495.5))
    expected = 1000 * ELAPSED  # 495.89… for each channel
    first, other = 400 - expected, 495.5 - expected
    gap = first + 11 * other
    assert abs(other / gap) < 0.005  # each of the eleven is under half a percent of the gap

    document = json.loads(report(path, "json"))
    (item,) = [e for e in document["report"]["explanations"] if e["node"] == "total"]
    parts = item["parts"]
    assert [p["child"] for p in parts] == ["ch1", None]
    assert parts[1]["others"] == [f"ch{index}" for index in range(2, 13)]
    assert parts[0]["amount"] == pytest.approx(first, rel=1e-9)
    assert parts[1]["amount"] == pytest.approx(11 * other, rel=1e-9)
    assert sum(p["share"] for p in parts) == pytest.approx(1.0, abs=1e-9)

    gap_text = f"{one_decimal(-gap)}"
    sentence = (
        f"total is {gap_text} behind its expected pace: ch1 explain {whole_percent(first / gap)} of the total gap; "
        f"11 other children explain {whole_percent(11 * other / gap)}, each under 0.5 %."
    )
    assert sentence == "total is 100.2 behind its expected pace: ch1 explain 96 % of the total gap; 11 other children explain 4 %, each under 0.5 %."
    assert item["sentence"] == sentence
    assert any(sentence in text for text in markdown_items(report(path, "md"), "Why parents miss"))


@pytest.mark.browser
def test_the_html_table_of_a_gap_adds_up_to_the_whole(tmp_path):
    path = write(tmp_path, channels(12, 400, 495.5))
    expected = 1000 * ELAPSED
    first, other = 400 - expected, 495.5 - expected
    gap = first + 11 * other
    rows = open_in_chromium(
        report(path, "html"),
        tmp_path,
        """() => Array.from(document.querySelectorAll('#why li'))
              .filter(item => item.querySelector('a[href="#node-total"]'))
              .flatMap(item => Array.from(item.querySelectorAll('tbody tr'), row => Array.from(row.cells, cell => cell.innerText.trim())))""",
    )
    assert rows == [
        ["Channel 1 ch1", f"−{two_decimals(-first)}", whole_percent(first / gap)],
        ["11 other children, each under 0.5 % of the gap", f"−{two_decimals(-11 * other)}", whole_percent(11 * other / gap)],
    ]
    assert sum(int(row[2].removesuffix(" %")) for row in rows) == 100


def test_a_sum_of_many_small_children_is_still_explained(tmp_path):
    # 250 channels each 40 leads behind: each is 0.4 % of the gap, and together all of it.
    nodes = "  total: {title: All channels, unit: count, rollup: sum}\n" + "".join(
        f"  ch{index}: {{title: Channel {index}, parent: total, unit: count, target: 365, actuals: {{{AS_OF}: 141}}}}\n" for index in range(250)
    )
    path = write(tmp_path, nodes)
    gap = 250 * (141 - 365 * ELAPSED)  # 181 expected, 40 behind each
    assert gap == pytest.approx(-10_000)
    document = json.loads(report(path, "json"))
    (item,) = document["report"]["explanations"]
    assert item["sentence"] == "total is 10 000 behind its expected pace: 250 children explain 100 % of the total gap, each under 0.5 %."
    assert len(item["parts"]) == 1 and len(item["parts"][0]["others"]) == 250
    assert item["parts"][0]["share"] == pytest.approx(1.0)
    swedish = json.loads(report(path, "json", "--language", "sv"))
    assert swedish["report"]["explanations"][0]["sentence"] == (
        "total ligger 10 000 efter förväntad takt: 250 underliggande noder förklarar 100 % av gapet i total, var och en under 0,5 %."
    )


# --- shares of a thousand percent or more are grouped ------------------------------------------


def test_a_share_beyond_a_thousand_percent_is_grouped(tmp_path):
    # Both children expect 181 by 30 June (365 × 181 / 365): a is 141.1 behind, b 131.1 ahead, the gap is 10.
    nodes = (
        "  total: {title: Both, unit: count, rollup: sum}\n"
        f"  a: {{title: A, parent: total, unit: count, target: 365, actuals: {{{AS_OF}: 39.9}}}}\n"
        f"  b: {{title: B, parent: total, unit: count, target: 365, actuals: {{{AS_OF}: 312.1}}}}\n"
    )
    path = write(tmp_path, nodes)
    gap = (39.9 - 181) + (312.1 - 181)
    a, b = whole_percent((39.9 - 181) / gap), whole_percent((312.1 - 181) / gap)
    assert (a, b) == ("1 411 %", "−1 311 %")
    sentence = f"total is 10 behind its expected pace: a explain {a} of the total gap, b {b}. A negative share is a child that narrows the gap."
    assert json.loads(report(path, "json"))["report"]["explanations"][0]["sentence"] == sentence
    assert sentence in markdown_items(report(path, "md"), "Why parents miss")[0]
    swedish = json.loads(report(path, "json", "--language", "sv"))["report"]["explanations"][0]["sentence"]
    assert f"a förklarar {a} av gapet i total, b {b}." in swedish


# --- bars round as their text does ------------------------------------------------------------


@pytest.mark.browser
def test_an_html_bar_is_as_long_as_its_percent_reads(tmp_path):
    # 903 of 2 000 is 45.15 %, which reads 45.2 % (a half rounds up); the binary 45.149999… would round down.
    path = write(tmp_path, f"  articles: {{title: Articles, unit: count, target: 2000, actuals: {{{AS_OF}: 903}}}}\n")
    progress = one_decimal(903 / 2000 * 100)
    expected = one_decimal(ELAPSED * 100)
    assert (str(progress), str(expected)) == ("45.2", "49.6")
    figures = open_in_chromium(
        report(path, "html"),
        tmp_path,
        """() => {
            const summary = document.querySelector('#node-articles > summary');
            const row = document.querySelector('table.attention tbody tr');
            return {
                bar: summary.querySelector('.bar > span').style.width,
                marker: summary.querySelector('.bar > i').style.left,
                text: row.cells[4].innerText.trim(),
            };
        }""",
    )
    assert figures["bar"] == f"{progress}%" and figures["marker"] == f"{expected}%"
    assert figures["text"].endswith(f"{progress} %")


@pytest.mark.browser
@pytest.mark.parametrize(("language", "heading"), [("en", "Expected progress"), ("sv", "Förväntat framsteg")])
def test_the_attention_column_of_expected_progress_says_so(tmp_path, language, heading):
    # The column holds the expected progress (181 / 365 = 49.6 %); "Expected" alone is the expected value (992 of 2 000).
    path = write(tmp_path, f"  articles: {{title: Articles, unit: count, target: 2000, actuals: {{{AS_OF}: 903}}}}\n")
    expected = str(one_decimal(ELAPSED * 100))
    column = open_in_chromium(
        report(path, "html", "--language", language),
        tmp_path,
        """() => {
            const row = document.querySelector('table.attention tbody tr');
            return {
                heading: document.querySelectorAll('table.attention th')[5].innerText.trim(),
                label: row.cells[5].dataset.label,
                value: row.cells[5].innerText.trim(),
            };
        }""",
    )
    assert column == {"heading": heading, "label": heading, "value": f"{expected} %" if language == "en" else f"{expected.replace('.', ',')} %"}


def test_the_text_bars_of_the_diagrams_round_a_half_up():
    from goaltree.render.mermaid import progress_bar

    # 2.5 and 3.5 of 10 cells: 3 and 4, as "25.0 %" and "35.0 %" round, not 2 and 4 (to even).
    assert progress_bar(0.25) == "█" * 3 + "░" * 7
    assert progress_bar(0.35) == "█" * 4 + "░" * 6
    assert progress_bar(0.45) == "█" * 5 + "░" * 5
    # The cells follow the percent as printed: 0.3496 reads "35.0 %" and fills 4, 0.6495 reads "65.0 %" and fills 7.
    assert progress_bar(0.3496) == "█" * 4 + "░" * 6
    assert progress_bar(0.6495) == "█" * 7 + "░" * 3
    assert progress_bar(0.3449) == "█" * 3 + "░" * 7  # "34.5 %": 3.45 cells, 3


def test_the_graphviz_bar_rounds_a_half_up(tmp_path):
    from goaltree.api import evaluate, load
    from goaltree.render.dot import BAR_WIDTH, to_dot

    # 161 of 320 is 50.3125 %: 80.5 of the bar's 160 points, drawn 81 wide.
    path = write(tmp_path, f"  deals: {{title: Deals, unit: count, target: 320, actuals: {{{AS_OF}: 161}}}}\n")
    assert BAR_WIDTH * 161 / 320 == 80.5
    dot = to_dot(evaluate(load(path), AS_OF_DATE))
    assert 'WIDTH="81" HEIGHT="7"' in dot and 'WIDTH="79" HEIGHT="7"' in dot


# --- the funnel is drawn to scale ---------------------------------------------------------------


FUNNEL = f"""\
  visits: {{title: Visits, unit: count, target: 10000, actuals: {{{AS_OF}: 5000}}}}
  visit_to_lead: {{title: Visit to lead, type: driver, unit: ratio, target: 0.02}}
  leads: {{title: Leads, unit: count, formula: visits * visit_to_lead, actuals: {{{AS_OF}: 100}}}}
  lead_to_customer: {{title: Lead to customer, type: driver, unit: ratio, target: 0.05}}
  customers: {{title: Customers, unit: count, formula: leads * lead_to_customer, actuals: {{{AS_OF}: 3}}}}
"""


@pytest.mark.browser
def test_the_funnel_bars_are_in_proportion_to_the_volumes(tmp_path):
    path = write(tmp_path, FUNNEL)
    widths = [100.0, 100 / 5000 * 100, 3 / 5000 * 100]  # 100 %, 2 %, 0.06 %
    drawn = open_in_chromium(
        report(path, "html"),
        tmp_path,
        """() => {
            const funnel = document.querySelector('details.funnel');
            funnel.open = true;
            const bars = Array.from(funnel.querySelectorAll('.funnel-track > span'));
            return {
                styles: bars.map(bar => parseFloat(bar.style.width)),
                pixels: bars.map(bar => bar.getBoundingClientRect().width),
                track: funnel.querySelector('.funnel-track').getBoundingClientRect().width,
                note: funnel.querySelector('p.meta').innerText,
            };
        }""",
    )
    assert drawn["styles"] == pytest.approx(widths)
    # Drawn to scale, but never thinner than a visible line (0.06 % of the track is under a pixel).
    assert drawn["pixels"][1] == pytest.approx(drawn["track"] * 0.02, abs=0.5)
    assert drawn["track"] * 0.0006 < 1 and drawn["pixels"][2] >= 3
    assert "to scale" in drawn["note"]

