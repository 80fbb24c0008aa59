"""The canonical text of a formula: one space around operators, minimal parentheses.

Revision diffs compare formulas by this text, so ``a*b`` and ``a * (b)`` are
the same formula there while ``(a + b) * c`` and ``a + b * c`` are not.
"""

from __future__ import annotations

import math

from goaltree.formula.tree import BinaryOp, Call, Expression, Name, Number, UnaryOp

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}
_UNARY = 3
_ATOM = 5


def number_text(value: float) -> str:
    """A number as a formula writes it: whole numbers without a decimal point (``1e6`` is ``1000000``)."""
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(float(value))


def canonical_text(node: Expression) -> str:
    """The canonical text of a syntax tree; it parses back to an equal tree.

    Raises:
        ValueError: The tree (built by hand) holds a number that is not finite.
    """
    return _render(node)[0]


def _render(node: Expression) -> tuple[str, int]:
    """The text of ``node`` and the precedence of its outermost operator."""
    if isinstance(node, Number):
        if not math.isfinite(node.value):
            raise ValueError(f"cannot render the non-finite number {node.value!r} as formula text")
        text = number_text(node.value)
        return text, (_UNARY if node.value < 0 else _ATOM)
    if isinstance(node, Name):
        return node.id, _ATOM
    if isinstance(node, Call):
        return f"{node.function}({', '.join(_render(arg)[0] for arg in node.args)})", _ATOM
    if isinstance(node, UnaryOp):
        text, precedence = _render(node.operand)
        if node.op == "+":  # a leading plus changes nothing; drop it
            return text, precedence
        if precedence < _UNARY:
            text = f"({text})"
        return f"-{text}", _UNARY
    precedence = _PRECEDENCE[node.op]
    left, left_precedence = _render(node.left)
    right, right_precedence = _render(node.right)
    if node.op == "**":
        # Right-associative, and its operand on the right may carry a sign: a ** -b.
        if left_precedence <= precedence:
            left = f"({left})"
        if right_precedence < _UNARY:
            right = f"({right})"
    else:
        if left_precedence < precedence:
            left = f"({left})"
        if right_precedence <= precedence:
            right = f"({right})"
    return f"{left} {node.op} {right}", precedence


def normal_text(node: Expression) -> str:
    """A text that two formulas share when they differ only in the order of commutative terms.

    ``leads * win * deal`` and ``deal * (win * leads)`` give the same text, and
    so do ``revenue * margin - cost`` and ``-cost + margin * revenue``, or
    ``a - (b - c)`` and ``a + c - b``: terms of a sum and factors of a product
    (a divisor as a factor with the exponent −1) are sorted, and the arguments
    of ``min`` and ``max``. Revision diffs compare formulas by it; it is not
    meant for reading (every compound part is in parentheses).
    """
    if isinstance(node, BinaryOp) and node.op in ("+", "-"):
        terms = sorted(_terms(node, 1))
        return "(" + " ".join(("+ " if sign > 0 else "- ") + text for text, sign in terms) + ")"
    if isinstance(node, BinaryOp) and node.op in ("*", "/"):
        factors = sorted(_factors(node, 1))
        return "(" + " ".join(("* " if power > 0 else "/ ") + text for text, power in factors) + ")"
    if isinstance(node, BinaryOp):
        return f"({normal_text(node.left)} ** {normal_text(node.right)})"
    if isinstance(node, UnaryOp):
        return normal_text(node.operand) if node.op == "+" else f"(- {normal_text(node.operand)})"
    if isinstance(node, Call):
        args = [normal_text(arg) for arg in node.args]
        return f"{node.function}({', '.join(sorted(args) if node.function in ('min', 'max') else args)})"
    return _render(node)[0]


def _terms(node: Expression, sign: int) -> list[tuple[str, int]]:
    """The signed terms of a sum, its nested sums and signs flattened: ``a - (b - c)`` is +a, −b, +c."""
    if isinstance(node, BinaryOp) and node.op in ("+", "-"):
        return _terms(node.left, sign) + _terms(node.right, sign if node.op == "+" else -sign)
    if isinstance(node, UnaryOp):
        return _terms(node.operand, sign if node.op == "+" else -sign)
    return [(normal_text(node), sign)]


def _factors(node: Expression, power: int) -> list[tuple[str, int]]:
    """The factors of a product with their exponents ±1, nested products and quotients flattened."""
    if isinstance(node, BinaryOp) and node.op in ("*", "/"):
        return _factors(node.left, power) + _factors(node.right, power if node.op == "*" else -power)
    return [(normal_text(node), power)]
