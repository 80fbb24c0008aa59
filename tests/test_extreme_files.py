"""Goal files at the edges of dates and floats: every command answers, none reaches the internal-error path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goaltree.cli import main

HEADER = "goaltree: 1\nid: t\ntitle: T\nowner: me\n"
YEAR = "period: {start: 2027-01-01, end: 2027-12-31}\n"

CASES = {
    # The chart's month ticks ran past year 9999.
    "period_to_9999": "period: {start: 2027-01-01, end: 9999-12-31}\n"
    "nodes:\n  deals: {title: 10 deals, unit: count, target: 10, actuals: {2027-01-05: 3}}\n",
    # Subnormal values: the chart's axis had a span of 0 or a tick step of 0.
    "subnormal_target": YEAR + "nodes:\n  deals: {title: 10 deals, unit: count, target: 1e-320, actuals: {2027-01-05: 5e-324}}\n",
    "subnormal_negative": YEAR + "nodes:\n  cost: {title: Cost 0 SEK, unit: SEK, target: -5e-324}\n",
    # A level's trend through values near the float limit overflowed in fsum.
    "near_the_limit": YEAR + "nodes:\n  deals: {title: Largest deal 1 MSEK, unit: SEK, target: 1000000, aggregate: max,"
    " actuals: {2027-01-02: 1.7976931348623157e308, 2027-03-05: 1e300, 2027-06-30: 100}}\n",
    # inf - inf in the trend of a driver's observations.
    "inf_minus_inf": YEAR + "nodes:\n  a: {title: a 10 units, target: -100, formula: b / c}\n"
    "  b: {title: b 10 units, type: driver, baseline: 100, actuals: {2027-01-02: 1.7976931348623157e308, 2027-03-05: -5e-324, 2027-06-30: 2.5e-310}}\n"
    "  c: {title: c 10 units}\n",
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", ["evaluate", "explain", "report", "render"])
def test_every_command_answers_at_the_edges(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, command: str) -> None:
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + CASES[case], encoding="utf-8")
    first = next(line.split(":")[0].strip() for line in CASES[case].split("nodes:\n")[1].splitlines())
    arguments = {
        "evaluate": ["evaluate", str(path), "--format", "json"],
        "explain": ["explain", str(path), first],
        "report": ["report", str(path), "-o", str(tmp_path / "r.md")],
        "render": ["render", str(path), "-o", str(tmp_path / "d.mmd")],
    }[command]
    code = main([*arguments, "--as-of", "2027-06-30"])
    output = capsys.readouterr()
    assert "internal error" not in output.err
    assert code in (0, 1), output.err
    if command == "evaluate":
        nodes = json.loads(output.out)["nodes"]
        # A trend that leaves float range is no forecast, never inf or a made-up number.
        assert all(node["forecast"] is None for node in nodes.values()) or case in ("period_to_9999", "subnormal_target")
    if command in ("report", "render"):
        assert (tmp_path / ("r.md" if command == "report" else "d.mmd")).stat().st_size > 0


def test_explain_follows_a_chain_of_thousands_of_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nodes = [f"  n{i}: {{title: n{i}, formula: n{i + 1} * 1}}" for i in range(1500)]
    nodes.append("  n1500: {title: n1500, target: 5, actuals: {2027-01-02: 1}}")
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + YEAR + "nodes:\n" + "\n".join(nodes) + "\n", encoding="utf-8")
    assert main(["explain", str(path), "n0", "--as-of", "2027-06-30"]) == 0
    text = capsys.readouterr().out
    # The target 5 of n1500 is derived up the chain: every link listed once, each one level deeper.
    assert text.count("\n  " + "  " * 1499 + "- n1500: 5 — declared in the goal file") == 1
    assert sum(1 for line in text.splitlines() if line.lstrip().startswith("- n")) == 2 * 1500
