"""T — time-bound: deadlines and milestones inside the period, milestones in order."""

from __future__ import annotations

import datetime as dt
from itertools import accumulate
from typing import TYPE_CHECKING, Iterator

from goaltree.present.language import N_, _
from goaltree.present.numbers import format_number
from goaltree.rules import wording
from goaltree.rules.amounts import CONTRADICTION_TOLERANCE
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
    the one before, for a `decrease` level at most. `maintain` goals are not
    checked. The finding points at the first milestone that steps back.

    Flows (`aggregate: sum`, the default for KPIs) count from zero within the
    period, so their milestones are running totals: each must be above the one
    before, and the target above the last, whatever the direction (a budget
    cap's spend grows too). A flow milestone that stays where the one before
    was plans nothing in between. Milestones written as each quarter's share
    ("300 a quarter": 300, 300, 300 towards 1 200) would be paced as 300 by
    September, and 820 leads would read on track where 900 were planned; when
    the milestones add up to less than the target (or to the target, with a
    milestone at the deadline), the finding gives the running totals they
    probably mean, ready to paste. Levels (`aggregate: last`: a rate, a
    follower count) may stay flat from one milestone to the next.

    **Anti-pattern**

    ```yaml
    leads:
      title: 1 200 leads in 2027, 300 a quarter
      target: 1200
      milestones: {2027-03-31: 300, 2027-06-30: 300, 2027-09-30: 300}
    ```

    **Best practice**

    ```yaml
    leads:
      title: 1 200 leads in 2027, 300 a quarter
      target: 1200
      milestones: {2027-03-31: 300, 2027-06-30: 600, 2027-09-30: 900}
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
        milestones = sorted((day, value) for day, value in node.milestones.items() if start <= day <= deadline)
        target = context.target_of(node_id)
        points = list(milestones)
        if target is not None and points and points[-1][0] < deadline:
            points.append((deadline, target))
        kind = "flow" if flow else node.direction
        for (day, value), (next_day, next_value) in zip(points, points[1:]):
            if flow:
                steps_back = next_value <= value  # a running total that does not grow plans nothing
            else:
                steps_back = (next_value < value) if rising else (next_value > value)
            if not steps_back:
                continue
            milestone = next_day in node.milestones
            # A later milestone that steps back is the one to fix; when the target steps back
            # from the last milestone, that milestone is too far.
            path = where(node_id, "milestones", next_day if milestone else day)
            fields = {
                "next_value": format_number(next_value),
                "next_day": wording.day(next_day),
                "value": format_number(value),
                "day": wording.day(day),
            }
            totals = running_totals(milestones, target, deadline) if flow else None
            if totals is not None:
                template = _PER_PERIOD_FALLS if next_value < value else _PER_PERIOD_STAYS
                message = _(template, totals=totals, **fields)
            elif flow and next_value == value:
                message = _(_FLOW_STAYS[milestone], **fields)
            else:
                message = _(_STEPS_BACK[milestone, kind], **fields)
            yield Finding(message, node_id, path, key=True)
            return


def running_totals(milestones: list[tuple[dt.date, float]], target: float | None, deadline: dt.date) -> str | None:
    """A flow's milestones read as amounts per period, written as the running totals they add up to, in YAML.

    ``{2027-03-31: 300, 2027-06-30: 600, 2027-09-30: 900}`` for 300 a quarter;
    ``None`` when that reading does not fit: a milestone that is not above
    zero, or totals that overshoot the target (that leave nothing for the time
    after the last milestone, or miss the target at the deadline by more than 0.5 %).
    """
    if not milestones or any(value <= 0 for _day, value in milestones):
        return None
    sums = list(accumulate(value for _day, value in milestones))
    if target is not None:
        if milestones[-1][0] < deadline and not sums[-1] < target:
            return None
        if milestones[-1][0] == deadline and abs(sums[-1] - target) > CONTRADICTION_TOLERANCE * abs(target):
            return None
    # Written as YAML, not as the reader's language writes numbers: the user pastes it into the file.
    pairs = (f"{day.isoformat()}: {format(round(total, 9), '.15g')}" for (day, _value), total in zip(milestones, sums))
    return "{" + ", ".join(pairs) + "}"


_PER_PERIOD_FALLS = N_(
    "the milestone {next_value} at {next_day} falls back from {value} at {day}, but a flow's milestones are "
    "running totals from the period start, not amounts per period; if each is one period's amount, write "
    "the totals: `milestones: {totals}`"
)
_PER_PERIOD_STAYS = N_(
    "the milestone {next_value} at {next_day} does not rise from {value} at {day}, but a flow's milestones are "
    "running totals from the period start, not amounts per period; if each is one period's amount, write "
    "the totals: `milestones: {totals}`"
)
"""MilestonesOutOfOrder's message on a flow whose milestones read as amounts per period, with the totals meant."""

_FLOW_STAYS = {
    True: N_(
        "the milestone {next_value} at {next_day} does not rise from {value} at {day}: a flow's milestones are "
        "running totals from the period start, so nothing is planned in between; write the total planned by "
        "{next_day}"
    ),
    False: N_(
        "the target {next_value} at the deadline {next_day} does not rise from the milestone {value} at {day}: "
        "a flow's milestones are running totals from the period start, so nothing is planned after {day}; "
        "write the total planned by each date, or move the deadline"
    ),
}
"""MilestonesOutOfOrder's message on a flow whose running total stays flat, by (a milestone stays, else the target)."""

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
            fields = {
                "day": wording.day(day),
                "start": wording.day(start),
                "deadline": wording.day(deadline),
                "end": wording.day(context.goal_file.period.end),
            }
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
                    "the milestone at {day} is after the period ends ({end}); move it inside {start} … {deadline}",
                    **fields,
                )
            yield Finding(
                message,
                node_id,
                where(node_id, "milestones", day),
                key=True,
            )
