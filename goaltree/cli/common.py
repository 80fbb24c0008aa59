"""What several commands do first: load a goal file and evaluate it, or say why not."""

from __future__ import annotations

import argparse
import sys

from goaltree.engine.results import Evaluation
from goaltree.errors import DiagnosticsError
from goaltree.graph import GoalTree
from goaltree.pipeline import load_goal_file


def load_and_evaluate(args: argparse.Namespace) -> tuple[GoalTree, Evaluation]:
    """Load ``args.file`` and evaluate it with ``--as-of`` and ``--snapshot``.

    Raises:
        DiagnosticsError: The goal file has errors (the CLI prints them, exit 1).
    """
    from goaltree.api import evaluate

    tree = load_goal_file(args.file).require_tree()
    evaluation = evaluate(
        tree,
        getattr(args, "as_of", None),
        snapshot=getattr(args, "snapshot", None),
        progress=sys.stderr.isatty(),
    )
    return tree, evaluation


def exit_code(evaluation: Evaluation) -> int:
    """1 when the evaluation found errors (a failing source, a division by zero), else 0."""
    return 1 if any(d.severity == "error" for d in evaluation.diagnostics) else 0


def raise_on_errors(evaluation: Evaluation) -> None:
    """Stop a command that must not write output built on broken data."""
    errors = [d for d in evaluation.diagnostics if d.severity == "error"]
    if errors:
        raise DiagnosticsError(errors)
