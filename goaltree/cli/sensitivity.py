"""``goaltree sensitivity FILE [NODE] [--format table|json|md] [--step 10%] [--on target|actual]``: what moves a node."""

from __future__ import annotations

import argparse
import math
import sys
from typing import IO, Any

from goaltree.cli.output import format_number, print_diagnostics
from goaltree.errors import Diagnostic, GoaltreeError, did_you_mean
from goaltree.present.language import _, _p
from goaltree.present.numbers import format_general
from goaltree.sensitivity import Sensitivity, sensitivity, top_nodes, values_on_actuals


def parse_step(text: str) -> float:
    """``10%`` or ``0.1`` as the fraction 0.1.

    Raises:
        GoaltreeError: Not a number, or not between 0 and 100 % (exit 2).
    """
    cleaned = text.strip()
    percent = cleaned.endswith("%")
    try:
        value = float(cleaned.rstrip("%").strip())
    except ValueError:
        raise GoaltreeError(_("--step '{step}' is not a number; write it like --step 10% or --step 0.1", step=text)) from None
    step = value / 100 if percent else value
    if not math.isfinite(step) or not 0 < step < 1:
        raise GoaltreeError(_("--step must be above 0 and below 100 % (0 < step < 1), not '{step}'", step=text))
    return step


def _values(args: argparse.Namespace) -> tuple[Any, dict[str, float], str | None, list[Diagnostic]]:
    """The tree, each node's value on ``--on``, the scenario's label and the diagnostics met."""
    from goaltree.cli.common import chosen_scenario, load_and_evaluate

    if args.on == "actual":
        tree, evaluation = load_and_evaluate(args)
        # A level at its actual; a flow measured part-way at its forecast for the deadline (the year, not the quarter so far).
        return tree, values_on_actuals(evaluation), evaluation.scenario, list(evaluation.diagnostics)
    from goaltree.engine.equations import solve_targets
    from goaltree.pipeline import load_goal_file

    tree, label = chosen_scenario(load_goal_file(args.file).require_tree(), args)
    outcome = solve_targets(tree)
    found = [tree.locate(d) for d in outcome.diagnostics] if tree.load is not None else list(outcome.diagnostics)
    return tree, dict(outcome.values), label, found


def to_json(results: list[Sensitivity], *, one: bool, step: float, on: str, scenario: str | None) -> dict[str, Any]:
    """One node's ``{"node", "value", "drivers", "skipped"}``, or ``{"roots": [...]}`` for the default nodes."""
    extra: dict[str, Any] = {"step": step, "on": on}
    if scenario is not None:
        extra["scenario"] = scenario
    if one:
        return {**results[0].to_json(), **extra}
    return {"roots": [result.to_json() for result in results], **extra}


def _rows(result: Sensitivity, unit_of: dict[str, str | None]) -> list[list[str]]:
    unit = unit_of.get(result.node)
    return [
        [driver.node, format_number(driver.value, unit_of.get(driver.node)), format_general(driver.elasticity),
         format_number(driver.low, unit), format_number(driver.high, unit)]
        for driver in result.drivers
    ]  # fmt: skip


def header() -> list[str]:
    """The table's column headings, in the current language."""
    return [_p("cli", "input"), _p("cli", "value"), _p("cli", "elasticity"), _p("cli", "low"), _p("cli", "high")]


def _heading(result: Sensitivity, unit_of: dict[str, str | None], step: float, on: str) -> str:
    fields = {"node": result.node, "value": format_number(result.value, unit_of.get(result.node)), "step": format_general(step * 100)}
    if on == "target":
        return _("{node} = {value} on targets; each input moved by ±{step} % (low, high: {node} then)", **fields)
    return _(
        "{node} = {value} on actuals (a flow at its forecast for the deadline); "
        "each input moved by ±{step} % (low, high: {node} then)",
        **fields,
    )


def table(results: list[Sensitivity], unit_of: dict[str, str | None], step: float, on: str, stream: IO[str]) -> None:
    """Per node: its inputs ranked by the size of their elasticity."""
    for index, result in enumerate(results):
        if index:
            print(file=stream)
        print(_heading(result, unit_of, step, on), file=stream)
        rows = _rows(result, unit_of)
        if rows:
            headings = header()
            widths = [max(len(text) for text in column) for column in zip(headings, *rows)]
            for row in [headings, *rows]:
                print("  ".join(t.ljust(w) if i == 0 else t.rjust(w) for i, (t, w) in enumerate(zip(row, widths))).rstrip(), file=stream)
        elif not result.skipped:
            print("  " + _("no inputs: no formula or roll-up computes it"), file=stream)
        for node_id, reason in result.skipped.items():
            print("  " + _("{node}: no elasticity, {reason}", node=node_id, reason=reason), file=stream)


def markdown(results: list[Sensitivity], unit_of: dict[str, str | None], step: float, on: str, stream: IO[str]) -> None:
    """Per node: a heading line and a Markdown table of its inputs."""
    from goaltree.present.escape import markdown_code, markdown_text

    for index, result in enumerate(results):
        if index:
            print(file=stream)
        print(markdown_text(_heading(result, unit_of, step, on)), file=stream)
        print(file=stream)
        print("| " + " | ".join(header()) + " |", file=stream)
        print("|---|---:|---:|---:|---:|", file=stream)
        for row in _rows(result, unit_of):
            print("| " + " | ".join([markdown_code(row[0]), *row[1:]]) + " |", file=stream)
        for node_id, reason in result.skipped.items():
            print("\n" + _("{node}: no elasticity, {reason}", node=markdown_code(node_id), reason=markdown_text(reason)), file=stream)


def run(args: argparse.Namespace) -> int:
    from goaltree.engine.equations import equations_of

    step = parse_step(args.step)
    tree, values, scenario, found = _values(args)
    nodes = tree.goal_file.nodes
    if args.node is not None and args.node not in nodes:
        raise GoaltreeError(_("no node '{node}' in {tree}", node=args.node, tree=args.file) + did_you_mean(args.node, nodes))
    equation_of = {equation.node: equation for equation in equations_of(tree)}
    chosen = [args.node] if args.node is not None else top_nodes(tree, equation_of)
    results = [sensitivity(tree, node_id, values, step) for node_id in chosen]
    unit_of = {node_id: node.unit for node_id, node in nodes.items()}
    errors = [d for d in found if d.severity == "error"]
    if args.format == "json":
        from goaltree.jsontext import write_json

        document = to_json(results, one=args.node is not None, step=step, on=args.on, scenario=scenario)
        document["diagnostics"] = [d.to_json() for d in found]
        write_json(document, sys.stdout)
    else:
        if scenario is not None:
            print(_("scenario {scenario}", scenario=scenario) + "\n", file=sys.stdout)
        if not results:
            print(_("{file} has no formula or numeric roll-up: nothing depends on an input.", file=args.file), file=sys.stdout)
        elif args.format == "md":
            markdown(results, unit_of, step, args.on, sys.stdout)
        else:
            table(results, unit_of, step, args.on, sys.stdout)
        if found:
            print(file=sys.stdout)
            print_diagnostics(found, sys.stdout)
    return 1 if errors else 0
