"""Checks of metrics against their sources that need no data: run by ``check`` and before every fetch."""

from __future__ import annotations

from typing import Any, Iterator

from goaltree.errors import Diagnostic, did_you_mean
from goaltree.model import GoalFile, Metric, Node, PluginSource
from goaltree.present.language import N_, _, _p
from goaltree.sources.base import METRIC_MISMATCH, NodeFailure

INLINE = "inline"
FILE_TYPES = ("csv", "parquet")

# Metric fields each built-in source type reads; `required` must be given.
_FIELDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "csv": (("value", "where", "by", "date_column"), "value"),
    "parquet": (("value", "where", "by", "date_column"), "value"),
    "sql": (("query",), "query"),
    INLINE: ((), None),
}
_NEEDS = {
    "value": N_(
        "a {kind} source needs `value` in the metric: a column, an expression such as `amount * 0.8`, "
        "or `count` for the number of rows"
    ),
    "query": N_(
        "a {kind} source needs `query` in the metric: SQL returning `date, value` rows, "
        "with :start and :end bound as parameters"
    ),
}
_OPTIONAL_FIELDS = ("value", "where", "by", "query", "date_column")


def source_config(goal_file: GoalFile, name: str) -> Any | None:
    """The source a metric names: a declared one, or the built-in ``inline``; ``None`` if unknown."""
    if name in goal_file.sources:
        return goal_file.sources[name]
    if name == INLINE:
        return PluginSource(type=INLINE)
    return None


def unknown_source_reason(goal_file: GoalFile, name: str) -> str:
    """Why a metric's source name does not resolve, with a "did you mean"."""
    declared = sorted(goal_file.sources)
    suggestion = did_you_mean(name, [*declared, INLINE])
    if not declared:
        return _(
            "source '{name}' is not declared under `sources` (declared: none; `inline` is built in){suggestion}",
            name=name,
            suggestion=suggestion,
        )
    return _(
        "source '{name}' is not declared under `sources` (declared: {listing}; `inline` is built in){suggestion}",
        name=name,
        listing=", ".join(declared),
        suggestion=suggestion,
    )


def metric_problem(metric: Metric, source_type: str) -> NodeFailure | None:
    """What is wrong with ``metric`` for a source of ``source_type``, or ``None``.

    Plugin types take any field; built-in types take only the fields they read.
    """
    if source_type not in _FIELDS:
        return None
    accepted, required = _FIELDS[source_type]
    if required is not None and not (getattr(metric, required) or "").strip():
        return NodeFailure(
            _(_NEEDS[required], kind=source_type),
            METRIC_MISMATCH,
            field=required,
        )
    unused = [name for name in _OPTIONAL_FIELDS if name not in accepted and getattr(metric, name) is not None]
    if metric.options:
        unused.append("options")
    if unused:
        listing = ", ".join(f"`{name}`" for name in unused)
        if accepted:
            reason = _(
                "a {kind} source does not read {fields}; it takes {accepted}",
                kind=source_type,
                fields=listing,
                accepted=", ".join(f"`{name}`" for name in accepted),
            )
        else:
            reason = _(
                "a {kind} source does not read {fields}; it takes no metric fields (the node's `actuals` are used)",
                kind=source_type,
                fields=listing,
            )
        return NodeFailure(
            reason,
            METRIC_MISMATCH,
            field=unused[0],
        )
    return None


def judge_metrics(goal_file: GoalFile) -> Iterator[tuple[str, Node, Metric, Any | None, NodeFailure | None]]:
    """Every node with a metric: ``(node id, node, metric, source config, failure)``.

    ``failure`` says why the metric cannot work whatever the data (an unknown
    source, a missing or unused field), or is ``None``; the config is ``None``
    for an unknown source. Both ``check`` and the fetch judge metrics here.
    """
    for node_id, node in goal_file.nodes.items():
        metric = node.metric
        if metric is None:
            continue
        config = source_config(goal_file, metric.source)
        if config is None:
            failure = NodeFailure(unknown_source_reason(goal_file, metric.source), METRIC_MISMATCH, field="source")
        else:
            failure = metric_problem(metric, config.type)
        yield node_id, node, metric, config, failure


def check_metrics(goal_file: GoalFile) -> tuple[Diagnostic, ...]:
    """E019 errors for metrics that cannot work whatever the data: unknown sources, missing or unused fields.

    Reads no data and imports no database module, so ``goaltree check`` may call it.
    """
    found = []
    for node_id, _node, metric, config, failure in judge_metrics(goal_file):
        if failure is None:
            continue
        if config is None:
            message = _p("source", "node {node}: {reason}", node=node_id, reason=failure.reason)
        else:
            message = _("source {source}, node {node}: {reason}", source=metric.source, node=node_id, reason=failure.reason)
        found.append(
            Diagnostic(
                failure.code,
                "error",
                message,
                node=node_id,
                path=("nodes", node_id, "metric", failure.field or "source"),
            )
        )
    return tuple(found)
