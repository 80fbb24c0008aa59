"""Diagnostics: every problem goaltree finds, located where it can be.

A diagnostic is data, never an exception that escapes to the user. Code that
finds a problem returns or collects :class:`Diagnostic` objects; the command
line prints them like a compiler (``goals.yaml:14:5: error M002 [leads] …``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from itertools import repeat
from operator import add, mul, truediv
from typing import Any, Iterable, Literal

from goaltree.present.language import _n, _p

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

    @property
    def location(self) -> str:
        """``file:line:column`` as far as each is known (``:3:5`` without a file): a findings table's first cell."""
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return where

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


class Diagnostics(list):
    """A list of diagnostics, as :func:`goaltree.check` returns them; Jupyter shows it as a table."""

    @property
    def errors(self) -> int:
        """How many are errors."""
        return count(self, "error")

    @property
    def warnings(self) -> int:
        """How many are warnings."""
        return count(self, "warning")

    language: str | None = None
    """The language of the table's headings when its caller chose none (the goal file's, as its messages)."""

    def _repr_html_(self) -> str:
        from goaltree.notebook import diagnostics_html
        from goaltree.present.language import speaking

        with speaking(self.language):
            return diagnostics_html(self)


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


def finding_counts(diagnostics: Iterable[Diagnostic]) -> dict[str, str]:
    """``errors``, ``warnings`` and ``notes``: how many findings of each severity, counted in words (``2 error(s)``)."""
    found = list(diagnostics)
    return {
        "errors": _n("{count} error(s)", "{count} error(s)", count(found, "error")),
        "warnings": _n("{count} warning(s)", "{count} warning(s)", count(found, "warning")),
        "notes": _n("{count} note(s)", "{count} note(s)", count(found, "info")),
    }


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ``did you mean 'x'?`` suffix for ``name``, or an empty string when nothing is close."""
    close = closest_match(name, candidates)
    return " " + _p("load", "(did you mean '{name}'?)", name=close) if close is not None else ""


def closest_match(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """What ``difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)`` finds, or ``None``.

    difflib computes the full similarity (``ratio``) of every candidate whose
    two cheap upper bounds reach the cutoff, which takes seconds among 100 000
    node ids that share most of their letters. Here a bound of every candidate
    is computed at once -- the letters it shares with the word are no more than
    those of its letters the word has, nor than the word's length -- and the
    candidates are taken best bound first, each checked with ``quick_ratio``
    (the letters the two share, counted once per distinct set of letters) and
    then ``ratio`` of difflib's own ``SequenceMatcher``, until no bound reaches
    the best similarity found. Every bound is at least the similarity, so a
    candidate left out scores below the best; equal scores go to the greater
    string, as in difflib.
    """
    import difflib  # only when a name is unknown

    candidates = list(candidates)  # a repeated candidate is looked at twice, and changes nothing
    if not word:
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
        return close[0] if close else None
    size = len(word)
    shared, word_counts = _letters_in(candidates, word)
    totals = list(map(add, map(len, candidates), repeat(size)))
    bounds = list(map(truediv, map(mul, repeat(2.0), map(min, map(len, shared), repeat(size))), totals))
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    common: dict[Any, int] = {}  # the word's letters a candidate has -> how many of them the two share
    best_score, best = cutoff, None
    for index in sorted(range(len(candidates)), key=bounds.__getitem__, reverse=True):
        if bounds[index] < best_score:
            break
        letters = shared[index]
        matches = common.get(letters)
        if matches is None:
            matches = common[letters] = sum(min(count, word_counts[letter]) for letter, count in Counter(letters).items())
        if 2.0 * matches / totals[index] < best_score:  # quick_ratio
            continue
        candidate = candidates[index]
        matcher.set_seq1(candidate)
        score = matcher.ratio()
        if score > best_score or (score == best_score and (best is None or candidate > best)):
            best_score, best = score, candidate
    return best


def _letters_in(candidates: list[str], word: str) -> tuple[list[Any], Counter]:
    """Each candidate with only the letters ``word`` has (no other letter can match), and the word's letters counted.

    ASCII text, the usual case, is filtered in one pass over all candidates at once, as bytes.
    """
    joined = "\n".join(candidates)
    if joined.isascii() and word.isascii() and "\n" not in word:
        keep = set(word.encode()) | {ord("\n")}
        shared = joined.encode().translate(None, bytes(byte for byte in range(256) if byte not in keep)).split(b"\n")
        if len(shared) == len(candidates):  # else a candidate holds a line break
            return shared, Counter(word.encode())
    letters = set(word)
    return ["".join(letter for letter in candidate if letter in letters) for candidate in candidates], Counter(word)


class GoaltreeError(Exception):
    """A failure that stops a command: the environment or the usage is wrong (exit 2)."""


class DiagnosticsError(Exception):
    """The goal file cannot be loaded; ``diagnostics`` says why and where (exit 1)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))
