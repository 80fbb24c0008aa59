"""Reading a goal file's `checks:` block and its nodes' `suppress:` entries.

Every entry is checked against the registry: an unknown rule or option is an
error with a "did you mean" (a misspelt `disable` must not look as if it
worked), and structure codes (`E…`) cannot be switched off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from goaltree.errors import Diagnostic, Severity, did_you_mean
from goaltree.present.language import N_, _
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.model import GoalFile
    from goaltree.rules.base import Rule


@dataclass
class Problem:
    """A diagnostic of the configuration, not yet located."""

    diagnostic: Diagnostic
    key: bool = False


@dataclass
class Configuration:
    """What the `checks:` block and the `suppress:` entries of one goal file ask for.

    Attributes:
        disabled: Codes switched off for the whole file.
        severity: Code -> severity chosen by the file.
        options: Every option's value (the file's, else the default).
        suppressions: Node id -> {code: the key as written in the file}.
        problems: Diagnostics about the configuration itself.
    """

    disabled: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    suppressions: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class _Names:
    """Codes and dotted names of the registry, for lookups and "did you mean"."""

    def __init__(self, rules: Iterable[type["Rule"]]):
        self.by_key: dict[str, type[Rule]] = {}
        for rule in rules:
            self.by_key[rule.code] = rule
            self.by_key[rule.name] = rule

    def find(self, text: str) -> type["Rule"] | None:
        return self.by_key.get(text) or self.by_key.get(text.upper())

    def hint(self, text: str) -> str:
        return did_you_mean(text, self.by_key) or did_you_mean(text.upper(), self.by_key)


def configure(goal_file: "GoalFile", rules: Iterable[type["Rule"]]) -> Configuration:
    """Resolve the file's `checks:` block and `suppress:` entries against ``rules``."""
    rules = tuple(rules)
    names = _Names(rules)
    config = Configuration()
    checks = goal_file.checks

    disabled: set[str] = set()
    for index, entry in enumerate(checks.disable):
        rule = _resolve(names, entry, ("checks", "disable", index), "disable", config, key=False)
        if rule is not None:
            disabled.add(rule.code)
    config.disabled = frozenset(disabled)

    for entry, level in checks.severity.items():
        rule = _resolve(names, entry, ("checks", "severity", entry), "re-grade", config, key=True)
        if rule is not None:
            config.severity[rule.code] = level

    options = {option.name: option for rule in rules for option in rule.options}
    config.options = {name: option.default for name, option in options.items()}
    for name, value in checks.options.items():
        option = options.get(name)
        if option is None:
            hint = did_you_mean(name, options)
            if hint:
                message = _("no rule reads the option '{name}'{hint}", name=name, hint=hint)
            else:
                message = _(
                    "no rule reads the option '{name}'; the options are: {options}",
                    name=name,
                    options=", ".join(sorted(options)),
                )
            config.problems.append(
                Problem(
                    Diagnostic(
                        codes.UNKNOWN_OPTION,
                        "error",
                        message,
                        path=("checks", "options", name),
                    ),
                    key=True,
                )
            )
            continue
        accepted, expected = option.validate(value)
        config.options[name] = accepted
        if expected is not None:
            config.problems.append(
                Problem(
                    Diagnostic(
                        codes.BAD_OPTION_VALUE,
                        "error",
                        _(
                            "the option '{name}' must be {expected}, not {value}; the default {default} is used",
                            name=name,
                            expected=expected,
                            value=repr(value),
                            default=repr(option.default),
                        ),
                        path=("checks", "options", name),
                    )
                )
            )

    for node_id, node in goal_file.nodes.items():
        if not node.suppress:
            continue
        resolved: dict[str, str] = {}
        for entry, reason in node.suppress.items():
            path = ("nodes", node_id, "suppress", entry)
            rule = _resolve(names, entry, path, "suppress", config, key=True, node=node_id)
            if rule is None:
                continue
            resolved[rule.code] = entry
            if not reason.strip():
                config.problems.append(
                    Problem(
                        Diagnostic(
                            codes.SUPPRESSION_WITHOUT_REASON,
                            "warning",
                            _(
                                "the suppression of {code} ({name}) gives no reason; "
                                "write why this node knowingly breaks the rule",
                                code=rule.code,
                                name=rule.name,
                            ),
                            node=node_id,
                            path=path,
                        )
                    )
                )
        if resolved:
            config.suppressions[node_id] = resolved
    return config


def _resolve(
    names: _Names,
    entry: str,
    path: tuple[Any, ...],
    action: str,
    config: Configuration,
    *,
    key: bool,
    node: str | None = None,
) -> type["Rule"] | None:
    rule = names.find(entry)
    if rule is None:
        config.problems.append(
            Problem(
                Diagnostic(
                    codes.UNKNOWN_RULE,
                    "error",
                    _(_NO_RULE_TO[action], entry=entry, hint=names.hint(entry)),
                    node=node,
                    path=path,
                ),
                key=key,
            )
        )
        return None
    if not rule.configurable():
        config.problems.append(
            Problem(
                Diagnostic(
                    codes.NOT_CONFIGURABLE,
                    "error",
                    _(_NOT_CONFIGURABLE[action], code=rule.code, name=rule.name),
                    node=node,
                    path=path,
                ),
                key=key,
            )
        )
        return None
    return rule


_NO_RULE_TO = {
    "disable": N_("there is no rule '{entry}' to disable{hint}; `goaltree rules` lists them"),
    "re-grade": N_("there is no rule '{entry}' to re-grade{hint}; `goaltree rules` lists them"),
    "suppress": N_("there is no rule '{entry}' to suppress{hint}; `goaltree rules` lists them"),
}
"""The message for an entry of ``disable``, ``severity`` or ``suppress`` that names no rule, by action."""

_NOT_CONFIGURABLE = {
    "disable": N_("{code} ({name}) is a structure error and cannot be disabled; fix the problem instead"),
    "re-grade": N_("{code} ({name}) is a structure error and cannot be re-graded; fix the problem instead"),
    "suppress": N_("{code} ({name}) is a structure error and cannot be suppressed; fix the problem instead"),
}
"""The message for a structure code (``E…``) named in ``disable``, ``severity`` or ``suppress``, by action."""
