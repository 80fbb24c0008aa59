"""Diagnostics: every problem goaltree finds, located where it can be.

A diagnostic is data, never an exception that escapes to the user. Code that
finds a problem returns or collects :class:`Diagnostic` objects; the command
line prints them like a compiler (``goals.yaml:14:5: error M002 [leads] …``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Iterable, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Diagnostic:
    """One problem, with where it is and how to fix it.

    Attributes:
        code: Stable rule code (``E004``, ``M002``…).
        severity: ``error``, ``warning`` or ``info``.
        message: What is wrong and how to fix it, in one or two sentences.
        node: The node id it concerns, if any.
        file: The goal file it concerns, if known.
        line: 1-based line in ``file``, if known.
        column: 1-based column in ``file``, if known.
        path: Where in the document the problem sits, as keys from the root
            (``("nodes", "leads", "target")``). Used to find line and column
            lazily; not part of the printed or JSON output.
    """

    code: str
    severity: Severity
    message: str
    node: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: tuple[str | int, ...] | None = None

    def located(self, file: str | None, line: int | None, column: int | None) -> "Diagnostic":
        """Return a copy placed at ``file:line:column``."""
        return replace(self, file=file, line=line, column=column)

    def format(self) -> str:
        """Format like a compiler message: ``file:line:col: severity CODE [node] message``."""
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        node = f" [{self.node}]" if self.node else ""
        return f"{where}{self.severity} {self.code}{node} {self.message}"

    def to_json(self) -> dict:
        """The JSON form of SPEC §6: code, severity, node, message, file, line, column."""
        return {
            "code": self.code,
            "severity": self.severity,
            "node": self.node,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }


def sort_key(diagnostic: Diagnostic) -> tuple:
    """Order diagnostics by file position, then severity, then code (deterministic output)."""
    return (
        diagnostic.file or "",
        diagnostic.line if diagnostic.line is not None else 1 << 30,
        diagnostic.column if diagnostic.column is not None else 0,
        SEVERITY_ORDER[diagnostic.severity],
        diagnostic.code,
        diagnostic.node or "",
        diagnostic.message,
    )


def count(diagnostics: Iterable[Diagnostic], severity: Severity) -> int:
    """How many diagnostics have ``severity``."""
    return sum(1 for d in diagnostics if d.severity == severity)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ``did you mean 'x'?`` suffix for ``name``, or an empty string when nothing is close."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class GoaltreeError(Exception):
    """A failure that stops a command: the environment or the usage is wrong (exit 2)."""


class DiagnosticsError(Exception):
    """The goal file cannot be loaded; ``diagnostics`` says why and where (exit 1)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))
