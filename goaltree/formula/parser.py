"""The recursive-descent parser: tokens to a syntax tree, never through ``eval``.

The grammar follows Python's precedence::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("+" | "-") unary | power
    power      := primary ("**" unary)?          # right-associative: -x**2 == -(x**2)
    primary    := number | node_id | function "(" expression ("," expression)* ")"
                | "(" expression ")"
"""

from __future__ import annotations

from goaltree.formula.evaluation import CheckedEvaluator
from goaltree.formula.tokens import Token, describe, tokenize
from goaltree.present.language import _
from goaltree.formula.tree import (
    FUNCTIONS,
    BinaryOp,
    Call,
    Expression,
    FormulaError,
    Name,
    Number,
    UnaryOp,
    children,
    depth_and_names,
)

MAX_DEPTH = 400
"""Deepest syntax tree a formula may have (a sum of 400 terms is 400 deep)."""

MAX_NESTING = 100
"""Most parentheses, signs, powers and calls a formula may nest inside each other."""


def syntax_tree(text: str) -> Expression:
    """The syntax tree of ``text``, which is known to be a valid formula (see :func:`checked_tree`)."""
    return _Parser(text).parse()


def checked_tree(text: str) -> tuple[Expression, tuple[str, ...]]:
    """Tokenize and parse ``text``, and refuse what can never be evaluated.

    Returns:
        The syntax tree and its distinct node ids in order of first appearance.

    Raises:
        FormulaError: ``kind="syntax"`` with the 1-based column of the problem
            (an unexpected character, an invalid node id, an unknown function,
            empty input, trailing text, unbalanced parentheses, nesting too
            deep), or ``kind="division_by_zero"`` for a divisor that is always 0.
    """
    root = _Parser(text).parse()
    depth, names = depth_and_names(root)
    if depth > MAX_DEPTH:
        raise FormulaError(
            _(
                "the formula is too long or too deeply nested (more than {levels} levels); split it into intermediate nodes",
                levels=MAX_DEPTH,
            ),
            None,
        )
    _reject_constant_zero_divisor(text, root)
    return root, names


def _reject_constant_zero_divisor(text: str, root: Expression) -> None:
    """Refuse a divisor that is zero whatever the nodes' values (``x / 0``, ``x / (2 - 2)``, ``0 ** -1``).

    Such a formula can never be evaluated, so it is an error in the file, not
    in the data: reported at parse time, at the divisor's column. Divisors
    that name a node are left to evaluation, where their values are known.
    """
    constants = CheckedEvaluator(text, {})
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, BinaryOp) and node.op == "/" and not _has_names(node.right):
            try:
                divisor = constants.evaluate(node.right)
            except FormulaError:
                divisor = None  # the constant fails on its own (``0 ** -1``): evaluation says so
            if divisor == 0:
                raise FormulaError(
                    _(
                        "division by zero: the divisor {divisor} is always 0; divide by a node or a non-zero number",
                        divisor=constants.where(node.right),
                    ),
                    node.right.column or None,
                    "division_by_zero",
                )
        elif isinstance(node, BinaryOp) and node.op == "**" and not _has_names(node):
            try:  # 0 to a negative power divides by zero, whatever the nodes
                base, exponent = constants.evaluate(node.left), constants.evaluate(node.right)
            except FormulaError:
                base = exponent = None  # a part fails on its own: the walk reaches it
            if base == 0 and exponent is not None and exponent < 0:
                raise FormulaError(
                    _(
                        "division by zero: {base} is always 0 and is raised to the negative power {exponent}; "
                        "raise a node or a non-zero number",
                        base=constants.where(node.left),
                        exponent=constants.where(node.right),
                    ),
                    node.left.column or None,
                    "division_by_zero",
                )
        stack.extend(reversed(children(node)))


def _has_names(node: Expression) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Name):
            return True
        stack.extend(children(item))
    return False


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Expression:
        if self.current.kind == "end":
            raise FormulaError(_("the formula is empty: write arithmetic over node ids, e.g. customers * clv"), 1)
        expression = self.expression(0)
        token = self.current
        if token.kind != "end":
            if token.kind == ")":
                raise FormulaError(_("unmatched ')' at column {column}: there is no '(' for it", column=token.column), token.column)
            if token.kind in ("name", "number", "("):
                message = _(
                    "expected an operator or the end of the formula at column {column}, found {found}; is an operator missing?",
                    column=token.column,
                    found=describe(token),
                )
            else:
                message = _(
                    "expected an operator or the end of the formula at column {column}, found {found}",
                    column=token.column,
                    found=describe(token),
                )
            raise FormulaError(message, token.column)
        return expression

    def expression(self, depth: int) -> Expression:
        left = self.term(depth)
        while self.current.kind in ("+", "-"):
            op = self.advance().kind
            right = self.term(depth)
            left = BinaryOp(op, left, right, left.column, right.end)
        return left

    def term(self, depth: int) -> Expression:
        left = self.unary(depth)
        while self.current.kind in ("*", "/"):
            op = self.advance().kind
            right = self.unary(depth)
            left = BinaryOp(op, left, right, left.column, right.end)
        return left

    def unary(self, depth: int) -> Expression:
        if self.current.kind in ("+", "-"):
            token = self.advance()
            operand = self.unary(self._deeper(depth, token))
            return UnaryOp(token.kind, operand, token.column, operand.end)
        return self.power(depth)

    def power(self, depth: int) -> Expression:
        base = self.primary(depth)
        if self.current.kind == "**":
            token = self.advance()
            exponent = self.unary(self._deeper(depth, token))
            return BinaryOp("**", base, exponent, base.column, exponent.end)
        return base

    def primary(self, depth: int) -> Expression:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Number(token.value, token.column, token.end)
        if token.kind == "name":
            self.advance()
            if self.current.kind == "(":
                return self.call(token, depth)
            return Name(token.text, token.column, token.end)
        if token.kind == "(":
            self.advance()
            inner = self.expression(self._deeper(depth, token))
            if self.current.kind != ")":
                self._unclosed(token)
            self.advance()
            return inner
        raise FormulaError(
            _("expected a number, a node id or '(' at column {column}, found {found}", column=token.column, found=describe(token)),
            token.column,
        )

    def call(self, name: Token, depth: int) -> Call:
        if name.text not in FUNCTIONS:
            if name.text in ("sqrt", "root"):
                message = _(
                    "unknown function '{name}' at column {column}: the functions are min(), max() and abs();"
                    " for a square root write x ** 0.5",
                    name=name.text,
                    column=name.column,
                )
            else:
                message = _(
                    "unknown function '{name}' at column {column}: the functions are min(), max() and abs();"
                    " to multiply, write {name} * (…)",
                    name=name.text,
                    column=name.column,
                )
            raise FormulaError(message, name.column)
        opening = self.advance()
        inner = self._deeper(depth, opening)
        args: list[Expression] = []
        if self.current.kind == ")":
            raise FormulaError(
                _("{name}() at column {column} needs at least one argument", name=name.text, column=name.column), name.column
            )
        while True:
            args.append(self.expression(inner))
            if self.current.kind == ",":
                self.advance()
                continue
            if self.current.kind == ")":
                break
            if self.current.kind == "end":
                self._unclosed(opening)
            token = self.current
            raise FormulaError(
                _("expected ',' or ')' at column {column}, found {found}", column=token.column, found=describe(token)), token.column
            )
        closing = self.advance()
        if name.text == "abs" and len(args) != 1:
            raise FormulaError(
                _("abs() at column {column} takes exactly one argument, got {count}", column=name.column, count=len(args)),
                name.column,
            )
        return Call(name.text, tuple(args), name.column, closing.end)

    def _unclosed(self, opening: Token) -> None:
        raise FormulaError(_("'(' at column {column} is never closed: add a ')'", column=opening.column), opening.column)

    @staticmethod
    def _deeper(depth: int, token: Token) -> int:
        if depth + 1 > MAX_NESTING:
            raise FormulaError(
                _(
                    "the formula nests more than {levels} levels deep at column {column}; split it into intermediate nodes",
                    levels=MAX_NESTING,
                    column=token.column,
                ),
                token.column,
            )
        return depth + 1
