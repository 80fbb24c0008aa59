"""The semantic diff in words: values, arrows and causes, and the diff as text for a terminal.

The Markdown comment (:mod:`goaltree.report.diff_markdown`) and the Mermaid
sub-tree (:mod:`goaltree.render.diff_mermaid`) say the same things with these
words, each escaping them for its own language.
"""

from __future__ import annotations

from typing import IO, Any

from goaltree.model import Thresholds
from goaltree.present.language import _, _p, format_date
from goaltree.present.numbers import format_change, format_number, format_number_pair
from goaltree.present.terms import joined_with_and
from goaltree.revisions.diff import GoalDiff
from goaltree.revisions.diff_values import (
    Amount,
    Change,
    Default,
    TargetMove,
    comparable_units,
    fraction,
    percent_scale,
    to_json_value,
)

AMOUNT_FIELDS = frozenset({"baseline", "target", "range", "milestones", "actuals"})
"""Fields whose values are amounts in the node's unit."""

QUOTED_FIELDS = frozenset({"title", "description"})
"""Fields whose values are free text, written in quotes."""


def format_value(value: Any, unit: str | None = None, field: str = "") -> str:
    """A field's value in words: amounts in the node's unit (an :class:`Amount` in its own), dates in ISO, lists joined."""
    if value is None:
        return "–"
    if isinstance(value, Amount):
        return format_number(float(value), value.unit)
    if isinstance(value, Default):
        return _default_words(value, unit, field)
    if isinstance(value, Thresholds):
        # Both values, the ones the file leaves out marked: `{}` would not say what they are.
        return ", ".join(
            f"{name}: " + _marked_default(format_value(getattr(value, name)), getattr(value, name) == info.default)
            for name, info in Thresholds.model_fields.items()
        )
    if field in AMOUNT_FIELDS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(float(value), unit)
    if isinstance(value, bool):
        return _p("revision", "yes") if value else _p("revision", "no")
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


def _default_words(value: Default, unit: str | None, field: str) -> str:
    """``2027-12-31 (default: the period's end)``, ``sum (default)``; a default that is nothing is ``–``."""
    if value.value is None:
        return "–"
    shown = format_value(value.value, unit, field)
    if value.source == "period_end":
        return _p("revision", "{value} (default: the period's end)", value=shown)
    if value.source == "file_owner":
        return _p("revision", "{value} (default: the file's owner)", value=shown)
    return _marked_default(shown, True)


def _marked_default(text: str, default: bool) -> str:
    return _p("revision", "{value} (default)", value=text) if default else text


def format_values(old: Any, new: Any, unit: str | None = None, field: str = "") -> tuple[str, str]:
    """:func:`format_value` of a change's two sides; two numbers that differ never read the same.

    Each side is written in its own unit. A ``%`` and a ``ratio`` read alike (``5.00 %`` either way),
    so the old side is written as the new unit reads it, to get the decimals that tell them apart.
    """
    if isinstance(old, Amount) and isinstance(new, Amount):
        if not comparable_units(old.unit, new.unit):
            return format_number(float(old), old.unit), format_number(float(new), new.unit)
        old_in_new = fraction(old, old.unit) * percent_scale(new.unit) if old.unit != new.unit else float(old)  # type: ignore[operator]
        return format_number_pair(old_in_new, float(new), new.unit)
    if _is_figure(old) and _is_figure(new):
        return format_number_pair(float(old), float(new), unit if field in AMOUNT_FIELDS else None)
    return format_value(old, unit, field), format_value(new, unit, field)


def _is_figure(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def unit_of(diff: GoalDiff, node_id: str) -> str | None:
    """The node's unit in the new revision, or in the old one for a removed node."""
    nodes = diff.new.evaluation.nodes
    if node_id in nodes:
        return nodes[node_id].unit
    return diff.old.evaluation.nodes[node_id].unit if node_id in diff.old.evaluation.nodes else None


def arrow(change: Change | TargetMove, unit: str | None, field: str) -> str:
    """``63 000 000 → 70 000 000 (+11.1 %)``: old and new value, and the relative change of numbers."""
    old_text, new_text = format_values(change.old, change.new, unit, field)
    text = f"{old_text} → {new_text}"
    relative = format_change(change.relative)
    return f"{text} ({relative})" if relative else text


def title_of(diff: GoalDiff, node_id: str) -> str:
    """The node's title in the new revision."""
    return diff.new.tree.goal_file.nodes[node_id].title


def target_words(target: float | None, unit: str | None, origin: str | None) -> str | None:
    """``70 000 000`` or ``70 000 000 (derived)``; ``None`` without a target."""
    if target is None:
        return None
    amount = format_number(target, unit)
    return _p("revision", "{target} (derived)", target=amount) if origin == "derived" else amount


def cause_text(diff: GoalDiff, cause: str) -> str:
    """How an edited node moved: ``revenue 63 000 000 → 70 000 000 (+11.1 %)``, ``webinars added`` or
    ``moving partner from pipeline to brand``."""
    if cause in diff.added:
        return _p("revision", "{node} added", node=cause)
    fields = diff.changed.get(cause, {})
    if "parent" in fields and cause in diff.reparented:
        # Its siblings' targets follow the move (the child left or joined), not its own target.
        feeds = diff.reparented[cause]
        return _p("revision", "moving {node} from {old} to {new}", node=cause, old=feeds_text(feeds.old), new=feeds_text(feeds.new))
    if "target" in fields:
        return f"{cause} {arrow(fields['target'], unit_of(diff, cause), 'target')}"
    names = [name for name in fields if name != "target_origin"] or ["entry"]
    return _p("revision", "{node} ({fields} changed)", node=cause, fields=", ".join(names))


def derived_groups(diff: GoalDiff) -> list[tuple[str, list[str]]]:
    """Derived moves grouped by what caused them: ``[(cause text, [move texts])]``, in file order."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for node_id, move in diff.derived.items():
        groups.setdefault(move.because, []).append(f"{node_id} {arrow(move, unit_of(diff, node_id), 'target')}")
    result = []
    for because, moves in groups.items():
        if because:
            cause = joined_with_and([cause_text(diff, node_id) for node_id in because])
        elif diff.removed:
            cause = _p("revision", "removing {nodes}", nodes=", ".join(diff.removed))
        else:
            cause = _("changes elsewhere in the tree")
        result.append((cause, moves))
    return result


def feeds_text(ids: tuple[str, ...]) -> str:
    """The nodes a node feeds, or ``nothing (a root)``."""
    return ", ".join(ids) if ids else _p("revision", "nothing (a root)")


def write_text(diff: GoalDiff, stream: IO[str]) -> None:
    """The diff for a terminal: one section per kind of change."""
    heading = _(
        "Goal changes: {old} → {new} (targets as of {date})", old=diff.old.label, new=diff.new.label, date=format_date(diff.as_of)
    )
    print(heading, file=stream)
    if diff.is_empty:
        print("\n" + _("No changes in the goals."), file=stream)
        return

    def section(name: str, lines: list[str], count: int | None = None) -> None:
        if lines:
            shown = count if count is not None else len([line for line in lines if not line.startswith("    ")])
            print(f"\n{name} ({shown})", file=stream)
            for line in lines:
                print(f"  {line}", file=stream)

    section(_p("revision", "File"), [f"{name}: {arrow(change, None, name)}" for name, change in diff.file.items()])
    section(_p("revision", "Added"), [_added_line(diff, node_id) for node_id in diff.added])
    section(_p("revision", "Removed"), [_removed_line(diff, node_id) for node_id in diff.removed])
    section(_p("revision", "Renamed"), [f"{old} → {new}: {title_of(diff, new)}" for old, new in diff.renamed.items()])
    section(
        _p("revision", "Moved"),
        [
            _("{node}: feeds {old} → {new}", node=node_id, old=feeds_text(c.old), new=feeds_text(c.new))
            for node_id, c in diff.reparented.items()
        ],
    )
    changed_lines: list[str] = []
    for node_id, fields in diff.changed.items():
        changed_lines.append(f"{node_id}: {title_of(diff, node_id)}")
        unit = unit_of(diff, node_id)
        changed_lines.extend(f"    {name}: {arrow(change, unit, name)}" for name, change in fields.items())
    section(_p("revision", "Changed"), changed_lines)
    section(
        _p("revision", "Derived targets"),
        [f"{cause} ⇒ {', '.join(moves)}" for cause, moves in derived_groups(diff)],
        count=len(diff.derived),
    )
    section(_p("revision", "Scenarios"), [f"{name}: {scenario_change_words(diff, name, change)}" for name, change in diff.scenarios.items()])


def scenario_words(diff: GoalDiff, scenario: Any, *, old: bool = False) -> str:
    """What a scenario sets, each target in its node's unit: ``lead_to_customer 1.60 %, deal 1 000 000``.

    ``old``: the scenario is the old revision's, so its values are in the old revision's units.
    """
    if old:
        nodes = diff.old.evaluation.nodes
        units = {node_id: nodes[node_id].unit if node_id in nodes else unit_of(diff, node_id) for node_id in scenario.set}
    else:
        units = {node_id: unit_of(diff, node_id) for node_id in scenario.set}
    parts = [f"{node_id} {format_value(value, units[node_id], 'target')}" for node_id, value in scenario.set.items()]
    return ", ".join(parts) or _p("revision", "nothing")


def scenario_change_words(diff: GoalDiff, name: str, change: Change) -> str:
    """``added, sets …``, ``removed, set …`` or ``sets … → …`` (and the description when it changed)."""
    if change.old is None:
        return _("added, sets {targets}", targets=scenario_words(diff, change.new))
    if change.new is None:
        return _("removed, set {targets}", targets=scenario_words(diff, change.old, old=True))
    words = []
    old_sets, new_sets = scenario_words(diff, change.old, old=True), scenario_words(diff, change.new)
    # A listed scenario with the same description changed what it sets; else the sets are told only
    # where they read differently (5 in `%` and 0.05 once the node is a `ratio` are the same 5 %).
    if change.old.description == change.new.description or old_sets != new_sets:
        words.append(_p("revision", "sets {old} → {new}", old=old_sets, new=new_sets))
    if change.old.description != change.new.description:
        old_text = format_value(change.old.description, None, "description")
        new_text = format_value(change.new.description, None, "description")
        words.append(_p("revision", "description {old} → {new}", old=old_text, new=new_text))
    return "; ".join(words)


def _added_line(diff: GoalDiff, node_id: str) -> str:
    result = diff.new.evaluation.nodes[node_id]
    parts = [f"+ {node_id}: {result.title}"]
    target = target_words(result.target, result.unit, result.target_origin)
    if target is not None:
        parts.append(_p("revision", "target {target}", target=target))
    if result.parents:
        parts.append(_p("revision", "feeds {nodes}", nodes=", ".join(result.parents)))
    return " — ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]


def _removed_line(diff: GoalDiff, node_id: str) -> str:
    result = diff.old.evaluation.nodes[node_id]
    parts = [f"- {node_id}: {result.title}"]
    if result.target is not None:
        parts.append(_p("revision", "target was {target}", target=format_number(result.target, result.unit)))
    if result.parents:
        parts.append(_p("revision", "fed {nodes}", nodes=", ".join(result.parents)))
    return " — ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]
