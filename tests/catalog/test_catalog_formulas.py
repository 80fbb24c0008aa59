"""Catalogue formulas against values worked out by hand, and the registry's own consistency."""

from __future__ import annotations

import pytest

from goaltree import catalog
from goaltree.catalog.registry import GROUPS, KPIS
from goaltree.errors import GoaltreeError
from goaltree.formula import parse
from goaltree.model import NODE_ID_PATTERN
from goaltree.present.numbers import format_number

# (KPI, inputs, the value computed by hand). Written out here, not taken from
# the registry's examples, so a wrong formula and a wrong example cannot agree.
HAND_COMPUTED = [
    # 5 000 leads from 250 000 visitors: 5 000 / 250 000 = 0.02
    ("conversion_rate", {"conversions": 5_000, "visitors": 250_000}, 0.02),
    # 300 000 SEK of campaign spend bought 250 sign-ups: 1 200 SEK each
    ("cpa", {"marketing_cost": 300_000, "conversions": 250}, 1_200),
    # a lead that closes 1.4 % of the time into a 900 000 SEK customer: 12 600 SEK
    ("conversion_value", {"close_rate": 0.014, "sale_value": 900_000}, 12_600),
    # a purchase converts for sure: its value is the purchase amount
    ("conversion_value", {"close_rate": 1, "sale_value": 4_500}, 4_500),
    # 1.5 MSEK back on 1 MSEK spent: (1.5 - 1) / 1 = 0.5
    ("roi", {"revenue": 1_500_000, "marketing_cost": 1_000_000}, 0.5),
    # gain equal to cost is an ROI of 0, not 1 - 1/1 mistakes
    ("roi", {"revenue": 200_000, "marketing_cost": 200_000}, 0.0),
    # a loss: 50 000 back on 200 000 spent is -0.75
    ("roi", {"revenue": 50_000, "marketing_cost": 200_000}, -0.75),
    # 6.3 MSEK won 70 customers: 90 000 SEK per customer
    ("cac", {"acquisition_cost": 6_300_000, "new_customers": 70}, 90_000),
    # CAC % of 10: 90 000 SEK of cost for a 900 000 SEK sale
    ("cac_percent", {"acquisition_cost": 90_000, "sales_value": 900_000}, 10),
    # the seed's CLV: 100 000 SEK an order, 3 orders a year, 3 years
    ("clv", {"avg_order": 100_000, "orders_per_year": 3, "lifetime_years": 3}, 900_000),
    # standard ROAS: 2 MSEK of ad revenue on 500 000 SEK of ads = 4 (not 0.25)
    ("roas", {"ad_revenue": 2_000_000, "ad_spend": 500_000}, 4),
    # 12 000 followers grew to 15 000: +25 %
    ("follower_growth", {"followers": 15_000, "followers_start": 12_000}, 0.25),
    ("traffic_to_lead", {"leads": 5_000, "visits": 250_000}, 0.02),
    ("lead_to_customer", {"customers": 70, "leads": 5_000}, 0.014),
    # the seed: at 1.4 % lead-to-customer you need about 70 leads per customer (71.43)
    ("leads_per_customer", {"lead_to_customer": 0.014}, 71.42857142857143),
    ("mql_to_sql", {"sql": 450, "mql": 1_500}, 0.3),
]


@pytest.mark.parametrize(("kpi", "inputs", "expected"), HAND_COMPUTED, ids=[f"{row[0]}-{index}" for index, row in enumerate(HAND_COMPUTED)])
def test_formula_gives_the_hand_computed_value(kpi: str, inputs: dict, expected: float) -> None:
    assert catalog.evaluate(kpi, inputs) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_clv_values_a_customer_at_900_000_and_70_leads_at_a_customer() -> None:
    clv = catalog.evaluate("clv", {"avg_order": 100_000, "orders_per_year": 3, "lifetime_years": 3})
    leads_per_customer = catalog.evaluate("leads_per_customer", {"lead_to_customer": 0.014})
    assert clv == 900_000
    assert round(leads_per_customer) == 71  # "about 70" in the seed
    # 63 MSEK of customer value needs 70 customers, so about 5 000 leads
    customers = 63_000_000 / clv
    assert customers == 70
    assert customers * leads_per_customer == pytest.approx(5_000)


def test_roas_is_revenue_over_spend_and_the_note_says_so() -> None:
    entry = catalog.get("roas")
    assert entry.formula == "ad_revenue / ad_spend"
    assert entry.direction == "increase"
    assert "inverse" in entry.note or "other way round" in entry.note


def test_roas_and_roi_are_multiples_read_as_kronor_per_krona() -> None:
    # "8 kronor per krona": 800 000 SEK of ad revenue on 100 000 SEK of ads
    roas = catalog.get("roas")
    value = catalog.evaluate(roas, {"ad_revenue": 800_000, "ad_spend": 100_000})
    assert (roas.unit, value) == ("multiple", 8)
    assert format_number(value, roas.unit) == "8×"
    roi = catalog.get("roi")
    # 6.9 MSEK back on 1 MSEK: (6.9 - 1) / 1 = 5.9 kronor of gain per krona
    gain = catalog.evaluate(roi, {"revenue": 6_900_000, "marketing_cost": 1_000_000})
    assert roi.unit == "multiple" and format_number(gain, roi.unit) == "5.9×"


def test_cac_percent_is_the_fraction_shown_in_percent_without_a_times_100() -> None:
    entry = catalog.get("cac_percent")
    assert entry.unit == "%" and "100" not in entry.formula
    # 630 000 SEK of cost for 6.3 MSEK of sales: 630 000 / 6 300 000 = 0.1, shown as 10 %
    assert catalog.evaluate(entry, {"acquisition_cost": 630_000, "sales_value": 6_300_000}) == pytest.approx(10)


def test_every_formula_kpi_is_covered_by_a_hand_computed_case() -> None:
    covered = {kpi for kpi, _, _ in HAND_COMPUTED}
    assert covered == {entry.id for entry in KPIS if entry.formula is not None}


@pytest.mark.parametrize("entry", KPIS, ids=[entry.id for entry in KPIS])
def test_entry_is_complete_and_consistent(entry) -> None:
    import re

    assert re.fullmatch(NODE_ID_PATTERN, entry.id)
    assert entry.name and entry.definition and entry.unit and entry.note
    assert entry.group in {group for group, _ in GROUPS}
    assert entry.direction in {"increase", "decrease"}
    if entry.unit in {"ratio", "%", "multiple"}:
        assert entry.aggregate != "sum", "a rate is never summed over time"
    if entry.formula is None:
        assert entry.inputs == () and entry.example == ()
        return
    formula = parse(entry.formula)
    assert set(formula.names) == set(entry.input_names), "inputs must be exactly the formula's names"
    for item in entry.inputs:
        assert re.fullmatch(NODE_ID_PATTERN, item.name), "an input name doubles as a node id"
        assert item.meaning and item.unit
    assert entry.example_result is not None
    assert catalog.evaluate(entry, dict(entry.example)) == pytest.approx(entry.example_result)


def test_ids_are_unique_and_the_ten_standard_kpis_are_there() -> None:
    ids = [entry.id for entry in KPIS]
    assert len(ids) == len(set(ids))
    standard = {entry.id for entry in KPIS if entry.group == "standard"}
    assert standard == {
        "conversion_rate", "cpa", "conversion_value", "roi", "cac", "cac_percent", "clv", "roas", "mql", "sql",
        "follower_growth",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [("roas", "roas"), ("ROAS", "roas"), ("CAC %", "cac_percent"), ("cac-percent", "cac_percent"), (" Days to deal ", "days_to_deal")],
)
def test_get_accepts_the_id_in_any_case(name: str, expected: str) -> None:
    assert catalog.get(name).id == expected


def test_get_unknown_is_none() -> None:
    assert catalog.get("net_promoter_score") is None


def test_evaluate_refuses_what_it_cannot_compute() -> None:
    with pytest.raises(GoaltreeError, match="did you mean 'roas'"):
        catalog.evaluate("rosa", {})
    with pytest.raises(GoaltreeError, match="no formula"):
        catalog.evaluate("mql", {})
    with pytest.raises(GoaltreeError, match="ad_spend"):
        catalog.evaluate("roas", {"ad_revenue": 1})


def test_entries_follow_the_group_order() -> None:
    order = [group for group, _ in GROUPS]
    groups = [entry.group for entry in catalog.entries()]
    assert groups == sorted(groups, key=order.index)
    assert len(catalog.entries()) == len(KPIS)
