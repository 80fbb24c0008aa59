"""A goal file's text cannot drive the terminal or the CI log: no escape sequence, no workflow command.

A pull request's goal file is printed in CI: an escape sequence in a title
could clear the log or overwrite a line, and a line starting with ``::`` is
a command to a GitHub Actions runner (``::add-mask::`` hides what follows,
``::error::`` plants an annotation).
"""

from __future__ import annotations

import json
import re

import pytest

from goaltree.cli import main

TREE_TITLE = "Tree\x1b[2J\x1b]8;;https://evil.example\x07LINK\x1b]8;;\x07\n::error::from the tree title\rX"
TITLE = "70 customers\n::add-mask::secret\n  ::set-output name=x::y\u202eevil"
OWNER = "Owner\x1b[31m ::warning::x\x9b2J"

GOALS = f"""\
goaltree: 1
id: hostile
title: {json.dumps(TREE_TITLE)}
owner: {json.dumps(OWNER)}
period: {{start: 2027-01-01, end: 2027-12-31}}
nodes:
  customers: {{title: {json.dumps(TITLE)}, unit: count, target: 70, formula: leads * rate}}
  leads: {{title: 5 000 leads, unit: count, actuals: {{2027-03-31: 1200}}}}
  rate: {{title: 1.4 % win, unit: ratio, type: driver, target: 0.014}}
  "bad\\n::error::from an id\\u001b[31m": {{title: x, unit: count}}
"""

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_guarded(text: str, *, commands: bool = False) -> None:
    assert not UNSAFE.search(text), repr(UNSAFE.search(text).group())
    for line in text.splitlines():
        if line.lstrip(" \t").startswith("::"):
            assert commands and re.match(r"::(error|warning|notice) file=", line), line


@pytest.fixture
def goals(tmp_path):
    path = tmp_path / "goals.yaml"
    path.write_text(GOALS, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "arguments",
    [
        ["check", "{goals}"],
        ["evaluate", "{goals}", "--as-of", "2027-06-30"],
        ["evaluate", "{goals}", "--as-of", "2027-06-30", "--format", "csv"],
        ["explain", "{goals}", "customers", "--as-of", "2027-06-30"],
    ],
)
def test_text_outputs_escape_control_characters_and_workflow_commands(goals, capsys, arguments):
    # The id with a line break fails validation (E015), so evaluate and explain run on a file without it.
    if arguments[0] != "check":
        goals.write_text(GOALS.rsplit('  "bad', 1)[0], encoding="utf-8")
    main([argument.format(goals=goals) for argument in arguments])
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert_guarded(text)
    shown = captured.out + captured.err
    assert "\\u001b" in shown  # the escape is shown as text, not acted on
    assert "\\::" in shown  # and a would-be command reads as text


def test_github_annotations_are_goaltrees_own_and_carry_no_escape(goals, capsys):
    main(["check", str(goals), "--format", "github"])
    out = capsys.readouterr().out
    assert_guarded(out, commands=True)
    assert out.startswith("::")


def test_json_keeps_the_text_exactly(goals, capsys):
    goals.write_text(GOALS.rsplit('  "bad', 1)[0], encoding="utf-8")
    main(["evaluate", str(goals), "--as-of", "2027-06-30", "--format", "json"])
    out = capsys.readouterr().out
    # The C1 CSI (\x9b) and the bidi override (\u202e) are written as \u escapes, as the C0 ones are:
    # nothing a terminal acts on, and the same string to a JSON reader.
    assert not UNSAFE.search(out)
    assert "\\u009b2J" in out and "\\u202eevil" in out
    document = json.loads(out)
    assert document["nodes"]["customers"]["title"] == TITLE
    assert document["nodes"]["leads"]["owner"] == OWNER
