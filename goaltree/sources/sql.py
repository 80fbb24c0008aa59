"""``sql`` sources: a database reached through a SQLAlchemy URL, aggregated where the data lives.

Each node's ``query`` is the goal file's own SQL. It returns ``date, value``
rows (and optionally a third column, the dimension), usually one per day,
already aggregated by the database or warehouse. ``:start`` and ``:end`` are
bound as parameters (typed as dates), never pasted into the text. All queries
of a source run on one connection; each runs in its own transaction, which is
rolled back: goaltree never changes the database. What a query may do is
decided by :mod:`goaltree.sources.sandbox`: one statement that reads.

``sqlite:///data/warehouse.db`` and ``duckdb:///data/warehouse.duckdb`` are
relative to the goal file's folder, must stay inside it, and are opened
read-only; a SQLite URL may set only :data:`SQLITE_URL_OPTIONS`, a DuckDB
URL none, and a DuckDB log (``.wal``) that is a link is refused. ``postgresql://`` uses psycopg 3 when psycopg2 is not installed,
refuses a login that could reach the server's files (a superuser, for one;
see :func:`goaltree.sources.sandbox.postgres_role_problem`), and runs every
query in a read-only transaction. A PostgreSQL connection attempt
gives up after 10 seconds unless the URL sets ``connect_timeout``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goaltree.present.language import N_, _, _n
from goaltree.present.numbers import format_number
from goaltree.sources.base import (
    METRIC_INVALID,
    MISSING_DIMENSION,
    SANDBOX_REFUSED,
    SOURCE_CONFIG,
    SOURCE_FAILED,
    NodeFailure,
    NodeRequest,
    SourceContext,
    SourceError,
    SourceOutcome,
    as_date,
    as_number,
    combine_rows,
    not_finite_reason,
)
from goaltree.sources.paths import resolve_path
from goaltree.sources.sandbox import (
    SQLITE_VALUE_BYTES,
    SqliteGuard,
    database_refusal,
    duckdb_set_statements,
    duckdb_settings,
    postgres_role_problem,
    statement_problem,
)
from goaltree.sources.timelimit import Deadline, query_memory_mb, query_seconds, timed_out_text

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection

CONNECT_TIMEOUT_SECONDS = 10
POSTGRES_URL_OPTIONS = frozenset(
    {"application_name", "connect_timeout", "dbname", "host", "port", "sslmode", "target_session_attrs", "user", "password"}
)
"""The options a ``postgresql://`` URL may set: none of them names a file."""
SQLITE_URL_OPTIONS = frozenset({"cache", "mode", "uri"})
"""The options a ``sqlite:///`` URL may set (``mode`` is ``ro`` whatever it says, ``uri=true`` is refused):
``vfs=unix-dotfile`` would make and leave lock folders in the project, ``timeout`` wait for days."""
_CONNECTION_LOST = object()
_DUCKDB_AFTER_START = ("enable_external_access", "lock_configuration")


def driver_message(error: BaseException) -> str:
    """The database driver's own first line for ``error`` (not SQLAlchemy's wrapping with the SQL)."""
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip()
    lines = []
    for line in text.splitlines():
        if not line.strip() or line.startswith(("LINE ", "[SQL:", "(Background")):
            break
        lines.append(line.strip())
    return " ".join(lines) or type(error).__name__


def _prepare_url(context: SourceContext) -> "URL":
    """The source's URL parsed, with a SQLite file resolved in the project and a default PostgreSQL driver."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    raw = context.config.url
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise SourceError(
            _(
                "url '{url}' is not a SQLAlchemy URL (such as sqlite:///data/warehouse.db or postgresql://host/database)",
                url=context.redact(raw),
            ),
            SOURCE_CONFIG,
            "url",
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_url(url, context)
    if backend == "duckdb":
        return _duckdb_url(url, context)
    if backend == "postgresql":
        # libpq reads and writes files named by its options (passfile, sslkey, sslkeylogfile,
        # service…): a goal file must not choose them.
        _refuse_options(
            url,
            context,
            POSTGRES_URL_OPTIONS,
            N_(
                "url '{url}' sets {options}; a postgresql URL may set only {allowed}: other options "
                "name files for the database driver to read or write"
            ),
        )
    if url.drivername == "postgresql" and importlib.util.find_spec("psycopg2") is None:
        if importlib.util.find_spec("psycopg") is not None:
            url = url.set(drivername="postgresql+psycopg")
    return url


def _refuse_options(url: "URL", context: SourceContext, allowed: frozenset[str], message: str) -> None:
    """Refuse ``url`` if it sets an option outside ``allowed``; ``message`` says why (``{url}``, ``{options}``, ``{allowed}``).

    Raises:
        SourceError: It does (E018 at the ``url``).
    """
    refused = sorted(option for option in url.query if option.lower() not in allowed)
    if refused:
        raise SourceError(
            _(
                message,
                url=context.redact(url.render_as_string(hide_password=True)),
                options=", ".join(refused),
                allowed=", ".join(sorted(allowed)),
            ),
            SOURCE_CONFIG,
            "url",
        )


def _sqlite_url(url: "URL", context: SourceContext) -> "URL":
    database = url.database
    if not database or database == ":memory:":
        return url
    _refuse_options(
        url,
        context,
        SQLITE_URL_OPTIONS,
        N_(
            "url '{url}' sets {options}; a sqlite URL may set only {allowed}: other options choose how "
            "SQLite locks, waits for or writes beside the file"
        ),
    )
    if str(url.query.get("uri", "")).lower() in ("true", "1"):
        raise SourceError(
            _(
                "SQLite URI file names (uri=true) are not supported; write sqlite:///relative/path.db "
                "(relative to the goal file) or sqlite:////absolute/path.db"
            ),
            SOURCE_CONFIG,
            "url",
        )
    path = _database_file(database, context)
    # SQLAlchemy appends the URL's options to the URI; mode=ro comes last so that no option overrides it.
    return url.set(database=path.as_uri(), query={**url.query, "mode": "ro", "uri": "true"})


def _duckdb_url(url: "URL", context: SourceContext) -> "URL":
    if url.query:
        # duckdb-engine reads URL options as DuckDB settings, which would undo the sandbox's.
        raise SourceError(
            _(
                "url '{url}' sets options ({options}); a duckdb URL takes none: goaltree configures the connection itself",
                url=context.redact(url.render_as_string(hide_password=True)),
                options=", ".join(sorted(url.query)),
            ),
            SOURCE_CONFIG,
            "url",
        )
    database = url.database
    if not database or database == ":memory:":
        return url
    path = _database_file(database, context)
    log = path.with_name(path.name + ".wal")
    if log.is_symlink():
        # DuckDB replays the log beside the database, even read-only, from wherever a link leads.
        raise SourceError(
            _(
                "{log} is a symbolic link; DuckDB would replay the log it leads to into {database}, so the source "
                "is refused (replace the link by the file, or checkpoint the database and remove it)",
                log=f"{database}.wal",
                database=database,
            ),
            SANDBOX_REFUSED,
            "url",
        )
    return url.set(database=str(path))


def _database_file(database: str, context: SourceContext) -> Path:
    """The database file of a file-based URL, inside the project (see :mod:`goaltree.sources.paths`)."""
    path = resolve_path(
        context.project_dir,
        database,
        allow_outside=context.config.allow_outside_project,
        field="url",
    )
    if not path.is_file():
        # SQLite and DuckDB would quietly create an empty database; a missing file is an error.
        raise SourceError(
            _("database file {database} not found (looked for {resolved})", database=database, resolved=path),
            SOURCE_FAILED,
            "url",
        )
    return path


def _create_engine(url: "URL", guard: SqliteGuard, scratch_directory: str | None) -> Any:
    """An engine whose connections are sandboxed: read-only, and for SQLite guarded by ``guard``.

    A DuckDB database spills into ``scratch_directory``, not into a ``.tmp`` folder beside its file.
    """
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    backend = url.get_backend_name()
    connect_args: dict[str, Any] = {}
    if backend == "postgresql" and "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    if backend == "duckdb":
        # temp_directory may be set only while file access is on: it is set as the database starts, and file
        # access switched off (the configuration locked) at once after, before any query.
        settings = duckdb_settings()
        later = {name: settings.pop(name) for name in _DUCKDB_AFTER_START}
        connect_args["config"] = {"temp_directory": scratch_directory, **settings}
        connect_args["read_only"] = bool(url.database) and url.database != ":memory:"
    try:
        engine = sqlalchemy.create_engine(url, poolclass=NullPool, connect_args=connect_args)
    except Exception as error:  # noqa: BLE001 - a missing dialect or driver
        raise SourceError(
            _(
                "no database driver for '{driver}': {reason} "
                "(install the driver, e.g. pip install 'psycopg[binary]' for PostgreSQL)",
                driver=url.drivername,
                reason=driver_message(error),
            ),
            SOURCE_FAILED,
            "url",
        ) from None
    if backend == "sqlite":
        sqlalchemy.event.listen(engine, "connect", lambda dbapi_connection, record: guard.install(dbapi_connection))
    if backend == "duckdb":

        def lock(dbapi_connection: Any, record: Any) -> None:
            for statement in duckdb_set_statements(later):
                dbapi_connection.execute(statement)

        sqlalchemy.event.listen(engine, "connect", lock)
    return engine


def fetch(context: SourceContext, requests: list[NodeRequest], start: dt.date, end: dt.date) -> SourceOutcome:
    """Run every node's query on one connection to the source's database."""
    url = _prepare_url(context)
    shown = context.redact(url.render_as_string(hide_password=True))
    guard = SqliteGuard()
    scratch = tempfile.TemporaryDirectory(prefix="goaltree-duckdb-") if url.get_backend_name() == "duckdb" else None
    engine = None
    outcome = SourceOutcome()
    try:
        engine = _create_engine(url, guard, scratch and scratch.name)
        context.note(_("{source}: connecting", source=context.name))
        try:
            connection = engine.connect()
        except Exception as error:  # noqa: BLE001 - unreachable, refused, wrong password…
            raise SourceError(
                _("cannot connect to {url}: {reason}", url=shown, reason=driver_message(error)), SOURCE_FAILED, "url"
            ) from None
        # Every transaction READ ONLY, on each PostgreSQL driver; other dialects ignore the option.
        connection = connection.execution_options(postgresql_readonly=True)
        with connection:
            if url.get_backend_name() == "postgresql":
                _refuse_a_privileged_role(connection)
            for index, request in enumerate(requests):
                context.note(f"{context.name}: {request.node_id}")
                result = _run_query(connection, request, start, end, guard)
                if result is _CONNECTION_LOST:
                    lost = NodeFailure(_("lost the connection to {url}", url=shown), SOURCE_FAILED, source_field="url")
                    for remaining in requests[index:]:
                        outcome.failures[remaining.node_id] = lost
                    break
                if isinstance(result, NodeFailure):
                    outcome.failures[request.node_id] = result
                else:
                    outcome.observations[request.node_id] = result
    finally:
        if engine is not None:
            engine.dispose()
        if scratch is not None:
            scratch.cleanup()
    return outcome


def _refuse_a_privileged_role(connection: "Connection") -> None:
    """Refuse the whole source when its PostgreSQL login could reach beyond the database.

    Raises:
        SourceError: The role is a superuser or may read the server's files
            (E028), or what it may do could not be found out (E028 too: no
            query runs on a role goaltree could not check).
    """
    from sqlalchemy.exc import DBAPIError

    try:
        problem = postgres_role_problem(connection)
    except DBAPIError as error:
        if error.connection_invalidated:
            raise SourceError(_("lost the connection: {reason}", reason=driver_message(error)), SOURCE_FAILED, "url") from None
        raise SourceError(
            _("could not check what the database role may do, so no query runs: {reason}", reason=driver_message(error)),
            SANDBOX_REFUSED,
            "url",
        ) from None
    finally:
        _rollback(connection)
    if problem is not None:
        raise SourceError(problem, SANDBOX_REFUSED, "url")


def _run_query(connection: "Connection", request: NodeRequest, start: dt.date, end: dt.date, guard: SqliteGuard) -> Any:
    from sqlalchemy import Date, bindparam, text
    from sqlalchemy.exc import ArgumentError, DBAPIError, StatementError

    query = request.metric.query or ""
    problem = statement_problem(query)
    if problem is not None:
        return NodeFailure(_("query refused: {problem}", problem=problem), SANDBOX_REFUSED, field="query")
    clause = text(query)
    for name in ("start", "end"):
        try:
            clause = clause.bindparams(bindparam(name, type_=Date()))
        except ArgumentError:
            pass  # the query does not use this parameter
    backend = connection.engine.url.get_backend_name()
    deadline = None
    try:
        if backend == "postgresql":  # the server stops the statement (its own time limit, in this transaction only)
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(query_seconds() * 1000)}")
        elif backend == "sqlite":
            guard.start()  # SQLite's progress handler stops it
        elif hasattr(connection.connection.dbapi_connection, "interrupt"):  # DuckDB
            deadline = Deadline(connection.connection.dbapi_connection.interrupt)
        with deadline or contextlib.nullcontext():
            result = connection.execute(clause, {"start": start, "end": end})
            columns = list(result.keys()) if result.returns_rows else []
            rows = result.fetchall() if result.returns_rows else None
        if rows is None:
            # An UPDATE, a CREATE or a PRAGMA setting: there is no result set to read values from.
            _rollback(connection)
            return NodeFailure(
                _(
                    "the query returns no result set (is it a SELECT?); a metric query is a SELECT returning "
                    "date, value and optionally a dimension"
                ),
                METRIC_INVALID,
                field="query",
            )
    except DBAPIError as error:
        if error.connection_invalidated:
            return _CONNECTION_LOST
        _rollback(connection)
        if guard.timed_out or (deadline is not None and deadline.passed) or "statement timeout" in str(error.orig):
            return NodeFailure(timed_out_text(query_seconds()), SOURCE_FAILED, field="query")
        refused = guard.take_refusal()
        if refused is not None:
            return NodeFailure(
                _("query refused: {action} is not allowed (goaltree only reads the source's own database)", action=refused),
                SANDBOX_REFUSED,
                field="query",
            )
        if database_refusal(error):
            return NodeFailure(_("query refused: {problem}", problem=driver_message(error)), SANDBOX_REFUSED, field="query")
        if backend == "sqlite" and driver_message(error) in ("string or blob too big", "out of memory"):
            return NodeFailure(
                _(
                    "query stopped: {reason}; a SQLite query may make or read values of up to {size} bytes and use "
                    "{megabytes} MB (GOALTREE_QUERY_MEMORY_MB)",
                    reason=driver_message(error),
                    size=format_number(SQLITE_VALUE_BYTES),
                    megabytes=query_memory_mb(),
                ),
                SOURCE_FAILED,
                field="query",
            )
        return NodeFailure(_("query failed: {reason}", reason=driver_message(error)), METRIC_INVALID, field="query")
    except StatementError as error:
        _rollback(connection)
        return NodeFailure(
            _("query failed: {reason} (only :start and :end are bound)", reason=driver_message(error)),
            METRIC_INVALID,
            field="query",
        )
    except Exception as error:  # noqa: BLE001 - e.g. a statement that returns no rows
        _rollback(connection)
        return NodeFailure(
            _("query failed: {kind}: {reason}", kind=type(error).__name__, reason=driver_message(error)),
            METRIC_INVALID,
            field="query",
        )
    _rollback(connection)
    if len(columns) not in (2, 3):
        return NodeFailure(
            # The English says "1 columns" as it always has; the Swedish takes its singular.
            _n(
                "the query returns {count} columns ({columns}); it must return date, value and optionally a dimension",
                "the query returns {count} columns ({columns}); it must return date, value and optionally a dimension",
                len(columns),
                columns=", ".join(columns),
            ),
            METRIC_INVALID,
            field="query",
        )
    divided = len(columns) == 3
    series = []
    not_finite, first_day = 0, None
    for row in rows:
        try:
            day = as_date(row[0])
        except ValueError as error:
            reason = _("the query's first column must be a date: {reason}", reason=error)
            return NodeFailure(reason, METRIC_INVALID, field="query")
        try:
            value = as_number(row[1])
        except ValueError as error:
            reason = _("the query's second column must be a number: {reason}", reason=error)
            return NodeFailure(reason, METRIC_INVALID, field="query")
        if value is None:
            if row[1] is not None and start <= day <= end:  # NaN or infinite: an error, never a row left out
                not_finite += 1
                first_day = day if first_day is None else min(first_day, day)
            continue
        dimension = None
        if divided:
            dimension = MISSING_DIMENSION if row[2] is None else str(row[2])
        series.append((day, value, dimension))
    if not_finite:
        return NodeFailure(not_finite_reason(not_finite, first_day, _("the query's value")), SOURCE_FAILED, field="query")
    # Each row the query returns is one row of the metric: a mean or max is over them, not over days.
    return combine_rows(series, start, end)


def _rollback(connection: "Connection") -> None:
    """End the query's transaction without keeping anything it did."""
    try:
        connection.rollback()
    except Exception:  # noqa: BLE001 - a broken connection shows on the next query
        pass
