"""``goaltree evaluate FILE [--format table|json|csv] [--root NODE] [--depth N] [--as-of DATE] [--snapshot PATH]``."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from itertools import islice
from typing import IO, Any, Sequence

from goaltree.cli.common import exit_code, load_and_evaluate
from goaltree.cli.output import RESET, STATUS_COLOURS, format_numbers, format_percents, print_diagnostics, use_colour
from goaltree.engine.results import BriefColumns, Evaluation
from goaltree.present.language import _, _n, format_date
from goaltree.present.numbers import format_number
from goaltree.present.terms import field_word, status_count, status_word

TABLE_STATUS_ORDER = ("achieved", "on_track", "at_risk", "off_track", "no_data", "assumed", "not_started")
"""The order of the statuses in the table's closing count."""


def status_labels() -> dict[str, str]:
    """Status -> its word in the table, in the current language; off track in capitals, to stand out."""
    labels = {status: status_word(status) for status in TABLE_STATUS_ORDER}
    labels["off_track"] = labels["off_track"].upper()
    return labels


def outline(
    evaluation: Evaluation,
    columns: BriefColumns | None = None,
    *,
    root: str | None = None,
    depth: int | None = None,
) -> list[tuple[str, int]]:
    """Nodes in tree order with their depth: each root, then its children depth-first.

    A node that serves several parents is listed under the first one only.
    ``columns`` are the nodes' table rows when the caller has them already;
    ``root`` starts the outline at one node and ``depth`` stops it that many
    levels down.
    """
    if columns is None:
        columns = evaluation.brief_columns()
    ids = columns.ids
    positions, levels = outline_positions(columns, root=root, depth=depth)
    return [(ids[at], level) for at, level in zip(positions, levels)]


def outline_positions(
    columns: BriefColumns, *, root: str | None = None, depth: int | None = None
) -> tuple[list[int], list[int]]:
    """:func:`outline` as positions in ``columns`` (goal-file order), and the depth of each."""
    ids = columns.ids
    children = columns.children
    position = dict(zip(ids, range(len(ids))))
    seen = bytearray(len(ids))
    positions: list[int] = []
    levels: list[int] = []

    def visit(start: int) -> None:
        stack = [(start, 0)]
        while stack:
            current, level = stack.pop()
            if seen[current]:
                continue
            seen[current] = True
            positions.append(current)
            levels.append(level)
            if depth is not None and level >= depth:
                continue
            for child in reversed(children[current]):
                at = position[child]
                if not seen[at]:
                    stack.append((at, level + 1))

    if root is not None:
        visit(position[root])
        return positions, levels
    for at, parents in enumerate(columns.parents):
        if not parents:
            visit(at)
    if depth is None and len(positions) < len(ids):
        for at in range(len(ids)):  # anything only reachable through a cycle-free but rootless path
            if not seen[at]:
                visit(at)
    return positions, levels


def check_selection(evaluation: Evaluation, root: str | None, depth: int | None) -> None:
    """Refuse an unknown ``--root`` (with a "did you mean") or a negative ``--depth``.

    Raises:
        GoaltreeError: A usage error (exit 2).
    """
    from goaltree.errors import GoaltreeError, did_you_mean

    if depth is not None and depth < 0:
        raise GoaltreeError(_("--depth must be 0 or more, not {depth}", depth=depth))
    if root is not None and root not in evaluation.nodes:
        raise GoaltreeError(
            _("no node '{node}' in {tree}", node=root, tree=evaluation.tree_id) + did_you_mean(root, evaluation.nodes)
        )


def terminal_width(stream: IO[str]) -> int:
    """``$COLUMNS``, else the terminal's width, else 80 (a pipe or a file)."""
    import os
    import shutil

    if "COLUMNS" not in os.environ and not (hasattr(stream, "isatty") and stream.isatty()):
        return 80
    return shutil.get_terminal_size((80, 24)).columns


# The node column never gets narrower than this, even when the numbers leave no room.
MIN_NODE_WIDTH = 12


def table(evaluation: Evaluation, stream: IO[str], *, root: str | None = None, depth: int | None = None) -> None:
    """A readable terminal table with status labels (and colours on a terminal).

    The table fits the terminal (``$COLUMNS``; 80 columns when the output is not
    a terminal): a long node id is cut with "…", a number never is, nor the
    title line above it, whose date and scenario say what the numbers are.
    """
    colour = use_colour(stream)
    header = tuple(field_word(name) for name in ("node", "target", "actual", "expected", "progress", "status"))
    status_labels_now = status_labels()
    columns = evaluation.brief_columns()
    order, levels = outline_positions(columns, root=root, depth=depth)

    def in_order(column: Sequence[Any]) -> list[Any]:
        return [column[at] for at in order]

    units = in_order(columns.unit)
    statuses = in_order(columns.status)
    origins = in_order(columns.target_origin)
    counts = Counter(statuses)
    text_columns = [
        ["  " * level + node_id for node_id, level in zip(in_order(columns.ids), levels)],
        [
            text + "*" if origin == "derived" else text
            for text, origin in zip(format_numbers(in_order(columns.target), units), origins)
        ],
        format_numbers(in_order(columns.actual), units),
        format_numbers(in_order(columns.expected), units),
        format_percents(in_order(columns.progress)),
    ]
    widths = [max(len(title), max(map(len, column), default=0)) for title, column in zip(header, text_columns)]
    widths.append(max(len(header[5]), *(len(status_labels_now[status]) for status in counts)) if counts else len(header[5]))
    available = terminal_width(stream)
    numbers = sum(widths[1:]) + 2 * (len(widths) - 1)
    node_width = min(widths[0], max(available - numbers, MIN_NODE_WIDTH))
    if node_width < widths[0]:
        shown = max(node_width - 1, 0)  # a longer id: its first characters, then "…"
        text_columns[0] = [name if len(name) <= node_width else name[:shown] + "…" for name in text_columns[0]]
        widths[0] = node_width
    # The title line is never cut: its date and scenario say what the numbers are (a long one wraps).
    title = _("{title} ({tree}) as of {date}", title=evaluation.title, tree=evaluation.tree_id, date=format_date(evaluation.as_of))
    print(title, file=stream)
    line = "  ".join(
        h.ljust(w) if i == 0 or i == 5 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))
    ).rstrip()
    print(line, file=stream)
    print("-" * len(line), file=stream)
    labels = {status: f"{STATUS_COLOURS[status]}{label}{RESET}" if colour else label for status, label in status_labels_now.items()}
    # One row's layout, fixed once the widths are known: the node padded on the right, the numbers on the left.
    row = "%-{}s  %{}s  %{}s  %{}s  %{}s  %s\n".format(*widths[:5])
    rows = zip(*text_columns, map(labels.__getitem__, statuses))
    for _first in range(0, len(order), 4096):  # a write per 4 096 rows: few calls, little memory
        stream.write("".join([row % values for values in islice(rows, 4096)]))
    summary = ", ".join(
        status_count(s, counts[s]).upper() if s == "off_track" else status_count(s, counts[s])
        for s in TABLE_STATUS_ORDER
        if s in counts and s != "assumed"
    )
    assumed = counts.get("assumed", 0)
    if assumed:
        # A planning assumption counts neither way: it is listed apart from the scored statuses.
        summary = _n(
            "{summary}; {count} assumed (a planning assumption nobody measures, not scored)",
            "{summary}; {count} assumed (planning assumptions nobody measures, not scored)",
            assumed,
            summary=summary or _("none scored"),
            count=format_number(assumed),
        )
    if len(order) != len(evaluation.nodes):
        total = len(evaluation.nodes)
        nodes = _n("{shown} of {count} node", "{shown} of {count} nodes", total, shown=format_number(len(order)), count=format_number(total))
    else:
        nodes = _n("{count} node", "{count} nodes", len(order), count=format_number(len(order)))
    if "derived" in origins:  # the key to a mark the table shows
        print("\n" + _("{nodes}: {summary}. * = derived target", nodes=nodes, summary=summary), file=stream)
    else:
        print("\n" + _("{nodes}: {summary}.", nodes=nodes, summary=summary), file=stream)


# The columns of `--format csv`: the JSON's node fields that fit in one cell.
CSV_COLUMNS = (
    "node", "title", "type", "unit", "owner", "direction", "target", "target_origin", "baseline",
    "actual", "actual_origin", "expected", "progress", "expected_progress", "status", "forecast",
    "score", "deadline", "parents", "children",
)  # fmt: skip


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet shows as text: a leading ``= + - @`` (or tab, CR) would start a formula.

    A goal file is untrusted input; a title like ``=HYPERLINK(...)`` must not become
    a live formula in the sheet of whoever opens the export (OWASP's CSV injection).
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(evaluation: Evaluation, stream: IO[str], nodes: Sequence[str]) -> None:
    """One row per node in ``nodes``: the JSON's values, lists joined with ``;``, unknowns empty."""
    import csv

    from goaltree.engine.serialize import json_nodes

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for node_id, fields in zip(nodes, json_nodes(evaluation.nodes, nodes)):
        fields["node"] = node_id
        row = []
        for column in CSV_COLUMNS:
            value = fields[column]
            if value is None:
                row.append("")
            elif isinstance(value, list):
                row.append(";".join(value))
            elif isinstance(value, str):
                row.append(spreadsheet_text(value))
            else:
                row.append(repr(value))
        writer.writerow(row)


def run(args: argparse.Namespace) -> int:
    _, evaluation = load_and_evaluate(args)
    check_selection(evaluation, args.root, args.depth)
    if args.root is None and args.depth is None:
        chosen = list(evaluation.nodes)
    else:
        under = {node_id for node_id, _level in outline(evaluation, root=args.root, depth=args.depth)}
        chosen = [node_id for node_id in evaluation.nodes if node_id in under]  # goal-file order
    if args.format == "json":
        from goaltree.engine.serialize import write_evaluation_json

        write_evaluation_json(evaluation, sys.stdout, chosen)
    elif args.format == "csv":
        write_csv(evaluation, sys.stdout, chosen)
    else:
        table(evaluation, sys.stdout, root=args.root, depth=args.depth)
        if evaluation.diagnostics:
            print(file=sys.stdout)
            print_diagnostics(evaluation.diagnostics, sys.stdout)
    return exit_code(evaluation)
