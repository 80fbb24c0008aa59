"""Units of node values, and which of them can be added to each other.

A unit is a product of base units with integer powers (``SEK``, ``day``,
``SEK/day``) and, for dimensionless values, a kind: ``count``, ``ratio`` or
``percent`` or ``multiple``. Sums, differences, ``min`` and ``max`` need like
units: SEK + EUR, SEK + count, days + months are mistakes. In a formula a
percentage stands for its fraction (SPEC §1), so a ratio (0.014) and a
percentage (1.4 %) add up there; a rollup combines stored values, where 0.014
and 1.4 do not. Products and quotients combine units freely: ``customers *
clv`` is SEK, ``leads * visit_to_lead`` is a count; ``count``, ``ratio``,
``%`` and ``multiple`` carry no dimension there.

Units the parser does not know (``leads``, ``SEK/customer``, ``NPS``) are
*unknown*, and an unknown unit never produces a finding: the check only speaks
when it is sure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

from goaltree.formula import Call, Expression, Name, Number, UnaryOp

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
_KIND_NAMES = {"count": "a count", "ratio": "a ratio", "percent": "a percentage", "multiple": "a multiple"}
# In a formula a percentage stands for its fraction (23 % is 0.23, SPEC §1), as a ratio
# and a multiple do: all three are the same kind of plain number there.
_FRACTION_KINDS = frozenset({"ratio", "percent", "multiple"})


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
        if self.kind in _KIND_NAMES:
            return _KIND_NAMES[self.kind]
        if not self.dimensions:
            return "a plain number"
        return self.text or dimension_text(self.dimensions)


def dimension_text(dimensions: Dimensions) -> str:
    """``SEK/day``, ``day^2``: a computed unit written out."""

    def power(base: str, exponent: int) -> str:
        return base if exponent == 1 else f"{base}^{exponent}"

    above = [power(b, p) for b, p in dimensions if p > 0]
    below = [power(b, -p) for b, p in dimensions if p < 0]
    text = "*".join(above) or "1"
    return f"{text}/{'*'.join(below)}" if below else text


class _Free:
    """A literal number: it takes the unit of whatever it is added to."""


FREE = _Free()
UNKNOWN = None


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
    return Unit(_normal(dimensions), kind, cleaned)


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


def _normal(dimensions: dict[str, int]) -> Dimensions:
    return tuple(sorted((base, power) for base, power in dimensions.items() if power))


def compatible(first: Unit, second: Unit, *, in_formula: bool = False) -> bool:
    """Whether values in these units may be added: same dimensions, and not two different kinds.

    Args:
        first: One unit.
        second: The other.
        in_formula: Inside a formula a percentage is read as its fraction, so a
            ratio, a percentage and a multiple add up there; a rollup takes the
            values as they are stored (1.4 % is 1.4) and keeps them apart.
    """
    if first.dimensions != second.dimensions:
        return False
    if first.kind is None or second.kind is None or first.kind == second.kind:
        return True
    return in_formula and first.kind in _FRACTION_KINDS and second.kind in _FRACTION_KINDS


@dataclass(frozen=True)
class Mismatch:
    """Two operands of a sum, difference, ``min`` or ``max`` whose units cannot combine."""

    operation: str
    left: Expression
    right: Expression
    left_unit: Unit
    right_unit: Unit


def formula_mismatches(root: Expression, unit_of: Callable[[str], Unit | None]) -> list[Mismatch]:
    """Every place in a formula where unlike units are added, subtracted or compared.

    Args:
        root: The formula's syntax tree.
        unit_of: Node id -> its unit (``None`` when unknown).
    """
    mismatches: list[Mismatch] = []
    _infer(root, unit_of, mismatches)
    return mismatches


def _infer(node: Expression, unit_of: Callable[[str], Unit | None], found: list[Mismatch]):
    # Recursion depth is bounded by the parser's MAX_DEPTH (400).
    if isinstance(node, Number):
        return FREE
    if isinstance(node, Name):
        return unit_of(node.id)
    if isinstance(node, UnaryOp):
        return _infer(node.operand, unit_of, found)
    if isinstance(node, Call):
        units = [_infer(arg, unit_of, found) for arg in node.args]
        if node.function == "abs":
            return units[0]
        result = units[0]
        for arg, unit in zip(node.args[1:], units[1:]):
            result = _add(f"{node.function}()", node.args[0], arg, result, unit, found)
        return result
    left = _infer(node.left, unit_of, found)
    right = _infer(node.right, unit_of, found)
    if node.op in ("+", "-"):
        return _add(node.op, node.left, node.right, left, right, found)
    if node.op in ("*", "/"):
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if left is FREE and right is FREE:
            return FREE
        sign = 1 if node.op == "*" else -1
        dimensions: dict[str, int] = {}
        for unit, factor in ((left, 1), (right, sign)):
            if isinstance(unit, Unit):
                for base, power in unit.dimensions:
                    dimensions[base] = dimensions.get(base, 0) + factor * power
        return Unit(_normal(dimensions), None, "")
    # ** : a known power of a unit, or a dimensionless base.
    if left is FREE:
        return FREE
    if left is UNKNOWN:
        return UNKNOWN
    exponent = _constant(node.right)
    if not left.dimensions:
        return Unit((), None, "")
    if exponent is not None and exponent == int(exponent):
        return Unit(tuple((base, power * int(exponent)) for base, power in left.dimensions), None, "")
    return UNKNOWN


def _add(operation: str, left_node: Expression, right_node: Expression, left, right, found: list[Mismatch]):
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if left is FREE:
        return right
    if right is FREE:
        return left
    if compatible(left, right, in_formula=True):
        kind = left.kind if left.kind == right.kind else None
        return Unit(left.dimensions, kind, left.text or right.text)
    found.append(Mismatch(operation, left_node, right_node, left, right))
    return UNKNOWN


def _constant(node: Expression) -> float | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, UnaryOp) and isinstance(node.operand, Number):
        return -node.operand.value if node.op == "-" else node.operand.value
    return None


def first_incompatible(units: list[tuple[str, Unit | None]]) -> Iterator[tuple[str, Unit, str, Unit]]:
    """Pairs ``(first id, its unit, other id, its unit)`` whose units cannot be added, against the first known unit."""
    reference: tuple[str, Unit] | None = None
    for node_id, unit in units:
        if unit is None:
            continue
        if reference is None:
            reference = (node_id, unit)
        elif not compatible(reference[1], unit):
            yield reference[0], reference[1], node_id, unit
