"""The goal-file format (version 1) as pydantic models.

These models are the single source of the format: the loader validates goal
files against them, and ``schemas/goaltree.schema.json`` is generated from
them (``goaltree schema``). Loaded data is frozen: the engine never changes a
goal tree, it returns results in objects of its own.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from goaltree.present.language import ENGLISH, _, format_date, languages

NODE_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
TREE_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
SOURCE_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"


def _not_a_boolean(value: Any) -> Any:
    """``value`` unchanged, unless it is ``true`` or ``false``: pydantic would read those as 1 and 0."""
    if isinstance(value, bool):
        # pydantic's own type and words for a value that is not a number, as its strict mode says them.
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


class _NoBooleans:
    """Refuses ``true`` and ``false`` before the ``float`` they annotate reads them as 1 and 0.

    A gate in pydantic's core lets an integer, a float or a string through
    unchanged (a bool is no integer in strict mode); any other value goes
    through :func:`_not_a_boolean` (in pydantic's JSON mode, which has no
    isinstance, every value but an integer does). Then the ``float`` validates as it
    would alone, with its constraints (``ge=0``) and its own errors, so a
    quoted ``"1 200"`` still reads as a number problem. The schema is the
    float's.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> CoreSchema:
        gate = core_schema.union_schema(
            [
                core_schema.int_schema(strict=True),  # an int, not a bool
                core_schema.is_instance_schema(float),
                core_schema.is_instance_schema(str),
                core_schema.no_info_plain_validator_function(_not_a_boolean),
            ],
            mode="left_to_right",
            custom_error_type="float_type",  # a bool: the error _not_a_boolean gives
        )
        return core_schema.chain_schema([gate, handler(source)])

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return handler(schema["steps"][-1])


Number = Annotated[float, _NoBooleans()]
"""A number in the goal file: an integer or a decimal, never ``true``/``false`` (error E003), as the schema's ``number``."""


class EnumDescriptions:
    """What each value of a ``Literal`` means, for editors and for docs/reference.md.

    Put it in ``Annotated[Literal[...], EnumDescriptions(...)]``. It changes no
    validation: it only adds ``enumDescriptions`` and
    ``markdownEnumDescriptions`` (the keywords VS Code and the
    yaml-language-server show on completion and hover) next to the schema's
    ``enum``, in the enum's order.

    Args:
        **texts: Value -> one Markdown sentence saying what it means.
    """

    def __init__(self, **texts: str):
        self.texts = dict(texts)

    def __repr__(self) -> str:
        return f"EnumDescriptions({', '.join(self.texts)})"

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(core_schema)
        values = json_schema["enum"]
        missing = [value for value in values if value not in self.texts]
        if missing or len(values) != len(self.texts):
            # A value added to the Literal without a text, or a text for a value that is gone.
            raise ValueError(f"EnumDescriptions {sorted(self.texts)} do not match the enum {values}")
        descriptions = [self.texts[value] for value in values]
        json_schema["enumDescriptions"] = descriptions
        json_schema["markdownEnumDescriptions"] = descriptions
        return json_schema


class _LanguageNames(EnumDescriptions):
    """Each language's name, from Babel's locale data, read only when the schema is written."""

    def __init__(self) -> None:
        pass

    @property
    def texts(self) -> dict[str, str]:  # type: ignore[override]
        from babel import Locale

        names = {}
        for code in languages():
            locale = Locale.parse(code)
            own = "" if code == ENGLISH else f" ({locale.display_name})"
            names[code] = f"{locale.english_name}{own}: every word goaltree prints, with its number and date formats."
        return names


LanguageCode = Annotated[Literal[languages()], _LanguageNames()]  # type: ignore[valid-type]
"""A language with catalogues in goaltree/locale/ (English needs none): a new folder adds one."""


NodeType = Annotated[
    Literal["objective", "kpi", "driver"],
    EnumDescriptions(
        objective="Qualitative, scored from its children (`rollup: progress` by default).",
        kpi="A measured number with a target.",
        driver="An assumption or rate used in formulas: a price, a conversion rate, a lifespan.",
    ),
]
Direction = Annotated[
    Literal["increase", "decrease", "maintain"],
    EnumDescriptions(
        increase="Higher is better: reach the target by the deadline.",
        decrease="A cap: at or under the target at the deadline (a budget, a cost).",
        maintain="Stay inside `range: [low, high]`.",
    ),
]
DecimalSeparator = Annotated[
    Literal[".", ","],
    EnumDescriptions(
        **{
            ".": "A decimal point: `240 000.50`, `1200.5`.",
            ",": "A decimal comma, as Excel writes numbers in Swedish: `240 000,50`, `1200,5`.",
        }
    ),
]
Aggregate = Annotated[
    Literal["sum", "last", "mean", "min", "max"],
    EnumDescriptions(
        sum="Adds every row: flows such as leads, revenue, cost.",
        last="The last day's rows (summed): levels such as followers or a rate.",
        mean="The mean of every row (not of days).",
        min="The smallest row.",
        max="The largest row.",
    ),
]
Rollup = Annotated[
    Literal["sum", "mean", "weighted_mean", "min", "max", "progress", "none"],
    EnumDescriptions(
        sum="The node is the sum of its children.",
        mean="The node is the mean of its children.",
        weighted_mean="The node is the mean of its children weighted by their `weight`.",
        min="The node is its smallest child.",
        max="The node is its largest child.",
        progress="The weighted mean of the children's progress, the OKR way; the default for objectives.",
        none="The children support the node with no arithmetic; the default for kpis and drivers.",
    ),
]
Severity = Annotated[
    Literal["error", "warning", "info"],
    EnumDescriptions(
        error="Makes `goaltree check` exit with 1.",
        warning="Makes `goaltree check --strict` exit with 1.",
        info="Shown, never changes the exit code.",
    ),
]
NUMERIC_ROLLUPS = frozenset({"sum", "mean", "weighted_mean", "min", "max"})
BUILTIN_SOURCE_TYPES = ("csv", "parquet", "sql")


RATE_KINDS = frozenset({"ratio", "percent", "multiple"})
"""Unit kinds of a rate: a value read at a moment (a level), never a quantity that adds up over time."""


@lru_cache(maxsize=256)  # asked once a node; a file has few units
def is_rate_unit(unit: str | None) -> bool:
    """Whether ``unit`` is a ratio (``0.23``), a percentage (``23``, ``%``) or a multiple (ROAS ``5.9``)."""
    if unit is None:
        return False
    from goaltree.formula.units import parse_unit

    parsed = parse_unit(unit)
    return parsed is not None and parsed.kind in RATE_KINDS


@lru_cache(maxsize=256)
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
            raise ValueError(_("period.end {end} is before period.start {start}", end=format_date(self.end), start=format_date(self.start)))
        return self

    @property
    def days(self) -> int:
        """Number of days in the period, counted inclusively."""
        return (self.end - self.start).days + 1


class Thresholds(_Frozen):
    """Status thresholds on ``progress / expected_progress`` (SPEC §3.4)."""

    on_track: Number = Field(0.95, gt=0, description="At or above this pace ratio a node is on track.")
    at_risk: Number = Field(0.80, ge=0, description="At or above this (and below on_track) it is at risk; below, off track.")

    @model_validator(mode="after")
    def _ordered(self) -> "Thresholds":
        if self.at_risk > self.on_track:
            raise ValueError(_("thresholds.at_risk must not be above thresholds.on_track"))
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

    type: Literal["csv"] = Field(description="`csv`: a CSV file queried with DuckDB.")
    path: str = Field(description="Relative to the goal file; `${VAR}` reads the environment.")
    date_column: str = Field(description="The column dating each row.")
    delimiter: str | None = Field(None, description="Column separator (default: detected).")
    decimal: DecimalSeparator | None = Field(
        None,
        description='Decimal separator of the numbers in the file: `","` reads `240 000,50` as 240000.5 '
        "(spaces, no-break spaces between thousands allowed); default: DuckDB's own reading.",
    )
    allow_outside_project: bool = Field(
        False, description="Allow `path` to point outside the goal file's project folder."
    )


class ParquetSource(_Frozen):
    """A Parquet file (or glob of files) queried with DuckDB."""

    type: Literal["parquet"] = Field(description="`parquet`: a Parquet file, or a glob of files, queried with DuckDB.")
    path: str = Field(description="A file or a glob, relative to the goal file.")
    date_column: str = Field(description="The column dating each row.")
    allow_outside_project: bool = Field(False, description="Allow `path` to point outside the goal file's project folder.")


class SqlSource(_Frozen):
    """A database reached through a SQLAlchemy URL; `${VAR}` reads the environment."""

    type: Literal["sql"] = Field(description="`sql`: a database reached through a SQLAlchemy URL.")
    url: str = Field(description="SQLAlchemy URL; `sqlite:///data/x.db` is relative to the goal file.")
    allow_outside_project: bool = Field(
        False, description="Allow a SQLite file outside the goal file's project folder."
    )


class PluginSource(BaseModel):
    """A third-party source from the `goaltree.sources` entry point group; options are its own."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: str = Field(
        description="Any other type names an installed plugin (entry point group `goaltree.sources`); "
        "its other options are its own (docs/sources.md).",
        # Built-in types never reach this model (see _source_kind); saying so in the schema keeps a
        # csv source from matching both CsvSource and PluginSource, which a standard validator rejects.
        json_schema_extra={"not": {"enum": list(BUILTIN_SOURCE_TYPES)}},
    )


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
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Rule code -> severity override."
    )
    options: dict[str, Any] = Field(
        default_factory=dict, description="Rule options, e.g. `max_children: 7`."
    )


class Node(_Frozen):
    """One goal, KPI or driver."""

    title: str = Field(
        min_length=1, description="What the goal is, with its amount: \"70 new customers from marketing leads\"."
    )
    type: NodeType = Field("kpi", description="What kind of node this is.")
    kpi: str | None = Field(None, description="A KPI from the catalogue (`goaltree catalog`).")
    inputs: dict[str, str] = Field(
        default_factory=dict,
        description="For `kpi:` nodes: catalogue input name -> node id, where the ids differ.",
    )
    description: str | None = Field(None, description="Free text.")
    owner: str | None = Field(None, description="Who answers for the node; defaults to the file's `owner`.")
    tags: list[str] = Field(default_factory=list, description="Free labels.")
    unit: str | None = Field(
        None,
        description="`SEK`, `EUR`, `count`, `%`, `ratio`, `multiple`, `days`, … Ratios are fractions (`0.014`), "
        "`%` values are percent (`1.4`) and enter formulas as fractions, a `multiple` reads `5.9×` (ROAS).",
    )
    direction: Direction = Field("increase", description="Which way the node should move.")
    # `items` repeats the numbers for draft-7 editors (VS Code's YAML extension), which ignore `prefixItems`.
    range: Annotated[tuple[Number, Number], Field(json_schema_extra={"items": {"type": "number"}})] | None = Field(
        None, description="[low, high] for `direction: maintain`."
    )
    baseline: Number | None = Field(
        None, description="Last comparable value (a level) or last period's total (a flow)."
    )
    target: Number | None = Field(
        None, description="The goal value at the deadline; leave it out to derive it (docs/engine.md)."
    )
    deadline: dt.date | None = Field(None, description="Defaults to `period.end`.")
    milestones: dict[dt.date, Number] = Field(
        default_factory=dict, description="`{date: value}` intermediate targets; pace goes through them."
    )
    aggregate: Aggregate | None = Field(None, description="How the observations up to a date become the actual. Default `sum` for kpis, `last` for drivers, for `%`, `ratio` or `multiple` kpis with a `formula` or a numeric `rollup`, and for a kpi computed from levels (docs/engine.md).")
    formula: str | None = Field(
        None, description="Arithmetic over node ids: `+ - * / **`, parentheses, numbers, `min() max() abs()`."
    )
    parent: str | list[str] | None = Field(
        None, description="An id or a list of ids this node contributes to (a DAG)."
    )
    rollup: Rollup | None = Field(None, description="How the children that name this node as `parent` combine into it. Default `progress` for objectives, `none` otherwise.")
    weight: Number = Field(
        1.0, ge=0, description="Weight in the parents' rollup and in allocating a sum's remainder."
    )
    metric: Metric | None = Field(None, description="Where actuals come from: a source and what to ask it.")
    actuals: dict[dt.date, Number] = Field(
        default_factory=dict, description="Inline check-ins `{date: value}`, used when there is no `metric`."
    )
    suppress: dict[str, str] = Field(
        default_factory=dict, description="Rule code -> reason this node knowingly breaks it."
    )

    @field_validator("range")
    @classmethod
    def _range_ordered(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError(_("range must be [low, high] with low <= high"))
        return value

    @model_validator(mode="after")
    def _range_needs_maintain(self) -> "Node":
        if self.direction == "maintain" and self.range is None and self.target is None:
            raise ValueError(_("direction: maintain needs `range: [low, high]` (or a target)"))
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
        """``aggregate``, or its default: ``last`` for drivers and for rates computed by a formula or a rollup, else ``sum``."""
        if self.aggregate is not None:
            return self.aggregate
        if self.type == "driver":
            return "last"
        if is_rate_unit(self.unit) and (self.formula is not None or self.rollup in NUMERIC_ROLLUPS):
            # A rate its formula computes from totals, or the mean of its children's rates, is a
            # level, never a flow summed over time.
            return "last"
        return "sum"

    @property
    def effective_rollup(self) -> Rollup:
        """``rollup``, or its default for the node's type."""
        if self.rollup is not None:
            return self.rollup
        return "progress" if self.type == "objective" else "none"


SCENARIO_NAME_PATTERN = r"^[a-z][a-z0-9_-]*$"
BASE_SCENARIO = "base"
"""The name under which commands show the plan as the file states it, next to its scenarios."""


class Scenario(_Frozen):
    """A what-if: some nodes get another target, and every other target is solved again."""

    description: str | None = Field(None, description="What the scenario assumes, for people.")
    set: dict[str, Number] = Field(
        description="Node id -> the target it has in this scenario, overriding a declared or derived one."
    )


class GoalFile(_Frozen):
    """A goal file: a tree of goals, KPIs and drivers for one period."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    schema_: str | None = Field(None, alias="$schema", description="Editor schema hint; ignored.")
    goaltree: Annotated[Literal[1], BeforeValidator(_not_a_boolean)] = Field(description="Format version.")
    id: str = Field(pattern=TREE_ID_PATTERN, description="A slug naming the tree: `acme-marketing-2027`.")
    title: str = Field(min_length=1, description="What the tree is, for people.")
    description: str | None = Field(None, description="Free text.")
    language: LanguageCode = Field(
        ENGLISH,
        description="The language of everything goaltree prints for this file: tables, messages, reports, "
        "diagrams (`--language` on the command line wins). JSON keys and codes stay English.",
    )
    period: Period = Field(description="The period the goals cover, dates inclusive.")
    owner: str | None = Field(None, description="The default owner of every node.")
    thresholds: Thresholds = Field(default_factory=Thresholds, description="Status thresholds on the pace ratio.")
    sources: dict[str, Source] = Field(default_factory=dict, description="Named metric sources: csv, parquet, sql or a plugin.")
    checks: Checks = Field(default_factory=Checks, description="Configuration of the SMART checks.")
    nodes: dict[Annotated[str, StringConstraints(pattern=NODE_ID_PATTERN)], Node] = Field(
        description="Node id -> goal, KPI or driver."
    )
    scenarios: dict[Annotated[str, StringConstraints(pattern=SCENARIO_NAME_PATTERN)], Scenario] = Field(
        default_factory=dict,
        description="Scenario name -> a what-if on the plan (`goaltree scenarios`, `--scenario NAME`); "
        f"`{BASE_SCENARIO}` names the plan itself.",
        # A name off the pattern, or the plan's own name, is an error an editor should flag as goaltree does.
        json_schema_extra={"additionalProperties": False, "propertyNames": {"not": {"const": BASE_SCENARIO}}},
    )

    @field_validator("scenarios")
    @classmethod
    def _base_is_the_plan(cls, value: dict[str, Scenario]) -> dict[str, Scenario]:
        if BASE_SCENARIO in value:
            raise ValueError(_("`{name}` names the plan itself; give the scenario another name", name=BASE_SCENARIO))
        return value

    def owner_of(self, node_id: str) -> str | None:
        """The node's owner, falling back to the file's."""
        return self.nodes[node_id].owner or self.owner

    def deadline_of(self, node_id: str) -> dt.date:
        """The node's deadline, falling back to ``period.end``."""
        return self.nodes[node_id].deadline or self.period.end

    def observed_until(self, as_of: dt.date) -> dt.date:
        """The last day whose observations count at ``as_of``: ``as_of``, never past the period's end.

        A report on last year's file, run in January, reads last year's rows
        only. A deadline after the period's end (error T001) keeps the rows up
        to it.
        """
        latest = max((node.deadline for node in self.nodes.values() if node.deadline is not None), default=self.period.end)
        return min(as_of, max(self.period.end, latest))
