"""The goal tree as a graph: formula references and parent edges, checked to be a DAG.

Edges point from a parent to a child: ``revenue -> customers`` for the formula
``revenue = customers * clv``, and ``growth -> brand`` for ``brand: {parent:
growth}``. One KPI may serve several goals, so the graph is a DAG, not a tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from goaltree.errors import Diagnostic, did_you_mean
from goaltree.model import NUMERIC_ROLLUPS, GoalFile
from goaltree import codes
from goaltree.present.language import _, _p

if TYPE_CHECKING:
    import networkx as nx

    from goaltree.formula import Formula
    from goaltree.goalfile import LoadResult
    from goaltree.model import Aggregate


@dataclass(frozen=True, eq=False)
class GoalTree:
    """A validated goal file with its graph. Immutable: the engine only reads it.

    Attributes:
        goal_file: The validated model.
        path: Where it was read from (``None`` for text).
        formulas: Parsed formulas by node id.
        formula_children: Node id -> ids its formula uses, in formula order.
        rollup_children: Node id -> ids that name it as ``parent``, in file order.
        parents: Node id -> ids it feeds (formula users first, then parent edges).
        order: Node ids, parents before children (topological), ties in file order.
        load: The load result, for locating diagnostics.
        set_by: Node id -> the scenario whose ``set`` gave it its target, or ``None`` for
            ``--set NODE=VALUE``: the targets a what-if put in place of the file's.
    """

    goal_file: GoalFile
    path: Path | None
    formulas: dict[str, "Formula"]
    formula_children: dict[str, tuple[str, ...]]
    rollup_children: dict[str, tuple[str, ...]]
    parents: dict[str, tuple[str, ...]]
    order: tuple[str, ...]
    load: "LoadResult | None" = None
    set_by: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def project_dir(self) -> Path:
        """The folder of the goal file: where relative source paths start."""
        return self.path.parent if self.path is not None else Path.cwd()

    def children(self, node_id: str) -> tuple[str, ...]:
        """Formula children then parent-edge children, without repeats."""
        formula = self.formula_children.get(node_id, ())
        rollup = self.rollup_children.get(node_id, ())
        if not rollup:
            return formula
        if not formula:
            return rollup
        return formula + tuple(child for child in rollup if child not in formula)

    def children_column(self, node_ids: Iterable[str]) -> list[tuple[str, ...]]:
        """:meth:`children` of each node, in order: a column at once, merged only for a node with both kinds."""
        formula_children, rollup_children, children = self.formula_children, self.rollup_children, self.children
        return [
            rollup_children.get(node_id, ())
            if node_id not in formula_children
            else children(node_id) if node_id in rollup_children else formula_children[node_id]
            for node_id in node_ids
        ]

    @cached_property
    def graph(self) -> "nx.DiGraph":
        """The networkx DiGraph: nodes carry their model, edges their ``kind`` (formula | parent)."""
        import networkx as nx

        graph = nx.DiGraph()
        for node_id, node in self.goal_file.nodes.items():
            graph.add_node(node_id, node=node)
        for node_id, children in self.formula_children.items():
            graph.add_edges_from(((node_id, child) for child in children), kind="formula")
        for node_id, children in self.rollup_children.items():
            for child in children:
                if not graph.has_edge(node_id, child):
                    graph.add_edge(node_id, child, kind="parent")
        return graph

    @cached_property
    def aggregate_of(self) -> dict[str, "Aggregate"]:
        """Each node's aggregate: ``sum`` for a flow (paced from zero), a level's otherwise.

        A node's own ``aggregate`` or its model's default
        (:attr:`~goaltree.model.Node.effective_aggregate`), except for a kpi
        computed from its children that states none: a numeric rollup whose
        children are all levels is a level (the followers of each platform,
        added up), and so is a formula of levels only, or one whose value does
        not grow with its flows (``revenue / deals``: degree 0 in them); a
        formula of degree 1 in its flows (``customers * deal``) stays a flow.
        """
        nodes = self.goal_file.nodes
        aggregate_of: dict[str, "Aggregate"] = {node_id: node.effective_aggregate for node_id, node in nodes.items()}
        formulas, rollups = self.formulas, self.rollup_children
        for node_id in reversed(self.order):  # children before parents
            if node_id not in formulas and node_id not in rollups:
                continue
            node = nodes[node_id]
            if aggregate_of[node_id] != "sum" or node.aggregate is not None or node.metric is not None or node.actuals:
                continue
            formula = formulas.get(node_id)
            if formula is not None:
                if not self.formula_children.get(node_id):
                    continue
                # The formula's names and its shape's template's are in the same order.
                flows = tuple(i for i, name in enumerate(formula.names) if aggregate_of.get(name, "sum") == "sum")
                if flows and formula.shape.scaling_degree(flows) != 0:
                    continue
                aggregate_of[node_id] = "last"
            elif node.rollup in NUMERIC_ROLLUPS:
                children = rollups.get(node_id, ())
                if children and all(aggregate_of.get(child, "sum") != "sum" for child in children):
                    aggregate_of[node_id] = "last"
        return aggregate_of

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        """Place ``diagnostic`` at its file, line and column where known."""
        if self.load is None:
            return diagnostic
        return self.load.locate(diagnostic)


def build(goal_file: GoalFile, path: Path | None = None, load: "LoadResult | None" = None) -> tuple[GoalTree | None, list[Diagnostic]]:
    """Parse formulas, connect parents and check the graph is a DAG.

    A formula the KPI catalogue filled in (``kpi: traffic_to_lead`` gives
    ``leads / visits``) that closes a cycle is the same identity another
    formula already states the other way round (``leads = visits *
    traffic_to_lead``): it is left out, and the node is solved from that
    formula instead. Only cycles of the file's own formulas and parents are
    errors (E006).

    Returns the tree (``None`` when its structure is broken) and the located diagnostics.
    """
    while True:
        tree, diagnostics, redundant = _build(goal_file, path, load)
        if redundant is None:
            return tree, diagnostics
        from goaltree.catalog import without_formula

        goal_file = without_formula(goal_file, redundant)


def _build(
    goal_file: GoalFile, path: Path | None, load: "LoadResult | None"
) -> tuple[GoalTree | None, list[Diagnostic], str | None]:
    """One pass of :func:`build`; the third value names a catalogue formula that closes a cycle."""
    from goaltree.formula import FormulaError, parse

    nodes = goal_file.nodes
    diagnostics: list[Diagnostic] = []
    formulas: dict[str, Formula] = {}
    formula_children: dict[str, tuple[str, ...]] = {}
    rollup_children: dict[str, list[str]] = {}
    users: dict[str, list[str]] = {}

    def locate(diagnostic: Diagnostic, offset: int | None = None) -> Diagnostic:
        if load is None:
            return diagnostic
        located = load.locate(diagnostic)
        if offset and located.column is not None and located.line is not None:
            shift = load.source_map.shift_into_scalar(located.line, located.column, offset)
            located = located.located(located.file, located.line, located.column + shift)
        return located

    parent_edges: dict[str, tuple[str, ...]] = {}  # node id -> the existing parents it names, without repeats
    # Whether an edge points from a node to one listed above it: when none does
    # (the usual file), the file order is the topological order, found here
    # with no pass of its own over the edges.
    seen: set[str] = set()
    backward = False
    for node_id, node in nodes.items():
        text = node.formula
        if text is not None:
            try:
                formula = parse(text)
            except FormulaError as error:
                code = codes.DIVISION_BY_ZERO if error.kind == "division_by_zero" else codes.FORMULA_SYNTAX
                diagnostics.append(
                    locate(
                        Diagnostic(code, "error", _p("load", "formula: {problem}", problem=error.message), node=node_id, path=("nodes", node_id, "formula")),
                        (error.column - 1) if error.column else None,
                    )
                )
                continue
            names = formula.names
            known = []
            for name in names:
                if name == node_id:
                    # ``leads: {formula: leads * 2}`` is the shortest cycle; the topological
                    # sort skips self-edges, so it is caught here, at the name's column.
                    column = _name_column(formula, name)
                    diagnostics.append(
                        locate(
                            Diagnostic(
                                codes.CYCLE,
                                "error",
                                _(
                                    "cycle: {node} -> {node}; the formula of '{node}' uses '{node}' itself, "
                                    "and a goal cannot depend on itself: name other nodes, or give the value a node of its own",
                                    node=node_id,
                                ),
                                node=node_id,
                                path=("nodes", node_id, "formula"),
                            ),
                            (column - 1) if column else None,
                        )
                    )
                elif name in nodes:
                    known.append(name)
                    if name in seen:
                        backward = True
                    used_by = users.get(name)
                    if used_by is None:
                        users[name] = [node_id]
                    else:
                        used_by.append(node_id)
                else:
                    column = _name_column(formula, name)
                    diagnostics.append(
                        locate(
                            Diagnostic(
                                codes.UNKNOWN_ID,
                                "error",
                                _(
                                    "formula uses '{name}', which is not a node id{suggestion}; add the node or correct the name",
                                    name=name,
                                    suggestion=did_you_mean(name, nodes),
                                ),
                                node=node_id,
                                path=("nodes", node_id, "formula"),
                            ),
                            (column - 1) if column else None,
                        )
                    )
            formulas[node_id] = formula
            formula_children[node_id] = names if len(known) == len(names) else tuple(known)
        if node.parent is not None:  # most nodes have none: no tuple of parents to build
            node_parents = node.parents
            valid_parents = 0
            for index, parent_id in enumerate(node_parents):
                if parent_id not in nodes:
                    path = ("nodes", node_id, "parent") + ((index,) if isinstance(node.parent, list) else ())
                    diagnostics.append(
                        locate(
                            Diagnostic(
                                codes.UNKNOWN_ID,
                                "error",
                                _("parent '{parent}' is not a node id{suggestion}", parent=parent_id, suggestion=did_you_mean(parent_id, nodes)),
                                node=node_id,
                                path=path,
                            )
                        )
                    )
                elif parent_id == node_id:
                    diagnostics.append(
                        locate(Diagnostic(codes.CYCLE, "error", _("'{node}' names itself as its parent", node=node_id), node=node_id, path=("nodes", node_id, "parent")))
                    )
                else:
                    valid_parents += 1
                    if parent_id not in seen:
                        backward = True
                    used_by = rollup_children.get(parent_id)
                    if used_by is None:
                        rollup_children[parent_id] = [node_id]
                    elif used_by[-1] != node_id:  # a parent listed twice has the child once, as its edges do
                        used_by.append(node_id)
            if valid_parents == len(node_parents) == 1:  # most nodes
                parent_edges[node_id] = node_parents
            elif valid_parents:
                parent_edges[node_id] = tuple(dict.fromkeys(p for p in node_parents if p in nodes and p != node_id))
        seen.add(node_id)

    for node_id, children in rollup_children.items():
        node = nodes[node_id]
        if node.formula is not None and node.effective_rollup in NUMERIC_ROLLUPS:
            diagnostics.append(
                locate(
                    Diagnostic(
                        codes.FORMULA_AND_ROLLUP,
                        "error",
                        _(
                            "'{node}' has both a formula and `rollup: {rollup}` over {children}; "
                            "keep one equation: drop the rollup (use `none`) or the formula",
                            node=node_id,
                            rollup=node.effective_rollup,
                            children=", ".join(children),
                        ),
                        node=node_id,
                        path=("nodes", node_id, "rollup"),
                    )
                )
            )

    # What each node feeds: the formulas using it, then its parent edges, without
    # repeats (a formula names each id once, so its users come without repeats).
    parents = parent_edges
    for node_id, feeds in users.items():
        edges = parent_edges.get(node_id)
        if edges:
            feeds.extend(parent_id for parent_id in edges if parent_id not in feeds)
        parents[node_id] = tuple(feeds)

    rollups = {key: tuple(value) for key, value in rollup_children.items()}
    order, cycle = _topological_order(nodes, formula_children, rollups, backward=backward)
    if cycle:
        redundant = _catalogue_formula_in_cycle(nodes, cycle, formula_children)
        if redundant is not None:
            return None, diagnostics, redundant
        shown = " -> ".join(cycle + [cycle[0]])
        diagnostics.append(
            locate(
                Diagnostic(
                    codes.CYCLE,
                    "error",
                    _("cycle: {cycle}; a goal cannot depend on itself, break one of these links", cycle=shown),
                    node=cycle[0],
                    path=("nodes", cycle[0]),
                )
            )
        )
    if any(d.severity == "error" for d in diagnostics):
        return None, diagnostics, None
    tree = GoalTree(
        goal_file=goal_file,
        path=path,
        formulas=formulas,
        formula_children=formula_children,
        rollup_children=rollups,
        parents=parents,
        order=order,
        load=load,
    )
    return tree, diagnostics, None


def _catalogue_formula_in_cycle(
    nodes: dict, cycle: list[str], formula_children: dict[str, tuple[str, ...]]
) -> str | None:
    """The first node (in file order) whose catalogue-filled formula makes an edge of ``cycle``."""
    from goaltree.catalog import is_catalogue_formula

    candidates = [
        node_id
        for node_id, following in zip(cycle, cycle[1:] + cycle[:1])
        if following in formula_children.get(node_id, ()) and is_catalogue_formula(nodes[node_id])
    ]
    if not candidates:
        return None
    position = {node_id: index for index, node_id in enumerate(nodes)}
    return min(candidates, key=position.__getitem__)


def _topological_order(
    nodes: dict,
    formula_children: dict[str, tuple[str, ...]],
    rollup_children: dict[str, tuple[str, ...]],
    *,
    backward: bool | None = None,
) -> tuple[tuple[str, ...], list[str]]:
    """Kahn's algorithm in file order; returns (order, a cycle or []).

    The order is the smallest in file order among the topological ones (a heap
    of file positions picks the next ready node). When the file already lists
    every parent before its children -- the usual case -- that is the file
    order itself.

    Args:
        nodes: The node ids in file order (a mapping's keys).
        formula_children: Node id -> ids its formula uses.
        rollup_children: Node id -> ids that name it as parent.
        backward: Whether some edge points to a node listed above its parent,
            when the caller already knows; ``None``: found here, with one pass over the edges.
    """
    if backward is False:
        return tuple(nodes), []
    position = {node_id: index for index, node_id in enumerate(nodes)}
    if backward is None and not any(
        position[child] < position[parent]
        for source in (formula_children, rollup_children)
        for parent, kids in source.items()
        for child in kids
    ):
        return tuple(nodes), []

    import heapq

    ids = list(nodes)
    children: list[list[int]] = [[] for _ in ids]
    indegree = [0] * len(ids)
    for source in (formula_children, rollup_children):
        for parent, kids in source.items():
            at = position[parent]
            bucket = children[at]
            for child in kids:
                if child != parent:
                    index = position[child]
                    bucket.append(index)
                    indegree[index] += 1
    ready = [index for index, degree in enumerate(indegree) if degree == 0]  # already a heap: ascending
    order: list[int] = []
    pop, push = heapq.heappop, heapq.heappush
    while ready:
        index = pop(ready)
        order.append(index)
        for child in children[index]:
            indegree[child] -= 1
            if indegree[child] == 0:
                push(ready, child)
    ordered = tuple([ids[index] for index in order])
    if len(order) == len(ids):
        return ordered, []
    import networkx as nx

    remaining = [index for index in range(len(ids)) if indegree[index] > 0]
    graph = nx.DiGraph()
    for parent in remaining:
        for child in children[parent]:
            if indegree[child] > 0:
                graph.add_edge(ids[parent], ids[child])
    # From every node left, in file order: the first may only hang below a cycle.
    cycle = [edge[0] for edge in nx.find_cycle(graph, source=[ids[index] for index in remaining])]
    return ordered, cycle


def _name_column(formula: "Formula", name: str) -> int | None:
    from goaltree import formula as formulas

    stack = [formula.root]
    while stack:
        node = stack.pop()
        if isinstance(node, formulas.Name) and node.id == name:
            return node.column
        for child in _ast_children(node):
            stack.append(child)
    return None


def _ast_children(node: object) -> Iterable[object]:
    for attribute in ("operand", "left", "right"):
        child = getattr(node, attribute, None)
        if child is not None:
            yield child
    yield from getattr(node, "args", ()) or ()
