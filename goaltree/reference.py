"""The reference of every goal-file field, command and rule, generated as Markdown.

``docs/reference.md`` is this text (``python -m goaltree.reference >
docs/reference.md``); a test fails when it is stale. Fields come from the
pydantic models, commands from the argument parser, rules from the registry,
so the reference cannot drift from what goaltree accepts.
"""

from __future__ import annotations

import argparse
import types
import typing
from typing import Annotated, Any, Literal, Union


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


def _spelled(annotation: Any) -> str:
    """A type as a goal-file author reads it: `'sum' | 'last' | None`, `dict[str, str]`."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _spelled(args[0])
    if origin is Literal:
        return " | ".join(repr(value) for value in args)
    if origin in (Union, types.UnionType):
        return " | ".join(_spelled(arg) for arg in args)
    if origin is not None:
        return f"{origin.__name__}[{', '.join(_spelled(arg) for arg in args)}]"
    if annotation is type(None):
        return "None"
    if annotation is Any:
        return "Any"
    return getattr(annotation, "__name__", str(annotation))


def _type_name(annotation: Any, name: str = "") -> str:
    return READABLE_TYPES.get(name) or _spelled(annotation)


def _enum_descriptions(field: Any) -> dict[str, str]:
    """The value texts of the field's enum, wherever the annotation nests it (optional, a dict's values)."""
    from goaltree.model import EnumDescriptions

    found = [item for item in field.metadata if isinstance(item, EnumDescriptions)]
    pending = [field.annotation]
    while pending and not found:
        annotation = pending.pop()
        args = typing.get_args(annotation)
        if typing.get_origin(annotation) is Annotated:
            found = [item for item in args[1:] if isinstance(item, EnumDescriptions)]
        pending.extend(arg for arg in args if not isinstance(arg, (str, int)))
    return found[0].texts if found else {}


def _meaning(field: Any) -> str:
    """The field's description followed by what each of its values means: the schema's texts."""
    values = _enum_descriptions(field)
    return " ".join([field.description or "", *(f"`{value}`: {text}" for value, text in values.items())]).strip()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fields_table(model: Any) -> list[str]:
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
        lines.append(f"| `{shown}` | `{_cell(_type_name(field.annotation, name))}` | {default} | {_cell(_meaning(field))} |")
    return lines


def fields_section() -> list[str]:
    from goaltree import model

    lines = ["## Goal-file fields", "", "### The file", ""]
    lines += _fields_table(model.GoalFile)
    lines += ["", "### `period`", ""] + _fields_table(model.Period)
    lines += ["", "### `thresholds`", ""] + _fields_table(model.Thresholds)
    lines += ["", "### `checks`", ""] + _fields_table(model.Checks)
    lines += ["", "### A node (`nodes.<id>`)", "", "Node ids match `[a-z][a-z0-9_]*`.", ""]
    lines += _fields_table(model.Node)
    lines += ["", "### `metric`", ""] + _fields_table(model.Metric)
    lines += ["", "### Sources (`sources.<name>`)", ""]
    for title, cls in (("`type: csv`", model.CsvSource), ("`type: parquet`", model.ParquetSource), ("`type: sql`", model.SqlSource)):
        lines += [f"#### {title}", ""] + _fields_table(cls) + [""]
    lines += ["#### Plugins", ""] + _fields_table(model.PluginSource)
    lines += ["", "### A scenario (`scenarios.<name>`)", "", "Scenario names match `[a-z][a-z0-9_-]*`; `base` names the plan itself.", ""]
    lines += _fields_table(model.Scenario)
    return lines


def commands_section() -> list[str]:
    from goaltree.cli import COMMANDS, build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = [
        "## Commands",
        "",
        "Exit codes: 0 fine, 1 the goal file has errors, 2 usage or environment error.",
        "`evaluate`, `explain` and `render` exit 1 for the errors that leave their",
        "numbers unreliable (the file's structure, a failing source, a number out of",
        "range, and `M006`, a percentage written as a plain number: `25` for 25 % in a",
        "`ratio`, which puts every figure derived through it a hundred times off, printed",
        "on standard error by `explain`, `render` and `report`); the other SMART rules",
        "(`M002`, `T001`, …) are `goaltree check`'s, and the",
        "report's, whose findings list them: in CI, `goaltree check` is the step that",
        "fails a file with a SMART error.",
        "",
    ]
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
