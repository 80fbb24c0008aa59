"""Rollover: next period's goal file from this one, finished goals renewed, running goals carried over.

The old file is evaluated at the hand-over date (the day before the new period
starts, or the old period's end if that is earlier) with its actuals, and every
node is carried into the new period:

- **Finished goals** (deadline on or before the hand-over): the period is over,
  so the new period keeps the target — a flow's at the same pace over the new
  period's length — with last period's total (a flow) or level (a stock) as
  the baseline; the deadline and milestones move with the period. Achieved
  ones are tagged as below. ``carry_rule="remaining"`` (``--carry remaining``)
  treats the open flows among them (declared target, not achieved) as still
  running instead; an achieved flow or a level is renewed as without it.
- **Open flows** still running (``aggregate: sum`` with a declared target, not achieved): the
  new target is the remaining amount, ``target − actual``. When the old
  deadline lies beyond the new period's end, the new period takes the share of
  the remaining amount that falls in it at an even pace (the rest is left for
  the period after). A cap (``direction: decrease``) that is already spent has
  nothing remaining: it carries over at its old pace instead.
- **Open levels** (``last``, ``mean``, …): the baseline becomes the level
  reached; the target is kept.
- **Achieved goals** are tagged ``achieved-<old period>`` and kept — other
  nodes' formulas and rollups depend on them. An achieved level becomes
  ``direction: maintain`` at its target (with ``range`` from the target to the
  level reached when that is further); an achieved flow gets the old target's
  pace over the new period's length.
- **Assumptions** (drivers that are not measured, like an average order value)
  and nodes without a declared target keep their entries: derived targets are
  derived again in the new file.

Baselines follow SPEC §1: for a measured level the level reached, for a flow
the old period's total scaled to the new period's length (an unmeasured
flow's old baseline, a total over as long as the old period, is scaled the
same way). Inline actuals before the new period are dropped, milestones
outside it are dropped (those of a flow re-based on what is already reached),
deadlines outside it move to its end. A title that stated the old target
states the new one; its old deadline becomes the new one, and a title that
states an amount not the node's own keeps its period and is flagged for
review (:mod:`goaltree.revisions.rollover_titles`). Each carried node's
``description`` says how its target was set, and the file keeps its header
comments.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from goaltree.engine.results import Evaluation
from goaltree.errors import GoaltreeError
from goaltree.graph import GoalTree
from goaltree.model import Node, Period
from goaltree.present.language import _, _n, _p, format_date
from goaltree.present.numbers import format_number
from goaltree.revisions.rollover_carry import (
    Carry,
    Rollover,
    _carry_node,
    _clean,
    _milestones,
    _renewed_milestones,
    _slug,
    is_open_flow,
    is_rollover_note,
    rollover_note,
)
from goaltree.revisions.rollover_output import _Flow, _FlowList, _short_flow, dump_yaml, header_comments, to_json_text
from goaltree.revisions.rollover_titles import RenewedTitle, foreign_amounts, renew_title, replace_label
from goaltree.revisions.rollover_periods import (
    default_output,
    handover_date,
    is_finished,
    parse_period,
    period_label,
    period_slug,
    renewed_deadline,
)

__all__ = [
    "Carry",
    "CarryRule",
    "Rollover",
    "default_output",
    "dump_yaml",
    "handover_date",
    "header_comments",
    "parse_period",
    "period_label",
    "rollover",
    "to_json_text",
]

CarryRule = Literal["target", "remaining"]


# --- writing the new file -------------------------------------------------------------------------------


def _retitle(text: str, old_label: str, new_label: str) -> str:
    replaced = replace_label(text, old_label, new_label)
    return replaced if replaced != text else f"{text} ({new_label})"


def _reid(tree_id: str, old: Period, new: Period) -> str:
    old_slug, new_slug = period_slug(old).replace("_", "-"), period_slug(new).replace("_", "-")
    if tree_id.endswith(f"-{old_slug}") or tree_id == old_slug:
        return tree_id[: len(tree_id) - len(old_slug)] + new_slug
    return f"{tree_id}-{new_slug}"


def _describe(existing: str | None, note: str) -> str:
    paragraphs = [p for p in (existing or "").split("\n\n") if p.strip() and not is_rollover_note(p)]
    return "\n\n".join([*paragraphs, note])


def _place(mapping: dict[str, Any], key: str, value: Any, order: list[str]) -> None:
    """Set ``key``, keeping the file's key order; a new key goes before the first key that follows it in ``order``.

    ``None`` removes the key.
    """
    if value is None:
        mapping.pop(key, None)
        return
    if key in mapping:
        mapping[key] = value
        return
    position = order.index(key)
    items = list(mapping.items())
    index = next(
        (i for i, (existing, _) in enumerate(items) if existing in order and order.index(existing) > position),
        len(items),
    )
    items.insert(index, (key, value))
    mapping.clear()
    mapping.update(items)


def _leaves_project(project: Path, raw_path: str) -> bool:
    """Whether the new file's source path leads outside its folder (links followed): what loading that file will refuse (E018).

    Only that: a path into a hidden folder is refused too when the file is
    loaded, with its own reason, and is not "outside".
    """
    try:
        resolved = (project / raw_path).resolve()
        return not resolved.is_relative_to(project.resolve())
    except (OSError, RuntimeError):  # a loop of links: loading says so
        return False


def _moved_sources(raw_sources: Any, source_folder: Path, output_folder: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """Source entries with file paths re-pointed from ``output_folder``, and warnings about the rest."""
    if not isinstance(raw_sources, dict) or source_folder.resolve() == output_folder.resolve():
        return None, []
    moved: dict[str, Any] = {}
    warnings: list[str] = []
    for name, entry in raw_sources.items():
        entry = dict(entry) if isinstance(entry, dict) else entry
        kind = entry.get("type") if isinstance(entry, dict) else None
        raw_path = entry.get("path") if isinstance(entry, dict) else None
        if kind in ("csv", "parquet") and isinstance(raw_path, str) and "${" not in raw_path and not Path(raw_path).is_absolute():
            target = os.path.relpath(os.path.abspath(source_folder / raw_path), os.path.abspath(output_folder))
            entry["path"] = Path(target).as_posix()
            if not entry.get("allow_outside_project") and _leaves_project(output_folder, entry["path"]):
                warnings.append(
                    _(
                        "source '{source}': {path} is outside the new file's folder; "
                        "set `allow_outside_project: true` on it or write the new file next to the old one",
                        source=name, path=entry["path"],
                    )
                )
        elif kind == "sql" and isinstance(entry.get("url"), str) and entry["url"].startswith("sqlite:///") and not entry["url"].startswith("sqlite:////"):
            warnings.append(
                _("source '{source}': the relative SQLite path in its url may need adjusting for the new file's folder", source=name)
            )
        moved[name] = entry
    return moved, warnings


def rollover(
    tree: GoalTree,
    evaluation: Evaluation,
    new: Period,
    *,
    source_text: str,
    source_name: str,
    output_folder: Path | None = None,
    carry_rule: CarryRule = "target",
) -> Rollover:
    """Build the next period's goal file from an evaluated one.

    Args:
        tree: The old goal file, built.
        evaluation: Its evaluation at the hand-over date (with actuals from its sources).
        new: The new period.
        source_text: The old file's text (for its header comments and field order).
        source_name: How to name the old file in the header.
        output_folder: Where the new file goes; relative csv and parquet paths are re-pointed
            from there when it differs from the old file's folder.
        carry_rule: ``target``: a goal whose deadline has passed at the hand-over keeps
            its target in the new period (a flow's at the same pace), and only goals
            still running carry what remains; ``remaining``: every open flow carries
            what remains, finished or not.

    Raises:
        GoaltreeError: The new period does not move forward, or the evaluation date is past it.
    """
    from goaltree.goalfile import parse_document

    goal_file = tree.goal_file
    old = goal_file.period
    as_of = evaluation.as_of
    if new.start <= old.start:
        raise GoaltreeError(
            _(
                "--to {period} starts on {start}, not after the old period's start {old_start}; "
                "rollover moves a goal file forward",
                period=period_label(new), start=new.start, old_start=old.start,
            )
        )
    if as_of >= new.end:
        raise GoaltreeError(_("--as-of {date} is not before the new period's end {end}", date=as_of, end=new.end))
    raw, problems = parse_document(source_text, source_name)
    if problems or not isinstance(raw, dict):
        raise GoaltreeError(_("{file}: cannot be read again to write the new file", file=source_name))
    old_label, new_label = period_label(old), period_label(new)

    document: dict[str, Any] = dict(raw)
    document["id"] = _reid(goal_file.id, old, new)
    document["title"] = _retitle(goal_file.title, old_label, new_label)
    document["period"] = _Flow({"start": new.start, "end": new.end})
    if isinstance(document.get("thresholds"), dict):
        document["thresholds"] = _Flow(document["thresholds"])
    warnings: list[str] = []
    if output_folder is not None and tree.path is not None:
        moved, warnings = _moved_sources(raw.get("sources"), tree.path.parent, output_folder)
        if moved is not None:
            document["sources"] = moved
    order = list(Node.model_fields)
    carried: list[Carry] = []
    nodes: dict[str, Any] = {}
    renewed: dict[str, RenewedTitle] = {}
    for node_id, node in goal_file.nodes.items():
        entry = dict(raw["nodes"][node_id])
        result = evaluation.nodes[node_id]
        # `--carry remaining` runs the remaining-amount rule on every *open* flow, finished or not;
        # an achieved flow, a level or a goal with nothing declared is finished as without it.
        finished = is_finished(node, old, new) and not (carry_rule == "remaining" and is_open_flow(node, result))
        carry, updates = _carry_node(
            node_id,
            node,
            result,
            old=old,
            new=new,
            as_of=as_of,
            old_label=old_label,
            finished=finished,
        )
        carried.append(carry)
        deadline = node.deadline
        flow = tree.aggregate_of[node_id] == "sum"
        if finished and carry.action != "assumption":
            new_deadline: dt.date | None = renewed_deadline(deadline or old.end, old, new)
            milestones = _renewed_milestones(node, carry, old, new, new_deadline or new.end, flow)
        else:
            new_deadline = deadline if deadline is not None and new.start <= deadline <= new.end else None
            milestones = _milestones(node, carry, new, new_deadline or new.end, flow)
        updates["deadline"] = new_deadline if new_deadline != new.end else None
        updates["milestones"] = milestones
        actuals = {date: _clean(value) for date, value in sorted(node.actuals.items()) if date >= new.start}
        updates["actuals"] = _Flow(actuals) if actuals else None
        if carry.note:
            updates["description"] = _describe(node.description, carry.note)
        renewed[node_id] = renew_title(
            node.title, old_label, new_label, old_deadline=deadline or old.end, new_deadline=new_deadline or new.end,
            new_start=new.start, file_language=goal_file.language,
        )
        if renewed[node_id].title != node.title:
            updates["title"] = renewed[node_id].title
        for key in order:
            if key in updates:
                value = updates[key]
                if key == "milestones" and value:
                    value = _Flow({date: _clean(amount) for date, amount in value.items()})
                elif key == "range" and value:
                    value = _FlowList(value)
                _place(entry, key, value, order)
        for key in ("range", "parent"):
            if isinstance(entry.get(key), list):
                entry[key] = _FlowList(entry[key])
        nodes[node_id] = entry
    document["nodes"] = nodes
    carried = _restate_titles(goal_file, evaluation, document, carried, new, on=as_of, old_label=old_label, renewed=renewed)

    achieved_tag = f"achieved-{_slug(old_label)}"
    # The header's sentences are marked with their line breaks, so that a translation wraps its own lines.
    said = [
        _(
            "Rolled over by `goaltree rollover` from {file} ({period}) to {new_period}, actuals as of {date}.",
            file=source_name, period=old_label, new_period=new_label, date=format_date(as_of),
        ),
        _(
            "Goals whose deadline has passed keep their target (a flow's at the same pace) with last period's\n"
            "result as the baseline; goals still running carry what remains."
        )
        if carry_rule == "target"
        else _(
            "Open flows carry their remaining amount (--carry remaining); achieved flows and levels whose\n"
            "deadline has passed keep their target (a flow's at the same pace); open levels keep their target."
        ),
        _(
            "Achieved goals are tagged {tag}. Each carried node's description says how its\n"
            "target was set; titles that stated the old target state the new one. Review them before you commit.",
            tag=achieved_tag,
        ),
    ]
    note = [f"# {line}" for text in said for line in text.splitlines()]
    header = header_comments(source_text)
    if source_name.endswith(".json"):
        header = []
    if isinstance(document.get("sources"), dict):
        document["sources"] = {name: _short_flow(entry) for name, entry in document["sources"].items()}
    for entry in nodes.values():
        for key, value in list(entry.items()):
            entry[key] = _short_flow(value)
    body = re.sub(r"^(sources|checks|nodes):", r"\n\1:", dump_yaml(document), flags=re.MULTILINE)
    text = "\n".join([*header, *note, ""]) + body
    return Rollover(text=text, period=new, old_period=old, as_of=as_of, carried=tuple(carried), warnings=tuple(warnings))


def _restate_titles(
    goal_file: Any,
    evaluation: Evaluation,
    document: dict[str, Any],
    carried: list[Carry],
    new: Period,
    *,
    on: dt.date,
    old_label: str,
    renewed: dict[str, RenewedTitle],
) -> list[Carry]:
    """Titles that stated the old target, restated with the new one (declared or derived again).

    The new file is solved as written so far; a title whose amount agreed with
    the old target and would contradict the new one (rule S004) gets the new
    amount, written the same way ("63 MSEK" -> "18 MSEK"), and so does the
    start of a range that stated the old baseline ("from 21 000 to 26 000").
    A title moved to the new period (``renewed``: its label, its deadline) that
    also states an amount that is not the node's own is put back as it was:
    the amount was about the old period. The node's description says what
    changed, and what to review.
    """
    from goaltree.engine.equations import solve_targets
    from goaltree.pipeline import load_goal_text

    loaded = load_goal_text(dump_yaml(document))
    tree = loaded.tree
    if tree is None:
        return carried
    new_targets = solve_targets(tree).values
    order = list(Node.model_fields)
    result = []
    for carry in carried:
        node_id = carry.node
        entry = document["nodes"][node_id]
        new_node = loaded.goal_file.nodes[node_id]
        title = entry.get("title", goal_file.nodes[node_id].title)
        restated, changes, kept = _restated_title(
            title,
            goal_file,
            node_id,
            evaluation.nodes[node_id].target,
            new_targets.get(node_id),
            new_node,
            new,
            flow=evaluation.nodes[node_id].aggregate == "sum",
        )
        years = range(goal_file.period.start.year, new.end.year + 1)
        original = goal_file.nodes[node_id].title
        foreign = foreign_amounts(
            restated, new_node, new_targets.get(node_id), flow=evaluation.nodes[node_id].aggregate == "sum",
            start=new.start, deadline=new_node.deadline or new.end, years=years, accounted=(kept,) if kept else (),
        )
        dates = renewed[node_id]
        if foreign and title != original:
            restated, changes, kept, dates = original, [], None, RenewedTitle(original)
        else:
            foreign = []
        reviews = _title_reviews(foreign, dates, new)
        if not changes and kept is None and not reviews and not dates.restated:
            result.append(carry)
            continue
        listed = ", ".join(text for _kind, text in changes)
        kinds = {kind for kind, _text in changes}
        if not changes:
            said = ""
        elif kinds == {"baseline"}:
            said = _("the title's starting amount follows the new baseline: {changes}.", changes=listed)
        elif "baseline" in kinds:
            said = _("the title's amounts follow the new baseline and target: {changes}.", changes=listed)
        elif new_node.target is not None:
            said = _n(
                "the title's amount follows the new target: {changes}.", "the title's amounts follow the new target: {changes}.",
                len(changes), changes=listed,
            )
        else:
            said = _n(
                "the title's amount follows the new derived target: {changes}.",
                "the title's amounts follow the new derived target: {changes}.",
                len(changes), changes=listed,
            )
        if kept is not None:
            unit = new_node.unit
            review = _(
                "the title's starting amount {amount} is kept: the new baseline, {baseline}, is already at or past "
                "the target {target}, so the move the title states no longer fits; review the title.",
                amount=kept,
                baseline=format_number(new_node.baseline, unit),
                target=format_number(new_targets.get(node_id), unit),
            )
            said = f"{said} {review[0].upper()}{review[1:]}" if said else review
        if dates.restated:
            moved = _n(
                "the title's date follows the new deadline: {changes}.", "the title's dates follow the new deadline: {changes}.",
                len(dates.restated), changes=", ".join(f"{before} → {after}" for before, after in dates.restated),
            )
            said = f"{said} {moved[0].upper()}{moved[1:]}" if said else moved
        for review in reviews:
            said = f"{said} {review[0].upper()}{review[1:]}" if said else review
        note = f"{carry.note} {said[0].upper()}{said[1:]}" if carry.note else rollover_note(old_label, on, said)
        entry["title"] = restated
        _place(entry, "description", _describe(goal_file.nodes[node_id].description, note), order)
        result.append(replace(carry, note=note, title=restated if changes or dates.restated else carry.title))
    return result


def _title_reviews(foreign: list[str], dates: RenewedTitle, new: Period) -> list[str]:
    """What to review in a title rollover could not move to the new period: amounts not the node's own, dates kept."""
    reviews = []
    if foreign:
        reviews.append(
            _n(
                "{amounts} is not this node's target, so the title is left as it was: moved to {period}, it would "
                "state that amount for the new period; review the title.",
                "{amounts} are not this node's target, so the title is left as it was: moved to {period}, it would "
                "state those amounts for the new period; review the title.",
                len(foreign), amounts=", ".join(foreign), period=period_label(new),
            )
        )
    if dates.kept:
        reviews.append(
            _n(
                "the title's date {dates} is not the node's deadline and is left as it was; review the title.",
                "the title's dates {dates} are not the node's deadline and are left as they were; review the title.",
                len(dates.kept), dates=", ".join(dates.kept),
            )
        )
    return reviews


def _restated_title(
    title: str,
    goal_file: Any,
    node_id: str,
    old_target: float | None,
    new_target: float | None,
    new_node: Node,
    new: Period,
    *,
    flow: bool,
) -> tuple[str, list[tuple[str, str]], str | None]:
    """The title with its target (and a range's start, the baseline) in the new amounts, what changed, and what was kept.

    Each change is ``("target" | "baseline", "old → new")``, a range's start first.
    A start is kept as written (and returned last, to be reviewed) when the new
    baseline is already at or past the target: "grow from 27 030 to 26 000"
    would state a fall as growth.
    """
    from goaltree.rules import amounts

    node = goal_file.nodes[node_id]
    unit = amounts.node_unit(node.unit)
    if old_target is None or new_target is None or unit is None or node.direction == "maintain":
        return title, [], None
    old = goal_file.period
    years = range(old.start.year, new.end.year + 1)
    before = amounts.title_statement(
        title, node.unit, old_target, flow=flow, start=old.start, deadline=goal_file.deadline_of(node_id), years=years
    )
    if before is None or not before.agrees:
        return title, [], None  # the title did not state the target: nothing to keep in step
    changes: list[tuple[str, str]] = []
    expected = new_target
    if flow and before.amount.per:
        expected = new_target * amounts.period_share(before.amount.per, new.start, new_node.deadline or new.end)
    if not amounts.agrees(before.stated, expected, before.amount, unit):
        restated = amounts.restate(title, before, expected, node.unit)
        changes.append(("target", f"{before.amount.text} → {_written_at(restated, before.amount.start, years)}"))
        title = restated
    kept = None
    if node.baseline is not None and new_node.baseline is not None:
        for amount in amounts.stated_amounts(title, years):
            stated = amounts.in_node_units(amount, unit)
            if amount.role != "from" or stated is None or not amounts.agrees(stated, node.baseline, amount, unit):
                continue
            if not amounts.agrees(stated, new_node.baseline, amount, unit):
                if _at_or_past(node.direction, new_node.baseline, expected):
                    kept = amount.text
                else:
                    statement = amounts.Statement(amount, stated, node.baseline, True)
                    restated = amounts.restate(title, statement, new_node.baseline, node.unit)
                    changes.insert(0, ("baseline", f"{amount.text} → {_written_at(restated, amount.start, years)}"))
                    title = restated
            break
    return title, changes, kept


def _at_or_past(direction: str, baseline: float, target: float) -> bool:
    """Whether a level starting at ``baseline`` has nothing left to move towards ``target`` in ``direction``."""
    return baseline >= target if direction == "increase" else baseline <= target


def _written_at(title: str, start: int, years: range) -> str:
    """The amount written at ``start`` of ``title``, as the title now reads."""
    from goaltree.rules import amounts

    return next((amount.text for amount in amounts.stated_amounts(title, years) if amount.start == start), _p("revision", "the new amount"))
