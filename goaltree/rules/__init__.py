"""Checks of a goal file: structure (E), and the SMART rules (S, M, A, R, T).

:func:`check_file` is what ``goaltree check`` runs: load, build, solve the
targets, run every rule of :data:`~goaltree.rules.registry.DEFAULT_RULES` as
the file's ``checks:`` block configures them, apply the nodes' ``suppress:``
entries, and return every diagnostic, located and sorted.

Importing this package stays light (no networkx, DuckDB, SQLAlchemy, Jinja2):
``goaltree check`` runs in a pre-commit hook.
"""

from __future__ import annotations

from pathlib import Path

from goaltree.errors import Diagnostic, sort_key
from goaltree.rules.base import CheckContext, Finding, NodeRule, Option, Rule
from goaltree.rules.runner import check_tree, solve_targets

__all__ = [
    "CheckContext",
    "Finding",
    "NodeRule",
    "Option",
    "Rule",
    "check_file",
    "check_tree",
    "solve_targets",
]


def check_file(path: Path) -> list[Diagnostic]:
    """Every problem in the goal file at ``path``, in one pass, sorted by position.

    Raises:
        GoaltreeError: The file cannot be read (missing, not UTF-8, a directory).
    """
    from goaltree.graph import load_tree

    tree, diagnostics = load_tree(path)
    if tree is None:
        return sorted(diagnostics, key=sort_key)
    return sorted(diagnostics + check_tree(tree), key=sort_key)
