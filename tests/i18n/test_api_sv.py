"""The Python API speaks a goal file's ``language: sv`` as the command line does.

``Evaluation.to_json()`` is documented as the text ``goaltree evaluate
--format json`` prints, byte for byte, and ``goaltree.check()`` as every
diagnostic of ``goaltree check``: for a Swedish file they are Swedish, unless
the caller chose a language itself.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

import goaltree
from goaltree.cli import main
from goaltree.present.language import use_language

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2027, 6, 30)


@pytest.fixture
def swedish_funnel(tmp_path: Path) -> Path:
    """The Swedish starter, as `goaltree init --template b2b-funnel-sv` writes it."""
    folder = tmp_path / "tratt"
    shutil.copytree(ROOT / "goaltree" / "starters" / "b2b-funnel-sv", folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder / "goals.yaml"


def test_to_json_of_a_swedish_file_is_what_evaluate_prints(swedish_funnel, capsys):
    main(["evaluate", str(swedish_funnel), "--as-of", AS_OF.isoformat(), "--format", "json"])
    printed = capsys.readouterr().out
    evaluation = goaltree.evaluate(swedish_funnel, AS_OF)
    assert evaluation.to_json() == printed
    derivation = json.loads(printed)["nodes"]["customers"]["target_derivation"]
    assert derivation.startswith("löst ur ")
    # Read once more, and in a frame: still Swedish, whatever was read before.
    assert evaluation.to_frame().loc["customers", "target_derivation"] == derivation
    assert "per 30 juni 2027" in evaluation._repr_html_()


def test_check_of_a_swedish_file_is_in_swedish(tmp_path, capsys):
    path = tmp_path / "mal.yaml"
    path.write_text(
        "goaltree: 1\nid: mal\ntitle: Mål\nlanguage: sv\nperiod: {start: 2027-01-01, end: 2027-12-31}\nowner: Marknadschef\n"
        "nodes:\n  leads: {title: Leads ger 5 SEK, unit: SEK, target: 100}\n",
        encoding="utf-8",
    )
    main(["check", str(path), "--format", "json"])
    printed = json.loads(capsys.readouterr().out)["diagnostics"]
    found = goaltree.check(path)
    assert [d.message for d in found] == [d["message"] for d in printed]
    said = next(d.message for d in found if d.code == "S004")
    assert said.startswith("titeln säger 5 SEK men målet är 100 kr")
    table = found._repr_html_()
    assert "<th>meddelande</th>" in table and "<td>varning</td>" in table and "2 varningar" in table


def test_a_language_the_caller_chose_wins_over_the_files(swedish_funnel, capsys):
    main(["evaluate", str(swedish_funnel), "--as-of", AS_OF.isoformat(), "--format", "json", "--language", "en"])
    printed = capsys.readouterr().out
    with use_language("en"):
        evaluation = goaltree.evaluate(swedish_funnel, AS_OF)
        assert evaluation.to_json() == printed
    assert json.loads(printed)["nodes"]["customers"]["target_derivation"].startswith("solved from ")
