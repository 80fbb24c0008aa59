"""The registry: unique codes and names, documented rules, a fresh reference, every emitted code listed."""

from __future__ import annotations

import re

from conftest import REPO

from goaltree.rules.base import FAMILIES, Rule
from goaltree.rules.registry import DEFAULT_RULES


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in DEFAULT_RULES]
    names = [rule.name for rule in DEFAULT_RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for rule in DEFAULT_RULES:
        assert issubclass(rule, Rule)
        assert re.fullmatch(r"[SMARTE]\d{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", rule.name), rule.name
        assert rule.severity in ("error", "warning", "info")
        assert rule.code[0] in FAMILIES


def test_families_match_names() -> None:
    prefixes = {"S": "specific.", "M": "measurable.", "A": "achievable.", "R": "relevant.", "T": "timebound."}
    for rule in DEFAULT_RULES:
        if rule.code[0] in prefixes:
            assert rule.name.startswith(prefixes[rule.code[0]]), rule.name


def test_every_rule_is_documented() -> None:
    for rule in DEFAULT_RULES:
        assert rule.summary().endswith("."), rule.code
        if rule.runs():
            description = rule.description()
            assert "**Anti-pattern**" in description and "**Best practice**" in description, rule.code


def test_option_names_are_unique() -> None:
    names = [option.name for rule in DEFAULT_RULES for option in rule.options]
    assert len(set(names)) == len(names)


def test_only_smart_codes_are_configurable() -> None:
    for rule in DEFAULT_RULES:
        assert rule.configurable() == (not rule.code.startswith("E"))


def test_docs_rules_md_is_fresh() -> None:
    from goaltree.rules.reference import markdown

    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == markdown(DEFAULT_RULES), "regenerate: goaltree rules --format md > docs/rules.md"


def test_every_code_the_package_emits_is_in_the_registry() -> None:
    """Scan the source for diagnostic codes: a code nobody documented would surprise users."""
    registered = {rule.code for rule in DEFAULT_RULES}
    emitted: set[str] = set()
    pattern = re.compile(r"""(?:Diagnostic\(\s*|code\s*=\s*|contradiction_code=|_CODE\s*=\s*|^\w+ = )["']([SMARTE]\d{3})["']""", re.M)
    for path in (REPO / "goaltree").rglob("*.py"):
        emitted.update(pattern.findall(path.read_text(encoding="utf-8")))
    assert emitted, "the scan found nothing: the pattern is out of date"
    assert emitted <= registered, f"not in the registry: {sorted(emitted - registered)}"
