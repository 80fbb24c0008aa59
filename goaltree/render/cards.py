"""What a node's card says, in plain text; the renderers escape and lay it out.

Every diagram format shows the same facts: the type, the title, actual /
target (with derived targets marked), progress against the expected pace, the
status in words, and the owner.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from goaltree.engine.results import NodeResult
from goaltree.present.escape import plain
from goaltree.present.language import _, _p
from goaltree.present.numbers import format_number, format_percent, unit_suffix
from goaltree.render.style import status_label, type_label

TITLE_WIDTH = 30
"""Characters per title line on a card."""

TITLE_LINES = 3
"""A longer title is cut with an ellipsis; the report has it in full."""

LINE_LENGTH = 60
"""An owner, a unit or a node id longer than this is cut with an ellipsis on a card; the report has it in full."""

HEADING_LENGTH = 120
"""The tree's title in a diagram's heading is cut with an ellipsis after this many characters."""

TOOLTIP_LENGTH = 500
"""A node's title in its tooltip (which shows the title the card cuts) is cut after this many characters.

Every goal-file text is cut before it goes into a diagram: Graphviz refuses a
label or a quoted string longer than 16 384 characters (it cannot draw the
diagram at all, or writes an empty one), and escaping can make a character six
(``&quot;``). Cut to these lengths, a card's label stays under 4 000 characters
whatever the goal file holds."""

# "900 000 SEK" must not wrap between its digit groups.
_DIGIT_GROUP_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


@dataclass(frozen=True)
class Card:
    """The text of one node's card.

    Attributes:
        node_id: The node id.
        kind: ``KPI``, ``OBJECTIVE`` or ``DRIVER``.
        title_lines: The title wrapped to :data:`TITLE_WIDTH` characters.
        title: The title on one line, cut to the same length, for renderers that wrap by themselves.
        values: ``actual / target unit`` (the unit cut to :data:`LINE_LENGTH`), or the score for objectives scored
            from their children.
        derived: The target was derived from the equations, not declared.
        progress: Progress as a fraction clipped to [0, 1] for the bar, or ``None``.
        pace: ``43 % · expected 50 %``.
        status: The status code (``at_risk``).
        status_label: The status in words (``AT RISK``).
        owner: Who answers for the node (cut to :data:`LINE_LENGTH`), or ``None``.
        hidden_children: How many children the diagram leaves out (``--depth``).
    """

    node_id: str
    kind: str
    title_lines: tuple[str, ...]
    title: str
    values: str
    derived: bool
    progress: float | None
    pace: str
    status: str
    status_label: str
    owner: str | None
    hidden_children: int = 0


def wrap_title(title: str, width: int = TITLE_WIDTH, lines: int = TITLE_LINES) -> tuple[str, ...]:
    """The title in at most ``lines`` lines of ``width`` characters."""
    clean = _DIGIT_GROUP_SPACE.sub("\u00a0", plain(title))
    wrapped = textwrap.wrap(clean, width=width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        last = wrapped[-1]
        wrapped[-1] = (last[: width - 1].rstrip() if len(last) >= width else last) + "…"
    return tuple(wrapped)


def short_text(text: str, length: int = LINE_LENGTH) -> str:
    """Goal-file text on one line, cut with an ellipsis to at most ``length`` characters."""
    clean = plain(text)
    return clean if len(clean) <= length else clean[: length - 1].rstrip() + "…"


def short_title(title: str, length: int = TITLE_WIDTH * TITLE_LINES) -> str:
    """The title on one line, cut with an ellipsis after ``length`` characters."""
    return short_text(title, length)


def values_text(result: NodeResult) -> str:
    """``27 000 000 / 63 000 000 SEK``; ratios and percentages carry their own ``%``."""
    if result.actual is None and result.target is None:
        if result.progress is not None:
            return _p("report", "score {score}", score=format_percent(result.score))
        return _p("report", "no actual, no target")
    text = f"{format_number(result.actual, result.unit)} / {format_number(result.target, result.unit)}"
    unit = unit_suffix(result.unit, result.target)
    return text + (" " + short_text(unit) if unit else "")  # the unit cut, never the figures


def pace_text(result: NodeResult) -> str:
    """``43 % · expected 50 %``, or what is missing."""
    if result.status == "assumed":
        return _("planning assumption · not scored")
    if result.progress is None:
        return _p("report", "progress unknown")
    if result.expected_progress is None:
        return _p("report", "{progress} of the way", progress=format_percent(result.progress))
    return _("{progress} · expected {expected}", progress=format_percent(result.progress), expected=format_percent(result.expected_progress))


def card_for(result: NodeResult, hidden_children: int = 0) -> Card:
    """The card of one node."""
    progress = None if result.progress is None else min(1.0, max(0.0, result.progress))
    return Card(
        node_id=result.id,
        kind=type_label(result.type),
        title_lines=wrap_title(result.title),
        title=short_title(result.title),
        values=values_text(result),
        derived=result.target_origin == "derived",
        progress=progress,
        pace=pace_text(result),
        status=result.status,
        status_label=status_label(result.status),
        owner=short_text(result.owner) if result.owner else None,
        hidden_children=hidden_children,
    )
