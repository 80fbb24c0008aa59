"""Which nodes hold percent, and their formulas read with :class:`~goaltree.formula.percent.PercentReading` (SPEC §1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from goaltree.formula.percent import PercentReading, read_percent

if TYPE_CHECKING:
    from goaltree.graph import GoalTree

__all__ = ["PercentReading", "percent_units", "read_percent"]


def percent_units(tree: "GoalTree") -> frozenset[str]:
    """The nodes whose unit is a percentage (``%``, ``percent``, ``procent``): they hold percent, not fractions."""
    from goaltree.model import is_percent_unit

    is_percent: dict[str, bool] = {}  # a tree has few distinct units and many nodes
    percent = []
    for node_id, node in tree.goal_file.nodes.items():
        text = node.unit
        if text is None:
            continue
        known = is_percent.get(text)
        if known is None:
            known = is_percent[text] = is_percent_unit(text)
        if known:
            percent.append(node_id)
    return frozenset(percent)
