"""Every diagnostic code goaltree reports, by name: the one place a code is spelled.

A module that reports a diagnostic names its code here (``codes.CYCLE``, not
``"E006"``); the rule registry (:mod:`goaltree.rules.registry`) documents each
one, and a test checks that no other module spells a code and that every name
here has a rule. This module imports nothing, so every layer may use it.
"""

from __future__ import annotations

TARGET_CHANGE_BEYOND_BOUND = "A001"
"""A target is further from its baseline than a plausible change (default: more than 4×, or less than ¼)."""

GROWTH_ABOVE_TREND = "A002"
"""The rest of the period needs a much faster pace than the check-ins so far show."""

CONTRADICTING_TARGETS = "A003"
"""Declared targets contradict an equation between them by more than 0.5 %."""

ACTUALS_DISAGREE = "A004"
"""A measured actual differs by more than 1 % from what its children add up to."""

IMPOSSIBLE_DERIVED_TARGET = "A005"
"""A derived target is below zero for a node that counts or earns: its parent's target leaves less than nothing."""

DIRECTION_AGAINST_TARGET = "A006"
"""A level's target lies behind its baseline for its direction (churn from 5 % to 3 % left to `increase`): its status is not judged."""

MALFORMED_DOCUMENT = "E001"
"""The file is not valid YAML or JSON, or not a mapping."""

UNKNOWN_FIELD = "E002"
"""A field that the goal-file format does not have, with a "did you mean"."""

BAD_VALUE = "E003"
"""A required field is missing, or a value has the wrong type or is out of range."""

UNKNOWN_ID = "E004"
"""A formula or `parent` names a node id that does not exist, with a "did you mean"."""

DUPLICATE_ID = "E005"
"""A node id, or any key, appears twice in the same mapping."""

CYCLE = "E006"
"""Nodes depend on each other in a circle; the cycle is printed."""

FORMULA_SYNTAX = "E007"
"""A formula is not valid arithmetic; the column points at the problem."""

DIVISION_BY_ZERO = "E008"
"""A formula divides by zero, in its text (`x / 0`, `x / (2 - 2)`) or with the targets it is given (a zero actual is M007)."""

FORMULA_AND_ROLLUP = "E009"
"""A node has both a `formula` and a numeric `rollup` over children that name it as `parent`."""

UNDERDETERMINED_TARGETS = "E010"
"""A formula's target is known but several of its children's targets are not, and they cannot be split."""

FORMAT_VERSION = "E011"
"""The file's `goaltree:` format version is missing or not one this goaltree reads (`goaltree: 1`)."""

SOURCE_FAILED = "E013"
"""A metric source could not deliver: a missing file, an unreachable database, a failing query or plugin."""

ALIAS_BOMB = "E014"
"""The YAML expands its aliases (`*name`) into more than 100 000 values."""

BAD_NODE_ID = "E015"
"""A node id is not lower-case letters, digits and `_`, starting with a letter."""

UNKNOWN_CATALOGUE_KPI = "E016"
"""A node's `kpi:` is not in the KPI catalogue, or its `inputs` do not fit the catalogue KPI."""

METRIC_INVALID = "E017"
"""A metric does not fit the data: an unknown column (with a "did you mean"), or SQL that is not valid."""

SOURCE_CONFIG = "E018"
"""A source is set up wrongly: a path leaving the project folder, an unset `${VAR}`, an unknown type, a broken plugin."""

METRIC_MISMATCH = "E019"
"""A metric does not fit its source: an undeclared source name, a missing `value` or `query`, a field the source ignores."""

UNKNOWN_RULE = "E020"
"""`checks.disable`, `checks.severity` or a node's `suppress` names a rule that does not exist."""

UNKNOWN_OPTION = "E021"
"""`checks.options` sets an option that no rule reads, with a "did you mean"."""

BAD_OPTION_VALUE = "E022"
"""An option in `checks.options` has a value of the wrong type or out of range; the default is used."""

NOT_CONFIGURABLE = "E023"
"""`checks` or `suppress` tries to disable, re-grade or suppress a structure (`E…`) code."""

UNUSED_SUPPRESSION = "E024"
"""A node suppresses a rule that does not fire on it."""

SUPPRESSION_WITHOUT_REASON = "E025"
"""A node suppresses a rule without saying why."""

NUMBER_OVERFLOW = "E026"
"""A formula or a roll-up gives a value beyond float range (about 1.8e308) or not a number."""

STALE_SNAPSHOT = "E027"
"""The snapshot read with `--snapshot` does not cover every day the evaluation reads."""

SANDBOX_REFUSED = "E028"
"""The source sandbox refused a query: goaltree only reads a source's own data, one statement at a time."""

UNKNOWN_SCENARIO_NODE = "E029"
"""A scenario's `set` names a node id that does not exist."""

LINK_LEAVES_PROJECT = "E030"
"""The goal file is a symbolic link that leads outside the folder holding it; it is not read."""

RULE_CRASHED = "E099"
"""A rule failed with an internal error; the other rules still ran."""

KPI_WITHOUT_UNIT = "M001"
"""A KPI has no `unit`."""

KPI_WITHOUT_TARGET = "M002"
"""A KPI has no target: none is declared and none can be derived."""

KPI_WITHOUT_DATA = "M003"
"""A KPI has no `metric` source and no `actuals`, and nothing computes it."""

RATE_SUMMED_OVER_TIME = "M004"
"""A `%`, `ratio` or `multiple` node adds up its observations over time (`aggregate: sum`)."""

MIXED_UNITS = "M005"
"""A formula or a numeric rollup adds, subtracts or compares values in unlike units."""

PERCENT_AT_WRONG_SCALE = "M006"
"""A percentage is read at the wrong scale: 100 times too large or too small."""

ACTUAL_DIVIDES_BY_ZERO = "M007"
"""An actual has no value: its formula divides by an actual that is 0 (a cost per lead before the first lead)."""

DISCONNECTED_NODE = "R001"
"""A node is not part of the tree: nothing uses it and it uses nothing."""

TOO_MANY_CHILDREN = "R002"
"""A goal has more than 7 children (configurable): too many KPIs to focus on."""

VAGUE_TITLE = "S001"
"""A title leans on a vague word (better, more, improve; bättre, fler, öka …) and names no quantity."""

KPI_TITLE_WITHOUT_QUANTITY = "S002"
"""A KPI's title names no number or quantity."""

MISSING_OWNER = "S003"
"""A node has no owner: neither its own `owner` nor the file's."""

TITLE_CONTRADICTS_TARGET = "S004"
"""A title states an amount that contradicts the node's target."""

TITLE_CONTRADICTS_DIRECTION = "S005"
"""A title says the value should stay low or fall ("at most", "under 800 SEK", "högst", "sänka") while `direction` is `increase`, or the reverse."""

DEADLINE_OUTSIDE_PERIOD = "T001"
"""A node's `deadline` is before the period starts or after it ends."""

MILESTONES_OUT_OF_ORDER = "T002"
"""Milestone values do not move steadily towards the target."""

MILESTONE_OUTSIDE_PERIOD = "T003"
"""A milestone is dated before the period starts or after the node's deadline."""
