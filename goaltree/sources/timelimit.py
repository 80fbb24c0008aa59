"""A time limit on every query a goal file makes goaltree run: its SQL may be written never to end.

(And the memory its database may take, :func:`query_memory_mb`: it may be written to build huge values.)

SQLite stops a statement from its progress handler
(:class:`goaltree.sources.sandbox.SqliteGuard`), DuckDB from a timer that
interrupts the connection (:class:`Deadline`), PostgreSQL by its own
``statement_timeout`` (:mod:`goaltree.sources.sql`).
"""

from __future__ import annotations

from typing import Any, Callable

from goaltree.present.language import _

QUERY_SECONDS = 300.0
"""How long one query may run before goaltree stops it: a goal file's SQL may be written never to end."""


def query_seconds() -> float:
    """:data:`QUERY_SECONDS`, or ``GOALTREE_QUERY_SECONDS`` when the environment sets it: the CI job decides, never the goal file."""
    return _setting("GOALTREE_QUERY_SECONDS", QUERY_SECONDS, float)


def _setting(name: str, default: Any, read: Callable[[str], Any]) -> Any:
    """The environment variable ``name`` read by ``read`` when it is a finite number above 0, else ``default``."""
    import math
    import os

    try:
        value = read(os.environ.get(name, str(default)))
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


QUERY_MEMORY_MB = 2000
"""How much memory (megabytes) DuckDB and SQLite may take for a source's queries: a goal file's SQL may be
written to build gigabyte values. DuckDB spills a larger sort or join to its temporary folder."""


def query_memory_mb() -> int:
    """:data:`QUERY_MEMORY_MB`, or ``GOALTREE_QUERY_MEMORY_MB`` when the environment sets it (the CI job decides)."""
    return _setting("GOALTREE_QUERY_MEMORY_MB", QUERY_MEMORY_MB, int)


def timed_out_text(seconds: float) -> str:
    """Why a query was stopped, with how long it may run and how to allow longer."""
    return _(
        "the query ran for more than {seconds} seconds and was stopped; make it cheaper, or let it run longer "
        "with the environment variable GOALTREE_QUERY_SECONDS",
        seconds=f"{seconds:g}",
    )


class QueryTimedOut(Exception):
    """A query ran longer than :func:`query_seconds` and was interrupted."""

    def __init__(self, seconds: float):
        super().__init__(timed_out_text(seconds))
        self.seconds = seconds


class Deadline:
    """Interrupts a connection that runs one query for longer than :func:`query_seconds`.

    ``with Deadline(connection.interrupt) as deadline: …``: a timer thread
    calls ``interrupt`` when the time is up; ``deadline.passed`` says whether
    it did, so that the error the interruption raises reads as a time limit.
    """

    def __init__(self, interrupt: Any) -> None:
        import threading

        self.seconds = query_seconds()
        self.passed = False

        def stop() -> None:
            self.passed = True
            interrupt()

        self._timer = threading.Timer(self.seconds, stop)
        self._timer.daemon = True

    def __enter__(self) -> "Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._timer.cancel()
