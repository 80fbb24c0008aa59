"""Shapes: what formulas that differ only in their node ids share.

``a_revenue = a_customers * a_deal`` and ``b_revenue = b_customers * b_deal``
have the same text between their node ids, so the same tree up to the ids:
the same *shape*. A goal file repeats a few shapes over thousands of nodes,
so :func:`goaltree.formula.parse` tokenizes and parses only the first formula
of a shape, the *template*; the others map their names position by position
onto the template's and share its evaluator and its analyses, each built once
and only when first asked for.
"""

from __future__ import annotations

import re
from typing import Mapping

from goaltree.formula.algebra import InversionStep, homogeneous_degree, inversion_steps, monomial, polynomial_degree
from goaltree.formula.evaluation import CheckedEvaluator, Evaluator, compile_evaluator
from goaltree.formula.tree import FUNCTIONS, Expression, FormulaError

# A node id the way the tokenizer reads one: a whole word of lower-case letters,
# digits and _ starting with a letter, not glued to a number (``1e6``, ``2x``) or
# a dot, and not the name of a function (``min`` stays in the key as written, so
# a call keeps its function). Two texts with the same separators between such
# words tokenize alike, whatever the words are: if one parses, the other parses
# to the same tree with other ids and shifted columns. Anything else (upper-case
# letters, ``_x``) is left in the separators, where it can only make keys differ.
NODE_ID = re.compile(
    r"(?<![A-Za-z0-9_.])(?!(?:" + "|".join(FUNCTIONS) + r")(?![A-Za-z0-9_]))([a-z][a-z0-9_]*)(?![A-Za-z0-9_])"
)

ShapeKey = tuple
"""The separators between a formula's node ids, and which occurrences are the same id."""

_NOT_YET = object()
"""An analysis not worked out yet (``None`` is an answer: no inversion, no degree)."""


def shape_key(text: str) -> tuple[ShapeKey, tuple[str, ...]]:
    """The shape key of ``text`` and the distinct node ids it appears to hold, in order.

    ``a * a`` is not ``a * b``: when an id repeats, the key says which
    occurrences are the same id.
    """
    parts = NODE_ID.split(text)
    occurrences = parts[1::2]
    distinct = tuple(dict.fromkeys(occurrences))
    if len(distinct) == len(occurrences):
        return (*parts[0::2],), distinct
    index = {name: number for number, name in enumerate(distinct)}
    return (*parts[0::2], tuple([index[name] for name in occurrences])), distinct


class Shape:
    """The template of a shape and what is worked out once from it.

    Attributes:
        text: The template's text.
        root: The template's syntax tree.
        names: The template's distinct node ids in order of first appearance.
        name_sources: How a formula of this shape gets its names from the
            distinct node ids :func:`shape_key` found in its text: ``None``
            when they are the names, otherwise per name the index of that id
            or, for a function's name used as a node id (kept in the key as
            written), the name itself.
        shared: Whether :func:`goaltree.formula.parse` hands this shape to the
            formulas of its key (``False`` for a formula built by hand).
        evaluate: The compiled evaluator (see :func:`compile_evaluator`):
            ``evaluate(values, names)`` with a formula's own names.
    """

    __slots__ = (
        "text", "root", "names", "name_sources", "shared", "evaluate", "_inversions", "_degrees", "_monomial", "_scaling",
    )  # fmt: skip

    def __init__(
        self,
        text: str,
        root: Expression,
        names: tuple[str, ...],
        name_sources: tuple[int | str, ...] | None = None,
        shared: bool = False,
    ) -> None:
        self.text = text
        self.root = root
        self.names = names
        self.name_sources = name_sources
        self.shared = shared
        self.evaluate: Evaluator = compile_evaluator(root, names)
        self._inversions: dict[int, tuple[InversionStep, ...] | None] = {}
        self._degrees: dict[str, int | None] = {}
        self._monomial: object = _NOT_YET
        self._scaling: dict[tuple[int, ...], float | None] = {}

    def names_from(self, distinct: tuple[str, ...]) -> tuple[str, ...]:
        """The names of a formula of this shape whose text holds the node ids ``distinct``."""
        sources = self.name_sources
        if sources is None:
            return distinct
        return tuple(distinct[source] if isinstance(source, int) else source for source in sources)

    def checked_evaluator(self, values: Mapping[str, float], names: tuple[str, ...]) -> CheckedEvaluator:
        """The checked walk over the template, reading the values of the formula with ``names``.

        It reads the values as that formula's own walk would, so gives the
        same numbers; used only where every value was checked before, so the
        template's ids never show in a message.
        """
        if names == self.names:
            return CheckedEvaluator(self.text, values)
        return CheckedEvaluator(self.text, {own: values.get(name) for own, name in zip(self.names, names)})

    def monomial(self) -> tuple[float, dict[str, float], tuple[tuple[int, float], ...] | None] | None:
        """The template's monomial form, and its exponents by the position of their name.

        The position form is ``None`` for a tree built by hand with an id
        missing from its names. Do not change the dict: copy it.
        """
        if self._monomial is _NOT_YET:
            found = monomial(self.root)
            if found is None:
                self._monomial = None
            else:
                constant, exponents = found
                by_position = None
                if all(name in self.names for name in exponents):
                    by_position = tuple((self.names.index(name), exponent) for name, exponent in exponents.items())
                self._monomial = (constant, exponents, by_position)
        return self._monomial  # type: ignore[return-value]

    def scaling_degree(self, positions: tuple[int, ...]) -> float | None:
        """E with ``f(g·u) = g**E · f(u)`` when the names at ``positions`` are scaled by g; ``None`` if there is none.

        :func:`~goaltree.formula.algebra.homogeneous_degree` of the template;
        ``None`` too where an exponent would need a value (``a ** b``).
        """
        degree = self._scaling.get(positions, _NOT_YET)
        if degree is _NOT_YET:
            scaled = frozenset(self.names[position] for position in positions)
            try:
                degree = homogeneous_degree(self.root, scaled, CheckedEvaluator(self.text, {}))
            except (FormulaError, ArithmeticError):
                degree = None
            self._scaling[positions] = degree
        return degree  # type: ignore[return-value]

    def degree(self, position: int) -> int | None:
        """Degree of the template as a polynomial in its name at ``position``."""
        name = self.names[position]
        degree = self._degrees.get(name, _NOT_YET)
        if degree is _NOT_YET:
            degree = self._degrees[name] = polynomial_degree(self.root, name)
        return degree  # type: ignore[return-value]

    def inversion(self, position: int) -> tuple[InversionStep, ...] | None:
        """The steps that invert the template for its name at ``position`` (see :func:`inversion_steps`)."""
        steps = self._inversions.get(position, _NOT_YET)
        if steps is _NOT_YET:
            steps = self._inversions[position] = inversion_steps(self.root, self.names, position)
        return steps  # type: ignore[return-value]
