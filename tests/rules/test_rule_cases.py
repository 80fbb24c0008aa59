"""Every rule case in ``cases/*.yaml``, expanded by one parametrized test.

A case file names its rule and lists cases: a goal-file snippet (``nodes``,
optional top-level ``top`` text, or a whole ``document``) and the findings it
must produce (``expect``: node ids, or mappings with ``code``, ``node``,
``column``, ``severity``, ``message``). A case without ``expect`` must not
produce the rule's code at all. The line of each expected finding is marked in
the snippet with a trailing ``# <- CODE`` comment, so the expectation stays
next to the YAML it is about.
"""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml

from conftest import CASES, RULE_CASE_HEADER

MARKER = re.compile(r"#\s*<-\s*([A-Z]\d{3})\b")


def compose(case: dict) -> str:
    """The goal file of a case: its ``document``, or the shared header, ``top`` and ``nodes``."""
    if "document" in case:
        return case["document"]
    nodes = case.get("nodes") or "leads: {title: 5 000 leads, unit: count, target: 5000}\n"
    return RULE_CASE_HEADER + case.get("top", "") + "nodes:\n" + textwrap.indent(nodes, "  ")


def expectations(case: dict, rule: str | None) -> list[dict]:
    result = []
    for entry in case.get("expect", []):
        if entry is None or isinstance(entry, str):
            entry = {"node": entry}
        result.append({"code": rule, **entry})
    return result


def load_cases():
    for file in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(file.read_text(encoding="utf-8"))
        for index, case in enumerate(spec["cases"]):
            slug = re.sub(r"[^a-z0-9]+", "-", case["name"].lower()).strip("-")[:50]
            yield pytest.param(spec["rule"], case, id=f"{file.stem}-{index}-{slug}")


@pytest.mark.parametrize("rule, case", list(load_cases()))
def test_rule_case(rule: str | None, case: dict, check_text) -> None:
    text = compose(case)
    path, diagnostics = check_text(text)
    assert not [d for d in diagnostics if d.code == "E099"], "a rule crashed"
    expected = expectations(case, rule)
    markers: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for code in MARKER.findall(line):
            markers.setdefault(code, []).append(number)

    codes = {entry["code"] for entry in expected} | ({rule} if rule else set())
    for code in sorted(codes):
        wanted = [entry for entry in expected if entry["code"] == code]
        found = sorted((d for d in diagnostics if d.code == code), key=lambda d: (d.line or 0, d.column or 0))
        shown = "\n".join(d.format() for d in diagnostics)
        assert len(found) == len(wanted), f"{code}: expected {len(wanted)}, got:\n{shown}"
        lines = markers.get(code, [])
        assert len(lines) == len(wanted), f"{code}: mark each expected line with '# <- {code}'"
        for entry, line, diagnostic in zip(wanted, lines, found):
            assert diagnostic.node == entry.get("node"), diagnostic.format()
            assert diagnostic.file == str(path)
            assert diagnostic.line == line, diagnostic.format()
            if "column" in entry:
                assert diagnostic.column == entry["column"], diagnostic.format()
            if "severity" in entry:
                assert diagnostic.severity == entry["severity"], diagnostic.format()
            if "message" in entry:
                assert entry["message"] in diagnostic.message, diagnostic.format()


def test_every_rule_that_runs_has_a_failing_and_a_passing_case() -> None:
    from goaltree.rules.registry import DEFAULT_RULES

    failing: set[str] = set()
    passing: set[str] = set()
    for file in CASES.glob("*.yaml"):
        spec = yaml.safe_load(file.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            for entry in expectations(case, spec["rule"]):
                failing.add(entry["code"])
            if spec["rule"] and not case.get("expect"):
                passing.add(spec["rule"])
    reported_by_rules = {rule.code for rule in DEFAULT_RULES if rule.runs() or rule.emitted_by == "rules"}
    assert reported_by_rules - {"E099"} <= failing, "missing failing cases"
    assert {rule.code for rule in DEFAULT_RULES if rule.runs()} <= passing, "missing passing cases"
