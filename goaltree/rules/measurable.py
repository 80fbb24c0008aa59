"""M — measurable: a KPI has a unit, a target, data, a sensible aggregate and formulas in like units."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from goaltree.engine.measuring import summed_rate_message
from goaltree.model import NUMERIC_ROLLUPS, is_percent_unit, is_rate_unit
from goaltree.present.language import _, _n, _p
from goaltree.present.numbers import format_number
from goaltree.rules import units, wording
from goaltree.rules.base import CheckContext, Finding, NodeRule, Rule, where
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.formula import Expression
    from goaltree.model import Node


class KpiWithoutUnit(NodeRule):
    """A KPI has no `unit`.

    Without a unit nobody can tell whether 1.4 is a percentage, a ratio or a
    count, and goaltree cannot check that a formula adds like to like (M005)
    or that a rate is not summed over time (M004). Use `SEK`, `EUR`, `count`,
    `%` (percent: `1.4`), `ratio` (a fraction: `0.014`), `days` …

    **Anti-pattern**

    ```yaml
    lead_to_customer:
      title: 1.4 % of leads become customers
      target: 0.014
    ```

    **Best practice**

    ```yaml
    lead_to_customer:
      title: 1.4 % of leads become customers
      unit: ratio
      target: 0.014
    ```
    """

    code = codes.KPI_WITHOUT_UNIT
    name = "measurable.kpi_without_unit"
    severity = "warning"
    needs_tree = False

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if node.type == "kpi" and not (node.unit or "").strip():
            yield Finding(
                _("the KPI has no unit; add `unit:` (SEK, count, %, ratio, days …)"),
                node_id,
                where(node_id),
                key=True,
            )


class KpiWithoutTarget(Rule):
    """A KPI has no target: none is declared and none can be derived.

    "En KPI kan inte vara 'Vi ska göra bättre content'": a KPI is a number
    with a goal. goaltree derives targets down the tree (SPEC §3.1): a KPI
    under a formula or a numeric rollup whose parent has a target gets its
    share. This rule runs the same solver as `goaltree evaluate` (drivers
    without a target keep their baseline) and reports the KPIs that still have
    none. A `maintain` KPI with a `range` has its target in the range. KPIs
    the solver names in an `E010` (underdetermined) error are not reported a
    second time.

    **Anti-pattern**

    ```yaml
    leads:
      title: Leads from the website
      unit: count
      actuals: {2027-03-31: 1200}
    ```

    **Best practice**

    ```yaml
    leads:
      title: 5 000 leads from the website
      unit: count
      target: 5000          # or derived: a parent formula with a target
      actuals: {2027-03-31: 1200}
    ```
    """

    code = codes.KPI_WITHOUT_TARGET
    name = "measurable.kpi_without_target"
    severity = "error"

    def check(self, context: CheckContext) -> Iterator[Finding]:
        values = context.targets.values
        underdetermined = _underdetermined(context)
        for node_id, node in context.goal_file.nodes.items():
            if node.type != "kpi" or node_id in values or node_id in underdetermined:
                continue
            if node.direction == "maintain" and node.range is not None:
                continue
            yield Finding(
                _(
                    "the KPI has no target and none can be derived from the nodes above it; "
                    "declare `target:`, or give a parent formula or sum rollup a target"
                ),
                node_id,
                where(node_id),
                key=True,
            )


def _underdetermined(context: CheckContext) -> set[str]:
    """Children of formulas the solver could not split (it reports them as E010)."""
    values = context.targets.values
    found: set[str] = set()
    for equation in context.equations:
        if equation.formula is None or equation.node not in values:
            continue
        unknown = [child for child in dict.fromkeys(equation.children) if child not in values]
        if len(unknown) >= 2:
            found.update(unknown)
    return found


class KpiWithoutData(Rule):
    """A KPI has no `metric` source and no `actuals`, and nothing computes it.

    A KPI nobody measures will always be `no_data`. Give it a `metric:` (a CSV
    column, a SQL query, a plugin) or inline `actuals:`. A KPI whose actual is
    computed is fine: one with a `formula` or a numeric `rollup` over its
    children, and one that is the only unknown of an equation whose other
    members are measured (a conversion rate between two measured counts), as
    `goaltree evaluate` solves it. Drivers are planning assumptions and are
    not checked.

    **Anti-pattern**

    ```yaml
    webinar_leads:
      title: 600 leads from webinars
      unit: count
      target: 600
    ```

    **Best practice**

    ```yaml
    webinar_leads:
      title: 600 leads from webinars
      unit: count
      target: 600
      metric: {source: crm, value: count, where: "lead_source = 'webinar'"}
    ```
    """

    code = codes.KPI_WITHOUT_DATA
    name = "measurable.kpi_without_data"
    severity = "warning"

    def check(self, context: CheckContext) -> Iterator[Finding]:
        known = _measurable(context)
        for node_id, node in context.goal_file.nodes.items():
            if node.type == "kpi" and node_id not in known:
                yield Finding(
                    _(
                        "nothing measures this KPI: add a `metric:` (a source and what to read) or inline "
                        "`actuals:`, or compute it with a `formula:` from measured nodes"
                    ),
                    node_id,
                    where(node_id),
                    key=True,
                )


def _measurable(context: CheckContext) -> set[str]:
    """Nodes whose actual is measured, assumed (a driver's plan) or computable from those (SPEC §3.2).

    The same worklist as the actuals solver, on "has a value" instead of values:
    an equation with one member left unknown makes it known.
    """
    nodes = context.goal_file.nodes
    known = {
        node_id
        for node_id, node in nodes.items()
        if node.metric is not None
        or node.actuals
        # A driver nobody measures keeps its planning value (evaluate's assumption).
        or (node.type == "driver" and node_id not in context.equation_nodes and node_id in context.targets.values)
    }
    equations = context.equations
    involved: dict[str, list[int]] = {}
    unknown_count: list[int] = []
    for index, equation in enumerate(equations):
        members = set(equation.members)
        for member in members:
            involved.setdefault(member, []).append(index)
        unknown_count.append(sum(1 for member in members if member not in known))
    ready = [index for index, count in enumerate(unknown_count) if count == 1]
    while ready:
        index = ready.pop()
        missing = [m for m in set(equations[index].members) if m not in known]
        if len(missing) != 1:
            continue
        node_id = missing[0]
        known.add(node_id)
        for other in involved.get(node_id, ()):
            unknown_count[other] -= 1
            if unknown_count[other] == 1:
                ready.append(other)
    return known


class RateSummedOverTime(NodeRule):
    """A `%`, `ratio` or `multiple` node adds up its observations over time (`aggregate: sum`).

    Three months at a 2 % conversion rate are not a 6 % conversion rate. A KPI's
    `aggregate` defaults to `sum` (right for leads, revenue, cost), so a measured
    rate KPI needs `aggregate: last` (the latest reading) or `mean`; better
    still, compute the rate from the totals with a formula (`customers /
    leads`), which goaltree evaluates on the rolled-up counts. A rate computed
    by a formula, or rolled up from its children (`rollup: weighted_mean` of
    each team's CSAT), is a level and its aggregate defaults to `last`: it is
    not reported, unless the file sets `aggregate: sum` on it (that would pace
    the rate as a flow growing from zero).

    **Anti-pattern**

    ```yaml
    conversion:
      title: 2 % of visits become leads
      unit: "%"
      target: 2
      actuals: {2027-01-31: 1.8, 2027-02-28: 2.1}
    ```

    **Best practice**

    ```yaml
    conversion:
      title: 2 % of visits become leads
      unit: "%"
      aggregate: last
      target: 2
      actuals: {2027-01-31: 1.8, 2027-02-28: 2.1}
    ```
    """

    code = codes.RATE_SUMMED_OVER_TIME
    name = "measurable.rate_summed_over_time"
    severity = "error"
    needs_tree = False

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if node.effective_aggregate != "sum" or not is_rate_unit(node.unit):
            return
        if node.formula is not None and node.metric is None and not node.actuals:
            yield Finding(
                _(
                    "the formula computes this {unit} from totals, but `aggregate: sum` paces it as a flow "
                    "growing from zero; remove `aggregate: sum` (a computed rate is a level) or set `aggregate: last`",
                    unit=node.unit,
                ),
                node_id,
                where(node_id, "aggregate"),
            )
            return
        yield Finding(
            summed_rate_message(node),
            node_id,
            where(node_id, "aggregate" if node.aggregate is not None else "unit"),
        )


class MixedUnits(Rule):
    """A formula or a numeric rollup adds, subtracts or compares values in unlike units.

    `revenue + leads` adds SEK to a count; `budget_sek + budget_eur` adds two
    currencies; `visitors + conversion_rate` adds a count to a rate. The
    result means nothing. (A `%` node enters a formula as its fraction, so
    `conversion_ratio + bounce_percent` adds 0.014 to 0.014 and is not
    reported.) Sums, differences, `min()`,
    `max()` and the numeric rollups (`sum`, `mean`, `weighted_mean`, `min`,
    `max`, which also take the parent's unit) need like units; `*` and `/`
    combine units freely (`customers * clv` is SEK), and `count`, `ratio` and
    `%` are plain numbers there. Literal numbers adapt (`1 - churn`). Units
    goaltree does not know (`leads`, `NPS`, `SEK/customer`) are never
    reported. The finding points at the operand whose unit differs.

    **Anti-pattern**

    ```yaml
    pipeline:
      title: 20 MSEK pipeline
      unit: SEK
      formula: deals_value + meetings      # SEK + count
    ```

    **Best practice**

    ```yaml
    pipeline:
      title: 20 MSEK pipeline
      unit: SEK
      formula: meetings * value_per_meeting  # count * SEK = SEK
    ```
    """

    code = codes.MIXED_UNITS
    name = "measurable.mixed_units"
    severity = "error"

    def check(self, context: CheckContext) -> Iterator[Finding]:
        nodes = context.goal_file.nodes
        cache: dict[str, units.Unit | None] = {}

        def unit_of(node_id: str) -> units.Unit | None:
            if node_id not in cache:
                node = nodes.get(node_id)
                cache[node_id] = units.parse_unit(node.unit) if node is not None else None
            return cache[node_id]

        for equation in context.equations:
            if equation.formula is not None:
                formula = equation.formula
                for mismatch in units.formula_mismatches(formula.root, unit_of):
                    fields = {
                        "first": wording.unit_name(mismatch.left_unit),
                        "left": _text(formula.text, mismatch.left),
                        "second": wording.unit_name(mismatch.right_unit),
                        "right": _text(formula.text, mismatch.right),
                    }
                    if mismatch.operation == "+":
                        message = _(
                            "the formula adds {first} ({left}) and {second} ({right}); only like units add up: "
                            "convert one side, or multiply by a rate or a price",
                            **fields,
                        )
                    elif mismatch.operation == "-":
                        message = _(
                            "the formula subtracts {second} ({right}) from {first} ({left}); only like units add up: "
                            "convert one side, or multiply by a rate or a price",
                            **fields,
                        )
                    else:
                        message = _(
                            "the formula compares {first} ({left}) with {second} ({right}) in {operation}; "
                            "only like units add up: convert one side, or multiply by a rate or a price",
                            operation=mismatch.operation,
                            **fields,
                        )
                    yield Finding(
                        message,
                        equation.node,
                        where(equation.node, "formula"),
                        column_offset=max(0, (mismatch.right.column or 1) - 1),
                    )
            elif equation.kind in NUMERIC_ROLLUPS:
                members = [(equation.node, unit_of(equation.node))] + [(c, unit_of(c)) for c in equation.children]
                for first, first_unit, other, other_unit in units.first_incompatible(members):
                    yield Finding(
                        _(
                            "`rollup: {rollup}` combines {other_unit} ({other}) with {first_unit} ({first}); "
                            "the parent and its rolled-up children need like units",
                            rollup=equation.kind,
                            other_unit=wording.unit_name(other_unit),
                            other=other,
                            first_unit=wording.unit_name(first_unit),
                            first=first,
                        ),
                        equation.node,
                        where(equation.node, "rollup"),
                    )
                    break


def _text(formula_text: str, expression: "Expression") -> str:
    """The source text of a part of a formula."""
    if expression.column and expression.end:
        return formula_text[expression.column - 1 : expression.end - 1].strip()
    return getattr(expression, "id", None) or _p("check", "a term")


class PercentAtWrongScale(Rule):
    """A percentage is read at the wrong scale: 100 times too large or too small.

    A `%` node holds percent (23 means 23 %), and in a formula it stands for
    its fraction, 0.23, as in a spreadsheet; a formula node with unit `%`
    shows its formula's fraction times 100 (SPEC §1). Two habits put a
    percentage off by a factor of 100:

    - a `/ 100` or `* 100` written to convert by hand, in a formula where a
      `%` node takes part: it converts a second time (`contacts *
      contact_to_lead / 100` derives 100 times too many contacts);
    - a node whose title states a percentage ("23 % av kontakterna blir
      leads") with that number as its target or baseline, in a unit that
      does not read it as percent: a `ratio` of 23 is 2 300 %, and a `count`
      of 23 multiplies a formula by 23 instead of 0.23;
    - a scenario (or `--set`) that writes a rate at the other scale: a `%`
      node set to 0.3 where the plan has 25 % (0.3 %, when 30 % was meant),
      a `ratio` set to 30 where the plan has 0.25 (3 000 %), a `multiple`
      set to 950 where the plan has 9.5× (an ROI of 950 % is 9.5×).

    **Anti-pattern**

    ```yaml
    leads:
      title: Öka leads till 3 000
      unit: count
      target: 3000
      formula: contacts * contact_to_lead
    contact_to_lead:
      title: 23 % av kontakterna blir leads
      type: driver
      unit: count
      target: 23
    ```

    **Best practice**

    ```yaml
    contact_to_lead:
      title: 23 % av kontakterna blir leads
      type: driver
      unit: "%"          # 23 enters the formula as 0.23
      target: 23
    ```
    """

    code = codes.PERCENT_AT_WRONG_SCALE
    name = "measurable.percent_at_wrong_scale"
    severity = "error"

    def check(self, context: CheckContext) -> Iterator[Finding]:
        nodes = context.goal_file.nodes
        percent: dict[str, bool] = {}

        def is_percent(node_id: str) -> bool:
            if node_id not in percent:
                node = nodes.get(node_id)
                percent[node_id] = node is not None and is_percent_unit(node.unit)
            return percent[node_id]

        used_in: dict[str, str] = {}  # node id -> the first formula that reads it
        for equation in context.equations:
            if equation.formula is None:
                continue
            formula = equation.formula
            for name in formula.names:
                used_in.setdefault(name, equation.describe())
            involved = [name for name in formula.names if is_percent(name)]
            if not involved and not is_percent(equation.node):
                continue
            hundred = _scaling_by_100(formula.root)
            if hundred is None:
                continue
            multiplies, number = hundred
            names = ", ".join(f"`{name}`" for name in involved)
            if not involved and multiplies:
                message = _(
                    "the formula multiplies by 100, but `{node}` is in %, so the formula's fraction is shown "
                    "times 100 already: the result would be off by a factor of 100; remove the `100`",
                    node=equation.node,
                )
            elif not involved:
                message = _(
                    "the formula divides by 100, but `{node}` is in %, so the formula's fraction is shown "
                    "times 100 already: the result would be off by a factor of 100; remove the `100`",
                    node=equation.node,
                )
            elif multiplies:
                message = _n(
                    "the formula multiplies by 100, but {names} enters the formula as a fraction (23 % is 0.23) "
                    "already: the result would be off by a factor of 100; remove the `100`",
                    "the formula multiplies by 100, but {names} enter the formula as a fraction (23 % is 0.23) "
                    "already: the result would be off by a factor of 100; remove the `100`",
                    len(involved),
                    names=names,
                )
            else:
                message = _n(
                    "the formula divides by 100, but {names} enters the formula as a fraction (23 % is 0.23) "
                    "already: the result would be off by a factor of 100; remove the `100`",
                    "the formula divides by 100, but {names} enter the formula as a fraction (23 % is 0.23) "
                    "already: the result would be off by a factor of 100; remove the `100`",
                    len(involved),
                    names=names,
                )
            yield Finding(
                message,
                equation.node,
                where(equation.node, "formula"),
                column_offset=max(0, (number.column or 1) - 1),
            )
        for node_id, node in nodes.items():
            finding = percent_number_as_factor(node_id, node, used_in.get(node_id))
            if finding is not None:
                yield finding


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PERCENT_IN_TITLE = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s?(?:%|procent\b|percent\b)", re.IGNORECASE)


def percent_number_as_factor(node_id: str, node: "Node", formula: str | None) -> Finding | None:
    """A node titled "23 %" whose target or baseline is 23 in a unit that reads it as 23 times."""
    unit = units.parse_unit(node.unit)
    kind = unit.kind if unit is not None else None
    as_ratio = kind == "ratio"
    if not as_ratio and not ((kind == "count" or not (node.unit or "").strip()) and formula is not None):
        return None
    stated = {float(number.replace(",", ".")) for number in _PERCENT_IN_TITLE.findall(node.title)}
    # Only a title that states percentages and nothing else (a year aside): in "3 % more
    # orders, 3 a year" the 3 of the target is the orders, not the percentage.
    if not stated or re.search(r"\d", _YEAR.sub("", _PERCENT_IN_TITLE.sub("", node.title))):
        return None
    for field in ("target", "baseline"):
        value = getattr(node, field)
        if value is None or value not in stated or value == 0:
            continue
        return Finding(
            _percent_message(field, as_ratio, value, node.unit, formula),
            node_id,
            where(node_id, field),
        )
    return None


def _percent_message(field: str, as_ratio: bool, value: float, unit: str | None, formula: str | None) -> str:
    """M006's message for a percentage written as a plain number: in a ``ratio`` node, or a factor of a formula."""
    fields = {
        "value": format_number(value),
        "times": format_number(value * 100),
        "fraction": format_number(value / 100),
        "unit": unit,
        "formula": formula,
    }
    if as_ratio and field == "target":
        return _(
            "the title says {value} % and the target is {value}, but `unit: {unit}` reads {value} as {times} %; "
            'write `unit: "%"` to keep {value}, or the fraction {fraction}',
            **fields,
        )
    if as_ratio:
        return _(
            "the title says {value} % and the baseline is {value}, but `unit: {unit}` reads {value} as {times} %; "
            'write `unit: "%"` to keep {value}, or the fraction {fraction}',
            **fields,
        )
    if field == "target":
        return _(
            "the title says {value} % and the target is {value}, but `{formula}` multiplies by {value}, "
            'not {fraction}; write `unit: "%"` to keep {value}, or the fraction {fraction}',
            **fields,
        )
    return _(
        "the title says {value} % and the baseline is {value}, but `{formula}` multiplies by {value}, "
        'not {fraction}; write `unit: "%"` to keep {value}, or the fraction {fraction}',
        **fields,
    )


def _scaling_by_100(root: "Expression") -> "tuple[bool, Expression] | None":
    """The first ``* 100``, ``100 *`` or ``/ 100`` in a formula: whether it multiplies, and the literal."""
    from goaltree.formula import BinaryOp, Call, Number, UnaryOp

    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, BinaryOp):
            if node.op in ("*", "/") and isinstance(node.right, Number) and node.right.value == 100:
                return node.op == "*", node.right
            if node.op == "*" and isinstance(node.left, Number) and node.left.value == 100:
                return True, node.left
            stack.extend((node.right, node.left))
        elif isinstance(node, UnaryOp):
            stack.append(node.operand)
        elif isinstance(node, Call):
            stack.extend(reversed(node.args))
    return None
