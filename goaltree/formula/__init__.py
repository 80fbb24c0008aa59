"""The formula language: safe arithmetic over node ids (SPEC §1).

A node's ``formula`` (``customers * clv``) is read by a small hand-written
tokenizer and a recursive-descent parser -- never by ``eval`` -- into a tree of
frozen dataclasses that other modules may walk (the units checker, the diff,
the diagram labels). Numbers are ``12``, ``0.014``, ``.5``, ``1e6``; node ids
match ``[a-z][a-z0-9_]*``; the operators are ``+ - * / **`` with Python's
precedence; the functions are ``min``, ``max`` and ``abs``.

Every problem is a :class:`FormulaError` with a ``kind`` and, where the
problem has a place, the 1-based ``column`` inside the formula text, so the
loader can point at the exact character in the goal file.

A :class:`Formula` evaluates, renders a canonical text for revision diffs,
and solves itself for one unknown (:meth:`Formula.solve_for`) or for one
common growth factor of several unknowns (:meth:`Formula.solve_common_factor`)
-- the two equations of target propagation (SPEC §3.1).

One concern per module:

- ``tree``: the syntax tree, :class:`FormulaError` and walks over the tree;
- ``tokens`` and ``parser``: text to tree;
- ``evaluation``: the compiled evaluator and the checked walk that explains a failure;
- ``canonical``: the canonical text;
- ``algebra``, ``roots`` and ``solving``: degrees, monomials, inversion, root finding;
- ``shapes``: what formulas that differ only in their node ids share;
- ``formula``: the :class:`Formula` value and :func:`parse`;
- ``units``: the unit words formulas and the goal-file model need.
"""

from goaltree.formula.formula import Formula, parse
from goaltree.formula.parser import MAX_DEPTH, MAX_NESTING
from goaltree.formula.tree import (
    FUNCTIONS,
    BinaryOp,
    Call,
    Expression,
    FormulaError,
    FormulaErrorKind,
    Name,
    Number,
    UnaryOp,
)

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_NESTING",
    "BinaryOp",
    "Call",
    "Expression",
    "Formula",
    "FormulaError",
    "FormulaErrorKind",
    "Name",
    "Number",
    "UnaryOp",
    "parse",
]
