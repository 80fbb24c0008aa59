"""T — time-bound: deadlines and milestones inside the period, milestones in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from goaltree.present.numbers import format_number
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
        side = "before the period starts" if node.deadline < period.start else "after the period ends"
        yield Finding(
            f"the deadline {node.deadline} is {side} ({period.start} … {period.end}); "
            "move it inside the period, or the goal to the next period's file",
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
        rising = node.effective_aggregate == "sum" or node.direction == "increase"
        start = context.goal_file.period.start
        deadline = node.deadline or context.goal_file.period.end
        points = sorted((day, value) for day, value in node.milestones.items() if start <= day <= deadline)
        target = context.target_of(node_id)
        if target is not None and points and points[-1][0] < deadline:
            points.append((deadline, target))
        kind = "cumulative flow" if node.effective_aggregate == "sum" else node.direction
        for (day, value), (next_day, next_value) in zip(points, points[1:]):
            if not ((next_value < value) if rising else (next_value > value)):
                continue
            if next_day in node.milestones:
                what, path = f"the milestone {format_number(next_value)} at {next_day}", where(node_id, "milestones", next_day)
            else:  # the target steps back from the last milestone: that milestone is too far
                what, path = f"the target {format_number(next_value)} at the deadline {next_day}", where(node_id, "milestones", day)
            yield Finding(
                f"{what} {'falls back' if rising else 'rises again'} from {format_number(value)} at {day}; "
                f"the milestones of {'a' if kind != 'increase' else 'an'} {kind} goal must move steadily towards the target",
                node_id,
                path,
                key=True,
            )
            return


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
            if day < start:
                why = f"before the period starts ({start})"
            elif node.deadline is not None and day <= context.goal_file.period.end:
                why = f"after the node's deadline ({deadline})"
            else:
                why = f"after the period ends ({deadline})"
            yield Finding(
                f"the milestone at {day} is {why}; move it inside {start} … {deadline}",
                node_id,
                where(node_id, "milestones", day),
                key=True,
            )
