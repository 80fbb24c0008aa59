"""The syntax tree of a formula, the error every formula problem raises, and walks over the tree.

``column`` is where a node starts and ``end`` is the column just after its
last character, both 1-based, so ``text[column - 1 : end - 1]`` is the node's
own source. Neither takes part in equality: ``a*b`` and ``a * (b)`` have equal
trees. Nodes built by hand (not parsed) have column and end 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

FormulaErrorKind = Literal["syntax", "unknown_name", "division_by_zero", "domain", "undefined"]

FUNCTIONS: tuple[str, ...] = ("min", "max", "abs")
"""The functions a formula may call."""


class FormulaError(Exception):
    """A formula that cannot be parsed or evaluated.

    Attributes:
        message: What is wrong, in words a strategy team understands, including
            the column (``expected a number, a node id or '(' at column 12``).
        column: 1-based column inside the formula text, or ``None`` when the
            problem has no single place.
        kind: ``syntax`` (the text is not a formula), ``unknown_name`` (a node
            id has no value), ``division_by_zero`` (a divisor is 0; the message
            names the divisor), ``undefined`` (no real number: a negative number
            raised to a fractional power) or ``domain`` (an overflow, a value
            that is not a finite number).
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


def children(node: Expression) -> tuple[Expression, ...]:
    """The operands of ``node``, left to right (none for a number or a node id)."""
    if isinstance(node, BinaryOp):
        return (node.left, node.right)
    if isinstance(node, UnaryOp):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    return ()


def chain(node: BinaryOp, ops: tuple[str, str]) -> tuple[Expression, list[tuple[str, Expression]]]:
    """Flatten a left-leaning chain ``a - b + c`` into ``a`` and ``[("-", b), ("+", c)]``.

    A long sum is a deep tree; walking it as a chain keeps evaluation out of deep recursion.
    """
    rest: list[tuple[str, Expression]] = []
    current: Expression = node
    while isinstance(current, BinaryOp) and current.op in ops:
        rest.append((current.op, current.right))
        current = current.left
    rest.reverse()
    return current, rest


def operator_family(op: str) -> tuple[str, str]:
    """The operators of equal precedence that chain with ``op`` (``+ -`` or ``* /``)."""
    return ("+", "-") if op in ("+", "-") else ("*", "/")


def names_in_order(node: Expression) -> list[Name]:
    """Every node id of the tree, repeats included, in the order they are written."""
    found: list[Name] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Name):
            found.append(item)
        else:
            stack.extend(reversed(children(item)))
    return found


def depth_and_names(node: Expression) -> tuple[int, tuple[str, ...]]:
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
        else:
            stack.extend((child, level + 1) for child in reversed(children(item)))
    return deepest, tuple(seen)


def count_name(node: Expression, name: str) -> int:
    """How often the node id ``name`` occurs in the tree."""
    return sum(1 for found in names_in_order(node) if found.id == name)


def path_to(node: Expression, name: str) -> list[Expression] | None:
    """The nodes from ``node`` down to the first ``Name(name)``, or ``None`` when it does not occur."""
    if isinstance(node, Name):
        return [node] if node.id == name else None
    for child in children(node):
        path = path_to(child, name)
        if path is not None:
            return [node, *path]
    return None
