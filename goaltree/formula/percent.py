"""How ``%`` values enter a formula: as fractions, the way a spreadsheet reads them (SPEC §1).

The reading needs only the formula and which of its names hold percent; which
nodes those are is the engine's business (:func:`goaltree.engine.percent.percent_units`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Mapping, Sequence

if TYPE_CHECKING:
    from goaltree.formula.formula import Formula


class PercentReading:
    """A formula read the way a spreadsheet reads ``%`` values (SPEC §1).

    A ``%`` node holds percent (23 means 23 %). In the formula it stands for
    its fraction (0.23), and a formula node whose unit is ``%`` holds its
    formula's fraction times 100. This is the one place where node values
    enter and leave formula evaluation and solving, so targets, actuals,
    solved rates, growth factors and attribution all share the reading.

    It offers the methods of :class:`~goaltree.formula.Formula` the engine
    uses, on node values; everything else (``text``, ``root``, ``names``…)
    is the wrapped formula's.

    Attributes:
        formula: The formula as written.
        percent_names: The names whose node is in ``%``.
        percent_result: Whether the formula's own node is in ``%``.
    """

    __slots__ = ("formula", "percent_names", "percent_result", "names", "text")

    def __init__(self, formula: "Formula", percent_names: frozenset[str], percent_result: bool) -> None:
        self.formula = formula
        self.percent_names = percent_names
        self.percent_result = percent_result
        # Read on every solve step: kept here rather than looked up through __getattr__.
        self.names = formula.names
        self.text = formula.text

    def __getattr__(self, attribute: str):
        if attribute in self.__slots__:  # not set yet (a copy being built): never recurse
            raise AttributeError(attribute)
        return getattr(self.formula, attribute)

    def __str__(self) -> str:
        return self.formula.text

    def _fractions(self, values: Mapping[str, float]) -> dict[str, float]:
        """The formula's inputs, ``%`` values as fractions (division is exact for whole percent)."""
        percent = self.percent_names
        result = {}
        for name in self.names:
            if name in values:
                value = values[name]
                result[name] = value / 100 if name in percent and value is not None else value
        return result

    def _to_node(self, value: float) -> float:
        return value * 100 if self.percent_result else value

    def _from_node(self, value: float) -> float:
        return value / 100 if self.percent_result else value

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The node's value from its children's (see :meth:`Formula.evaluate`)."""
        return self._to_node(self.formula.evaluate(self._fractions(values)))

    def solve_for(self, name: str, result: float, values: Mapping[str, float]) -> float | None:
        """The value of the node ``name`` that gives the formula's node ``result`` (see :meth:`Formula.solve_for`)."""
        value = self.formula.solve_for(name, self._from_node(result), self._fractions(values))
        if value is None or name not in self.percent_names:
            return value
        return value * 100

    def solve_common_factor(
        self,
        result: float,
        baselines: Mapping[str, float],
        unknowns: Sequence[str],
        values: Mapping[str, float],
    ) -> float | None:
        """The common growth factor (see :meth:`Formula.solve_common_factor`); a factor has no unit."""
        return self.formula.solve_common_factor(
            self._from_node(result), self._fractions(baselines), unknowns, self._fractions(values)
        )

    def as_monomial(self) -> tuple[float, dict[str, float]] | None:
        """The formula on node values as ``constant * Π name ** exponent`` (see :meth:`Formula.as_monomial`)."""
        monomial = self.formula.as_monomial()
        if monomial is None:
            return None
        constant, exponents = monomial
        percent_power = math.fsum(exponent for name, exponent in exponents.items() if name in self.percent_names)
        return self._to_node(constant) / 100**percent_power, exponents


def read_percent(formula: "Formula", node_id: str, percent: frozenset[str]) -> "Formula | PercentReading":
    """``formula`` of ``node_id`` as it reads node values: wrapped only where a ``%`` node takes part."""
    names = percent.intersection(formula.names)
    if not names and node_id not in percent:
        return formula
    return PercentReading(formula, frozenset(names), node_id in percent)
