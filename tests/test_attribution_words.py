"""Attribution speaks in words: the rest of a gap is the parent's own pace, never an internal name.

Intäkter (revenue) is measured on its own and is also the sum of its Swedish
and Norwegian parts. At the deadline the expected values are the targets, so
the hand calculation is plain: intakter 900 against 1 000 (gap −100),
intakter_se 460 against 600 (gap −140), intakter_no 400 against 400 (gap 0).
Sweden explains 140 % of the gap; the parent's own measurement, 40 above what
its parts add up to, explains −40 %.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from goaltree.api import evaluate
from goaltree.cli import main
from goaltree.engine.attribution import OWN_PACE
from goaltree.report import render_report

GOALS = """\
goaltree: 1
id: intakter-2027
title: Nya intäkter i Norden 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Försäljningschef

nodes:
  intakter:
    title: 1 000 kSEK i nya intäkter i Norden
    unit: SEK
    target: 1000
    rollup: sum
    actuals: {2027-06-30: 500, 2027-12-31: 400}
  intakter_se:
    title: 600 kSEK i nya intäkter i Sverige
    parent: intakter
    unit: SEK
    target: 600
    actuals: {2027-06-30: 260, 2027-12-31: 200}
  intakter_no:
    title: 400 kSEK i nya intäkter i Norge
    parent: intakter
    unit: SEK
    target: 400
    actuals: {2027-06-30: 150, 2027-12-31: 250}
"""

AS_OF = dt.date(2027, 12, 31)
GAP = (500 + 400) - 1000  # −100
SWEDEN = (260 + 200) - 600  # −140
NORWAY = (150 + 250) - 400  # 0
OWN = GAP - SWEDEN - NORWAY  # +40


@pytest.fixture
def goals(tmp_path):
    path = tmp_path / "goals.yaml"
    path.write_text(GOALS, encoding="utf-8")
    return path


def _keys(value):
    """Every key of every mapping in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def test_json_names_the_rest_of_the_gap_with_a_documented_key(goals, capsys):
    assert main(["evaluate", str(goals), "--as-of", "2027-12-31", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    attribution = document["nodes"]["intakter"]["attribution"]
    assert attribution == {"intakter_se": SWEDEN, "intakter_no": NORWAY, "own pace": OWN}
    assert OWN_PACE == "own pace"
    assert sum(attribution.values()) == GAP
    assert not [key for key in _keys(document) if key.startswith("_")]


def test_explain_says_the_rest_in_words(goals, capsys):
    assert main(["explain", str(goals), "intakter", "--as-of", "2027-12-31"]) == 0
    out = capsys.readouterr().out
    assert "_unexplained" not in out and "own pace:" not in out
    assert "  intakter_se: -140 (140% of the gap)" in out
    assert "  its own pace differs from its parts: 40 (-40% of the gap)" in out


def test_explain_writes_the_shares_in_swedish_with_a_real_minus(goals, capsys):
    assert main(["explain", str(goals), "intakter", "--as-of", "2027-12-31", "--language", "sv"]) == 0
    out = capsys.readouterr().out
    assert "  intakter_se: −140 (140 % av gapet)" in out
    assert "  den egna takten avviker från delarnas: 40 (−40 % av gapet)" in out


def test_reports_pair_a_share_beyond_100_percent_with_the_own_pace(goals):
    evaluation = evaluate(goals, AS_OF)
    sentence = "intakter is 100 SEK behind its expected pace: intakter_se explain 140 % of the intakter gap; its own pace differs from its parts by −40 %."
    markdown = render_report(evaluation, "md")
    html = render_report(evaluation, "html")
    report_json = render_report(evaluation, "json")
    for text in (markdown, html, report_json):
        assert "_unexplained" not in text
    assert sentence.replace("_", "\\_") in markdown  # Markdown escapes the underscore of a node id
    assert sentence in html
    document = json.loads(report_json)
    (item,) = [i for i in document["report"]["explanations"] if i["node"] == "intakter"]
    assert item["sentence"] == sentence
    assert [(p["child"], p["amount"]) for p in item["parts"]] == [("intakter_se", SWEDEN), (None, OWN)]
    assert [p["share"] for p in item["parts"]] == [pytest.approx(1.4), pytest.approx(-0.4)]


RATE = """\
goaltree: 1
id: accepted
title: Accepted leads
period: {start: 2027-01-01, end: 2027-12-31}
owner: Sales
nodes:
  mql_to_sql: {title: Sales accepts 30 % of MQLs, unit: ratio, formula: sql / mql}
  sql: {title: 300 SQLs, unit: count, target: 300, actuals: {2027-12-31: 200}}
  mql: {title: 1 000 MQLs, unit: count, target: 1000, actuals: {2027-12-31: 800}}
"""


def test_a_rate_gap_and_its_parts_read_in_percentage_points(tmp_path, capsys):
    # At the deadline expected = target: the rate 200 / 800 = 25 % against 300 / 1 000 = 30 %, a gap of
    # −5 points. Log-mean Divisia: L = −0.05 / ln(0.25 / 0.3) = 0.274241; sql L·ln(200/300) = −0.111195,
    # mql −L·ln(800/1000) = +0.061195 (fewer MQLs raise the rate: a divisor behind its pace narrows the gap).
    path = tmp_path / "goals.yaml"
    path.write_text(RATE, encoding="utf-8")
    main(["explain", str(path), "mql_to_sql", "--as-of", "2027-12-31"])
    out = capsys.readouterr().out
    assert "Gap −5.00 percentage points, by child:" in out
    assert "sql: −11.12 percentage points (222% of the gap)" in out
    assert "mql: +6.12 percentage points (-122% of the gap)" in out
    report = tmp_path / "report.md"
    assert main(["report", str(path), "--as-of", "2027-12-31", "-o", str(report)]) == 0
    text = report.read_text(encoding="utf-8")
    assert "mql\\_to\\_sql is 5.00 percentage points behind its expected pace: sql explain 222 % of the mql\\_to\\_sql gap, mql −122 %." in text
    assert "A negative share is a child that narrows the gap." in text and "ahead of its pace" not in text


ROI = """\
goaltree: 1
id: roi
title: Return
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marketing
nodes:
  roas: {title: ROAS 8×, unit: multiple, target: 8, formula: revenue / spend}
  revenue: {title: Revenue 8 000 000, unit: SEK, target: 8000000, actuals: {2027-12-31: 6000000}}
  spend: {title: Spend 1 000 000, unit: SEK, target: 1000000, direction: decrease, actuals: {2027-12-31: 1000000}}
"""


def test_a_multiples_gap_is_a_difference_not_a_factor(tmp_path, capsys):
    # At the deadline: 6 000 000 / 1 000 000 = 6× against 8×, 2 behind (as a factor it would be 8 / 6 = 1.33×).
    path = tmp_path / "goals.yaml"
    path.write_text(ROI, encoding="utf-8")
    main(["explain", str(path), "roas", "--as-of", "2027-12-31"])
    out = capsys.readouterr().out
    assert "Gap −2, by child:" in out and "−2×" not in out
    report = tmp_path / "report.md"
    assert main(["report", str(path), "--as-of", "2027-12-31", "-o", str(report)]) == 0
    assert "roas is 2 behind its expected pace: revenue explain 100 % of the roas gap." in report.read_text(encoding="utf-8")
