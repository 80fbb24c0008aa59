"""Forecasts: where each node ends up at its deadline if its observed trend goes on (docs/engine.md, "Forecast")."""

from __future__ import annotations

import datetime as dt
import math
from typing import Mapping, Sequence

from goaltree.engine.pace import NodePace
from goaltree.engine.system import Equation
from goaltree.engine.trends import trends_at
from goaltree.graph import GoalTree


def forecasts_of(
    tree: GoalTree,
    equation_of: Mapping[str, Equation],
    daily: Mapping[str, list[tuple[dt.date, float]]],
    actual_values: Mapping[str, float],
    paces: Mapping[str, NodePace],
    aggregate_of: Mapping[str, str],
    as_of: dt.date,
    day_rows: Mapping[str, Sequence[int]] | None = None,
    counted: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Each node's value at its deadline if its observed trend goes on, children before parents.

    ``day_rows`` holds the rows of each observed day of a ``mean`` of rows:
    its trend weighs a day by its rows, as its actual does. ``counted`` holds
    each actual as the equations read it, every row to ``as_of`` (a node
    judged at its deadline counts its later rows there too); ``actual_values``
    by default.

    A node computed from its children takes their trends at its own deadline,
    not at theirs: leads due at midsummer are the web and event leads
    forecast for midsummer, though those run to the year's end. Once its
    deadline has come, a measured node's forecast is its actual: there is
    nothing left to extrapolate. A child whose deadline came before ``as_of``
    adds to a later parent what the parent's actual counts of it, its rows
    after its deadline too, and nothing more: the Q1 campaign's 300 leads and
    the 50 that came in May, not its run rate carried on to December, and
    never less than the parent has counted already.
    """
    order = tree.order
    start = tree.goal_file.period.start
    counted = actual_values if counted is None else counted
    deadline_of = {node_id: paces[node_id].deadline for node_id in order}
    at_deadline: dict[dt.date, dict[str, float]] = {}
    for deadline in sorted(set(deadline_of.values())):  # one in the usual file: the period's end
        # The nodes due then and everything their equations read, at that deadline. A node's
        # children come after it in ``order``, so one pass finds them all, in order.
        read: set[str] = set()
        needed = []
        for node_id in order:
            if deadline_of[node_id] == deadline or node_id in read:
                needed.append(node_id)
                equation = equation_of.get(node_id)
                if equation is not None and node_id not in daily:
                    read.update(equation.children)
        # A deadline before the period (error T001) has no forecast, whatever the date.
        final = actual_values if start <= deadline <= as_of else {}
        # A node due earlier counts what it reaches by its own deadline: its forecast for then.
        # Once a deadline has come, a node due then ends where its actual is.
        fixed: dict[str, float | None] = {}
        for node_id in needed:
            due = deadline_of[node_id]
            if start <= due < deadline:
                if due < as_of and node_id in counted:
                    fixed[node_id] = counted[node_id]
                else:
                    fixed[node_id] = at_deadline[due].get(node_id)
            elif due == deadline and final and node_id not in daily:
                fixed[node_id] = final.get(node_id)
        at_deadline[deadline] = forecasts_at(
            needed, deadline, equation_of, daily, actual_values, aggregate_of, tree, final, day_rows or {}, fixed
        )
    forecasts: dict[str, float] = {}
    for node_id in reversed(order):
        value = at_deadline[deadline_of[node_id]].get(node_id)
        if value is not None:
            forecasts[node_id] = value
    return forecasts


def forecasts_at(
    order: Sequence[str],
    deadline: dt.date,
    equation_of: Mapping[str, Equation],
    daily: Mapping[str, list[tuple[dt.date, float]]],
    actual_values: Mapping[str, float],
    aggregate_of: Mapping[str, str],
    tree: GoalTree,
    final: Mapping[str, float],
    day_rows: Mapping[str, Sequence[int]],
    fixed: Mapping[str, float | None] | None = None,
) -> dict[str, float]:
    """The forecast at ``deadline`` of each of ``order`` (topological), children before parents.

    ``final`` holds the actuals of a deadline that has come: a measured node's forecast is its actual.
    ``day_rows``: the rows of each day of a ``mean`` of rows (see :func:`forecasts_of`).
    ``fixed``: nodes whose forecast is known already (``None``: it has none), not worked out again.
    """
    fixed = fixed or {}
    # Series first, all at once: a measured node's forecast reads no other node's.
    known: dict[str, float | None] = dict(fixed)
    series_of = {}
    for node_id in order:
        if node_id not in fixed and daily.get(node_id):
            if node_id in final:
                known[node_id] = final[node_id]
            else:
                series_of[node_id] = daily[node_id]
    known.update(trends_at(series_of, aggregate_of, tree.goal_file.period.start, deadline, day_rows))
    forecasts: dict[str, float] = {}
    for node_id in reversed(order):
        if node_id in known:
            value = known[node_id]
        else:
            value = None
            equation = equation_of.get(node_id)
            if equation is not None:
                if all(child in forecasts for child in equation.children):
                    try:
                        value = equation.evaluate(forecasts)
                    except Exception:
                        value = None
            elif node_id in actual_values and aggregate_of[node_id] != "sum":
                value = actual_values[node_id]  # a level nobody observes over time stays where it is
        if value is not None and math.isfinite(value):
            forecasts[node_id] = value
    return forecasts
