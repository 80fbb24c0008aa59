"""``goaltree history FILE [NODE] [--format text|json]``: targets across the file's git history.

With ``NODE``: each revision's target for that node (declared or derived),
the date, the author, the change from the revision before, and the commit
message — the "why". Without: a compact table of every node's target per
revision, then the list of revisions.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any

from goaltree.cli.output import format_number
from goaltree.present.numbers import format_change, format_number_pair
from goaltree.engine.serialize import number
from goaltree.jsontext import write_json
from goaltree.present.language import _, _n, _p, format_date
from goaltree.present.terms import field_word, origin_word
from goaltree.revisions.diff import relative_change, same_number
from goaltree.revisions.history import FileHistory, NodeTarget, Revision


def _cell(target: NodeTarget | None) -> str:
    if target is None:
        return ""
    if target.target is None:
        return "–"
    return format_number(target.target, target.unit) + ("*" if target.origin == "derived" else "")


def _commit_json(revision: Revision) -> dict[str, Any]:
    commit = revision.commit
    if commit is None:
        return {"commit": None, "label": revision.label, "date": None, "author": None, "subject": None,
                "message": None, "path": None}
    return {
        "commit": commit.id,
        "label": revision.label,
        "date": commit.date.isoformat(),
        "author": commit.author,
        "subject": commit.subject,
        "message": commit.message,
        "path": commit.path,
    }


def _target_json(target: NodeTarget) -> dict[str, Any]:
    return {"id": target.id, "title": target.title, "target": number(target.target), "origin": target.origin,
            "derivation": target.derivation}


def to_json(history: FileHistory, row: str | None) -> dict[str, Any]:
    """``{"file", "node", "revisions": [{commit, label, date, author, subject, message, path, error, targets}]}``.

    ``targets`` maps the node's current id to ``{id, title, target, origin, derivation}`` (``id`` is
    the id at that revision); with a node, only that node.
    """
    rows = [row] if row else list(history.rows)
    revisions = []
    for index, revision in enumerate(history.revisions):
        entry = _commit_json(revision)
        entry["error"] = revision.problem
        targets = {}
        for name in rows:
            node_id = history.ids[name][index]
            if node_id is not None:
                targets[name] = _target_json(revision.targets[node_id])
        entry["targets"] = targets
        revisions.append(entry)
    return {"file": str(history.path), "node": row, "revisions": revisions}


def _when(revision: Revision) -> str:
    return format_date(revision.date) if revision.date else _p("revision", "(uncommitted)")


def _label(revision: Revision) -> str:
    """The short commit id, or ``working copy`` in the reader's language (the JSON keeps the English label)."""
    return revision.label if revision.commit else _p("revision", "working copy")


def _target_words(target: NodeTarget, row: str, previous: NodeTarget | None, present_before: bool) -> str:
    """``70 (derived) as customers  +11.1 %``: the target, how it was set, its id then, and the move since the revision before."""
    amount = _cell(target).rstrip("*")
    if previous is not None and target.target is not None and previous.target is not None:
        # A move too small for the usual digits shows the digits that tell it from the revision before.
        amount = format_number_pair(previous.target, target.target, target.unit)[1]
    if target.origin:
        value = _p("revision", "{target} ({origin})", target=amount, origin=origin_word(target.origin))
    else:
        value = _p("revision", "{target} (no target)", target=amount)
    if target.id != row:
        value += " " + _p("revision", "as {node}", node=target.id)
    if previous is not None and target.target is not None and previous.target is not None:
        if same_number(previous.target, target.target):
            value += "  " + _p("revision", "unchanged")
        else:
            value += "  " + (format_change(relative_change(previous.target, target.target)) or _p("revision", "changed"))
    elif previous is None and present_before:
        value += "  " + _p("revision", "back")
    return value


def write_node(history: FileHistory, row: str, stream: IO[str]) -> None:
    """One node's target through the revisions, with each commit's message."""
    entries = history.targets_of(row)
    latest = next((target for _, target in reversed(entries) if target is not None), None)
    if latest:
        heading = _n(
            "{node} — {title} ({file}, {count} revision)", "{node} — {title} ({file}, {count} revisions)", len(entries),
            node=row, title=latest.title, file=history.path,
        )
    else:
        heading = _n("{node} ({file}, {count} revision)", "{node} ({file}, {count} revisions)", len(entries), node=row, file=history.path)
    print(heading, file=stream)
    previous: NodeTarget | None = None
    present_before = False
    authors = [revision.commit.author for revision, _ in entries if revision.commit]
    author_width = max((len(author) for author in authors), default=0)
    when_width = max([13, *(len(_when(revision)) for revision, _target in entries)])
    label_width = max([12, *(len(_label(revision)) for revision, _target in entries)])
    for revision, target in entries:
        author = revision.commit.author if revision.commit else ""
        if revision.problem:
            value = _p("revision", "not evaluated: {problem}", problem=revision.problem)
        elif target is None:
            value = _p("revision", "not in this revision")
        else:
            value = _target_words(target, row, previous, present_before)
            present_before = True
        line = f"{_when(revision):<{when_width}} {_label(revision):<{label_width}} {author:<{author_width}}  {value}"
        print("\n" + line.rstrip(), file=stream)
        message = revision.commit.message if revision.commit else _("uncommitted changes in the working copy")
        for line in message.splitlines():
            print(f"    {line}".rstrip(), file=stream)
        previous = target


def write_table(history: FileHistory, stream: IO[str]) -> None:
    """Every node's target per revision (``*`` = derived), then the revisions with their subjects."""
    count = len(history.revisions)
    heading = _n("{file}: targets in {count} revision (* = derived)", "{file}: targets in {count} revisions (* = derived)", count, file=history.path)
    print(heading + "\n", file=stream)
    header = [field_word("node")] + [_label(revision) for revision in history.revisions]
    dates = [""] + [format_date(revision.date) if revision.date else "" for revision in history.revisions]
    rows = []
    for row in history.rows:
        cells = [row]
        for revision, node_id in zip(history.revisions, history.ids[row]):
            cells.append(_cell(revision.targets.get(node_id)) if node_id else "")
        rows.append(cells)
    for index, revision in enumerate(history.revisions):
        if revision.problem:
            for cells in rows:
                cells[index + 1] = "?"
    table = [header, dates] + rows
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        print("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line)).rstrip(), file=stream)
    print(file=stream)
    label_width = max([12, *(len(_label(revision)) for revision in history.revisions)])
    when_width = max([13, *(len(_when(revision)) for revision in history.revisions)])
    for revision in history.revisions:
        author = revision.commit.author if revision.commit else ""
        subject = revision.commit.subject if revision.commit else _("uncommitted changes in the working copy")
        line = f"{_label(revision):<{label_width}} {_when(revision):<{when_width}} {author}  {subject}"
        print(line, file=stream)
        if revision.problem:
            print(f"{'':<{label_width}} " + _p("revision", "not evaluated: {problem}", problem=revision.problem), file=stream)


def run(args: argparse.Namespace) -> int:
    from goaltree.revisions.history import file_history

    history = file_history(args.file)
    row = history.resolve(args.node) if args.node else None
    if args.format == "json":
        write_json(to_json(history, row), sys.stdout)
    elif row:
        write_node(history, row, sys.stdout)
    else:
        write_table(history, sys.stdout)
    return 0
