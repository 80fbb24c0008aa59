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
from typing import TYPE_CHECKING

from goaltree.errors import Diagnostic, sort_key
from goaltree.rules.base import CheckContext, Finding, NodeRule, Option, Rule
from goaltree.rules.runner import apply_configuration, check_goal_file, check_tree

if TYPE_CHECKING:
    from goaltree.graph import GoalTree

__all__ = [
    "CheckContext",
    "Finding",
    "NodeRule",
    "Option",
    "Rule",
    "apply_configuration",
    "check_built",
    "check_file",
    "check_goal_file",
    "check_tree",
]


def check_file(path: Path) -> list[Diagnostic]:
    """Every problem in the goal file at ``path``, in one pass, sorted by position.

    Raises:
        GoaltreeError: The file cannot be read (missing, not UTF-8, a directory).
    """
    from goaltree.pipeline import load_goal_file

    loaded = load_goal_file(path)
    diagnostics = list(loaded.diagnostics)
    if loaded.goal_file is None:
        return sorted(diagnostics, key=sort_key)
    # A broken graph still gets the rules that read only the nodes: one pass, every problem it can find.
    return sorted(diagnostics + check_goal_file(loaded.goal_file, loaded.result, loaded.tree), key=sort_key)


def check_built(tree: "GoalTree") -> list[Diagnostic]:
    """What :func:`check_file` finds in the file of a tree already built (``goaltree.load``), without reading it again.

    A tree is built only from a file without errors, and building finds only
    errors, so the load's diagnostics and the rules' findings are all there is.
    """
    load = tree.load
    if load is None or load.goal_file is None:  # a tree built in memory: findings stay unlocated
        return sorted(check_goal_file(tree.goal_file, load, tree), key=sort_key)
    return sorted(list(load.diagnostics) + check_goal_file(load.goal_file, load, tree), key=sort_key)
