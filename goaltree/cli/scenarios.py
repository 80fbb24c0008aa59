"""``goaltree scenarios FILE [--format table|json|md] [--all]``: the plan and each scenario, side by side."""

from __future__ import annotations

import argparse
import sys
from typing import IO

from goaltree.cli.output import print_diagnostics
from goaltree.model import BASE_SCENARIO
from goaltree.pipeline import load_goal_file
from goaltree.present.language import _, _n
from goaltree.present.terms import field_word
from goaltree.scenarios import Comparison, cells, compare, shown_nodes


def table(comparison: Comparison, nodes: list[str], stream: IO[str]) -> None:
    """A terminal table: one column per scenario, the differences in parentheses."""
    header = [field_word("node"), *comparison.scenarios]
    rows = [[node_id, *cells(comparison, node_id)] for node_id in nodes]
    widths = [max(len(text) for text in column) for column in zip(header, *rows)]
    line = "  ".join(text.ljust(w) if i == 0 else text.rjust(w) for i, (text, w) in enumerate(zip(header, widths)))
    print(line.rstrip(), file=stream)
    print("-" * len(line.rstrip()), file=stream)
    for row in rows:
        print("  ".join(t.ljust(w) if i == 0 else t.rjust(w) for i, (t, w) in enumerate(zip(row, widths))).rstrip(), file=stream)
    hidden = len(comparison.targets) - len(nodes)
    if hidden:
        print(
            "\n"
            + _n(
                "{count} other node(s) have the same target in every scenario (--all shows them).",
                "{count} other node(s) have the same target in every scenario (--all shows them).",
                hidden,
            ),
            file=stream,
        )
    described = [(name, text) for name, text in comparison.descriptions.items() if text and name != BASE_SCENARIO]
    if described:
        print(file=stream)
        for name, text in described:
            print(f"{name}: {text}", file=stream)


def markdown(comparison: Comparison, nodes: list[str], stream: IO[str]) -> None:
    """A Markdown table for a pull request or a wiki, the scenarios' descriptions under it."""
    from goaltree.present.escape import markdown_code, markdown_text

    header = [field_word("node"), *(markdown_text(name) for name in comparison.scenarios)]
    print("| " + " | ".join(header) + " |", file=stream)
    print("|---|" + "---:|" * len(comparison.scenarios), file=stream)
    for node_id in nodes:
        print("| " + " | ".join([markdown_code(node_id), *cells(comparison, node_id)]) + " |", file=stream)
    described = [(name, text) for name, text in comparison.descriptions.items() if text and name != BASE_SCENARIO]
    if described:
        print(file=stream)
        for name, text in described:
            print(f"- **{markdown_text(name)}**: {markdown_text(text)}", file=stream)


def run(args: argparse.Namespace) -> int:
    tree = load_goal_file(args.file).require_tree()
    comparison = compare(tree)
    if args.format == "json":
        from goaltree.jsontext import write_json

        write_json(comparison.to_json(), sys.stdout)
    else:
        nodes = shown_nodes(comparison, args.all)
        if len(comparison.scenarios) == 1:
            print(_("{file} has no `scenarios:`; docs/scenarios.md shows how to add one.", file=args.file), file=sys.stdout)
        elif args.format == "md":
            markdown(comparison, nodes, sys.stdout)
        else:
            table(comparison, nodes, sys.stdout)
        if comparison.diagnostics:
            print(file=sys.stdout)
            print_diagnostics(comparison.diagnostics, sys.stdout)
    return 1 if any(d.severity == "error" for d in comparison.diagnostics) else 0
