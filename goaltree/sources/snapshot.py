"""Snapshots: fetched observations saved as a file, so that a report can be rebuilt later, offline, exactly.

``goaltree pull goals.yaml`` writes ``goals.snapshot.json`` next to the goal
file; ``--snapshot`` reads it instead of the live sources. The file is JSON
laid out for review in git: one observation per line, nodes in goal-file
order, observations by date and dimension, so that re-pulling unchanged data
gives a byte-identical file and a diff shows only the days that changed::

    {
      "goaltree_snapshot": 2,
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
          ["2027-01-05", 95000.0, "email"],
          ["2027-01-06", 310000.0, null, 3]
        ],
        "deals": [
          ["2027-01-04", 7.0, null, null]
        ]
      }
    }

Each line is one day (and dimension) of a node: ``[date, value]`` or
``[date, value, dimension]`` for a single row; ``[date, sum, dimension or
null, rows]`` for several rows, so that a mean can be taken over every row of
the period, and ``[date, sum, dimension or null, rows, min, max]`` for those
of a ``min`` or ``max`` node; ``[date, value, dimension or null, null]`` for a
day's value that is not made of rows (a ``count``).

Format 1 (goaltree before rows were kept) held one value per day: for a
``mean`` node the day's mean, and with ``by`` the day's sum. It still loads,
with each line read as a day's value, which is exact for ``sum`` and ``last``
nodes, ``count`` metrics and undivided ``min``/``max``;
:func:`snapshot_problems` names the nodes it cannot answer exactly, which
must be pulled again.

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
from goaltree.errors import Diagnostic, GoaltreeError
from goaltree.model import GoalFile
from goaltree.present.language import _, _n, _p, format_date
from goaltree.present.terms import joined_with_and
from goaltree.sources.base import FetchResult, observation_key
from goaltree import codes

SNAPSHOT_FORMAT = 2
OLD_FORMATS = (1,)
"""Formats that still load (see the module docs)."""
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
        format: The snapshot's format (``1`` holds days' values, not rows).
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
    format: int = SNAPSHOT_FORMAT

    def as_fetch_result(self) -> FetchResult:
        """The snapshot in the shape :func:`goaltree.sources.fetch_observations` returns."""
        return FetchResult(dict(self.observations), (), self.failed_nodes)


def default_snapshot_path(goal_path: Path | str) -> Path:
    """Where ``goaltree pull`` writes by default: ``goals.yaml`` -> ``goals.snapshot.json`` beside it."""
    goal_path = Path(goal_path)
    return goal_path.with_name(goal_path.stem + SNAPSHOT_SUFFIX)


def _observation_row(observation: Observation) -> list[Any]:
    row: list[Any] = [observation.date.isoformat(), float(observation.value)]
    if observation.rows == 1:
        if observation.dimension is not None:
            row.append(observation.dimension)
        return row
    row.extend([observation.dimension, observation.rows])
    if observation.rows is not None and observation.low is not None and observation.high is not None:
        row.extend([float(observation.low), float(observation.high)])
    return row


def _observation(path: Path, row: Any, where: str, format: int) -> Observation:
    """The observation of one snapshot line (see the module docs for its shapes)."""
    shapes = (2, 3) if format == 1 else (2, 3, 4, 6)
    if not isinstance(row, list) or len(row) not in shapes:
        if format == 1:
            raise _fail(path, _("{where} is not [date, value] or [date, value, dimension]", where=where))
        raise _fail(
            path,
            _(
                "{where} is not [date, value] or [date, value, dimension], [date, value, dimension, null], "
                "[date, sum, dimension, rows] or [date, sum, dimension, rows, min, max]",
                where=where,
            ),
        )
    numbers = [row[1], *row[4:6]]
    for value in numbers:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _fail(path, _("{where} has value {value}, not a number", where=where, value=_short(value)))
        if isinstance(value, int) and not _float_holds(value):
            raise _fail(path, _("{where} has a value beyond ±1.8e308, not a finite number", where=where))
    dimension = row[2] if len(row) >= 3 else None
    if dimension is not None and not isinstance(dimension, str):
        raise _fail(path, _("{where} has dimension {dimension}, not text", where=where, dimension=repr(dimension)))
    day = _date(path, row[0], _p("source", "{where} date", where=where))
    if format == 1:
        # Format 1 kept one value per day (and dimension): a day's value, not rows.
        return Observation(day, float(row[1]), dimension, None)
    if len(row) == 2 or len(row) == 3:
        return Observation(day, float(row[1]), dimension)
    rows = row[3]
    if rows is None and len(row) == 4:
        return Observation(day, float(row[1]), dimension, None)
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 2:
        raise _fail(
            path,
            _(
                "{where} has rows {rows}; it must be a whole number of 2 or more (or null for a day's value)",
                where=where,
                rows=_short(rows),
            ),
        )
    if rows > MAX_ROWS:  # beyond it a count no longer converts to a float exactly, or at all
        raise _fail(path, _("{where} has more rows than one day can hold ({most} at most)", where=where, most=MAX_ROWS))
    if len(row) == 4:
        return Observation(day, float(row[1]), dimension, rows)
    if float(row[4]) > float(row[5]):
        raise _fail(
            path,
            _("{where} has a smallest row {low} above its largest {high}", where=where, low=repr(row[4]), high=repr(row[5])),
        )
    return Observation(day, float(row[1]), dimension, rows, float(row[4]), float(row[5]))


def snapshot_problems(snapshot: Snapshot, goal_file: GoalFile) -> list[str]:
    """The nodes whose actual ``snapshot`` cannot give exactly for ``goal_file``.

    Format 1 kept a ``mean`` node's daily means (the mean of its rows needs
    their sums and numbers), and with ``by`` each dimension's daily sum (where
    a ``min`` or ``max`` needs the single rows). In any format, a ``min`` or
    ``max`` node pulled while it had another aggregate lacks its rows'
    extremes. Their numbers would be wrong, so such a snapshot must be pulled
    again. Empty when every node can be answered.
    """
    problems = []
    for node_id, observations in snapshot.observations.items():
        node = goal_file.nodes.get(node_id)
        if node is None or not observations:
            continue
        aggregate = node.effective_aggregate
        if aggregate in ("min", "max") and not all(observation.extremes_known for observation in observations):
            problems.append(node_id)
            continue
        if snapshot.format != 1:
            continue
        metric = node.metric
        if metric is not None and (metric.value or "").strip().lower() == "count":
            continue  # a count was a day's value then and is now
        divided = any(observation.dimension is not None for observation in observations)
        if aggregate == "mean" or (aggregate in ("min", "max") and divided):
            problems.append(node_id)
    return problems


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
        raise GoaltreeError(
            _("cannot write snapshot {path}: {error} (values must be finite numbers)", path=path, error=error)
        ) from None
    write_atomic(path, text, what="snapshot")
    return sha256


MAX_ROWS = 2**53
"""The most rows one day of a snapshot may count: every count up to it is exact as a float."""


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
    return GoaltreeError(_("snapshot {path}: {reason}", path=path, reason=reason))


def _date(path: Path, value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _fail(path, _("{where} is {value}, not a date (YYYY-MM-DD)", where=where, value=repr(value))) from None


def read_snapshot(path: Path | str) -> Snapshot:
    """Read and verify a snapshot written by :func:`write_snapshot`.

    A snapshot is committed beside its goal file, so it is held to the goal
    file's rule: a symbolic link leading outside the folder holding it is
    refused unread (:func:`goaltree.goalfile.read.link_leaving_folder`).

    Raises:
        GoaltreeError: The file is missing, is a link leading outside its
            folder, is not a goaltree snapshot, or its content does not match
            its sha256 (edited or damaged).
    """
    from goaltree.goalfile.read import link_leaving_folder

    path = Path(path)
    refused = link_leaving_folder(path)
    if refused is not None:
        raise _fail(
            path,
            _(
                "is a symbolic link that leads outside its folder {folder} (to {target}); it was not read: "
                "replace the link with the snapshot, or give the snapshot's own path",
                folder=refused[0],
                target=refused[1],
            ),
        )
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            # A FIFO would wait for a writer forever and a device never ends: refused unread.
            raise _fail(path, _("is not a regular file (a folder, a FIFO or a device); give the file `goaltree pull` wrote"))
        text = path.read_text(encoding="utf-8-sig")  # an editor's byte-order mark is no part of the JSON
    except FileNotFoundError:
        raise GoaltreeError(_("snapshot {path} not found; write one with `goaltree pull`", path=path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(path, _p("source", "cannot be read: {error}", error=error)) from None
    try:
        document = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as error:
        raise _fail(
            path,
            _(
                "is not valid JSON (line {line}, column {column}: {error}); pull it again",
                line=error.lineno,
                column=error.colno,
                error=error.msg,
            ),
        ) from None
    except RecursionError:
        raise _fail(path, _("nests too deep to be a snapshot (goaltree writes three levels); pull it again")) from None
    if not isinstance(document, dict) or "goaltree_snapshot" not in document:
        raise _fail(path, _("is not a goaltree snapshot (no `goaltree_snapshot` key)"))
    format = document["goaltree_snapshot"]
    if isinstance(format, bool) or format not in (SNAPSHOT_FORMAT, *OLD_FORMATS):
        raise _fail(
            path,
            _(
                "has format {format}; this goaltree reads formats {formats}: pull it again with this goaltree",
                format=repr(format),
                formats=", ".join(map(str, (*OLD_FORMATS, SNAPSHOT_FORMAT))),
            ),
        )
    missing = [key for key in ("tree", "period", "start", "end", "fetched_at", "sha256", "failed", "nodes") if key not in document]
    if missing:
        raise _fail(path, _("lacks {keys}; pull it again", keys=", ".join(missing)))
    recorded = document.pop("sha256")
    fetched_at_text = document.pop("fetched_at")
    try:
        actual = _canonical_hash(document)
    except ValueError as error:
        raise _fail(path, _("holds a value that is not a finite number ({error})", error=error)) from None
    except RecursionError:
        raise _fail(path, _("nests too deep to be a snapshot (goaltree writes three levels); pull it again")) from None
    if actual != recorded:
        raise _fail(
            path,
            _(
                "its content does not match its sha256 (recorded {recorded}…, content {actual}…): "
                "it was changed after it was written; pull it again instead of editing it",
                recorded=str(recorded)[:12],
                actual=actual[:12],
            ),
        )
    try:
        fetched_at = dt.datetime.fromisoformat(fetched_at_text)
    except (TypeError, ValueError):
        raise _fail(path, _("fetched_at is {value}, not a date and time", value=repr(fetched_at_text))) from None
    period = document["period"]
    if not isinstance(period, dict):
        raise _fail(path, _("period is not an object"))
    nodes = document["nodes"]
    if not isinstance(nodes, dict):
        raise _fail(path, _("nodes is not an object"))
    observations: dict[str, tuple[Observation, ...]] = {}
    for node_id, rows in nodes.items():
        if not isinstance(rows, list):
            raise _fail(path, _("nodes.{node} is not a list", node=node_id))
        series = [_observation(path, row, f"nodes.{node_id}[{index}]", format) for index, row in enumerate(rows)]
        observations[node_id] = tuple(sorted(series, key=observation_key))
    failed = document["failed"]
    if not isinstance(failed, list) or not all(isinstance(node_id, str) for node_id in failed):
        raise _fail(path, _("failed is not a list of node ids"))
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
        format=format,
    )


STALE_SNAPSHOT = codes.STALE_SNAPSHOT
"""A snapshot that ends before the evaluation date (or starts after the period): actuals may be missing."""


def check_snapshot(snapshot: Snapshot, goal_file: GoalFile) -> None:
    """Refuse a snapshot whose numbers for ``goal_file`` could not be right.

    Raises:
        GoaltreeError: The snapshot was pulled for another goal tree (its
            ``tree`` is not the goal file's ``id``), or it holds nodes it
            cannot answer exactly (see :func:`snapshot_problems`).
    """
    if snapshot.tree != goal_file.id:
        # Another tree's nodes may share ids with this one's (revenue, visits): its numbers would be read as these.
        raise _fail(
            snapshot.path,
            _(
                "was pulled for the goal tree {snapshot_tree}, not for {tree} (the id of the goal file being read): "
                "its observations belong to another tree; run `goaltree pull` on this goal file to write its own snapshot",
                snapshot_tree=_short(snapshot.tree),
                tree=_short(goal_file.id),
            ),
        )
    problems = snapshot_problems(snapshot, goal_file)
    if problems:
        listed = ", ".join(problems[:5])
        if len(problems) > 5:
            listed = _p("source", "{nodes} and {count} more", nodes=listed, count=len(problems) - 5)
        if snapshot.format == 1:
            why = _(
                "was written in format 1, which kept daily means or per-dimension daily sums for "
                "{nodes}, from which a mean or a smallest/largest row cannot be recomputed; "
                "run `goaltree pull` again to refresh it",
                nodes=listed,
            )
        else:
            why = _(
                "lacks the smallest and largest rows that the min/max of {nodes} need (it was pulled when their "
                "aggregate was another); run `goaltree pull` again to refresh it",
                nodes=listed,
            )
        raise _fail(snapshot.path, why)


def stale_snapshot(snapshot: Snapshot, goal_file: GoalFile, as_of: dt.date) -> list[Diagnostic]:
    """``E027`` warnings for what evaluating at ``as_of`` reads and ``snapshot`` does not hold.

    The engine reads ``period.start`` up to ``as_of`` (at most ``period.end``);
    a snapshot pulled earlier, or before the period was moved back, lacks the
    days outside the ones it fetched, and nothing in its observations shows it.
    A node whose ``metric`` was added to the goal file after the pull has no
    line at all in the snapshot (``pull`` writes every node with a metric, or
    lists it in ``failed``): it would show no data with nothing to tell why.
    """
    start = goal_file.period.start
    end = min(as_of, goal_file.period.end)
    if end < start:
        return []
    diagnostics = _missing_days(snapshot, start, end, as_of)
    uncovered = [
        node_id
        for node_id, node in goal_file.nodes.items()
        if node.metric is not None and node_id not in snapshot.observations and node_id not in snapshot.failed_nodes
    ]
    if uncovered:
        diagnostics.append(_uncovered_nodes(snapshot, uncovered))
    return diagnostics


def _missing_days(snapshot: Snapshot, start: dt.date, end: dt.date, as_of: dt.date) -> list[Diagnostic]:
    """An ``E027`` warning when the snapshot's days do not cover ``start`` to ``end``."""
    missing = []
    if snapshot.end < end:
        first = max(snapshot.end + dt.timedelta(days=1), start)
        missing.append(_days(first, end))
    if snapshot.start > start:
        last = min(snapshot.start - dt.timedelta(days=1), end)
        missing.insert(0, _days(start, last))
    if not missing:
        return []
    gaps = joined_with_and(missing)  # before the snapshot, after it, or both
    message = _(
        "snapshot {snapshot} was pulled on {pulled} with data from {first} to {last}, "
        "but evaluating at {as_of} reads {start} to {end}: observations of {missing} are missing, "
        "so flows (sum) fall short and levels (last) show an older day; "
        "run `goaltree pull --as-of {refresh}` to refresh it",
        snapshot=snapshot.path.name,
        pulled=_pulled(snapshot),
        first=format_date(snapshot.start),
        last=format_date(snapshot.end),
        as_of=format_date(as_of),
        start=format_date(start),
        end=format_date(end),
        missing=gaps,
        refresh=end.isoformat(),
    )
    return [Diagnostic(STALE_SNAPSHOT, "warning", message, file=str(snapshot.path))]


def _uncovered_nodes(snapshot: Snapshot, nodes: list[str]) -> Diagnostic:
    """The ``E027`` warning for nodes with a metric that the snapshot has no line for."""
    listed = ", ".join(nodes[:5])
    if len(nodes) > 5:
        listed = _p("source", "{nodes} and {count} more", nodes=listed, count=len(nodes) - 5)
    message = _n(
        "snapshot {snapshot} (pulled on {pulled}) holds no observations for node {nodes}, whose metric "
        "was not in the goal file when it was pulled: it shows no data here, though its source may have some; "
        "run `goaltree pull` again to add it",
        "snapshot {snapshot} (pulled on {pulled}) holds no observations for nodes {nodes}, whose metrics "
        "were not in the goal file when it was pulled: they show no data here, though their sources may have some; "
        "run `goaltree pull` again to add them",
        len(nodes),
        snapshot=snapshot.path.name,
        pulled=_pulled(snapshot),
        nodes=listed,
    )
    return Diagnostic(STALE_SNAPSHOT, "warning", message, file=str(snapshot.path))


def _pulled(snapshot: Snapshot) -> str:
    """The day the snapshot was fetched, as a date in the output language."""
    fetched = snapshot.fetched_at
    return format_date(fetched.date()) if isinstance(fetched, dt.datetime) else str(fetched)


def _days(first: dt.date, last: dt.date) -> str:
    """A span of days in a sentence: ``2027-04-01 to 2027-06-30``, ``1 april 2027 till 30 juni 2027``."""
    return _p("source", "{first} to {last}", first=format_date(first), last=format_date(last))
