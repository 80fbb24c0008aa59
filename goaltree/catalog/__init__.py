"""The KPI catalogue: standard marketing KPIs a node can take by name (``kpi: roas``).

A node that names a catalogue KPI gets the KPI's formula (rewritten over the
node ids its ``inputs`` map to), unit, direction, aggregate and description,
wherever the node did not set them itself. :func:`resolve` runs on every
load, so it returns at once when no node names a KPI, and the registry is
imported only when one does.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat
from operator import attrgetter, is_not
from typing import TYPE_CHECKING, Mapping

from goaltree.errors import Diagnostic, GoaltreeError, did_you_mean
from goaltree.model import NODE_ID_PATTERN, NUMERIC_ROLLUPS, GoalFile, Node, is_percent_unit
from goaltree import codes
from goaltree.present.language import _

if TYPE_CHECKING:
    from goaltree.catalog.registry import KpiDefinition

__all__ = [
    "catalog_markdown",
    "catalogue_formula",
    "entries",
    "evaluate",
    "format_catalog",
    "get",
    "is_catalogue_formula",
    "normalise",
    "resolve",
    "without_formula",
]

#: The node fields a catalogue entry fills in, in the order they are applied.
FILLED_FIELDS = ("formula", "unit", "direction", "aggregate", "baseline", "description")

_NAME = re.compile(r"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*")
_NODE_ID = re.compile(NODE_ID_PATTERN)


@lru_cache(maxsize=1)
def _by_id() -> dict[str, "KpiDefinition"]:
    from goaltree.catalog.registry import KPIS

    return {entry.id: entry for entry in KPIS}


def entries() -> tuple["KpiDefinition", ...]:
    """Every catalogue KPI, in catalogue order (grouped as ``goaltree catalog`` lists them)."""
    from goaltree.catalog.registry import GROUPS, KPIS

    order = {group: index for index, (group, _) in enumerate(GROUPS)}
    return tuple(sorted(KPIS, key=lambda entry: order[entry.group]))


def normalise(name: str) -> str:
    """The catalogue id a user probably meant: ``ROAS`` -> ``roas``, ``CAC %`` -> ``cac_percent``."""
    text = name.strip().lower().replace("%", " percent")
    return re.sub(r"[\s\-]+", "_", text).strip("_")


def get(name: str) -> "KpiDefinition | None":
    """The catalogue KPI called ``name`` (its id, in any case), or ``None``."""
    table = _by_id()
    return table.get(name) or table.get(normalise(name))


def evaluate(entry: "KpiDefinition | str", values: Mapping[str, float]) -> float:
    """Compute a catalogue KPI from its inputs, with the goal-file formula engine.

    Args:
        entry: The KPI or its id.
        values: A value for every input name.

    Raises:
        GoaltreeError: The KPI is unknown, has no formula, or an input is missing.
    """
    definition = get(entry) if isinstance(entry, str) else entry
    if definition is None:
        raise GoaltreeError(_("unknown KPI '{kpi}'{suggestion}", kpi=entry, suggestion=did_you_mean(str(entry), _by_id())))
    if definition.formula is None:
        raise GoaltreeError(_("{kpi} is counted from a source; it has no formula to compute", kpi=definition.id))
    missing = [name for name in definition.input_names if name not in values]
    if missing:
        raise GoaltreeError(_("{kpi} needs a value for {inputs}", kpi=definition.id, inputs=", ".join(missing)))
    from goaltree.formula.percent import PercentReading
    from goaltree.formula import parse

    # The same reading as in a goal file: a `%` input enters as its fraction, a `%` KPI is fraction x 100.
    percent_inputs = frozenset(item.name for item in definition.inputs if is_percent_unit(item.unit))
    reading = PercentReading(parse(definition.formula), percent_inputs, is_percent_unit(definition.unit))
    return reading.evaluate(dict(values))


def catalogue_formula(node: Node) -> str | None:
    """The formula the catalogue gives ``node`` (over its ``inputs``), or ``None`` when it names no KPI with one."""
    if node.kpi is None:
        return None
    entry = get(node.kpi)
    if entry is None or entry.formula is None:
        return None
    return rewrite_formula(entry.formula, node.inputs)


def is_catalogue_formula(node: Node) -> bool:
    """Whether ``node``'s formula is its catalogue KPI's definition (filled in, or written out the same)."""
    return node.formula is not None and node.formula == catalogue_formula(node)


def without_formula(goal_file: GoalFile, node_id: str) -> GoalFile:
    """``goal_file`` with ``node_id``'s formula left out: a catalogue identity another formula already states."""
    nodes = dict(goal_file.nodes)
    nodes[node_id] = nodes[node_id].model_copy(update={"formula": None})
    return goal_file.model_copy(update={"nodes": nodes})


def rewrite_formula(formula: str, mapping: Mapping[str, str]) -> str:
    """``formula`` with every input name replaced by the node id ``mapping`` gives for it."""
    if not mapping:
        return formula
    return _NAME.sub(lambda match: mapping.get(match.group(0), match.group(0)), formula)


def resolve(goal_file: GoalFile) -> tuple[GoalFile, list[Diagnostic]]:
    """Fill in catalogue definitions for nodes that name a ``kpi``.

    For each such node, every field of :data:`FILLED_FIELDS` the node did not
    set is taken from the catalogue; the formula is rewritten over the node
    ids the node's ``inputs`` name (an input without a mapping is the node id
    of the same name). A node with a numeric ``rollup`` keeps its rollup and
    gets no formula. An input whose node does not exist is left in the formula
    for the graph check to report.

    Returns:
        The goal file (a new one when anything was filled in; the argument
        itself otherwise) and the diagnostics (code ``E016``) with ``path``
        set, for unknown KPIs and unknown or malformed input names.
    """
    nodes = goal_file.nodes
    # Runs on every load: asked of 100 000 nodes, the attribute lookups in C take half the time.
    if not any(map(is_not, map(attrgetter("kpi"), nodes.values()), repeat(None))) and not any(
        map(attrgetter("inputs"), nodes.values())
    ):
        return goal_file, []
    diagnostics: list[Diagnostic] = []
    filled: dict[str, Node] = {}
    for node_id, node in nodes.items():
        if node.kpi is None and not node.inputs:
            continue
        if node.kpi is None:
            diagnostics.append(
                Diagnostic(
                    codes.UNKNOWN_CATALOGUE_KPI,
                    "error",
                    _(
                        "`inputs` maps the inputs of a catalogue KPI, but this node names no `kpi`; "
                        "add `kpi: ID` (see `goaltree catalog`) or remove `inputs`"
                    ),
                    node=node_id,
                    path=("nodes", node_id, "inputs"),
                )
            )
            continue
        entry = get(node.kpi)
        if entry is None:
            diagnostics.append(
                Diagnostic(
                    codes.UNKNOWN_CATALOGUE_KPI,
                    "error",
                    _(
                        "unknown KPI '{kpi}'{suggestion}; `goaltree catalog` lists the catalogue",
                        kpi=node.kpi,
                        suggestion=did_you_mean(node.kpi, _by_id()),
                    ),
                    node=node_id,
                    path=("nodes", node_id, "kpi"),
                )
            )
            continue
        problems = _input_problems(node_id, node, entry)
        diagnostics.extend(problems)
        if problems:
            continue
        update = _filled_fields(node, entry)
        if update:
            filled[node_id] = node.model_copy(update=update)
        _fill_input_aggregates(node, entry, nodes, filled)
    if not filled:
        return goal_file, diagnostics
    new_nodes = {node_id: filled.get(node_id, node) for node_id, node in nodes.items()}
    return goal_file.model_copy(update={"nodes": new_nodes}), diagnostics


def _input_problems(node_id: str, node: Node, entry: "KpiDefinition") -> list[Diagnostic]:
    problems = []
    names = entry.input_names
    for name, target in node.inputs.items():
        path = ("nodes", node_id, "inputs", name)
        if name not in names:
            suggestion = did_you_mean(name, names)
            problems.append(
                Diagnostic(
                    codes.UNKNOWN_CATALOGUE_KPI,
                    "error",
                    _(
                        "KPI '{kpi}' has no input '{input}'{suggestion}; its inputs: {inputs}",
                        kpi=entry.id,
                        input=name,
                        suggestion=suggestion,
                        inputs=", ".join(names),
                    )
                    if names
                    else _(
                        "KPI '{kpi}' has no input '{input}'{suggestion}; its inputs: none: it is counted directly from a source",
                        kpi=entry.id,
                        input=name,
                        suggestion=suggestion,
                    ),
                    node=node_id,
                    path=path,
                )
            )
        elif not _NODE_ID.match(target):
            problems.append(
                Diagnostic(
                    codes.UNKNOWN_CATALOGUE_KPI,
                    "error",
                    _("input '{input}' must map to a node id ([a-z][a-z0-9_]*), not '{target}'", input=name, target=target),
                    node=node_id,
                    path=path,
                )
            )
    return problems


def _fill_input_aggregates(
    node: Node, entry: "KpiDefinition", nodes: Mapping[str, Node], filled: dict[str, Node]
) -> None:
    """Give the nodes of ``entry``'s level inputs (a follower count) the KPI's aggregate, unless they set one."""
    for item in entry.inputs:
        if item.aggregate is None:
            continue
        input_id = node.inputs.get(item.name, item.name)
        original = nodes.get(input_id)
        if original is None or "aggregate" in original.model_fields_set:
            continue
        current = filled.get(input_id, original)
        if current.aggregate is None and "aggregate" not in current.model_fields_set:
            filled[input_id] = current.model_copy(update={"aggregate": item.aggregate})


def _filled_fields(node: Node, entry: "KpiDefinition") -> dict[str, object]:
    explicit = node.model_fields_set
    values: dict[str, object] = {
        "formula": rewrite_formula(entry.formula, node.inputs) if entry.formula is not None else None,
        "unit": entry.unit,
        "direction": entry.direction,
        "aggregate": entry.aggregate,
        "baseline": entry.baseline,
        "description": entry.definition,
    }
    update = {}
    for name in FILLED_FIELDS:
        if name in explicit or values[name] is None:
            continue
        if name == "formula" and node.rollup in NUMERIC_ROLLUPS:
            # The node is computed from its parent-edge children; a formula too would be two equations.
            continue
        update[name] = values[name]
    return update


def format_catalog(entry_id: str | None = None) -> str:
    """The text ``goaltree catalog [ID]`` prints: the list, or one KPI explained.

    Raises:
        GoaltreeError: ``entry_id`` is not in the catalogue (with a "did you mean").
    """
    from goaltree.catalog.text import format_entry, format_listing

    if entry_id is None:
        return format_listing(entries())
    entry = get(entry_id)
    if entry is None:
        raise GoaltreeError(
            _(
                "no KPI '{kpi}' in the catalogue{suggestion}; `goaltree catalog` lists them all",
                kpi=entry_id,
                suggestion=did_you_mean(entry_id, _by_id()),
            )
        )
    return format_entry(entry)


def catalog_markdown() -> str:
    """The catalogue reference, ``docs/catalog.md``, generated from the registry."""
    from goaltree.catalog.text import markdown

    return markdown(entries())
