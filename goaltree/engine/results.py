"""What an evaluation returns: one result per node, and the diagnostics.

Results are plain frozen dataclasses so that the command line, the renderers,
the reports and the diff read them without touching the engine's internals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from goaltree.errors import Diagnostic
from goaltree.observations import Observation

__all__ = ["Observation", "Derivation", "NodeResult", "Evaluation", "STATUSES"]

Status = Literal["achieved", "on_track", "at_risk", "off_track", "no_data", "not_started"]
TargetOrigin = Literal["declared", "derived"]
ActualOrigin = Literal["measured", "rolled_up", "solved", "assumed"]
STATUSES: tuple[Status, ...] = ("off_track", "at_risk", "no_data", "on_track", "achieved", "not_started")


@dataclass(frozen=True)
class Derivation:
    """How a value was reached, for ``goaltree explain``.

    Attributes:
        rule: ``declared``, ``measured``, ``formula``, ``solved``, ``allocated``,
            ``growth_factor``, ``mean``, ``rollup``.
        text: One human sentence (``derived from revenue = customers * clv: 63000000 / 900000``).
        inputs: The node ids the value was computed from, in formula order.
    """

    rule: str
    text: str
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class NodeResult:
    """Everything goaltree knows about one node at ``as_of``.

    Numbers are ``None`` when unknown. ``progress`` and ``expected_progress``
    are fractions of the way from the start value to the target (SPEC §3.3).
    """

    id: str
    title: str
    type: str
    unit: str | None
    owner: str | None
    direction: str
    aggregate: str
    rollup: str
    formula: str | None
    weight: float
    baseline: float | None
    target: float | None
    target_origin: TargetOrigin | None
    target_derivation: Derivation | None
    deadline: dt.date
    actual: float | None
    actual_origin: ActualOrigin | None
    actual_derivation: Derivation | None
    measured_actual: float | None
    computed_actual: float | None
    start_value: float | None
    expected: float | None
    progress: float | None
    expected_progress: float | None
    status: Status
    forecast: float | None
    score: float | None
    attribution: dict[str, float]
    children: tuple[str, ...]
    parents: tuple[str, ...]
    formula_children: tuple[str, ...]
    rollup_children: tuple[str, ...]
    observations: tuple[Observation, ...] = ()
    breakdown: dict[str, float] = field(default_factory=dict)
    milestones: tuple[tuple[dt.date, float], ...] = ()

    @property
    def gap(self) -> float | None:
        """``actual - expected``, or ``None`` when either is unknown."""
        if self.actual is None or self.expected is None:
            return None
        return self.actual - self.expected


@dataclass(frozen=True)
class Evaluation:
    """The evaluated tree: results in goal-file order, and every diagnostic found."""

    tree_id: str
    title: str
    as_of: dt.date
    period_start: dt.date
    period_end: dt.date
    nodes: dict[str, NodeResult]
    diagnostics: tuple[Diagnostic, ...]
    snapshot: dict | None = None

    @property
    def roots(self) -> tuple[str, ...]:
        """Nodes with no parent in the tree (neither parent edge nor formula user)."""
        return tuple(node_id for node_id, result in self.nodes.items() if not result.parents)
