"""Why a parent misses (SPEC §3.5): the parts always add up to the gap."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from goaltree.engine.attribution import (
    SHAPLEY_LIMIT,
    attribute_formula,
    attribute_mean,
    attribute_sum,
    decompose_formula,
    shares,
)
from goaltree.formula import FormulaError, parse


def _gap(formula, expected, actual):
    return formula.evaluate(actual) - formula.evaluate(expected)


def assert_adds_up(parts, total):
    scale = max([abs(total), *(abs(part) for part in parts.values()), 1e-300])
    assert math.fsum(parts.values()) == pytest.approx(total, abs=1e-12 * scale)


# --------------------------------------------------------------------------- #
# Products and quotients: log-mean Divisia
# --------------------------------------------------------------------------- #


def test_revenue_behind_because_of_customers():
    revenue = parse("customers * clv")
    expected = {"customers": 70, "clv": 900_000}
    actual = {"customers": 56, "clv": 900_000}
    result = decompose_formula(revenue, expected, actual)
    assert result.method == "lmdi" and result.complete
    assert result.total == pytest.approx(-12_600_000)
    assert result.parts == {"customers": pytest.approx(-12_600_000), "clv": 0.0}
    assert result.parts["clv"] == 0.0  # unchanged: exactly nothing


def test_lmdi_splits_a_product_symmetrically():
    revenue = parse("customers * clv")
    expected = {"customers": 70, "clv": 900_000}
    actual = {"customers": 56, "clv": 810_000}
    parts = attribute_formula(revenue, expected, actual)
    before, after = 70 * 900_000, 56 * 810_000
    mean = (after - before) / math.log(after / before)
    assert parts["customers"] == pytest.approx(mean * math.log(56 / 70), rel=1e-12)
    assert parts["clv"] == pytest.approx(mean * math.log(810_000 / 900_000), rel=1e-12)
    assert_adds_up(parts, after - before)
    # Customers fell 20 %, CLV 10 %: customers explain about two thirds of the gap.
    assert shares(parts, after - before)["customers"] == pytest.approx(
        math.log(0.8) / math.log(0.72), rel=1e-12
    )


def test_a_divisor_that_grows_pulls_the_quotient_down():
    rate = parse("customers / leads")
    expected = {"customers": 70, "leads": 5_000}
    actual = {"customers": 70, "leads": 6_000}
    result = decompose_formula(rate, expected, actual)
    assert result.method == "lmdi"
    assert result.parts["leads"] < 0 and result.parts["customers"] == 0.0
    assert_adds_up(result.parts, result.total)


def test_a_constant_and_powers_are_fine_for_lmdi():
    formula = parse("-2 * a ** 2 / b")
    expected, actual = {"a": 3.0, "b": 4.0}, {"a": 2.5, "b": 5.0}
    result = decompose_formula(formula, expected, actual)
    moved = any(expected[name] != actual[name] for name in formula.names)
    assert result.method == ("lmdi" if moved else "unchanged")
    assert_adds_up(result.parts, _gap(formula, expected, actual))


def test_the_seed_funnel_in_one_formula():
    revenue = parse("visits * visit_to_lead * lead_to_customer * clv")
    expected = {"visits": 250_000, "visit_to_lead": 0.02, "lead_to_customer": 0.014, "clv": 900_000}
    actual = {"visits": 240_000, "visit_to_lead": 0.015, "lead_to_customer": 0.014, "clv": 880_000}
    parts = attribute_formula(revenue, expected, actual)
    total = _gap(revenue, expected, actual)
    assert_adds_up(parts, total)
    assert parts["lead_to_customer"] == 0.0
    biggest = max(parts, key=lambda name: shares(parts, total)[name])
    assert biggest == "visit_to_lead"
    assert list(parts) == ["visits", "visit_to_lead", "lead_to_customer", "clv"]


# --------------------------------------------------------------------------- #
# Zeros, negatives, sums, min/max: Shapley
# --------------------------------------------------------------------------- #


def test_zero_falls_back_to_shapley():
    formula = parse("a * b")
    expected, actual = {"a": 0.0, "b": 10.0}, {"a": 5.0, "b": 12.0}
    result = decompose_formula(formula, expected, actual)
    assert result.method == "shapley"
    # v(∅)=0, v(a)=50, v(b)=0, v(ab)=60: a = (50 + 60) / 2, b = (0 + 10) / 2
    assert result.parts == {"a": pytest.approx(55), "b": pytest.approx(5)}


def test_negative_values_fall_back_to_shapley():
    formula = parse("margin * units")
    expected, actual = {"margin": -2.0, "units": 100.0}, {"margin": 1.0, "units": 80.0}
    result = decompose_formula(formula, expected, actual)
    assert result.method == "shapley"
    assert_adds_up(result.parts, result.total)


def test_a_sum_formula_gives_each_name_its_own_change():
    formula = parse("new_customers + returning_customers - churned")
    expected = {"new_customers": 100, "returning_customers": 50, "churned": 10}
    actual = {"new_customers": 80, "returning_customers": 55, "churned": 20}
    parts = attribute_formula(formula, expected, actual)
    assert parts == {
        "new_customers": pytest.approx(-20),
        "returning_customers": pytest.approx(5),
        "churned": pytest.approx(-10),
    }


def test_min_gives_the_binding_child_the_gap():
    formula = parse("min(capacity, demand)")
    expected, actual = {"capacity": 100, "demand": 90}, {"capacity": 120, "demand": 70}
    parts = attribute_formula(formula, expected, actual)
    assert parts["capacity"] == pytest.approx(0)
    assert parts["demand"] == pytest.approx(-20)


def test_a_name_that_did_not_change_gets_exactly_zero():
    formula = parse("a + b * c - min(a, d)")
    expected = {"a": 1.0, "b": 2.0, "c": -3.0, "d": 0.0}
    actual = {"a": 2.0, "b": 2.0, "c": 4.0, "d": 0.0}
    result = decompose_formula(formula, expected, actual)
    assert result.parts["b"] == 0.0 and result.parts["d"] == 0.0
    assert_adds_up(result.parts, result.total)


def test_a_gap_below_the_rounding_of_its_parts_goes_to_a_changed_name():
    # Every coalition rounds the 8e-85 away, so each Shapley part is 0.0; the gap
    # still has to be explained, and by a name that changed (c did not).
    formula = parse("abs(a - b) * c")
    result = decompose_formula(formula, {"a": 0.0, "b": 8.368924406596166e-85, "c": -1.0}, {"a": -1.0, "b": -1.0, "c": -1.0})
    assert result.total == 8.368924406596166e-85
    assert math.fsum(result.parts.values()) == result.total
    assert result.parts["c"] == 0.0


def test_nothing_changed():
    formula = parse("a * b")
    result = decompose_formula(formula, {"a": 1, "b": 2}, {"a": 1, "b": 2})
    assert (result.method, result.total, result.parts, result.complete) == (
        "unchanged",
        0.0,
        {"a": 0.0, "b": 0.0},
        True,
    )


# --------------------------------------------------------------------------- #
# Fallbacks
# --------------------------------------------------------------------------- #


def test_many_changed_names_use_the_sequential_split():
    count = SHAPLEY_LIMIT + 3
    formula = parse("max(" + " + ".join(f"n{i}" for i in range(count)) + ", 0) * k")
    expected = {f"n{i}": float(i) for i in range(count)} | {"k": 2.0}
    actual = {f"n{i}": float(i) + (1 if i % 2 else -1) for i in range(count)} | {"k": 3.0}
    result = decompose_formula(formula, expected, actual)
    assert result.method == "sequential" and result.complete
    assert_adds_up(result.parts, _gap(formula, expected, actual))
    # In formula order: n0 switches first, at the expected k.
    assert result.parts["n0"] == pytest.approx(-2.0)


def test_a_shapley_coalition_dividing_by_zero_falls_back_to_sequential():
    formula = parse("a / (b - c)")
    expected = {"a": 10.0, "b": 2.0, "c": 1.0}
    actual = {"a": 12.0, "b": 3.0, "c": 2.0}  # b actual with c expected is fine; c first is 2 - 2 = 0
    result = decompose_formula(formula, expected, actual)
    assert result.method == "sequential" and result.complete
    assert_adds_up(result.parts, result.total)
    assert result.parts["a"] == pytest.approx(2.0)


def test_when_every_order_divides_by_zero_only_known_parts_are_given():
    formula = parse("a / (b - c)")
    expected = {"a": 10.0, "b": 2.0, "c": 1.0}
    actual = {"a": 12.0, "b": 1.0, "c": 2.0}  # b first: 1 - 1 = 0; c first: 2 - 2 = 0
    result = decompose_formula(formula, expected, actual)
    assert result.method == "partial" and not result.complete
    assert result.parts == {"a": pytest.approx(2.0)}
    assert attribute_formula(formula, expected, actual) == result.parts


def test_no_gap_when_the_formula_cannot_be_evaluated():
    formula = parse("a / b")
    with pytest.raises(FormulaError) as caught:
        decompose_formula(formula, {"a": 1, "b": 0}, {"a": 1, "b": 2})
    assert caught.value.kind == "division_by_zero"
    with pytest.raises(FormulaError) as caught:
        attribute_formula(formula, {"a": 1, "b": 1}, {"a": 1})
    assert caught.value.kind == "unknown_name"


# --------------------------------------------------------------------------- #
# Rollups and shares
# --------------------------------------------------------------------------- #


def test_sum_rollup_parts_are_the_children_gaps():
    gaps = {"inbound": -300.0, "outbound": 50.0, "events": 0.0}
    assert attribute_sum(gaps) == gaps
    assert attribute_sum(gaps, {"inbound": 2.0}) == {"inbound": -600.0, "outbound": 50.0, "events": 0.0}


@pytest.mark.parametrize("weights", [None, {"north": 3.0, "south": 1.0, "west": 0.5}])
def test_mean_rollup_parts_add_up_to_the_parents_gap(weights):
    expected = {"north": 0.8, "south": 0.6, "west": 0.9}
    actual = {"north": 0.7, "south": 0.65, "west": 0.5}

    def mean(values):
        weight = weights or dict.fromkeys(values, 1.0)
        return sum(weight[c] * values[c] for c in values) / sum(weight.values())

    parts = attribute_mean(expected, actual, weights)
    assert list(parts) == ["north", "south", "west"]
    assert_adds_up(parts, mean(actual) - mean(expected))
    if weights:
        assert parts["north"] == pytest.approx(3.0 * -0.1 / 4.5)


def test_mean_with_zero_weights_is_an_error():
    with pytest.raises(ValueError):
        attribute_mean({"a": 1}, {"a": 2}, {"a": 0.0})


def test_shares_of_the_gap():
    parts = {"leads": -8_200.0, "lead_to_customer": -1_800.0, "clv": 0.0}
    result = shares(parts, -10_000.0)
    assert result == {"leads": pytest.approx(0.82), "lead_to_customer": pytest.approx(0.18), "clv": 0.0}
    assert shares(parts, 0.0) == {"leads": 0.0, "lead_to_customer": 0.0, "clv": 0.0}
    assert shares({"a": 5.0, "b": -3.0}, 2.0) == {"a": 2.5, "b": -1.5}


# --------------------------------------------------------------------------- #
# Properties: the parts always add up to the gap
# --------------------------------------------------------------------------- #

FORMULAS = [
    "a * b",
    "a * b * c",
    "a / b",
    "a * b / c",
    "a ** 2 * b ** -1",
    "a + b - c",
    "a * b + c",
    "(a - b) / c",
    "min(a, b) * c",
    "max(a, b + c)",
    "abs(a - b) * c",
    "a / (b + c)",
    "min(a, b, c) - max(a * b, c)",
    "a * 2.5 - b / 4",
]
values = st.one_of(
    st.sampled_from([0.0, -1.0, 1.0, 2.0]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.floats(min_value=0.001, max_value=1e6),
)
states = st.fixed_dictionaries({"a": values, "b": values, "c": values})


@settings(max_examples=500, deadline=None)
@given(text=st.sampled_from(FORMULAS), expected=states, actual=states, keep=st.sets(st.sampled_from("abc")))
def test_parts_always_add_up_to_the_gap(text, expected, actual, keep):
    formula = parse(text)
    actual = {name: expected[name] if name in keep else value for name, value in actual.items()}
    try:
        total = _gap(formula, expected, actual)
    except FormulaError:
        assume(False)
    result = decompose_formula(formula, expected, actual)
    assert result.total == total
    for name in formula.names:
        if expected[name] == actual[name]:
            assert result.parts.get(name, 0.0) == 0.0
    if result.complete:
        assert set(result.parts) == set(formula.names)
        assert_adds_up(result.parts, total)
    else:
        assert result.method == "partial"
        assert set(result.parts) < set(formula.names)


@settings(max_examples=300, deadline=None)
@given(
    text=st.sampled_from(["a * b", "a * b * c", "a / b", "a * b / c", "a ** 2 * b ** -1", "a ** 0.5 * c"]),
    expected=st.fixed_dictionaries({name: st.floats(0.001, 1e6) for name in "abc"}),
    actual=st.fixed_dictionaries({name: st.floats(0.001, 1e6) for name in "abc"}),
)
def test_lmdi_for_positive_products_adds_up(text, expected, actual):
    formula = parse(text)
    result = decompose_formula(formula, expected, actual)
    moved = any(expected[name] != actual[name] for name in formula.names)
    assert result.method == ("lmdi" if moved else "unchanged")
    assert_adds_up(result.parts, _gap(formula, expected, actual))
    # With a positive formula each part has the sign of its own (exponent-weighted) change.
    _, exponents = formula.as_monomial()
    for name, exponent in exponents.items():
        change = exponent * math.log(actual[name] / expected[name])
        if abs(change) > 1e-9:
            assert (result.parts[name] > 0) == (change > 0)


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.floats(-1e9, 1e9), min_size=1),
    weights=st.one_of(st.none(), st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.floats(0.1, 10))),
)
def test_rollup_parts_add_up(gaps, weights):
    parts = attribute_sum(gaps, weights)
    weight = {child: (weights or {}).get(child, 1.0) for child in gaps}
    assert_adds_up(parts, math.fsum(weight[c] * gaps[c] for c in gaps))
    expected = dict.fromkeys(gaps, 0.0)
    mean_parts = attribute_mean(expected, gaps, weights)
    assert_adds_up(mean_parts, math.fsum(weight[c] * gaps[c] for c in gaps) / math.fsum(weight.values()))


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["a * b", "a / b", "2 * a / b ** 2", "a * b / c * a", "(a * b) / (c * 3)", "a + b", "x ** 0 * a"]),
    st.permutations(["p", "q", "r", "a", "b", "c", "x"]),
    st.booleans(),
)
def test_exponents_by_shape_are_the_monomial_form(template, renamed, percent):
    """The exponents LMDI reads from the formula's shape, by position, are :meth:`as_monomial`'s, renamed or not."""
    from goaltree.engine.attribution import _exponents
    from goaltree.formula.percent import read_percent

    mapping = dict(zip(["a", "b", "c", "x"], renamed))
    text = template
    for old, new in mapping.items():
        text = text.replace(old, new.upper())
    formula = parse(text.lower())
    if percent:
        formula = read_percent(formula, "result", frozenset(formula.names[:1]))
    monomial = formula.as_monomial()
    exponents = _exponents(formula)
    if monomial is None:
        assert exponents is None
    else:
        assert dict(exponents) == monomial[1]
        assert list(dict(exponents)) == list(monomial[1])
