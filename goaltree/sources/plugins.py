"""Third-party sources: the ``goaltree.sources`` entry point group.

A plugin is a package that declares an entry point in the group
``goaltree.sources``; the entry point's name is the source ``type`` that goal
files use, and it points at a class (made with no arguments) or any object
with a ``fetch`` method following :class:`SourcePlugin`::

    [project.entry-points."goaltree.sources"]
    hubspot = "goaltree_hubspot:HubSpotSource"

Each plugin is loaded on its own, only when a goal file uses its type, and
every failure (the import, the constructor, ``fetch``, a malformed answer)
becomes an error for the nodes of that source; the other sources still run.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import inspect
from typing import Any, Iterable, Mapping, Protocol, runtime_checkable

from goaltree.observations import Observation
from goaltree.errors import did_you_mean
from goaltree.model import PluginSource
from goaltree.present.language import _
from goaltree.sources.base import (
    SOURCE_CONFIG,
    SOURCE_FAILED,
    NodeFailure,
    NodeRequest,
    SourceContext,
    SourceError,
    SourceOutcome,
    combine_observations,
    normalize_observations,
)

ENTRY_POINT_GROUP = "goaltree.sources"


@runtime_checkable
class SourcePlugin(Protocol):
    """What a plugin source implements.

    ``fetch`` is called once per source and run, with every node that uses the
    source. It returns, for each requested node id, that node's observations
    between ``start`` and ``end``: :class:`~goaltree.engine.results.Observation`
    objects or ``(date, value)`` / ``(date, value, dimension)`` tuples, one per
    row measured (each deal), or already summed up per day as an
    :class:`~goaltree.observations.Observation` with its ``rows``, ``low`` and
    ``high``; several on one day are combined like any source's rows. An
    exception instance in place of a node's list fails that node alone; raising
    fails the whole source — raise :class:`~goaltree.sources.SourceError` for a
    clean one-line reason. Secrets in messages are masked by goaltree.
    """

    def fetch(
        self,
        config: PluginSource,
        requests: list[NodeRequest],
        start: dt.date,
        end: dt.date,
    ) -> Mapping[str, Iterable[Observation | tuple[Any, ...]] | BaseException]:
        """Observations per requested node id."""
        ...


def installed_types() -> list[str]:
    """The source types installed plugins provide."""
    return sorted({entry.name for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)})


class PluginHost:
    """Loads each plugin type at most once per run, and runs it safely."""

    def __init__(self, builtin_types: Iterable[str]):
        self._builtin_types = tuple(builtin_types)
        self._loaded: dict[str, SourcePlugin | SourceError] = {}

    def load(self, type_name: str) -> SourcePlugin:
        """The plugin for ``type_name``.

        Raises:
            SourceError: No installed plugin provides it, or it cannot be loaded.
        """
        if type_name not in self._loaded:
            try:
                self._loaded[type_name] = self._load(type_name)
            except SourceError as error:
                self._loaded[type_name] = error
        plugin = self._loaded[type_name]
        if isinstance(plugin, SourceError):
            raise plugin
        return plugin

    def _load(self, type_name: str) -> SourcePlugin:
        entries = [entry for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if entry.name == type_name]
        if not entries:
            known = [*self._builtin_types, *installed_types()]
            raise SourceError(
                _(
                    "source type '{type}' is neither built in ({builtin}) nor provided by "
                    "an installed plugin (entry point group {group}){suggestion}",
                    type=type_name,
                    builtin=", ".join(self._builtin_types),
                    group=ENTRY_POINT_GROUP,
                    suggestion=did_you_mean(type_name, known),
                ),
                SOURCE_CONFIG,
                "type",
            )
        values = sorted({entry.value for entry in entries})
        if len(values) > 1:
            raise SourceError(
                _(
                    "several installed plugins provide source type '{type}' ({plugins}); uninstall all but one",
                    type=type_name,
                    plugins=", ".join(values),
                ),
                SOURCE_CONFIG,
                "type",
            )
        entry = entries[0]
        try:
            target = entry.load()
            if inspect.isclass(target) or (not hasattr(target, "fetch") and callable(target)):
                plugin = target()  # a class, or a factory function
            else:
                plugin = target  # an instance or a module with a fetch function
        except Exception as error:  # noqa: BLE001 - a broken plugin must not stop the other sources
            raise SourceError(
                _(
                    "plugin '{type}' ({plugin}) could not be loaded: {kind}: {error}",
                    type=type_name,
                    plugin=entry.value,
                    kind=type(error).__name__,
                    error=error,
                ),
                SOURCE_CONFIG,
                "type",
            ) from None
        if not callable(getattr(plugin, "fetch", None)):
            raise SourceError(
                _(
                    "plugin '{type}' ({plugin}) has no fetch(config, requests, start, end) method",
                    type=type_name,
                    plugin=entry.value,
                ),
                SOURCE_CONFIG,
                "type",
            )
        return plugin

    def fetch(self, context: SourceContext, requests: list[NodeRequest], start: dt.date, end: dt.date) -> SourceOutcome:
        """Run the plugin of the source's type and check its answer."""
        type_name = context.config.type
        plugin = self.load(type_name)
        context.note(f"{context.name}: {type_name}")  # a source name and a type: nothing to translate
        try:
            answer = plugin.fetch(context.config, list(requests), start, end)
        except SourceError as error:
            reason = _("plugin '{type}': {reason}", type=type_name, reason=error.reason)
            raise SourceError(reason, error.code, error.field) from None
        except Exception as error:  # noqa: BLE001 - a broken plugin must not stop the other sources
            raise SourceError(
                _("plugin '{type}' failed: {kind}: {error}", type=type_name, kind=type(error).__name__, error=error)
            ) from None
        if not isinstance(answer, Mapping):
            raise SourceError(
                _(
                    "plugin '{type}' returned {kind}, not a mapping of node id to observations",
                    type=type_name,
                    kind=type(answer).__name__,
                )
            )
        outcome = SourceOutcome()
        for request in requests:
            node_id = request.node_id
            if node_id not in answer:
                outcome.failures[node_id] = NodeFailure(
                    _("plugin '{type}' returned nothing for this node (an empty list means no data)", type=type_name),
                    SOURCE_FAILED,
                )
                continue
            items = answer[node_id]
            if isinstance(items, BaseException):
                outcome.failures[node_id] = NodeFailure(
                    _(
                        "plugin '{type}' failed for this node: {kind}: {error}",
                        type=type_name,
                        kind=type(items).__name__,
                        error=items,
                    ),
                    SOURCE_FAILED,
                )
                continue
            try:
                observations = normalize_observations(items, start, end)
            except (TypeError, ValueError) as error:
                outcome.failures[node_id] = NodeFailure(
                    _("plugin '{type}' returned a bad observation: {reason}", type=type_name, reason=error), SOURCE_FAILED
                )
                continue
            outcome.observations[node_id] = combine_observations(observations)
        return outcome
