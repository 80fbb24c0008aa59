"""E — structure: the codes of the loader, the graph, the solver and the sources, and of the checks themselves.

These entries document codes; the rules package does not look for the
problems itself (the loader, the graph, the solver or the sources report
them), except the codes of the `checks:` block and of `suppress:` (E020–E025)
and of a crashing rule (E099), which the runner reports. E-codes cannot be
disabled, re-graded or suppressed: a goal file that breaks them cannot be
trusted by anything that follows.
"""

from __future__ import annotations

from typing import Iterator

from goaltree.rules.base import CheckContext, Finding, Rule
from goaltree import codes


class MalformedDocument(Rule):
    """The file is not valid YAML or JSON, or not a mapping.

    The message gives the line and column where the parser gave up and what it
    expected there; the cause is usually a few lines above (indentation, a
    missing `:`, an unclosed quote or bracket). An empty file is reported too.

    **Anti-pattern**

    ```yaml
    nodes:
      leads:
        title: 5 000 leads
       unit: count        # one space short
    ```
    """

    code = codes.MALFORMED_DOCUMENT
    name = "structure.malformed_document"
    severity = "error"
    emitted_by = "loader"


class UnknownField(Rule):
    """A field that the goal-file format does not have, with a "did you mean".

    Typos are caught instead of being silently ignored: `tagret` is not a
    `target`. The message lists the allowed fields when nothing is close.

    **Anti-pattern**

    ```yaml
    leads: {title: 5 000 leads, tagret: 5000}
    ```

    **Best practice**

    ```yaml
    leads: {title: 5 000 leads, target: 5000}
    ```
    """

    code = codes.UNKNOWN_FIELD
    name = "structure.unknown_field"
    severity = "error"
    emitted_by = "loader"


class BadValue(Rule):
    """A required field is missing, or a value has the wrong type or is out of range.

    Examples: a node without `title`; `target: "five thousand"`; `weight: -1`;
    `type: goal` (expected objective, kpi or driver); a `period` whose end is
    before its start; `direction: maintain` without a `range`. The message
    says what was expected and shows what was found.

    **Anti-pattern**

    ```yaml
    leads: {title: 5 000 leads, target: "5k"}
    ```

    **Best practice**

    ```yaml
    leads: {title: 5 000 leads, target: 5000}
    ```
    """

    code = codes.BAD_VALUE
    name = "structure.bad_value"
    severity = "error"
    emitted_by = "loader"


class UnknownId(Rule):
    """A formula or `parent` names a node id that does not exist, with a "did you mean".

    The column points at the name inside the formula.

    **Anti-pattern**

    ```yaml
    revenue: {title: 63 MSEK revenue, formula: customer * clv}   # the node is `customers`
    ```
    """

    code = codes.UNKNOWN_ID
    name = "structure.unknown_id"
    severity = "error"
    emitted_by = "graph"


class DuplicateId(Rule):
    """A node id, or any key, appears twice in the same mapping.

    YAML parsers usually keep the last one silently; goaltree refuses, since
    one of the two goals would vanish without a word.
    """

    code = codes.DUPLICATE_ID
    name = "structure.duplicate_id"
    severity = "error"
    emitted_by = "loader"


class Cycle(Rule):
    """Nodes depend on each other in a circle; the cycle is printed.

    Goals form a DAG: a goal cannot be computed from itself, directly
    (`parent:` naming the node itself, `leads: {formula: leads * 2}`) or
    through other nodes (`a: {formula: b * 2}`, `b: {formula: a / 2}`). Break
    one of the links. A formula the KPI catalogue fills in is no link of a
    cycle: where it states an identity the file's formulas already state the
    other way round, it is left out.
    """

    code = codes.CYCLE
    name = "structure.cycle"
    severity = "error"
    emitted_by = "graph"


class FormulaSyntax(Rule):
    """A formula is not valid arithmetic; the column points at the problem.

    Formulas use node ids, numbers, `+ - * / **`, parentheses and `min()`,
    `max()`, `abs()`. The message gives a hint for common slips (`^` for
    powers, `%` in a formula, `=` on the left-hand side, `2x`).

    **Anti-pattern**

    ```yaml
    leads: {title: 5 000 leads, formula: visits x conversion}
    ```

    **Best practice**

    ```yaml
    leads: {title: 5 000 leads, formula: visits * conversion}
    ```
    """

    code = codes.FORMULA_SYNTAX
    name = "structure.formula_syntax"
    severity = "error"
    emitted_by = "graph"


class DivisionByZero(Rule):
    """A formula divides by zero, in its text (`x / 0`, `x / (2 - 2)`) or with the targets it is given (a zero actual is M007).

    The message names the divisor. A rate with a zero denominator has no value;
    give the denominator a non-zero target, or rewrite the formula.
    """

    code = codes.DIVISION_BY_ZERO
    name = "structure.division_by_zero"
    severity = "error"
    emitted_by = "solver"


class FormulaAndRollup(Rule):
    """A node has both a `formula` and a numeric `rollup` over children that name it as `parent`.

    That would be two equations for one value. Keep the formula and set
    `rollup: none` (the children then support the goal without arithmetic), or
    drop the formula.
    """

    code = codes.FORMULA_AND_ROLLUP
    name = "structure.formula_and_rollup"
    severity = "error"
    emitted_by = "graph"


class UnderdeterminedTargets(Rule):
    """A formula's target is known but several of its children's targets are not, and they cannot be split.

    goaltree scales unknown children from their baselines by one common growth
    factor (SPEC §3.1); without baselines it cannot tell how to split the
    target. The message names the nodes that need a target or a baseline.

    **Anti-pattern**

    ```yaml
    revenue: {title: 63 MSEK revenue, target: 63000000, formula: customers * clv}
    customers: {title: New customers}
    clv: {title: Customer lifetime value, type: driver}
    ```

    **Best practice**

    ```yaml
    revenue: {title: 63 MSEK revenue, target: 63000000, formula: customers * clv}
    customers: {title: 70 new customers}
    clv: {title: 900 000 SEK lifetime value, type: driver, target: 900000}
    ```
    """

    code = codes.UNDERDETERMINED_TARGETS
    name = "structure.underdetermined_targets"
    severity = "error"
    emitted_by = "solver"


class FormatVersion(Rule):
    """The file's `goaltree:` format version is missing or not one this goaltree reads (`goaltree: 1`)."""

    code = codes.FORMAT_VERSION
    name = "structure.format_version"
    severity = "error"
    emitted_by = "loader"


class SourceFailed(Rule):
    """A metric source could not deliver: a missing file, an unreachable database, a failing query or plugin.

    The message names the source, the node and the reason, with secrets
    removed. The nodes concerned are reported as `no_data`. Reported by
    `evaluate`, `report` and `pull`, which fetch data; `check` does not.
    """

    code = codes.SOURCE_FAILED
    name = "structure.source_failed"
    severity = "error"
    emitted_by = "sources"


class AliasBomb(Rule):
    """The YAML expands its aliases (`*name`) into more than 100 000 values.

    A "billion laughs" file would exhaust memory; goaltree refuses it. Write
    the values out, or nest fewer aliases.
    """

    code = codes.ALIAS_BOMB
    name = "structure.alias_expansion"
    severity = "error"
    emitted_by = "loader"


class BadNodeId(Rule):
    """A node id is not lower-case letters, digits and `_`, starting with a letter.

    Ids appear in formulas, so they follow the formula language:
    `new_customers`, not `New customers` or `2027_leads`.
    """

    code = codes.BAD_NODE_ID
    name = "structure.bad_node_id"
    severity = "error"
    emitted_by = "loader"


class UnknownCatalogueKpi(Rule):
    """A node's `kpi:` is not in the KPI catalogue, or its `inputs` do not fit the catalogue KPI.

    With a "did you mean"; `goaltree catalog` lists the catalogue.
    """

    code = codes.UNKNOWN_CATALOGUE_KPI
    name = "structure.unknown_catalogue_kpi"
    severity = "error"
    emitted_by = "loader"


class MetricInvalid(Rule):
    """A metric does not fit the data: an unknown column (with a "did you mean"), or SQL that is not valid.

    Reported when the data is read (`evaluate`, `report`, `pull`).
    """

    code = codes.METRIC_INVALID
    name = "structure.metric_invalid"
    severity = "error"
    emitted_by = "sources"


class SourceConfig(Rule):
    """A source is set up wrongly: a path leaving the project folder, an unset or unlisted `${VAR}` (GOALTREE_ALLOWED_VARIABLES), an unknown type, a broken plugin.

    Reported when the source is opened (`evaluate`, `report`, `pull`).
    """

    code = codes.SOURCE_CONFIG
    name = "structure.source_config"
    severity = "error"
    emitted_by = "sources"


class MetricMismatch(Rule):
    """A metric does not fit its source: an undeclared source name, a missing `value` or `query`, a field the source ignores.

    These need no data, so `check` reports them too.

    **Anti-pattern**

    ```yaml
    sources:
      crm: {type: csv, path: data/deals.csv, date_column: close_date}
    nodes:
      leads: {title: 5 000 leads, metric: {source: cmr, value: count}}
    ```
    """

    code = codes.METRIC_MISMATCH
    name = "structure.metric_mismatch"
    severity = "error"
    emitted_by = "sources"


class SandboxRefused(Rule):
    """The source sandbox refused a query: goaltree only reads a source's own data, one statement at a time.

    A goal file is untrusted input (it arrives in a pull request and runs in
    CI next to secrets), so a `query`, `value` or `where` that writes
    (`INSERT`, `DROP`, `COPY … TO`), holds several statements, attaches another
    database, changes settings (`PRAGMA … = …`, `SET`), loads an extension or
    opens a file other than the source's is refused, and so is a `value` or
    `where` that is not one closed expression. A PostgreSQL source whose login
    could reach the server's files (a superuser, a member of
    `pg_read_server_files`, a role that may call `pg_read_file`) is refused
    as a whole, at its `url`, before any query runs. Reported when the data is
    read (`evaluate`, `report`, `pull`); see "Security" in docs/sources.md.

    **Anti-pattern**

    ```yaml
    metric:
      source: warehouse
      query: "ATTACH DATABASE '/home/ci/.secrets.db' AS s"
    ```
    """

    code = codes.SANDBOX_REFUSED
    name = "structure.sandbox_refused"
    severity = "error"
    emitted_by = "sources"


class UnknownRule(Rule):
    """`checks.disable`, `checks.severity` or a node's `suppress` names a rule that does not exist.

    With a "did you mean". A misspelt code would otherwise switch nothing off
    while looking as if it did. Rules are named by code (`S001`) or by name
    (`specific.vague_title`); `goaltree rules` lists them.

    **Anti-pattern**

    ```yaml
    checks:
      disable: [S010]
    ```
    """

    code = codes.UNKNOWN_RULE
    name = "checks.unknown_rule"
    severity = "error"


class UnknownOption(Rule):
    """`checks.options` sets an option that no rule reads, with a "did you mean".

    **Anti-pattern**

    ```yaml
    checks:
      options: {max_childs: 9}
    ```

    **Best practice**

    ```yaml
    checks:
      options: {max_children: 9}
    ```
    """

    code = codes.UNKNOWN_OPTION
    name = "checks.unknown_option"
    severity = "error"


class BadOptionValue(Rule):
    """An option in `checks.options` has a value of the wrong type or out of range; the default is used.

    **Anti-pattern**

    ```yaml
    checks:
      options: {max_children: seven}
    ```
    """

    code = codes.BAD_OPTION_VALUE
    name = "checks.bad_option_value"
    severity = "error"


class NotConfigurable(Rule):
    """`checks` or `suppress` tries to disable, re-grade or suppress a structure (`E…`) code.

    Structure problems make the rest of the file untrustworthy; they can only
    be fixed. The entry has no effect.
    """

    code = codes.NOT_CONFIGURABLE
    name = "checks.not_configurable"
    severity = "error"


class UnusedSuppression(Rule):
    """A node suppresses a rule that does not fire on it.

    The problem was fixed, or the suppression sits on the wrong node. Remove it,
    so that the rule guards the node again. A suppression of a rule that is
    disabled for the whole file, or that crashed, is not reported.

    **Anti-pattern**

    ```yaml
    revenue:
      title: 63 MSEK new revenue from marketing-sourced customers
      suppress: {S001: "the title was vague once"}
    ```
    """

    code = codes.UNUSED_SUPPRESSION
    name = "suppress.unused"
    severity = "warning"


class SuppressionWithoutReason(Rule):
    """A node suppresses a rule without saying why.

    A suppression is a decision someone has to be able to review: write the
    reason. The suppression still applies.

    **Anti-pattern**

    ```yaml
    brand:
      title: Stronger brand in the Nordics
      type: objective
      suppress: {S001: ""}
    ```

    **Best practice**

    ```yaml
    brand:
      title: Stronger brand in the Nordics
      type: objective
      suppress: {S001: "the brand objective is qualitative on purpose; its KPIs carry the numbers"}
    ```
    """

    code = codes.SUPPRESSION_WITHOUT_REASON
    name = "suppress.missing_reason"
    severity = "warning"


class NumberOverflow(Rule):
    """A formula or a roll-up gives a value beyond float range (about 1.8e308) or not a number.

    `x ** 400`, or a sum of values near 1e308, has no number to show. The
    node's target or actual (or its expected value) is left unknown (`null` in
    JSON, `–` in tables) instead of printing `inf` or `nan`; the message names
    the node and the equation. Usually a unit mix-up or a misplaced exponent.

    **Anti-pattern**

    ```yaml
    reach: {title: Räckvidd 2027, formula: impressions ** 400}
    ```

    **Best practice**

    ```yaml
    reach: {title: Räckvidd 2 000 000 visningar 2027, formula: impressions * frequency}
    ```
    """

    code = codes.NUMBER_OVERFLOW
    name = "structure.number_overflow"
    severity = "error"
    emitted_by = "solver"


class RuleCrashed(Rule):
    """A rule failed with an internal error; the other rules still ran.

    This is a bug in goaltree, not in your file: the message names the rule,
    the node it was looking at and the error. Please report it. The file is
    not trusted as checked, so this is an error.
    """

    code = codes.RULE_CRASHED
    name = "checks.rule_crashed"
    severity = "error"


class StaleSnapshot(Rule):
    """The snapshot read with `--snapshot` does not cover every day the evaluation reads.

    A snapshot holds the days from the period's start to the date it was pulled
    for. A later `--as-of` (or an earlier period start) reads days it never
    fetched: flows fall short, levels show an older day, with nothing else to
    tell. The message gives the days covered, read and missing, and the nodes
    with a `metric` it has no line for (added after the pull). Reported by the
    commands that read a snapshot; fix it with `goaltree pull --as-of DATE`. (A
    snapshot of another tree, its `tree` not the file's `id`, is refused.)
    """

    code = codes.STALE_SNAPSHOT
    name = "sources.stale_snapshot"
    severity = "warning"
    emitted_by = "sources"


class UnknownScenarioNode(Rule):
    """A scenario's `set` names a node id that does not exist, with a "did you mean".

    A scenario gives the nodes in its `set` another target and solves the rest
    of the plan again (docs/scenarios.md); a name that is not a node would
    change nothing, silently. A scenario that makes the plan contradictory or
    underdetermined gets the base plan's diagnostic (A003, E010), its message
    naming the scenario.

    **Anti-pattern**

    ```yaml
    scenarios:
      higher_conversion: {set: {lead_to_cusomer: 0.016}}
    ```

    **Best practice**

    ```yaml
    scenarios:
      higher_conversion: {set: {lead_to_customer: 0.016}}
    ```
    """

    code = codes.UNKNOWN_SCENARIO_NODE
    name = "structure.unknown_scenario_node"
    severity = "error"
    needs_tree = False

    def check(self, context: CheckContext) -> Iterator[Finding]:
        from goaltree.scenarios import unknown_scenario_nodes

        for diagnostic in unknown_scenario_nodes(context.goal_file):
            yield Finding(diagnostic.message, None, diagnostic.path, key=True)


class LinkLeavesProject(Rule):
    """The goal file is a symbolic link that leads outside the folder holding it; it is not read.

    A pull request can commit `goals.yaml` as a link to `/etc/passwd` or
    `../../secrets.yaml`, and the loader's messages would quote what it read
    into a public CI log. The folder holding the goal file is its project, as
    for its sources: the link and the folder are resolved and a target outside
    that folder is refused unread, by every command that reads the file. A
    link within the folder (`goals.yaml -> plans/2026.yaml`) is read as that
    file. Replace a link that leads out with a copy of the file, or run
    goaltree on the file itself. A snapshot read with `--snapshot` that is
    such a link is refused too (exit 2). See "Paths" in docs/sources.md.

    **Anti-pattern**

    ```text
    goals.yaml -> ../../shared/goals.yaml
    ```
    """

    code = codes.LINK_LEAVES_PROJECT
    name = "structure.link_leaves_project"
    severity = "error"
    emitted_by = "loader"
