"""What a revision changed, as a pull-request comment in Markdown.

A summary line, the derived moves grouped by cause, a table per kind of
change, and a Mermaid sub-tree of what changed. Every user string (titles,
owners, units, the revision labels) goes through
:mod:`goaltree.present.escape`, so a ``|`` or a line break cannot break a
table and ``<script>`` is text.
"""

from __future__ import annotations

from typing import IO

from goaltree.present.escape import markdown_code, markdown_text
from goaltree.present.language import _, _n, _p
from goaltree.present.numbers import format_change, format_number, format_number_pair
from goaltree.present.terms import field_word
from goaltree.render.diff_mermaid import diff_mermaid
from goaltree.revisions.diff import GoalDiff
from goaltree.revisions.diff_text import (
    derived_groups,
    feeds_text,
    format_values,
    scenario_change_words,
    target_words,
    title_of,
    unit_of,
)


def _table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A Markdown table under a heading; nothing for no rows. Cells must already be escaped."""
    if not rows:
        return []
    lines = [f"#### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    lines.append("")
    return lines


def _summary(diff: GoalDiff) -> str:
    # Each count is one counted text, so that a language may agree its word with the number.
    parts = [
        _n("**{count}** added", "**{count}** added", len(diff.added)) if diff.added else "",
        _n("**{count}** removed", "**{count}** removed", len(diff.removed)) if diff.removed else "",
        _n("**{count}** renamed", "**{count}** renamed", len(diff.renamed)) if diff.renamed else "",
        _n("**{count}** moved", "**{count}** moved", len(diff.reparented)) if diff.reparented else "",
        _n("**{count}** changed", "**{count}** changed", len(diff.changed)) if diff.changed else "",
        _n("**{count}** derived targets moved", "**{count}** derived targets moved", len(diff.derived)) if diff.derived else "",
        _n("**{count}** scenarios changed", "**{count}** scenarios changed", len(diff.scenarios)) if diff.scenarios else "",
    ]
    return " · ".join(part for part in parts if part) or _("File settings changed")


def _change_rows(diff: GoalDiff) -> list[tuple[str, ...]]:
    rows = []
    for node_id, fields in diff.changed.items():
        unit = unit_of(diff, node_id)
        for name, change in fields.items():
            old_text, new_text = format_values(change.old, change.new, unit, name)
            rows.append(
                (
                    markdown_code(node_id),
                    name,  # goaltree's own field names: plain words, nothing to escape
                    markdown_text(old_text),
                    markdown_text(new_text),
                    format_change(change.relative),
                )
            )
    return rows


def write_markdown(diff: GoalDiff, stream: IO[str]) -> None:
    """Write the pull-request comment: a summary line, a table per kind of change, and a Mermaid sub-tree."""
    heading = _("Goal changes: {old} → {new}", old=markdown_code(diff.old.label), new=markdown_code(diff.new.label))
    out: list[str] = [f"### {heading}", ""]
    if diff.is_empty:
        out.append(_("No changes in the goals."))
        stream.write("\n".join(out) + "\n")
        return
    out += [_summary(diff), ""]
    groups = derived_groups(diff)
    if groups:
        out.extend(f"- {markdown_text(cause)} ⇒ {markdown_text(', '.join(moves))}" for cause, moves in groups)
        out.append("")
    node, old, new, title = field_word("node"), _p("revision", "old"), _p("revision", "new"), _p("revision", "title")
    out += _table(_p("revision", "File"), (_p("revision", "field"), old, new), [
        (name, *(markdown_text(text) for text in format_values(c.old, c.new, None, name)))
        for name, c in diff.file.items()
    ])
    added = [diff.new.evaluation.nodes[node_id] for node_id in diff.added]
    out += _table(_p("revision", "Added"), (node, title, field_word("target"), _p("revision", "feeds")), [
        (
            markdown_code(r.id),
            markdown_text(r.title),
            markdown_text(target_words(r.target, r.unit, r.target_origin) or "–"),
            markdown_text(", ".join(r.parents) or "–"),
        )
        for r in added
    ])
    removed = [diff.old.evaluation.nodes[node_id] for node_id in diff.removed]
    out += _table(_p("revision", "Removed"), (node, title, _p("revision", "target was")), [
        (markdown_code(r.id), markdown_text(r.title), markdown_text(format_number(r.target, r.unit)))
        for r in removed
    ])
    out += _table(_p("revision", "Renamed"), (_p("revision", "old id"), _p("revision", "new id"), title), [
        (markdown_code(old), markdown_code(new), markdown_text(title_of(diff, new))) for old, new in diff.renamed.items()
    ])
    out += _table(_p("revision", "Moved"), (node, _p("revision", "fed"), _p("revision", "feeds")), [
        (markdown_code(node_id), markdown_text(feeds_text(c.old)), markdown_text(feeds_text(c.new)))
        for node_id, c in diff.reparented.items()
    ])
    change_word = _p("revision", "change")
    out += _table(_p("revision", "Changed"), (node, _p("revision", "field"), old, new, change_word), _change_rows(diff))
    out += _table(_p("revision", "Derived targets"), (node, old, new, change_word, _p("revision", "because")), [
        (
            markdown_code(node_id),
            *(markdown_text(text) for text in format_number_pair(move.old, move.new, unit_of(diff, node_id))),
            format_change(move.relative),
            ", ".join(markdown_code(cause) for cause in move.because) or "–",
        )
        for node_id, move in diff.derived.items()
    ])
    out += _table(_p("revision", "Scenarios"), (_p("revision", "scenario"), change_word), [
        (markdown_code(name), markdown_text(scenario_change_words(diff, name, change)))
        for name, change in diff.scenarios.items()
    ])
    chart = diff_mermaid(diff)
    if chart:
        out.extend(["#### " + _("What changed in the tree"), "", "```mermaid", chart, "```", ""])
    stream.write("\n".join(out).rstrip("\n") + "\n")
