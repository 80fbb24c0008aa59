"""Evaluation.nodes builds each result when read: it must behave exactly like the eager dict it replaces."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from pathlib import Path

import pytest

import goaltree
from goaltree.engine.results import Brief, NodeResults

EXAMPLES = Path(__file__).parent.parent / "examples"
AS_OF = dt.date(2027, 6, 30)


@pytest.fixture(params=["b2b-funnel", "okr", "brand-and-business"])
def evaluation(request):
    return goaltree.evaluate(goaltree.load(EXAMPLES / request.param / "goals.yaml"), AS_OF)


def test_nodes_are_in_goal_file_order_and_behave_as_a_mapping(evaluation):
    nodes = evaluation.nodes
    assert isinstance(nodes, NodeResults)
    ids = list(nodes)
    assert len(nodes) == len(ids) == len(set(ids))
    assert all(node_id in nodes for node_id in ids)
    assert "no_such_node" not in nodes
    with pytest.raises(KeyError):
        nodes["no_such_node"]
    assert nodes.get("no_such_node") is None
    assert [result.id for result in nodes.values()] == ids


def test_a_result_is_built_once_and_kept(evaluation):
    node_id = next(iter(evaluation.nodes))
    assert evaluation.nodes[node_id] is evaluation.nodes[node_id]


def test_a_brief_row_read_before_the_result_matches_the_result(evaluation):
    ids = list(evaluation.nodes)
    briefs = {node_id: evaluation.brief(node_id) for node_id in ids}  # nothing built yet
    for node_id in ids:
        assert briefs[node_id] == Brief.of(evaluation.nodes[node_id])
    roots = evaluation.roots
    assert roots and all(not evaluation.nodes[r].parents for r in roots)


def test_the_table_columns_hold_each_nodes_brief(evaluation):
    """The table reads every node's row a column at a time: the rows read one by one, in goal-file order."""
    columns = evaluation.brief_columns()
    assert list(columns.ids) == list(evaluation.nodes)
    assert list(columns.briefs().items()) == [(node_id, evaluation.brief(node_id)) for node_id in evaluation.nodes]
    eager = dataclasses.replace(evaluation, nodes=dict(evaluation.nodes))  # rows from built results
    assert list(eager.briefs().items()) == list(evaluation.briefs().items())


def test_results_equal_an_eager_dict_and_survive_pickling(evaluation):
    eager = dict(evaluation.nodes)
    assert evaluation.nodes == eager
    assert pickle.loads(pickle.dumps(evaluation.nodes)) == eager
    # Derivation sentences are written when read; reading them twice gives the same text.
    for result in eager.values():
        for derivation in (result.target_derivation, result.actual_derivation):
            if derivation is not None:
                assert derivation.text and derivation.text == derivation.text


def test_a_result_read_first_has_its_forecast_attribution_and_breakdown():
    """A result read on its own (as `explain` does) is the one reading every result gives."""
    path = EXAMPLES / "b2b-funnel" / "goals.yaml"
    all_results = dict(goaltree.evaluate(goaltree.load(path), AS_OF).nodes)
    with_gap = [n for n, r in all_results.items() if r.attribution]
    with_breakdown = [n for n, r in all_results.items() if r.breakdown]
    forecast = [n for n, r in all_results.items() if r.forecast is not None]
    assert with_gap and with_breakdown and forecast, "the example exercises every lazily built part"
    for node_id in (with_gap[0], with_breakdown[0], forecast[-1]):
        fresh = goaltree.evaluate(goaltree.load(path), AS_OF)
        assert fresh.nodes[node_id] == all_results[node_id]


def test_reading_through_gives_the_results_without_keeping_them(evaluation):
    """The JSON writer reads each result once: the same values, none left held by the evaluation."""
    ids = list(evaluation.nodes)
    first = ids[0]
    kept = evaluation.nodes[first]  # built before: read_through gives this very object
    read = list(evaluation.nodes.read_through(ids))
    assert read[0] is kept
    assert repr(evaluation.nodes) == f"NodeResults({len(ids)} nodes, 1 built)"
    assert [result.id for result in read] == ids
    eager = dict(evaluation.nodes)
    assert read == [eager[node_id] for node_id in ids]
    with pytest.raises(KeyError):
        list(evaluation.nodes.read_through(["no_such_node"]))


def test_the_json_writer_holds_no_result_and_writes_what_the_whole_document_holds(evaluation):
    import io

    from goaltree.engine.serialize import evaluation_json_bytes, write_evaluation_json

    stream = io.StringIO()
    write_evaluation_json(evaluation, stream)
    assert repr(evaluation.nodes) == f"NodeResults({len(evaluation.nodes)} nodes, 0 built)"
    assert stream.getvalue().encode("utf-8") == evaluation_json_bytes(evaluation)


def test_a_result_read_without_observations_differs_from_the_kept_one_in_nothing_else():
    """The JSON never reads observation series: read through without them, every other field is the same."""
    import dataclasses

    path = EXAMPLES / "b2b-funnel" / "goals.yaml"
    evaluation = goaltree.evaluate(goaltree.load(path), AS_OF)
    ids = list(evaluation.nodes)
    lean = list(evaluation.nodes.read_through(ids, observations=False))
    eager = dict(evaluation.nodes)
    with_series = [node_id for node_id in ids if eager[node_id].observations]
    with_breakdown = [node_id for node_id in ids if eager[node_id].breakdown]
    assert with_series and with_breakdown, "the example has observation series and a breakdown"
    assert all(result.observations == () for result in lean)
    assert [dataclasses.replace(eager[node_id], observations=()) for node_id in ids] == lean


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_json_fields_from_the_engine_are_those_of_the_built_results(evaluation, language):
    """The JSON takes each node's fields straight from the engine's values: the same keys, order and values a result gives."""
    from goaltree.engine.serialize import result_fields
    from goaltree.present.language import use_language

    ids = list(evaluation.nodes)
    with use_language(language):
        direct = evaluation.nodes.json_fields(ids)
        assert repr(evaluation.nodes) == f"NodeResults({len(ids)} nodes, 0 built)"
        from_results = [result_fields(evaluation.nodes[node_id]) for node_id in ids]
    assert [list(fields.items()) for fields in direct] == [list(fields.items()) for fields in from_results]
    assert any(fields["attribution"] for fields in direct) and any(fields["target_derivation"] for fields in direct)
    with pytest.raises(KeyError):
        evaluation.nodes.json_fields(["no_such_node"])


@pytest.mark.parametrize("rounding", ["one by one", "arrays"])
def test_the_json_fields_rounded_by_the_engine_are_the_rounded_fields_of_the_results(evaluation, rounding):
    """Rounded before the objects are made, every number lands in its own field, as rounding the results' fields gives."""
    from goaltree.engine.serialize import _round_fields, _rounded_one_by_one, result_fields, rounded_numbers
    from goaltree.jsontext import json_bytes

    round_all = rounded_numbers if rounding == "arrays" else _rounded_one_by_one
    ids = list(evaluation.nodes)
    direct = evaluation.nodes.json_fields(ids, round_all)
    from_results = [result_fields(evaluation.nodes[node_id]) for node_id in ids]
    _round_fields(from_results, round_all)
    assert json_bytes(direct) == json_bytes(from_results)  # 5, not 5.0: the same numbers of the same types
    assert any(fields["attribution"] for fields in direct)


def test_the_json_fields_of_a_breakdown_and_of_a_failed_source_match_the_results():
    from goaltree.api import collect_observations
    from goaltree.engine import evaluate as run
    from goaltree.engine.serialize import result_fields

    tree = goaltree.load(EXAMPLES / "b2b-funnel" / "goals.yaml")
    observations, _, _ = collect_observations(tree, AS_OF)
    with_breakdown = [node_id for node_id, result in run(tree, AS_OF, observations=observations).nodes.items() if result.breakdown]
    assert with_breakdown, "the example has a source with a breakdown"
    for failed in (frozenset(), frozenset(with_breakdown[:1])):
        evaluation = run(tree, AS_OF, observations=observations, failed=failed)
        ids = list(evaluation.nodes)
        direct = evaluation.nodes.json_fields(ids)
        assert direct == [result_fields(evaluation.nodes[node_id]) for node_id in ids]
        assert bool(direct[ids.index(with_breakdown[0])]["breakdown"]) == (not failed)
