"""Observations: the dated values metric sources deliver and the engine reads.

A module of its own so that sources and the engine share the type without
either importing the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Observation:
    """One data point of a node's metric: a value on a date.

    ``dimension`` is the value of the metric's ``by`` column (a channel, a
    source), or ``None`` for an undivided series.
    """

    date: dt.date
    value: float
    dimension: str | None = None
