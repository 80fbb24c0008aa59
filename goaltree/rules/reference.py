"""The rule reference, generated from the registry: ``goaltree rules`` and ``docs/rules.md``.

The docstrings of the rules are the documentation; this module only arranges
them. ``docs/rules.md`` is the output of :func:`markdown` and a test fails when
the file is stale: regenerate it with ``goaltree rules --format md > docs/rules.md``.
"""

from __future__ import annotations

from typing import Any, Iterable

from goaltree.rules.base import FAMILIES, Rule

DOC_HEADER = """\
<!-- Generated from the rule registry (goaltree/rules/registry.py) by `goaltree rules --format md`; DO NOT EDIT.
     Regenerate with: goaltree rules --format md > docs/rules.md -->
"""

_INTRO = """\
# SMART rules

`goaltree check FILE…` lints goal files on every change, in a pre-commit hook or
in CI. It loads the file, builds the goal graph, propagates the targets exactly
as `goaltree evaluate` does, and runs every rule below in one pass: every
problem is reported, each at `file:line:column`. When the goal graph is broken
(an unknown id, a cycle), the rules that read single nodes (S, M001, M004, T)
still run; the rest wait until the structure errors are fixed.

```text
goals.yaml:14:5: error M002 [leads] the KPI has no target and none can be derived …
```

Codes: `S` specific, `M` measurable, `A` achievable, `R` relevant, `T`
time-bound, `E` structure. `--format json` prints
`{"diagnostics": [...], "errors": n, "warnings": n}`; `--format github` prints
workflow annotations.

**Exit code.** 0 when there are no errors; 1 when there is at least one error,
and with `--strict` also when there is a warning; 2 for usage or environment
errors (a missing file). Notes (`info`) never change the exit code.

## Configuring the rules

Per file, in the `checks:` block — rules by code or by dotted name:

```yaml
checks:
  disable: [S002, relevant.disconnected_node]
  severity: {A001: error, S001: info}
  options: {max_children: 9, max_target_change: 2.0}
```

Per node, with a reason (an empty reason is reported as `E025`, a suppression
that no longer matches anything as `E024`):

```yaml
brand:
  title: Stronger brand in the Nordics
  type: objective
  suppress: {S001: "the brand objective is qualitative on purpose; its KPIs carry the numbers"}
```

An unknown rule or option is itself an error, with a "did you mean"
(`E020`–`E022`). Structure codes (`E…`) cannot be disabled, re-graded or
suppressed (`E023`).
"""


def rule_json(rule: type[Rule]) -> dict[str, Any]:
    """One rule as JSON: code, name, severity, family, summary, description, options, emitted_by, configurable."""
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "family": FAMILIES[rule.code[0]],
        "summary": rule.summary(),
        "description": rule.description(),
        "options": [
            {"name": option.name, "default": option.default, "type": option.kind, "help": option.help}
            for option in rule.options
        ],
        "emitted_by": rule.emitted_by,
        "configurable": rule.configurable(),
    }


def text(rules: Iterable[type[Rule]]) -> str:
    """The listing ``goaltree rules`` prints: one line per code, then the options."""
    rules = _ordered(rules)
    width = max(len(rule.name) for rule in rules)
    lines = []
    for family, members in _by_family(rules):
        lines.append(f"{family}:")
        for rule in members:
            lines.append(f"  {rule.code}  {rule.severity:<7}  {rule.name:<{width}}  {rule.summary()}")
        lines.append("")
    options = [(rule, option) for rule in rules for option in rule.options]
    if options:
        lines.append("Options (checks.options):")
        for rule, option in options:
            lines.append(f"  {option.name} = {option.default!r} ({rule.code}): {option.help}")
        lines.append("")
    lines.append("Configure per file under `checks:` (disable, severity, options) and per node with `suppress: {CODE: reason}`.")
    lines.append("The full reference: docs/rules.md (goaltree rules --format md).")
    return "\n".join(lines) + "\n"


def markdown(rules: Iterable[type[Rule]]) -> str:
    """The rule reference in Markdown (``docs/rules.md``)."""
    rules = _ordered(rules)
    parts = [DOC_HEADER, _INTRO, "## All codes\n", "| code | name | default | summary |", "|---|---|---|---|"]
    for rule in rules:
        parts.append(f"| [{rule.code}](#{rule.code.lower()}) | `{rule.name}` | {rule.severity} | {_cell(rule.summary())} |")
    parts.append("")
    options = [(rule, option) for rule in rules for option in rule.options]
    parts.append("## Options\n")
    parts.append("| option | default | rule | meaning |")
    parts.append("|---|---|---|---|")
    for rule, option in options:
        parts.append(f"| `{option.name}` | `{_yaml_value(option.default)}` | {rule.code} | {_cell(option.help)} |")
    parts.append("")
    for family, members in _by_family(rules):
        parts.append(f"## {family}\n")
        for rule in members:
            parts.append(f"### {rule.code}\n")
            facts = [f"`{rule.name}`", f"default severity: **{rule.severity}**"]
            if rule.emitted_by != "rules":
                facts.append(f"reported by the {rule.emitted_by}")
            if not rule.configurable():
                facts.append("cannot be disabled")
            parts.append(" · ".join(facts) + "\n")
            parts.append(f"{rule.summary()}\n")
            if rule.description():
                parts.append(rule.description() + "\n")
            if rule.options:
                parts.append("**Options**\n")
                for option in rule.options:
                    parts.append(f"- `{option.name}` (default `{_yaml_value(option.default)}`): {option.help}")
                parts.append("")
    return "\n".join(parts).rstrip("\n") + "\n"


def _ordered(rules: Iterable[type[Rule]]) -> list[type[Rule]]:
    order = {letter: index for index, letter in enumerate(FAMILIES)}
    return sorted(rules, key=lambda rule: (order[rule.code[0]], rule.code))


def _by_family(rules: list[type[Rule]]) -> list[tuple[str, list[type[Rule]]]]:
    groups: dict[str, list[type[Rule]]] = {}
    for rule in rules:
        groups.setdefault(FAMILIES[rule.code[0]], []).append(rule)
    return list(groups.items())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _yaml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)
