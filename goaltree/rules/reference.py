"""The rule reference, generated from the registry: ``goaltree rules`` and ``docs/rules.md``.

The docstrings of the rules are the documentation; this module only arranges
them. ``docs/rules.md`` is the output of :func:`markdown` and a test fails when
the file is stale: regenerate it with ``goaltree rules --format md > docs/rules.md``.

Everything is printed in the current language but a rule's code, dotted name
and option names, which a goal file writes: the summaries (their translations
are in ``checks.po``, found there by the English line), the family headings,
the option help and the reference's own words. The long Markdown bodies (the
introduction and each rule's description) are English in every language.
"""

from __future__ import annotations

from typing import Any, Iterable

from goaltree.present.language import N_, _, translated
from goaltree.present.terms import severity_word
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
        "summary": rule.translated_summary(),
        "description": rule.description(),
        "options": [
            {"name": option.name, "default": option.default, "type": option.kind, "help": translated(option.help)}
            for option in rule.options
        ],
        "emitted_by": rule.emitted_by,
        "configurable": rule.configurable(),
    }


def text(rules: Iterable[type[Rule]]) -> str:
    """The listing ``goaltree rules`` prints: one line per code, then the options."""
    rules = _ordered(rules)
    width = max(len(rule.name) for rule in rules)
    severities = {rule.code: severity_word(rule.severity) for rule in rules}
    severity_width = max(7, *(len(word) for word in severities.values()))
    lines = []
    for family, members in _by_family(rules):
        lines.append(f"{_(family)}:")
        for rule in members:
            severity = severities[rule.code]
            lines.append(f"  {rule.code}  {severity:<{severity_width}}  {rule.name:<{width}}  {rule.translated_summary()}")
        lines.append("")
    options = [(rule, option) for rule in rules for option in rule.options]
    if options:
        lines.append(_("Options (checks.options):"))
        for rule, option in options:
            lines.append(f"  {option.name} = {option.default!r} ({rule.code}): {translated(option.help)}")
        lines.append("")
    lines.append(
        _("Configure per file under `checks:` (disable, severity, options) and per node with `suppress: {{CODE: reason}}`.")
    )
    lines.append(_("The full reference: docs/rules.md (goaltree rules --format md)."))
    return "\n".join(lines) + "\n"


def markdown(rules: Iterable[type[Rule]]) -> str:
    """The rule reference in Markdown (``docs/rules.md``)."""
    rules = _ordered(rules)
    parts = [DOC_HEADER, _INTRO, _("## All codes") + "\n", _("| code | name | default | summary |"), "|---|---|---|---|"]
    for rule in rules:
        summary = _cell(rule.translated_summary())
        parts.append(f"| [{rule.code}](#{rule.code.lower()}) | `{rule.name}` | {severity_word(rule.severity)} | {summary} |")
    parts.append("")
    options = [(rule, option) for rule in rules for option in rule.options]
    parts.append(_("## Options") + "\n")
    parts.append(_("| option | default | rule | meaning |"))
    parts.append("|---|---|---|---|")
    for rule, option in options:
        parts.append(f"| `{option.name}` | `{_yaml_value(option.default)}` | {rule.code} | {_cell(translated(option.help))} |")
    parts.append("")
    for family, members in _by_family(rules):
        parts.append(f"## {_(family)}\n")
        for rule in members:
            parts.append(f"### {rule.code}\n")
            facts = [f"`{rule.name}`", _("default severity: **{severity}**", severity=severity_word(rule.severity))]
            if rule.emitted_by != "rules":
                facts.append(_("reported by the {part}", part=_(_EMITTERS.get(rule.emitted_by, rule.emitted_by))))
            if not rule.configurable():
                facts.append(_("cannot be disabled"))
            parts.append(" · ".join(facts) + "\n")
            parts.append(f"{rule.translated_summary()}\n")
            if rule.description():
                parts.append(rule.description() + "\n")
            if rule.options:
                parts.append(_("**Options**") + "\n")
                for option in rule.options:
                    default = _yaml_value(option.default)
                    parts.append(_("- `{option}` (default `{value}`): {help}", option=option.name, value=default, help=translated(option.help)))
                parts.append("")
    return "\n".join(parts).rstrip("\n") + "\n"


_EMITTERS = {
    "loader": N_("loader"),
    "graph": N_("graph"),
    "solver": N_("solver"),
    "evaluate": N_("evaluate"),
    "sources": N_("sources"),
}
"""Who reports a documented-only code (``Rule.emitted_by``) -> how the reference names it."""


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
