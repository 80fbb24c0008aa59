"""The JSON Schema of the goal-file format, generated from :mod:`goaltree.model`.

``schemas/goaltree.schema.json`` is this text; a test fails when it is stale.
Regenerate it with ``goaltree schema -o schemas/goaltree.schema.json``.
"""

from __future__ import annotations

from goaltree.jsontext import json_text

SCHEMA_ID = "https://goaltree.dev/schemas/goaltree.schema.json"


def schema() -> dict:
    """The schema as a dictionary."""
    from goaltree.model import GoalFile

    document = GoalFile.model_json_schema(by_alias=True, mode="validation")
    # Node ids are keys matching a pattern; anything else is a mistake an editor should flag.
    document["properties"]["nodes"]["additionalProperties"] = False
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "$comment": "Generated from goaltree/model.py by `goaltree schema`. DO NOT EDIT.",
        **document,
    }


def schema_text() -> str:
    """The schema as deterministic JSON text (sorted keys, trailing newline)."""
    return json_text(schema(), sort_keys=True)
