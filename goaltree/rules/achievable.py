"""A — achievable: targets within reach of the baseline and the trend, and consistent with their equations."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import TYPE_CHECKING, Iterator

from goaltree.present.language import N_, _, _n, _p
from goaltree.present.numbers import format_fixed, format_general, format_number, format_signed_share, with_decimal_sign
from goaltree.rules import wording
from goaltree.rules.base import CheckContext, Finding, NodeRule, Option, Rule, where
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.model import Node


class TargetChangeBeyondBound(NodeRule):
    """A target is further from its baseline than a plausible change (default: more than 4×, or less than ¼).

    A plan that needs leads to go from 1 000 to 5 000 in a year needs a reason
    — a new channel, a new market, a budget — or it is a wish. The rule
    compares each target (declared, or derived by the solver, which shows what
    a parent's target asks of its children) with the node's baseline. The
    bound is `checks.options.max_target_change`, a relative change: 3.0 allows
    up to +300 % (4× the baseline) for an increase and the mirror image for a
    decrease (down to ¼). Baselines of 0, and targets on the other side of
    zero from the baseline, are not judged.

    **Anti-pattern**

    ```yaml
    leads:
      title: 20 000 leads from the website
      baseline: 3000
      target: 20000        # 6.7× last year
    ```

    **Best practice**

    ```yaml
    leads:
      title: 6 000 leads from the website
      baseline: 3000
      target: 6000         # 2× last year, with a new webinar programme
    ```
    """

    code = codes.TARGET_CHANGE_BEYOND_BOUND
    name = "achievable.target_change_beyond_bound"
    severity = "warning"
    options = (
        Option(
            "max_target_change",
            3.0,
            "number",
            N_("Largest plausible relative change of a target over its baseline (3.0 = +300 %, 4×)."),
            minimum=0.0,
        ),
    )

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        baseline = node.baseline
        target = context.target_of(node_id)
        if baseline is None or target is None or baseline == 0 or target == 0 or (baseline > 0) != (target > 0):
            return
        bound = float(context.options["max_target_change"])
        factor, fall = target / baseline, baseline / target  # either may leave float range (1e308 against 5e-324)
        if max(factor, fall) <= 1 + bound + 1e-12:
            return
        declared = context.is_declared(node_id)
        fields = {
            "target": format_number(target),
            "baseline": format_number(baseline),
            "change": format_signed_share(factor - 1) if math.isfinite(factor) else "+" + _huge_share(target, baseline),
            "bound": format_signed_share(bound),
            # A fall mirrors a rise: at most to 1/(1 + bound) of the baseline (¼ by default, −75 %).
            "limit": format_general(1 + bound),
            "floor": format_signed_share(1 / (1 + bound) - 1),
            # The option as it is written in YAML, which reads a decimal point in every language.
            "option": f"`checks.options.max_target_change: {bound:g}`",
        }
        if factor >= 1:
            fields["factor"] = format_fixed(factor, ".1f") if math.isfinite(factor) else _huge_factor(target, baseline)
            if declared:
                message = _(
                    "the target {target} is {factor}× the baseline {baseline} ({change}), beyond the plausible "
                    "rise of {bound} ({option}); check the target, or say what makes it reachable",
                    **fields,
                )
            else:
                message = _(
                    "the derived target {target} is {factor}× the baseline {baseline} ({change}), beyond the "
                    "plausible rise of {bound} ({option}); check the target, or say what makes it reachable",
                    **fields,
                )
        else:
            fields["factor"] = format_fixed(fall, ".1f") if math.isfinite(fall) else _huge_factor(baseline, target)
            if declared:
                message = _(
                    "the target {target} is 1/{factor} of the baseline {baseline} ({change}), beyond the plausible "
                    "fall to 1/{limit} of it ({floor}; {option}); check the target, or say what makes it reachable",
                    **fields,
                )
            else:
                message = _(
                    "the derived target {target} is 1/{factor} of the baseline {baseline} ({change}), beyond the "
                    "plausible fall to 1/{limit} of it ({floor}; {option}); check the target, or say what makes it reachable",
                    **fields,
                )
        yield Finding(message, node_id, where(node_id, "target" if declared else "baseline"))


class GrowthAboveTrend(NodeRule):
    """The rest of the period needs a much faster pace than the check-ins so far show.

    When a node has inline `actuals`, goaltree compares the pace observed since
    the start of the period with the pace needed to reach the target by the
    deadline from the last check-in. For flows (`aggregate: sum`: leads,
    revenue) the pace is the amount per day; for levels (followers, a rate)
    it is the change per day from the baseline (or from the first check-in).
    The rule fires when the needed pace is more than
    `checks.options.max_pace_vs_trend` times the observed one (default 2), or
    when the observed trend is flat or going the wrong way. It waits until the
    check-ins cover `checks.options.min_trend_days` days (default 30).
    Observations from metric sources are fetched by `evaluate`, not by
    `check`, so only inline actuals are judged here; `maintain` goals and
    budget caps (flows with `direction: decrease`) are not.

    **Anti-pattern**

    ```yaml
    leads:
      title: 5 000 leads from the website
      target: 5000
      actuals: {2027-03-31: 400, 2027-06-30: 450}   # 850 by midyear: 4 150 to go
    ```

    **Best practice**

    ```yaml
    leads:
      title: 2 000 leads from the website
      target: 2000          # in line with the first half, plus the autumn campaign
      actuals: {2027-03-31: 400, 2027-06-30: 450}
    ```
    """

    code = codes.GROWTH_ABOVE_TREND
    name = "achievable.growth_above_trend"
    severity = "warning"
    options = (
        Option(
            "max_pace_vs_trend",
            2.0,
            "number",
            N_("Largest plausible ratio of the pace needed for the rest of the period to the pace observed so far."),
            minimum=1.0,
        ),
        Option(
            "min_trend_days",
            30,
            "integer",
            N_("Days of check-ins (from the period start) needed before a trend is judged."),
            minimum=1,
        ),
    )

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if not node.actuals or node.metric is not None or node.direction == "maintain":
            return
        target = context.target_of(node_id)
        if target is None:
            return
        goal_file = context.goal_file
        start = goal_file.period.start
        deadline = node.deadline or goal_file.period.end
        observations = sorted((day, value) for day, value in node.actuals.items() if start <= day <= deadline)
        if not observations:
            return
        last_day, last_value = observations[-1]
        elapsed = (last_day - start).days + 1
        remaining = (deadline - last_day).days
        if remaining <= 0 or elapsed < context.options["min_trend_days"]:
            return
        sign = 1.0 if node.direction == "increase" else -1.0
        if node.effective_aggregate == "sum":
            if node.direction == "decrease":
                return  # a cap on a flow: spending slower than allowed is fine
            done = sum(value for _day, value in observations)
            observed = done / elapsed
            needed = (target - done) / remaining
            by_date, so_far_amount = True, done
        else:
            reference = _reference(node, start, observations)
            if reference is None:
                return
            reference_day, reference_value = reference
            observed = (last_value - reference_value) / max(1, (last_day - reference_day).days)
            needed = (target - last_value) / remaining
            by_date, so_far_amount = False, last_value
        observed *= sign
        needed *= sign
        if needed <= 0:
            return  # already there
        factor = float(context.options["max_pace_vs_trend"])
        if not (observed <= 0 or needed > factor * observed):
            return  # the pace needed is within reach of the trend: nothing to write
        amount, date = format_number(so_far_amount), wording.day(last_day)
        if by_date:
            so_far = _p("check", "{amount} by {date}", amount=amount, date=date)
        else:
            so_far = _p("check", "{amount} on {date}", amount=amount, date=date)
        fields = {
            "target": format_number(target),
            "deadline": wording.day(deadline),
            "needed": _rate(needed),
            "so_far": so_far,
            # The option as it is written in YAML, which reads a decimal point in every language.
            "option": f"`checks.options.max_pace_vs_trend: {factor:g}`",
        }
        # The English says "days" for one day too: a finding a day before the deadline is rare,
        # and its wording is what existing users and tests read.
        if observed == 0:
            message = _n(
                "reaching {target} by {deadline} needs {needed} a day for the remaining {count} days, "
                "but the trend so far ({so_far}) is flat; check the target, or plan what turns the trend",
                "reaching {target} by {deadline} needs {needed} a day for the remaining {count} days, "
                "but the trend so far ({so_far}) is flat; check the target, or plan what turns the trend",
                remaining,
                **fields,
            )
        elif observed < 0:
            message = _n(
                "reaching {target} by {deadline} needs {needed} a day for the remaining {count} days, but the "
                "trend so far ({so_far}) is going the other way; check the target, or plan what turns the trend",
                "reaching {target} by {deadline} needs {needed} a day for the remaining {count} days, but the "
                "trend so far ({so_far}) is going the other way; check the target, or plan what turns the trend",
                remaining,
                **fields,
            )
        elif needed > factor * observed:
            message = _n(
                "reaching {target} by {deadline} needs {needed} a day for the remaining {count} days, "
                "{times}× the {observed} a day observed so far ({so_far}; {option}); "
                "check the target, or plan what changes the pace",
                "reaching {target} by {deadline} needs {needed} a day for the remaining {count} days, "
                "{times}× the {observed} a day observed so far ({so_far}; {option}); "
                "check the target, or plan what changes the pace",
                remaining,
                times=format_fixed(needed / observed, ".1f"),
                observed=_rate(observed),
                **fields,
            )
        else:
            return
        yield Finding(message, node_id, where(node_id, "target" if node.target is not None else "actuals"))


def _reference(node: "Node", start: dt.date, observations: list[tuple[dt.date, float]]) -> tuple[dt.date, float] | None:
    """Where a level's trend starts: the baseline the day before the period, else the first check-in."""
    if node.baseline is not None:
        return start - dt.timedelta(days=1), node.baseline
    if len(observations) >= 2:
        return observations[0]
    return None


def _rate(value: float) -> str:
    if abs(value) >= 100:
        return format_number(round(value))
    return format_fixed(value, ".3g")


class ContradictingTargets(Rule):
    """Declared targets contradict an equation between them by more than 0.5 %.

    When a formula's node and all its children have declared targets, or a sum
    rollup's parent and children do, the numbers must agree: `revenue: 63 MSEK`
    with `customers: 60` and `clv: 900 000` says both 63 and 54 MSEK (0.5 %
    of the larger of the two, whichever it is). The finding names the
    equation and the gap, and the gap as a share of what the children give.
    Leave one of the targets out and
    goaltree derives it; or correct one. The solver of `goaltree evaluate`
    finds these; `check` reports them under this rule so that they can be
    re-graded or suppressed like any rule.

    **Anti-pattern**

    ```yaml
    revenue: {title: 63 MSEK revenue, target: 63000000, formula: customers * clv}
    customers: {title: 60 customers, target: 60}
    clv: {title: 900 000 SEK CLV, type: driver, target: 900000}
    ```

    **Best practice**

    ```yaml
    revenue: {title: 63 MSEK revenue, target: 63000000, formula: customers * clv}
    customers: {title: 70 customers}        # derived: 63 000 000 / 900 000
    clv: {title: 900 000 SEK CLV, type: driver, target: 900000}
    ```
    """

    code = codes.CONTRADICTING_TARGETS
    name = "achievable.contradicting_targets"
    severity = "warning"
    emitted_by = "solver"

    def check(self, context: CheckContext) -> Iterator[Finding]:
        for diagnostic in context.targets.diagnostics:
            if diagnostic.code == self.code:
                yield Finding(diagnostic.message, diagnostic.node, diagnostic.path)


class ActualsDisagree(Rule):
    """A measured actual differs by more than 1 % from what its children add up to.

    A node that has both its own measurement and a formula or numeric rollup
    over measured children reports both values (SPEC §3.2); when they differ
    by more than 1 % of the larger of the two (so the same gap counts the same
    whichever is larger), one of the sources counts differently — a CRM that
    counts a deal twice, a filter that leaves a channel out. `goaltree
    evaluate` reports this, since it needs the fetched observations; `check`
    does not fetch data.

    **Anti-pattern**

    ```yaml
    leads:
      title: 5 000 leads
      rollup: sum
      metric: {source: crm, value: count}          # 4 100 in the CRM
    leads_web: {title: 3 000 web leads, parent: leads, actuals: {2027-03-31: 3000}}
    leads_events: {title: 2 000 event leads, parent: leads, actuals: {2027-03-31: 2000}}
    ```

    **Best practice**

    Measure the parent the same way as its children, or drop one of the two:
    either the rollup or the parent's own metric.
    """

    code = codes.ACTUALS_DISAGREE
    name = "achievable.actuals_disagree"
    severity = "warning"
    emitted_by = "evaluate"


def _huge_factor(numerator: float, denominator: float) -> str:
    """``numerator / denominator`` beyond float range, in decimal with an exponent: ``2.0e+631``."""
    return with_decimal_sign(f"{Decimal(numerator) / Decimal(denominator):.1e}")


def _huge_share(numerator: float, denominator: float) -> str:
    """The change from ``denominator`` to ``numerator`` in percent, beyond float range: ``2.0e+633 %``."""
    return with_decimal_sign(f"{(Decimal(numerator) / Decimal(denominator) - 1) * 100:.1e}") + " %"
