"""The example projects check without errors (warnings are allowed only when documented rules)."""

from __future__ import annotations

import pytest

from conftest import REPO

EXAMPLES = sorted((REPO / "examples").glob("*/goals.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.parent.name for path in EXAMPLES])
def test_example_checks_without_errors(path) -> None:
    from goaltree.rules import check_file
    from goaltree.rules.registry import DEFAULT_RULES

    diagnostics = check_file(path)
    assert not [d for d in diagnostics if d.severity == "error"], "\n".join(d.format() for d in diagnostics)
    documented = {rule.code for rule in DEFAULT_RULES}
    assert {d.code for d in diagnostics} <= documented


def test_there_are_examples_to_check() -> None:
    if not EXAMPLES:
        pytest.skip("no examples/*/goals.yaml in this checkout yet")
    assert all(path.is_file() for path in EXAMPLES)


def test_the_seed_funnel_checks_clean() -> None:
    from goaltree.rules import check_file

    assert check_file(REPO / "tests" / "data" / "funnel.yaml") == []
