"""``did you mean``: the suggestion difflib would make, found without scoring every candidate."""

from __future__ import annotations

import difflib
import importlib.util
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.errors import closest_match, did_you_mean

ROOT = Path(__file__).resolve().parent.parent


def _difflib(word: str, candidates) -> str | None:
    """The suggestion as goaltree made it before: difflib over the sorted distinct candidates."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return close[0] if close else None


def _generated_node_ids() -> list[str]:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import yaml

    return list(yaml.safe_load(module.generate(2000))["nodes"])


FIELDS = ["title", "type", "kpi", "inputs", "description", "owner", "tags", "unit", "direction", "range",
          "baseline", "target", "deadline", "milestones", "aggregate", "formula", "parent", "rollup", "weight",
          "metric", "actuals", "suppress"]

CASES = {
    "a typo": ("taget", FIELDS),
    "nothing close": ("zzz", FIELDS),
    "the word itself": ("unit", FIELDS),
    "equal scores go to the greater string": ("abc", ["abd", "abe", "abf", "xbc"]),
    "equal scores, candidates in another order": ("abc", ["xbc", "abf", "abe", "abd"]),
    "exactly at the cutoff": ("abcde", ["abcxy", "xyz"]),  # ratio 0.6
    "just below the cutoff": ("abcdef", ["abxyzw", "abcxyzwv"]),
    "repeated candidates": ("leads", ["lead", "lead", "leads_", "leads_"]),
    "repeated letters": ("aaab", ["aaaa", "abbb", "baaa", "aabb"]),
    "no candidates": ("leads", []),
    "empty word": ("", ["", "a", "ab"]),
    "empty candidate": ("a", ["", "b", "ab"]),
    "not ASCII": ("försäljning", ["forsaljning", "försäljningen", "köp"]),
    "a word with a line break": ("a\nb", ["ab", "a b", "a\nc"]),
    "candidates with line breaks": ("ab", ["a\nb", "ab\n", "abc"]),
    "a long word (difflib's autojunk)": ("ab" * 120 + "x", ["ab" * 120, "ba" * 120, "ab" * 119 + "xy"]),
    "case": ("Leads", ["leads", "LEADS", "Lead"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_suggestion_is_difflibs(name):
    word, candidates = CASES[name]
    assert closest_match(word, candidates) == _difflib(word, candidates)
    assert closest_match(word, iter(candidates)) == _difflib(word, candidates)  # any iterable


def test_suggestions_among_generated_node_ids_are_difflibs():
    ids = _generated_node_ids()
    rng = random.Random(8)
    words = ["churn_rate", "revenu", "marketing_spend", "leads", "zzz", "u12_3_4_5"]
    for node_id in rng.sample(ids, 40):
        position = rng.randrange(len(node_id))
        words += [
            node_id[:position] + node_id[position + 1 :],  # a letter left out
            node_id[:position] + "x" + node_id[position:],  # one too many
            node_id[:position] + "_" + node_id[position + 1 :],  # one wrong
            node_id[::-1],
        ]
    for word in words:
        assert closest_match(word, ids) == _difflib(word, ids), word


@settings(max_examples=400, deadline=None)
@given(st.text("abc_1", max_size=8), st.lists(st.text("abc_1\n", max_size=9), max_size=25))
def test_suggestions_are_difflibs_for_any_words(word, candidates):
    assert closest_match(word, candidates) == _difflib(word, candidates)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=6), st.lists(st.text(max_size=7), max_size=12))
def test_suggestions_are_difflibs_for_any_text(word, candidates):
    assert closest_match(word, candidates) == _difflib(word, candidates)


def test_did_you_mean_wording():
    assert did_you_mean("taget", FIELDS) == " (did you mean 'target'?)"
    assert did_you_mean("zzz", FIELDS) == ""
    assert did_you_mean("lead", {"leads": 1, "deals": 2}) == " (did you mean 'leads'?)"
