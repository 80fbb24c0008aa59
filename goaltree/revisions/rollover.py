"""Rollover: next period's goal file from this one, finished goals renewed, running goals carried over.

The old file is evaluated at the hand-over date (the day before the new period
starts, or the old period's end if that is earlier) with its actuals, and every
node is carried into the new period:

- **Finished goals** (deadline on or before the hand-over): the period is over,
  so the new period keeps the target — a flow's at the same pace over the new
  period's length — with last period's total (a flow) or level (a stock) as
  the baseline; the deadline and milestones move with the period. Achieved
  ones are tagged as below. ``carry_rule="remaining"`` (``--carry remaining``)
  treats them as still running instead.
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
the old period's total scaled to the new period's length. Inline actuals
before the new period are dropped, milestones outside it are dropped (those of
a flow re-based on what is already reached), deadlines outside it move to its
end. A title that stated the old target states the new one. Each carried
node's ``description`` says how its target was set, and the file keeps its
header comments.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from goaltree.engine.results import Evaluation, NodeResult
from goaltree.engine.serialize import number
from goaltree.errors import GoaltreeError
from goaltree.graph import GoalTree
from goaltree.jsontext import json_text
from goaltree.model import Node, Period

Action = Literal["carried", "renewed", "achieved", "kept", "assumption", "context"]
CarryRule = Literal["target", "remaining"]
NOTE_PREFIX = "Rollover from "
_MEASURED = frozenset({"measured", "rolled_up", "solved"})
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})-?[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = dt.timedelta(days=1)
# Computed baselines (a run rate) and shares of a target are advice: a few significant digits.
BASELINE_DIGITS = 4
TARGET_DIGITS = 6


# --- periods -----------------------------------------------------------------------------------


def parse_period(text: str) -> Period:
    """A period from ``YYYY-Qn``, ``YYYY-Hn``, ``YYYY`` or ``START..END`` (ISO dates, inclusive).

    Raises:
        GoaltreeError: The text is none of these.
    """
    text = text.strip()
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        return _months(year, 3 * quarter - 2, 3 * quarter)
    if match := _HALF.match(text):
        year, half = int(match[1]), int(match[2])
        return _months(year, 6 * half - 5, 6 * half)
    if match := _YEAR.match(text):
        return _months(int(match[1]), 1, 12)
    start_text, dots, end_text = text.partition("..")
    if dots:
        try:
            start, end = dt.date.fromisoformat(start_text.strip()), dt.date.fromisoformat(end_text.strip())
        except ValueError:
            raise GoaltreeError(f"'{text}': write START..END as two dates, e.g. 2027-07-01..2027-09-30") from None
        if end < start:
            raise GoaltreeError(f"'{text}': the end {end} is before the start {start}")
        return Period(start=start, end=end)
    raise GoaltreeError(f"'{text}' is not a period; write 2027-Q3, 2027-H2, 2028 or START..END (2027-07-01..2027-09-30)")


def _months(year: int, first: int, last: int) -> Period:
    if not 1 <= year <= 9998:
        raise GoaltreeError(f"{year} is not a year goaltree can plan for")
    return Period(start=dt.date(year, first, 1), end=dt.date(year, last, calendar.monthrange(year, last)[1]))


def period_label(period: Period) -> str:
    """``2027``, ``2027-Q3``, ``2027-H2`` for calendar periods, else ``2027-07-15..2027-10-14``."""
    start, end = period.start, period.end
    if start.day == 1 and end == dt.date(end.year, end.month, calendar.monthrange(end.year, end.month)[1]) and start.year == end.year:
        months = (start.month, end.month)
        if months == (1, 12):
            return f"{start.year}"
        if months in ((1, 6), (7, 12)):
            return f"{start.year}-H{1 if start.month == 1 else 2}"
        if end.month - start.month == 2 and start.month % 3 == 1:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.isoformat()}..{end.isoformat()}"


def period_slug(period: Period) -> str:
    """The label in lower case, usable in an id, a tag and a file name: ``2027-q3``, ``2027-07-15_2027-10-14``."""
    return period_label(period).lower().replace("..", "_")


def handover_date(old: Period, new: Period) -> dt.date:
    """The date the old file is evaluated at: the day before the new period, at most the old period's end."""
    return min(old.end, new.start - _DAY)


def default_output(path: Path, new: Period, old: Period | None = None) -> Path:
    """``<stem>-<period>.yaml`` next to ``path``; a stem that ends in the old period's label gets the new one."""
    stem = path.stem
    label = period_label(new).replace("..", "_")
    if old is not None:
        old_label = period_label(old).replace("..", "_")
        for candidate in (old_label, old_label.lower()):
            if stem.endswith(candidate) and len(stem) > len(candidate):
                return path.with_name(f"{stem[: -len(candidate)]}{label}.yaml")
    return path.with_name(f"{stem}-{label}.yaml")


def _days(first: dt.date, last: dt.date) -> int:
    return max(0, (last - first).days + 1)


def whole_months(first: dt.date, last: dt.date) -> int | None:
    """The number of calendar months from ``first`` to ``last`` (inclusive) when both sit on month boundaries."""
    after = last + _DAY
    if first.day != 1 or after.day != 1:
        return None
    months = (after.year - first.year) * 12 + after.month - first.month
    return months if months > 0 else None


def length_ratio(first: dt.date, last: dt.date, other_first: dt.date, other_last: dt.date) -> float:
    """How long ``first..last`` is against ``other_first..other_last``.

    Counted in calendar months when both spans are whole months, so that a year
    is as long as the next one and a quarter a fourth of it whatever the
    number of days; otherwise in days.
    """
    months, other_months = whole_months(first, last), whole_months(other_first, other_last)
    if months and other_months:
        return months / other_months
    other_days = _days(other_first, other_last)
    return _days(first, last) / other_days if other_days else 1.0


def length_text(first: dt.date, last: dt.date) -> str:
    """``12 months`` or ``92 days``: how :func:`length_ratio` counted the span."""
    months = whole_months(first, last)
    if months:
        return f"{months} month" + ("s" if months != 1 else "")
    days = _days(first, last)
    return f"{days} day" + ("s" if days != 1 else "")


def shift_date(date: dt.date, old: Period, new: Period) -> dt.date:
    """``date`` moved as far as the new period's start is from the old one's.

    By whole months when both periods start on the first of a month (the last
    day of a month stays the last day: 2027-02-28 -> 2028-02-29), else by days.
    """
    if old.start.day == 1 and new.start.day == 1:
        months = (new.start.year - old.start.year) * 12 + new.start.month - old.start.month
        index = date.year * 12 + date.month - 1 + months
        year, month = divmod(index, 12)
        month += 1
        last_day = calendar.monthrange(year, month)[1]
        month_end = date.day == calendar.monthrange(date.year, date.month)[1]
        return dt.date(year, month, last_day if month_end else min(date.day, last_day))
    return date + (new.start - old.start)


def renewed_deadline(deadline: dt.date, old: Period, new: Period) -> dt.date:
    """A finished goal's deadline in the new period: moved along with the period, at most its end."""
    return min(shift_date(deadline, old, new), new.end)


def is_finished(node: Node, old: Period, new: Period) -> bool:
    """Whether the node's deadline has passed at the hand-over: its period is over, not re-planned."""
    return (node.deadline or old.end) <= handover_date(old, new)


# --- the carried goals ---------------------------------------------------------------------------


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


def _amount(value: float | None, unit: str | None = None) -> str:
    if value is None:
        return "–"
    if unit == "ratio":
        return f"{value * 100:.4g} %"
    if unit == "%":
        return f"{value:.4g} %"
    if value == 0 or 0.01 <= abs(value) < 1e15:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text.replace(",", " ")
    return f"{value:.4g}"


def _clean(value: float | None) -> float | int | None:
    return number(value) if value is not None else None


def _advice(value: float | None, digits: int) -> float | int | None:
    """A computed amount rounded to ``digits`` significant digits: advice, not false precision."""
    if value is None or value == 0 or not math.isfinite(value):
        return _clean(value)
    return number(float(f"{value:.{digits}g}"))


def _is_measured(result: NodeResult) -> bool:
    return result.actual is not None and result.actual_origin in _MEASURED


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
    flow = node.effective_aggregate == "sum"
    actual = result.actual if _is_measured(result) else None
    old_deadline = node.deadline or old.end
    new_deadline = renewed_deadline(old_deadline, old, new) if finished else None
    reached_until = min(as_of, old.end, old_deadline) if finished else min(as_of, old.end)

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

    on = as_of.isoformat()
    unit = node.unit
    if node.direction == "maintain":
        # Holding a level has no remaining amount: the band carries over as it is.
        level = f" at {_amount(actual, unit)}" if actual is not None else " without actuals"
        note = (
            f"{NOTE_PREFIX}{old_label} on {on}: a maintain goal{level}; its target and range are kept"
            + ("; the baseline is the level reached." if baseline is not None and not flow else ".")
        )
        return Carry(node_id, "kept", node.target, node.target, actual, baseline, note), updates
    if node.target is None:
        return Carry(node_id, "context", result.target, None, actual, baseline), updates
    if result.status == "assumed" or result.actual_origin == "assumed" or (node.type == "driver" and actual is None):
        return Carry(node_id, "assumption", result.target, node.target, actual, None), {}

    target = node.target
    if finished:
        return _renew(node_id, node, result, target, actual, baseline, updates, old, new, new_deadline, on, old_label)

    if actual is None:
        share, share_text = _share(as_of, old_deadline, new, old)
        new_target = _advice(target * share, TARGET_DIGITS) if flow and share < 1 else target
        note = f"{NOTE_PREFIX}{old_label} on {on}: no actuals, so the target is carried unchanged"
        if flow and share < 1:
            note += f"; {period_label(new)} takes {share_text} of it at an even pace: {_amount(new_target, unit)}"
        updates["target"] = _clean(new_target)
        return Carry(node_id, "kept", target, new_target, None, baseline, note + "."), updates

    if result.status == "achieved":
        tag = f"achieved-{_slug(old_label)}"
        updates["tags"] = list(dict.fromkeys([*node.tags, tag]))
        if flow:
            pace_days = _days(old.start, old_deadline)
            new_days = _days(new.start, new.end)
            new_target = _advice(target * new_days / pace_days, TARGET_DIGITS) if pace_days else target
            note = (
                f"{NOTE_PREFIX}{old_label} on {on}: achieved ({_amount(actual, unit)} of {_amount(target, unit)}); "
                f"the new target keeps the same pace over {period_label(new)}: "
                f"{_amount(target, unit)} × {new_days}/{pace_days} days = {_amount(new_target, unit)}."
            )
            updates["target"] = _clean(new_target)
            return Carry(node_id, "achieved", target, new_target, actual, baseline, note), updates
        return _hold(node_id, node, target, actual, baseline, updates, on, old_label)

    if flow and node.direction == "decrease" and actual >= target:
        # A cap already spent: "what remains" is nothing, and a zero budget is no plan. The cap
        # carries over at its old pace; the overspend is on record in the note.
        pace_days = _days(old.start, old_deadline)
        new_days = _days(new.start, new.end)
        new_target = _advice(target * new_days / pace_days, TARGET_DIGITS) if pace_days else target
        note = (
            f"{NOTE_PREFIX}{old_label} on {on}: {_amount(actual, unit)} against the cap {_amount(target, unit)}, "
            f"{_amount(actual - target, unit)} over; the cap carries over at the same pace: "
            f"{_amount(target, unit)} × {new_days}/{pace_days} days = {_amount(new_target, unit)}."
        )
        updates["target"] = _clean(new_target)
        return Carry(node_id, "carried", target, new_target, actual, baseline, note), updates
    if flow:
        remaining = target - actual
        share, share_text = _share(as_of, old_deadline, new, old)
        new_target = remaining * share
        if share < 1:
            new_target = _advice(new_target, TARGET_DIGITS)
        reached = "spent" if node.direction == "decrease" else "reached"
        note = (
            f"{NOTE_PREFIX}{old_label} on {on}: {_amount(actual, unit)} of {_amount(target, unit)} {reached}, "
            f"{_amount(remaining, unit)} remaining"
        )
        if share < 1:
            note += (
                f" by {old_deadline.isoformat()}; {period_label(new)} takes {share_text} of it at an even pace: "
                f"{_amount(new_target, unit)}"
            )
        updates["target"] = _clean(new_target)
        return Carry(node_id, "carried", target, new_target, actual, baseline, note + "."), updates
    note = (
        f"{NOTE_PREFIX}{old_label} on {on}: at {_amount(actual, unit)} against the target {_amount(target, unit)}; "
        "the baseline is now the level reached and the target stays."
    )
    return Carry(node_id, "carried", target, target, actual, baseline, note), updates


def _hold(
    node_id: str,
    node: Node,
    target: float,
    actual: float,
    baseline: float | None,
    updates: dict[str, Any],
    on: str,
    old_label: str,
) -> tuple[Carry, dict[str, Any]]:
    """An achieved level, kept as ``direction: maintain`` between its target and the level reached."""
    unit = node.unit
    updates["tags"] = list(dict.fromkeys([*node.tags, f"achieved-{_slug(old_label)}"]))
    updates["direction"] = "maintain"
    low, high = sorted((target, actual))
    if math.isclose(low, high, rel_tol=1e-9, abs_tol=0.0):
        updates["range"] = None
        hold = f"hold it at {_amount(target, unit)}"
    else:
        updates["range"] = [_clean(low), _clean(high)]
        hold = f"hold it between {_amount(low, unit)} and {_amount(high, unit)}"
    note = (
        f"{NOTE_PREFIX}{old_label} on {on}: achieved ({_amount(actual, unit)} against the target "
        f"{_amount(target, unit)}); kept as maintain: {hold}."
    )
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
    on: str,
    old_label: str,
) -> tuple[Carry, dict[str, Any]]:
    """A goal whose deadline has passed: the new period keeps its target, a flow's at the same pace."""
    unit = node.unit
    flow = node.effective_aggregate == "sum"
    old_deadline = node.deadline or old.end
    achieved = actual is not None and result.status == "achieved"
    if achieved and not flow:
        return _hold(node_id, node, target, actual, baseline, updates, on, old_label)
    if achieved:
        updates["tags"] = list(dict.fromkeys([*node.tags, f"achieved-{_slug(old_label)}"]))
    new_target: float | int | None = target
    pace = ""
    if flow:
        ratio = length_ratio(new.start, new_deadline, old.start, old_deadline)
        if not math.isclose(ratio, 1.0, rel_tol=1e-12):
            new_target = _advice(target * ratio, TARGET_DIGITS)
            pace = (
                f"; at the same pace over {length_text(new.start, new_deadline)} instead of "
                f"{length_text(old.start, old_deadline)}: {_amount(new_target, unit)}"
            )
    if actual is None:
        outcome = "finished without actuals"
    elif flow:
        verb = "spent" if node.direction == "decrease" else "reached"
        outcome = f"finished with {_amount(actual, unit)} of {_amount(target, unit)} {verb}"
    else:
        outcome = f"finished at {_amount(actual, unit)} against the target {_amount(target, unit)}"
    if achieved:
        outcome = outcome.replace("finished", "achieved", 1)
    base = ""
    if baseline is not None:
        base = "; the baseline is last period's total at that pace" if flow else "; the baseline is the level reached"
    note = (
        f"{NOTE_PREFIX}{old_label} on {on}: {outcome}; the deadline {old_deadline.isoformat()} has passed, "
        f"so {period_label(new)} keeps the target{pace}{base}."
    )
    updates["target"] = _clean(new_target)
    action: Action = "achieved" if achieved else "renewed"
    return Carry(node_id, action, target, new_target, actual, baseline, note), updates


def _share(as_of: dt.date, deadline: dt.date, new: Period, old: Period) -> tuple[float, str]:
    """The part of what remains until ``deadline`` that falls inside ``new``, at an even pace."""
    if deadline <= new.end:
        return 1.0, "all"
    first = max(as_of + _DAY, old.start)
    remaining_days = _days(first, deadline)
    inside = _days(max(first, new.start), min(new.end, deadline))
    if remaining_days <= 0:
        return 1.0, "all"
    return inside / remaining_days, f"{inside}/{remaining_days} days"


def _slug(label: str) -> str:
    return label.lower().replace("..", "_")


def _milestones(node: Node, carry: Carry, new: Period, deadline: dt.date) -> dict[dt.date, float] | None:
    kept: dict[dt.date, float] = {}
    flow = node.effective_aggregate == "sum"
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


def _renewed_milestones(node: Node, carry: Carry, old: Period, new: Period, deadline: dt.date) -> dict[dt.date, float] | None:
    """A finished goal's milestones moved along with its period (a flow's at the same pace as its target).

    A level's milestones the level reached has already passed are dropped, and
    so are all of an achieved level's, which is held, not raised.
    """
    if node.direction == "maintain" or carry.action == "achieved" and node.effective_aggregate != "sum":
        return None
    flow = node.effective_aggregate == "sum"
    scale = carry.new_target / carry.old_target if flow and carry.old_target and carry.new_target is not None else 1.0
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


# --- writing the new file -------------------------------------------------------------------------------


def header_comments(text: str) -> list[str]:
    """The comment lines (and blank lines between them) at the top of a goal file."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line.rstrip())
        else:
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _replace_label(text: str, old_label: str, new_label: str) -> str:
    """``text`` with the old period's label (a whole word) replaced by the new one."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(old_label)}(?![\w-])")
    return pattern.sub(new_label, text)


def _retitle(text: str, old_label: str, new_label: str) -> str:
    replaced = _replace_label(text, old_label, new_label)
    return replaced if replaced != text else f"{text} ({new_label})"


def _reid(tree_id: str, old: Period, new: Period) -> str:
    old_slug, new_slug = period_slug(old).replace("_", "-"), period_slug(new).replace("_", "-")
    if tree_id.endswith(f"-{old_slug}") or tree_id == old_slug:
        return tree_id[: len(tree_id) - len(old_slug)] + new_slug
    return f"{tree_id}-{new_slug}"


def _describe(existing: str | None, note: str) -> str:
    paragraphs = [p for p in (existing or "").split("\n\n") if p.strip() and not p.startswith(NOTE_PREFIX)]
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
            if target.startswith("..") and not entry.get("allow_outside_project"):
                warnings.append(
                    f"source '{name}': {entry['path']} is outside the new file's folder; "
                    "set `allow_outside_project: true` on it or write the new file next to the old one"
                )
        elif kind == "sql" and isinstance(entry.get("url"), str) and entry["url"].startswith("sqlite:///") and not entry["url"].startswith("sqlite:////"):
            warnings.append(f"source '{name}': the relative SQLite path in its url may need adjusting for the new file's folder")
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
    from goaltree.load import parse_document

    goal_file = tree.goal_file
    old = goal_file.period
    as_of = evaluation.as_of
    if new.start <= old.start:
        raise GoaltreeError(
            f"--to {period_label(new)} starts on {new.start}, not after the old period's start {old.start}; "
            "rollover moves a goal file forward"
        )
    if as_of >= new.end:
        raise GoaltreeError(f"--as-of {as_of} is not before the new period's end {new.end}")
    raw, problems = parse_document(source_text, source_name)
    if problems or not isinstance(raw, dict):
        raise GoaltreeError(f"{source_name}: cannot be read again to write the new file")
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
    for node_id, node in goal_file.nodes.items():
        entry = dict(raw["nodes"][node_id])
        finished = carry_rule == "target" and is_finished(node, old, new)
        carry, updates = _carry_node(
            node_id,
            node,
            evaluation.nodes[node_id],
            old=old,
            new=new,
            as_of=as_of,
            old_label=old_label,
            finished=finished,
        )
        carried.append(carry)
        deadline = node.deadline
        if finished and carry.action != "assumption":
            new_deadline: dt.date | None = renewed_deadline(deadline or old.end, old, new)
            milestones = _renewed_milestones(node, carry, old, new, new_deadline or new.end)
        else:
            new_deadline = deadline if deadline is not None and new.start <= deadline <= new.end else None
            milestones = _milestones(node, carry, new, new_deadline or new.end)
        updates["deadline"] = new_deadline if new_deadline != new.end else None
        updates["milestones"] = milestones
        actuals = {date: _clean(value) for date, value in sorted(node.actuals.items()) if date >= new.start}
        updates["actuals"] = _Flow(actuals) if actuals else None
        if carry.note:
            updates["description"] = _describe(node.description, carry.note)
        retitled = _replace_label(node.title, old_label, new_label)
        if retitled != node.title:
            updates["title"] = retitled
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
    carried = _restate_titles(goal_file, evaluation, document, carried, new, on=as_of.isoformat(), old_label=old_label)

    note = [
        f"# Rolled over by `goaltree rollover` from {source_name} ({old_label}) to {new_label}, "
        f"actuals as of {as_of.isoformat()}.",
        *(
            [
                "# Goals whose deadline has passed keep their target (a flow's at the same pace) with last period's",
                "# result as the baseline; goals still running carry what remains.",
            ]
            if carry_rule == "target"
            else ["# Open flows carry their remaining amount (--carry remaining); open levels keep their target."]
        ),
        f"# Achieved goals are tagged achieved-{_slug(old_label)}. Each carried node's description says how its",
        "# target was set; titles that stated the old target state the new one. Review them before you commit.",
    ]
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
    on: str,
    old_label: str,
) -> list[Carry]:
    """Titles that stated the old target, restated with the new one (declared or derived again).

    The new file is solved as written so far; a title whose amount agreed with
    the old target and would contradict the new one (rule S004) gets the new
    amount, written the same way ("63 MSEK" -> "18 MSEK"), and so does the
    start of a range that stated the old baseline ("from 21 000 to 26 000").
    The node's description says what changed.
    """
    from goaltree.engine.equations import solve_targets
    from goaltree.graph import build
    from goaltree.load import load_text

    loaded = load_text(dump_yaml(document))
    if loaded.goal_file is None:
        return carried
    tree, _ = build(loaded.goal_file, None, loaded)
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
        restated, changes = _restated_title(
            title,
            goal_file,
            node_id,
            evaluation.nodes[node_id].target,
            new_targets.get(node_id),
            new_node,
            new,
        )
        if not changes:
            result.append(carry)
            continue
        origin = "target" if new_node.target is not None else "derived target"
        amounts_word = "amount follows" if len(changes) == 1 else "amounts follow"
        said = f"the title's {amounts_word} the new {origin}: " + ", ".join(changes) + "."
        note = f"{carry.note} {said[0].upper()}{said[1:]}" if carry.note else f"{NOTE_PREFIX}{old_label} on {on}: {said}"
        entry["title"] = restated
        _place(entry, "description", _describe(goal_file.nodes[node_id].description, note), order)
        result.append(replace(carry, note=note, title=restated))
    return result


def _restated_title(
    title: str,
    goal_file: Any,
    node_id: str,
    old_target: float | None,
    new_target: float | None,
    new_node: Node,
    new: Period,
) -> tuple[str, list[str]]:
    """The title with its target (and a range's start, the baseline) in the new amounts, and what changed."""
    from goaltree.rules import amounts

    node = goal_file.nodes[node_id]
    unit = amounts.node_unit(node.unit)
    if old_target is None or new_target is None or unit is None or node.direction == "maintain":
        return title, []
    old = goal_file.period
    years = range(old.start.year, new.end.year + 1)
    flow = node.effective_aggregate == "sum"
    before = amounts.title_statement(
        title, node.unit, old_target, flow=flow, start=old.start, deadline=goal_file.deadline_of(node_id), years=years
    )
    if before is None or not before.agrees:
        return title, []  # the title did not state the target: nothing to keep in step
    changes: list[str] = []
    expected = new_target
    if flow and before.amount.per:
        expected = new_target * amounts.period_share(before.amount.per, new.start, new_node.deadline or new.end)
    if not amounts.agrees(before.stated, expected, before.amount, unit):
        restated = amounts.restate(title, before, expected, node.unit)
        changes.append(f"{before.amount.text} → {_written_at(restated, before.amount.start, years)}")
        title = restated
    if node.baseline is not None and new_node.baseline is not None:
        for amount in amounts.stated_amounts(title, years):
            stated = amounts.in_node_units(amount, unit)
            if amount.role != "from" or stated is None or not amounts.agrees(stated, node.baseline, amount, unit):
                continue
            if not amounts.agrees(stated, new_node.baseline, amount, unit):
                statement = amounts.Statement(amount, stated, node.baseline, True)
                restated = amounts.restate(title, statement, new_node.baseline, node.unit)
                changes.insert(0, f"{amount.text} → {_written_at(restated, amount.start, years)}")
                title = restated
            break
    return title, changes


def _written_at(title: str, start: int, years: range) -> str:
    """The amount written at ``start`` of ``title``, as the title now reads."""
    from goaltree.rules import amounts

    return next((amount.text for amount in amounts.stated_amounts(title, years) if amount.start == start), "the new amount")


def _short_flow(value: Any) -> Any:
    """A mapping of a few plain values goes on one line, as goal files are usually written."""
    if isinstance(value, dict) and not isinstance(value, _Flow) and value and len(value) <= 5:
        if all(isinstance(item, (str, int, float, bool, dt.date)) or item is None for item in value.values()):
            if sum(len(str(key)) + len(str(item)) + 4 for key, item in value.items()) <= 90:
                return _Flow(value)
    return value


class _Flow(dict):
    """A mapping written on one line: ``{start: 2027-07-01, end: 2027-09-30}``."""


class _FlowList(list):
    """A list written on one line: ``[0.018, 0.02]``."""


def dump_yaml(document: dict[str, Any]) -> str:
    """YAML with a stable, readable layout: keys in the order given, short mappings on one line."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def flow_mapping(dumper: yaml.SafeDumper, data: dict) -> Any:
        return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)

    def flow_list(dumper: yaml.SafeDumper, data: list) -> Any:
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)

    def plain_float(dumper: yaml.SafeDumper, data: float) -> Any:
        if math.isfinite(data) and data.is_integer() and abs(data) < 2**53:
            return dumper.represent_int(int(data))
        return dumper.represent_scalar("tag:yaml.org,2002:float", repr(float(f"{data:.12g}")))

    def text(dumper: yaml.SafeDumper, data: str) -> Any:
        if "\n" in data:
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
        return dumper.represent_str(data)

    Dumper.add_representer(_Flow, flow_mapping)
    Dumper.add_representer(_FlowList, flow_list)
    Dumper.add_representer(float, plain_float)
    Dumper.add_representer(str, text)
    return yaml.dump(
        document, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100, indent=2
    )


def to_json_text(document_text: str) -> str:
    """The new file as JSON (for an output named ``*.json``), from its YAML text."""
    import yaml

    data = yaml.safe_load(document_text)

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {(k.isoformat() if isinstance(k, dt.date) else str(k)): convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    return json_text(convert(data))
