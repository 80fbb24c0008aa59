"""The goal-file format (version 1) as pydantic models.

These models are the single source of the format: the loader validates goal
files against them, and ``schemas/goaltree.schema.json`` is generated from
them (``goaltree schema``). Loaded data is frozen: the engine never changes a
goal tree, it returns results in objects of its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

NODE_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
TREE_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
SOURCE_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"

NodeType = Literal["objective", "kpi", "driver"]
Direction = Literal["increase", "decrease", "maintain"]
Aggregate = Literal["sum", "last", "mean", "min", "max"]
Rollup = Literal["sum", "mean", "weighted_mean", "min", "max", "progress", "none"]
NUMERIC_ROLLUPS = frozenset({"sum", "mean", "weighted_mean", "min", "max"})
BUILTIN_SOURCE_TYPES = ("csv", "parquet", "sql")


RATE_KINDS = frozenset({"ratio", "percent", "multiple"})
"""Unit kinds of a rate: a value read at a moment (a level), never a quantity that adds up over time."""


def is_rate_unit(unit: str | None) -> bool:
    """Whether ``unit`` is a ratio (``0.23``), a percentage (``23``, ``%``) or a multiple (ROAS ``5.9``)."""
    if unit is None:
        return False
    from goaltree.formula.units import parse_unit

    parsed = parse_unit(unit)
    return parsed is not None and parsed.kind in RATE_KINDS


def is_percent_unit(unit: str | None) -> bool:
    """Whether ``unit`` is a percentage (``%``, ``percent``, ``procent``): its values are percent, 23 for 23 %."""
    if unit is None:
        return False
    from goaltree.formula.units import parse_unit

    parsed = parse_unit(unit)
    return parsed is not None and parsed.kind == "percent"


class _Frozen(BaseModel):
    # NaN and infinity in a target, an actual or a weight would flow into every number derived from it.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Period(_Frozen):
    """The period the goals cover; both dates are inclusive."""

    start: dt.date = Field(description="The first day of the period.")
    end: dt.date = Field(description="The last day of the period.")

    @model_validator(mode="after")
    def _end_after_start(self) -> "Period":
        if self.end < self.start:
            raise ValueError(f"period.end {self.end} is before period.start {self.start}")
        return self

    @property
    def days(self) -> int:
        """Number of days in the period, counted inclusively."""
        return (self.end - self.start).days + 1


class Thresholds(_Frozen):
    """Status thresholds on ``progress / expected_progress`` (SPEC §3.4)."""

    on_track: float = Field(0.95, gt=0, description="At or above this pace ratio a node is on track.")
    at_risk: float = Field(0.80, ge=0, description="At or above this (and below on_track) it is at risk; below, off track.")

    @model_validator(mode="after")
    def _ordered(self) -> "Thresholds":
        if self.at_risk > self.on_track:
            raise ValueError("thresholds.at_risk must not be above thresholds.on_track")
        return self


class Metric(_Frozen):
    """Where a node's actuals come from: a named source and what to ask it."""

    source: str = Field(description="Name of a source declared under `sources`.")
    value: str | None = Field(
        None,
        description="Column or SQL expression to aggregate, or `count` for a row count (csv/parquet).",
    )
    where: str | None = Field(None, description="Filter expression (csv/parquet).")
    by: str | None = Field(None, description="Dimension for per-source breakdowns, e.g. a channel column.")
    query: str | None = Field(
        None,
        description="SQL returning `date, value` rows, with :start and :end bound as parameters (sql).",
    )
    date_column: str | None = Field(None, description="Overrides the source's date column for this node.")
    options: dict[str, Any] = Field(default_factory=dict, description="Options for plugin sources.")


class CsvSource(_Frozen):
    """A CSV file queried with DuckDB."""

    type: Literal["csv"]
    path: str = Field(description="Relative to the goal file; `${VAR}` reads the environment.")
    date_column: str = Field(description="The column dating each row.")
    delimiter: str | None = Field(None, description="Column separator (default: detected).")
    allow_outside_project: bool = Field(
        False, description="Allow `path` to point outside the goal file's project folder."
    )


class ParquetSource(_Frozen):
    """A Parquet file (or glob of files) queried with DuckDB."""

    type: Literal["parquet"]
    path: str = Field(description="A file or a glob, relative to the goal file.")
    date_column: str = Field(description="The column dating each row.")
    allow_outside_project: bool = Field(False, description="Allow `path` to point outside the goal file's project folder.")


class SqlSource(_Frozen):
    """A database reached through a SQLAlchemy URL; `${VAR}` reads the environment."""

    type: Literal["sql"]
    url: str = Field(description="SQLAlchemy URL; `sqlite:///data/x.db` is relative to the goal file.")
    allow_outside_project: bool = Field(
        False, description="Allow a SQLite file outside the goal file's project folder."
    )


class PluginSource(BaseModel):
    """A third-party source from the `goaltree.sources` entry point group; options are its own."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: str


def _source_kind(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if kind in BUILTIN_SOURCE_TYPES else "plugin"


Source = Annotated[
    Union[
        Annotated[CsvSource, Tag("csv")],
        Annotated[ParquetSource, Tag("parquet")],
        Annotated[SqlSource, Tag("sql")],
        Annotated[PluginSource, Tag("plugin")],
    ],
    Discriminator(_source_kind),
]


class Checks(_Frozen):
    """Per-file configuration of the SMART checks (`goaltree rules` lists the codes)."""

    disable: list[str] = Field(default_factory=list, description="Rule codes or names to switch off.")
    severity: dict[str, Literal["error", "warning", "info"]] = Field(
        default_factory=dict, description="Rule code -> severity override."
    )
    options: dict[str, Any] = Field(
        default_factory=dict, description="Rule options, e.g. `max_children: 7`."
    )


class Node(_Frozen):
    """One goal, KPI or driver."""

    title: str = Field(min_length=1)
    type: NodeType = "kpi"
    kpi: str | None = Field(None, description="A KPI from the catalogue (`goaltree catalog`).")
    inputs: dict[str, str] = Field(
        default_factory=dict,
        description="For `kpi:` nodes: catalogue input name -> node id, where the ids differ.",
    )
    description: str | None = None
    owner: str | None = None
    tags: list[str] = Field(default_factory=list)
    unit: str | None = None
    direction: Direction = "increase"
    range: tuple[float, float] | None = Field(None, description="[low, high] for `direction: maintain`.")
    baseline: float | None = None
    target: float | None = None
    deadline: dt.date | None = None
    milestones: dict[dt.date, float] = Field(default_factory=dict)
    aggregate: Aggregate | None = Field(None, description="Default `sum` for kpis, `last` for drivers and for `%`, `ratio` or `multiple` kpis with a `formula`.")
    formula: str | None = None
    parent: str | list[str] | None = None
    rollup: Rollup | None = Field(None, description="Default `progress` for objectives, `none` otherwise.")
    weight: float = Field(1.0, ge=0)
    metric: Metric | None = Field(None, description="Where actuals come from: a source and what to ask it.")
    actuals: dict[dt.date, float] = Field(default_factory=dict)
    suppress: dict[str, str] = Field(
        default_factory=dict, description="Rule code -> reason this node knowingly breaks it."
    )

    @field_validator("range")
    @classmethod
    def _range_ordered(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError("range must be [low, high] with low <= high")
        return value

    @model_validator(mode="after")
    def _range_needs_maintain(self) -> "Node":
        if self.direction == "maintain" and self.range is None and self.target is None:
            raise ValueError("direction: maintain needs `range: [low, high]` (or a target)")
        return self

    @property
    def parents(self) -> tuple[str, ...]:
        """The ids this node contributes to, as a tuple."""
        if self.parent is None:
            return ()
        if isinstance(self.parent, str):
            return (self.parent,)
        return tuple(self.parent)

    @property
    def effective_aggregate(self) -> Aggregate:
        """``aggregate``, or its default: ``last`` for drivers and for rates computed by a formula, else ``sum``."""
        if self.aggregate is not None:
            return self.aggregate
        if self.type == "driver":
            return "last"
        if self.formula is not None and is_rate_unit(self.unit):
            # A rate its formula computes from totals is a level, never a flow summed over time.
            return "last"
        return "sum"

    @property
    def effective_rollup(self) -> Rollup:
        """``rollup``, or its default for the node's type."""
        if self.rollup is not None:
            return self.rollup
        return "progress" if self.type == "objective" else "none"


class GoalFile(_Frozen):
    """A goal file: a tree of goals, KPIs and drivers for one period."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    schema_: str | None = Field(None, alias="$schema", description="Editor schema hint; ignored.")
    goaltree: Literal[1] = Field(description="Format version.")
    id: str = Field(pattern=TREE_ID_PATTERN, description="A slug naming the tree: `acme-marketing-2027`.")
    title: str = Field(min_length=1, description="What the tree is, for people.")
    description: str | None = Field(None, description="Free text.")
    period: Period = Field(description="The period the goals cover, dates inclusive.")
    owner: str | None = Field(None, description="The default owner of every node.")
    thresholds: Thresholds = Field(default_factory=Thresholds, description="Status thresholds on the pace ratio.")
    sources: dict[str, Source] = Field(default_factory=dict, description="Named metric sources: csv, parquet, sql or a plugin.")
    checks: Checks = Field(default_factory=Checks, description="Configuration of the SMART checks.")
    nodes: dict[Annotated[str, StringConstraints(pattern=NODE_ID_PATTERN)], Node] = Field(
        description="Node id -> goal, KPI or driver."
    )

    def owner_of(self, node_id: str) -> str | None:
        """The node's owner, falling back to the file's."""
        return self.nodes[node_id].owner or self.owner

    def deadline_of(self, node_id: str) -> dt.date:
        """The node's deadline, falling back to ``period.end``."""
        return self.nodes[node_id].deadline or self.period.end
