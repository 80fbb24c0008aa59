"""A percentage written as a plain number moves evaluate's figures a hundred times: evaluate says so (M006) and exits 1.

`unit: ratio` with `target: 25` under a title "25 % of SQLs become customers"
is 2 500 %: 80 customers / 25 = 3.2 SQLs, where 80 / 0.25 = 320 was meant.
`check` has always said so; evaluate printed the 3.2 with exit 0.
"""

from __future__ import annotations

import json

import pytest

from goaltree.cli import main

GOALS = """\
goaltree: 1
id: funnel
title: Funnel 2027
period: {{start: 2027-01-01, end: 2027-12-31}}
owner: Head of marketing
{checks}nodes:
  customers:
    title: 80 new customers in 2027
    unit: count
    target: 80
    formula: sqls * win_rate
    actuals: {{2027-03-31: 20}}
  sqls:
    title: SQLs in 2027
    unit: count
    actuals: {{2027-03-31: 70}}
  win_rate:
    title: 25 % of SQLs become customers
    type: driver
    unit: ratio
    target: {rate}{suppress}
"""

MESSAGE = (
    "goals.yaml:21:13: error M006 [win_rate] the title says 25 % and the target is 25, but `unit: ratio` reads 25 as "
    '2 500 %; write `unit: "%"` to keep 25, or the fraction 0.25'
)


def goal_file(tmp_path, rate="25", checks="", suppress=""):
    path = tmp_path / "goals.yaml"
    path.write_text(GOALS.format(rate=rate, checks=checks, suppress=suppress), encoding="utf-8")
    return path


def test_evaluate_says_the_rate_is_a_hundred_times_off_and_exits_1(tmp_path, capsys):
    path = goal_file(tmp_path)
    assert main(["evaluate", str(path), "--as-of", "2027-06-30"]) == 1
    out = capsys.readouterr().out
    assert MESSAGE.replace("goals.yaml", str(path)) in out.splitlines()
    assert main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["nodes"]["sqls"]["target"] == pytest.approx(80 / 25)  # the figure the error is about
    assert [(d["code"], d["node"], d["line"], d["column"]) for d in document["diagnostics"]] == [("M006", "win_rate", 21, 13)]


@pytest.mark.parametrize("command", ["explain", "render", "report"])
def test_every_command_that_prints_the_figures_says_so_on_stderr_and_exits_1(tmp_path, capsys, command):
    path = goal_file(tmp_path)
    arguments = {
        "explain": ["explain", str(path), "sqls"],
        "render": ["render", str(path), "-o", str(tmp_path / "tree.svg")],
        "report": ["report", str(path), "-o", str(tmp_path / "report.md")],
    }[command]
    assert main([*arguments, "--as-of", "2027-06-30"]) == 1
    assert MESSAGE.replace("goals.yaml", str(path)) in capsys.readouterr().err.splitlines()


def test_the_fraction_the_title_means_is_evaluated_without_a_word(tmp_path, capsys):
    path = goal_file(tmp_path, rate="0.25")
    assert main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["nodes"]["sqls"]["target"] == pytest.approx(80 / 0.25)
    assert document["diagnostics"] == []


@pytest.mark.parametrize(
    ("checks", "suppress"),
    [("checks: {disable: [M006]}\n", ""), ("", '\n    suppress: {M006: "a multiple, 25 times"}')],
)
def test_a_file_that_turns_m006_off_is_evaluated_as_written(tmp_path, capsys, checks, suppress):
    path = goal_file(tmp_path, checks=checks, suppress=suppress)
    assert main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["diagnostics"] == []
