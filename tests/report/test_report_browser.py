"""The HTML report in a real headless Chromium: visible, interactive, silent and offline.

Needs Playwright's Python package and Debian's Chromium at /usr/bin/chromium
(never a downloaded browser). Skipped where they are missing, except in CI
(``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from report_helpers import FUNNEL, load_and_evaluate

from goaltree.cli.output import write_atomic
from goaltree.report import render_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "Playwright's Python package is not installed"
    if problem is None and not (CHROMIUM.exists() or shutil.which("chromium")):
        problem = f"Chromium is not installed at {CHROMIUM}"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem}; CI must run the browser tests")
        pytest.skip(problem)


@pytest.fixture(scope="module")
def page_on_report(tmp_path_factory):
    _require_browser()
    from playwright.sync_api import sync_playwright

    tree, evaluation = load_and_evaluate(FUNNEL)
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_atomic(path, render_report(evaluation, "html", goal_file=tree.goal_file))
    url = path.as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems: list[str] = []
            requests: list[str] = []
            page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}") if message.type in ("error", "warning") else None)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(url, wait_until="load")
            yield page, url, problems, requests
        finally:
            browser.close()


def test_summary_is_visible(page_on_report):
    page, _, _, _ = page_on_report
    summary = page.locator("#summary")
    assert summary.is_visible()
    assert page.locator("#summary .headline").inner_text() == "3 of 6 scored nodes are behind their pace; 4 planning assumptions not scored."
    assert page.locator('#summary .tile[data-status="at_risk"] .count').inner_text() == "3"


def test_a_node_expands_when_clicked(page_on_report):
    page, _, _, _ = page_on_report
    customers = page.locator("#node-customers")
    body = customers.locator(":scope > .node-body")
    assert not body.is_visible()
    customers.locator(":scope > summary").click()
    assert customers.evaluate("element => element.open") is True
    assert body.is_visible()
    assert "30 / 70" in customers.locator(":scope > summary").inner_text()
    assert "lead_to_customer" in body.inner_text()


def test_clicking_a_card_in_the_diagram_opens_its_details(page_on_report):
    page, _, _, _ = page_on_report
    visits = page.locator("#node-visits")
    assert visits.evaluate("element => element.open") is False
    page.locator('#diagram a[href="#node-visits"], #diagram a[*|href="#node-visits"]').first.click()
    page.wait_for_function("document.getElementById('node-visits').open")
    assert visits.locator(":scope > .node-body").is_visible()


def test_a_pace_chart_is_visible(page_on_report):
    page, _, _, _ = page_on_report
    chart = page.locator("#chart-revenue svg.pace-chart")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 80
    assert page.locator("#chart-revenue polyline").count() >= 2  # expected pace and forecast


def test_expand_and_collapse_all(page_on_report):
    page, _, _, _ = page_on_report
    page.click("#expand-all")
    assert page.evaluate("Array.from(document.querySelectorAll('details.node')).every(d => d.open)")
    page.click("#collapse-all")
    assert page.evaluate("Array.from(document.querySelectorAll('details.node')).every(d => !d.open)")


def test_printing_unfolds_everything(page_on_report):
    page, _, _, _ = page_on_report
    page.click("#collapse-all")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate("Array.from(document.querySelectorAll('details')).every(d => d.open)")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("Array.from(document.querySelectorAll('details.node')).every(d => !d.open)")


def test_no_console_errors_and_no_network(page_on_report):
    page, url, problems, requests = page_on_report
    page.reload(wait_until="load")
    assert problems == []
    assert set(requests) == {url}


def test_a_missing_browser_skips_locally_and_fails_in_ci(monkeypatch, tmp_path):
    import test_report_browser as module

    monkeypatch.setattr(module, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(module.shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        module._require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        module._require_browser()
