"""``goaltree history FILE [NODE] [--format text|json]``: targets across the file's git history.

With ``NODE``: each revision's target for that node (declared or derived),
the date, the author, the change from the revision before, and the commit
message — the "why". Without: a compact table of every node's target per
revision, then the list of revisions.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import IO, Any, Sequence

from goaltree.present.numbers import format_change, format_numbers_apart, unit_suffix
from goaltree.engine.serialize import number
from goaltree.jsontext import write_json
from goaltree.present.language import _, _n, _p, format_date
from goaltree.present.terms import field_word, origin_word
from goaltree.revisions.diff import relative_change, same_number
from goaltree.revisions.history import FileHistory, NodeTarget, Revision


def _amounts(targets: Sequence[NodeTarget | None]) -> list[str]:
    """One node's targets across revisions, each written with the decimals that tell it from the others.

    Values within float noise of each other (the diff's bound) are one value and read the same. A node
    whose unit changed (a count that became SEK) has each target written in its own revision's unit.
    """
    units = {target.unit for target in targets if target is not None}
    if len(units) > 1:
        return [_mixed(target, targets) for target in targets]
    seen: list[float] = []
    values: list[float | None] = []
    for target in targets:
        value = target.target if target is not None else None
        if value is not None:
            value = next((known for known in seen if same_number(known, value)), value)
            if value not in seen:
                seen.append(value)
        values.append(value)
    unit = next((target.unit for target in targets if target is not None), None)
    return format_numbers_apart(values, unit)


def _mixed(target: NodeTarget | None, targets: Sequence[NodeTarget | None]) -> str:
    """One target of a node whose unit changed: told apart from its unit's others, with its unit (``400 000 SEK``)."""
    if target is None:
        return ""
    same_unit = [other for other in targets if other is not None and other.unit == target.unit]
    text = _amounts(same_unit)[same_unit.index(target)]
    return text if target.target is None else text + unit_suffix(target.unit)


def _cell(target: NodeTarget | None, amount: str) -> str:
    if target is None:
        return ""
    return amount + ("*" if target.origin == "derived" and target.target is not None else "")


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
    return {"id": target.id, "title": target.title, "target": number(target.target), "unit": target.unit,
            "origin": target.origin, "derivation": target.derivation}


def to_json(history: FileHistory, row: str | None) -> dict[str, Any]:
    """``{"file", "node", "revisions": [{commit, label, date, author, subject, message, path, error, targets}]}``.

    ``targets`` maps the node's current id to ``{id, title, target, unit, origin, derivation}``
    (``id`` and ``unit`` are the node's at that revision); with a node, only that node.
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


def _change(target: NodeTarget, before: NodeTarget | None) -> str | None:
    """``+11.1 %`` or ``unchanged`` against an earlier target; ``None`` when either has no value."""
    if before is None or target.target is None or before.target is None:
        return None
    if before.unit != target.unit:  # 400 leads then 400 000 SEK: no percent compares the two
        return _p("revision", "unit changed from {old} to {new}", old=before.unit or "–", new=target.unit or "–")
    if same_number(before.target, target.target):
        return _p("revision", "unchanged")
    return format_change(relative_change(before.target, target.target)) or _p("revision", "changed")


def _target_words(target: NodeTarget, row: str, amount: str, before: _Before | None) -> str:
    """``70 (derived) as customers  +11.1 %``: the target, how it was set, its id then, and the move since it last had one.

    After revisions that could not be read or did not have the node, the move is
    told against the last revision that had it, and says so: "back" only when
    the node returns at the value it had.
    """
    if target.origin:
        value = _p("revision", "{target} ({origin})", target=amount, origin=origin_word(target.origin))
    else:
        value = _p("revision", "{target} (no target)", target=amount)
    if target.id != row:
        value += " " + _p("revision", "as {node}", node=target.id)
    if before is None:
        return value
    change = _change(target, before.target)
    unchanged = change == _p("revision", "unchanged")
    since = _label(before.revision)
    if not before.absent and not before.unread:
        words = change or ""
    elif before.absent and unchanged:
        words = _p("revision", "back, unchanged since {revision}", revision=since)
    elif before.absent:
        words = (
            _p("revision", "added again, {change} from {amount} in {revision}", change=change, amount=before.amount, revision=since)
            if change
            else _p("revision", "added again")
        )
    elif unchanged:
        words = _p("revision", "unchanged since {revision}", revision=since)
    else:
        words = (
            _p("revision", "{change} from {amount} in {revision}", change=change, amount=before.amount, revision=since)
            if change
            else ""
        )
    if before.unread:
        unread = ", ".join(_label(revision) for revision in before.unread)
        words += (" " if words else "") + _n(
            "({revisions} could not be read)", "({revisions} could not be read)", len(before.unread), revisions=unread
        )
    return f"{value}  {words}" if words else value


@dataclass
class _Before:
    """The last revision that had the node, and what came between it and the one being written."""

    revision: Revision
    target: NodeTarget
    amount: str
    unread: list[Revision] = field(default_factory=list)
    absent: bool = False


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
    amounts = _amounts([None if revision.problem else target for revision, target in entries])
    before: _Before | None = None
    authors = [revision.commit.author for revision, _ in entries if revision.commit]
    author_width = max((len(author) for author in authors), default=0)
    when_width = max([13, *(len(_when(revision)) for revision, _target in entries)])
    label_width = max([12, *(len(_label(revision)) for revision, _target in entries)])
    for (revision, target), amount in zip(entries, amounts):
        author = revision.commit.author if revision.commit else ""
        if revision.problem:
            value = _p("revision", "not evaluated: {problem}", problem=revision.problem)
            if before is not None:
                before.unread.append(revision)
        elif target is None:
            value = _p("revision", "not in this revision")
            if before is not None:
                before.absent = True
        else:
            value = _target_words(target, row, amount, before)
            before = _Before(revision, target, amount)
        line = f"{_when(revision):<{when_width}} {_label(revision):<{label_width}} {author:<{author_width}}  {value}"
        print("\n" + line.rstrip(), file=stream)
        message = revision.commit.message if revision.commit else _("uncommitted changes in the working copy")
        for line in message.splitlines():
            print(f"    {line}".rstrip(), file=stream)


def write_table(history: FileHistory, stream: IO[str]) -> None:
    """Every node's target per revision (``*`` = derived), then the revisions with their subjects."""
    count = len(history.revisions)
    heading = _n("{file}: targets in {count} revision (* = derived)", "{file}: targets in {count} revisions (* = derived)", count, file=history.path)
    print(heading + "\n", file=stream)
    header = [field_word("node")] + [_label(revision) for revision in history.revisions]
    dates = [""] + [format_date(revision.date) if revision.date else "" for revision in history.revisions]
    rows = []
    for row in history.rows:
        targets = [revision.targets.get(node_id) if node_id else None for revision, node_id in zip(history.revisions, history.ids[row])]
        rows.append([row, *(_cell(target, amount) for target, amount in zip(targets, _amounts(targets)))])
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
