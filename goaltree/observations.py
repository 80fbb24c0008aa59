"""Observations: the dated values metric sources deliver and the engine reads.

A module of its own so that sources and the engine share the type without
either importing the other.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Observation:
    """The rows of one day (and dimension) of a node's metric, summed up so that any aggregate stays exact.

    An observation is not a day's average: it keeps the sum, the number and
    the extremes of its rows, so that the engine can take the mean, smallest
    or largest of every row of the period (and of a ``by`` breakdown) instead
    of combining days that hold different numbers of rows.

    Attributes:
        date: The day of the rows.
        value: The sum of the rows' values (the single row's value when ``rows`` is 1).
        dimension: The value of the metric's ``by`` column (a channel, a
            source), or ``None`` for an undivided series.
        rows: How many rows ``value`` adds up. ``None`` marks a day's value
            that is not made of row values (a ``count`` of rows): the engine
            then takes the mean, smallest or largest over days, not rows.
        low: The smallest row, when ``rows`` is 2 or more and it was fetched
            (sources fetch it for ``min`` and ``max`` nodes); ``None`` otherwise.
        high: The largest row, likewise.
    """

    date: dt.date
    value: float
    dimension: str | None = None
    rows: int | None = 1
    low: float | None = None
    high: float | None = None

    @property
    def extremes_known(self) -> bool:
        """Whether :attr:`smallest` and :attr:`largest` are the rows' own (always, but for several rows not fetched with them)."""
        return self.rows is None or self.rows == 1 or (self.low is not None and self.high is not None)

    @property
    def smallest(self) -> float:
        """The smallest row (the value itself for a single row or a day's value); see :attr:`extremes_known`."""
        return self.value if self.low is None else self.low

    @property
    def largest(self) -> float:
        """The largest row (the value itself for a single row or a day's value); see :attr:`extremes_known`."""
        return self.value if self.high is None else self.high


def summarize(
    date: dt.date, values: list[float], dimension: str | None = None
) -> Observation:
    """The observation of several rows' ``values`` on one day (and dimension).

    Raises:
        ValueError: ``values`` is empty.
    """
    if not values:
        raise ValueError("an observation needs at least one row")
    if len(values) == 1:
        return Observation(date, values[0], dimension)
    return Observation(date, math.fsum(values), dimension, len(values), min(values), max(values))


def merge(date: dt.date, parts: list[Observation], dimension: str | None = None) -> Observation:
    """One observation for ``parts`` (observations of one day): sums, counts and extremes combined.

    Parts that are days' values (``rows`` is ``None``) add up to a day's value.

    Raises:
        ValueError: ``parts`` is empty.
    """
    if not parts:
        raise ValueError("nothing to merge")
    if len(parts) == 1:
        part = parts[0]
        if part.date == date and part.dimension == dimension:
            return part
        return Observation(date, part.value, dimension, part.rows, part.low, part.high)
    total = math.fsum(part.value for part in parts)
    if any(part.rows is None for part in parts):
        return Observation(date, total, dimension, None)
    rows = sum(part.rows for part in parts)  # type: ignore[misc]
    if not all(part.extremes_known for part in parts):
        return Observation(date, total, dimension, rows)
    return Observation(
        date, total, dimension, rows, min(part.smallest for part in parts), max(part.largest for part in parts)
    )
