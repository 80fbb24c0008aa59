"""What every source shares: the request a source answers, its outcome, its errors.

A source turns the metrics of the nodes that name it into daily observations.
Built-in sources and plugins receive the same :class:`NodeRequest` objects and
report problems the same way, so that :func:`goaltree.sources.fetch_observations`
can turn every failure into a located, secret-free diagnostic.

This module imports nothing heavy: ``goaltree check`` must stay instant.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from goaltree.observations import Observation, merge, summarize
from goaltree.errors import Diagnostic
from goaltree.model import Metric, Node
from goaltree.present.language import _, _n, _p
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.sources.secrets import Redactor

# Error codes of metric sources. Every one is an error: the nodes concerned are
# reported as ``no_data`` and the command exits 1.
SOURCE_FAILED = codes.SOURCE_FAILED
"""A source could not deliver: a missing file, an unreachable database, a query or plugin that failed."""
METRIC_INVALID = codes.METRIC_INVALID
"""A metric does not fit the data: an unknown column (with a "did you mean"), an expression or query that is not valid SQL."""
SOURCE_CONFIG = codes.SOURCE_CONFIG
"""A source is set up wrongly: a path leaving the project folder, an unset or unlisted ``${VAR}``, an unknown type or a plugin that cannot be loaded."""
METRIC_MISMATCH = codes.METRIC_MISMATCH
"""A metric does not fit its source: an undeclared source name, a missing ``value``/``query``, a field the source type does not take."""
SANDBOX_REFUSED = codes.SANDBOX_REFUSED
"""The source sandbox refused a query: it writes, holds several statements, or reaches outside the source's data."""

ERROR_CODES: dict[str, str] = {
    SOURCE_FAILED: "a metric source could not deliver (missing file, unreachable database, failing query or plugin)",
    METRIC_INVALID: "a metric's column, expression or query does not fit the data",
    SOURCE_CONFIG: "a source is set up wrongly (path outside the project, unset or unlisted ${VAR}, unknown type, broken plugin)",
    METRIC_MISMATCH: "a metric does not fit its source (unknown source, missing value or query, unused fields)",
    SANDBOX_REFUSED: "the source sandbox refused a query (it writes, holds several statements or reaches outside the data)",
}

@dataclass(frozen=True)
class NodeRequest:
    """One node's question to a source: its metric, and the node it belongs to.

    Attributes:
        node_id: The node's id.
        node: The node itself (unit, aggregate, options…).
        metric: The node's ``metric``.
    """

    node_id: str
    node: Node
    metric: Metric

    @property
    def aggregate(self) -> str:
        """How the engine combines the node's days into one value (``sum``, ``last``, ``mean``, ``min``, ``max``)."""
        return self.node.effective_aggregate

    @property
    def options(self) -> dict[str, Any]:
        """The metric's ``options`` (for plugin sources)."""
        return self.metric.options


class SourceError(Exception):
    """A failure of a whole source (every node that uses it fails with it).

    Plugins may raise it to report a clean, one-line reason.

    Attributes:
        reason: What went wrong and how to fix it, without the source's name.
        code: The diagnostic code (``E013`` unless more specific).
        field: The source field at fault (``path``, ``url``), to locate the diagnostic.
    """

    def __init__(self, reason: str, code: str = SOURCE_FAILED, field: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.field = field


@dataclass(frozen=True)
class NodeFailure:
    """Why one node's metric could not be answered.

    Attributes:
        reason: What went wrong and how to fix it, without source or node names.
        code: The diagnostic code.
        field: The metric field at fault (``value``, ``where``, ``query``…), if known.
        source_field: The source field at fault instead (``path``, ``url``), if the
            problem sits in the source's declaration.
    """

    reason: str
    code: str = SOURCE_FAILED
    field: str | None = None
    source_field: str | None = None


@dataclass
class SourceOutcome:
    """What one source delivered: observations for some nodes, failures for the others."""

    observations: dict[str, tuple[Observation, ...]] = field(default_factory=dict)
    failures: dict[str, NodeFailure] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceContext:
    """Everything a built-in source needs besides its requests.

    Attributes:
        name: The source's name in the goal file.
        config: The source's declaration with ``${VAR}`` already read from the environment.
        project_dir: The goal file's folder: relative paths start here and may not leave it.
        redact: Masks secrets in any text before it is shown.
        note: Tells the progress bar what is being fetched now.
    """

    name: str
    config: Any
    project_dir: Path
    redact: "Redactor"
    note: Callable[[str], None] = lambda label: None


@dataclass(frozen=True)
class FetchResult:
    """The observations of every node with a metric, and what went wrong.

    Attributes:
        observations: Node id -> its daily observations between start and end
            (inclusive), sorted by date and dimension. Nodes that failed are absent.
        diagnostics: One error per failing source and node, secret-free.
        failed_nodes: Nodes whose source failed: the engine reports them ``no_data``.
    """

    observations: dict[str, tuple[Observation, ...]]
    diagnostics: tuple[Diagnostic, ...]
    failed_nodes: frozenset[str]


def observation_key(observation: Observation) -> tuple[dt.date, str]:
    """Sort key: by date, then dimension (an undivided observation first)."""
    return observation.date, "" if observation.dimension is None else "\x01" + observation.dimension


MISSING_DIMENSION = "(missing)"
"""The dimension of rows whose ``by`` column is empty: they still count, under this name."""


def quote_identifier(name: str) -> str:
    """``name`` as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """``text`` as a DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def as_date(value: Any) -> dt.date:
    """A date from a database value: a date, a timestamp (its day) or an ISO 8601 text of either.

    A timestamp with a time zone is cut to a date in the machine's time zone,
    as DuckDB cuts one in a CSV or Parquet file: the same row falls on the
    same day whichever source reads it. A text is read whole: ``2027-03-3199``
    or ``2027-02-10 and later`` is not a date.

    Raises:
        ValueError: ``value`` is not a date.
    """
    if isinstance(value, dt.datetime):
        return _local_day(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return _local_day(dt.datetime.fromisoformat(value.strip()))
        except ValueError:
            pass
    raise ValueError(_p("source", "{value} is not a date", value=repr(value)))


def _local_day(moment: dt.datetime) -> dt.date:
    """The day of a timestamp; of one with a time zone, its day in the machine's time zone."""
    return moment.date() if moment.tzinfo is None else moment.astimezone().date()


def as_number(value: Any) -> float | None:
    """A float from a database value; ``None`` for an empty or non-finite value.

    Raises:
        ValueError: ``value`` is not a number.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(_p("source", "{value} is not a number", value=repr(value))) from None
    return number if math.isfinite(number) else None


def not_finite_reason(count: int, day: dt.date, what: str) -> str:
    """Why a node fails on ``count`` rows whose ``what`` is NaN or infinite: SPEC §3.2 makes them an error.

    Left out, they would change a total or a mean without a word; the node
    has no actual instead, and the message says where to look.
    """
    return _n(
        "{what} is not a finite number in {count} row (the first on {day}): a NaN or an infinite value is an "
        "error, not a row to leave out; correct the data, or leave such rows out on purpose (`where`, or the query)",
        "{what} is not a finite number in {count} rows (the first on {day}): a NaN or an infinite value is an "
        "error, not a row to leave out; correct the data, or leave such rows out on purpose (`where`, or the query)",
        count,
        what=what,
        count=count,
        day=day.isoformat(),
    )


def combine_rows(
    rows: Iterable[tuple[dt.date, float, str | None]],
    start: dt.date,
    end: dt.date,
) -> tuple[Observation, ...]:
    """Rows of ``(date, value, dimension)`` summed up per day (and dimension), sorted.

    Rows outside ``start``..``end`` are dropped. Each day keeps the sum, the
    number and the extremes of its rows (:class:`Observation`), whatever the
    node's aggregate: the engine takes the mean or the largest of rows, not of days.
    """
    groups: dict[tuple[dt.date, str | None], list[float]] = {}
    for day, value, dimension in rows:
        if start <= day <= end:
            groups.setdefault((day, dimension), []).append(value)
    observations = [summarize(day, values, dimension) for (day, dimension), values in groups.items()]
    return tuple(sorted(observations, key=observation_key))


def combine_observations(observations: Iterable[Observation]) -> tuple[Observation, ...]:
    """Observations merged per day and dimension (several rows of one day become one), sorted."""
    groups: dict[tuple[dt.date, str | None], list[Observation]] = {}
    for observation in observations:
        groups.setdefault((observation.date, observation.dimension), []).append(observation)
    merged = [merge(day, parts, dimension) for (day, dimension), parts in groups.items()]
    return tuple(sorted(merged, key=observation_key))


def _checked_summary(item: Observation) -> tuple[int | None, float | None, float | None]:
    """The rows, smallest and largest of a plugin's own :class:`Observation`, checked."""
    rows, low, high = item.rows, item.low, item.high
    if rows is None:
        return None, None, None
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        raise ValueError(
            _(
                "{item} has rows={rows}; it must be a whole number of at least 1 (or None for a day's value)",
                item=repr(item),
                rows=repr(rows),
            )
        )
    if rows == 1:
        return 1, None, None
    smallest, largest = as_number(low), as_number(high)
    if smallest is None or largest is None or smallest > largest:
        raise ValueError(
            _("{item} sums {rows} rows but does not give their smallest and largest (low <= high)", item=repr(item), rows=rows)
        )
    return rows, smallest, largest


def normalize_observations(
    items: Iterable[Any], start: dt.date, end: dt.date
) -> tuple[Observation, ...]:
    """Observations (or ``(date, value[, dimension])`` tuples) checked, clipped and sorted.

    Values that are ``None`` or not finite are left out (no data, not zero).

    Raises:
        ValueError: An item is not an observation.
    """
    result = []
    for item in items:
        rows: int | None = 1
        low = high = None
        if isinstance(item, Observation):
            day, value, dimension = item.date, item.value, item.dimension
            rows, low, high = _checked_summary(item)
        elif isinstance(item, (tuple, list)) and len(item) in (2, 3):
            day, value = item[0], item[1]
            dimension = item[2] if len(item) == 3 else None
        else:
            raise ValueError(_("{item} is neither an Observation nor a (date, value[, dimension]) tuple", item=repr(item)))
        day = as_date(day)
        number = as_number(value)
        if number is None or not (start <= day <= end):
            continue
        result.append(Observation(day, number, None if dimension is None else str(dimension), rows, low, high))
    return tuple(sorted(result, key=observation_key))


SourceFetcher = Callable[[SourceContext, "list[NodeRequest]", dt.date, dt.date], SourceOutcome]
"""A built-in source: answers all requests to one source in one go."""
