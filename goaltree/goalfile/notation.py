"""Dates written the way people write them, and how a goal file writes them instead.

A Swedish plan says ``31/3/2027``; a goal file holds ``2027-03-31``.
pydantic only says that such a text does not parse, and why in its own terms
(``input is too short``). Here the text is read the way a person meant it, and
the problem says how to write it. A rewrite is offered only where the text has
one reading: ``3/4/2027`` may be 3 April or 4 March, so both are named.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from goaltree.present.language import _, current

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_YEAR_MONTH_DAY = re.compile(r"(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})|(\d{4})()(\d{2})(\d{2})")
EXAMPLE_DATE = "2027-03-31"


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _spelled(date: dt.date) -> str:
    """``31 March 2027`` in English, ``31 mars 2027`` in Swedish: a date a person reads without guessing its order."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(date, "d MMMM y", locale=current().code)


def _month_days(year: int, month: int) -> str:
    """``February 2027 has 28 days``, in the current language."""
    from babel.dates import format_date as babel_format_date

    month_name = babel_format_date(dt.date(year, month, 1), "MMMM y", locale=current().code)
    return _("{month} has {days} days", month=month_name, days=calendar.monthrange(year, month)[1])


def date_problem(text: str) -> str | None:
    """Why ``text`` is not a date as a goal file writes it (``2027-03-31``), and how to write it; ``None`` if unsure.

    ``31/3/2027`` is read day first (31 is no month), ``3/31/2027`` month
    first; ``3/4/2027`` is both, and both are named. ``2027-02-30`` names
    the days its month has.
    """
    text = text.strip()
    found = _YEAR_MONTH_DAY.fullmatch(text)
    if found:
        parts = [part for part in found.groups() if part]  # the year, the month and the day, as either form matched
        year, month, day = int(parts[0]), int(parts[-2]), int(parts[-1])
        if not 1 <= month <= 12:
            return _("should be a date (YYYY-MM-DD): the month must be 1-12")
        date = _date(year, month, day)
        if date is None:
            return _(
                "should be a date (YYYY-MM-DD): the day does not exist in that month ({month_days})",
                month_days=_month_days(year, month),
            )
        return _("should be a date (YYYY-MM-DD): write {date}", date=date.isoformat())
    found = _DAY_MONTH_YEAR.fullmatch(text)
    if found:
        first, separator, second, year = int(found.group(1)), found.group(2), int(found.group(3)), int(found.group(4))
        day_first = _date(year, second, first)
        month_first = _date(year, first, second)
        if day_first and month_first and day_first != month_first:
            return _(
                "should be a date (YYYY-MM-DD); this may be {one} or {other}: write {one_date} or {other_date}",
                one=_spelled(day_first),
                other=_spelled(month_first),
                one_date=day_first.isoformat(),
                other_date=month_first.isoformat(),
            )
        if day_first:
            return _(
                "should be a date (YYYY-MM-DD); written {form}, this is {spelled}: write {date}",
                form=_("D{separator}M{separator}YYYY", separator=separator),
                spelled=_spelled(day_first),
                date=day_first.isoformat(),
            )
        if month_first:
            return _(
                "should be a date (YYYY-MM-DD); written {form}, this is {spelled}: write {date}",
                form=_("M{separator}D{separator}YYYY", separator=separator),
                spelled=_spelled(month_first),
                date=month_first.isoformat(),
            )
        if first > 12 and 1 <= second <= 12:  # 31/2/2027: day first, a day its month does not have
            return _(
                "should be a date (YYYY-MM-DD): the day does not exist in that month ({month_days})",
                month_days=_month_days(year, second),
            )
    return _("should be a date (YYYY-MM-DD), such as {example}", example=EXAMPLE_DATE)
