"""Evaluating a formula: one evaluator for the value, one walk that explains a failure.

:func:`compile_evaluator` turns a syntax tree into a tree of closures, once per
shape (formulas that differ only in their node ids share it, see
:mod:`goaltree.formula.shapes`): a node id is read by its position among the
formula's names, so each formula passes its own names. It does plain float
arithmetic and checks nothing. When its result is not a finite number,
:class:`CheckedEvaluator` walks the formula's own tree again, checking every
step, to say exactly what went wrong and at which column.
"""

from __future__ import annotations

import math
import operator
from typing import Callable, Mapping, Sequence

from goaltree.formula.canonical import canonical_text
from goaltree.present.language import _, _p
from goaltree.present.numbers import format_general
from goaltree.formula.tree import (
    BinaryOp,
    Call,
    Expression,
    FormulaError,
    Name,
    Number,
    UnaryOp,
    chain,
    operator_family,
)

Evaluator = Callable[[Mapping[str, float], Sequence[str]], float]
"""A compiled formula: its value from the node values and the formula's names, in the shape's order."""

_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _finite(value: float) -> float:
    """``value``, or an :class:`OverflowError` when it is infinite or NaN.

    Used where a later step could hide a non-finite value (``min``/``max``, a
    divisor, a power's operands: ``1 / inf`` is 0): the fast path then gives way
    to the checked walk, which says where the overflow happened.
    """
    if value - value != 0.0:  # inf - inf and nan - nan are nan; every finite number gives 0
        raise OverflowError("a step of the formula is not a finite number")
    return value


def compile_evaluator(node: Expression, names: Sequence[str]) -> Evaluator:
    """Compile a syntax tree into nested closures, built once and called for every evaluation.

    The closures do exactly the operations a walk of the tree does, in the same
    order (``a - b + c`` is ``(a - b) + c``; powers are ``math.pow``, which
    raises on a negative base with a fractional exponent instead of going
    complex), so their value is the checked walk's value bit for bit.

    Args:
        node: The syntax tree.
        names: The tree's node ids in the order the evaluator is given them;
            an id missing from them (a tree built by hand) is read by itself.

    Returns:
        ``evaluate(values, names)``: ``names`` are the evaluating formula's own
        ids, position by position for the ``names`` compiled here.
    """
    position = {name: number for number, name in enumerate(names)}
    return _closure_for(node, position)


def _closure_for(node: Expression, position: Mapping[str, int]) -> Evaluator:
    if isinstance(node, Number):
        constant = node.value
        return lambda values, names: constant
    if isinstance(node, Name):
        index = position.get(node.id)
        if index is None:
            fixed = node.id
            return lambda values, names: values[fixed]
        return lambda values, names: values[names[index]]
    if isinstance(node, UnaryOp):
        inner = _closure_for(node.operand, position)
        if node.op == "+":
            return inner
        return lambda values, names: -inner(values, names)
    if isinstance(node, Call):
        arguments = tuple(_closure_for(argument, position) for argument in node.args)
        if node.function == "abs":
            only = arguments[0]
            return lambda values, names: abs(only(values, names))
        if len(arguments) == 1:
            return arguments[0]
        pick = min if node.function == "min" else max
        return lambda values, names: pick([_finite(argument(values, names)) for argument in arguments])
    if node.op == "**":
        base, exponent = _closure_for(node.left, position), _closure_for(node.right, position)
        power = math.pow
        return lambda values, names: power(_finite(base(values, names)), _finite(exponent(values, names)))
    head, rest = chain(node, operator_family(node.op))
    first = _closure_for(head, position)
    if len(rest) == 1:
        second = _closure_for(rest[0][1], position)
        if node.op == "+":
            return lambda values, names: first(values, names) + second(values, names)
        if node.op == "-":
            return lambda values, names: first(values, names) - second(values, names)
        if node.op == "*":
            return lambda values, names: first(values, names) * second(values, names)
        return lambda values, names: first(values, names) / _finite(second(values, names))
    steps = tuple(
        (_OPERATORS[op], _finite_operand(_closure_for(operand, position)) if op == "/" else _closure_for(operand, position))
        for op, operand in rest
    )

    def evaluate_chain(values: Mapping[str, float], names: Sequence[str]) -> float:
        accumulated = first(values, names)
        for apply, operand in steps:
            accumulated = apply(accumulated, operand(values, names))
        return accumulated

    return evaluate_chain


def _finite_operand(closure: Evaluator) -> Evaluator:
    """``closure`` with its value checked by :func:`_finite`: a divisor in a chain (``a / b / c``)."""
    return lambda values, names: _finite(closure(values, names))


def no_value(node: Name) -> str:
    """Why a node id in a formula cannot be computed with: it has no value."""
    if node.column:
        return _("'{node}' at column {column} has no value", node=node.id, column=node.column)
    return _p("load", "'{node}' has no value", node=node.id)


def format_value(value: float) -> str:
    """A value as an error message shows it: six significant digits, the language's decimal sign and minus."""
    return format_general(value, 6)


class CheckedEvaluator:
    """The walk that checks every step, so that an error can say what happened and where.

    Args:
        text: The formula's text, to quote the part that fails.
        values: The node values; each is read as a float (``"4"`` is 4.0), and
            one that is missing, ``None``, not a number or not finite is an error.
    """

    def __init__(self, text: str, values: Mapping[str, float]) -> None:
        self.text = text
        self.values = values

    def source(self, node: Expression) -> str:
        """The text of ``node`` as written (or its canonical text, for a node built by hand)."""
        if node.column and node.end and node.end <= len(self.text) + 1:
            return self.text[node.column - 1 : node.end - 1]
        return canonical_text(node)

    def where(self, node: Expression) -> str:
        """``'leads - lost' at column 12``: how a message points at ``node``."""
        if node.column:
            return _("'{text}' at column {column}", text=self.source(node), column=node.column)
        return f"'{self.source(node)}'"

    def evaluate(self, node: Expression) -> float:
        """The value of ``node``.

        Raises:
            FormulaError: What failed first, with its column.
        """
        if isinstance(node, Number):
            return node.value
        if isinstance(node, Name):
            return self.lookup(node)
        if isinstance(node, UnaryOp):
            value = self.evaluate(node.operand)
            return -value if node.op == "-" else value
        if isinstance(node, Call):
            arguments = [self.evaluate(arg) for arg in node.args]
            if node.function == "abs":
                return abs(arguments[0])
            return min(arguments) if node.function == "min" else max(arguments)
        if node.op in ("+", "-", "*", "/"):
            head, rest = chain(node, operator_family(node.op))
            accumulated = self.evaluate(head)
            # ``partial`` is the sub-expression computed so far, for overflow messages.
            end = head.end
            for op, operand in rest:
                value = self.evaluate(operand)
                if op == "/" and value == 0:
                    raise FormulaError(
                        _("division by zero: the divisor {divisor} is 0", divisor=self.where(operand)),
                        operand.column or None,
                        "division_by_zero",
                    )
                accumulated = _OPERATORS[op](accumulated, value)
                end = operand.end
                if not math.isfinite(accumulated):
                    partial = BinaryOp(op, head, operand, head.column, end) if head.column else node
                    raise FormulaError(
                        _("{part} is too large to compute (overflow)", part=self.where(partial)),
                        head.column or None,
                        "domain",
                    )
            return accumulated
        base = self.evaluate(node.left)
        exponent = self.evaluate(node.right)
        if base == 0 and exponent < 0:
            raise FormulaError(
                _(
                    "division by zero: {base} is 0 and is raised to the negative power {exponent}",
                    base=self.where(node.left),
                    exponent=format_value(exponent),
                ),
                node.left.column or None,
                "division_by_zero",
            )
        if base < 0 and exponent != int(exponent):
            raise FormulaError(
                _(
                    "{base} is negative ({value}) and cannot be raised to the fractional power {exponent}",
                    base=self.where(node.left),
                    value=format_value(base),
                    exponent=format_value(exponent),
                ),
                node.left.column or None,
                "undefined",
            )
        try:
            result = math.pow(base, exponent)
        except (OverflowError, ValueError):
            result = math.inf
        if not math.isfinite(result):
            raise FormulaError(
                _("{part} is too large to compute (overflow)", part=self.where(node)), node.column or None, "domain"
            )
        return result

    def lookup(self, node: Name) -> float:
        """The value of a node id as a finite float."""
        try:
            value = self.values[node.id]
        except KeyError:
            value = None
        if value is None:
            raise FormulaError(no_value(node), node.column or None, "unknown_name", node.id)
        try:
            number = float(value)
        except (TypeError, ValueError):
            message = (
                _("the value of '{node}' at column {column} is not a number: {value}", node=node.id, column=node.column, value=repr(value))
                if node.column
                else _("the value of '{node}' is not a number: {value}", node=node.id, value=repr(value))
            )
            raise FormulaError(message, node.column or None, "domain") from None
        if not math.isfinite(number):
            raise FormulaError(
                _("the value of '{node}' at column {column} is not a finite number ({number})", node=node.id, column=node.column, number=number)
                if node.column
                else _("the value of '{node}' is not a finite number ({number})", node=node.id, number=number),
                node.column or None,
                "domain",
            )
        return number
