"""The KPI tree as a Graphviz diagram: DOT source, and svg, png or pdf through ``dot``.

Each node is a card (an HTML-like label) with its type, title, actual / target,
a progress bar, the status in colour and in words, and the owner. Objectives,
KPIs and drivers differ in their border; edges carry the formula or the rollup
and weight. The DOT source is deterministic: node ids are the goal file's, in
goal-file order, with no generated ids and no timestamps.

All user text is escaped in code before it reaches Graphviz: HTML-like labels
through :func:`goaltree.present.escape.graphviz_text` (``&amp; &lt; &gt;
&quot; &#39;``); plain attributes also through :func:`graphviz.escape`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from goaltree.engine.results import Evaluation
from goaltree.errors import GoaltreeError
from goaltree.present.escape import graphviz_text
from goaltree.present.language import _, _n, _p, format_date
from goaltree.present.numbers import round_half_up
from goaltree.render.cards import HEADING_LENGTH, LINE_LENGTH, TOOLTIP_LENGTH, Card, card_for, short_text
from goaltree.render.select import Selection, select, supports_word
from goaltree.render.style import (
    EDGE_COLOUR,
    MUTED_TEXT,
    PROGRESS_TRACK,
    STATUS_ORDER,
    STATUS_STYLES,
    status_label,
    type_border,
    type_label,
)

if TYPE_CHECKING:
    import graphviz

ImageFormat = Literal["svg", "png", "pdf", "dot"]
Direction = Literal["TB", "LR"]
FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "dot")

BAR_WIDTH = 160
"""Width of a card's progress bar in points."""

FONT = "Helvetica"

WIDE_LEVEL = 12
"""A tree with more nodes than this on one level is drawn left to right, so that
it grows downwards (and scrolls like a page) instead of sideways."""

# Node attributes per type: the border tells objectives, KPIs and drivers apart
# even in black and white; the card's first line says the type in words too.
TYPE_SHAPES: dict[str, dict[str, str]] = {
    "objective": {"style": "rounded,filled,bold", "peripheries": "2"},
    "kpi": {"style": "filled", "peripheries": "1"},
    "driver": {"style": "rounded,filled,dashed", "peripheries": "1"},
}


def _progress_bar(card: Card, fill: str) -> str:
    filled = 0 if card.progress is None else int(round_half_up(BAR_WIDTH * card.progress))
    cells = []
    if filled > 0:
        cells.append(f'<TD WIDTH="{filled}" HEIGHT="7" FIXEDSIZE="TRUE" BGCOLOR="{fill}"></TD>')
    if filled < BAR_WIDTH:
        cells.append(f'<TD WIDTH="{BAR_WIDTH - filled}" HEIGHT="7" FIXEDSIZE="TRUE" BGCOLOR="{PROGRESS_TRACK}"></TD>')
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>{"".join(cells)}</TR></TABLE>'


def card_label(card: Card) -> str:
    """The HTML-like label of one card, escaped, wrapped in ``<…>`` for Graphviz."""
    style = STATUS_STYLES[card.status]
    title = '<BR ALIGN="LEFT"/>'.join(graphviz_text(line) for line in card.title_lines)
    # One text run: Graphviz places separate runs by its own width estimate, which
    # browsers' fonts overrun by a few percent, so a second run would overlap the first.
    values = f"{card.values} {derived_word()}" if card.derived else card.values
    rows = [
        "<TR>"
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{MUTED_TEXT}">{graphviz_text(card.kind)} · {graphviz_text(short_text(card.node_id))}</FONT></TD>'
        f'<TD ALIGN="RIGHT" BGCOLOR="{style.fill}"><FONT POINT-SIZE="8" COLOR="{style.text}"><B>{graphviz_text(card.status_label)}</B></FONT></TD>'
        "</TR>",
        f'<TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT"><B>{title}</B></TD></TR>',
        f'<TR><TD COLSPAN="2" ALIGN="LEFT">{graphviz_text(values)}</TD></TR>',
        f'<TR><TD COLSPAN="2" ALIGN="LEFT">{_progress_bar(card, style.fill)}</TD></TR>',
        f'<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="9">{graphviz_text(card.pace)}</FONT></TD></TR>',
    ]
    if card.owner:
        rows.append(
            f'<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{MUTED_TEXT}">{graphviz_text(_p("report", "owner: {owner}", owner=card.owner))}</FONT></TD></TR>'
        )
    if card.hidden_children:
        more = hidden_children_text(card.hidden_children)
        rows.append(f'<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{MUTED_TEXT}">{graphviz_text(more)}</FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>>'


DOT_ID_LENGTH = 1000
"""A node id longer than this is not used as it is in the DOT source (Graphviz refuses a string of 16 384
characters or more): :func:`dot_name` stands for it, and its card links nowhere."""


def dot_name(node_id: str) -> str:
    """The node's name in the DOT source: its id, or for an id beyond :data:`DOT_ID_LENGTH` the id's start and a hash of it.

    The hash keeps two long ids with the same start apart, and the same id gets the same name on every run.
    """
    if len(node_id) <= DOT_ID_LENGTH:
        return node_id
    import hashlib

    return f"{node_id[:40]}…{hashlib.sha256(node_id.encode('utf-8')).hexdigest()[:16]}"


def derived_word() -> str:
    """``(derived)``: written after a target the equations derived rather than the goal file declared."""
    return _p("report", "(derived)")


def hidden_children_text(count: int) -> str:
    """``+ 3 children not drawn``: what a card says about the children a diagram leaves out."""
    return _n("+ {count} child not drawn", "+ {count} children not drawn", count)


def _heading(evaluation: Evaluation, selection: Selection, legend: bool) -> str:
    as_of = format_date(evaluation.as_of)
    tree_title = short_text(evaluation.title, HEADING_LENGTH)
    if len(selection.roots) == 1 and selection.roots[0] not in evaluation.roots:
        heading = _("{title} — as of {date} — under {node}", title=tree_title, date=as_of, node=short_text(selection.roots[0]))
    else:
        heading = _("{title} — as of {date}", title=tree_title, date=as_of)
    title = graphviz_text(heading)
    rows = [f"<TR><TD><B>{title}</B></TD></TR>"]
    if legend:
        cells = "".join(
            f'<TD BGCOLOR="{STATUS_STYLES[s].fill}" BORDER="1" COLOR="{MUTED_TEXT}"><FONT POINT-SIZE="8" COLOR="{STATUS_STYLES[s].text}">{graphviz_text(status_label(s))}</FONT></TD>'
            for s in STATUS_ORDER
        )
        rows.append(f'<TR><TD><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3"><TR>{cells}</TR></TABLE></TD></TR>')
        kinds = " · ".join(f"{type_label(t).lower()}: {type_border(t)}" for t in TYPE_SHAPES)
        key = _("{kinds} · (derived) = target derived from the equations", kinds=kinds)
        rows.append(f'<TR><TD><FONT POINT-SIZE="8" COLOR="{MUTED_TEXT}">{graphviz_text(key)}</FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>>'


def build_graph(
    evaluation: Evaluation,
    *,
    root: str | None = None,
    depth: int | None = None,
    children: int | None = None,
    node_limit: int | None = None,
    legend: bool = True,
    direction: Direction | None = None,
) -> "graphviz.Digraph":
    """The :class:`graphviz.Digraph` of the (sub-)tree, every label escaped.

    Args:
        evaluation: The evaluated tree.
        root: Draw only the sub-tree under this node id.
        depth: Draw this many levels below the root(s).
        children: Draw at most this many children under each node, the worst first.
        node_limit: Draw at most this many nodes, the top levels first (:func:`goaltree.render.select.select`).
        legend: Put the status colours and border styles in the diagram's heading.
        direction: ``TB`` (top to bottom) or ``LR`` (left to right); by default
            ``TB``, or ``LR`` when a level holds more than :data:`WIDE_LEVEL` nodes.

    Raises:
        GoaltreeError: ``root`` is unknown, ``depth`` or ``children`` negative, or ``node_limit`` below 1.
    """
    import graphviz

    selection = select(evaluation, root, depth, children, node_limit)
    if direction is None:
        direction = "LR" if selection.widest_level > WIDE_LEVEL else "TB"
    tree_id = short_text(evaluation.tree_id, LINE_LENGTH)  # in a comment line of 16 384 characters Graphviz draws nothing
    graph = graphviz.Digraph(
        name=tree_id,
        comment=f"generated by goaltree from {tree_id} as of {evaluation.as_of.isoformat()}; do not edit",
        graph_attr={
            "rankdir": direction,
            "newrank": "true",
            "nodesep": "0.25",
            "ranksep": "0.55",
            "fontname": FONT,
            "fontsize": "12",
            "labelloc": "t",
            "label": _heading(evaluation, selection, legend),
            "bgcolor": "white",
            "pad": "0.2",
        },
        node_attr={"shape": "box", "fontname": FONT, "fontsize": "10", "fillcolor": "white", "margin": "0.14,0.05", "penwidth": "2"},
        edge_attr={"fontname": FONT, "fontsize": "9", "color": EDGE_COLOUR, "fontcolor": MUTED_TEXT, "arrowsize": "0.6"},
    )
    for node_id in selection.nodes:
        result = evaluation.nodes[node_id]
        card = card_for(result, selection.hidden_children.get(node_id, 0))
        links = {}
        if len(node_id) <= DOT_ID_LENGTH:
            # The report's outline entry of the node; a longer id would not fit in a DOT string.
            links = {"href": f"#node-{node_id}", "id": f"diagram-{node_id}"}
        graph.node(
            dot_name(node_id),
            label=card_label(card),
            color=STATUS_STYLES[card.status].fill if card.status != "not_started" else MUTED_TEXT,
            # Entities survive into the SVG's xlink:title (Graphviz does not escape them twice).
            tooltip=graphviz.escape(graphviz_text(short_text(result.title, TOOLTIP_LENGTH))),
            **links,
            **TYPE_SHAPES.get(result.type, TYPE_SHAPES["kpi"]),
        )
    formula_edges: dict[str, list[str]] = {}
    for edge in selection.edges:
        if edge.kind == "formula":
            formula_edges.setdefault(edge.parent, []).append(edge.child)
    joined: set[str] = set()
    for edge in selection.edges:
        if edge.kind == "formula" and len(formula_edges[edge.parent]) > 1:
            # One labelled edge into a junction point, then one arrow per term: the
            # formula is written once instead of on every edge.
            junction = f"{dot_name(edge.parent)}=formula"  # '=' cannot occur in a goal-file id
            if edge.parent not in joined:
                joined.add(edge.parent)
                graph.node(junction, label="", shape="point", width="0.07", color=EDGE_COLOUR, id=f"formula-{dot_name(edge.parent)}")
                graph.edge(dot_name(edge.parent), junction, label=f"<{graphviz_text(edge.label)}>", arrowhead="none")
            graph.edge(junction, dot_name(edge.child))
            continue
        attributes = {"label": f"<{graphviz_text(edge.label)}>"}
        if edge.kind == "parent" and edge.label.startswith(supports_word()):
            attributes["style"] = "dashed"
        graph.edge(dot_name(edge.parent), dot_name(edge.child), **attributes)
    return graph


def to_dot(
    evaluation: Evaluation,
    *,
    root: str | None = None,
    depth: int | None = None,
    children: int | None = None,
    node_limit: int | None = None,
    legend: bool = True,
    direction: Direction | None = None,
) -> str:
    """The DOT source of the diagram: byte-identical for the same evaluation."""
    graph = build_graph(
        evaluation, root=root, depth=depth, children=children, node_limit=node_limit, legend=legend, direction=direction
    )
    return graph.source


DRAW_SECONDS = 300.0
"""How long Graphviz may lay out one diagram: a goal file can be written to keep it busy for hours
(a few dozen nodes that each feed every other); 10 000 cards take about 100 s."""


def draw_seconds() -> float:
    """:data:`DRAW_SECONDS`, or ``GOALTREE_DRAW_SECONDS`` when the environment sets it: the CI job decides, never the goal file."""
    import math
    import os

    try:
        seconds = float(os.environ.get("GOALTREE_DRAW_SECONDS", DRAW_SECONDS))
    except ValueError:
        return DRAW_SECONDS
    return seconds if math.isfinite(seconds) and seconds > 0 else DRAW_SECONDS


def _run_dot(source: str, image_format: str) -> bytes:
    import shutil
    import subprocess

    dot = shutil.which("dot")
    if dot is None:
        raise GoaltreeError(
            _(
                "Graphviz's 'dot' program was not found: install Graphviz (apt install graphviz, "
                "brew install graphviz) or write --format dot or --format mermaid"
            )
        )
    seconds = draw_seconds()
    try:
        # subprocess.run kills dot when the time is up, so no layout outlives the command.
        done = subprocess.run(
            [dot, f"-T{image_format}"], input=source.encode("utf-8"), capture_output=True, timeout=seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise GoaltreeError(
            _(
                "Graphviz took more than {seconds} seconds to lay out the diagram and was stopped; draw less of it "
                "(--root, --depth, --children, --nodes) or let it run longer with the environment variable "
                "GOALTREE_DRAW_SECONDS",
                seconds=f"{seconds:g}",
            )
        ) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise GoaltreeError(_("Graphviz could not draw the diagram: {detail}", detail=detail or done.returncode))
    if not done.stdout:
        # dot says nothing and exits 0 for some sources it cannot read (a comment line of 16 384 characters): no empty file.
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise GoaltreeError(_("Graphviz drew nothing (an empty {format}): {detail}", format=image_format, detail=detail or "-"))
    return done.stdout


def render(
    evaluation: Evaluation,
    image_format: ImageFormat = "svg",
    *,
    root: str | None = None,
    depth: int | None = None,
    children: int | None = None,
    node_limit: int | None = None,
    legend: bool = True,
    direction: Direction | None = None,
) -> bytes:
    """The diagram as ``svg``, ``png``, ``pdf`` or ``dot`` bytes.

    Raises:
        GoaltreeError: An unknown format, an unknown root, or Graphviz missing or failing.
    """
    if image_format not in FORMATS:
        raise GoaltreeError(_("cannot draw '{format}'; choose one of {formats}", format=image_format, formats=", ".join(FORMATS)))
    source = to_dot(
        evaluation, root=root, depth=depth, children=children, node_limit=node_limit, legend=legend, direction=direction
    )
    if image_format == "dot":
        return source.encode("utf-8")
    return _run_dot(source, image_format)


def render_svg(
    evaluation: Evaluation,
    *,
    root: str | None = None,
    depth: int | None = None,
    children: int | None = None,
    node_limit: int | None = None,
    legend: bool = True,
    direction: Direction | None = None,
) -> str:
    """The diagram as SVG text (a standalone XML document), laid out by Graphviz ``dot``.

    This is the function the HTML report embeds and the benchmark times.
    """
    image = render(
        evaluation, "svg", root=root, depth=depth, children=children, node_limit=node_limit, legend=legend, direction=direction
    )
    return image.decode("utf-8")

