"""T003's words name the date a milestone is outside of: the period's end, or the node's deadline."""

from __future__ import annotations

from conftest import RULE_CASE_HEADER


def message_of(check_text, milestones: str, deadline: str = "2027-06-30") -> str:
    text = RULE_CASE_HEADER + f"""\
nodes:
  leads:
    title: 5 000 leads from the website
    unit: count
    target: 5000
    deadline: {deadline}
    milestones: {milestones}
"""
    _path, diagnostics = check_text(text)
    [found] = [d for d in diagnostics if d.code == "T003"]
    return found.message


def test_a_milestone_after_the_period_names_the_periods_end_not_the_deadline(check_text):
    message = message_of(check_text, "{2028-03-01: 4000}")
    assert "after the period ends (2027-12-31)" in message
    assert "move it inside 2027-01-01 … 2027-06-30" in message  # up to the node's own deadline


def test_a_milestone_after_the_deadline_inside_the_period_names_the_deadline(check_text):
    message = message_of(check_text, "{2027-09-30: 4000}")
    assert "after the node's deadline (2027-06-30)" in message
