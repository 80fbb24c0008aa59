#!/usr/bin/env python3
"""Regenerate everything generated in the examples, the starters and the catalogue reference.

Steps, in order (``--only STEP`` runs some of them):

``data``
    The sample data of the project templates (``goaltree/starters/*/data/``):
    a year of HubSpot-style deals, daily web analytics and monthly marketing
    costs, made with a seeded random generator so every run writes the same
    bytes. The numbers follow the templates' targets with realistic seasons (a
    summer dip, an autumn peak) and are set so that at mid-year some goals are
    on track and some behind: a demonstration of why a parent misses.
``examples``
    ``examples/<template>/``: each template copied as a runnable project.
``enterprise``
    ``examples/enterprise/goals.yaml``: a 1 000-node goal file (a company goal
    cascaded to business units, teams and channels) for the benchmarks.
``docs``
    ``docs/catalog.md`` from the KPI catalogue.
``artifacts``
    Each example's ``diagram.svg``, ``report.html`` and ``report.md`` as of
    2027-06-30, through ``goaltree.cli.main`` (for the enterprise example, the
    top two levels of its diagram only). A command this goaltree does not
    have yet is skipped with a note.

Run from anywhere: ``python scripts/generate_examples.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import math
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STARTERS = ROOT / "goaltree" / "starters"
EXAMPLES = ROOT / "examples"
SCHEMA = ROOT / "schemas" / "goaltree.schema.json"
AS_OF = "2027-06-30"
YEAR = 2027
STEPS = ("data", "examples", "enterprise", "docs", "artifacts")
#: Templates that become examples; ``blank`` has nothing to show.
EXAMPLE_TEMPLATES = ("b2b-funnel", "brand-and-business", "okr")

# Share of a year's web traffic by month: a summer dip and an autumn peak, as
# B2B buyers go on holiday in July and plan next year's purchases in the autumn.
MONTH_WEIGHT = {1: 0.95, 2: 1.0, 3: 1.05, 4: 1.0, 5: 1.0, 6: 0.92, 7: 0.55, 8: 0.85, 9: 1.15, 10: 1.2, 11: 1.15, 12: 0.8}
# B2B sites are visited on weekdays.
WEEKDAY_WEIGHT = (1.15, 1.15, 1.12, 1.1, 0.95, 0.45, 0.5)


def days_of(year: int) -> list[dt.date]:
    """Every date of ``year``."""
    day = dt.date(year, 1, 1)
    out = []
    while day.year == year:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month."""
    first_of_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def poisson(rng: random.Random, expected: float) -> int:
    """A count with mean ``expected`` (Knuth's method; a normal approximation for large means)."""
    if expected <= 0:
        return 0
    if expected > 40:
        return max(0, round(rng.gauss(expected, math.sqrt(expected))))
    limit = math.exp(-expected)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def daily_shares(year: int, trend: float) -> list[tuple[dt.date, float]]:
    """Each day's share of the year's traffic: season x weekday x a linear growth trend."""
    days = days_of(year)
    weights = []
    for index, day in enumerate(days):
        growth = 1 + trend * (index / (len(days) - 1) - 0.5)
        weights.append(MONTH_WEIGHT[day.month] * WEEKDAY_WEIGHT[day.weekday()] * growth)
    total = sum(weights)
    return [(day, weight / total) for day, weight in zip(days, weights)]


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write rows with Unix line endings (byte-identical on every platform)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


# --- web analytics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WebPlan:
    """What a year of web analytics should add up to, roughly, and how rates move.

    Rates move linearly from their ``*_start`` value on 1 January to their
    ``*_end`` value on 31 December.
    """

    sessions: float
    trend: float
    direct_share: float
    brand_searches: float
    lead_rate_start: float
    lead_rate_end: float
    mql_share: float
    sql_share_start: float
    sql_share_end: float
    meeting_rate_start: float
    meeting_rate_end: float


def web_analytics(rng: random.Random, plan: WebPlan) -> list[list[object]]:
    """Daily rows: date, sessions, direct_sessions, brand_searches, form_submissions, mqls, sqls, meetings_booked."""
    rows = []
    shares = daily_shares(YEAR, plan.trend)
    last = len(shares) - 1
    brand_total = sum(share for _, share in shares)
    for index, (day, share) in enumerate(shares):
        along = index / last
        sessions = max(0, round(plan.sessions * share * rng.gauss(1, 0.07)))
        # Brand interest grows through the year a little faster than traffic.
        direct = poisson(rng, sessions * plan.direct_share * (0.94 + 0.12 * along))
        brand = poisson(rng, plan.brand_searches * share / brand_total * (0.9 + 0.2 * along))
        lead_rate = plan.lead_rate_start + (plan.lead_rate_end - plan.lead_rate_start) * along
        leads = poisson(rng, sessions * lead_rate)
        mqls = poisson(rng, leads * plan.mql_share)
        sql_share = plan.sql_share_start + (plan.sql_share_end - plan.sql_share_start) * along
        sqls = min(mqls, poisson(rng, mqls * sql_share))
        meeting_rate = plan.meeting_rate_start + (plan.meeting_rate_end - plan.meeting_rate_start) * along
        meetings = poisson(rng, sessions * meeting_rate)
        rows.append([day.isoformat(), sessions, direct, brand, leads, mqls, sqls, meetings])
    return rows


WEB_HEADER = ["date", "sessions", "direct_sessions", "brand_searches", "form_submissions", "mqls", "sqls", "meetings_booked"]


# --- deals ------------------------------------------------------------------------------------

SOURCES = (("organic search", 0.36), ("paid search", 0.22), ("email", 0.18), ("direct", 0.14), ("social", 0.10))
OPEN_STAGES = ("appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent")
COMPANY_STEMS = (
    "Nord", "Väst", "Öst", "Berg", "Sjö", "Fjäll", "Ek", "Stål", "Skog", "Älv", "Gran", "Sten",
    "Lind", "Holm", "Dal", "Ås", "Vik", "Strand", "Mo", "Hav",
)
COMPANY_TRADES = (
    "teknik", "industri", "logistik", "bygg", "energi", "data", "plast", "verkstad", "konsult",
    "maskin", "fastighet", "kemi", "transport", "el", "automation",
)
DEAL_PRODUCTS = (
    "Service agreement, 3 years", "Platform licence and support", "Framework agreement",
    "Automation upgrade", "Maintenance contract", "Expansion to a second site",
)


def _weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    point = rng.random() * sum(weight for _, weight in options)
    for value, weight in options:
        point -= weight
        if point <= 0:
            return value
    return options[-1][0]


def _weekday_in(rng: random.Random, year: int, month: int) -> dt.date:
    last = month_end(year, month).day
    while True:
        day = dt.date(year, month, rng.randint(1, last))
        if day.weekday() < 5:
            return day


def _company(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(COMPANY_STEMS)}{rng.choice(COMPANY_TRADES)} AB"
        if name not in taken or len(taken) > 250:
            taken.add(name)
            return name


@dataclass(frozen=True)
class DealPlan:
    """Deals closed per month (won and lost), open deals at year end, and the size of a deal."""

    won_per_month: tuple[int, ...]
    lost_per_won: float
    open_at_year_end: int
    typical_amount: float
    days_to_deal_start: float
    days_to_deal_end: float


def deals(rng: random.Random, plan: DealPlan) -> list[list[object]]:
    """HubSpot-style deal rows, ordered by create date then id.

    Columns: deal_id, deal_name, pipeline, dealstage, amount, create_date,
    close_date (expected close for open deals), source, days_from_first_visit.
    """
    records = []
    companies: set[str] = set()

    def add(stage: str, close: dt.date, along: float) -> None:
        typical_days = plan.days_to_deal_start + (plan.days_to_deal_end - plan.days_to_deal_start) * along
        days_to_deal = max(25, round(rng.gauss(typical_days, 22)))
        in_pipeline = max(10, min(days_to_deal - 5, round(rng.gauss(days_to_deal * 0.6, 12))))
        create = close - dt.timedelta(days=in_pipeline)
        amount = plan.typical_amount * math.exp(rng.gauss(-0.045, 0.3))
        amount = max(250_000, min(2_600_000, round(amount / 5_000) * 5_000))
        company = _company(rng, companies)
        records.append(
            {
                "name": f"{company} – {rng.choice(DEAL_PRODUCTS)}",
                "stage": stage,
                "amount": amount,
                "create": create,
                "close": close,
                "source": _weighted(rng, SOURCES),
                "days": days_to_deal if stage == "closedwon" else "",
            }
        )

    for month, won in enumerate(plan.won_per_month, start=1):
        along = (month - 0.5) / 12
        for _ in range(won):
            add("closedwon", _weekday_in(rng, YEAR, month), along)
        for _ in range(poisson(rng, won * plan.lost_per_won)):
            add("closedlost", _weekday_in(rng, YEAR, month), along)
    for _ in range(plan.open_at_year_end):
        add(rng.choice(OPEN_STAGES), _weekday_in(rng, YEAR + 1, rng.choice((1, 2, 3))), 1.0)

    _tie_won_amounts_to_the_typical_amount(records, plan.typical_amount)
    records.sort(key=lambda record: (record["create"], record["close"], record["name"]))
    rows = []
    for number, record in enumerate(records, start=1):
        rows.append(
            [
                f"D-{YEAR}-{number:04d}",
                record["name"],
                "default",
                record["stage"],
                record["amount"],
                record["create"].isoformat(),
                record["close"].isoformat(),
                record["source"],
                record["days"],
            ]
        )
    return rows


def _tie_won_amounts_to_the_typical_amount(records: list[dict], typical: float) -> None:
    """Rescale each month's won deals so that they average exactly ``typical``.

    The template values customers through the CLV (900 000 SEK); with won deals
    averaging exactly that at every month end, revenue = customers x clv ties
    out and the sample evaluates without an A004 warning. Single deals still
    vary; real data will not tie out, and the warning then says by how much.
    """
    by_month: dict[tuple[int, int], list[dict]] = {}
    for record in records:
        if record["stage"] == "closedwon":
            by_month.setdefault((record["close"].year, record["close"].month), []).append(record)
    for month_records in by_month.values():
        wanted = typical * len(month_records)
        factor = wanted / sum(record["amount"] for record in month_records)
        for record in month_records:
            record["amount"] = round(record["amount"] * factor / 5_000) * 5_000
        largest = max(month_records, key=lambda record: record["amount"])
        largest["amount"] += round(wanted - sum(record["amount"] for record in month_records))


DEAL_HEADER = [
    "deal_id", "deal_name", "pipeline", "dealstage", "amount", "create_date", "close_date", "source",
    "days_from_first_visit",
]


# --- marketing costs --------------------------------------------------------------------------

# Yearly budget per channel (SEK) and how it is spread: "even", or the months of a campaign.
COST_PLAN = (
    ("paid search", 1_500_000, "seasonal"),
    ("social ads", 720_000, "seasonal"),
    ("content and seo", 1_320_000, "even"),
    ("email and automation", 480_000, "even"),
    ("events", 1_200_000, {3: 0.3, 5: 0.08, 9: 0.17, 10: 0.35, 11: 0.1}),
    ("brand and pr", 1_080_000, "even"),
)


def marketing_costs(rng: random.Random, overspend_first_half: float) -> list[list[object]]:
    """Monthly rows: month_end, channel, cost. The first half runs ``overspend_first_half`` over plan."""
    season_total = sum(MONTH_WEIGHT.values())
    rows = []
    for month in range(1, 13):
        for channel, budget, spread in COST_PLAN:
            if spread == "even":
                share = 1 / 12
            elif spread == "seasonal":
                share = MONTH_WEIGHT[month] / season_total
            else:
                share = spread.get(month, 0.0)
            if share == 0:
                continue
            drift = (1 + overspend_first_half) if month <= 6 else (1 - overspend_first_half * 0.8)
            cost = round(budget * share * drift * rng.gauss(1, 0.03) / 100) * 100
            rows.append([month_end(YEAR, month).isoformat(), channel, cost])
    return rows


COST_HEADER = ["month_end", "channel", "cost"]


# --- the templates' data ----------------------------------------------------------------------


def generate_data(starters: Path = STARTERS) -> list[Path]:
    """Write the sample data of the b2b-funnel (and its Swedish twin) and brand-and-business templates under ``starters``."""
    written = []
    funnel = starters / "b2b-funnel" / "data"
    rng = random.Random(20270103)
    web = web_analytics(
        rng,
        WebPlan(
            sessions=262_000,
            trend=0.12,
            direct_share=0.17,
            brand_searches=27_000,
            lead_rate_start=0.0164,
            lead_rate_end=0.0196,
            mql_share=0.30,
            sql_share_start=0.25,
            sql_share_end=0.31,
            meeting_rate_start=0.0021,
            meeting_rate_end=0.0026,
        ),
    )
    write_csv(funnel / "web_analytics.csv", WEB_HEADER, web)
    deal_rows = deals(
        rng,
        DealPlan(
            won_per_month=(4, 4, 5, 5, 5, 5, 2, 5, 7, 8, 8, 6),
            lost_per_won=1.6,
            open_at_year_end=26,
            typical_amount=900_000,
            days_to_deal_start=94,
            days_to_deal_end=86,
        ),
    )
    write_csv(funnel / "deals.csv", DEAL_HEADER, deal_rows)
    write_csv(funnel / "marketing_costs.csv", COST_HEADER, marketing_costs(rng, overspend_first_half=0.02))
    written += [funnel / "web_analytics.csv", funnel / "deals.csv", funnel / "marketing_costs.csv"]
    # The Swedish twin (b2b-funnel-sv) holds the same data: only its words differ.
    twin = starters / "b2b-funnel-sv" / "data"
    twin.mkdir(parents=True, exist_ok=True)
    for name in ("web_analytics.csv", "deals.csv", "marketing_costs.csv"):
        shutil.copyfile(funnel / name, twin / name)
        written.append(twin / name)

    brand = starters / "brand-and-business" / "data"
    rng = random.Random(20270202)
    web = web_analytics(
        rng,
        WebPlan(
            sessions=196_000,
            trend=0.10,
            direct_share=0.175,
            brand_searches=22_600,
            lead_rate_start=0.015,
            lead_rate_end=0.017,
            mql_share=0.3,
            sql_share_start=0.25,
            sql_share_end=0.28,
            meeting_rate_start=0.0024,
            meeting_rate_end=0.0031,
        ),
    )
    write_csv(brand / "web_analytics.csv", WEB_HEADER, web)
    written.append(brand / "web_analytics.csv")
    return written


# --- examples from the templates --------------------------------------------------------------


def generate_examples() -> list[Path]:
    """Copy each template into ``examples/<name>/`` (the goal file gets an editor schema hint)."""
    written = []
    for name in EXAMPLE_TEMPLATES:
        target = EXAMPLES / name
        source = STARTERS / name
        for stale in ("goals.yaml", "README.md", "data"):
            path = target / stale
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.rglob("*")):
            if path.is_dir() or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(source)
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            if relative == Path("goals.yaml"):
                destination.write_text(example_goal_text(path.read_text(encoding="utf-8")), encoding="utf-8")
            else:
                shutil.copyfile(path, destination)
            written.append(destination)
    return written


def example_goal_text(template_text: str) -> str:
    """A template's goal file as an example's: with the editor schema hint when the schema exists."""
    if SCHEMA.exists():
        return "# yaml-language-server: $schema=../../schemas/goaltree.schema.json\n" + template_text
    return template_text


# --- the enterprise example -------------------------------------------------------------------

COMPANY = "Nordvik Group"
# Business unit: (id, name, weight in the revenue plan, typical deal value in SEK, win rate).
BUSINESS_UNITS = (
    ("automation", "Industrial Automation", 1.6, 850_000, 0.025),
    ("energy", "Energy Systems", 1.3, 1_200_000, 0.022),
    ("logistics", "Logistics Software", 1.0, 420_000, 0.034),
    ("buildings", "Building Technology", 1.1, 650_000, 0.028),
    ("medical", "Medical Devices", 0.9, 1_500_000, 0.02),
    ("water", "Water Solutions", 0.6, 900_000, 0.026),
    ("connectivity", "Connectivity", 0.8, 380_000, 0.035),
)
# Market teams: (id, name, weight). Water Solutions is not in North America yet.
MARKETS = (
    ("nordics", "Nordics", 1.4),
    ("dach", "DACH", 1.2),
    ("uki", "UK & Ireland", 1.0),
    ("benelux", "Benelux", 0.7),
    ("france", "France", 0.8),
    ("americas", "North America", 1.3),
)
# Channel: (id, name, share of a team's leads, visit-to-lead conversion).
CHANNELS = (
    ("organic", "organic search", 0.34, 0.018),
    ("paid", "paid search", 0.20, 0.025),
    ("social", "social", 0.10, 0.008),
    ("email", "email", 0.16, 0.030),
    ("events", "events", 0.12, 0.060),
    ("partners", "partners", 0.08, 0.040),
)
COMPANY_REVENUE_TARGET = 1_200_000_000
COMPANY_REVENUE_BASELINE = 1_010_000_000
MARKETING_SHARE = 0.075  # marketing budget as a share of each unit's revenue plan


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def _amount(value: float) -> str:
    """``1 234 567`` for titles."""
    return f"{round(value):,}".replace(",", " ")


def _msek(value: float) -> str:
    """``63 MSEK``, ``1 200 MSEK``, ``8.5 MSEK`` for titles."""
    millions = value / 1e6
    if millions >= 100 or float(round(millions, 1)).is_integer():
        return f"{round(millions):,}".replace(",", " ") + " MSEK"
    return f"{millions:.1f} MSEK"


def _num(value: float) -> str:
    """A number for YAML: an integer when it is one, else up to six significant digits."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}"


class _Writer:
    """Collects node blocks in file order; counts nodes."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def comment(self, text: str) -> None:
        self.lines += ["", f"  # {text}"]

    def node(self, node_id: str, **fields: object) -> None:
        self.count += 1
        self.lines.append(f"  {node_id}:")
        for key, value in fields.items():
            if value is None:
                continue
            if key in ("title", "owner") or (key == "unit" and value == "%"):
                rendered = _quoted(str(value))
            elif key == "actuals":
                rendered = "{" + ", ".join(f"{day}: {_num(amount)}" for day, amount in value.items()) + "}"
            elif key == "inputs":
                rendered = "{" + ", ".join(f"{name}: {target}" for name, target in value.items()) + "}"
            elif key == "parent" and isinstance(value, (list, tuple)):
                rendered = "[" + ", ".join(value) + "]"
            elif isinstance(value, float):
                rendered = _num(value)
            else:
                rendered = str(value)
            self.lines.append(f"    {key}: {rendered}")


def _monthly(rng: random.Random, annual: float, *, whole: bool, noise: float = 0.06) -> dict[str, float]:
    """Split an annual flow over the months by season, with noise; counts stay whole numbers."""
    season_total = sum(MONTH_WEIGHT.values())
    out = {}
    for month in range(1, 13):
        expected = annual * MONTH_WEIGHT[month] / season_total
        if whole:
            value = poisson(rng, expected) if expected < 40 else round(expected * rng.gauss(1, noise))
        else:
            value = round(expected * rng.gauss(1, noise) / 1000) * 1000
        out[month_end(YEAR, month).isoformat()] = max(0, value)
    return out


def enterprise_goal_file() -> str:
    """The enterprise example: a company goal cascaded to business units, market teams and channels.

    Exactly 1 000 nodes. One target is declared at the top (company revenue)
    with the rates and deal values of each team; every other revenue,
    customer, lead and visit target is derived through sum rollups (allocated
    by weight) and formulas. Actuals are monthly check-ins for 2027.
    """
    rng = random.Random(20271000)
    out = _Writer()
    unit_weight_total = sum(unit[2] for unit in BUSINESS_UNITS)
    # The group's derived customers and budget, for the titles (goaltree derives the same).
    planned_customers = 0.0
    planned_budget = 0.0
    for unit_id, _, unit_weight, deal_value, _ in BUSINESS_UNITS:
        unit_revenue = COMPANY_REVENUE_TARGET * unit_weight / unit_weight_total
        planned_customers += unit_revenue / deal_value
        planned_budget += round(unit_revenue * MARKETING_SHARE, -5)

    out.comment(f"{COMPANY}: the company goal")
    out.node(
        "company",
        title=f"{COMPANY} wins {_amount(COMPANY_REVENUE_TARGET / 1e6)} MSEK of new business in 2027, "
        "with marketing returning twelve times its cost",
        type="objective",
        owner="CEO",
        rollup="progress",
    )
    out.node(
        "revenue",
        title=f"New business across the group grows from {_msek(COMPANY_REVENUE_BASELINE)} to {_msek(COMPANY_REVENUE_TARGET)} in 2027",
        parent="company",
        weight=3,
        owner="CEO",
        unit="SEK",
        baseline=COMPANY_REVENUE_BASELINE,
        target=COMPANY_REVENUE_TARGET,
        rollup="sum",
    )
    out.node(
        "customers",
        title=f"The business units together win {_amount(planned_customers)} new customers in 2027",
        owner="Chief Sales Officer",
        unit="count",
        rollup="sum",
    )
    out.node(
        "marketing_cost",
        title=f"Group marketing spend stays within {_msek(COMPANY_REVENUE_TARGET * MARKETING_SHARE)} in 2027",
        owner="CFO",
        unit="SEK",
        direction="decrease",
        rollup="sum",
    )
    out.node(
        "roi",
        title="Every krona of group marketing returns twelve kronor beyond its cost in 2027",
        parent="company",
        owner="CMO",
        kpi="roi",
    )
    out.node(
        "cac",
        title=f"Winning a new customer costs the group at most {_amount(planned_budget / planned_customers)} SEK in 2027",
        parent="company",
        owner="CMO",
        kpi="cac",
        inputs={"acquisition_cost": "marketing_cost", "new_customers": "customers"},
        baseline=round(planned_budget / planned_customers * 1.12, -3),
    )
    out.node(
        "units",
        title="Every business unit delivers its 2027 plan",
        type="objective",
        parent="company",
        owner="CEO",
    )

    out.comment("The group brand")
    out.node("brand", title="The group brand grows a fifth in reach in 2027", type="objective", parent="company", owner="CMO")
    out.node(
        "brand_searches",
        title="Searches for the group's brands grow by a fifth in 2027",
        parent="brand",
        owner="Brand Director",
        kpi="brand_searches",
        rollup="sum",
    )
    out.node(
        "direct_traffic",
        title="Direct visits to the group websites grow from 410 000 to 480 000 in 2027",
        parent="brand",
        owner="Digital Director",
        kpi="direct_traffic",
        baseline=410_000,
        target=480_000,
        actuals=_monthly(rng, 468_000, whole=True),
    )
    out.node(
        "follower_growth",
        title="Our social following grows by 25 % in 2027",
        parent="brand",
        owner="Social Media Manager",
        kpi="follower_growth",
        baseline=0,
        target=0.25,
    )
    followers = {}
    level = 48_000.0
    for month in range(1, 13):
        level *= 1 + rng.gauss(0.017, 0.004)
        followers[month_end(YEAR, month).isoformat()] = round(level)
    out.node(
        "followers",
        title="Followers across the group's LinkedIn and YouTube channels reach 60 000",
        owner="Social Media Manager",
        unit="count",
        aggregate="last",
        baseline=48_000,
        actuals=followers,
    )
    out.node(
        "followers_start",
        title="The group had 48 000 followers on 1 January 2027",
        type="driver",
        owner="Social Media Manager",
        unit="count",
        target=48_000,
        actuals={f"{YEAR}-01-01": 48_000},
    )
    out.node(
        "share_of_voice",
        title="The group's share of voice in trade media rises from 14 % to 18 % by December",
        parent="brand",
        owner="Communications Director",
        unit="%",
        aggregate="last",
        baseline=14,
        target=18,
        actuals={f"{YEAR}-03-31": 14.8, f"{YEAR}-06-30": 15.8, f"{YEAR}-09-30": 16.1, f"{YEAR}-12-31": 17.2},
    )
    out.node(
        "meetings_booked",
        title="Prospects book 5 400 sales meetings on the group websites in 2027",
        parent="company",
        owner="Digital Director",
        kpi="meetings_booked",
        baseline=4_300,
        target=5_400,
        actuals=_monthly(rng, 5_150, whole=True),
    )

    for unit_id, unit_name, unit_weight, deal_value, win_rate in BUSINESS_UNITS:
        unit_revenue = COMPANY_REVENUE_TARGET * unit_weight / unit_weight_total
        markets = [market for market in MARKETS if not (unit_id == "water" and market[0] == "americas")]
        market_weight_total = sum(market[2] for market in markets)
        director = f"Marketing Director, {unit_name}"
        unit_form = rng.gauss(0.97, 0.05)  # how the unit performs against plan this year

        out.comment(f"Business unit: {unit_name}")
        out.node(unit_id, title=f"{unit_name} delivers its 2027 plan", type="objective", parent="units", owner=f"President, {unit_name}")
        out.node(
            f"{unit_id}_revenue",
            title=f"{unit_name} wins {_msek(unit_revenue)} of new business in 2027",
            parent=["revenue", unit_id],
            weight=unit_weight,
            owner=f"President, {unit_name}",
            unit="SEK",
            baseline=round(unit_revenue * rng.uniform(0.8, 0.88), -5),
            rollup="sum",
        )
        out.node(
            f"{unit_id}_customers",
            title=f"{unit_name} wins about {round(unit_revenue / deal_value)} new customers in 2027",
            parent="customers",
            owner=f"Sales Director, {unit_name}",
            unit="count",
            rollup="sum",
        )
        budget = unit_revenue * MARKETING_SHARE
        out.node(
            f"{unit_id}_marketing_cost",
            title=f"{unit_name} spends at most {_msek(budget)} on marketing in 2027",
            parent="marketing_cost",
            owner=director,
            unit="SEK",
            direction="decrease",
            target=round(budget, -5),
            actuals=_monthly(rng, budget * rng.gauss(1.0, 0.03), whole=False),
        )
        out.node(
            f"{unit_id}_cac",
            title=f"A new {unit_name} customer costs at most {_amount(budget / (unit_revenue / deal_value))} SEK of marketing",
            parent=unit_id,
            owner=director,
            kpi="cac",
            inputs={"acquisition_cost": f"{unit_id}_marketing_cost", "new_customers": f"{unit_id}_customers"},
            baseline=round(budget / (unit_revenue / deal_value) * rng.uniform(1.05, 1.2), -3),
        )
        searches = 30_000 * unit_weight
        out.node(
            f"{unit_id}_brand_searches",
            title=f"Searches for {unit_name} grow from {_amount(searches)} to {_amount(searches * 1.2)} in 2027",
            parent=[unit_id, "brand_searches"],
            owner=director,
            kpi="brand_searches",
            baseline=round(searches),
            target=round(searches * 1.2),
            actuals=_monthly(rng, searches * 1.2 * unit_form * rng.gauss(1, 0.04), whole=True),
        )

        for market_id, market_name, market_weight in markets:
            team = f"{unit_id}_{market_id}"
            label = f"{unit_name} {market_name}"
            lead = f"Marketing Lead, {label}"
            team_revenue = unit_revenue * market_weight / market_weight_total
            team_customers = team_revenue / deal_value
            team_leads = team_customers / win_rate
            form = unit_form * rng.gauss(1.0, 0.07)  # this team's year against plan
            team_win_rate = win_rate * rng.gauss(1.0, 0.06)
            team_deal_value = deal_value * rng.gauss(1.0, 0.05)

            out.comment(f"Team: {label}")
            out.node(
                f"{team}_revenue",
                title=f"{label} wins {_msek(team_revenue)} of new business in 2027",
                parent=f"{unit_id}_revenue",
                weight=market_weight,
                owner=f"Sales Manager, {label}",
                unit="SEK",
                formula=f"{team}_customers * {team}_deal_value",
                # actuals below, after the customers are drawn
            )
            revenue_line = len(out.lines)
            out.node(
                f"{team}_customers",
                title=f"{label} wins {round(team_customers)} new customers in 2027",
                parent=f"{unit_id}_customers",
                owner=f"Sales Manager, {label}",
                unit="count",
                formula=f"{team}_leads * {team}_win_rate",
            )
            customers_line = len(out.lines)
            out.node(
                f"{team}_deal_value",
                title=f"A {label} deal is worth {_amount(deal_value)} SEK on average",
                type="driver",
                owner=f"Sales Manager, {label}",
                unit="SEK",
                target=deal_value,
            )
            out.node(
                f"{team}_win_rate",
                title=f"{win_rate * 100:.1f} % of {label} leads become customers",
                type="driver",
                owner=f"Sales Manager, {label}",
                unit="ratio",
                target=win_rate,
            )
            out.node(
                f"{team}_leads",
                title=f"{label} generates {_amount(team_leads)} leads in 2027",
                owner=lead,
                unit="count",
                rollup="sum",
            )
            measured_leads = 0.0
            for channel_id, channel_name, share, conversion in CHANNELS:
                channel = f"{team}_{channel_id}"
                channel_leads = team_leads * share
                sessions = channel_leads / conversion
                channel_form = form * rng.gauss(1.0, 0.08)
                actual_sessions = sessions * channel_form
                actual_leads = actual_sessions * conversion * rng.gauss(0.98, 0.06)
                measured_leads += actual_leads
                out.node(
                    f"{channel}_leads",
                    title=f"{channel_name.capitalize()} brings {label} {_amount(channel_leads)} leads in 2027",
                    parent=f"{team}_leads",
                    weight=share,
                    owner=lead,
                    unit="count",
                    formula=f"{channel}_visits * {channel}_conversion",
                    actuals=_monthly(rng, actual_leads, whole=True),
                )
                out.node(
                    f"{channel}_visits",
                    title=f"{label} gets {_amount(sessions)} visits from {channel_name} in 2027",
                    owner=lead,
                    unit="count",
                    actuals=_monthly(rng, actual_sessions, whole=True),
                )
                out.node(
                    f"{channel}_conversion",
                    title=f"{conversion * 100:.1f} % of {label} visits from {channel_name} become leads",
                    type="driver",
                    owner=lead,
                    unit="ratio",
                    target=conversion,
                )
            won = _monthly(rng, measured_leads * team_win_rate, whole=True)
            value = {day: round(count * team_deal_value * rng.gauss(1, 0.08), -4) for day, count in won.items()}
            out.lines.insert(customers_line, f"    actuals: {{{', '.join(f'{day}: {count}' for day, count in won.items())}}}")
            out.lines.insert(revenue_line, f"    actuals: {{{', '.join(f'{day}: {_num(amount)}' for day, amount in value.items())}}}")

    header = [
        "# The enterprise example: a company goal cascaded to business units, market teams and",
        "# channels. Generated by scripts/generate_examples.py; DO NOT EDIT. Used by the benchmarks.",
        "#",
        "# One revenue target is declared at the top with each team's deal value, win rate and",
        "# channel conversion rates; goaltree derives every unit's, team's and channel's revenue,",
        "# customers, leads and visits from it (sum rollups allocate by weight). Actuals are",
        "# monthly check-ins for 2027.",
        "goaltree: 1",
        "id: nordvik-group-2027",
        f"title: {_quoted(COMPANY + ' — group goals 2027')}",
        "period: {start: 2027-01-01, end: 2027-12-31}",
        "owner: CMO",
        "",
        "nodes:",
    ]
    if out.count != 1000:
        raise AssertionError(f"the enterprise example has {out.count} nodes, not 1 000")
    return "\n".join(header + out.lines[1:]) + "\n"


def generate_enterprise() -> list[Path]:
    """Write ``examples/enterprise/goals.yaml``."""
    path = EXAMPLES / "enterprise" / "goals.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(example_goal_text(enterprise_goal_file()), encoding="utf-8")
    return [path]


# --- docs -------------------------------------------------------------------------------------


def generate_docs() -> list[Path]:
    """Write ``docs/catalog.md`` from the catalogue registry."""
    from goaltree.catalog import catalog_markdown

    path = ROOT / "docs" / "catalog.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(catalog_markdown(), encoding="utf-8")
    return [path]


# --- rendered diagrams and reports ------------------------------------------------------------

ARTIFACTS = (
    ("render", "diagram.svg", ["--format", "svg"]),
    ("report", "report.html", ["--format", "html"]),
    ("report", "report.md", ["--format", "md"]),
)
# The enterprise tree's full diagram and reports run to megabytes: commit the
# top of its diagram only (the group, its units and their revenue).
ENTERPRISE_ARTIFACTS = (("render", "diagram.svg", ["--format", "svg", "--depth", "2"]),)


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Run ``goaltree.cli.main(argv)`` in-process; return the exit code and what it printed."""
    from goaltree.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code or 0, buffer.getvalue()


def has_command(command: str) -> bool:
    """Whether this goaltree has the sub-command: it is registered and its module is installed."""
    import importlib.util

    try:
        from goaltree.cli import COMMANDS
    except ImportError:
        return False
    if command not in COMMANDS:
        return False
    return importlib.util.find_spec(COMMANDS[command][0]) is not None


def generate_artifacts() -> list[Path]:
    """Render each example's diagram and reports as of :data:`AS_OF`; skip missing commands, saying so."""
    written = []
    available = {command: has_command(command) for command in {command for command, _, _ in ARTIFACTS}}
    for command, present in sorted(available.items()):
        if not present:
            print(f"note: `goaltree {command}` is not available yet; its example outputs were not regenerated")
    for directory in sorted(path for path in EXAMPLES.iterdir() if (path / "goals.yaml").exists()):
        for command, filename, options in ENTERPRISE_ARTIFACTS if directory.name == "enterprise" else ARTIFACTS:
            if not available[command]:
                continue
            out = directory / filename
            code, output = run_cli([command, str(directory / "goals.yaml"), "-o", str(out), *options, "--as-of", AS_OF])
            if code != 0:
                raise SystemExit(f"goaltree {command} failed for {directory.name} (exit {code}):\n{output}")
            written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    """Run the steps asked for (all by default), printing each file written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=STEPS, help="run only this step (repeatable)")
    args = parser.parse_args(argv)
    steps = args.only or list(STEPS)
    runners = {
        "data": lambda: generate_data(STARTERS),
        "examples": generate_examples,
        "enterprise": generate_enterprise,
        "docs": generate_docs,
        "artifacts": generate_artifacts,
    }
    for step in STEPS:
        if step in steps:
            for path in runners[step]():
                print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
