"""The JSON form of an evaluation (SPEC §6), deterministic: goal-file order, rounded numbers.

Numbers carry 12 significant digits, so float noise (``0.30000000000000004``)
never reaches a file. :func:`rounded_numbers` rounds a whole evaluation's
numbers in one pass over an array; :func:`number` rounds one and is the
definition both follow.
"""

from __future__ import annotations

import math
from itertools import islice
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Sequence

from goaltree.engine.results import Evaluation, NodeResult, NodeResults
from goaltree.jsontext import json_bytes, write_json_in_batches

NUMBER_FIELDS = (
    "target", "baseline", "actual", "measured_actual", "computed_actual",
    "expected", "progress", "expected_progress", "forecast", "score",
)  # fmt: skip
"""The node fields that hold a number, in the order :func:`nodes_to_json` reads them."""

# 2**53: above it a float no longer holds every integer, so a large whole number stays a float.
_EXACT_INTEGERS = 2.0**53


def number(value: float | None) -> float | int | None:
    """A JSON number with 12 significant digits (no float noise), or ``None``."""
    if value is None or not math.isfinite(value):
        return None
    if value == 0:
        return 0
    rounded = float(f"{value:.12g}")
    if rounded.is_integer() and abs(rounded) < _EXACT_INTEGERS:
        return int(rounded)
    return rounded


def rounded_numbers(values: Sequence[float | None]) -> list[float | int | None]:
    """``[number(value) for value in values]``, worked out on an array.

    Each value ``x`` is rounded as ``rint(x * 10**places) / 10**places`` with
    ``places`` chosen to keep 12 significant digits. The power of ten and the
    12-digit integer are exact floats, so the division gives the float nearest
    the rounded decimal, as parsing ``f"{x:.12g}"`` does. The product can be
    off by half a unit in its last place (about 1e-4 at 12 digits); a value
    whose product lies that close to a half, or whose magnitude is outside
    the range where the powers of ten are exact, goes through :func:`number`.
    """
    import numpy

    if not values:
        return []
    try:
        floats = numpy.array(values, dtype=float)  # None becomes NaN
    except (OverflowError, TypeError, ValueError):
        return [number(value) for value in values]
    with numpy.errstate(all="ignore"):  # log10(0), inf * 0: those values are handled apart
        magnitude = numpy.abs(floats)
        finite = numpy.isfinite(floats)
        # Within these bounds the power of ten stays exact even when log10 is one off.
        usable = finite & (magnitude >= 1e-10) & (magnitude < 1e33)
        places = numpy.where(usable, 11 - numpy.floor(numpy.log10(magnitude)), 0).astype(numpy.int64)
        powers = 10.0 ** numpy.abs(places)
        upward = places >= 0
        scaled = numpy.where(upward, floats * powers, floats / powers)
        whole = numpy.rint(scaled)
        candidates = numpy.where(upward, whole / powers, whole * powers)
        digits = numpy.abs(whole)
        near_half = numpy.abs(numpy.abs(scaled - numpy.trunc(scaled)) - 0.5) < 2e-4
        # A wrong log10 near a power of ten shows as 11 or 13 digits.
        unsure = (usable & ((digits < 1e11) | (digits > 1e12) | near_half)) | (finite & ~usable & (floats != 0))
        integral = (finite & (candidates == numpy.trunc(candidates)) & (numpy.abs(candidates) < _EXACT_INTEGERS)) | (floats == 0)
    result = numpy.empty(len(floats), dtype=object)
    result[:] = candidates
    result[integral] = candidates[integral].astype(numpy.int64)  # Python ints: JSON 5, not 5.0
    result[~finite] = None
    rounded = result.tolist()
    for index in numpy.flatnonzero(unsure).tolist():
        rounded[index] = number(values[index])
    return rounded


# Nodes rounded and written together: large enough that the array work dominates,
# small enough that the arrays and the text stay a few megabytes whatever the tree.
_BATCH = 8192

ARRAYS_FROM_NODES = 20_000
"""From this many nodes numbers are rounded on arrays: below it, importing numpy
costs more than the arrays save (docs/performance.md has the figures)."""


def _rounding_for(nodes: int) -> Callable[[Sequence[float | None]], list[float | int | None]]:
    return rounded_numbers if nodes >= ARRAYS_FROM_NODES else _rounded_one_by_one


def _rounded_one_by_one(values: Sequence[float | None]) -> list[float | int | None]:
    return [number(value) for value in values]


def nodes_to_json(results: Iterable[NodeResult]) -> list[dict[str, Any]]:
    """Each node as SPEC §6 names its fields, plus a few more a report needs, in the order given."""
    documents = [result_fields(result) for result in results]
    rounding = _rounding_for(len(documents))
    for first in range(0, len(documents), _BATCH):
        _round_fields(documents[first : first + _BATCH], rounding)
    return documents


def result_fields(result: NodeResult) -> dict[str, Any]:
    """What the JSON shows of one result, in its order, its numbers not yet rounded."""
    derivation = result.target_derivation
    return {
        "title": result.title,
        "type": result.type,
        "unit": result.unit,
        "owner": result.owner,
        "direction": result.direction,
        "target": result.target,
        "target_origin": result.target_origin,
        "target_derivation": derivation.text if derivation else None,
        "baseline": result.baseline,
        "actual": result.actual,
        "actual_origin": result.actual_origin,
        "measured_actual": result.measured_actual,
        "computed_actual": result.computed_actual,
        "expected": result.expected,
        "progress": result.progress,
        "expected_progress": result.expected_progress,
        "status": result.status,
        "forecast": result.forecast,
        "score": result.score,
        "deadline": result.deadline.isoformat(),
        "attribution": dict(result.attribution),
        "unscored_children": dict(result.unscored_children),
        "breakdown": dict(result.breakdown),
        "children": list(result.children),
        "parents": list(result.parents),
    }


def _round_fields(documents: list[dict[str, Any]], rounding: Callable[[Sequence[float | None]], list]) -> None:
    """Round every number of :func:`result_fields` objects in place, all of them in one call of ``rounding``."""
    values: list[float | None] = []
    for document in documents:
        # NUMBER_FIELDS, in its order
        values += (
            document["target"], document["baseline"], document["actual"], document["measured_actual"],
            document["computed_actual"], document["expected"], document["progress"],
            document["expected_progress"], document["forecast"], document["score"],
        )  # fmt: skip
        values.extend(document["attribution"].values())
        values.extend(document["breakdown"].values())
    numbers = iter(rounding(values))
    for document in documents:
        (
            document["target"], document["baseline"], document["actual"], document["measured_actual"],
            document["computed_actual"], document["expected"], document["progress"],
            document["expected_progress"], document["forecast"], document["score"],
        ) = islice(numbers, 10)  # fmt: skip
        # zip stops at the end of its first argument, so it takes one number per key.
        document["attribution"] = dict(zip(document["attribution"], numbers))
        document["breakdown"] = dict(zip(document["breakdown"], numbers))


def rounded_fields(
    results: Mapping[str, NodeResult], node_ids: Sequence[str], rounding: Callable[[Sequence[float | None]], list]
) -> list[dict[str, Any]]:
    """:func:`result_fields` of each of ``node_ids``, in order, numbers rounded by ``rounding`` in one call.

    The fields come straight from the engine's values when it can give them,
    rounded before the objects are made; otherwise from each result.
    """
    if isinstance(results, NodeResults):
        documents = results.json_fields(node_ids, rounding)
        if documents is not None:
            return documents
    documents = [result_fields(result) for result in results_for_json(results, node_ids)]
    _round_fields(documents, rounding)
    return documents


def json_nodes(results: Mapping[str, NodeResult], node_ids: Sequence[str]) -> list[dict[str, Any]]:
    """:func:`nodes_to_json` of the results of ``node_ids``, read as the JSON writer reads them."""
    rounding = _rounding_for(len(node_ids))
    documents: list[dict[str, Any]] = []
    for first in range(0, len(node_ids), _BATCH):
        documents += rounded_fields(results, node_ids[first : first + _BATCH], rounding)
    return documents


def node_to_json(result: NodeResult) -> dict[str, Any]:
    """One node as SPEC §6 names its fields (see :func:`nodes_to_json`)."""
    return nodes_to_json((result,))[0]


def evaluation_to_json(evaluation: Evaluation, node_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """``{"tree", "as_of", "nodes", "diagnostics"}`` as SPEC §6 specifies.

    Args:
        evaluation: The evaluated tree.
        node_ids: The nodes to include, in this order; default: every node in goal-file order.
    """
    chosen = list(evaluation.nodes) if node_ids is None else list(node_ids)
    results = evaluation.nodes
    document: dict[str, Any] = {
        "tree": evaluation.tree_id,
        "as_of": evaluation.as_of.isoformat(),
        "nodes": dict(zip(chosen, json_nodes(results, chosen))),
        "diagnostics": [d.to_json() for d in evaluation.diagnostics],
    }
    if evaluation.snapshot:
        document["snapshot"] = evaluation.snapshot
    if evaluation.scenario is not None:
        document["scenario"] = evaluation.scenario
    return document


def write_evaluation_json(evaluation: Evaluation, stream: IO[str], node_ids: Iterable[str] | None = None) -> None:
    """Write what ``goaltree evaluate --format json`` prints, a batch of nodes at a time.

    The text is :func:`evaluation_json_bytes`'s; only one batch of nodes'
    objects and text is in memory at a time.
    """
    chosen = list(evaluation.nodes) if node_ids is None else list(node_ids)
    results = evaluation.nodes
    rounding = _rounding_for(len(chosen))

    def batches() -> Iterator[dict[str, Any]]:
        for first in range(0, len(chosen), _BATCH):
            batch = chosen[first : first + _BATCH]
            yield dict(zip(batch, rounded_fields(results, batch, rounding)))

    write_json_in_batches(evaluation_to_json(evaluation, ()), "nodes", batches(), stream)


def results_for_json(results: Mapping[str, NodeResult], node_ids: Iterable[str]) -> Iterator[NodeResult]:
    """The results of ``node_ids``, in order, as the JSON reads them: each once, never their observations.

    The engine's results are then built for this read without their
    observation series and not kept (:meth:`NodeResults.read_through`);
    any other mapping's results are given as they are.
    """
    if isinstance(results, NodeResults):
        return results.read_through(node_ids, observations=False)
    return (results[node_id] for node_id in node_ids)


def evaluation_json_bytes(evaluation: Evaluation, node_ids: Iterable[str] | None = None) -> bytes:
    """The UTF-8 text ``goaltree evaluate --format json`` prints, final newline included."""
    return json_bytes(evaluation_to_json(evaluation, node_ids))


def evaluation_json_text(evaluation: Evaluation) -> str:
    """The text ``goaltree evaluate --format json`` prints, final newline included."""
    return evaluation_json_bytes(evaluation).decode("utf-8")
