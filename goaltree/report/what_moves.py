"""The report's "What moves the plan" section: a tornado per top node, and the scenarios side by side.

The numbers come from :mod:`goaltree.scenarios`, the same as ``goaltree
sensitivity`` and ``goaltree scenarios`` print. The tornados read the targets
of the tree the report shows (a scenario's, under ``--scenario``); the
scenarios table is always built on the plan as the file states it, so that
its ``base`` column is the plan and each scenario's column is that scenario,
as ``goaltree scenarios`` prints them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from goaltree.errors import DiagnosticsError
from goaltree.present.numbers import format_general, format_number, format_share

if TYPE_CHECKING:
    from goaltree.graph import GoalTree

TORNADO_NODES = 6
"""At most this many nodes get a tornado; the others are counted."""

TORNADO_DRIVERS = 8
"""A tornado draws at most this many inputs, the largest elasticities first; the others are counted."""

SCENARIO_ROWS = 50
"""The scenarios table shows at most this many nodes that a scenario changes."""

STEP = 0.1


def _tornado(tree: "GoalTree", node_id: str, targets: dict[str, float]) -> dict[str, Any] | None:
    from goaltree.sensitivity import sensitivity

    result = sensitivity(tree, node_id, targets, STEP)
    if result.value is None or not result.drivers:
        return None
    units = {n: node.unit for n, node in tree.goal_file.nodes.items()}
    unit = units.get(node_id)
    shown = result.drivers[:TORNADO_DRIVERS]
    reach = max(max(abs(d.low - result.value), abs(d.high - result.value)) for d in shown) or 1.0
    rows = []
    for driver in shown:
        bottom, top = min(driver.low, driver.high), max(driver.low, driver.high)
        left = 50 + (bottom - result.value) / reach * 50
        rows.append(
            {
                "node": driver.node,
                "title": tree.goal_file.nodes[driver.node].title,
                "value_text": format_number(driver.value, units.get(driver.node)),
                "elasticity": driver.elasticity,
                "elasticity_text": format_general(driver.elasticity),
                "low_text": format_number(driver.low, unit),
                "high_text": format_number(driver.high, unit),
                "bar_left": round(max(left, 0.0), 2),
                "bar_width": round(max((top - bottom) / reach * 50, 0.5), 2),
            }
        )
    return {
        "node": node_id,
        "title": tree.goal_file.nodes[node_id].title,
        "value_text": format_number(result.value, unit),
        "drivers": rows,
        "drivers_more": len(result.drivers) - len(shown),
    }


def what_moves(tree: "GoalTree | None", plan: "GoalTree | None" = None, shown: str | None = None) -> dict[str, Any] | None:
    """The section's data, or ``None`` when nothing in the tree depends on an input.

    Args:
        tree: The tree the report shows (a scenario's under ``--scenario`` or ``--set``): the tornados' targets.
        plan: The plan as the file states it, for the scenarios table; ``None``: ``tree`` is the plan.
        shown: The label of the scenario the report shows (``Evaluation.scenario``), if any.

    Returns ``{"step_text", "tornados": [...], "tornados_more", "scenarios": {...} | None}``;
    a scenarios table is there when the file has scenarios (``scenarios.names``,
    ``scenarios.rows`` with each cell's text, ``scenarios.more``, and ``scenarios.shown``:
    the column of the scenario the report shows, ``None`` for the plan or a ``--set`` that no column is).
    """
    if tree is None:
        return None
    if plan is None:
        plan = tree
    from goaltree.engine.equations import equations_of, solve_targets
    from goaltree.scenarios import compare
    from goaltree.sensitivity import top_nodes

    equations = equations_of(tree)
    equation_of = {equation.node: equation for equation in equations}
    targets = solve_targets(tree, equations).values
    tops = top_nodes(tree, equation_of)
    tornados = [t for t in (_tornado(tree, node_id, targets) for node_id in tops[:TORNADO_NODES]) if t is not None]
    scenarios = None
    if plan.goal_file.scenarios:
        try:
            comparison = compare(plan)  # never the shown scenario's tree: its `base` would not be the plan
        except DiagnosticsError:  # a scenario naming an unknown node: the findings table says so (E029)
            comparison = None
        if comparison is not None:
            from goaltree.scenarios import cells, shown_nodes

            changed = shown_nodes(comparison, every=False)
            scenarios = {
                "names": list(comparison.scenarios),
                "shown": shown if shown in comparison.scenarios else None,
                "descriptions": {name: text for name, text in comparison.descriptions.items() if text},
                "rows": [
                    {"node": node_id, "title": plan.goal_file.nodes[node_id].title, "cells": cells(comparison, node_id)}
                    for node_id in changed[:SCENARIO_ROWS]
                ],
                "more": max(len(changed) - SCENARIO_ROWS, 0),
            }
    if not tornados and scenarios is None:
        return None
    return {
        "step_text": format_share(STEP),
        "tornados": tornados,
        "tornados_more": max(len(tops) - TORNADO_NODES, 0),
        "scenarios": scenarios,
    }
