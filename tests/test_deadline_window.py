"""A node is done by its deadline: rows after it never count towards its actual.

A webinar's 30 sign-ups were due by midsummer. 22 came by then and 20 more in
September: evaluated at year end the goal was missed (22 of 30), not
achieved with 42. Each figure here is worked out by hand, or by DuckDB SQL
written in this file over the same CSV.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from goaltree.cli import main

HEADER = """\
goaltree: 1
id: webinars
title: Webinars
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marketing
"""


def evaluated(tmp_path, capsys, body: str, as_of: str) -> dict:
    """The JSON `goaltree evaluate` prints for the goal file of ``body``."""
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    main(["evaluate", str(path), "--as-of", as_of, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def evaluate(tmp_path, capsys, body: str, as_of: str) -> dict:
    return evaluated(tmp_path, capsys, body, as_of)["nodes"]


INLINE = """\
nodes:
  signups:
    title: 30 webinar sign-ups by midsummer
    unit: count
    target: 30
    deadline: 2027-06-30
    actuals: {2027-06-15: 22, 2027-09-01: 20}
"""


@pytest.mark.parametrize("as_of", ["2027-06-30", "2027-09-01", "2027-12-31"])
def test_sign_ups_after_the_deadline_do_not_turn_a_missed_goal_into_an_achieved_one(tmp_path, capsys, as_of):
    # 22 of 30 by 2027-06-30: progress 22 / 30 = 73.3 %, and the deadline has come, so off track
    # whenever it is evaluated after it. The 20 of September would make 42 (140 %, "achieved").
    signups = evaluate(tmp_path, capsys, INLINE, as_of)["signups"]
    assert signups["actual"] == 22
    assert signups["progress"] == pytest.approx(22 / 30)
    assert signups["status"] == "off_track"
    assert signups["forecast"] == 22  # the deadline has come: what was reached by then


def test_before_the_deadline_the_same_rows_are_judged_by_their_pace(tmp_path, capsys):
    # 2027-06-15 is day 166 of the node's 181: 30 · 166 / 181 = 27.51 expected, 22 reached.
    signups = evaluate(tmp_path, capsys, INLINE, "2027-06-15")["signups"]
    assert signups["actual"] == 22
    assert signups["expected"] == pytest.approx(30 * 166 / 181)


def test_explain_names_the_deadline_as_the_last_day_counted(tmp_path, capsys):
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + INLINE, encoding="utf-8")
    main(["explain", str(path), "signups", "--as-of", "2027-12-31"])
    out = capsys.readouterr().out
    assert "Actual 22 (measured)" in out
    assert "from 2027-01-01 to 2027-06-30 (inline actuals)" in out


def test_a_level_due_at_midsummer_keeps_its_midsummer_value(tmp_path, capsys):
    # NPS to reach 40 by midsummer (aggregate last): 41 on 2027-06-20, 30 in the autumn.
    # At year end the goal was met at its deadline: 41, achieved.
    body = (
        "nodes:\n  nps: {title: NPS 40 by midsummer, unit: count, baseline: 30, target: 40, aggregate: last,"
        " deadline: 2027-06-30, actuals: {2027-03-01: 35, 2027-06-20: 41, 2027-10-01: 30}}\n"
    )
    nps = evaluate(tmp_path, capsys, body, "2027-12-31")["nps"]
    assert nps["actual"] == 41
    assert nps["progress"] == pytest.approx((41 - 30) / (40 - 30))
    assert nps["status"] == "achieved"


def test_a_source_and_its_breakdown_stop_at_the_node_deadline_as_sql_says(tmp_path, capsys):
    rows = [
        ("2027-02-10", "web", 5),
        ("2027-05-03", "events", 9),
        ("2027-06-30", "web", 4),  # the deadline itself counts (days count inclusive)
        ("2027-07-01", "web", 7),
        ("2027-11-20", "events", 12),
    ]
    data = tmp_path / "data"
    data.mkdir()
    (data / "signups.csv").write_text(
        "date,channel,signups\n" + "".join(f"{day},{channel},{count}\n" for day, channel, count in rows), encoding="utf-8"
    )
    body = (
        "sources:\n  crm: {type: csv, path: data/signups.csv, date_column: date}\n"
        "nodes:\n"
        "  early: {title: 30 sign-ups by midsummer, unit: count, target: 30, deadline: 2027-06-30,"
        " metric: {source: crm, value: signups, by: channel}}\n"
        "  yearly: {title: 60 sign-ups in 2027, unit: count, target: 60,"
        " metric: {source: crm, value: signups}}\n"
    )
    nodes = evaluate(tmp_path, capsys, body, "2027-12-31")
    query = (
        "SELECT channel, sum(signups) FROM read_csv(?, header=true) "
        "WHERE date BETWEEN DATE '2027-01-01' AND ? GROUP BY channel"
    )
    csv = str(data / "signups.csv")
    by_midsummer = dict(duckdb.execute(query, [csv, dt.date(2027, 6, 30)]).fetchall())
    by_year_end = dict(duckdb.execute(query, [csv, dt.date(2027, 12, 31)]).fetchall())
    assert by_midsummer == {"web": 9, "events": 9} and by_year_end == {"web": 16, "events": 21}
    assert nodes["early"]["actual"] == sum(by_midsummer.values()) == 18
    assert nodes["early"]["breakdown"] == by_midsummer
    assert nodes["early"]["status"] == "off_track"
    assert nodes["yearly"]["actual"] == sum(by_year_end.values()) == 37


CHANNELS = """\
nodes:
  all_signups:
    title: 100 sign-ups in 2027
    unit: count
    target: 100
    rollup: sum
  webinar:
    title: 30 webinar sign-ups by midsummer
    parent: all_signups
    unit: count
    target: 30
    deadline: 2027-06-30
    rollup: sum
  webinar_web:
    title: Webinar sign-ups from the website
    parent: webinar
    unit: count
    actuals: {2027-03-01: 10, 2027-09-10: 20}
  webinar_mail:
    title: Webinar sign-ups from the newsletter
    parent: webinar
    unit: count
    actuals: {2027-04-01: 12}
  fair:
    title: 70 sign-ups at the autumn fair
    parent: all_signups
    unit: count
    actuals: {2027-10-01: 50}
"""


@pytest.mark.parametrize("as_of", ["2027-07-01", "2027-12-31"])
def test_a_sum_due_at_midsummer_adds_up_its_channels_to_midsummer(tmp_path, capsys, as_of):
    # The channels run to year end, the webinar goal does not: 10 + 12 = 22 by 2027-06-30, of 30.
    # The 20 of September would make 42 (140 %, "achieved").
    nodes = evaluate(tmp_path, capsys, CHANNELS, as_of)
    webinar = nodes["webinar"]
    assert webinar["actual"] == 22
    assert webinar["progress"] == pytest.approx(22 / 30)
    assert webinar["status"] == "off_track"
    assert webinar["score"] == pytest.approx(22 / 30)
    assert webinar["forecast"] == 22  # its deadline has come: what it reached by then
    assert webinar["attribution"] == {}  # its actual is at midsummer, its channels' paces are not
    # The channels themselves are due at year end and count every row to the evaluation's date.
    assert nodes["webinar_web"]["actual"] == (10 if as_of == "2027-07-01" else 30)
    # The year's total counts every sign-up the channels brought, the September ones too: the webinar
    # goal was missed, the sign-ups happened. 10 + 20 + 12 + the fair's 50 by year end.
    assert nodes["all_signups"]["actual"] == (10 + 20 + 12 + 50 if as_of == "2027-12-31" else None)


def test_the_same_sum_is_judged_by_its_pace_before_its_deadline(tmp_path, capsys):
    # 2027-05-01: 10 + 12 = 22 reached; day 121 of 181: 30 · 121 / 181 expected.
    webinar = evaluate(tmp_path, capsys, CHANNELS, "2027-05-01")["webinar"]
    assert webinar["actual"] == 22
    assert webinar["expected"] == pytest.approx(30 * 121 / 181)


def test_a_formula_due_at_midsummer_multiplies_its_inputs_at_midsummer(tmp_path, capsys):
    # 5 + 5 customers by midsummer at 50 000 SEK: 500 000 of 1 000 000. The 15 of September
    # would make 25 · 50 000 = 1 250 000, "achieved".
    body = (
        "nodes:\n"
        "  revenue: {title: Revenue 1 000 000 SEK by midsummer, unit: SEK, deadline: 2027-06-30, target: 1000000,"
        " formula: customers * deal}\n"
        "  customers: {title: Customers, unit: count, actuals: {2027-03-01: 5, 2027-05-01: 5, 2027-09-10: 15}}\n"
        "  deal: {title: Deal size 50 000 SEK, type: driver, unit: SEK, target: 50000}\n"
    )
    nodes = evaluate(tmp_path, capsys, body, "2027-12-31")
    assert nodes["revenue"]["actual"] == 10 * 50_000
    assert nodes["revenue"]["status"] == "off_track"
    assert nodes["revenue"]["forecast"] == 10 * 50_000
    assert nodes["customers"]["actual"] == 25


def test_a_sum_with_nothing_by_its_deadline_has_no_actual(tmp_path, capsys):
    # Every webinar sign-up came after midsummer: nothing by the deadline, as a measured
    # node without rows by its deadline has nothing. Not 20, and not "achieved" for 35 of 30.
    body = (
        "nodes:\n"
        "  webinar: {title: 30 webinar sign-ups by midsummer, unit: count, target: 30, deadline: 2027-06-30, rollup: sum}\n"
        "  web: {title: From the website, parent: webinar, unit: count, actuals: {2027-09-10: 20}}\n"
        "  mail: {title: From the newsletter, parent: webinar, unit: count, actuals: {2027-10-01: 15}}\n"
    )
    webinar = evaluate(tmp_path, capsys, body, "2027-12-31")["webinar"]
    assert webinar["actual"] is None
    assert webinar["status"] == "no_data"


def test_explain_says_the_sum_is_its_value_at_its_deadline(tmp_path, capsys):
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + CHANNELS, encoding="utf-8")
    main(["explain", str(path), "webinar", "--as-of", "2027-12-31"])
    out = capsys.readouterr().out
    assert "Actual 22 (rolled_up)" in out
    assert "  at its deadline, 2027-06-30: webinar = sum(webinar_web, webinar_mail) = 22" in out
    assert "Gap" not in out  # no split of a midsummer gap by year-end paces


CAMPAIGN = """\
nodes:
  leads:
    title: 2 000 leads in 2027
    unit: count
    target: 2000
    rollup: sum
  campaign:
    title: The Q1 campaign brings 300 leads
    parent: leads
    unit: count
    target: 300
    deadline: 2027-03-31
    actuals: {2027-01-31: 100, 2027-02-28: 100, 2027-03-31: 100, 2027-05-31: 50}
  web:
    title: Web leads
    parent: leads
    unit: count
    actuals: {2027-01-31: 100, 2027-02-28: 100, 2027-03-31: 100, 2027-04-30: 100, 2027-05-31: 100, 2027-06-30: 100}
"""


def _web_run_rate() -> float:
    """The web's run rate, a line through the origin fitted to its running total (day of the year, cumulative leads), carried to day 365."""
    days = [(dt.date(2027, m, d) - dt.date(2027, 1, 1)).days + 1 for m, d in ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30))]
    running = [100 * (i + 1) for i in range(6)]
    return sum(t * c for t, c in zip(days, running)) / sum(t * t for t in days) * 365


def test_a_parent_forecast_counts_a_child_due_earlier_at_that_child_deadline(tmp_path, capsys):
    # The campaign ended on 2027-03-31 with 300 leads, and 50 more came in May: the year's leads
    # count those 350 and nothing more from it, not its run rate carried on to December.
    web = _web_run_rate()
    nodes = evaluate(tmp_path, capsys, CAMPAIGN, "2027-06-30")
    assert nodes["web"]["forecast"] == pytest.approx(web)
    assert nodes["campaign"]["forecast"] == 300
    assert nodes["leads"]["forecast"] == pytest.approx(350 + web)
    # The year's leads count every lead, the campaign's 50 of May too; the campaign is judged by its 300.
    assert nodes["leads"]["actual"] == 350 + 600
    assert nodes["campaign"]["actual"] == 300 and nodes["campaign"]["status"] == "achieved"


def test_a_rate_for_the_year_divides_by_the_years_leads_not_by_the_midsummer_goal(tmp_path, capsys):
    # Leads due at midsummer: 40 + 20 + 20 + 20 = 100 by then, of 400: off track, judged then.
    # The year's rate divides the year's 40 customers by the year's 250 + 150 = 400 leads: 10 %, not 40 %.
    body = (
        "nodes:\n"
        "  customers: {title: 40 customers in 2027, unit: count, target: 40, formula: leads * lead_to_customer,"
        " actuals: {2027-03-01: 5, 2027-06-30: 5, 2027-10-01: 30}}\n"
        "  lead_to_customer: {title: Lead to customer rate 10 %, type: driver, unit: '%', baseline: 8, target: 10}\n"
        "  leads: {title: 400 leads by midsummer, unit: count, deadline: 2027-06-30, rollup: sum}\n"
        "  web: {title: 250 web leads, unit: count, parent: leads, target: 250, actuals: {2027-03-01: 40, 2027-06-30: 20, 2027-10-01: 190}}\n"
        "  events: {title: 150 event leads, unit: count, parent: leads, target: 150, actuals: {2027-03-01: 20, 2027-06-30: 20, 2027-10-01: 110}}\n"
    )
    nodes = evaluate(tmp_path, capsys, body, "2027-12-31")
    assert nodes["leads"]["actual"] == 100 and nodes["leads"]["status"] == "off_track"
    assert nodes["leads"]["computed_actual"] == 100  # its children's then, as its actual
    assert nodes["lead_to_customer"]["actual"] == pytest.approx(40 / 400 * 100)


def test_a_node_solved_from_its_parent_is_judged_at_its_deadline_without_disturbing_the_year(tmp_path, capsys):
    # Customers due at midsummer, solved from revenue = customers * deal: 500 000 / 10 000 = 50 then, of 60.
    # At year end revenue 1 000 000 and deal 12 500 give 80 customers; the revenue's gap splits
    # between customers and deal as at any date (no own pace, no A004: nothing measured disagrees).
    body = (
        "nodes:\n"
        "  revenue: {title: 1 200 000 SEK in 2027, unit: SEK, target: 1200000, formula: customers * deal,"
        " actuals: {2027-03-15: 200000, 2027-06-15: 300000, 2027-10-01: 500000}}\n"
        "  deal: {title: Average deal of 10 000 SEK, type: driver, unit: SEK, baseline: 10000, target: 10000, aggregate: last,"
        " actuals: {2027-03-15: 10000, 2027-10-01: 12500}}\n"
        "  customers: {title: 60 customers won by midsummer, unit: count, deadline: 2027-06-30}\n"
    )
    document = evaluated(tmp_path, capsys, body, "2027-12-31")
    assert document["diagnostics"] == []
    nodes = document["nodes"]
    assert nodes["customers"]["actual"] == 500_000 / 10_000
    assert nodes["customers"]["status"] == "off_track"
    parts = nodes["revenue"]["attribution"]
    assert set(parts) == {"customers", "deal"}
    assert sum(parts.values()) == pytest.approx(nodes["revenue"]["actual"] - nodes["revenue"]["expected"])


def test_planning_assumptions_with_deadlines_stay_assumptions(tmp_path, capsys):
    # A deal assumed at 12 000 until midsummer and a CLV of deal * 3 years due in March: plans at
    # any date, never scored, and nothing measured is solved from them.
    body = (
        "nodes:\n"
        "  revenue: {title: 1 200 000 SEK in 2027, unit: SEK, target: 1200000, formula: customers * deal}\n"
        "  customers: {title: 100 customers in 2027, unit: count, target: 100, actuals: {2027-03-15: 20, 2027-06-15: 30, 2027-10-01: 40}}\n"
        "  deal: {title: Average deal 12 000 SEK, type: driver, unit: SEK, baseline: 12000, deadline: 2027-06-30}\n"
        "  clv: {title: Customer value 36 000 SEK, type: driver, unit: SEK, formula: deal * years, deadline: 2027-03-31}\n"
        "  years: {title: Three years as a customer, type: driver, unit: count, baseline: 3}\n"
    )
    nodes = evaluate(tmp_path, capsys, body, "2027-12-31")
    assert nodes["clv"]["status"] == "assumed" and nodes["clv"]["score"] is None
    assert nodes["clv"]["actual"] == 12_000 * 3
    assert nodes["deal"]["status"] == "assumed"


def test_a_division_by_zero_at_the_deadline_is_still_m007(tmp_path, capsys):
    # Cost per lead due at midsummer: 30 000 SEK over 0 leads by then has no value, and M007 says why.
    body = (
        "nodes:\n"
        "  cpl: {title: Cost per lead below 500 SEK by midsummer, unit: SEK, direction: decrease, baseline: 600, target: 500,"
        " deadline: 2027-06-30, formula: cost / leads}\n"
        "  cost: {title: Cost 100 000 SEK, unit: SEK, direction: decrease, target: 100000, actuals: {2027-02-01: 30000, 2027-08-01: 20000}}\n"
        "  leads: {title: 200 leads, unit: count, target: 200, actuals: {2027-02-01: 0, 2027-09-01: 150}}\n"
    )
    document = evaluated(tmp_path, capsys, body, "2027-12-31")
    assert document["nodes"]["cpl"]["actual"] is None  # not 50 000 / 150 = 333.33 from rows after its deadline
    assert [(d["code"], d["node"]) for d in document["diagnostics"]] == [("M007", "cpl")]


def test_a_measured_sum_due_at_midsummer_is_compared_with_its_channels_at_midsummer(tmp_path, capsys):
    # Sign-ups measured on the goal itself to midsummer (10 + 12 = 22) and by channel all year:
    # to midsummer the channels give 6 + 4 + 4 + 8 = 22, no disagreement (A004) for the 20 of September.
    body = (
        "nodes:\n"
        "  signups: {title: 30 webinar sign-ups by midsummer, unit: count, target: 30, deadline: 2027-06-30, rollup: sum,"
        " actuals: {2027-03-01: 10, 2027-06-01: 12}}\n"
        "  web: {title: 18 from the website, unit: count, parent: signups, target: 18, actuals: {2027-03-01: 6, 2027-06-01: 4, 2027-09-01: 20}}\n"
        "  mail: {title: 12 from the newsletter, unit: count, parent: signups, target: 12, actuals: {2027-03-01: 4, 2027-06-01: 8}}\n"
    )
    document = evaluated(tmp_path, capsys, body, "2027-12-31")
    assert document["diagnostics"] == []
    signups = document["nodes"]["signups"]
    assert (signups["actual"], signups["computed_actual"], signups["status"]) == (22, 22, "off_track")


def test_an_objective_due_at_midsummer_is_scored_by_its_key_results_at_midsummer(tmp_path, capsys):
    # By midsummer: 50 of 100 sign-ups (0.5) and NPS 30 from 20 towards 40 (0.5): score 0.5, missed.
    # The autumn's sign-ups (+60) and NPS 45 do not make the midsummer objective achieved at year end.
    body = (
        "nodes:\n"
        "  launch: {title: Launch the product by midsummer, type: objective, deadline: 2027-06-30}\n"
        "  signups: {title: 100 sign-ups, unit: count, parent: launch, target: 100, actuals: {2027-03-01: 20, 2027-06-01: 30, 2027-09-01: 60}}\n"
        "  nps: {title: NPS 40, unit: count, parent: launch, baseline: 20, target: 40, aggregate: last,"
        " actuals: {2027-03-01: 25, 2027-06-01: 30, 2027-10-01: 45}}\n"
    )
    for as_of in ("2027-06-30", "2027-12-31"):
        launch = evaluate(tmp_path, capsys, body, as_of)["launch"]
        assert launch["score"] == pytest.approx((0.5 + 0.5) / 2), as_of
        assert launch["status"] == "off_track", as_of


def test_explain_lists_a_child_judged_at_its_deadline_as_its_parent_counts_it(tmp_path, capsys):
    # The year's sign-ups are 92: the webinar's 10 + 20 + 12 = 42 (its September rows count
    # for the year) and the fair's 50. The webinar's own goal reads 22, by midsummer. The lines
    # under the sum must add up to it, and the webinar's part of the gap is 42 - 30.
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + CHANNELS, encoding="utf-8")
    main(["explain", str(path), "all_signups", "--as-of", "2027-12-31"])
    out = capsys.readouterr().out
    assert "  all_signups = sum(webinar, fair) = 92\n" in out
    assert (
        "  - webinar: 42 — with every row to 2027-12-31, after its deadline too; its own actual is 22 "
        "(at its deadline, 2027-06-30: webinar = sum(webinar_web, webinar_mail) = 22)\n"
    ) in out
    assert "  - fair: 50 — " in out
    assert f"  webinar: {42 - 30} (" in out


def test_explain_lists_a_child_judged_at_its_deadline_plainly_when_nothing_came_after_it(tmp_path, capsys):
    # At midsummer the webinar's 22 are all there is: nothing to tell apart.
    body = CHANNELS.replace("actuals: {2027-10-01: 50}", "actuals: {2027-05-01: 50}")
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    main(["explain", str(path), "all_signups", "--as-of", "2027-06-30"])
    out = capsys.readouterr().out
    assert "  all_signups = sum(webinar, fair) = 72\n" in out
    assert "  - webinar: 22 — webinar = sum(webinar_web, webinar_mail) = 22\n" in out


def test_a_parent_forecast_is_never_below_what_it_has_counted_of_a_child_due_earlier(tmp_path, capsys):
    # 1 000 leads came from the campaign in May, after its deadline: the year has counted
    # 300 + 1 000 + 600 = 1 900 leads by midsummer. Its forecast was 300 + the web's run rate
    # (about 1 512), below what was already in; it is 1 300 + the web's run rate.
    body = CAMPAIGN.replace("2027-05-31: 50}", "2027-05-31: 1000}")
    nodes = evaluate(tmp_path, capsys, body, "2027-06-30")
    assert nodes["leads"]["actual"] == 1900
    assert nodes["leads"]["forecast"] == pytest.approx(1300 + _web_run_rate())
    assert nodes["leads"]["forecast"] >= nodes["leads"]["actual"]


def test_a_parent_forecast_counts_a_child_due_later_than_today_at_its_own_deadline(tmp_path, capsys):
    # The campaign runs to 2027-09-30: at midsummer its leads are carried to its own deadline
    # (a run rate of 100 a month: the line through the origin of its running total), not beyond.
    body = CAMPAIGN.replace("deadline: 2027-03-31", "deadline: 2027-09-30").replace(", 2027-05-31: 50}", "}")
    days = [(dt.date(2027, m, d) - dt.date(2027, 1, 1)).days + 1 for m, d in ((1, 31), (2, 28), (3, 31))]
    campaign = sum(t * c for t, c in zip(days, (100, 200, 300))) / sum(t * t for t in days) * 273
    nodes = evaluate(tmp_path, capsys, body, "2027-06-30")
    assert nodes["campaign"]["forecast"] == pytest.approx(campaign)
    assert nodes["leads"]["forecast"] == pytest.approx(campaign + _web_run_rate())
