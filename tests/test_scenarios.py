"""Scenarios (issue #15): `scenarios:` in the goal file, `--scenario`/`--set`, `goaltree scenarios`, `goaltree sensitivity`.

Every expected number is a hand calculation written in the test.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.cli import main
from goaltree.engine.equations import solve_targets
from goaltree.pipeline import load_goal_text
from goaltree.rules import check_file
from goaltree.scenarios import scenario_tree

# revenue = leads * lead_to_customer * deal, revenue declared: leads = 12 600 000 / (0.014 * 900 000) = 1 000.
PLAN = """
goaltree: 1
id: seed-funnel
title: Seed funnel
owner: Anna
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  revenue:
    title: 12.6 MSEK revenue
    unit: SEK
    target: 12600000
    formula: leads * lead_to_customer * deal
  leads: {title: Leads, unit: count, actuals: {2027-01-31: 80}}
  lead_to_customer: {title: 1.4 % lead to customer, type: driver, unit: ratio, target: 0.014}
  deal: {title: 900 000 SEK per deal, type: driver, unit: SEK, target: 900000}
scenarios:
  higher_conversion:
    description: Sales lifts lead-to-customer to 1.6 %
    set: {lead_to_customer: 0.016}
  bigger_deals:
    set: {deal: 1000000}
"""

# The issue's example: revenue = (web_leads + event_leads) * lead_to_customer * deal, 900 web and 100 event leads.
ISSUE_EXAMPLE = """
goaltree: 1
id: issue-example
title: Issue example
owner: Anna
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  revenue:
    title: 12.6 MSEK revenue
    unit: SEK
    formula: (web_leads + event_leads) * lead_to_customer * deal
  web_leads: {title: 900 web leads, unit: count, target: 900, actuals: {2027-03-31: 300}}
  event_leads: {title: 100 event leads, unit: count, target: 100, actuals: {2027-03-31: 100}}
  lead_to_customer: {title: 1.4 % lead to customer, type: driver, unit: ratio, target: 0.014}
  deal: {title: 900 000 SEK per deal, type: driver, unit: SEK, target: 900000}
"""


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


# --- item 1: scenarios in the goal file, validated by check ----------------------------------


def test_check_locates_an_unknown_node_in_a_scenario_with_did_you_mean(write_goals):
    path = write_goals(PLAN + "  typo:\n    set: {lead_to_cusomer: 0.016}\n")
    found = [d for d in check_file(path) if d.code == "E029"]
    assert len(found) == 1
    (diagnostic,) = found
    assert diagnostic.severity == "error"
    assert "did you mean 'lead_to_customer'?" in diagnostic.message
    lines = path.read_text().splitlines()
    assert lines[diagnostic.line - 1][diagnostic.column - 1 :].startswith("lead_to_cusomer")


def test_check_exits_1_on_an_unknown_scenario_node(write_goals, capsys):
    path = write_goals(PLAN + "  typo:\n    set: {lead_to_cusomer: 0.016}\n")
    assert main(["check", str(path)]) == 1
    assert "E029" in capsys.readouterr().out


def test_a_scenario_that_contradicts_the_plan_is_reported_like_the_base_plan(write_goals):
    # Every target declared: setting the conversion makes revenue's equation disagree, as in the base plan.
    path = write_goals(PLAN.replace("leads: {title: Leads,", "leads: {title: 1 000 leads, target: 1000,"))
    contradictions = [d for d in check_file(path) if d.code == "A003"]
    messages = [d.message for d in contradictions]
    assert any(m.startswith("in scenario 'higher_conversion':") for m in messages)
    assert any(m.startswith("in scenario 'bigger_deals':") for m in messages)
    scenario_line = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "higher_conversion:" in line)
    assert any(d.line == scenario_line for d in contradictions)
    # The base plan itself agrees: 1 000 * 0.014 * 900 000 = 12 600 000.
    assert not [m for m in messages if not m.startswith("in scenario")]


def test_the_checks_block_grades_a_scenario_contradiction_as_it_grades_the_plan(write_goals):
    text = PLAN.replace("leads: {title: Leads,", "leads: {title: 1 000 leads, target: 1000,")
    path = write_goals(text + "checks:\n  severity: {A003: error}\n")
    assert {d.severity for d in check_file(path) if d.code == "A003"} == {"error"}


def test_base_is_not_a_scenario_name(write_goals, capsys):
    path = write_goals(PLAN + "  base:\n    set: {deal: 1}\n")
    assert main(["check", str(path)]) == 1
    assert "names the plan itself" in capsys.readouterr().out


# --- item 2: --scenario and --set ---------------------------------------------------------------


def test_evaluate_a_scenario_solves_the_plan_again(write_goals, capsys):
    path = write_goals(PLAN)
    code, document = run_json(capsys, "evaluate", str(path), "--as-of", "2027-01-31", "--format", "json",
                              "--scenario", "higher_conversion")  # fmt: skip
    assert code == 0
    assert document["scenario"] == "higher_conversion"
    nodes = document["nodes"]
    assert nodes["lead_to_customer"]["target"] == pytest.approx(0.016)
    assert nodes["leads"]["target"] == pytest.approx(12_600_000 / (0.016 * 900_000))  # 875
    assert nodes["revenue"]["target"] == 12_600_000


def test_evaluate_without_a_scenario_has_no_scenario_key(write_goals, capsys):
    path = write_goals(PLAN)
    _, document = run_json(capsys, "evaluate", str(path), "--as-of", "2027-01-31", "--format", "json")
    assert "scenario" not in document
    assert document["nodes"]["leads"]["target"] == pytest.approx(1000)


def test_set_overrides_apply_after_the_scenario(write_goals, capsys):
    path = write_goals(PLAN)
    _, document = run_json(capsys, "evaluate", str(path), "--as-of", "2027-01-31", "--format", "json",
                           "--scenario", "higher_conversion", "--set", "deal=1000000")  # fmt: skip
    assert document["scenario"] == "higher_conversion, deal=1000000"
    assert document["nodes"]["leads"]["target"] == pytest.approx(12_600_000 / (0.016 * 1_000_000))  # 787.5


def test_set_alone_and_the_table_heading(write_goals, capsys):
    path = write_goals(PLAN)
    assert main(["evaluate", str(path), "--as-of", "2027-01-31", "--set", "lead_to_customer=0.02"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Seed funnel — scenario base, lead_to_customer=0.02 (seed-funnel)")
    assert "700*" in out  # leads = 12 600 000 / (0.02 * 900 000)


@pytest.mark.parametrize(("unit", "written", "stated"), [("ratio", "0.016", "1.6%"), ("%", "1.6", "1.6 %")])
def test_a_rate_set_as_a_percent_reads_in_the_rate_unit(write_goals, capsys, unit, written, stated):
    # A `%` node's values are percent (1.6), a ratio's fractions (0.016); "1.6%" means the same rate for both.
    plan = PLAN.replace("unit: ratio, target: 0.014", f'unit: "{unit}", target: {0.014 if unit == "ratio" else 1.4}')
    path = write_goals(plan)
    for value in (written, stated):
        _, document = run_json(capsys, "evaluate", str(path), "--as-of", "2027-01-31", "--format", "json",
                               "--set", f"lead_to_customer={value}")  # fmt: skip
        # By hand: leads = 12 600 000 / (0.016 × 900 000) = 875.
        assert document["nodes"]["leads"]["target"] == 875
        assert document["nodes"]["lead_to_customer"]["target"] == float(written)
    assert main(["evaluate", str(path), "--set", "lead_to_customer=lots"]) == 2
    assert f"write it like --set lead_to_customer={written}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--scenario", "higher_conversin"], "did you mean 'higher_conversion'?"),
        (["--set", "deal=16%"], "'16%' is a percent, but deal is not a rate (its unit is SEK)"),
        (["--set", "lead_to_custome=0.02"], "did you mean 'lead_to_customer'?"),
        (["--set", "lead_to_customer"], "is not NODE=VALUE"),
        (["--set", "lead_to_customer=lots"], "is not a number"),
        (["--set", "lead_to_customer=nan"], "finite number"),
    ],
)
@pytest.mark.parametrize("command", ["evaluate", "explain", "render", "report"])
def test_unknown_scenario_or_node_exits_2(write_goals, tmp_path, capsys, command, options, words):
    path = write_goals(PLAN)
    argv = [command, str(path)]
    if command == "explain":
        argv.append("leads")
    if command in ("render", "report"):
        argv += ["-o", str(tmp_path / ("out.mmd" if command == "render" else "out.md"))]
    assert main(argv + options) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "out.md").exists() and not (tmp_path / "out.mmd").exists()


def test_a_scenario_with_an_unknown_node_cannot_be_shown(write_goals, capsys):
    path = write_goals(PLAN + "  typo:\n    set: {lead_to_cusomer: 0.016}\n")
    assert main(["evaluate", str(path), "--scenario", "typo"]) == 2
    assert "did you mean 'lead_to_customer'?" in capsys.readouterr().err


def test_explain_report_and_render_show_the_scenario(write_goals, tmp_path, capsys):
    path = write_goals(PLAN)
    assert main(["explain", str(path), "leads", "--as-of", "2027-01-31", "--scenario", "bigger_deals"]) == 0
    out = capsys.readouterr().out
    assert "Target 900 (derived)" in out  # 12 600 000 / (0.014 * 1 000 000)
    report = tmp_path / "report.md"
    assert main(["report", str(path), "-o", str(report), "--as-of", "2027-01-31", "--scenario", "bigger_deals"]) == 0
    assert "# Seed funnel — scenario bigger\\_deals" in report.read_text()  # the heading, Markdown-escaped
    diagram = tmp_path / "tree.mmd"
    assert main(["render", str(path), "-o", str(diagram), "--as-of", "2027-01-31", "--scenario", "bigger_deals"]) == 0
    assert "900" in diagram.read_text()


# --- item 3: goaltree scenarios -----------------------------------------------------------------


def test_scenarios_json_puts_every_target_side_by_side(write_goals, capsys):
    path = write_goals(PLAN)
    code, document = run_json(capsys, "scenarios", str(path), "--format", "json")
    assert code == 0
    assert document["scenarios"] == ["base", "higher_conversion", "bigger_deals"]
    leads = document["nodes"]["leads"]
    assert leads["base"] == pytest.approx(12_600_000 / (0.014 * 900_000))  # 1 000
    assert leads["higher_conversion"] == pytest.approx(12_600_000 / (0.016 * 900_000))  # 875
    assert leads["bigger_deals"] == pytest.approx(12_600_000 / (0.014 * 1_000_000))  # 900
    assert document["nodes"]["deal"] == {"base": 900_000, "higher_conversion": 900_000, "bigger_deals": 1_000_000}
    assert set(document["nodes"]) == {"revenue", "leads", "lead_to_customer", "deal"}


def test_scenarios_table_and_markdown_show_the_differences(write_goals, capsys):
    path = write_goals(PLAN)
    assert main(["scenarios", str(path)]) == 0
    out = capsys.readouterr().out
    leads_row = next(line for line in out.splitlines() if line.startswith("leads"))
    assert "875 (-12.5 %)" in leads_row and "900 (-10.0 %)" in leads_row  # 875/1000 - 1, 900/1000 - 1
    assert "Sales lifts lead-to-customer to 1.6 %" in out
    assert not any(line.startswith("revenue") for line in out.splitlines())  # the same everywhere
    assert main(["scenarios", str(path), "--all"]) == 0
    assert any(line.startswith("revenue") for line in capsys.readouterr().out.splitlines())
    assert main(["scenarios", str(path), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "| `leads` | 1 000 | 875 (-12.5 %) | 900 (-10.0 %) |" in markdown


def test_scenarios_refuses_a_file_with_an_unknown_scenario_node(write_goals, capsys):
    path = write_goals(PLAN + "  typo:\n    set: {lead_to_cusomer: 0.016}\n")
    assert main(["scenarios", str(path)]) == 1
    assert "E029" in capsys.readouterr().err


# --- item 4: goaltree sensitivity ---------------------------------------------------------------


def test_sensitivity_of_the_issue_example(write_goals, capsys):
    path = write_goals(ISSUE_EXAMPLE)
    code, document = run_json(capsys, "sensitivity", str(path), "revenue", "--format", "json")
    assert code == 0
    assert document["node"] == "revenue"
    elasticities = {d["node"]: d["elasticity"] for d in document["drivers"]}
    # d revenue / revenue per d x / x: web 900 / (900 + 100), event 100 / 1000, and 1 for each factor.
    assert elasticities == {"web_leads": 0.9, "event_leads": 0.1, "lead_to_customer": 1, "deal": 1}
    assert [d["node"] for d in document["drivers"]][2:] == ["web_leads", "event_leads"]  # ranked by size
    web = next(d for d in document["drivers"] if d["node"] == "web_leads")
    assert web["low"] == pytest.approx((810 + 100) * 0.014 * 900_000)  # 11 466 000
    assert web["high"] == pytest.approx((990 + 100) * 0.014 * 900_000)  # 13 734 000
    deal = next(d for d in document["drivers"] if d["node"] == "deal")
    assert deal["low"] == pytest.approx(1000 * 0.014 * 810_000)
    assert deal["high"] == pytest.approx(1000 * 0.014 * 990_000)


def test_sensitivity_step_and_default_roots(write_goals, capsys):
    path = write_goals(ISSUE_EXAMPLE)
    code, document = run_json(capsys, "sensitivity", str(path), "--format", "json", "--step", "20%")
    assert code == 0 and document["step"] == 0.2
    (root,) = document["roots"]
    assert root["node"] == "revenue"
    web = next(d for d in root["drivers"] if d["node"] == "web_leads")
    assert web["low"] == pytest.approx((720 + 100) * 0.014 * 900_000)
    # deal appears as deal ** 3 in all: the central difference is (1.2³ − 0.8³) / (2 · 0.2) = 3.04, not the point elasticity 3.
    path = write_goals(ISSUE_EXAMPLE.replace("formula: (web_leads + event_leads)", "formula: deal ** 2 * (web_leads + event_leads)"))
    _, document = run_json(capsys, "sensitivity", str(path), "revenue", "--format", "json", "--step", "0.2")
    assert {d["node"]: d["elasticity"] for d in document["drivers"]}["deal"] == pytest.approx(3.04)


def test_sensitivity_on_actuals_reads_forecasts(write_goals, capsys):
    path = write_goals(ISSUE_EXAMPLE)
    _, evaluation = run_json(capsys, "evaluate", str(path), "--as-of", "2027-03-31", "--format", "json")
    web = evaluation["nodes"]["web_leads"]["forecast"]
    event = evaluation["nodes"]["event_leads"]["forecast"]
    code, document = run_json(capsys, "sensitivity", str(path), "revenue", "--on", "actual", "--as-of", "2027-03-31", "--format", "json")
    assert code == 0 and document["on"] == "actual"
    elasticities = {d["node"]: d["elasticity"] for d in document["drivers"]}
    assert elasticities["web_leads"] == pytest.approx(web / (web + event))
    assert elasticities["event_leads"] == pytest.approx(event / (web + event))
    assert document["value"] == pytest.approx((web + event) * 0.014 * 900_000)


def test_sensitivity_of_a_sum_rollup(write_goals, capsys):
    path = write_goals(
        """
        goaltree: 1
        id: rollup
        title: Rollup
        owner: Anna
        period: {start: 2027-01-01, end: 2027-12-31}
        nodes:
          leads: {title: Leads, unit: count, rollup: sum}
          web: {title: 300 web leads, unit: count, target: 300, parent: leads}
          events: {title: 100 event leads, unit: count, target: 100, parent: leads}
          zero: {title: 0 partner leads, unit: count, target: 0, parent: leads}
        """
    )
    code, document = run_json(capsys, "sensitivity", str(path), "leads", "--format", "json")
    assert code == 0
    assert {d["node"]: d["elasticity"] for d in document["drivers"]} == {"web": 0.75, "events": 0.25}  # 300/400, 100/400
    assert document["skipped"] == [{"node": "zero", "reason": "its value is 0: a relative change of it means nothing"}]


def test_sensitivity_lists_every_input_when_one_is_not_known(write_goals, capsys):
    path = write_goals(
        """
        goaltree: 1
        id: unknown-input
        title: Unknown input
        owner: Anna
        period: {start: 2027-01-01, end: 2027-12-31}
        nodes:
          revenue: {title: Revenue, unit: SEK, formula: customers * deal}
          customers: {title: Customers, unit: count}
          deal: {title: 200 000 SEK a deal, type: driver, unit: SEK, target: 200000}
        """
    )
    code, document = run_json(capsys, "sensitivity", str(path), "revenue", "--format", "json")
    assert code == 0 and document["value"] is None and document["drivers"] == []
    # Nobody knows the customers' target, so revenue has no value and neither input has an elasticity.
    assert document["skipped"] == [
        {"node": "customers", "reason": "its value is not known"},
        {"node": "deal", "reason": "revenue has no value while customers is not known"},
    ]


@pytest.mark.parametrize(
    ("options", "words"),
    [(["revenu"], "did you mean 'revenue'?"), (["--step", "0"], "--step must be"), (["--step", "ten"], "is not a number"),
     (["--scenario", "nope"], "no scenario 'nope'")],
)  # fmt: skip
def test_sensitivity_usage_errors_exit_2(write_goals, capsys, options, words):
    path = write_goals(ISSUE_EXAMPLE)
    assert main(["sensitivity", str(path), *options]) == 2
    assert words in capsys.readouterr().err


def test_sensitivity_table(write_goals, capsys):
    path = write_goals(ISSUE_EXAMPLE)
    assert main(["sensitivity", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("revenue = 12 600 000 on targets")
    assert lines[1].split() == ["input", "value", "elasticity", "low", "high"]
    rows = [line.split() for line in lines[2:6]]
    assert {row[0] for row in rows[:2]} == {"lead_to_customer", "deal"}
    assert rows[2][:3] == ["web_leads", "900", "0.9"] and rows[3][:3] == ["event_leads", "100", "0.1"]


# --- the property: a scenario that sets a node to its base target changes nothing -------------------


CHAIN = """
goaltree: 1
id: chain
title: Chain
owner: Anna
period: {{start: 2027-01-01, end: 2027-12-31}}
nodes:
  revenue: {{title: Revenue, unit: SEK, target: {revenue}, formula: customers * deal}}
  customers: {{title: Customers, unit: count, formula: leads * rate}}
  leads: {{title: Leads, unit: count, rollup: sum}}
  web: {{title: Web leads, unit: count, baseline: {web}, parent: leads}}
  events: {{title: Event leads, unit: count, baseline: {events}, parent: leads}}
  rate: {{title: Rate, type: driver, unit: ratio, target: {rate}}}
  deal: {{title: Deal, type: driver, unit: SEK, target: {deal}}}
"""

positive = st.floats(min_value=1.0, max_value=1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    revenue=positive, web=positive, events=positive,
    rate=st.floats(min_value=0.001, max_value=1.0), deal=positive,
    node=st.sampled_from(["revenue", "customers", "leads", "web", "events", "rate", "deal"]),
)  # fmt: skip
def test_setting_a_node_to_its_base_target_changes_nothing(revenue, web, events, rate, deal, node):
    text = CHAIN.format(revenue=revenue, web=web, events=events, rate=rate, deal=deal)
    tree = load_goal_text(text).require_tree()
    base = solve_targets(tree).values
    variant = solve_targets(scenario_tree(tree, {node: base[node]}))
    assert set(variant.values) == set(base)
    for node_id, value in base.items():
        assert variant.values[node_id] == pytest.approx(value, rel=1e-9)
    assert not [d for d in variant.diagnostics if d.code == "A003"]


@pytest.mark.parametrize(
    ("scenario", "words"),
    [
        ("Bad Name: {set: {leads: 1}}", "scenario name 'Bad Name' must match"),
        ("x: {description: no set}", "missing required field 'set' in scenario 'x'"),
        ("x: {set: {leads: 1}, sett: 2}", "unknown field 'sett' in scenario 'x' (did you mean 'set'?)"),
        ("x: {set: {leads: lots}}", "unable to parse string as a number"),
        ("x: {set: {leads: .inf}}", "must be a finite number"),
    ],
)
def test_a_malformed_scenario_is_a_located_error(write_goals, capsys, scenario, words):
    text = PLAN[: PLAN.index("scenarios:")] + "scenarios:\n  " + scenario + "\n"
    path = write_goals(text)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    line = len(text.strip("\n").splitlines())
    assert f"goals.yaml:{line}:" in out and words in out


# --- item 5: the diff shows scenarios added, removed or changed -----------------------------------


def test_diff_shows_scenarios_added_removed_and_changed(write_goals, capsys):
    old = write_goals(PLAN, "old.yaml")
    new_text = PLAN.replace("set: {deal: 1000000}", "set: {deal: 1100000}")
    new_text = new_text.replace("    description: Sales lifts lead-to-customer to 1.6 %\n", "")
    new_text = new_text.replace("  higher_conversion:\n    set: {lead_to_customer: 0.016}\n", "")
    new = write_goals(new_text + "  cheaper:\n    set: {lead_to_customer: 0.012}\n", "new.yaml")
    code, document = run_json(capsys, "diff", str(old), str(new), "--format", "json")
    assert code == 0
    assert document["scenarios"] == {
        "bigger_deals": {"old": {"set": {"deal": 1000000}}, "new": {"set": {"deal": 1100000}}},
        "cheaper": {"old": None, "new": {"set": {"lead_to_customer": 0.012}}},
        "higher_conversion": {
            "old": {"description": "Sales lifts lead-to-customer to 1.6 %", "set": {"lead_to_customer": 0.016}},
            "new": None,
        },
    }
    assert document["added"] == [] and document["changed"] == {} and document["derived"] == {}
    assert main(["diff", str(old), str(new)]) == 0
    text = capsys.readouterr().out
    assert "bigger_deals: sets deal 1 000 000 → deal 1 100 000" in text
    assert "cheaper: added, sets lead_to_customer 1.20 %" in text
    assert "higher_conversion: removed, set lead_to_customer 1.60 %" in text
    assert main(["diff", str(old), str(new), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "**3** scenarios changed" in markdown and "| `cheaper` | added, sets lead\\_to\\_customer 1.20 % |" in markdown


def test_diff_of_identical_scenarios_is_empty(write_goals, capsys):
    old = write_goals(PLAN, "old.yaml")
    new = write_goals(PLAN, "new.yaml")
    code, document = run_json(capsys, "diff", str(old), str(new), "--format", "json")
    assert code == 0 and document["scenarios"] == {}


# --- item 5: the report's "What moves the plan" -------------------------------------------------


def test_reports_show_what_moves_the_plan(write_goals, tmp_path):
    path = write_goals(ISSUE_EXAMPLE + "scenarios:\n  higher_conversion: {set: {lead_to_customer: 0.016}}\n")
    html = tmp_path / "report.html"
    assert main(["report", str(path), "-o", str(html), "--as-of", "2027-03-31"]) == 0
    page = html.read_text()
    section = page[page.index('<section id="what-moves">') : page.index("</section>", page.index('<section id="what-moves">'))]
    # web_leads: elasticity 0.9, revenue (810 + 100) * 0.014 * 900 000 = 11 466 000 and (990 + 100) * … = 13 734 000.
    web_row = next(row for row in section.split("<tr>") if "<code>web_leads</code>" in row)
    assert ">0.9<" in web_row and "11 466 000" in web_row and "13 734 000" in web_row
    # The scenario: revenue = 1 000 * 0.016 * 900 000 = 14 400 000, +14.3 % on 12 600 000.
    assert "14 400 000 (+14.3 %)" in section
    markdown = tmp_path / "report.md"
    assert main(["report", str(path), "-o", str(markdown), "--as-of", "2027-03-31"]) == 0
    assert "| 12.6 MSEK revenue (`revenue`) | 12 600 000 | 14 400 000 (+14.3 %) |" in markdown.read_text()


# --- item 6: the b2b-funnel template's scenarios ------------------------------------------------


def test_the_b2b_funnel_template_answers_the_tutorial_question(capsys):
    from pathlib import Path

    import goaltree

    template = Path(goaltree.__file__).parent / "starters" / "b2b-funnel" / "goals.yaml"
    assert main(["check", str(template)]) == 0
    capsys.readouterr()
    code, document = run_json(capsys, "scenarios", str(template), "--format", "json")
    assert code == 0 and document["scenarios"] == ["base", "higher_conversion", "bigger_orders"]
    # 63 MSEK / 900 000 SEK per customer = 70 customers; 70 / 0.016 = 4 375 leads, 4 375 / 0.02 = 218 750 visits.
    assert document["nodes"]["leads"]["higher_conversion"] == pytest.approx(4375)
    assert document["nodes"]["visits"]["higher_conversion"] == pytest.approx(218_750)
    # A 110 000 SEK order: a customer is worth 110 000 * 3 * 3 = 990 000 SEK, 63 MSEK needs 63.64 customers.
    assert document["nodes"]["customers"]["bigger_orders"] == pytest.approx(63_000_000 / 990_000)


_SUMMANDS = st.one_of(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.floats(min_value=-1e300, max_value=1e300, allow_nan=False),
    st.sampled_from([0.0, -0.0, 1.0, 0.1, 1e-300]),
)


@settings(deadline=None, max_examples=300)
@given(
    st.sampled_from(["sum", "mean"]),
    st.lists(_SUMMANDS, min_size=1, max_size=30),
    st.data(),
)
def test_moving_one_input_of_a_wide_sum_gives_the_full_sums_float(kind, values, data):
    """Sensitivity moves each input of a sum from the base's exact parts: the same float as summing every child again."""
    from goaltree.engine.system import Equation
    from goaltree.sensitivity import _Model

    children = tuple(f"c{index}" for index in range(len(values)))
    equation = Equation("total", kind, children)
    model = _Model("total", {"total": equation}, ("total", *children))
    inputs = dict(zip(children, values))
    base = model.base(inputs)
    moved = data.draw(st.sampled_from(children))
    value = data.draw(_SUMMANDS)
    expected = equation.evaluate({**inputs, moved: value})
    got = model.moved(base, moved, value)
    assert repr(got) == repr(expected)


@settings(deadline=None, max_examples=300)
@given(
    st.sampled_from(["weighted_mean", "min", "max"]),
    st.lists(st.tuples(_SUMMANDS, st.sampled_from([0.0, 0.5, 1.0, 3.0, 1e-9, 1e6])), min_size=1, max_size=30),
    st.data(),
)
def test_moving_one_input_of_a_wide_weighted_mean_min_or_max_gives_the_full_rollups_float(kind, pairs, data):
    """Sensitivity moves each input of a weighted mean from its exact parts, and of a min or max from its two extremes."""
    from goaltree.engine.system import Equation
    from goaltree.sensitivity import _Model

    children = tuple(f"c{index}" for index in range(len(pairs)))
    weights = tuple(weight for _, weight in pairs) if kind == "weighted_mean" else ()
    equation = Equation("total", kind, children, None, weights)
    model = _Model("total", {"total": equation}, ("total", *children))
    inputs = {child: value for child, (value, _) in zip(children, pairs)}
    base = model.base(inputs)
    for _ in range(3):  # from the same base, as sensitivity moves one input after another
        moved = data.draw(st.sampled_from(children))
        value = data.draw(_SUMMANDS)
        expected = equation.evaluate({**inputs, moved: value})
        assert repr(model.moved(base, moved, value)) == repr(expected)


def test_a_min_rollup_moves_to_its_second_smallest_child_when_the_smallest_rises():
    from goaltree.engine.system import Equation
    from goaltree.sensitivity import _Model

    equation = Equation("cheapest", "min", ("a", "b", "c"))
    model = _Model("cheapest", {"cheapest": equation}, ("cheapest", "a", "b", "c"))
    base = model.base({"a": 3.0, "b": 1.0, "c": 2.0})
    assert base["cheapest"] == 1.0
    assert model.moved(base, "b", 5.0) == 2.0  # b no longer the smallest: c is
    assert model.moved(base, "a", 0.5) == 0.5
    assert model.moved(base, "c", 4.0) == 1.0
