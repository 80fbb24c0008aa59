"""Unit words: what a node's ``unit`` says, as dimensions and a kind.

A unit is a product of base units with integer powers (``SEK``, ``day``,
``SEK/day``) and, for dimensionless values, a kind: ``count``, ``ratio``,
``percent`` or ``multiple``. The goal-file model reads it to know which nodes
hold rates and percentages; the unit rules (:mod:`goaltree.rules.units`) read
it to check that a formula adds like to like. Words it does not know
(``leads``, ``SEK/customer``, ``NPS``) give ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from goaltree.present.language import _p

Dimensions = tuple[tuple[str, int], ...]

CURRENCIES = frozenset(
    "SEK EUR USD GBP NOK DKK ISK CHF JPY CNY INR AUD CAD NZD PLN CZK HUF BRL MXN ZAR SGD HKD KRW".split()
)
_SCALE_PREFIXES = {"k": "k", "K": "k", "t": "k", "T": "k", "M": "M", "m": "M", "Mn": "M", "mn": "M", "B": "B", "bn": "B", "Md": "B", "md": "B"}
_CURRENCY = re.compile(r"^(k|K|t|T|Mn|mn|M|m|bn|B|Md|md)?\s?([A-Za-z]{3})$")
_KRONOR = {"kr": "SEK", "kronor": "SEK", "tkr": "kSEK", "mkr": "MSEK", "mdkr": "BSEK", "€": "EUR", "$": "USD", "£": "GBP"}
_DIMENSIONLESS = {
    "count": "count", "counts": "count", "number": "count", "st": "count", "pcs": "count", "pieces": "count",
    "antal": "count", "#": "count",
    "ratio": "ratio", "fraction": "ratio", "share": "ratio", "andel": "ratio",
    "%": "percent", "percent": "percent", "pct": "percent", "procent": "percent",
    "multiple": "multiple", "×": "multiple", "gånger": "multiple",
}
_TIME = {
    "s": "second", "sec": "second", "second": "second", "seconds": "second", "sekund": "second", "sekunder": "second",
    "minute": "minute", "minutes": "minute", "minut": "minute", "minuter": "minute",
    "h": "hour", "hour": "hour", "hours": "hour", "timme": "hour", "timmar": "hour",
    "d": "day", "day": "day", "days": "day", "dag": "day", "dagar": "day",
    "week": "week", "weeks": "week", "vecka": "week", "veckor": "week",
    "month": "month", "months": "month", "månad": "month", "månader": "month",
    "quarter": "quarter", "quarters": "quarter", "kvartal": "quarter",
    "year": "year", "years": "year", "yr": "year", "år": "year",
}
def _kind_name(kind: str) -> str | None:
    """How a message names a unit of ``kind``, or ``None`` for a kind without a name."""
    if kind == "count":
        return _p("load", "a count")
    if kind == "ratio":
        return _p("load", "a ratio")
    if kind == "percent":
        return _p("load", "a percentage")
    if kind == "multiple":
        return _p("load", "a multiple")
    return None


@dataclass(frozen=True)
class Unit:
    """A known unit.

    Attributes:
        dimensions: Base unit -> power, sorted, without zero powers.
        kind: For a unit as written on a node: ``count``, ``ratio``,
            ``percent``, or ``None`` for anything computed (a product keeps no kind).
        text: How the goal file wrote it, for messages.
    """

    dimensions: Dimensions
    kind: str | None
    text: str

    def describe(self) -> str:
        """How a message names the unit: ``a percentage``, ``a plain number``, ``SEK/day``."""
        named = _kind_name(self.kind) if self.kind else None
        if named is not None:
            return named
        if not self.dimensions:
            return _p("load", "a plain number")
        return self.text or dimension_text(self.dimensions)


def dimension_text(dimensions: Dimensions) -> str:
    """``SEK/day``, ``day^2``: a computed unit written out."""

    def power(base: str, exponent: int) -> str:
        return base if exponent == 1 else f"{base}^{exponent}"

    above = [power(b, p) for b, p in dimensions if p > 0]
    below = [power(b, -p) for b, p in dimensions if p < 0]
    text = "*".join(above) or "1"
    return f"{text}/{'*'.join(below)}" if below else text


@lru_cache(maxsize=1024)
def parse_unit(text: str | None) -> Unit | None:
    """The unit written as ``text`` (``SEK``, ``kSEK``, ``count``, ``%``, ``days``, ``SEK/day``), or ``None``."""
    if text is None:
        return None
    cleaned = text.strip()
    if not cleaned:
        return None
    parts = re.split(r"\s*/\s*|\s+per\s+", cleaned)
    if len(parts) > 2:
        return None
    dimensions: dict[str, int] = {}
    kind = None
    for index, part in enumerate(parts):
        atom = _atom(part)
        if atom is None:
            return None
        base, atom_kind = atom
        if len(parts) == 1:
            kind = atom_kind
        if base is not None:
            dimensions[base] = dimensions.get(base, 0) + (1 if index == 0 else -1)
    return Unit(normal_dimensions(dimensions), kind, cleaned)


def _atom(text: str) -> tuple[str | None, str | None] | None:
    lowered = text.lower()
    if lowered in _DIMENSIONLESS:
        return None, _DIMENSIONLESS[lowered]
    if lowered in _TIME:
        return _TIME[lowered], None
    if lowered in _KRONOR:
        return _KRONOR[lowered], None
    match = _CURRENCY.match(text)
    if match:
        prefix, code = match.group(1), match.group(2).upper()
        if code in CURRENCIES:
            return _SCALE_PREFIXES.get(prefix, "") + code if prefix else code, None
    return None


def normal_dimensions(dimensions: dict[str, int]) -> Dimensions:
    """Dimensions as a unit keeps them: sorted by base unit, zero powers dropped."""
    return tuple(sorted((base, power) for base, power in dimensions.items() if power))
