"""Numbers, dates and indentation written the way people write them: the error says how a goal file writes them.

The goal files are the ones a Swedish marketing team wrote (``language: sv``):
each test runs ``goaltree check`` on one and reads the whole located line, in
Swedish (the file's language) and in English (``--language en``).
"""

from __future__ import annotations

from pathlib import Path

from goaltree.cli import main

HEADER = """goaltree: 1
id: t
title: Test
language: sv
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marknadschef
nodes:
"""


def check(tmp_path: Path, text: str, capsys) -> tuple[Path, list[str], list[str]]:
    """The lines ``goaltree check`` prints for ``text``: in the file's Swedish, then in English."""
    path = tmp_path / "goals.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    swedish = capsys.readouterr().out.splitlines()
    assert main(["check", str(path), "--language", "en"]) == 1
    english = capsys.readouterr().out.splitlines()
    return path, swedish, english


def test_a_tab_in_the_indentation_is_named_at_the_tab(tmp_path, capsys):
    path, swedish, english = check(tmp_path, HEADER + "  leads:\n\ttitle: 1 600 leads 2027\n", capsys)
    assert swedish == [
        f"{path}:9:1: error E001 felaktig YAML: ett tabbtecken i indraget; YAML drar in med mellanslag: byt tabben mot mellanslag"
    ]
    assert english == [
        f"{path}:9:1: error E001 malformed YAML: a tab in the indentation; YAML indents with spaces: replace the tab with spaces"
    ]


def test_a_tab_after_spaces_is_located_at_the_tab_itself(tmp_path, capsys):
    path, _swedish, english = check(tmp_path, HEADER + "  leads:\n    title: 1 600 leads\n  \t unit: count\n", capsys)
    assert english == [
        f"{path}:10:3: error E001 malformed YAML: a tab in the indentation; YAML indents with spaces: replace the tab with spaces"
    ]
