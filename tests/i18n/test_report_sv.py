"""Reports and diagrams in Swedish: the real ``goaltree report`` and ``goaltree render`` on a goal file that says ``language: sv``.

Every expected sentence is written here by hand, the Swedish way: decimal
comma, a space between thousands, ``kr`` for SEK, Swedish month names, and
the glossary's words (``RISK``, ``I FAS``, ``Utfall``, ``Mål``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support import DATA

from goaltree.cli import main
from goaltree.present.language import language

AS_OF = "2027-06-30"


def swedish_funnel(tmp_path: Path) -> Path:
    """The seed funnel with ``language: sv`` among its top-level keys."""
    text = (DATA / "funnel.yaml").read_text(encoding="utf-8")
    path = tmp_path / "goals.yaml"
    path.write_text(text.replace("owner: Head of Marketing\n", "owner: Head of Marketing\nlanguage: sv\n", 1), encoding="utf-8")
    return path


class Page(HTMLParser):
    """The parts of the HTML report the tests read: the lang attribute, headings, badges, table headings, the script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.csp: str | None = None
        self.texts: dict[str, list[str]] = {}
        self.script = ""
        self._open: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy":
            self.csp = attributes.get("content")
        key = "badge" if "badge" in (attributes.get("class") or "").split() else tag
        if tag not in ("meta", "br", "input", "img", "link", "line", "rect", "circle", "polyline", "path", "polygon", "ellipse", "stop"):
            self._open.append((tag, key))
            self.texts.setdefault(key, []).append("")

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for _tag, key in self._open:
            self.texts[key][-1] += data
        if self._open and self._open[-1][0] == "script":
            self.script += data

    def all(self, key: str) -> list[str]:
        return [" ".join(text.split()) for text in self.texts.get(key, [])]


def report(tmp_path: Path, report_format: str, *extra: str) -> str:
    path = swedish_funnel(tmp_path)
    out = tmp_path / f"report.{report_format}"
    code = main(["report", str(path), "-o", str(out), "--as-of", AS_OF, *extra])
    assert code in (0, 1)
    return out.read_text(encoding="utf-8")


def html_page(tmp_path: Path, *extra: str) -> tuple[str, Page]:
    text = report(tmp_path, "html", *extra)
    page = Page()
    page.feed(text)
    return text, page


def test_the_html_report_speaks_swedish(tmp_path):
    text, page = html_page(tmp_path)
    assert page.lang == "sv"
    assert page.all("title")[0] == "Marketing-sourced revenue 2027 — läget per 30 juni 2027"
    headings = page.all("h2")
    assert headings[:3] == ["Sammanfattning", "KPI-trädet", "Mål och KPI:er"]
    assert "Varför överordnade noder missar" in headings and "SMART-granskning" in headings
    assert page.all("caption") == ["Behöver uppmärksamhet, sämst först"]
    # The table headings are the glossary's words.
    assert page.all("th")[:7] == ["Nod", "Status", "Utfall", "Mål", "Framsteg", "Förväntat framsteg", "Ansvarig"]
    assert {"RISK", "I FAS", "UPPNÅTT", "ANTAGANDE"} <= set(page.all("badge"))
    assert page.all("p")[0] == "Läget per 30 juni 2027 · period 1 januari 2027 – 31 december 2027 · målträd seed-funnel"
    assert "Källa: utfall inskrivna i målfilen, till och med 30 juni 2027." in page.all("p")
    assert "3 av 6 bedömda noder ligger efter sin takt; 4 planeringsantaganden räknas inte." in page.all("p")
    # The seed's 1.4 % lead-to-customer rate, and its 1.2 % actual, with a decimal comma.
    attention = " ".join(page.all("td"))
    assert "1,20 %" in attention and "1,40 %" in attention and "27 000 000 kr" in attention
    assert "1.20 %" not in text
    # On a phone the owner's cell takes a whole line: the style sheet finds it by its translated label.
    assert 'td[data-label="Ansvarig"] { flex: 1 1 100%; }' in text
    # A node's details name its type, direction and rollup in Swedish too ("kpi · increase" read English).
    details = page.all("dd")
    assert "revenue · KPI · enhet kr · ska öka" in details  # the unit as the figures beside it write it
    assert not any(word in detail.split() for detail in details for word in ("increase", "decrease", "objective", "kpi", "driver"))


def test_the_gap_attribution_sentence_in_swedish(tmp_path):
    _text, page = html_page(tmp_path)
    why = page.all("li")
    assert any("revenue ligger 4 241 096 kr efter förväntad takt: customers förklarar 100 % av gapet i revenue." in item for item in why)
    assert any(
        "customers ligger 4,71 efter förväntad takt: lead_to_customer förklarar 106 % av gapet i customers, leads −6 %. "
        "En negativ andel är en underliggande nod som minskar gapet." in item
        for item in why
    )
    assert "Underliggande nod" in page.all("th") and "Del av gapet" in page.all("th")


def test_the_charts_and_the_diagram_in_the_html_report_speak_swedish(tmp_path):
    text, page = html_page(tmp_path)
    ticks = page.all("text")
    assert "mars" in ticks and "juni" in ticks and "Jun" not in ticks  # Swedish month names on the axis
    assert "60 mn" in ticks  # the axis's scale word
    assert "Takt för revenue; mål 63 000 000 kr; förväntat 31 241 096 kr per 30 juni 2027; utfall 27 000 000 kr; prognos 53 783 926 kr per 31 december 2027" in page.all("title")
    assert "utfall, ackumulerat: 27 000 000 kr" in page.all("li")
    # The Graphviz diagram inside the report: Swedish status labels and legend.
    assert "DRIVARE · ANTAGANDE" not in ticks  # type and status are two runs of text on a card
    assert "DRIVARE · clv" in ticks and "EFTER PLAN" in ticks and "ansvarig: Head of Marketing" in ticks
    assert "Marketing-sourced revenue 2027 — per 30 juni 2027" in ticks
    assert "Anpassa till bredden" in page.script and "Verklig storlek" in page.script
    assert page.all("button")[0] == "Verklig storlek"


def test_the_content_security_policy_hashes_the_translated_script(tmp_path):
    _text, page = html_page(tmp_path)
    digest = base64.b64encode(hashlib.sha256(page.script.encode("utf-8")).digest()).decode("ascii")
    assert "Anpassa till bredden" in page.script
    assert f"script-src 'sha256-{digest}'" in page.csp


def test_a_translation_cannot_add_markup_to_the_report(tmp_path, monkeypatch):
    messages = language("sv").messages
    monkeypatch.setitem(messages, "Click a card to see its details.", '<img src=x onerror="alert(1)">Klicka')
    monkeypatch.setitem(messages, "Numbers from {source}.", '<b>Källa</b>: "{source}".')
    monkeypatch.setitem(messages, "Fit to width", "</script><script>alert(1)</script>")
    text, page = html_page(tmp_path)
    assert "<img src=x" not in text and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Klicka" in text
    assert "<b>Källa</b>" not in text
    assert "&lt;b&gt;Källa&lt;/b&gt;: &#34;utfall inskrivna i målfilen, till och med 30 juni 2027&#34;." in text
    assert text.count("<script>") == 1 and "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page.script
    digest = base64.b64encode(hashlib.sha256(page.script.encode("utf-8")).digest()).decode("ascii")
    assert f"'sha256-{digest}'" in page.csp


def test_the_markdown_report_speaks_swedish(tmp_path):
    text = report(tmp_path, "md")
    lines = text.splitlines()
    assert lines[2] == (
        "Läget per **30 juni 2027** · period 1 januari 2027 – 31 december 2027 · målträd `seed-funnel` · "
        "siffror från utfall inskrivna i målfilen, till och med 30 juni 2027"
    )
    assert "## Sammanfattning" in lines and "## Mål och KPI:er" in lines and "## Tratt" in lines
    assert "**3 av 6 bedömda noder ligger efter sin takt; 4 planeringsantaganden räknas inte.**" in lines
    assert "| Nod | Typ | Status | Utfall | Mål | Förväntat | Framsteg | Prognos | Ansvarig |" in lines
    assert "| RISK | 3 | något efter förväntad takt |" in lines
    revenue = next(line for line in lines if line.startswith("| 63 MSEK") and "(`revenue`) | KPI |" in line)
    assert "| 27 000 000 kr | 63 000 000 kr | 31 241 096 kr | 42,9 % | 53 783 926 kr |" in revenue
    assert any("customers förklarar 100 % av gapet i revenue." in line for line in lines)
    assert any(line.startswith("Trattens värde: Var och en av de 70 planerade customers är värd 900 000 kr under sin livstid (clv)") for line in lines)
    assert "Inga avvikelser: alla mål klarar SMART-kontrollerna." in lines
    assert lines[-1] == "Skapad av goaltree från `seed-funnel` per 30 juni 2027; siffror från utfall inskrivna i målfilen, till och med 30 juni 2027."


def test_the_json_report_keeps_its_keys_and_codes(tmp_path):
    document = json.loads(report(tmp_path, "json"))
    assert document["nodes"]["revenue"]["status"] == "at_risk"
    assert set(document["report"]["summary"]["counts"]) >= {"at_risk", "on_track"}


def render(tmp_path: Path, suffix: str, *extra: str) -> str:
    path = swedish_funnel(tmp_path)
    out = tmp_path / f"tree.{suffix}"
    assert main(["render", str(path), "-o", str(out), "--as-of", AS_OF, *extra]) in (0, 1)
    return out.read_text(encoding="utf-8")


def test_the_mermaid_diagram_speaks_swedish(tmp_path):
    text = render(tmp_path, "mmd")
    revenue = next(line for line in text.splitlines() if line.strip().startswith("revenue["))
    assert revenue == (
        '    revenue["KPI · RISK<br/>63 MSEK new revenue from marketing-sourced customers<br/>27 000 000 / 63 000 000 kr'
        '<br/>████░░░░░░ 42,9 % · förväntat 49,6 %<br/>ansvarig: Head of Marketing"]'
    )
    assert "DRIVARE · ANTAGANDE" in text and "planeringsantagande · räknas inte" in text
    assert "30 / 70 (härlett)" in text


def test_a_cut_off_card_counts_its_children_in_swedish(tmp_path):
    text = render(tmp_path, "mmd", "--depth", "0")
    assert "+ 2 underliggande noder visas inte" in text
    text = render(tmp_path, "mmd", "--root", "leads", "--depth", "0")
    assert "+ 2 underliggande noder visas inte" in text


def test_the_dot_diagram_speaks_swedish_and_graphviz_draws_it(tmp_path):
    text = render(tmp_path, "dot")
    for label in ("EFTER PLAN", "RISK", "INGEN DATA", "I FAS", "UPPNÅTT", "ANTAGANDE", "EJ STARTAD"):
        assert f">{label}</FONT>" in text
    assert "målsättning: dubbel ram, rundade hörn · kpi: enkel ram, raka hörn · drivare: streckad ram, rundade hörn · (härlett) = mål härlett ur ekvationerna" in text
    assert "Marketing-sourced revenue 2027 — per 30 juni 2027" in text
    assert "42,9 % · förväntat 49,6 %" in text
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    drawn = subprocess.run(["dot", "-Tsvg"], input=text.encode("utf-8"), capture_output=True, check=True)
    assert "EFTER PLAN" in drawn.stdout.decode("utf-8")


def test_language_en_on_the_command_line_gives_the_english_report(tmp_path):
    text, page = html_page(tmp_path, "--language", "en")
    assert page.lang == "en"
    assert page.all("h2")[:3] == ["Summary", "The KPI tree", "Goals and KPIs"]
    assert page.all("th")[:7] == ["Node", "Status", "Actual", "Target", "Progress", "Expected progress", "Owner"]
    assert "AT RISK" in page.all("badge")
    assert "3 of 6 scored nodes are behind their pace; 4 planning assumptions not scored." in page.all("p")
    assert any("revenue is 4 241 096 SEK behind its expected pace: customers explain 100 % of the revenue gap." in item for item in page.all("li"))
    assert "1.20 %" in text and "1,20 %" not in text
    assert "Fit to width" in page.script
    markdown = report(tmp_path, "md", "--language", "en")
    assert "## Summary" in markdown.splitlines()
    assert re.search(r"^Status at \*\*2027-06-30\*\* · period 2027-01-01 – 2027-12-31", markdown, re.M)
    mermaid = render(tmp_path, "mmd", "--language", "en")
    assert "KPI · AT RISK" in mermaid and "owner: Head of Marketing" in mermaid and "42.9 % · expected 49.6 %" in mermaid


def test_an_unknown_root_is_refused_in_swedish(tmp_path, capsys):
    path = swedish_funnel(tmp_path)
    code = main(["render", str(path), "-o", str(tmp_path / "tree.mmd"), "--root", "leadz", "--as-of", AS_OF])
    assert code == 2
    assert "ingen nod 'leadz' i seed-funnel" in capsys.readouterr().err
    assert not (tmp_path / "tree.mmd").exists()


CAC_LEVEL = """\
goaltree: 1
id: framsteg
title: CAC 2027
language: sv
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marknadschef
nodes:
  cac:
    title: En ny kund kostar högst 90 000 kr 2027, ned från 128 000 kr
    unit: SEK
    aggregate: last
    direction: decrease
    baseline: 128000
    target: 90000
    actuals: {2027-06-30: 114464}
"""


def test_progress_is_the_share_of_the_way_not_of_the_target(tmp_path):
    # CAC from 128 000 towards 90 000, now 114 464: 13 536 of 38 000 is 35,6 % of the way,
    # though 114 464 is far more than 35,6 % of the target (docs/languages.md, Framsteg).
    path = tmp_path / "goals.yaml"
    path.write_text(CAC_LEVEL, encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["report", str(path), "-o", str(out), "--as-of", AS_OF]) in (0, 1)
    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert "35,6 % av vägen, 49,6 % förväntat · EFTER PLAN" in page.all("dd")
    assert "av målet" not in out.read_text(encoding="utf-8")


def test_a_card_without_an_expected_pace_says_the_share_of_the_way(tmp_path):
    import dataclasses
    import datetime as dt

    from goaltree.api import evaluate, load
    from goaltree.present.language import use_language
    from goaltree.render.cards import pace_text

    path = tmp_path / "goals.yaml"
    path.write_text(CAC_LEVEL, encoding="utf-8")
    result = dataclasses.replace(evaluate(load(path), dt.date(2027, 6, 30)).nodes["cac"], expected_progress=None)
    with use_language("sv"):
        assert pace_text(result) == "35,6 % av vägen"
    with use_language("en"):
        assert pace_text(result) == "35.6 % of the way"


UNITS = """\
goaltree: 1
id: enhet
title: Enheter på svenska
language: sv
period: {start: 2027-01-01, end: 2027-12-31}
owner: Försäljningschef
nodes:
  crm: {title: Affärerna går snabbare 2027, type: objective}
  dagar_till_affar:
    title: Vunna affärer stängs inom 90 dagar
    parent: crm
    kpi: days_to_deal
    baseline: 110
    target: 90
    actuals: {2027-03-31: 100, 2027-06-30: 95}
  dagar_sv:
    title: Offerter skickas inom 5 dagar
    parent: crm
    unit: dagar
    aggregate: mean
    direction: decrease
    baseline: 8
    target: 5
    actuals: {2027-03-31: 7, 2027-06-30: 6}
  moten:
    title: 40 kundmöten 2027
    parent: crm
    unit: count
    target: 40
    actuals: {2027-06-30: 18}
  svar:
    title: Första svar inom 1 dag
    parent: crm
    unit: days
    aggregate: last
    direction: decrease
    baseline: 3
    target: 1
    actuals: {2027-06-30: 2}
"""


def test_goaltrees_own_unit_words_are_swedish_and_a_files_own_unit_is_as_written(tmp_path, capsys):
    # days_to_deal's unit is the catalogue's `days`; `count` is goaltree's kind; `dagar` is the file's own word.
    path = tmp_path / "goals.yaml"
    path.write_text(UNITS, encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["report", str(path), "-o", str(out), "--as-of", AS_OF]) in (0, 1)
    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    details = page.all("dd")
    assert "dagar_till_affar · KPI · enhet dagar · ska minska" in details
    assert "moten · KPI · enhet antal · ska öka" in details
    assert "dagar_sv · KPI · enhet dagar · ska minska" in details
    assert not any(word in detail.split() for detail in details for word in ("count", "days"))
    # A figure after its number: "1 dag", not "1 dagar".
    assert "1 dag" in details and "2 dagar" in details
    mermaid = tmp_path / "tree.mmd"
    assert main(["render", str(path), "-o", str(mermaid), "--as-of", AS_OF]) in (0, 1)
    cards = mermaid.read_text(encoding="utf-8")
    assert "97,5 / 90 dagar" in cards and "2 / 1 dag<br/>" in cards and "days" not in cards
    main(["explain", str(path), "moten", "--as-of", AS_OF])
    assert capsys.readouterr().out.splitlines()[0] == "moten: 40 kundmöten 2027 (antal)"
    # The JSON keeps the code, and English writes the unit as the goal file does.
    data = tmp_path / "report.json"
    assert main(["report", str(path), "-o", str(data), "--as-of", AS_OF]) in (0, 1)
    assert json.loads(data.read_text(encoding="utf-8"))["nodes"]["dagar_till_affar"]["unit"] == "days"
    main(["explain", str(path), "moten", "--as-of", AS_OF, "--language", "en"])
    assert capsys.readouterr().out.splitlines()[0] == "moten: 40 kundmöten 2027 (count)"
    assert main(["render", str(path), "-o", str(mermaid), "--as-of", AS_OF, "--language", "en"]) in (0, 1)
    assert "97.5 / 90 days" in mermaid.read_text(encoding="utf-8")
