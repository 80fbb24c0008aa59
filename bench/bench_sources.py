"""Benchmark: 50 metric nodes over a 10-million-row deals CSV, goaltree against DuckDB by hand.

Usage::

    python bench/bench_sources.py [--rows 10000000] [--runs 3] [--naive] [--regenerate]

The CSV (deals-like: close_date, amount, dealstage, channel, country) is made
by DuckDB itself into ``bench/.data/`` (git-ignored) and kept for later runs.
The 50 nodes mix sums, row counts, expressions, ``where`` filters and ``by``
breakdowns. Each approach is run ``--runs`` times and the median is reported:

* goaltree: ``fetch_observations`` for all 50 nodes;
* DuckDB by hand, one pass: the period's rows loaded into a table once, then
  one ``GROUP BY`` per breakdown with the 50 filtered aggregates — the fastest
  plan we could write by hand;
* DuckDB by hand, table + 50 queries: the rows loaded once, one query per metric;
* with ``--naive``, DuckDB by hand, 50 queries over the CSV file (run once: slow).

The bar: goaltree within 1.5x of the fastest hand-written DuckDB time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA_DIR = ROOT / "bench" / ".data"
START = dt.date(2026, 1, 1)
END = dt.date(2027, 12, 31)
STAGES = ("closedwon", "closedlost", "appointmentscheduled", "contractsent")
CHANNELS = ("organic search", "paid search", "social", "email", "referral")
BAR = 1.5


def generate_csv(path: Path, rows: int) -> None:
    """Deals closing over two years, made by DuckDB (seeded, so every run gets the same file)."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    stages = "[" + ", ".join(f"'{s}'" for s in STAGES) + "]"
    channels = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    temporary = path.with_suffix(".tmp.csv")
    connection = duckdb.connect()
    connection.execute("SELECT setseed(0.2027)")
    connection.execute(
        f"""
        COPY (
          SELECT DATE '{START}' + CAST(floor(random() * 730) AS INTEGER) AS close_date,
                 round(random() * 10000, 2) AS amount,
                 {stages}[1 + CAST(floor(random() * 4) AS INTEGER)] AS dealstage,
                 {channels}[1 + CAST(floor(random() * 5) AS INTEGER)] AS channel,
                 ['se', 'no', 'dk', 'fi'][1 + CAST(floor(random() * 4) AS INTEGER)] AS country
          FROM range({rows})
        ) TO '{temporary}' (HEADER)
        """
    )
    connection.close()
    os.replace(temporary, path)


def node_specs() -> list[tuple[str, str, str | None, str | None]]:
    """50 metrics as (node id, value, where, by): sums, counts, expressions, filters and breakdowns."""
    specs = []
    index = 0
    while len(specs) < 50:
        kind = index % 5
        stage, channel = STAGES[index % 4], CHANNELS[index % 5]
        if kind == 0:
            specs.append((f"revenue_{index}", "amount", f"dealstage = '{stage}'", None))
        elif kind == 1:
            specs.append((f"deals_{index}", "count", f"channel = '{channel}'", None))
        elif kind == 2:
            specs.append((f"net_{index}", "amount * 0.8", f"dealstage = '{stage}' AND channel = '{channel}'", None))
        elif kind == 3:
            specs.append((f"deals_by_channel_{index}", "count", f"dealstage = '{stage}'", "channel"))
        else:
            specs.append((f"revenue_by_{index}", "amount", None, "country" if index % 2 else "channel"))
        index += 1
    return specs


def goal_file(csv_name: str):
    from goaltree.model import GoalFile

    nodes = {}
    for node_id, value, where, by in node_specs():
        metric = {"source": "crm", "value": value}
        if where:
            metric["where"] = where
        if by:
            metric["by"] = by
        nodes[node_id] = {"title": node_id, "metric": metric}
    return GoalFile.model_validate(
        {
            "goaltree": 1,
            "id": "bench",
            "title": "Benchmark",
            "period": {"start": START.isoformat(), "end": END.isoformat()},
            "sources": {"crm": {"type": "csv", "path": csv_name, "date_column": "close_date"}},
            "nodes": nodes,
        }
    )


def run_goaltree(csv_path: Path) -> dict[str, float]:
    from goaltree.sources import fetch_observations

    result = fetch_observations(goal_file(csv_path.name), csv_path.parent, START, END)
    if result.diagnostics:
        raise SystemExit("\n".join(d.message for d in result.diagnostics))
    return {node_id: math.fsum(o.value for o in observations) for node_id, observations in result.observations.items()}


def _aggregate(value: str, where: str | None) -> str:
    sql = "COUNT(*)" if value == "count" else f"SUM({value})"
    return sql + (f" FILTER (WHERE {where})" if where else "")


def _day_filter() -> str:
    return f"CAST(close_date AS DATE) BETWEEN DATE '{START}' AND DATE '{END}'"


def _load_table(connection, csv_path: Path) -> None:
    connection.execute(f"CREATE TEMP TABLE deals AS SELECT * FROM read_csv('{csv_path}') WHERE {_day_filter()}")


def run_duckdb_one_pass(csv_path: Path) -> dict[str, float]:
    """By hand: load the rows once, then one wide GROUP BY per breakdown."""
    import duckdb

    connection = duckdb.connect()
    _load_table(connection, csv_path)
    totals: dict[str, float] = {}
    groups: dict[str | None, list[tuple[str, str, str | None, str | None]]] = {}
    for spec in node_specs():
        groups.setdefault(spec[3], []).append(spec)
    for by, specs in groups.items():
        keys = "CAST(close_date AS DATE) AS day" + (f", {by}" if by else "")
        aggregates = ", ".join(f"{_aggregate(value, where)} AS v{i}" for i, (_, value, where, _) in enumerate(specs))
        rows = connection.execute(f"SELECT {keys}, {aggregates} FROM deals GROUP BY ALL").fetchall()
        offset = 2 if by else 1
        for i, (node_id, _, _, _) in enumerate(specs):
            totals[node_id] = math.fsum(float(row[offset + i]) for row in rows if row[offset + i] is not None)
    connection.close()
    return totals


def run_duckdb_table_and_queries(csv_path: Path) -> dict[str, float]:
    """By hand: load the rows once, then one query per metric."""
    import duckdb

    connection = duckdb.connect()
    _load_table(connection, csv_path)
    totals = {}
    for node_id, value, where, by in node_specs():
        keys = "CAST(close_date AS DATE) AS day" + (f", {by}" if by else "")
        condition = f" WHERE {where}" if where else ""
        sql = f"SELECT {keys}, {'COUNT(*)' if value == 'count' else f'SUM({value})'} FROM deals{condition} GROUP BY ALL"
        totals[node_id] = math.fsum(float(row[-1]) for row in connection.execute(sql).fetchall() if row[-1] is not None)
    connection.close()
    return totals


def run_duckdb_naive(csv_path: Path) -> dict[str, float]:
    """By hand, naively: one query per metric, each reading the CSV."""
    import duckdb

    connection = duckdb.connect()
    totals = {}
    for node_id, value, where, by in node_specs():
        keys = "CAST(close_date AS DATE) AS day" + (f", {by}" if by else "")
        condition = f" AND ({where})" if where else ""
        aggregate = "COUNT(*)" if value == "count" else f"SUM({value})"
        sql = f"SELECT {keys}, {aggregate} FROM read_csv('{csv_path}') WHERE {_day_filter()}{condition} GROUP BY ALL"
        totals[node_id] = math.fsum(float(row[-1]) for row in connection.execute(sql).fetchall() if row[-1] is not None)
    connection.close()
    return totals


def time_once(function: Callable[[Path], dict[str, float]], csv_path: Path) -> tuple[float, float, dict[str, float]]:
    """Wall-clock seconds, CPU seconds of the process (DuckDB's threads included), and the totals."""
    started, started_cpu = time.perf_counter(), time.process_time()
    result = function(csv_path)
    return time.perf_counter() - started, time.process_time() - started_cpu, result


def same_totals(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(math.isclose(a[k], b[k], rel_tol=1e-9) for k in a)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive", action="store_true", help="also time 50 queries over the CSV (run once; slow)")
    parser.add_argument("--regenerate", action="store_true", help="make the CSV again")
    args = parser.parse_args(argv)

    import duckdb

    csv_path = DATA_DIR / f"deals_{args.rows}.csv"
    if args.regenerate or not csv_path.exists():
        started = time.perf_counter()
        generate_csv(csv_path, args.rows)
        print(f"generated {csv_path.relative_to(ROOT)} ({args.rows:,} rows) in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    approaches: list[tuple[str, Callable[[Path], dict[str, float]], int]] = [
        ("goaltree `fetch_observations` (50 nodes)", run_goaltree, args.runs),
        ("DuckDB by hand: one pass (rows loaded once, one GROUP BY per breakdown)", run_duckdb_one_pass, args.runs),
        ("DuckDB by hand: rows loaded once, 50 queries", run_duckdb_table_and_queries, args.runs),
    ]
    if args.naive:
        approaches.append(("DuckDB by hand: 50 queries over the CSV file", run_duckdb_naive, 1))

    # Runs take turns (goaltree, then each hand-written plan, then goaltree again…), so
    # that a busy machine slows every approach alike.
    times: dict[str, list[float]] = {label: [] for label, _, _ in approaches}
    cpu_times: dict[str, list[float]] = {label: [] for label, _, _ in approaches}
    reference: dict[str, float] | None = None
    for run in range(max(runs for _, _, runs in approaches)):
        for label, function, runs in approaches:
            if run >= runs:
                continue
            elapsed, cpu, totals = time_once(function, csv_path)
            if reference is None:
                reference = totals
            elif not same_totals(reference, totals):
                raise SystemExit(f"{label} disagrees with goaltree's totals")
            times[label].append(elapsed)
            cpu_times[label].append(cpu)
            print(f"run {run + 1}: {label}: {elapsed:.2f} s ({cpu:.2f} s CPU)", file=sys.stderr)
    measured = [(label, statistics.median(times[label]), times[label]) for label, _, _ in approaches]
    cpu_medians = {label: statistics.median(cpu_times[label]) for label, _, _ in approaches}

    goaltree_time = measured[0][1]
    best_by_hand = min(median for _, median, _ in measured[1:])
    size = csv_path.stat().st_size / 2**20
    print(
        f"{args.rows:,} rows ({size:,.0f} MiB CSV), 50 nodes, {dt.date.today()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}\n"
    )
    print("| approach | median (s) | runs (s) | vs goaltree | median CPU (s) |")
    print("|---|---:|---|---:|---:|")
    for label, median, runs_seconds in measured:
        runs_text = ", ".join(f"{t:.2f}" for t in runs_seconds)
        print(f"| {label} | {median:.2f} | {runs_text} | {median / goaltree_time:.2f}x | {cpu_medians[label]:.2f} |")
    ratio = goaltree_time / best_by_hand
    best_label = min(measured[1:], key=lambda item: item[1])[0]
    cpu_ratio = cpu_medians[measured[0][0]] / cpu_medians[best_label]
    verdict = "within" if ratio <= BAR else "NOT within"
    print(
        f"\ngoaltree / fastest DuckDB by hand = {ratio:.2f} wall-clock, {cpu_ratio:.2f} CPU "
        f"({verdict} the {BAR}x bar)"
    )
    return 0 if ratio <= BAR else 1


if __name__ == "__main__":
    raise SystemExit(main())
