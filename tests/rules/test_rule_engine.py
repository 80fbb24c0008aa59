"""The runner: crash isolation, configuration, suppression, determinism, and a light import path."""

from __future__ import annotations

import subprocess
import sys
from typing import Iterator

from conftest import REPO, RULE_CASE_HEADER

from goaltree.rules import CheckContext, Finding, NodeRule, Rule
from goaltree.rules.registry import DEFAULT_RULES

FILE = RULE_CASE_HEADER + """\
nodes:
  growth:
    title: Stronger brand
    type: objective
  leads:
    title: 5 000 leads
    unit: count
    target: 5000
    parent: growth
    actuals: {2027-03-31: 1200}
"""


def build(text: str, tmp_path):
    from goaltree.pipeline import load_goal_file

    path = tmp_path / "goals.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_goal_file(path)
    tree, diagnostics = loaded.tree, loaded.diagnostics
    assert tree is not None, diagnostics
    return tree


class CrashesOnLeads(NodeRule):
    """A node rule that fails on one node.

    **Anti-pattern** / **Best practice**: none, it is a test double.
    """

    code = "S901"
    name = "specific.crashes_on_leads"
    severity = "warning"

    def check_node(self, context: CheckContext, node_id: str, node) -> Iterator[Finding]:
        if node_id == "leads":
            raise ZeroDivisionError("float division by zero")
        yield Finding(f"looked at {node_id}", node_id, ("nodes", node_id, "title"))


class CrashesAtOnce(Rule):
    """A whole-tree rule that fails."""

    code = "M901"
    name = "measurable.crashes_at_once"
    severity = "error"

    def check(self, context: CheckContext) -> Iterator[Finding]:
        yield Finding("before the crash", "growth", ("nodes", "growth"), key=True)
        raise KeyError("missing")


def test_a_crashing_rule_becomes_E099_and_the_others_still_run(tmp_path) -> None:
    from goaltree.rules import check_tree

    tree = build(FILE, tmp_path)
    diagnostics = check_tree(tree, DEFAULT_RULES + (CrashesOnLeads, CrashesAtOnce))
    crashes = [d for d in diagnostics if d.code == "E099"]
    assert len(crashes) == 2
    node_crash = next(d for d in crashes if "S901" in d.message)
    assert node_crash.node == "leads" and "ZeroDivisionError" in node_crash.message and node_crash.line == 10
    tree_crash = next(d for d in crashes if "M901" in d.message)
    assert tree_crash.node is None and "KeyError" in tree_crash.message
    codes = {(d.code, d.node) for d in diagnostics}
    assert ("S901", "growth") in codes  # the crash on leads did not stop the rule on the other nodes
    assert ("M901", "growth") in codes  # findings before the crash are kept
    assert ("S001", "growth") in codes  # other rules ran


def test_structure_codes_cannot_be_disabled(tmp_path, check_text) -> None:
    text = RULE_CASE_HEADER + """\
checks: {disable: [E004, structure.unknown_id]}
nodes:
  revenue: {title: 63 MSEK revenue, formula: customer * 2}
"""
    _, diagnostics = check_text(text)
    assert [d.code for d in diagnostics if d.code in ("E004", "E023")] == ["E023", "E023", "E004"]


def test_a_broken_graph_still_gets_the_node_rules(check_text) -> None:
    text = RULE_CASE_HEADER + """\
nodes:
  revenue:
    title: Better revenue
    unit: SEK
    formula: customer * 2
    deadline: 2028-01-31
"""
    _, diagnostics = check_text(text)
    assert sorted((d.code, d.line) for d in diagnostics) == [("E004", 10), ("S001", 8), ("T001", 11)]


def test_disable_by_code_or_name_and_regrade(tmp_path, check_text) -> None:
    base = FILE.replace("nodes:", "checks: {CONFIG}\nnodes:")
    _, plain = check_text(base.replace("checks: {CONFIG}\n", ""))
    assert {d.code for d in plain} == {"S001"}
    _, disabled = check_text(base.replace("{CONFIG}", "{disable: [specific.vague_title]}"))
    assert disabled == []
    _, regraded = check_text(base.replace("{CONFIG}", "{severity: {S001: error}}"))
    assert [(d.code, d.severity) for d in regraded] == [("S001", "error")]


def test_suppress_by_name_is_used(check_text) -> None:
    text = FILE.replace("    type: objective\n", "    type: objective\n    suppress: {specific.vague_title: qualitative on purpose}\n", 1)
    _, diagnostics = check_text(text)
    assert diagnostics == []


def test_a_crashed_rule_does_not_report_its_suppressions_as_unused(tmp_path) -> None:
    from goaltree.rules import check_tree

    text = FILE.replace("  leads:\n", "  leads:\n    suppress: {S901: being fixed}\n")
    tree = build(text, tmp_path)
    diagnostics = check_tree(tree, DEFAULT_RULES + (CrashesOnLeads,))
    assert "E024" not in {d.code for d in diagnostics}


def test_options_reach_the_rules(check_text) -> None:
    children = "".join(
        f"  c{i}: {{title: {i}00 leads, unit: count, target: {i}00, parent: growth, actuals: {{2027-03-31: {i * 30}}}}}\n"
        for i in range(1, 5)
    )
    text = RULE_CASE_HEADER + "checks: {options: {max_children: 3}}\nnodes:\n  growth: {title: 1 000 leads in total, type: objective}\n" + children
    _, diagnostics = check_text(text)
    assert [(d.code, d.node) for d in diagnostics] == [("R002", "growth")]
    _, relaxed = check_text(text.replace("max_children: 3", "max_children: 4"))
    assert relaxed == []


def test_a_bad_option_value_falls_back_to_the_default(check_text) -> None:
    text = FILE.replace("nodes:", "checks: {options: {max_children: many}}\nnodes:")
    _, diagnostics = check_text(text)
    assert {d.code for d in diagnostics} == {"E022", "S001"}


def test_output_is_deterministic(tmp_path) -> None:
    from goaltree.rules import check_file

    from conftest import DATA

    first = check_file(DATA / "every_mistake.yaml")
    second = check_file(DATA / "every_mistake.yaml")
    assert first == second
    assert [d.line for d in first] == sorted(d.line for d in first)


def test_check_and_evaluate_agree_on_targets(funnel_copy) -> None:
    """The rules solve targets like the engine: same values, same derivations."""
    from goaltree.api import evaluate, load
    from goaltree.engine.equations import solve_targets

    tree = load(funnel_copy)
    solved = solve_targets(tree)
    evaluation = evaluate(tree, None)
    for node_id, result in evaluation.nodes.items():
        assert solved.values.get(node_id) == result.target, node_id


def test_the_check_path_imports_nothing_heavy(tmp_path) -> None:
    heavy = ("networkx", "duckdb", "sqlalchemy", "graphviz", "jinja2", "numpy", "pandas", "pyarrow")
    program = (
        "import sys\n"
        "from goaltree.cli import main\n"
        f"code = main(['check', {str(REPO / 'tests' / 'rules' / 'data' / 'every_mistake.yaml')!r}, '--format', 'json'])\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout[-500:] + done.stderr


def test_evaluate_can_apply_the_files_configuration_to_A004(tmp_path) -> None:
    from goaltree.errors import Diagnostic
    from goaltree.rules import apply_configuration

    text = FILE.replace("nodes:", "checks: {severity: {A004: error}}\nnodes:").replace(
        "    actuals: {2027-03-31: 1200}\n", "    actuals: {2027-03-31: 1200}\n    suppress: {A004: counted differently on purpose}\n"
    )
    goal_file = build(text, tmp_path).goal_file
    reported = [
        Diagnostic("A004", "warning", "actuals disagree", node="growth"),
        Diagnostic("A004", "warning", "actuals disagree", node="leads"),
        Diagnostic("E013", "error", "source failed", node="leads"),
    ]
    applied = apply_configuration(goal_file, reported)
    assert [(d.code, d.node, d.severity) for d in applied] == [("A004", "growth", "error"), ("E013", "leads", "error")]
