"""The formula language (SPEC §1): parsing, evaluation, canonical text and solving."""

from __future__ import annotations

import math
import pickle

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from goaltree.formula import (
    BinaryOp,
    Call,
    Formula,
    FormulaError,
    Name,
    Number,
    UnaryOp,
    parse,
)

SEED_FUNNEL = {
    "revenue": "customers * clv",
    "clv": "avg_order * orders_per_year * lifetime_years",
    "customers": "leads * lead_to_customer",
    "leads": "visits * visit_to_lead",
}


# --------------------------------------------------------------------------- #
# The seed funnel: what a strategy team relies on
# --------------------------------------------------------------------------- #


def test_seed_funnel_propagates_targets_down():
    clv = parse(SEED_FUNNEL["clv"]).evaluate({"avg_order": 100_000, "orders_per_year": 3, "lifetime_years": 3})
    assert clv == 900_000

    customers = parse(SEED_FUNNEL["revenue"]).solve_for("customers", 63_000_000, {"clv": clv})
    assert customers == pytest.approx(70, rel=1e-12)

    leads = parse(SEED_FUNNEL["customers"]).solve_for("leads", customers, {"lead_to_customer": 0.014})
    assert leads == pytest.approx(5_000, rel=1e-12)

    visits = parse(SEED_FUNNEL["leads"]).solve_for("visits", leads, {"visit_to_lead": 0.02})
    assert visits == pytest.approx(250_000, rel=1e-12)


def test_a_rate_is_solved_from_the_counts_around_it():
    leads = parse("visits * visit_to_lead")
    assert leads.solve_for("visit_to_lead", 5_000, {"visits": 250_000}) == pytest.approx(0.02, rel=1e-12)


def test_a_divisor_is_solved_exactly():
    assert parse("a / b").solve_for("b", 4, {"a": 10}) == pytest.approx(2.5, rel=1e-12)
    assert parse("a / b").solve_for("a", 4, {"b": 10}) == pytest.approx(40, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "name", "result", "values", "expected"),
    [
        ("a + x", "x", 10, {"a": 3}, 7),
        ("a - x", "x", 10, {"a": 3}, -7),
        ("x - a", "x", 10, {"a": 3}, 13),
        ("-x", "x", 4, {}, -4),
        ("+x * 2", "x", 4, {}, 2),
        ("(x + a) * b / c", "x", 12, {"a": 1, "b": 2, "c": 4}, 23),
        ("x ** 2", "x", 9, {}, 3),
        ("x ** 3", "x", -8, {}, -2),
        ("x ** 0.5", "x", 3, {}, 9),
        ("x ** -1", "x", 4, {}, 0.25),
        ("2 ** x", "x", 8, {}, 3),
        ("a * 10 ** x", "x", 500, {"a": 5}, 2),
        ("1e6 * x", "x", 3e6, {}, 3),
    ],
)
def test_solve_for_inverts_exactly(text, name, result, values, expected):
    solved = parse(text).solve_for(name, result, values)
    assert solved == pytest.approx(expected, rel=1e-12)


def test_an_even_power_keeps_the_sign_of_the_current_value():
    assert parse("x ** 2").solve_for("x", 9, {"x": -1}) == pytest.approx(-3)
    assert parse("x ** 2").solve_for("x", 9, {"x": 5}) == pytest.approx(3)


@pytest.mark.parametrize(
    ("text", "values", "result", "expected"),
    [
        ("min(a, b) + a ** 0.5", {"b": 4}, 6, 4),
        ("min(a, b) + a ** 0.5", {"b": 1}, 6, 25),
        ("a * a + a", {}, 12, 3),
        ("max(a, 2 * b) - b", {"b": 1}, 9, 10),
        ("abs(a - 10)", {"a": 12}, 3, 13),
        ("a / (a + b)", {"b": 30}, 0.25, 10),
    ],
)
def test_solve_for_numerically(text, values, result, expected):
    solved = parse(text).solve_for("a", result, values)
    assert solved == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("text", "name", "result", "values"),
    [
        ("a * b", "c", 1, {"a": 1, "b": 1}),  # c is not in the formula
        ("0 * x + a", "x", 5, {"a": 1}),  # x has no influence
        ("x * a", "x", 5, {"a": 0}),  # would divide by zero
        ("a / x", "x", 0, {"a": 3}),  # a / x is never 0
        ("a / x", "x", 5, {"a": 0}),  # 0 / x is never 5
        ("x ** 0", "x", 5, {}),
        ("x ** 2", "x", -4, {}),
        ("x ** 0.5", "x", -1, {}),
        ("x - x + a", "x", 3, {"a": 1}),  # the name cancels out
        ("abs(x)", "x", -1, {}),
        ("min(x, 5)", "x", 6, {}),
        ("1 / (x - 2)", "x", 0, {}),  # a sign change across a pole is not a root
        ("x / (b - c)", "x", 1, {"b": 2, "c": 2}),  # the rest of the formula divides by zero
    ],
)
def test_solve_for_says_none_when_there_is_no_answer(text, name, result, values):
    assert parse(text).solve_for(name, result, values) is None


def test_solve_for_needs_the_other_values():
    with pytest.raises(FormulaError) as caught:
        parse("customers * clv").solve_for("customers", 63e6, {})
    assert caught.value.kind == "unknown_name"
    assert caught.value.name == "clv"
    assert caught.value.column == 13


# --------------------------------------------------------------------------- #
# Parsing
# --------------------------------------------------------------------------- #


def test_the_tree_is_made_of_frozen_dataclasses_with_columns():
    formula = parse("revenue / (leads * 2) - min(a, b)")
    root = formula.root
    assert isinstance(root, BinaryOp) and root.op == "-"
    division = root.left
    assert isinstance(division, BinaryOp) and division.op == "/"
    assert division.left == Name("revenue") and division.left.column == 1
    product = division.right
    assert product == BinaryOp("*", Name("leads"), Number(2.0))
    assert product.column == 12 and formula.source_of(product) == "leads * 2"
    call = root.right
    assert isinstance(call, Call) and call.function == "min" and call.column == 25
    assert call.args == (Name("a"), Name("b"))
    assert formula.names == ("revenue", "leads", "a", "b")
    with pytest.raises(AttributeError):
        call.function = "max"  # type: ignore[misc]


def test_names_are_distinct_and_in_order_of_first_appearance():
    assert parse("b * a + b / c - a").names == ("b", "a", "c")
    assert parse("2 * 3").names == ()


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("-x ** 2", {"x": 3}, -9),
        ("(-x) ** 2", {"x": 3}, 9),
        ("2 ** 3 ** 2", {}, 512),
        ("2 ** -1", {}, 0.5),
        ("-2 ** -2", {}, -0.25),
        ("a - b - c", {"a": 10, "b": 3, "c": 2}, 5),
        ("a / b / c", {"a": 12, "b": 3, "c": 2}, 2),
        ("a / b * c", {"a": 12, "b": 3, "c": 2}, 8),
        ("a + b * c", {"a": 1, "b": 2, "c": 3}, 7),
        ("(a + b) * c", {"a": 1, "b": 2, "c": 3}, 9),
        ("- -a", {"a": 4}, 4),
        ("+a", {"a": 4}, 4),
        ("min(a, b, c)", {"a": 3, "b": 1, "c": 2}, 1),
        ("max(a)", {"a": 3}, 3),
        ("abs(a - b)", {"a": 1, "b": 4}, 3),
        ("1e6 + 2.5e-1 + .5 + 5.", {}, 1_000_005.75),
        ("1E+2", {}, 100),
        ("a\n  * b", {"a": 2, "b": 3}, 6),
    ],
)
def test_evaluate_follows_pythons_precedence(text, values, expected):
    assert parse(text).evaluate(values) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "column", "says"),
    [
        ("", 1, "empty"),
        ("   ", 1, "empty"),
        ("revenue +", 10, "expected a number, a node id or '(' at column 10, found the end"),
        ("revenue * * clv", 11, "expected a number, a node id or '(' at column 11"),
        ("(leads + visits", 1, "'(' at column 1 is never closed"),
        ("min(a, b", 4, "'(' at column 4 is never closed"),
        ("leads + visits)", 15, "unmatched ')' at column 15"),
        ("()", 2, "found ')'"),
        ("revenue clv", 9, "expected an operator or the end of the formula at column 9"),
        ("a, b", 2, "found ','"),
        ("sqrt(x)", 1, "unknown function 'sqrt'"),
        ("leads(2)", 1, "unknown function 'leads'"),
        ("min()", 1, "needs at least one argument"),
        ("abs(a, b)", 1, "exactly one argument"),
        ("min(a b)", 7, "expected ',' or ')' at column 7"),
        ("a ^ 2", 3, "**"),
        ("a % b", 3, "'%'"),
        ("Revenue * 2", 1, "not a valid node id"),
        ("_x + 1", 1, "not a valid node id"),
        ("2x", 2, "write 2 * x"),
        ("1_000_000 * a", 1, "without separators"),
        ("1e * a", 1, "malformed number"),
        ("1e999", 1, "too large"),
        ("a = b", 3, "'='"),
        ("a.b", 2, "'.'"),
        ("a; b", 2, "';'"),
    ],
)
def test_syntax_errors_say_where(text, column, says):
    with pytest.raises(FormulaError) as caught:
        parse(text)
    error = caught.value
    assert error.kind == "syntax"
    assert error.column == column
    assert says in error.message
    assert str(error) == error.message


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "().__class__.__bases__[0]",
        "open('/etc/passwd')",
        "lambda: 1",
        "exec('1')",
        "eval('1')",
        "[a for a in b]",
        "a if b else c",
        "'a' * 3",
    ],
)
def test_python_is_never_evaluated(text):
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert caught.value.kind == "syntax"


def test_too_deep_nesting_is_a_syntax_error_not_a_crash():
    with pytest.raises(FormulaError) as caught:
        parse("(" * 500 + "a" + ")" * 500)
    assert caught.value.kind == "syntax"
    with pytest.raises(FormulaError):
        parse(" + ".join(f"a{i}" for i in range(1000)))


def test_a_long_sum_still_works():
    text = " + ".join(f"a{i}" for i in range(300))
    formula = parse(text)
    values = {f"a{i}": float(i) for i in range(300)}
    assert formula.evaluate(values) == sum(range(300))
    assert parse(formula.canonical()).evaluate(values) == sum(range(300))
    assert formula.solve_for("a7", 0, values) == pytest.approx(7 - sum(range(300)))


def test_parse_is_cached_by_text():
    assert parse("customers * clv") is parse("customers * clv")


# --------------------------------------------------------------------------- #
# Evaluation errors
# --------------------------------------------------------------------------- #


def test_division_by_zero_names_the_divisor():
    with pytest.raises(FormulaError) as caught:
        parse("customers / (leads - lost_leads)").evaluate({"customers": 70, "leads": 9, "lost_leads": 9})
    error = caught.value
    assert error.kind == "division_by_zero"
    assert error.column == 14
    assert "'leads - lost_leads'" in error.message and "column 14" in error.message


def test_division_by_a_zero_name():
    with pytest.raises(FormulaError) as caught:
        parse("a + b / c").evaluate({"a": 1, "b": 1, "c": 0})
    assert (caught.value.kind, caught.value.column) == ("division_by_zero", 9)
    assert "'c'" in caught.value.message


def test_zero_to_a_negative_power_is_a_division_by_zero():
    with pytest.raises(FormulaError) as caught:
        parse("a + b ** -1").evaluate({"a": 1, "b": 0})
    assert (caught.value.kind, caught.value.column) == ("division_by_zero", 5)


@pytest.mark.parametrize(
    ("text", "values", "column", "kind", "says"),
    [
        ("a + b ** 0.5", {"a": 1, "b": -4}, 5, "undefined", "negative (-4)"),
        ("(a - b) ** 1.5", {"a": 1, "b": 4}, 2, "undefined", "'a - b'"),
        ("a * b", {"a": 1e200, "b": 1e200}, 1, "domain", "too large"),
        ("a ** b", {"a": 10, "b": 400}, 1, "domain", "too large"),
        ("a + b", {"a": math.inf, "b": 1}, 1, "domain", "not a finite number"),
        ("a + b", {"a": 1, "b": math.nan}, 5, "domain", "not a finite number"),
        ("a + b", {"a": 1, "b": "many"}, 5, "domain", "not a number"),
    ],
)
def test_domain_errors(text, values, column, kind, says):
    with pytest.raises(FormulaError) as caught:
        parse(text).evaluate(values)
    assert caught.value.kind == kind
    assert caught.value.column == column
    assert says in caught.value.message


@pytest.mark.parametrize("values", [{"a": 1}, {"a": 1, "b": None}])
def test_a_missing_value_is_an_unknown_name(values):
    with pytest.raises(FormulaError) as caught:
        parse("a + b").evaluate(values)
    assert (caught.value.kind, caught.value.name, caught.value.column) == ("unknown_name", "b", 5)


def test_integers_and_extra_keys_are_fine():
    assert parse("a * b").evaluate({"a": 2, "b": 3, "unrelated": "x"}) == 6.0
    assert isinstance(parse("a * b").evaluate({"a": 2, "b": 3}), float)
    assert parse("a ** b").evaluate({"a": 2, "b": 10}) == 1024.0


def test_errors_and_formulas_survive_pickling():
    error = FormulaError("division by zero", 5, "division_by_zero", None)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.column, copy.kind) == ("division by zero", 5, "division_by_zero")
    formula = parse("a * b")
    formula.evaluate({"a": 1, "b": 2})  # compiles
    restored = pickle.loads(pickle.dumps(formula))
    assert restored == formula and restored.evaluate({"a": 3, "b": 2}) == 6


# --------------------------------------------------------------------------- #
# Canonical text
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("a*b", "a * (b)"),
        ("customers*clv", "  customers  *  clv "),
        ("((a + b)) * c", "(a+b)*c"),
        ("a + (b * c)", "a+b*c"),
        ("(a - b) - c", "a - b - c"),
        ("-(x ** 2)", "-x**2"),
        ("1e6 * x", "1000000 * x"),
        ("0.50 * x", ".5*x"),
        ("+a", "a"),
        ("min( a ,b )", "min(a, b)"),
        ("2 ** (3 ** 2)", "2**3**2"),
    ],
)
def test_canonical_text_ignores_spacing_and_redundant_parentheses(first, second):
    assert parse(first).canonical() == parse(second).canonical()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("a - (b - c)", "a - b - c"),
        ("a / (b * c)", "a / b * c"),
        ("(a + b) * c", "a + b * c"),
        ("(-x) ** 2", "-x ** 2"),
        ("(2 ** 3) ** 2", "2 ** 3 ** 2"),
        ("a * b", "b * a"),  # order is meaningful to the reader; not normalized
    ],
)
def test_canonical_text_keeps_meaningful_differences(first, second):
    assert parse(first).canonical() != parse(second).canonical()


def test_canonical_text_examples():
    assert parse("customers*clv").canonical() == "customers * clv"
    assert parse("(a+b)*-c").canonical() == "(a + b) * -c"
    assert parse("x**(1/2)").canonical() == "x ** (1 / 2)"
    assert parse("2**-x").canonical() == "2 ** -x"
    assert parse("min(a,b+c)*abs(-x)").canonical() == "min(a, b + c) * abs(-x)"


# --------------------------------------------------------------------------- #
# Structure
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("text", "name", "linear"),
    [
        ("a * x + b", "x", True),
        ("(x + a) / b", "x", True),
        ("x - x", "x", True),
        ("x * x", "x", False),
        ("a / x", "x", False),
        ("min(x, a)", "x", False),
        ("x ** 2", "x", False),
        ("x ** 1", "x", True),
        ("a * b", "x", False),
        ("min(a, b) * x", "x", True),
    ],
)
def test_is_linear_in(text, name, linear):
    assert parse(text).is_linear_in(name) is linear


@pytest.mark.parametrize(
    ("text", "monomial"),
    [
        ("customers * clv", (1.0, {"customers": 1.0, "clv": 1.0})),
        ("2 * a / b ** 2", (2.0, {"a": 1.0, "b": -2.0})),
        ("-a / 4", (-0.25, {"a": 1.0})),
        ("a * a", (1.0, {"a": 2.0})),
        ("a + b", None),
        ("min(a, b)", None),
        ("a ** b", None),
    ],
)
def test_as_monomial(text, monomial):
    assert parse(text).as_monomial() == monomial


# --------------------------------------------------------------------------- #
# Common growth factor (SPEC §3.1 rule 3)
# --------------------------------------------------------------------------- #


def test_common_factor_of_a_product_is_closed_form():
    revenue = parse("customers * clv")
    factor = revenue.solve_common_factor(
        63_000_000, {"customers": 50, "clv": 820_000}, ["customers", "clv"], {}
    )
    assert factor == pytest.approx(math.sqrt(63_000_000 / (50 * 820_000)), rel=1e-12)
    assert revenue.evaluate({"customers": 50 * factor, "clv": 820_000 * factor}) == pytest.approx(63_000_000)


def test_common_factor_with_known_names():
    formula = parse("visits * visit_to_lead * lead_to_customer")
    factor = formula.solve_common_factor(
        90, {"visits": 200_000, "visit_to_lead": 0.02}, ["visits", "visit_to_lead"], {"lead_to_customer": 0.015}
    )
    assert 200_000 * factor * 0.02 * factor * 0.015 == pytest.approx(90, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "result", "baselines", "values"),
    [
        ("a + b + k", 50, {"a": 10, "b": 20}, {"k": 5}),
        ("min(a, b) + k", 30, {"a": 10, "b": 20}, {"k": 5}),
        ("a * b - k", 1000, {"a": 10, "b": 20}, {"k": 100}),
        ("(a + k) / b", 1.5, {"a": 10, "b": 20}, {"k": 5}),
    ],
)
def test_common_factor_numerically(text, result, baselines, values):
    formula = parse(text)
    factor = formula.solve_common_factor(result, baselines, list(baselines), values)
    assert factor is not None and factor > 0
    scaled = {**values, **{name: value * factor for name, value in baselines.items()}}
    assert formula.evaluate(scaled) == pytest.approx(result, rel=1e-9)


@pytest.mark.parametrize(
    ("text", "result", "baselines", "values"),
    [
        ("a / b", 3, {"a": 10, "b": 20}, {}),  # scaling both leaves the ratio unchanged
        ("a * b", -5, {"a": 10, "b": 20}, {}),  # no positive factor makes it negative
        ("a * b", 5, {"a": 0, "b": 20}, {}),  # zero stays zero
        ("a + k", 5, {"a": 10}, {"k": 10}),  # would need a negative factor
        ("c * k", 5, {"a": 10}, {"k": 10, "c": 1}),  # the unknown is not in the formula
    ],
)
def test_common_factor_none_when_impossible(text, result, baselines, values):
    assert parse(text).solve_common_factor(result, baselines, list(baselines), values) is None


def test_common_factor_needs_baselines():
    with pytest.raises(ValueError, match="no baseline for b"):
        parse("a * b").solve_common_factor(10, {"a": 1}, ["a", "b"], {})


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)
signed = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)

# Formulas in which x moves the result strictly monotonically for positive a, b:
# a solution always exists and solve_for must find it.
MONOTONE_IN_X = [
    "a * x",
    "x / a",
    "a / x",
    "a + x * b",
    "(x - a) * b",
    "a - b / x",
    "x ** 2 * a",
    "a * x ** 0.5",
    "-x + a",
    "x ** 3 - a",
    "min(x, a) + b * x",
    "max(a, x) * x",
    "x * x + a * x",
    "a / (x + b)",
    "b ** 0.5 * (x + a) / (a + b)",
    "abs(a + x) + x",
]


@settings(max_examples=300, deadline=None)
@given(text=st.sampled_from(MONOTONE_IN_X), a=positive, b=positive, x=positive)
def test_solve_for_then_evaluate_round_trips(text, a, b, x):
    formula = parse(text)
    values = {"a": a, "b": b}
    result = formula.evaluate({**values, "x": x})
    solved = formula.solve_for("x", result, values)
    assert solved is not None
    reached = formula.evaluate({**values, "x": solved})
    assert reached == pytest.approx(result, rel=1e-9, abs=1e-12)


HOMOGENEOUS = ["u * v", "u * v / k", "u + v", "u ** 2 / v", "min(u, v) * k", "(u + v) * k ** 2"]
MIXED = ["u * k + v", "min(u, v) + k", "u * v - k", "u * v + u + k"]


@settings(max_examples=300, deadline=None)
@given(
    text=st.sampled_from(HOMOGENEOUS + MIXED),
    u=positive,
    v=positive,
    k=positive,
    growth=st.floats(min_value=0.05, max_value=20),
)
def test_common_factor_then_evaluate_hits_the_result(text, u, v, k, growth):
    formula = parse(text)
    baselines = {"u": u, "v": v}
    result = formula.evaluate({"u": u * growth, "v": v * growth, "k": k})
    assume(result > 0)
    factor = formula.solve_common_factor(result, baselines, ["u", "v"], {"k": k})
    if text == "u ** 2 / v" or text in HOMOGENEOUS or text in ("u * k + v", "u * v + u + k"):
        assert factor is not None  # monotone in the factor: a solution always exists
    if factor is not None:
        reached = formula.evaluate({"u": u * factor, "v": v * factor, "k": k})
        assert reached == pytest.approx(result, rel=1e-9)


def _expressions():
    leaves = st.sampled_from(["a", "b", "c", "x", "1", "2", "0.5", "3", "10"])

    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            children.map(lambda c: f"-{c}"),
            st.tuples(children, st.sampled_from(["2", "0.5", "3", "-1"])).map(lambda t: f"({t[0]}) ** {t[1]}"),
            st.tuples(st.sampled_from(["min", "max"]), st.lists(children, min_size=1, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            children.map(lambda c: f"abs({c})"),
        )

    return st.recursive(leaves, extend, max_leaves=10)


def _parsed(text):
    """``parse(text)``; a generated divisor that is always zero (``a / (1 - 1)``) is refused as one, and the example skipped."""
    try:
        return parse(text)
    except FormulaError as error:
        assert error.kind == "division_by_zero" and "is always 0" in str(error)
        assume(False)


def _reference(node, values):
    """An independent, plain evaluator to check the compiled one against."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return float(values[node.id])
    if isinstance(node, UnaryOp):
        return -_reference(node.operand, values) if node.op == "-" else _reference(node.operand, values)
    if isinstance(node, Call):
        args = [_reference(arg, values) for arg in node.args]
        if node.function == "abs":
            return abs(args[0])
        return min(args) if node.function == "min" else max(args)
    left, right = _reference(node.left, values), _reference(node.right, values)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if node.op == "/":
        return left / right
    return math.pow(left, right)


@settings(max_examples=400, deadline=None)
@given(text=_expressions(), a=signed, b=signed, c=st.sampled_from([0.0, 1.0, -2.5]), x=positive)
def test_evaluation_matches_a_plain_evaluator_and_canonical_text_round_trips(text, a, b, c, x):
    formula = _parsed(text)
    values = {"a": a, "b": b, "c": c, "x": x}
    try:
        expected = _reference(formula.root, values)
    except (ZeroDivisionError, ValueError, OverflowError):
        expected = None
    if expected is not None and math.isfinite(expected):
        assert formula.evaluate(values) == expected
    else:
        with pytest.raises(FormulaError) as caught:
            formula.evaluate(values)
        assert caught.value.kind in ("division_by_zero", "domain", "undefined")
        assert caught.value.column is not None
    canonical = formula.canonical()
    again = parse(canonical)
    assert again.canonical() == canonical
    assert again.names == formula.names
    if expected is not None and math.isfinite(expected):
        assert again.evaluate(values) == expected


_OPERATORS = st.sampled_from(["+", "-", "*", "/"])
_WITH_X = st.tuples(_expressions(), _OPERATORS, _expressions(), _OPERATORS).map(
    lambda t: f"({t[0]}) {t[1]} (({t[2]}) {t[3]} x)"
)


@settings(max_examples=200, deadline=None)
@given(text=_WITH_X, a=positive, b=positive, x=positive)
def test_any_solution_found_is_a_solution(text, a, b, x):
    formula = _parsed(text)
    values = {"a": a, "b": b, "c": 1.5}
    try:
        result = formula.evaluate({**values, "x": x})
    except FormulaError:
        assume(False)
    solved = formula.solve_for("x", result, values)
    if solved is not None:
        reached = formula.evaluate({**values, "x": solved})
        assert reached == pytest.approx(result, rel=1e-6, abs=1e-9)


def test_formula_is_a_frozen_dataclass():
    formula = parse("a * b")
    assert isinstance(formula, Formula)
    with pytest.raises(AttributeError):
        formula.text = "c"  # type: ignore[misc]
    assert formula == parse("a * b")
    assert hash(formula) == hash(parse("a * b"))


def test_formula_is_a_frozen_value_with_slots():
    import dataclasses

    formula = parse("leads * rate")
    with pytest.raises(dataclasses.FrozenInstanceError):
        formula.names = ("x",)  # type: ignore[misc]
    assert not hasattr(formula, "__dict__")  # slots: nothing can be stored on it afterwards
    with pytest.raises((AttributeError, TypeError)):
        formula.cache = {}  # type: ignore[attr-defined]


def test_formulas_are_equal_by_text_names_and_tree_and_work_as_keys():
    parse("p * q")  # the template of the shape: the others share it
    first, again = parse("visits * rate"), parse("visits * rate")
    respaced, other = parse("visits*rate"), parse("visits * win")
    assert first == again and len({first, again, respaced, other}) == 3
    assert first != respaced  # the text as written is part of the value...
    assert first.canonical() == respaced.canonical()  # ...the canonical text is where spacing goes
    assert first != other and first != "visits * rate"
    root = BinaryOp("*", Name("visits"), Name("rate"))
    by_hand = Formula("visits * rate", root, ("visits", "rate"))
    assert by_hand == first and hash(by_hand) == hash(first)
    assert by_hand != Formula("visits * rate", BinaryOp("/", Name("visits"), Name("rate")), ("visits", "rate"))
    assert {first: "leads"}[by_hand] == "leads"


_TOKEN_TEXT = st.text(alphabet="ab_zAB019.eE+-*/(),^% \t\n\xa0é", max_size=24) | st.builds(
    " ".join, st.lists(st.sampled_from(["a_1", "1e6", "2.", ".5", "1.e3", "e5", "2x", "1e", "1e+", "**", "*", "(", ")",
                                        ",", "min", "Bad", "_x", "9" * 400, "1e400", "-", "\t"]), max_size=8)
)


@settings(max_examples=1500, deadline=None)
@given(text=_TOKEN_TEXT)
def test_the_fast_tokenizer_reads_and_rejects_as_the_character_loop_does(text):
    from goaltree.formula.tokens import tokenize, tokenize_by_character

    def read(tokenize):
        try:
            return [(token.kind, token.text, token.column, token.value) for token in tokenize(text)]
        except FormulaError as error:
            return (error.message, error.column, error.kind)

    assert read(tokenize) == read(tokenize_by_character)




# Infinite and NaN inputs are left out: ``a / x`` with x = inf is 0.0 for the compiled
# evaluator, which does not look at its inputs, and an error for the checked walk.
_FINITE_OR_NOT_A_NUMBER = st.one_of(signed, st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 3, True, "many", "4", None]))


@settings(max_examples=600, deadline=None)
@given(
    text=_expressions(),
    a=_FINITE_OR_NOT_A_NUMBER,
    b=_FINITE_OR_NOT_A_NUMBER,
    c=_FINITE_OR_NOT_A_NUMBER,
    x=_FINITE_OR_NOT_A_NUMBER,
)
def test_the_compiled_evaluator_answers_what_the_checked_walk_answers(text, a, b, c, x):
    """Whatever the values (text, None, overflow, integers), the fast path never says other than the checked walk."""
    from goaltree.formula.evaluation import CheckedEvaluator

    try:
        formula = parse(text)
    except FormulaError as error:  # ``a / (1 - 1)``: a divisor that is always 0 is refused when parsed
        assert error.kind == "division_by_zero"
        return
    values = {"a": a, "b": b, "c": c, "x": x}

    def run(evaluate):
        try:
            value = evaluate()
            # A zero is a zero: Formula.evaluate never returns -0.0, the checked walk may.
            return ("value", repr(value + 0.0 if isinstance(value, float) else value))
        except FormulaError as error:
            return ("error", error.kind, error.column, error.message)

    checked = run(lambda: CheckedEvaluator(formula.text, values).evaluate(formula.root))
    assert run(lambda: formula.evaluate(values)) == checked


@pytest.mark.parametrize("text", ["-min(a, 1 / c)", "a / (1 / c)", "a / b / (1 / c)", "0.5 ** (1 / c)"])
def test_an_overflow_inside_min_or_a_divisor_is_reported_not_hidden(text):
    # 1 / 5e-324 is beyond float range; min(0, inf) and 1 / inf would turn it into a tidy 0.
    with pytest.raises(FormulaError) as caught:
        parse(text).evaluate({"a": 1.0, "b": 2.0, "c": 5e-324})
    assert caught.value.kind == "domain"
    assert "too large to compute (overflow)" in caught.value.message


def test_a_zero_is_never_negative():
    assert repr(parse("-(a - a)").evaluate({"a": 3.0})) == "0.0"
    assert repr(parse("-(a - a)").evaluate({"a": 3})) == "0.0"
    assert repr(parse("a * -1").evaluate({"a": 0.0})) == "0.0"


def test_unit_words_are_read_below_the_rules_where_the_model_reads_them():
    from goaltree.formula.units import parse_unit
    from goaltree.model import is_percent_unit, is_rate_unit
    from goaltree.rules import units

    assert units.parse_unit is parse_unit and units.Unit is parse_unit("SEK").__class__
    assert parse_unit("kSEK / month").dimensions == (("kSEK", 1), ("month", -1))
    assert parse_unit("procent").kind == "percent" and parse_unit("leads") is None
    assert is_rate_unit("andel") and is_rate_unit("%") and is_rate_unit("×")
    assert not is_rate_unit("SEK") and not is_rate_unit(None) and not is_rate_unit("leads")
    assert is_percent_unit("pct") and not is_percent_unit("ratio")


@pytest.mark.parametrize(
    ("text", "column"),
    [("0 ** -1 + visits", 1), ("(1 - 1) ** -2 * visits", 2), ("visits + (0 ** -1) ** 2", 11)],
)
def test_zero_raised_to_a_negative_power_is_refused_when_read(text, column):
    with pytest.raises(FormulaError) as refused:
        parse(text)
    assert refused.value.kind == "division_by_zero" and refused.value.column == column
    assert "is always 0 and is raised to the negative power" in refused.value.message


@pytest.mark.parametrize("text", ["visits * 2 ** -1", "0 ** 2 + visits", "visits ** -1"])
def test_a_power_that_can_be_evaluated_is_read(text):
    assert parse(text).text == text
