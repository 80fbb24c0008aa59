"""A tree's actuals: what each measured node reached, and what each node due early reached by its deadline.

A goal is done by its deadline or not at all (docs/engine.md, "Actuals"):
a node due before the evaluation's last day is judged by its value at its
deadline, measured or computed from others, while the equations around it
read every row to that last day.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Container, Mapping, Sequence

from goaltree.engine import measuring, pace
from goaltree.engine.equations import solve_actuals
from goaltree.engine.results import Derivation, Observation
from goaltree.engine.system import Equations
from goaltree.errors import Diagnostic
from goaltree import codes
from goaltree.model import Node
from goaltree.present.language import _, _p, format_date

if TYPE_CHECKING:
    from goaltree.graph import GoalTree


def last_day_counted(node: Node, start: dt.date, observed_until: dt.date) -> dt.date:
    """The last day whose rows count for ``node``: ``observed_until``, or the node's deadline if that came first.

    A goal is done by its deadline or not at all: rows after it (sign-ups
    that came in September for a goal due at midsummer) never make it met. A
    deadline before the period (error T001) bounds nothing.
    """
    deadline = node.deadline
    return deadline if deadline is not None and start <= deadline < observed_until else observed_until


def without_value(nodes: Mapping[str, Node], measured: Container[str], failed: frozenset[str]) -> frozenset[str]:
    """The nodes with a metric or actuals but no value in ``measured`` (no rows yet, an overflow), and the failed ones.

    Their actual stays unknown: it is never solved from their parent or siblings instead.
    """
    return failed | {node_id for node_id, node in nodes.items() if (node.actuals or node.metric is not None) and node_id not in measured}


def measure(
    tree: GoalTree,
    as_of: dt.date,
    observations: Mapping[str, Sequence[Observation]],
    failed: Container[str],
    aggregate_of: Mapping[str, str],
    found: list[Diagnostic],
    unpaced: set[str],
    every_row: bool = False,
) -> tuple[dict[str, float], dict[str, list[tuple[dt.date, float]]], dict[str, list[int]]]:
    """Every measured node's actual at ``as_of``, its value on each day observed, and the rows of each day of a mean.

    A source's observations win over a node's inline ``actuals``. The actual
    combines every row from the period's start to ``as_of``, or to the node's
    deadline if that comes first, by the node's ``aggregate``; the days feed
    its forecast. An actual beyond float range is left unknown, with error
    E026 appended to ``found``.

    Args:
        tree: The goal tree.
        as_of: The evaluation date.
        observations: Node id -> observations from metric sources.
        failed: Nodes whose source failed: not measured.
        aggregate_of: Node id -> how its observations combine.
        found: Where diagnostics are appended.
        unpaced: Where the nodes whose observations make no actual are added
            (a rate added up over time, error M004).
        every_row: Read every row to ``as_of``, past a node's deadline too: what the
            equations around a node due early read (:func:`actuals_at_deadlines`).

    Returns:
        Node id -> measured actual; node id -> (day, value) in date order; and,
        for a ``mean`` of a source's rows, node id -> the rows of each of those
        days (its trend is fitted to rows, not days).
    """
    nodes = tree.goal_file.nodes
    start = tree.goal_file.period.start
    # Inline actuals first, then the sources' series (which win for a node that has both).
    series_order = dict.fromkeys(node_id for node_id, node in nodes.items() if node.actuals and node.metric is None)
    series_order.update(dict.fromkeys(observations))
    measured: dict[str, float] = {}
    daily: dict[str, list[tuple[dt.date, float]]] = {}
    day_rows: dict[str, list[int]] = {}
    for node_id in series_order:
        if node_id not in nodes or node_id in failed:
            continue
        until = as_of if every_row else last_day_counted(nodes[node_id], start, as_of)
        aggregate = aggregate_of[node_id]
        summed_rate = measuring.summed_rate_diagnostic(tree, node_id, nodes[node_id], aggregate)
        if summed_rate is not None:  # a rate added up over time is no actual: left unknown, M004 says why
            found.append(summed_rate)
            unpaced.add(node_id)
            continue
        if node_id in observations:
            # Rows, not days: the actual is over every row, the trend over each day's value.
            merged = measuring.days_of(observations[node_id], start, until)
            days = [(day.date, measuring.day_value(day, aggregate)) for day in merged]
            if aggregate == "mean" and all(day.rows is not None for day in merged):
                day_rows[node_id] = [day.rows for day in merged]
            try:
                value = measuring.aggregate_days(merged, aggregate)
            except OverflowError:  # fsum of observations beyond float range
                value = math.inf
        else:  # inline actuals: one value a day
            days = [(date, 0.0 + float(value)) for date, value in sorted(nodes[node_id].actuals.items()) if start <= date <= until]
            try:
                value = measuring.aggregate_series(days, aggregate)
            except OverflowError:
                value = math.inf
        daily[node_id] = days
        if value is not None and not math.isfinite(value):
            message = _(
                "the actual of '{node}' overflows (the {aggregate} of its observations): it is beyond the largest "
                "number goaltree can hold (about 1.8e308) or not a number, so it is left unknown; check the "
                "magnitudes of its values (a unit mix-up, a misplaced exponent)",
                node=node_id,
                aggregate=aggregate_words(aggregate),
            )
            found.append(pace.overflow_diagnostic(tree, node_id, message))
        elif value is not None:
            measured[node_id] = value
    return measured, daily, day_rows


@dataclass
class AtDeadlines:
    """What the nodes due before the last day read reached by their deadlines (:func:`actuals_at_deadlines`)."""

    values: dict[str, float | None]
    """Node id -> its actual at its deadline: its rows to then, or what the nodes around it gave then (``None``: none)."""
    derivations: dict[str, Derivation]
    """How each value computed from others was reached."""
    computed: dict[str, float | None]
    """A node with an equation -> what its children gave at its deadline."""
    diagnostics: list[Diagnostic]
    """The problems those solves met on these nodes: M007, E026, and A004 of a measured one."""
    solves: dict[dt.date, dict[str, float]]
    """Each deadline -> every actual then."""


def actuals_at_deadlines(
    tree: GoalTree,
    equations: Equations,
    observations: Mapping[str, Sequence[Observation]],
    failed: frozenset[str],
    aggregate_of: Mapping[str, str],
    target_values: Mapping[str, float],
    observed_until: dt.date,
) -> AtDeadlines:
    """What each node due before ``observed_until`` reached by its deadline.

    A goal is done by its deadline or not at all: webinar sign-ups due at
    midsummer are judged by the sign-ups to midsummer, measured on the node
    or added up from channels that run to the year's end. That value is the
    node's own actual; in the equations around it (a year's total, a rate)
    it counts every row to the evaluation's date, as every other node does.
    The tree is measured and solved once at each such deadline.
    """
    nodes = tree.goal_file.nodes
    start = tree.goal_file.period.start
    due: dict[dt.date, list[str]] = {}
    for node_id, node in nodes.items():
        deadline = node.deadline
        if deadline is not None and start <= deadline < observed_until:
            due.setdefault(deadline, []).append(node_id)
    equation_of = {equation.node: equation for equation in equations} if due else {}
    at = AtDeadlines({}, {}, {}, [], {})
    for deadline in sorted(due):
        measured_then, _daily, _rows = measure(tree, deadline, observations, failed, aggregate_of, [], set())
        then = solve_actuals(tree, equations, measured_then, target_values, unknowable=without_value(nodes, measured_then, failed))
        at.solves[deadline] = then.values
        measured_here = set()
        for node_id in due[deadline]:
            node = nodes[node_id]
            if node.actuals or node.metric is not None:
                measured_here.add(node_id)
                at.values[node_id] = measured_then.get(node_id)
            else:
                at.values[node_id] = then.values.get(node_id)
                derivation = then.derivations.get(node_id)
                if derivation is not None:
                    # Its inputs are read at the evaluation's date elsewhere: this one names none.
                    at.derivations[node_id] = Derivation.deferred(derivation.rule, _kept_text, (deadline, derivation))
            equation = equation_of.get(node_id)
            if equation is not None:
                try:
                    at.computed[node_id] = equation.evaluate(then.values)
                except Exception:  # a child unknown then, or a division by zero: no value
                    at.computed[node_id] = None
        judged = set(due[deadline])
        at.diagnostics.extend(
            d for d in then.diagnostics if d.node in judged and (d.code != codes.ACTUALS_DISAGREE or d.node in measured_here)
        )
    return at


def _kept_text(deadline: dt.date, derivation: Derivation) -> str:
    return _("at its deadline, {date}: {how}", date=format_date(deadline), how=derivation.text)


def aggregate_words(aggregate: str) -> str:
    """How a sentence names the ``aggregate`` of a node's observations: ``sum``, ``mean``…"""
    if aggregate == "sum":
        return _p("engine", "sum")
    if aggregate == "mean":
        return _p("engine", "mean")
    if aggregate == "last":
        return _p("engine", "last")
    if aggregate == "min":
        return _p("engine", "min")
    if aggregate == "max":
        return _p("engine", "max")
    return aggregate
