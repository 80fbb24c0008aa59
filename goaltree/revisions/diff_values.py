"""The values of a diff: a change's two sides, a derived target's move, and how numbers compare.

Numbers of a node are each in its revision's unit (:class:`Amount`), and
compare as a formula reads them: a ``%`` value as its fraction, so a switch
from ``%`` to ``ratio`` with the same fractions is no change (docs/engine.md,
"Percentages in formulas").
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Mapping

from pydantic import BaseModel

from goaltree.engine.serialize import number
from goaltree.formula.units import parse_unit
from goaltree.model import Thresholds

_RELATIVE_TOLERANCE = 1e-9

def percent_scale(unit: str | None) -> float | None:
    """What a value in ``unit`` is multiplied by to write a fraction: 100 for a percentage (``%``, ``percent``,
    ``procent``), 1 for a ratio, ``None`` for any other unit (docs/engine.md, "Percentages in formulas").

    The unit words are the formulas' own (:func:`goaltree.formula.units.parse_unit`), so that a diff reads a
    unit as the engine does.
    """
    parsed = parse_unit(unit) if unit else None
    kind = parsed.kind if parsed is not None else None
    return 100.0 if kind == "percent" else 1.0 if kind == "ratio" else None


def fraction(value: float, unit: str | None) -> float:
    """``value`` read as a formula reads it: a ``%`` value as its fraction (5 → 0.05), any other as it is."""
    scale = percent_scale(unit)
    return value / scale if scale is not None else value


def comparable_units(old_unit: str | None, new_unit: str | None) -> bool:
    """Whether values in the two units compare as numbers: the same unit, or ``%`` and ``ratio`` (as fractions)."""
    return old_unit == new_unit or (percent_scale(old_unit) is not None and percent_scale(new_unit) is not None)


class Amount(float):
    """A number in a node's unit that knows its unit: one side of a change of a target, baseline or milestone.

    The two sides of a change are each in their own revision's unit (a
    ``%`` → ``ratio`` switch makes ``5`` and ``0.05`` the same 5 %); they
    are compared, and their relative change worked out, on the fractions.
    It is a number wherever a number is expected (JSON, arithmetic).
    """

    __slots__ = ("unit",)
    unit: str | None

    def __new__(cls, value: float, unit: str | None) -> "Amount":
        amount = super().__new__(cls, value)
        amount.unit = unit
        return amount

    def __repr__(self) -> str:
        return f"Amount({float(self)!r}, {self.unit!r})"

    def __reduce__(self) -> tuple[type, tuple[float, str | None]]:
        # Copied and pickled with its unit (float's own reduction would drop it).
        return Amount, (float(self), self.unit)


@dataclass(frozen=True)
class Default:
    """A node field the file leaves out, with the value it stands for: one side of a change.

    Text and Markdown write the value and that it is the default
    (``2027-12-31 (default: the period's end)``, ``sum (default)``); JSON
    writes ``null``, as the file states it.

    Attributes:
        value: What the field means when left out: the period's end, the aggregate or
            rollup for the node's type and unit, the file's owner.
        source: ``period_end``, ``file_owner``, or empty for the default of the node's kind.
    """

    value: Any
    source: str = ""


def amount(value: Any, unit: str | None) -> Any:
    """``value`` as :class:`Amount` values in ``unit``: a number, or the numbers of a list or a ``{date: value}`` mapping."""
    if _is_number(value):
        return Amount(value, unit)
    if isinstance(value, (list, tuple)):
        return [amount(item, unit) for item in value]
    if isinstance(value, Mapping):
        return {key: amount(item, unit) for key, item in value.items()}
    return value


def same_amount(old: Any, old_unit: str | None, new: Any, new_unit: str | None) -> bool:
    """Whether two values in their units are the same: numbers (alone, in a list or a mapping) equal
    within float noise, read as formulas read them where the units differ (a ``%`` value as its
    fraction: 5 % and the ratio 0.05 are the same, 5 % and a count of 5 are not)."""
    if _is_number(old) and _is_number(new):
        if old_unit != new_unit:
            old, new = fraction(old, old_unit), fraction(new, new_unit)
        return same_number(old, new)
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        return len(old) == len(new) and all(same_amount(a, old_unit, b, new_unit) for a, b in zip(old, new))
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return old.keys() == new.keys() and all(same_amount(old[key], old_unit, new[key], new_unit) for key in old)
    return old == new


@dataclass(frozen=True)
class Change:
    """A value before and after."""

    old: Any
    new: Any

    @property
    def relative(self) -> float | None:
        """``(new − old) / |old|`` for two numbers with ``old ≠ 0``, else ``None``."""
        return relative_change(self.old, self.new)


@dataclass(frozen=True)
class TargetMove:
    """A derived target that moved, and the edited nodes it was derived from.

    Attributes:
        old: The target in the old revision (``None`` when it could not be derived).
        new: The target in the new revision.
        because: The edited or added nodes (new ids) found by following the new
            derivation upwards; empty when the cause is a removed node.
    """

    old: float | None
    new: float | None
    because: tuple[str, ...] = ()

    @property
    def relative(self) -> float | None:
        """``(new − old) / |old|``, or ``None``."""
        return relative_change(self.old, self.new)


def relative_change(old: Any, new: Any) -> float | None:
    """``(new − old) / |old|`` for two finite numbers with ``old ≠ 0``, else ``None``.

    Two :class:`Amount` values are compared on their fractions (5 % → 0.04 as a ratio is −20 %); in units
    that do not compare (``count`` → ``SEK``) there is no relative change.
    """
    if not _is_number(old) or not _is_number(new):
        return None
    if isinstance(old, Amount) and isinstance(new, Amount):
        if not comparable_units(old.unit, new.unit):
            return None
        old, new = fraction(old, old.unit), fraction(new, new.unit)
    if old == 0:
        return None
    return (new - old) / abs(old)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def same_number(old: float | None, new: float | None) -> bool:
    """Equal within a relative 1e-9 (float noise is no change); two ``None`` are equal."""
    if old is None or new is None:
        return old is None and new is None
    return abs(old - new) <= _RELATIVE_TOLERANCE * max(1.0, abs(old), abs(new))


def to_json_value(value: Any) -> Any:
    """A field value as JSON: dates as ISO text, numbers without float noise, models as mappings.

    A left-out field (:class:`Default`) is ``null``; ``thresholds`` carry both values, the defaults filled in.
    """
    if isinstance(value, Default):
        return None
    if isinstance(value, Thresholds):
        return to_json_value(value.model_dump(mode="json"))
    if isinstance(value, BaseModel):
        return to_json_value(value.model_dump(mode="json", exclude_defaults=True, by_alias=True))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, Mapping):
        return {(k.isoformat() if isinstance(k, dt.date) else str(k)): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    return str(value)
