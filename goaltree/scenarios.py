"""What-if plans: a scenario gives some nodes another target and the plan is solved again.

A scenario is a transformation of the validated goal file: each node it
``set``\\ s gets that value as its declared target (overriding a declared or a
derived one), and the normal graph and engine run on the result. So every rule
of the base plan (contradicting targets A003, underdetermined E010, …)
applies unchanged to a scenario. :func:`sensitivity` moves one input at a
time by a step and reads how far a node moves: its elasticity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

from goaltree import codes
from goaltree.errors import Diagnostic, GoaltreeError, did_you_mean
from goaltree.model import BASE_SCENARIO, GoalFile
from goaltree.present.language import _

if TYPE_CHECKING:
    from goaltree.engine.equations import Equation
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


def parse_override(text: str) -> tuple[str, float]:
    """``NODE=VALUE`` from ``--set`` as a node id and a finite number.

    Raises:
        GoaltreeError: The text is not ``NODE=VALUE`` with a number (a usage error, exit 2).
    """
    import math

    node_id, sign, value_text = text.partition("=")
    node_id = node_id.strip()
    if not sign or not node_id:
        raise GoaltreeError(_("--set '{text}' is not NODE=VALUE; write it like --set lead_to_customer=0.016", text=text))
    try:
        value = float(value_text.strip().replace("_", ""))
    except ValueError:
        raise GoaltreeError(
            _("--set {node}: '{value}' is not a number; write it like --set {node}=0.016", node=node_id, value=value_text)
        ) from None
    if not math.isfinite(value):
        raise GoaltreeError(_("--set {node}: the value must be a finite number, not '{value}'", node=node_id, value=value_text))
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
    for text in overrides:
        node_id, value = parse_override(text)
        if node_id not in goal_file.nodes:
            raise GoaltreeError(
                _(
                    "--set: no node '{node}' in {tree}{suggestion}",
                    node=node_id,
                    tree=goal_file.id,
                    suggestion=did_you_mean(node_id, goal_file.nodes),
                )
            )
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


def scenario_tree(tree: "GoalTree", sets: Mapping[str, float]) -> "GoalTree":
    """The tree of ``tree``'s file with ``sets`` applied, built like the file itself.

    A target changes no formula or parent, so the graph of the base tree is
    kept: only the goal file differs.
    """
    from dataclasses import replace

    if not sets:
        return tree
    return replace(tree, goal_file=apply(tree.goal_file, sets))


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


def check_scenarios(tree: "GoalTree") -> list[Diagnostic]:
    """The base plan's solver diagnostics (A003, E010, …) for each scenario, unlocated.

    Each message starts with the scenario's name and the path points at the
    scenario in the file. Scenarios naming an unknown node are left to E029
    (:func:`unknown_scenario_nodes`).
    """
    found: list[Diagnostic] = []
    for name, scenario in tree.goal_file.scenarios.items():
        if all(node_id in tree.goal_file.nodes for node_id in scenario.set):
            found.extend(_solver_findings(name, scenario_tree(tree, scenario.set)))
    return found


def _solver_findings(name: str, tree: "GoalTree") -> list[Diagnostic]:
    from dataclasses import replace

    from goaltree.engine.equations import solve_targets

    outcome = solve_targets(tree)
    return [
        replace(
            diagnostic,
            message=_("in scenario '{scenario}': {problem}", scenario=name, problem=diagnostic.message),
            path=("scenarios", name),
            file=None,
            line=None,
            column=None,
        )
        for diagnostic in outcome.diagnostics
        if diagnostic.code in SOLVER_CODES
    ]


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

    goal_file = tree.goal_file
    problems = unknown_scenario_nodes(goal_file)
    if problems:
        raise DiagnosticsError([_located(tree.load, d) for d in problems])
    equations = equations_of(tree)  # a target changes no equation: shared by every scenario
    names = (BASE_SCENARIO, *goal_file.scenarios)
    solved = {BASE_SCENARIO: solve_targets(tree, equations).values}
    found: list[Diagnostic] = []
    for name, scenario in goal_file.scenarios.items():
        variant = scenario_tree(tree, scenario.set)
        outcome = solve_targets(variant, equations)
        solved[name] = outcome.values
        found.extend(_located(tree.load, d) for d in _solver_findings(name, variant))
    targets = {
        node_id: {name: _finite_or_none(solved[name].get(node_id)) for name in names} for node_id in goal_file.nodes
    }
    descriptions = {BASE_SCENARIO: _("the plan as the file states it")}
    descriptions.update({name: s.description for name, s in goal_file.scenarios.items()})
    units = {node_id: node.unit for node_id, node in goal_file.nodes.items()}
    return Comparison(names, targets, units, descriptions, tuple(dict.fromkeys(found)))


def _step_text(step: float) -> str:
    """The step of a sensitivity in a sentence: ``10%`` in English (as it always read), ``10 %`` in Swedish."""
    from goaltree.present.language import current
    from goaltree.present.numbers import format_share

    return f"{step:.0%}" if current().is_english else format_share(step)


def _format_number(value: float | None, unit: str | None = None) -> str:
    from goaltree.present.numbers import format_number

    return format_number(value, unit)


def difference(value: float | None, base: float | None, unit: str | None) -> str:
    """How a scenario's target differs from the base plan's: ``+12.5 %``, or ``+3`` when the base is 0; ``""`` when equal."""
    if value is None or base is None or value == base:
        return ""
    if base == 0:
        change = value - base
        return ("+" if change > 0 else "−") + _format_number(abs(change), unit)
    relative = (value - base) / abs(base)
    if abs(relative) < 0.0005:  # shown as ±0.0 %: say how much instead
        change = value - base
        return ("+" if change > 0 else "−") + _format_number(abs(change), unit)
    from goaltree.present.numbers import format_percent

    return ("+" if relative > 0 else "−") + format_percent(abs(relative))


def cells(comparison: Comparison, node_id: str) -> list[str]:
    """The row of one node: the base target, then each scenario's with its difference."""
    row = comparison.targets[node_id]
    unit = comparison.units[node_id]
    base = row[BASE_SCENARIO]
    texts = [_format_number(base, unit)]
    for name in comparison.scenarios[1:]:
        value = row[name]
        change = difference(value, base, unit)
        texts.append(_format_number(value, unit) + (f" ({change})" if change else ""))
    return texts


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


# --- sensitivity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Driver:
    """One input of a node and how far the node moves with it.

    Attributes:
        node: The input's id.
        value: The input's value the elasticity is taken at.
        elasticity: ``(dV/V) / (dx/x)``, by central difference.
        low: The node's value with the input moved down by the step.
        high: The node's value with the input moved up by the step.
    """

    node: str
    value: float
    elasticity: float
    low: float
    high: float


@dataclass(frozen=True)
class Sensitivity:
    """What moves one node's value.

    Attributes:
        node: The node.
        value: Its value with every input at its own value.
        drivers: The inputs, the largest elasticity (by size) first.
        skipped: Input id -> why it has no elasticity (unknown value, zero, a division by zero).
    """

    node: str
    value: float | None
    drivers: tuple[Driver, ...]
    skipped: dict[str, str]

    def to_json(self) -> dict:
        """``{"node", "value", "drivers": [{"node", "elasticity", "low", "high"}], "skipped"}``."""
        return {
            "node": self.node,
            "value": self.value,
            "drivers": [
                {"node": d.node, "elasticity": d.elasticity, "low": d.low, "high": d.high} for d in self.drivers
            ],
            "skipped": [{"node": node_id, "reason": reason} for node_id, reason in self.skipped.items()],
        }


def inputs_of(node_id: str, equation_of: Mapping[str, "Equation"]) -> list[str]:
    """The inputs ``node_id`` depends on through formulas and numeric roll-ups: the nodes no equation computes.

    In depth-first order of the formulas and roll-ups, each once.
    """
    return [current for current in _below(node_id, equation_of) if current != node_id and current not in equation_of]


def _below(node_id: str, equation_of: Mapping[str, "Equation"]) -> list[str]:
    """``node_id`` and every node its formulas and roll-ups reach, each once, depth first."""
    seen: set[str] = set()
    order: list[str] = []
    stack = [node_id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        order.append(current)
        equation = equation_of.get(current)
        if equation is not None:
            stack.extend(reversed(equation.children))
    return order


def top_nodes(tree: "GoalTree", equation_of: Mapping[str, "Equation"]) -> list[str]:
    """The nodes sensitivity looks at by default: computed nodes that no other equation uses.

    For a file whose roots are formulas or sums these are its roots; under an
    objective scored by progress, the top of each numeric chain.
    """
    used = {child for equation in equation_of.values() for child in equation.children}
    return [node_id for node_id in tree.order if node_id in equation_of and node_id not in used]


_FAR_FROM_OVERFLOW = 1e300
"""The largest value :meth:`_Model._shifted_sum` adds: a million of them still fit in a float."""


class _Model:
    """A node as a function of its inputs: computed once at the inputs' values, then again per moved input.

    Moving one input recomputes only the equations between it and the node,
    so looking at every input of a wide tree costs one pass over each
    input's ancestors, not one pass over the whole sub-tree.
    """

    def __init__(self, node_id: str, equation_of: Mapping[str, "Equation"], order: Sequence[str]) -> None:
        self.node_id = node_id
        self.equation_of = equation_of
        below = set(_below(node_id, equation_of))
        # Children before parents: the order every recomputation follows.
        self.heads = [n for n in reversed(order) if n in below and n in equation_of]
        self.position = {n: i for i, n in enumerate(self.heads)}
        users: dict[str, list[str]] = {}
        for head in self.heads:
            for child in dict.fromkeys(equation_of[head].children):
                users.setdefault(child, []).append(head)
        self.users = users

        # The last base computed, and the exact parts of its sums (see _shifted_sum).
        self._base: tuple[dict[str, float], dict[str, tuple[list[float], frozenset[str]] | None]] | None = None

    def _evaluate(self, head: str, values: Mapping[str, float]) -> float:
        equation = self.equation_of[head]
        return equation.evaluate({child: values[child] for child in equation.children})

    def base(self, inputs: Mapping[str, float]) -> dict[str, float]:
        """Every node between the inputs and the node, computed from ``inputs`` (raises on a division by zero)."""
        values = dict(inputs)
        for head in self.heads:
            values[head] = self._evaluate(head, values)
        self._base = (values, {})
        return values

    def _shifted_sum(self, head: str, changed: Mapping[str, float]) -> float | None:
        """A sum's (or mean's) value with the ``changed`` children, from its base's exact parts; ``None`` when not a sum.

        Recomputing a sum of N children for each of its N moved inputs is
        quadratic. The base's children are kept as a few floats whose sum is
        exactly theirs (Shewchuk's partials, as ``math.fsum`` keeps them); the
        moved sum is ``fsum`` of those, minus each changed child's base value,
        plus its new one: the same correctly rounded float as ``fsum`` of all
        the children, in time of the changed ones.
        """
        import math

        equation = self.equation_of[head]
        if equation.formula is not None or equation.kind not in ("sum", "mean") or self._base is None:
            return None
        base, exact = self._base
        if head not in exact:
            children = equation.children
            numbers = [base[child] for child in children]
            partials: list[float] = []
            for x in numbers:
                kept = 0
                for y in partials:
                    if abs(x) < abs(y):
                        x, y = y, x
                    high = x + y
                    low = y - (high - x)
                    if low:
                        partials[kept] = low
                        kept += 1
                    x = high
                partials[kept:] = [x]
            # Far from the largest float, so that neither sum can overflow on the way.
            usable = len(set(children)) == len(children) and all(abs(x) <= _FAR_FROM_OVERFLOW for x in numbers)
            exact[head] = (partials, frozenset(children)) if usable else None
        known = exact[head]
        if known is None:
            return None
        partials, children = known
        terms = list(partials)
        for child, value in changed.items():
            if child in children:
                if not abs(value) <= _FAR_FROM_OVERFLOW:
                    return None
                terms += (-base[child], value)
        try:
            result = math.fsum(terms)
        except (OverflowError, ValueError):
            return None
        if result == 0 or not math.isfinite(result):
            return None  # the full sum decides the sign of a zero and what overflows
        return result if equation.kind == "sum" else result / len(equation.children)

    def moved(self, base: Mapping[str, float], input_id: str, value: float) -> float:
        """The node with ``input_id`` at ``value`` and every other input as in ``base``."""
        from collections import ChainMap

        changed: dict[str, float] = {input_id: value}
        values = ChainMap(changed, base)  # type: ignore[arg-type]
        affected: set[str] = set()
        stack = list(self.users.get(input_id, ()))
        while stack:
            head = stack.pop()
            if head not in affected:
                affected.add(head)
                stack.extend(self.users.get(head, ()))
        exact = self._base is not None and self._base[0] is base
        for head in sorted(affected, key=self.position.__getitem__):
            shifted = self._shifted_sum(head, changed) if exact else None
            changed[head] = self._evaluate(head, values) if shifted is None else shifted
        return values[self.node_id]


def sensitivity(
    tree: "GoalTree",
    node_id: str,
    values: Mapping[str, float],
    step: float = 0.1,
) -> Sensitivity:
    """The elasticity of ``node_id`` to each of its inputs, at ``values``.

    The node is computed forward from its inputs through its formulas and
    roll-ups, so that declared targets above the inputs do not hold it still.
    Each input is moved down and up by ``step`` (a fraction: 0.1 is 10 %)
    with every other input kept, and the elasticity is the central difference
    ``((high - low) / value) / (2 * step)``.

    Args:
        tree: The goal tree.
        node_id: The node whose value is looked at.
        values: Node id -> value (targets, or actuals) for the inputs.
        step: How far each input is moved, as a fraction of its value (0 < step < 1).
    """
    import math

    from goaltree.engine.equations import equations_of
    from goaltree.formula import FormulaError

    equation_of = {equation.node: equation for equation in equations_of(tree)}
    inputs = inputs_of(node_id, equation_of)
    skipped: dict[str, str] = {}
    missing = [input_id for input_id in inputs if values.get(input_id) is None]
    for input_id in missing:
        skipped[input_id] = _("its value is not known")
    if missing:
        return Sensitivity(node_id, None, (), skipped)
    known = {input_id: float(values[input_id]) for input_id in inputs}
    if node_id not in equation_of:
        return Sensitivity(node_id, values.get(node_id), (), skipped)

    model = _Model(node_id, equation_of, tree.order)
    failures = (FormulaError, ZeroDivisionError, OverflowError, ValueError)
    try:
        base = model.base(known)
        value: float | None = base[node_id]
    except failures:
        base, value = {}, None
    if value is None or not math.isfinite(value):
        reason = _("{node} cannot be computed", node=node_id)
        return Sensitivity(node_id, None, (), {**skipped, **{i: reason for i in inputs}})

    def computed(input_id: str, moved: float) -> float | None:
        try:
            result = model.moved(base, input_id, moved)
        except failures:
            return None
        return result if math.isfinite(result) else None

    drivers: list[Driver] = []
    for input_id in inputs:
        x = known[input_id]
        if x == 0:
            skipped[input_id] = _("its value is 0: a relative change of it means nothing")
            continue
        if value == 0:
            skipped[input_id] = _("{node} is 0: a relative change of it means nothing", node=node_id)
            continue
        low = computed(input_id, x * (1 - step))
        high = computed(input_id, x * (1 + step))
        if low is None or high is None:
            skipped[input_id] = _(
                "moving it by {step} leaves {node} without a value (a division by zero)", step=_step_text(step), node=node_id
            )
            continue
        elasticity = ((high - low) / value) / (2 * step)
        drivers.append(Driver(input_id, x, _significant(elasticity), _significant(low), _significant(high)))
    drivers.sort(key=lambda d: (-abs(d.elasticity), d.node))
    return Sensitivity(node_id, _significant(value), tuple(drivers), skipped)


def _significant(number: float) -> float:
    """``number`` to 12 significant digits: 0.9 is 0.9, not the 0.8999999999999999 that the float steps leave."""
    return float(f"{number:.12g}") + 0.0  # + 0.0 turns -0.0 into 0.0
