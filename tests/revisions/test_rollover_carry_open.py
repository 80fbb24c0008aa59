"""`--carry remaining` only touches open flows, and a flow's baseline counts the node's own span."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from goaltree.cli import main

# 400 sign-ups due at midsummer (a 6-month span): 150 + 300 = 450 reached, achieved.
ACHIEVED = textwrap.dedent(
    """\
    goaltree: 1
    id: ro3-2027
    title: Rollover three 2027
    period: {start: 2027-01-01, end: 2027-12-31}
    owner: Me
    nodes:
      signups:
        title: Webinar signups 400 by midsummer
        unit: count
        target: 400
        deadline: 2027-06-30
        actuals: {2027-03-31: 150, 2027-06-15: 300}
    """
)


def _roll(tmp_path: Path, text: str, period: str, *carry: str) -> dict:
    source = tmp_path / "goals.yaml"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / f"out-{period}-{len(carry)}.yaml"
    assert main(["rollover", str(source), "--to", period, "-o", str(output), *carry]) == 0
    return yaml.safe_load(output.read_text(encoding="utf-8"))["nodes"]["signups"]


# Hand calculation: the old target and actual cover the node's 6 months (January to June).
#   2028:    the finished goal's deadline moves with the period, to 2028-06-30, so it spans
#            6 months again: target 400 × 6/6 = 400, baseline 450 × 6/6 = 450.
#   2028-Q1 (3 months):  target 400 × 3/6 = 200, baseline 450 × 3/6 = 225.
#   2028-H1 (6 months):  target 400, baseline 450.
@pytest.mark.parametrize(
    ("period", "target", "baseline"),
    [("2028", 400, 450), ("2028-Q1", 200, 225), ("2028-H1", 400, 450)],
)
def test_carry_remaining_leaves_an_achieved_finished_flow_as_without_it(tmp_path, period, target, baseline):
    plain = _roll(tmp_path, ACHIEVED, period)
    carried = _roll(tmp_path, ACHIEVED, period, "--carry", "remaining")
    assert (plain["target"], plain["baseline"]) == (target, baseline)
    assert carried == plain
    assert "achieved-2027" in carried["tags"]


def test_carry_remaining_scales_an_open_flows_baseline_by_its_own_span(tmp_path):
    # 150 + 150 = 300 of 400 by the June deadline: not achieved, so `--carry remaining` carries
    # 400 − 300 = 100. The 300 were reached over 6 months: into a 3-month quarter that is
    # 300 × 3/6 = 150 (not 300 × 3/12 = 75, as if counted over the whole year).
    text = ACHIEVED.replace("2027-06-15: 300", "2027-06-15: 150")
    signups = _roll(tmp_path, text, "2028-Q1", "--carry", "remaining")
    assert signups["target"] == 100
    assert signups["baseline"] == 150
    assert "achieved-2027" not in signups.get("tags", [])
