"""Amounts stated in goal titles, in English and Swedish, and whether they agree with a target.

Titles carry their numbers: "Öka intäkterna till 63 MSEK", "1 500 leads per
kvartal", "Konvertering 1,4 %", "Customer lifetime value of 900 000 SEK". This
module reads those amounts — with Swedish and English separators ("1 500",
"1,500", "5,4", "1.4"), a minus sign ("−200 tkr"), a ratio to one ("8:1",
a multiple of 8) and amount words (k, tkr, M, MSEK, mnkr, miljoner, bn,
mdr, miljarder, %, procent) — and sets aside the numbers that are not a goal's
amount: years, dates, quarters ("Q3"), ranks ("top 3"), durations ("inom 30
dagar"), changes ("med 20 %", "500 more", "+1 300"), the start of a range
("från 1 200 till 1 500", "1 200–1 500") and denominators ("per 1 000 besök").

Rule S004 uses it to find titles whose amount contradicts the node's target;
rollover uses it to restate the amount of a title whose target moved.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace
from typing import Literal, Sequence

from goaltree.rules.units import parse_unit
from goaltree.rules.words import WRITTEN_DATE, follows_year_word

Kind = Literal["percent", "currency", "scaled", "plain"]
NodeKind = Literal["percent", "ratio", "multiple", "currency", "plain", "time"]

CONTRADICTION_TOLERANCE = 0.005
"""The relative gap beyond which two amounts contradict each other (SPEC §3.1, rule A003)."""

_SPACES = " \u00a0\u202f"
_NUMBER = re.compile(
    r"(?P<prefix>[$€£]\s?|\b(?:SEK|EUR|USD|GBP|NOK|DKK)\s)?"
    r"(?<![\w.,/#])(?<!\d:)"
    r"(?P<number>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
    r"(?!\d)"
)
# Amount words after a number, longest first so that "MSEK" is not read as "M".
_SCALES: dict[str, float] = {
    "k": 1e3, "tusen": 1e3, "thousand": 1e3,
    "m": 1e6, "mn": 1e6, "mln": 1e6, "miljon": 1e6, "miljoner": 1e6, "million": 1e6, "millions": 1e6,
    "bn": 1e9, "md": 1e9, "mdr": 1e9, "miljard": 1e9, "miljarder": 1e9, "billion": 1e9, "billions": 1e9,
}
_CURRENCY_WORDS: dict[str, tuple[str, float]] = {
    "kr": ("SEK", 1.0), "kronor": ("SEK", 1.0), "sek": ("SEK", 1.0), "eur": ("EUR", 1.0), "usd": ("USD", 1.0),
    "gbp": ("GBP", 1.0), "nok": ("NOK", 1.0), "dkk": ("DKK", 1.0), "€": ("EUR", 1.0), "euro": ("EUR", 1.0),
    "tkr": ("SEK", 1e3), "tsek": ("SEK", 1e3), "ksek": ("SEK", 1e3), "keur": ("EUR", 1e3),
    "msek": ("SEK", 1e6), "mnkr": ("SEK", 1e6), "mkr": ("SEK", 1e6), "meur": ("EUR", 1e6), "musd": ("USD", 1e6),
    "mdkr": ("SEK", 1e9), "bsek": ("SEK", 1e9),
}
_PREFIX_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP"}
_PERCENT_WORDS = frozenset({"%", "procent", "percent", "pct"})
_POINT_WORDS = frozenset({"procentenheter", "procentenhet", "pe", "pp", "percentage"})
_MULTIPLE_WORDS = frozenset({"x", "×"})
_SUFFIX = re.compile(
    r"\s?(?P<word>%|×|\$|€|[A-Za-zåäöÅÄÖ]+)(?:\s(?P<currency>kronor|kr|SEK|EUR|USD|GBP|NOK|DKK|euro)\b)?"
)
_TIME_WORDS = {
    "dag": "day", "dagar": "day", "dygn": "day", "day": "day", "days": "day",
    "vecka": "week", "veckor": "week", "week": "week", "weeks": "week",
    "månad": "month", "månader": "month", "mån": "month", "month": "month", "months": "month",
    "kvartal": "quarter", "quarter": "quarter", "quarters": "quarter",
    "halvår": "half", "år": "year", "year": "year", "years": "year", "yr": "year",
    "timme": "hour", "timmar": "hour", "hour": "hour", "hours": "hour", "h": "hour",
    "minut": "minute", "minuter": "minute", "minute": "minute", "minutes": "minute", "min": "minute",
    "sekund": "second", "sekunder": "second", "second": "second", "seconds": "second",
}
# How long one "per <time>" is, in months (None: counted in days below).
_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
_DAYS = {"week": 7, "day": 1}
_PER_TIME = re.compile(
    r"(?:\bper\s+|/\s?|\bi\s+|\bom\s+|\ba\s+|\bevery\s+|\bvarje\s+)"
    r"(?P<unit>år|året|kvartal|kvartalet|halvår|halvåret|månad|månaden|mån|vecka|veckan|dag|dagen|"
    r"year|yr|quarter|q|month|mo|week|day)\b"
    r"|\b(?P<adverb>yearly|annually|quarterly|monthly|weekly|daily|årligen|årsvis|kvartalsvis|månadsvis|"
    r"månatligen|veckovis|dagligen)\b",
    re.IGNORECASE,
)
_PER_UNIT = {
    "år": "year", "året": "year", "year": "year", "yr": "year", "yearly": "year", "annually": "year",
    "årligen": "year", "årsvis": "year", "halvår": "half", "halvåret": "half",
    "kvartal": "quarter", "kvartalet": "quarter", "quarter": "quarter", "q": "quarter", "quarterly": "quarter",
    "kvartalsvis": "quarter", "månad": "month", "månaden": "month", "mån": "month", "month": "month",
    "mo": "month", "monthly": "month", "månadsvis": "month", "månatligen": "month",
    "vecka": "week", "veckan": "week", "week": "week", "weekly": "week", "veckovis": "week",
    "dag": "day", "dagen": "day", "day": "day", "daily": "day", "dagligen": "day",
}
_DATE = re.compile(
    r"\b\d{4}-\d{1,2}(?:-\d{1,2})?\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,2}:\d{2}\b|" + WRITTEN_DATE.pattern,
    re.IGNORECASE,
)
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:top|topp|nr|no|number|nummer|week|vecka|v|phase|fas|steg|step|version|level|nivå|rank|plats|"
    r"kl|iso|gen|generation|wave|våg|sprint|release|del|part|kapitel|chapter|tier|q|h|fy)\.?|#)\s*$",
    re.IGNORECASE,
)
_FROM_BEFORE = re.compile(r"\b(?:from|från|fr\.o\.m\.?)\s+(?:[$€£]\s?)?$", re.IGNORECASE)
_TO_LATER = re.compile(r"\b(?:to|till|upp till)\s+(?:[$€£]\s?)?[-−–+]?\d|(?:→|->)\s*(?:[$€£]\s?)?[-−–+]?\d", re.IGNORECASE)
_TO_BEFORE = re.compile(r"(?:\b(?:to|till)\s+|→\s*|->\s*)$", re.IGNORECASE)
_CHANGE_BEFORE = re.compile(r"(?:\b(?:by|med|with an? extra|extra|ytterligare|another)\s+|[+±−]\s?)$", re.IGNORECASE)
_DENOMINATOR_BEFORE = re.compile(r"(?:\bper\s+|/\s?|\bout of\s+|\bav\s+)$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"^\s*(?:to|till|→|->|–|—|-|until|upp till)\s*(?:[$€£]\s?)?[-−–+]?\d")
_CHANGE_AFTER = re.compile(
    r"^\s*(?:more|fewer|less|fler|färre|mer|mindre|extra|additional|ytterligare|ökning|increase|higher|lower|"
    r"högre|lägre|up|down|upp|ner|ned)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StatedAmount:
    """One number in a title, read as an amount.

    Attributes:
        text: The amount as written, with its amount word ("63 MSEK", "1,4 %", "1 500").
        start: Where it starts in the title.
        end: Where it ends in the title.
        value: The number times its scale (63 MSEK -> 63 000 000; 1,4 % -> 1.4).
        kind: ``percent``, ``currency`` (with a currency word or sign), ``scaled`` (k, M,
            miljoner … without a currency) or ``plain``.
        currency: The currency code for ``currency`` amounts ("SEK" for kr, MSEK, mnkr, tkr).
        scale: What the written number was multiplied by (1e6 for "63 MSEK").
        decimals: Digits written after the decimal separator.
        decimal_separator: The separator written ("," or "."), or ``""`` for a whole number.
        thousands_separator: The separator between groups of three digits, or ``""``.
        role: ``None`` for a candidate amount; otherwise why it is not the goal's amount:
            ``year``, ``label`` (top 3, Q3, week 12), ``time`` (a duration), ``change``
            (med 20 %, 500 fler), ``from`` (the start of a range) or ``denominator``.
        per: The time a flow's amount is counted over, from "per kvartal", "/mån",
            "a year" … (``year``, ``half``, ``quarter``, ``month``, ``week``, ``day``), or ``None``.
        per_text: That phrase as written.
        noun: The word after the amount, for messages ("leads").
    """

    text: str
    start: int
    end: int
    value: float
    kind: Kind
    currency: str | None
    scale: float
    decimals: int
    decimal_separator: str
    thousands_separator: str
    role: str | None = None
    per: str | None = None
    per_text: str = ""
    noun: str = ""

    @property
    def half_step(self) -> float:
        """Half of the last written digit, in the amount's value: the rounding a title may carry."""
        return 0.5 * 10.0 ** (-self.decimals) * self.scale


def _number_value(text: str) -> tuple[float, int, str, str]:
    """The value, decimals, decimal separator and thousands separator of a written number."""
    thousands = next((space for space in _SPACES if space in text), "")
    if thousands:
        text = text.replace(thousands, "")
    if re.fullmatch(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?", text):
        thousands = ","
        text = text.replace(",", "")
    decimal = "," if "," in text else "." if "." in text else ""
    whole, _, fraction = text.replace(",", ".").partition(".")
    return float(f"{whole}.{fraction or 0}"), len(fraction), decimal, thousands


def stated_amounts(title: str, years: range | None = None) -> list[StatedAmount]:
    """Every number in ``title`` read as an amount, each with its role.

    Args:
        title: The title.
        years: The years of the goal file's period: such a year is never an amount.
    """
    masked = _DATE.sub(lambda match: "#" * len(match.group(0)), title)
    amounts: list[StatedAmount] = []
    number_end = -1
    for match in _NUMBER.finditer(masked):
        number_text = match.group("number")
        value, decimals, decimal, thousands = _number_value(number_text)
        start, end = match.start(), match.end()
        prefix = (match.group("prefix") or "").strip()
        before = masked[: match.start("number")] if not prefix else masked[:start]
        after = masked[end:]
        previous_end, number_end = number_end, end
        sign = ""
        if not prefix and before[-1:] in ("+", "-", "−", "–"):
            mark, ahead = before[-1], before[-2:-1]
            opening = not ahead or ahead.isspace() or ahead in "(["
            if ahead.isalpha() or (ahead.isdigit() and previous_end != start - 1) or (mark == "+" and not opening):
                continue  # part of a code or a sum: COVID-19, B2-3, 1+1
            if ahead and ahead in ".,/#:":
                continue
            if opening and (mark == "−" or previous_end < 0 or masked[previous_end : start - 1].strip()):
                sign = mark  # "−1 500 tkr", "+1 300 leads"
                start -= 1
                before = before[:-1]
            # else the end of a range: "1 200–1 500", "5 %–10 %", "1 200 -1 500"
        if re.match(r"^:1(?!\d|[.,]\d)", after):
            end += 2  # a ratio to one, "ROAS 8:1", is a multiple: 8
            after = masked[end:]
        if re.match(r"^(?::[ae]\b|:\w|st\b|nd\b|rd\b|th\b|-[^\W\d]|\.\d|/\d)", after):
            continue  # an ordinal (3:e, 1st), an id (B2-B), a version (1.2.3), a fraction of numbers
        scale, kind, currency, word_text = 1.0, "plain", _PREFIX_CURRENCY.get(prefix[:1]), ""
        if prefix[:3].upper() in ("SEK", "EUR", "USD", "GBP", "NOK", "DKK"):
            currency = prefix[:3].upper()
        role: str | None = None
        suffix = _SUFFIX.match(after)
        if suffix is not None:
            word = suffix.group("word")
            lowered = word.lower()
            consumed = True
            if lowered in _PERCENT_WORDS:
                kind = "percent"
            elif lowered in _POINT_WORDS:
                role = "change"
            elif word in _MULTIPLE_WORDS and currency is None:
                pass
            elif lowered in _CURRENCY_WORDS:
                currency, scale = _CURRENCY_WORDS[lowered]
            elif lowered in _SCALES and word != "m":
                scale = _SCALES[lowered]
                if suffix.group("currency"):
                    currency = _CURRENCY_WORDS[suffix.group("currency").lower()][0]
            else:
                consumed = False
            if not consumed and not suffix.group(0)[:1].isspace():
                continue  # a number inside a token: B2B, 4G, 3D
            if consumed:
                with_currency = lowered in _SCALES and suffix.group("currency")
                word_text = suffix.group(0) if with_currency else suffix.group(0)[: suffix.end("word")]
        if kind != "percent" and currency is not None:
            kind = "currency"
        elif kind != "percent" and scale != 1.0:
            kind = "scaled"
        text_end = end + len(word_text)
        rest = masked[text_end:]
        noun = _noun(rest)
        if role is None:
            role = _role(before, rest, value, number_text, kind, noun, years)
        if role is None and (sign == "+" or (sign and kind == "percent")) and not _TO_BEFORE.search(before):
            role = "change"  # "+1 300 leads", "−20 %": a change, not a level
        amounts.append(
            StatedAmount(
                text=title[start:text_end].strip(),
                start=start,
                end=text_end,
                value=(-value if sign in ("-", "−", "–") else value) * scale,
                kind=kind,  # type: ignore[arg-type]
                currency=currency,
                scale=scale,
                decimals=decimals,
                decimal_separator=decimal,
                thousands_separator=thousands,
                role=role,
                noun=noun,
            )
        )
    return _with_periods(masked, amounts)


_LITTLE_WORDS = frozenset(
    """
    a an the of from to in on at by for per with and or as that which who is are be before until
    i på av från till för per med och eller som är att den det de en ett om under inom hos vid senast före innan
    """.split()
)


def _noun(rest: str) -> str:
    """The words that name what is counted: "nya kunder" in "70 nya kunder från webben"."""
    words = []
    for match in re.finditer(r"\s+([^\W\d_][\w-]*)", rest):
        if match.start() != (words[-1][1] if words else 0) or match.group(1).lower() in _LITTLE_WORDS:
            break
        words.append((match.group(1), match.end()))
        if len(words) == 3:
            break
    return " ".join(word for word, _ in words)


def _role(before: str, rest: str, value: float, number_text: str, kind: str, noun: str, years: range | None) -> str | None:
    if kind == "plain" and number_text.isdigit() and len(number_text) == 4 and 1900 <= value <= 2199:
        if years is not None and int(value) in years:
            return "year"
        if not rest.strip() or rest.strip()[:1] in ".,;:)!?" or follows_year_word(before):
            return "year"
    if _LABEL_BEFORE.search(before):
        return "label"
    if (_FROM_BEFORE.search(before) and _TO_LATER.search(rest)) or _RANGE_AFTER.match(rest):
        return "from"
    if _CHANGE_BEFORE.search(before) or _CHANGE_AFTER.match(rest):
        return "change"
    if _DENOMINATOR_BEFORE.search(before):
        return "denominator"
    if kind == "plain" and noun.split(" ", 1)[0].lower() in _TIME_WORDS:
        return "time"
    return None


def _with_periods(text: str, amounts: list[StatedAmount]) -> list[StatedAmount]:
    """Each amount with the "per <time>" that follows it before the next amount."""
    result = []
    for index, amount in enumerate(amounts):
        stop = amounts[index + 1].start if index + 1 < len(amounts) else len(text)
        clause = re.split(r"[,;:(]", text[amount.end:stop], maxsplit=1)[0]
        match = _PER_TIME.search(clause)
        if match is None:
            result.append(amount)
            continue
        word = (match.group("unit") or match.group("adverb")).lower()
        result.append(replace(amount, per=_PER_UNIT[word], per_text=match.group(0).strip()))
    return result


# --- nodes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeUnit:
    """How a node's values compare with amounts in its title.

    Attributes:
        kind: ``percent`` (a ``%`` node: 40 is 40 %), ``ratio`` (0.40 is 40 %),
            ``multiple`` (9.5 is 9.5× and 950 %), ``currency``, ``time`` (days, months …) or ``plain`` (counts and the rest).
        currency: The currency code of a currency node.
        scale: What one unit of the node is worth in the currency (1000 for ``kSEK``).
    """

    kind: NodeKind
    currency: str | None = None
    scale: float = 1.0


def node_unit(text: str | None) -> NodeUnit | None:
    """How values in the unit ``text`` compare with title amounts; ``None`` for a compound unit (SEK/day)."""
    if text is None:
        return NodeUnit("plain")
    unit = parse_unit(text)
    if unit is None:
        return NodeUnit("plain")  # leads, NPS, points: counted like counts
    if unit.kind == "percent":
        return NodeUnit("percent")
    if unit.kind in ("ratio", "multiple"):
        return NodeUnit(unit.kind)
    if not unit.dimensions:
        return NodeUnit("plain")
    if len(unit.dimensions) != 1 or unit.dimensions[0][1] != 1:
        return None
    base = unit.dimensions[0][0]
    if base in {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}:
        return NodeUnit("time")
    code = base[-3:]
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}.get(base[:-3], 1.0)
    return NodeUnit("currency", code, scale)


def in_node_units(amount: StatedAmount, unit: NodeUnit) -> float | None:
    """The amount in the node's own unit, or ``None`` when it does not measure the same thing."""
    if amount.kind == "percent":
        if unit.kind == "percent":
            return amount.value
        return amount.value / 100 if unit.kind in ("ratio", "multiple") else None
    if unit.kind == "currency":
        if amount.kind == "currency" and amount.currency != unit.currency:
            return None
        return amount.value / unit.scale if amount.kind in ("currency", "scaled") else None
    if unit.kind in ("plain", "time", "multiple"):  # an ROI of 9.5 is 9.5×
        return amount.value if amount.kind in ("plain", "scaled") else None
    return None


def candidates(
    title: str, unit: NodeUnit, years: range | None = None, title_amounts: Sequence[StatedAmount] | None = None
) -> list[StatedAmount]:
    """The amounts in ``title`` that could state the node's target, from ``title_amounts`` when they are read already."""
    amounts = stated_amounts(title, years) if title_amounts is None else title_amounts
    result = []
    for amount in amounts:
        role = amount.role
        if role == "time" and unit.kind == "time":
            role = None
        if role is None and in_node_units(amount, unit) is not None:
            result.append(amount)
    return result


def period_share(per: str, start: dt.date, deadline: dt.date) -> float:
    """How much of a flow's target from ``start`` to ``deadline`` falls in one ``per`` (a quarter of a year: 0.25)."""
    if per in _MONTHS:
        months = _whole_months(start, deadline)
        if months:
            return _MONTHS[per] / months
        length = _MONTHS[per] * 365.25 / 12
    else:
        length = _DAYS[per]
    return length / ((deadline - start).days + 1)


def _whole_months(start: dt.date, end: dt.date) -> int | None:
    """The number of calendar months from ``start`` to ``end`` when both sit on month boundaries."""
    next_day = end + dt.timedelta(days=1)
    if start.day != 1 or next_day.day != 1:
        return None
    months = (next_day.year - start.year) * 12 + next_day.month - start.month
    return months if months > 0 else None


@dataclass(frozen=True)
class Statement:
    """A title's amount set against the node's target.

    Attributes:
        amount: The stated amount.
        stated: The amount in the node's unit (40 % on a ratio node: 0.4).
        expected: What the title would say if it stated the target: the target,
            or its share per the title's "per kvartal".
        agrees: Whether the two agree within the contradiction tolerance and
            the rounding of the written number.
    """

    amount: StatedAmount
    stated: float
    expected: float
    agrees: bool


def agrees(stated: float, expected: float, amount: StatedAmount, unit: NodeUnit) -> bool:
    """Whether a stated amount agrees with ``expected``: within 0.5 %, or within the rounding of what was written."""
    rounding = amount.half_step
    if amount.kind == "percent" and unit.kind in ("ratio", "multiple"):
        rounding /= 100
    elif unit.kind == "currency":
        rounding /= unit.scale
    tolerance = max(CONTRADICTION_TOLERANCE * abs(expected), rounding) * (1 + 1e-9) + 1e-12
    return abs(stated - expected) <= tolerance


def title_statement(
    title: str,
    unit_text: str | None,
    target: float,
    *,
    flow: bool,
    start: dt.date,
    deadline: dt.date,
    years: range | None = None,
    title_amounts: Sequence[StatedAmount] | None = None,
) -> Statement | None:
    """The amount the title states for the target, set against it; ``None`` when the title states none.

    One candidate amount is read as the target's statement. With several, the
    one that agrees with the target is taken; when none agrees the title is
    ambiguous ("3 of 5 markets") and ``None`` is returned rather than a guess.

    Args:
        title: The node's title.
        unit_text: The node's unit.
        target: The node's declared or derived target.
        flow: Whether the node accumulates over the period (``aggregate: sum``):
            then "1 500 leads per kvartal" states a quarter's share of the target.
        start: The period's start.
        deadline: The node's deadline.
        years: The years of the period (never amounts).
        title_amounts: ``stated_amounts(title, years)``, when the caller has read it already.
    """
    unit = node_unit(unit_text)
    if unit is None or not math.isfinite(target):
        return None
    statements = []
    for amount in candidates(title, unit, years, title_amounts):
        stated = in_node_units(amount, unit)
        assert stated is not None
        expected = target * period_share(amount.per, start, deadline) if (flow and amount.per) else target
        statements.append(Statement(amount, stated, expected, agrees(stated, expected, amount, unit)))
    if not statements:
        return None
    agreeing = [statement for statement in statements if statement.agrees]
    if agreeing:
        return agreeing[0]
    return statements[0] if len(statements) == 1 else None


# --- restating ------------------------------------------------------------------------------------


def restate(title: str, statement: Statement, new_expected: float, unit_text: str | None) -> str:
    """``title`` with its stated amount replaced by ``new_expected`` (in the node's unit), written the same way.

    The number keeps its amount word, separators and at least its decimals;
    more decimals are written only where needed to state the new amount within
    0.5 % ("63 MSEK" -> "15,8 MSEK", not "16 MSEK").
    """
    amount = statement.amount
    unit = node_unit(unit_text)
    if unit is None:
        return title
    value = new_expected
    if amount.kind == "percent" and unit.kind in ("ratio", "multiple"):
        value *= 100
    elif unit.kind == "currency":
        value *= unit.scale
    number = value / amount.scale
    decimals = amount.decimals
    while decimals < 4:
        rounded = round(number, decimals)
        if abs(rounded - number) <= CONTRADICTION_TOLERANCE * abs(number):
            break
        decimals += 1
    written = _write_number(round(number, decimals), decimals, amount, title)
    old_number = _NUMBER.search(title, amount.start)
    assert old_number is not None
    begin = old_number.start("number")
    sign = title[amount.start : begin] if amount.start < begin and title[amount.start] in "+-−–" else ""
    if sign and written.startswith("-"):
        written = ("−" if sign == "+" else sign) + written[1:]  # the title's own minus sign
    elif sign == "+":
        written = sign + written
    return title[: begin - len(sign)] + written + title[old_number.end("number"):]


def _write_number(value: float, decimals: int, amount: StatedAmount, title: str) -> str:
    text = f"{abs(value):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    separator = amount.thousands_separator
    if not separator and len(whole) > 4:
        separator = " " if amount.decimal_separator != "." else ","
    if separator:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = separator.join([whole, *groups])
    decimal = amount.decimal_separator or ("." if separator == "," or not _looks_swedish(title) else ",")
    sign = "-" if value < 0 else ""
    return sign + (f"{whole}{decimal}{fraction}" if fraction else whole)


def _looks_swedish(title: str) -> bool:
    return bool(re.search(r"[åäöÅÄÖ]|\b(?:mnkr|tkr|kr|kronor|miljoner|mdr|procent|per kvartal|per år|och|till|för)\b", title))
