"""Snapshots that do not cover what is evaluated: E027, pulling before the period, format 1 snapshots."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

import goaltree
from goaltree.cli import main
from goaltree.errors import GoaltreeError
from goaltree.sources.snapshot import read_snapshot

ROWS_PROJECT = Path(__file__).resolve().parents[1] / "data" / "rows"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The rows project without its SQL nodes (no database needed): csv sources only."""
    folder = tmp_path / "rows"
    shutil.copytree(ROWS_PROJECT, folder)
    goals = folder / "goals.yaml"
    text = goals.read_text(encoding="utf-8")
    goals.write_text(text.split("  sql_deal_days:\n", 1)[0].replace('  warehouse: {type: sql, url: "sqlite:///data/deals.db"}\n', ""))
    return folder


def test_a_snapshot_pulled_before_the_evaluation_date_warns_with_both_dates(project: Path, capsys) -> None:
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2027-03-31", "-o", str(snapshot)]) == 0

    evaluation = goaltree.evaluate(goals, dt.date(2027, 6, 30), snapshot=snapshot)

    stale = [d for d in evaluation.diagnostics if d.code == "E027"]
    assert len(stale) == 1 and stale[0].severity == "warning"
    message = stale[0].message
    assert "data from 2027-01-01 to 2027-03-31" in message  # what the snapshot holds
    assert "evaluating at 2027-06-30" in message
    assert "2027-04-01 to 2027-06-30 are missing" in message  # what may be missing
    assert "goaltree pull --as-of 2027-06-30" in message
    # The numbers are those of the snapshot's days: the deals of 2027-06-30 are not counted.
    assert evaluation.nodes["won_deals"].actual == 4.0

    capsys.readouterr()
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--snapshot", str(snapshot)]) == 0  # a warning
    assert "warning E027" in capsys.readouterr().out


def test_a_snapshot_that_covers_the_evaluation_date_does_not_warn(project: Path) -> None:
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2027-06-30", "-o", str(snapshot)]) == 0

    for as_of in (dt.date(2027, 6, 30), dt.date(2027, 4, 1), dt.date(2026, 12, 1)):
        evaluation = goaltree.evaluate(goals, as_of, snapshot=snapshot)
        assert not [d for d in evaluation.diagnostics if d.code == "E027"], as_of


def test_a_snapshot_pulled_at_the_period_end_is_not_stale_later(project: Path) -> None:
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2028-02-01", "-o", str(snapshot)]) == 0
    assert read_snapshot(snapshot).end == dt.date(2027, 12, 31)

    evaluation = goaltree.evaluate(goals, dt.date(2028, 3, 1), snapshot=snapshot)
    assert not [d for d in evaluation.diagnostics if d.code == "E027"]


def test_pulling_before_the_period_starts_says_so_and_writes_nothing(project: Path, capsys) -> None:
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"

    assert main(["pull", str(goals), "--as-of", "2026-12-15", "-o", str(snapshot)]) == 1

    err = capsys.readouterr().err
    assert "nothing to pull: the period starts on 2027-01-01, after 2026-12-15" in err
    assert "no snapshot written" in err
    assert not snapshot.exists()


def resign(document: dict) -> None:
    """Give an edited snapshot the hash of its new content, as `goaltree pull` would have written it."""
    del document["sha256"]
    fetched_at = document.pop("fetched_at")
    digest = hashlib.sha256(
        json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    document["fetched_at"], document["sha256"] = fetched_at, digest


def as_format_one(path: Path) -> None:
    """Rewrite a snapshot as goaltree wrote format 1: one value per day (the day's sum), re-hashed."""
    document = json.loads(path.read_text(encoding="utf-8"))
    document["goaltree_snapshot"] = 1
    for node_id, rows in document["nodes"].items():
        old = []
        for row in rows:
            value = row[1]
            dimension = row[2] if len(row) >= 3 else None
            old.append([row[0], value] + ([dimension] if dimension is not None else []))
        document["nodes"][node_id] = old
    resign(document)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def test_a_format_one_snapshot_of_sums_lasts_and_counts_still_loads(project: Path) -> None:
    goals = project / "goals.yaml"
    kept = ("won_revenue", "won_deals", "deals_per_day", "busiest_day", "open_pipeline", "open_pipeline_by_region")
    document = yaml.safe_load(goals.read_text(encoding="utf-8"))
    document["nodes"] = {node_id: node for node_id, node in document["nodes"].items() if node_id in kept}
    goals.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    snapshot = project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2027-06-30", "-o", str(snapshot)]) == 0
    current = goaltree.evaluate(goals, dt.date(2027, 6, 30), snapshot=snapshot)
    as_format_one(snapshot)

    old = goaltree.evaluate(goals, dt.date(2027, 6, 30), snapshot=snapshot)

    assert {n: old.nodes[n].actual for n in kept} == {n: current.nodes[n].actual for n in kept}
    assert old.nodes["won_revenue"].actual == 100_000 + 250_000 + 40_000 + 80_000 + 300_000 + 60_000 + 75_000 + 90_000


def test_a_format_one_snapshot_with_a_mean_asks_for_a_new_pull(project: Path, capsys) -> None:
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2027-06-30", "-o", str(snapshot)]) == 0
    as_format_one(snapshot)

    with pytest.raises(GoaltreeError) as raised:
        goaltree.evaluate(goals, dt.date(2027, 6, 30), snapshot=snapshot)
    message = str(raised.value)
    assert "format 1" in message and "run `goaltree pull` again" in message
    for node_id in ("deal_days", "deal_days_by_channel", "fastest_deal", "slowest_deal_by_channel"):
        assert node_id in message
    assert "won_revenue" not in message and "slowest_deal," not in message  # exact in format 1

    capsys.readouterr()
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--snapshot", str(snapshot)]) == 2
    assert "format 1" in capsys.readouterr().err


def test_a_snapshot_pulled_for_a_sum_cannot_answer_a_max(project: Path) -> None:
    """A node changed from `sum` to `max` after the pull: its rows' extremes were never fetched."""
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2027-06-30", "-o", str(snapshot)]) == 0
    document = yaml.safe_load(goals.read_text(encoding="utf-8"))
    document["nodes"]["won_revenue"]["aggregate"] = "max"
    goals.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    with pytest.raises(GoaltreeError, match=r"lacks the smallest and largest rows that the min/max of won_revenue need"):
        goaltree.evaluate(goals, dt.date(2027, 6, 30), snapshot=snapshot)


def test_a_snapshot_of_another_tree_is_refused_naming_both_ids(project: Path, capsys) -> None:
    """Two trees may share node ids (revenue, visits): the other tree's numbers must not be read as these."""
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2027-06-30", "-o", str(snapshot)]) == 0
    other = project / "other.yaml"
    other.write_text(goals.read_text(encoding="utf-8").replace("id: rows-2027", "id: rows-2027-copy"), encoding="utf-8")

    with pytest.raises(GoaltreeError) as raised:
        goaltree.evaluate(other, dt.date(2027, 6, 30), snapshot=snapshot)
    message = str(raised.value)
    assert "pulled for the goal tree 'rows-2027', not for 'rows-2027-copy'" in message
    assert "run `goaltree pull` on this goal file" in message

    capsys.readouterr()
    assert main(["evaluate", str(other), "--as-of", "2027-06-30", "--snapshot", str(snapshot)]) == 2
    captured = capsys.readouterr()
    assert "'rows-2027'" in captured.err and "'rows-2027-copy'" in captured.err
    assert captured.out == ""  # no table of the other tree's numbers
    # The file it was pulled for still reads it.
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--snapshot", str(snapshot)]) == 0


def test_a_node_whose_metric_was_added_after_the_pull_warns_instead_of_showing_no_data_silently(project: Path, capsys) -> None:
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2027-06-30", "-o", str(snapshot)]) == 0
    live = goaltree.evaluate(goals, dt.date(2027, 6, 30))
    document = yaml.safe_load(goals.read_text(encoding="utf-8"))
    document["nodes"]["won_revenue_again"] = {**document["nodes"]["won_revenue"], "title": "Won revenue, added after the pull"}
    goals.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    evaluation = goaltree.evaluate(goals, dt.date(2027, 6, 30), snapshot=snapshot)

    assert evaluation.nodes["won_revenue_again"].status == "no_data"  # the snapshot has nothing for it ...
    stale = [d for d in evaluation.diagnostics if d.code == "E027"]
    assert len(stale) == 1 and stale[0].severity == "warning"  # ... and says so
    assert "holds no observations for node won_revenue_again," in stale[0].message
    assert "run `goaltree pull` again to add it" in stale[0].message
    assert "won_revenue," not in stale[0].message  # the nodes it holds are not named
    assert evaluation.nodes["won_revenue"].actual == live.nodes["won_revenue"].actual

    capsys.readouterr()
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--snapshot", str(snapshot)]) == 0  # a warning
    assert "warning E027" in capsys.readouterr().out

    # Pulled again, the node has its numbers and nothing warns.
    assert main(["pull", str(goals), "--as-of", "2027-06-30", "-o", str(snapshot)]) == 0
    evaluation = goaltree.evaluate(goals, dt.date(2027, 6, 30), snapshot=snapshot)
    assert not [d for d in evaluation.diagnostics if d.code == "E027"]
    assert evaluation.nodes["won_revenue_again"].actual == live.nodes["won_revenue"].actual


def test_several_nodes_missing_from_the_snapshot_are_named_in_one_warning(project: Path) -> None:
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2027-03-31", "-o", str(snapshot)]) == 0
    document = yaml.safe_load(goals.read_text(encoding="utf-8"))
    for name in ("late_a", "late_b"):
        document["nodes"][name] = {**document["nodes"]["won_revenue"], "title": name}
    goals.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    stale = [d.message for d in goaltree.evaluate(goals, dt.date(2027, 6, 30), snapshot=snapshot).diagnostics if d.code == "E027"]

    assert len(stale) == 2  # the days after the pull, and the nodes it never had
    assert any("2027-04-01 to 2027-06-30 are missing" in message for message in stale)
    assert any("holds no observations for nodes late_a, late_b, whose metrics were not in the goal file" in m for m in stale)


def test_a_node_whose_source_failed_at_the_pull_is_not_called_missing(project: Path) -> None:
    """A node in the snapshot's `failed` list was pulled (and failed): not a node added after the pull."""
    goals, snapshot = project / "goals.yaml", project / "goals.snapshot.json"
    assert main(["pull", str(goals), "--as-of", "2027-06-30", "-o", str(snapshot)]) == 0
    document = json.loads(snapshot.read_text(encoding="utf-8"))
    del document["nodes"]["won_revenue"]
    document["failed"] = ["won_revenue"]
    resign(document)
    snapshot.write_text(json.dumps(document, indent=2), encoding="utf-8")

    evaluation = goaltree.evaluate(goals, dt.date(2027, 6, 30), snapshot=snapshot)

    assert not [d for d in evaluation.diagnostics if d.code == "E027"]
