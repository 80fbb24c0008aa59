"""The pace of the common nodes, worked out in one loop, is to the last bit what the general pace of a node gives."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from goaltree.engine import pace
from goaltree.graph import build
from goaltree.model import GoalFile

START = dt.date(2027, 1, 1)
number = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, 100.0, -5.0, 1e308, -1e308, 5e-324]),
    st.sampled_from([30.0, 45.0, 50.0, 60.0, 75.0, 85.0, 95.0, 110.0]),  # ratios near the thresholds
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
)
day = st.dates(min_value=dt.date(2026, 11, 1), max_value=dt.date(2028, 2, 1))
kpi = st.fixed_dictionaries(
    {
        "direction": st.sampled_from(["increase", "increase", "decrease", "maintain"]),
        "aggregate": st.sampled_from(["sum", "last", "mean"]),
        "baseline": st.one_of(st.none(), number, number),
        "deadline": st.one_of(st.none(), day),
        "milestones": st.sampled_from([{}, {}, {}, {dt.date(2027, 3, 1): 10.0}]),
        # Mostly the common kind of node, which the arrays work out: a target and an actual.
        "target": st.one_of(st.none(), number, number, number),
        "actual": st.one_of(st.none(), number, number, number),
        "assumed": st.sampled_from([False, False, False, False, True]),
        "objective": st.booleans(),
    }
)


def _goal_file(kpis: list[dict]) -> tuple[GoalFile, dict[str, float], dict[str, float], set[str]]:
    nodes: dict[str, dict] = {"goal": {"title": "Goal", "type": "objective"}}
    targets, actuals, assumed = {}, {}, set()
    for index, spec in enumerate(kpis):
        node_id = f"k{index}"
        node: dict = {"title": node_id, "direction": spec["direction"], "aggregate": spec["aggregate"]}
        if spec["direction"] == "maintain":
            node["range"] = [1.0, 2.0]
        for key in ("baseline", "deadline", "milestones"):
            if spec[key] is not None:
                node[key] = spec[key]
        if spec["objective"]:
            node["parent"] = "goal"
        nodes[node_id] = node
        if spec["target"] is not None:
            targets[node_id] = spec["target"]
        if spec["actual"] is not None:
            actuals[node_id] = spec["actual"]
        if spec["assumed"]:
            assumed.add(node_id)
    goal_file = GoalFile.model_validate(
        {"goaltree": 1, "id": "p", "title": "P", "period": {"start": START, "end": "2027-12-31"}, "nodes": nodes}
    )
    return goal_file, targets, actuals, assumed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kpis=st.lists(kpi, min_size=1, max_size=12), as_of=st.one_of(day, st.dates(START, dt.date(2027, 12, 31))))
@example(  # at risk, both ways: 45 of 100 and 55 of a budget of 100 when half the year is gone
    kpis=[
        {"direction": direction, "aggregate": "sum", "baseline": None, "deadline": None, "milestones": {},
         "target": 100.0, "actual": actual, "assumed": False, "objective": True}
        for direction, actual in (("increase", 45.0), ("decrease", 55.0))
    ],
    as_of=dt.date(2027, 7, 1),
)
def test_the_common_nodes_loop_gives_the_paces_of_the_general_one(kpis, as_of):
    goal_file, targets, actuals, assumed = _goal_file(kpis)
    tree, diagnostics = build(goal_file)
    assert tree is not None, diagnostics
    aggregate_of = {node_id: node.effective_aggregate for node_id, node in goal_file.nodes.items()}
    found: list = []
    paces = pace.paces_of(tree, as_of, targets, actuals, aggregate_of, found, assumed)
    # Every node through pace_of, which handles every case, children before parents.
    general: dict = {}
    found_in_general: list = []
    for node_id in reversed(tree.order):
        flow = aggregate_of[node_id] == "sum"
        general[node_id] = pace.pace_of(
            tree, node_id, as_of, targets.get(node_id), actuals.get(node_id), flow, node_id in assumed, general, found_in_general
        )
    assert list(paces) == list(general)
    for node_id, record in general.items():
        other = paces[node_id]
        # repr tells 0.0 from -0.0 and gives every float's shortest round-trip digits: the same bits.
        assert repr(other) == repr(record), node_id
        assert [type(value) for value in other] == [type(value) for value in record], node_id
    assert found == found_in_general
