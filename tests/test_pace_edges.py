"""Pace, status, objective scores and forecasts at their edges, each number worked out by hand here.

The period is 2027 (365 days); day 73 (2027-03-14) is a fifth of it, day 90
(2027-03-31) is 90/365 of it, day 181 (2027-06-30) is 181/365.
"""

from __future__ import annotations

import json

import pytest

from goaltree.cli import main

HEADER = """\
goaltree: 1
id: edges
title: Edges
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marketing
"""


def evaluate_json(tmp_path, capsys, body: str, as_of: str, *options: str) -> dict:
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    main(["evaluate", str(path), "--as-of", as_of, "--format", "json", *options])
    return json.loads(capsys.readouterr().out)


def nodes_of(tmp_path, capsys, body: str, as_of: str, *options: str) -> dict:
    return evaluate_json(tmp_path, capsys, body, as_of, *options)["nodes"]


@pytest.mark.parametrize(
    ("thresholds", "status"),
    [("", "at_risk"), ("thresholds: {on_track: 0.8, at_risk: 0.5}\n", "on_track")],
)
def test_a_pace_ratio_exactly_on_a_threshold_reaches_it(tmp_path, capsys, thresholds, status):
    # Day 73 of 365 is a fifth: 200 leads due, 160 reached, a ratio of 0.16 / 0.2 = 0.8 on paper
    # (0.7999999999999999 in floating point), which is at_risk's threshold (or on_track's, when set so).
    body = thresholds + "nodes:\n  leads: {title: 1000 leads, unit: count, target: 1000, actuals: {2027-03-01: 160}}\n"
    leads = nodes_of(tmp_path, capsys, body, "2027-03-14")["leads"]
    assert (leads["expected"], leads["progress"], leads["expected_progress"]) == (200, 0.16, 0.2)
    assert leads["status"] == status


@pytest.mark.parametrize(("actual", "status"), [(-100, "on_track"), (-96, "on_track"), (-94, "off_track"), (-106, "off_track")])
def test_maintaining_a_negative_target_without_a_range_keeps_a_band_around_it(tmp_path, capsys, actual, status):
    # The band is the target times 0.95 and divided by 0.95: from -100 / 0.95 = -105.26 to -100 * 0.95 = -95.
    body = (
        "nodes:\n  balance: {title: Keep the net balance at -100 SEK, unit: SEK, direction: maintain, target: -100,"
        f" aggregate: last, actuals: {{2027-01-10: {actual}}}}}\n"
    )
    assert nodes_of(tmp_path, capsys, body, "2027-03-31")["balance"]["status"] == status


ZERO_INCIDENTS = """\
nodes:
  safe: {{title: Run a safe operation, type: objective}}
  incidents: {{title: Zero security incidents, unit: count, direction: decrease, target: 0, parent: safe, actuals: {{2027-02-01: {incidents}}}}}
  leads: {{title: 1000 leads, unit: count, target: 1000, parent: safe, actuals: {{2027-02-01: 300}}}}
"""


def test_a_key_result_with_no_way_to_travel_scores_whether_it_is_met(tmp_path, capsys):
    # Zero incidents from zero has no progress to measure (0 / 0): met, it scores 1 and was due in
    # full; leads score 300 / 1000 = 0.3 with 90/365 due. The objective is the mean of the two.
    nodes = nodes_of(tmp_path, capsys, ZERO_INCIDENTS.format(incidents=0), "2027-03-31")
    safe = nodes["safe"]
    assert nodes["incidents"]["status"] == "on_track" and nodes["incidents"]["progress"] is None
    assert safe["progress"] == pytest.approx((1 + 0.3) / 2)
    assert safe["expected_progress"] == pytest.approx((1 + 90 / 365) / 2)
    assert safe["status"] == "on_track"  # 0.65 / 0.6233 = 1.04
    assert safe["unscored_children"] == {}
    # The score gap splits by weight: incidents on its due score (0), leads 0.3 - 90/365, halved.
    assert safe["attribution"] == {"incidents": 0, "leads": pytest.approx((0.3 - 90 / 365) / 2)}


def test_a_missed_key_result_with_no_way_to_travel_scores_nothing(tmp_path, capsys):
    # One incident: the key result is missed, it scores 0 of its due 1; (0 + 0.3) / 2 = 0.15 against
    # 0.6233 expected is a ratio of 0.24, off track.
    safe = nodes_of(tmp_path, capsys, ZERO_INCIDENTS.format(incidents=1), "2027-03-31")["safe"]
    assert safe["progress"] == pytest.approx(0.15)
    assert safe["status"] == "off_track"


@pytest.mark.parametrize(("level", "score"), [(20.5, 1.0), (21.004, 0.0)])
def test_a_maintained_level_scores_whether_it_is_inside_its_range(tmp_path, capsys, level, score):
    body = f"""\
nodes:
  health: {{title: A healthy pipeline, type: objective}}
  days: {{title: Keep 19-21 days to close, unit: days, direction: maintain, range: [19, 21], target: 20, aggregate: last, parent: health, actuals: {{2027-02-01: {level}}}}}
  leads: {{title: 1000 leads, unit: count, target: 1000, parent: health, actuals: {{2027-02-01: 300}}}}
"""
    nodes = nodes_of(tmp_path, capsys, body, "2027-03-31")
    # 21.004 days is outside [19, 21] (off track): it scores 0, not its progress 21.004 / 20 clipped to 1.
    assert nodes["health"]["progress"] == pytest.approx((score + 0.3) / 2)
    assert nodes["health"]["expected_progress"] == pytest.approx((1 + 90 / 365) / 2)


def test_a_nested_objective_without_data_makes_its_objective_no_data(tmp_path, capsys):
    body = """\
nodes:
  top: {title: Win the market, type: objective}
  sub: {title: Grow the brand, type: objective, parent: top}
  nps: {title: NPS 40, unit: count, aggregate: last, target: 40, parent: sub}
  leads: {title: 1000 leads, unit: count, target: 1000, parent: top, actuals: {2027-02-01: 500}}
"""
    nodes = nodes_of(tmp_path, capsys, body, "2027-03-31")
    # nps has a target and no data, so sub has none, so top cannot be scored from leads alone.
    assert nodes["sub"]["status"] == "no_data"
    assert (nodes["top"]["status"], nodes["top"]["progress"]) == ("no_data", None)
    assert nodes["top"]["unscored_children"] == {}


def test_a_computed_node_is_forecast_at_its_own_deadline(tmp_path, capsys):
    body = """\
nodes:
  leads: {title: 2000 leads by midsummer, unit: count, target: 2000, deadline: 2027-06-30, formula: web + events}
  web: {title: 1800 web leads, unit: count, target: 1800, actuals: {2027-01-31: 310, 2027-02-28: 280}}
  events: {title: 200 event leads, unit: count, target: 200, actuals: {2027-01-31: 31, 2027-02-28: 28}}
"""
    nodes = nodes_of(tmp_path, capsys, body, "2027-03-31")
    # Run rate through the origin of the cumulative counts at days 31 and 59:
    # web (31 * 310 + 59 * 590) / (31² + 59²) = 44 420 / 4 442 = 10 a day, events 1 a day.
    assert nodes["web"]["forecast"] == pytest.approx(10 * 365)
    assert nodes["events"]["forecast"] == pytest.approx(365)
    # Leads are due on day 181: 1 810 web and 181 event leads by then.
    assert nodes["leads"]["forecast"] == pytest.approx(10 * 181 + 181)


def test_a_node_due_before_the_period_is_not_paced(tmp_path, capsys):
    body = "nodes:\n  b: {title: 5000 leads from the launch, unit: count, target: 5000, deadline: 2026-12-01, actuals: {2027-01-10: 100}}\n"
    b = nodes_of(tmp_path, capsys, body, "2027-02-14")["b"]
    assert b["actual"] == 100
    assert (b["expected"], b["progress"], b["forecast"], b["status"]) == (None, None, None, "no_data")


def test_a_measured_node_without_rows_yet_has_no_actual_and_is_not_solved_from_its_parent(tmp_path, capsys):
    body = """\
nodes:
  total: {title: 100 leads, unit: count, rollup: sum, target: 100, actuals: {2027-03-01: 50}}
  a: {title: Web leads, unit: count, parent: total, actuals: {2027-03-01: 20}}
  b: {title: Event leads, unit: count, parent: total, actuals: {2027-08-01: 20}}
"""
    document = evaluate_json(tmp_path, capsys, body, "2027-06-30")
    nodes = document["nodes"]
    # b's only row is in August: by June it has no actual. 50 - 20 = 30 would be an invented one.
    assert (nodes["b"]["actual"], nodes["b"]["status"]) == (None, "no_data")
    assert nodes["total"]["actual"] == 50 and nodes["total"]["computed_actual"] is None
    assert "b" not in nodes["total"]["attribution"]
    assert [d["code"] for d in document["diagnostics"]] == []
    # In September both are measured, and 20 + 20 = 40 disagrees with the total's 50 (A004).
    document = evaluate_json(tmp_path, capsys, body, "2027-09-30")
    assert document["nodes"]["b"]["actual"] == 20
    assert [d["code"] for d in document["diagnostics"]] == ["A004"]


def test_a_target_set_by_a_what_if_says_so(tmp_path, capsys):
    body = """\
scenarios:
  bigger: {set: {total: 2000}}
nodes:
  total: {title: 1000 leads, unit: count, target: 1000, rollup: sum}
  b: {title: Web leads, unit: count, parent: total, baseline: 100}
  c: {title: Event leads, unit: count, parent: total, baseline: 300}
"""
    plan = nodes_of(tmp_path, capsys, body, "2027-03-31")["total"]
    assert plan["target_derivation"] == "declared in the goal file"
    by_option = nodes_of(tmp_path, capsys, body, "2027-03-31", "--set", "b=400")
    assert by_option["b"]["target_derivation"] == "set with --set on the command line, in place of the goal file's target"
    assert by_option["c"]["target"] == 600  # 1 000 - 400
    by_scenario = nodes_of(tmp_path, capsys, body, "2027-03-31", "--scenario", "bigger")["total"]
    assert by_scenario["target"] == 2000
    assert by_scenario["target_derivation"] == "set by the scenario 'bigger', in place of the goal file's target"


def test_rows_after_the_period_count_for_the_next_period_not_this_one(tmp_path, capsys):
    # A year-end report run in March 2028 on the 2027 file: the 2028 rows are next year's.
    (tmp_path / "deals.csv").write_text("date,amount\n2027-06-30,100\n2027-12-31,100\n2028-02-15,500\n", encoding="utf-8")
    body = """\
sources:
  crm: {type: csv, path: deals.csv, date_column: date}
nodes:
  deals: {title: 300 deals, unit: count, target: 300, metric: {source: crm, value: amount}}
  level: {title: A level of 300, unit: count, target: 300, aggregate: last, actuals: {2027-06-30: 100, 2027-12-31: 200, 2028-02-15: 500}}
"""
    for as_of in ("2027-12-31", "2028-03-31"):
        nodes = nodes_of(tmp_path, capsys, body, as_of)
        # By hand: 100 + 100 = 200 deals in 2027 (not 700), the last 2027 level 200 (not 500); 200 / 300.
        assert (nodes["deals"]["actual"], nodes["level"]["actual"]) == (200, 200)
        assert nodes["deals"]["progress"] == nodes["level"]["progress"] == round(200 / 300, 12)
        assert nodes["deals"]["status"] == nodes["level"]["status"] == "off_track"
    main(["explain", str(tmp_path / "goals.yaml"), "deals", "--as-of", "2028-03-31"])
    assert "sum of 2 day(s) of observations from 2027-01-01 to 2027-12-31 (source crm)" in capsys.readouterr().out
    # A snapshot pulled after the period holds the same rows, so it rebuilds the same numbers.
    snapshot = tmp_path / "q4.snapshot.json"
    assert main(["pull", str(tmp_path / "goals.yaml"), "--as-of", "2028-03-31", "-o", str(snapshot)]) == 0
    capsys.readouterr()
    nodes = nodes_of(tmp_path, capsys, body, "2028-03-31", "--snapshot", str(snapshot))
    assert nodes["deals"]["actual"] == 200


def test_the_weighted_mean_of_rates_is_a_level_paced_against_its_target(tmp_path, capsys):
    # Paced as a flow from zero, CSAT 30 % read "on track" against 80 % × 90/365 = 19.73 % expected.
    body = """\
nodes:
  csat: {title: CSAT 80 %, unit: "%", target: 80, rollup: weighted_mean}
  csat_a: {title: CSAT A 85 %, unit: "%", aggregate: last, parent: csat, weight: 3, target: 85, actuals: {2027-03-31: 30}}
  csat_b: {title: CSAT B, unit: "%", aggregate: last, parent: csat, weight: 1, actuals: {2027-03-31: 30}}
"""
    nodes = nodes_of(tmp_path, capsys, body, "2027-03-31")
    # By hand: (3 · 85 + 1 · b) / 4 = 80 gives b = 65; the actual (3 · 30 + 30) / 4 = 30; a level without
    # a baseline is compared with its target: expected 80, progress 30 / 80 = 0.375, far below 0.8.
    assert nodes["csat_b"]["target"] == 65
    assert (nodes["csat"]["actual"], nodes["csat"]["expected"]) == (30, 80)
    assert nodes["csat"]["progress"] == 0.375
    assert nodes["csat"]["status"] == "off_track"
    main(["check", str(tmp_path / "goals.yaml")])
    assert "M004" not in capsys.readouterr().out  # a level, so not "a % summed over time" either


def test_a_node_computed_from_levels_is_a_level_paced_from_its_baseline(tmp_path, capsys):
    # Paced as flows from zero, the followers read 10 700 of 15 000 x 90/365 = 3 699 "on track".
    body = """\
nodes:
  followers: {title: Followers grow to 15 000, unit: count, rollup: sum, baseline: 10000, target: 15000}
  fol_li: {title: LinkedIn followers 9 000, unit: count, parent: followers, aggregate: last, baseline: 6000, target: 9000, actuals: {2027-03-31: 6400}}
  fol_ig: {title: Instagram followers 6 000, unit: count, parent: followers, aggregate: last, baseline: 4000, target: 6000, actuals: {2027-03-31: 4300}}
  avg_deal: {title: Average deal 100 000 SEK, unit: SEK, baseline: 80000, target: 100000, formula: revenue / deals}
  revenue: {title: Revenue 10 MSEK, unit: SEK, target: 10000000, actuals: {2027-02-15: 900000, 2027-03-15: 900000}}
  deals: {title: Deals, unit: count, actuals: {2027-02-15: 10, 2027-03-15: 10}}
  pipeline: {title: Pipeline 2 MSEK, unit: SEK, formula: deals * avg_deal_size}
  avg_deal_size: {title: Deal size, unit: SEK, type: driver, target: 100000}
"""
    nodes = nodes_of(tmp_path, capsys, body, "2027-03-31")
    f = 90 / 365
    # By hand: the followers are a level from 10 000: expected 10 000 + 5 000 f = 11 232.9, progress
    # (10 700 − 10 000) / 5 000 = 0.14 against 0.2466 due: a ratio of 0.57, OFF TRACK.
    followers = nodes["followers"]
    assert followers["actual"] == 10700
    assert followers["expected"] == pytest.approx(10000 + 5000 * f)
    assert followers["progress"] == pytest.approx(0.14)
    assert followers["status"] == "off_track"
    # revenue / deals does not grow with the flows (degree 0): a level, 80 000 + 20 000 f = 84 931.5 due,
    # (90 000 − 80 000) / 20 000 = 0.5 reached.
    assert nodes["avg_deal"]["expected"] == pytest.approx(80000 + 20000 * f)
    assert nodes["avg_deal"]["progress"] == pytest.approx(0.5)
    # deals × a deal size grows with deals (degree 1): still a flow, 20 × 100 000 of 100 × 100 000 paced from zero.
    assert nodes["pipeline"]["expected"] == pytest.approx(10_000_000 * f)


def test_the_largest_row_is_never_forecast_below_what_is_already_reached(tmp_path, capsys):
    body = """\
nodes:
  biggest: {title: Largest deal 1 000 SEK, unit: SEK, aggregate: max, target: 1000, actuals: {2027-01-10: 500, 2027-02-10: 300, 2027-03-10: 100}}
  smallest: {title: Smallest deal at least 50 SEK, unit: SEK, aggregate: min, target: 50, actuals: {2027-01-10: 100, 2027-02-10: 300, 2027-03-10: 500}}
"""
    nodes = nodes_of(tmp_path, capsys, body, "2027-06-30")
    # By hand: the least-squares line through (10, 500), (41, 300), (69, 100) reaches −1 901.5 on day 365, below
    # the 500 already booked; the largest deal of the year is at least 500. Mirrored for min.
    assert nodes["biggest"]["actual"] == 500 and nodes["biggest"]["forecast"] == 500
    assert nodes["smallest"]["actual"] == 100 and nodes["smallest"]["forecast"] == 100


def test_a_level_kept_in_a_range_without_a_target_still_scores_in_its_objective(tmp_path, capsys):
    # Left out as "no target", CSAT at 70 outside [80, 90] let the objective read on track at 50 %.
    body = """\
nodes:
  goal: {title: Keep 2 KPIs healthy, type: objective}
  leads: {title: 1 000 leads, unit: count, parent: goal, target: 1000, actuals: {2027-06-30: 500}}
  csat: {title: CSAT between 80 and 90 %, unit: "%", aggregate: last, direction: maintain, range: [80, 90], parent: goal, actuals: {2027-01-31: 85, 2027-04-30: 70}}
"""
    nodes = nodes_of(tmp_path, capsys, body, "2027-06-30")
    # By hand: leads 500 / 1 000 = 0.5; csat outside its range scores 0, due in full: (0.5 + 0) / 2 = 0.25
    # against (181/365 + 1) / 2 = 0.748 due, a ratio of 0.33: OFF TRACK.
    assert nodes["csat"]["status"] == "off_track"
    assert nodes["goal"]["progress"] == pytest.approx(0.25)
    assert nodes["goal"]["expected_progress"] == pytest.approx((181 / 365 + 1) / 2)
    assert nodes["goal"]["status"] == "off_track"
    assert nodes["goal"]["unscored_children"] == {}


def test_the_mean_of_rows_is_forecast_as_the_mean_of_the_trend(tmp_path, capsys):
    body = """\
nodes:
  csat: {title: CSAT 80 %, unit: "%", aggregate: mean, target: 80, actuals: {2027-01-31: 85, 2027-02-28: 70, 2027-04-30: 76}}
"""
    nodes = nodes_of(tmp_path, capsys, body, "2027-05-15")
    # By hand: rows on days 31, 59 and 120 with 85, 70, 76: mean day 70, mean 77; slope
    # ((−39)(8) + (−11)(−7) + (50)(−1)) / (39² + 11² + 50²) = −285 / 4142. The mean of every row at day 365
    # is the line's mean from day 31 to 365, its value on day 198: 77 − 285 / 4142 × 128 = 68.19.
    assert nodes["csat"]["actual"] == pytest.approx(77)
    assert nodes["csat"]["forecast"] == pytest.approx(77 - 285 / 4142 * 128)


BUDGET = """\
nodes:
  efficient: {{title: Run marketing efficiently, type: objective}}
  spend: {{title: Spend at most 100 000 SEK, parent: efficient, unit: SEK, direction: decrease, target: 100000,
    actuals: {{2027-01-10: 60000, 2027-03-01: {march}}}}}
  churn: {{title: Churn from 5 % to 3 %, parent: efficient, unit: '%', direction: decrease, baseline: 5, target: 3,
    aggregate: last, actuals: {{2027-01-10: 4}}}}
"""


@pytest.mark.parametrize("as_of", ["2027-06-30", "2027-12-31", "2028-02-01"])
def test_a_budget_cap_already_exceeded_is_off_track_and_fails_in_its_objective(tmp_path, capsys, as_of):
    # 60 000 + 45 000 = 105 000 spent against a cap of 100 000. At the deadline the pace ratio is
    # 1 / 1.05 = 0.952, over on_track's 0.95, but what was spent stays spent: the cap has failed.
    # The objective: spend 0, churn (5 − 4) / (5 − 3) = 0.5, so (0 + 0.5) / 2 = 0.25.
    nodes = nodes_of(tmp_path, capsys, BUDGET.format(march=45000), as_of)
    assert nodes["spend"]["actual"] == 105_000
    assert nodes["spend"]["status"] == "off_track"
    assert nodes["efficient"]["progress"] == 0.25
    assert nodes["efficient"]["status"] == "off_track"


def test_a_budget_cap_spent_to_the_krona_is_achieved_at_its_deadline(tmp_path, capsys):
    # 60 000 + 40 000 = 100 000: the cap is met, not exceeded. Its score is its due share, 1 at the
    # deadline; churn's 0.5 as above, so the objective is (1 + 0.5) / 2 = 0.75.
    nodes = nodes_of(tmp_path, capsys, BUDGET.format(march=40000), "2027-12-31")
    assert nodes["spend"]["status"] == "achieved"
    assert nodes["efficient"]["progress"] == 0.75


CHURN = """\
nodes:
  churn: {{title: Churn from 5 % to 3 %, unit: '%', aggregate: last,{direction} baseline: 5, target: {target},
    actuals: {{2027-03-01: 4}}}}
"""


def test_a_level_whose_target_is_behind_its_baseline_gets_no_verdict_and_a_warning(tmp_path, capsys):
    # Churn 5 % → 3 % left at the default `increase`: 4 % is at least 3 %, so it read "achieved".
    # The pace along the way stays: expected 5 + (3 − 5) · 181/365 = 4.0082, progress (4 − 5) / (3 − 5) = 0.5.
    document = evaluate_json(tmp_path, capsys, CHURN.format(direction="", target=3), "2027-06-30")
    churn = document["nodes"]["churn"]
    assert churn["status"] == "no_data"
    assert churn["expected"] == pytest.approx(5 - 2 * 181 / 365)
    assert churn["progress"] == 0.5
    (warning,) = document["diagnostics"]
    assert (warning["code"], warning["severity"], warning["line"]) == ("A006", "warning", 7)
    assert "add `direction: decrease`" in warning["message"] and "3.00 %" in warning["message"]


def test_a_level_meant_to_fall_is_judged_once_its_direction_says_so(tmp_path, capsys):
    # direction: decrease: progress 0.5 against 181/365 = 0.4959 due, a ratio of 1.008: on track.
    document = evaluate_json(tmp_path, capsys, CHURN.format(direction=" direction: decrease,", target=3), "2027-06-30")
    assert document["nodes"]["churn"]["status"] == "on_track"
    assert document["diagnostics"] == []


def test_a_level_to_decrease_towards_a_target_above_its_baseline_gets_no_verdict(tmp_path, capsys):
    document = evaluate_json(tmp_path, capsys, CHURN.format(direction=" direction: decrease,", target=6), "2027-06-30")
    assert document["nodes"]["churn"]["status"] == "no_data"
    assert [d["code"] for d in document["diagnostics"]] == ["A006"]
    assert "is to decrease" in document["diagnostics"][0]["message"]


def test_check_reports_a_target_behind_its_baseline_where_it_is_written(tmp_path, capsys):
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + CHURN.format(direction="", target=3), encoding="utf-8")
    assert main(["check", str(path)]) == 0  # a warning: the file is usable
    output = capsys.readouterr().out
    (line,) = [line for line in output.splitlines() if "A006" in line]
    # The target's value on line 7: after "baseline: 5, target: ".
    column = (HEADER + CHURN.format(direction="", target=3)).splitlines()[6].index("target: 3") + len("target: ") + 1
    assert line.startswith(f"{path}:7:{column}: warning A006 [churn]")


def test_a_flow_below_last_periods_total_is_no_conflict(tmp_path, capsys):
    # A flow starts from zero: 1 000 leads this year against 1 200 last year is a smaller goal, not a backwards one.
    body = "nodes:\n  leads: {title: 1000 leads, unit: count, baseline: 1200, target: 1000, actuals: {2027-03-01: 600}}\n"
    document = evaluate_json(tmp_path, capsys, body, "2027-06-30")
    assert document["nodes"]["leads"]["status"] == "on_track"  # 0.6 against 181/365 due
    assert document["diagnostics"] == []


YEAR_END = """\
nodes:
  pipeline: {{title: Pipeline grows to plan in 2027, type: objective}}
  leads: {{title: 1 200 qualified leads in 2027, parent: pipeline, unit: count, target: 1200,
    actuals: {{2027-03-31: 210, 2027-06-30: 270, 2027-09-30: 330, 2027-12-31: {december}}}}}
  open_rate: {{title: Open rate from 28 % to 35 %, parent: pipeline, unit: '%', baseline: 28, target: 35,
    aggregate: last, actuals: {{2027-12-31: 34}}}}
"""


@pytest.mark.parametrize("as_of", ["2027-12-31", "2028-03-01"])
def test_a_target_missed_at_its_deadline_is_off_track_not_on_track(tmp_path, capsys, as_of):
    # 210 + 270 + 330 + 340 = 1 150 of 1 200: 95.8 %, over on_track's 0.95 as a pace ratio, but the
    # year is over. The open rate: (34 − 28) / (35 − 28) = 0.857, at_risk as a ratio, missed too. The
    # objective (0.958 + 0.857) / 2 = 0.908 is off track at its deadline as well.
    nodes = nodes_of(tmp_path, capsys, YEAR_END.format(december=340), as_of)
    assert nodes["leads"]["actual"] == 1150 and nodes["leads"]["status"] == "off_track"
    assert nodes["open_rate"]["progress"] == pytest.approx(6 / 7) and nodes["open_rate"]["status"] == "off_track"
    assert nodes["pipeline"]["progress"] == pytest.approx((1150 / 1200 + 6 / 7) / 2)
    assert nodes["pipeline"]["status"] == "off_track"


def test_the_same_figures_before_the_deadline_are_judged_by_their_pace(tmp_path, capsys):
    # On 2027-12-30, 364/365 of the year: 810 leads of 1 197 due is a ratio of 0.68 (off track); the
    # open rate has no row yet and no actual (no data). A day earlier nothing is final.
    nodes = nodes_of(tmp_path, capsys, YEAR_END.format(december=340), "2027-12-30")
    assert nodes["leads"]["actual"] == 810
    assert nodes["leads"]["expected"] == pytest.approx(1200 * 364 / 365)
    assert nodes["open_rate"]["status"] == "no_data"


def test_a_negative_target_without_a_baseline_has_no_progress_and_a_plain_verdict(tmp_path, capsys):
    # NPS −20 against a target of "at least −5": −20 / −5 = 4 would read 400 %. It is below −5: off track,
    # and its objective counts it 0 (a missed key result with no way to measure).
    body = (
        "nodes:\n  cx: {title: Customers recommend us more, type: objective}\n"
        "  nps: {title: NPS at least -5 by year end, parent: cx, unit: count, target: -5, aggregate: last,"
        " actuals: {2027-03-31: -18, 2027-06-30: -20}}\n"
    )
    nodes = nodes_of(tmp_path, capsys, body, "2027-06-30")
    assert (nodes["nps"]["progress"], nodes["nps"]["status"], nodes["nps"]["score"]) == (None, "off_track", 0)
    assert (nodes["cx"]["progress"], nodes["cx"]["status"]) == (0, "off_track")
    # At −4 it is met: achieved, score 1.
    met = nodes_of(tmp_path, capsys, body.replace("-20}", "-4}"), "2027-06-30")
    assert (met["nps"]["status"], met["nps"]["score"]) == ("achieved", 1)


def test_a_derived_flow_target_below_zero_gets_no_verdict(tmp_path, capsys):
    # 100 leads in all, 150 of them from the web: −50 is left for events, whose 100 leads read
    # "achieved at −200 %" (100 / −50). A005 says why; no pace is printed for it.
    body = (
        "nodes:\n  leads: {title: 100 leads in 2027, unit: count, target: 100, rollup: sum}\n"
        "  web: {title: 150 web leads, parent: leads, unit: count, target: 150, actuals: {2027-03-01: 40}}\n"
        "  events: {title: Event leads, parent: leads, unit: count, actuals: {2027-03-01: 100}}\n"
    )
    document = evaluate_json(tmp_path, capsys, body, "2027-06-30")
    events = document["nodes"]["events"]
    assert events["target"] == -50
    assert (events["expected"], events["progress"], events["status"], events["score"]) == (None, None, "no_data", None)
    assert [d["code"] for d in document["diagnostics"]] == ["A005"]


def test_a_declared_flow_target_below_zero_is_warned_about(tmp_path, capsys):
    body = "nodes:\n  balance: {title: Balance -100 SEK, unit: SEK, target: -100, actuals: {2027-03-31: 50}}\n"
    document = evaluate_json(tmp_path, capsys, body, "2027-06-30")
    assert document["nodes"]["balance"]["status"] == "no_data"
    assert [d["code"] for d in document["diagnostics"]] == ["A006"]
    assert "below zero" in document["diagnostics"][0]["message"]


def test_an_objective_is_not_achieved_while_its_key_results_are_only_on_their_way(tmp_path, capsys):
    # CAC 59 000 is under its target 60 000 in February, but a decrease is achieved at its deadline;
    # NPS 41 is inside [30, 50]. Both score 1, so the objective's score is full: on track, not achieved.
    body = (
        "nodes:\n  efficient: {title: Acquisition gets cheaper in 2027, type: objective}\n"
        "  cac: {title: CAC down to 60 000 SEK, parent: efficient, unit: SEK, direction: decrease, baseline: 80000,"
        " target: 60000, aggregate: last, actuals: {2027-02-28: 59000}}\n"
        "  nps: {title: NPS held between 30 and 50, parent: efficient, unit: count, direction: maintain,"
        " range: [30, 50], aggregate: last, actuals: {2027-02-28: 41}}\n"
    )
    february = nodes_of(tmp_path, capsys, body, "2027-02-28")
    assert february["cac"]["status"] == "on_track" and february["efficient"]["progress"] == 1
    assert february["efficient"]["status"] == "on_track"
    # At the deadline CAC is achieved and NPS was kept in its range: the objective is achieved.
    assert nodes_of(tmp_path, capsys, body, "2027-12-31")["efficient"]["status"] == "achieved"


@pytest.mark.parametrize(
    ("body", "score"),
    [
        # CSAT 70 outside [80, 90]: its progress 70 / 85 = 0.82 clipped was its score; it counts 0.
        ("csat: {title: CSAT 80-90, unit: score, direction: maintain, target: 85, range: [80, 90], aggregate: last,"
         " actuals: {2027-01-10: 70}}", 0),
        # 120 000 spent of a 100 000 cap: progress 1.2 clipped to 1 was its score; past the cap it is 0.
        ("spend: {title: Spend at most 100 000 SEK, unit: SEK, direction: decrease, target: 100000,"
         " actuals: {2027-01-10: 120000}}", 0),
        # 40 000 of the cap spent by mid-year, 181/365 due: on pace, it scores its due share 0.4959.
        ("spend: {title: Spend at most 100 000 SEK, unit: SEK, direction: decrease, target: 100000,"
         " actuals: {2027-01-10: 40000}}", 181 / 365),
        # A count: progress 200 / 1 000 = 0.2.
        ("leads: {title: 1000 leads, unit: count, target: 1000, actuals: {2027-01-10: 200}}", 0.2),
    ],
)
def test_a_nodes_score_is_what_its_objective_counts_it_for(tmp_path, capsys, body, score):
    (node,) = nodes_of(tmp_path, capsys, "nodes:\n  " + body + "\n", "2027-06-30").values()
    assert node["score"] == pytest.approx(score)


def test_a_forecast_at_a_deadline_that_has_come_is_the_actual(tmp_path, capsys):
    # The run rate through the quarterly totals (90: 210, 181: 480, 273: 810, 365: 1 150) would give
    # (90·210 + 181·480 + 273·810 + 365·1 150) / (90² + 181² + 273² + 365²) · 365 = 1 096.2 at the
    # deadline: below the 1 150 counted by then. Evaluated after the deadline, the forecast is 1 150.
    nodes = nodes_of(tmp_path, capsys, YEAR_END.format(december=340), "2028-01-15")
    assert nodes["leads"]["forecast"] == 1150
    assert nodes["open_rate"]["forecast"] == 34


def test_a_count_is_never_forecast_below_what_it_has_counted(tmp_path, capsys):
    # Rows up to day 349 (2027-12-15): run rate (90·210 + 181·480 + 273·810 + 349·1 150) /
    # (90² + 181² + 273² + 349²) · 365 = 1 120.7, under the 1 150 already counted: the forecast is 1 150.
    body = YEAR_END.format(december=340).replace("2027-12-31: 340", "2027-12-15: 340")
    run_rate = (90 * 210 + 181 * 480 + 273 * 810 + 349 * 1150) / (90**2 + 181**2 + 273**2 + 349**2) * 365
    assert run_rate == pytest.approx(1120.7, abs=0.05)
    nodes = nodes_of(tmp_path, capsys, body, "2027-12-20")
    assert nodes["leads"]["actual"] == 1150 and nodes["leads"]["forecast"] == 1150


SUMMED_RATE = """\
nodes:
  churn: {{title: Churn down to 3 %, unit: '%', direction: decrease, baseline: 5, target: 3,{extra}
    actuals: {{2027-01-31: 4, 2027-02-28: 5}}}}
"""


def test_a_rate_added_up_over_time_is_no_actual(tmp_path, capsys):
    # 4 % in January and 5 % in February read as a churn of 9 % (the default sum of a KPI), paced as
    # a flow from zero (expected 3 · 181/365 = 1.49 %), exit 0. Now no actual, no pace, error M004.
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + SUMMED_RATE.format(extra=""), encoding="utf-8")
    assert main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    churn = document["nodes"]["churn"]
    assert (churn["actual"], churn["expected"], churn["progress"], churn["status"]) == (None, None, None, "no_data")
    assert [(d["code"], d["severity"], d["line"]) for d in document["diagnostics"]] == [("M004", "error", 7)]


def test_a_rate_read_as_its_latest_value_is_paced(tmp_path, capsys):
    # aggregate: last: 5 %, against 5 → 3 with 181/365 of the year gone: expected 5 − 2 · 181/365 = 4.008.
    churn = nodes_of(tmp_path, capsys, SUMMED_RATE.format(extra=" aggregate: last,"), "2027-06-30")["churn"]
    assert churn["actual"] == 5
    assert churn["expected"] == pytest.approx(5 - 2 * 181 / 365)


def test_a_rate_the_file_means_to_sum_is_summed(tmp_path, capsys):
    extra = ' suppress: {M004: "monthly churn added up on purpose"},'
    churn = nodes_of(tmp_path, capsys, SUMMED_RATE.format(extra=extra), "2027-06-30")["churn"]
    assert churn["actual"] == 9  # 4 + 5, as the file asks


def test_a_target_that_would_divide_by_a_zero_rate_says_so(tmp_path, capsys):
    # leads = visits * conversion with 1 000 leads planned and a conversion of 0: no number of visits
    # gives 1 000 leads. The visits' target was left blank without a word; E008 says why.
    body = (
        "nodes:\n  leads: {title: 1 000 leads, unit: count, target: 1000, formula: visits * conversion}\n"
        "  visits: {title: Visits, unit: count}\n"
        "  conversion: {title: Conversion, type: driver, unit: ratio, baseline: 0}\n"
    )
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    assert main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["nodes"]["visits"]["target"] is None
    (error,) = [d for d in document["diagnostics"] if d["code"] == "E008"]
    assert error["node"] == "leads" and "solving it for visits divides by conversion, which is 0" in error["message"]


COST = """\
nodes:
  cost_per_lead: {{title: Cost per lead under 800 SEK, unit: SEK, target: 800, aggregate: last,{extra}
    actuals: {{2027-06-30: {cost}}}}}
"""


def test_a_cost_whose_title_says_under_gets_no_verdict_while_it_is_left_to_increase(tmp_path, capsys):
    # 950 SEK against "under 800 SEK", direction left at increase: 950 ≥ 800 read achieved at 118.8 %.
    # Its progress is 118.8 % one way and 800 / 950 = 84.2 % the other: with the way in doubt, none is printed.
    document = evaluate_json(tmp_path, capsys, COST.format(extra="", cost=950), "2027-06-30")
    node = document["nodes"]["cost_per_lead"]
    assert node["status"] == "no_data" and node["progress"] is None and node["score"] is None
    assert [(d["code"], d["line"]) for d in document["diagnostics"]] == [("S005", 7)]


def test_a_cost_with_its_direction_written_is_judged(tmp_path, capsys):
    # direction: decrease, no baseline: progress 800 / 950 = 0.842 against 1 due: at risk; no warning.
    document = evaluate_json(tmp_path, capsys, COST.format(extra=" direction: decrease,", cost=950), "2027-06-30")
    assert document["nodes"]["cost_per_lead"]["status"] == "at_risk"
    assert document["diagnostics"] == []


def test_a_file_that_suppresses_s005_is_judged_by_its_direction_as_written(tmp_path, capsys):
    extra = ' suppress: {S005: "a cost we mean to raise"},'
    document = evaluate_json(tmp_path, capsys, COST.format(extra=extra, cost=950), "2027-06-30")
    assert document["nodes"]["cost_per_lead"]["status"] == "achieved"
    assert document["diagnostics"] == []


CHURN_OBJECTIVE = """\
nodes:
  customers_stay:
    title: Customers stay in 2027
    type: objective
  churn:
    title: Churn under 5 %
    parent: customers_stay
    unit: ratio
    target: 0.05
    aggregate: last{extra}
    actuals: {{2027-03-31: 0.09}}
"""


def test_an_objective_does_not_count_a_key_result_without_a_verdict_as_done(tmp_path, capsys):
    # Churn of 9 % against "under 5 %", direction left at increase: its progress 0.09 / 0.05 = 180 %
    # clipped to a full score made the objective 100 % on track. It has no verdict (S005), so the
    # objective has none either, as with a key result without data.
    for as_of in ("2027-03-31", "2027-12-31"):
        nodes = evaluate_json(tmp_path, capsys, CHURN_OBJECTIVE.format(extra=""), as_of)["nodes"]
        assert (nodes["churn"]["status"], nodes["churn"]["score"]) == ("no_data", None)
        objective = nodes["customers_stay"]
        assert (objective["status"], objective["progress"], objective["score"]) == ("no_data", None, None)


def test_an_objective_scores_the_key_result_once_its_direction_is_written(tmp_path, capsys):
    # direction: decrease, no baseline: 0.05 / 0.09 = 55.6 %, behind the full pace due for a level.
    nodes = evaluate_json(tmp_path, capsys, CHURN_OBJECTIVE.format(extra="\n    direction: decrease"), "2027-03-31")["nodes"]
    assert nodes["churn"]["progress"] == pytest.approx(0.05 / 0.09)
    assert nodes["customers_stay"]["progress"] == pytest.approx(0.05 / 0.09)
    assert nodes["customers_stay"]["status"] == "off_track"
