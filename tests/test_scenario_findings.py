"""What a scenario is told and how its numbers read: small changes, a division by zero, impossible targets.

Every expected number is a hand calculation written in the test.
"""

from __future__ import annotations

import json

from goaltree.cli import main
from goaltree.present.language import use_language

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
