"""The goal-file models (goaltree/model.py): a number is a number, never `true` or `false`.

pydantic reads a boolean as 1 or 0 where a float is expected; the JSON Schema's
``number`` refuses it. Every numeric field of the goal file refuses it too, with
error E003 at the value, and integers (0 and 1 among them) stay numbers.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from goaltree.cli import main
from goaltree.goalfile import load_text, parse_document

NUMBERS = """\
goaltree: 1
id: numbers
title: Numbers
owner: Head of Marketing
period: {start: 2027-01-01, end: 2027-12-31}
thresholds: {on_track: 0.9, at_risk: 0.5}
nodes:
  leads:
    title: 5 000 leads from the website in 2027
    unit: count
    baseline: 4000
    target: 5000
    weight: 2
    milestones: {2027-06-30: 2500}
    actuals: {2027-01-31: 400}
  bounce_rate:
    title: Bounce rate at most 40 % in 2027
    unit: "%"
    direction: maintain
    range: [0, 40]
scenarios:
  stretch: {set: {leads: 6000}}
"""

# (the line as written, the line with {} for the value, integers the field accepts there)
FIELDS = {
    "thresholds.on_track": ("thresholds: {on_track: 0.9, at_risk: 0.5}", "thresholds: {on_track: {}, at_risk: 0.5}", (1,)),
    "thresholds.at_risk": ("thresholds: {on_track: 0.9, at_risk: 0.5}", "thresholds: {on_track: 0.9, at_risk: {}}", (0,)),
    "baseline": ("baseline: 4000", "baseline: {}", (0, 1)),
    "target": ("target: 5000", "target: {}", (0, 1)),
    "weight": ("weight: 2", "weight: {}", (0, 1)),
    "milestones": ("milestones: {2027-06-30: 2500}", "milestones: {2027-06-30: {}}", (0, 1)),
    "actuals": ("actuals: {2027-01-31: 400}", "actuals: {2027-01-31: {}}", (0, 1)),
    "range.low": ("range: [0, 40]", "range: [{}, 40]", (0, 1)),
    "range.high": ("range: [0, 40]", "range: [0, {}]", (0, 1)),
    "scenario.set": ("stretch: {set: {leads: 6000}}", "stretch: {set: {leads: {}}}", (0, 1)),
}


def _with(field: str, value: str) -> tuple[str, int, int]:
    """The file with ``value`` written in ``field``, and the line and column where the value starts."""
    old, template = FIELDS[field][:2]
    assert NUMBERS.count(old) == 1, old
    before, placeholder, after = template.partition("{}")
    new = before + value + after
    text = NUMBERS.replace(old, new)
    line = next(number for number, written in enumerate(text.splitlines(), start=1) if written.endswith(new))
    column = text.splitlines()[line - 1].index(new) + len(before) + 1
    return text, line, column


def test_the_file_loads_as_written() -> None:
    loaded = load_text(NUMBERS)
    assert loaded.diagnostics == []
    assert loaded.goal_file.nodes["leads"].target == 5000


@pytest.mark.parametrize("value", ["true", "false"])
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_a_boolean_where_a_number_goes_is_error_e003_at_the_value(field: str, value: str) -> None:
    text, line, column = _with(field, value)
    loaded = load_text(text, "goals.yaml")
    assert loaded.goal_file is None
    assert [(d.code, d.severity, d.line, d.column) for d in loaded.diagnostics] == [("E003", "error", line, column)]
    message = loaded.diagnostics[0].message
    assert "Input should be a valid number" in message, message
    assert f"(got {value.title()})" in message, message


def _as_json(value):
    """The parsed document as JSON takes it: dates (keys and values) as ISO text."""
    if isinstance(value, dict):
        return {str(key): _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.mark.parametrize("value", ["true", "false"])
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_a_json_boolean_where_a_number_goes_is_error_e003_at_the_value(field: str, value: str) -> None:
    data, problems = parse_document(_with(field, value)[0], "goals.yaml")
    assert problems == []
    text = json.dumps(_as_json(data), indent=1)
    # The only boolean in the document, one value to a line.
    line, written = next((number, row) for number, row in enumerate(text.splitlines(), start=1) if row.endswith((f" {value}", f" {value},")))
    column = written.rindex(value) + 1
    loaded = load_text(text, "goals.json")
    assert [(d.code, d.line, d.column) for d in loaded.diagnostics] == [("E003", line, column)]
    assert "Input should be a valid number" in loaded.diagnostics[0].message


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_an_integer_where_a_number_goes_is_still_a_number(field: str) -> None:
    for number in FIELDS[field][2]:
        text = _with(field, str(number))[0]
        loaded = load_text(text)
        assert loaded.diagnostics == [], [d.format() for d in loaded.diagnostics]
        assert loaded.goal_file is not None


def test_zero_and_one_keep_their_values() -> None:
    text = NUMBERS.replace("target: 5000", "target: 1").replace("weight: 2", "weight: 0")
    text = text.replace("{2027-01-31: 400}", "{2027-01-31: 1}").replace("{leads: 6000}", "{leads: 0}")
    goal_file = load_text(text).goal_file
    leads = goal_file.nodes["leads"]
    assert (leads.target, leads.weight, list(leads.actuals.values())) == (1.0, 0.0, [1.0])
    assert goal_file.scenarios["stretch"].set == {"leads": 0.0}


@pytest.mark.parametrize("value", ["true", "false"])
def test_a_boolean_format_version_is_not_version_1(value: str) -> None:
    loaded = load_text(NUMBERS.replace("goaltree: 1", f"goaltree: {value}"))
    assert loaded.goal_file is None
    assert [(d.code, d.line, d.column) for d in loaded.diagnostics] == [("E011", 1, 11)]


def test_check_refuses_booleans_read_as_numbers(write_goals, capsys) -> None:
    # The reported case: `goaltree check` said "no problems" and evaluate showed target 1, actual 1.
    path = write_goals(
        """
        goaltree: 1
        id: m
        title: M
        period: {start: 2027-01-01, end: 2027-12-31}
        owner: O
        nodes:
          top:
            title: 1 leads
            unit: count
            target: true
            weight: false
            actuals: {2027-01-31: true}
        """
    )
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    for location, field in (("10:13", "target"), ("11:13", "weight"), ("12:27", "2027-01-31")):
        assert f"{path}:{location}: error E003 [top] bad value for '{field}'" in out, out
    assert main(["evaluate", str(path)]) == 1
    capsys.readouterr()


def test_a_boolean_rule_option_is_refused_where_a_number_goes(write_goals, capsys) -> None:
    # checks.options are checked against each rule's option (goaltree/rules/base.py), not the model.
    path = write_goals(NUMBERS + "checks: {options: {max_children: true}}\n")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "error E022" in out and "max_children" in out, out
