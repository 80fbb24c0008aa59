"""Fixtures of the rule tests: writing goal files and checking them in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
CASES = HERE / "cases"
DATA = HERE / "data"
REPO = HERE.parent.parent

RULE_CASE_HEADER = """\
goaltree: 1
id: rule-case
title: Rule case
owner: Head of Marketing
period: {start: 2027-01-01, end: 2027-12-31}
"""


@pytest.fixture
def check_text(tmp_path: Path):
    """Write goal-file text to ``tmp_path/goals.yaml`` and return ``(path, diagnostics)``."""
    from goaltree.rules import check_file

    def check(text: str, name: str = "goals.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path, check_file(path)

    return check


@pytest.fixture
def funnel_copy(tmp_path: Path) -> Path:
    """A copy of the seed funnel."""
    import shutil

    target = tmp_path / "funnel.yaml"
    shutil.copy(REPO / "tests" / "data" / "funnel.yaml", target)
    return target
