"""The JSON goaltree writes: the same bytes on every run, standard JSON, numbers rounded to 12 digits."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import goaltree
from goaltree.cli import main
from goaltree.engine import serialize
from goaltree.engine.serialize import NUMBER_FIELDS, evaluation_json_bytes, evaluation_to_json, number, rounded_numbers, write_evaluation_json
from goaltree.jsontext import json_bytes, json_text, write_json, write_json_in_batches

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*/goals.yaml"))
AS_OF = "2027-06-30"


def refuse_constant(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


def strict_json(text: str | bytes):
    """The standard library's reading, refusing NaN and Infinity (which are not JSON)."""
    return json.loads(text, parse_constant=refuse_constant)


def twelve_digits(value: float | None) -> float | int | None:
    """The rounding docs/engine.md promises, written out: 12 significant digits, whole numbers as integers."""
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    rounded = float("%.12g" % value)
    if rounded == int(rounded) and abs(rounded) < 2**53:
        return int(rounded)
    return rounded


def evaluate_command(path: Path, seed: str) -> bytes:
    """``goaltree evaluate --format json`` in its own interpreter, with its own string hashing."""
    environment = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "goaltree", "evaluate", str(path), "--as-of", AS_OF, "--format", "json"],
        capture_output=True, env=environment, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_two_runs_write_the_same_bytes(path):
    first = evaluate_command(path, "1")
    assert first == evaluate_command(path, "2")  # set or hash order must not leak into the file
    document = strict_json(first)
    assert list(document) == ["tree", "as_of", "nodes", "diagnostics"]
    assert list(document["nodes"]) == list(goaltree.load(path).goal_file.nodes)  # goal-file order


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_the_json_holds_the_evaluations_numbers_rounded(path, capsys):
    evaluation = goaltree.evaluate(goaltree.load(path), dt.date.fromisoformat(AS_OF))
    main(["evaluate", str(path), "--as-of", AS_OF, "--format", "json"])
    nodes = strict_json(capsys.readouterr().out)["nodes"]
    assert nodes == strict_json(evaluation_json_bytes(evaluation))["nodes"]
    for node_id, result in evaluation.nodes.items():
        written = nodes[node_id]
        for field in NUMBER_FIELDS:
            assert written[field] == twelve_digits(getattr(result, field)), (node_id, field)
            assert type(written[field]) is type(twelve_digits(getattr(result, field)))
        assert written["attribution"] == {child: twelve_digits(part) for child, part in result.attribution.items()}
        assert written["breakdown"] == {key: twelve_digits(part) for key, part in result.breakdown.items()}
        assert written["children"] == list(result.children)
        assert written["deadline"] == result.deadline.isoformat()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_the_layout_is_two_space_indentation_as_before(path):
    """Files written before the fast encoder differ only where a float is tiny or huge (``1e-05``)."""
    document = evaluation_to_json(goaltree.evaluate(goaltree.load(path), dt.date.fromisoformat(AS_OF)))
    before = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert same_numbers(json_text(document)) == same_numbers(before)


def same_numbers(text: str) -> str:
    """Every number after a key or in a list, spelt as Python spells the float it stands for."""
    return NUMBER.sub(lambda match: match.group(1) + repr(float(match.group(2))), text)


NUMBER = re.compile(r'((?:^|": )\s*)(-?\d[\d.eE+-]*)(?=,?$)', re.MULTILINE)


def test_the_hand_computed_funnel_numbers(capsys):
    """The seed funnel: 63 MSEK at 900 000 SEK a customer, 1.4 % of leads, 2 % of visits."""
    main(["evaluate", str(ROOT / "tests" / "data" / "funnel.yaml"), "--as-of", AS_OF, "--format", "json"])
    nodes = strict_json(capsys.readouterr().out)["nodes"]
    lifetime_value = 100_000 * 3 * 3
    customers = 63_000_000 / lifetime_value  # 70
    assert (nodes["clv"]["target"], nodes["customers"]["target"]) == (900_000, 70)
    assert nodes["leads"]["target"] == twelve_digits(customers / 0.014) == 5_000
    assert nodes["visits"]["target"] == twelve_digits(customers / 0.014 / 0.02) == 250_000
    assert nodes["lead_to_customer"]["actual"] == twelve_digits(30 / 2_500) == 0.012


@pytest.mark.parametrize("arrays_from", [0, 10**9], ids=["on-arrays", "one-by-one"])
@pytest.mark.parametrize("batch", [1, 2, 5, 8192])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_writing_in_batches_gives_the_whole_documents_bytes(path, batch, arrays_from, monkeypatch):
    evaluation = goaltree.evaluate(goaltree.load(path), dt.date.fromisoformat(AS_OF))
    monkeypatch.setattr(serialize, "_BATCH", batch)
    monkeypatch.setattr(serialize, "ARRAYS_FROM_NODES", arrays_from)
    some = list(evaluation.nodes)[1::2]
    for chosen in (None, some, []):
        written = io.StringIO()
        write_evaluation_json(evaluation, written, chosen)
        whole = evaluation_json_bytes(evaluation, chosen)
        assert written.getvalue().encode("utf-8") == whole
        assert list(strict_json(whole)["nodes"]) == (list(evaluation.nodes) if chosen is None else chosen)


def test_batches_fill_the_object_under_their_key_wherever_it_stands():
    document = {"first": [1, {"nodes": {}}], "nodes": {"old": 1}, "last": "é"}
    batches = [{"a": {"x": [1, 2]}, "b": {}}, {}, {"c": None, "d": {"y": {"z": 2**70}}}]
    expected = {**document, "nodes": {"a": {"x": [1, 2]}, "b": {}, "c": None, "d": {"y": {"z": 2**70}}}}
    for given, merged in ((batches, expected), ([{}, {}], {**document, "nodes": {}}), (batches[:1], {**document, "nodes": batches[0]})):
        written = io.StringIO()
        write_json_in_batches(document, "nodes", iter(given), written)
        assert written.getvalue() == json_text(merged)
    written = io.StringIO()
    write_json_in_batches({"tree": "t"}, "nodes", [{"a": 1}], written)  # a key the document lacks comes last
    assert written.getvalue() == json_text({"tree": "t", "nodes": {"a": 1}})


@pytest.mark.parametrize(
    "argv",
    [
        ["rules", "--format", "json"],
        ["check", str(ROOT / "examples" / "okr" / "goals.yaml"), "--format", "json"],
        ["check", str(ROOT / "examples" / "okr" / "goals.yaml"), "--format", "codequality"],
        ["diff", str(ROOT / "tests" / "data" / "funnel.yaml"), str(ROOT / "examples" / "okr" / "goals.yaml"), "--format", "json"],
    ],
    ids=["rules", "check", "codequality", "diff"],
)
def test_every_command_writes_the_same_layout(argv, capsys):
    main(argv)
    printed = capsys.readouterr().out
    assert printed == json_text(strict_json(printed))
    assert printed.startswith(("{\n  \"", "[\n  ", "[]")) and printed.endswith("\n")


def test_the_schema_file_keeps_sorted_keys_and_two_spaces():
    committed = (ROOT / "schemas" / "goaltree.schema.json").read_text(encoding="utf-8")
    assert committed == json.dumps(json.loads(committed), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert committed == json_text(strict_json(committed), sort_keys=True)


def test_non_finite_numbers_are_null_never_nan():
    document = {"nan": math.nan, "inf": [math.inf, -math.inf], "fine": 0.5}
    assert strict_json(json_bytes(document)) == {"nan": None, "inf": [None, None], "fine": 0.5}


def test_integers_beyond_64_bits_are_written_exactly():
    """A goal file may hold a huge integer; the fallback writes it, in the same layout."""
    document = {"big": 2**70, "small": [1, 0.25], "nan": math.nan, "when": dt.date(2027, 6, 30)}
    text = json_text(document)
    assert strict_json(text) == {"big": 2**70, "small": [1, 0.25], "nan": None, "when": "2027-06-30"}
    assert text == '{\n  "big": 1180591620717411303424,\n  "small": [\n    1,\n    0.25\n  ],\n  "nan": null,\n  "when": "2027-06-30"\n}\n'


def test_keys_keep_their_order_unless_sorted():
    document = {"b": 1, "a": {"é": "ü", "c": []}}
    assert json_text(document) == '{\n  "b": 1,\n  "a": {\n    "é": "ü",\n    "c": []\n  }\n}\n'
    assert json_text(document, sort_keys=True) == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert json_text(document, indent=False) == '{"b":1,"a":{"é":"ü","c":[]}}'


def test_text_streams_and_byte_streams_get_the_same_text_in_order():
    document = {"nodes": {f"n{i}": {"value": i / 7, "children": [f"c{i}", "é"]} for i in range(3000)}}
    text_only = io.StringIO()
    text_only.write("before\n")
    write_json(document, text_only)
    raw = io.BytesIO()
    with_bytes = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    with_bytes.write("before\n")  # still in the text layer's buffer when the JSON is written
    write_json(document, with_bytes)
    with_bytes.write("after\n")
    with_bytes.flush()
    assert raw.getvalue().decode("utf-8") == text_only.getvalue() + "after\n"
    assert strict_json(text_only.getvalue().removeprefix("before\n")) == json.loads(json.dumps(document))


def test_a_stream_in_another_encoding_gets_text():
    raw = io.BytesIO()
    latin = io.TextIOWrapper(raw, encoding="latin-1")
    write_json({"title": "Försäljning"}, latin)
    latin.flush()
    assert raw.getvalue().decode("latin-1") == '{\n  "title": "Försäljning"\n}\n'


TIES = [
    0.1 + 0.2, 1 / 3, 2 / 3, -1 / 7, 123456789012.5, 999999999999.5, 9999999999995.0, 0.5, 2.5e-7,
    1.00000000000049, 1.0000000000005, 1.00000000000051, 12345.6789012345, 5e-324, 1e-11, 1e-10, 9.999999999995e-5,
    1e33, 1e34, 1.7976931348623157e308, 2.0**53, 2.0**53 - 1, -(2.0**53), 2.0**63, 1e15 + 0.3, -0.0, 0.0,
]  # fmt: skip


def test_bulk_rounding_matches_twelve_digits_on_awkward_values():
    values = [*TIES, None, math.nan, math.inf, -math.inf, 7, -3]
    assert_same(rounded_numbers(values), [twelve_digits(v) for v in values])


def test_bulk_rounding_matches_twelve_digits_on_many_values():
    generator = random.Random(14)
    values: list[float | None] = []
    for _ in range(50_000):
        scale = 10.0 ** generator.randint(-14, 36)
        values.append(generator.choice((
            generator.uniform(-1, 1) * scale,
            (generator.randint(1, 10**12) + 0.5) / 10 ** generator.randint(0, 16),  # halfway at 12 or 13 digits
            round(generator.uniform(-1e6, 1e6), generator.randint(0, 6)),
            float(generator.randint(-(2**60), 2**60)),
            None,
        )))  # fmt: skip
    assert_same(rounded_numbers(values), [twelve_digits(v) for v in values])


@given(st.lists(st.none() | st.floats() | st.integers(min_value=-(2**62), max_value=2**62)))
def test_bulk_rounding_is_number_one_by_one(values):
    assert_same(rounded_numbers(values), [number(v) for v in values])


def assert_same(got: list, expected: list) -> None:
    assert len(got) == len(expected)
    for index, (left, right) in enumerate(zip(got, expected)):
        assert left == right and type(left) is type(right), (index, left, right)
