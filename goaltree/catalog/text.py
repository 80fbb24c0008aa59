"""The catalogue as text: the ``goaltree catalog`` listing, one KPI explained, and the Markdown reference."""

from __future__ import annotations

from typing import Iterable

from goaltree.catalog.registry import GROUPS, KpiDefinition, KpiInput
from goaltree.present.numbers import format_number

DOC_HEADER = """\
<!-- Generated from goaltree/catalog/registry.py by goaltree.catalog.catalog_markdown(); DO NOT EDIT.
     Regenerate with: python scripts/generate_examples.py --only docs -->
"""


def example_text(entry: KpiDefinition) -> str | None:
    """``avg_order = 100 000, orders_per_year = 3, lifetime_years = 3 → 900 000``."""
    if not entry.example or entry.example_result is None:
        return None
    given = ", ".join(f"{name} = {format_number(value)}" for name, value in entry.example)
    return f"{given} → {format_number(entry.example_result)}"


def usage_yaml(entry: KpiDefinition) -> str:
    """A goal-file snippet that takes ``entry`` and names its inputs."""
    lines = [
        "nodes:",
        f"  {entry.id}:",
        f"    title: {entry.name} reaches <target> by <date>",
        f"    kpi: {entry.id}",
        "    target: <number>",
    ]
    if entry.formula is None:
        lines += [
            "    metric: {source: <source>, value: count, where: \"<filter>\"}",
        ]
    else:
        mapping = ", ".join(f"{name}: <node id>" for name in entry.input_names)
        lines += [
            "    # map the inputs only where your node ids differ from the input names",
            f"    inputs: {{{mapping}}}",
        ]
    return "\n".join(lines)


def format_listing(kpis: Iterable[KpiDefinition]) -> str:
    """Every KPI on one line each, grouped, for ``goaltree catalog``."""
    kpis = list(kpis)
    id_width = max(len(entry.id) for entry in kpis)
    name_width = max(len(entry.name) for entry in kpis)
    unit_width = max(len(entry.unit) for entry in kpis) + 2
    out = [
        f"The KPI catalogue: {len(kpis)} KPIs. A node takes one with `kpi: ID`;",
        "`goaltree catalog ID` explains one.",
    ]
    for group, heading in GROUPS:
        members = [entry for entry in kpis if entry.group == group]
        if not members:
            continue
        out += ["", heading]
        for entry in members:
            formula = entry.formula or "(counted from a source)"
            unit = f"[{entry.unit}]"
            out.append(f"  {entry.id:<{id_width}}  {entry.name:<{name_width}}  {unit:<{unit_width}}  {formula}")
    return "\n".join(out) + "\n"


def format_entry(entry: KpiDefinition) -> str:
    """One KPI explained: definition, formula, inputs, unit, direction, aggregate, note, usage."""
    out = [f"{entry.id} — {entry.name}", "", _wrap(entry.definition, 78), ""]
    rows: list[tuple[str, str]] = [("formula", entry.formula or "none: counted directly from a source")]
    for index, item in enumerate(entry.inputs):
        rows.append(("inputs" if index == 0 else "", f"{item.name} ({_input_unit(item)}): {item.meaning}"))
    rows += [
        ("unit", entry.unit),
        ("direction", f"{entry.direction} ({_better(entry)})"),
        ("aggregate", f"{entry.aggregate} ({_aggregate_meaning(entry.aggregate)})"),
    ]
    if entry.baseline is not None:
        rows.append(("baseline", f"{format_number(entry.baseline)} ({_BASELINE_MEANING})"))
    example = example_text(entry)
    if example:
        rows.append(("example", example))
    width = max(len(label) for label, _ in rows)
    out += [f"  {label:<{width}}  {value}" for label, value in rows]
    if entry.note:
        out += ["", _wrap("Note: " + entry.note, 78)]
    out += ["", "In a goal file:", "", _indent(usage_yaml(entry), "  ")]
    return "\n".join(out) + "\n"


def markdown(kpis: Iterable[KpiDefinition]) -> str:
    """``docs/catalog.md``: every KPI with definition, formula, inputs, unit, direction, aggregate."""
    kpis = list(kpis)
    out = [
        DOC_HEADER,
        "# The KPI catalogue",
        "",
        "goaltree ships the standard KPIs of B2B marketing. A node takes one by name,",
        "`kpi: ID`, and then needs only nodes for the KPI's inputs: the catalogue fills in",
        "whatever the node does not say itself — the formula, the unit, the direction, the",
        "aggregate and the description. `goaltree catalog` lists the KPIs and",
        "`goaltree catalog ID` explains one.",
        "",
        "## How a node uses a KPI",
        "",
        "```yaml",
        "nodes:",
        "  search_ads_roas:",
        "    title: Search ads return 4 SEK per SEK spent in 2027",
        "    kpi: roas",
        "    target: 4",
        "    inputs: {ad_revenue: search_ad_revenue, ad_spend: search_ad_spend}",
        "  search_ad_revenue: {title: Revenue from search ads reaches 2 MSEK, unit: SEK, target: 2000000, ...}",
        "  search_ad_spend: {title: Search ad spend stays within 500 kSEK, unit: SEK, direction: decrease, ...}",
        "```",
        "",
        "- The formula is written over the KPI's *input names*. An input name is also the node",
        "  id the formula uses unless `inputs` maps it to another id: above, the node's formula",
        "  becomes `search_ad_revenue / search_ad_spend`.",
        "- Fields the node sets win. A node that sets `formula` keeps it; `formula: null` takes",
        "  the definition without the formula (for a KPI you measure directly). A node with a",
        "  numeric `rollup` (`sum`, `mean`, …) keeps the rollup and gets no formula.",
        "- An input whose node does not exist is reported by `goaltree check` like any other",
        "  unknown id in a formula (E004).",
        "- The catalogue works in either direction. A rate named beside the formula that uses",
        "  it (`traffic_to_lead: {kpi: traffic_to_lead}` with `leads: {formula: visits *",
        "  traffic_to_lead}`) is no cycle: the catalogue's `leads / visits` is the same identity,",
        "  so it is left out and the rate is solved from the funnel's formula (its actual from",
        "  measured leads and visits). A cycle of the file's own formulas is still E006.",
        "- A KPI measured as a change since the period's start (`follower_growth`) has",
        "  baseline 0 unless the node sets one, so it is paced from no growth to its target.",
        "  Other level KPIs (rates, CAC, CLV, ROAS) without a baseline of the node's own are",
        "  compared with their target, as every level is (docs/engine.md). An input that is a",
        "  level (a follower count) gets `aggregate: last` unless its node sets an aggregate.",
        "- `kpi` accepts the id in any case (`ROAS`, `roas`); `CAC %` finds `cac_percent`.",
        "- Money is in SEK; set `unit:` on the node for another currency.",
        "- Ratios are fractions (`0.014`); `%` values are percent (`1.4`) and enter formulas as",
        "  fractions; a `multiple` (ROAS, ROI) reads `4×`: 4 kronor per krona.",
        "",
        "Problems are reported as **E016** errors: an unknown KPI (with a \"did you mean\"),",
        "an `inputs` name the KPI does not have, an `inputs` value that is not a node id, and",
        "`inputs` on a node that names no `kpi`.",
        "",
        "## Contents",
        "",
        "| id | KPI | formula | unit | direction | aggregate |",
        "|---|---|---|---|---|---|",
    ]
    for entry in kpis:
        formula = f"`{entry.formula}`" if entry.formula else "counted from a source"
        out.append(
            f"| [`{entry.id}`](#{entry.id}) | {entry.name} | {formula} | {entry.unit} "
            f"| {entry.direction} | {entry.aggregate} |"
        )
    for group, heading in GROUPS:
        members = [entry for entry in kpis if entry.group == group]
        if not members:
            continue
        out += ["", f"## {heading}"]
        for entry in members:
            out += ["", f"### {entry.id}", "", f"**{entry.name}.** {entry.definition}", ""]
            out.append(f"- **Formula:** `{entry.formula}`" if entry.formula else "- **Formula:** none; counted directly from a source.")
            if entry.inputs:
                out.append("- **Inputs:**")
                out += [f"  - `{item.name}` ({_input_unit(item)}): {item.meaning}" for item in entry.inputs]
            out += [
                f"- **Unit:** {entry.unit}",
                f"- **Direction:** {entry.direction} ({_better(entry)})",
                f"- **Aggregate:** {entry.aggregate} ({_aggregate_meaning(entry.aggregate)})",
            ]
            if entry.baseline is not None:
                out.append(f"- **Baseline:** {format_number(entry.baseline)} ({_BASELINE_MEANING})")
            example = example_text(entry)
            if example:
                out.append(f"- **Example:** {example}")
            if entry.note:
                out.append(f"- **Note:** {entry.note}")
    return "\n".join(out) + "\n"


_BASELINE_MEANING = "the value at the period's start, unless the node sets one"


def _input_unit(item: KpiInput) -> str:
    """``count`` or ``count, aggregate last`` for an input whose node the KPI gives an aggregate."""
    return item.unit if item.aggregate is None else f"{item.unit}, aggregate {item.aggregate}"


def _better(entry: KpiDefinition) -> str:
    return {"increase": "higher is better", "decrease": "lower is better", "maintain": "keep it in range"}[
        entry.direction
    ]


def _aggregate_meaning(aggregate: str) -> str:
    return {
        "sum": "observations add up over the period",
        "last": "the latest observation is the value",
        "mean": "the average of the observations",
        "min": "the lowest observation",
        "max": "the highest observation",
    }[aggregate]


def _wrap(text: str, width: int) -> str:
    import textwrap

    return textwrap.fill(text, width=width)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())
