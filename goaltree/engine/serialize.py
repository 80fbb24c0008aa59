"""The JSON form of an evaluation (SPEC §6), deterministic: goal-file order, rounded numbers."""

from __future__ import annotations

import json
import math
from itertools import islice
from typing import IO, Any

from goaltree.engine.results import Evaluation, NodeResult


def number(value: float | None) -> float | int | None:
    """A JSON number with 12 significant digits (no float noise), or ``None``."""
    if value is None or not math.isfinite(value):
        return None
    if value == 0:
        return 0
    rounded = float(f"{value:.12g}")
    if rounded.is_integer() and abs(rounded) < 2**53:
        return int(rounded)
    return rounded


def node_to_json(result: NodeResult) -> dict[str, Any]:
    """One node as SPEC §6 names its fields, plus a few more a report needs."""
    return {
        "title": result.title,
        "type": result.type,
        "unit": result.unit,
        "owner": result.owner,
        "direction": result.direction,
        "target": number(result.target),
        "target_origin": result.target_origin,
        "target_derivation": result.target_derivation.text if result.target_derivation else None,
        "baseline": number(result.baseline),
        "actual": number(result.actual),
        "actual_origin": result.actual_origin,
        "measured_actual": number(result.measured_actual),
        "computed_actual": number(result.computed_actual),
        "expected": number(result.expected),
        "progress": number(result.progress),
        "expected_progress": number(result.expected_progress),
        "status": result.status,
        "forecast": number(result.forecast),
        "score": number(result.score),
        "deadline": result.deadline.isoformat(),
        "attribution": {child: number(amount) for child, amount in result.attribution.items()},
        "unscored_children": dict(result.unscored_children),
        "breakdown": {key: number(value) for key, value in result.breakdown.items()},
        "children": list(result.children),
        "parents": list(result.parents),
    }


def evaluation_to_json(evaluation: Evaluation) -> dict[str, Any]:
    """``{"tree", "as_of", "nodes", "diagnostics"}`` as SPEC §6 specifies."""
    document: dict[str, Any] = {
        "tree": evaluation.tree_id,
        "as_of": evaluation.as_of.isoformat(),
        "nodes": {node_id: node_to_json(result) for node_id, result in evaluation.nodes.items()},
        "diagnostics": [d.to_json() for d in evaluation.diagnostics],
    }
    if evaluation.snapshot:
        document["snapshot"] = evaluation.snapshot
    return document


def write_json(document: object, stream: IO[str]) -> None:
    """``json.dump(document, stream, indent=2, ensure_ascii=False)``, written in large pieces.

    ``json.dump`` hands the stream every token on its own -- millions of writes
    for a large tree, slower than encoding -- and ``json.dumps`` holds every
    token in memory at once; a few thousand tokens per write does neither.
    """
    tokens = json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(document)
    while True:
        batch = list(islice(tokens, 4096))
        if not batch:
            return
        stream.write("".join(batch))


def evaluation_json_text(evaluation: Evaluation) -> str:
    """The text ``goaltree evaluate --format json`` prints, final newline included."""
    import io

    buffer = io.StringIO()
    write_json(evaluation_to_json(evaluation), buffer)
    buffer.write("\n")
    return buffer.getvalue()
