"""Invariants of the engine, for any tree hypothesis can think of."""

from __future__ import annotations

import datetime as dt
import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goaltree.engine import evaluate
from goaltree.engine.serialize import evaluation_to_json
from goaltree.graph import build
from goaltree.model import GoalFile

AS_OF = dt.date(2027, 6, 30)
positive = st.floats(min_value=1, max_value=1e7, allow_nan=False, allow_infinity=False)
maybe = st.one_of(st.none(), positive)


def tree_of(nodes: dict) -> object:
    goal_file = GoalFile.model_validate(
        {"goaltree": 1, "id": "p", "title": "P", "owner": "O", "period": {"start": "2027-01-01", "end": "2027-12-31"}, "nodes": nodes}
    )
    tree, diagnostics = build(goal_file)
    assert tree is not None, diagnostics
    return tree


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=positive,
    children=st.lists(st.tuples(maybe, maybe, st.one_of(st.none(), st.floats(0.1, 10))), min_size=2, max_size=8),
    rollup=st.sampled_from(["sum", "mean", "weighted_mean"]),
)
def test_allocating_down_then_rolling_up_returns_the_parent_target(target, children, rollup):
    nodes = {"total": {"title": "Total", "rollup": rollup, "target": target}}
    for index, (child_target, baseline, weight) in enumerate(children):
        node = {"title": f"Child {index}", "parent": "total"}
        if baseline is not None:
            node["baseline"] = baseline
        if weight is not None:
            node["weight"] = weight
        nodes[f"c{index}"] = node
    # leave at least one child unknown so something is allocated; declare the rest
    for index, (child_target, _, _) in enumerate(children[1:], start=1):
        if child_target is not None:
            nodes[f"c{index}"]["target"] = child_target
    result = evaluate(tree_of(nodes), AS_OF)
    values = [result.nodes[f"c{i}"].target for i in range(len(children))]
    assert all(v is not None for v in values)
    if rollup == "sum":
        rolled = math.fsum(values)
    elif rollup == "mean":
        rolled = math.fsum(values) / len(values)
    else:
        weights = [result.nodes[f"c{i}"].weight for i in range(len(children))]
        rolled = math.fsum(w * v for w, v in zip(weights, values)) / math.fsum(weights)
    assert math.isclose(rolled, target, rel_tol=1e-9, abs_tol=1e-6 * max(1.0, target))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=positive,
    baselines=st.lists(st.floats(0.5, 1000), min_size=2, max_size=4),
    operator=st.sampled_from(["*", "+"]),
)
def test_growth_factor_targets_reproduce_the_formula_target(target, baselines, operator):
    names = [f"x{i}" for i in range(len(baselines))]
    nodes = {"top": {"title": "Top", "target": target, "formula": f" {operator} ".join(names)}}
    for name, baseline in zip(names, baselines):
        nodes[name] = {"title": name, "baseline": baseline, "aggregate": "last"}
    result = evaluate(tree_of(nodes), AS_OF)
    values = [result.nodes[name].target for name in names]
    rolled = math.prod(values) if operator == "*" else math.fsum(values)
    assert math.isclose(rolled, target, rel_tol=1e-6)


funnel_actuals = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 100))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=funnel_actuals, rate=st.floats(0.001, 0.5), clv=st.floats(-1e6, 1e6))
def test_attribution_parts_add_up_to_the_gap(counts, rate, clv):
    visits, leads, customers = counts
    nodes = {
        "revenue": {"title": "Revenue", "target": 63e6, "formula": "customers * clv"},
        "clv": {"title": "CLV", "type": "driver", "target": 9e5, "actuals": {"2027-06-01": clv}},
        "customers": {"title": "Customers", "formula": "leads * lead_to_customer", "actuals": {"2027-06-01": customers}},
        "lead_to_customer": {"title": "Rate", "type": "driver", "target": rate},
        "leads": {"title": "Leads", "formula": "visits * visit_to_lead", "actuals": {"2027-06-01": leads}},
        "visit_to_lead": {"title": "Rate", "type": "driver", "target": 0.02},
        "visits": {"title": "Visits", "actuals": {"2027-06-01": visits}},
    }
    result = evaluate(tree_of(nodes), AS_OF)
    for node in result.nodes.values():
        if node.attribution and node.gap is not None:
            assert math.isclose(
                math.fsum(node.attribution.values()), node.gap, rel_tol=1e-7, abs_tol=1e-6 * max(1.0, abs(node.gap))
            ), (node.id, node.attribution, node.gap)


@settings(max_examples=30, deadline=None)
@given(counts=funnel_actuals)
def test_evaluation_output_is_byte_identical_across_runs(counts):
    visits, leads, customers = counts
    nodes = {
        "customers": {"title": "Customers", "target": 70, "formula": "leads * rate", "actuals": {"2027-06-01": customers}},
        "rate": {"title": "Rate", "type": "driver", "target": 0.014},
        "leads": {"title": "Leads", "actuals": {"2027-06-01": leads, "2027-03-01": visits}},
    }
    first = json.dumps(evaluation_to_json(evaluate(tree_of(nodes), AS_OF)), sort_keys=False)
    second = json.dumps(evaluation_to_json(evaluate(tree_of(dict(nodes)), AS_OF)), sort_keys=False)
    assert first == second
