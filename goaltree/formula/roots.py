"""Root finding on one real variable: a bracket walked outwards, then Brent's method.

Used where a formula cannot be inverted exactly (a node id that occurs twice,
inside ``min`` or ``abs``) and for a common growth factor of a formula that
is not homogeneous.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

_EPSILON = 2.220446049250313e-16
_MAX_ITERATIONS = 400

def brent(
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


def bracket_and_solve(
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
                return brent(function, low, high, f_low, f_high, xtol)
    return None
