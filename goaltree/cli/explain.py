"""``goaltree explain FILE NODE``: how a node's target and actual were reached."""

from __future__ import annotations

import argparse
import sys

from goaltree.cli.common import exit_code, load_and_evaluate
from goaltree.cli.output import format_number, format_percent
from goaltree.engine.attribution import OWN_PACE, OWN_PACE_WORDS
from goaltree.engine.results import Derivation, Evaluation, NodeResult
from goaltree.errors import GoaltreeError, did_you_mean


def _chain(evaluation: Evaluation, node_id: str, which: str, depth: int, seen: set[str], lines: list[str]) -> None:
    """The nodes a value was derived from, each with its own derivation, indented."""
    result = evaluation.nodes[node_id]
    derivation: Derivation | None = getattr(result, f"{which}_derivation")
    for input_id in derivation.inputs if derivation else ():
        if input_id == node_id or input_id in seen:
            continue
        seen.add(input_id)
        other = evaluation.nodes[input_id]
        value = getattr(other, which)
        how = getattr(other, f"{which}_derivation")
        lines.append(
            f"{'  ' * depth}- {input_id}: {format_number(value, other.unit)}"
            + (f" — {how.text}" if how else " — unknown")
        )
        _chain(evaluation, input_id, which, depth + 1, seen, lines)


def explain(evaluation: Evaluation, node_id: str) -> str:
    """The explanation text for one node."""
    result: NodeResult = evaluation.nodes[node_id]
    unit = f" ({result.unit})" if result.unit else ""
    lines = [f"{node_id}: {result.title}{unit}", f"  type {result.type}, owner {result.owner or '–'}, deadline {result.deadline}"]
    if result.formula:
        lines.append(f"  formula: {node_id} = {result.formula}")
    if result.rollup_children:
        lines.append(f"  rollup: {result.rollup} of {', '.join(result.rollup_children)}")
    lines.append("")
    lines.append(f"Target {format_number(result.target, result.unit)}" + (f" ({result.target_origin})" if result.target_origin else ""))
    if result.target_derivation and result.target_origin == "derived":
        lines.append(f"  {result.target_derivation.text}")
        chain: list[str] = []
        _chain(evaluation, node_id, "target", 1, {node_id}, chain)
        lines.extend(chain)
    elif result.target is None:
        lines.append("  no target is declared and none can be derived from the equations around it")
    lines.append("")
    lines.append(f"Actual {format_number(result.actual, result.unit)}" + (f" ({result.actual_origin})" if result.actual_origin else ""))
    if result.actual_derivation:
        lines.append(f"  {result.actual_derivation.text}")
        chain = []
        _chain(evaluation, node_id, "actual", 1, {node_id}, chain)
        lines.extend(chain)
    if result.computed_actual is not None and result.measured_actual is not None:
        lines.append(f"  the children give {format_number(result.computed_actual, result.unit)}")
    if result.breakdown:
        parts = ", ".join(f"{key} {format_number(value, result.unit)}" for key, value in result.breakdown.items())
        lines.append(f"  by dimension: {parts}")
    lines.append("")
    if result.status == "assumed":
        lines.append(
            f"Status at {evaluation.as_of}: assumed — its actual rests only on planning assumptions nobody measures, "
            "so it is not scored (neither on track nor behind)"
        )
    else:
        lines.append(
            f"Pace at {evaluation.as_of}: expected {format_number(result.expected, result.unit)}, "
            f"progress {format_percent(result.progress)} of {format_percent(result.expected_progress)} expected, "
            f"status {result.status}"
        )
    if result.unscored_children:
        counted = [c for c in result.rollup_children if c not in result.unscored_children]
        lines.append(f"  scored from {', '.join(counted) if counted else 'no child'}; left out of the score:")
        lines.extend(f"  - {child}: {reason}" for child, reason in result.unscored_children.items())
    if result.forecast is not None:
        lines.append(f"  forecast at the deadline: {format_number(result.forecast, result.unit)}")
    if result.attribution:
        gap = result.gap
        if gap is None and result.progress is not None and result.expected_progress is not None:
            gap = result.progress - result.expected_progress
        lines.append("")
        lines.append(f"Gap {format_number(gap, None if result.actual is None else result.unit)}, by child:")
        for child, amount in sorted(result.attribution.items(), key=lambda item: item[1]):
            share = f" ({amount / gap:.0%} of the gap)" if gap else ""
            name = OWN_PACE_WORDS if child == OWN_PACE else child
            lines.append(f"  {name}: {format_number(amount)}{share}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    _, evaluation = load_and_evaluate(args)
    if args.node not in evaluation.nodes:
        raise GoaltreeError(f"no node '{args.node}' in {args.file}{did_you_mean(args.node, evaluation.nodes)}")
    print(explain(evaluation, args.node))
    related = [d for d in evaluation.diagnostics if d.node == args.node]
    if related:
        print()
        for diagnostic in related:
            print(diagnostic.format())
    return exit_code(evaluation)
