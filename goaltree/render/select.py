"""Which nodes and edges a diagram draws: the whole tree, or a sub-tree (``--root``, ``--depth``).

Order is always goal-file order, so that a diagram's source is byte-identical
from run to run and a revision's diff shows only real change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from goaltree.engine.results import Evaluation, NodeResult
from goaltree.errors import GoaltreeError, did_you_mean
from goaltree.present.language import _, _p
from goaltree.present.numbers import format_general
from goaltree.present.terms import rollup_word
from goaltree.render.style import severity_rank

MAX_EDGE_LABEL = 48
"""Longer formulas are cut with an ellipsis on edges; the full text is in the report."""


@dataclass(frozen=True)
class Edge:
    """One drawn edge, from a parent to a child.

    Attributes:
        parent: The node whose formula or rollup uses ``child``.
        child: The contributing node.
        kind: ``formula`` (the child is named in the parent's formula) or
            ``parent`` (the child names the parent under ``parent:``).
        label: The formula, or the rollup and the child's weight.
    """

    parent: str
    child: str
    kind: Literal["formula", "parent"]
    label: str


@dataclass(frozen=True)
class Selection:
    """The part of the tree a diagram shows.

    Attributes:
        nodes: Node ids in goal-file order.
        edges: Edges in goal-file order of the parent, then the parent's child order.
        roots: Where the drawing starts (``--root``, or the tree's roots).
        hidden_children: Node id -> how many of its children ``--depth``,
            ``--children`` or ``--nodes`` left out.
        levels: Node id -> its distance from the nearest start (0 for the roots).
    """

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]
    roots: tuple[str, ...]
    hidden_children: dict[str, int]
    levels: dict[str, int]

    @property
    def widest_level(self) -> int:
        """How many nodes the most crowded level holds."""
        counts: dict[int, int] = {}
        for level in self.levels.values():
            counts[level] = counts.get(level, 0) + 1
        return max(counts.values(), default=0)


def supports_word() -> str:
    """What an edge from an objective to a node that supports it without a rollup says (drawn dashed)."""
    return _p("report", "supports")


def edge_label(parent: NodeResult, child: NodeResult) -> tuple[Literal["formula", "parent"], str]:
    """The kind of the edge ``parent -> child`` and the words written on it."""
    if child.id in parent.formula_children and parent.formula:
        text = " ".join(parent.formula.split())
        if len(text) > MAX_EDGE_LABEL:
            text = text[: MAX_EDGE_LABEL - 1].rstrip() + "…"
        return "formula", text
    rollup = rollup_word(parent.rollup)
    weight = _p("report", "weight {weight}", weight=format_general(child.weight))
    if parent.rollup == "none":
        return "parent", supports_word() + (f" · {weight}" if child.weight != 1 else "")
    if parent.rollup in ("weighted_mean", "progress") or child.weight != 1:
        return "parent", f"{rollup} · {weight}"
    return "parent", rollup


def _drawn_children(nodes: dict[str, NodeResult], children: tuple[str, ...], limit: int | None) -> tuple[str, ...]:
    """The children a diagram draws under one node: all, or the ``limit`` worst in goal-file order."""
    if limit is None or len(children) <= limit:
        return children
    ranked = sorted(range(len(children)), key=lambda index: (severity_rank(nodes[children[index]].status), index))
    return tuple(children[index] for index in sorted(ranked[:limit]))


def _worst_first(nodes: dict[str, NodeResult], candidates: list[str], room: int) -> list[str]:
    """At most ``room`` of ``candidates``: all if they fit, else the worst status first, ties in goal-file order."""
    if len(candidates) <= room:
        return candidates
    if room <= 0:
        return []
    position = {node_id: index for index, node_id in enumerate(nodes)}
    ranked = sorted(candidates, key=lambda node_id: (severity_rank(nodes[node_id].status), position[node_id]))
    return ranked[:room]


def select(
    evaluation: Evaluation,
    root: str | None = None,
    depth: int | None = None,
    children: int | None = None,
    node_limit: int | None = None,
) -> Selection:
    """The nodes and edges under ``root`` (default: every root), at most ``depth`` levels down.

    Args:
        evaluation: The evaluated tree.
        root: A node id; only it and what it is built from are drawn.
        depth: How many levels below the root(s) to draw; ``0`` draws the root(s) only.
        children: Draw at most this many children under each node, the worst
            status first (ties in goal-file order); the parent's card counts the
            rest. A node another drawn parent reaches is still drawn.
        node_limit: Draw at most this many nodes: whole levels from the top, and
            on the level that would pass the limit, its worst nodes first (ties in
            goal-file order). The cards of their parents count the rest.

    Raises:
        GoaltreeError: ``root`` is not a node id, ``depth`` or ``children`` is
            negative, or ``node_limit`` is below 1.
    """
    nodes = evaluation.nodes
    if depth is not None and depth < 0:
        raise GoaltreeError(_("--depth must be 0 or more, not {depth}", depth=depth))
    if children is not None and children < 0:
        raise GoaltreeError(_("--children must be 0 or more, not {children}", children=children))
    if node_limit is not None and node_limit < 1:
        raise GoaltreeError(_("--nodes must be 1 or more, not {nodes}", nodes=node_limit))
    if root is not None and root not in nodes:
        hint = did_you_mean(root, nodes)
        raise GoaltreeError(_("no node '{node}' in {tree}", node=root, tree=evaluation.tree_id) + hint)
    starts = (root,) if root is not None else (evaluation.roots or tuple(nodes))

    # Level by level (breadth first), so that each node's level is its shortest
    # distance from a start and a node limit cuts the deepest level drawn.
    level: dict[str, int] = {}
    frontier = list(dict.fromkeys(starts))
    distance = 0
    while True:
        if node_limit is not None:
            frontier = _worst_first(nodes, frontier, node_limit - len(level))
        for node_id in frontier:
            level[node_id] = distance
        if not frontier or (depth is not None and distance >= depth):
            break
        reached: dict[str, None] = {}
        for current in frontier:
            for child in _drawn_children(nodes, nodes[current].children, children):
                if child not in level:
                    reached[child] = None
        frontier = list(reached)
        distance += 1

    chosen = tuple(node_id for node_id in nodes if node_id in level)
    edges: list[Edge] = []
    hidden: dict[str, int] = {}
    for node_id in chosen:
        result = nodes[node_id]
        left_out = 0
        for child in result.children:
            if child in level:
                kind, label = edge_label(result, nodes[child])
                edges.append(Edge(node_id, child, kind, label))
            else:
                left_out += 1
        if left_out:
            hidden[node_id] = left_out
    return Selection(
        nodes=chosen,
        edges=tuple(edges),
        roots=tuple(starts),
        hidden_children=hidden,
        levels={node_id: level[node_id] for node_id in chosen},
    )
