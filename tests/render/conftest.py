"""Fixtures of the diagram tests: the seed funnel, the objective tree and hostile text, evaluated."""

from __future__ import annotations

import pytest
from render_helpers import FUNNEL, HOSTILE, OBJECTIVES, evaluate_file


@pytest.fixture(scope="session")
def funnel():
    return evaluate_file(FUNNEL)


@pytest.fixture(scope="session")
def objectives():
    return evaluate_file(OBJECTIVES)


@pytest.fixture(scope="session")
def hostile():
    return evaluate_file(HOSTILE)
