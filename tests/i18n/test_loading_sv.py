"""Loading a broken Swedish goal file: every located error, its hint and every refusal reads in Swedish.

The command line peeks the file's ``language: sv`` before loading it, so the
loader's diagnostics of a Swedish file are Swedish; the file:line:column, the
severity word and the code stay as they are, for editors and CI. The Swedish
expectations are written by hand here, not read from the catalogue.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import DATA

from goaltree.cli import main
from goaltree.errors import did_you_mean
from goaltree.formula import FormulaError, parse
from goaltree.goalfile import load_text
from goaltree.goalfile.problems import pydantic_problem
from goaltree.present.language import use_language

HEADER = """goaltree: 1
id: marknad-2027
title: Marknadens bidrag till intäkterna 2027
owner: Marknadschef
language: sv
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
"""

BROKEN = HEADER + """  revenue:
    title: 63 000 000 kr i nya intäkter
    unit: SEK
    target: 63000000
    formula: customers * deal
  customers:
    title: 70 nya kunder
    unit: count
    target: 70
    formla: leads * 0.014
  deal:
    title: Snittaffär på 900 000 kr
    unit: SEK
    target: 900000
    deadline: 2027-13-31
"""

CYCLE = HEADER + """  revenue:
    title: 63 000 000 kr i nya intäkter
    unit: SEK
    target: 63000000
    formula: customers * deal
  customers:
    title: 70 nya kunder
    unit: count
    formula: revenue / deal
  deal:
    title: Snittaffär på 900 000 kr
    unit: SEK
    target: 900000
"""


UNKNOWN_NODE = CYCLE.replace("formula: customers * deal", "formula: custmers * deal").replace("formula: revenue / deal", "target: 70")


def write(tmp_path: Path, text: str, name: str = "mal.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(argv: list[str], capsys) -> tuple[int, list[str]]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def test_check_reports_a_formula_naming_an_unknown_node_in_swedish(tmp_path, capsys):
    path = write(tmp_path, UNKNOWN_NODE)
    code, lines = run(["check", str(path)], capsys)
    assert code == 1
    assert f"{path}:12:14: error E004 [revenue] formeln använder 'custmers', som inte är ett nod-id (menade du 'customers'?); lägg till noden eller rätta namnet" in lines
    code, lines = run(["check", str(path), "--language", "en"], capsys)
    assert f"{path}:12:14: error E004 [revenue] formula uses 'custmers', which is not a node id (did you mean 'customers'?); add the node or correct the name" in lines


def test_check_reports_an_unknown_field_and_a_bad_date_in_swedish(tmp_path, capsys):
    path = write(tmp_path, BROKEN)
    code, lines = run(["check", str(path)], capsys)
    assert code == 1
    assert f"{path}:17:5: error E002 [customers] okänt fält 'formla' i noden 'customers' (menade du 'formula'?)" in lines
    assert (
        f"{path}:22:15: error E003 [deal] ogiltigt värde för 'deadline' i noden 'deal': "
        "ska vara ett datum (ÅÅÅÅ-MM-DD): månaden måste vara 1-12 (angivet: '2027-13-31')"
    ) in lines


def test_check_reports_a_cycle_in_swedish(tmp_path, capsys):
    path = write(tmp_path, CYCLE)
    code, lines = run(["check", str(path)], capsys)
    assert code == 1
    assert f"{path}:9:5: error E006 [revenue] cykel: revenue -> customers -> revenue; ett mål kan inte bero på sig självt, bryt en av de här länkarna" in lines


def test_evaluate_of_a_broken_swedish_file_says_why_in_swedish(tmp_path, capsys):
    path = write(tmp_path, CYCLE.replace("formula: revenue / deal", "formula: (leads + 1"))
    code, lines = run(["evaluate", str(path)], capsys)
    assert code == 1
    assert f"{path}:16:14: error E007 [customers] formel: '(' i kolumn 1 stängs aldrig: lägg till en ')'" in lines


def test_language_en_gives_the_english_of_the_same_swedish_file(tmp_path, capsys):
    path = write(tmp_path, BROKEN)
    code, lines = run(["check", str(path), "--language", "en"], capsys)
    assert code == 1
    assert f"{path}:17:5: error E002 [customers] unknown field 'formla' in node 'customers' (did you mean 'formula'?)" in lines
    assert (
        f"{path}:22:15: error E003 [deal] bad value for 'deadline' in node 'deal': "
        "should be a date (YYYY-MM-DD): the month must be 1-12 (got '2027-13-31')"
    ) in lines


def test_a_report_onto_the_swedish_goal_file_is_refused_in_swedish(tmp_path, capsys):
    path = tmp_path / "mal.yaml"
    shutil.copy(DATA / "funnel.yaml", path)
    path.write_text(path.read_text(encoding="utf-8").replace("owner: Head of Marketing\n", "owner: Head of Marketing\nlanguage: sv\n", 1), encoding="utf-8")
    before = path.read_bytes()
    code, lines = run(["report", str(path), "-o", str(path)], capsys)
    assert code == 2
    assert (
        f"goaltree: fel: vägrar skriva till {path}: den är målfilen som läses; "
        "att skriva där skulle förstöra den: välj en annan fil att skriva till"
    ) in lines
    assert path.read_bytes() == before
    code, lines = run(["report", str(path), "-o", str(path), "--language", "en"], capsys)
    assert f"goaltree: error: refusing to write output {path}: it is the goal file being read; writing there would destroy it: choose another output" in lines


def test_model_rules_period_and_pydantic_texts_in_swedish(tmp_path):
    text = HEADER.replace("end: 2027-12-31", "end: 2026-12-31") + """  revenue:
    title: ""
    unit: SEK
    target: mycket
    range: [5, 1]
    type: kpii
"""
    with use_language("sv"):
        messages = [d.format() for d in load_text(text, "mal.yaml").diagnostics]
    assert "mal.yaml:6:9: error E003 ogiltigt värde för 'period' på översta nivån: period.end 31 december 2026 ligger före period.start 1 januari 2027" in messages
    assert "mal.yaml:9:12: error E003 [revenue] ogiltigt värde för 'title' i noden 'revenue': ska ha minst 1 tecken (angivet: '')" in messages
    assert "mal.yaml:11:13: error E003 [revenue] ogiltigt värde för 'target' i noden 'revenue': ska vara ett tal; texten går inte att läsa som ett tal (angivet: 'mycket')" in messages
    assert "mal.yaml:12:12: error E003 [revenue] ogiltigt värde för 'range' i noden 'revenue': range måste vara [låg, hög] med låg <= hög" in messages
    assert "mal.yaml:13:11: error E003 [revenue] ogiltigt värde för 'type' i noden 'revenue': ska vara 'objective', 'kpi' eller 'driver' (angivet: 'kpii')" in messages


def test_english_keeps_pydantics_own_words(tmp_path):
    from pydantic import ValidationError

    from goaltree.model import Node

    with pytest.raises(ValidationError) as raised:
        Node.model_validate({"title": "", "target": "x", "type": "kpii"})
    for item in raised.value.errors(include_url=False):
        assert pydantic_problem(item) == item["msg"]
        with use_language("sv"):
            assert pydantic_problem(item) != item["msg"]


@pytest.mark.parametrize(
    ("formula", "swedish"),
    [
        ("leads ^ 2", "oväntat tecken '^' i kolumn 7; skriv potenser med **, t.ex. x ** 2"),
        ("2leads", "operator saknas mellan 2 och 'leads' i kolumn 2: skriv 2 * leads för att multiplicera"),
        ("sqrt(leads)", "okänd funktion 'sqrt' i kolumn 1: funktionerna är min(), max() och abs(); skriv x ** 0.5 för en kvadratrot"),
        ("leads / (2 - 2)", "division med noll: divisorn '2 - 2' i kolumn 10 är alltid 0; dividera med en nod eller ett tal som inte är 0"),
        ("leads leads", "väntade en operator eller formelns slut i kolumn 7, hittade 'leads'; saknas en operator?"),
    ],
)
def test_formula_errors_in_swedish(formula, swedish):
    with use_language("sv"), pytest.raises(FormulaError) as raised:
        parse(formula)
    assert raised.value.message == swedish


def test_a_formula_error_in_english_is_unchanged():
    with pytest.raises(FormulaError) as raised:
        parse("leads ^ 2")
    assert raised.value.message == "unexpected character '^' at column 7; write powers with **, e.g. x ** 2"


def test_did_you_mean_and_an_unknown_scenario_in_swedish(tmp_path, capsys):
    with use_language("sv"):
        assert did_you_mean("leeds", ["leads", "visits"]) == " (menade du 'leads'?)"
    assert did_you_mean("leeds", ["leads", "visits"]) == " (did you mean 'leads'?)"
    path = write(tmp_path, CYCLE.replace("formula: revenue / deal", "target: 70"))
    code, lines = run(["evaluate", str(path), "--scenario", "hogre"], capsys)
    assert code == 2
    assert any("inget scenario 'hogre' i marknad-2027" in line and "det har: base" in line for line in lines)


def test_a_scenarios_change_and_a_skipped_sensitivity_read_the_swedish_way():
    from goaltree.scenarios import difference
    from goaltree.sensitivity import _step_text

    with use_language("sv"):
        assert difference(112.5, 100.0, "count") == "+12,5 %"
        assert _step_text(0.1) == "10 %"
    assert difference(112.5, 100.0, "count") == "+12.5 %"
    assert _step_text(0.1) == "10%"


def test_malformed_yaml_and_json_and_a_list_for_a_goal_file_in_swedish(tmp_path, capsys):
    path = write(tmp_path, HEADER.replace("end: 2027-12-31}", "end: 2027-12-31") + "  a:\n    title: A\n")
    code, lines = run(["check", str(path)], capsys)
    assert code == 1
    assert (
        f"{path}:7:6: error E001 felaktig YAML: hittade inte väntat ',' eller '}}' (i en mappning inom {{ }}); "
        "kontrollera indrag och skiljetecken här omkring"
    ) in lines
    with use_language("sv"):
        json_problems = [d.format() for d in load_text('{"goaltree": 1, "id": x}', "mal.json").diagnostics]
        list_problems = [d.format() for d in load_text("- a\n- b\n", "mal.yaml").diagnostics]
    assert json_problems == ["mal.json:1:23: error E001 felaktig JSON: väntade ett värde"]
    assert list_problems == [
        "mal.yaml:1:1: error E001 en målfil är en mappning med `goaltree: 1`, `id`, `title`, `period` och `nodes`; "
        "den här filen innehåller en lista"
    ]
    assert [d.format() for d in load_text("- a\n- b\n", "mal.yaml").diagnostics] == [
        "mal.yaml:1:1: error E001 a goal file is a mapping with `goaltree: 1`, `id`, `title`, `period` and `nodes`; this file holds a list"
    ]


def test_a_bound_a_list_and_a_missing_source_type_in_swedish():
    text = HEADER.replace("nodes:\n", "thresholds: {on_track: 0}\nsources:\n  web: {path: a.csv}\nnodes:\n") + """  a:
    title: 5 nya kunder
    target: 5
    tags: x
    range: [1, 2, 3]
"""
    with use_language("sv"):
        messages = [d.format() for d in load_text(text, "mal.yaml").diagnostics]
    assert "mal.yaml:7:24: error E003 ogiltigt värde för 'on_track' i thresholds: ska vara större än 0 (angivet: 0)" in messages
    assert "mal.yaml:9:3: error E003 det obligatoriska fältet 'type' saknas i källan 'web'" in messages
    assert "mal.yaml:14:11: error E003 [a] ogiltigt värde för 'tags' i noden 'a': ska vara en lista (angivet: 'x')" in messages
    assert "mal.yaml:15:12: error E003 [a] ogiltigt värde för 'range' i noden 'a': ska ha högst 2 värden, inte 3" in messages
