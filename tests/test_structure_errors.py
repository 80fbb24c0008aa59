"""Errors that used to slip through: a formula naming its own node, a divisor that is always zero,
and a value beyond float range. Each is located (file:line:column) by `check` and `evaluate`, exit 1."""

from __future__ import annotations

import json
import re

import pytest

from goaltree.cli import main

HEAD = """\
goaltree: 1
id: marknad-2027
title: Marknadsplan 2027
owner: Marknadschef
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
"""

SELF_REFERENCE = HEAD + """\
  customers:
    title: 70 nya kunder under 2027
    unit: count
    formula: leads * lead_to_customer
  leads:
    title: 5 000 leads från webbplatsen under 2027
    unit: count
    formula: leads * 2
  lead_to_customer:
    title: 1,4 % av alla leads blir kunder
    type: driver
    unit: ratio
    target: 0.014
"""

ZERO_DIVISORS = HEAD + """\
  cost_per_lead:
    title: En lead kostar högst 400 kr under 2027
    unit: SEK
    direction: decrease
    formula: spend / 0
  cost_per_visit:
    title: Ett besök kostar högst 8 kr under 2027
    unit: SEK
    direction: decrease
    formula: spend / (2 - 2)
  spend_per_lead_and_visit:
    title: Kostnad per lead och besök under 1 kr
    unit: SEK
    direction: decrease
    formula: spend / (1 - 1) * visits
  spend:
    title: Mediabudgeten är 2 MSEK för 2027
    unit: SEK
    direction: decrease
    target: 2000000
  visits:
    title: 250 000 besök på webbplatsen 2027
    unit: count
    target: 250000
"""


def _line_of(text: str, fragment: str) -> int:
    """The 1-based line of ``text`` that contains ``fragment`` (once)."""
    lines = [number for number, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(lines) == 1, fragment
    return lines[0]


def _located(output: str, path, code: str) -> list[tuple[int, int, str]]:
    """``(line, column, node)`` of every ``code`` diagnostic printed for ``path``."""
    pattern = re.compile(re.escape(str(path)) + r":(\d+):(\d+): error " + code + r" \[(\w+)\]")
    return [(int(line), int(column), node) for line, column, node in pattern.findall(output)]


@pytest.mark.parametrize("command", ["check", "evaluate"])
def test_a_formula_naming_its_own_node_is_a_cycle_at_the_name(write_goals, capsys, command) -> None:
    path = write_goals(SELF_REFERENCE)
    assert main([command, str(path), *(["--as-of", "2027-06-30"] if command == "evaluate" else [])]) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err
    # `    formula: leads * 2`: the value starts at column 14 and `leads` is its first word.
    assert _located(output, path, "E006") == [(_line_of(SELF_REFERENCE, "leads * 2"), 14, "leads")]
    assert "leads -> leads" in output
    assert "Traceback" not in output and "internal error" not in output


@pytest.mark.parametrize("command", ["check", "evaluate"])
def test_a_constant_zero_divisor_is_division_by_zero_at_the_divisor(write_goals, capsys, command) -> None:
    path = write_goals(ZERO_DIVISORS)
    assert main([command, str(path), *(["--as-of", "2027-06-30"] if command == "evaluate" else [])]) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err
    # Each formula value starts at column 14; the divisor's own column in the formula is added to it:
    # `spend / 0` -> the 0 at formula column 9; `spend / (2 - 2)` and `spend / (1 - 1) * visits` -> the
    # first digit inside the parentheses, at formula column 10.
    assert sorted(_located(output, path, "E008")) == [
        (_line_of(ZERO_DIVISORS, "spend / 0"), 14 + 9 - 1, "cost_per_lead"),
        (_line_of(ZERO_DIVISORS, "spend / (2 - 2)"), 14 + 10 - 1, "cost_per_visit"),
        (_line_of(ZERO_DIVISORS, "spend / (1 - 1) * visits"), 14 + 10 - 1, "spend_per_lead_and_visit"),
    ]
    assert "'2 - 2' at column 10 is always 0" in output
    assert "internal error" not in output


def test_a_divisor_that_names_a_node_is_left_to_the_values(write_goals, capsys) -> None:
    """`spend / (visits - visits)` is zero only for some values: the solver reports it with them."""
    path = write_goals(
        HEAD
        + """\
  cost_per_visit:
    title: Ett besök kostar högst 8 kr under 2027
    unit: SEK
    direction: decrease
    formula: spend / visits
  spend: {title: Mediabudgeten är 2 MSEK för 2027, unit: SEK, target: 2000000}
  visits: {title: 250 000 besök på webbplatsen 2027, unit: count, target: 250000}
"""
    )
    assert main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["nodes"]["cost_per_visit"]["target"] == 2_000_000 / 250_000  # 8 SEK


OVERFLOW = HEAD + """\
  revenue:
    title: Nya intäkter 63 MSEK från marknadsdrivna kunder
    unit: SEK
    formula: customers * clv
  customers:
    title: 70 nya kunder under 2027
    unit: count
    target: 70
    actuals: {2027-03-31: 20, 2027-06-30: 15}
  clv:
    title: Kundens livstidsvärde är 900 000 kr
    type: driver
    unit: SEK
    target: 900000
  reach:
    title: Räckvidden i sociala medier 2027
    unit: count
    formula: impressions ** 400
  impressions:
    title: 10 visningar per inlägg
    type: driver
    unit: count
    target: 10
    actuals: {2027-06-30: 10}
  group_revenue:
    title: Koncernens intäkter 2027
    unit: SEK
    rollup: sum
  north:
    title: Intäkter region norr 1e308 kr
    unit: SEK
    parent: group_revenue
    target: 1.0e308
    actuals: {2027-06-30: 1.0e308}
  south:
    title: Intäkter region syd 1e308 kr
    unit: SEK
    parent: group_revenue
    target: 1.0e308
    actuals: {2027-06-30: 1.0e308}
  east:
    title: Intäkter region öst 2 MSEK
    unit: SEK
    target: 2000000
    actuals: {2027-03-31: 1.0e308, 2027-06-30: 1.0e308}
"""


def _strict_json(text: str) -> dict:
    def refuse(token: str) -> float:
        raise AssertionError(f"JSON has the non-standard token {token}")

    return json.loads(text, parse_constant=refuse)


def test_an_overflow_is_e026_naming_the_node_and_its_value_is_unknown(write_goals, capsys) -> None:
    path = write_goals(OVERFLOW)
    assert main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"]) == 1
    captured = capsys.readouterr()
    document = _strict_json(captured.out)
    nodes = document["nodes"]
    # 10 ** 400 and 1e308 + 1e308 have no float: unknown, never inf.
    for node_id in ("reach", "group_revenue"):
        assert nodes[node_id]["target"] is None
        assert nodes[node_id]["actual"] is None
        assert nodes[node_id]["status"] == "no_data"
    # Two observations of 1e308 summed (east is a flow) overflow too: the actual is unknown.
    assert nodes["east"]["actual"] is None
    diagnostics = [d for d in document["diagnostics"] if d["code"] == "E026"]
    overflowed = {(d["node"], d["message"].split(" overflows")[0]) for d in diagnostics}
    assert overflowed == {
        ("reach", "the target of 'reach'"),
        ("reach", "the actual of 'reach'"),
        ("group_revenue", "the target of 'group_revenue'"),
        ("group_revenue", "the actual of 'group_revenue'"),
        ("east", "the actual of 'east'"),
    }
    located = {(d["node"], d["line"], d["column"]) for d in document["diagnostics"] if d["code"] == "E026"}
    assert ("reach", _line_of(OVERFLOW, "impressions ** 400"), 14) in located
    assert ("group_revenue", _line_of(OVERFLOW, "rollup: sum"), 13) in located
    # The rest of the tree is computed as before, by hand: 70 customers * 900 000 SEK.
    assert nodes["revenue"]["target"] == 70 * 900_000
    assert nodes["revenue"]["actual"] == (20 + 15) * 900_000
    # A node near the float limit keeps its own numbers: the expected value halfway through the
    # year is the target times 181/365 days, computed without overflowing on the way.
    assert nodes["north"]["expected"] == pytest.approx(1.0e308 * (181 / 365), rel=1e-11)
    assert nodes["north"]["status"] == "achieved"


@pytest.mark.parametrize("command", ["check", "evaluate"])
def test_overflow_is_reported_by_check_and_evaluate_without_inf_or_nan(write_goals, capsys, command) -> None:
    path = write_goals(OVERFLOW)
    assert main([command, str(path), *(["--as-of", "2027-06-30"] if command == "evaluate" else [])]) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert (_line_of(OVERFLOW, "impressions ** 400"), 14, "reach") in _located(output, path, "E026")
    assert (_line_of(OVERFLOW, "rollup: sum"), 13, "group_revenue") in _located(output, path, "E026")
    table = captured.out
    assert not re.search(r"\b(inf|nan)\b", table, re.IGNORECASE)
    assert "internal error" not in output


@pytest.mark.parametrize("report_format", ["md", "html", "json"])
def test_overflow_never_reaches_a_report_or_a_diagram(write_goals, tmp_path, capsys, report_format) -> None:
    path = write_goals(OVERFLOW)
    report = tmp_path / f"report.{report_format}"
    assert main(["report", str(path), "--as-of", "2027-06-30", "-o", str(report), "--format", report_format]) == 1
    text = report.read_text(encoding="utf-8")
    if report_format == "json":
        _strict_json(text)
    # Numbers only: the diagnostics' own words ("overflows") may appear.
    assert not re.search(r"(?<![\w.])(inf|nan|Infinity|NaN)(?![\w])", text.replace("1.8e308", ""))
    diagram = tmp_path / "tree.dot"
    assert main(["render", str(path), "--as-of", "2027-06-30", "-o", str(diagram), "--format", "dot"]) == 1
    assert not re.search(r"(?<![\w.])(inf|nan)(?![\w])", diagram.read_text(encoding="utf-8"))
    assert "internal error" not in capsys.readouterr().err
