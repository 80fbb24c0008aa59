"""``csv`` and ``parquet`` sources: DuckDB reads the file once for every node that uses it.

Each node asks for a daily series: its ``value`` (a column, an expression such
as ``amount * 0.8``, or ``count``) over the rows that pass its ``where``,
grouped by the day of the date column and, with ``by``, by a dimension. All
nodes of one source are answered together: the nodes that share a date column
and a ``by`` become the filtered aggregates (``fsum(amount) FILTER (WHERE …)``)
of one ``GROUP BY`` query. With one such group the query reads the file
directly; with several, the file is read once into a temporary table holding
the columns the metrics name and the rows of the period, and each group's
query runs on that table (``bench/bench_sources.py`` measured this as the
fastest plan).

The expressions are the goal file's own SQL. DuckDB binds them, so a wrong
column is found before any row is read and reported with a "did you mean";
the connection may read only the source's files (``enable_external_access``
off, configuration locked, one statement per query: see
:mod:`goaltree.sources.sandbox`), so an expression cannot reach other files.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from goaltree.observations import Observation
from goaltree.errors import did_you_mean
from goaltree.present.language import _, _p
from goaltree.sources.base import (
    METRIC_INVALID,
    MISSING_DIMENSION,
    SANDBOX_REFUSED,
    SOURCE_FAILED,
    NodeFailure,
    NodeRequest,
    SourceContext,
    SourceError,
    SourceOutcome,
    as_number,
    not_finite_reason,
    quote_identifier,
    quote_literal,
)
from goaltree.sources.numbertext import converted_scan, named_columns, number_columns, text_value_reason
from goaltree.sources.paths import data_files
from goaltree.sources.timelimit import QueryTimedOut
from goaltree.sources.sandbox import (
    OneStatementConnection,
    QueryRefused,
    connect_duckdb,
    database_refusal,
    fragment_problem,
)

ROWS = "__goaltree_rows"
DAY = "__goaltree_day"
DIMENSION = "__goaltree_dimension"
COUNT = "count"
# What a day keeps of a value's rows (an Observation): their sum and number, so that a mean can be
# taken over the rows of the whole period, and for a min or max node their extremes. Extremes cost
# DuckDB most (each filtered aggregate evaluates its filter again), so only those nodes pay for them.
_ROW_SUMMARY = ("fsum", "count")
_EXTREMES = ("min", "max")
_MISSING_COLUMN = re.compile(r'Referenced column "(?P<name>(?:[^"]|"")+)" not found')
_NO_MATCHING_FUNCTION = re.compile(r"No function matches the given name and argument types '\w+\((?P<type>[^)]*)\)'")
_ERROR_PREFIX = re.compile(r"^[A-Z][A-Za-z ]* Error: ")
# What DuckDB's sniffer may make of a column of numbers (read as text instead when the source says `decimal`).
_NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE")
# Errors of DuckDB that say the data could not be read, rather than that one metric is wrong.
# (A permission error is a metric's: only an expression reaching for another file meets one.)
_READ_ERRORS = ("IOException", "InvalidInputException", "OutOfMemoryException")


def fetch_csv(context: SourceContext, requests: list[NodeRequest], start: dt.date, end: dt.date) -> SourceOutcome:
    """Daily observations for every node of a ``csv`` source, from one reading of the file."""
    return _fetch(context, "csv", requests, start, end)


def fetch_parquet(context: SourceContext, requests: list[NodeRequest], start: dt.date, end: dt.date) -> SourceOutcome:
    """Daily observations for every node of a ``parquet`` source, from one reading of the files."""
    return _fetch(context, "parquet", requests, start, end)


@dataclass(frozen=True)
class _Plan:
    """One node's aggregate, ready to be placed in its group's query."""

    request: NodeRequest
    date_column: str
    by_column: str | None
    value_sql: str
    where: str | None
    counts_rows: bool
    extremes: bool

    @property
    def aggregate_sqls(self) -> list[str]:
        """The node's daily aggregates, filtered by its ``where``: a count, or its rows' sum, number (and extremes).

        A value's aggregates are over its finite rows and end with the number
        of rows whose value is not finite (``NaN``, ``inf``): SPEC §3.2 makes
        those an error, so the node fails on them (:meth:`_Runner._collect`)
        rather than lose them, or the whole day, without a word.
        """
        where = "" if self.where is None else f" AND ({self.where})"
        if self.counts_rows:
            return ["COUNT(*)" if self.where is None else f"COUNT(*) FILTER (WHERE {self.where})"]
        summary = _ROW_SUMMARY + _EXTREMES if self.extremes else _ROW_SUMMARY
        condition = f"isfinite({self.value_sql})" + where
        return [f"{function}({self.value_sql}) FILTER (WHERE {condition})" for function in summary] + [
            f"COUNT(*) FILTER (WHERE NOT isfinite({self.value_sql}){where})"
        ]


def clean_message(error: BaseException) -> str:
    """The first, meaningful line of a DuckDB error, without its ``Binder Error:`` prefix."""
    lines = []
    for line in str(error).strip().splitlines():
        if not line.strip() or line.startswith(("LINE ", "Candidate bindings", "\tCandidate")):
            break
        lines.append(line.strip())
    text = " ".join(lines) or type(error).__name__
    return _ERROR_PREFIX.sub("", text)


def _unreadable(display: str, error: BaseException) -> str:
    """Why the source's file cannot be read at all, in DuckDB's words."""
    return _p("source", "cannot read {file}: {reason}", file=display, reason=clean_message(error))


def _is_read_error(error: BaseException) -> bool:
    return type(error).__name__ in _READ_ERRORS


def _scan_sql(
    kind: str, files: Sequence[Path], delimiter: str | None, decimal: str | None = None, text_columns: Sequence[str] = ()
) -> str:
    listing = "[" + ", ".join(quote_literal(str(path)) for path in files) + "]"
    options = []
    if len(files) > 1:
        options.append("union_by_name = true")
    if kind == "csv":
        if delimiter:
            options.append(f"delim = {quote_literal(delimiter)}")
        if decimal:
            # The model allows only "." and ",". The metrics' columns are read as text and converted by
            # goaltree (goaltree.sources.numbertext); DuckDB is told so that its guesses about the other
            # columns agree (with "," it no longer reads 1.500 as 1.5).
            options.append(f"decimal_separator = {quote_literal(decimal)}")
        if text_columns:
            types = ", ".join(f"{quote_literal(column)}: 'VARCHAR'" for column in text_columns)
            options.append(f"types = {{{types}}}")
        # Only YYYY-MM-DD text is a date: DuckDB would otherwise guess 01/02/2027 is the 1st of February.
        options.append("dateformat = '%Y-%m-%d'")
        function = "read_csv"
    else:
        function = "read_parquet"
    return f"{function}({', '.join([listing, *options])})"


def _find_column(name: str, columns: Sequence[str]) -> str | None:
    """The file's spelling of column ``name`` (DuckDB identifiers ignore case)."""
    if name in columns:
        return name
    folded = [column for column in columns if column.lower() == name.lower()]
    return folded[0] if folded else None


def _missing_column(name: str, columns: Sequence[str], display: str, *, date: bool = False) -> str:
    suggestion = did_you_mean(name, columns)
    if date:
        return _("date column '{column}' not found in {file}{suggestion}", column=name, file=display, suggestion=suggestion)
    return _("column '{column}' not found in {file}{suggestion}", column=name, file=display, suggestion=suggestion)


def _value_sql(request: NodeRequest) -> tuple[str, bool]:
    """The node's value expression, and whether it counts rows instead."""
    value = (request.metric.value or "").strip()
    if value.lower() == COUNT:
        return "*", True
    return value, False


def _plan(request: NodeRequest, default_date_column: str, columns: Sequence[str], display: str) -> _Plan | NodeFailure:
    metric = request.metric
    for field in ("value", "where"):
        text = getattr(metric, field)
        if text is not None:
            problem = fragment_problem(text)
            if problem is not None:
                return NodeFailure(
                    _("{field} '{text}' is refused: {problem}", field=field, text=text, problem=problem),
                    SANDBOX_REFUSED,
                    field=field,
                )
    wanted_date = metric.date_column or default_date_column
    date_column = _find_column(wanted_date, columns)
    if date_column is None:
        reason = _missing_column(wanted_date, columns, display, date=True)
        if metric.date_column:
            return NodeFailure(reason, METRIC_INVALID, field="date_column")
        return NodeFailure(reason, METRIC_INVALID, source_field="date_column")
    by_column = None
    if metric.by is not None:
        by_column = _find_column(metric.by, columns)
        if by_column is None:
            return NodeFailure(_missing_column(metric.by, columns, display), METRIC_INVALID, field="by")
    value_sql, counts_rows = _value_sql(request)
    where = metric.where.strip() if metric.where and metric.where.strip() else None
    return _Plan(request, date_column, by_column, value_sql, where, counts_rows, request.aggregate in ("min", "max"))


def _needed_columns(plans: Sequence[_Plan], columns: Sequence[str]) -> list[str]:
    """The columns the metrics may use: every column whose name appears in an expression.

    A superset is harmless (one more column read); a ``COLUMNS(…)`` expression
    may name any column, so it keeps them all.
    """
    texts = [
        (plan.request.metric.value or "") + " " + (plan.request.metric.where or "") for plan in plans
    ]
    if any("columns(" in text.lower().replace(" ", "") for text in texts):
        return list(columns)
    joined = " ".join(texts).lower()
    fixed = {plan.date_column for plan in plans} | {plan.by_column for plan in plans if plan.by_column}
    return [column for column in columns if column in fixed or column.lower() in joined]


def _group_sql(date_column: str, by_column: str | None, aggregates: Sequence[str], start: dt.date, end: dt.date) -> str:
    day = f"CAST({quote_identifier(date_column)} AS DATE)"
    select = [f"{day} AS {DAY}"]
    group_by = "1"
    if by_column is not None:
        select.append(
            f"COALESCE(CAST({quote_identifier(by_column)} AS VARCHAR), {quote_literal(MISSING_DIMENSION)}) AS {DIMENSION}"
        )
        group_by = "1, 2"
    select.extend(f"{aggregate} AS v{index}" for index, aggregate in enumerate(aggregates))
    return (
        f"SELECT {', '.join(select)} FROM {ROWS} "
        f"WHERE {day} BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}' "
        f"GROUP BY {group_by} ORDER BY {group_by}"
    )


class _Runner:
    """Runs the queries of one source on its connection and turns errors into node failures."""

    def __init__(
        self,
        connection: OneStatementConnection,
        types: dict[str, str],
        display: str,
        start: dt.date,
        end: dt.date,
        reading: "_Reading",
    ):
        self.connection = connection
        self.columns = list(types)
        self.types = types
        self.display = display
        self.start = start
        self.end = end
        self.reading = reading

    def failure(self, error: BaseException, plan: _Plan, field: str | None) -> NodeFailure:
        """The node failure that ``error`` means for ``plan``.

        Raises:
            SourceError: The error is the file's: its rows cannot be read at all.
        """
        if isinstance(error, QueryTimedOut):
            return NodeFailure(str(error), SOURCE_FAILED, field=field or "value")
        if isinstance(error, QueryRefused) or database_refusal(error):
            if field:
                reason = _(
                    "{field} '{text}' is refused: {problem}",
                    field=field,
                    text=getattr(plan.request.metric, field),
                    problem=clean_message(error),
                )
            else:
                reason = _p("source", "refused: {problem}", problem=clean_message(error))
            return NodeFailure(reason, SANDBOX_REFUSED, field=field)
        if _is_read_error(error):
            self.raise_if_unreadable([plan])
        message = str(error)
        missing = _MISSING_COLUMN.search(message)
        metric = plan.request.metric
        if missing:
            name = missing.group("name").replace('""', '"')
            return NodeFailure(_missing_column(name, self.columns, self.display), METRIC_INVALID, field=field)
        not_numeric = _NO_MATCHING_FUNCTION.search(message)
        if not_numeric and field == "value":
            text_columns = [column for column in named_columns(metric.value or "", self.columns) if self.types[column] == "VARCHAR"]
            if text_columns or "VARCHAR" in not_numeric.group("type"):
                reason = text_value_reason(
                    self.connection,
                    self.reading.scan,
                    metric.value or "",
                    text_columns,
                    self.display,
                    self.reading.decimal_separator,
                    one_file=self.reading.one_file,
                )
                return NodeFailure(reason, METRIC_INVALID, field="value")
            return NodeFailure(
                _(
                    "value '{value}' is not a number (it is {type}); use a numeric column or expression, or `count`",
                    value=metric.value,
                    type=not_numeric.group("type"),
                ),
                METRIC_INVALID,
                field="value",
            )
        if field in ("value", "where"):
            return NodeFailure(
                _(
                    "{field} '{text}' is not valid: {reason}",
                    field=field,
                    text=getattr(metric, field),
                    reason=clean_message(error),
                ),
                METRIC_INVALID,
                field=field,
            )
        return NodeFailure(
            _("the metric cannot be computed from {file}: {reason}", file=self.display, reason=clean_message(error)),
            METRIC_INVALID,
        )

    def raise_if_unreadable(self, plans: Sequence[_Plan]) -> None:
        """Fail the whole source if the columns ``plans`` use cannot be read, without any expression.

        DuckDB reports a bad row of the file and a node's own expression that
        fails (``error('…')``) alike, as invalid input; reading the columns
        alone tells whose it is, so that one node cannot fail its siblings.

        Raises:
            SourceError: Reading the columns fails: the file is at fault.
        """
        counts = ", ".join(f"COUNT({quote_identifier(column)})" for column in _needed_columns(plans, self.columns))
        try:
            self.connection.execute(f"SELECT {counts or 'COUNT(*)'} FROM {ROWS}").fetchall()
        except Exception as error:  # noqa: BLE001 - any failure to read the bare columns is the file's
            raise SourceError(_unreadable(self.display, error)) from None

    def bind_check(self, plan: _Plan) -> NodeFailure | None:
        """Bind ``plan``'s expressions one by one without reading rows; the first failure found."""
        checks = []
        if not plan.counts_rows:
            # The bare expression first, so that a syntax error points into the user's own text.
            checks.append(("value", f"SELECT {plan.request.metric.value} FROM {ROWS}"))
            checks.append(("value", f"SELECT fsum({plan.value_sql}), min({plan.value_sql}) FROM {ROWS}"))
        if plan.where is not None:
            checks.append(("where", f"SELECT COUNT(*) FROM {ROWS} WHERE {plan.where}"))
        checks.append((None, _group_sql(plan.date_column, plan.by_column, plan.aggregate_sqls, self.start, self.end)))
        for field, sql in checks:
            try:
                self.connection.execute(f"DESCRIBE {sql}").fetchall()
            except Exception as error:  # noqa: BLE001 - any DuckDB error is reported for this node
                return self.failure(error, plan, field)
        return None

    def run_group(self, plans: list[_Plan], outcome: SourceOutcome) -> None:
        """Answer every plan of one (date column, by) group, isolating failing nodes."""
        date_column, by_column = plans[0].date_column, plans[0].by_column
        try:
            rows = self._execute(date_column, by_column, plans)
        except Exception as error:  # noqa: BLE001
            if _is_read_error(error):
                self.raise_if_unreadable(plans)
            rows = None
        if rows is None:
            # Something in the group is wrong: find it by binding each node alone
            # (cheap, no rows are read), then run the others together again.
            survivors = []
            for plan in plans:
                failure = self.bind_check(plan)
                if failure is None:
                    survivors.append(plan)
                else:
                    outcome.failures[plan.request.node_id] = failure
            if not survivors:
                return
            if len(survivors) < len(plans):
                try:
                    rows = self._execute(date_column, by_column, survivors)
                    plans = survivors
                except Exception:  # noqa: BLE001 - handled below, one node at a time
                    rows = None
            if rows is None:
                # Every remaining node binds, so the failure happens while reading
                # rows (a value that does not convert): run one node at a time.
                for plan in survivors:
                    try:
                        self._collect(self._execute(date_column, by_column, [plan]), [plan], outcome)
                    except Exception as error:  # noqa: BLE001
                        outcome.failures[plan.request.node_id] = self.failure(error, plan, None)
                return
        self._collect(rows, plans, outcome)

    def _execute(self, date_column: str, by_column: str | None, plans: Sequence[_Plan]) -> list[tuple[Any, ...]]:
        aggregates = [sql for plan in plans for sql in plan.aggregate_sqls]
        sql = _group_sql(date_column, by_column, aggregates, self.start, self.end)
        return self.connection.execute(sql).fetchall()

    def _collect(self, rows: list[tuple[Any, ...]], plans: Sequence[_Plan], outcome: SourceOutcome) -> None:
        """Turn the group's rows (ordered by day and dimension) into each plan's observations."""
        divided = plans[0].by_column is not None
        column = 2 if divided else 1
        for plan in plans:
            node_id = plan.request.node_id
            width = len(plan.aggregate_sqls)
            first = column
            column += width
            series = []
            not_finite, first_day = 0, None
            try:
                for row in rows:
                    dimension = row[1] if divided else None
                    if plan.counts_rows:
                        count = row[first]
                        if count:
                            # A count is the day's value, not a sum of row values: its mean is over days.
                            series.append(Observation(row[0], float(count), dimension, None))
                        continue
                    if row[column - 1]:
                        not_finite += row[column - 1]
                        first_day = first_day or row[0]
                    total, count, *extremes = (_number(value) for value in row[first : column - 1])
                    if not count or total is None:
                        continue  # no row with a value this day
                    if count == 1:
                        series.append(Observation(row[0], total, dimension))
                    elif not extremes:
                        series.append(Observation(row[0], total, dimension, int(count)))
                    elif None not in extremes:
                        series.append(Observation(row[0], total, dimension, int(count), extremes[0], extremes[1]))
            except ValueError as error:
                outcome.failures[node_id] = NodeFailure(
                    _("value '{value}' does not give numbers: {reason}", value=plan.request.metric.value, reason=error),
                    METRIC_INVALID,
                    field="value",
                )
                continue
            if not_finite:
                reason = not_finite_reason(not_finite, first_day, _p("source", "value '{value}'", value=plan.request.metric.value))
                outcome.failures[node_id] = NodeFailure(reason, SOURCE_FAILED, field="value")
                continue
            outcome.observations[node_id] = tuple(series)


def _number(value: Any) -> float | None:
    """A DuckDB result as a finite float, ``None`` for NULL or a non-finite value."""
    # DuckDB gives floats and ints; anything else (a DECIMAL's min) goes the long way.
    kind = type(value)
    number = value if kind is float else float(value) if kind is int else as_number(value)
    return number if number is not None and math.isfinite(number) else None


def _fetch(context: SourceContext, kind: str, requests: list[NodeRequest], start: dt.date, end: dt.date) -> SourceOutcome:
    config = context.config
    display = config.path
    files = data_files(context.project_dir, config.path, allow_outside=config.allow_outside_project)
    outcome = SourceOutcome()
    context.note(_("{source}: reading {file}", source=context.name, file=display))
    with tempfile.TemporaryDirectory(prefix="goaltree-duckdb-") as spill_dir:
        connection = connect_duckdb(files, spill_dir)
        try:
            decimal = getattr(config, "decimal", None)
            scan = _scan_sql(kind, files, getattr(config, "delimiter", None), decimal)
            try:
                types = {row[0]: row[1] for row in connection.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()}
            except Exception as error:  # noqa: BLE001 - a file DuckDB cannot read fails the source
                raise SourceError(_unreadable(display, error)) from None
            columns = list(types)
            groups: dict[tuple[str, str | None], list[_Plan]] = {}
            for request in requests:
                plan = _plan(request, config.date_column, columns, display)
                if isinstance(plan, NodeFailure):
                    outcome.failures[request.node_id] = plan
                else:
                    groups.setdefault((plan.date_column, plan.by_column), []).append(plan)
            if not groups:
                return outcome
            if decimal:
                scan = _read_number_text(connection, (kind, files, config.delimiter), groups, types, display, decimal)
            _load_rows(connection, scan, groups, types, display, start, end)
            runner = _Runner(connection, types, display, start, end, _Reading(scan, decimal, len(files) == 1))
            for plans in groups.values():
                runner.run_group(plans, outcome)
        finally:
            connection.close()
    return outcome


@dataclass(frozen=True)
class _Reading:
    """How the source's rows are read: the table expression, the ``decimal`` option, whether it is one file."""

    scan: str
    decimal_separator: str | None
    one_file: bool


def _read_number_text(
    connection: OneStatementConnection,
    file: tuple[str, Sequence[Path], str | None],
    groups: dict[tuple[str, str | None], list[_Plan]],
    types: dict[str, str],
    display: str,
    decimal: str,
) -> str:
    """The file's scan with the metrics' columns that hold numbers such as ``240 000,50`` read as numbers.

    Those columns are read as text and converted by goaltree alone, whatever
    DuckDB's sniffer made of its sample: a column of ``950,5`` whose row
    50 000 says ``1 200,5`` is read whole, and one whose row 50 000 says
    ``1.200,5`` stays text, so that its nodes fail quoting that cell. Date and
    ``by`` columns keep their type. ``types`` is updated to what the scan gives.
    """
    kind, files, delimiter = file
    plans = [plan for group in groups.values() for plan in group]
    kept = {plan.date_column for plan in plans} | {plan.by_column for plan in plans if plan.by_column}
    candidates = [
        column
        for column in _needed_columns(plans, list(types))
        if column not in kept and (types[column] == "VARCHAR" or types[column] in _NUMBER_TYPES)
    ]
    scan = _scan_sql(kind, files, delimiter, decimal, candidates)
    types.update({column: "VARCHAR" for column in candidates})
    try:
        numbers = number_columns(connection, scan, candidates, decimal)
    except Exception as error:  # noqa: BLE001 - a file whose columns cannot be read fails the source
        raise SourceError(_unreadable(display, error)) from None
    types.update({column: "DOUBLE" for column in numbers})
    return converted_scan(scan, numbers, decimal)


def _in_period(column: str, type_name: str, start: dt.date, end: dt.date) -> str:
    """A filter keeping the rows of ``column`` between ``start`` and ``end``."""
    name = quote_identifier(column)
    between = f"BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}'"
    if type_name == "DATE" or type_name.startswith("TIMESTAMP"):
        return f"CAST({name} AS DATE) {between}"
    # Text that does not parse as a date is kept, so that the query that casts it fails loudly.
    return f"(TRY_CAST({name} AS DATE) {between} OR ({name} IS NOT NULL AND TRY_CAST({name} AS DATE) IS NULL))"


def _load_rows(
    connection: OneStatementConnection,
    scan: str,
    groups: dict[tuple[str, str | None], list[_Plan]],
    types: dict[str, str],
    display: str,
    start: dt.date,
    end: dt.date,
) -> None:
    """Make ``__goaltree_rows``: a view of the file for one group, the period's rows read once for several."""
    if len(groups) == 1:
        connection.execute(f"CREATE VIEW {ROWS} AS SELECT * FROM {scan}")
        return
    plans = [plan for group in groups.values() for plan in group]
    needed = _needed_columns(plans, list(types))
    in_period = " OR ".join(
        _in_period(column, types[column], start, end) for column in sorted({plan.date_column for plan in plans})
    )
    selected = ", ".join(quote_identifier(column) for column in needed)
    try:
        connection.execute(f"CREATE TEMP TABLE {ROWS} AS SELECT {selected} FROM {scan} WHERE {in_period}")
    except Exception as error:  # noqa: BLE001
        raise SourceError(_unreadable(display, error), SOURCE_FAILED) from None
