"""Checks of a goal file: structure (E), and the SMART rules (S, M, A, R, T)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from goaltree.errors import Diagnostic


def check_file(path: Path) -> list[Diagnostic]:
    """Every problem in the goal file at ``path``, in one pass."""
    from goaltree.engine.equations import equations_of, solve
    from goaltree.graph import load_tree

    tree, diagnostics = load_tree(path)
    if tree is None:
        return diagnostics
    declared = {n: node.target for n, node in tree.goal_file.nodes.items() if node.target is not None}
    outcome = solve(tree, equations_of(tree), declared, what="target", allocate=True)
    return diagnostics + outcome.diagnostics
