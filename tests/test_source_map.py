"""The line scanner places every value where PyYAML's composer places it, or says it is unsure.

:class:`goaltree.goalfile.SourceMap` answers from a line scanner and composes the
text with PyYAML only where the scanner is unsure. These tests walk every path
of many goal files -- the repository's, generated ones and hand-made awkward
ones -- and require the two answers to be equal wherever the scanner gives one.
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from goaltree.goalfile import SourceMap, parse_document

ROOT = Path(__file__).resolve().parent.parent
HEADER = "goaltree: 1\nid: t\ntitle: T\nperiod: {start: 2027-01-01, end: 2027-12-31}\n"


def _paths(node, path=()):
    """Every path of a composed document, and one missing key or index below each collection."""
    yield path
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            yield from _paths(value_node, path + (key_node.value,))
        yield path + ("no_such_key",)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _paths(item, path + (index,))
        yield path + (len(node.value),)


def _compare(text: str, filename: str = "goals.yaml", *, expect: bool = True) -> tuple[int, int]:
    """Assert agreement on every path; returns (paths compared, paths the scanner was unsure of)."""
    data, problems = parse_document(text, filename)
    source_map = SourceMap(text, filename)
    if expect:
        source_map.expect(data)
    root = source_map._compose()
    assert root is not None
    source_map.locate(())  # builds the scanner
    scanner = source_map._scanner
    compared = unsure = 0
    for path in _paths(root):
        for key in (False, True):
            scanned = scanner.locate(path, key=key)
            if scanned is None:
                unsure += 1
                continue
            compared += 1
            assert scanned == source_map._locate_composed(path, key=key), (filename, path, key)
    return compared, unsure


def _goal_files() -> list[Path]:
    folders = [ROOT / "examples", ROOT / "goaltree" / "starters", ROOT / "tests"]
    files = [p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.suffix in (".yaml", ".yml", ".json")]
    return sorted(p for p in files if "golden" not in p.parts and p.stat().st_size < 2_000_000)


def _is_goal_file(path: Path) -> bool:
    data, problems = parse_document(path.read_text(encoding="utf-8"), path.name)
    return not problems and isinstance(data, dict) and "nodes" in data


@pytest.mark.parametrize("path", [p for p in _goal_files() if _is_goal_file(p)], ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_goal_files(path):
    text = path.read_text(encoding="utf-8")
    compared, unsure = _compare(text, path.name)
    assert compared > 0
    _compare(text, path.name, expect=False)  # the whole-document reading agrees too


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("warnings", [False, True])
def test_generated_goal_files(warnings):
    text = _generator().generate(300, warnings=warnings)
    compared, unsure = _compare(text)
    assert unsure == 0 and compared > 5000


AWKWARD = {
    "comments": HEADER + "# top\nnodes:   # the nodes\n  # at node indent\n  a:  # trailing\n    title: A  # c\n\n    target: 5\n# column 0\n  b: {title: B}  # c\n",
    "block_scalars": HEADER + "nodes:\n  a:\n    title: A\n    description: |\n      one\n        deeper: not a key\n\n      a: b\n    target: 3\n  b:\n    description: >-\n     folded\n    title: B\n",
    "multi_line_plain": HEADER + "nodes:\n  a:\n    title: A long title\n      that continues here\n      and here\n    target: 3\n",
    "multi_line_quoted": HEADER + "nodes:\n  a:\n    title: \"A long title\n  b: not a key\n      end\"\n    target: 3\n  c:\n    title: 'it''s\n      two lines'\n    unit: x\n",
    "multi_line_flow": HEADER + "nodes:\n  a: {title: A,\n      target: 3,\n      actuals: {2027-01-31: 1,\n        2027-02-28: 2}}\n  b:\n    title: B\n    actuals: {\n      2027-01-31: 1,\n      2027-02-28: 2,\n    }\n",
    "flow_continued_at_node_indent": HEADER + "nodes:\n  a: {title: A,\n  target: 3}\n",
    "quoted_keys": HEADER + "nodes:\n  \"a\":\n    'title': A\n    \"target\": 3\n  'b': {\"title\": B, 'unit': \"x\"}\n",
    "sequences": HEADER + "nodes:\n  a:\n    title: A\n    parent:\n      - b\n      - c\n    tags:\n    - x\n    - 'y'\n    - {z: 1}\n    target: 3\n  b: {title: B, parent: [c, \"d\"]}\n",
    "empty_values": HEADER + "nodes:\n  a:\n    title: A\n    description:\n    target: 3\n  b:\n    title: B\n    owner:\n",
    "anchors_and_merge_keys": HEADER + "nodes:\n  a: &base\n    title: A\n    unit: SEK\n  b:\n    <<: *base\n    title: B\n  c: {title: &t C, unit: *t}\n",
    "document_start": "---\n" + HEADER + "nodes:\n  a: {title: A}\n",
    "document_start_after_comment": "# hello\n--- # start\n" + HEADER + "nodes:\n  a: {title: A}\n",
    "space_before_colon": HEADER + "nodes :\n  a :\n    title : A\n    target :   3\n",
    "unicode": HEADER + "nodes:\n  innehall:\n    title: Vi ska göra bättre content — åäö\n    target: 3\n  b: {title: Ökad försäljning, target: 5}\n",
    "crlf": (HEADER + "nodes:\n  a:\n    title: A\n    target: 3\n").replace("\n", "\r\n"),
    "tab": HEADER + "nodes:\n  a: {title:\tA}\n",
    "byte_order_mark": "\ufeff" + HEADER + "nodes:\n  a: {title: A}\n",
    "deep_indent": HEADER + "nodes:\n      a:\n          title: A\n          metric:\n              source: crm\n              where: \"x = 'y'\"\n      b: {title: B}\n",
    "colons_and_hashes": HEADER + "sources:\n  wh: {type: sql, url: \"sqlite:///data/w.db\"}\n  c2: {type: plugin, endpoint: http://example.com:8080/x}\nnodes:\n  a:\n    title: 'Time: 10:30'\n    description: see http://x.y/z#frag\n    formula: b * 2\n  b: {title: B, description: a#b}\n",
    "dates_as_keys": HEADER + "nodes:\n  a:\n    title: A\n    milestones:\n      2027-03-31: 10\n      2027-06-30: 20\n    actuals: {2027-3-31: 1}\n",
    "top_level_after_nodes": HEADER + "nodes:\n  a: {title: A}\nthresholds: {on_track: 0.9, at_risk: 0.7}\nchecks:\n  disable: [S001, M002]\n  options:\n    max_children: 9\n",
    "empty_flow_collections": HEADER + "nodes:\n  a: {title: A, tags: [], milestones: {}}\n",
    "trailing_spaces": HEADER + "nodes:   \n  a:   \n    title: A   \n    target: 3   \n",
    "no_final_line_break": HEADER + "nodes:\n  a:\n    title: A\n    target: 3",
    "question_mark_in_flow": HEADER + "nodes:\n  a: {title: What now?, target: 3}\n",
    "negative_numbers": HEADER + "nodes:\n  a:\n    title: -5 is fine\n    target: -3\n",
    # Node keys the quick word-key reading of the nodes mapping declines, so the general one reads them.
    "flow_nodes": HEADER + "nodes: {a: {title: A}, b: {title: B, target: 3}}\n",
    "flow_nodes_over_lines": HEADER + "nodes: {\n  a: {title: A},\n  b: {title: B, target: 3}\n}\n",
    "quoted_node_key_among_word_keys": HEADER + "nodes:\n  a: {title: A}\n  \"b\": {title: B}\n  c:\n    title: C\n",
    "node_key_with_colon": HEADER + "nodes:\n  a: {title: A}\n  b:c: {title: B}\n",
    "node_key_with_space": HEADER + "nodes:\n  a: {title: A}\n  b c: {title: B}\n",
    "node_keys_not_ascii": HEADER + "nodes:\n  a: {title: A}\n  innehåll: {title: B}\n",
    "node_keys_with_dashes_digits_and_capitals": HEADER + "nodes:\n  a-1: {title: A}\n  9b: {title: B}\n  Cc_d: {title: C}\n",
    "node_keys_that_are_not_strings": HEADER + "nodes:\n  2027: {title: A}\n  true: {title: B}\n  1e3: {title: C}\n",
    "comments_and_blank_lines_between_nodes": HEADER + "nodes:\n  # first\n\n  a:\n    title: A\n  \n  # second\n  b:   # trailing\n    title: B\n",
    "crlf_many_nodes": (HEADER + "nodes:\n  a:\n    title: A\n  b:\n    title: B\n    target: 3\n  c: {title: C}\n").replace("\n", "\r\n"),
    "tab_in_a_node": HEADER + "nodes:\n  a:\n    title: A\n  b:\n    title:\tB\n",
}


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_awkward_yaml(name):
    _compare(AWKWARD[name])
    _compare(AWKWARD[name], expect=False)


def _word_keys_agree(text: str, indent: int) -> bool:
    """The quick reading of keys at ``indent`` declines or reads what the general one reads; whether it read.

    Where it reads, each node's lines, found by searching when asked for (in
    any order), are those the general reading finds.
    """
    from goaltree.goalfile.scanner import _SEARCHES, _keys, _NodeKeys, _word_keys

    quick = _word_keys(text, 0, len(text), indent)
    names, starts = _keys(text, 0, len(text), indent)
    assert quick is None or quick == names, (text, indent)
    if quick is not None and len(set(names)) == len(names):  # node ids are distinct
        known = _NodeKeys(text, names, indent, 0, 0, len(text), starts)
        for order in (range(len(names)), reversed(range(len(names))), random.Random(len(text)).sample(range(len(names)), len(names))):
            searched = _NodeKeys(text, names, indent, 0, 0, len(text), None)
            for index in order:
                assert searched.region(index) == known.region(index), (text, indent, index)
            assert searched._found == sorted(searched._found)  # the nodes found, kept in order to search from
            assert searched._searches <= max(_SEARCHES, len(names) // 8)  # then every node's line is read in one pass
    return quick is not None


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_word_keys_read_what_the_key_pattern_reads(name):
    text = AWKWARD[name].replace("\r\n", "\n")
    for indent in range(0, 8):
        _word_keys_agree(text, indent)


_LINE_PARTS = st.sampled_from(
    ["a", "b_2", "C-d", "9", "é", " ", "  ", ":", ": ", "#", " #x", "'", '"', "{", "}", "[", "-", "- ", "?", "!", "&a", "*a", "|", ">", "x y"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.lists(_LINE_PARTS, max_size=5)), max_size=8), st.integers(0, 4))
def test_word_keys_agree_with_the_key_pattern_on_any_lines(lines, indent):
    text = "\n" + "\n".join(" " * spaces + "".join(parts) for spaces, parts in lines)
    _word_keys_agree(text, indent)


def test_word_keys_read_generated_files():
    text = "\n" + _generator().generate(300)
    assert _word_keys_agree(text, 2)  # the quick reading applies to the usual layout


def test_nodes_of_a_large_file_are_read_without_the_general_key_pattern(monkeypatch):
    from goaltree.goalfile import load_text, scanner

    text = _generator().generate(300)
    result = load_text(text, "bench.yaml")
    assert not result.diagnostics
    reference = SourceMap(text, "bench.yaml")
    monkeypatch.setattr(scanner, "_keys", lambda *args: pytest.fail("the word keys should have been read quickly"))
    for node_id in list(result.goal_file.nodes)[::37]:
        for path, key in ((("nodes", node_id), True), (("nodes", node_id, "title"), False), (("nodes", node_id, "no_such_key"), False)):
            assert result.source_map.locate(path, key=key) == reference._locate_composed(path, key=key)


def test_json_goal_file():
    text = (
        '{\n  "goaltree": 1,\n  "id": "j",\n  "title": "T",\n'
        '  "period": {"start": "2027-01-01", "end": "2027-12-31"},\n'
        '  "nodes": {"a": {"title": "A", "target": 3, "parent": ["b"]},\n'
        '            "b": {"title": "B \\"quoted\\""}}\n}\n'
    )
    compared, unsure = _compare(text, "goals.json")
    assert unsure == 0


def _random_goal_file(rng: random.Random) -> str:
    """A goal file mixing the styles people write: block and flow nodes, comments, lists, quotes."""
    lines = ["# generated", "goaltree: 1", "id: fuzz", "title: Fuzz", "period:", "  start: 2027-01-01", "  end: 2027-12-31", "nodes:"]
    indent = " " * rng.choice((2, 4))
    field = indent + " " * rng.choice((2, 4))
    for number in range(rng.randrange(1, 12)):
        node = f"n{number}"
        title = rng.choice(("Leads 5 000", "'Quoted: title'", '"Double # quoted"', "Plain with a#hash", "Åäö ökning 10 %"))
        style = rng.random()
        if style < 0.35:
            extra = rng.choice(("", ", target: 5", ", parent: [n0]", ", actuals: {2027-01-31: 1, 2027-02-28: 2}"))
            lines.append(f"{indent}{node}: {{title: {title}{extra}}}" + rng.choice(("", "  # note")))
            continue
        lines.append(f"{indent}{node}:" + rng.choice(("", "  # comment")))
        choices = {
            "title": [f"title: {title}"],
            "unit": ["unit: count"],
            "target": [f"target: {rng.randrange(1, 10**6)}"],
            "formula": ["formula: n0 * 2"],
            "description": [
                "description: |\n" + field + "  block text\n" + field + "    deeper: text",
                "description: >\n" + field + "  folded text",
            ],
            "parent": ["parent: [n0]", "parent:\n" + field + "  - n0\n" + field + "  - n1"],
            "actuals": ["actuals: {2027-01-31: 1,\n" + field + "  2027-02-28: 2}"],
            "milestones": ["milestones:\n" + field + "  2027-06-30: 10\n" + field + "  2027-09-30: 20"],
            "metric": ["metric: {source: crm, where: \"stage = 'won'\"}"],
        }
        for name in rng.sample(sorted(choices), rng.randrange(1, len(choices))):
            lines.append(field + rng.choice(choices[name]))
            if rng.random() < 0.2:
                lines.append(rng.choice(("", "# column-0 comment", field + "# indented comment")))
    return "\n".join(lines) + "\n"


def test_random_goal_files():
    rng = random.Random(8)
    compared_total = 0
    for _ in range(150):
        text = _random_goal_file(rng)
        assert not parse_document(text, "fuzz.yaml")[1]
        compared, _ = _compare(text)
        compared_total += compared
    assert compared_total > 10_000


def test_diagnostics_of_a_large_file_are_located_without_composing(monkeypatch):
    from goaltree.goalfile import load_text

    def refuse(self):
        raise AssertionError("the scanner should have located this")

    text = _generator().generate(300, warnings=True)
    result = load_text(text, "bench.yaml")
    monkeypatch.setattr(SourceMap, "_compose", refuse)
    from goaltree.graph import build
    from goaltree.engine import evaluate
    import datetime as dt

    tree, _ = build(result.goal_file, Path("bench.yaml"), result)
    evaluation = evaluate(tree, dt.date(2026, 6, 30))
    warnings = [d for d in evaluation.diagnostics if d.code == "A004"]
    assert len(warnings) > 30 and all(d.line is not None for d in warnings)


@pytest.mark.parametrize(
    "text",
    ["", "!", "a!", " !x", "title: Hi!\n", "a: !!python/object x", "x:\n- !tag", "[!a]", "{a: !b}", "a,!b", "a?!", "a-!", "a:!",
     "x\u00a0!y", "x\u2003!y", "x\x1c!y", "x\x85!y", "line\n!tag", "tab\t!x", "no bang at all", "a!!b!c"],
)
def test_tag_detection_matches_the_regular_expression(text):
    from goaltree.goalfile import parse

    assert parse.has_tag(text) == bool(parse._TAG.search(text))
