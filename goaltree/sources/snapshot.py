"""Snapshots: fetched observations saved as a file, so that a report can be rebuilt later, offline, exactly.

``goaltree pull goals.yaml`` writes ``goals.snapshot.json`` next to the goal
file; ``--snapshot`` reads it instead of the live sources. The file is JSON
laid out for review in git: one observation per line, nodes in goal-file
order, observations by date and dimension, so that re-pulling unchanged data
gives a byte-identical file and a diff shows only the days that changed::

    {
      "goaltree_snapshot": 1,
      "tree": "acme-marketing-2027",
      "period": {"start": "2027-01-01", "end": "2027-12-31"},
      "start": "2027-01-01",
      "end": "2027-03-31",
      "fetched_at": "2027-04-01T06:00:00+00:00",
      "sha256": "…",
      "failed": [],
      "nodes": {
        "revenue": [
          ["2027-01-04", 120000.0],
          ["2027-01-05", 95000.0, "email"]
        ]
      }
    }

``sha256`` is the hash of everything but ``fetched_at`` and itself, in a
canonical form (sorted keys, no spaces): it names the data, so two pulls of
the same data have the same hash, and a snapshot edited by hand or damaged is
refused when read. The file is written atomically: a temporary file in the
same folder is renamed over the old one, and nothing is left behind on failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goaltree.observations import Observation
from goaltree.outputs import write_atomic
from goaltree.errors import GoaltreeError
from goaltree.model import GoalFile
from goaltree.sources.base import FetchResult, observation_key

SNAPSHOT_FORMAT = 1
SNAPSHOT_SUFFIX = ".snapshot.json"


@dataclass(frozen=True)
class Snapshot:
    """A snapshot read back and verified.

    Attributes:
        path: Where it was read from.
        tree: The goal tree's id.
        period_start: The goal file's ``period.start`` when it was pulled.
        period_end: The goal file's ``period.end`` when it was pulled.
        start: First day fetched.
        end: Last day fetched (the ``as_of`` of the pull).
        fetched_at: When the data was fetched.
        sha256: The hash of the data (see the module docs).
        observations: Node id -> observations, sorted by date and dimension.
        failed_nodes: Nodes whose source failed when the snapshot was pulled.
    """

    path: Path
    tree: str
    period_start: dt.date
    period_end: dt.date
    start: dt.date
    end: dt.date
    fetched_at: dt.datetime
    sha256: str
    observations: dict[str, tuple[Observation, ...]]
    failed_nodes: frozenset[str]

    def as_fetch_result(self) -> FetchResult:
        """The snapshot in the shape :func:`goaltree.sources.fetch_observations` returns."""
        return FetchResult(dict(self.observations), (), self.failed_nodes)


def default_snapshot_path(goal_path: Path | str) -> Path:
    """Where ``goaltree pull`` writes by default: ``goals.yaml`` -> ``goals.snapshot.json`` beside it."""
    goal_path = Path(goal_path)
    return goal_path.with_name(goal_path.stem + SNAPSHOT_SUFFIX)


def _observation_row(observation: Observation) -> list[Any]:
    row: list[Any] = [observation.date.isoformat(), float(observation.value)]
    if observation.dimension is not None:
        row.append(observation.dimension)
    return row


def _canonical_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _render(content: dict[str, Any], fetched_at: str, sha256: str) -> str:
    """The snapshot text: fixed key order, one observation per line."""
    lines = ["{"]
    header = {
        "goaltree_snapshot": content["goaltree_snapshot"],
        "tree": content["tree"],
        "period": content["period"],
        "start": content["start"],
        "end": content["end"],
        "fetched_at": fetched_at,
        "sha256": sha256,
        "failed": content["failed"],
    }
    for key, value in header.items():
        lines.append(f"  {_dump(key)}: {_dump(value)},")
    lines.append('  "nodes": {')
    node_items = list(content["nodes"].items())
    for node_index, (node_id, rows) in enumerate(node_items):
        node_comma = "," if node_index < len(node_items) - 1 else ""
        if not rows:
            lines.append(f"    {_dump(node_id)}: []{node_comma}")
            continue
        lines.append(f"    {_dump(node_id)}: [")
        for row_index, row in enumerate(rows):
            row_comma = "," if row_index < len(rows) - 1 else ""
            lines.append(f"      {_dump(row)}{row_comma}")
        lines.append(f"    ]{node_comma}")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_snapshot(
    path: Path | str,
    goal_file: GoalFile,
    fetch_result: FetchResult,
    start: dt.date,
    end: dt.date,
    fetched_at: dt.datetime,
) -> str:
    """Write ``fetch_result`` to ``path`` atomically; return the data's sha256.

    Nodes follow the goal file's order; the same data and ``fetched_at`` give a
    byte-identical file.

    Raises:
        GoaltreeError: The file cannot be written (the old one, if any, is unchanged).
    """
    path = Path(path)
    order = list(goal_file.nodes)
    extra = sorted(set(fetch_result.observations) - set(order))
    nodes = {
        node_id: [_observation_row(o) for o in sorted(fetch_result.observations[node_id], key=observation_key)]
        for node_id in [*order, *extra]
        if node_id in fetch_result.observations
    }
    content = {
        "goaltree_snapshot": SNAPSHOT_FORMAT,
        "tree": goal_file.id,
        "period": {"start": goal_file.period.start.isoformat(), "end": goal_file.period.end.isoformat()},
        "start": start.isoformat(),
        "end": end.isoformat(),
        "failed": sorted(fetch_result.failed_nodes),
        "nodes": nodes,
    }
    try:
        sha256 = _canonical_hash(content)
        text = _render(content, fetched_at.isoformat(timespec="seconds"), sha256)
    except ValueError as error:
        raise GoaltreeError(f"cannot write snapshot {path}: {error} (values must be finite numbers)") from None
    write_atomic(path, text, what="snapshot")
    return sha256


def _json_int(digits: str) -> int | float:
    """A JSON integer; one longer than Python converts (4 300 digits) is the float it stands for, ±inf."""
    return int(digits) if len(digits) <= 4000 else float(digits)


def _float_holds(value: int) -> bool:
    """Whether ``value`` converts to a finite float (an integer beyond ±1.8e308 overflows)."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _short(value: Any) -> str:
    """``repr`` of a value read from a snapshot, cut short: a damaged file may hold anything."""
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _fail(path: Path, reason: str) -> GoaltreeError:
    return GoaltreeError(f"snapshot {path}: {reason}")


def _date(path: Path, value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _fail(path, f"{where} is {value!r}, not a date (YYYY-MM-DD)") from None


def read_snapshot(path: Path | str) -> Snapshot:
    """Read and verify a snapshot written by :func:`write_snapshot`.

    Raises:
        GoaltreeError: The file is missing, is not a goaltree snapshot, or its
            content does not match its sha256 (edited or damaged).
    """
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            # A FIFO would wait for a writer forever and a device never ends: refused unread.
            raise _fail(path, "is not a regular file (a folder, a FIFO or a device); give the file `goaltree pull` wrote")
        text = path.read_text(encoding="utf-8-sig")  # an editor's byte-order mark is no part of the JSON
    except FileNotFoundError:
        raise GoaltreeError(f"snapshot {path} not found; write one with `goaltree pull`") from None
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(path, f"cannot be read: {error}") from None
    try:
        document = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as error:
        raise _fail(path, f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); pull it again") from None
    except RecursionError:
        raise _fail(path, "nests too deep to be a snapshot (goaltree writes three levels); pull it again") from None
    if not isinstance(document, dict) or "goaltree_snapshot" not in document:
        raise _fail(path, "is not a goaltree snapshot (no `goaltree_snapshot` key)")
    if document["goaltree_snapshot"] != SNAPSHOT_FORMAT:
        raise _fail(path, f"has format {document['goaltree_snapshot']!r}; this goaltree reads format {SNAPSHOT_FORMAT}")
    missing = [key for key in ("tree", "period", "start", "end", "fetched_at", "sha256", "failed", "nodes") if key not in document]
    if missing:
        raise _fail(path, f"lacks {', '.join(missing)}; pull it again")
    recorded = document.pop("sha256")
    fetched_at_text = document.pop("fetched_at")
    try:
        actual = _canonical_hash(document)
    except ValueError as error:
        raise _fail(path, f"holds a value that is not a finite number ({error})") from None
    except RecursionError:
        raise _fail(path, "nests too deep to be a snapshot (goaltree writes three levels); pull it again") from None
    if actual != recorded:
        raise _fail(
            path,
            f"its content does not match its sha256 (recorded {str(recorded)[:12]}…, content {actual[:12]}…): "
            "it was changed after it was written; pull it again instead of editing it",
        )
    try:
        fetched_at = dt.datetime.fromisoformat(fetched_at_text)
    except (TypeError, ValueError):
        raise _fail(path, f"fetched_at is {fetched_at_text!r}, not a date and time") from None
    period = document["period"]
    if not isinstance(period, dict):
        raise _fail(path, "period is not an object")
    nodes = document["nodes"]
    if not isinstance(nodes, dict):
        raise _fail(path, "nodes is not an object")
    observations: dict[str, tuple[Observation, ...]] = {}
    for node_id, rows in nodes.items():
        if not isinstance(rows, list):
            raise _fail(path, f"nodes.{node_id} is not a list")
        series = []
        for index, row in enumerate(rows):
            where = f"nodes.{node_id}[{index}]"
            if not isinstance(row, list) or len(row) not in (2, 3):
                raise _fail(path, f"{where} is not [date, value] or [date, value, dimension]")
            value = row[1]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _fail(path, f"{where} has value {_short(value)}, not a number")
            if isinstance(value, int) and not _float_holds(value):
                raise _fail(path, f"{where} has a value beyond ±1.8e308, not a finite number")
            dimension = row[2] if len(row) == 3 else None
            if dimension is not None and not isinstance(dimension, str):
                raise _fail(path, f"{where} has dimension {dimension!r}, not text")
            series.append(Observation(_date(path, row[0], f"{where} date"), float(value), dimension))
        observations[node_id] = tuple(sorted(series, key=observation_key))
    failed = document["failed"]
    if not isinstance(failed, list) or not all(isinstance(node_id, str) for node_id in failed):
        raise _fail(path, "failed is not a list of node ids")
    return Snapshot(
        path=path,
        tree=str(document["tree"]),
        period_start=_date(path, period.get("start"), "period.start"),
        period_end=_date(path, period.get("end"), "period.end"),
        start=_date(path, document["start"], "start"),
        end=_date(path, document["end"], "end"),
        fetched_at=fetched_at,
        sha256=recorded,
        observations=observations,
        failed_nodes=frozenset(failed),
    )
