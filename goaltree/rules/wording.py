"""How the rules write figures, dates and units inside their messages, in the reader's language.

A rule's message is one marked sentence (``_("the deadline {deadline} is …")``);
the values it fills in come from here, so that a Swedish reader sees ``1,4``,
``63 000 000 kr`` and ``30 juni 2027`` while English stays as it always read:
``1.4``, ``63 000 000 SEK``, ``2027-06-30``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from goaltree.present.language import format_date, unit_text
from goaltree.present.numbers import format_number

if TYPE_CHECKING:
    from goaltree.formula.units import Unit


def day(date: dt.date) -> str:
    """A date in a message: ``2027-06-30``, in Swedish ``30 juni 2027``."""
    return format_date(date)


def unit_word(unit: str | None, count: float | None = None) -> str:
    """A node's unit as written, a currency as the language writes it (``SEK``; Swedish ``kr``), goaltree's own
    unit words in the language (``days``; Swedish ``dagar``)."""
    if not unit:
        return ""
    return unit_text(unit, count)


def amount(value: float, unit: str | None) -> str:
    """A target with its unit, as a title would state it: ``3 000``, ``63 000 000 SEK`` (Swedish ``kr``).

    A count is written without its unit; any other unit as the goal file writes it.
    """
    if unit in (None, "", "count"):
        return format_number(value)
    return f"{format_number(value)} {unit_word(unit, value)}"


def unit_name(unit: "Unit") -> str:
    """How a message names a unit: ``a percentage``, ``a plain number``, ``SEK/day``; a currency as the language writes it.

    :meth:`goaltree.formula.units.Unit.describe`'s words, in the reader's language, with ``SEK`` as ``kr`` in Swedish.
    """
    return unit_word(unit.describe())
