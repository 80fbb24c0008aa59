"""The reference of every goal-file field, command and rule, generated as Markdown.

``docs/reference.md`` is this text (``python -m goaltree.reference >
docs/reference.md``); a test fails when it is stale. Fields come from the
pydantic models, commands from the argument parser, rules from the registry,
so the reference cannot drift from what goaltree accepts.
"""

from __future__ import annotations

import argparse
from typing import Any


# Types whose Python spelling says nothing to a goal-file author.
READABLE_TYPES = {
    "sources": "{name: source}",
    "nodes": "{id: node}",
    "period": "{start, end}",
    "thresholds": "{on_track, at_risk}",
    "checks": "{disable, severity, options}",
    "metric": "{source, value, where, by, …}",
    "milestones": "{date: number}",
    "actuals": "{date: number}",
}


def _type_name(annotation: Any, name: str = "") -> str:
    if name in READABLE_TYPES:
        return READABLE_TYPES[name]
    text = str(annotation).replace("typing.", "").replace("datetime.", "").replace("NoneType", "None")
    text = text.replace("<class '", "").replace("'>", "")
    for prefix in ("goaltree.model.", "Annotated[", "pydantic.types."):
        text = text.replace(prefix, "")
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fields_table(model: Any, notes: dict[str, str] | None = None) -> list[str]:
    from pydantic_core import PydanticUndefined

    lines = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        shown = field.alias or name
        if field.is_required():
            default = "required"
        elif field.default_factory is not None:
            value = field.default_factory()
            default = f"`{value!r}`" if isinstance(value, (list, dict)) else "see below"
        elif field.default is PydanticUndefined or field.default is None:
            default = "–"
        else:
            default = f"`{field.default!r}`"
        meaning = (notes or {}).get(name) or field.description or ""
        if name == "type" and not meaning:
            meaning = "The source type."
        lines.append(f"| `{shown}` | `{_cell(_type_name(field.annotation, name))}` | {default} | {_cell(meaning)} |")
    return lines


NODE_NOTES = {
    "title": "What the goal is, with its amount: \"70 new customers from marketing leads\".",
    "type": "`objective` (qualitative, scored from its children), `kpi` (a measured number), `driver` (an assumption or rate used in formulas).",
    "description": "Free text.",
    "owner": "Who answers for the node; defaults to the file's `owner`.",
    "tags": "Free labels.",
    "unit": "`SEK`, `EUR`, `count`, `%`, `ratio`, `multiple`, `days`, … Ratios are fractions (`0.014`), `%` values are percent (`1.4`) and enter formulas as fractions, a `multiple` reads `5.9×` (ROAS).",
    "direction": "`increase`, `decrease` (a cap: at or under the target at the deadline), or `maintain` (inside `range`).",
    "baseline": "Last comparable value (a level) or last period's total (a flow).",
    "target": "The goal value at the deadline; leave it out to derive it (docs/engine.md).",
    "deadline": "Defaults to `period.end`.",
    "milestones": "`{date: value}` intermediate targets; pace goes through them.",
    "formula": "Arithmetic over node ids: `+ - * / **`, parentheses, numbers, `min() max() abs()`.",
    "parent": "An id or a list of ids this node contributes to (a DAG).",
    "weight": "Weight in the parents' rollup and in allocating a sum's remainder.",
    "actuals": "Inline check-ins `{date: value}`, used when there is no `metric`.",
}


def fields_section() -> list[str]:
    from goaltree import model

    lines = ["## Goal-file fields", "", "### The file", ""]
    lines += _fields_table(model.GoalFile)
    lines += ["", "### `period`", ""] + _fields_table(model.Period)
    lines += ["", "### `thresholds`", ""] + _fields_table(model.Thresholds)
    lines += ["", "### `checks`", ""] + _fields_table(model.Checks)
    lines += ["", "### A node (`nodes.<id>`)", "", "Node ids match `[a-z][a-z0-9_]*`.", ""]
    lines += _fields_table(model.Node, NODE_NOTES)
    lines += ["", "### `metric`", ""] + _fields_table(model.Metric)
    lines += ["", "### Sources (`sources.<name>`)", ""]
    for title, cls in (("`type: csv`", model.CsvSource), ("`type: parquet`", model.ParquetSource), ("`type: sql`", model.SqlSource)):
        lines += [f"#### {title}", ""] + _fields_table(cls) + [""]
    lines += [
        "#### Plugins",
        "",
        "Any other `type` names a source from the `goaltree.sources` entry point group;",
        "its options are its own (docs/sources.md).",
    ]
    return lines


def commands_section() -> list[str]:
    from goaltree.cli import COMMANDS, build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = ["## Commands", "", "Exit codes: 0 fine, 1 the goal file has errors, 2 usage or environment error.", ""]
    for name, (_, summary) in COMMANDS.items():
        command = subparsers.choices[name]
        usage = " ".join(command.format_usage().split())
        usage = usage[len("usage: "):] if usage.startswith("usage: ") else usage
        lines += [f"### `goaltree {name}`", "", summary[0].upper() + summary[1:] + ".", "", f"    {usage}", ""]
        rows = []
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            label = ", ".join(action.option_strings) or action.metavar or action.dest
            choices = " (" + " \\| ".join(action.choices) + ")" if action.choices else ""
            rows.append(f"| `{label}` | {_cell(action.help or '')}{choices} |")
        if rows:
            lines += ["| argument | meaning |", "|---|---|"] + rows + [""]
    return lines


def rules_section() -> list[str]:
    from goaltree.rules.registry import DEFAULT_RULES

    lines = ["## Rules", "", "Every code goaltree reports; docs/rules.md has each rule's full documentation.", ""]
    lines += ["| code | name | severity | summary |", "|---|---|---|---|"]
    for rule in DEFAULT_RULES:
        lines.append(f"| {rule.code} | `{rule.name}` | {rule.severity} | {_cell(rule.summary())} |")
    return lines


def reference_markdown() -> str:
    """The whole reference page."""
    lines = [
        "# Reference",
        "",
        "<!-- Generated by `python -m goaltree.reference > docs/reference.md`. DO NOT EDIT. -->",
        "",
        "Every goal-file field, command and rule. How the engine uses the fields:",
        "[engine.md](engine.md); a walk-through: [tutorial.md](tutorial.md).",
        "",
    ]
    lines += fields_section() + [""] + commands_section() + rules_section()
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(reference_markdown())
