"""What `goaltree evaluate --format json` writes is byte for byte what ``json.dump`` writes."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

import goaltree
from goaltree.engine.serialize import evaluation_to_json, write_json

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*/goals.yaml")), ids=lambda p: p.parent.name)
def test_json_written_in_pieces_is_what_json_dump_writes(path):
    evaluation = goaltree.evaluate(goaltree.load(path), dt.date(2027, 6, 30))
    document = evaluation_to_json(evaluation)
    expected = io.StringIO()
    json.dump(document, expected, indent=2, ensure_ascii=False)
    written = io.StringIO()
    write_json(document, written)
    assert written.getvalue() == expected.getvalue()


def test_more_tokens_than_one_piece():
    document = {"nodes": {f"n{i}": {"value": i / 7, "children": [f"c{i}", "é"], "empty": {}} for i in range(3000)}}
    expected = json.dumps(document, indent=2, ensure_ascii=False)
    written = io.StringIO()
    write_json(document, written)
    assert written.getvalue() == expected
