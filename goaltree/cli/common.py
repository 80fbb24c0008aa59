"""What several commands do first: load a goal file and evaluate it, or say why not."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from goaltree.engine.results import Evaluation
from goaltree.errors import DiagnosticsError
from goaltree.graph import GoalTree
from goaltree.pipeline import load_goal_file
from goaltree.present.language import _

if TYPE_CHECKING:
    from goaltree.scenarios import Choice


def load_and_evaluate(args: argparse.Namespace) -> tuple[GoalTree, Evaluation]:
    """Load ``args.file`` and evaluate it with ``--as-of`` and ``--snapshot``.

    The tree is the one evaluated: under ``--scenario`` or ``--set``, the scenario's.

    Raises:
        DiagnosticsError: The goal file has errors (the CLI prints them, exit 1).
    """
    _plan, tree, evaluation = load_plan_and_evaluate(args)
    return tree, evaluation


def load_plan_and_evaluate(args: argparse.Namespace) -> tuple[GoalTree, GoalTree, Evaluation]:
    """:func:`load_and_evaluate` with the plan as the file states it first: ``(plan, tree, evaluation)``.

    Without ``--scenario`` and ``--set`` the plan and the evaluated tree are the same.

    Raises:
        DiagnosticsError: The goal file has errors (the CLI prints them, exit 1).
    """
    from goaltree.api import evaluate

    plan = load_goal_file(args.file).require_tree()
    tree, choice = _chosen(plan, args)
    evaluation = evaluate(
        tree,
        getattr(args, "as_of", None),
        snapshot=getattr(args, "snapshot", None),
        progress=sys.stderr.isatty(),
    )
    if choice is not None:
        from dataclasses import replace

        from goaltree.errors import sort_key
        from goaltree.scenarios import lost_targets

        scenario = choice.label
        # The title carries the scenario into every heading: the table's, the report's, the diagram's.
        title = _("{title} — scenario {scenario}", title=evaluation.title, scenario=scenario)
        diagnostics = tuple(sorted((*evaluation.diagnostics, *lost_targets(plan, tree, choice)), key=sort_key))
        evaluation = replace(evaluation, title=title, scenario=scenario, diagnostics=diagnostics)
    return plan, tree, evaluation


def chosen_scenario(tree: GoalTree, args: argparse.Namespace) -> tuple[GoalTree, str | None]:
    """The tree of ``--scenario NAME`` with the ``--set NODE=VALUE`` overrides, and its label.

    Returns ``tree`` and ``None`` when neither option is given.

    Raises:
        GoaltreeError: An unknown scenario or node, or a malformed ``--set`` (exit 2).
    """
    tree, choice = _chosen(tree, args)
    return tree, None if choice is None else choice.label


def _chosen(tree: GoalTree, args: argparse.Namespace) -> "tuple[GoalTree, Choice | None]":
    """:func:`chosen_scenario` with the choice itself, ``None`` when neither option is given."""
    name, overrides = getattr(args, "scenario", None), getattr(args, "overrides", None) or []
    if name is None and not overrides:
        return tree, None
    from goaltree.scenarios import choose, scenario_tree

    choice = choose(tree.goal_file, name, overrides)
    set_by = {node_id: None if node_id in choice.overrides else choice.name for node_id in choice.sets}
    return scenario_tree(tree, choice.sets, set_by), choice


def exit_code(evaluation: Evaluation) -> int:
    """1 when the evaluation found errors (a failing source, a division by zero), else 0."""
    return 1 if any(d.severity == "error" for d in evaluation.diagnostics) else 0


def raise_on_errors(evaluation: Evaluation) -> None:
    """Stop a command that must not write output built on broken data."""
    errors = [d for d in evaluation.diagnostics if d.severity == "error"]
    if errors:
        raise DiagnosticsError(errors)
