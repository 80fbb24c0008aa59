"""Metric sources: where nodes' actuals come from (SPEC §4).

The engine calls :func:`fetch_observations` once per run; it groups the nodes
by source and asks each source once. ``goaltree pull`` saves the result with
:func:`goaltree.sources.snapshot.write_snapshot`, and ``--snapshot`` reads it
back with :func:`goaltree.sources.snapshot.read_snapshot`.

Importing this package loads no database module: DuckDB, SQLAlchemy and
pyarrow are imported by a source module only when a source of its type is
fetched, so that ``goaltree check`` starts instantly.
"""

from __future__ import annotations

from goaltree.sources.base import (
    ERROR_CODES,
    METRIC_INVALID,
    METRIC_MISMATCH,
    SOURCE_CONFIG,
    SOURCE_FAILED,
    FetchResult,
    NodeRequest,
    SourceError,
)
from goaltree.sources.checks import check_metrics
from goaltree.sources.fetch import BUILTIN_SOURCES, fetch_observations
from goaltree.sources.plugins import ENTRY_POINT_GROUP, SourcePlugin

__all__ = [
    "BUILTIN_SOURCES",
    "ENTRY_POINT_GROUP",
    "ERROR_CODES",
    "METRIC_INVALID",
    "METRIC_MISMATCH",
    "SOURCE_CONFIG",
    "SOURCE_FAILED",
    "FetchResult",
    "NodeRequest",
    "SourceError",
    "SourcePlugin",
    "check_metrics",
    "fetch_observations",
]
