"""``goaltree rules --language sv``: the rule reference in Swedish; codes, dotted names and option names unchanged.

A rule's summary is the first line of its docstring; its Swedish is in
``checks.po`` under the context ``rule``, found there by the scanner of
:mod:`goaltree.present.catalogues`, so a new rule without a Swedish summary
fails tests/i18n/test_catalogues.py. The long Markdown bodies (the
introduction and each rule's description) stay English in every language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.present.language import use_language
from goaltree.rules.registry import DEFAULT_RULES

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_the_listing_is_swedish(capsys):
    lines = run(capsys, "rules", "--language", "sv").splitlines()
    assert lines[0] == "Specifikt:"
    for heading in ("Mätbart:", "Uppnåeligt:", "Relevant:", "Tidsstyrt:", "Struktur:", "Inställningar (checks.options):"):
        assert heading in lines, heading
    assert lines[1].split(None, 3) == [
        "S001",
        "varning",
        "specific.vague_title",
        "En titel bygger på ett vagt ord (bättre, fler, öka; better, more, improve …) och nämner ingen kvantitet.",
    ]
    assert any(line.split(None, 3)[:3] == ["M002", "fel", "measurable.kpi_without_target"] for line in lines)
    assert "  R002  varning   relevant.too_many_children             Ett mål har fler än 7 undernoder (inställbart): för många KPI:er att fokusera på." in lines
    assert lines[-2] == "Ställ in reglerna per fil under `checks:` (disable, severity, options) och per nod med `suppress: {KOD: motivering}`."


def test_numbers_in_the_listing_are_swedish(capsys):
    lines = run(capsys, "rules", "--language", "sv").splitlines()
    assert any(line.endswith("Angivna mål motsäger en ekvation mellan dem med mer än 0,5 %.") for line in lines)
    # The default is the YAML value a goal file writes; the help around it is Swedish.
    assert (
        "  max_target_change = 3.0 (A001): Största rimliga relativa förändring av ett mål jämfört med utgångsläget (3,0 = +300 %, 4×)."
        in lines
    )


def test_a_summary_with_braces_is_printed_as_it_stands(capsys):
    text = run(capsys, "rules", "--language", "sv")
    assert "en `${VAR}` som inte är satt eller inte är tillåten (GOALTREE_ALLOWED_VARIABLES)" in text


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda rule: rule.code)
def test_every_summary_has_its_own_swedish(rule):
    with use_language("sv"):
        swedish = rule.translated_summary()
    assert swedish != rule.summary()
    assert rule.translated_summary() == rule.summary()


def test_the_scanner_finds_exactly_the_registrys_summaries():
    from goaltree.present.catalogues import RULE_SUMMARY, marked_texts, rule_summaries

    found = {(text.context, text.message) for text in rule_summaries()}
    assert found == {(RULE_SUMMARY, rule.summary()) for rule in DEFAULT_RULES}
    marked = {(text.context, text.message): text for text in marked_texts()}
    assert all(marked[key].catalogue == "checks" for key in found)


def test_markdown_in_swedish_translates_the_summaries_and_keeps_the_bodies(capsys):
    text = run(capsys, "rules", "--format", "md", "--language", "sv")
    assert text.startswith("<!-- Generated from the rule registry")
    assert "## Alla koder\n\n| kod | namn | standard | sammanfattning |\n" in text
    assert "| [M002](#m002) | `measurable.kpi_without_target` | fel | En KPI saknar mål: inget är angivet och inget kan härledas. |" in text
    assert "## Tidsstyrt\n\n### T001\n" in text
    assert "`achievable.contradicting_targets` · allvarlighet som standard: **varning** · rapporteras av lösaren\n" in text
    assert "`structure.cycle` · allvarlighet som standard: **fel** · rapporteras av grafen · kan inte stängas av\n" in text
    assert "- `max_children` (standard `7`): Största antal undernoder ett mål kan ha innan det tappar fokus." in text
    # The introduction and the descriptions are English in every language.
    assert "`goaltree check FILE…` lints goal files on every change" in text
    assert "**Anti-pattern**" in text


def test_json_in_swedish_keeps_its_keys_codes_and_family(capsys):
    rules = {rule["code"]: rule for rule in json.loads(run(capsys, "rules", "--format", "json", "--language", "sv"))["rules"]}
    assert rules["S003"]["summary"] == "En nod saknar ansvarig: varken en egen `owner` eller filens."
    assert rules["S003"]["family"] == "Specific" and rules["S003"]["severity"] == "warning"
    assert rules["R002"]["options"][0]["help"] == "Största antal undernoder ett mål kan ha innan det tappar fokus."
    assert set(rules["R002"]) == {"code", "name", "severity", "family", "summary", "description", "options", "emitted_by", "configurable"}


def test_english_is_unchanged(capsys):
    assert run(capsys, "rules", "--format", "md") == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert run(capsys, "rules", "--format", "md", "--language", "en") == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    lines = run(capsys, "rules").splitlines()
    assert lines[0] == "Specific:"
    assert lines[1].split(None, 3)[1:] == [
        "warning",
        "specific.vague_title",
        "A title leans on a vague word (better, more, improve; bättre, fler, öka …) and names no quantity.",
    ]
    assert "Options (checks.options):" in lines
    assert "  max_target_change = 3.0 (A001): Largest plausible relative change of a target over its baseline (3.0 = +300 %, 4×)." in lines
    assert lines[-2] == "Configure per file under `checks:` (disable, severity, options) and per node with `suppress: {CODE: reason}`."
