"""The ``inline`` source: a node's own ``actuals``, check-ins written into the goal file.

Nodes with ``actuals`` and no ``metric`` need no source at all (the engine reads
their actuals itself); ``metric: {source: inline}`` says the same explicitly.
"""

from __future__ import annotations

import datetime as dt

from goaltree.observations import Observation
from goaltree.sources.base import NodeRequest, SourceContext, SourceOutcome


def fetch(context: SourceContext, requests: list[NodeRequest], start: dt.date, end: dt.date) -> SourceOutcome:
    """Each node's ``actuals`` between ``start`` and ``end``, by date."""
    outcome = SourceOutcome()
    for request in requests:
        outcome.observations[request.node_id] = tuple(
            Observation(day, float(value)) for day, value in sorted(request.node.actuals.items()) if start <= day <= end
        )
    return outcome
