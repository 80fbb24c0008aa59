"""Pace, status and score (SPEC §3.3–3.4).

Turning observations into an actual is :mod:`goaltree.engine.measuring`'s; a
series' trend, carried to its deadline, :mod:`goaltree.engine.trends`'.

The functions at the top work on one series or one number; :func:`paces_of`
applies them to every node of a tree, children before parents, and scores
objectives (``rollup: progress``) from their children's progress.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Container, Mapping, NamedTuple, Sequence

from goaltree.engine.direction import against_direction, direction_diagnostic
from goaltree.engine.results import Status
from goaltree.errors import Diagnostic
from goaltree.present.language import N_, _
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.graph import GoalTree
    from goaltree.model import Node, Thresholds


def day_index(date: dt.date, start: dt.date) -> int:
    """Days counted inclusively: the period's first day is 1."""
    return (date - start).days + 1


def expected_at(
    as_of: dt.date,
    start: dt.date,
    deadline: dt.date,
    start_value: float | None,
    target: float,
    milestones: Sequence[tuple[dt.date, float]] = (),
) -> float:
    """Where the node should be at ``as_of``: linear, or piecewise linear through the milestones.

    Without a start value (a level with no baseline) the node is simply compared
    with its target, or with the next milestone's value.
    """
    if not milestones:
        days = day_index(deadline, start)
        return expected_on_day(min(max(day_index(as_of, start), 0), days), days, start_value, target)
    points: list[tuple[int, float]] = []
    if start_value is not None:
        points.append((0, start_value))
    for date, value in sorted(milestones):
        if start <= date < deadline:
            points.append((day_index(date, start), value))
    points.append((day_index(deadline, start), target))
    x = min(max(day_index(as_of, start), 0), day_index(deadline, start))
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            if x1 == x0:
                return y1
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def expected_on_day(day: int, days: int, start_value: float | None, target: float) -> float:
    """The straight line from the start value to the target, on ``day`` of ``days`` (clipped to [0, days]).

    Without a start value it is the target all along.
    """
    if start_value is None:
        return target
    if day <= 0:
        return start_value
    expected = start_value + (target - start_value) * day / days
    if not math.isfinite(expected):  # (target − start) · day overflowed although the result fits: scale first
        expected = start_value + (target - start_value) * (day / days)
    return expected


def progress_of(actual: float, target: float, start_value: float | None, direction: str = "increase") -> float | None:
    """``(actual − start) / (target − start)``; without a start value, how close the actual is to the target.

    A level with no baseline has no way travelled to measure: its progress is
    ``actual / target``, and for a ``decrease`` goal ``target / actual`` (a CAC
    of 111 000 against a target of 90 000 is 81 % of the way, not 123 %);
    none when the target is below zero, where the ratio turns over.
    """
    if start_value is None:
        # A ratio to a target at or below zero says nothing (NPS −20 against −5 is not 400 %).
        if direction == "decrease":
            return target / actual if actual > 0 and target >= 0 else (1.0 if actual == target == 0 else None)
        return actual / target if target > 0 else None
    span = target - start_value
    if span == 0:
        return None
    return (actual - start_value) / span


def status_of(
    clock: "PaceClock",
    direction: str,
    flow: bool,
    actual: float | None,
    target: float | None,
    progress: float | None,
    expected_progress: float | None,
    value_range: tuple[float, float] | None,
    thresholds: "Thresholds",
) -> Status:
    """The status of SPEC §3.4, at ``clock``: the evaluation date against the node's deadline."""
    if not clock.started:
        return "not_started"
    if actual is None:
        return "no_data"
    if direction == "maintain":
        if value_range is not None:
            low, high = value_range
        else:  # a band around the target; a negative target's band runs the other way
            low, high = sorted((target * thresholds.on_track, target / thresholds.on_track))
        return "on_track" if low <= actual <= high else "off_track"
    if target is None:
        return "no_data"
    if direction == "increase" and actual >= target:
        return "achieved"
    if direction == "decrease" and clock.due and actual <= target:
        return "achieved"
    if direction == "decrease" and flow and actual > target:
        return "off_track"  # a budget cap already exceeded: what was spent stays spent, however late in the period
    if clock.due:
        return "off_track"  # the deadline has come without the target: missed, with no pace left to be on
    if progress is None or expected_progress is None:
        if direction == "decrease":
            return "on_track" if actual <= target else "off_track"
        return "on_track" if actual >= target else "off_track"
    ratio = ratio_of(progress, expected_progress, decrease_flow=direction == "decrease" and flow)
    return classify(ratio, thresholds.on_track, thresholds.at_risk)


def ratio_of(progress: float, expected_progress: float, *, decrease_flow: bool) -> float:
    """``progress / expected_progress``, inverted for a budget cap; infinite when nothing is due yet."""
    if decrease_flow:
        if progress <= 0:
            return math.inf
        return expected_progress / progress
    if expected_progress <= 0:
        return math.inf if progress >= 0 else -math.inf
    return progress / expected_progress


RATIO_TOLERANCE = 1e-9
"""How far below a threshold a pace ratio may fall from floating-point rounding and still reach it.

160 of 1 000 on the day 200 are due is a ratio of 0.8 on paper and
``0.16 / 0.2 = 0.7999999999999999`` in floating point: without the
tolerance it would miss ``at_risk`` (0.80) and read ``off_track``.
"""


def classify(ratio: float, on_track: float, at_risk: float) -> Status:
    """``on_track`` / ``at_risk`` / ``off_track`` from a pace ratio; a ratio on a threshold reaches it."""
    if ratio >= on_track - RATIO_TOLERANCE:
        return "on_track"
    if ratio >= at_risk - RATIO_TOLERANCE:
        return "at_risk"
    return "off_track"


UNSCORED_ASSUMPTION = N_("a planning assumption, not measured")
UNSCORED_WITHOUT_TARGET = N_("no target: it supports the objective without being scored")
"""Why an objective's score leaves a child out, in English; :func:`unscored_children` gives them translated."""


class NodePace(NamedTuple):
    """Where one node stands at the evaluation date: what :func:`paces_of` works out for it."""

    deadline: dt.date
    target: float | None
    actual: float | None
    start_value: float | None
    expected: float | None
    progress: float | None
    expected_progress: float | None
    status: Status
    milestones: tuple[tuple[dt.date, float], ...]


def paces_of(
    tree: "GoalTree",
    as_of: dt.date,
    target_values: Mapping[str, float],
    actual_values: Mapping[str, float],
    aggregate_of: Mapping[str, str],
    found: list[Diagnostic] | None = None,
    assumed: Container[str] = frozenset(),
    unpaced: Container[str] = frozenset(),
    unjudged: Container[str] = frozenset(),
) -> dict[str, NodePace]:
    """Expected value, progress and status of every node (SPEC §3.3–3.4), children before parents.

    Where the evaluation date stands against a deadline (a :class:`PaceClock`)
    is worked out once per deadline, which most nodes share with the period's
    end; :func:`pace_of` works out each node from its model, values and clock.

    Args:
        tree: The goal tree.
        as_of: The evaluation date.
        target_values: Node id -> its target (declared or derived).
        actual_values: Node id -> its actual (measured, rolled up, solved or assumed).
        aggregate_of: Node id -> how its observations combine (``sum`` makes it a flow).
        found: Where error E026 is appended for an expected value or progress
            beyond float range (left unknown).
        assumed: Planning assumptions: they have no pace, their actual is their plan.
        unpaced: Nodes whose observations cannot make an actual (a rate added up over
            time, M004): no expected value, progress or verdict, status ``no_data``.
        unjudged: Nodes whose file contradicts itself on which way they should move (a title
            "under 800 SEK" on a node to increase, S005): paced, but no verdict.

    Returns:
        Node id -> its pace, children before parents.
    """
    goal_file = tree.goal_file
    nodes = goal_file.nodes
    start, end, thresholds = goal_file.period.start, goal_file.period.end, goal_file.thresholds
    clocks: dict[dt.date, PaceClock] = {}
    paces: dict[str, NodePace] = {}
    for node_id in reversed(tree.order):  # children before parents: an objective reads its children's paces
        node = nodes[node_id]
        deadline = node.deadline or end
        clock = clocks.get(deadline)
        if clock is None:
            clock = clocks[deadline] = PaceClock.of(as_of, start, deadline)
        target, actual = target_values.get(node_id), actual_values.get(node_id)
        if node_id in unpaced:  # its observations make no actual (M004): nothing to pace
            paces[node_id] = NodePace(deadline, target, None, None, None, None, None, "no_data", milestones_of(node))
            continue
        if node_id in assumed:  # its actual is a plan: no pace, and never scored
            paces[node_id] = NodePace(deadline, target, actual, None, None, None, None, "assumed", milestones_of(node))
            continue
        flow = aggregate_of[node_id] == "sum"
        info = pace_of(tree, node_id, node, clock, thresholds, target, actual, flow, paces, found)
        if node_id in unjudged and info.status in VERDICTS:
            # Its progress depends on the way it should move, which the file leaves in doubt (S005).
            info = info._replace(status="no_data", progress=None, expected_progress=None)
        paces[node_id] = info
    return paces


class PaceClock(NamedTuple):
    """Where the evaluation date stands between the period's start and one deadline.

    Every node with that deadline is paced against the same clock, so it is
    worked out once per deadline rather than once per node.
    """

    as_of: dt.date
    start: dt.date
    deadline: dt.date
    day: int
    """The evaluation date's day from the start (the start is day 1), clipped to [0, :attr:`days`]."""
    days: int
    """Days from the start to the deadline, both counted."""
    started: bool
    """Whether the period has started at the evaluation date."""
    due: bool
    """Whether the deadline has come: no pace is left to be on."""
    before_period: bool
    """Whether the deadline is before the period's start (error T001)."""

    @classmethod
    def of(cls, as_of: dt.date, start: dt.date, deadline: dt.date) -> "PaceClock":
        days = day_index(deadline, start)
        day = min(max(day_index(as_of, start), 0), days)
        return cls(as_of, start, deadline, day, days, as_of >= start, as_of >= deadline, deadline < start)


def pace_of(
    tree: "GoalTree",
    node_id: str,
    node: "Node",
    clock: PaceClock,
    thresholds: "Thresholds",
    target: float | None,
    actual: float | None,
    flow: bool,
    paces: Mapping[str, NodePace],
    found: list[Diagnostic] | None,
) -> NodePace:
    """One node's pace (SPEC §3.3–3.4) at its deadline's ``clock``, ``node`` its model; ``paces`` holds its children's already (an objective is scored from them)."""
    milestones = milestones_of(node)
    if clock.before_period:
        # Due before the file's period (error T001): nothing read in the period can pace it.
        return NodePace(clock.deadline, target, actual, None, None, None, None, "no_data", milestones)
    direction = node.direction
    start_value = 0.0 if flow else node.baseline
    expected = progress = expected_progress = None
    if target is not None and clock.started:
        if milestones:
            expected = expected_at(clock.as_of, clock.start, clock.deadline, start_value, target, milestones)
        else:
            expected = expected_on_day(clock.day, clock.days, start_value, target)
        expected_progress = progress_of(expected, target, start_value, direction)
        if actual is not None:
            progress = progress_of(actual, target, start_value, direction)
        if not (
            math.isfinite(expected)
            and (expected_progress is None or math.isfinite(expected_progress))
            and (progress is None or math.isfinite(progress))
        ):
            expected = progress = expected_progress = None
            if found is not None:
                message = _(
                    "the expected value of '{node}' overflows (its pace from the start value to the target): "
                    "it is beyond the largest number goaltree can hold (about 1.8e308) or not a number, so it "
                    "is left unknown; check the magnitudes of its values (a unit mix-up, a misplaced exponent)",
                    node=node_id,
                )
                found.append(overflow_diagnostic(tree, node_id, message))
    if target is not None and against_direction(direction, start_value, target, flow=flow):
        # Churn from 5 % to 3 % left at the default `increase`: 4 % would read achieved. Which way
        # the node should move is unclear, so no verdict; a level's pace along the way stays.
        status: Status = "no_data" if clock.started else "not_started"
        if flow:  # a flow to increase towards less than nothing has no way to travel
            expected = progress = expected_progress = None
        if found is not None and (not flow or node.target is not None):  # A005 speaks for a derived one
            found.append(direction_diagnostic(tree, node_id, node, target, flow=flow))
    else:
        status = status_of(clock, direction, flow, actual, target, progress, expected_progress, node.range, thresholds)
    if target is None or actual is None:
        rollup_children = tree.rollup_children.get(node_id)
        if rollup_children and node.effective_rollup == "progress":
            progress, expected_progress, status = objective_progress(rollup_children, paces, tree, clock, thresholds)
    return NodePace(
        clock.deadline,
        target,
        actual,
        start_value if target is not None else None,
        expected,
        progress,
        expected_progress,
        status,
        milestones,
    )


def milestones_of(node: "Node") -> tuple[tuple[dt.date, float], ...]:
    """The node's milestones as (date, value) in date order."""
    return tuple(sorted(node.milestones.items())) if node.milestones else ()


def overflow_diagnostic(tree: "GoalTree", node_id: str, message: str) -> Diagnostic:
    """Error E026 on ``node_id``: ``message`` says which of its values is beyond float range and left unknown."""
    return tree.locate(Diagnostic(codes.NUMBER_OVERFLOW, "error", message, node=node_id, path=("nodes", node_id)))


def objective_progress(
    children: Sequence[str],
    paces: Mapping[str, NodePace],
    tree: "GoalTree",
    clock: PaceClock,
    thresholds: "Thresholds",
) -> tuple[float | None, float | None, Status]:
    """An objective's (progress, expected progress, status): the weighted mean of its children's scores.

    Each child's progress is clipped to [0, 1] (the OKR way, see :func:`objective_score`).
    The objective is achieved when its score is full and every child it counts
    is done: achieved, or kept in its range up to its deadline. A full score
    from children still on their way (a cost already under its target in
    February) is on track; at the objective's deadline, anything short of
    achieved is missed.
    """
    if not clock.started:
        return None, None, "not_started"
    terms = objective_terms(children, paces, tree)
    if not terms:
        return None, None, "no_data"
    _children, weights, scores, dues = zip(*terms)
    weight_sum = math.fsum(weights)
    progress = math.fsum(weight * score for weight, score in zip(weights, scores)) / weight_sum
    expected = math.fsum(weight * due for weight, due in zip(weights, dues)) / weight_sum
    if progress >= 1.0 and all(_done(paces[child], clock.as_of) for child in _children):
        return progress, expected, "achieved"
    if clock.due:
        return progress, expected, "off_track"
    ratio = ratio_of(progress, expected, decrease_flow=False)
    return progress, expected, classify(ratio, thresholds.on_track, thresholds.at_risk)


def _done(info: NodePace, as_of: dt.date) -> bool:
    """Whether a child of an objective is done: achieved, or on track at its deadline (a level kept in its range)."""
    return info.status == "achieved" or (info.status == "on_track" and as_of >= info.deadline)


def objective_terms(
    children: Sequence[str], paces: Mapping[str, NodePace], tree: "GoalTree"
) -> list[tuple[str, float, float, float]] | None:
    """Each child an objective's score counts, as ``(child, weight, score, expected score)``.

    ``None`` when none counts or one that counts has no data (or a value
    and no verdict, S005): the objective is then ``no_data``. When every
    counted child weighs 0, each weighs 1.
    """
    nodes = tree.goal_file.nodes
    counted = [child for child in children if counts_in_objective(child, paces, tree)]
    if not counted or any(paces[c].progress is None and (paces[c].actual is None or paces[c].status == "no_data") for c in counted):
        return None
    weights = [nodes[c].weight for c in counted]
    if math.fsum(weights) == 0:
        weights = [1.0] * len(counted)
    return [
        (child, weight, *objective_score(paces[child], nodes[child], tree.aggregate_of[child]))
        for child, weight in zip(counted, weights)
    ]


def is_scored(info: NodePace, node: "Node") -> bool:
    """Whether a node has something to score: a target (or a progress, or a range to stay in), and is no planning assumption."""
    if info.status == "assumed":
        return False
    if info.target is not None or info.progress is not None:
        return True
    # A level kept in its range has that range for a target: in it or not, it scores (1 or 0).
    return node.direction == "maintain" and node.range is not None


def counts_in_objective(child: str, paces: Mapping[str, NodePace], tree: "GoalTree") -> bool:
    """Whether an objective's score counts ``child``.

    A child counts when it has something to score (:func:`is_scored`); an
    objective below the objective counts too while it has no progress, when
    anything below it counts: its missing data is missing data of the
    objective above, not a child "without a target".
    """
    info = paces[child]
    nodes = tree.goal_file.nodes
    if is_scored(info, nodes[child]):
        return True
    if info.status == "assumed":
        return False
    rollup_children = tree.rollup_children
    stack, seen = [child], set()
    while stack:  # down through objectives without progress, to a node with a target
        current = stack.pop()
        if current in seen or nodes[current].effective_rollup != "progress":
            continue
        seen.add(current)
        for below in rollup_children.get(current, ()):
            if is_scored(paces[below], nodes[below]):
                return True
            if paces[below].status != "assumed":
                stack.append(below)
    return False


def unscored_children(children: Sequence[str], paces: Mapping[str, NodePace], tree: "GoalTree") -> dict[str, str]:
    """The children an objective's score leaves out, each with the reason in words."""
    unscored = {}
    for child in children:
        if paces[child].status == "assumed":
            unscored[child] = _(UNSCORED_ASSUMPTION)
        elif not counts_in_objective(child, paces, tree):
            unscored[child] = _(UNSCORED_WITHOUT_TARGET)
    return unscored


VERDICTS = frozenset({"achieved", "on_track", "at_risk", "off_track"})


def score_of(info: NodePace, node: "Node", aggregate: str) -> float | None:
    """The node's ``score`` in [0, 1]: what its objective counts it for (:func:`objective_score`).

    Progress clipped to [0, 1] for most nodes; a level kept in its range 1
    inside it and 0 outside (not its 153 % of the way to a midpoint); a
    budget cap its due share while spending keeps to its pace, less when it
    runs ahead, and 0 once past the cap. ``None`` for a planning assumption
    and for a node with neither a progress nor a verdict.
    """
    if info.status == "assumed" or (info.progress is None and info.status not in VERDICTS):
        return None
    return objective_score(info, node, aggregate)[0]


def objective_score(info: NodePace, node: "Node", aggregate: str) -> tuple[float, float]:
    """A child's (score, expected score) in its objective, both in [0, 1].

    Progress is clipped so one over-achieved key result cannot hide a lagging
    one. A budget cap (a ``decrease`` flow) counts as on pace while spending
    stays at or under its pace, and loses score in proportion to overspending:
    its own progress (money spent) rising is not good news for the objective.
    Once spending is past the cap itself, the key result has failed: it scores 0.
    """
    if node.direction == "maintain" or info.progress is None or info.expected_progress is None:
        # Nothing to travel (a level kept inside its range, zero incidents from zero): met or not,
        # and due in full all along. A maintained level 5 % above its range is not 105 % done.
        return (1.0 if info.status in ("achieved", "on_track") else 0.0), 1.0
    due = min(1.0, max(0.0, info.expected_progress))
    if node.direction == "decrease" and aggregate == "sum":
        if info.target is not None and info.actual is not None and info.actual > info.target:
            return 0.0, due  # the cap is exceeded: the key result has failed, as a level outside its range has
        ratio = ratio_of(info.progress, info.expected_progress, decrease_flow=True)
        return due * min(1.0, max(0.0, ratio)), due
    return min(1.0, max(0.0, info.progress)), due
