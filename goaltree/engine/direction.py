"""A level whose target lies behind its baseline for its direction (warning A006).

Churn from 5 % to 3 % written without ``direction: decrease`` is a level to
``increase`` (the default) whose target is already behind it: read that way,
4 % would be "achieved". goaltree cannot tell which of the file's two
statements is the mistake, so the engine gives such a node no status verdict
(its expected value and progress along the way stay) and says why; ``goaltree
check`` reports the same words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from goaltree.errors import Diagnostic
from goaltree.present.language import _
from goaltree.present.numbers import format_number
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.graph import GoalTree
    from goaltree.model import Node


def against_direction(direction: str, start_value: float | None, target: float, *, flow: bool = False) -> bool:
    """Whether a target lies behind the node's start for its direction.

    A level: an ``increase`` to below its baseline, a ``decrease`` to above
    it. A flow starts from zero each period: only an ``increase`` to below
    zero is behind it (a budget cap, a ``decrease`` flow, rises to its cap).
    """
    if flow:
        return direction == "increase" and target < 0
    if start_value is None:
        return False
    if direction == "increase":
        return target < start_value
    if direction == "decrease":
        return target > start_value
    return False


def direction_diagnostic(tree: "GoalTree", node_id: str, node: "Node", target: float, *, flow: bool = False) -> Diagnostic:
    """Warning A006 on a node whose target lies behind its start for its direction: its status is not judged."""
    message = direction_message(node_id, node, target, flow=flow)
    path = direction_path(node_id, node)
    return tree.locate(Diagnostic(codes.DIRECTION_AGAINST_TARGET, "warning", message, node=node_id, path=path))


def direction_path(node_id: str, node: "Node") -> tuple[str, ...]:
    """Where A006 points: the declared target, or the baseline a derived target is behind."""
    return ("nodes", node_id, "target") if node.target is not None else ("nodes", node_id, "baseline")


def direction_message(node_id: str, node: "Node", target: float, *, flow: bool = False) -> str:
    """What A006 says of a node whose ``target`` lies behind its start for its direction, and the fix."""
    if flow:
        return _(
            "{node} counts up from zero each period, but its target {target} is below zero: no count reaches "
            "it by growing, so its status is not judged; correct the target, or write the node as a level "
            "(`aggregate: last`) if it is a balance that can fall below zero",
            node=node_id,
            target=format_number(target, node.unit),
        )
    fields = {
        "node": node_id,
        "target": format_number(target, node.unit),
        "baseline": format_number(node.baseline, node.unit),
    }
    if node.direction == "decrease":
        return _(
            "{node} is to decrease, but its target {target} is above its baseline {baseline}: which way it "
            "should move is unclear, so its status is not judged; remove `direction: decrease` if it is to "
            "rise to {target}, or correct the target or the baseline",
            **fields,
        )
    if "direction" in node.model_fields_set:
        return _(
            "{node} is to increase (direction: increase), but its target {target} is below its baseline "
            "{baseline}: it would read achieved without moving, so its status is not judged; write "
            "`direction: decrease` if it is to fall to {target}, or correct the target or the baseline",
            **fields,
        )
    return _(
        "{node} is to increase (the default direction), but its target {target} is below its baseline "
        "{baseline}: it would read achieved without moving, so its status is not judged; add "
        "`direction: decrease` if it is to fall to {target}, or correct the target or the baseline",
        **fields,
    )
