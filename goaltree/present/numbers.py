"""Numbers as people read them, the same in the terminal, diagrams, reports and messages.

Every output formats a number through this module, so that ``goaltree
evaluate``, a diagram card, a report, a chart axis and a rule's message never
disagree about a figure: thin grouping (``27 000 000``), as many decimals as
the size calls for, percent for ratios, ``5.9×`` for a multiple. A figure
too small for its usual decimals gets significant digits written out
(``0.0014 %``, ``0.00003``): never ``0.00 %`` for a rate that is not zero,
never an exponent a team has to decode.

The digits are grouped by a space in every language (an SI habit that reads
the same in English and Swedish); the decimal sign, a currency's symbol and
the scale words are the current language's (:mod:`goaltree.present.language`):
``1.4 %`` and ``63 M`` in English, ``1,4 %`` and ``63 mn`` in Swedish.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Iterable, Sequence

from goaltree.present.language import N_, _, current, unit_text

UNKNOWN = "–"
"""What an unknown value reads as."""

_UNITLESS = frozenset({"ratio", "%", "count", "multiple"})
"""Units whose figure carries its own sign (``%``, ``×``) or none at all (a count)."""

# Scale words for short labels, largest first, as (from, divisor, word): the words
# a strategy team writes ("250 k", "60 M", "1.5 bn") and the goal-file rules read
# back as amounts. Thousands start at 10 000, where "10 k" is shorter than "10 000".
_SCALE_WORDS = ((1e9, 1e9, N_("bn")), (1e6, 1e6, N_("M")), (1e4, 1e3, N_("k")))


def _fixed(value: float, places: int, flags: str = "") -> str:
    """``format(value, f"{flags}.{places}f")``, a half rounded away from zero as the number reads.

    Python rounds the binary value: 0.4515 × 100 is 45.149999… in binary, so
    ``.1f`` writes ``45.1`` where the 45.15 every other output shows rounds to
    45.2, and an exact half rounds to even (``2.5`` → ``2``). A value whose 12
    significant digits (the JSON's) end in a half on the last place written
    is rounded half away from zero, as a spreadsheet rounds; any other value
    is written as Python writes it.
    """
    rounded = _half_up(value, places)
    return format(value if rounded is None else rounded, f"{flags}.{places}f")


def _significant(value: float, digits: int) -> str:
    """``format(value, f".{digits}g")``, a half rounded away from zero as :func:`_fixed` rounds it."""
    rounded = None
    if 1e-290 < abs(value) < 1e290:  # 10**places stays a float
        rounded = _half_up(value, digits - 1 - math.floor(math.log10(abs(value))))
    return format(value if rounded is None else rounded, f".{digits}g")


def _plain(value: float, digits: int) -> str:
    """:func:`_significant` without an exponent: ``0.00003``, not ``3e-05`` (a figure a team reads, not a float).

    From 1e-15 down, and from 1 up, it is :func:`_significant`'s text.
    """
    magnitude = abs(value)
    if not 1e-15 <= magnitude < 1:
        return _significant(value, digits)
    text = _fixed(value, digits - 1 - math.floor(math.log10(magnitude)))
    return text.rstrip("0").rstrip(".")


_HALF_CHECKED_BELOW = 1e12
"""A value scaled to its last place from this up has more than 12 digits before it: never worked out in decimal."""

_HALF_NOISE = 1e-6
"""How near a half (of the last place written) a scaled value must be to be worked out in decimal."""


def _half_up(value: float, places: int) -> float | None:
    """``value`` (its 12 significant digits) rounded to ``places`` decimals half away from zero; ``None`` when that is not a half.

    ``None`` says that rounding the binary value, as Python does, gives the
    same digits: only a value within float noise of a half on that place is
    worked out in decimal (and none beyond 12 digits before it).
    """
    scaled = abs(value) * 10.0**places
    if not (scaled < _HALF_CHECKED_BELOW and abs(scaled % 1.0 - 0.5) < _HALF_NOISE):
        return None
    decimal = Decimal(f"{value:.12g}")
    step = Decimal(1).scaleb(-places)
    if (decimal % step).copy_abs() * 2 != step:
        return None
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        return float(decimal.quantize(step))


def _localized(text: str) -> str:
    """Digits written with ``,`` grouping, a ``.`` decimal and a ``-`` minus, as the current language writes them."""
    active = current()
    text = text.replace(",", " ")
    if active.decimal != ".":
        text = text.replace(".", active.decimal)
    return text if active.minus == "-" else text.replace("-", active.minus)


def format_number(value: float | None, unit: str | None = None) -> str:
    """A readable number: thin grouping, sensible decimals, percent for ratios, ``5.9×`` for a multiple.

    Args:
        value: The number, or ``None`` for an unknown value (``–``).
        unit: The node's unit: ``ratio`` reads as a percent of 1, ``%`` as a
            percent, ``multiple`` with a ``×``; any other unit is not written.

    Returns:
        ``27 000 000``, ``123.5``, ``1.42``, ``0.01234``, ``49.60 %`` or ``5.9×``.
    """
    return UNKNOWN if value is None else _localized(_digits(value, unit))


def format_numbers(values: Iterable[float | None], units: Iterable[str | None]) -> list[str]:
    """:func:`format_number` of each value with its unit, the same texts: a table's column at once.

    The values are sorted into the classes :func:`_digits` tells apart (a
    percent; a figure from 1 000, from 100, from 1) and each class is written
    at once (:func:`_fixed_column`); the rest (a multiple, zero, a figure
    below one) go through :func:`_digits` one by one.
    """
    column = list(values)
    column_units = list(units)
    percents: list[int] = []
    bands: tuple[list[int], list[int], list[int]] = ([], [], [])  # from 1 000, from 100, from 1: 0, 1, 2 decimals
    thousands, hundreds, ones = bands
    rest: list[int] = []
    for at, (value, unit) in enumerate(zip(column, column_units)):
        if value is None:
            continue
        if unit == "ratio" or unit == "%":
            percents.append(at)
        elif unit == "multiple":
            rest.append(at)
        else:
            magnitude = abs(value)
            (thousands if magnitude >= 1000 else hundreds if magnitude >= 100 else ones if magnitude >= 1 else rest).append(at)
    texts = [UNKNOWN] * len(column)
    # Each class's values, read at its positions (none of them unknown).
    _put(texts, percents, _percent_texts([column[at] * 100 if column_units[at] == "ratio" else column[at] for at in percents], 2))
    for places, positions in enumerate(bands):
        written = _fixed_column([column[at] for at in positions], places, ",")
        _put(texts, positions, [text.rstrip("0").rstrip(".") for text in written] if places else written)
    _put(texts, rest, [_digits(column[at], column_units[at]) for at in rest])
    return _localized_column(texts)


def _put(texts: list[str], positions: Sequence[int], written: Iterable[str]) -> None:
    """Put each of ``written`` into ``texts`` at its position in ``positions``."""
    for at, text in zip(positions, written):
        texts[at] = text


def _fixed_column(values: Sequence[float], places: int, flags: str = "") -> list[str]:
    """:func:`_fixed` of each value: the column's ``format`` in one comprehension, :func:`_fixed` itself for a value near a half.

    A value :func:`_half_up` would look at (within float noise of a half on
    the last place written, by the same test) is written by :func:`_fixed`;
    every other one is written as Python writes it, as :func:`_fixed` would.
    """
    spec = f"{flags}.{places}f"
    scale = 10.0**places
    return [
        _fixed(value, places, flags)
        if (scaled := abs(value) * scale) < _HALF_CHECKED_BELOW and abs(scaled % 1.0 - 0.5) < _HALF_NOISE
        else format(value, spec)
        for value in values
    ]


def _digits(value: float, unit: str | None) -> str:
    """:func:`format_number`'s text with ``,`` grouping, a ``.`` decimal and a ``-`` minus, before :func:`_localized`."""
    if unit == "ratio":
        return _percent_text(value * 100, 2)
    if unit == "%":
        return _percent_text(value, 2)
    if unit == "multiple":  # ROAS, ROI: "5.9×", read "5.9 kronor per krona"
        return _digits(value, None) + "×"
    magnitude = abs(value)
    if magnitude >= 1000:
        return _fixed(value, 0, ",")
    if magnitude >= 100:
        return _fixed(value, 1, ",").rstrip("0").rstrip(".")
    if magnitude >= 1:
        return _fixed(value, 2, ",").rstrip("0").rstrip(".")
    if magnitude == 0:
        return "0"
    return _plain(value, 4)


def _percent_text(percent: float, places: int) -> str:
    """A percent with ``places`` decimals (``1.40 %``); one too small for them with two significant digits (``0.0014 %``), never ``0.00 %``."""
    return _percent_texts((percent,), places)[0]


def _percent_texts(percents: Sequence[float], places: int) -> list[str]:
    """:func:`_percent_text` of each percent, the column written at once: a percent too small for ``places`` on its own."""
    least = 10.0**-places
    return [
        (_plain(percent, 2) if -least < percent < least and percent != 0 else fixed) + " %"
        for percent, fixed in zip(percents, _fixed_column(percents, places, ","))
    ]


def _localized_column(texts: list[str]) -> list[str]:
    """:func:`_localized` of each text, in one pass over them joined (no text holds a line break)."""
    return _localized("\n".join(texts)).split("\n") if texts else []


def format_general(value: float, digits: int | None = None) -> str:
    """``{:g}`` (``{:.<digits>g}``) with the current language's decimal sign and minus: ``0.5``, ``1e+06``; Swedish ``0,5``, ``−1,1``.

    For a figure read as written, not grouped: an elasticity, a weight, a growth factor.
    """
    return _localized(format(value, "g" if digits is None else f".{digits}g"))  # ``g`` writes no grouping commas


def format_fixed(value: float, spec: str) -> str:
    """``format(value, spec)`` (``.1f``, ``+.1f``, ``.3g``) with the current language's decimal sign, a fixed one's digits grouped.

    For a figure whose form the sentence around it fixes: a factor (``2.5×``,
    ``81 817.9×``), seconds elapsed, a bound in a validation message. Swedish
    ``2,5``. The whole digits of an ``f`` spec are grouped by a space, as every
    figure is; the minus stays the hyphen Python writes.
    """
    match = _SIMPLE_SPEC.match(spec)
    if match is None:
        return with_decimal_sign(format(value, spec))
    flags, places, kind = match.groups()
    if kind == "f":
        return with_decimal_sign(_fixed(value, int(places), flags.replace(",", "") + ",").replace(",", " "))
    return with_decimal_sign(_significant(value, int(places)) if not flags else format(value, spec))


_SIMPLE_SPEC = re.compile(r"^([+,]*)\.(\d+)([fg])$")
"""A spec :func:`format_fixed` rounds half away from zero: flags, places or digits, ``f`` or ``g``."""


def round_half_up(value: float, places: int = 0) -> float:
    """``value`` rounded to ``places`` decimals as it reads (its 12 significant digits), half away from zero: 57.49999999999999 (0.575 × 100) → 58."""
    rounded = _half_up(value, places)
    return round(value, places) if rounded is None else rounded


def with_decimal_sign(text: str) -> str:
    """A number as Python writes it (``str(0.8)``, ``f"{x:.1f}"``) with the current language's decimal sign."""
    sign = current().decimal
    return text if sign == "." else text.replace(".", sign)


def format_points(value: float) -> str:
    """A change of a fraction in percentage points, sign always shown with a real minus: ``-0.012`` → ``−1.2``."""
    return format_fixed(value * 100, "+.1f").replace("-", "−")


def format_precise(value: float) -> str:
    """A number as a calculation trace writes it (``explain``'s derivations): up to four decimals, thin grouping.

    Four decimals, so that a reader can redo the arithmetic of a derived target
    (``3 000 / 0.23 = 13 043.4783``); beyond ``1e15`` or below ``0.01``, four
    significant digits.
    """
    if value == 0 or 0.01 <= abs(value) < 1e15:
        return _localized(_fixed(value, 4, ",").rstrip("0").rstrip("."))
    return _localized(_plain(value, 4))


def format_quantity(value: float | None, unit: str | None = None) -> str:
    """The number with its unit: ``27 000 000 SEK``, ``1.20 %``, ``2 500``; ``–`` when unknown.

    A currency reads as the language writes it: ``27 000 000 kr`` in Swedish.
    """
    text = format_number(value, unit)
    return text if value is None else text + unit_suffix(unit, value)


def unit_suffix(unit: str | None, value: float | None = None) -> str:
    """What follows a figure of ``unit`` written by :func:`format_number`: `` SEK`` (Swedish `` kr``), `` days``
    (Swedish `` dagar``, `` dag`` after a ``value`` of one), or nothing for a unit the figure carries itself or has
    none of (``%``, ``×``, a count)."""
    if not unit or unit in _UNITLESS:
        return ""
    return " " + unit_text(unit, value)


def format_signed_quantity(value: float | None, unit: str | None = None) -> str:
    """``+1 200 SEK`` / ``−4 241 096 SEK``: the sign always shown, with a real minus sign."""
    if value is None:
        return UNKNOWN
    text = format_quantity(abs(value), unit)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text


def format_difference(value: float | None, unit: str | None = None, *, signed: bool = True) -> str:
    """A gap or a part of one in the node's unit: ``−4 241 096 SEK``; between two rates in percentage points.

    A rate 2.7 points below its pace reads ``−2.70 percentage points``, not
    ``−2.70 %``, which would read as 2.7 % of the rate, and a gap too small
    for two decimals gets the decimals that show it; between two multiples
    without the ``×`` (ROI 7.13× against 9× is 1.87 behind, not 1.87×).
    ``–`` when unknown.
    """
    if value is None:
        return UNKNOWN
    if not signed:
        value = abs(value)
    if unit in ("ratio", "%"):
        percent = value * 100 if unit == "ratio" else value
        if 0 < abs(percent) < 0.005:  # too small for two decimals: significant digits, never "−0.00"
            points = ("+" if signed and percent > 0 else "") + _plain(percent, 2)
        else:
            points = _fixed(percent, 2, "+" if signed else "")
        return _("{points} percentage points", points=_localized(points).replace("-", "−"))
    if unit == "multiple":  # 9× − 7.13× is 1.87, no factor: "1.87×" would read as 9 / 7.13
        unit = None
    return format_signed_quantity(value, unit) if signed else format_quantity(value, unit)


def format_percent(value: float | None) -> str:
    """A fraction as a percent with one decimal: ``0.496`` → ``49.6 %``; below 0.1 % two significant digits (``0.0008 %``), never ``0.0 %``."""
    return UNKNOWN if value is None else _localized(_percent_text(value * 100, 1))


def format_percents(values: Iterable[float | None]) -> list[str]:
    """:func:`format_percent` of each value, the same texts: a table's column at once."""
    column = list(values)
    known = [at for at, value in enumerate(column) if value is not None]
    texts = [UNKNOWN] * len(column)
    _put(texts, known, _percent_texts([column[at] * 100 for at in known], 1))
    return _localized_column(texts)


def format_share(value: float | None) -> str:
    """A share of a whole in whole percent, grouped as every figure is: ``0.823`` → ``82 %``, ``14.11`` → ``1 411 %``, with a real minus sign."""
    if value is None:
        return UNKNOWN
    return _localized(_fixed(value * 100, 0, ",") + " %").replace("-", "−")


def format_signed_share(value: float) -> str:
    """A change as a share in whole percent, the sign always shown with a real minus: ``5.67`` → ``+567 %``, ``-0.9`` → ``−90 %``."""
    return _localized(_fixed(value * 100, 0, "+,") + " %").replace("-", "−")


def format_change(relative: float | None) -> str:
    """A relative change with its sign, grouped as every figure is: ``0.111`` → ``+11.1 %``, ``19`` → ``+1 900.0 %``; an empty string when there is none.

    A change too small for one decimal gets the decimals that show it
    (``+0.02 %``), never ``+0.0 %``: that reads as no change at all.
    """
    if relative is None:
        return ""
    percent = relative * 100
    places = 1
    text = _fixed(percent, places, "+,")
    while percent != 0 and float(text.replace(",", "")) == 0 and places < _MOST_PLACES:
        places += 1
        text = _fixed(percent, places, "+,")
    return _localized(text + " %")


_MOST_PLACES = 15
"""The most decimals a figure is written with to tell it from another (a float holds about 16 digits)."""


def format_number_pair(old: float | None, new: float | None, unit: str | None = None) -> tuple[str, str]:
    """:func:`format_number` of two values, with the decimals it takes to tell them apart when they differ.

    A change from 2 000 to 2 000.4 reads ``2 000.0`` → ``2 000.4``, not
    ``2 000`` → ``2 000``; both sides get the same number of decimals, so
    they compare digit by digit.
    """
    old_text, new_text = format_numbers_apart([old, new], unit)
    return old_text, new_text


def format_numbers_apart(values: Sequence[float | None], unit: str | None = None) -> list[str]:
    """:func:`format_number` of each value, with the decimals it takes to tell apart the values that differ.

    :func:`format_number_pair` for any number of values, such as one node's
    target across revisions: values that read the same at the usual digits
    but differ (220, 220.002) all get the decimals that tell each from the
    others (``220.000``, ``220.002``); equal values always read equal, and a
    value no other one is mistaken for keeps its usual digits.
    """
    texts = [format_number(value, unit) for value in values]
    if unit == "multiple":
        return [text if value is None else f"{text}×" for value, text in zip(values, format_numbers_apart(values))]
    alike: dict[str, set[float]] = {}
    for value, text in zip(values, texts):
        if value is not None:
            alike.setdefault(text, set()).add(value)
    scale, suffix, first_places = (100.0, " %", 3) if unit == "ratio" else (1.0, " %", 3) if unit == "%" else (1.0, "", 1)
    spelled: dict[float, str] = {}
    for members in alike.values():
        if len(members) < 2:
            continue
        for places in range(first_places, _MOST_PLACES + 1):
            digits = {value: _fixed(value * scale, places, ",") for value in members}
            if len(set(digits.values())) == len(members):
                spelled.update((value, _localized(text + suffix)) for value, text in digits.items())
                break
    return [text if value is None else spelled.get(value, text) for value, text in zip(values, texts)]


def format_short(value: float, unit: str | None = None) -> str:
    """A short label, for a chart axis: ``60 M``, ``250 k``, ``1.5 bn``, ``1.4 %``, ``6×``.

    Large numbers are written with a scale word (the unit itself is written
    once, beside the axis); the digits are :func:`format_number`'s, so a tick
    reads like the figures in the text around it.
    """
    if unit == "ratio":
        return f"{format_number(value * 100)} %"
    if unit == "%":
        return f"{format_number(value)} %"
    if unit == "multiple":
        return f"{format_number(value)}×"
    magnitude = abs(value)
    for threshold, divisor, word in _SCALE_WORDS:
        if magnitude >= threshold:
            return f"{format_number(value / divisor)} {_(word)}"
    return format_number(value)
