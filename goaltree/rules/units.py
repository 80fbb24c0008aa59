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

from dataclasses import dataclass
from typing import Callable, Iterator

from goaltree.formula import Call, Expression, Name, Number, UnaryOp
# The unit words live with the formulas, where the goal-file model can read them too; the
# rules keep importing them from here.
from goaltree.formula.units import CURRENCIES, Dimensions, Unit, dimension_text, normal_dimensions, parse_unit

__all__ = [
    "CURRENCIES",
    "FREE",
    "UNKNOWN",
    "Dimensions",
    "Mismatch",
    "Unit",
    "compatible",
    "dimension_text",
    "first_incompatible",
    "formula_mismatches",
    "parse_unit",
]

# In a formula a percentage stands for its fraction (23 % is 0.23, SPEC §1), as a ratio
# and a multiple do: all three are the same kind of plain number there.
_FRACTION_KINDS = frozenset({"ratio", "percent", "multiple"})


class _Free:
    """A literal number: it takes the unit of whatever it is added to."""


FREE = _Free()
UNKNOWN = None


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
        return Unit(normal_dimensions(dimensions), None, "")
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
