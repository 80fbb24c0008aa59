"""Fixtures of the report tests: the seed funnel, the objective tree and hostile text, loaded and evaluated."""

from __future__ import annotations

import pytest
from report_helpers import FUNNEL, HOSTILE, OBJECTIVES, load_and_evaluate


@pytest.fixture(scope="session")
def funnel_tree():
    return load_and_evaluate(FUNNEL)


@pytest.fixture(scope="session")
def funnel(funnel_tree):
    return funnel_tree[1]


@pytest.fixture(scope="session")
def objectives_tree():
    return load_and_evaluate(OBJECTIVES)


@pytest.fixture(scope="session")
def objectives(objectives_tree):
    return objectives_tree[1]


@pytest.fixture(scope="session")
def hostile_tree():
    return load_and_evaluate(HOSTILE)


@pytest.fixture(scope="session")
def hostile(hostile_tree):
    return hostile_tree[1]
