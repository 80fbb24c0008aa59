"""Choosing the language: the goal file's ``language:``, ``--language`` over it, and Swedish numbers and dates.

Expected figures are written by hand, the Swedish way: decimal comma, a space
between thousands, ``kr`` for SEK, Swedish month names.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from support import DATA

from goaltree.cli import main
from goaltree.goalfile.read import declared_language
from goaltree.present.language import _n, format_date, month_abbreviation, use_language
from goaltree.present.numbers import format_number, format_percent, format_precise, format_quantity, format_short, format_signed_quantity


def swedish_funnel(tmp_path: Path) -> Path:
    """The seed funnel with ``language: sv`` among its top-level keys."""
    text = (DATA / "funnel.yaml").read_text(encoding="utf-8")
    path = tmp_path / "goals.yaml"
    path.write_text(text.replace("owner: Head of Marketing\n", "owner: Head of Marketing\nlanguage: sv\n", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "unit", "swedish", "english"),
    [
        (63_000_000, "SEK", "63 000 000 kr", "63 000 000 SEK"),
        (-63_000_000, "SEK", "−63 000 000 kr", "-63 000 000 SEK"),  # Swedish writes the minus sign, U+2212
        (123.45, None, "123,5", "123.5"),
        (0.014, "ratio", "1,40 %", "1.40 %"),
        (2.5, "%", "2,50 %", "2.50 %"),
        (5.9, "multiple", "5,9×", "5.9×"),
        (0.01234, None, "0,01234", "0.01234"),
        (None, "SEK", "–", "–"),
    ],
)
def test_a_quantity_reads_the_swedish_way(value, unit, swedish, english):
    with use_language("sv"):
        assert format_quantity(value, unit) == swedish
    assert format_quantity(value, unit) == english


def test_percent_signed_short_and_precise_numbers_in_swedish():
    with use_language("sv"):
        assert format_percent(0.496) == "49,6 %"
        assert format_signed_quantity(-4_241_096, "SEK") == "−4 241 096 kr"
        assert format_short(1_500_000_000) == "1,5 md"
        assert format_short(60_000_000) == "60 mn"
        assert format_short(250_000) == "250 tn"
        assert format_precise(3000 / 0.23) == "13 043,4783"
        assert format_number(1234.56) == "1 235"


def test_swedish_dates_and_months():
    with use_language("sv"):
        assert format_date(dt.date(2027, 6, 30)) == "30 juni 2027"
        assert month_abbreviation(3) == "mars"
    assert format_date(dt.date(2027, 6, 30)) == "2027-06-30"
    assert month_abbreviation(3) == "Mar"


def test_counted_text_takes_the_swedish_plural():
    with use_language("sv"):
        assert _n("{count} node", "{count} nodes", 1) == "1 nod"
        assert _n("{count} node", "{count} nodes", 3) == "3 noder"
    assert _n("{count} node", "{count} nodes", 3) == "3 nodes"


def test_the_goal_files_language_gives_a_swedish_table(tmp_path, capsys):
    path = swedish_funnel(tmp_path)
    code = main(["evaluate", str(path), "--as-of", "2027-06-30"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Marketing-sourced revenue 2027 (seed-funnel) per 30 juni 2027"
    assert lines[1].split() == ["nod", "mål", "utfall", "förväntat", "framsteg", "status"]
    revenue = next(line for line in lines if line.startswith("revenue"))
    assert "63 000 000" in revenue
    lead_rate = next(line for line in lines if line.strip().startswith("lead_to_cust"))
    assert "1,40 %" in lead_rate  # the seed's 1.4 % lead-to-customer rate, with a decimal comma


def test_language_on_the_command_line_wins_over_the_file(tmp_path, capsys):
    path = swedish_funnel(tmp_path)
    main(["evaluate", str(path), "--as-of", "2027-06-30", "--language", "en"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["node", "target", "actual", "expected", "progress", "status"]
    assert "1.40 %" in next(line for line in lines if line.strip().startswith("lead_to_cust"))


def test_json_keys_and_status_codes_stay_english_in_a_swedish_file(tmp_path, capsys):
    import json

    path = swedish_funnel(tmp_path)
    main(["evaluate", str(path), "--as-of", "2027-06-30", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    revenue = document["nodes"]["revenue"]
    assert revenue["target"] == 63_000_000
    assert set(revenue) >= {"target", "actual", "status", "progress"}
    assert {node["status"] for node in document["nodes"].values()} <= {
        "achieved", "on_track", "at_risk", "off_track", "no_data", "assumed", "not_started",
    }  # fmt: skip


def test_an_unknown_language_is_a_located_error(tmp_path, capsys):
    path = tmp_path / "goals.yaml"
    shutil.copy(DATA / "funnel.yaml", path)
    path.write_text(path.read_text(encoding="utf-8").replace("owner: Head of Marketing\n", "owner: Head of Marketing\nlanguage: de\n", 1), encoding="utf-8")
    code = main(["check", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    line = next(line for line in out.splitlines() if "language" in line)
    assert line.startswith(f"{path}:6:11: error")
    assert "'en'" in line and "'sv'" in line


def test_the_declared_language_is_found_without_parsing(tmp_path):
    yaml_file = tmp_path / "a.yaml"
    yaml_file.write_text("goaltree: 1\ntitle: x\nlanguage: sv\nnodes: {}\n", encoding="utf-8")
    json_file = tmp_path / "a.json"
    json_file.write_text('{"goaltree": 1, "language": "sv", "nodes": {}}', encoding="utf-8")
    first = tmp_path / "b.yaml"
    first.write_text("language: 'sv'\ngoaltree: 1\n", encoding="utf-8")
    nested = tmp_path / "c.yaml"
    nested.write_text("goaltree: 1\nnodes:\n  x:\n    title: language: sv\n", encoding="utf-8")
    assert declared_language(yaml_file) == "sv"
    assert declared_language(json_file) == "sv"
    assert declared_language(first) == "sv"
    assert declared_language(nested) is None
    assert declared_language(tmp_path / "missing.yaml") is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_never_read_to_find_the_language(tmp_path):
    fifo = tmp_path / "goals.yaml"
    os.mkfifo(fifo)
    assert declared_language(fifo) is None  # returns at once: nothing writes to the FIFO
