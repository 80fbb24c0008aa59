"""The semantic diff in words: values, arrows and causes, and the diff as text for a terminal.

The Markdown comment (:mod:`goaltree.report.diff_markdown`) and the Mermaid
sub-tree (:mod:`goaltree.render.diff_mermaid`) say the same things with these
words, each escaping them for its own language.
"""

from __future__ import annotations

from typing import IO, Any

from goaltree.present.numbers import format_change, format_number
from goaltree.revisions.diff import Change, GoalDiff, TargetMove, to_json_value

AMOUNT_FIELDS = frozenset({"baseline", "target", "range", "milestones", "actuals"})
"""Fields whose values are amounts in the node's unit."""

QUOTED_FIELDS = frozenset({"title", "description"})
"""Fields whose values are free text, written in quotes."""


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


def unit_of(diff: GoalDiff, node_id: str) -> str | None:
    """The node's unit in the new revision, or in the old one for a removed node."""
    nodes = diff.new.evaluation.nodes
    if node_id in nodes:
        return nodes[node_id].unit
    return diff.old.evaluation.nodes[node_id].unit if node_id in diff.old.evaluation.nodes else None


def arrow(change: Change | TargetMove, unit: str | None, field: str) -> str:
    """``63 000 000 → 70 000 000 (+11.1 %)``: old and new value, and the relative change of numbers."""
    text = f"{format_value(change.old, unit, field)} → {format_value(change.new, unit, field)}"
    relative = format_change(change.relative)
    return f"{text} ({relative})" if relative else text


def title_of(diff: GoalDiff, node_id: str) -> str:
    """The node's title in the new revision."""
    return diff.new.tree.goal_file.nodes[node_id].title


def target_words(target: float | None, unit: str | None, origin: str | None) -> str | None:
    """``70 000 000`` or ``70 000 000 (derived)``; ``None`` without a target."""
    if target is None:
        return None
    return format_number(target, unit) + (" (derived)" if origin == "derived" else "")


def cause_text(diff: GoalDiff, cause: str) -> str:
    """How an edited node moved: ``revenue 63 000 000 → 70 000 000 (+11.1 %)`` or ``webinars added``."""
    if cause in diff.added:
        return f"{cause} added"
    fields = diff.changed.get(cause, {})
    if "target" in fields:
        return f"{cause} {arrow(fields['target'], unit_of(diff, cause), 'target')}"
    names = [name for name in fields if name != "target_origin"] or ["entry"]
    return f"{cause} ({', '.join(names)} changed)"


def derived_groups(diff: GoalDiff) -> list[tuple[str, list[str]]]:
    """Derived moves grouped by what caused them: ``[(cause text, [move texts])]``, in file order."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for node_id, move in diff.derived.items():
        groups.setdefault(move.because, []).append(f"{node_id} {arrow(move, unit_of(diff, node_id), 'target')}")
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


def feeds_text(ids: tuple[str, ...]) -> str:
    """The nodes a node feeds, or ``nothing (a root)``."""
    return ", ".join(ids) if ids else "nothing (a root)"


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

    section("File", [f"{name}: {arrow(change, None, name)}" for name, change in diff.file.items()])
    section("Added", [_added_line(diff, node_id) for node_id in diff.added])
    section("Removed", [_removed_line(diff, node_id) for node_id in diff.removed])
    section("Renamed", [f"{old} → {new}: {title_of(diff, new)}" for old, new in diff.renamed.items()])
    section(
        "Moved",
        [f"{node_id}: feeds {feeds_text(c.old)} → {feeds_text(c.new)}" for node_id, c in diff.reparented.items()],
    )
    changed_lines: list[str] = []
    for node_id, fields in diff.changed.items():
        changed_lines.append(f"{node_id}: {title_of(diff, node_id)}")
        unit = unit_of(diff, node_id)
        changed_lines.extend(f"    {name}: {arrow(change, unit, name)}" for name, change in fields.items())
    section("Changed", changed_lines)
    section(
        "Derived targets",
        [f"{cause} ⇒ {', '.join(moves)}" for cause, moves in derived_groups(diff)],
        count=len(diff.derived),
    )
    section("Scenarios", [f"{name}: {scenario_change_words(diff, name, change)}" for name, change in diff.scenarios.items()])


def scenario_words(diff: GoalDiff, scenario: Any) -> str:
    """What a scenario sets, each target in its node's unit: ``lead_to_customer 1.60 %, deal 1 000 000``."""
    parts = [f"{node_id} {format_value(value, unit_of(diff, node_id), 'target')}" for node_id, value in scenario.set.items()]
    return ", ".join(parts) or "nothing"


def scenario_change_words(diff: GoalDiff, name: str, change: Change) -> str:
    """``added, sets …``, ``removed, set …`` or ``sets … → …`` (and the description when it changed)."""
    if change.old is None:
        return f"added, sets {scenario_words(diff, change.new)}"
    if change.new is None:
        return f"removed, set {scenario_words(diff, change.old)}"
    words = []
    if change.old.set != change.new.set:
        words.append(f"sets {scenario_words(diff, change.old)} → {scenario_words(diff, change.new)}")
    if change.old.description != change.new.description:
        old_text = format_value(change.old.description, None, "description")
        words.append(f"description {old_text} → {format_value(change.new.description, None, 'description')}")
    return "; ".join(words)


def _added_line(diff: GoalDiff, node_id: str) -> str:
    result = diff.new.evaluation.nodes[node_id]
    parts = [f"+ {node_id}: {result.title}"]
    target = target_words(result.target, result.unit, result.target_origin)
    if target is not None:
        parts.append(f"target {target}")
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
