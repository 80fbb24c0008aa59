"""The visual vocabulary shared by diagrams and reports: status colours, labels, node types.

Colours come from the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness; every status also carries a text label
("AT RISK"), so colour is never the only signal. Text colours on the status
fills are chosen for a contrast of at least 4.5:1.
"""

from __future__ import annotations

from dataclasses import dataclass

from goaltree.engine.results import STATUSES, Status
from goaltree.present.language import N_, _
from goaltree.present.terms import status_word


@dataclass(frozen=True)
class StatusStyle:
    """How one status looks: a fill colour, a readable text colour on it, and what it means in words.

    Its label is the glossary's status word in capitals (:func:`status_label`).
    """

    fill: str
    text: str
    description: str


STATUS_STYLES: dict[str, StatusStyle] = {
    "achieved": StatusStyle("#0072B2", "#FFFFFF", N_("the target is met")),
    "on_track": StatusStyle("#009E73", "#000000", N_("at, near or ahead of the expected pace")),
    "at_risk": StatusStyle("#E69F00", "#000000", N_("somewhat behind the expected pace")),
    "off_track": StatusStyle("#D55E00", "#000000", N_("well behind the expected pace")),
    "no_data": StatusStyle("#BBBBBB", "#000000", N_("no actual, or no target to compare it with")),
    "assumed": StatusStyle("#CC79A7", "#000000", N_("a planning assumption nobody measures: not scored")),
    "not_started": StatusStyle("#F0F0F0", "#000000", N_("the period has not begun")),
}
"""Status -> style, in the order of :data:`STATUS_ORDER`."""

STATUS_ORDER: tuple[Status, ...] = STATUSES
"""Worst first: off track, at risk, no data, on track, achieved, assumed, not started."""

TYPE_LABELS = {"objective": N_("OBJECTIVE"), "kpi": N_("KPI"), "driver": N_("DRIVER")}
"""Node type -> the word printed on a card, in English (:func:`type_label` says it in the current language)."""

TYPE_BORDERS = {
    "objective": N_("double border, rounded"),
    "kpi": N_("single border, square corners"),
    "driver": N_("dashed border, rounded"),
}
"""Node type -> how its card's border looks, for legends."""

PROGRESS_TRACK = "#E5E5E5"
"""The unfilled part of a progress bar."""

MUTED_TEXT = "#444444"
"""Secondary text (type, owner): dark enough to read on white."""

EDGE_COLOUR = "#666666"


def status_label(status: str) -> str:
    """``at_risk`` → ``AT RISK`` (Swedish ``RISK``): the glossary's status word in capitals."""
    return status_word(status).upper()


def status_description(status: str) -> str:
    """What a status means, for legends, in the current language (``the target is met``)."""
    style = STATUS_STYLES.get(status)
    return _(style.description) if style else ""


def type_label(node_type: str) -> str:
    """``kpi`` → ``KPI``, ``objective`` → ``OBJECTIVE`` (Swedish ``MÅLSÄTTNING``): the word printed on a card."""
    label = TYPE_LABELS.get(node_type)
    return _(label) if label else node_type.upper()


def type_border(node_type: str) -> str:
    """How a node type's card border looks, for legends, in the current language."""
    border = TYPE_BORDERS.get(node_type)
    return _(border) if border else ""


def severity_rank(status: str) -> int:
    """Position in :data:`STATUS_ORDER`, worst first; unknown statuses last."""
    try:
        return STATUS_ORDER.index(status)  # type: ignore[arg-type]
    except ValueError:
        return len(STATUS_ORDER)
