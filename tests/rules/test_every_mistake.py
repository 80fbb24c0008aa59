"""One goal file with one of each mistake reports all of them, and nothing else, in one run."""

from __future__ import annotations

from collections import Counter

from conftest import DATA

EXPECTED = {
    ("E020", None),  # checks.disable names S02
    ("E021", None),  # checks.options names max_childs
    ("S001", "content"),
    ("S002", "leads"),
    ("S003", "webinars"),
    ("S004", "pipeline"),
    ("S005", "cost_per_lead"),
    ("M001", "downloads"),
    ("M002", "newsletter"),
    ("M003", "podcast"),
    ("M004", "open_rate"),
    ("M005", "pipeline"),
    ("A001", "followers"),
    ("A002", "leads"),
    ("A003", "growth"),
    ("R001", "tiktok_views"),
    ("R002", "content"),
    ("T001", "launch_leads"),
    ("T002", "event_leads"),
    ("T003", "partner_leads"),
    ("E024", "brand"),
    ("E025", "brand"),
}


def test_every_mistake_is_reported_in_one_run() -> None:
    from goaltree.rules import check_file

    diagnostics = check_file(DATA / "every_mistake.yaml")
    found = Counter((d.code, d.node) for d in diagnostics)
    assert set(found) == EXPECTED, "\n".join(d.format() for d in diagnostics)
    assert all(count == 1 for count in found.values()), found
    assert all(d.line is not None and d.column is not None for d in diagnostics)
    # The comment next to each mistake names its code: every finding sits on (or at the node of) its line.
    lines = (DATA / "every_mistake.yaml").read_text(encoding="utf-8").splitlines()
    for diagnostic in diagnostics:
        text = lines[diagnostic.line - 1]
        if diagnostic.code in text:
            continue
        assert diagnostic.node and text.strip().startswith(f"{diagnostic.node}:"), diagnostic.format()


def test_every_mistake_exits_1_and_counts_in_json(capsys) -> None:
    import json

    from goaltree.cli import main

    assert main(["check", str(DATA / "every_mistake.yaml"), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["diagnostics", "errors", "warnings"]
    severities = Counter(d["severity"] for d in document["diagnostics"])
    assert document["errors"] == severities["error"] > 0
    assert document["warnings"] == severities["warning"] > 0
