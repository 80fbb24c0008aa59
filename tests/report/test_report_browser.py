"""The HTML report in a real headless Chromium: visible, interactive, silent and offline.

The browser comes from tests/browser.py: skipped where it is missing, except in CI.
"""

from __future__ import annotations

import pytest
from browser import chromium
from playwright.sync_api import expect
from report_helpers import FUNNEL, load_and_evaluate

from goaltree.cli.output import write_atomic
from goaltree.report import render_report

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_on_report(tmp_path_factory):
    tree, evaluation = load_and_evaluate(FUNNEL)
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_atomic(path, render_report(evaluation, "html", goal_file=tree.goal_file))
    url = path.as_uri()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems: list[str] = []
        requests: list[str] = []
        page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}") if message.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url, wait_until="load")
        yield page, url, problems, requests


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
    # expect() polls from Playwright's injected script; wait_for_function would
    # eval a string, which the report's Content Security Policy forbids.
    expect(visits).to_have_js_property("open", True)
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
    import browser

    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        browser.require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser.require_browser()


def test_the_swedish_report_runs_its_translated_script(page_on_report, tmp_path):
    """Swedish words in the script change its text, so the CSP hash must be of the translated script:
    a stale hash would block the script (a console error) and the buttons would do nothing."""
    from goaltree.present.language import use_language

    tree, evaluation = load_and_evaluate(FUNNEL)
    path = tmp_path / "rapport.html"
    with use_language("sv"):
        write_atomic(path, render_report(evaluation, "html", goal_file=tree.goal_file))
    # A page of the module's browser: Playwright's sync API runs one browser at a time.
    page = page_on_report[0].context.browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}") if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(path.as_uri(), wait_until="load")
    assert page.evaluate("document.documentElement.lang") == "sv"
    fit = page.locator("#diagram-fit")
    assert fit.inner_text() == "Verklig storlek"
    fit.click()
    expect(fit).to_have_text("Anpassa till bredden")  # written by the script, in Swedish
    page.click("#expand-all")
    assert page.evaluate("Array.from(document.querySelectorAll('details.node')).every(d => d.open)")
    assert problems == []
    page.close()
