"""A `weighted_mean` whose children's weights add up to 0 is the plain mean, for targets and actuals alike."""

from __future__ import annotations

import datetime as dt

import pytest

import goaltree
from support import HEADER

AS_OF = dt.date(2027, 4, 15)

CONVERSION = HEADER + """\
nodes:
  conv: {title: Conversion averages 3 % in 2027, unit: "%", rollup: weighted_mean, target: 3}
  conv_a: {title: Segment A converts 2 %, parent: conv, weight: 0, unit: "%", aggregate: last, TARGET_A actuals: {2027-03-31: 1.8}}
  conv_b: {title: Segment B converts 4 %, parent: conv, weight: 0, unit: "%", aggregate: last, actuals: {2027-03-31: 4.4}}
"""


def evaluated(write_goals, text: str):
    return goaltree.evaluate(goaltree.load(write_goals(text)), AS_OF)


def test_the_unknown_child_target_makes_the_plain_mean_hit_the_parent(write_goals):
    nodes = evaluated(write_goals, CONVERSION.replace("TARGET_A", "target: 2,")).nodes
    assert nodes["conv_b"].target == pytest.approx(2 * 3 - 2)  # (2 + 4) / 2 = 3
    assert nodes["conv_b"].target_origin == "derived"
    assert nodes["conv"].actual == pytest.approx((1.8 + 4.4) / 2)  # read the same way: 3.1


def test_several_unknown_children_share_the_parent_target(write_goals):
    nodes = evaluated(write_goals, CONVERSION.replace("TARGET_A", "")).nodes
    assert nodes["conv_a"].target == pytest.approx(3) and nodes["conv_b"].target == pytest.approx(3)


def test_a_child_of_weight_0_beside_weighted_siblings_is_not_solved(write_goals):
    text = CONVERSION.replace("TARGET_A", "target: 2,").replace("parent: conv, weight: 0, unit", "parent: conv, weight: 2, unit", 1)
    nodes = evaluated(write_goals, text).nodes
    assert nodes["conv_b"].target is None  # weighing nothing, it cannot move the mean to 3
    assert nodes["conv"].actual == pytest.approx(1.8)  # 2 × 1.8 / 2
