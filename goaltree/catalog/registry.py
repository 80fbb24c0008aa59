"""The KPI catalogue as data: one literal entry per standard KPI.

A node that says ``kpi: roas`` takes its formula, unit, direction, aggregate
and description from the entry here and only needs nodes for the entry's
inputs. The list is literal on purpose: a reviewer reads every definition in
one place, and ``docs/catalog.md`` is generated from it.

Formulas use the goal-file grammar (``+ - * / **``, parentheses, numbers,
``min() max() abs()``) over the entry's input names; an input name is also the
node id a goal file uses by default. Money is in SEK, the currency of the
teams goaltree was first written for; a node sets ``unit:`` for another one.

The words a person reads (a group's heading, a KPI's name, definition, note
and input meanings) are marked with ``N_`` and translated where they are
printed (:mod:`goaltree.catalog.text`); their translations are in the
``loading.po`` catalogue of each language. Ids, formulas and units are code.
"""

from __future__ import annotations

from dataclasses import dataclass

from goaltree.model import Aggregate, Direction
from goaltree.present.language import N_

#: Groups in the order ``goaltree catalog`` lists them.
GROUPS: tuple[tuple[str, str], ...] = (
    ("standard", N_("Ten standard marketing KPIs (CAC and CAC % count as one)")),
    ("funnel", N_("The B2B funnel: visitors, leads, customers")),
    ("brand_and_business", N_("Brand and business: the two KPIs of a B2B marketing department")),
)


@dataclass(frozen=True)
class KpiInput:
    """One named input of a catalogue formula.

    Attributes:
        name: The input's name in the formula, and the node id used when the
            node's ``inputs`` does not map it elsewhere.
        meaning: What the number is, in a sentence a marketing lead would use.
        unit: Its unit (``SEK``, ``count``, ``ratio``, ``years``…).
        aggregate: How the input's node combines its observations, where the
            KPI needs one way: ``last`` for a level such as a follower count,
            which summed would be meaningless. Filled into the input's node
            when that node does not set ``aggregate`` itself.
    """

    name: str
    meaning: str
    unit: str
    aggregate: Aggregate | None = None


@dataclass(frozen=True)
class KpiDefinition:
    """A standard KPI: what it means and how it is computed.

    Attributes:
        id: The name a node uses in ``kpi:``.
        name: Its usual name, with the common abbreviation.
        group: One of :data:`GROUPS`' keys.
        definition: What it measures and why a team watches it.
        formula: Arithmetic over the input names, or ``None`` for a KPI that is
            counted directly from a source (MQL, SQL, meetings booked).
        inputs: The formula's inputs, in formula order.
        unit: The unit of the result: ``%`` results are the formula's fraction times 100,
            ``multiple`` results (ROAS, ROI) read "4×".
        direction: Whether more (``increase``) or less (``decrease``) is better.
        aggregate: How a series of observations of this KPI becomes the
            period-to-date value: ``sum`` for flows, ``last`` for rates and levels.
        baseline: The KPI's value at the start of the period when it is the
            same for every team by definition: 0 for a growth measured from the
            period's start. It paces the KPI from there; ``None`` for a level
            whose start differs per team (a conversion rate, a CAC), which
            without a baseline of the node's own is compared with its target.
        note: A caveat: a definition that differs between sources, a trap.
        example: A worked example, as ``(input name, value)`` pairs.
        example_result: What the formula gives for ``example``; the tests
            check the formula against it.
    """

    id: str
    name: str
    group: str
    definition: str
    formula: str | None
    inputs: tuple[KpiInput, ...]
    unit: str
    direction: Direction
    aggregate: Aggregate
    baseline: float | None = None
    note: str | None = None
    example: tuple[tuple[str, float], ...] = ()
    example_result: float | None = None

    @property
    def input_names(self) -> tuple[str, ...]:
        """The input names, in formula order."""
        return tuple(item.name for item in self.inputs)


def _example(result: float, **values: float) -> dict:
    return {"example": tuple(values.items()), "example_result": result}


KPIS: tuple[KpiDefinition, ...] = (
    # --- the ten standard KPIs ---------------------------------------------------------------
    KpiDefinition(
        id="conversion_rate",
        name=N_("Conversion rate"),
        group="standard",
        definition=N_(
            "The share of visitors who did what you wanted them to do: filled in a form, "
            "booked a demo, signed up for a webinar. Measure it for all traffic or for one "
            "campaign, newsletter or landing page; a low rate points at a step where visitors get stuck."
        ),
        formula="conversions / visitors",
        inputs=(
            KpiInput("conversions", N_("Visitors who completed the conversion in the period"), "count"),
            KpiInput("visitors", N_("Visitors (sessions) in the same period and scope"), "count"),
        ),
        unit="ratio",
        direction="increase",
        aggregate="last",
        note=N_("A ratio is a fraction (0.02 is 2 %). Count conversions and visitors over the same scope."),
        **_example(0.02, conversions=5_000, visitors=250_000),
    ),
    KpiDefinition(
        id="cpa",
        name=N_("Cost per acquisition (CPA)"),
        group="standard",
        definition=N_(
            "What one conversion costs: the marketing money spent divided by the conversions it "
            "bought. Follow it per campaign or ad channel to see where a conversion is cheapest."
        ),
        formula="marketing_cost / conversions",
        inputs=(
            KpiInput("marketing_cost", N_("Marketing spend in the period (media, tools, agencies)"), "SEK"),
            KpiInput("conversions", N_("Conversions that spend produced"), "count"),
        ),
        unit="SEK",
        direction="decrease",
        aggregate="last",
        note=N_(
            "A conversion is whatever the campaign was for (a form, a sign-up, a purchase); CPA is "
            "not CAC unless every conversion is a new customer."
        ),
        **_example(1_200, marketing_cost=6_000_000, conversions=5_000),
    ),
    KpiDefinition(
        id="conversion_value",
        name=N_("Conversion value"),
        group="standard",
        definition=N_(
            "What one conversion is worth to you. For a purchase it is the purchase amount; for a "
            "lead or a download it is an estimate: how likely such a conversion is to become a "
            "sale, times what that sale is worth."
        ),
        formula="close_rate * sale_value",
        inputs=(
            KpiInput("close_rate", N_("Share of conversions that become a sale (1 for a purchase)"), "ratio", aggregate="last"),
            KpiInput("sale_value", N_("Value of the sale a conversion leads to"), "SEK", aggregate="last"),
        ),
        unit="SEK",
        direction="increase",
        aggregate="last",
        note=N_("Use the customer lifetime value (clv) as sale_value to value leads by what customers bring over their lifetime."),
        **_example(12_600, close_rate=0.014, sale_value=900_000),
    ),
    KpiDefinition(
        id="roi",
        name=N_("Return on investment (ROI)"),
        group="standard",
        definition=N_(
            "What the marketing investment returned beyond its own cost, per krona spent, shown as "
            "a multiple: 9.5× is 9.5 kronor of gain per krona. 0× means it paid for itself and no "
            "more; 1× means every krona came back twice."
        ),
        formula="(revenue - marketing_cost) / marketing_cost",
        inputs=(
            KpiInput("revenue", N_("Revenue (or gross profit) the investment brought in"), "SEK"),
            KpiInput("marketing_cost", N_("What the investment cost"), "SEK"),
        ),
        unit="multiple",
        direction="increase",
        aggregate="last",
        note=N_(
            "Subtract first, then divide: (gain − cost) / cost. Written without parentheses, as "
            "some guides print it, the formula would compute gain − 1."
        ),
        **_example(9.5, revenue=63_000_000, marketing_cost=6_000_000),
    ),
    KpiDefinition(
        id="cac",
        name=N_("Customer acquisition cost (CAC)"),
        group="standard",
        definition=N_(
            "What winning one new customer costs on average: marketing and sales spend divided by "
            "the new customers it brought. Compute it for the whole business or for one channel or "
            "campaign."
        ),
        formula="acquisition_cost / new_customers",
        inputs=(
            KpiInput("acquisition_cost", N_("Marketing and sales spend aimed at new customers"), "SEK"),
            KpiInput("new_customers", N_("New customers won in the same period"), "count"),
        ),
        unit="SEK",
        direction="decrease",
        aggregate="last",
        note=N_(
            "Count the cost and the customers over the same period and scope. Compare it with "
            "the CLV: a customer worth 900 000 SEK may cost far more to win than one worth 90 000."
        ),
        **_example(90_000, acquisition_cost=6_300_000, new_customers=70),
    ),
    KpiDefinition(
        id="cac_percent",
        name=N_("CAC as a percentage of sales (CAC %)"),
        group="standard",
        definition=N_(
            "Acquisition cost as a percentage of what the sales it bought are worth. Teams use it "
            "as a ceiling for media spend: at a CAC % of 10, a sale may cost at most a tenth of "
            "what it brings in."
        ),
        formula="acquisition_cost / sales_value",
        inputs=(
            KpiInput("acquisition_cost", N_("Spend that won the sales"), "SEK"),
            KpiInput("sales_value", N_("Value of the sales that spend won"), "SEK"),
        ),
        unit="%",
        direction="decrease",
        aggregate="last",
        note=N_(
            "Per customer it is the same number: CAC divided by the average sale value. The unit `%` "
            "shows the fraction times 100 (0.1 is 10 %), so the formula needs no `* 100`."
        ),
        **_example(10, acquisition_cost=6_300_000, sales_value=63_000_000),
    ),
    KpiDefinition(
        id="clv",
        name=N_("Customer lifetime value (CLV)"),
        group="standard",
        definition=N_(
            "What an average customer is worth over the whole time they buy from you: the size of "
            "an order, how often they order, and for how many years. It tells how much winning and "
            "keeping a customer may cost, and values every step of the funnel."
        ),
        formula="avg_order * orders_per_year * lifetime_years",
        inputs=(
            KpiInput("avg_order", N_("Average order value"), "SEK", aggregate="last"),
            KpiInput("orders_per_year", N_("Orders an average customer places per year"), "count", aggregate="last"),
            KpiInput("lifetime_years", N_("Years an average customer stays"), "years", aggregate="last"),
        ),
        unit="SEK",
        direction="increase",
        aggregate="last",
        note=N_(
            "Some guides describe CLV as the cost of generating a customer; that cost is CAC. "
            "CLV is the value a customer brings: 100 000 SEK per order, 3 orders a year for "
            "3 years makes 900 000 SEK."
        ),
        **_example(900_000, avg_order=100_000, orders_per_year=3, lifetime_years=3),
    ),
    KpiDefinition(
        id="roas",
        name=N_("Return on ad spend (ROAS)"),
        group="standard",
        definition=N_(
            "The revenue a campaign's ads brought in for every krona spent on them, shown as a "
            "multiple. It tells an advertiser which campaigns to feed and which to stop; 4× means "
            "4 kronor back per krona spent."
        ),
        formula="ad_revenue / ad_spend",
        inputs=(
            KpiInput("ad_revenue", N_("Revenue attributed to the ads"), "SEK"),
            KpiInput("ad_spend", N_("What the ads cost"), "SEK"),
        ),
        unit="multiple",
        direction="increase",
        aggregate="last",
        note=N_(
            "This is the standard definition: revenue divided by spend, so higher is better. Some "
            "guides state it the other way round (spend divided by revenue); that inverse is the "
            "cost of sale, where lower is better. Do not mix the two in one tree."
        ),
        **_example(4, ad_revenue=2_000_000, ad_spend=500_000),
    ),
    KpiDefinition(
        id="mql",
        name=N_("Marketing qualified leads (MQL)"),
        group="standard",
        definition=N_(
            "Leads that have shown real interest, usually through marketing: downloaded material, "
            "filled in their details, came back to compare offers. They are the leads marketing "
            "nurtures until sales can take over."
        ),
        formula=None,
        inputs=(),
        unit="count",
        direction="increase",
        aggregate="sum",
        note=N_("Counted in the CRM when a contact reaches the MQL lifecycle stage; give the node a metric that counts those."),
    ),
    KpiDefinition(
        id="sql",
        name=N_("Sales qualified leads (SQL)"),
        group="standard",
        definition=N_(
            "Leads that sales judges ready to be contacted about a purchase: current, of high "
            "quality, with intent shown by what they have done. Sales spends its time on these."
        ),
        formula=None,
        inputs=(),
        unit="count",
        direction="increase",
        aggregate="sum",
        note=N_("Counted in the CRM when a contact reaches the SQL lifecycle stage. The MQL-to-SQL rate (mql_to_sql) tells how well the two agree."),
    ),
    KpiDefinition(
        id="follower_growth",
        name=N_("Follower growth"),
        group="standard",
        definition=N_(
            "How much the audience on your social channels grew in the period, as a share of where "
            "it started. It belongs to brand building: more followers, more reach for every post."
        ),
        formula="(followers - followers_start) / followers_start",
        inputs=(
            KpiInput("followers", N_("Followers now, across the channels you count"), "count", aggregate="last"),
            KpiInput("followers_start", N_("Followers at the start of the period"), "count", aggregate="last"),
        ),
        unit="ratio",
        direction="increase",
        aggregate="last",
        baseline=0.0,
        note=N_(
            "Growth is 0 at the start of the period by definition, so the node's baseline is 0 "
            "unless it sets one: it is paced from no growth to its target. A follower count is a "
            "level, not a flow to be summed: the followers and followers_start nodes take "
            "`aggregate: last` unless they set an aggregate themselves."
        ),
        **_example(0.25, followers=15_000, followers_start=12_000),
    ),
    # --- the B2B funnel -------------------------------------------------------------------------
    KpiDefinition(
        id="traffic_to_lead",
        name=N_("Traffic-to-lead ratio (TTL)"),
        group="funnel",
        definition=N_(
            "The share of website visits that become a lead. In a mature market, where time to "
            "convert is a cost, this and the lead-to-customer ratio matter most."
        ),
        formula="leads / visits",
        inputs=(
            KpiInput("leads", N_("New leads (contacts) from the website"), "count"),
            KpiInput("visits", N_("Website visits (sessions)"), "count"),
        ),
        unit="ratio",
        direction="increase",
        aggregate="last",
        note=N_(
            "The same number as a conversion rate with leads as the conversion; in a funnel tree "
            "it is usually a driver (leads = visits * traffic_to_lead)."
        ),
        **_example(0.02, leads=5_000, visits=250_000),
    ),
    KpiDefinition(
        id="lead_to_customer",
        name=N_("Lead-to-customer ratio (LTC)"),
        group="funnel",
        definition=N_(
            "The share of leads that become paying customers: the end-to-end quality of the leads "
            "and of how marketing and sales work them."
        ),
        formula="customers / leads",
        inputs=(
            KpiInput("customers", N_("New customers won"), "count"),
            KpiInput("leads", N_("Leads in the same period"), "count"),
        ),
        unit="ratio",
        direction="increase",
        aggregate="last",
        note=N_("In a funnel tree this is usually a driver (customers = leads * lead_to_customer); take the KPI only where both counts are measured on their own."),
        **_example(0.014, customers=70, leads=5_000),
    ),
    KpiDefinition(
        id="leads_per_customer",
        name=N_("Leads needed per customer"),
        group="funnel",
        definition=N_(
            "How many leads it takes to win one customer: the inverse of the lead-to-customer "
            "ratio. At 1.4 % it takes about 70 leads, which with the CLV sets how much a lead is worth."
        ),
        formula="1 / lead_to_customer",
        inputs=(KpiInput("lead_to_customer", N_("Share of leads that become customers"), "ratio", aggregate="last"),),
        unit="count",
        direction="decrease",
        aggregate="last",
        note=N_(
            "Rounded, as people say it: 1 / 0.014 is 71.4, \"about 70\". With the CLV it values a "
            "lead: 900 000 SEK / 71.4 is about 12 600 SEK."
        ),
        **_example(1 / 0.014, lead_to_customer=0.014),
    ),
    KpiDefinition(
        id="mql_to_sql",
        name=N_("MQL-to-SQL rate"),
        group="funnel",
        definition=N_(
            "The share of marketing qualified leads that sales accepts as sales qualified. Low "
            "values mean marketing and sales disagree on what a good lead is."
        ),
        formula="sql / mql",
        inputs=(
            KpiInput("sql", N_("Sales qualified leads in the period"), "count"),
            KpiInput("mql", N_("Marketing qualified leads in the period"), "count"),
        ),
        unit="ratio",
        direction="increase",
        aggregate="last",
        note=N_(
            "Agree with sales on what makes a lead an MQL and an SQL before setting a target; "
            "the rate means nothing while the definitions move."
        ),
        **_example(0.3, sql=450, mql=1_500),
    ),
    KpiDefinition(
        id="days_to_deal",
        name=N_("Days to deal"),
        group="funnel",
        definition=N_(
            "The average number of days from a customer's first visit to the website to the "
            "closed deal. A long cycle says the leads need better qualifying or sales needs to "
            "follow up sooner; in a mature market time itself costs money."
        ),
        formula=None,
        inputs=(),
        unit="days",
        direction="decrease",
        aggregate="mean",
        note=N_("Measure it on won deals only (a metric with where: dealstage = 'closedwon')."),
    ),
    KpiDefinition(
        id="customers_per_source",
        name=N_("Customers per source"),
        group="funnel",
        definition=N_(
            "New customers won, split by where they first came from: organic search, paid search, "
            "social, email, direct. It shows which channels bring customers and not just visits."
        ),
        formula=None,
        inputs=(),
        unit="count",
        direction="increase",
        aggregate="sum",
        note=N_("Give the node a metric with `by:` the source column; reports then show the split per source."),
    ),
    # --- brand and business -------------------------------------------------------------------
    KpiDefinition(
        id="brand_searches",
        name=N_("Brand searches"),
        group="brand_and_business",
        definition=N_(
            "Searches for the company's or the product's name. The better known the brand, the "
            "more people look for it by name: the simplest measure of brand building (KPI 1)."
        ),
        formula=None,
        inputs=(),
        unit="count",
        direction="increase",
        aggregate="sum",
        note=N_(
            "Take it from the search engine's own console (queries containing the brand name); "
            "compare periods of the same length, since searches follow the seasons."
        ),
    ),
    KpiDefinition(
        id="direct_traffic",
        name=N_("Direct traffic"),
        group="brand_and_business",
        definition=N_(
            "Visits that arrive by typing the address or from a bookmark. Like brand searches it "
            "grows with how well known the brand is (KPI 1)."
        ),
        formula=None,
        inputs=(),
        unit="count",
        direction="increase",
        aggregate="sum",
        note=N_(
            "Web analytics files visits it cannot attribute under direct too; watch the trend "
            "rather than the level."
        ),
    ),
    KpiDefinition(
        id="meetings_booked",
        name=N_("Meetings booked on the website"),
        group="brand_and_business",
        definition=N_(
            "Sales meetings prospects book themselves on the website: the hand-over point from "
            "marketing to sales, and a direct measure of the business marketing creates (KPI 2)."
        ),
        formula=None,
        inputs=(),
        unit="count",
        direction="increase",
        aggregate="sum",
        note=N_("Agree the hand-over point with sales first; a booked meeting is one such point."),
    ),
)
