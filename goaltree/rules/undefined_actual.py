"""M — measurable: an actual its formula cannot give, because it divides by an actual of 0 (M007).

The actuals solver (:mod:`goaltree.engine.equations`) reports the code; this
module documents it.
"""

from __future__ import annotations

from goaltree import codes
from goaltree.rules.base import Rule


class ActualDividesByZero(Rule):
    """An actual has no value: its formula divides by an actual that is 0 (a cost per lead before the first lead).

    `cost / leads` has no value while the leads counted so far are 0, and a
    win rate `won / opportunities` none before the first opportunity. The
    node's actual is left unknown and its status reads `no_data`, and this
    warning says why, naming the divisor: the data exists, it just gives no
    rate yet. An actual solved from the others of its equation, such as a
    conversion rate from leads and 0 visits, gets the same warning: it is
    not solved, and a driver nobody measures keeps its plan (`assumed`).
    It is a warning, not error E008: the file is right, and the rate gets a
    value as soon as the divisor counts something. `goaltree evaluate`
    reports it, since it needs the observations; `check` does not fetch data.

    **Anti-pattern**

    ```yaml
    cost_per_lead: {title: At most 500 SEK per lead, unit: SEK, direction: decrease, target: 500, formula: cost / leads}
    cost: {title: 500 000 SEK lead budget, unit: SEK, direction: decrease, target: 500000, actuals: {2027-01-31: 40000}}
    leads: {title: 1 000 leads, unit: count, target: 1000, actuals: {2027-01-31: 0}}
    ```

    **Best practice**

    Nothing in the file needs to change: the warning goes away once the
    leads are counted. Check the divisor's data if it should not be 0 (a
    filter that matches no rows, a source that has not been refreshed).
    """

    code = codes.ACTUAL_DIVIDES_BY_ZERO
    name = "measurable.actual_divides_by_zero"
    severity = "warning"
    emitted_by = "evaluate"
