"""Running the rules over a goal tree: configuration, crash isolation, suppressions, positions.

Every rule runs inside :func:`_run_safely` (dbt's ``validate_safely``): a rule
that raises becomes one ``E099`` error naming the rule and the node, and the
other rules still run, so a single pass reports every problem. Findings become
diagnostics with the rule's code and the file's severity; suppressed ones are
dropped (and the suppression marked used); the rest are located in the file
only now, when they are known to be reported.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

from goaltree.errors import Diagnostic, sort_key
from goaltree.present.language import _, _n
from goaltree.rules.base import CheckContext, Finding, NodeRule, Rule
from goaltree.rules.config import Configuration, configure
from goaltree.rules.locate import locate
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.engine.equations import SolveOutcome
    from goaltree.graph import GoalTree
    from goaltree.goalfile import LoadResult
    from goaltree.model import GoalFile

STRUCTURE_FROM_SOLVER = (codes.DIVISION_BY_ZERO, codes.UNDERDETERMINED_TARGETS, codes.NUMBER_OVERFLOW)


class _Pending:
    """A diagnostic waiting to be located, with how to locate it."""

    __slots__ = ("diagnostic", "key", "column_offset")

    def __init__(self, diagnostic: Diagnostic, key: bool = False, column_offset: int = 0):
        self.diagnostic = diagnostic
        self.key = key
        self.column_offset = column_offset


def check_tree(tree: "GoalTree", rules: Iterable[type[Rule]] | None = None) -> list[Diagnostic]:
    """Run the rules over a built tree: every SMART finding, configuration problem and solver error.

    Args:
        tree: A goal tree without structure errors (:func:`goaltree.graph.build`).
        rules: The registry to use; :data:`goaltree.rules.registry.DEFAULT_RULES` by default.

    Returns:
        The located diagnostics, sorted. Never raises for a broken rule (``E099``).
    """
    return check_goal_file(tree.goal_file, tree.load, tree, rules)


def check_goal_file(
    goal_file: "GoalFile",
    load: "LoadResult | None",
    tree: "GoalTree | None" = None,
    rules: Iterable[type[Rule]] | None = None,
) -> list[Diagnostic]:
    """Run the rules over a goal file; without a ``tree`` (a broken graph) only the node rules run.

    Args:
        goal_file: The validated goal file.
        load: Its load result, for positions (``None``: diagnostics stay unlocated).
        tree: Its goal tree, when the graph was built without errors.
        rules: The registry to use; :data:`goaltree.rules.registry.DEFAULT_RULES` by default.
    """
    from goaltree.engine.equations import SolveOutcome, equations_of, solve_targets

    if rules is None:
        from goaltree.rules.registry import DEFAULT_RULES

        rules = DEFAULT_RULES
    rules = tuple(rules)
    config = configure(goal_file, rules)
    pending = [_Pending(problem.diagnostic, problem.key) for problem in config.problems]

    located: list[Diagnostic] = []
    if tree is not None:
        equations = equations_of(tree)
        targets = solve_targets(tree, equations)
        located.extend(d for d in targets.diagnostics if d.code in STRUCTURE_FROM_SOLVER)
    else:
        equations = []
        declared = {node_id: node.target for node_id, node in goal_file.nodes.items() if node.target is not None}
        targets = SolveOutcome(declared, {}, [])
    if any(node.metric is not None for node in goal_file.nodes.values()):
        from goaltree.sources.checks import check_metrics

        pending.extend(_Pending(d) for d in check_metrics(goal_file))

    context = CheckContext(goal_file, targets, config.options, equations, tree)
    ran: set[str] = set()
    used: set[tuple[str, str]] = set()
    for rule in rules:
        if not rule.runs() or rule.code in config.disabled or (rule.needs_tree and tree is None):
            continue
        findings, crash = _run_safely(rule, context)
        if crash is not None:
            pending.append(crash)
        else:
            ran.add(rule.code)
        severity = config.severity.get(rule.code, rule.severity)
        for finding in findings:
            if finding.node is not None and rule.code in config.suppressions.get(finding.node, ()):
                used.add((finding.node, rule.code))
                continue
            pending.append(
                _Pending(
                    Diagnostic(rule.code, severity, finding.message, node=finding.node, path=finding.path),
                    finding.key,
                    finding.column_offset,
                )
            )
    if tree is not None and goal_file.scenarios:
        # A scenario's plan answers to the base plan's rules: its contradictions and gaps, graded alike.
        from goaltree.scenarios import check_scenarios

        for diagnostic in check_scenarios(tree, equations, targets.values):
            if diagnostic.node is not None and diagnostic.code in config.suppressions.get(diagnostic.node, ()):
                used.add((diagnostic.node, diagnostic.code))  # what a node knowingly breaks, it may break in a scenario
                continue
            if diagnostic.code not in config.disabled:
                graded = replace(diagnostic, severity=config.severity.get(diagnostic.code, diagnostic.severity))
                pending.append(_Pending(graded, key=True))

    pending.extend(_unused_suppressions(config, ran, used, rules))

    located.extend(locate(load, p.diagnostic, key=p.key, column_offset=p.column_offset) for p in pending)
    return sorted(located, key=sort_key)


def _run_safely(rule: type[Rule], context: CheckContext) -> tuple[list[Finding], _Pending | None]:
    """The rule's findings, and an ``E099`` for its first crash (a crashed node rule goes on with the next node)."""
    instance = rule()
    findings: list[Finding] = []
    if isinstance(instance, NodeRule):
        crashed: list[str] = []
        first: BaseException | None = None
        for node_id, node in context.goal_file.nodes.items():
            try:
                findings.extend(instance.check_node(context, node_id, node))
            except Exception as error:  # a rule bug must never become a traceback
                crashed.append(node_id)
                first = first or error
        if first is None:
            return findings, None
        return findings, _crash(rule, first, crashed)
    try:
        for finding in instance.check(context):
            findings.append(finding)
    except Exception as error:
        return findings, _crash(rule, error, [])
    return findings, None


def _crash(rule: type[Rule], error: BaseException, nodes: list[str]) -> _Pending:
    import traceback

    detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    fields = {"code": rule.code, "name": rule.name, "detail": detail}
    if not nodes:
        message = _(
            "rule {code} ({name}) crashed: {detail}; the other rules ran. "
            "This is a bug in goaltree, not in your file: please report it",
            **fields,
        )
    elif len(nodes) == 1:
        message = _(
            "rule {code} ({name}) crashed on node '{node}': {detail}; the other rules ran. "
            "This is a bug in goaltree, not in your file: please report it",
            node=nodes[0],
            **fields,
        )
    else:
        # The English keeps its "node(s)", which users and tests have read since E099 was added.
        message = _n(
            "rule {code} ({name}) crashed on node '{node}' and {count} more node(s): {detail}; the other rules "
            "ran. This is a bug in goaltree, not in your file: please report it",
            "rule {code} ({name}) crashed on node '{node}' and {count} more node(s): {detail}; the other rules "
            "ran. This is a bug in goaltree, not in your file: please report it",
            len(nodes) - 1,
            node=nodes[0],
            **fields,
        )
    return _Pending(
        Diagnostic(
            codes.RULE_CRASHED,
            "error",
            message,
            node=nodes[0] if nodes else None,
            path=("nodes", nodes[0]) if nodes else None,
        ),
        key=True,
    )


def _unused_suppressions(
    config: Configuration, ran: set[str], used: set[tuple[str, str]], rules: tuple[type[Rule], ...]
) -> Iterable[_Pending]:
    names = {rule.code: rule.name for rule in rules}
    for node_id, suppressed in config.suppressions.items():
        for code, entry in suppressed.items():
            if code not in ran or (node_id, code) in used:
                continue  # a rule that did not run, or crashed, cannot tell
            yield _Pending(
                Diagnostic(
                    codes.UNUSED_SUPPRESSION,
                    "warning",
                    _(
                        "{code} ({name}) is suppressed here but does not fire on this node; "
                        "remove the suppression so the rule guards the node again",
                        code=code,
                        name=names[code],
                    ),
                    node=node_id,
                    path=("nodes", node_id, "suppress", entry),
                ),
                key=True,
            )


def apply_configuration(
    goal_file: "GoalFile", diagnostics: Iterable[Diagnostic], rules: Iterable[type[Rule]] | None = None
) -> list[Diagnostic]:
    """Apply a goal file's ``checks:`` and ``suppress:`` to diagnostics reported outside ``check``.

    ``goaltree evaluate`` reports ``A004`` (measured actuals that disagree with
    their children); a team that disabled, re-graded or suppressed it for a
    node expects evaluate to honour that too. Structure codes pass unchanged;
    problems of the configuration itself are ``check``'s to report.
    """
    if rules is None:
        from goaltree.rules.registry import DEFAULT_RULES

        rules = DEFAULT_RULES
    config = configure(goal_file, rules)
    result = []
    for diagnostic in diagnostics:
        code = diagnostic.code
        if code in config.disabled:
            continue
        if diagnostic.node is not None and code in config.suppressions.get(diagnostic.node, ()):
            continue
        severity = config.severity.get(code)
        result.append(diagnostic if severity is None else replace(diagnostic, severity=severity))
    return result
