"""Rollover's titles: the period a node's title names, moved to the new period without stating anything false.

Split from :mod:`goaltree.revisions.rollover`, which describes the rules. A
title names its period by a label ("… in 2027") or a date ("… by 29 February
2028"). The label is replaced where it stands as a word, never inside a date
("29 February 2028-Q2" would be no date at all). A date that is the node's
old deadline is restated as its new deadline, written the same way (ISO, or
the day and the month's name, in the language the title writes months in);
any other date before the new period is left as written and named for review.
A title that states an amount that is not the node's own target ("Marketing
brings in 40 MSEK … in 2027" on an objective whose revenue target becomes
11.5 MSEK) keeps its old period too: moving it would state the old amount for
the new period.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from goaltree.model import Node
from goaltree.rules.words import (
    ENGLISH_MONTHS as _ENGLISH_MONTHS,
    ENGLISH_SHORT_MONTHS as _ENGLISH_SHORT,
    SWEDISH_MONTHS as _SWEDISH_MONTHS,
    SWEDISH_SHORT_MONTHS as _SWEDISH_SHORT,
    WRITTEN_DATE,
)

_ISO_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")
_DAY = r"(?P<day>3[01]|[12]\d|0?[1-9])"
_MONTH = r"(?P<month>[^\W\d_]+)(?P<dot>\.)?"
_DAY_FIRST = re.compile(rf"{_DAY}(?P<ordinal>:e|:a|st|nd|rd|th)?(?P<day_dot>\.)?\s+{_MONTH}(?:(?P<space>\s+)(?P<year>\d{{4}}))?", re.IGNORECASE)
_MONTH_FIRST = re.compile(rf"{_MONTH}\s+{_DAY}(?P<ordinal>st|nd|rd|th)?(?:(?P<comma>,?)(?P<space>\s+)(?P<year>\d{{4}}))?", re.IGNORECASE)


@dataclass(frozen=True)
class TitleDate:
    """A date written in a title.

    Attributes:
        start: Where it starts in the title.
        end: Where it ends.
        text: As written.
        day: The day of the month.
        month: The month.
        year: The year, or ``None`` when the title leaves it out ("by 1 March").
        match: How it was read, to write another date the same way (``None`` for an ISO date).
        language: ``en`` or ``sv`` when the month's name says which, else ``None``.
    """

    start: int
    end: int
    text: str
    day: int
    month: int
    year: int | None
    match: re.Match[str] | None = None
    language: str | None = None

    def names(self, date: dt.date) -> bool:
        """Whether this is ``date`` (its day and month, and its year when written)."""
        return (self.day, self.month) == (date.day, date.month) and self.year in (None, date.year)


def _month(word: str) -> tuple[int, str | None, bool] | None:
    """The month a name stands for, the language only that language writes it in, and whether it is shortened."""
    lowered = word.lower()
    for names, short in ((_ENGLISH_MONTHS, False), (_SWEDISH_MONTHS, False), (_ENGLISH_SHORT, True), (_SWEDISH_SHORT, True)):
        if lowered in names or (short and lowered == "sept"):
            month = 9 if lowered == "sept" else names.index(lowered) + 1
            english = lowered in _ENGLISH_MONTHS or lowered in _ENGLISH_SHORT
            swedish = lowered in _SWEDISH_MONTHS or lowered in _SWEDISH_SHORT
            return month, "en" if english and not swedish else "sv" if swedish and not english else None, short
    return None


def title_dates(title: str) -> list[TitleDate]:
    """Every date in ``title`` written as ISO (``2028-02-29``) or with its month's name, in order."""
    found: list[TitleDate] = []
    for match in _ISO_DATE.finditer(title):
        try:
            date = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
        found.append(TitleDate(match.start(), match.end(), match[0], date.day, date.month, date.year))
    for written in WRITTEN_DATE.finditer(title):
        text = written.group(0)
        parsed = _DAY_FIRST.fullmatch(text) or _MONTH_FIRST.fullmatch(text)
        month = _month(parsed["month"]) if parsed else None
        if parsed is None or month is None:
            continue
        year = int(parsed["year"]) if parsed["year"] else None
        language = month[1] or _ordinal_language(parsed["ordinal"])
        found.append(TitleDate(written.start(), written.end(), text, int(parsed["day"]), month[0], year, parsed, language))
    return sorted(found, key=lambda date: date.start)


def _ordinal_language(ordinal: str | None) -> str | None:
    if not ordinal:
        return None
    return "sv" if ordinal.startswith(":") else "en"


def _ordinal(day: int, language: str) -> str:
    if language == "sv":
        return ":a" if day % 10 in (1, 2) and day not in (11, 12) else ":e"
    if day % 10 in (1, 2, 3) and day not in (11, 12, 13):
        return ("st", "nd", "rd")[day % 10 - 1]
    return "th"


def write_like(written: TitleDate, date: dt.date, file_language: str) -> str:
    """``date`` written as ``written`` is: ISO, or day, month name and year in the same order, case and length."""
    parsed = written.match
    if parsed is None:
        return date.isoformat()
    language = written.language or ("sv" if file_language == "sv" else "en")
    old_month = parsed["month"]
    short = _month(old_month)[2] if _month(old_month) else False
    names = (_SWEDISH_SHORT if short else _SWEDISH_MONTHS) if language == "sv" else (_ENGLISH_SHORT if short else _ENGLISH_MONTHS)
    month = names[date.month - 1]
    if old_month[:1].isupper():
        month = month.upper() if old_month.isupper() and len(old_month) > 1 else month.capitalize()
    month += parsed["dot"] or ""
    day = f"{date.day:02d}" if len(parsed["day"]) == 2 and parsed["day"].startswith("0") else str(date.day)
    if parsed["ordinal"]:
        day += _ordinal(date.day, _ordinal_language(parsed["ordinal"]) or language)
    year = f"{parsed['space']}{date.year}" if parsed["year"] else ""
    if parsed.re is _DAY_FIRST:
        day_end = max(parsed.end(group) for group in ("day", "ordinal", "day_dot") if parsed[group])
        return f"{day}{parsed['day_dot'] or ''}{parsed.group(0)[day_end:parsed.start('month')]}{month}{year}"
    gap = parsed.group(0)[max(parsed.end("month"), parsed.end("dot")):parsed.start("day")]
    return f"{month}{gap}{day}{parsed['comma'] or ''}{year}"


def replace_label(text: str, old_label: str, new_label: str) -> str:
    """``text`` with the old period's label (a whole word, never part of a date) replaced by the new one."""
    dates = [(date.start, date.end) for date in title_dates(text)]
    pattern = re.compile(rf"(?<![\w-]){re.escape(old_label)}(?![\w-])")

    def swap(match: re.Match[str]) -> str:
        inside = any(start <= match.start() < end for start, end in dates)
        return match.group(0) if inside else new_label

    return pattern.sub(swap, text)


@dataclass(frozen=True)
class RenewedTitle:
    """A title moved to the new period.

    Attributes:
        title: The title with the label replaced and the old deadline restated.
        restated: Each date restated, ``(old text, new text)``.
        kept: Dates before the new period left as written: they are not the node's deadline.
    """

    title: str
    restated: tuple[tuple[str, str], ...] = ()
    kept: tuple[str, ...] = ()


def renew_title(
    title: str,
    old_label: str,
    new_label: str,
    *,
    old_deadline: dt.date,
    new_deadline: dt.date,
    new_start: dt.date,
    file_language: str,
) -> RenewedTitle:
    """The title with the new period's label, its old deadline written as the new one, and the dates it keeps."""
    text = replace_label(title, old_label, new_label)
    restated: list[tuple[str, str]] = []
    kept: list[str] = []
    pieces: list[str] = []
    position = 0
    for date in title_dates(text):
        if date.names(old_deadline) and (date.day, date.month, date.year) != (new_deadline.day, new_deadline.month, new_deadline.year):
            written = write_like(date, new_deadline, file_language)
            pieces += [text[position:date.start], written]
            position = date.end
            restated.append((date.text, written))
        elif not date.names(old_deadline) and date.year is not None and _before(date, new_start):
            kept.append(date.text)
    pieces.append(text[position:])
    return RenewedTitle("".join(pieces), tuple(restated), tuple(kept))


def _before(date: TitleDate, start: dt.date) -> bool:
    try:
        return dt.date(date.year or start.year, date.month, date.day) < start
    except ValueError:
        return True  # no such day (30 February): nothing to keep in step, so it is named for review


def foreign_amounts(
    title: str,
    node: Node,
    target: float | None,
    *,
    flow: bool,
    start: dt.date,
    deadline: dt.date,
    years: range,
    accounted: tuple[str, ...] = (),
) -> list[str]:
    """The amounts ``title`` states that are not the node's own (its target, a range's start at its baseline, its range).

    ``node`` is the node as the new file has it, ``target`` its target there
    (declared or derived); amounts in ``accounted`` are already dealt with.
    Years, labels (Q3, top 3), durations and denominators are not amounts.
    """
    from goaltree.rules import amounts

    unit = amounts.node_unit(node.unit)
    if unit is None:
        return []  # a compound unit (SEK/day): its title's amounts cannot be compared
    own: list[float] = [value for value in (target, *(node.range or ())) if value is not None]
    found = []
    for amount in amounts.stated_amounts(title, years):
        role = None if amount.role == "time" and unit.kind == "time" else amount.role
        if role not in (None, "from", "change") or amount.text in accounted:
            continue
        stated = amounts.in_node_units(amount, unit)
        values = list(own)
        if flow and amount.per and target is not None:
            values.append(target * amounts.period_share(amount.per, start, deadline))
        if role == "from" and node.baseline is not None:
            values.append(node.baseline)
        if role == "change" or stated is None or not any(amounts.agrees(stated, value, amount, unit) for value in values):
            found.append(amount.text)
    return found
