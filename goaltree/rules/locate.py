"""Placing rule findings at ``file:line:column``, only when they are reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from goaltree.errors import Diagnostic

if TYPE_CHECKING:
    from goaltree.load import LoadResult


def locate(load: "LoadResult | None", diagnostic: Diagnostic, *, key: bool = False, column_offset: int = 0) -> Diagnostic:
    """``diagnostic`` with its file, line and column looked up from its ``path``.

    Args:
        load: The load result of the goal file (``None`` for a tree built in memory).
        key: Point at the key of the path rather than its value.
        column_offset: Characters to move right inside a one-line scalar (a
            place inside a formula); ignored for block scalars.
    """
    if load is None:
        return diagnostic
    located = load.locate(diagnostic, key=key)
    if column_offset and located.line is not None and located.column is not None:
        shift = _inside_scalar(load.source_map.text, located.line, located.column, column_offset)
        if shift:
            located = located.located(located.file, located.line, located.column + shift)
    return located


def _inside_scalar(text: str, line: int, column: int, offset: int) -> int:
    """How far right ``offset`` characters into the scalar at ``line:column`` are (0 when unsure)."""
    lines = text.splitlines()
    if line > len(lines):
        return 0
    row = lines[line - 1]
    index = column - 1
    if index >= len(row) or row[index] in "|>":
        return 0  # a block scalar: its text starts on the next line
    quote = 1 if row[index] in "'\"" else 0
    return offset + quote if index + quote + offset < len(row) else 0
