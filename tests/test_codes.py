"""Diagnostic codes are spelled in one place, goaltree/codes.py, and each has a rule that documents it."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from goaltree import codes
from goaltree.rules.registry import DEFAULT_RULES

PACKAGE = Path(__file__).resolve().parent.parent / "goaltree"
CODE_LITERAL = re.compile(r"""^[rbuRBU]*(['"])[EAMSTRW]\d{3}\1$""")


def named_codes() -> dict[str, str]:
    return {name: value for name, value in vars(codes).items() if name.isupper()}


def test_no_module_spells_a_code_but_codes_py():
    spelled = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "codes.py" and path.parent == PACKAGE:
            continue
        text = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and CODE_LITERAL.match(token.string):
                spelled.append(f"{path.relative_to(PACKAGE)}:{token.start[0]}: {token.string}")
    assert spelled == []


def test_the_check_catches_a_spelled_code():
    text = 'Diagnostic("E006", "error", "cycle")\n'
    found = [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if CODE_LITERAL.match(t.string)]
    assert found == ['"E006"']


def test_every_name_is_one_rule_and_every_rule_has_a_name():
    names = named_codes()
    assert len(set(names.values())) == len(names), "two names for one code"
    rule_codes = sorted(rule.code for rule in DEFAULT_RULES)
    assert len(set(rule_codes)) == len(rule_codes), "two rules with one code"
    assert sorted(names.values()) == rule_codes


def test_names_say_what_the_rule_says():
    # The name of a code is its rule class's name in capitals: CYCLE is structure.Cycle (E006).
    names = named_codes()
    for rule in DEFAULT_RULES:
        expected = re.sub(r"(?<!^)(?=[A-Z])", "_", rule.__name__).upper()
        assert names[expected] == rule.code, rule.__name__
    assert codes.CYCLE == "E006" and codes.MALFORMED_DOCUMENT == "E001" and codes.SANDBOX_REFUSED == "E028"
