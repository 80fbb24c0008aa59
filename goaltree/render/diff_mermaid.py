"""What a revision changed, as a Mermaid flowchart for a pull-request comment.

The changed nodes are drawn with their parents for context, and removed nodes
dashed. User text (titles, ids) goes through
:func:`goaltree.present.escape.mermaid_text`, as in the tree's own diagram.
"""

from __future__ import annotations

from goaltree.present.escape import mermaid_text
from goaltree.present.language import _p
from goaltree.present.numbers import format_number
from goaltree.revisions.diff import GoalDiff
from goaltree.revisions.diff_text import arrow

MERMAID_LIMIT = 80
"""With this many touched nodes or more, their parents are not drawn for context."""

TITLE_LENGTH = 40
"""A longer title is cut with an ellipsis."""

_CLASSES = (
    "  classDef added fill:#dcfce7,stroke:#16a34a",
    "  classDef changed fill:#fef9c3,stroke:#ca8a04",
    "  classDef derived fill:#e0e7ff,stroke:#4f46e5",
    "  classDef removed fill:#fee2e2,stroke:#dc2626,stroke-dasharray:4 3",
    "  classDef context fill:#f3f4f6,stroke:#9ca3af",
)


def _short(text: str, width: int = TITLE_LENGTH) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _notes(diff: GoalDiff, node_id: str) -> tuple[str, list[str]]:
    """The node's class (added, changed, derived, context) and what happened to it, in words."""
    result = diff.new.evaluation.nodes[node_id]
    notes: list[str] = []
    if node_id in diff.added:
        if result.target is None:
            return "added", [_p("revision", "added")]
        return "added", [_p("revision", "added, target {target}", target=format_number(result.target, result.unit))]
    if node_id in diff.changed or node_id in diff.renamed.values() or node_id in diff.reparented:
        if node_id in diff.renamed.values():
            notes.append(_p("revision", "was {node}", node=diff.old_id(node_id)))
        fields = diff.changed.get(node_id, {})
        if "target" in fields:
            notes.append(_p("revision", "target {target}", target=arrow(fields["target"], result.unit, "target")))
        other = [
            name
            for name in fields
            if name not in ("target", "target_origin") and not (name == "parent" and node_id in diff.reparented)
        ]
        if other:
            notes.append(_p("revision", "{fields} changed", fields=", ".join(other)))
        if node_id in diff.reparented:
            notes.append(_p("revision", "moved"))
        return "changed", notes
    if node_id in diff.derived:
        return "derived", [_p("revision", "target {target}", target=arrow(diff.derived[node_id], result.unit, "target"))]
    return "context", notes


def diff_mermaid(diff: GoalDiff) -> str:
    """A Mermaid flowchart of the changed nodes, their parents for context, and removed nodes (dashed).

    Returns:
        The flowchart's source, or an empty string when no node changed.
    """
    new_tree = diff.new.tree
    touched = list(diff.touched())
    if not touched and not diff.removed:
        return ""
    context: list[str] = []
    if len(touched) < MERMAID_LIMIT:
        context = [
            p for p in new_tree.goal_file.nodes
            if p not in touched and any(p in new_tree.parents.get(n, ()) for n in touched)
        ]
        context += [
            p for p in new_tree.goal_file.nodes
            if p not in touched and p not in context
            and any(diff.renamed.get(q, q) == p for r in diff.removed for q in diff.old.tree.parents.get(r, ()))
        ]
    shown = [n for n in new_tree.goal_file.nodes if n in touched or n in context]
    lines = ["flowchart TD"]
    for node_id in shown:
        kind, notes = _notes(diff, node_id)
        title = diff.new.evaluation.nodes[node_id].title
        heading = f"<b>{mermaid_text(node_id, beside_markup=True)}</b> {mermaid_text(_short(title), beside_markup=True)}"
        label = "<br/>".join([heading] + [mermaid_text(note, beside_markup=True) for note in notes])
        lines.append(f'  n_{node_id}["{label}"]:::{kind}')
    old_tree = diff.old.tree
    for node_id in diff.removed:
        title = old_tree.goal_file.nodes[node_id].title
        heading = f"<b>{mermaid_text(node_id, beside_markup=True)}</b> {mermaid_text(_short(title), beside_markup=True)}"
        removed = mermaid_text(_p("revision", "removed"), beside_markup=True)
        lines.append(f'  r_{node_id}["{heading}<br/>{removed}"]:::removed')
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
    lines.extend(_CLASSES)
    return "\n".join(lines)
