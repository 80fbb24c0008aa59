"""A real headless Chromium for the tests: Debian's browser driven by Playwright, offline.

Needs Playwright's Python package and Debian's Chromium at /usr/bin/chromium
(never a downloaded browser; `bash scripts/setup.sh --test` installs both).
A test that needs them is skipped where they are missing, except in CI
(``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
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
# The mermaid.js that scripts/install-system-deps.sh --test installs from npm.
MERMAID_JS = REPO / ".tools" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"


def skip_or_fail(problem: str) -> None:
    """Skip the test for ``problem`` here; in CI, where every tool must be there, fail it."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{problem}; CI must run the browser tests")
    pytest.skip(problem)


def require_browser() -> None:
    """Skip (fail in CI) unless Playwright and Chromium are installed."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "Playwright's Python package is not installed"
    if problem is None and not (CHROMIUM.exists() or shutil.which("chromium")):
        problem = f"Chromium is not installed at {CHROMIUM}"
    if problem:
        skip_or_fail(problem)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A launched headless Chromium (a Playwright ``Browser``), closed afterwards."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
