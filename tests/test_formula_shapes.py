"""Formulas of one shape share their parse: results, errors and trees as if each were parsed alone.

``parse`` tokenizes only the first formula of a shape (the same text between
the node ids); the others reuse its compiled evaluator and analyses. Each case
here parses a *template* first, then a formula of the same shape, and checks
that everything the formula does matches a formula parsed on its own
(``_alone``: the full tokenize-and-parse, with a shape of its own), to the bit
and to the column.
"""

from __future__ import annotations

import math
import pickle

import pytest

from goaltree.formula import BinaryOp, Formula, FormulaError, Name, parse
from goaltree.formula.parser import checked_tree
from goaltree.formula.shapes import NODE_ID


def _alone(text: str) -> Formula:
    """``text`` tokenized and parsed in full, sharing nothing with the formulas parsed before it."""
    root, names = checked_tree(text)
    return Formula(text, root, names)

# (template, formula of the same shape): ids of other lengths shift every column.
SAME_SHAPE = [
    ("a * b", "u6_6_4_3_t3354_web_customers * u6_6_4_3_t3354_web_deal"),
    ("a * a", "revenue * revenue"),
    ("a * b + a", "leads * rate + leads"),
    ("customers / (leads - lost)", "c / (l - lost_leads_in_q3)"),
    ("(a + b) * c", "(customers + partners) * clv"),
    ("min(a, b) * c - abs(d) + max(a, 2, c)", "min(x1, y_2) * zed - abs(w) + max(x1, 2, zed)"),
    ("min(a) + max(b)", "min(first) + max(second)"),
    ("min + a", "min + budget"),  # a function's name used as a node id
    ("a * max", "long_name * max"),
    ("a ** 2 + b / 1e3 - .5 * c", "x ** 2 + yy / 1e3 - .5 * zzz"),
    ("-(a - b) ** 0.5 / +c", "-(p - q) ** 0.5 / +r"),
    ("a ** b", "base_value ** exponent_value"),
    ("2 * 3", "2 * 3"),
]

VALUE_SETS = [
    [3.0, 4.0, 5.0, 6.0],
    [2.5, 2.5, -1.0, 0.5],
    [0.0, 0.0, 0.0, 0.0],  # divisions by zero, zero to a negative power
    [-4.0, 9.0, 2.0, 1.0],  # negative bases under fractional powers
    [1e200, 1e200, 1e-300, 7.0],  # overflow
    [1, 2, 3, 4],  # integers
    [math.nan, 1.0, math.inf, 2.0],
    ["many", 1.0, 2.0, None],
    [None, None, None, None],
]


def _outcome(call):
    try:
        return ("value", repr(call()))
    except FormulaError as error:
        return ("error", error.kind, error.column, error.name, error.message)
    except (ValueError, TypeError) as error:  # a missing baseline; a solved name whose value is text
        return (type(error).__name__, str(error))


def _behaviour(formula: Formula) -> list:
    """Everything a formula answers, for several value sets."""
    names = formula.names
    found: list = [formula.text, names, repr(formula.as_monomial())]
    found += [formula.is_linear_in(name) for name in (*names, "absent")]
    for numbers in VALUE_SETS:
        values = dict(zip(names, numbers))
        partial = dict(list(values.items())[1:])
        found.append(_outcome(lambda: formula.evaluate(values)))
        for name in names:
            for result in (0.0, 10.0, -3.5):
                found.append(_outcome(lambda: formula.solve_for(name, result, values)))
                found.append(_outcome(lambda: formula.solve_for(name, result, partial)))
        if names:
            baselines = {name: 2.0 for name in names}
            found.append(_outcome(lambda: formula.solve_common_factor(12.0, baselines, names[:1], values)))
            found.append(_outcome(lambda: formula.solve_common_factor(12.0, baselines, names, {})))
            found.append(_outcome(lambda: formula.solve_common_factor(12.0, {}, names, values)))
    found.append(formula.canonical())
    found.append(repr(formula.root))  # a tree's repr shows every column
    return found


def _renamed(text: str, suffix: str) -> str:
    return NODE_ID.sub(lambda match: match.group(0) + suffix, text)


@pytest.mark.parametrize(("template", "text"), SAME_SHAPE)
def test_a_formula_of_a_known_shape_behaves_as_if_parsed_alone(template, text):
    first = parse(template)
    formula = parse(text)
    assert formula.shape is first.shape
    assert _behaviour(formula) == _behaviour(_alone(text))
    # ... and the template is not changed by serving the other formula.
    assert _behaviour(first) == _behaviour(_alone(template))


@pytest.mark.parametrize(("template", "text"), [case for case in SAME_SHAPE if parse(case[0]).names])
def test_many_formulas_of_a_shape_share_one_evaluator_and_get_their_own_results(template, text):
    first = parse(template)
    for number in range(20):
        many = parse(_renamed(template, f"_many{number}"))
        assert many.shape is first.shape
        values = dict(zip(many.names, VALUE_SETS[number % len(VALUE_SETS)]))
        alone = _alone(many.text)
        assert _outcome(lambda: many.evaluate(values)) == _outcome(lambda: alone.evaluate(values))
    formula = parse(_renamed(text, "_last"))
    assert formula.shape.evaluate is first.shape.evaluate  # compiled once for the shape
    assert _behaviour(formula) == _behaviour(_alone(formula.text))


@pytest.mark.parametrize(("template", "text"), SAME_SHAPE)
def test_a_formula_of_a_known_shape_survives_pickling(template, text):
    parse(template)
    formula = parse(text)
    _outcome(lambda: formula.evaluate(dict(zip(formula.names, VALUE_SETS[0]))))  # compiles
    restored = pickle.loads(pickle.dumps(formula))
    assert restored == formula and hash(restored) == hash(formula)
    assert restored.shape is formula.shape  # no parse and no compiling again
    assert _behaviour(restored) == _behaviour(formula)


def test_the_tree_of_a_formula_of_a_known_shape_has_its_own_ids_and_columns():
    parse("a_x * a_y")
    formula = parse("revenue_in_q3 * deal")
    root = formula.root
    assert root == BinaryOp("*", Name("revenue_in_q3"), Name("deal"))
    assert (root.left.column, root.left.end, root.right.column, root.right.end) == (1, 14, 17, 21)
    assert formula.source_of(root.right) == "deal"


def test_a_repeated_id_is_another_shape():
    square, product = parse("p * p"), parse("p * q")
    assert square.shape is not product.shape
    assert (square.names, product.names) == (("p",), ("p", "q"))
    assert parse("x * x").evaluate({"x": 3.0, "y": 5.0}) == 9.0
    assert parse("x * y").evaluate({"x": 3.0, "y": 5.0}) == 15.0
    assert parse("y * y").solve_for("y", 16.0, {"y": -1.0}) == pytest.approx(-4.0)
    assert parse("y * x").solve_for("y", 16.0, {"x": 2.0}) == 8.0
    assert parse("m * n + m").names == ("m", "n")
    assert parse("m * n + n").evaluate({"m": 2.0, "n": 3.0}) == 9.0


def test_spacing_and_numbers_are_part_of_the_shape():
    assert parse("a*b").shape is not parse("a * b").shape
    assert parse("a * 2").shape is not parse("a * 3").shape
    assert parse("2 * b").evaluate({"b": 5.0}) == 10.0
    assert parse("3 * b").evaluate({"b": 5.0}) == 15.0
    assert parse("c ** 2").shape is not parse("c ** 1e2").shape
    assert parse("d / 2.e3").evaluate({"d": 1e6}) == 500.0  # ``e3`` is part of the number, not an id
    assert parse("d / 2.e5").evaluate({"d": 1e6}) == 5.0


def test_a_function_call_keeps_its_function():
    parse("min(a, b)")
    assert parse("max(a, b)").evaluate({"a": 1.0, "b": 2.0}) == 2.0
    assert parse("min(c, d)").evaluate({"c": 1.0, "d": 2.0}) == 1.0
    assert parse("min + d").names == ("min", "d")
    assert parse("min + d").evaluate({"min": 1.0, "d": 2.0}) == 3.0


@pytest.mark.parametrize(
    ("template", "text", "column", "message"),
    [
        ("a * b", "x * Bad", 5, "'Bad' at column 5 is not a valid node id"),
        ("a * b", "a * 2x", 6, "missing operator between 2 and 'x' at column 6"),
        ("a * b", "a * foo(b)", 5, "unknown function 'foo' at column 5"),
        ("a * b", "a * sqrt(b)", 5, "for a square root write x ** 0.5"),
        ("a * b", "a *", 4, "found the end of the formula"),
        ("a + b", "a + b c", 7, "is an operator missing?"),
        ("min(a, b)", "min(a b)", 7, "expected ',' or ')' at column 7"),
        ("a * 1e6", "a * 1e", 5, "malformed number '1e' at column 5"),
    ],
)
def test_text_close_to_a_known_shape_still_gets_its_syntax_error(template, text, column, message):
    parse(template)
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert caught.value.column == column
    assert message in caught.value.message
    with pytest.raises(FormulaError) as alone:
        _alone(text)
    assert (alone.value.message, alone.value.column) == (caught.value.message, caught.value.column)


def test_errors_of_a_formula_of_a_known_shape_point_into_its_own_text():
    parse("a / (b - c)")
    with pytest.raises(FormulaError) as caught:
        parse("revenue / (leads - lost_leads)").evaluate({"revenue": 1.0, "leads": 9.0, "lost_leads": 9.0})
    assert (caught.value.kind, caught.value.column) == ("division_by_zero", 12)
    assert "'leads - lost_leads' at column 12" in caught.value.message

    parse("x + y * z")
    with pytest.raises(FormulaError) as caught:
        parse("visits + leads * rate").solve_for("visits", 10.0, {"leads": 1.0})
    assert (caught.value.kind, caught.value.name, caught.value.column) == ("unknown_name", "rate", 18)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4.0, 2.5), (4, 2.5), ("4", 2.5), (True, 10.0), ("many", None), (math.inf, None), (math.nan, None), (0.0, None)],
)
def test_solving_reads_the_other_values_as_evaluation_does(value, expected):
    parse("a * b")
    assert parse("units * price").solve_for("price", 10.0, {"units": value}) == expected


def test_a_formula_built_by_hand_is_its_own_shape():
    root = BinaryOp("-", BinaryOp("*", Name("a"), Name("b")), Name("a"))
    formula = Formula("hand-built", root, ("a", "b"))
    assert formula.evaluate({"a": 2.0, "b": 5.0}) == 8.0
    assert formula.solve_for("b", 8.0, {"a": 2.0}) == 5.0
    assert formula.as_monomial() is None and formula.is_linear_in("b")
    assert formula.canonical() == "a * b - a"
    restored = pickle.loads(pickle.dumps(formula))
    assert restored == formula and restored.solve_for("b", 8.0, {"a": 2.0}) == 5.0
