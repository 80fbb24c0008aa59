"""csv and parquet sources against numbers computed independently from the same deals."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from goaltree.sources import fetch_observations

from .deals import (
    AS_OF,
    DEALS,
    START,
    assert_series_equal,
    by_day,
    by_day_and_dimension,
    expected_by_channel,
    expected_count,
    expected_revenue,
    goal_file,
    in_period,
    write_deals_csv,
    write_deals_parquet,
)

DEAL_NODES = {
    "revenue": {"unit": "SEK", "metric": {"source": "crm", "value": "amount", "where": "dealstage = 'closedwon'"}},
    "deals": {"unit": "count", "metric": {"source": "crm", "value": "count"}},
    "deals_by_channel": {"unit": "count", "metric": {"source": "crm", "value": "count", "by": "channel"}},
}


def assert_deal_numbers(result) -> None:
    assert result.diagnostics == ()
    assert result.failed_nodes == frozenset()
    assert_series_equal(by_day(result.observations["revenue"]), expected_revenue())
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert_series_equal(by_day_and_dimension(result.observations["deals_by_channel"]), expected_by_channel())
    # And the period-to-date totals a report shows.
    won = [d.amount for d in DEALS if in_period(d) and d.dealstage == "closedwon" and d.amount is not None]
    assert math.fsum(o.value for o in result.observations["revenue"]) == pytest.approx(math.fsum(won), rel=1e-12)
    assert sum(o.value for o in result.observations["deals"]) == sum(1 for d in DEALS if in_period(d))


def test_csv_gives_revenue_deal_count_and_deals_per_channel(tmp_path: Path) -> None:
    write_deals_csv(tmp_path / "data" / "deals.csv")
    tree = goal_file({"crm": {"type": "csv", "path": "data/deals.csv", "date_column": "close_date"}}, DEAL_NODES)

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert_deal_numbers(result)
    assert {o.dimension for o in result.observations["deals_by_channel"]} == {
        "organic search", "paid search", "social", "email", "(missing)"
    }


def test_parquet_gives_the_same_numbers(tmp_path: Path) -> None:
    write_deals_parquet(tmp_path / "data" / "deals.parquet")
    tree = goal_file({"crm": {"type": "parquet", "path": "data/deals.parquet", "date_column": "close_date"}}, DEAL_NODES)

    assert_deal_numbers(fetch_observations(tree, tmp_path, START, AS_OF))


def test_parquet_glob_reads_every_matching_file(tmp_path: Path) -> None:
    half = len(DEALS) // 2
    write_deals_parquet(tmp_path / "data" / "deals-1.parquet", DEALS[:half])
    write_deals_parquet(tmp_path / "data" / "deals-2.parquet", DEALS[half:])
    tree = goal_file({"crm": {"type": "parquet", "path": "data/deals-*.parquet", "date_column": "close_date"}}, DEAL_NODES)

    assert_deal_numbers(fetch_observations(tree, tmp_path, START, AS_OF))


def test_csv_with_a_semicolon_delimiter(tmp_path: Path) -> None:
    write_deals_csv(tmp_path / "deals.csv", delimiter=";")
    tree = goal_file(
        {"crm": {"type": "csv", "path": "deals.csv", "date_column": "close_date", "delimiter": ";"}}, DEAL_NODES
    )

    assert_deal_numbers(fetch_observations(tree, tmp_path, START, AS_OF))


def test_observations_are_sorted_and_inside_the_range(tmp_path: Path) -> None:
    write_deals_csv(tmp_path / "deals.csv")
    tree = goal_file({"crm": {"type": "csv", "path": "deals.csv", "date_column": "close_date"}}, DEAL_NODES)
    start, end = dt.date(2027, 2, 1), dt.date(2027, 2, 10)

    result = fetch_observations(tree, tmp_path, start, end)

    for observations in result.observations.values():
        keys = [(o.date, o.dimension or "") for o in observations]
        assert keys == sorted(keys)
        assert all(start <= o.date <= end for o in observations)
    assert_series_equal(by_day(result.observations["revenue"]), expected_revenue(start=start, end=end))


def test_an_expression_value_and_a_compound_filter(tmp_path: Path) -> None:
    write_deals_csv(tmp_path / "deals.csv")
    tree = goal_file(
        {"crm": {"type": "csv", "path": "deals.csv", "date_column": "close_date"}},
        {
            "net_paid_revenue": {
                "metric": {
                    "source": "crm",
                    "value": "amount * 0.8",
                    "where": "dealstage = 'closedwon' AND channel IN ('paid search', 'social')",
                }
            }
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    expected: dict[dt.date, list[float]] = {}
    for d in DEALS:
        if in_period(d) and d.dealstage == "closedwon" and d.channel in ("paid search", "social") and d.amount is not None:
            expected.setdefault(d.close_date.date(), []).append(d.amount * 0.8)
    assert_series_equal(
        by_day(result.observations["net_paid_revenue"]), {day: math.fsum(v) for day, v in expected.items()}
    )


def test_a_day_keeps_the_sum_number_and_extremes_of_its_rows_whatever_the_aggregate(tmp_path: Path) -> None:
    write_deals_csv(tmp_path / "deals.csv")
    won = {"source": "crm", "value": "amount", "where": "dealstage = 'closedwon'"}
    tree = goal_file(
        {"crm": {"type": "csv", "path": "deals.csv", "date_column": "close_date"}},
        {
            "largest_deal": {"aggregate": "max", "metric": won},
            "mean_deal": {"aggregate": "mean", "metric": won},
            "won_revenue_last": {"type": "driver", "metric": won},
            "largest_by_channel": {"aggregate": "max", "metric": {**won, "by": "channel"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    amounts: dict[tuple[dt.date, str | None], list[float]] = {}
    by_channel: dict[tuple[dt.date, str | None], list[float]] = {}
    for d in DEALS:
        if in_period(d) and d.dealstage == "closedwon" and d.amount is not None:
            amounts.setdefault((d.close_date.date(), None), []).append(d.amount)
            by_channel.setdefault((d.close_date.date(), d.channel or "(missing)"), []).append(d.amount)

    def summaries(groups: dict) -> dict:
        return {key: (math.fsum(v), len(v), min(v), max(v)) for key, v in groups.items()}

    def delivered(observations) -> dict:
        result = {}
        for o in observations:
            assert (o.date, o.dimension) not in result
            result[(o.date, o.dimension)] = (o.value, o.rows, o.low, o.high)
        return result

    def check(node_id: str, groups: dict, extremes: bool) -> None:
        got, want = delivered(result.observations[node_id]), summaries(groups)
        assert got.keys() == want.keys()
        for key, (total, rows, low, high) in want.items():
            assert got[key][0] == pytest.approx(total, rel=1e-12), (node_id, key)
            # A single row is its own extremes; several keep theirs only where a min or max needs them.
            expected = (rows, low, high) if extremes and rows > 1 else (rows, None, None)
            assert got[key][1:] == expected, (node_id, key)

    assert any(len(v) > 1 for v in amounts.values())  # the data has days of several deals
    check("largest_deal", amounts, extremes=True)
    check("mean_deal", amounts, extremes=False)
    check("won_revenue_last", amounts, extremes=False)
    check("largest_by_channel", by_channel, extremes=True)


def test_a_node_may_use_its_own_date_column(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "created,closed,amount\n"
        "2027-01-01,2027-02-01,10\n"
        "2027-01-01,2027-02-02,5\n"
        "2027-01-03,2027-02-01,1\n"
    )
    tree = goal_file(
        {"crm": {"type": "csv", "path": "deals.csv", "date_column": "closed"}},
        {
            "closed_amount": {"metric": {"source": "crm", "value": "amount"}},
            "created_amount": {"metric": {"source": "crm", "value": "amount", "date_column": "created"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert by_day(result.observations["closed_amount"]) == {dt.date(2027, 2, 1): 11.0, dt.date(2027, 2, 2): 5.0}
    assert by_day(result.observations["created_amount"]) == {dt.date(2027, 1, 1): 15.0, dt.date(2027, 1, 3): 1.0}


def test_days_without_matching_rows_give_no_observation_rather_than_zero(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("day,kind,amount\n2027-01-01,a,1\n2027-01-02,b,2\n2027-01-03,a,\n")
    tree = goal_file(
        {"events": {"type": "csv", "path": "events.csv", "date_column": "day"}},
        {
            "a_count": {"metric": {"source": "events", "value": "count", "where": "kind = 'a'"}},
            "a_amount": {"metric": {"source": "events", "value": "amount", "where": "kind = 'a'"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert by_day(result.observations["a_count"]) == {dt.date(2027, 1, 1): 1.0, dt.date(2027, 1, 3): 1.0}
    # 3 January has an `a` row without an amount: no data that day, not a zero.
    assert by_day(result.observations["a_amount"]) == {dt.date(2027, 1, 1): 1.0}


def test_an_empty_range_fetches_nothing(tmp_path: Path) -> None:
    tree = goal_file({"crm": {"type": "csv", "path": "missing.csv", "date_column": "close_date"}}, DEAL_NODES)

    result = fetch_observations(tree, tmp_path, dt.date(2027, 1, 2), dt.date(2027, 1, 1))

    assert result.observations == {"revenue": (), "deals": (), "deals_by_channel": ()}
    assert result.diagnostics == ()


def test_inline_is_a_built_in_source(tmp_path: Path) -> None:
    tree = goal_file(
        {},
        {
            "visits": {
                "actuals": {"2026-12-31": 5, "2027-01-31": 100, "2027-02-28": 120, "2027-04-30": 130},
                "metric": {"source": "inline"},
            },
            "untouched": {"actuals": {"2027-01-31": 1}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.diagnostics == ()
    assert by_day(result.observations["visits"]) == {dt.date(2027, 1, 31): 100.0, dt.date(2027, 2, 28): 120.0}
    assert "untouched" not in result.observations  # the engine reads plain `actuals` itself
