"""The goal tree's graph: formula and parent edges, the order parents-before-children, diagnostics."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.graph import _topological_order
from goaltree.pipeline import load_goal_file
from support import HEADER


def _smallest_order(ids: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """The topological order that is smallest in file order, by its definition: at each step the
    first node in the file all of whose parents are placed (self-edges ignored)."""
    placed: list[str] = []
    done: set[str] = set()
    while True:
        for node in ids:
            if node not in done and all(parent in done for parent, child in edges if child == node and parent != node):
                placed.append(node)
                done.add(node)
                break
        else:
            return placed


@st.composite
def graphs(draw):
    count = draw(st.integers(1, 12))
    ids = [f"n{number}" for number in draw(st.permutations(range(count)))]
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids))
    formula_edges = draw(st.lists(pairs, max_size=20))
    parent_edges = draw(st.lists(pairs, max_size=20))
    return ids, formula_edges, parent_edges


def _children(edges: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    children: dict[str, list[str]] = {}
    for parent, child in edges:
        children.setdefault(parent, []).append(child)
    return {parent: tuple(kids) for parent, kids in children.items()}


@settings(max_examples=300, deadline=None)
@given(graph=graphs())
def test_the_order_is_the_smallest_in_file_order_and_a_cycle_is_a_cycle(graph):
    ids, formula_edges, parent_edges = graph
    nodes = dict.fromkeys(ids)
    order, cycle = _topological_order(nodes, _children(formula_edges), _children(parent_edges))
    expected = _smallest_order(ids, formula_edges + parent_edges)
    assert list(order) == expected
    edges = {(parent, child) for parent, child in formula_edges + parent_edges if parent != child}
    if len(expected) == len(ids):
        assert cycle == []
    else:
        assert cycle and all((node, cycle[(index + 1) % len(cycle)]) in edges for index, node in enumerate(cycle))


def test_a_file_in_order_keeps_its_order_and_one_out_of_order_is_sorted(write_goals):
    in_order = """\
nodes:
  revenue: {title: 63 MSEK revenue, formula: customers * clv}
  customers: {title: 70 customers}
  clv: {title: 900 000 SEK lifetime value, type: driver}
"""
    tree = load_goal_file(write_goals(HEADER + in_order)).tree
    assert tree.order == ("revenue", "customers", "clv")

    children_first = """\
nodes:
  customers: {title: 70 customers, parent: growth}
  clv: {title: 900 000 SEK lifetime value, type: driver}
  revenue: {title: 63 MSEK revenue, formula: customers * clv}
  growth: {title: Grow revenue, type: objective}
"""
    tree = load_goal_file(write_goals(HEADER + children_first)).tree
    assert tree.order == ("revenue", "clv", "growth", "customers")  # clv is ready before growth is placed
    assert tree.parents == {"customers": ("revenue", "growth"), "clv": ("revenue",)}


def test_formulas_of_one_shape_each_point_at_their_own_unknown_id(write_goals):
    body = """\
nodes:
  a_revenue: {title: A revenue, formula: a_customers * a_deal}
  a_customers: {title: A customers}
  a_deal: {title: A deal, type: driver}
  north_revenue: {title: North revenue, formula: north_customers * north_dael}
  north_customers: {title: North customers}
  north_deal: {title: North deal, type: driver}
  b_revenue: {title: B revenue, formula: b_custmers * b_deal}
  b_deal: {title: B deal, type: driver}
"""
    path = write_goals(HEADER + body)
    lines = path.read_text(encoding="utf-8").splitlines()
    loaded = load_goal_file(path)
    tree, diagnostics = loaded.tree, loaded.diagnostics
    assert tree is None
    unknown = [(d.node, d.line, d.column) for d in diagnostics if d.code == "E004"]

    def where(node: str, word: str) -> tuple[str, int, int]:
        line = next(number for number, text in enumerate(lines, 1) if text.startswith(f"  {node}:"))
        return node, line, lines[line - 1].index(word) + 1

    assert unknown == [where("north_revenue", "north_dael"), where("b_revenue", "b_custmers")]
    assert "did you mean 'north_deal'" in next(d.message for d in diagnostics if d.node == "north_revenue")


def test_a_syntax_error_next_to_a_known_shape_is_placed_in_its_formula(write_goals):
    body = """\
nodes:
  a_revenue: {title: A revenue, formula: a_customers * a_deal}
  a_customers: {title: A customers}
  a_deal: {title: A deal, type: driver}
  b_revenue: {title: B revenue, formula: b_customers * B_deal}
  b_customers: {title: B customers}
"""
    path = write_goals(HEADER + body)
    lines = path.read_text(encoding="utf-8").splitlines()
    diagnostics = load_goal_file(path).diagnostics
    [error] = [d for d in diagnostics if d.code == "E007"]
    line = lines[error.line - 1]
    assert error.node == "b_revenue" and line.startswith("  b_revenue:")
    assert error.column == line.index("B_deal") + 1
    assert "'B_deal' at column 15 is not a valid node id" in error.message


def test_a_cycle_below_a_node_earlier_in_the_file_is_reported(write_goals):
    body = """\
nodes:
  lead: {title: 10 leads, parent: visits}
  visits: {title: 10 visits, formula: sessions * 2}
  sessions: {title: 10 sessions, formula: visits / 2}
"""
    loaded = load_goal_file(write_goals(HEADER + body))
    tree, diagnostics = loaded.tree, loaded.diagnostics
    assert tree is None
    [cycle] = [d for d in diagnostics if d.code == "E006"]
    assert cycle.node == "visits" and "cycle: visits -> sessions -> visits" in cycle.message


def test_parents_are_the_formula_users_then_the_parent_edges_without_repeats(write_goals):
    body = """\
nodes:
  growth: {title: Grow revenue, type: objective}
  revenue: {title: 63 MSEK revenue, formula: customers * clv, parent: growth}
  customers: {title: 70 customers, parent: revenue}
  clv: {title: 900 000 SEK lifetime value, type: driver, parent: [growth, revenue, growth]}
  margin: {title: 20 % margin, type: driver, parent: [growth]}
"""
    tree = load_goal_file(write_goals(HEADER + body)).tree
    assert tree.parents == {
        "revenue": ("growth",),
        "customers": ("revenue",),
        "clv": ("revenue", "growth"),
        "margin": ("growth",),
    }


@settings(max_examples=200, deadline=None)
@given(graph=graphs())
def test_a_built_file_has_the_smallest_order_and_every_node_feeds_its_users_then_its_parents(graph):
    """The graph a goal file builds, against the definitions: formula and parent edges in any file
    order (a parent listed below its child, a formula naming a node above it), repeated parents."""
    from goaltree.model import GoalFile
    from goaltree.pipeline import load_goal_text

    ids, formula_edges, parent_edges = graph
    formula_edges = [(parent, child) for parent, child in formula_edges if parent != child]
    parent_edges = [(parent, child) for parent, child in parent_edges if parent != child]
    nodes = {}
    for node_id in ids:
        uses = list(dict.fromkeys(child for parent, child in formula_edges if parent == node_id))
        named = [parent for parent, child in parent_edges if child == node_id]
        entry = {"title": f"Node {node_id}"}
        if uses:
            entry["formula"] = " + ".join(uses)
        if named:
            entry["parent"] = named if len(named) > 1 else named[0]
        nodes[node_id] = entry
    document = {"goaltree": 1, "id": "t", "title": "T", "period": {"start": "2027-01-01", "end": "2027-12-31"}, "nodes": nodes}
    text = json.dumps(document)
    assert GoalFile.model_validate(document)
    loaded = load_goal_text(text)
    expected = _smallest_order(ids, formula_edges + parent_edges)
    if len(expected) < len(ids):
        assert loaded.tree is None and [d.code for d in loaded.diagnostics] == ["E006"]
        return
    tree = loaded.tree
    assert list(tree.order) == expected
    feeds = {}
    for node_id in ids:
        users = [parent for parent in ids if (parent, node_id) in formula_edges]
        named = [parent for parent, child in parent_edges if child == node_id]
        fed = list(dict.fromkeys(users + named))
        if fed:
            feeds[node_id] = tuple(fed)
    assert tree.parents == feeds


def test_a_parent_listed_twice_rolls_its_child_up_once(write_goals):
    import datetime as dt

    import goaltree

    body = """\
nodes:
  leads: {title: 10 leads, unit: count, target: 10, rollup: sum}
  web: {title: 10 web leads, unit: count, target: 10, parent: [leads, leads], actuals: {2027-02-01: 2}}
"""
    tree = load_goal_file(write_goals(HEADER + body)).tree
    assert tree.rollup_children == {"leads": ("web",)} and tree.parents == {"web": ("leads",)}
    nodes = goaltree.evaluate(tree, dt.date(2027, 6, 30)).nodes
    assert nodes["leads"].children == ("web",)
    assert nodes["leads"].actual == 2  # the web leads once, not 2 + 2
