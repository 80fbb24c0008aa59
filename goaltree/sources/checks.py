"""Checks of metrics against their sources that need no data: run by ``check`` and before every fetch."""

from __future__ import annotations

from typing import Any, Iterator

from goaltree.errors import Diagnostic, did_you_mean
from goaltree.model import GoalFile, Metric, Node, PluginSource
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
_HINTS = {
    "value": "a column, an expression such as `amount * 0.8`, or `count` for the number of rows",
    "query": "SQL returning `date, value` rows, with :start and :end bound as parameters",
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
    listing = ", ".join(declared) if declared else "none"
    return (
        f"source '{name}' is not declared under `sources` (declared: {listing}; `inline` is built in)"
        f"{did_you_mean(name, [*declared, INLINE])}"
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
            f"a {source_type} source needs `{required}` in the metric: {_HINTS[required]}",
            METRIC_MISMATCH,
            field=required,
        )
    unused = [name for name in _OPTIONAL_FIELDS if name not in accepted and getattr(metric, name) is not None]
    if metric.options:
        unused.append("options")
    if unused:
        listing = ", ".join(f"`{name}`" for name in unused)
        takes = ", ".join(f"`{name}`" for name in accepted) or "no metric fields (the node's `actuals` are used)"
        return NodeFailure(
            f"a {source_type} source does not read {listing}; it takes {takes}",
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
    for node_id, _, metric, config, failure in judge_metrics(goal_file):
        if failure is None:
            continue
        where = f"node {node_id}" if config is None else f"source {metric.source}, node {node_id}"
        found.append(
            Diagnostic(
                failure.code,
                "error",
                f"{where}: {failure.reason}",
                node=node_id,
                path=("nodes", node_id, "metric", failure.field or "source"),
            )
        )
    return tuple(found)
