"""A — achievable: a level's target must lie ahead of its baseline in the direction it moves (A006)."""

from __future__ import annotations

from typing import Iterator

from goaltree.engine.direction import against_direction, direction_message, direction_path
from goaltree.rules.base import CheckContext, Finding, Rule
from goaltree import codes


class DirectionAgainstTarget(Rule):
    """A level's target lies behind its baseline for its direction: churn from 5 % to 3 % left to `increase`.

    `direction` is `increase` unless the file says otherwise. A level (a
    rate, a cost per lead, a churn) whose target is below its baseline is
    meant to fall, but read as a level to increase it would be *achieved*
    from the first day: churn at 4 % against a target of 3 % is at least 3 %.
    The same holds the other way for `direction: decrease` with a target
    above the baseline. goaltree cannot tell which statement is the mistake,
    so `goaltree evaluate` gives the node no status (its expected value and
    progress along the way are still shown) and reports this warning;
    `goaltree check` reports it too. Flows start from zero each period, so
    their baseline (last period's total) never conflicts with a direction;
    a flow's declared target below zero does (a derived one is A005's).

    **Anti-pattern**

    ```yaml
    churn: {title: Churn from 5 % to 3 %, unit: '%', aggregate: last, baseline: 5, target: 3}
    ```

    **Best practice**

    ```yaml
    churn: {title: Churn from 5 % to 3 %, unit: '%', aggregate: last, direction: decrease, baseline: 5, target: 3}
    ```
    """

    code = codes.DIRECTION_AGAINST_TARGET
    name = "achievable.direction_against_target"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Finding]:
        for node_id, node in context.goal_file.nodes.items():
            target = context.target_of(node_id)
            if target is None:
                continue
            flow = context.aggregate_of(node_id) == "sum"
            if flow and node.target is None:
                continue  # a derived flow target below zero is A005's to report
            if against_direction(node.direction, node.baseline, target, flow=flow):
                message = direction_message(node_id, node, target, flow=flow)
                yield Finding(message, node_id, direction_path(node_id, node))
