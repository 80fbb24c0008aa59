"""HubSpot-style deals for the source tests, and the numbers expected from them.

The deals are generated here, and the expected numbers are computed from them
in plain Python, independently of DuckDB and of the databases.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from goaltree.model import GoalFile

START = dt.date(2027, 1, 1)
AS_OF = dt.date(2027, 3, 15)
STAGES = ("closedwon", "closedlost", "appointmentscheduled", "contractsent")
CHANNELS = ("organic search", "paid search", "social", "email")


@dataclass(frozen=True)
class Deal:
    """One row of a HubSpot deals export."""

    deal_id: int
    dealname: str
    close_date: dt.datetime
    amount: float | None
    dealstage: str
    channel: str | None


def make_deals(count: int = 2400, seed: int = 2027) -> list[Deal]:
    """Deals closing from December 2026 to April 2027 (some outside the period to date)."""
    rng = random.Random(seed)
    first = dt.datetime(2026, 12, 1)
    deals = []
    for deal_id in range(1, count + 1):
        close = first + dt.timedelta(minutes=rng.randrange(0, 150 * 24 * 60))
        amount = None if rng.random() < 0.03 else round(rng.uniform(500, 50000), 2)
        stage = rng.choices(STAGES, weights=(35, 30, 20, 15))[0]
        channel = None if rng.random() < 0.02 else rng.choice(CHANNELS)
        name = rng.choice(['Acme, Inc. "Pro" plan', "Nordic AB – renewal", "Beta; trial", "Gamma"])
        deals.append(Deal(deal_id, f"{name} #{deal_id}", close, amount, stage, channel))
    return deals


DEALS = make_deals()


def in_period(deal: Deal, start: dt.date = START, end: dt.date = AS_OF) -> bool:
    return start <= deal.close_date.date() <= end


def expected_revenue(deals: list[Deal] = DEALS, start: dt.date = START, end: dt.date = AS_OF) -> dict[dt.date, float]:
    """Sum of amount of closed-won deals per day, computed in plain Python."""
    days: dict[dt.date, list[float]] = {}
    for deal in deals:
        if in_period(deal, start, end) and deal.dealstage == "closedwon" and deal.amount is not None:
            days.setdefault(deal.close_date.date(), []).append(deal.amount)
    return {day: math.fsum(values) for day, values in sorted(days.items())}


def expected_count(deals: list[Deal] = DEALS, start: dt.date = START, end: dt.date = AS_OF) -> dict[dt.date, float]:
    days: dict[dt.date, float] = {}
    for deal in deals:
        if in_period(deal, start, end):
            days[deal.close_date.date()] = days.get(deal.close_date.date(), 0) + 1
    return dict(sorted(days.items()))


def expected_by_channel(deals: list[Deal] = DEALS, start: dt.date = START, end: dt.date = AS_OF) -> dict[tuple[dt.date, str], float]:
    counts: dict[tuple[dt.date, str], float] = {}
    for deal in deals:
        if in_period(deal, start, end):
            key = (deal.close_date.date(), deal.channel if deal.channel is not None else "(missing)")
            counts[key] = counts.get(key, 0) + 1
    return counts


def write_deals_csv(path: Path, deals: list[Deal] = DEALS, delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["deal_id", "dealname", "close_date", "amount", "dealstage", "channel"])
        for deal in deals:
            writer.writerow(
                [
                    deal.deal_id,
                    deal.dealname,
                    deal.close_date.strftime("%Y-%m-%d %H:%M:%S"),
                    "" if deal.amount is None else f"{deal.amount:.2f}",
                    deal.dealstage,
                    deal.channel or "",
                ]
            )
    return path


def write_deals_parquet(path: Path, deals: list[Deal] = DEALS) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "deal_id": pa.array([d.deal_id for d in deals], pa.int64()),
            "dealname": pa.array([d.dealname for d in deals], pa.string()),
            "close_date": pa.array([d.close_date for d in deals], pa.timestamp("s")),
            "amount": pa.array([d.amount for d in deals], pa.float64()),
            "dealstage": pa.array([d.dealstage for d in deals], pa.string()),
            "channel": pa.array([d.channel for d in deals], pa.string()),
        }
    )
    pq.write_table(table, path)
    return path


def write_deals_sqlite(path: Path, deals: list[Deal] = DEALS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "CREATE TABLE deals (deal_id INTEGER PRIMARY KEY, dealname TEXT, close_date TEXT, amount REAL, dealstage TEXT, channel TEXT)"
        )
        connection.executemany(
            "INSERT INTO deals VALUES (?, ?, ?, ?, ?, ?)",
            [
                (d.deal_id, d.dealname, d.close_date.strftime("%Y-%m-%d %H:%M:%S"), d.amount, d.dealstage, d.channel)
                for d in deals
            ],
        )
    connection.close()
    return path


def goal_file(sources: dict[str, Any], nodes: dict[str, Any]) -> GoalFile:
    """A goal file for 2027 with these sources and nodes (titles filled in)."""
    return GoalFile.model_validate(
        {
            "goaltree": 1,
            "id": "deals-test",
            "title": "Deals",
            "period": {"start": "2027-01-01", "end": "2027-12-31"},
            "sources": sources,
            "nodes": {node_id: {"title": node_id.replace("_", " "), **node} for node_id, node in nodes.items()},
        }
    )


def by_day(observations) -> dict[dt.date, float]:
    """Observations of an undivided series as ``{date: value}`` (asserting one per day)."""
    days: dict[dt.date, float] = {}
    for observation in observations:
        assert observation.dimension is None
        assert observation.date not in days
        days[observation.date] = observation.value
    return days


def by_day_and_dimension(observations) -> dict[tuple[dt.date, str], float]:
    result = {}
    for observation in observations:
        key = (observation.date, observation.dimension)
        assert key not in result
        result[key] = observation.value
    return result


def assert_series_equal(actual: dict, expected: dict) -> None:
    assert actual.keys() == expected.keys()
    for key, value in expected.items():
        assert actual[key] == pytest.approx(value, rel=1e-9, abs=1e-6), key
