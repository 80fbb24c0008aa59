"""Reading a formula's text into tokens: numbers, node ids, operators and punctuation.

Well-formed text is read with one regular expression; anything else is read
again character by character, which says what is wrong and where.
"""

from __future__ import annotations

import math
import re

from goaltree.formula.tree import FormulaError
from goaltree.present.language import N_, _, _p

_DIGITS = frozenset("0123456789")
_ID_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_ID_CHARS = _ID_START | _DIGITS
_WHITESPACE = frozenset(" \t\r\n")
_SINGLE = {"+": "+", "-": "-", "/": "/", "(": "(", ")": ")", ",": ","}
_CHARACTER_HINTS = {
    "^": N_("; write powers with **, e.g. x ** 2"),
    "%": N_("; write percentages as fractions (0.05) or divide by 100"),
    "'": N_("; formulas contain only numbers, node ids, + - * / **, parentheses and min(), max(), abs()"),
    '"': N_("; formulas contain only numbers, node ids, + - * / **, parentheses and min(), max(), abs()"),
    "[": N_("; use ( and ) for grouping"),
    "]": N_("; use ( and ) for grouping"),
    "{": N_("; use ( and ) for grouping"),
    "}": N_("; use ( and ) for grouping"),
    "=": N_("; the node itself is the left-hand side, write only the right-hand side"),
}


class Token:
    """One token: its kind (``number``, ``name``, an operator or punctuation, or ``end``), text and column."""

    __slots__ = ("kind", "text", "column", "value")

    def __init__(self, kind: str, text: str, column: int, value: float = 0.0) -> None:
        self.kind = kind  # "number", "name", an operator or punctuation, or "end"
        self.text = text
        self.column = column
        self.value = value

    @property
    def end(self) -> int:
        return self.column + len(self.text)


def describe(token: Token) -> str:
    """How an error message names ``token``."""
    if token.kind == "end":
        return _p("load", "the end of the formula")
    if token.kind == "number":
        return _p("load", "the number {number}", number=token.text)
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


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token.

    Well-formed text is read with one regular expression; at anything else
    (a character that is not allowed, ``2x``, ``1e``, an upper-case id, a
    number too large) the character loop reads the whole text again, to raise
    the error it describes.
    """
    tokens: list[Token] = []
    append = tokens.append
    position = 0
    for space, number, name, operator_ in _TOKENS.findall(text):
        column = position + len(space) + 1
        if number:
            value = float(number)
            if value == math.inf:
                return tokenize_by_character(text)  # raises: the number is too large
            append(Token("number", number, column, value))
            position = column - 1 + len(number)
        elif name:
            append(Token("name", name, column))
            position = column - 1 + len(name)
        else:
            append(Token(operator_, operator_, column))
            position = column - 1 + len(operator_)
    # findall steps over what matches no token. Then the tokens found fall short
    # of where they really end, and what is left after ``position`` is not blank.
    if text[position:].strip(_WHITESPACE_CHARACTERS):
        return tokenize_by_character(text)
    append(Token("end", "", len(text) + 1))
    return tokens


def tokenize_by_character(text: str) -> list[Token]:
    """The tokens of ``text`` read one character at a time; raises the :class:`FormulaError` that says what is wrong."""
    tokens: list[Token] = []
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
                    _(
                        "'{word}' at column {column} is not a valid node id: node ids are lower-case"
                        " letters, digits and _, starting with a letter",
                        word=word,
                        column=column,
                    ),
                    column,
                )
            tokens.append(Token("name", word, column))
        elif char == "*":
            if text.startswith("**", position):
                tokens.append(Token("**", "**", column))
                position += 2
            else:
                tokens.append(Token("*", "*", column))
                position += 1
        elif char in _SINGLE:
            tokens.append(Token(_SINGLE[char], char, column))
            position += 1
        else:
            hint = _CHARACTER_HINTS.get(char)
            shown = repr(char) if not char.isprintable() else f"'{char}'"
            raise FormulaError(
                _("unexpected character {character} at column {column}{hint}", character=shown, column=column, hint=_(hint) if hint else ""),
                column,
            )
    tokens.append(Token("end", "", length + 1))
    return tokens


def _scan_number(text: str, position: int, tokens: list[Token]) -> int:
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
                _(
                    "malformed number '{number}' at column {column}: an exponent needs digits, e.g. 1e6",
                    number=text[start:exponent],
                    column=start + 1,
                ),
                start + 1,
            )
    literal = text[start:position]
    if position < length and text[position] in _ID_CHARS:
        # ``2x`` or ``1_000``: say what was probably meant rather than "unexpected name".
        if text[position] == "_":
            raise FormulaError(
                _("malformed number at column {column}: write numbers without separators, e.g. 1000000", column=start + 1),
                start + 1,
            )
        word_end = position
        while word_end < length and text[word_end] in _ID_CHARS:
            word_end += 1
        word = text[position:word_end]
        raise FormulaError(
            _(
                "missing operator between {number} and '{word}' at column {column}: write {number} * {word} to multiply",
                number=literal,
                word=word,
                column=position + 1,
            ),
            position + 1,
        )
    value = float(literal)
    if math.isinf(value):
        raise FormulaError(_("the number {number} at column {column} is too large", number=literal, column=start + 1), start + 1)
    tokens.append(Token("number", literal, start + 1, value))
    return position
