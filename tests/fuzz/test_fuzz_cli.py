"""Mutated example goal files through load, check, evaluate and report: only goaltree's own diagnostics come out.

The strategies start from the shipped examples (not enterprise: too large for a
quick case) and drop or replace fields, swap value types, inject hostile
strings, extreme numbers and random formulas, and print in English or
Swedish (a translation that loses a field would crash here). Every run goes through
``goaltree.cli.main`` in-process and must end with exit 0, 1 or 2, no traceback
and never the "internal error" path.

The budget is small and derandomized for CI; ``GOALTREE_FUZZ_EXAMPLES=20000``
runs a long, random search locally (docs/reports.md, "Fuzzing").
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (REPO / "examples").glob("*/goals.yaml") if p.parent.name != "enterprise")
LONG_RUN = int(os.environ.get("GOALTREE_FUZZ_EXAMPLES", "0"))

FIELDS = (
    "title", "type", "unit", "direction", "baseline", "target", "deadline", "milestones", "aggregate",
    "formula", "parent", "rollup", "weight", "actuals", "owner", "tags", "description", "range",
)
HOSTILE_TEXT = st.sampled_from(
    [
        "</script><script>alert(1)</script>", "a|b\nc\r\nd", "%0A::error ::x", '"]; digraph x { }', "--> x[\"y\"] %%",
        "\u202e\u0000\x1b[31m", "{{ 7*7 }}", "ÅÄÖ 🚀", "", " ", "\\", "${HOME}", "a" * 300,
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 0.0, 1e308, -1e-308, 10**400]),
)
FORMULA_ATOMS = st.sampled_from(["revenue", "leads", "x", "0", "1", "1e308", "-2", "min(", "max(", "abs(", ")", ",", "**"])
FORMULAS = st.lists(
    st.one_of(FORMULA_ATOMS, st.sampled_from([" + ", " - ", " * ", " / ", " ** "])), min_size=1, max_size=9
).map("".join)
VALUES = st.one_of(
    HOSTILE_TEXT, NUMBERS, FORMULAS, st.none(), st.booleans(), st.lists(HOSTILE_TEXT, max_size=3),
    st.dictionaries(st.sampled_from(["2027-03-31", "bad-date", "2027-02-30"]), NUMBERS, max_size=2),
)


@st.composite
def mutated_goal_file(draw) -> str:
    """One example goal file with a few of its nodes' fields dropped, replaced or mistyped."""
    source = draw(st.sampled_from(EXAMPLES))
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    node_ids = list(document["nodes"])
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        node_id = draw(st.sampled_from(node_ids))
        node = document["nodes"][node_id]
        if not isinstance(node, dict):
            continue
        field = draw(st.sampled_from(FIELDS))
        action = draw(st.sampled_from(["drop", "replace", "formula", "top"]))
        if action == "drop":
            node.pop(field, None)
        elif action == "formula":
            node["formula"] = draw(FORMULAS)
        elif action == "top":
            document[draw(st.sampled_from(["title", "owner", "id", "thresholds", "period", "language"]))] = draw(VALUES)
        else:
            node[field] = draw(VALUES)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def _run(argv: list[str]) -> tuple[int, str]:
    from goaltree.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse
            code = stop.code if isinstance(stop.code, int) else 2
    return code, out.getvalue() + err.getvalue()


def _assert_own_diagnostics(code: int, output: str) -> None:
    assert code in (0, 1, 2), output
    assert "internal error" not in output, output
    assert "Traceback (most recent call last)" not in output, output


BUDGET = settings(
    max_examples=LONG_RUN or 60,
    deadline=None,
    derandomize=not LONG_RUN,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    database=None,
)


@pytest.mark.parametrize("command", ["check", "evaluate", "report"])
@BUDGET
@given(text=mutated_goal_file(), language=st.sampled_from(["en", "sv"]))
def test_mutated_examples_get_only_goaltrees_own_diagnostics(tmp_path_factory, command, text, language):
    folder = tmp_path_factory.mktemp("fuzz")
    goals = folder / "goals.yaml"
    goals.write_text(text, encoding="utf-8")
    argv = {
        "check": ["check", str(goals)],
        "evaluate": ["evaluate", str(goals), "--as-of", "2027-06-30", "--format", "json"],
        "report": ["report", str(goals), "--as-of", "2027-06-30", "--format", "md", "-o", str(folder / "r.md")],
    }[command]
    _assert_own_diagnostics(*_run([*argv, "--language", language]))  # every message, in either language


@BUDGET
@given(formula=FORMULAS, target=NUMBERS)
def test_random_formulas_get_only_goaltrees_own_diagnostics(tmp_path_factory, formula, target):
    folder = tmp_path_factory.mktemp("formula")
    goals = folder / "goals.yaml"
    document = {
        "goaltree": 1, "id": "f", "title": "Formulas", "period": {"start": "2027-01-01", "end": "2027-12-31"},
        "nodes": {
            "revenue": {"title": "Revenue", "formula": formula, "target": target},
            "leads": {"title": "Leads", "unit": "count", "baseline": 10, "actuals": {"2027-03-31": 4}},
            "x": {"title": "X", "type": "driver", "target": 0},
        },
    }
    goals.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    _assert_own_diagnostics(*_run(["evaluate", str(goals), "--as-of", "2027-06-30", "--format", "json"]))
