"""A node ``a * b`` or ``a / b`` split by LMDI's closed form: the general path's numbers, worked out directly.

Each shape is checked against a hand calculation, and the closed form against
the general path (the same node with the closed form turned off) bit for bit,
in every case :func:`attribute_node` tells apart.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.engine import attribution
from goaltree.engine.attribution import OWN_PACE, attribute_node
from goaltree.engine.pace import NodePace
from goaltree.engine.system import Equation
from goaltree.formula import FormulaError, parse
from goaltree.formula.percent import PercentReading


def _pace(actual, expected, status="behind"):
    return NodePace(dt.date(2026, 12, 31), None, actual, None, expected, None, None, status, ())


def _node(text, expected, actual, *, parent=None, assumed=(), kind="formula"):
    """The equation and paces of ``parent = text``; the parent's actual and expected are its formula's unless given."""
    if kind == "formula":
        formula = parse(text)
        children = formula.names
        equation = Equation("parent", "formula", children, formula)
        value = formula.evaluate
    else:
        children = tuple(expected)
        equation = Equation("parent", kind, children, None, (1.0,) * len(children))
        value = equation.evaluate
    paces = {
        child: _pace(actual[child], expected[child], "assumed" if child in assumed else "behind") for child in children
    }
    if parent is None:
        try:
            parent = (value(actual), value(expected))
        except FormulaError:  # beyond float range: the node's own values do not matter then
            parent = (1.0, 1.0)
    own_actual, own_expected = parent
    paces["parent"] = _pace(own_actual, own_expected)
    return equation, paces


def _split(equation, paces):
    return attribute_node(None, "parent", equation, paces)  # type: ignore[arg-type]  # a formula reads no tree


def _general_split(equation, paces, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(attribution, "_two_factor_parts", lambda equation, paces: None)
        return _split(equation, paces)


def _bits(parts):
    """The parts as they print: keys in order, each float to its last bit and sign."""
    return [(name, part.hex()) for name, part in parts.items()]


def _lmdi_by_hand(before, after, changes):
    """``L(after, before) · ln(x1/x0)`` for each (exponent, x0, x1), with plain ``math.log``."""
    mean = (after - before) / math.log(after / before)
    return [exponent * mean * math.log(now / plan) for exponent, plan, now in changes]


# --------------------------------------------------------------------------- #
# Each shape against a hand calculation
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("customers", "deal"),
    [((70.0, 56.0), (900_000.0, 810_000.0)), ((70.0, 210.0), (900_000.0, 100_000.0)), ((5.0, 5.5), (1e-3, 3e-2))],
    ids=["both-close", "far-apart", "mixed"],
)
def test_a_product_of_two_is_split_by_lmdi(customers, deal):
    expected = {"customers": customers[0], "deal": deal[0]}
    actual = {"customers": customers[1], "deal": deal[1]}
    equation, paces = _node("customers * deal", expected, actual)
    assert attribution._two_factor_parts(equation, paces) is not None  # the closed form, not the general path
    parts = _split(equation, paces)
    before, after = customers[0] * deal[0], customers[1] * deal[1]
    by_hand = _lmdi_by_hand(before, after, [(1, *customers), (1, *deal)])
    assert list(parts) == ["customers", "deal"]
    assert parts["customers"] == pytest.approx(by_hand[0], rel=1e-12)
    assert parts["deal"] == pytest.approx(by_hand[1], rel=1e-12)
    assert math.fsum(parts.values()) == pytest.approx(after - before, rel=1e-15)


def test_a_quotient_of_two_is_split_by_lmdi_with_the_divisor_negative():
    expected = {"spend": 10_000.0, "clicks": 400.0}
    actual = {"spend": 12_000.0, "clicks": 600.0}
    equation, paces = _node("spend / clicks", expected, actual)  # cost per click
    assert attribution._two_factor_parts(equation, paces) is not None
    parts = _split(equation, paces)
    by_hand = _lmdi_by_hand(25.0, 20.0, [(1, 10_000.0, 12_000.0), (-1, 400.0, 600.0)])
    assert parts["spend"] == pytest.approx(by_hand[0], rel=1e-12) and parts["spend"] > 0
    assert parts["clicks"] == pytest.approx(by_hand[1], rel=1e-12) and parts["clicks"] < 0
    assert math.fsum(parts.values()) == pytest.approx(-5.0, rel=1e-15)


def test_a_name_that_did_not_change_gets_exactly_zero_and_the_other_the_whole_change():
    equation, paces = _node("customers * deal", {"customers": 70.0, "deal": 900.0}, {"customers": 56.0, "deal": 900.0})
    parts = _split(equation, paces)
    assert parts["deal"] == 0.0
    assert parts["customers"] == 56.0 * 900.0 - 70.0 * 900.0  # the residue makes it exact


def test_a_residue_goes_to_the_changed_name_even_when_its_part_rounds_to_zero(monkeypatch):
    # Near the smallest floats the changed name's LMDI part underflows to 0, as the unchanged one's is:
    # the residue (the whole change) still goes to the name that changed.
    expected = {"a": 9.49999999999997e-309, "b": 1.2046821289967715}
    actual = {"a": 9.49999999999997e-309, "b": 1.2046821289967717}
    equation, paces = _node("a * b", expected, actual)
    assert attribution._two_factor_parts(equation, paces) is not None
    parts = _split(equation, paces)
    change = 9.49999999999997e-309 * 1.2046821289967717 - 9.49999999999997e-309 * 1.2046821289967715
    assert parts == {"a": 0.0, "b": change}
    assert parts["b"] != 0.0
    assert _bits(parts) == _bits(_general_split(equation, paces, monkeypatch))


def test_nothing_changed_gives_zero_parts():
    equation, paces = _node("a * b", {"a": 3.0, "b": 4.0}, {"a": 3.0, "b": 4.0})
    assert _bits(_split(equation, paces)) == [("a", (0.0).hex()), ("b", (0.0).hex())]


def test_an_assumption_moves_no_part_of_the_gap():
    # The assumed child's plan is its value: the other child explains the whole change.
    expected = {"customers": 70.0, "deal": 900.0}
    actual = {"customers": 56.0, "deal": 1_000.0}
    equation, paces = _node("customers * deal", expected, actual, parent=(56_000.0, 70_000.0), assumed={"deal"})
    parts = _split(equation, paces)
    assert parts == {"customers": 56.0 * 1_000.0 - 70.0 * 1_000.0, "deal": 0.0}


def test_the_parents_own_pace_is_the_rest():
    expected = {"a": 10.0, "b": 10.0}
    actual = {"a": 12.0, "b": 10.0}
    equation, paces = _node("a * b", expected, actual, parent=(150.0, 100.0))
    assert _split(equation, paces) == {"a": 20.0, "b": 0.0, OWN_PACE: 30.0}


def test_a_sum_rollup_gives_each_child_its_own_gap():
    expected = {"web": 100.0, "events": 50.0}
    actual = {"web": 80.0, "events": 65.0}
    equation, paces = _node("", expected, actual, kind="sum")
    assert _split(equation, paces) == {"web": -20.0, "events": 15.0}


def test_a_product_of_three_goes_the_general_way_with_the_same_lmdi():
    expected = {"a": 2.0, "b": 3.0, "c": 4.0}
    actual = {"a": 3.0, "b": 3.0, "c": 2.0}
    equation, paces = _node("a * b * c", expected, actual)
    assert attribution._two_factor_parts(equation, paces) is None
    parts = _split(equation, paces)
    by_hand = _lmdi_by_hand(24.0, 18.0, [(1, 2.0, 3.0), (1, 3.0, 3.0), (1, 4.0, 2.0)])
    assert parts == {"a": pytest.approx(by_hand[0], rel=1e-12), "b": 0.0, "c": pytest.approx(by_hand[2], rel=1e-12)}


# --------------------------------------------------------------------------- #
# Which nodes the closed form takes, and the same numbers as the general path
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("text", ["a * b * c", "a * a", "2 * a", "a * b + 0", "-a * b", "a ** 1 * b", "(a + b) * c"])
def test_other_shapes_go_the_general_way(text):
    formula = parse(text)
    values = {name: 2.0 for name in formula.names}
    equation, paces = _node(text, values, {name: 3.0 for name in formula.names})
    assert attribution._two_factor_parts(equation, paces) is None


@pytest.mark.parametrize(
    ("expected", "actual", "parent", "why"),
    [
        ({"a": 0.0, "b": 4.0}, {"a": 1.0, "b": 4.0}, None, "a zero: Shapley"),
        ({"a": -2.0, "b": 4.0}, {"a": -1.0, "b": 5.0}, None, "negative values: Shapley"),
        ({"a": -2.0, "b": 4.0}, {"a": -2.0, "b": 4.0}, None, "negative and unchanged"),
        ({"a": 2, "b": 4.0}, {"a": 3, "b": 4.0}, None, "whole numbers"),
        ({"a": 1e200, "b": 1e200}, {"a": 2e200, "b": 1e200}, (1.0, 1.0), "a product beyond float range"),
        ({"a": 1e-200, "b": 1e-200}, {"a": 2e-200, "b": 1e-200}, (1.0, 1.0), "a product rounding to 0"),
        ({"a": math.inf, "b": 1.0}, {"a": 1.0, "b": 1.0}, (1.0, 1.0), "a value beyond float range"),
        ({"a": math.nan, "b": 1.0}, {"a": 1.0, "b": 1.0}, (1.0, 1.0), "not a number"),
        ({"a": None, "b": 1.0}, {"a": 1.0, "b": 1.0}, (1.0, 1.0), "an unknown value"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_the_cases_the_closed_form_leaves_to_the_general_path(expected, actual, parent, why, monkeypatch):
    equation, paces = _node("a * b", expected, actual, parent=parent)
    assert attribution._two_factor_parts(equation, paces) is None
    assert _bits(_split(equation, paces)) == _bits(_general_split(equation, paces, monkeypatch))


def test_a_percent_reading_goes_the_general_way():
    formula = PercentReading(parse("a * b"), frozenset({"b"}), False)
    paces = {"a": _pace(3.0, 2.0), "b": _pace(50.0, 40.0), "parent": _pace(1.5, 0.8)}
    equation = Equation("parent", "formula", ("a", "b"), formula)
    assert attribution._two_factor_parts(equation, paces) is None


positive = st.one_of(
    st.floats(min_value=1e-6, max_value=1e9),
    st.floats(min_value=5e-324, max_value=1.7e308),
    st.sampled_from([1.0, 2.0, 0.5, 1.0000000000000002]),
)


@settings(max_examples=1500, deadline=None)
@given(
    text=st.sampled_from(["a * b", "a / b", "revenue_b * revenue_a"]),
    expected=st.tuples(positive, positive),
    actual=st.tuples(positive, positive),
    keep=st.sets(st.sampled_from([0, 1])),
    assumed=st.sets(st.sampled_from([0, 1])),
    own=st.one_of(st.none(), st.tuples(positive, positive)),
)
def test_the_closed_form_gives_the_general_paths_numbers_bit_for_bit(text, expected, actual, keep, assumed, own):
    names = parse(text).names
    actual = tuple(expected[index] if index in keep else value for index, value in enumerate(actual))
    equation, paces = _node(
        text,
        dict(zip(names, expected)),
        dict(zip(names, actual)),
        parent=own,
        assumed={names[index] for index in assumed},
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _bits(_split(equation, paces)) == _bits(_general_split(equation, paces, monkeypatch))
