"""Helpers and fixtures of the diagram tests: the goal files evaluated, a generated tree, the golden cases.

The fixtures live here rather than in a ``conftest.py``: several test folders
have no ``__init__.py``, and a second module named ``conftest`` would shadow
the one other tests import. Test modules import the fixtures they use.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
FUNNEL = REPO / "tests" / "data" / "funnel.yaml"
OBJECTIVES = DATA / "objectives.yaml"
HOSTILE = DATA / "hostile.yaml"
AS_OF = dt.date(2027, 6, 30)


def evaluate_file(path: Path, as_of: dt.date = AS_OF):
    from goaltree.api import evaluate, load

    return evaluate(load(path), as_of)


def generated_goal_file(directory: Path, count: int) -> Path:
    """A goal file with ``count`` nodes: an objective over sum rollups four wide, measured leaves."""
    lines = [
        "goaltree: 1",
        "id: generated",
        f"title: Generated tree of {count} nodes",
        "period: {start: 2027-01-01, end: 2027-12-31}",
        "owner: Strategy team",
        "nodes:",
        "  root:",
        "    title: Grow every market",
        "    type: objective",
    ]
    for index in range(1, count):
        parent = "root" if index <= 4 else f"market_{(index - 1) // 4}"
        lines += [
            f"  market_{index}:",
            f"    title: Market {index} signs new customers every month",
            "    unit: count",
            f"    parent: {parent}",
            f"    weight: {1 + index % 3}",
        ]
        if 4 * index + 1 < count:  # it has children: a sum of them, its target derived
            lines.append("    rollup: sum")
        else:
            lines += [f"    target: {100 + index}", f"    actuals: {{2027-03-31: {20 + index % 30}, 2027-06-30: {25 + index % 40}}}"]
    path = directory / f"generated-{count}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_golden_cases():
    """``tests/golden/golden_cases.py``, the cases shared with scripts/regenerate_golden.py."""
    spec = importlib.util.spec_from_file_location("golden_cases", REPO / "tests" / "golden" / "golden_cases.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def funnel():
    """The seed funnel at 2027-06-30."""
    return evaluate_file(FUNNEL)


@pytest.fixture(scope="session")
def objectives():
    """The objective tree at 2027-06-30."""
    return evaluate_file(OBJECTIVES)


@pytest.fixture(scope="session")
def hostile():
    """The goal file full of markup, at 2027-06-30."""
    return evaluate_file(HOSTILE)
