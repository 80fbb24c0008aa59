"""``equations_of`` states a tree's equations and their index in one pass: it must agree with the general way.

The general way lists the equations by walking the topological order and
builds :class:`~goaltree.engine.system.EquationIndex` from any list of
equations (:meth:`EquationIndex.of`). Random trees, in any file order, with
formulas, numeric and other rollups, percent units and drivers.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from goaltree.engine.equations import drivers_in_order, equations_of, percent_units, read_percent
from goaltree.engine.system import Equation, EquationIndex
from goaltree.graph import build
from goaltree.model import NUMERIC_ROLLUPS, GoalFile

SHAPES = ("{0} * {1}", "{0} + {1} * {2}", "{0} / {1}", "({0} - {1}) * 100", "{0} * {0}", "{0}")


@st.composite
def trees(draw):
    size = draw(st.integers(2, 14))
    nodes: dict[str, dict] = {}
    for index in range(size):
        node: dict = {"title": f"Node {index}", "type": draw(st.sampled_from(["kpi", "driver", "objective"]))}
        node["unit"] = draw(st.sampled_from(["SEK", "%", "percent", "st", None]))
        if node["unit"] is None or node["type"] == "objective":
            del node["unit"]
        if index and draw(st.booleans()):
            node["parent"] = f"n{draw(st.integers(0, index - 1))}"
        later = list(range(index + 1, size))
        if later and node["type"] != "objective" and draw(st.booleans()):
            names = [f"n{draw(st.sampled_from(later))}" for _ in range(3)]
            node["formula"] = draw(st.sampled_from(SHAPES)).format(*names)
        if node["type"] != "objective" and draw(st.booleans()):
            node["rollup"] = draw(st.sampled_from(sorted(NUMERIC_ROLLUPS) + ["none"]))
        if draw(st.booleans()):
            node["weight"] = draw(st.sampled_from([0.5, 1.0, 2.0]))
        nodes[f"n{index}"] = node
    file_order = draw(st.permutations(list(nodes)))
    return {node_id: nodes[node_id] for node_id in file_order}


def general_equations(tree) -> tuple[list[Equation], list[str]]:
    """The equations and drivers the way the topological order states them, one node at a time."""
    nodes = tree.goal_file.nodes
    percent = percent_units(tree)
    result = []
    for node_id in tree.order:
        formula = tree.formulas.get(node_id)
        if formula is not None:
            formula = read_percent(formula, node_id, percent) if percent else formula
            result.append(Equation(node_id, "formula", tree.formula_children[node_id], formula))
            continue
        children = tree.rollup_children.get(node_id)
        rollup = nodes[node_id].effective_rollup
        if children and rollup in NUMERIC_ROLLUPS:
            result.append(Equation(node_id, rollup, children, None, tuple(nodes[child].weight for child in children)))
    return result, drivers_in_order(tree)


def stated(equation: Equation) -> tuple:
    """What an equation says, its formula as it reads node values (a ``%`` reading has no equality of its own)."""
    formula = equation.formula
    reading = None if formula is None else (formula.text, getattr(formula, "percent_names", None), getattr(formula, "percent_result", None))
    return equation.node, equation.kind, equation.children, equation.weights, reading


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nodes=trees())
def test_equations_of_agrees_with_the_general_index(nodes):
    goal_file = GoalFile.model_validate(
        {"goaltree": 1, "id": "t", "title": "T", "owner": "O", "period": {"start": "2027-01-01", "end": "2027-12-31"}, "nodes": nodes}
    )
    tree, _ = build(goal_file)
    assume(tree is not None)
    equations = equations_of(tree)
    expected, drivers = general_equations(tree)
    assert [stated(equation) for equation in equations] == [stated(equation) for equation in expected]
    assert equations.drivers == drivers
    index, general = equations.index(), EquationIndex.of(expected, tree.order)
    for attribute in ("members_of", "inputs_of", "involved", "headed"):
        assert getattr(index, attribute) == getattr(general, attribute), attribute
    assert list(index.by_rank) == list(general.by_rank)
    assert list(index.rank_of) == list(general.rank_of)
