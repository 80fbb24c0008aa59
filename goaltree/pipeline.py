"""One way from a goal file to a built tree: read, parse, validate, build the graph.

Every command and the Python API load a goal file here, so a file gets the
same diagnostics, positions and exit code whichever command reads it.
:mod:`goaltree.goalfile` reads and validates; :func:`goaltree.graph.build`
connects the nodes; :class:`LoadedTree` keeps both outcomes, so that a
command which has loaded a file (``report``) can run the checks on it without
reading it again.
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from goaltree.errors import Diagnostic, DiagnosticsError
from goaltree.goalfile import LoadResult, load_file, load_text
from goaltree.graph import GoalTree, build
from goaltree.model import GoalFile


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large structure is built.

    Loading a goal file allocates objects by the million and frees none of
    them in cycles; the collector would walk all of them again and again
    (docs/performance.md has the figure). Reference counting still frees
    everything; the collector's state is restored after.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@dataclass(frozen=True)
class LoadedTree:
    """What loading one goal file gave.

    Attributes:
        result: The validated goal file (``result.goal_file`` is ``None`` when it
            does not validate) and how to locate a diagnostic in its text.
        tree: The built tree; ``None`` when the file or its graph has errors.
        diagnostics: Every diagnostic of loading and building, in that order.
    """

    result: LoadResult
    tree: GoalTree | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def goal_file(self) -> GoalFile | None:
        """The validated model, also when its graph could not be built."""
        return self.result.goal_file

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics of severity ``error``."""
        return [d for d in self.diagnostics if d.severity == "error"]

    def require_tree(self) -> GoalTree:
        """The built tree.

        Raises:
            DiagnosticsError: The file has errors (every diagnostic when, oddly, none is an error).
        """
        if self.tree is None:
            raise DiagnosticsError(self.errors or list(self.diagnostics))
        return self.tree


def load_goal_file(path: Path | str) -> LoadedTree:
    """Read, validate and build the goal file at ``path``.

    Raises:
        GoaltreeError: The file cannot be read (missing, not UTF-8, a directory, too large).
    """
    with paused_gc():
        result = load_file(path)
        return _built(result, Path(path))


def load_goal_text(text: str, path: Path | str | None = None) -> LoadedTree:
    """Validate and build goal-file text (a revision read from git, a file about to be written).

    Args:
        text: The goal file's text.
        path: Where the text is or will be: diagnostics name it, and relative
            source paths start from its folder. ``None``: text of no file.
    """
    with paused_gc():
        result = load_text(text) if path is None else load_text(text, path)
        return _built(result, None if path is None else Path(path))


def _built(result: LoadResult, path: Path | None) -> LoadedTree:
    """The graph of a validated file; a file with errors is not built (its graph would mislead)."""
    if result.goal_file is None or any(d.severity == "error" for d in result.diagnostics):
        return LoadedTree(result, None, tuple(result.diagnostics))
    tree, built = build(result.goal_file, path, result)
    return LoadedTree(result, tree, tuple(result.diagnostics) + tuple(built))
