"""The Python API: load a goal file, check it, evaluate it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from goaltree.engine.results import Evaluation
from goaltree.errors import Diagnostic, Diagnostics, sort_key
from goaltree.graph import GoalTree
from goaltree.goalfile.read import declared_language
from goaltree.pipeline import load_goal_file, paused_gc
from goaltree.present.language import current, speaking
from goaltree import codes


def load(path: Path | str) -> GoalTree:
    """Load and build a goal file.

    Raises:
        DiagnosticsError: The file has errors; ``.diagnostics`` says where.
        GoaltreeError: The file cannot be read.
    """
    with speaking(declared_language(Path(path))):  # its messages in the file's language, as the command line writes them
        return load_goal_file(path).require_tree()


def _load_diagnostics(tree: GoalTree) -> list[Diagnostic]:
    return list(tree.load.diagnostics) if tree.load is not None else []


def evaluate(
    tree: GoalTree | Path | str,
    as_of: dt.date | None = None,
    *,
    snapshot: Path | str | None = None,
    progress: bool = False,
) -> Evaluation:
    """Evaluate a goal tree at ``as_of`` (default today) with actuals from its sources.

    Args:
        tree: A loaded tree, or the path of a goal file.
        as_of: The date to evaluate at.
        snapshot: Read observations from this snapshot file instead of the live sources.
        progress: Show a progress bar on stderr while sources are fetched.
    """
    if not isinstance(tree, GoalTree):
        tree = load(tree)
    with speaking(tree.goal_file.language):  # the file's language, unless the caller chose one
        evaluation = _evaluate(tree, as_of or dt.date.today(), snapshot, progress)
        return replace(evaluation, language=current().code)


def _evaluate(tree: GoalTree, as_of: dt.date, snapshot: Path | str | None, progress: bool) -> Evaluation:
    from goaltree.engine import evaluate as run

    diagnostics = _load_diagnostics(tree)
    observations, failed, snapshot_info = collect_observations(tree, as_of, snapshot=snapshot, progress=progress, diagnostics=diagnostics)
    from goaltree.rules.specific import contested_directions

    # A title that says "under 800 SEK" on a node to increase: no verdict, S005 says why (A006 where it speaks).
    contested = contested_directions(tree)
    with paused_gc():  # the engine builds a result per node and frees nothing in cycles
        evaluation = run(
            tree, as_of, observations=observations, failed=failed, diagnostics=diagnostics, snapshot=snapshot_info,
            unjudged=frozenset(contested),
        )
    if contested:
        spoken = {d.node for d in evaluation.diagnostics if d.code == codes.DIRECTION_AGAINST_TARGET}
        added = tuple(d for node_id, d in contested.items() if node_id not in spoken)
        evaluation = replace(evaluation, diagnostics=tuple(sorted(evaluation.diagnostics + added, key=sort_key)))
    # A percentage written as a plain number puts every figure derived through it a hundred times off (M006).
    from goaltree.rules.evaluated import percent_slips

    slips = percent_slips(tree)
    if slips:
        evaluation = replace(evaluation, diagnostics=tuple(sorted(evaluation.diagnostics + tuple(slips), key=sort_key)))
    if evaluation.negative_derived_targets:
        # A005 judges units, which the engine does not know: the rule adds its findings here.
        from goaltree.rules.derived import impossible_target_diagnostics

        impossible = impossible_target_diagnostics(tree, evaluation)
        if impossible:
            evaluation = replace(evaluation, diagnostics=evaluation.diagnostics + tuple(impossible))
    if not evaluation.diagnostics:
        return evaluation
    # The file's `checks:` and `suppress:` govern what evaluate reports (A004) as they govern check.
    from goaltree.rules.runner import apply_configuration

    kept = apply_configuration(tree.goal_file, evaluation.diagnostics)
    return replace(evaluation, diagnostics=tuple(sorted(kept, key=sort_key)))


def collect_observations(
    tree: GoalTree,
    as_of: dt.date,
    *,
    snapshot: Path | str | None = None,
    progress: bool = False,
    diagnostics: list[Diagnostic] | None = None,
):
    """Observations for every node with a ``metric``: from the snapshot, or fetched live.

    Returns ``(observations, failed_nodes, snapshot_info)``; source failures are
    appended to ``diagnostics`` located in the goal file.
    """
    goal_file = tree.goal_file
    if snapshot is not None:
        from goaltree.sources.snapshot import check_snapshot, read_snapshot, stale_snapshot

        data = read_snapshot(Path(snapshot))
        check_snapshot(data, goal_file)
        if diagnostics is not None:
            diagnostics.extend(stale_snapshot(data, goal_file, as_of))
        fetched_at = data.fetched_at.isoformat() if hasattr(data.fetched_at, "isoformat") else str(data.fetched_at)
        info = {"path": str(snapshot), "sha256": data.sha256, "fetched_at": fetched_at}
        return dict(data.observations), frozenset(data.failed_nodes), info
    if not any(node.metric is not None for node in goal_file.nodes.values()) or as_of < goal_file.period.start:
        return {}, frozenset(), None
    from goaltree.sources import fetch_observations

    result = fetch_observations(goal_file, tree.project_dir, goal_file.period.start, goal_file.observed_until(as_of), progress=progress)
    if diagnostics is not None:
        diagnostics.extend(tree.locate(d) for d in result.diagnostics)
    return dict(result.observations), frozenset(result.failed_nodes), None


def check(path: Path | str) -> Diagnostics:
    """Every diagnostic for a goal file: structure, targets and the SMART rules, sorted.

    The result is a list (with ``errors`` and ``warnings`` counts) that Jupyter shows as a table.
    """
    from goaltree.rules import check_file

    with paused_gc(), speaking(declared_language(Path(path))):
        found = Diagnostics(sorted(check_file(Path(path)), key=sort_key))
        found.language = current().code
        return found
