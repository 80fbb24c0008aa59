"""The JSON Schema as editors use it: a standard validator accepts every goal file goaltree accepts.

Editors (VS Code's YAML extension, check-jsonschema) validate a goal file with
``schemas/goaltree.schema.json`` alone. These tests run standard validators
over every goal file the repository holds, every ``goaltree init`` result and
every rule-case snippet that goaltree itself loads without a structure error,
and over wrong files that both must reject: ``Draft202012Validator``, the
draft the schema declares, and ``Draft7Validator``, the draft the YAML
language server behind VS Code's YAML extension implements. Dates are turned
into strings first: a YAML 1.2 editor reads ``2027-01-31`` as a string.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

from goaltree.cli import main  # noqa: E402
from goaltree.goalfile import load_text, parse_document  # noqa: E402
from goaltree.schema import schema  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN_YAML = re.compile(r"^```ya?ml\n(.*?)^```", re.MULTILINE | re.DOTALL)
# The preamble tests/rules/conftest.py puts before a rule case's `nodes`.
RULE_CASE_HEADER = """\
goaltree: 1
id: rule-case
title: Rule case
owner: Head of Marketing
period: {start: 2027-01-01, end: 2027-12-31}
"""


DRAFTS = {"draft2020-12": jsonschema.Draft202012Validator, "draft7": jsonschema.Draft7Validator}


@pytest.fixture(scope="module", params=list(DRAFTS))
def validator(request) -> Any:
    document = schema()
    DRAFTS[request.param].check_schema(document)
    return DRAFTS[request.param](document)


def as_an_editor_reads(value: Any) -> Any:
    """The document as JSON: dates (keys and values) become their ISO text, as YAML 1.2 reads them."""
    if isinstance(value, dict):
        return {as_an_editor_reads(key) if isinstance(key, dt.date) else key: as_an_editor_reads(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_an_editor_reads(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def editor_document(text: str, name: str = "goals.yaml") -> Any:
    """The document goaltree parses from ``text`` (same YAML reading), as an editor's validator gets it."""
    data, problems = parse_document(text, name)
    assert not problems, [problem.format() for problem in problems]
    return as_an_editor_reads(data)


def schema_errors(validator: Any, text: str) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}" for error in validator.iter_errors(editor_document(text))]


def shipped_goal_files() -> Iterator[Any]:
    """Every goal file in the repository: examples, starters and the tests' data."""
    paths = sorted(ROOT.glob("examples/*/goals.yaml")) + sorted((ROOT / "goaltree" / "starters").glob("*/goals.yaml"))
    paths += sorted(path for pattern in ("*.yaml", "*.yml", "*.json") for path in (ROOT / "tests").rglob(pattern)
                    if "golden" not in path.parts and path.parent.name != "cases")
    for path in paths:
        yield pytest.param(path, id=str(path.relative_to(ROOT)))


def rule_case_documents() -> Iterator[Any]:
    """The goal file of every rule case (tests/rules/cases), composed as tests/rules/test_rule_cases.py does."""
    for file in sorted((ROOT / "tests" / "rules" / "cases").glob("*.yaml")):
        for index, case in enumerate(yaml.safe_load(file.read_text(encoding="utf-8"))["cases"]):
            if "document" in case:
                text = case["document"]
            else:
                nodes = case.get("nodes") or "leads: {title: 5 000 leads, unit: count, target: 5000}\n"
                text = RULE_CASE_HEADER + case.get("top", "") + "nodes:\n" + textwrap.indent(nodes, "  ")
            yield pytest.param(text, id=f"{file.stem}-{index}")


def markdown_goal_files() -> Iterator[Any]:
    """Whole goal files written in the docs and the README as ```yaml blocks."""
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for number, match in enumerate(MARKDOWN_YAML.finditer(path.read_text(encoding="utf-8"))):
            if re.search(r"^goaltree: 1\b", match.group(1), re.MULTILINE):
                yield pytest.param(match.group(1), id=f"{path.name}-{number}")


@pytest.mark.parametrize("path", list(shipped_goal_files()))
def test_every_goal_file_goaltree_loads_is_valid_under_the_schema(path: Path, validator) -> None:
    text = path.read_text(encoding="utf-8")
    loaded = load_text(text, path)
    if loaded.goal_file is None:
        pytest.skip("goaltree rejects this file on purpose (a fixture of a structure error)")
    assert schema_errors(validator, text) == []


def test_the_shipped_examples_and_starters_are_all_checked() -> None:
    # The schema bug this file guards against hid in the files with csv sources: make sure they are in the set.
    names = {param.id for param in shipped_goal_files()}
    for template in ("b2b-funnel", "b2b-funnel-sv", "brand-and-business", "okr", "blank"):
        assert f"goaltree/starters/{template}/goals.yaml" in names
    assert {"examples/b2b-funnel/goals.yaml", "examples/brand-and-business/goals.yaml"} <= names


@pytest.mark.parametrize("text", list(rule_case_documents()))
def test_every_rule_case_goaltree_loads_is_valid_under_the_schema(text: str, validator) -> None:
    if load_text(text).goal_file is None:
        pytest.skip("a case of a structure error")
    assert schema_errors(validator, text) == []


@pytest.mark.parametrize("text", list(markdown_goal_files()))
def test_goal_files_in_the_docs_are_valid_under_the_schema(text: str, validator) -> None:
    if load_text(text).goal_file is None:
        pytest.skip("a snippet that shows a mistake")
    assert schema_errors(validator, text) == []


@pytest.mark.parametrize("template", ["b2b-funnel", "b2b-funnel-sv", "brand-and-business", "okr", "blank"])
def test_every_init_template_is_valid_under_the_schema(template: str, tmp_path: Path, validator, capsys) -> None:
    project = tmp_path / "project"
    assert main(["init", str(project), "--template", template]) == 0
    capsys.readouterr()
    text = (project / "goals.yaml").read_text(encoding="utf-8")
    assert load_text(text).goal_file is not None
    # The editor reads the schema file init writes beside the goal file, named by the first line.
    assert text.startswith("# yaml-language-server: $schema=goaltree.schema.json\n")
    written = json.loads((project / "goaltree.schema.json").read_text(encoding="utf-8"))
    assert written == schema()
    assert schema_errors(type(validator)(written), text) == []


def test_init_lists_no_template_the_schema_test_misses(capsys) -> None:
    assert main(["init", "--list"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert listed == {"b2b-funnel", "b2b-funnel-sv", "brand-and-business", "okr", "blank"}


GOOD = """\
goaltree: 1
id: schema-case
title: Schema case
period: {start: 2027-01-01, end: 2027-12-31}
sources:
  crm: {type: csv, path: data/deals.csv, date_column: close_date}
  lake: {type: parquet, path: "data/*.parquet", date_column: day}
  warehouse: {type: sql, url: "sqlite:///data/warehouse.db"}
  hubspot: {type: hubspot, portal: 12345, pipelines: [sales]}
nodes:
  revenue: {title: 63 MSEK new revenue, unit: SEK, target: 63000000, metric: {source: crm, value: amount}}
"""


def test_every_source_kind_matches_exactly_one_schema(validator) -> None:
    # oneOf fails when a source matches two alternatives: built-in types and plugins may never overlap.
    assert load_text(GOOD).goal_file is not None
    assert schema_errors(validator, GOOD) == []


@pytest.mark.parametrize(
    "old, new, error_at, code",
    [
        ("title: Schema case", "title: Schema case\ntitel: typo", "", "E002"),
        ("unit: SEK,", "unit: SEK, tagret: 5,", "nodes/revenue", "E002"),
        ("target: 63000000", "target: lots", "nodes/revenue/target", "E003"),
        ("unit: SEK,", "unit: SEK, direction: up,", "nodes/revenue/direction", "E003"),
        ("date_column: close_date}", "date_colum: close_date}", "sources/crm", "E002"),
        ("{type: sql, url: \"sqlite:///data/warehouse.db\"}", "{type: sql}", "sources/warehouse", "E003"),
        ("goaltree: 1", "goaltree: 2", "goaltree", "E011"),
        ("  revenue: {", "  Revenue: {", "nodes", "E015"),
        ("period: {start: 2027-01-01, end: 2027-12-31}", "period: {start: 2027-01-01}", "period", "E003"),
        ("unit: SEK,", "unit: SEK, direction: maintain, range: [low, high],", "nodes/revenue/range/0", "E003"),
    ],
    ids=["unknown-key", "unknown-node-key", "wrong-type", "wrong-enum", "csv-source-typo", "sql-without-url",
         "format-version", "bad-node-id", "missing-required", "range-of-words"],
)
def test_a_wrong_goal_file_is_rejected_by_both(old: str, new: str, error_at: str, code: str, validator) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new)
    errors = list(validator.iter_errors(editor_document(text)))
    assert errors, "the schema accepts a file goaltree rejects"
    best = jsonschema.exceptions.best_match(errors)
    assert "/".join(map(str, best.absolute_path)) == error_at, best
    assert code in {diagnostic.code for diagnostic in load_text(text).diagnostics}


@pytest.mark.parametrize("name", ["Up", "base", "1st", "_up", "up scenario", "upp!"])
def test_a_scenario_name_goaltree_refuses_is_refused_by_both(name: str, validator) -> None:
    # The names off `[a-z][a-z0-9_-]*`, and `base`, which names the plan itself (docs/reference.md).
    document = {"goaltree": 1, "id": "m", "title": "Matrix", "period": {"start": "2027-01-01", "end": "2027-12-31"},
                "owner": "Ops", "nodes": {"top": {"title": "100 leads", "unit": "count", "target": 100}},
                "scenarios": {name: {"set": {"top": 5}}}}
    text = json.dumps(document)
    assert [diagnostic.code for diagnostic in load_text(text, "goals.json").diagnostics] == ["E003"]
    errors = list(validator.iter_errors(editor_document(text, "goals.json")))
    assert errors, "the schema accepts a scenario name goaltree rejects"
    assert {"/".join(map(str, error.absolute_path)) for error in errors} == {"scenarios"}


@pytest.mark.parametrize("name", ["up", "stretch", "low-case", "q3_push", "b2", "baseline", "bas"])
def test_a_scenario_name_goaltree_accepts_is_valid_under_the_schema(name: str, validator) -> None:
    text = GOOD + f"scenarios:\n  {name}: {{set: {{revenue: 70000000}}}}\n"
    assert load_text(text).goal_file.scenarios[name].set == {"revenue": 70_000_000}
    assert schema_errors(validator, text) == []


def _schemas_in(node: Any, path: str) -> Iterator[tuple[str, dict]]:
    """Every sub-schema with its JSON pointer, leaving out `not` (whose enum lists what is forbidden)."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key == "not":
                continue
            if key in ("properties", "patternProperties", "$defs"):
                for name, child in value.items():
                    yield from _schemas_in(child, f"{path}/{key}/{name}")
            elif isinstance(value, (dict, list)):
                yield from _schemas_in(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _schemas_in(item, f"{path}/{index}")


def test_every_field_and_enum_value_has_a_description() -> None:
    document = schema()
    undescribed, enums = [], 0
    for path, node in _schemas_in(document, "#"):
        for name, field in node.get("properties", {}).items():
            if not field.get("description", "").strip():
                undescribed.append(f"{path}/properties/{name}")
        if "enum" in node:
            enums += 1
            for keyword in ("enumDescriptions", "markdownEnumDescriptions"):
                texts = node.get(keyword, [])
                assert len(texts) == len(node["enum"]) and all(text.strip() for text in texts), f"{path}: {keyword}"
    for name, definition in document["$defs"].items():
        if not definition.get("description", "").strip():
            undescribed.append(f"#/$defs/{name}")
    assert undescribed == []
    # node type, direction, aggregate, rollup, a rule's severity, the file's language and a csv source's decimal
    assert enums == 7


def test_the_reference_and_the_schema_share_each_text() -> None:
    from goaltree.reference import reference_markdown

    reference = reference_markdown()
    document = schema()
    texts = [field["description"] for _, node in _schemas_in(document, "#") for field in node.get("properties", {}).values()]
    texts += [text for _, node in _schemas_in(document, "#") for text in node.get("markdownEnumDescriptions", [])]
    missing = [text for text in texts if text.replace("|", "\\|") not in reference]
    assert missing == []
    node_type = document["$defs"]["Node"]["properties"]["type"]
    assert dict(zip(node_type["enum"], node_type["markdownEnumDescriptions"]))["driver"].startswith("An assumption")


def test_the_committed_schema_file_is_what_editors_read() -> None:
    from goaltree.schema import schema_text

    committed = json.loads((ROOT / "schemas" / "goaltree.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(schema_text())
    jsonschema.Draft202012Validator.check_schema(committed)


def test_a_quoted_number_goaltree_reads_is_flagged_by_the_schema(validator) -> None:
    # docs/tutorial.md tells users to write numbers unquoted for this reason.
    text = GOOD.replace("target: 63000000", 'target: "63000000"')
    assert load_text(text).goal_file.nodes["revenue"].target == 63_000_000
    assert [error.split(":")[0] for error in schema_errors(validator, text)] == ["nodes/revenue/target"]
