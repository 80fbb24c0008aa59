"""The findings of ``check`` that ``goaltree evaluate`` reports too, because the numbers it prints rest on them.

Most SMART findings (a KPI without an owner, a vague title) leave the
evaluation's figures as they are, and ``check`` is where they belong. A
percentage written as a plain number does not: ``unit: ratio`` with
``target: 25`` under a title "25 %" is 2 500 %, and every target derived
through it is a hundred times off (80 customers / 25 = 3.2 SQLs). Evaluate,
explain, render and report then print M006, an error, and exit 1.

Only the nodes that can hold such a slip are read (a title with a percent
sign or word that holds the digits of its target or baseline), so a large
tree costs one pass over its titles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from goaltree.errors import Diagnostic
from goaltree.rules.measurable import PercentAtWrongScale, percent_number_as_factor

if TYPE_CHECKING:
    from goaltree.graph import GoalTree

def percent_slips(tree: "GoalTree") -> list[Diagnostic]:
    """M006 for each node whose title states a percentage its target or baseline writes as a plain number."""
    nodes = tree.goal_file.nodes
    candidates = [node_id for node_id, node in nodes.items() if _may_write_its_percent_plainly(node.title, node.target, node.baseline)]
    if not candidates:
        return []
    from goaltree.rules.locate import locate
    from goaltree.rules.registry import DEFAULT_RULES
    from goaltree.rules.runner import configure

    config = configure(tree.goal_file, DEFAULT_RULES)
    code = PercentAtWrongScale.code
    if code in config.disabled:
        return []
    severity = config.severity.get(code, PercentAtWrongScale.severity)
    read_by = _first_formula_reading(tree, set(candidates))
    found = []
    for node_id in candidates:
        if code in config.suppressions.get(node_id, ()):
            continue
        finding = percent_number_as_factor(node_id, nodes[node_id], read_by.get(node_id))
        if finding is not None:
            diagnostic = Diagnostic(code, severity, finding.message, node=node_id, path=finding.path)
            found.append(locate(tree.load, diagnostic, key=finding.key))
    return found


def _may_write_its_percent_plainly(title: str, *values: float | None) -> bool:
    """Whether a title with a percent sign or word holds the digits of one of ``values``: the rule reads it then.

    ``1.96 % of visits`` with a baseline of 0.0196 does not; ``25 % av SQL`` with a target of 25 does.
    """
    if "%" not in title and "ercent" not in title and "rocent" not in title and "ERCENT" not in title and "ROCENT" not in title:
        return False
    for value in values:
        if value is None or value == 0:
            continue
        digits = str(int(value)) if float(value).is_integer() else repr(float(value))
        whole, _point, decimals = digits.partition(".")
        if digits in title or (decimals and f"{whole},{decimals}" in title):  # 2.5 or, Swedish, 2,5
            return True
    return False


def _first_formula_reading(tree: "GoalTree", wanted: set[str]) -> dict[str, str]:
    """Node id (of ``wanted``) -> the first formula, in the tree's order, that reads it, written ``node = formula``."""
    read_by: dict[str, str] = {}
    formulas = tree.formulas
    for node_id in tree.order:
        formula = formulas.get(node_id)
        if formula is None:
            continue
        for name in wanted.intersection(formula.names):
            read_by.setdefault(name, f"{node_id} = {formula.text}")
    return read_by

