"""``goaltree evaluate FILE [--format table|json] [--as-of DATE] [--snapshot PATH]``."""

from __future__ import annotations

import argparse
import json
import sys
from itertools import islice
from typing import IO, Mapping

from goaltree.cli.common import exit_code, load_and_evaluate
from goaltree.cli.output import RESET, STATUS_COLOURS, format_number, format_percent, print_diagnostics, use_colour
from goaltree.engine.results import Brief, Evaluation

STATUS_LABELS = {
    "achieved": "achieved",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "OFF TRACK",
    "no_data": "no data",
    "assumed": "assumed",
    "not_started": "not started",
}


def outline(evaluation: Evaluation, briefs: Mapping[str, Brief] | None = None) -> list[tuple[str, int]]:
    """Nodes in tree order with their depth: each root, then its children depth-first.

    A node that serves several parents is listed under the first one only.
    ``briefs`` are the nodes' table rows when the caller has them already.
    """
    seen: set[str] = set()
    rows: list[tuple[str, int]] = []
    nodes = evaluation.nodes
    if briefs is None:
        briefs = evaluation.briefs()

    def visit(node_id: str, depth: int) -> None:
        stack = [(node_id, depth)]
        while stack:
            current, level = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            rows.append((current, level))
            for child in reversed(briefs[current].children):
                if child not in seen:
                    stack.append((child, level + 1))

    for node_id, brief in briefs.items():
        if not brief.parents:
            visit(node_id, 0)
    for node_id in nodes:  # anything only reachable through a cycle-free but rootless path
        if node_id not in seen:
            visit(node_id, 0)
    return rows


def table(evaluation: Evaluation, stream: IO[str]) -> None:
    """A readable terminal table with status labels (and colours on a terminal)."""
    colour = use_colour(stream)
    header = ("node", "target", "actual", "expected", "progress", "status")
    rows = []
    counts: dict[str, int] = {}
    briefs = evaluation.briefs()
    for node_id, depth in outline(evaluation, briefs):
        result = briefs[node_id]
        counts[result.status] = counts.get(result.status, 0) + 1
        marker = "*" if result.target_origin == "derived" else ""
        rows.append(
            (
                "  " * depth + node_id,
                format_number(result.target, result.unit) + marker,
                format_number(result.actual, result.unit),
                format_number(result.expected, result.unit),
                format_percent(result.progress),
                result.status,
            )
        )
    widths = [max(len(title), *map(len, column)) for title, column in zip(header, zip(*rows))] if rows else list(map(len, header))
    print(
        f"{evaluation.title} ({evaluation.tree_id}) as of {evaluation.as_of.isoformat()}",
        file=stream,
    )
    line = "  ".join(
        h.ljust(w) if i == 0 or i == 5 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))
    )
    print(line, file=stream)
    print("-" * len(line), file=stream)
    labels = {status: f"{STATUS_COLOURS[status]}{label}{RESET}" if colour else label for status, label in STATUS_LABELS.items()}
    name_width, target_width, actual_width, expected_width, progress_width = widths[:5]
    for first in range(0, len(rows), 4096):  # a write per 4 096 rows: few calls, little memory
        stream.write(
            "".join(
                f"{name.ljust(name_width)}  {target.rjust(target_width)}  {actual.rjust(actual_width)}  "
                f"{expected.rjust(expected_width)}  {progress.rjust(progress_width)}  {labels[status]}\n"
                for name, target, actual, expected, progress, status in rows[first : first + 4096]
            )
        )
    summary = ", ".join(f"{counts[s]} {STATUS_LABELS[s]}" for s in STATUS_LABELS if s in counts and s != "assumed")
    assumed = counts.get("assumed", 0)
    if assumed:
        # A planning assumption counts neither way: it is listed apart from the scored statuses.
        summary = f"{summary or 'none scored'}; {assumed} assumed (planning assumptions nobody measures, not scored)"
    print(f"\n{len(evaluation.nodes)} nodes: {summary}. * = derived target", file=stream)


def _write_json(document: object, stream: IO[str]) -> None:
    """``json.dump(document, stream, indent=2, ensure_ascii=False)``, written in large pieces.

    ``json.dump`` hands the stream every token on its own -- millions of writes
    for a large tree, slower than encoding -- and ``json.dumps`` holds every
    token in memory at once; a few thousand tokens per write does neither.
    """
    tokens = json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(document)
    while True:
        batch = list(islice(tokens, 4096))
        if not batch:
            return
        stream.write("".join(batch))


def run(args: argparse.Namespace) -> int:
    _, evaluation = load_and_evaluate(args)
    if args.format == "json":
        from goaltree.engine.serialize import evaluation_to_json

        _write_json(evaluation_to_json(evaluation), sys.stdout)
        sys.stdout.write("\n")
    else:
        table(evaluation, sys.stdout)
        if evaluation.diagnostics:
            print(file=sys.stdout)
            print_diagnostics(evaluation.diagnostics, sys.stdout)
    return exit_code(evaluation)
