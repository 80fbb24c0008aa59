"""Rollover's periods: reading `--to`, naming a period, the hand-over date and moving dates along.

Split from :mod:`goaltree.revisions.rollover`, which describes the rules.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

from goaltree.errors import GoaltreeError
from goaltree.model import Node, Period
from goaltree.present.language import _, _n

_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})-?[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = dt.timedelta(days=1)


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
            raise GoaltreeError(_("'{text}': write START..END as two dates, e.g. 2027-07-01..2027-09-30", text=text)) from None
        if end < start:
            raise GoaltreeError(_("'{text}': the end {end} is before the start {start}", text=text, end=end, start=start))
        return Period(start=start, end=end)
    raise GoaltreeError(
        _("'{text}' is not a period; write 2027-Q3, 2027-H2, 2028 or START..END (2027-07-01..2027-09-30)", text=text)
    )


def _months(year: int, first: int, last: int) -> Period:
    if not 1 <= year <= 9998:
        raise GoaltreeError(_("{year} is not a year goaltree can plan for", year=year))
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
        return _n("{count} month", "{count} months", months)
    days = _days(first, last)
    return _n("{count} day", "{count} days", days)


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
