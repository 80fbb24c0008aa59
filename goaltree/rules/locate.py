"""Placing rule findings at ``file:line:column``, only when they are reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from goaltree.errors import Diagnostic

if TYPE_CHECKING:
    from goaltree.goalfile import LoadResult


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
        shift = load.source_map.shift_into_scalar(located.line, located.column, column_offset)
        if shift:
            located = located.located(located.file, located.line, located.column + shift)
    return located
