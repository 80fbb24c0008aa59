"""The engine on the seed funnel and on the rules of SPEC §3."""

from __future__ import annotations

import datetime as dt
import math

import pytest

import goaltree
from support import AS_OF, HEADER


def evaluate_text(write_goals, body: str, as_of: dt.date = AS_OF):
    path = write_goals(HEADER + body)
    return goaltree.evaluate(goaltree.load(path), as_of)


def test_seed_funnel_derives_customers_leads_and_visits(funnel_path):
    result = goaltree.evaluate(goaltree.load(funnel_path), AS_OF)
    nodes = result.nodes
    assert nodes["clv"].target == pytest.approx(900_000)
    assert nodes["customers"].target == pytest.approx(70)
    assert nodes["leads"].target == pytest.approx(5_000)
    assert nodes["visits"].target == pytest.approx(250_000)
    for node_id in ("clv", "customers", "leads", "visits"):
        assert nodes[node_id].target_origin == "derived"
    assert nodes["revenue"].target_origin == "declared"
    assert "revenue = customers * clv" in nodes["customers"].target_derivation.text


def test_seed_funnel_rolls_up_actuals_and_solves_the_rates(funnel_path):
    nodes = goaltree.evaluate(goaltree.load(funnel_path), AS_OF).nodes
    assert nodes["customers"].actual == 30
    assert nodes["leads"].actual == 2_500
    assert nodes["visits"].actual == 125_000
    assert nodes["visit_to_lead"].actual == pytest.approx(0.02)
    assert nodes["visit_to_lead"].actual_origin == "solved"
    assert nodes["lead_to_customer"].actual == pytest.approx(30 / 2_500)
    assert nodes["lead_to_customer"].actual_origin == "solved"
    assert nodes["revenue"].actual == pytest.approx(30 * 900_000)
    assert nodes["revenue"].actual_origin == "rolled_up"


def test_seed_funnel_status_and_attribution(funnel_path):
    nodes = goaltree.evaluate(goaltree.load(funnel_path), AS_OF).nodes
    revenue = nodes["revenue"]
    fraction = 181 / 365
    assert revenue.expected == pytest.approx(63_000_000 * fraction)
    assert revenue.progress == pytest.approx(27_000_000 / 63_000_000)
    assert revenue.status == "at_risk"  # 0.4286 / 0.4959 = 0.864
    parts = revenue.attribution
    assert set(parts) == {"customers", "clv"}
    assert math.fsum(parts.values()) == pytest.approx(revenue.actual - revenue.expected)
    assert parts["customers"] < 0 and parts["clv"] == pytest.approx(0)
    # the customers gap is itself the leads volume versus the lead-to-customer rate
    customer_parts = nodes["customers"].attribution
    assert math.fsum(customer_parts.values()) == pytest.approx(nodes["customers"].gap)
    assert customer_parts["lead_to_customer"] < 0


def test_sum_allocates_remainder_by_weight_then_baseline_then_equally(write_goals):
    by_weight = evaluate_text(
        write_goals,
        """
nodes:
  total: {title: Leads 1000, target: 1000, rollup: sum}
  a: {title: A leads, parent: total, weight: 3}
  b: {title: B leads, parent: total, weight: 1}
  c: {title: C leads, parent: total, target: 200}
""",
    ).nodes
    assert by_weight["a"].target == pytest.approx(600)
    assert by_weight["b"].target == pytest.approx(200)
    by_baseline = evaluate_text(
        write_goals,
        """
nodes:
  total: {title: Leads 1000, target: 1000, rollup: sum}
  a: {title: A leads, parent: total, baseline: 300}
  b: {title: B leads, parent: total, baseline: 100}
""",
    ).nodes
    assert by_baseline["a"].target == pytest.approx(750)
    assert "baseline share" in by_baseline["a"].target_derivation.text
    equally = evaluate_text(
        write_goals,
        """
nodes:
  total: {title: Leads 1000, target: 1000, rollup: sum}
  a: {title: A leads, parent: total}
  b: {title: B leads, parent: total, baseline: 100}
""",
    ).nodes
    assert equally["a"].target == pytest.approx(500) and equally["b"].target == pytest.approx(500)


def test_mean_gives_unknown_children_the_value_that_hits_the_mean(write_goals):
    nodes = evaluate_text(
        write_goals,
        """
nodes:
  nps: {title: NPS 50, target: 50, rollup: mean, aggregate: last}
  a: {title: A NPS, parent: nps, target: 40, aggregate: last}
  b: {title: B NPS, parent: nps, aggregate: last}
  c: {title: C NPS, parent: nps, aggregate: last}
""",
    ).nodes
    assert nodes["b"].target == pytest.approx(55) and nodes["c"].target == pytest.approx(55)


def test_formula_with_several_unknowns_scales_them_by_one_growth_factor(write_goals):
    nodes = evaluate_text(
        write_goals,
        """
nodes:
  revenue: {title: Revenue 120, target: 120, formula: price * volume}
  price: {title: Price, baseline: 10, aggregate: last}
  volume: {title: Volume, baseline: 5, aggregate: last}
""",
    ).nodes
    factor = math.sqrt(120 / 50)
    assert nodes["price"].target == pytest.approx(10 * factor)
    assert nodes["volume"].target == pytest.approx(5 * factor)
    assert nodes["price"].target_derivation.rule == "growth_factor"


def test_underdetermined_formula_is_an_error_naming_the_nodes(write_goals):
    path = write_goals(
        HEADER
        + """
nodes:
  revenue: {title: Revenue 120, target: 120, formula: price * volume}
  price: {title: Price, aggregate: last}
  volume: {title: Volume, aggregate: last}
"""
    )
    result = goaltree.evaluate(goaltree.load(path), AS_OF)
    errors = [d for d in result.diagnostics if d.code == "E010"]
    assert len(errors) == 1
    assert "price" in errors[0].message and "volume" in errors[0].message
    assert errors[0].line == 8  # the revenue node, where its formula stands


@pytest.mark.parametrize(
    ("cost_baseline", "reason"),
    [
        # 100·g − 120·g = −20·g is 30 only at g = −1.5: no growth factor above 0 reaches the target.
        (120, "no common growth factor of their baselines reaches the target"),
        # A baseline of 0 stays 0 whatever the factor: it has nothing to scale.
        (0, "cost has no baseline other than 0 to scale by a common growth factor"),
    ],
)
def test_an_underdetermined_formula_says_why_no_growth_factor_serves(write_goals, cost_baseline, reason):
    result = evaluate_text(
        write_goals,
        f"""
nodes:
  margin: {{title: Margin 30 SEK, unit: SEK, target: 30, formula: rev - cost}}
  rev: {{title: Revenue, unit: SEK, baseline: 100}}
  cost: {{title: Cost, unit: SEK, baseline: {cost_baseline}}}
""",
    )
    errors = [d for d in result.diagnostics if d.code == "E010"]
    assert len(errors) == 1 and reason in errors[0].message


def test_contradicting_declared_targets_warn_with_the_gap(write_goals):
    result = evaluate_text(
        write_goals,
        """
nodes:
  revenue: {title: Revenue, target: 1000, formula: a * b}
  a: {title: A, target: 10, aggregate: last}
  b: {title: B, target: 90, aggregate: last}
""",
    )
    warnings = [d for d in result.diagnostics if d.code == "A003"]
    assert len(warnings) == 1
    assert "900" in warnings[0].message and "100" in warnings[0].message
    assert warnings[0].severity == "warning"


def test_a_disagreement_is_relative_to_the_size_of_what_the_children_give(write_goals):
    # Net new customers 50, but 100 won − 120 churned give −20: the target is 70 above, +350 % of 20.
    result = evaluate_text(
        write_goals,
        """
nodes:
  net_new: {title: Net new customers 50, unit: count, target: 50, formula: won - churned}
  won: {title: 100 customers won, unit: count, target: 100}
  churned: {title: 120 customers churned at most, unit: count, direction: decrease, target: 120}
""",
    )
    (warning,) = [d for d in result.diagnostics if d.code == "A003"]
    assert "net_new target is 50 but its children give -20, a gap of 70 (+350.0%)" in warning.message


def test_small_disagreement_within_half_a_percent_is_fine(write_goals):
    result = evaluate_text(
        write_goals,
        """
nodes:
  revenue: {title: Revenue, target: 1004, formula: a * b}
  a: {title: A, target: 10, aggregate: last}
  b: {title: B, target: 100, aggregate: last}
""",
    )
    assert not [d for d in result.diagnostics if d.code == "A003"]


def test_missing_child_data_makes_the_parent_no_data_not_zero(write_goals):
    nodes = evaluate_text(
        write_goals,
        """
nodes:
  total: {title: Leads 1000, target: 1000, rollup: sum}
  a: {title: A leads, parent: total, target: 500, actuals: {2027-03-01: 100}}
  b: {title: B leads, parent: total, target: 500}
""",
    ).nodes
    assert nodes["b"].actual is None and nodes["b"].status == "no_data"
    assert nodes["total"].actual is None and nodes["total"].status == "no_data"


def test_measured_parent_differing_from_children_warns(write_goals):
    result = evaluate_text(
        write_goals,
        """
nodes:
  total: {title: Leads 1000, target: 1000, rollup: sum, actuals: {2027-03-01: 300}}
  a: {title: A leads, parent: total, actuals: {2027-03-01: 100}}
  b: {title: B leads, parent: total, actuals: {2027-03-01: 100}}
""",
    )
    total = result.nodes["total"]
    assert total.actual == 300 and total.computed_actual == 200
    assert [d.code for d in result.diagnostics if d.node == "total"] == ["A004"]


def test_pace_status_thresholds_and_not_started(write_goals):
    body = """
nodes:
  leads: {title: Leads 365, target: 365, actuals: {2027-01-10: VALUE}}
"""
    def status(value, as_of):
        return evaluate_text(write_goals, body.replace("VALUE", str(value)), as_of).nodes["leads"]

    as_of = dt.date(2027, 1, 10)  # 10 days elapsed: expected 10
    assert status(10, as_of).expected == pytest.approx(10)
    assert status(10, as_of).status == "on_track"
    assert status(9, as_of).status == "at_risk"
    assert status(7, as_of).status == "off_track"
    assert status(400, as_of).status == "achieved"
    assert status(10, dt.date(2026, 12, 1)).status == "not_started"


def test_milestones_make_expected_piecewise_linear(write_goals):
    nodes = evaluate_text(
        write_goals,
        """
nodes:
  followers:
    title: 2000 followers
    aggregate: last
    baseline: 1000
    target: 2000
    milestones: {2027-03-31: 1100}
    actuals: {2027-03-31: 1100}
""",
        dt.date(2027, 3, 31),
    ).nodes
    assert nodes["followers"].expected == pytest.approx(1100)
    assert nodes["followers"].progress == pytest.approx(0.1)
    assert nodes["followers"].status == "on_track"


def test_decrease_flow_is_a_budget_cap(write_goals):
    def node(spent):
        return evaluate_text(
            write_goals,
            f"""
nodes:
  cost: {{title: Spend at most 365 kSEK, unit: SEK, direction: decrease, target: 365, actuals: {{2027-01-10: {spent}}}}}
""",
            dt.date(2027, 1, 10),
        ).nodes["cost"]

    assert node(8).status == "on_track"   # under budget pace
    assert node(12).status == "at_risk"  # 10/12 = 0.83
    assert node(20).status == "off_track"


def test_maintain_is_on_track_inside_its_range(write_goals):
    def status(value):
        return evaluate_text(
            write_goals,
            f"""
nodes:
  churn: {{title: Churn 2-3 %, unit: '%', direction: maintain, range: [2, 3], aggregate: last, actuals: {{2027-03-01: {value}}}}}
""",
        ).nodes["churn"].status

    assert status(2.5) == "on_track"
    assert status(3.5) == "off_track"


def test_objectives_score_by_weighted_progress(write_goals):
    nodes = evaluate_text(
        write_goals,
        """
nodes:
  growth: {title: Grow the brand, type: objective}
  a: {title: Leads 100, parent: growth, weight: 3, target: 100, actuals: {2027-06-30: 60}}
  b: {title: Meetings 100, parent: growth, weight: 1, target: 100, actuals: {2027-06-30: 20}}
""",
    ).nodes
    assert nodes["growth"].progress == pytest.approx((3 * 0.6 + 1 * 0.2) / 4)
    assert nodes["growth"].score == pytest.approx(0.5)
    expected = 181 / 365
    assert nodes["growth"].expected_progress == pytest.approx(expected)
    assert nodes["growth"].status == "on_track"  # 0.5 / 0.496
    assert set(nodes["growth"].attribution) == {"a", "b"}


def test_forecast_follows_the_trend_and_is_carried_up(funnel_path):
    nodes = goaltree.evaluate(goaltree.load(funnel_path), AS_OF).nodes
    visits = nodes["visits"]
    # cumulative 60 000 at day 90 and 125 000 at day 181: least squares through the origin
    slope = (90 * 60_000 + 181 * 125_000) / (90**2 + 181**2)
    assert visits.forecast == pytest.approx(slope * 365)
    assert nodes["revenue"].forecast == pytest.approx(nodes["customers"].forecast * 900_000)


def test_driver_without_target_keeps_its_baseline(write_goals):
    nodes = evaluate_text(
        write_goals,
        """
nodes:
  customers: {title: Customers 70, target: 70, formula: leads * rate}
  rate: {title: Lead to customer, type: driver, unit: ratio, baseline: 0.014}
  leads: {title: Leads}
""",
    ).nodes
    assert nodes["rate"].target == pytest.approx(0.014)
    assert nodes["rate"].target_derivation.rule == "assumed"
    assert nodes["leads"].target == pytest.approx(5_000)


def test_overspending_a_budget_lowers_the_objective_not_raises_it(write_goals):
    def objective(spent):
        return evaluate_text(
            write_goals,
            f"""
nodes:
  growth: {{title: Grow efficiently, type: objective}}
  leads: {{title: Leads 365, parent: growth, target: 365, actuals: {{2027-01-10: 10}}}}
  spend: {{title: Spend at most 365 kSEK, parent: growth, unit: SEK, direction: decrease, target: 365, actuals: {{2027-01-10: {spent}}}}}
""",
            dt.date(2027, 1, 10),
        ).nodes["growth"]

    on_pace, overspent, underspent = objective(10), objective(20), objective(5)
    assert on_pace.progress == pytest.approx(on_pace.expected_progress)
    assert overspent.progress < on_pace.progress
    assert underspent.progress == pytest.approx(on_pace.progress)  # under budget is on pace, not a bonus
    assert overspent.attribution["spend"] < 0 and on_pace.attribution["spend"] == pytest.approx(0)


def test_evaluate_honours_suppressions_and_disabled_checks(write_goals):
    body = """
nodes:
  total: {title: Leads 1000, target: 1000, rollup: sum, actuals: {2027-03-01: 300}SUPPRESS}
  a: {title: A leads, parent: total, actuals: {2027-03-01: 100}}
  b: {title: B leads, parent: total, actuals: {2027-03-01: 100}}
"""
    plain = evaluate_text(write_goals, body.replace("SUPPRESS", ""))
    assert [d.code for d in plain.diagnostics] == ["A004"]
    suppressed = evaluate_text(write_goals, body.replace("SUPPRESS", ", suppress: {A004: the CRM counts partner leads too}"))
    assert suppressed.diagnostics == ()
    disabled = evaluate_text(write_goals, "checks: {disable: [A004]}\n" + body.replace("SUPPRESS", ""))
    assert disabled.diagnostics == ()


def test_decrease_level_without_baseline_is_judged_by_how_far_above_target(write_goals):
    def cac(value):
        return evaluate_text(
            write_goals,
            f"""
nodes:
  cac: {{title: CAC at most 90 000 SEK, unit: SEK, direction: decrease, aggregate: last, target: 90000, actuals: {{2027-06-01: {value}}}}}
""",
        ).nodes["cac"]

    worse = cac(111_000)
    assert worse.progress == pytest.approx(90_000 / 111_000)
    assert worse.status == "at_risk"
    assert cac(150_000).status == "off_track"
    assert cac(88_000).status == "on_track"  # at or under the cap before the deadline


def test_the_networkx_graph_has_formula_and_parent_edges(write_goals):
    import networkx as nx

    path = write_goals(
        HEADER
        + """
nodes:
  growth: {title: Grow, type: objective}
  revenue: {title: Revenue, formula: customers * 2, parent: growth}
  customers: {title: Customers, parent: [growth]}
"""
    )
    graph = goaltree.load(path).graph
    assert nx.is_directed_acyclic_graph(graph)
    assert graph.edges["revenue", "customers"]["kind"] == "formula"
    assert graph.edges["growth", "revenue"]["kind"] == "parent"
    assert graph.edges["growth", "customers"]["kind"] == "parent"
    assert graph.nodes["revenue"]["node"].formula == "customers * 2"


def test_allocation_takes_the_top_most_equation_first_in_any_list_order(write_goals):
    # c shares two sums: p comes first in the file, so p is split first (c = d = 100 / 2)
    # and q's remainder then goes to e (1000 - 50), whatever order the equations are listed in.
    from goaltree.engine.equations import equations_of, solve_targets

    tree = goaltree.load(
        write_goals(
            HEADER
            + """
nodes:
  p: {title: P 100, target: 100, rollup: sum}
  q: {title: Q 1000, target: 1000, rollup: sum}
  c: {title: Shared, parent: [p, q]}
  d: {title: Only in p, parent: p}
  e: {title: Only in q, parent: q}
"""
        )
    )
    equations = equations_of(tree)
    for listed in (equations, list(reversed(equations))):
        targets = solve_targets(tree, listed)
        assert targets.values["c"] == pytest.approx(50)
        assert targets.values["d"] == pytest.approx(50)
        assert targets.values["e"] == pytest.approx(950)
        assert targets.derivations["e"].rule == "solved"
