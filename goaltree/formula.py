"""The formula language: safe arithmetic over node ids (SPEC §1).

A node's ``formula`` (``customers * clv``) is parsed by a small hand-written
tokenizer and a recursive-descent parser -- never by ``eval`` -- into a tree of
frozen dataclasses that other modules may walk (the units checker, the diff,
the diagram labels). The grammar follows Python's precedence::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("+" | "-") unary | power
    power      := primary ("**" unary)?          # right-associative: -x**2 == -(x**2)
    primary    := number | node_id | function "(" expression ("," expression)* ")"
                | "(" expression ")"

Numbers are ``12``, ``0.014``, ``.5``, ``1e6``; node ids match
``[a-z][a-z0-9_]*``; the functions are ``min``, ``max`` and ``abs``.

Every problem is a :class:`FormulaError` with a ``kind`` and, where the
problem has a place, the 1-based ``column`` inside the formula text, so the
loader can point at the exact character in the goal file.

A :class:`Formula` evaluates (through code compiled once per shape: formulas
that differ only in their node ids share it, see :func:`parse`), renders a
canonical text for revision diffs, and solves itself for one unknown
(:meth:`Formula.solve_for`) or for one common growth factor of several
unknowns (:meth:`Formula.solve_common_factor`) -- the two equations of target
propagation (SPEC §3.1).
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field
from typing import Callable, Literal, Mapping, Sequence, Union

__all__ = [
    "FUNCTIONS",
    "BinaryOp",
    "Call",
    "Expression",
    "Formula",
    "FormulaError",
    "Name",
    "Number",
    "UnaryOp",
    "parse",
]

FormulaErrorKind = Literal["syntax", "unknown_name", "division_by_zero", "domain"]

FUNCTIONS: tuple[str, ...] = ("min", "max", "abs")
"""The functions a formula may call."""

MAX_DEPTH = 400
"""Deepest syntax tree a formula may have (a sum of 400 terms is 400 deep)."""

MAX_NESTING = 100
"""Most parentheses, signs, powers and calls a formula may nest inside each other."""

_NUMERIC_TOLERANCE = 1e-9
_EPSILON = 2.220446049250313e-16
_MAX_ITERATIONS = 400


class FormulaError(Exception):
    """A formula that cannot be parsed or evaluated.

    Attributes:
        message: What is wrong, in words a strategy team understands, including
            the column (``expected a number, a node id or '(' at column 12``).
        column: 1-based column inside the formula text, or ``None`` when the
            problem has no single place.
        kind: ``syntax`` (the text is not a formula), ``unknown_name`` (a node
            id has no value), ``division_by_zero`` (a divisor is 0; the message
            names the divisor) or ``domain`` (a negative number raised to a
            fractional power, an overflow, a value that is not a finite number).
        name: For ``unknown_name``, the node id that has no value.
    """

    def __init__(
        self,
        message: str,
        column: int | None = None,
        kind: FormulaErrorKind = "syntax",
        name: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.kind = kind
        self.name = name

    def __reduce__(self):  # keep kind and column across pickling (multiprocessing)
        return (type(self), (self.message, self.column, self.kind, self.name))

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- #
# The syntax tree
# --------------------------------------------------------------------------- #
# ``column`` is where the node starts and ``end`` is the column just after its
# last character, both 1-based, so ``text[column - 1 : end - 1]`` is the
# node's own source. Neither takes part in equality: ``a*b`` and ``a * (b)``
# have equal trees. Nodes built by hand (not parsed) have column and end 0.


@dataclass(frozen=True)
class Number:
    """A numeric literal (``12``, ``0.014``, ``1e6``); always non-negative when parsed."""

    value: float
    column: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name:
    """A reference to another node by its id."""

    id: str
    column: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class UnaryOp:
    """A sign: ``op`` is ``"-"`` or ``"+"``."""

    op: str
    operand: "Expression"
    column: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BinaryOp:
    """An arithmetic operation: ``op`` is one of ``+ - * / **``."""

    op: str
    left: "Expression"
    right: "Expression"
    column: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    """A function call: ``function`` is ``min``, ``max`` or ``abs``."""

    function: str
    args: tuple["Expression", ...]
    column: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


Expression = Union[Number, Name, UnaryOp, BinaryOp, Call]
"""Any node of a formula's syntax tree."""


# --------------------------------------------------------------------------- #
# Tokenizer
# --------------------------------------------------------------------------- #

_DIGITS = frozenset("0123456789")
_ID_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_ID_CHARS = _ID_START | _DIGITS
_WHITESPACE = frozenset(" \t\r\n")
_SINGLE = {"+": "+", "-": "-", "/": "/", "(": "(", ")": ")", ",": ","}
_CHARACTER_HINTS = {
    "^": "; write powers with **, e.g. x ** 2",
    "%": "; write percentages as fractions (0.05) or divide by 100",
    "'": "; formulas contain only numbers, node ids, + - * / **, parentheses and min(), max(), abs()",
    '"': "; formulas contain only numbers, node ids, + - * / **, parentheses and min(), max(), abs()",
    "[": "; use ( and ) for grouping",
    "]": "; use ( and ) for grouping",
    "{": "; use ( and ) for grouping",
    "}": "; use ( and ) for grouping",
    "=": "; the node itself is the left-hand side, write only the right-hand side",
}


class _Token:
    __slots__ = ("kind", "text", "column", "value")

    def __init__(self, kind: str, text: str, column: int, value: float = 0.0) -> None:
        self.kind = kind  # "number", "name", an operator or punctuation, or "end"
        self.text = text
        self.column = column
        self.value = value

    @property
    def end(self) -> int:
        return self.column + len(self.text)


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the formula"
    if token.kind == "number":
        return f"the number {token.text}"
    return f"'{token.text}'"


# Every token of a formula the tokenizer accepts, with the whitespace before it.
# Atomic and possessive, so a number or a node id is read whole, as the
# character loop reads it; one glued to a letter, a digit or _ does not match.
_TOKENS = re.compile(
    r"([ \t\r\n]*+)(?:"
    r"((?>(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+))(?![A-Za-z0-9_])"
    r"|([a-z][a-z0-9_]*+)(?![A-Za-z0-9_])"
    r"|(\*\*|[-+*/(),])"
    r")"
)
_WHITESPACE_CHARACTERS = " \t\r\n"


def _tokenize(text: str) -> list[_Token]:
    """The tokens of ``text``, ending with an ``end`` token.

    Well-formed text is read with one regular expression; at anything else
    (a character that is not allowed, ``2x``, ``1e``, an upper-case id, a
    number too large) the character loop reads the whole text again, to raise
    the error it describes.
    """
    tokens: list[_Token] = []
    append = tokens.append
    position = 0
    for space, number, name, operator_ in _TOKENS.findall(text):
        column = position + len(space) + 1
        if number:
            value = float(number)
            if value == math.inf:
                return _tokenize_by_character(text)  # raises: the number is too large
            append(_Token("number", number, column, value))
            position = column - 1 + len(number)
        elif name:
            append(_Token("name", name, column))
            position = column - 1 + len(name)
        else:
            append(_Token(operator_, operator_, column))
            position = column - 1 + len(operator_)
    # findall steps over what matches no token. Then the tokens found fall short
    # of where they really end, and what is left after ``position`` is not blank.
    if text[position:].strip(_WHITESPACE_CHARACTERS):
        return _tokenize_by_character(text)
    append(_Token("end", "", len(text) + 1))
    return tokens


def _tokenize_by_character(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        column = position + 1
        if char in _WHITESPACE:
            position += 1
        elif char in _DIGITS or (char == "." and position + 1 < length and text[position + 1] in _DIGITS):
            position = _scan_number(text, position, tokens)
        elif char in _ID_START:
            start = position
            while position < length and text[position] in _ID_CHARS:
                position += 1
            word = text[start:position]
            if not ("a" <= word[0] <= "z") or word != word.lower():
                raise FormulaError(
                    f"'{word}' at column {column} is not a valid node id: node ids are lower-case"
                    " letters, digits and _, starting with a letter",
                    column,
                )
            tokens.append(_Token("name", word, column))
        elif char == "*":
            if text.startswith("**", position):
                tokens.append(_Token("**", "**", column))
                position += 2
            else:
                tokens.append(_Token("*", "*", column))
                position += 1
        elif char in _SINGLE:
            tokens.append(_Token(_SINGLE[char], char, column))
            position += 1
        else:
            hint = _CHARACTER_HINTS.get(char, "")
            shown = repr(char) if not char.isprintable() else f"'{char}'"
            raise FormulaError(f"unexpected character {shown} at column {column}{hint}", column)
    tokens.append(_Token("end", "", length + 1))
    return tokens


def _scan_number(text: str, position: int, tokens: list[_Token]) -> int:
    start = position
    length = len(text)
    while position < length and text[position] in _DIGITS:
        position += 1
    if position < length and text[position] == ".":
        position += 1
        while position < length and text[position] in _DIGITS:
            position += 1
    if position < length and text[position] in "eE":
        exponent = position + 1
        if exponent < length and text[exponent] in "+-":
            exponent += 1
        if exponent < length and text[exponent] in _DIGITS:
            position = exponent
            while position < length and text[position] in _DIGITS:
                position += 1
        else:
            raise FormulaError(
                f"malformed number '{text[start:exponent]}' at column {start + 1}: an exponent needs"
                " digits, e.g. 1e6",
                start + 1,
            )
    literal = text[start:position]
    if position < length and text[position] in _ID_CHARS:
        # ``2x`` or ``1_000``: say what was probably meant rather than "unexpected name".
        if text[position] == "_":
            raise FormulaError(
                f"malformed number at column {start + 1}: write numbers without separators,"
                " e.g. 1000000",
                start + 1,
            )
        word_end = position
        while word_end < length and text[word_end] in _ID_CHARS:
            word_end += 1
        word = text[position:word_end]
        raise FormulaError(
            f"missing operator between {literal} and '{word}' at column {position + 1}:"
            f" write {literal} * {word} to multiply",
            position + 1,
        )
    value = float(literal)
    if math.isinf(value):
        raise FormulaError(f"the number {literal} at column {start + 1} is too large", start + 1)
    tokens.append(_Token("number", literal, start + 1, value))
    return position


# --------------------------------------------------------------------------- #
# Parser
# --------------------------------------------------------------------------- #


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Expression:
        if self.current.kind == "end":
            raise FormulaError(
                "the formula is empty: write arithmetic over node ids, e.g. customers * clv", 1
            )
        expression = self.expression(0)
        token = self.current
        if token.kind != "end":
            if token.kind == ")":
                raise FormulaError(
                    f"unmatched ')' at column {token.column}: there is no '(' for it", token.column
                )
            hint = "; is an operator missing?" if token.kind in ("name", "number", "(") else ""
            raise FormulaError(
                f"expected an operator or the end of the formula at column {token.column},"
                f" found {_describe(token)}{hint}",
                token.column,
            )
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
            f"expected a number, a node id or '(' at column {token.column}, found {_describe(token)}",
            token.column,
        )

    def call(self, name: _Token, depth: int) -> Call:
        if name.text not in FUNCTIONS:
            if name.text in ("sqrt", "root"):
                hint = "; for a square root write x ** 0.5"
            else:
                hint = f"; to multiply, write {name.text} * (…)"
            raise FormulaError(
                f"unknown function '{name.text}' at column {name.column}: the functions are"
                f" min(), max() and abs(){hint}",
                name.column,
            )
        opening = self.advance()
        inner = self._deeper(depth, opening)
        args: list[Expression] = []
        if self.current.kind == ")":
            raise FormulaError(
                f"{name.text}() at column {name.column} needs at least one argument", name.column
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
                f"expected ',' or ')' at column {token.column}, found {_describe(token)}", token.column
            )
        closing = self.advance()
        if name.text == "abs" and len(args) != 1:
            raise FormulaError(
                f"abs() at column {name.column} takes exactly one argument, got {len(args)}", name.column
            )
        return Call(name.text, tuple(args), name.column, closing.end)

    def _unclosed(self, opening: _Token) -> None:
        raise FormulaError(
            f"'(' at column {opening.column} is never closed: add a ')'", opening.column
        )

    @staticmethod
    def _deeper(depth: int, token: _Token) -> int:
        if depth + 1 > MAX_NESTING:
            raise FormulaError(
                f"the formula nests more than {MAX_NESTING} levels deep at column {token.column};"
                " split it into intermediate nodes",
                token.column,
            )
        return depth + 1


def _depth_and_names(node: Expression) -> tuple[int, tuple[str, ...]]:
    """The tree's depth and its distinct node ids in order of first appearance (one walk)."""
    deepest = 0
    seen: dict[str, None] = {}
    stack: list[tuple[Expression, int]] = [(node, 1)]
    while stack:
        item, level = stack.pop()
        if level > deepest:
            deepest = level
        if isinstance(item, Name):
            seen.setdefault(item.id, None)
        elif isinstance(item, BinaryOp):
            stack.append((item.right, level + 1))
            stack.append((item.left, level + 1))
        elif isinstance(item, UnaryOp):
            stack.append((item.operand, level + 1))
        elif isinstance(item, Call):
            stack.extend((arg, level + 1) for arg in reversed(item.args))
    return deepest, tuple(seen)


def parse(text: str) -> "Formula":
    """Parse a formula's text.

    Results are cached by text, so parsing the same formula for many nodes,
    or many times, costs one parse. Formulas that differ only in their node
    ids (``a_revenue = a_customers * a_deal``, ``b_revenue = b_customers *
    b_deal``) have the same *shape*: only the first of a shape is tokenized
    and parsed; the others share its compiled evaluator and its analyses (see
    :class:`_Shape`) and get their own syntax tree only when :attr:`Formula.root`
    is read.

    Args:
        text: The formula, e.g. ``"customers * clv"``.

    Returns:
        The parsed :class:`Formula`.

    Raises:
        FormulaError: ``kind="syntax"`` with the 1-based column of the problem:
            an unexpected character, an invalid node id, an unknown function,
            empty input, trailing text, unbalanced parentheses.
    """
    formula = _BY_TEXT.get(text)
    if formula is None:
        formula = _parse_uncached(text)
        if len(_BY_TEXT) >= _MAX_TEXTS:
            _BY_TEXT.clear()
        _BY_TEXT[text] = formula
    return formula


def _parse_uncached(text: str) -> "Formula":
    """:func:`parse` without the cache by text: through the shape's template when the shape is known."""
    if not isinstance(text, str):
        raise TypeError(f"a formula is text, not {type(text).__name__}")
    parts = _NODE_ID.split(text)
    occurrences = parts[1::2]
    distinct = tuple(dict.fromkeys(occurrences))
    if len(distinct) == len(occurrences):
        key: tuple = (*parts[0::2],)
    else:  # ``a * a`` is not ``a * b``: say which occurrences are the same id
        index = {name: number for number, name in enumerate(distinct)}
        key = (*parts[0::2], tuple([index[name] for name in occurrences]))
    shape = _SHAPES.get(key)
    if shape is not None:
        sources = shape.name_sources
        names = distinct if sources is None else tuple(
            distinct[source] if source.__class__ is int else source for source in sources
        )
        formula = object.__new__(Formula)
        state = formula.__dict__
        state["text"] = text
        state["names"] = names
        state["_shape"] = shape
        return formula
    formula = _parse_tree(text)
    if len(_SHAPES) < _MAX_SHAPES:
        sources = None
        if formula.names != distinct:  # a function's name used as a node id: kept as written in the key
            sources = tuple(distinct.index(name) if name in distinct else name for name in formula.names)
        _SHAPES[key] = formula.__dict__["_shape"] = _Shape(formula, sources, shared=True)
    return formula


def _parse_tree(text: str) -> "Formula":
    """Tokenize and parse ``text`` into a :class:`Formula` with its syntax tree."""
    root = _Parser(text).parse()
    depth, names = _depth_and_names(root)
    if depth > MAX_DEPTH:
        raise FormulaError(
            f"the formula is too long or too deeply nested (more than {MAX_DEPTH} levels);"
            " split it into intermediate nodes",
            None,
        )
    _reject_constant_zero_divisor(text, root)
    return Formula(text, root, names)


def _reject_constant_zero_divisor(text: str, root: Expression) -> None:
    """Refuse a divisor that is zero whatever the nodes' values (``x / 0``, ``x / (2 - 2)``).

    Such a formula can never be evaluated, so it is an error in the file, not
    in the data: reported at parse time, at the divisor's column. Divisors
    that name a node are left to evaluation, where their values are known.

    Raises:
        FormulaError: ``kind="division_by_zero"`` with the divisor's column.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, BinaryOp):
            if node.op == "/" and not _names_in_order(node.right):
                try:
                    divisor = _CheckedEvaluator(text, {}).evaluate(node.right)
                except FormulaError:
                    divisor = None  # the constant fails on its own (``0 ** -1``): evaluation says so
                if divisor == 0:
                    raise FormulaError(
                        f"division by zero: the divisor {_CheckedEvaluator(text, {}).where(node.right)} is always 0;"
                        " divide by a node or a non-zero number",
                        node.right.column or None,
                        "division_by_zero",
                    )
            stack.append(node.right)
            stack.append(node.left)
        elif isinstance(node, UnaryOp):
            stack.append(node.operand)
        elif isinstance(node, Call):
            stack.extend(node.args)


# A node id the way the tokenizer reads one: a whole word of lower-case letters,
# digits and _ starting with a letter, not glued to a number (``1e6``, ``2x``) or
# a dot, and not the name of a function (``min`` stays in the key as written, so
# a call keeps its function). Two texts with the same separators between such
# words tokenize alike, whatever the words are: if one parses, the other parses
# to the same tree with other ids and shifted columns. Anything else (upper-case
# letters, ``_x``) is left in the separators, where it can only make keys differ.
_NODE_ID = re.compile(
    r"(?<![A-Za-z0-9_.])(?!(?:" + "|".join(FUNCTIONS) + r")(?![A-Za-z0-9_]))([a-z][a-z0-9_]*)(?![A-Za-z0-9_])"
)

_MAX_TEXTS = 1 << 17
"""Most formulas remembered by text (room for every formula of a 100k-node tree)."""

_BY_TEXT: dict[str, "Formula"] = {}
"""Formula text -> its parsed formula; a plain dict, as a cache hit must cost next to nothing."""

_GENERATE_AFTER = 16
"""Formulas of one shape compiled into closures before the shape's code is generated."""

_MAX_SHAPES = 1 << 14
"""Most shapes remembered; a formula of a shape beyond them is parsed on its own."""

_SHAPES: dict[tuple, "_Shape"] = {}
"""The separators between a formula's node ids (and which ids repeat) -> its shape."""


# --------------------------------------------------------------------------- #
# Rendering
# --------------------------------------------------------------------------- #

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}
_UNARY = 3
_ATOM = 5


def _number_text(value: float) -> str:
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(float(value))


def _render(node: Expression) -> tuple[str, int]:
    if isinstance(node, Number):
        if not math.isfinite(node.value):
            raise ValueError(f"cannot render the non-finite number {node.value!r} as formula text")
        text = _number_text(node.value)
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


# --------------------------------------------------------------------------- #
# Evaluation
# --------------------------------------------------------------------------- #

_Compiled = Callable[[Mapping[str, float]], float]


def _chain(node: BinaryOp, ops: tuple[str, str]) -> tuple[Expression, list[tuple[str, Expression]]]:
    """Flatten a left-leaning chain ``a - b + c`` into ``a`` and ``[("-", b), ("+", c)]``."""
    rest: list[tuple[str, Expression]] = []
    current: Expression = node
    while isinstance(current, BinaryOp) and current.op in ops:
        rest.append((current.op, current.right))
        current = current.left
    rest.reverse()
    return current, rest


def _compile(node: Expression, rename: Mapping[str, str] | None = None) -> _Compiled:
    """Compile a tree into nested closures (several times faster than walking it).

    ``rename`` maps the tree's node ids to the ids to read instead: a shape's
    template compiled for another formula of the shape.
    """
    if isinstance(node, Number):
        constant = node.value
        return lambda values: constant
    if isinstance(node, Name):
        return operator.itemgetter(node.id if rename is None else rename[node.id])
    if isinstance(node, UnaryOp):
        inner = _compile(node.operand, rename)
        if node.op == "+":
            return inner
        return lambda values: -inner(values)
    if isinstance(node, Call):
        functions = tuple(_compile(arg, rename) for arg in node.args)
        if node.function == "abs":
            only = functions[0]
            return lambda values: abs(only(values))
        pick = min if node.function == "min" else max
        if len(functions) == 1:
            return functions[0]
        if len(functions) == 2:
            first, second = functions
            return lambda values: pick(first(values), second(values))
        return lambda values: pick([function(values) for function in functions])
    if node.op == "**":
        base, exponent = _compile(node.left, rename), _compile(node.right, rename)
        power = math.pow  # raises on a negative base with a fractional exponent, never goes complex
        return lambda values: power(base(values), exponent(values))
    ops = ("+", "-") if node.op in ("+", "-") else ("*", "/")
    head, rest = _chain(node, ops)
    first = _compile(head, rename)
    if len(rest) == 1:
        second = _compile(rest[0][1], rename)
        if node.op == "+":
            return lambda values: first(values) + second(values)
        if node.op == "-":
            return lambda values: first(values) - second(values)
        if node.op == "*":
            return lambda values: first(values) * second(values)
        return lambda values: first(values) / second(values)
    steps = tuple((_OPERATORS[op], _compile(operand, rename)) for op, operand in rest)

    def evaluate_chain(values: Mapping[str, float]) -> float:
        accumulated = first(values)
        for apply, operand in steps:
            accumulated = apply(accumulated, operand(values))
        return accumulated

    return evaluate_chain


_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


_Factory = Callable[..., _Compiled]


def _evaluator_factory(node: Expression, names: Sequence[str]) -> _Factory | None:
    """Python source for ``node``, compiled once: a factory that takes the node ids, in the order of
    ``names``, and returns the formula's evaluator.

    The source does the very operations :func:`_compile`'s closures do, in the same
    order (``a - b + c`` is ``(a - b) + c``; powers are ``math.pow``; ``min`` of
    one argument is the argument), so the two give the same value bit for bit;
    one function frame instead of a closure call per node makes a call faster
    (by a tenth for ``a * b``, by a third for ``a * b * c``), and a formula of
    the shape gets its evaluator from the factory for less than closures cost.
    The node ids are the factory's arguments, never part of the source, so
    formulas of one shape share one factory. ``None`` when Python cannot
    compile the source (nesting beyond its parser's limits) or ``names`` misses
    an id of the tree: use :func:`_compile`.
    """
    position = {name: number for number, name in enumerate(names)}
    constants: dict[str, object] = {}

    def source(item: Expression) -> str:
        if isinstance(item, Number):
            constant = f"c{len(constants)}"
            constants[constant] = item.value
            return constant
        if isinstance(item, Name):
            return f"v[n{position[item.id]}]"
        if isinstance(item, UnaryOp):
            inner = source(item.operand)
            return inner if item.op == "+" else f"(-{inner})"
        if isinstance(item, Call):
            arguments = [source(argument) for argument in item.args]
            if item.function == "abs":
                return f"_abs({arguments[0]})"
            if len(arguments) == 1:
                return arguments[0]
            function = "_min" if item.function == "min" else "_max"
            if len(arguments) == 2:
                return f"{function}({arguments[0]}, {arguments[1]})"
            return f"{function}([{', '.join(arguments)}])"
        if item.op == "**":
            return f"_pow({source(item.left)}, {source(item.right)})"
        head, rest = _chain(item, ("+", "-") if item.op in ("+", "-") else ("*", "/"))
        return "(" + source(head) + "".join(f" {op} {source(operand)}" for op, operand in rest) + ")"

    parameters = ", ".join(f"n{number}" for number in range(len(names)))
    try:
        body = source(node)
        code = compile(
            f"def factory({parameters}):\n    def evaluate(v):\n        return {body}\n    return evaluate\n",
            "<formula>",
            "exec",
        )
    except (SyntaxError, RecursionError, MemoryError, ValueError, KeyError):
        return None  # KeyError: a tree built by hand with an id missing from its names
    namespace: dict[str, object] = {
        "__builtins__": {},
        "_abs": abs,
        "_min": min,
        "_max": max,
        "_pow": math.pow,  # raises on a negative base with a fractional exponent, never goes complex
        **constants,
    }
    exec(code, namespace)  # noqa: S102 - our own source: placeholders, operators and constants only
    return namespace["factory"]  # type: ignore[return-value]


def _format_value(value: float) -> str:
    return f"{value:.6g}"


class _CheckedEvaluator:
    """The slow evaluator: checks every step so that an error can say where it happened."""

    def __init__(self, text: str, values: Mapping[str, float]) -> None:
        self.text = text
        self.values = values

    def source(self, node: Expression) -> str:
        if node.column and node.end and node.end <= len(self.text) + 1:
            return self.text[node.column - 1 : node.end - 1]
        return _render(node)[0]

    def where(self, node: Expression) -> str:
        return f"'{self.source(node)}' at column {node.column}" if node.column else f"'{self.source(node)}'"

    def evaluate(self, node: Expression) -> float:
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
            head, rest = _chain(node, ("+", "-") if node.op in ("+", "-") else ("*", "/"))
            accumulated = self.evaluate(head)
            # ``partial`` is the sub-expression computed so far, for overflow messages.
            end = head.end
            for op, operand in rest:
                value = self.evaluate(operand)
                if op == "/" and value == 0:
                    raise FormulaError(
                        f"division by zero: the divisor {self.where(operand)} is 0",
                        operand.column or None,
                        "division_by_zero",
                    )
                accumulated = _OPERATORS[op](accumulated, value)
                end = operand.end
                if not math.isfinite(accumulated):
                    partial = BinaryOp(op, head, operand, head.column, end) if head.column else node
                    raise FormulaError(
                        f"{self.where(partial)} is too large to compute (overflow)",
                        head.column or None,
                        "domain",
                    )
            return accumulated
        base = self.evaluate(node.left)
        exponent = self.evaluate(node.right)
        if base == 0 and exponent < 0:
            raise FormulaError(
                f"division by zero: {self.where(node.left)} is 0 and is raised to the negative power"
                f" {_format_value(exponent)}",
                node.left.column or None,
                "division_by_zero",
            )
        if base < 0 and exponent != int(exponent):
            raise FormulaError(
                f"{self.where(node.left)} is negative ({_format_value(base)}) and cannot be raised to"
                f" the fractional power {_format_value(exponent)}",
                node.left.column or None,
                "domain",
            )
        try:
            result = math.pow(base, exponent)
        except (OverflowError, ValueError):
            result = math.inf
        if not math.isfinite(result):
            raise FormulaError(
                f"{self.where(node)} is too large to compute (overflow)", node.column or None, "domain"
            )
        return result

    def lookup(self, node: Name) -> float:
        try:
            value = self.values[node.id]
        except KeyError:
            value = None
        where = f" at column {node.column}" if node.column else ""
        if value is None:
            raise FormulaError(
                f"'{node.id}'{where} has no value", node.column or None, "unknown_name", node.id
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise FormulaError(
                f"the value of '{node.id}'{where} is not a number: {value!r}", node.column or None, "domain"
            ) from None
        if not math.isfinite(number):
            raise FormulaError(
                f"the value of '{node.id}'{where} is not a finite number ({number})",
                node.column or None,
                "domain",
            )
        return number


# --------------------------------------------------------------------------- #
# Structure analysis used by the solvers and by attribution
# --------------------------------------------------------------------------- #


def _count(node: Expression, name: str) -> int:
    count = 0
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Name):
            count += item.id == name
        elif isinstance(item, BinaryOp):
            stack.append(item.left)
            stack.append(item.right)
        elif isinstance(item, UnaryOp):
            stack.append(item.operand)
        elif isinstance(item, Call):
            stack.extend(item.args)
    return count


def _path_to(node: Expression, name: str) -> list[Expression] | None:
    """The nodes from ``node`` down to the (single) ``Name(name)``, or ``None``."""
    if isinstance(node, Name):
        return [node] if node.id == name else None
    children: tuple[Expression, ...]
    if isinstance(node, BinaryOp):
        children = (node.left, node.right)
    elif isinstance(node, UnaryOp):
        children = (node.operand,)
    elif isinstance(node, Call):
        children = node.args
    else:
        return None
    for child in children:
        path = _path_to(child, name)
        if path is not None:
            return [node, *path]
    return None


def _polynomial_degree(node: Expression, name: str) -> int | None:
    """Degree of ``node`` as a polynomial in ``name``; ``None`` if it is not one."""
    if isinstance(node, Number):
        return 0
    if isinstance(node, Name):
        return 1 if node.id == name else 0
    if isinstance(node, UnaryOp):
        return _polynomial_degree(node.operand, name)
    if isinstance(node, Call):
        degrees = [_polynomial_degree(arg, name) for arg in node.args]
        return 0 if all(degree == 0 for degree in degrees) else None
    left = _polynomial_degree(node.left, name)
    right = _polynomial_degree(node.right, name)
    if left is None or right is None:
        return None
    if node.op in ("+", "-"):
        return max(left, right)
    if node.op == "*":
        return left + right
    if node.op == "/":
        return left if right == 0 else None
    if right == 0 and left == 0:
        return 0
    if right == 0 and isinstance(node.right, Number) and node.right.value == int(node.right.value) >= 0:
        return left * int(node.right.value)
    return None


def _homogeneous_degree(
    node: Expression, unknowns: frozenset[str], evaluator: _CheckedEvaluator
) -> float | None:
    """Degree E with ``f(g·u) = g**E · f(u)`` for every g > 0, or ``None`` if not homogeneous.

    Only the unknowns are scaled; every other name is a constant.
    """
    if isinstance(node, Number):
        return 0.0
    if isinstance(node, Name):
        return 1.0 if node.id in unknowns else 0.0
    if isinstance(node, UnaryOp):
        return _homogeneous_degree(node.operand, unknowns, evaluator)
    if isinstance(node, Call):
        # min, max and abs commute with multiplication by a positive factor.
        degrees = {_homogeneous_degree(arg, unknowns, evaluator) for arg in node.args}
        return degrees.pop() if len(degrees) == 1 else None
    left = _homogeneous_degree(node.left, unknowns, evaluator)
    right = _homogeneous_degree(node.right, unknowns, evaluator)
    if left is None or right is None:
        return None
    if node.op in ("+", "-"):
        return left if left == right else None
    if node.op == "*":
        return left + right
    if node.op == "/":
        return left - right
    if right != 0:
        return None
    if left == 0:
        return 0.0
    return left * evaluator.evaluate(node.right)


def _monomial(node: Expression) -> tuple[float, dict[str, float]] | None:
    """``node`` as ``constant * Π name**exponent`` with constant exponents, or ``None``."""
    if isinstance(node, Number):
        return node.value, {}
    if isinstance(node, Name):
        return 1.0, {node.id: 1.0}
    if isinstance(node, UnaryOp):
        inner = _monomial(node.operand)
        if inner is None:
            return None
        return (-inner[0] if node.op == "-" else inner[0]), inner[1]
    if not isinstance(node, BinaryOp) or node.op in ("+", "-"):
        return None
    if node.op == "**":
        exponent = _monomial(node.right)
        base = _monomial(node.left)
        if exponent is None or exponent[1] or base is None:
            return None
        power = exponent[0]
        try:
            constant = math.pow(base[0], power)
        except (ValueError, OverflowError):
            return None
        return constant, {name: value * power for name, value in base[1].items()}
    left, right = _monomial(node.left), _monomial(node.right)
    if left is None or right is None:
        return None
    exponents = dict(left[1])
    sign = 1.0 if node.op == "*" else -1.0
    for name, value in right[1].items():
        exponents[name] = exponents.get(name, 0.0) + sign * value
    if node.op == "*":
        return left[0] * right[0], exponents
    if right[0] == 0:
        return None
    return left[0] / right[0], exponents


# --------------------------------------------------------------------------- #
# Root finding
# --------------------------------------------------------------------------- #


def _brent(
    function: Callable[[float], float], low: float, high: float, f_low: float, f_high: float, xtol: float
) -> float | None:
    """Brent's method on a bracket with a sign change (after SciPy's ``brentq``).

    Returns ``None`` if the function cannot be evaluated inside the bracket.
    """
    previous, current = low, high
    f_previous, f_current = f_low, f_high
    block, f_block = 0.0, 0.0
    step_previous = step_current = 0.0
    for _ in range(_MAX_ITERATIONS):
        if f_previous != 0 and f_current != 0 and (f_previous < 0) != (f_current < 0):
            block, f_block = previous, f_previous
            step_previous = step_current = current - previous
        if abs(f_block) < abs(f_current):
            previous, current, block = current, block, current
            f_previous, f_current, f_block = f_current, f_block, f_current
        tolerance = (xtol + 4 * _EPSILON * abs(current)) / 2
        bisect = (block - current) / 2
        if f_current == 0 or abs(bisect) < tolerance:
            return current
        if abs(step_previous) > tolerance and abs(f_current) < abs(f_previous):
            if previous == block:
                trial = -f_current * (current - previous) / (f_current - f_previous)
            else:
                slope_previous = (f_previous - f_current) / (previous - current)
                slope_block = (f_block - f_current) / (block - current)
                trial = (
                    -f_current
                    * (f_block * slope_block - f_previous * slope_previous)
                    / (slope_block * slope_previous * (f_block - f_previous))
                )
            if 2 * abs(trial) < min(abs(step_previous), 3 * abs(bisect) - tolerance):
                step_previous, step_current = step_current, trial
            else:
                step_previous = step_current = bisect
        else:
            step_previous = step_current = bisect
        previous, f_previous = current, f_current
        current += step_current if abs(step_current) > tolerance else math.copysign(tolerance, bisect)
        value = function(current)
        if value is None:
            return None
        f_current = value
    return current


def _bracket_and_solve(
    function: Callable[[float], float | None], start: float, offsets: Sequence[float], xtol: float
) -> float | None:
    """Walk outwards from ``start`` by ``offsets`` both ways until the sign changes, then solve.

    ``function`` returns ``None`` where it is undefined; a bracket never spans
    an undefined point (the function need not be continuous across it).
    """
    f_start = function(start)
    if f_start == 0:
        return start
    sides = [(start, f_start) if f_start is not None else None] * 2
    for offset in offsets:
        for side, direction in enumerate((1.0, -1.0)):
            point = start + direction * offset
            value = function(point)
            if value is None:
                sides[side] = None
                continue
            if value == 0:
                return point
            last = sides[side]
            sides[side] = (point, value)
            if last is not None and (last[1] < 0) != (value < 0):
                low, f_low = (last, (point, value))[direction < 0]
                high, f_high = ((point, value), last)[direction < 0]
                return _brent(function, low, high, f_low, f_high, xtol)
    return None


# --------------------------------------------------------------------------- #
# The formula
# --------------------------------------------------------------------------- #


_UNKNOWN = object()
"""Not worked out yet (``None`` is an answer: no inversion, no degree)."""


class _computed_once:  # noqa: N801 - used as a decorator, like functools.cached_property
    """:func:`functools.cached_property` without the lock Python 3.11 takes on every first read.

    The value is stored in the instance's ``__dict__``, where later reads find
    it before this descriptor. Two threads may both compute it; either result is right.
    """

    def __init__(self, function: Callable) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __get__(self, instance: object, owner: type | None = None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


@dataclass(frozen=True)
class Formula:
    """A parsed formula. Build one with :func:`parse`.

    Attributes:
        text: The formula as written.
        root: The syntax tree. A formula that shares its shape with one parsed
            before it builds its tree from its text when ``root`` is first read.
        names: The distinct node ids it refers to, in order of first appearance.
    """

    text: str
    root: Expression
    names: tuple[str, ...]

    def __str__(self) -> str:
        return self.text

    def __getattr__(self, attribute: str) -> Expression:
        # Only reached when ``root`` was never built (see parse): build it now.
        if attribute == "root" and "text" in self.__dict__:
            root = self.__dict__["root"] = _Parser(self.text).parse()
            return root
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {attribute!r}")

    def __getstate__(self) -> dict:
        # Compiled code cannot be pickled; it is rebuilt on first use. A formula
        # whose shape parse() shares finds that shape again when it is unpickled.
        state = dict(self.__dict__)
        state.pop("_compiled", None)
        shape = state.pop("_shape", None)
        if shape is not None and shape.shared:
            state["_shared_shape"] = True
        return state

    def __setstate__(self, state: dict) -> None:
        if state.pop("_shared_shape", False):
            state["_shape"] = parse(state["text"])._shape
        self.__dict__.update(state)

    @_computed_once
    def _shape(self) -> "_Shape":
        # Formulas from parse() are given theirs; one built by hand is its own.
        return _Shape(self)

    @_computed_once
    def _compiled(self) -> _Compiled:
        return self._shape.evaluator(self.names)

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The formula's value.

        Args:
            values: A value for every node id in :attr:`names` (other keys are ignored).

        Returns:
            The value as a finite float.

        Raises:
            FormulaError: ``unknown_name`` if a name has no value (missing or
                ``None``); ``division_by_zero`` naming the divisor's text and
                column; ``domain`` for a negative number raised to a fractional
                power, an overflow, or a value that is not a finite number.
        """
        try:
            result = float(self._compiled(values))
        except (ArithmeticError, ValueError, TypeError, KeyError):
            result = math.nan
        if math.isfinite(result):
            return result
        # Something went wrong: walk again slowly to say exactly what and where.
        result = _CheckedEvaluator(self.text, values).evaluate(self.root)
        if not math.isfinite(result):  # pragma: no cover - the checked walk raises first
            raise FormulaError(f"the formula {self.text!r} has no finite value", None, "domain")
        return result

    def canonical(self) -> str:
        """A normalized text: one space around operators, minimal parentheses.

        ``a*b`` and ``a * (b)`` give the same text; ``(a + b) * c`` keeps its
        parentheses. Numbers are written plainly (``1e6`` becomes
        ``1000000``) and a sign ``+`` is dropped (``+a`` is ``a``). The result
        parses back to a formula with the same value and the same canonical text.
        """
        return _render(self.root)[0]

    def source_of(self, node: Expression) -> str:
        """The text of a sub-expression as written (or rendered, for a node built by hand)."""
        return _CheckedEvaluator(self.text, {}).source(node)

    def is_linear_in(self, name: str) -> bool:
        """Whether the formula is ``a * name + b`` with ``a`` and ``b`` not depending on ``name``.

        Structural: ``name - name`` counts as linear. ``False`` when ``name``
        does not occur.
        """
        names = self.names
        if name not in names:
            return False
        shape = self._shape
        return shape.degree(shape.template.names[names.index(name)]) == 1

    def as_monomial(self) -> tuple[float, dict[str, float]] | None:
        """The formula as ``constant * Π name ** exponent``, if it is a pure product/quotient.

        ``customers * clv`` gives ``(1.0, {"customers": 1.0, "clv": 1.0})``;
        ``2 * a / b ** 2`` gives ``(2.0, {"a": 1.0, "b": -2.0})``. Exponents
        must be constants. ``None`` for anything with ``+``, ``-`` between
        terms, functions, or a name in an exponent.
        """
        shape = self._shape
        monomial = shape.monomial
        if monomial is None:
            return None
        constant, exponents, by_position = monomial
        if shape.template is self or by_position is None:
            return constant, dict(exponents)
        names = self.names
        return constant, {names[position]: exponent for position, exponent in by_position}

    def solve_for(self, name: str, result: float, values: Mapping[str, float]) -> float | None:
        """The value of ``name`` that makes the formula equal ``result``.

        Exact where ``name`` occurs once and the path down to it runs through
        ``+ - * /`` and powers (each step inverted: ``revenue = customers *
        clv`` gives ``customers = revenue / clv``). Otherwise numeric: a
        bracket is found by stepping outwards from the current value of
        ``name`` (or 1), then Brent's method; the answer is accepted when the
        formula hits ``result`` within a relative 1e-9.

        For an even power the root with the sign of the current value is taken
        (the positive one when there is no current value).

        Args:
            name: The node id to solve for.
            result: The value the formula must have.
            values: Values of the other names; a value of ``name`` itself is
                only used as a starting point.

        Returns:
            The value, or ``None`` when there is none, when ``name`` does not
            influence the result (``0 * name``), or when it would need a
            division by zero.

        Raises:
            FormulaError: ``unknown_name`` when another name has no value.
        """
        names = self.names
        if name not in names or not math.isfinite(result):
            return None
        get = values.get
        for other in names:
            if other != name and get(other) is None:
                self._require_values(values, exclude=frozenset((name,)))  # raises
        environment = dict(values)
        steps = self._shape.inversion(names.index(name))
        if steps is not None:
            return self._invert(steps, result, environment, name)
        return self._solve_numerically(name, result, environment)

    def solve_common_factor(
        self,
        result: float,
        baselines: Mapping[str, float],
        unknowns: Sequence[str],
        values: Mapping[str, float],
    ) -> float | None:
        """The common growth factor ``g`` of several unknowns that makes the formula equal ``result``.

        Each unknown ``u`` takes ``baselines[u] * g``; the other names take
        ``values`` (SPEC §3.1 rule 3). Where the formula is homogeneous in the
        unknowns -- ``f(g·u) = g**E · f(u)``, as for products and quotients
        (``customers * clv``: E = 2) and sums of unknowns alone (E = 1) -- the
        factor is closed-form, ``(result / f(baselines)) ** (1 / E)``.
        Otherwise it is found numerically over ``g > 0``.

        Args:
            result: The value the formula must have.
            baselines: The baseline of every unknown.
            unknowns: The names scaled together; names that do not occur are ignored.
            values: Values of every other name in the formula.

        Returns:
            The factor ``g > 0``, or ``None`` when no positive factor works or
            the factor does not change the result.

        Raises:
            ValueError: An unknown that occurs in the formula has no baseline.
            FormulaError: ``unknown_name`` when another name has no value.
        """
        scaled = [name for name in dict.fromkeys(unknowns) if name in self.names]
        if not scaled or not math.isfinite(result):
            return None
        missing = [name for name in scaled if baselines.get(name) is None]
        if missing:
            raise ValueError(f"no baseline for {', '.join(missing)}: a common growth factor needs one")
        base = {name: float(baselines[name]) for name in scaled}
        self._require_values(values, exclude=frozenset(scaled))
        template = self._shape.template
        if template is self:
            return self._common_factor(result, base, scaled, dict(values))
        # As in solve_for: the template over the same values gives the same factor.
        own = dict(zip(self.names, template.names))
        environment = dict(zip(template.names, map(values.get, self.names)))
        return template._common_factor(
            result, {own[name]: value for name, value in base.items()}, [own[name] for name in scaled], environment
        )

    # ------------------------------------------------------------------ #

    def _require_values(self, values: Mapping[str, float], exclude: frozenset[str]) -> None:
        get = values.get
        if all(name in exclude or get(name) is not None for name in self.names):
            return
        for node in _names_in_order(self.root):  # the first occurrence without a value, and its column
            if node.id not in exclude and get(node.id) is None:
                where = f" at column {node.column}" if node.column else ""
                raise FormulaError(
                    f"'{node.id}'{where} has no value", node.column or None, "unknown_name", node.id
                )

    def _common_factor(
        self, result: float, base: dict[str, float], scaled: list[str], environment: dict[str, float]
    ) -> float | None:
        """:meth:`solve_common_factor` once baselines and values are checked."""

        def evaluate_at(factor: float) -> float:
            for name in scaled:
                environment[name] = base[name] * factor
            return self.evaluate(environment)

        environment.update(base)
        try:
            degree = _homogeneous_degree(
                self.root, frozenset(scaled), _CheckedEvaluator(self.text, environment)
            )
        except FormulaError as error:
            if error.kind == "unknown_name":
                raise
            degree = None  # an exponent is undefined; the numeric search will say None too
        if degree is not None:
            if degree == 0:
                return None
            try:
                at_baseline = evaluate_at(1.0)
            except FormulaError as error:
                if error.kind == "unknown_name":
                    raise
                return None
            ratio = result / at_baseline if at_baseline else 0.0
            if ratio <= 0:
                return None
            try:
                factor = math.exp(math.log(ratio) / degree)
                evaluate_at(factor)
            except (OverflowError, FormulaError):
                return None
            return factor

        scale: list[float] = []

        def residual(log_factor: float) -> float | None:
            try:
                value = evaluate_at(math.exp(log_factor))
            except FormulaError as error:
                if error.kind == "unknown_name":
                    raise
                return None
            except OverflowError:
                return None
            scale.append(abs(value))
            return value - result

        offsets = [2.0**k for k in range(-7, 10)] + [700.0]
        log_factor = _bracket_and_solve(residual, 0.0, offsets, xtol=1e-15)
        if log_factor is None:
            return None
        factor = math.exp(log_factor)
        try:
            reached = evaluate_at(factor)
        except FormulaError:
            return None
        if abs(reached - result) > _NUMERIC_TOLERANCE * max([abs(result), *scale[:3]]):
            return None
        return factor

    def _invert(
        self,
        steps: tuple[tuple, ...],
        result: float,
        environment: dict[str, float],
        name: str,
    ) -> float | None:
        names = self.names
        evaluator = None
        isfinite = math.isfinite
        target = result
        try:
            for op, on_left, other, position, child in steps:
                if op is None:  # a sign; on_left says whether it is a minus
                    if on_left:
                        target = -target
                    continue
                value = None
                if position is not None:  # a node id: read it here, as the checked lookup would
                    value = environment.get(names[position])
                    if value.__class__ is not float or not isfinite(value):
                        value = None  # not plainly a number: the checked walk judges it
                elif other.__class__ is Number:
                    value = other.value
                if value is None or op == "**":
                    if evaluator is None:
                        evaluator = self._template_evaluator(environment)
                    if value is None:
                        value = evaluator.evaluate(other)
                target = _invert_step(op, on_left, target, value, child, environment, evaluator, name)
                if target is None or not isfinite(target):
                    return None
        except FormulaError as error:
            if error.kind == "unknown_name":
                raise
            return None  # the rest of the formula is undefined: no value of name helps
        except (OverflowError, ValueError, ZeroDivisionError):
            return None
        environment[name] = target
        try:
            self.evaluate(environment)
        except FormulaError:
            return None
        return target

    def _template_evaluator(self, environment: Mapping[str, float]) -> _CheckedEvaluator:
        """The checked walk over the shape's template, with this formula's values.

        For the parts of the template that :meth:`_invert` evaluates; it reads the
        values as this formula's own walk would, so gives the same numbers. What
        it raises never reaches a caller (every value was checked before), so the
        template's ids never show in a message.
        """
        template = self._shape.template
        if template is self:
            return _CheckedEvaluator(self.text, environment)
        return _CheckedEvaluator(template.text, dict(zip(template.names, map(environment.get, self.names))))

    def _solve_numerically(self, name: str, result: float, environment: dict[str, float]) -> float | None:
        current = environment.get(name)
        start = float(current) if current is not None and math.isfinite(current) and current != 0 else 1.0
        scale: list[float] = []

        def residual(point: float) -> float | None:
            environment[name] = point
            try:
                value = self.evaluate(environment)
            except FormulaError as error:
                if error.kind == "unknown_name":
                    raise
                return None
            scale.append(abs(value))
            return value - result

        magnitude = abs(start)
        offsets = [magnitude * 2.0**k for k in range(-4, 64)]
        point = _bracket_and_solve(residual, start, offsets, xtol=magnitude * 1e-15)
        if point is None:
            return None
        reached = residual(point)
        if reached is None or abs(reached) > _NUMERIC_TOLERANCE * max([abs(result), *scale[:3]]):
            return None  # a sign change across a pole, not a root
        return point


class _Shape:
    """What the formulas of one shape share: everything that depends on the tree, not on the ids.

    Formulas with the same text between their node ids (see :func:`parse`) have
    the same tree up to the ids. The first of them, the *template*, is parsed
    in full; the others map their :attr:`Formula.names` position by position
    onto the template's. Built lazily and once per shape: the evaluator's
    factory (once enough formulas of the shape are evaluated), the inversion steps per position of a name, the polynomial degree
    per template name and the monomial form. :meth:`Formula.solve_for` runs on
    the formula's own names and values; only a part of the template that is not
    a node id or a number is evaluated over the template, with the same values.

    Attributes:
        template: The formula whose tree stands for the shape.
        name_sources: How a formula of this shape gets its names from the
            distinct node ids found in its text: ``None`` when they are the
            names, otherwise per name the index of that id or, for a
            function's name used as a node id (kept in the key as written),
            the name itself.
        shared: Whether :func:`parse` hands this shape to the formulas of its
            key (``False`` for a formula built by hand: its shape is its own).
    """

    __slots__ = (
        "template", "name_sources", "shared", "_factory", "_compilations", "_inversions", "_degrees", "_monomial"
    )

    def __init__(
        self, template: Formula, name_sources: tuple[int | str, ...] | None = None, shared: bool = False
    ) -> None:
        self.template = template
        self.name_sources = name_sources
        self.shared = shared
        self._factory: _Factory | None | bool = None  # False: Python cannot compile the generated code
        self._compilations = 0
        self._inversions: dict[int, tuple[tuple, ...] | None] = {}
        self._degrees: dict[str, int | None] = {}

    def evaluator(self, names: tuple[str, ...]) -> _Compiled:
        """The compiled evaluator of this shape's formula with ``names``.

        Closures over the template's tree (:func:`_compile`) for the first
        formulas of a shape; generated code (:func:`_evaluator_factory`) from the
        :data:`_GENERATE_AFTER`-th on. Generating costs some 30 closures, so it
        pays only for a shape many formulas share; both give the same value.
        """
        factory = self._factory
        if factory is None:
            self._compilations += 1
            if self._compilations >= _GENERATE_AFTER:
                template = self.template
                factory = self._factory = _evaluator_factory(template.root, template.names) or False
        if factory:
            return factory(*names)
        template = self.template
        if names == template.names:
            return _compile(template.root)
        return _compile(template.root, dict(zip(template.names, names)))

    @property
    def monomial(self) -> tuple[float, dict[str, float], tuple[tuple[int, float], ...] | None] | None:
        """The template's monomial form (do not change the dict: copy it), and its exponents
        by the position of their name among the template's names (``None`` for a tree built
        by hand with an id missing from its names)."""
        try:
            return self._monomial
        except AttributeError:
            pass
        monomial = _monomial(self.template.root)
        if monomial is not None:
            constant, exponents = monomial
            names = self.template.names
            by_position = None
            if all(name in names for name in exponents):
                by_position = tuple((names.index(name), exponent) for name, exponent in exponents.items())
            self._monomial = (constant, exponents, by_position)
        else:
            self._monomial = None
        return self._monomial

    def degree(self, name: str) -> int | None:
        """Degree of the template as a polynomial in its name ``name``."""
        degree = self._degrees.get(name, _UNKNOWN)
        if degree is _UNKNOWN:
            degree = self._degrees[name] = _polynomial_degree(self.template.root, name)
        return degree  # type: ignore[return-value]

    def inversion(self, position: int) -> tuple[tuple, ...] | None:
        """The steps that invert the template for its name at ``position``, or ``None`` to solve numerically.

        Exact inversion needs the name to occur once, on a path through no
        function call. Each step is ``(op, on_left, other, other_position,
        child)``: the operation, whether the path goes on by its left operand,
        the other operand (the template's node), the position among the names
        of that operand when it is a node id (else ``None``), and the node the
        path goes on to; for a sign, ``op`` is ``None`` and ``on_left`` says
        whether it is a minus.
        """
        steps = self._inversions.get(position, _UNKNOWN)
        if steps is not _UNKNOWN:
            return steps  # type: ignore[return-value]
        names = self.template.names
        root = self.template.root
        name = names[position]
        steps = None
        if _count(root, name) == 1:
            path = _path_to(root, name)
            if path is not None and not any(isinstance(node, Call) for node in path):
                found: list[tuple] = []
                for node, child in zip(path, path[1:]):
                    if isinstance(node, UnaryOp):
                        found.append((None, node.op == "-", None, None, child))
                    else:
                        assert isinstance(node, BinaryOp)
                        on_left = node.left is child
                        other = node.right if on_left else node.left
                        where = names.index(other.id) if isinstance(other, Name) and other.id in names else None
                        found.append((node.op, on_left, other, where, child))
                steps = tuple(found)
        self._inversions[position] = steps
        return steps


def _names_in_order(node: Expression) -> list[Name]:
    found: list[Name] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Name):
            found.append(item)
        elif isinstance(item, BinaryOp):
            stack.append(item.right)
            stack.append(item.left)
        elif isinstance(item, UnaryOp):
            stack.append(item.operand)
        elif isinstance(item, Call):
            stack.extend(reversed(item.args))
    return found


def _invert_step(
    op: str,
    on_left: bool,
    target: float,
    other: float,
    child: Expression,
    environment: Mapping[str, float],
    evaluator: _CheckedEvaluator,
    name: str,
) -> float | None:
    """Solve ``child op other == target`` (or ``other op child``) for ``child``."""
    if op == "+":
        return target - other
    if op == "-":
        return target + other if on_left else other - target
    if op == "*":
        return target / other if other != 0 else None
    if op == "/":
        if on_left:
            return target * other if other != 0 else None
        # other / child == target
        if target == 0 or other == 0:
            return None
        return other / target
    # op == "**"
    if on_left:  # child ** other == target
        exponent = other
        if exponent == 0:
            return None
        if target == 0:
            return 0.0 if exponent > 0 else None
        if exponent == int(exponent):
            if int(exponent) % 2 == 0:
                if target < 0:
                    return None
                root = math.pow(target, 1 / exponent)
                return -root if _current_sign(child, environment, evaluator, name) < 0 else root
            return math.copysign(math.pow(abs(target), 1 / exponent), target)
        if target < 0:
            return None
        return math.pow(target, 1 / exponent)
    # other ** child == target
    base = other
    if base <= 0 or base == 1 or target <= 0:
        return None
    return math.log(target) / math.log(base)


def _current_sign(
    child: Expression, environment: Mapping[str, float], evaluator: _CheckedEvaluator, name: str
) -> float:
    """Sign of ``child`` at the current value of ``name``, or +1 when there is none."""
    if environment.get(name) is None:
        return 1.0
    try:
        return -1.0 if evaluator.evaluate(child) < 0 else 1.0
    except FormulaError:
        return 1.0
