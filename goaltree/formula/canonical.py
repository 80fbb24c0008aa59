"""The canonical text of a formula: one space around operators, minimal parentheses.

Revision diffs compare formulas by this text, so ``a*b`` and ``a * (b)`` are
the same formula there while ``(a + b) * c`` and ``a + b * c`` are not.
"""

from __future__ import annotations

import math

from goaltree.formula.tree import Call, Expression, Name, Number, UnaryOp

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
