"""What-if plans: a scenario gives some nodes another target and the plan is solved again.

A scenario is a transformation of the validated goal file: each node it
``set``\\ s gets that value as its declared target (overriding a declared or a
derived one), and the normal graph and engine run on the result. So every rule
of the base plan (contradicting targets A003, underdetermined E010, …)
applies unchanged to a scenario. What moves a node's value (its
sensitivity to each input) is :mod:`goaltree.sensitivity`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from goaltree import codes
from goaltree.errors import Diagnostic, GoaltreeError, did_you_mean
from goaltree.model import BASE_SCENARIO, GoalFile
from goaltree.present.language import _

if TYPE_CHECKING:
    from goaltree.engine.equations import SolveOutcome
    from goaltree.engine.system import Equation
    from goaltree.goalfile import LoadResult
    from goaltree.graph import GoalTree

# The solver's findings that make a scenario's plan unusable or contradictory, as they do the base plan's.
SOLVER_CODES = (
    codes.CONTRADICTING_TARGETS,
    codes.UNDERDETERMINED_TARGETS,
    codes.DIVISION_BY_ZERO,
    codes.NUMBER_OVERFLOW,
)


@dataclass(frozen=True)
class Choice:
    """The scenario a command shows: a named one, ``--set`` overrides, or both.

    Attributes:
        name: The scenario's name; ``base`` for the plan as the file states it.
        sets: Node id -> target, the named scenario's ``set`` then the ``--set`` overrides.
        overrides: The ``--set`` overrides alone, in command-line order.
    """

    name: str = BASE_SCENARIO
    sets: Mapping[str, float] = field(default_factory=dict)
    overrides: Mapping[str, float] = field(default_factory=dict)

    @property
    def is_base(self) -> bool:
        """Whether this is the plan itself, unchanged."""
        return self.name == BASE_SCENARIO and not self.sets

    @property
    def label(self) -> str:
        """``higher_conversion``, ``higher_conversion, leads=900`` or ``base, leads=900``: what the output shows."""
        # All 15 significant digits a double keeps: `--set deal=1000000` reads back as typed, not as 1e+06.
        parts = [self.name] + [f"{node_id}={value:.15g}" for node_id, value in self.overrides.items()]
        return ", ".join(parts)


def parse_override(text: str, unit: Callable[[str], str | None] = lambda node_id: None) -> tuple[str, float]:
    """``NODE=VALUE`` from ``--set`` as a node id and a finite number in the node's unit.

    A value may be written as a percent of a rate: ``win_rate=16%`` is 0.16
    for a ``ratio`` node and 16 for a ``%`` node (whose values are percent);
    ``roi=950%`` is 9.5 for a ``multiple`` node (950 % is 9.5×).

    Args:
        text: What follows ``--set``.
        unit: Node id -> its unit (``None`` for an unknown node).

    Raises:
        GoaltreeError: The text is not ``NODE=VALUE`` with a number (a usage error, exit 2).
    """
    import math

    node_id, sign, value_text = text.partition("=")
    node_id = node_id.strip()
    if not sign or not node_id:
        raise GoaltreeError(_("--set '{text}' is not NODE=VALUE; write it like --set lead_to_customer=0.016", text=text))
    number_text = value_text.strip().replace("_", "")
    percent = number_text.endswith("%")
    node_unit = unit(node_id)
    example = {"ratio": "0.016", "%": "1.6"}.get(node_unit or "", "1200")
    try:
        value = float(number_text[:-1] if percent else number_text)
    except ValueError:
        raise GoaltreeError(
            _("--set {node}: '{value}' is not a number; write it like --set {node}={example}", node=node_id, value=value_text, example=example)
        ) from None
    if not math.isfinite(value):
        raise GoaltreeError(_("--set {node}: the value must be a finite number, not '{value}'", node=node_id, value=value_text))
    if percent:
        if node_unit in ("ratio", "multiple"):
            value /= 100  # a ratio's values are fractions: 16 % is 0.16; 950 % is 9.5×
        elif node_unit != "%":
            raise GoaltreeError(
                _(
                    "--set {node}: '{value}' is a percent, but {node} is not a rate (its unit is {unit}); "
                    "write the number itself, like --set {node}={example}",
                    node=node_id,
                    value=value_text,
                    unit=node_unit or "–",
                    example=example,
                )
            )
    return node_id, value


def choose(goal_file: GoalFile, name: str | None, overrides: Sequence[str] = ()) -> Choice:
    """The scenario that ``--scenario NAME`` and ``--set NODE=VALUE`` ask for.

    Args:
        goal_file: The validated goal file.
        name: The scenario's name (``None`` or ``base``: the plan itself).
        overrides: ``NODE=VALUE`` texts, applied after the scenario's own ``set``.

    Raises:
        GoaltreeError: An unknown scenario or node, or a malformed override (exit 2, with "did you mean").
    """
    sets: dict[str, float] = {}
    name = name or BASE_SCENARIO
    if name != BASE_SCENARIO:
        scenario = goal_file.scenarios.get(name)
        if scenario is None:
            known = [BASE_SCENARIO, *goal_file.scenarios]
            raise GoaltreeError(
                _(
                    "no scenario '{scenario}' in {tree}{suggestion}; it has: {scenarios}",
                    scenario=name,
                    tree=goal_file.id,
                    suggestion=did_you_mean(name, known),
                    scenarios=", ".join(known),
                )
            )
        unknown = [node_id for node_id in scenario.set if node_id not in goal_file.nodes]
        if unknown:
            # `check` reports this as E029 at its line; a command cannot show a scenario it cannot build.
            raise GoaltreeError(
                _(
                    "scenario '{scenario}' sets '{node}', which is not a node{suggestion}; `goaltree check` shows where",
                    scenario=name,
                    node=unknown[0],
                    suggestion=did_you_mean(unknown[0], goal_file.nodes),
                )
            )
        sets.update(scenario.set)
    parsed: dict[str, float] = {}
    nodes = goal_file.nodes
    for text in overrides:
        node_id = text.partition("=")[0].strip()
        if node_id and "=" in text and node_id not in nodes:
            raise GoaltreeError(
                _(
                    "--set: no node '{node}' in {tree}{suggestion}",
                    node=node_id,
                    tree=goal_file.id,
                    suggestion=did_you_mean(node_id, goal_file.nodes),
                )
            )
        node_id, value = parse_override(text, lambda node_id: nodes[node_id].unit)
        parsed[node_id] = value
    sets.update(parsed)
    return Choice(name, sets, parsed)


def apply(goal_file: GoalFile, sets: Mapping[str, float]) -> GoalFile:
    """``goal_file`` with each node in ``sets`` given that value as its declared target.

    Args:
        goal_file: The validated goal file (left unchanged: models are frozen).
        sets: Node id -> target; every id must be a node of the file.
    """
    if not sets:
        return goal_file
    nodes = dict(goal_file.nodes)
    for node_id, value in sets.items():
        nodes[node_id] = nodes[node_id].model_copy(update={"target": float(value)})
    return goal_file.model_copy(update={"nodes": nodes})


def scenario_tree(tree: "GoalTree", sets: Mapping[str, float], set_by: Mapping[str, str | None] | None = None) -> "GoalTree":
    """The tree of ``tree``'s file with ``sets`` applied, built like the file itself.

    A target changes no formula or parent, so the graph of the base tree is
    kept: only the goal file differs.

    Args:
        tree: The plan's tree.
        sets: Node id -> its target in the what-if.
        set_by: Node id -> the scenario that sets it, or ``None`` for ``--set``; by default
            each node of ``sets`` is set by an unnamed what-if (``--set``).
    """
    from dataclasses import replace

    if not sets:
        return tree
    origins = {node_id: None for node_id in sets} if set_by is None else {node_id: set_by.get(node_id) for node_id in sets}
    return replace(tree, goal_file=apply(tree.goal_file, sets), set_by=origins)


def unknown_scenario_nodes(goal_file: GoalFile) -> list[Diagnostic]:
    """Error E029 for each node id a scenario's ``set`` names that is not a node, with a "did you mean"."""
    return [
        Diagnostic(
            codes.UNKNOWN_SCENARIO_NODE,
            "error",
            _(
                "scenario '{scenario}' sets '{node}', which is not a node{suggestion}; name a node id under `nodes`",
                scenario=name,
                node=node_id,
                suggestion=did_you_mean(node_id, goal_file.nodes),
            ),
            path=("scenarios", name, "set", node_id),
        )
        for name, scenario in goal_file.scenarios.items()
        for node_id in scenario.set
        if node_id not in goal_file.nodes
    ]


def check_scenarios(
    tree: "GoalTree", equations: "list[Equation] | None" = None, base: Mapping[str, float] | None = None
) -> list[Diagnostic]:
    """The base plan's diagnostics (A003, E010, M002, A005, …) for each scenario, unlocated.

    Each message starts with the scenario's name and the path points at the
    scenario in the file. Scenarios naming an unknown node are left to E029
    (:func:`unknown_scenario_nodes`).

    Args:
        tree: The plan's tree.
        equations: Its equations, when the caller has them.
        base: The plan's targets, when the caller has solved them.
    """
    from goaltree.engine.equations import equations_of, solve_targets

    goal_file = tree.goal_file
    if not goal_file.scenarios:
        return []
    if equations is None:
        equations = equations_of(tree)  # a target changes no equation: shared by every scenario
    if base is None:
        base = solve_targets(tree, equations).values
    found: list[Diagnostic] = []
    for name, scenario in goal_file.scenarios.items():
        if all(node_id in goal_file.nodes for node_id in scenario.set):
            variant = scenario_tree(tree, scenario.set, dict.fromkeys(scenario.set, name))
            outcome = solve_targets(variant, equations)
            found.extend(scenario_findings(name, variant, outcome, equations, base, ("scenarios", name)))
    return found


def scenario_findings(
    name: str,
    variant: "GoalTree",
    outcome: "SolveOutcome",
    equations: "list[Equation]",
    base: Mapping[str, float],
    path: tuple[str, ...] | None,
) -> list[Diagnostic]:
    """What the plan would be told about a scenario's targets, each message starting ``in scenario 'NAME':``.

    The solver's findings (:data:`SOLVER_CODES`); a derived target below zero
    for a node that counts or earns (A005); and a KPI the plan gives a target
    that the scenario leaves without one (M002), as when a rate set to 0
    leaves nothing to divide by.

    Args:
        name: The scenario's label (``higher_conversion``, ``base, leads=900``).
        variant: The scenario's tree (:func:`scenario_tree`).
        outcome: Its target solve.
        equations: The tree's equations.
        base: The plan's targets.
        path: Where the findings point (``("scenarios", name)``); ``None``: at each finding's node.
    """
    from dataclasses import replace

    from goaltree.rules.base import CheckContext
    from goaltree.rules.derived import ImpossibleDerivedTarget
    from goaltree.rules.measurable import KpiWithoutTarget

    found = [d for d in outcome.diagnostics if d.code in SOLVER_CODES]
    context = CheckContext(variant.goal_file, outcome, {}, equations, variant)
    for rule in (KpiWithoutTarget, ImpossibleDerivedTarget):
        for finding in rule().check(context):
            if rule is KpiWithoutTarget and finding.node not in base:
                continue  # the plan's own gap, reported for the plan
            found.append(Diagnostic(rule.code, rule.severity, finding.message, node=finding.node, path=finding.path))
    found.extend(_scale_slips(variant, base))
    return [
        replace(
            diagnostic,
            message=_("in scenario '{scenario}': {problem}", scenario=name, problem=diagnostic.message),
            path=path or (("nodes", diagnostic.node) if diagnostic.node else None),
            file=None,
            line=None,
            column=None,
        )
        for diagnostic in found
    ]


def _scale_slips(variant: "GoalTree", base: Mapping[str, float]) -> list[Diagnostic]:
    """M006 for a value the scenario sets a hundred times off its plan, as a rate written at the other scale.

    A `%` node holds percent: ``win_rate: 0.3`` against a plan of 25 % is 0.3 %,
    and 30 % was surely meant (the tutorial writes a ratio's 0.018); an ROI
    (`multiple`) set to 950 against a plan of 9.5× was written as the percent
    950 %. Only a
    value that is the plan's order of magnitude once moved by the factor of
    100 (within a factor of 3) is taken as such a slip.
    """
    from goaltree.present.numbers import format_number

    found = []
    for node_id in variant.set_by:
        node = variant.goal_file.nodes[node_id]
        value, plan = node.target, base.get(node_id)
        if value is None or not plan or node.unit not in ("%", "ratio", "multiple"):
            continue
        meant = value * 100 if node.unit == "%" else value / 100
        if not (abs(value) < 1 if node.unit == "%" else abs(value) > 1) or not 1 / 3 <= meant / plan <= 3:
            continue
        fields = {
            "node": node_id,
            "value": format_number(value, node.unit),
            "plan": format_number(plan, node.unit),
            "written": format_number(value),
            "meant": format_number(meant),
        }
        if node.unit == "%":
            message = _(
                "{node} is set to {value}, about a hundredth of its plan's {plan}: a % node reads {written} as "
                "{value}; write {meant} if that is what the scenario means",
                **fields,
            )
        elif node.unit == "ratio":
            message = _(
                "{node} is set to {value}, about a hundred times its plan's {plan}: a ratio node reads {written} "
                "as {value}; write {meant} if that is what the scenario means",
                **fields,
            )
        else:
            message = _(
                "{node} is set to {value}, about a hundred times its plan's {plan}: a multiple is not a percent "
                "(950 % is 9.5×); write {meant} if that is what the scenario means",
                **fields,
            )
        found.append(Diagnostic(codes.PERCENT_AT_WRONG_SCALE, "error", message, node=node_id, path=("nodes", node_id)))
    return found


def lost_targets(tree: "GoalTree", variant: "GoalTree", choice: Choice) -> list[Diagnostic]:
    """M002 for each KPI the plan gives a target that the chosen scenario leaves without one, located.

    What ``evaluate --scenario`` adds to the engine's findings (which carry the
    solver's and A005 already): a target the what-if takes away, as a rate set
    to 0 leaves nothing to divide by, is said, never a silent ``–``. Each
    points at the scenario in the file, or at the node for ``--set`` alone.

    Args:
        tree: The plan's tree.
        variant: The chosen scenario's tree (:func:`scenario_tree`).
        choice: What ``--scenario`` and ``--set`` chose.
    """
    from goaltree.engine.equations import equations_of, solve_targets
    from goaltree.rules.runner import apply_configuration

    equations = equations_of(tree)
    base = solve_targets(tree, equations).values
    outcome = solve_targets(variant, equations)
    path = None if choice.name == BASE_SCENARIO else ("scenarios", choice.name)
    found = [
        d
        for d in scenario_findings(choice.label, variant, outcome, equations, base, path)
        if d.code in (codes.KPI_WITHOUT_TARGET, codes.PERCENT_AT_WRONG_SCALE)
    ]
    return [_located(tree.load, d) for d in apply_configuration(tree.goal_file, found)]


@dataclass(frozen=True)
class Comparison:
    """Every node's target in the base plan and in each scenario.

    Attributes:
        scenarios: ``base`` then the file's scenarios, in file order.
        targets: Node id -> scenario -> target (``None``: not known in that scenario).
        units: Node id -> unit.
        descriptions: Scenario -> its description.
        diagnostics: The problems met while solving the scenarios (as :func:`check_scenarios`).
    """

    scenarios: tuple[str, ...]
    targets: dict[str, dict[str, float | None]]
    units: dict[str, str | None]
    descriptions: dict[str, str | None]
    diagnostics: tuple[Diagnostic, ...]

    def changed(self, node_id: str) -> bool:
        """Whether any scenario gives ``node_id`` another target than the base plan."""
        row = self.targets[node_id]
        base = row[BASE_SCENARIO]
        return any(not _same(row[name], base) for name in self.scenarios[1:])

    def to_json(self) -> dict:
        """``{"scenarios": ["base", …], "nodes": {id: {scenario: target}}}`` and the diagnostics."""
        return {
            "scenarios": list(self.scenarios),
            "nodes": self.targets,
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def compare(tree: "GoalTree") -> Comparison:
    """The targets of the base plan and of each scenario of ``tree``'s file, side by side.

    Raises:
        DiagnosticsError: A scenario names an unknown node (E029).
    """
    from goaltree.engine.equations import equations_of, solve_targets
    from goaltree.errors import DiagnosticsError
    from goaltree.rules.runner import apply_configuration

    goal_file = tree.goal_file
    problems = unknown_scenario_nodes(goal_file)
    if problems:
        raise DiagnosticsError([_located(tree.load, d) for d in problems])
    equations = equations_of(tree)  # a target changes no equation: shared by every scenario
    names = (BASE_SCENARIO, *goal_file.scenarios)
    solved = {BASE_SCENARIO: solve_targets(tree, equations).values}
    found: list[Diagnostic] = []
    for name, scenario in goal_file.scenarios.items():
        variant = scenario_tree(tree, scenario.set, dict.fromkeys(scenario.set, name))
        outcome = solve_targets(variant, equations)
        solved[name] = outcome.values
        found.extend(scenario_findings(name, variant, outcome, equations, solved[BASE_SCENARIO], ("scenarios", name)))
    targets = {
        node_id: {name: _finite_or_none(solved[name].get(node_id)) for name in names} for node_id in goal_file.nodes
    }
    descriptions = {BASE_SCENARIO: _("the plan as the file states it")}
    descriptions.update({name: s.description for name, s in goal_file.scenarios.items()})
    units = {node_id: node.unit for node_id, node in goal_file.nodes.items()}
    # The file's `checks:` and `suppress:` govern these as they govern `check`.
    kept = [_located(tree.load, d) for d in apply_configuration(goal_file, found)]
    return Comparison(names, targets, units, descriptions, tuple(dict.fromkeys(kept)))


def difference(value: float | None, base: float | None, unit: str | None) -> str:
    """How a scenario's target differs from the base plan's; ``""`` when it does not.

    The relative change (``+12.5 %``, with the decimals a small one needs, as
    ``goaltree diff`` writes it); when the base is 0 there is none, and the
    difference itself is written in the node's unit, between two rates in
    percentage points.
    """
    from goaltree.present.numbers import format_change, format_difference

    if value is None or base is None or _same(value, base):
        return ""
    if base == 0:
        return format_difference(value - base, unit)
    return format_change((value - base) / abs(base))


def cells(comparison: Comparison, node_id: str) -> list[str]:
    """The row of one node: the base target, then each scenario's with its difference.

    A scenario's target gets the decimals that tell it from the base's
    (``12.5004 %`` beside ``12.5000 %``), and the base the most any scenario
    of the row needs, so that the two read apart digit by digit.
    """
    from goaltree.present.numbers import format_number, format_number_pair

    row = comparison.targets[node_id]
    unit = comparison.units[node_id]
    base = row[BASE_SCENARIO]
    base_text = format_number(base, unit)
    texts = []
    for name in comparison.scenarios[1:]:
        value = row[name]
        change = difference(value, base, unit)
        if not change:
            texts.append(format_number(value, unit))
            continue
        base_digits, value_text = format_number_pair(base, value, unit)
        if len(base_digits) > len(base_text):
            base_text = base_digits
        texts.append(f"{value_text} ({change})")
    return [base_text, *texts]


def shown_nodes(comparison: Comparison, every: bool) -> list[str]:
    """The nodes a scenario changes (all of them with ``every``), in file order."""
    return [node_id for node_id in comparison.targets if every or comparison.changed(node_id)]


def _finite_or_none(value: float | None) -> float | None:
    import math

    return value if value is not None and math.isfinite(value) else None


def _located(load: "LoadResult | None", diagnostic: Diagnostic) -> Diagnostic:
    if load is None:
        return diagnostic
    return load.locate(diagnostic, key=True)
