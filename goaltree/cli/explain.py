"""``goaltree explain FILE NODE``: how a node's target and actual were reached."""

from __future__ import annotations

import argparse
import sys
from typing import Iterator

from goaltree.cli.common import exit_code, load_and_evaluate
from goaltree.cli.output import format_number, format_percent, print_diagnostics
from goaltree.present.numbers import format_difference, format_points, round_half_up
from goaltree.engine.attribution import OWN_PACE, OWN_PACE_WORDS
from goaltree.engine.results import Derivation, Evaluation, NodeResult
from goaltree.errors import GoaltreeError, did_you_mean
from goaltree.present.language import _, _p, current, format_date, unit_text
from goaltree.present.terms import origin_word, rollup_word, status_word, type_word


def _status(status: str) -> str:
    # English has always printed the status code here (`at_risk`); another language reads the status word.
    return status if current().is_english else status_word(status)


def _chain(evaluation: Evaluation, node_id: str, which: str, depth: int, seen: set[str], lines: list[str]) -> None:
    """The nodes a value was derived from, each with its own derivation, indented.

    Depth first, each input followed by what it was derived from, with a stack
    rather than recursion: a chain of formulas may be thousands of nodes long.
    """

    def inputs_of(current: str) -> Iterator[str]:
        derivation: Derivation | None = getattr(evaluation.nodes[current], f"{which}_derivation")
        return iter([input_id for input_id in (derivation.inputs if derivation else ()) if input_id != current])

    stack = [(inputs_of(node_id), depth)]
    while stack:
        pending, level = stack[-1]
        input_id = next(pending, None)
        if input_id is None:
            stack.pop()
            continue
        if input_id in seen:
            continue
        seen.add(input_id)
        other = evaluation.nodes[input_id]
        value = getattr(other, which)
        how = getattr(other, f"{which}_derivation")
        text = how.text if how else _p("cli", "unknown")
        if which == "actual" and other.counted_actual is not None:
            # A node judged at its deadline: the equation above it counts its later rows too.
            text = _(
                "with every row to {date}, after its deadline too; its own actual is {value} ({how})",
                date=format_date(min(evaluation.as_of, evaluation.period_end)),
                value=format_number(value, other.unit),
                how=text,
            )
            value = other.counted_actual
        lines.append(f"{'  ' * level}- {input_id}: {format_number(value, other.unit)} — {text}")
        stack.append((inputs_of(input_id), level + 1))


def explain(evaluation: Evaluation, node_id: str) -> str:
    """The explanation text for one node."""
    result: NodeResult = evaluation.nodes[node_id]
    unit = f" ({unit_text(result.unit)})" if result.unit else ""
    heading = f"{node_id}: {result.title}{unit}"
    if evaluation.scenario is not None:
        # Which what-if these numbers are, as every other heading says it.
        heading = _("{title} — scenario {scenario}", title=heading, scenario=evaluation.scenario)
    lines = [
        heading,
        "  "
        + _(
            "type {type}, owner {owner}, deadline {deadline}",
            type=type_word(result.type),
            owner=result.owner or "–",
            deadline=format_date(result.deadline),
        ),
    ]
    if result.formula:
        lines.append("  " + _("formula: {node} = {formula}", node=node_id, formula=result.formula))
    if result.rollup_children:
        lines.append("  " + _("rollup: {rollup} of {children}", rollup=rollup_word(result.rollup), children=", ".join(result.rollup_children)))
    lines.append("")
    target = format_number(result.target, result.unit)
    if result.target_origin:
        lines.append(_("Target {value} ({origin})", value=target, origin=origin_word(result.target_origin)))
    else:
        lines.append(_("Target {value}", value=target))
    if result.target_derivation and result.target_origin == "derived":
        lines.append(f"  {result.target_derivation.text}")
        chain: list[str] = []
        _chain(evaluation, node_id, "target", 1, {node_id}, chain)
        lines.extend(chain)
    elif result.target_derivation and evaluation.scenario is not None:
        # In a what-if a declared target is the file's or the scenario's: say which.
        lines.append(f"  {result.target_derivation.text}")
    elif result.target is None:
        lines.append("  " + _("no target is declared and none can be derived from the equations around it"))
    lines.append("")
    actual = format_number(result.actual, result.unit)
    if result.actual_origin:
        lines.append(_("Actual {value} ({origin})", value=actual, origin=origin_word(result.actual_origin)))
    else:
        lines.append(_("Actual {value}", value=actual))
    if result.actual_derivation:
        lines.append(f"  {result.actual_derivation.text}")
        chain = []
        _chain(evaluation, node_id, "actual", 1, {node_id}, chain)
        lines.extend(chain)
    if result.computed_actual is not None and result.measured_actual is not None:
        lines.append("  " + _("the children give {value}", value=format_number(result.computed_actual, result.unit)))
    if result.breakdown:
        parts = ", ".join(f"{key} {format_number(value, result.unit)}" for key, value in result.breakdown.items())
        lines.append("  " + _("by dimension: {parts}", parts=parts))
    lines.append("")
    as_of = format_date(evaluation.as_of)
    if result.status == "assumed":
        lines.append(
            _(
                "Status at {date}: assumed — its actual rests only on planning assumptions nobody measures, "
                "so it is not scored (neither on track nor behind)",
                date=as_of,
            )
        )
    else:
        lines.append(
            _(
                "Pace at {date}: expected {expected}, progress {progress} of {expected_progress} expected, status {status}",
                date=as_of,
                expected=format_number(result.expected, result.unit),
                progress=format_percent(result.progress),
                expected_progress=format_percent(result.expected_progress),
                status=_status(result.status),
            )
        )
    if result.unscored_children:
        counted = [c for c in result.rollup_children if c not in result.unscored_children]
        if counted:
            lines.append("  " + _("scored from {children}; left out of the score:", children=", ".join(counted)))
        else:
            lines.append("  " + _("scored from no child; left out of the score:"))
        lines.extend(f"  - {child}: {reason}" for child, reason in result.unscored_children.items())
    if result.forecast is not None:
        lines.append("  " + _("forecast at the deadline: {value}", value=format_number(result.forecast, result.unit)))
    if result.attribution:
        gap = result.gap
        unit = None if result.actual is None else result.unit

        def amount_text(value: float) -> str:
            # The gap and its parts in one unit: percentage points between rates, never a percent,
            # and a difference of multiples without the ×, which would read as a factor.
            return format_difference(value, unit) if unit in ("ratio", "%", "multiple") else format_number(value, unit)

        if gap is None and result.progress is not None and result.expected_progress is not None:
            gap = result.progress - result.expected_progress

            def amount_text(value: float) -> str:  # an objective's gap is in points of progress
                return _("{points} points", points=format_points(value))

        lines.append("")
        lines.append(_("Gap {value}, by child:", value=amount_text(gap)))
        for child, amount in sorted(result.attribution.items(), key=lambda item: item[1]):
            name = _(OWN_PACE_WORDS) if child == OWN_PACE else child
            if gap:
                # Whole percent, a half rounded away from zero as every figure is; a share that
                # rounds to nothing reads 0, never -0. Grouped, with the language's minus.
                share = format_number(round_half_up(amount / gap * 100) + 0.0)
                lines.append("  " + _("{node}: {amount} ({share}% of the gap)", node=name, amount=amount_text(amount), share=share))
            else:
                lines.append(f"  {name}: {amount_text(amount)}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    _tree, evaluation = load_and_evaluate(args)
    if args.node not in evaluation.nodes:
        raise GoaltreeError(_("no node '{node}' in {tree}", node=args.node, tree=args.file) + did_you_mean(args.node, evaluation.nodes))
    print(explain(evaluation, args.node))
    related = [d for d in evaluation.diagnostics if d.node == args.node]
    if related:
        print()
        for diagnostic in related:
            print(diagnostic.format())
    # An error elsewhere can move this node's figures too (a rate written 25 for 25 %): it is said, not only exited on.
    elsewhere = [d for d in evaluation.diagnostics if d.severity == "error" and d.node != args.node]
    if elsewhere:
        print_diagnostics(elsewhere, sys.stderr)
    return exit_code(evaluation)
