"""Funnels in a status report: chains of volumes linked by conversion rates, and what a funnel is worth.

A funnel is read from the formulas: ``customers = leads * lead_to_customer``
links two volumes by a rate, and a customer lifetime value turns the last
volume into money. The views are plain data the templates and the JSON report read.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from goaltree.engine.results import Evaluation, NodeResult
from goaltree.engine.serialize import number
from goaltree.present.language import _
from goaltree.present.numbers import format_number, format_quantity, round_half_up
from goaltree.render.style import status_label

CLV_WORDS = ("clv", "lifetime_value", "ltv")
"""Node ids that name a customer lifetime value."""

CLV_TITLE_WORDS = ("lifetime value",)
"""Titles that name a customer lifetime value."""

RATE_UNITS = frozenset({"ratio", "%"})
"""Units of a conversion rate."""


def _monomial(formula_text: str | None) -> tuple[float, dict[str, float]] | None:
    """``(constant, {name: exponent})`` of a formula that is one product of powers, else ``None``."""
    if not formula_text:
        return None
    from goaltree.formula import FormulaError, parse

    try:
        return parse(formula_text).as_monomial()
    except FormulaError:
        return None


def _product_of_two(formula_text: str | None) -> tuple[float, dict[str, float]] | None:
    monomial = _monomial(formula_text)
    if monomial is None:
        return None
    constant, exponents = monomial
    if len(exponents) != 2 or any(e != 1 for e in exponents.values()):
        return None
    return constant, exponents


def _quotient_of_two(formula_text: str | None) -> tuple[float, str, str] | None:
    """``(constant, numerator, denominator)`` of a formula ``constant * numerator / denominator``."""
    monomial = _monomial(formula_text)
    if monomial is None:
        return None
    constant, exponents = monomial
    numerators = [name for name, exponent in exponents.items() if exponent == 1]
    denominators = [name for name, exponent in exponents.items() if exponent == -1]
    if len(exponents) != 2 or len(numerators) != 1 or len(denominators) != 1:
        return None
    return constant, numerators[0], denominators[0]


def _is_volume(result: NodeResult) -> bool:
    """A count a funnel step can hold (visits, leads): not a rate, not money."""
    from goaltree.rules.units import parse_unit

    if result.unit in RATE_UNITS:
        return False
    unit = parse_unit(result.unit)
    return unit is None or not unit.dimensions


def _is_clv(result: NodeResult) -> bool:
    lowered = result.title.lower()
    return any(word in result.id for word in CLV_WORDS) or any(word in lowered for word in CLV_TITLE_WORDS)


def funnels(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Funnel chains of ``volume = previous_volume * rate`` formulas, with each step's conversion.

    A step is a node whose formula multiplies one volume by one rate (a node
    with unit ``ratio`` or ``%``: a formula reads a percentage as its fraction), or a rate whose formula
    divides one volume by the one before it (``traffic_to_lead: {kpi:
    traffic_to_lead}`` is ``leads / visits``: the catalogue's funnel KPIs).
    Volumes are counts: a quotient of money (ROAS) is no step. Chains run from the first
    volume (visits) to the last (customers); where a node multiplies the last
    volume by a customer-lifetime-value node, that is the funnel's value.
    Longer funnels come first, then goal-file order.
    """
    nodes = evaluation.nodes
    products = {node_id: _product_of_two(result.formula) for node_id, result in nodes.items() if result.formula}
    links: dict[str, tuple[str, str]] = {}
    for node_id, product in products.items():
        if product is None:
            continue
        constant, exponents = product
        names = list(exponents)
        rates = [n for n in names if nodes[n].unit in RATE_UNITS]
        if len(rates) != 1:
            continue
        rate = rates[0]
        volume = names[0] if names[1] == rate else names[1]
        if not math.isclose(constant, 1.0, rel_tol=1e-9) or nodes[volume].unit in RATE_UNITS:
            continue
        links.setdefault(volume, (node_id, rate))
    for node_id, result in nodes.items():
        if result.unit not in RATE_UNITS:
            continue
        quotient = _quotient_of_two(result.formula)
        if quotient is None:
            continue
        constant, following, previous = quotient
        # A % node's formula computes the fraction (it is shown × 100), like a ratio's.
        if not math.isclose(constant, 1.0, rel_tol=1e-9):
            continue
        if not (_is_volume(nodes[following]) and _is_volume(nodes[previous])):
            continue
        links.setdefault(previous, (following, node_id))
    fed = {step for step, _ in links.values()}
    chains = []
    for first in nodes:
        if first not in links or first in fed:
            continue
        steps = [_step(nodes[first], None, None)]
        current, visited = first, {first}
        while current in links:
            following, rate = links[current]
            if following in visited:
                break
            visited.add(following)
            steps.append(_step(nodes[following], nodes[current], nodes[rate]))
            current = following
        _scale_bars(steps)
        chains.append({"steps": steps, "value": _funnel_value(evaluation, steps, products)})
    return sorted(chains, key=lambda chain: -len(chain["steps"]))  # stable: goal-file order within a length


def funnel_links(chains: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every step of every funnel as one row, the conversion furthest below its plan first."""
    rows = []
    for chain in chains:
        for previous, step in zip(chain["steps"], chain["steps"][1:]):
            ratio = None
            if step["conversion"] is not None and step["planned_conversion"]:
                ratio = step["conversion"] / step["planned_conversion"]
            rows.append({"from": previous["node"], "from_title": previous["title"], **step, "against_plan": number(ratio)})
    return sorted(rows, key=lambda row: math.inf if row["against_plan"] is None else row["against_plan"])


def _scale_bars(steps: list[dict[str, Any]]) -> None:
    """Each step's ``bar_percent``: its actual as a percent of the largest step's, so the funnel is drawn to scale.

    ``None`` for a step without a positive actual (nothing to draw). The
    template gives a bar a minimum width, so 28 customers beside 128 341
    visits (0.02 %) is still a visible line, and writes the figures beside
    the bars, where they stay readable however short a bar is.
    """
    largest = max((step["actual"] for step in steps if step["actual"] is not None), default=None)
    for step in steps:
        actual = step["actual"]
        positive = actual is not None and actual > 0 and largest is not None and largest > 0
        step["bar_percent"] = round_half_up(actual / largest * 100, 2) if positive else None


def _step(result: NodeResult, previous: NodeResult | None, rate: NodeResult | None) -> dict[str, Any]:
    step = {
        "node": result.id,
        "title": result.title,
        "unit": result.unit,
        "status": result.status,
        "status_label": status_label(result.status),
        "actual": number(result.actual),
        "actual_text": format_quantity(result.actual, result.unit),
        "target": number(result.target),
        "target_text": format_quantity(result.target, result.unit),
        "target_origin": result.target_origin,
        "rate": None,
        "conversion": None,
        "conversion_text": "–",
        "planned_conversion": None,
        "planned_conversion_text": "–",
    }
    if previous is not None and rate is not None:
        conversion = None
        scale = 100.0 if rate.unit == "%" else 1.0  # a `%` rate's 1.85 is the fraction 0.0185
        if result.actual is not None and previous.actual:
            conversion = result.actual / previous.actual
        elif rate.actual is not None:
            conversion = rate.actual / scale  # the step's own rate, when the step before has no actual
        planned = None if rate.target is None else rate.target / scale
        step.update(
            rate=rate.id,
            conversion=number(conversion),
            conversion_text=format_number(conversion, "ratio"),
            planned_conversion=number(planned),
            planned_conversion_text=format_number(planned, "ratio"),
        )
    return step


def _funnel_value(
    evaluation: Evaluation, steps: list[dict[str, Any]], products: Mapping[str, tuple[float, dict[str, float]] | None]
) -> dict[str, Any] | None:
    last = steps[-1]["node"]
    first = evaluation.nodes[steps[0]["node"]]
    for node_id in evaluation.nodes[last].parents:
        product = products.get(node_id)
        if product is None or last not in product[1] or not math.isclose(product[0], 1.0):
            continue
        result = evaluation.nodes[node_id]
        other = next(n for n in product[1] if n != last)
        clv = evaluation.nodes[other]
        if not _is_clv(clv):
            continue
        per_first = None
        if result.target is not None and first.target:
            per_first = result.target / first.target
        return {
            "node": node_id,
            "title": result.title,
            "clv": other,
            "clv_text": format_quantity(clv.actual if clv.actual is not None else clv.target, clv.unit),
            "actual_text": format_quantity(result.actual, result.unit),
            "target_text": format_quantity(result.target, result.unit),
            "status": result.status,
            "status_label": status_label(result.status),
            "per_first_step": number(per_first),
            "per_first_step_text": format_quantity(per_first, result.unit),
            "sentence": _(
                "Each of the {count} planned {last} is worth {clv} over its lifetime ({clv_node}), "
                "so the funnel is worth {value} ({node}); so far {actual}.",
                count=format_quantity(evaluation.nodes[last].target, evaluation.nodes[last].unit),
                last=last,
                clv=format_quantity(clv.target, clv.unit),
                clv_node=other,
                value=format_quantity(result.target, result.unit),
                node=node_id,
                actual=format_quantity(result.actual, result.unit),
            )
            + (
                " "
                + _(
                    "Each of the {count} planned {first} is worth {value}.",
                    count=format_quantity(first.target, first.unit),
                    first=first.id,
                    value=format_quantity(per_first, result.unit),
                )
                if per_first is not None
                else ""
            ),
        }
    return None
