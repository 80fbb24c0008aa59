"""Evaluate a goal tree at a date: targets, actuals, pace, status, forecast and attribution."""

from __future__ import annotations

import datetime as dt
from collections import ChainMap
from dataclasses import dataclass
from typing import Any, Callable, Container, Mapping, Sequence

from goaltree.engine import fields, measuring, pace
from goaltree.engine.actuals import AtDeadlines, actuals_at_deadlines, aggregate_words, last_day_counted, measure, without_value
from goaltree.engine.attribution import attribute_node
from goaltree.engine.equations import Equation, equations_of, solve_actuals, solve_targets
from goaltree.engine.forecasts import forecasts_of
from goaltree.engine.pace import NodePace
from goaltree.engine.results import Brief, BriefColumns, Derivation, Evaluation, NodeResult, NodeResults, Observation
from goaltree.errors import Diagnostic, sort_key
from goaltree import codes
from goaltree.graph import GoalTree
from goaltree.model import Node
from goaltree.present.language import _, _n, format_date


def _inline_series(node: Node) -> tuple[Observation, ...]:
    """The node's own ``actuals`` as observations, in date order."""
    return tuple([Observation(date, float(value)) for date, value in sorted(node.actuals.items())])


def evaluate(
    tree: GoalTree,
    as_of: dt.date | None = None,
    *,
    observations: Mapping[str, Sequence[Observation]] | None = None,
    failed: frozenset[str] = frozenset(),
    diagnostics: Sequence[Diagnostic] = (),
    snapshot: dict | None = None,
    unjudged: Container[str] = frozenset(),
) -> Evaluation:
    """Evaluate ``tree`` at ``as_of`` (default today).

    Args:
        tree: A built goal tree (:func:`goaltree.graph.build`).
        as_of: The date to evaluate at.
        observations: Node id -> observations from metric sources. Nodes' inline
            ``actuals`` are always used for nodes without a ``metric``.
        failed: Nodes whose source failed: reported as ``no_data``.
        diagnostics: Diagnostics found before evaluation (loading, sources), kept in the result.
        snapshot: Which data snapshot the observations come from, for reports.
        unjudged: Nodes paced without a verdict: the file contradicts itself on which
            way they should move (a rule above the engine says how, S005).
    """
    as_of = as_of or dt.date.today()
    goal_file = tree.goal_file
    nodes = goal_file.nodes
    start = goal_file.period.start
    found: list[Diagnostic] = list(diagnostics)
    unpaced: set[str] = set()

    aggregate_of = tree.aggregate_of
    equations = equations_of(tree)
    equation_of: dict[str, Equation] = {e.node: e for e in equations}

    # --- targets (SPEC §3.1) ---------------------------------------------------------------
    targets = solve_targets(tree, equations)
    declared = {node_id for node_id, node in nodes.items() if node.target is not None}
    found.extend(targets.diagnostics)

    # --- actuals (SPEC §3.2) ---------------------------------------------------------------
    # Rows after the period's end belong to the next period's file, whenever the evaluation is run.
    observed_until = goal_file.observed_until(as_of)
    if as_of >= start:
        measured, daily, day_rows = measure(tree, observed_until, observations or {}, failed, aggregate_of, found, unpaced)
        at = actuals_at_deadlines(tree, equations, observations or {}, failed, aggregate_of, targets.values, observed_until)
        # The equations read every row to the last day, past a node's deadline too (its own verdict does not).
        counted = measured
        if any(node_id in at.values for node_id in daily):
            counted = measure(tree, observed_until, observations or {}, failed, aggregate_of, [], set(), every_row=True)[0]
        actuals = solve_actuals(tree, equations, counted, targets.values, unknowable=without_value(nodes, counted, failed))
        # A node due early is compared with its children at its deadline (at.diagnostics), not after it.
        found.extend(d for d in actuals.diagnostics if not (d.code == codes.ACTUALS_DISAGREE and d.node in at.values))
        solved = actuals.values
        actual_values = dict(solved)
        actual_derivations = actuals.derivations
    else:
        measured, daily, day_rows, actual_values, actual_derivations, solved = {}, {}, {}, {}, {}, {}
        at = AtDeadlines({}, {}, {}, [], {})

    # --- pace and status (SPEC §3.3–3.4), children before parents ----------------------------
    assumed = planning_assumptions(measured, actual_derivations)
    # A node due before the last day read is judged by what it reached by its deadline (a plan is a plan at any date).
    kept = {n for n, value in at.values.items() if n not in assumed and (value is not None or n in actual_values)}
    if kept:
        actual_derivations = dict(actual_derivations)
        for node_id in kept:
            value = at.values[node_id]
            if value is None:
                actual_values.pop(node_id, None)
            else:
                actual_values[node_id] = value
            actual_derivations.pop(node_id, None)
            if node_id in at.derivations:
                actual_derivations[node_id] = at.derivations[node_id]
    found.extend(d for d in at.diagnostics if d.node in kept)
    paces = pace.paces_of(tree, as_of, targets.values, actual_values, aggregate_of, found, assumed, unpaced, unjudged)
    # An objective due early is scored by its key results as they stood at its deadline.
    for deadline, values in at.solves.items():
        due = [n for n in at.values if nodes[n].deadline == deadline and n not in actual_values and n in tree.rollup_children]
        if due:
            then = pace.paces_of(tree, deadline, targets.values, values, aggregate_of, None, assumed, unpaced, unjudged)
            for node_id in due:
                paces[node_id] = then[node_id]
                kept.add(node_id)

    # Forecasts, attribution and the rest of each node's result are worked out when read.
    results = _Results(
        tree=tree,
        as_of=as_of,
        observed_until=observed_until,
        equation_of=equation_of,
        aggregate_of=aggregate_of,
        paces=paces,
        declared=declared,
        target_derivations=targets.derivations,
        measured=measured,
        daily=daily,
        day_rows=day_rows,
        actual_values=actual_values,
        actual_derivations=actual_derivations,
        observations=observations or {},
        failed=failed,
        kept=frozenset(kept),
        kept_computed=at.computed,
        solved=solved,
    )
    unique = list(dict.fromkeys(found))
    return Evaluation(
        tree_id=goal_file.id,
        title=goal_file.title,
        as_of=as_of,
        period_start=start,
        period_end=goal_file.period.end,
        nodes=NodeResults(nodes, results.build, results.brief, results.brief_columns, results.json_fields),
        diagnostics=tuple(sorted(unique, key=sort_key)),
        snapshot=snapshot,
        # Rare, and cheap to find here; whether each is impossible is the A005 rule's to judge.
        negative_derived_targets=tuple(n for n, v in targets.values.items() if v < 0 and n not in declared),
    )


def planning_assumptions(measured: Container[str], actual_derivations: Mapping[str, Derivation]) -> frozenset[str]:
    """Nodes whose actual rests on nothing but planning assumptions: status ``assumed``.

    A driver nobody measures keeps its planning value as its actual; so does
    a formula or rollup whose every input is such an assumption (a CLV made of
    an assumed order value, order frequency and lifetime). Scoring either
    would report a plan as a result -- "achieved" for a number nobody
    observed -- so they are never scored.

    Args:
        measured: Nodes with observations (a metric or inline actuals).
        actual_derivations: How each unmeasured actual was reached, in the
            order the solver learnt them (inputs before the values they give).
    """
    assumed: set[str] = set()
    for node_id, derivation in actual_derivations.items():
        if node_id in measured:
            continue
        if derivation.rule == "assumed":
            assumed.add(node_id)
            continue
        # Assumed when it has inputs besides itself (a solved equation names its own node) and all are assumed.
        other_inputs = False
        for member in derivation.inputs:
            if member == node_id:
                continue
            if member not in assumed:
                break
            other_inputs = True
        else:
            if other_inputs:
                assumed.add(node_id)
    return frozenset(assumed)


@dataclass(eq=False)
class _Results:
    """Builds a node's :class:`NodeResult` from what :func:`evaluate` worked out, when it is read."""

    tree: GoalTree
    as_of: dt.date
    observed_until: dt.date
    equation_of: Mapping[str, Equation]
    aggregate_of: Mapping[str, str]
    paces: Mapping[str, NodePace]
    declared: set[str]
    target_derivations: Mapping[str, Derivation]
    measured: Mapping[str, float]
    daily: Mapping[str, list[tuple[dt.date, float]]]
    day_rows: Mapping[str, list[int]]
    actual_values: Mapping[str, float]
    actual_derivations: Mapping[str, Derivation]
    observations: Mapping[str, Sequence[Observation]]
    failed: frozenset[str]
    kept: frozenset[str] = frozenset()
    """Nodes computed from others whose actual is their value at their deadline (:func:`actuals_at_deadlines`)."""
    kept_computed: Mapping[str, float | None] = None  # type: ignore[assignment]
    """A kept node with an equation -> what its children gave at its deadline."""
    solved: Mapping[str, float] = None  # type: ignore[assignment]
    """Every actual as the equations read it (a node judged at its deadline counting every row); ``actual_values`` by default."""

    def __post_init__(self) -> None:
        if self.solved is None:
            self.solved = self.actual_values
        if self.kept_computed is None:
            self.kept_computed = {}
        self._forecasts: dict[str, float] | None = None
        # The same for every node: made once, its sentence written when read.
        self.declared_derivation = Derivation.deferred("declared", _declared_text, ())

    @property
    def forecasts(self) -> dict[str, float]:
        """Every node's forecast: worked out together, children before parents, on the first read."""
        if self._forecasts is None:
            self._forecasts = forecasts_of(
                self.tree,
                self.equation_of,
                self.daily,
                self.actual_values,
                self.paces,
                self.aggregate_of,
                self.as_of,
                self.day_rows,
                self.solved,
            )
        return self._forecasts

    def target_origin(self, node_id: str, target: float | None) -> str | None:
        """``declared`` for a target the file states, ``derived`` for one worked out, else ``None``."""
        return self.target_origins((node_id,), (target,))[0]

    def target_origins(self, node_ids: Sequence[str], targets: Sequence[float | None]) -> list[str | None]:
        """:meth:`target_origin` of each node with its target, a column at once."""
        declared = self.declared
        return ["declared" if node_id in declared else None if target is None else "derived" for node_id, target in zip(node_ids, targets)]

    def target_derivation(self, node_id: str, target_origin: str | None) -> Derivation | None:
        """How the node's target was reached, given its :meth:`target_origin`."""
        if target_origin == "declared":
            set_by = self.tree.set_by
            if node_id in set_by:  # a what-if's target, not the file's
                return Derivation.deferred("declared", _set_text, (set_by[node_id],))
            return self.declared_derivation
        if target_origin == "derived":
            return self.target_derivations.get(node_id)
        return None

    def brief(self, node_id: str) -> Brief:
        return self._brief(node_id, self.tree.goal_file.nodes[node_id].unit)

    def brief_columns(self) -> BriefColumns:
        """:meth:`brief` of every node, as columns in goal-file order."""
        tree = self.tree
        nodes = tree.goal_file.nodes
        ids = tuple(nodes)
        paces = self.paces
        rows = [paces[node_id] for node_id in ids]
        pace = dict(zip(NodePace._fields, zip(*rows))) if rows else dict.fromkeys(NodePace._fields, ())
        target = pace["target"]
        parents = tree.parents
        return BriefColumns(
            ids,
            target,
            self.target_origins(ids, target),
            pace["actual"],
            pace["expected"],
            pace["progress"],
            pace["status"],
            [node.unit for node in nodes.values()],
            tree.children_column(ids),
            [parents.get(node_id, ()) for node_id in ids],
        )

    def _brief(self, node_id: str, unit: str | None) -> Brief:
        info = self.paces[node_id]
        tree = self.tree
        return Brief(
            info.target,
            self.target_origin(node_id, info.target),
            info.actual,
            info.expected,
            info.progress,
            info.status,
            unit,
            tree.children(node_id),
            tree.parents.get(node_id, ()),
        )

    def computed(self, node_id: str) -> float | None:
        """The value the node's equation gives from its children's actuals (for a node judged at its deadline, theirs then)."""
        equation = self.equation_of.get(node_id)
        if node_id in self.kept:
            return self.kept_computed.get(node_id) if equation is not None else None
        values = self.solved
        if equation is None or not all(child in values for child in equation.children):
            return None
        try:
            return equation.evaluate(values)
        except Exception:  # a division by zero in actuals leaves the computed value unknown
            return None

    def until(self, node_id: str) -> dt.date:
        """The last day whose rows count for the node: the evaluation's last day, or its deadline if that came first."""
        goal_file = self.tree.goal_file
        return last_day_counted(goal_file.nodes[node_id], goal_file.period.start, self.observed_until)

    def actual_origin(self, node_id: str, actual: float | None, failed: bool) -> str | None:
        """How the node's actual was reached: ``measured``, ``solved``, ``assumed``, ``rolled_up``, or ``None``."""
        if node_id in self.measured and not failed:
            return "measured"
        if actual is None:
            return None
        derivation = self.actual_derivations.get(node_id)
        rule = derivation.rule if derivation else "rolled_up"
        return "solved" if rule == "solved" else "assumed" if rule == "assumed" else "rolled_up"

    def breakdown(self, node_id: str, failed: bool) -> dict[str, float]:
        """The node's actual by its source's dimension; inline actuals have none, so only a source's can."""
        source_series = None if failed else self.observations.get(node_id)
        if not source_series:
            return {}
        return measuring.breakdown(source_series, self.tree.goal_file.period.start, self.until(node_id), self.aggregate_of[node_id])

    def gap_parts(self, node_id: str, node: Node) -> tuple[dict[str, float], dict[str, str]]:
        """The node's attribution of its gap to its children, and the children its objective score leaves out."""
        tree = self.tree
        equation = self.equation_of.get(node_id)
        if equation is None and node_id not in tree.rollup_children:
            return {}, {}  # a node without children has no gap to split and no child to leave out
        if node_id in self.kept:
            # Its actual is its children's at its deadline, their paces are at the evaluation's date:
            # the two do not split one gap.
            return {}, {}
        unscored: dict[str, str] = {}
        if equation is None and node.effective_rollup == "progress":
            unscored = pace.unscored_children(tree.rollup_children[node_id], self.paces, tree)
        paces: Mapping[str, NodePace] = self.paces
        if equation is not None and self.kept and not self.kept.isdisjoint(equation.children):
            # A child judged at its deadline counts in this equation as the solve read it: every row.
            solved = self.solved
            paces = ChainMap({c: paces[c]._replace(actual=solved.get(c)) for c in equation.children if c in self.kept}, paces)
        return attribute_node(tree, node_id, equation, paces), unscored

    def json_fields(
        self, node_ids: Sequence[str], rounding: Callable[[list[float | None]], list] | None = None
    ) -> list[dict[str, Any]]:
        """What the JSON shows of each node, without building results (:func:`goaltree.engine.fields.json_fields`).

        The fields and their order are :func:`goaltree.engine.serialize.result_fields`'s,
        with the values :meth:`build` gives; a derivation is its text in the
        current language. Writing the JSON of a large tree needs nothing else
        of a result, so its other fields (the actual's derivation, the
        observation series, the children by kind) are not worked out.
        """
        return fields.json_fields(self, node_ids, rounding)

    def build(self, node_id: str, observations: bool = True) -> NodeResult:
        """The node's result; without its observation series when ``observations`` is false."""
        tree = self.tree
        goal_file = tree.goal_file
        node = goal_file.nodes[node_id]
        info = self.paces[node_id]
        failed = node_id in self.failed
        progress = info.progress
        actual = info.actual
        aggregate = self.aggregate_of[node_id]
        actual_source = None
        actual_origin = self.actual_origin(node_id, actual, failed)
        if actual_origin == "measured":
            actual_source = node.metric.source if node.metric else None
            actual_derivation = Derivation.deferred(
                "measured",
                _measured_text,
                (aggregate, len(self.daily.get(node_id, ())), goal_file.period.start, self.until(node_id), actual_source),
            )
        else:
            actual_derivation = None if actual is None else self.actual_derivations.get(node_id)
        target = info.target
        target_origin = self.target_origin(node_id, target)
        target_derivation = self.target_derivation(node_id, target_origin)
        if failed:
            series: tuple[Observation, ...] = ()
        elif node_id in self.observations:
            series = tuple(self.observations[node_id]) if observations else ()
        elif observations and node.actuals and node.metric is None:
            series = _inline_series(node)
        else:
            series = ()
        attribution, unscored = self.gap_parts(node_id, node)
        counted = self.solved.get(node_id) if node_id in self.kept else None
        return NodeResult(
            id=node_id,
            title=node.title,
            type=node.type,
            unit=node.unit,
            owner=node.owner or goal_file.owner,
            direction=node.direction,
            aggregate=aggregate,
            rollup=node.effective_rollup,
            formula=node.formula,
            weight=node.weight,
            baseline=node.baseline,
            target=target,
            target_origin=target_origin,
            target_derivation=target_derivation,
            deadline=info.deadline,
            actual=actual,
            actual_origin=actual_origin,
            actual_derivation=actual_derivation,
            actual_source=actual_source,
            counted_actual=None if counted == actual else counted,
            measured_actual=None if failed else self.measured.get(node_id),
            computed_actual=self.computed(node_id),
            start_value=info.start_value,
            expected=info.expected,
            progress=progress,
            expected_progress=info.expected_progress,
            status=info.status,
            forecast=self.forecasts.get(node_id),
            score=pace.score_of(info, node, aggregate),
            attribution=attribution,
            unscored_children=unscored,
            children=tree.children(node_id),
            parents=tree.parents.get(node_id, ()),
            formula_children=tree.formula_children.get(node_id, ()),
            rollup_children=tree.rollup_children.get(node_id, ()),
            observations=series,
            breakdown=self.breakdown(node_id, failed),
            milestones=info.milestones,
        )





def _declared_text() -> str:
    return _("declared in the goal file")


def _set_text(scenario: str | None) -> str:
    if scenario is None:
        return _("set with --set on the command line, in place of the goal file's target")
    return _("set by the scenario '{scenario}', in place of the goal file's target", scenario=scenario)


def _measured_text(aggregate: str, days: int, start: dt.date, end: dt.date, source: str | None) -> str:
    # English says "day(s)" whatever the count; a translation gives each count its form.
    fields = {"aggregate": aggregate_words(aggregate), "start": format_date(start), "end": format_date(end)}
    if source is not None:
        return _n(
            "{aggregate} of {count} day(s) of observations from {start} to {end} (source {source})",
            "{aggregate} of {count} day(s) of observations from {start} to {end} (source {source})",
            days,
            source=source,
            **fields,
        )
    return _n(
        "{aggregate} of {count} day(s) of observations from {start} to {end} (inline actuals)",
        "{aggregate} of {count} day(s) of observations from {start} to {end} (inline actuals)",
        days,
        **fields,
    )
