"""T — time-bound: deadlines and milestones inside the period, milestones in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from goaltree.present.language import N_, _
from goaltree.present.numbers import format_number
from goaltree.rules import wording
from goaltree.rules.base import CheckContext, Finding, NodeRule, where
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.model import Node


class DeadlineOutsidePeriod(NodeRule):
    """A node's `deadline` is before the period starts or after it ends.

    The goal file covers `period`; actuals are read and pace is measured inside
    it, so a goal due in March next year cannot be scored in this file. Move
    the deadline inside the period, or the goal to the file of the period it
    belongs to (`goaltree rollover`).

    **Anti-pattern**

    ```yaml
    period: {start: 2027-01-01, end: 2027-12-31}
    nodes:
      launch_leads: {title: 500 leads from the launch, target: 500, deadline: 2028-03-31}
    ```

    **Best practice**

    ```yaml
    period: {start: 2027-01-01, end: 2027-12-31}
    nodes:
      launch_leads: {title: 500 leads from the launch, target: 500, deadline: 2027-10-31}
    ```
    """

    code = codes.DEADLINE_OUTSIDE_PERIOD
    name = "timebound.deadline_outside_period"
    severity = "error"
    needs_tree = False

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        period = context.goal_file.period
        if node.deadline is None or period.start <= node.deadline <= period.end:
            return
        fields = {"deadline": wording.day(node.deadline), "start": wording.day(period.start), "end": wording.day(period.end)}
        if node.deadline < period.start:
            message = _(
                "the deadline {deadline} is before the period starts ({start} … {end}); "
                "move it inside the period, or the goal to the next period's file",
                **fields,
            )
        else:
            message = _(
                "the deadline {deadline} is after the period ends ({start} … {end}); "
                "move it inside the period, or the goal to the next period's file",
                **fields,
            )
        yield Finding(
            message,
            node_id,
            where(node_id, "deadline"),
        )


class MilestonesOutOfOrder(NodeRule):
    """Milestone values do not move steadily towards the target.

    Milestones are the intermediate targets pace goes through (quarterly
    targets). Read in date order, and ending with the target at the deadline,
    they must never step back: for an `increase` goal each value is at least
    the one before, for a `decrease` level at most. Flows (`aggregate: sum`)
    count from zero within the period, so their milestones are cumulative and
    never fall, whatever the direction (a budget cap's spend grows too).
    `maintain` goals are not checked. The finding points at the first
    milestone that steps back.

    **Anti-pattern**

    ```yaml
    leads:
      title: 5 000 leads from the website
      target: 5000
      milestones: {2027-03-31: 1200, 2027-06-30: 1000, 2027-09-30: 3700}
    ```

    **Best practice**

    ```yaml
    leads:
      title: 5 000 leads from the website
      target: 5000
      milestones: {2027-03-31: 1200, 2027-06-30: 2500, 2027-09-30: 3700}
    ```
    """

    code = codes.MILESTONES_OUT_OF_ORDER
    name = "timebound.milestones_out_of_order"
    severity = "warning"
    needs_tree = False

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if not node.milestones or node.direction == "maintain":
            return
        flow = context.aggregate_of(node_id) == "sum"
        rising = flow or node.direction == "increase"
        start = context.goal_file.period.start
        deadline = node.deadline or context.goal_file.period.end
        points = sorted((day, value) for day, value in node.milestones.items() if start <= day <= deadline)
        target = context.target_of(node_id)
        if target is not None and points and points[-1][0] < deadline:
            points.append((deadline, target))
        kind = "flow" if flow else node.direction
        for (day, value), (next_day, next_value) in zip(points, points[1:]):
            if not ((next_value < value) if rising else (next_value > value)):
                continue
            milestone = next_day in node.milestones
            # A later milestone that steps back is the one to fix; when the target steps back
            # from the last milestone, that milestone is too far.
            path = where(node_id, "milestones", next_day if milestone else day)
            message = _(
                _STEPS_BACK[milestone, kind],
                next_value=format_number(next_value),
                next_day=wording.day(next_day),
                value=format_number(value),
                day=wording.day(day),
            )
            yield Finding(message, node_id, path, key=True)
            return


_STEPS_BACK = {
    (True, "flow"): N_(
        "the milestone {next_value} at {next_day} falls back from {value} at {day}; "
        "the milestones of a cumulative flow goal must move steadily towards the target"
    ),
    (True, "increase"): N_(
        "the milestone {next_value} at {next_day} falls back from {value} at {day}; "
        "the milestones of an increase goal must move steadily towards the target"
    ),
    (True, "decrease"): N_(
        "the milestone {next_value} at {next_day} rises again from {value} at {day}; "
        "the milestones of a decrease goal must move steadily towards the target"
    ),
    (False, "flow"): N_(
        "the target {next_value} at the deadline {next_day} falls back from {value} at {day}; "
        "the milestones of a cumulative flow goal must move steadily towards the target"
    ),
    (False, "increase"): N_(
        "the target {next_value} at the deadline {next_day} falls back from {value} at {day}; "
        "the milestones of an increase goal must move steadily towards the target"
    ),
    (False, "decrease"): N_(
        "the target {next_value} at the deadline {next_day} rises again from {value} at {day}; "
        "the milestones of a decrease goal must move steadily towards the target"
    ),
}
"""MilestonesOutOfOrder's message by (a milestone steps back, else the target; the kind of goal).

A flow's milestones are cumulative and must rise; an increase level's too; a decrease
level's must fall.
"""


class MilestoneOutsidePeriod(NodeRule):
    """A milestone is dated before the period starts or after the node's deadline.

    A milestone outside the node's window (`period.start` to its `deadline`,
    which defaults to `period.end`) can never be paced against. Move it into
    the window, or move the deadline.

    **Anti-pattern**

    ```yaml
    leads:
      title: 5 000 leads from the website
      target: 5000
      deadline: 2027-09-30
      milestones: {2027-06-30: 2500, 2027-12-31: 5000}
    ```

    **Best practice**

    ```yaml
    leads:
      title: 5 000 leads from the website
      target: 5000
      deadline: 2027-09-30
      milestones: {2027-03-31: 1200, 2027-06-30: 2500}
    ```
    """

    code = codes.MILESTONE_OUTSIDE_PERIOD
    name = "timebound.milestone_outside_period"
    severity = "error"
    needs_tree = False

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if not node.milestones:
            return
        start = context.goal_file.period.start
        deadline = node.deadline or context.goal_file.period.end
        for day in sorted(node.milestones):
            if start <= day <= deadline:
                continue
            fields = {"day": wording.day(day), "start": wording.day(start), "deadline": wording.day(deadline)}
            if day < start:
                message = _(
                    "the milestone at {day} is before the period starts ({start}); move it inside {start} … {deadline}",
                    **fields,
                )
            elif node.deadline is not None and day <= context.goal_file.period.end:
                message = _(
                    "the milestone at {day} is after the node's deadline ({deadline}); "
                    "move it inside {start} … {deadline}",
                    **fields,
                )
            else:
                message = _(
                    "the milestone at {day} is after the period ends ({deadline}); move it inside {start} … {deadline}",
                    **fields,
                )
            yield Finding(
                message,
                node_id,
                where(node_id, "milestones", day),
                key=True,
            )
