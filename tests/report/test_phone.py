"""The HTML report on a phone: every example, a hostile one and a Swedish one, in a real Chromium 390 px wide.

A phone user must never scroll the page sideways: wide tables scroll inside
their own box, the needs-attention table turns into cards, the diagram and the
charts fit the width, and long ids and titles wrap. The same reports at
1280 px keep the desktop layout.

Each page's full-length screenshot is saved for a person to look at, in
``$GOALTREE_TEST_ARTEFACTS`` when it is set, else in ``test-artefacts/``
under pytest's base temporary folder (``--basetemp``, or
``/tmp/pytest-of-$USER/pytest-N/``): ``phone-NAME.png`` and ``desktop-NAME.png``,
the page's first 20 000 px where it is longer.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from browser import chromium
from report_helpers import AS_OF, REPO

from goaltree.cli import main

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CARD_LABELS_SV = ("Utfall", "Mål", "Framsteg", "Förväntat framsteg", "Ansvarig")
"""A Swedish card's figure labels: the glossary's words."""
DESKTOP = {"width": 1280, "height": 900}
# The enterprise report is some 450 000 px long on a phone: more than a browser
# can put in one image, and more than anyone looks at.
SCREENSHOT_HEIGHT = 20_000
EXAMPLES = sorted(path.parent.name for path in (REPO / "examples").glob("*/goals.yaml"))
REPORTS = [*EXAMPLES, "hostile", "b2b-funnel-sv"]  # the Swedish template: longer words, the same page width

# 200-character words a browser cannot break on its own: ids (one `_`-joined
# word), titles, an owner and a source dimension.
VISITS = "visits_" + "x" * 193
LEADS = "leads_" + "y" * 194
CHANNEL = "organic_" + "s" * 192
HOSTILE_GOALS = f"""goaltree: 1
id: phone-{"z" * 194}
title: "{"W" * 200}"
period: {{start: 2027-01-01, end: 2027-12-31}}
owner: "{"O" * 150}"
sources:
  web: {{type: csv, path: traffic.csv, date_column: day}}
nodes:
  {LEADS}:
    title: "{"L" * 200}"
    owner: "{"P" * 200}"
    unit: count
    formula: {VISITS} * visit_to_lead
    actuals: {{2027-03-31: 1200, 2027-06-30: 1300}}
  visit_to_lead:
    title: "{"R" * 200}"
    type: driver
    unit: ratio
    target: 0.02
  {VISITS}:
    title: "{"V" * 200}"
    unit: count
    target: 250000
    metric: {{source: web, value: sessions, by: channel}}
"""

# Everything that sticks out to the right of the viewport, except inside the
# boxes meant to scroll sideways: the diagram and the wide tables. The
# needs-attention table becomes cards on a phone, so nothing in it may stick out.
# A drawing is measured as a whole, not shape by shape.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const scrollsSideways = (element) =>
    element.id === "diagram" || (element.classList.contains("table-scroll") && !element.querySelector("table.attention"));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT, {
    // Rejecting a child skips its whole subtree: a drawing's shapes, a scroll box's contents, and what a
    // closed <details> hides (measuring hidden content forces a layout per element: minutes on 1 000 nodes).
    acceptNode: (element) => {
      const parent = element.parentElement;
      const hidden = parent.tagName === "DETAILS" && !parent.open && element.tagName !== "SUMMARY";
      return hidden || parent instanceof SVGElement || scrollsSideways(parent) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    },
  });
  for (let element = walker.nextNode(); element; element = walker.nextNode()) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5 && (box.width > 0 || box.height > 0)) {
      const classes = typeof element.className === "string" && element.className.trim() ? "." + element.className.trim().split(/\\s+/).join(".") : "";
      out.push(element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") + classes + " ends at " + Math.round(box.right) + " px");
    }
  }
  return out;
}"""

# The smallest font size of any text a reader sees outside a drawing (an SVG
# scales its own text with the drawing).
SMALLEST_TEXT = """() => {
  let smallest = Infinity;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const element = text.parentElement;
    if (!text.textContent.trim() || element.closest("svg, script, style, details:not([open]) > :not(summary)")) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    smallest = Math.min(smallest, parseFloat(getComputedStyle(element).fontSize));
  }
  return smallest;
}"""


def artefacts_folder(tmp_path_factory) -> Path:
    """Where the screenshots go: $GOALTREE_TEST_ARTEFACTS, else test-artefacts/ under pytest's base temp folder."""
    folder = Path(os.environ.get("GOALTREE_TEST_ARTEFACTS") or tmp_path_factory.getbasetemp() / "test-artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """Every example's HTML report, the hostile project's and the Swedish template's, written by `goaltree report`."""
    folder = tmp_path_factory.mktemp("phone")
    hostile = folder / "hostile"
    hostile.mkdir()
    (hostile / "goals.yaml").write_text(HOSTILE_GOALS, encoding="utf-8")
    rows = ["day,channel,sessions"] + [f"2027-{month:02d}-15,{channel},{sessions}" for month in range(1, 7) for channel, sessions in ((CHANNEL, 9000), ("paid", 4000))]
    (hostile / "traffic.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["init", str(folder / "svenska"), "--template", "b2b-funnel-sv"]) == 0
    goal_files = {name: REPO / "examples" / name / "goals.yaml" for name in EXAMPLES} | {
        "hostile": hostile / "goals.yaml",
        "b2b-funnel-sv": folder / "svenska" / "goals.yaml",
    }
    written = {}
    for name, goal_file in goal_files.items():
        out = folder / f"{name}.html"
        code = main(["report", str(goal_file), "-o", str(out), "--as-of", AS_OF.isoformat()])
        assert code in (0, 1) and out.is_file(), f"goaltree report failed for {name} (exit {code})"
        written[name] = out
    return written


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> Path:
    return artefacts_folder(tmp_path_factory)


def save_screenshot(page, path: Path) -> None:
    """A PNG of the whole page, or of its first SCREENSHOT_HEIGHT pixels when it is longer."""
    height = min(page.evaluate("document.documentElement.scrollHeight"), SCREENSHOT_HEIGHT)
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height, "scale": 1}
    # Chromium's own capture beyond the viewport: Playwright's full_page first grows the
    # viewport to the page's whole length, which the 450 000 px enterprise page never survives.
    session = page.context.new_cdp_session(page)
    try:
        shot = session.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})
    finally:
        session.detach()
    path.write_bytes(base64.b64decode(shot["data"]))


def open_page(browser, path: Path, viewport: dict, mobile: bool):
    # A phone honours the viewport meta tag (is_mobile): without the tag it would lay the page out 980 px wide.
    page = browser.new_page(viewport=viewport, is_mobile=mobile, has_touch=mobile)
    page.goto(path.as_uri(), wait_until="load")
    return page


def test_the_hostile_report_holds_its_200_character_words(reports):
    html = reports["hostile"].read_text(encoding="utf-8")
    for word in (VISITS, LEADS, CHANNEL, "W" * 200, "L" * 200, "O" * 150):
        assert word in html
    for section in ('id="funnel"', 'id="breakdowns"', 'id="pace"', 'class="attention"'):
        assert section in html


@pytest.mark.parametrize("name", REPORTS)
def test_a_phone_never_scrolls_the_page_sideways(name, reports, browser, artefacts):
    page = open_page(browser, reports[name], PHONE, mobile=True)
    try:
        assert page.evaluate("document.documentElement.clientWidth") == PHONE["width"], "the page is not laid out at the phone's width (viewport meta tag)"
        assert page.evaluate("window.visualViewport.scale") == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate(OVERFLOWING) == []
        save_screenshot(page, artefacts / f"phone-{name}.png")
        assert (artefacts / f"phone-{name}.png").read_bytes().startswith(b"\x89PNG")

        # A reader who opens everything still scrolls only downwards.
        page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate(SMALLEST_TEXT) >= 12
        # A table may scroll in its box, but a long word wraps rather than stretch it without end.
        widest = page.evaluate("Math.max(0, ...Array.from(document.querySelectorAll('.table-scroll'), box => box.scrollWidth))")
        assert widest <= 2 * PHONE["width"]
    finally:
        page.close()


@pytest.mark.parametrize("name", REPORTS)
def test_on_a_phone_the_needs_attention_rows_are_cards_that_fit(name, reports, browser):
    page = open_page(browser, reports[name], PHONE, mobile=True)
    try:
        rows = page.locator("table.attention tbody tr")
        if rows.count() == 0:
            pytest.skip(f"nothing needs attention in {name}")
        box = page.locator(".table-scroll:has(table.attention)")
        assert box.evaluate("element => element.scrollWidth <= element.clientWidth")
        first = rows.first
        text = first.inner_text()
        # The column headings are hidden on a card, so each figure says what it is.
        labels = CARD_LABELS_SV if name.endswith("-sv") else ("Actual", "Target", "Progress", "Expected progress", "Owner")
        for label in labels:
            assert label in first.evaluate(f"row => getComputedStyle(row.querySelector('[data-label=\"{label}\"]'), '::before').content")
        assert first.locator("td.node a").inner_text() in text
        card = first.bounding_box()
        assert card is not None and card["x"] >= 0 and card["x"] + card["width"] <= PHONE["width"]
    finally:
        page.close()


@pytest.mark.parametrize("name", REPORTS)
def test_on_a_phone_the_diagram_and_the_charts_fit_the_width(name, reports, browser):
    page = open_page(browser, reports[name], PHONE, mobile=True)
    try:
        diagram = page.locator("#diagram")
        assert diagram.count() == 1, f"{name} has no diagram: is Graphviz installed?"
        svg = page.locator("#diagram > svg").bounding_box()
        frame = diagram.bounding_box()
        assert svg is not None and frame is not None
        assert svg["x"] >= frame["x"] and svg["x"] + svg["width"] <= frame["x"] + frame["width"] + 0.5
        # One call for all charts: the enterprise report has hundreds.
        charts = page.evaluate("Array.from(document.querySelectorAll('figure.chart svg.pace-chart')).map(svg => { const box = svg.getBoundingClientRect(); return [box.left, box.right, box.width]; })")
        assert [chart for chart in charts if not (chart[0] >= 0 and chart[1] <= PHONE["width"] and chart[2] > 200)] == []
        assert len(charts) == page.locator("figure.chart").count()
        # At actual size the diagram scrolls inside its frame, never the page.
        page.click("#diagram-fit")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        page.close()


@pytest.mark.parametrize("name", REPORTS)
def test_the_desktop_layout_keeps_its_tables_and_chart_grid(name, reports, browser, artefacts):
    page = open_page(browser, reports[name], DESKTOP, mobile=False)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        save_screenshot(page, artefacts / f"desktop-{name}.png")
        # On a desktop every table fits, even with 200-character words: nothing scrolls sideways.
        page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
        assert page.evaluate("Array.from(document.querySelectorAll('.table-scroll')).filter(box => box.scrollWidth > box.clientWidth).length") == 0
        if page.locator("table.attention").count():
            assert page.locator("table.attention").evaluate("table => getComputedStyle(table).display") == "table"
            assert page.locator("table.attention thead").is_visible()
            # The columns sit side by side: every cell of a row starts at the same height.
            tops = page.locator("table.attention tbody tr").first.evaluate("row => Array.from(row.cells).map(cell => Math.round(cell.getBoundingClientRect().top))")
            assert len(set(tops)) == 1
        charts = page.locator("figure.chart")
        if charts.count() >= 2:
            first, second = charts.nth(0).bounding_box(), charts.nth(1).bounding_box()
            assert first is not None and second is not None
            assert first["y"] == second["y"] and second["x"] > first["x"] + first["width"], "the pace charts are no longer two to a row"
    finally:
        page.close()


def test_screenshots_go_where_the_environment_says(tmp_path_factory, monkeypatch, tmp_path):
    monkeypatch.setenv("GOALTREE_TEST_ARTEFACTS", str(tmp_path / "shots"))
    assert artefacts_folder(tmp_path_factory) == tmp_path / "shots"
    assert (tmp_path / "shots").is_dir()
    monkeypatch.delenv("GOALTREE_TEST_ARTEFACTS")
    assert artefacts_folder(tmp_path_factory) == tmp_path_factory.getbasetemp() / "test-artefacts"
