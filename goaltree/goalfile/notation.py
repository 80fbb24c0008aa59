"""Numbers and dates written the way people write them, and how a goal file writes them instead.

A Swedish plan says ``1 200 000``, ``0,025``, ``6 %`` and ``31/3/2027``; a
goal file holds ``1200000``, ``0.025``, ``6`` (with ``unit: "%"``) and
``2027-03-31``. pydantic only says that such a text does not parse, and why
in its own terms (``input is too short``). Here the text is read the way a
person meant it, and the problem says how to write it. A rewrite is offered
only where the text has one reading: ``1,200`` may be 1.2 or 1200, so both
are named; ``3/4/2027`` may be 3 April or 4 March, so both are named.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal

from goaltree.present.language import _, current

_SPACES = " \u00a0\u202f\u2009"  # a space, and the no-break and thin spaces a spreadsheet copies with a number
_MINUS = "-\u2212"
_PLAIN = re.compile(r"\d+(?:\.\d+)?")


def _grouped(text: str, separator: str) -> bool:
    """Whether ``text`` is digits in groups of three split by ``separator``: ``1 200 000``, ``1,200``."""
    head, *groups = text.split(separator)
    return (
        bool(groups)
        and 1 <= len(head) <= 3
        and head.isdigit()
        and head[0] != "0"
        and all(len(group) == 3 and group.isdigit() for group in groups)
    )


def _ungrouped(text: str, separator: str) -> str:
    """``text`` without the ``separator`` between its groups of digits: ``1.200.000`` -> ``1200000``."""
    return "".join(text.split(separator))


def _readings(text: str) -> tuple[list[str], set[str]]:
    """The ways to read an unsigned number as a goal file writes it (``1200.5``), and what was written differently.

    The second item names what the text does that a goal file does not:
    ``spaces``, ``comma`` (a decimal comma) and ``thousands`` (commas or dots
    between groups of three digits). Two readings mean the text is ambiguous.
    """
    for space in _SPACES[1:]:
        text = text.replace(space, " ")
    whole, comma, fraction = text.rpartition(",") if "," in text else (text, "", "")
    if " " in text:
        # Spaces group the thousands, so a comma can only be the decimal sign.
        if text.count(",") > 1 or "." in text:
            return [], set()
        head, _sign, decimals = text.partition(",")
        if not _grouped(head, " ") or (comma and not decimals.isdigit()):
            return [], set()
        written = _ungrouped(head, " ") + ("." + decimals if comma else "")
        return [written], {"spaces", "comma"} if comma else {"spaces"}
    if "." in text and "," in text:
        if text.rfind(".") > text.rfind(","):  # 1,200.50: commas group
            head, _dot, decimals = text.rpartition(".")
            if _grouped(head, ",") and decimals.isdigit():
                return [_ungrouped(head, ",") + "." + decimals], {"thousands"}
            return [], set()
        if _grouped(whole, ".") and fraction.isdigit():  # 1.200,50: dots group, the comma is the decimal sign
            return [_ungrouped(whole, ".") + "." + fraction], {"thousands", "comma"}
        return [], set()
    if text.count(",") > 1:
        return ([_ungrouped(text, ",")], {"thousands"}) if _grouped(text, ",") else ([], set())
    if text.count(".") > 1:
        return ([_ungrouped(text, ".")], {"thousands"}) if _grouped(text, ".") else ([], set())
    if comma and whole.isdigit() and fraction.isdigit():
        decimal = whole + "." + fraction
        if _grouped(text, ","):
            return [decimal, whole + fraction], {"comma", "thousands"}  # 1,200: 1.2 or 1200
        return [decimal], {"comma"}
    return [], set()


def _fraction(number: str) -> str:
    """``number`` (a percent, as a goal file writes it) divided by 100, written out: ``6`` -> ``0.06``."""
    text = format(Decimal(number).scaleb(-2), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unit_field(unit: str) -> str:
    """``unit: ratio``, or ``unit: "%"`` where YAML needs the quotes."""
    return f"unit: {unit}" if unit[:1].isalnum() else f'unit: "{unit}"'


def number_problem(text: str, unit_kind: str | None, unit: str | None, in_node: bool) -> str | None:
    """How to write ``text``, a number as people write it, the way a goal file does; ``None`` if it is no such number.

    Args:
        text: The value as the file holds it (``1 200 000``, ``0,025``, ``6 %``).
        unit_kind: ``percent`` or ``fraction`` (a ratio or a multiple) when the
            value is the node's own number and its unit says which; else ``None``.
        unit: That unit as the file writes it.
        in_node: Whether the value is a node's number that its ``unit`` reads
            (a target, a baseline, an actual, a milestone, a scenario's value).
    """
    body = text.strip()
    percent = body.endswith("%")
    if percent:
        body = body[:-1].rstrip(_SPACES)
    sign = ""
    if body and body[0] in _MINUS + "+":
        sign = "" if body[0] == "+" else "-"
        body = body[1:]
    if percent and _PLAIN.fullmatch(body):
        readings, how = [body], set()
    else:
        readings, how = _readings(body)
    if not readings:
        return None
    if percent:
        if len(readings) > 1:
            return None  # 1,200 %: say nothing rather than guess
        number = sign + readings[0]
        fraction = sign + _fraction(readings[0])
        if unit_kind == "percent" and unit:
            return _(
                "should be a number without '%': write {number}; `{unit_field}` already makes it a percent",
                number=number,
                unit_field=_unit_field(unit),
            )
        if unit_kind == "fraction" and unit:
            return _(
                "should be a number without '%': with `{unit_field}`, {percent} % is written {fraction}",
                unit_field=_unit_field(unit),
                percent=number,
                fraction=fraction,
            )
        if in_node:
            return _(
                "should be a number without '%': write {number} with `unit: \"%\"`, or {fraction} with `unit: ratio`",
                number=number,
                fraction=fraction,
            )
        return _("should be a number without '%': write {fraction} for {percent} %", fraction=fraction, percent=number)
    if len(readings) > 1:
        return _(
            "should be a number; it may be {decimal} (a decimal comma) or {thousands} (a thousands separator): "
            "write the one you mean, {decimal} or {thousands}",
            decimal=sign + readings[0].rstrip("0").rstrip("."),
            thousands=sign + readings[1],
        )
    number = sign + readings[0]
    if how == {"spaces"}:
        return _("should be a number without spaces: write {number}", number=number)
    if how == {"comma"}:
        return _("should be a number with a decimal point, not a comma: write {number}", number=number)
    if how == {"spaces", "comma"}:
        return _("should be a number without spaces, with a decimal point, not a comma: write {number}", number=number)
    if how == {"thousands"}:
        return _("should be a number without thousands separators: write {number}", number=number)
    return _("should be a number without thousands separators, with a decimal point, not a comma: write {number}", number=number)


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


def date_problem(text: str) -> str:
    """Why ``text`` is not a date as a goal file writes it (``2027-03-31``), and how to write it.

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
        forms = (
            (day_first, _("D{separator}M{separator}YYYY", separator=separator)),
            (month_first, _("M{separator}D{separator}YYYY", separator=separator)),
        )
        for date, form in forms:
            if date:
                return _(
                    "should be a date (YYYY-MM-DD); written {form}, this is {spelled}: write {date}",
                    form=form,
                    spelled=_spelled(date),
                    date=date.isoformat(),
                )
        if first > 12 and 1 <= second <= 12:  # 31/2/2027: day first, a day its month does not have
            return _(
                "should be a date (YYYY-MM-DD): the day does not exist in that month ({month_days})",
                month_days=_month_days(year, second),
            )
    return _("should be a date (YYYY-MM-DD), such as {example}", example=EXAMPLE_DATE)
