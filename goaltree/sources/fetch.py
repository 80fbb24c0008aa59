"""Fetch every node's observations: group the nodes by source, ask each source once.

The built-in sources are listed in :data:`BUILTIN_SOURCES`; any other ``type``
is looked up in the ``goaltree.sources`` entry point group. Every failure
becomes one error diagnostic per failing source and node, with the source's
secrets masked; a failing source never stops the others.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Mapping

from goaltree.observations import Observation
from goaltree.errors import Diagnostic
from goaltree.model import GoalFile
from goaltree.present.language import _, _p
from goaltree.sources import files, inline, sql
from goaltree.sources.base import (
    SOURCE_CONFIG,
    SOURCE_FAILED,
    FetchResult,
    NodeFailure,
    NodeRequest,
    SourceContext,
    SourceError,
    SourceFetcher,
    SourceOutcome,
)
from goaltree.sources.checks import judge_metrics, source_config
from goaltree.sources.plugins import PluginHost
from goaltree.sources.progress import FetchProgress
from goaltree.sources.secrets import MissingVariable, Redactor, interpolate_source

BUILTIN_SOURCES: dict[str, SourceFetcher] = {
    "inline": inline.fetch,
    "csv": files.fetch_csv,
    "parquet": files.fetch_parquet,
    "sql": sql.fetch,
}
"""Source type -> the function that answers all requests to one source of that type."""


class _Collector:
    """Gathers observations, failures and their diagnostics for one fetch."""

    def __init__(self, goal_file: GoalFile, redact: Redactor):
        self.goal_file = goal_file
        self.redact = redact
        self.observations: dict[str, tuple[Observation, ...]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.failed: set[str] = set()

    def fail(self, source: str, node_id: str, reason: str, code: str, path: tuple[str, ...]) -> None:
        self.failed.add(node_id)
        self.diagnostics.append(
            Diagnostic(
                code,
                "error",
                self.redact(_("source {source}, node {node}: {reason}", source=source, node=node_id, reason=reason)),
                node=node_id,
                path=path,
            )
        )

    def node_failure(self, source: str, node_id: str, failure: NodeFailure) -> None:
        if failure.source_field is not None and source in self.goal_file.sources:
            path: tuple[str, ...] = ("sources", source, failure.source_field)
        elif failure.field is not None:
            path = ("nodes", node_id, "metric", failure.field)
        else:
            path = ("nodes", node_id, "metric")
        self.fail(source, node_id, failure.reason, failure.code, path)

    def source_failure(self, source: str, requests: list[NodeRequest], error: SourceError) -> None:
        for request in requests:
            if source in self.goal_file.sources:
                path: tuple[str, ...] = ("sources", source, error.field) if error.field else ("sources", source)
            else:
                path = ("nodes", request.node_id, "metric", "source")
            self.fail(source, request.node_id, error.reason, error.code, path)

    def outcome(self, source: str, requests: list[NodeRequest], outcome: SourceOutcome) -> None:
        for request in requests:
            node_id = request.node_id
            if node_id in outcome.failures:
                self.node_failure(source, node_id, outcome.failures[node_id])
            elif node_id in outcome.observations:
                self.observations[node_id] = tuple(outcome.observations[node_id])
            else:
                self.fail(
                    source, node_id, _("the source returned nothing for this node"), SOURCE_FAILED, ("nodes", node_id, "metric")
                )

    def result(self) -> FetchResult:
        order = {node_id: index for index, node_id in enumerate(self.goal_file.nodes)}
        observations = dict(sorted(self.observations.items(), key=lambda item: order.get(item[0], len(order))))
        return FetchResult(observations, tuple(self.diagnostics), frozenset(self.failed))


def plan_requests(goal_file: GoalFile, collector: _Collector | None = None) -> dict[str, list[NodeRequest]]:
    """Source name -> the requests of the nodes that use it, in goal-file order.

    Metrics that cannot work (an unknown source, a missing ``value``) are
    reported to ``collector`` and left out.
    """
    requests: dict[str, list[NodeRequest]] = {}
    for node_id, node, metric, _config, failure in judge_metrics(goal_file):
        if failure is not None:
            if collector is not None:
                collector.node_failure(metric.source, node_id, failure)
            continue
        requests.setdefault(metric.source, []).append(NodeRequest(node_id, node, metric))
    return requests


def fetch_observations(
    goal_file: GoalFile,
    project_dir: Path | str,
    start: dt.date,
    end: dt.date,
    *,
    progress: bool = False,
    environ: Mapping[str, str] | None = None,
) -> FetchResult:
    """Daily observations between ``start`` and ``end`` for every node with a ``metric``.

    Each source is asked once, for all of its nodes. Nothing raises for a bad
    source, column, query or plugin: each failing source and node gives one
    error diagnostic (secrets masked) and the node is listed in ``failed_nodes``.

    Args:
        goal_file: The goal file.
        project_dir: The goal file's folder: relative paths start here and may not leave it.
        start: First day to fetch (inclusive), usually ``period.start``.
        end: Last day to fetch (inclusive), usually the ``as_of`` date.
        progress: Show a progress bar on stderr if it is a terminal and fetching takes a moment.
        environ: Where ``${VAR}`` is read from (default: the process environment).
    """
    environ = os.environ if environ is None else environ
    project_dir = Path(project_dir)
    redact = Redactor()
    collector = _Collector(goal_file, redact)
    requests_by_source = plan_requests(goal_file, collector)
    if start > end:
        for requests in requests_by_source.values():
            collector.outcome("", requests, SourceOutcome({request.node_id: () for request in requests}))
        return collector.result()

    # Read every ${VAR} first, so that each source's secrets are masked in every message.
    configs: dict[str, Any] = {}
    for name in requests_by_source:
        try:
            configs[name] = interpolate_source(source_config(goal_file, name), environ, redact)
        except MissingVariable as error:
            configs[name] = SourceError(str(error), SOURCE_CONFIG, error.field.split(".")[0].split("[")[0])

    plugins = PluginHost(BUILTIN_SOURCES)
    with FetchProgress(len(requests_by_source), enabled=progress) as bar:
        for name, requests in requests_by_source.items():
            bar.note(name)
            config = configs[name]
            if isinstance(config, SourceError):
                collector.source_failure(name, requests, config)
                bar.advance()
                continue
            context = SourceContext(name, config, project_dir, redact, bar.note)
            fetcher = BUILTIN_SOURCES.get(config.type, plugins.fetch)
            try:
                outcome = fetcher(context, requests, start, end)
            except SourceError as error:
                collector.source_failure(name, requests, error)
            except Exception as error:  # noqa: BLE001 - one source's bug must not stop the others
                collector.source_failure(
                    name, requests, SourceError(
                        _p("source", "unexpected error: {kind}: {error}", kind=type(error).__name__, error=error), SOURCE_FAILED
                    )
                )
            else:
                collector.outcome(name, requests, outcome)
            bar.advance()
    return collector.result()
