"""Snapshots: round trip, stable bytes, tampering refused, atomic writes."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from goaltree.engine.results import Observation
from goaltree.errors import GoaltreeError
from goaltree.sources import FetchResult, fetch_observations
from goaltree.sources.snapshot import default_snapshot_path, read_snapshot, write_snapshot

from .deals import AS_OF, START, goal_file, write_deals_csv

FETCHED_AT = dt.datetime(2027, 3, 16, 6, 0, tzinfo=dt.timezone.utc)
NODES = {
    "revenue": {"metric": {"source": "crm", "value": "amount", "where": "dealstage = 'closedwon'"}},
    "deals_by_channel": {"metric": {"source": "crm", "value": "count", "by": "channel"}},
    "broken": {"metric": {"source": "crm", "value": "amout"}},
    "visits": {"actuals": {"2027-01-31": 100}},
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_deals_csv(tmp_path / "data" / "deals.csv")
    return tmp_path


def tree():
    return goal_file({"crm": {"type": "csv", "path": "data/deals.csv", "date_column": "close_date"}}, NODES)


def pull(project: Path, path: Path) -> str:
    result = fetch_observations(tree(), project, START, AS_OF)
    return write_snapshot(path, tree(), result, START, AS_OF, FETCHED_AT)


def test_round_trip(project: Path) -> None:
    result = fetch_observations(tree(), project, START, AS_OF)
    path = project / "goals.snapshot.json"

    digest = write_snapshot(path, tree(), result, START, AS_OF, FETCHED_AT)
    snapshot = read_snapshot(path)

    assert snapshot.sha256 == digest
    assert snapshot.observations == result.observations
    assert snapshot.failed_nodes == result.failed_nodes == {"broken"}
    assert snapshot.fetched_at == FETCHED_AT
    assert (snapshot.tree, snapshot.start, snapshot.end) == ("deals-test", START, AS_OF)
    assert (snapshot.period_start, snapshot.period_end) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert snapshot.as_fetch_result().observations == result.observations


def test_the_file_is_diff_friendly_json(project: Path) -> None:
    path = project / "goals.snapshot.json"
    pull(project, path)
    text = path.read_text()
    document = json.loads(text)

    assert list(document) == [
        "goaltree_snapshot", "tree", "period", "start", "end", "fetched_at", "sha256", "failed", "nodes"
    ]
    assert list(document["nodes"]) == ["revenue", "deals_by_channel"]  # goal-file order
    lines = text.splitlines()
    first_email = next(line for line in lines if '"email"' in line)
    # A count is a day's value, not rows: [date, value, dimension, null].
    assert re.fullmatch(r'      \["2027-01-01", \d+\.0, "email", null\],', first_email)
    observation_lines = [line for line in lines if line.startswith("      [")]
    assert len(observation_lines) == sum(len(rows) for rows in document["nodes"].values())
    assert text.endswith("}\n")


def test_the_same_data_gives_a_byte_identical_file_and_hash(project: Path) -> None:
    first, second = project / "first.json", project / "second.json"

    assert pull(project, first) == pull(project, second)
    assert first.read_bytes() == second.read_bytes()


def test_the_hash_names_the_data_not_the_time_of_fetching(project: Path) -> None:
    result = fetch_observations(tree(), project, START, AS_OF)
    early = write_snapshot(project / "a.json", tree(), result, START, AS_OF, FETCHED_AT)
    late = write_snapshot(project / "b.json", tree(), result, START, AS_OF, FETCHED_AT + dt.timedelta(days=1))
    other = write_snapshot(project / "c.json", tree(), result, START, AS_OF - dt.timedelta(days=1), FETCHED_AT)

    assert early == late
    assert other != early


@pytest.mark.parametrize(
    "tamper",
    [
        lambda text: text.replace('"2027-01-02", ', '"2027-01-03", ', 1),  # a date moved
        lambda text: text.replace(".0, \"email\", null]", ".5, \"email\", null]", 1),  # a value changed
        lambda text: text.replace('"failed": ["broken"]', '"failed": []'),  # a failure hidden
        lambda text: text.replace('"end": "2027-03-15"', '"end": "2027-03-31"'),  # a longer range claimed
    ],
    ids=["date", "value", "failed", "end"],
)
def test_a_tampered_snapshot_is_refused(project: Path, tamper) -> None:
    path = project / "goals.snapshot.json"
    pull(project, path)
    original = path.read_text()
    changed = tamper(original)
    assert changed != original
    path.write_text(changed)

    with pytest.raises(GoaltreeError, match="does not match its sha256"):
        read_snapshot(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"nodes": ', "is not valid JSON"),
        ("[]", "is not a goaltree snapshot"),
        ('{"goaltree_snapshot": 3}', "has format 3"),
        ('{"goaltree_snapshot": 1, "tree": "t"}', "lacks period, start, end"),
    ],
)
def test_a_damaged_snapshot_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(text)

    with pytest.raises(GoaltreeError, match=message):
        read_snapshot(path)


def test_a_missing_snapshot_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(GoaltreeError, match="not found; write one with `goaltree pull`"):
        read_snapshot(tmp_path / "nope.json")


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = project / "goals.snapshot.json"
    pull(project, path)
    before = path.read_bytes()
    listing = sorted(os.listdir(project))

    def refuse(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = FetchResult({"revenue": (Observation(START, 1.0),)}, (), frozenset())
    with pytest.raises(GoaltreeError, match="cannot write snapshot .*No space left on device"):
        write_snapshot(path, tree(), result, START, AS_OF, FETCHED_AT)

    assert path.read_bytes() == before
    assert sorted(os.listdir(project)) == listing


def test_a_value_that_is_not_a_number_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "goals.snapshot.json"
    result = FetchResult({"revenue": (Observation(START, float("nan")),)}, (), frozenset())

    with pytest.raises(GoaltreeError, match="finite numbers"):
        write_snapshot(path, tree(), result, START, AS_OF, FETCHED_AT)

    assert os.listdir(tmp_path) == []


def test_the_written_file_is_readable_by_others(tmp_path: Path) -> None:
    path = tmp_path / "goals.snapshot.json"
    write_snapshot(path, tree(), FetchResult({}, (), frozenset()), START, AS_OF, FETCHED_AT)

    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_the_default_path_is_next_to_the_goal_file() -> None:
    assert default_snapshot_path(Path("plans/goals.yaml")) == Path("plans/goals.snapshot.json")
    assert default_snapshot_path("q1.yml") == Path("q1.snapshot.json")


@pytest.mark.parametrize("rows", [10**400, 2**53 + 1])
def test_a_snapshot_counting_more_rows_than_a_day_holds_is_a_clear_error(project: Path, rows: int) -> None:
    """Anyone can recompute the hash: a committed snapshot is read as untrusted, and a count too large for a float is refused."""
    from goaltree.sources.snapshot import _canonical_hash

    path = project / "goals.snapshot.json"
    pull(project, path)
    document = json.loads(path.read_text())
    node_id, series = next((node, rows) for node, rows in document["nodes"].items() if rows)
    series[0] = [series[0][0], series[0][1], series[0][2] if len(series[0]) > 2 else None, rows]
    content = {key: value for key, value in document.items() if key not in ("sha256", "fetched_at")}
    document["sha256"] = _canonical_hash(content)
    path.write_text(json.dumps(document))

    with pytest.raises(GoaltreeError, match=rf"nodes\.{node_id}\[0\] has more rows than one day can hold"):
        read_snapshot(path)
