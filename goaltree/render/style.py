"""The visual vocabulary shared by diagrams and reports: status colours, labels, node types.

Colours come from the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness; every status also carries a text label
("AT RISK"), so colour is never the only signal. Text colours on the status
fills are chosen for a contrast of at least 4.5:1.
"""

from __future__ import annotations

from dataclasses import dataclass

from goaltree.engine.results import STATUSES, Status


@dataclass(frozen=True)
class StatusStyle:
    """How one status looks: a label in words, a fill colour and a readable text colour on it."""

    label: str
    fill: str
    text: str
    description: str


STATUS_STYLES: dict[str, StatusStyle] = {
    "achieved": StatusStyle("ACHIEVED", "#0072B2", "#FFFFFF", "the target is met"),
    "on_track": StatusStyle("ON TRACK", "#009E73", "#000000", "at or ahead of the expected pace"),
    "at_risk": StatusStyle("AT RISK", "#E69F00", "#000000", "somewhat behind the expected pace"),
    "off_track": StatusStyle("OFF TRACK", "#D55E00", "#000000", "well behind the expected pace"),
    "no_data": StatusStyle("NO DATA", "#BBBBBB", "#000000", "no actual, or no target to compare it with"),
    "assumed": StatusStyle("ASSUMED", "#CC79A7", "#000000", "a planning assumption nobody measures: not scored"),
    "not_started": StatusStyle("NOT STARTED", "#F0F0F0", "#000000", "the period has not begun"),
}
"""Status -> style, in the order of :data:`STATUS_ORDER`."""

STATUS_ORDER: tuple[Status, ...] = STATUSES
"""Worst first: off track, at risk, no data, on track, achieved, assumed, not started."""

TYPE_LABELS = {"objective": "OBJECTIVE", "kpi": "KPI", "driver": "DRIVER"}
"""Node type -> the word printed on a card."""

TYPE_BORDERS = {
    "objective": "double border, rounded",
    "kpi": "single border, square corners",
    "driver": "dashed border, rounded",
}
"""Node type -> how its card's border looks, for legends."""

PROGRESS_TRACK = "#E5E5E5"
"""The unfilled part of a progress bar."""

MUTED_TEXT = "#444444"
"""Secondary text (type, owner): dark enough to read on white."""

EDGE_COLOUR = "#666666"


def status_label(status: str) -> str:
    """``at_risk`` → ``AT RISK``."""
    style = STATUS_STYLES.get(status)
    return style.label if style else status.replace("_", " ").upper()


def severity_rank(status: str) -> int:
    """Position in :data:`STATUS_ORDER`, worst first; unknown statuses last."""
    try:
        return STATUS_ORDER.index(status)  # type: ignore[arg-type]
    except ValueError:
        return len(STATUS_ORDER)
