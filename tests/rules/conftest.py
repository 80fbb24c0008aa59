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


def generated_goal_file(regions: int, *, owner: bool = True) -> str:
    """A realistic goal file of about ``8 * regions`` nodes: one funnel per region under a few objectives.

    Each region is ``revenue = customers * clv``, ``customers = leads * lead_to_customer``,
    ``leads = visits * visit_to_lead`` with inline actuals on the counts; regions
    are grouped seven to an objective so the tree stays within ``max_children``.
    """
    lines = [
        "goaltree: 1",
        "id: generated",
        "title: Generated marketing tree",
        "period: {start: 2027-01-01, end: 2027-12-31}",
    ]
    if owner:
        lines.append("owner: Head of Marketing")
    lines += ["nodes:", "  growth:", "    title: 40 % more marketing-sourced revenue in 2027", "    type: objective"]
    groups = (regions + 6) // 7
    for group in range(groups):
        lines += [
            f"  area_{group}:",
            f"    title: Area {group} brings 12 % of the revenue",
            "    type: objective",
            "    parent: growth",
        ]
    for region in range(regions):
        g = region // 7
        lines += [
            f"  revenue_{region}:",
            f"    title: {3 + region % 5} MSEK new revenue in region {region}",
            "    unit: SEK",
            f"    target: {(3 + region % 5) * 900000 * 10}",
            f"    formula: customers_{region} * clv_{region}",
            f"    parent: area_{g}",
            f"  clv_{region}:",
            "    title: Customer lifetime value of 900 000 SEK",
            "    type: driver",
            "    unit: SEK",
            "    target: 900000",
            f"  customers_{region}:",
            f"    title: {(3 + region % 5) * 10} new customers",
            "    unit: count",
            f"    formula: leads_{region} * lead_to_customer_{region}",
            "    actuals: {2027-03-31: 5, 2027-06-30: 6}",
            f"  lead_to_customer_{region}:",
            "    title: 1.4 % of leads become customers",
            "    type: driver",
            "    unit: ratio",
            "    target: 0.014",
            f"  leads_{region}:",
            "    title: Leads from the website",
            "    unit: count",
            f"    formula: visits_{region} * visit_to_lead_{region}",
            "    actuals: {2027-03-31: 400, 2027-06-30: 420}",
            f"  visit_to_lead_{region}:",
            "    title: 2 % of visits become leads",
            "    type: driver",
            "    unit: ratio",
            "    target: 0.02",
            f"  visits_{region}:",
            "    title: Visits to the regional website",
            "    unit: count",
            "    baseline: 60000",
            "    actuals: {2027-03-31: 20000, 2027-06-30: 21000}",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def funnel_copy(tmp_path: Path) -> Path:
    """A copy of the seed funnel."""
    import shutil

    target = tmp_path / "funnel.yaml"
    shutil.copy(REPO / "tests" / "data" / "funnel.yaml", target)
    return target
