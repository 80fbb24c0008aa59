"""The golden files in ``tests/golden/``: which goal file, date and options give each one.

``scripts/regenerate_golden.py`` writes them from here and the golden tests
compare against them; nobody edits a golden file by hand. The SMART rules grow
independently of the renderers, so the golden Markdown shows only the
evaluation's own diagnostics: a new rule does not change it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
GOLDEN_DIR = Path(__file__).resolve().parent
AS_OF = dt.date(2027, 6, 30)

FUNNEL = REPO / "tests" / "data" / "funnel.yaml"
OBJECTIVES = REPO / "tests" / "render" / "data" / "objectives.yaml"


def _evaluate(goal_file: Path):
    from goaltree.api import evaluate, load

    tree = load(goal_file)
    return tree, evaluate(tree, AS_OF)


def _dot(goal_file: Path, **options) -> Callable[[], str]:
    def produce() -> str:
        from goaltree.render.dot import to_dot

        return to_dot(_evaluate(goal_file)[1], **options)

    return produce


def _mermaid(goal_file: Path, **options) -> Callable[[], str]:
    def produce() -> str:
        from goaltree.render.mermaid import to_mermaid

        return to_mermaid(_evaluate(goal_file)[1], **options)

    return produce


def _markdown(goal_file: Path) -> Callable[[], str]:
    def produce() -> str:
        from goaltree.report import render_report

        tree, evaluation = _evaluate(goal_file)
        return render_report(evaluation, "md", findings=evaluation.diagnostics, goal_file=tree.goal_file)

    return produce


CASES: dict[str, Callable[[], str]] = {
    "funnel.dot": _dot(FUNNEL),
    "funnel-customers-depth1.dot": _dot(FUNNEL, root="customers", depth=1),
    "objectives.dot": _dot(OBJECTIVES),
    "funnel.mmd": _mermaid(FUNNEL),
    "funnel-customers-depth1.mmd": _mermaid(FUNNEL, root="customers", depth=1),
    "objectives.mmd": _mermaid(OBJECTIVES),
    "funnel.md": _markdown(FUNNEL),
    "objectives.md": _markdown(OBJECTIVES),
}
"""Golden file name -> the function that produces its text."""
