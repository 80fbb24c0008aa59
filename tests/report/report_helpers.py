"""Helpers and fixtures of the report tests: the goal files evaluated, evaluations with data the files lack.

The fixtures live here rather than in a ``conftest.py`` (a second module named
``conftest`` would shadow the one other tests import); test modules import the
fixtures they use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FUNNEL = REPO / "tests" / "data" / "funnel.yaml"
OBJECTIVES = REPO / "tests" / "render" / "data" / "objectives.yaml"
HOSTILE = REPO / "tests" / "render" / "data" / "hostile.yaml"
AS_OF = dt.date(2027, 6, 30)
HOSTILE_DIMENSION = '<img src=x onerror="alert(1)"> & Co'


def load_and_evaluate(path: Path, as_of: dt.date = AS_OF):
    from goaltree.api import evaluate, load

    tree = load(path)
    return tree, evaluate(tree, as_of)


def with_breakdown(evaluation, node_id: str, parts: dict[str, float]):
    """The evaluation with ``node_id`` measured per source (as a metric with ``by`` gives it)."""
    from goaltree.engine.results import Observation

    result = evaluation.nodes[node_id]
    observations = tuple(Observation(AS_OF, value, dimension) for dimension, value in parts.items())
    nodes = dict(evaluation.nodes)
    nodes[node_id] = dataclasses.replace(result, observations=result.observations + observations, breakdown=dict(parts))
    return dataclasses.replace(evaluation, nodes=nodes)


@pytest.fixture(scope="session")
def funnel_tree():
    return load_and_evaluate(FUNNEL)


@pytest.fixture(scope="session")
def funnel():
    return load_and_evaluate(FUNNEL)[1]


@pytest.fixture(scope="session")
def objectives_tree():
    return load_and_evaluate(OBJECTIVES)


@pytest.fixture(scope="session")
def objectives():
    return load_and_evaluate(OBJECTIVES)[1]


@pytest.fixture(scope="session")
def hostile_tree():
    return load_and_evaluate(HOSTILE)


@pytest.fixture(scope="session")
def hostile():
    return load_and_evaluate(HOSTILE)[1]
