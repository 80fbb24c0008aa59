"""``goaltree diff OLD NEW [--format text|md|json] [--as-of DATE]``: what a revision means.

``OLD`` and ``NEW`` are paths or ``REV:PATH`` read from git (see
:func:`goaltree.revisions.git.read_goal_text`). The text format reads in a
terminal, ``md`` is a pull-request comment with a Mermaid sub-tree of what
changed, ``json`` is SPEC §6's object with a few documented extra keys.
"""

from __future__ import annotations

import argparse
import html
import sys
from typing import IO, Any

from goaltree.cli.output import format_number
from goaltree.jsontext import write_json
from goaltree.revisions.diff import Change, GoalDiff, TargetMove, relative_change, to_json_value

# Fields whose values are amounts in the node's unit.
AMOUNT_FIELDS = frozenset({"baseline", "target", "range", "milestones", "actuals"})
QUOTED_FIELDS = frozenset({"title", "description"})
MERMAID_LIMIT = 80


# --- values -------------------------------------------------------------------------------------


def format_change(relative: float | None) -> str:
    """``+11.1 %`` for a relative change, or an empty string."""
    if relative is None:
        return ""
    return f"{relative * 100:+.1f} %"


def format_value(value: Any, unit: str | None = None, field: str = "") -> str:
    """A field's value in words: amounts in the node's unit, dates in ISO, lists joined."""
    if value is None:
        return "–"
    if field in AMOUNT_FIELDS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(float(value), unit)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return format_number(float(value))
    if isinstance(value, str):
        return f'"{value}"' if field in QUOTED_FIELDS else value
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{" + ", ".join(
            f"{to_json_value(key)}: {format_value(item, unit, field)}" for key, item in value.items()
        ) + "}"
    if isinstance(value, (list, tuple)):
        if field == "range" and len(value) == 2:
            return f"[{format_value(value[0], unit, field)}, {format_value(value[1], unit, field)}]"
        return ", ".join(format_value(item, unit, field) for item in value) if value else "–"
    if field == "period" or (hasattr(value, "start") and hasattr(value, "end")):
        return f"{value.start.isoformat()}..{value.end.isoformat()}"
    converted = to_json_value(value)
    if isinstance(converted, dict):
        return ", ".join(f"{key}: {item}" for key, item in converted.items()) or "{}"
    return str(converted)


def _unit(diff: GoalDiff, node_id: str) -> str | None:
    nodes = diff.new.evaluation.nodes
    if node_id in nodes:
        return nodes[node_id].unit
    return diff.old.evaluation.nodes[node_id].unit if node_id in diff.old.evaluation.nodes else None


def _arrow(change: Change | TargetMove, unit: str | None, field: str) -> str:
    text = f"{format_value(change.old, unit, field)} → {format_value(change.new, unit, field)}"
    relative = format_change(relative_change(change.old, change.new))
    return f"{text} ({relative})" if relative else text


def _title(diff: GoalDiff, node_id: str, *, old: bool = False) -> str:
    side = diff.old if old else diff.new
    return side.tree.goal_file.nodes[node_id].title


def cause_text(diff: GoalDiff, cause: str) -> str:
    """How an edited node moved: ``revenue 63 000 000 → 70 000 000 (+11.1 %)`` or ``webinars added``."""
    if cause in diff.added:
        return f"{cause} added"
    fields = diff.changed.get(cause, {})
    if "target" in fields:
        return f"{cause} {_arrow(fields['target'], _unit(diff, cause), 'target')}"
    names = [name for name in fields if name != "target_origin"] or ["entry"]
    return f"{cause} ({', '.join(names)} changed)"


def derived_groups(diff: GoalDiff) -> list[tuple[str, list[str]]]:
    """Derived moves grouped by what caused them: ``[(cause text, [move texts])]``, in file order."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for node_id, move in diff.derived.items():
        groups.setdefault(move.because, []).append(f"{node_id} {_arrow(move, _unit(diff, node_id), 'target')}")
    result = []
    for because, moves in groups.items():
        if because:
            cause = " and ".join(cause_text(diff, node_id) for node_id in because)
        elif diff.removed:
            cause = "removing " + ", ".join(diff.removed)
        else:
            cause = "changes elsewhere in the tree"
        result.append((cause, moves))
    return result


def _feeds(ids: tuple[str, ...]) -> str:
    return ", ".join(ids) if ids else "nothing (a root)"


# --- text ----------------------------------------------------------------------------------------


def write_text(diff: GoalDiff, stream: IO[str]) -> None:
    """The diff for a terminal: one section per kind of change."""
    print(f"Goal changes: {diff.old.label} → {diff.new.label} (targets as of {diff.as_of.isoformat()})", file=stream)
    if diff.is_empty:
        print("\nNo changes in the goals.", file=stream)
        return

    def section(name: str, lines: list[str], count: int | None = None) -> None:
        if lines:
            shown = count if count is not None else len([line for line in lines if not line.startswith("    ")])
            print(f"\n{name} ({shown})", file=stream)
            for line in lines:
                print(f"  {line}", file=stream)

    section("File", [f"{name}: {_arrow(change, None, name)}" for name, change in diff.file.items()])
    section("Added", [_added_line(diff, node_id) for node_id in diff.added])
    section("Removed", [_removed_line(diff, node_id) for node_id in diff.removed])
    section("Renamed", [f"{old} → {new}: {_title(diff, new)}" for old, new in diff.renamed.items()])
    section(
        "Moved",
        [f"{node_id}: feeds {_feeds(c.old)} → {_feeds(c.new)}" for node_id, c in diff.reparented.items()],
    )
    changed_lines: list[str] = []
    for node_id, fields in diff.changed.items():
        changed_lines.append(f"{node_id}: {_title(diff, node_id)}")
        unit = _unit(diff, node_id)
        changed_lines.extend(f"    {name}: {_arrow(change, unit, name)}" for name, change in fields.items())
    section("Changed", changed_lines)
    section(
        "Derived targets",
        [f"{cause} ⇒ {', '.join(moves)}" for cause, moves in derived_groups(diff)],
        count=len(diff.derived),
    )


def _added_line(diff: GoalDiff, node_id: str) -> str:
    result = diff.new.evaluation.nodes[node_id]
    parts = [f"+ {node_id}: {result.title}"]
    if result.target is not None:
        parts.append(f"target {format_number(result.target, result.unit)}" + (" (derived)" if result.target_origin == "derived" else ""))
    if result.parents:
        parts.append(f"feeds {', '.join(result.parents)}")
    return " — ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]


def _removed_line(diff: GoalDiff, node_id: str) -> str:
    result = diff.old.evaluation.nodes[node_id]
    parts = [f"- {node_id}: {result.title}"]
    if result.target is not None:
        parts.append(f"target was {format_number(result.target, result.unit)}")
    if result.parents:
        parts.append(f"fed {', '.join(result.parents)}")
    return " — ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]


# --- markdown -------------------------------------------------------------------------------------


def md_text(text: str) -> str:
    """User text safe in a Markdown table cell: HTML escaped, Markdown punctuation and pipes escaped."""
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    for character in "\\`*_[]|~#":
        escaped = escaped.replace(character, "\\" + character)
    return escaped


def _code(node_id: str) -> str:
    return f"`{node_id}`"


def write_markdown(diff: GoalDiff, stream: IO[str]) -> None:
    """A pull-request comment: a summary line, a table per kind of change, and a Mermaid sub-tree."""
    out: list[str] = [f"### Goal changes: `{diff.old.label}` → `{diff.new.label}`", ""]
    if diff.is_empty:
        out.append("No changes in the goals.")
        stream.write("\n".join(out) + "\n")
        return
    counts = [
        (len(diff.added), "added"),
        (len(diff.removed), "removed"),
        (len(diff.renamed), "renamed"),
        (len(diff.reparented), "moved"),
        (len(diff.changed), "changed"),
        (len(diff.derived), "derived targets moved"),
    ]
    out.append(" · ".join(f"**{count}** {what}" for count, what in counts if count) or "File settings changed")
    out.append("")
    groups = derived_groups(diff)
    if groups:
        for cause, moves in groups:
            out.append(f"- {md_text(cause)} ⇒ {md_text(', '.join(moves))}")
        out.append("")

    def table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        if not rows:
            return
        out.extend([f"#### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)])
        out.extend("| " + " | ".join(row) + " |" for row in rows)
        out.append("")

    table("File", ("field", "old", "new"), [
        (name, md_text(format_value(c.old, None, name)), md_text(format_value(c.new, None, name)))
        for name, c in diff.file.items()
    ])
    table("Added", ("node", "title", "target", "feeds"), [
        (
            _code(node_id),
            md_text(r.title),
            md_text(format_number(r.target, r.unit) + (" (derived)" if r.target_origin == "derived" else "")) if r.target is not None else "–",
            md_text(", ".join(r.parents)) or "–",
        )
        for node_id in diff.added
        for r in (diff.new.evaluation.nodes[node_id],)
    ])
    table("Removed", ("node", "title", "target was"), [
        (_code(node_id), md_text(r.title), md_text(format_number(r.target, r.unit)) if r.target is not None else "–")
        for node_id in diff.removed
        for r in (diff.old.evaluation.nodes[node_id],)
    ])
    table("Renamed", ("old id", "new id", "title"), [
        (_code(old), _code(new), md_text(_title(diff, new))) for old, new in diff.renamed.items()
    ])
    table("Moved", ("node", "fed", "feeds"), [
        (_code(node_id), md_text(_feeds(c.old)), md_text(_feeds(c.new))) for node_id, c in diff.reparented.items()
    ])
    rows = []
    for node_id, fields in diff.changed.items():
        unit = _unit(diff, node_id)
        for name, change in fields.items():
            rows.append(
                (
                    _code(node_id),
                    name,
                    md_text(format_value(change.old, unit, name)),
                    md_text(format_value(change.new, unit, name)),
                    format_change(change.relative),
                )
            )
    table("Changed", ("node", "field", "old", "new", "change"), rows)
    table("Derived targets", ("node", "old", "new", "change", "because"), [
        (
            _code(node_id),
            md_text(format_number(move.old, _unit(diff, node_id))),
            md_text(format_number(move.new, _unit(diff, node_id))),
            format_change(move.relative),
            ", ".join(_code(cause) for cause in move.because) or "–",
        )
        for node_id, move in diff.derived.items()
    ])
    chart = mermaid(diff)
    if chart:
        out.extend(["#### What changed in the tree", "", "```mermaid", chart, "```", ""])
    stream.write("\n".join(out).rstrip("\n") + "\n")


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: entity codes for quotes, angle brackets, backticks, #."""
    replacements = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;", "&": "#38;"}
    return "".join(replacements.get(character, character) for character in " ".join(str(text).split()))


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def mermaid(diff: GoalDiff) -> str:
    """A Mermaid flowchart of the changed nodes, their parents for context, and removed nodes (dashed)."""
    new_tree = diff.new.tree
    touched = list(diff.touched())
    if not touched and not diff.removed:
        return ""
    context = []
    if len(touched) < MERMAID_LIMIT:
        context = [p for p in new_tree.goal_file.nodes if p not in touched and any(p in new_tree.parents.get(n, ()) for n in touched)]
        context += [p for p in new_tree.goal_file.nodes if p not in touched and p not in context and any(
            diff.renamed.get(q, q) == p for r in diff.removed for q in diff.old.tree.parents.get(r, ()))]
    shown = [n for n in new_tree.goal_file.nodes if n in touched or n in context]
    lines = ["flowchart TD"]
    for node_id in shown:
        result = diff.new.evaluation.nodes[node_id]
        notes: list[str] = []
        if node_id in diff.added:
            kind = "added"
            notes.append("added" + (f", target {format_number(result.target, result.unit)}" if result.target is not None else ""))
        elif node_id in diff.changed or node_id in diff.renamed.values() or node_id in diff.reparented:
            kind = "changed"
            if node_id in diff.renamed.values():
                notes.append(f"was {diff.old_id(node_id)}")
            fields = diff.changed.get(node_id, {})
            if "target" in fields:
                notes.append(f"target {_arrow(fields['target'], result.unit, 'target')}")
            other = [
                name for name in fields
                if name not in ("target", "target_origin") and not (name == "parent" and node_id in diff.reparented)
            ]
            if other:
                notes.append(", ".join(other) + " changed")
            if node_id in diff.reparented:
                notes.append("moved")
        elif node_id in diff.derived:
            kind = "derived"
            notes.append(f"target {_arrow(diff.derived[node_id], result.unit, 'target')}")
        else:
            kind = "context"
        label = "<br/>".join([f"<b>{mermaid_text(node_id)}</b> {mermaid_text(_short(result.title))}"] + [mermaid_text(n) for n in notes])
        lines.append(f'  n_{node_id}["{label}"]:::{kind}')
    old_tree = diff.old.tree
    for node_id in diff.removed:
        title = old_tree.goal_file.nodes[node_id].title
        lines.append(f'  r_{node_id}["<b>{mermaid_text(node_id)}</b> {mermaid_text(_short(title))}<br/>removed"]:::removed')
    shown_set = set(shown)
    for node_id in shown:
        for child in new_tree.children(node_id):
            if child in shown_set:
                lines.append(f"  n_{node_id} --> n_{child}")
    for node_id in diff.removed:
        for parent in old_tree.parents.get(node_id, ()):
            parent = diff.renamed.get(parent, parent)
            if parent in shown_set:
                lines.append(f"  n_{parent} -.-> r_{node_id}")
            elif parent in diff.removed:
                lines.append(f"  r_{parent} -.-> r_{node_id}")
    lines.extend(
        [
            "  classDef added fill:#dcfce7,stroke:#16a34a",
            "  classDef changed fill:#fef9c3,stroke:#ca8a04",
            "  classDef derived fill:#e0e7ff,stroke:#4f46e5",
            "  classDef removed fill:#fee2e2,stroke:#dc2626,stroke-dasharray:4 3",
            "  classDef context fill:#f3f4f6,stroke:#9ca3af",
        ]
    )
    return "\n".join(lines)


# --- the command -------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from goaltree.revisions.diff import diff_revisions

    diff = diff_revisions(args.old, args.new, as_of=args.as_of)
    if args.format == "json":
        write_json(diff.to_json(), sys.stdout)
    elif args.format == "md":
        write_markdown(diff, sys.stdout)
    else:
        write_text(diff, sys.stdout)
    return 0
