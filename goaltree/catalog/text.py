"""The catalogue as text: the ``goaltree catalog`` listing, one KPI explained, and the Markdown reference.

The listing and the explanation are printed in the current language (the
registry's texts are marked there, translated here); ids, formulas, units and
the YAML keys of the snippet stay as a goal file writes them. The Markdown
reference, ``docs/catalog.md``, is generated in English.
"""

from __future__ import annotations

from typing import Iterable

from goaltree.catalog.registry import GROUPS, KpiDefinition, KpiInput
from goaltree.present.language import N_, _, _n, _p
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
        "    title: " + _("{kpi} reaches <target> by <date>", kpi=_(entry.name)),
        f"    kpi: {entry.id}",
        "    target: " + _("<number>"),
    ]
    if entry.formula is None:
        source, where = _("<source>"), _("<filter>")
        lines += [
            f"    metric: {{source: {source}, value: count, where: \"{where}\"}}",
        ]
    else:
        node_id = _("<node id>")
        mapping = ", ".join(f"{name}: {node_id}" for name in entry.input_names)
        lines += [
            "    # " + _("map the inputs only where your node ids differ from the input names"),
            f"    inputs: {{{mapping}}}",
        ]
    return "\n".join(lines)


def format_listing(kpis: Iterable[KpiDefinition]) -> str:
    """Every KPI on one line each, grouped, for ``goaltree catalog``."""
    kpis = list(kpis)
    names = {entry.id: _(entry.name) for entry in kpis}
    id_width = max(len(entry.id) for entry in kpis)
    name_width = max(len(name) for name in names.values())
    unit_width = max(len(entry.unit) for entry in kpis) + 2
    out = [
        _n(
            "The KPI catalogue: {count} KPI. A node takes one with `kpi: ID`;",
            "The KPI catalogue: {count} KPIs. A node takes one with `kpi: ID`;",
            len(kpis),
        ),
        _("`goaltree catalog ID` explains one."),
    ]
    for group, heading in GROUPS:
        members = [entry for entry in kpis if entry.group == group]
        if not members:
            continue
        out += ["", _(heading)]
        for entry in members:
            formula = entry.formula or _("(counted from a source)")
            unit = f"[{entry.unit}]"
            out.append(f"  {entry.id:<{id_width}}  {names[entry.id]:<{name_width}}  {unit:<{unit_width}}  {formula}")
    return "\n".join(out) + "\n"


def format_entry(entry: KpiDefinition) -> str:
    """One KPI explained: definition, formula, inputs, unit, direction, aggregate, note, usage."""
    out = [f"{entry.id} — {_(entry.name)}", "", _wrap(_(entry.definition), 78), ""]
    rows: list[tuple[str, str]] = [
        (_p("catalog", "formula"), entry.formula or _("none: counted directly from a source"))
    ]
    for index, item in enumerate(entry.inputs):
        label = _p("catalog", "inputs") if index == 0 else ""
        rows.append((label, f"{item.name} ({_input_unit(item)}): {_(item.meaning)}"))
    rows += [
        (_p("catalog", "unit"), entry.unit),
        (_p("catalog", "direction"), f"{entry.direction} ({_(_better(entry))})"),
        (_p("catalog", "aggregate"), f"{entry.aggregate} ({_(_aggregate_meaning(entry.aggregate))})"),
    ]
    if entry.baseline is not None:
        rows.append((_("baseline"), f"{format_number(entry.baseline)} ({_(_BASELINE_MEANING)})"))
    example = example_text(entry)
    if example:
        rows.append((_p("catalog", "example"), example))
    width = max(len(label) for label, _value in rows)
    out += [f"  {label:<{width}}  {value}" for label, value in rows]
    if entry.note:
        out += ["", _wrap(_("Note: {note}", note=_(entry.note)), 78)]
    out += ["", _("In a goal file:"), "", _indent(usage_yaml(entry), "  ")]
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


_BASELINE_MEANING = N_("the value at the period's start, unless the node sets one")


def _input_unit(item: KpiInput) -> str:
    """``count`` or ``count, aggregate last`` for an input whose node the KPI gives an aggregate."""
    return item.unit if item.aggregate is None else _("{unit}, aggregate {aggregate}", unit=item.unit, aggregate=item.aggregate)


def _better(entry: KpiDefinition) -> str:
    """How the KPI's direction reads, in English: the caller translates it where a person reads it."""
    return {"increase": N_("higher is better"), "decrease": N_("lower is better"), "maintain": N_("keep it in range")}[
        entry.direction
    ]


def _aggregate_meaning(aggregate: str) -> str:
    return {
        "sum": N_("observations add up over the period"),
        "last": N_("the latest observation is the value"),
        "mean": N_("the average of the observations"),
        "min": N_("the lowest observation"),
        "max": N_("the highest observation"),
    }[aggregate]


def _wrap(text: str, width: int) -> str:
    import textwrap

    return textwrap.fill(text, width=width)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())
