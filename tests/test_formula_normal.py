"""Formulas that differ only in the order of commutative terms are the same formula in a diff.

The normal form sorts the terms of sums and the factors of products; it must
never call two formulas the same that compute different values. Each pair
here is checked at values written in the test, by Python's own arithmetic.
"""

from __future__ import annotations

import json
import random

import pytest

from goaltree.cli import main
from goaltree.formula import FormulaError, parse

SAME = [
    ("leads * win * deal", "deal * (win * leads)"),
    ("revenue * margin - cost", "-cost + margin * revenue"),
    ("a - (b - c)", "a + c - b"),
    ("a / b * c", "c * a / b"),
    ("a / (b / c)", "a * c / b"),
    ("max(a, b) + 1", "1 + max(b, a)"),
    ("(a + b) ** 2", "(b + a) ** 2"),
]
DIFFERENT = [
    ("a - b", "b - a"),
    ("a / b", "b / a"),
    ("a ** b", "b ** a"),
    ("leads * win * deal", "leads * win / deal"),
    ("(a + b) * c", "a + b * c"),
    ("a - b - c", "a - (b - c)"),
]
VALUES = {"a": 3.0, "b": 7.0, "c": 11.0, "leads": 5000.0, "win": 0.014, "deal": 900000.0, "revenue": 63e6, "margin": 0.3, "cost": 1e6}


@pytest.mark.parametrize(("first", "second"), SAME)
def test_reordered_terms_share_the_normal_form_and_the_value(first, second):
    assert parse(first).normal() == parse(second).normal()
    assert parse(first).evaluate(VALUES) == pytest.approx(parse(second).evaluate(VALUES))


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_formulas_with_other_values_never_share_the_normal_form(first, second):
    assert parse(first).evaluate(VALUES) != pytest.approx(parse(second).evaluate(VALUES))
    assert parse(first).normal() != parse(second).normal()


def _random_formula(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.3:
        return rng.choice(["a", "b", "c", "2", "5"])
    op = rng.choice(["+", "-", "*", "/"])
    return f"({_random_formula(rng, depth - 1)} {op} {_random_formula(rng, depth - 1)})"


def test_a_shared_normal_form_always_means_the_same_value():
    # 3 000 random pairs of small formulas: whenever two share a normal form, their values agree
    # at two sets of inputs (a form that merged different formulas would show here).
    rng = random.Random(20271207)
    points = [{"a": 3.0, "b": 7.0, "c": 11.0}, {"a": -1.5, "b": 0.25, "c": 13.0}]
    seen: dict[str, str] = {}
    shared = 0
    for _ in range(3000):
        text = _random_formula(rng, 3)
        try:
            formula = parse(text)
        except FormulaError:  # a constant divisor of 0 (5 - 5) is refused when read
            continue
        key = formula.normal()
        if key in seen:
            shared += 1
            other = parse(seen[key])
            for point in points:
                try:
                    value = formula.evaluate(point)
                except Exception:
                    continue
                assert value == pytest.approx(other.evaluate(point), rel=1e-9, abs=1e-9), (text, seen[key])
        else:
            seen[key] = text
    assert shared > 100  # the test met many pairs written differently


GOALS = """\
goaltree: 1
id: n
title: N
period: {{start: 2027-01-01, end: 2027-12-31}}
owner: Me
nodes:
  revenue: {{title: Revenue 63 MSEK, unit: SEK, target: 63000000, formula: {revenue}}}
  profit: {{title: Profit, unit: SEK, formula: {profit}}}
  leads: {{title: Leads, unit: count}}
  win: {{title: Win rate, unit: ratio, type: driver, baseline: 0.014}}
  deal: {{title: Deal size, unit: SEK, type: driver, baseline: 900000}}
  margin: {{title: Margin, unit: ratio, type: driver, target: 0.3}}
  cost: {{title: Cost, unit: SEK, target: 1000000}}
"""


def test_a_diff_lists_no_change_for_reordered_formulas_and_a_change_for_a_new_one(tmp_path, capsys):
    old, same, other = tmp_path / "old.yaml", tmp_path / "same.yaml", tmp_path / "other.yaml"
    old.write_text(GOALS.format(revenue="leads * win * deal", profit="revenue * margin - cost"), encoding="utf-8")
    same.write_text(GOALS.format(revenue="deal * (win * leads)", profit="-cost + margin * revenue"), encoding="utf-8")
    other.write_text(GOALS.format(revenue="leads * win / deal", profit="-cost + margin * revenue"), encoding="utf-8")
    assert main(["diff", str(old), str(same), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] == {}
    assert main(["diff", str(old), str(other), "--format", "json"]) == 0
    changed = json.loads(capsys.readouterr().out)["changed"]
    assert list(changed) == ["revenue"]
    assert changed["revenue"]["formula"] == {"old": "leads * win * deal", "new": "leads * win / deal"}
