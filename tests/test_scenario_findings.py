"""What a scenario is told and how its numbers read: small changes, a division by zero, impossible targets.

Every expected number is a hand calculation written in the test.
"""

from __future__ import annotations

import json

import pytest

from goaltree.cli import main
from goaltree.present.language import use_language
from goaltree.rules import check_file

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
  discount: {title: No discount, type: driver, unit: '%', target: 0}
scenarios:
  tiny:
    set: {lead_to_customer: 0.0140004, deal: 900009}
  discount:
    set: {discount: 0.5}
"""

# Setting the conversion to 0 leaves leads = 12 600 000 / (0 * 900 000): nothing to divide by.
ZERO = "  zero:\n    set: {lead_to_customer: 0}\n"
# A negative deal: leads = 12 600 000 / (0.014 * -900 000) = -1 000, which a count cannot be.
NEGATIVE = "  negative:\n    set: {deal: -900000}\n"


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def row(text: str, node_id: str, separator: str = "  ") -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(node_id + " ") or line.startswith(f"| `{node_id}`"))
    return [cell.strip() for cell in line.strip("|").split(separator) if cell.strip()]


# --- a small change reads as a relative change, with the decimals that show it ---------------------


def test_a_small_change_is_relative_and_both_sides_read_apart(write_goals, capsys):
    path = write_goals(PLAN)
    code, out = run(capsys, "scenarios", str(path))
    assert code == 0
    # (0.0140004 − 0.014) / 0.014 = +0.00286 %: three decimals show it; 1.40004 % needs five beside 1.40000 %.
    assert row(out, "lead_to_customer") == ["lead_to_customer", "1.40000 %", "1.40004 % (+0.003 %)", "1.40 %"]
    # (900 009 − 900 000) / 900 000 = +0.001 %, not the difference "+9".
    assert row(out, "deal") == ["deal", "900 000", "900 009 (+0.001 %)", "900 000"]
    # leads = 12 600 000 / (0.0140004 * 900 009) = 12 600 000 / 12 600.4860036 = 999.9614;
    # 999.9614 / 1 000 − 1 = −0.00386 %.
    assert row(out, "leads") == ["leads", "1 000.00", "999.96 (-0.004 %)", "1 000"]


def test_a_change_from_zero_is_the_difference_and_a_rates_is_in_percentage_points(write_goals, capsys):
    path = write_goals(PLAN)
    _, out = run(capsys, "scenarios", str(path))
    # 0 % → 0.5 %: no relative change from 0; the gap is 0.5 percentage points, not "+0.50 %".
    assert row(out, "discount") == ["discount", "0.00 %", "0.00 %", "0.50 % (+0.50 percentage points)"]


def test_markdown_and_json_say_the_same_as_the_table(write_goals, capsys):
    path = write_goals(PLAN)
    _, markdown = run(capsys, "scenarios", str(path), "--format", "md")
    assert row(markdown, "lead_to_customer", "|")[1:] == ["1.40000 %", "1.40004 % (+0.003 %)", "1.40 %"]
    assert row(markdown, "discount", "|")[1:] == ["0.00 %", "0.00 %", "0.50 % (+0.50 percentage points)"]
    _, text = run(capsys, "scenarios", str(path), "--format", "json")
    nodes = json.loads(text)["nodes"]
    assert nodes["lead_to_customer"] == {"base": 0.014, "tiny": 0.0140004, "discount": 0.014}
    assert abs(nodes["leads"]["tiny"] - 12_600_000 / (0.0140004 * 900_009)) < 1e-6


def test_a_small_change_reads_the_swedish_way(write_goals, capsys):
    from goaltree.scenarios import difference

    with use_language("sv"):
        assert difference(0.0140004, 0.014, "ratio") == "+0,003 %"  # +0.00286 %
        assert difference(0.5, 0.0, "%") == "+0,50 procentenheter"
    assert difference(0.0140004, 0.014, "ratio") == "+0.003 %"


# --- a scenario that divides by zero is told so, and fails ------------------------------------------


def test_a_scenario_that_divides_by_zero_gets_the_plans_diagnostic(write_goals, capsys):
    path = write_goals(PLAN + ZERO)
    code, text = run(capsys, "scenarios", str(path), "--format", "json")
    assert code == 1
    document = json.loads(text)
    assert document["nodes"]["leads"]["zero"] is None
    (finding,) = [d for d in document["diagnostics"] if d["node"] == "leads"]
    # The plan with lead_to_customer: 0 gets M002 for leads from `check`: the same, for the scenario.
    assert finding["code"] == "M002" and finding["severity"] == "error"
    assert finding["message"].startswith("in scenario 'zero': the KPI has no target")
    zero_line = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.strip() == "zero:")
    assert finding["line"] == zero_line
    assert [(d.code, d.line) for d in check_file(path) if d.node == "leads" and d.code == "M002"] == [("M002", zero_line)]


def test_evaluate_a_scenario_or_set_that_divides_by_zero_fails(write_goals, capsys):
    path = write_goals(PLAN + ZERO)
    for options in (["--scenario", "zero"], ["--set", "lead_to_customer=0"]):
        code, text = run(capsys, "evaluate", str(path), "--as-of", "2027-01-31", "--format", "json", *options)
        assert code == 1, options
        document = json.loads(text)
        assert document["nodes"]["leads"]["target"] is None
        assert [d["code"] for d in document["diagnostics"] if d["node"] == "leads"] == ["M002"]
        label = "zero" if options[0] == "--scenario" else "base, lead_to_customer=0"
        assert all(d["message"].startswith(f"in scenario '{label}':") for d in document["diagnostics"] if d["code"] == "M002")
        # The engine's own solve says why: revenue = leads * lead_to_customer * deal gives no leads at a rate of 0.
        assert [d["node"] for d in document["diagnostics"] if d["code"] == "E008"] == ["revenue"]
    code, text = run(capsys, "evaluate", str(path), "--as-of", "2027-01-31")
    assert code == 0 and "M002" not in text  # the plan itself has every target


# --- an impossible target in a scenario is reported by `scenarios` as by `evaluate` -----------------


def test_scenarios_reports_a_negative_count_as_evaluate_does(write_goals, capsys):
    path = write_goals(PLAN + NEGATIVE)
    code, text = run(capsys, "scenarios", str(path), "--format", "json")
    assert code == 0  # a warning
    document = json.loads(text)
    assert document["nodes"]["leads"]["negative"] == -1000.0  # 12 600 000 / (0.014 * -900 000)
    (finding,) = document["diagnostics"]
    assert finding["code"] == "A005" and finding["node"] == "leads" and finding["severity"] == "warning"
    assert finding["message"].startswith("in scenario 'negative': the derived target of leads is -1 000, below zero")
    _, evaluated = run(capsys, "evaluate", str(path), "--as-of", "2027-01-31", "--format", "json", "--scenario", "negative")
    (same,) = json.loads(evaluated)["diagnostics"]
    assert finding["message"] == "in scenario 'negative': " + same["message"]
    _, table = run(capsys, "scenarios", str(path))
    assert "warning A005 [leads] in scenario 'negative'" in table


def test_a_nodes_suppression_holds_in_its_scenarios_too(write_goals, capsys):
    suppressed = PLAN.replace(
        "leads: {title: Leads,", "leads: {title: Leads, suppress: {A005: 'a what-if may go below zero'},"
    )
    path = write_goals(suppressed + NEGATIVE)
    code, text = run(capsys, "scenarios", str(path), "--format", "json")
    assert code == 0 and json.loads(text)["diagnostics"] == []
    codes = [d.code for d in check_file(path) if d.node == "leads"]
    assert "A005" not in codes and "E024" not in codes  # neither reported nor an unused suppression


# --- explain names the scenario and how a target was set --------------------------------------------


def test_explain_names_the_scenario_and_who_set_the_target(write_goals, capsys):
    path = write_goals(PLAN + "  bigger:\n    set: {deal: 1000000}\n")
    code, out = run(capsys, "explain", str(path), "deal", "--as-of", "2027-01-31", "--scenario", "bigger")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "deal: 900 000 SEK per deal (SEK) — scenario bigger"
    target = lines.index("Target 1 000 000 (declared)")
    assert lines[target + 1] == "  set by the scenario 'bigger', in place of the goal file's target"
    _, out = run(capsys, "explain", str(path), "deal", "--as-of", "2027-01-31", "--set", "deal=950000")
    lines = out.splitlines()
    assert lines[0] == "deal: 900 000 SEK per deal (SEK) — scenario base, deal=950000"
    assert lines[lines.index("Target 950 000 (declared)") + 1] == "  set with --set on the command line, in place of the goal file's target"
    _, out = run(capsys, "explain", str(path), "lead_to_customer", "--as-of", "2027-01-31", "--scenario", "bigger")
    lines = out.splitlines()
    assert lines[lines.index("Target 1.40 % (declared)") + 1] == "  declared in the goal file"


def test_explain_of_the_plan_names_no_scenario(write_goals, capsys):
    path = write_goals(PLAN)
    _, out = run(capsys, "explain", str(path), "deal", "--as-of", "2027-01-31")
    assert out.splitlines()[0] == "deal: 900 000 SEK per deal (SEK)"
    assert "declared in the goal file" not in out


# --- the title line keeps its date ---------------------------------------------------------------


def test_a_piped_title_line_keeps_its_date(write_goals, capsys):
    path = write_goals(PLAN)
    code, out = run(capsys, "evaluate", str(path), "--as-of", "2027-06-30", "--set", "lead_to_customer=0.016",
                    "--set", "deal=1000000")  # fmt: skip
    assert code == 0
    title = "Seed funnel — scenario base, lead_to_customer=0.016, deal=1000000 (seed-funnel) as of 2027-06-30"
    assert len(title) > 80  # wider than a pipe's 80 columns
    assert out.splitlines()[0] == title
    assert max(len(line) for line in out.split("\n\n")[0].splitlines()[1:]) <= 80  # the table still fits


# --- diff: a renamed node is a rename, not a changed scenario --------------------------------------


def test_diff_reads_a_renamed_node_in_a_scenario_as_the_rename(write_goals, capsys):
    old = write_goals(PLAN, "old.yaml")
    renamed = PLAN.replace("* deal\n", "* deal_size\n").replace("  deal: {", "  deal_size: {")
    new = write_goals(renamed.replace("deal: 900009}", "deal_size: 900009}"), "new.yaml")
    code, text = run(capsys, "diff", str(old), str(new), "--format", "json")
    assert code == 0
    document = json.loads(text)
    assert document["renamed"] == {"deal": "deal_size"}
    assert document["scenarios"] == {}
    _, out = run(capsys, "diff", str(old), str(new))
    assert "deal → deal_size" in out and "Scenarios" not in out
    # A real change beside the rename is still one: 900 009 → 900 010.
    newer = write_goals(renamed.replace("deal: 900009}", "deal_size: 900010}"), "newer.yaml")
    _, text = run(capsys, "diff", str(old), str(newer), "--format", "json")
    assert json.loads(text)["scenarios"]["tiny"]["new"]["set"]["deal_size"] == 900010


# --- a rate set at the other scale --------------------------------------------------------------

SCALE = """\
goaltree: 1
id: scale
title: Scale
owner: Anna
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  customers: {title: 250 customers, unit: count, target: 250, formula: leads * win_rate}
  leads: {title: Leads, unit: count}
  win_rate: {title: 25 % of leads win, type: driver, unit: '%', target: 25}
  open_rate: {title: 30 % open, unit: ratio, target: 0.3}
  roi: {title: Marketing ROI of 9.5× in 2027, type: driver, unit: multiple, target: 9.5}
"""


@pytest.mark.parametrize(
    ("setting", "meant", "shown"),
    [
        ("win_rate=0.3", "write 30 ", "0.30 %"),  # 0.3 % of a plan of 25 %: 0.3 × 100 = 30 is 1.2× the plan
        ("open_rate=35", "write 0.35 ", "3 500.00 %"),  # a ratio of 35 is 3 500 %; 35 / 100 = 0.35 against 0.3
        ("roi=950", "write 9.5 ", "950×"),  # an ROI of 950 % written as 950: 950 / 100 = 9.5, the plan itself
    ],
)
def test_a_rate_set_at_the_other_scale_is_an_error_naming_what_was_meant(write_goals, capsys, setting, meant, shown):
    path = write_goals(SCALE)
    code, text = run(capsys, "evaluate", str(path), "--as-of", "2027-06-30", "--format", "json", "--set", setting)
    assert code == 1
    (error,) = [d for d in json.loads(text)["diagnostics"] if d["code"] == "M006"]
    assert meant in error["message"] and shown in error["message"]


def test_a_rate_set_at_its_own_scale_is_no_slip(write_goals, capsys):
    # 16 (%) against 25: the same scale. 0.003 % is a hundredth of a hundredth of 25 %: not this slip either.
    path = write_goals(SCALE)
    for setting in ("win_rate=16", "win_rate=0.003"):
        code, text = run(capsys, "evaluate", str(path), "--as-of", "2027-06-30", "--format", "json", "--set", setting)
        assert "M006" not in [d["code"] for d in json.loads(text)["diagnostics"]], setting


def test_a_multiple_set_as_a_percent_is_its_fraction(write_goals, capsys):
    # An ROI of 950 % is 9.5×, the plan: no slip, and the same target.
    path = write_goals(SCALE)
    code, text = run(capsys, "evaluate", str(path), "--as-of", "2027-06-30", "--format", "json", "--set", "roi=950%")
    document = json.loads(text)
    assert document["nodes"]["roi"]["target"] == 9.5
    assert "M006" not in [d["code"] for d in document["diagnostics"]]
