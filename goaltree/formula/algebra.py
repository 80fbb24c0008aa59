"""Algebra on a formula's syntax tree: the structure target propagation relies on.

Polynomial degree (is the formula linear in a node?), homogeneous degree (how
does it grow when several nodes grow by one factor?), the monomial form
(``customers * clv`` is ``1 * customers**1 * clv**1``) and exact inversion
along the path to a node id that occurs once (``revenue = customers * clv``
gives ``customers = revenue / clv``).
"""

from __future__ import annotations

import math
from typing import Mapping

from goaltree.formula.evaluation import CheckedEvaluator
from goaltree.formula.tree import (
    BinaryOp,
    Call,
    Expression,
    FormulaError,
    Name,
    Number,
    UnaryOp,
    count_name,
    path_to,
)

InversionStep = tuple
"""``(op, on_left, other, other_position, child)``, see :func:`inversion_steps`."""


def polynomial_degree(node: Expression, name: str) -> int | None:
    """Degree of ``node`` as a polynomial in ``name``; ``None`` if it is not one."""
    if isinstance(node, Number):
        return 0
    if isinstance(node, Name):
        return 1 if node.id == name else 0
    if isinstance(node, UnaryOp):
        return polynomial_degree(node.operand, name)
    if isinstance(node, Call):
        degrees = [polynomial_degree(arg, name) for arg in node.args]
        return 0 if all(degree == 0 for degree in degrees) else None
    left = polynomial_degree(node.left, name)
    right = polynomial_degree(node.right, name)
    if left is None or right is None:
        return None
    if node.op in ("+", "-"):
        return max(left, right)
    if node.op == "*":
        return left + right
    if node.op == "/":
        return left if right == 0 else None
    if right == 0 and left == 0:
        return 0
    if right == 0 and isinstance(node.right, Number) and node.right.value == int(node.right.value) >= 0:
        return left * int(node.right.value)
    return None


def homogeneous_degree(
    node: Expression, unknowns: frozenset[str], evaluator: CheckedEvaluator
) -> float | None:
    """Degree E with ``f(g·u) = g**E · f(u)`` for every g > 0, or ``None`` if not homogeneous.

    Only the unknowns are scaled; every other name is a constant.
    """
    if isinstance(node, Number):
        return 0.0
    if isinstance(node, Name):
        return 1.0 if node.id in unknowns else 0.0
    if isinstance(node, UnaryOp):
        return homogeneous_degree(node.operand, unknowns, evaluator)
    if isinstance(node, Call):
        # min, max and abs commute with multiplication by a positive factor.
        degrees = {homogeneous_degree(arg, unknowns, evaluator) for arg in node.args}
        return degrees.pop() if len(degrees) == 1 else None
    left = homogeneous_degree(node.left, unknowns, evaluator)
    right = homogeneous_degree(node.right, unknowns, evaluator)
    if left is None or right is None:
        return None
    if node.op in ("+", "-"):
        return left if left == right else None
    if node.op == "*":
        return left + right
    if node.op == "/":
        return left - right
    if right != 0:
        return None
    if left == 0:
        return 0.0
    return left * evaluator.evaluate(node.right)


def monomial(node: Expression) -> tuple[float, dict[str, float]] | None:
    """``node`` as ``constant * Π name**exponent`` with constant exponents, or ``None``."""
    if isinstance(node, Number):
        return node.value, {}
    if isinstance(node, Name):
        return 1.0, {node.id: 1.0}
    if isinstance(node, UnaryOp):
        inner = monomial(node.operand)
        if inner is None:
            return None
        return (-inner[0] if node.op == "-" else inner[0]), inner[1]
    if not isinstance(node, BinaryOp) or node.op in ("+", "-"):
        return None
    if node.op == "**":
        exponent = monomial(node.right)
        base = monomial(node.left)
        if exponent is None or exponent[1] or base is None:
            return None
        power = exponent[0]
        try:
            constant = math.pow(base[0], power)
        except (ValueError, OverflowError):
            return None
        return constant, {name: value * power for name, value in base[1].items()}
    left, right = monomial(node.left), monomial(node.right)
    if left is None or right is None:
        return None
    exponents = dict(left[1])
    sign = 1.0 if node.op == "*" else -1.0
    for name, value in right[1].items():
        exponents[name] = exponents.get(name, 0.0) + sign * value
    if node.op == "*":
        return left[0] * right[0], exponents
    if right[0] == 0:
        return None
    return left[0] / right[0], exponents


def inversion_steps(root: Expression, names: tuple[str, ...], position: int) -> tuple[InversionStep, ...] | None:
    """The steps that invert the tree for its name at ``position``, or ``None`` to solve numerically.

    Exact inversion needs the name to occur once, on a path through no
    function call. Each step is ``(op, on_left, other, other_position,
    child)``: the operation, whether the path goes on by its left operand,
    the other operand, the position among ``names`` of that operand when it
    is a node id (else ``None``), and the node the path goes on to; for a
    sign, ``op`` is ``None`` and ``on_left`` says whether it is a minus.
    """
    name = names[position]
    if count_name(root, name) != 1:
        return None
    path = path_to(root, name)
    if path is None or any(isinstance(node, Call) for node in path):
        return None
    found: list[InversionStep] = []
    for node, child in zip(path, path[1:]):
        if isinstance(node, UnaryOp):
            found.append((None, node.op == "-", None, None, child))
        else:
            assert isinstance(node, BinaryOp)
            on_left = node.left is child
            other = node.right if on_left else node.left
            where = names.index(other.id) if isinstance(other, Name) and other.id in names else None
            found.append((node.op, on_left, other, where, child))
    return tuple(found)


def invert_step(
    op: str,
    on_left: bool,
    target: float,
    other: float,
    child: Expression,
    environment: Mapping[str, float],
    evaluator: CheckedEvaluator,
    name: str,
) -> float | None:
    """Solve ``child op other == target`` (or ``other op child``) for ``child``."""
    if op == "+":
        return target - other
    if op == "-":
        return target + other if on_left else other - target
    if op == "*":
        return target / other if other != 0 else None
    if op == "/":
        if on_left:
            return target * other if other != 0 else None
        # other / child == target
        if target == 0 or other == 0:
            return None
        return other / target
    # op == "**"
    if on_left:  # child ** other == target
        exponent = other
        if exponent == 0:
            return None
        if target == 0:
            return 0.0 if exponent > 0 else None
        if exponent == int(exponent):
            if int(exponent) % 2 == 0:
                if target < 0:
                    return None
                root = math.pow(target, 1 / exponent)
                return -root if current_sign(child, environment, evaluator, name) < 0 else root
            return math.copysign(math.pow(abs(target), 1 / exponent), target)
        if target < 0:
            return None
        return math.pow(target, 1 / exponent)
    # other ** child == target
    base = other
    if base <= 0 or base == 1 or target <= 0:
        return None
    return math.log(target) / math.log(base)


def current_sign(
    child: Expression, environment: Mapping[str, float], evaluator: CheckedEvaluator, name: str
) -> float:
    """Sign of ``child`` at the current value of ``name``, or +1 when there is none."""
    if environment.get(name) is None:
        return 1.0
    try:
        return -1.0 if evaluator.evaluate(child) < 0 else 1.0
    except FormulaError:
        return 1.0
