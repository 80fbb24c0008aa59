"""The source sandbox: what a goal file's SQL may make a database do.

A goal file arrives in a pull request and is evaluated in CI, next to
secrets. Its ``query`` (sql sources) and ``value``/``where`` (csv, parquet)
run on real databases, so this module decides, in one place, what they may
do: read the source's own data, one statement at a time, and nothing else.

- Every query is one statement that reads: it starts with ``SELECT``,
  ``WITH``, ``VALUES``, ``TABLE``, ``FROM`` or ``(`` and holds no ``;``
  outside its string literals. A ``;`` counts as inside a literal only when
  every SQL dialect's way of writing strings, identifiers and comments agrees,
  so that no dialect can see a second statement where goaltree sees text.
- SQLite: opened read-only, no attached databases (``SQLITE_LIMIT_ATTACHED``
  is 0), and an authorizer that allows reading and nothing else: no writes,
  no ``ATTACH`` (which ``VACUUM INTO`` needs too), no ``PRAGMA`` that sets
  anything, no ``load_extension`` or ``fts3_tokenizer`` (which takes a
  memory address), no value longer than :data:`SQLITE_VALUE_BYTES`, and
  SQLite's memory capped (:func:`~goaltree.sources.timelimit.query_memory_mb`).
- DuckDB (csv/parquet sources, ``duckdb:///`` URLs): file access off except
  for the source's own files, the configuration locked, a database file
  opened read-only, its memory capped.
- PostgreSQL: every query in a ``READ ONLY`` transaction, and only for a
  login that cannot reach the server's files or other databases (no
  superuser, no ``pg_read_server_files`` and the like, no ``pg_read_file()``
  or ``dblink`` granted).

Which file a source may open at all is decided by :mod:`goaltree.sources.paths`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from goaltree.errors import closest_match
from goaltree.present.language import _, _n, _p
from goaltree.sources.timelimit import Deadline, QueryTimedOut, query_memory_mb, query_seconds

if TYPE_CHECKING:
    import duckdb

READING_KEYWORDS = ("select", "with", "values", "table", "from")
"""The words a query may start with: every one of them begins a statement that reads."""

_FIRST_WORD = re.compile(r"\s*(\(|[A-Za-z_]\w*)?")
_IDENTIFIER_CHARACTER = re.compile(r"\w")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_]\w*)?\$")


@dataclass(frozen=True)
class _Lexing:
    """How one family of SQL dialects writes literals and comments."""

    name: str
    quotes: str = "'\""
    backslash_escapes: bool = False
    escape_string_prefix: bool = False
    dollar_quotes: bool = False
    nested_comments: bool = False
    hash_comments: bool = False
    brackets: bool = False
    triple_quotes: bool = False


# Each family that treats a character differently from the others is one lexing:
# a statement passes only if it is one statement under all of them.
_LEXINGS = (
    _Lexing("standard"),
    _Lexing("postgresql", escape_string_prefix=True, dollar_quotes=True, nested_comments=True),
    _Lexing("mysql", quotes="'\"`", backslash_escapes=True, hash_comments=True),
    _Lexing("bigquery", quotes="'\"`", backslash_escapes=True, hash_comments=True, triple_quotes=True),
    _Lexing("sqlserver", brackets=True),
)


@dataclass(frozen=True)
class _Scan:
    """A text as one lexing reads it.

    Attributes:
        code: The text with its literals and comments blanked out.
        comments: Whether the text holds a comment.
        unclosed: The opening of a literal or comment that the text does not close, if any.
    """

    code: str
    comments: bool
    unclosed: str | None


def _scan(text: str, lexing: _Lexing) -> _Scan:
    """``text`` with its literals and comments blanked out, as ``lexing`` reads them.

    An unclosed literal or comment blanks the rest of the text: the database
    will refuse it as a syntax error, and another lexing still sees the code.
    """
    out: list[str] = []
    comments = False
    unclosed: str | None = None
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        after = index + 1
        previous_is_word = index > 0 and _IDENTIFIER_CHARACTER.match(text[index - 1]) is not None
        if text.startswith("--", index) and (
            lexing.name != "mysql" or after + 1 >= length or text[after + 1].isspace()
        ):
            comments = True
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        if char == "#" and lexing.hash_comments:
            comments = True
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        if text.startswith("/*", index):
            if lexing.name == "mysql" and text.startswith(("/*!", "/*+"), index):
                # MySQL runs the text of these "comments": it is code.
                out.append("   ")
                index += 3
                continue
            comments = True
            index = _comment_end(text, index, lexing.nested_comments)
            if index < 0:
                unclosed, index = "/*", length
            out.append(" ")
            continue
        if lexing.triple_quotes and text.startswith(("'''", '"""'), index):
            end = text.find(text[index : index + 3], index + 3)
            if end < 0:
                unclosed = text[index : index + 3]
            index = length if end < 0 else end + 3
            out.append(" ")
            continue
        if char in lexing.quotes or (char == "[" and lexing.brackets):
            closing = "]" if char == "[" else char
            backslashes = lexing.backslash_escapes and char != "`"
            if lexing.escape_string_prefix and char == "'" and index > 0 and text[index - 1] in "eE":
                backslashes = backslashes or not (index > 1 and _IDENTIFIER_CHARACTER.match(text[index - 2]))
            index = _literal_end(text, after, closing, backslashes)
            if index < 0:
                unclosed, index = char, length
            out.append(" ")
            continue
        if char == "$" and lexing.dollar_quotes and not previous_is_word:
            tag = _DOLLAR_TAG.match(text, index)
            if tag is not None:
                end = text.find(tag.group(), tag.end())
                if end < 0:
                    unclosed = tag.group()
                index = length if end < 0 else end + len(tag.group())
                out.append(" ")
                continue
        out.append(char)
        index = after
    return _Scan("".join(out), comments, unclosed)


def _comment_end(text: str, index: int, nested: bool) -> int:
    """Where the comment opening at ``index`` ends, or -1 when the text does not close it."""
    depth = 0
    while index < len(text):
        if text.startswith("/*", index):
            depth = depth + 1 if nested or depth == 0 else depth
            index += 2
        elif text.startswith("*/", index):
            depth -= 1
            index += 2
            if depth == 0:
                return index
        else:
            index += 1
    return -1


def _literal_end(text: str, index: int, closing: str, backslashes: bool) -> int:
    """Where the literal whose body starts at ``index`` ends, or -1 when the text does not close it."""
    while index < len(text):
        char = text[index]
        if backslashes and char == "\\":
            index += 2
        elif char == closing:
            if text.startswith(closing * 2, index):
                index += 2  # a doubled quote stands for itself
            else:
                return index + 1
        else:
            index += 1
    return -1


def statement_problem(query: str) -> str | None:
    """Why ``query`` is not one statement that only reads, or ``None`` when it is.

    Args:
        query: The goal file's SQL for one node.

    Returns:
        A one-line reason naming what is refused and how to write it instead,
        a whole clause (``it starts with 'DELETE'; …``).
    """
    for lexing in _LEXINGS:
        code = _scan(query, lexing).code
        statements = [part for part in code.split(";") if part.strip()]
        if len(statements) > 1:
            return _(
                "it holds several statements separated by ';'; a query is one SELECT "
                "(a ';' inside a string literal is fine)"
            )
        first = _FIRST_WORD.match(statements[0] if statements else "")
        word = (first.group(1) or "") if first else ""
        if word != "(" and word.lower() not in READING_KEYWORDS:
            keywords = [keyword.upper() for keyword in READING_KEYWORDS]
            listing = ", ".join(keywords)
            if not word:
                return _("it starts with no statement; a query only reads: it starts with {keywords} or '('", keywords=listing)
            close = closest_match(word.upper(), keywords, cutoff=0.8)  # SELEC, not DELETE, is a typo of SELECT
            if close:
                return _(
                    "it starts with '{word}' (did you mean '{close}'?); a query only reads: it starts with {keywords} or '('",
                    word=word.upper(),
                    close=close,
                    keywords=listing,
                )
            return _(
                "it starts with '{word}'; a query only reads: it starts with {keywords} or '('",
                word=word.upper(),
                keywords=listing,
            )
    return None



_EXPRESSION_LEXINGS = tuple(lexing for lexing in _LEXINGS if lexing.name in ("standard", "postgresql"))
"""How DuckDB (PostgreSQL's parser) may read a ``value`` or ``where``: both must find one closed expression."""


def fragment_problem(text: str) -> str | None:
    """Why ``text`` cannot stay one expression inside goaltree's query, or ``None`` when it can.

    A csv or parquet source's ``value`` and ``where`` are placed inside
    goaltree's own DuckDB query, so they may not end it (``;``), hide the rest
    of it (a comment, an unclosed literal) or close a parenthesis they did not
    open, under any way DuckDB may read quotes (``'…'``, ``$$…$$``, ``E'…'``).

    Args:
        text: The goal file's ``value`` or ``where``.

    Returns:
        What the text does, a whole clause (``it has a ')' without its '('``).
    """
    for lexing in _EXPRESSION_LEXINGS:
        scan = _scan(text, lexing)
        if ";" in scan.code:
            return _("it may not contain ';' (a value or where is one expression inside goaltree's query, not a statement)")
        if scan.comments:
            return _("it may not contain SQL comments (-- or /* */): they would hide the rest of goaltree's query")
        if scan.unclosed is not None:
            return _(
                "it has an unclosed {opening} (write text as '…', doubling a quote inside it: 'it''s')",
                opening=scan.unclosed,
            )
        depth = 0
        for char in scan.code:
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth < 0:
                    return _("it has a ')' without its '('")
        if depth:
            return _("it has a '(' without its ')'")
    return None


# --- SQLite --------------------------------------------------------------------------------

_SQLITE_READ_PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
)
"""PRAGMAs that only describe the schema; with an argument they name a table, never a new value."""

_SQLITE_REFUSED_FUNCTIONS = frozenset(
    {"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit", "rtreenode", "rtreedepth"}
)
"""Functions that load code, take a memory address (``fts3_tokenizer``: a crash, or an address in an error),
reach files (the sqlite3 shell's) or parse a raw node blob: never a metric's."""

SQLITE_VALUE_BYTES = 1_000_000
"""The longest text, blob or row a SQLite query may make or read (``SQLITE_LIMIT_LENGTH``; SQLite's default
is 1 GB). A metric returns dates and numbers; a cap keeps each step of a query short (``replace()`` of a
1 GB string runs for seconds between two checks of the time limit) and its memory small."""


class SqliteGuard:
    """The authorizer of a SQLite connection that may only read, what it last refused, and the query's deadline."""

    def __init__(self) -> None:
        self.refused: str | None = None
        self.deadline: float | None = None  # time.monotonic() at which the running query is stopped
        self.timed_out = False

    def install(self, connection: Any) -> None:
        """Lock ``connection`` (a ``sqlite3.Connection``) down: no attached databases, reads only, limits.

        The time limit holds while SQLite waits for a lock as well (its busy
        timeout, which a ``timeout`` URL option would set, is not a step of the query).
        """
        import sqlite3

        connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQLITE_VALUE_BYTES)
        # Before the authorizer, which refuses PRAGMAs that set a value. The heap limit is the process's.
        connection.execute(f"PRAGMA busy_timeout = {int(query_seconds() * 1000)}")
        connection.execute(f"PRAGMA hard_heap_limit = {query_memory_mb() * 1_000_000}")
        if hasattr(connection, "enable_load_extension"):
            connection.enable_load_extension(False)
        connection.set_authorizer(self._authorize)
        connection.set_progress_handler(self._tick, 10_000)  # every 10 000 virtual-machine steps

    def start(self) -> None:
        """Give the next query :func:`query_seconds` from now."""
        self.deadline = time.monotonic() + query_seconds()
        self.timed_out = False

    def _tick(self) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.timed_out = True
            return 1  # SQLite stops the statement: "interrupted"
        return 0

    def _authorize(self, action: int, first: str | None, second: str | None, database: str | None, trigger: str | None) -> int:
        import sqlite3

        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION and (second or "").lower() not in _SQLITE_REFUSED_FUNCTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and (first or "").lower() in _SQLITE_READ_PRAGMAS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_TRANSACTION:
            return sqlite3.SQLITE_OK  # BEGIN and ROLLBACK of a connection that cannot write
        self.refused = _sqlite_action(action, first, second)
        return sqlite3.SQLITE_DENY

    def take_refusal(self) -> str | None:
        """What the authorizer refused since the last call, if anything."""
        refused, self.refused = self.refused, None
        return refused


_SQLITE_ACTIONS = {
    1: "CREATE INDEX", 2: "CREATE TABLE", 3: "CREATE TEMP INDEX", 4: "CREATE TEMP TABLE", 5: "CREATE TEMP TRIGGER",
    6: "CREATE TEMP VIEW", 7: "CREATE TRIGGER", 8: "CREATE VIEW", 9: "DELETE", 10: "DROP INDEX", 11: "DROP TABLE",
    12: "DROP TEMP INDEX", 13: "DROP TEMP TABLE", 14: "DROP TEMP TRIGGER", 15: "DROP TEMP VIEW", 16: "DROP TRIGGER",
    17: "DROP VIEW", 18: "INSERT", 23: "UPDATE", 25: "DETACH", 26: "ALTER TABLE", 27: "REINDEX", 28: "ANALYZE",
    29: "CREATE VIRTUAL TABLE", 30: "DROP VIRTUAL TABLE", 32: "SAVEPOINT",
}
"""SQLite's authorizer action codes (sqlite3.h) by name; the module's own constants share numbers with error codes."""


def _sqlite_action(action: int, first: str | None, second: str | None) -> str:
    import sqlite3

    if action == sqlite3.SQLITE_ATTACH:
        return _("ATTACH (also used by VACUUM INTO)")
    if action == sqlite3.SQLITE_PRAGMA:
        return f"PRAGMA {first}" if second is None else _("PRAGMA {name} with a value", name=first)
    if action == sqlite3.SQLITE_FUNCTION:
        return _p("source", "the function {name}()", name=second)
    target = f" {first}" if first else ""
    return f"{_SQLITE_ACTIONS.get(action, f'SQLite action {action}')}{target}"


# --- DuckDB --------------------------------------------------------------------------------

def duckdb_settings() -> dict[str, Any]:
    """The DuckDB settings that keep a connection inside the files it is given.

    File access is off (a connection may still open its own database file and
    the ``allowed_paths`` set before these), no extension is installed or
    loaded, memory is capped (DuckDB spills to its temporary folder beyond it),
    and the configuration is locked so that a query cannot switch any of it
    back. ``lock_configuration`` comes last.
    """
    return {
        "memory_limit": f"{query_memory_mb()}MB",
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "lock_configuration": True,
    }


class QueryRefused(Exception):
    """The sandbox refused to run a statement; the message says why (never the data)."""


class OneStatementConnection:
    """A DuckDB connection that runs exactly one statement per call, whatever the text says.

    goaltree places a goal file's ``value`` and ``where`` inside its own
    queries. DuckDB would run every statement of a text it is given, so a
    fragment that closes goaltree's query (``…; COPY … TO 'data/deals.csv'``)
    could write the project's own files, which the connection may open. Each
    text is therefore split by DuckDB's own parser, and only a text that is one
    statement runs.
    """

    def __init__(self, connection: "duckdb.DuckDBPyConnection"):
        self._connection = connection

    def execute(self, sql: str) -> "duckdb.DuckDBPyConnection":
        """Run ``sql`` if it is one statement.

        Raises:
            QueryRefused: ``sql`` holds several statements.
            duckdb.Error: DuckDB's own errors (a text that does not parse runs nothing).
        """
        import duckdb

        try:
            statements = duckdb.extract_statements(sql)
        except duckdb.ParserException:
            return self._connection.execute(sql)  # DuckDB reports the syntax error, having run nothing
        if len(statements) != 1:
            raise QueryRefused(
                _n(
                    "the query holds {count} statement; a value or where is one expression and may not end goaltree's query",
                    "the query holds {count} statements; a value or where is one expression and may not end goaltree's query",
                    len(statements),
                )
            )
        with Deadline(self._connection.interrupt) as deadline:
            try:
                return self._connection.execute(sql)
            except duckdb.InterruptException:
                if deadline.passed:
                    raise QueryTimedOut(deadline.seconds) from None
                raise

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()


def connect_duckdb(readable_files: Sequence[Path], scratch_directory: str) -> OneStatementConnection:
    """An in-memory DuckDB connection that can read ``readable_files`` and nothing else.

    Args:
        readable_files: The source's files: the only ones a query may open.
        scratch_directory: goaltree's own temporary folder, where DuckDB may spill.
    """
    import duckdb

    connection = duckdb.connect(":memory:")
    allowed = ", ".join(_duckdb_literal(str(path)) for path in readable_files)
    # allowed_paths and allowed_directories can only be SET on a started database, so
    # everything is SET, lock_configuration last.
    for statement in (
        f"SET allowed_paths = [{allowed}]",
        f"SET allowed_directories = [{_duckdb_literal(scratch_directory)}]",
        f"SET temp_directory = {_duckdb_literal(scratch_directory)}",
        *duckdb_set_statements(duckdb_settings()),
    ):
        connection.execute(statement)
    return OneStatementConnection(connection)


def _duckdb_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duckdb_set_statements(settings: dict[str, Any]) -> list[str]:
    """``SET name = value`` for each of ``settings`` (:func:`duckdb_settings`), in order: ``true``, ``'2000MB'``."""
    return [
        f"SET {name} = {str(value).lower() if isinstance(value, bool) else _duckdb_literal(str(value))}"
        for name, value in settings.items()
    ]


# --- PostgreSQL ----------------------------------------------------------------------------

_SERVER_FILE_ROLES = (
    "pg_read_server_files", "pg_write_server_files", "pg_execute_server_program",
    "pg_monitor", "pg_read_all_settings", "pg_read_all_stats",
)
"""PostgreSQL's predefined roles that reach the server's files or programs, or list its folders and settings
(``pg_monitor`` may call ``pg_ls_waldir()``, ``pg_ls_logdir()``, ``pg_ls_tmpdir()``)."""

_SERVER_FILE_FUNCTIONS = (
    "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "lo_import", "lo_export",
    "pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync", "pg_logdir_ls",
    "pg_ls_waldir", "pg_ls_logdir", "pg_ls_tmpdir", "pg_ls_archive_statusdir", "pg_ls_logicalsnapdir",
    "pg_ls_logicalmapdir", "pg_ls_replslotdir", "pg_current_logfile",
    "dblink", "dblink_exec", "dblink_connect", "dblink_connect_u", "dblink_send_query",
)
"""Functions that read or write the server's files, or run statements elsewhere (where a
READ ONLY transaction does not reach); a superuser may call them all, other roles only by grant."""

_POSTGRES_ROLE_CHECK = """
SELECT 1 AS rank, 'superuser' AS kind, r.rolname AS name
FROM pg_catalog.pg_roles AS r
WHERE r.rolsuper AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
UNION ALL
SELECT 2, 'role', r.rolname
FROM pg_catalog.pg_roles AS r
WHERE r.rolname = ANY(:roles) AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
UNION ALL
SELECT 3, 'function', p.proname
FROM pg_catalog.pg_proc AS p
WHERE p.proname = ANY(:functions) AND EXISTS (
    SELECT 1 FROM pg_catalog.pg_roles AS r
    WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
      AND pg_catalog.has_function_privilege(r.oid, p.oid, 'EXECUTE')
)
ORDER BY 1, 3
"""
"""What the login may do beyond reading tables. Every role it is a MEMBER of counts, not only those
it inherits from: a query may switch to any of them (``set_config('role', …)`` changes ``current_user``)."""


def postgres_role_problem(connection: Any) -> str | None:
    """Why the role ``connection`` logged in as may not run a goal file's queries, or ``None``.

    A READ ONLY transaction stops writes to tables, not a ``SELECT`` that reads
    the server's files (``pg_read_file('/etc/passwd')``) or writes them
    (``lo_export``), nor one that runs a statement elsewhere through
    ``dblink``. A superuser, a member of ``pg_read_server_files``,
    ``pg_write_server_files`` or ``pg_execute_server_program`` (or of
    ``pg_monitor``, ``pg_read_all_settings``, ``pg_read_all_stats``, which list
    the server's folders and settings), or a role granted one of those
    functions can; such a login is refused before any query of the goal file runs.

    Args:
        connection: A SQLAlchemy connection to PostgreSQL, in its read-only transaction.

    Returns:
        What the role may do and how to connect instead.
    """
    from sqlalchemy import text

    rows = connection.execute(
        text(_POSTGRES_ROLE_CHECK),
        {"roles": list(_SERVER_FILE_ROLES), "functions": list(_SERVER_FILE_FUNCTIONS)},
    ).fetchall()
    if not rows:
        return None
    login = connection.execute(text("SELECT current_user")).scalar()
    kind = rows[0].kind
    names = sorted({row.name for row in rows if row.kind == kind})
    if kind == "superuser" and names == [login]:
        role = _("the database role {login} is a superuser", login=login)
    elif kind == "superuser":
        role = _("the database role {login} is a member of the superuser role {role}", login=login, role=names[0])
    elif kind == "role":
        role = _("the database role {login} is a member of {roles}", login=login, roles=", ".join(names))
    else:
        functions = ", ".join(f"{name}()" for name in names)
        role = _("the database role {login} may call {functions}", login=login, functions=functions)
    return _(
        "{role}, so a query could read or write the database server's files "
        "(pg_read_file) or run statements elsewhere, which a read-only transaction does not stop; connect "
        "as a role that may only SELECT the tables the goal file reads (see Security in docs/sources.md)",
        role=role,
    )


# --- Refusals reported by the database ----------------------------------------------------

_REFUSED_SQLSTATES = frozenset(
    {
        "25006",  # PostgreSQL: read_only_sql_transaction ("cannot execute INSERT in a read-only transaction")
        "25001",  # active_sql_transaction: set_config('transaction_read_only', 'off', …) after the transaction began
    }
)


def database_refusal(error: BaseException) -> bool:
    """Whether ``error`` is the database enforcing the sandbox (not a mistake in the query).

    DuckDB's permission errors and read-only database errors, PostgreSQL's
    "cannot execute … in a read-only transaction" and its refusal to switch the
    transaction to read-write, count; a SQLite refusal is known by its
    :class:`SqliteGuard` instead.
    """
    original = getattr(error, "orig", None) or error
    if getattr(original, "sqlstate", None) in _REFUSED_SQLSTATES or getattr(original, "pgcode", None) in _REFUSED_SQLSTATES:
        return True
    kind = type(original).__name__
    text = str(original)
    if kind == "PermissionException":
        return True
    return kind == "InvalidInputException" and ("read-only mode" in text or "configuration has been locked" in text)
