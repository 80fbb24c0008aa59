"""The :class:`Formula` value and :func:`parse`, which builds one from text.

A formula is a frozen value: its text, its distinct node ids and its shape
(:mod:`goaltree.formula.shapes`), which holds the compiled evaluator and the
analyses it shares with every formula of the same shape. Equal formulas have
the same text, the same names and equal syntax trees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Sequence

from goaltree.formula import solving
from goaltree.formula.canonical import canonical_text, normal_text
from goaltree.formula.evaluation import CheckedEvaluator
from goaltree.formula.parser import checked_tree, syntax_tree
from goaltree.formula.shapes import Shape, shape_key
from goaltree.formula.tree import Expression, FormulaError
from goaltree.present.language import _

MAX_TEXTS = 1 << 17
"""Most formulas :func:`parse` remembers by text (room for every formula of a 100k-node tree)."""

MAX_SHAPES = 1 << 14
"""Most shapes remembered; a formula of a shape beyond them is parsed on its own."""

_BY_TEXT: dict[str, "Formula"] = {}
"""Formula text -> its parsed formula."""

_SHAPES: dict[tuple, Shape] = {}
"""Shape key (see :func:`shape_key`) -> the shape of the formulas with that key."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Formula:
    """A parsed formula. Build one with :func:`parse`.

    Attributes:
        text: The formula as written.
        names: The distinct node ids it refers to, in order of first appearance.
        shape: What this formula shares with the formulas that differ from it
            only in their node ids; one of its own for a formula built by hand.
    """

    text: str
    _root: Expression | None
    names: tuple[str, ...]
    shape: Shape = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.shape is None:  # built by hand: the formula is its own template
            if self._root is None:
                raise ValueError("a formula built by hand needs its syntax tree")
            object.__setattr__(self, "shape", Shape(self.text, self._root, self.names))

    @property
    def root(self) -> Expression:
        """The syntax tree. A formula that shares a known shape parses its text when this is first read."""
        root = self._root
        return root if root is not None else _syntax_tree_of(self.text)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Formula):
            return NotImplemented
        return self.text == other.text and self.names == other.names and self.root == other.root

    def __hash__(self) -> int:
        return hash((self.text, self.names))

    def __repr__(self) -> str:
        return f"Formula(text={self.text!r}, names={self.names!r})"

    def __str__(self) -> str:
        return self.text

    def __reduce__(self):
        # A shape holds compiled closures, which do not pickle: a parsed formula
        # is parsed again (from the cache, when there is one), one built by hand rebuilt.
        if self.shape.shared:
            return (parse, (self.text,))
        return (Formula, (self.text, self.root, self.names))

    def template(self) -> "Formula":
        """The formula that stands for this one's shape: itself when it is the template."""
        shape = self.shape
        if shape.text == self.text and shape.names == self.names:
            return self
        return Formula(shape.text, shape.root, shape.names, shape)

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The formula's value.

        Args:
            values: A value for every node id in :attr:`names` (other keys are ignored).

        Returns:
            The value as a finite float; a zero is always ``0.0``, never ``-0.0``
            (``-(a - a)``), so that no output prints "-0".

        Raises:
            FormulaError: ``unknown_name`` if a name has no value (missing or
                ``None``); ``division_by_zero`` naming the divisor's text and
                column; ``domain`` for a negative number raised to a fractional
                power, an overflow, or a value that is not a finite number.
        """
        try:
            result = self.shape.evaluate(values, self.names)
        except (ArithmeticError, ValueError, TypeError, KeyError):
            result = None
        # Text, a missing value and the like reach here as anything but a number.
        if isinstance(result, (float, int)):
            result = float(result)
            if math.isfinite(result):
                return result + 0.0  # -0.0 + 0.0 is 0.0
        # Something went wrong: walk again, checking every step, to say exactly what and where.
        result = CheckedEvaluator(self.text, values).evaluate(self.root)
        if not math.isfinite(result):  # pragma: no cover - the checked walk raises first
            raise FormulaError(_("the formula {formula} has no finite value", formula=repr(self.text)), None, "domain")
        return result + 0.0

    def canonical(self) -> str:
        """A normalized text: one space around operators, minimal parentheses.

        ``a*b`` and ``a * (b)`` give the same text; ``(a + b) * c`` keeps its
        parentheses. Numbers are written plainly (``1e6`` becomes
        ``1000000``) and a sign ``+`` is dropped (``+a`` is ``a``). The result
        parses back to a formula with the same value and the same canonical text.
        """
        return canonical_text(self.root)

    def normal(self) -> str:
        """A text shared by formulas that differ only in the order of commutative terms (:func:`normal_text`)."""
        return normal_text(self.root)

    def source_of(self, node: Expression) -> str:
        """The text of a sub-expression as written (or rendered, for a node built by hand)."""
        return CheckedEvaluator(self.text, {}).source(node)

    def is_linear_in(self, name: str) -> bool:
        """Whether the formula is ``a * name + b`` with ``a`` and ``b`` not depending on ``name``.

        Structural: ``name - name`` counts as linear. ``False`` when ``name``
        does not occur.
        """
        if name not in self.names:
            return False
        return self.shape.degree(self.names.index(name)) == 1

    def as_monomial(self) -> tuple[float, dict[str, float]] | None:
        """The formula as ``constant * Π name ** exponent``, if it is a pure product/quotient.

        ``customers * clv`` gives ``(1.0, {"customers": 1.0, "clv": 1.0})``;
        ``2 * a / b ** 2`` gives ``(2.0, {"a": 1.0, "b": -2.0})``. Exponents
        must be constants. ``None`` for anything with ``+``, ``-`` between
        terms, functions, or a name in an exponent.
        """
        monomial = self.shape.monomial()
        if monomial is None:
            return None
        constant, exponents, by_position = monomial
        if by_position is None or self.names == self.shape.names:
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
        return solving.solve_for(self, name, result, values)

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
        return solving.solve_common_factor(self, result, baselines, unknowns, values)


@lru_cache(maxsize=MAX_TEXTS)
def _syntax_tree_of(text: str) -> Expression:
    """The tree of a formula whose shape is known to parse; remembered, as the rules walk a tree more than once."""
    return syntax_tree(text)


def parse(text: str) -> Formula:
    """Parse a formula's text.

    Results are cached by text, so parsing the same formula for many nodes,
    or many times, costs one parse. Formulas that differ only in their node
    ids (``a_revenue = a_customers * a_deal``, ``b_revenue = b_customers *
    b_deal``) have the same *shape*: only the first of a shape is tokenized
    and parsed; the others share its compiled evaluator and its analyses (see
    :mod:`goaltree.formula.shapes`) and get their own syntax tree only when :attr:`Formula.root`
    is read.

    Args:
        text: The formula, e.g. ``"customers * clv"``.

    Returns:
        The parsed :class:`Formula`.

    Raises:
        FormulaError: ``kind="syntax"`` with the 1-based column of the problem:
            an unexpected character, an invalid node id, an unknown function,
            empty input, trailing text, unbalanced parentheses;
            ``kind="division_by_zero"`` for a divisor that is always 0.
        TypeError: ``text`` is not a string.
    """
    formula = _BY_TEXT.get(text)
    if formula is None:
        formula = _parse_uncached(text)
        if len(_BY_TEXT) >= MAX_TEXTS:
            _BY_TEXT.clear()
        _BY_TEXT[text] = formula
    return formula


def _parse_uncached(text: str) -> Formula:
    """:func:`parse` without the cache by text: through the shape's template when the shape is known."""
    if not isinstance(text, str):
        raise TypeError(f"a formula is text, not {type(text).__name__}")
    key, distinct = shape_key(text)
    shape = _SHAPES.get(key)
    if shape is not None:
        return Formula(text, None, shape.names_from(distinct), shape)
    root, names = checked_tree(text)
    if len(_SHAPES) >= MAX_SHAPES:
        return Formula(text, root, names)
    sources = None
    if names != distinct:  # a function's name used as a node id: kept as written in the key
        sources = tuple(distinct.index(name) if name in distinct else name for name in names)
    shape = _SHAPES[key] = Shape(text, root, names, sources, shared=True)
    return Formula(text, root, names, shape)
