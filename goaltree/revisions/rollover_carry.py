"""Rollover's carried goals: what happens to each node, its new target, baseline and milestones.

Split from :mod:`goaltree.revisions.rollover`, which describes the rules.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

from goaltree.engine.results import NodeResult
from goaltree.engine.serialize import number
from goaltree.model import Node, Period
from goaltree.present.language import N_, _, format_date, language, languages
from goaltree.present.numbers import format_number
from goaltree.revisions.rollover_periods import (
    _DAY,
    _days,
    length_ratio,
    length_text,
    period_label,
    renewed_deadline,
    shift_date,
)

Action = Literal["carried", "renewed", "achieved", "kept", "assumption", "context"]
NOTE_PREFIX = "Rollover from "
NOTE = N_("Rollover from {period} on {date}: {what}")
"""The paragraph rollover adds to a carried node's description; ``what`` is one or more clauses and a full stop."""
_MEASURED = frozenset({"measured", "rolled_up", "solved"})
# Computed baselines (a run rate) and shares of a target are advice: a few significant digits.
BASELINE_DIGITS = 4
TARGET_DIGITS = 6


@dataclass(frozen=True)
class Carry:
    """What rollover did with one node.

    Attributes:
        node: The node id.
        action: ``carried`` (an open goal with a new target or baseline), ``achieved``
            (tagged and kept), ``assumption`` (a planning value, unchanged),
            ``renewed`` (a finished goal: its target again, a flow's at the same pace),
            ``kept`` (a goal without data, or a maintain goal: target unchanged) or ``context``
            (no declared target: derived again in the new file).
        old_target: The target in the old file (declared or derived).
        new_target: The declared target written to the new file, if any.
        actual: The actual at the hand-over date.
        baseline: The baseline written to the new file, if any.
        note: The explanation written to the node's description (empty for context nodes).
        title: The node's new title when its stated amount was restated, else ``None``.
    """

    node: str
    action: Action
    old_target: float | None
    new_target: float | None
    actual: float | None
    baseline: float | None
    note: str = ""
    title: str | None = None


@dataclass(frozen=True)
class Rollover:
    """The new goal file: its text, its period, what happened to each node, and what to look at."""

    text: str
    period: Period
    old_period: Period
    as_of: dt.date
    carried: tuple[Carry, ...]
    warnings: tuple[str, ...] = ()

    def of(self, node_id: str) -> Carry:
        """What happened to ``node_id``."""
        for carry in self.carried:
            if carry.node == node_id:
                return carry
        raise KeyError(node_id)


def rollover_note(old_label: str, on: dt.date, what: str) -> str:
    """``Rollover from 2027 on 2027-12-31: …``, in the current language."""
    return _(NOTE, period=old_label, date=format_date(on), what=what)


def is_rollover_note(paragraph: str) -> bool:
    """Whether ``paragraph`` is a note an earlier rollover wrote, in any language goaltree speaks."""
    prefixes = {NOTE_PREFIX}
    for code in languages():
        prefixes.add(language(code).messages.get(NOTE, NOTE).split("{period}")[0])
    return paragraph.startswith(tuple(prefix for prefix in prefixes if prefix))


def _clean(value: float | None) -> float | int | None:
    return number(value) if value is not None else None


def _advice(value: float | None, digits: int) -> float | int | None:
    """A computed amount rounded to ``digits`` significant digits: advice, not false precision."""
    if value is None or value == 0 or not math.isfinite(value):
        return _clean(value)
    return number(float(f"{value:.{digits}g}"))


def _is_measured(result: NodeResult) -> bool:
    return result.actual is not None and result.actual_origin in _MEASURED


def is_open_flow(node: Node, result: NodeResult) -> bool:
    """Whether ``--carry remaining`` carries the node's remaining amount: a flow with a declared
    target that is not achieved (and not held as ``maintain``), finished or not."""
    return (
        result.aggregate == "sum" and node.target is not None and node.direction != "maintain"
        and result.status != "achieved"
    )


def _carry_node(
    node_id: str,
    node: Node,
    result: NodeResult,
    *,
    old: Period,
    new: Period,
    as_of: dt.date,
    old_label: str,
    finished: bool,
) -> tuple[Carry, dict[str, Any]]:
    """The carry-over of one node and the fields to set (``None`` removes a field).

    ``finished`` says the node's deadline has passed at the hand-over: its
    target is renewed for the new period instead of carrying what remains.
    """
    updates: dict[str, Any] = {}
    flow = result.aggregate == "sum"  # the evaluated tree's: a sum of levels is a level
    actual = result.actual if _is_measured(result) else None
    old_deadline = node.deadline or old.end
    new_deadline = renewed_deadline(old_deadline, old, new) if finished else None
    # The actual counts from the period's start to the deadline (or the hand-over, if earlier): a
    # flow's baseline is that total at the same pace, finished or carried, as its target is.
    reached_until = min(as_of, old.end, old_deadline)

    def flow_baseline() -> float | None:
        if actual is None or reached_until < old.start:
            return None
        # Last period's total, at its pace over the new period's length: comparable with the new target.
        return actual * length_ratio(new.start, new_deadline or new.end, old.start, reached_until)

    baseline: float | None = None
    if result.actual_origin == "measured" or (node.target is not None and actual is not None):
        baseline = flow_baseline() if flow else actual
    if baseline is not None:
        baseline = _advice(baseline, BASELINE_DIGITS) if flow else _clean(baseline)
        updates["baseline"] = baseline

    on = as_of
    unit = node.unit
    scaled = ""  # what the note says about an unmeasured flow's baseline, scaled to the new period
    if baseline is None and flow and node.baseline is not None and node.direction != "maintain":
        # A flow's baseline is a total over a period as long as the old one: over a shorter or
        # longer new period it is scaled like a measured total, so that a parent's and its
        # children's baselines count the same span.
        ratio = length_ratio(new.start, new_deadline or new.end, old.start, old_deadline)
        if not math.isclose(ratio, 1.0, rel_tol=1e-12):
            baseline = _advice(node.baseline * ratio, BASELINE_DIGITS)
            updates["baseline"] = baseline
            scaled = _(
                "the baseline, a total over {old_length}, is scaled to {length}: {old} → {new}",
                old_length=length_text(old.start, old_deadline), length=length_text(new.start, new_deadline or new.end),
                old=format_number(node.baseline, unit), new=format_number(baseline, unit),
            )
    if node.direction == "maintain":
        # Holding a level has no remaining amount: the band carries over as it is.
        if actual is None:
            what = _("a maintain goal without actuals; its target and range are kept.")
        elif baseline is not None and not flow:
            what = _(
                "a maintain goal at {actual}; its target and range are kept; the baseline is the level reached.",
                actual=format_number(actual, unit),
            )
        else:
            what = _("a maintain goal at {actual}; its target and range are kept.", actual=format_number(actual, unit))
        note = rollover_note(old_label, on, what)
        return Carry(node_id, "kept", node.target, node.target, actual, baseline, note), updates
    if node.target is None:
        note = rollover_note(old_label, on, f"{scaled}.") if scaled else ""
        return Carry(node_id, "context", result.target, None, actual, baseline, note), updates
    if result.status == "assumed" or result.actual_origin == "assumed" or (node.type == "driver" and actual is None):
        return Carry(node_id, "assumption", result.target, node.target, actual, None), {}

    target = node.target
    if finished:
        return _renew(node_id, node, result, target, actual, baseline, updates, old, new, new_deadline, on, old_label, scaled)

    if actual is None:
        share, share_text = _share(as_of, old_deadline, new, old)
        new_target = _advice(target * share, TARGET_DIGITS) if flow and share < 1 else target
        if flow and share < 1:
            what = _(
                "no actuals, so the target is carried unchanged; {period} takes {share} of it at an even pace: {target}.",
                period=period_label(new), share=share_text, target=format_number(new_target, unit),
            )
        else:
            what = _("no actuals, so the target is carried unchanged.")
        if scaled:
            what = f"{what} {_sentence(scaled)}"
        updates["target"] = _clean(new_target)
        return Carry(node_id, "kept", target, new_target, None, baseline, rollover_note(old_label, on, what)), updates

    if result.status == "achieved":
        tag = f"achieved-{_slug(old_label)}"
        updates["tags"] = list(dict.fromkeys([*node.tags, tag]))
        if flow:
            new_target, new_length, old_length = _same_pace(target, old.start, old_deadline, new)
            what = _(
                "achieved ({actual} of {target}); the new target keeps the same pace over {period}: "
                "{target} × {length} / {old_length} = {new_target}.",
                actual=format_number(actual, unit), target=format_number(target, unit), period=period_label(new),
                length=new_length, old_length=old_length, new_target=format_number(new_target, unit),
            )
            note = rollover_note(old_label, on, what)
            updates["target"] = _clean(new_target)
            return Carry(node_id, "achieved", target, new_target, actual, baseline, note), updates
        return _hold(node_id, node, target, actual, baseline, updates, on, old_label)

    if flow and node.direction == "decrease" and actual >= target:
        # A cap already spent: "what remains" is nothing, and a zero budget is no plan. The cap
        # carries over at its old pace; the overspend is on record in the note.
        new_target, new_length, old_length = _same_pace(target, old.start, old_deadline, new)
        what = _(
            "{actual} against the cap {target}, {over} over; the cap carries over at the same pace: "
            "{target} × {length} / {old_length} = {new_target}.",
            actual=format_number(actual, unit), target=format_number(target, unit),
            over=format_number(actual - target, unit), length=new_length, old_length=old_length,
            new_target=format_number(new_target, unit),
        )
        note = rollover_note(old_label, on, what)
        updates["target"] = _clean(new_target)
        return Carry(node_id, "carried", target, new_target, actual, baseline, note), updates
    if flow:
        remaining = target - actual
        share, share_text = _share(as_of, old_deadline, new, old)
        new_target = remaining * share
        if share < 1:
            new_target = _advice(new_target, TARGET_DIGITS)
        amounts = {"actual": format_number(actual, unit), "target": format_number(target, unit),
                   "remaining": format_number(remaining, unit)}  # fmt: skip
        spent = node.direction == "decrease"
        if share < 1:
            amounts.update(deadline=format_date(old_deadline), period=period_label(new), share=share_text,
                           new_target=format_number(new_target, unit))  # fmt: skip
            if spent:
                what = _(
                    "{actual} of {target} spent, {remaining} remaining by {deadline}; "
                    "{period} takes {share} of it at an even pace: {new_target}.", **amounts,
                )
            else:
                what = _(
                    "{actual} of {target} reached, {remaining} remaining by {deadline}; "
                    "{period} takes {share} of it at an even pace: {new_target}.", **amounts,
                )
        elif spent:
            what = _("{actual} of {target} spent, {remaining} remaining.", **amounts)
        else:
            what = _("{actual} of {target} reached, {remaining} remaining.", **amounts)
        updates["target"] = _clean(new_target)
        return Carry(node_id, "carried", target, new_target, actual, baseline, rollover_note(old_label, on, what)), updates
    what = _(
        "at {actual} against the target {target}; the baseline is now the level reached and the target stays.",
        actual=format_number(actual, unit), target=format_number(target, unit),
    )
    note = rollover_note(old_label, on, what)
    return Carry(node_id, "carried", target, target, actual, baseline, note), updates


def _sentence(clause: str) -> str:
    """A clause as a sentence of its own: a capital first letter and a full stop."""
    return f"{clause[0].upper()}{clause[1:]}."


def _hold(
    node_id: str,
    node: Node,
    target: float,
    actual: float,
    baseline: float | None,
    updates: dict[str, Any],
    on: dt.date,
    old_label: str,
) -> tuple[Carry, dict[str, Any]]:
    """An achieved level, kept as ``direction: maintain`` between its target and the level reached."""
    unit = node.unit
    updates["tags"] = list(dict.fromkeys([*node.tags, f"achieved-{_slug(old_label)}"]))
    updates["direction"] = "maintain"
    low, high = sorted((target, actual))
    if math.isclose(low, high, rel_tol=1e-9, abs_tol=0.0):
        updates["range"] = None
        what = _(
            "achieved ({actual} against the target {target}); kept as maintain: hold it at {target}.",
            actual=format_number(actual, unit), target=format_number(target, unit),
        )
    else:
        updates["range"] = [_clean(low), _clean(high)]
        what = _(
            "achieved ({actual} against the target {target}); kept as maintain: hold it between {low} and {high}.",
            actual=format_number(actual, unit), target=format_number(target, unit),
            low=format_number(low, unit), high=format_number(high, unit),
        )
    note = rollover_note(old_label, on, what)
    return Carry(node_id, "achieved", target, target, actual, baseline, note), updates


def _renew(
    node_id: str,
    node: Node,
    result: NodeResult,
    target: float,
    actual: float | None,
    baseline: float | None,
    updates: dict[str, Any],
    old: Period,
    new: Period,
    new_deadline: dt.date,
    on: dt.date,
    old_label: str,
    scaled: str = "",
) -> tuple[Carry, dict[str, Any]]:
    """A goal whose deadline has passed: the new period keeps its target, a flow's at the same pace.

    ``scaled`` says how an unmeasured flow's baseline was scaled to the new period, if it was.
    """
    unit = node.unit
    flow = result.aggregate == "sum"
    old_deadline = node.deadline or old.end
    achieved = actual is not None and result.status == "achieved"
    if achieved and not flow:
        return _hold(node_id, node, target, actual, baseline, updates, on, old_label)
    if achieved:
        updates["tags"] = list(dict.fromkeys([*node.tags, f"achieved-{_slug(old_label)}"]))
    new_target: float | int | None = target
    # The note is clauses joined by semicolons, each a sentence of its own in every language.
    clauses = [_outcome(node, actual, target, flow=flow, achieved=achieved)]
    clauses.append(
        _("the deadline {deadline} has passed, so {period} keeps the target", deadline=format_date(old_deadline), period=period_label(new))
    )
    if flow:
        ratio = length_ratio(new.start, new_deadline, old.start, old_deadline)
        if not math.isclose(ratio, 1.0, rel_tol=1e-12):
            new_target = _advice(target * ratio, TARGET_DIGITS)
            clauses.append(
                _(
                    "at the same pace over {length} instead of {old_length}: {target}",
                    length=length_text(new.start, new_deadline), old_length=length_text(old.start, old_deadline),
                    target=format_number(new_target, unit),
                )
            )
    if scaled:
        clauses.append(scaled)
    elif baseline is not None:
        clauses.append(_("the baseline is last period's total at that pace") if flow else _("the baseline is the level reached"))
    note = rollover_note(old_label, on, "; ".join(clauses) + ".")
    updates["target"] = _clean(new_target)
    action: Action = "achieved" if achieved else "renewed"
    return Carry(node_id, action, target, new_target, actual, baseline, note), updates


def _outcome(node: Node, actual: float | None, target: float, *, flow: bool, achieved: bool) -> str:
    """How a finished goal ended: ``finished with 40 of 63 reached``, ``achieved at 2.1 % against the target 2 %``."""
    if actual is None:
        return _("finished without actuals")
    amounts = {"actual": format_number(actual, node.unit), "target": format_number(target, node.unit)}
    spent = node.direction == "decrease"
    if flow and achieved:
        return _("achieved with {actual} of {target} spent", **amounts) if spent else _("achieved with {actual} of {target} reached", **amounts)
    if flow:
        return _("finished with {actual} of {target} spent", **amounts) if spent else _("finished with {actual} of {target} reached", **amounts)
    if achieved:
        return _("achieved at {actual} against the target {target}", **amounts)
    return _("finished at {actual} against the target {target}", **amounts)


def _same_pace(target: float, start: dt.date, deadline: dt.date, new: Period) -> tuple[float, str, str]:
    """The new period's target at the old pace (``target`` over start..deadline), with the two lengths the note shows.

    Lengths are calendar months when both spans are whole months, else days
    (:func:`length_ratio`), as for every other target a rollover scales: a
    year's 1 000 is 250 a quarter, not 1 000 × 92/365.
    """
    if _days(start, deadline):
        target = _advice(target * length_ratio(new.start, new.end, start, deadline), TARGET_DIGITS)
    return target, length_text(new.start, new.end), length_text(start, deadline)


def _share(as_of: dt.date, deadline: dt.date, new: Period, old: Period) -> tuple[float, str]:
    """The part of what remains until ``deadline`` that falls inside ``new``, at an even pace."""
    if deadline <= new.end:
        return 1.0, "all"
    first = max(as_of + _DAY, old.start)
    remaining_days = _days(first, deadline)
    inside = _days(max(first, new.start), min(new.end, deadline))
    if remaining_days <= 0:
        return 1.0, "all"
    return inside / remaining_days, _("{part}/{count} days", part=inside, count=remaining_days)


def _slug(label: str) -> str:
    return label.lower().replace("..", "_")


def _milestones(node: Node, carry: Carry, new: Period, deadline: dt.date, flow: bool) -> dict[dt.date, float] | None:
    kept: dict[dt.date, float] = {}
    reached = carry.actual if (flow and carry.action == "carried") else 0.0
    for date, value in sorted(node.milestones.items()):
        if not (new.start <= date < deadline):
            continue
        value = value - (reached or 0.0)
        if flow and carry.action == "carried":
            if value <= 0 or (carry.new_target is not None and value >= carry.new_target):
                continue
        kept[date] = value
    return kept or None


def _renewed_milestones(
    node: Node, carry: Carry, old: Period, new: Period, deadline: dt.date, flow: bool
) -> dict[dt.date, float] | None:
    """A finished goal's milestones moved along with its period (a flow's at the same pace as its target).

    A level's milestones the level reached has already passed are dropped, and
    so are all of an achieved level's, which is held, not raised.
    """
    if node.direction == "maintain" or carry.action == "achieved" and not flow:
        return None
    scale = 1.0
    if flow and carry.old_target and carry.new_target is not None and carry.new_target != carry.old_target:
        # The target's own ratio, not new / old target: that one is already rounded to 6 digits.
        scale = length_ratio(new.start, deadline, old.start, node.deadline or old.end)
    kept: dict[dt.date, float] = {}
    for date, value in sorted(node.milestones.items()):
        moved = shift_date(date, old, new)
        if not (new.start <= moved < deadline):
            continue
        if not flow and carry.actual is not None:
            passed = value <= carry.actual if node.direction == "increase" else value >= carry.actual
            if passed:
                continue
        kept[moved] = _advice(value * scale, TARGET_DIGITS) if scale != 1.0 else value
    return kept or None
