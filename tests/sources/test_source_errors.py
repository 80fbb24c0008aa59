"""Every way a source can fail is one located, secret-free error per source and node."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goaltree.errors import Diagnostic
from goaltree.sources import check_metrics, fetch_observations

from .deals import AS_OF, START, assert_series_equal, by_day, expected_count, goal_file, write_deals_csv

CRM = {"type": "csv", "path": "data/deals.csv", "date_column": "close_date"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_deals_csv(tmp_path / "data" / "deals.csv")
    return tmp_path


def only(diagnostics: tuple[Diagnostic, ...], node: str) -> Diagnostic:
    found = [d for d in diagnostics if d.node == node]
    assert len(found) == 1, diagnostics
    return found[0]


def test_a_wrong_column_is_named_with_a_did_you_mean(project: Path) -> None:
    tree = goal_file(
        {"crm": CRM},
        {
            "revenue": {"metric": {"source": "crm", "value": "amout", "where": "dealstage = 'closedwon'"}},
            "won": {"metric": {"source": "crm", "value": "count", "where": "delstage = 'closedwon'"}},
            "per_channel": {"metric": {"source": "crm", "value": "count", "by": "chanel"}},
            "deals": {"metric": {"source": "crm", "value": "count"}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert result.failed_nodes == {"revenue", "won", "per_channel"}
    revenue = only(result.diagnostics, "revenue")
    assert revenue.code == "E017"
    assert revenue.severity == "error"
    assert revenue.message == (
        "source crm, node revenue: column 'amout' not found in data/deals.csv (did you mean 'amount'?)"
    )
    assert revenue.path == ("nodes", "revenue", "metric", "value")
    won = only(result.diagnostics, "won")
    assert won.message == "source crm, node won: column 'delstage' not found in data/deals.csv (did you mean 'dealstage'?)"
    assert won.path == ("nodes", "won", "metric", "where")
    assert only(result.diagnostics, "per_channel").message.endswith("column 'chanel' not found in data/deals.csv (did you mean 'channel'?)")
    # The good node of the same source still delivers.
    assert_series_equal(by_day(result.observations["deals"]), expected_count())


def test_a_wrong_date_column_points_at_the_source(project: Path) -> None:
    tree = goal_file(
        {"crm": {**CRM, "date_column": "closedate"}},
        {"deals": {"metric": {"source": "crm", "value": "count"}}},
    )

    result = fetch_observations(tree, project, START, AS_OF)

    diagnostic = only(result.diagnostics, "deals")
    assert diagnostic.message.endswith("date column 'closedate' not found in data/deals.csv (did you mean 'close_date'?)")
    assert diagnostic.path == ("sources", "crm", "date_column")


def test_invalid_expressions_are_reported_not_run(project: Path) -> None:
    tree = goal_file(
        {"crm": CRM},
        {
            "syntax": {"metric": {"source": "crm", "value": "amount", "where": "dealstage ="}},
            "text_sum": {"metric": {"source": "crm", "value": "dealstage"}},
            "two_statements": {"metric": {"source": "crm", "value": "amount", "where": "1 = 1; DROP TABLE x"}},
            "comment": {"metric": {"source": "crm", "value": "amount -- rest"}},
            "unbalanced": {"metric": {"source": "crm", "value": "amount) FROM x WHERE (1 = 1"}},
            "unclosed": {"metric": {"source": "crm", "value": "sum(amount"}},
            "other_file": {
                "metric": {"source": "crm", "value": "count", "where": "(SELECT count(*) FROM read_text('/etc/hostname')) > 0"}
            },
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert result.failed_nodes == {"syntax", "text_sum", "two_statements", "comment", "unbalanced", "unclosed", "other_file"}
    messages = {d.node: d.message for d in result.diagnostics}
    codes = {d.node: d.code for d in result.diagnostics}
    # What could leave the expression, and a file the source does not hold, is a sandbox refusal.
    assert {node for node, code in codes.items() if code == "E028"} == {
        "two_statements", "comment", "unbalanced", "unclosed", "other_file",
    }
    assert messages["syntax"] == "source crm, node syntax: where 'dealstage =' is not valid: syntax error at or near \"=\""
    assert messages["text_sum"].endswith(
        "value 'dealstage' is text, not a number: column 'dealstage' holds text such as 'appointmentscheduled' on line 2 "
        "of data/deals.csv and no numbers; use a column of numbers, an expression that gives numbers, or `count`"
    )
    assert "may not contain ';'" in messages["two_statements"]
    assert "may not contain SQL comments" in messages["comment"]
    assert messages["unbalanced"] == "source crm, node unbalanced: value 'amount) FROM x WHERE (1 = 1' is refused: it has a ')' without its '('"
    assert messages["unclosed"] == "source crm, node unclosed: value 'sum(amount' is refused: it has a '(' without its ')'"
    assert "Cannot access file" in messages["other_file"]  # a metric may read its own source only


def test_a_missing_file_fails_its_nodes_and_not_the_others(project: Path) -> None:
    tree = goal_file(
        {"crm": CRM, "old": {"type": "csv", "path": "data/deals-2026.csv", "date_column": "close_date"}},
        {
            "deals": {"metric": {"source": "crm", "value": "count"}},
            "old_deals": {"metric": {"source": "old", "value": "count"}},
            "old_revenue": {"metric": {"source": "old", "value": "amount"}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert result.failed_nodes == {"old_deals", "old_revenue"}
    assert set(result.observations) == {"deals"}
    for node in ("old_deals", "old_revenue"):
        diagnostic = only(result.diagnostics, node)
        assert diagnostic.code == "E013"
        assert diagnostic.message.startswith(f"source old, node {node}: file data/deals-2026.csv not found")
        assert diagnostic.path == ("sources", "old", "path")


def test_an_unreadable_file_is_a_source_error(project: Path) -> None:
    (project / "data" / "empty.parquet").write_bytes(b"not parquet at all")
    tree = goal_file(
        {"broken": {"type": "parquet", "path": "data/empty.parquet", "date_column": "d"}},
        {"x": {"metric": {"source": "broken", "value": "count"}}},
    )

    result = fetch_observations(tree, project, START, AS_OF)

    diagnostic = only(result.diagnostics, "x")
    assert diagnostic.code == "E013"
    assert diagnostic.message.startswith("source broken, node x: cannot read data/empty.parquet:")


def test_paths_may_not_leave_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_deals_csv(tmp_path / "outside" / "deals.csv")
    (project / "data").mkdir(parents=True)
    os.symlink(tmp_path / "outside" / "deals.csv", project / "data" / "link.csv")
    tree = goal_file(
        {
            "dotdot": {"type": "csv", "path": "../outside/deals.csv", "date_column": "close_date"},
            "absolute": {"type": "csv", "path": str(tmp_path / "outside" / "deals.csv"), "date_column": "close_date"},
            "symlink": {"type": "csv", "path": "data/link.csv", "date_column": "close_date"},
            "glob": {"type": "csv", "path": "data/*.csv", "date_column": "close_date"},
            "allowed": {
                "type": "csv", "path": "../outside/deals.csv", "date_column": "close_date", "allow_outside_project": True
            },
        },
        {
            f"{name}_deals": {"metric": {"source": name, "value": "count"}}
            for name in ("dotdot", "absolute", "symlink", "glob", "allowed")
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert result.failed_nodes == {"dotdot_deals", "absolute_deals", "symlink_deals", "glob_deals"}
    for diagnostic in result.diagnostics:
        assert diagnostic.code == "E018"
        assert "leads outside the project folder" in diagnostic.message
        assert "allow_outside_project: true" in diagnostic.message
    assert_series_equal(by_day(result.observations["allowed_deals"]), expected_count())


def test_a_missing_environment_variable_is_named(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_EXPORT_DIR", raising=False)
    monkeypatch.setenv("DATA_DIR", "data")
    monkeypatch.setenv("GOALTREE_ALLOWED_VARIABLES", "DATA_DIR CRM_EXPORT_DIR")
    tree = goal_file(
        {
            "crm": {"type": "csv", "path": "${CRM_EXPORT_DIR}/deals.csv", "date_column": "close_date"},
            "set": {"type": "csv", "path": "${DATA_DIR}/deals.csv", "date_column": "close_date"},
            "escaped": {"type": "csv", "path": "$${DATA_DIR}/deals.csv", "date_column": "close_date"},
        },
        {
            "deals": {"metric": {"source": "crm", "value": "count"}},
            "deals_set": {"metric": {"source": "set", "value": "count"}},
            "deals_escaped": {"metric": {"source": "escaped", "value": "count"}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    diagnostic = only(result.diagnostics, "deals")
    assert diagnostic.code == "E018"
    assert diagnostic.message == (
        "source crm, node deals: environment variable CRM_EXPORT_DIR is not set (used in `path`); "
        "set it or change the source"
    )
    assert diagnostic.path == ("sources", "crm", "path")
    assert_series_equal(by_day(result.observations["deals_set"]), expected_count())
    assert only(result.diagnostics, "deals_escaped").message.startswith(
        "source escaped, node deals_escaped: file ${DATA_DIR}/deals.csv not found"
    )


def test_secret_values_never_appear_in_messages(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_TOKEN", "tok-123456789")
    monkeypatch.setenv("DB_HOST", "db.internal.example")
    monkeypatch.setenv("GOALTREE_ALLOWED_VARIABLES", "API_TOKEN,DB_HOST")
    tree = goal_file(
        {
            "files": {"type": "csv", "path": "data/${API_TOKEN}.csv", "date_column": "close_date"},
            "db": {"type": "sql", "url": "postgresql+psycopg://report:hunter2hunter2@${DB_HOST}:1/sales?connect_timeout=1"},
        },
        {
            "a": {"metric": {"source": "files", "value": "count"}},
            "b": {"metric": {"source": "db", "query": "SELECT 1, 2"}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert result.failed_nodes == {"a", "b"}
    text = "\n".join(d.message for d in result.diagnostics)
    assert "tok-123456789" not in text
    assert "hunter2hunter2" not in text
    assert "db.internal.example" not in text
    assert "file data/***.csv not found" in text
    assert "postgresql+psycopg://report:***@***:1/sales" in text


def test_metrics_that_do_not_fit_their_source(project: Path) -> None:
    tree = goal_file(
        {"crm": CRM, "warehouse": {"type": "sql", "url": "sqlite:///w.db"}},
        {
            "unknown": {"metric": {"source": "cmr", "value": "count"}},
            "no_value": {"metric": {"source": "crm", "where": "amount > 0"}},
            "query_on_csv": {"metric": {"source": "crm", "value": "count", "query": "SELECT 1"}},
            "value_on_sql": {"metric": {"source": "warehouse", "value": "amount", "query": "SELECT 1, 2"}},
            "no_query": {"metric": {"source": "warehouse"}},
        },
    )

    expected = {
        "unknown": "source 'cmr' is not declared under `sources` (declared: crm, warehouse; `inline` is built in) (did you mean 'crm'?)",
        "no_value": "a csv source needs `value` in the metric: a column, an expression such as `amount * 0.8`, or `count` for the number of rows",
        "query_on_csv": "a csv source does not read `query`; it takes `value`, `where`, `by`, `date_column`",
        "value_on_sql": "a sql source does not read `value`; it takes `query`",
        "no_query": "a sql source needs `query` in the metric: SQL returning `date, value` rows, with :start and :end bound as parameters",
    }
    result = fetch_observations(tree, project, START, AS_OF)
    static = check_metrics(tree)

    assert result.failed_nodes == set(expected)
    for diagnostics in (result.diagnostics, static):
        assert {d.node for d in diagnostics} == set(expected)
        assert {d.code for d in diagnostics} == {"E019"}
        for diagnostic in diagnostics:
            assert diagnostic.message.endswith(expected[diagnostic.node])
    assert only(static, "unknown").path == ("nodes", "unknown", "metric", "source")
    assert only(static, "no_value").path == ("nodes", "no_value", "metric", "value")


def test_an_unknown_source_type_is_named_with_a_did_you_mean(project: Path) -> None:
    tree = goal_file(
        {"crm": {"type": "cvs", "path": "data/deals.csv"}},
        {"deals": {"metric": {"source": "crm", "value": "count"}}},
    )

    result = fetch_observations(tree, project, START, AS_OF)

    diagnostic = only(result.diagnostics, "deals")
    assert diagnostic.code == "E018"
    assert diagnostic.message == (
        "source crm, node deals: source type 'cvs' is neither built in (inline, csv, parquet, sql) nor provided by "
        "an installed plugin (entry point group goaltree.sources) (did you mean 'csv'?)"
    )
    assert diagnostic.path == ("sources", "crm", "type")


def test_a_date_column_that_holds_no_dates(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("day,amount,kind\n2027-01-05,1,a\nsoon,2,b\n")
    tree = goal_file(
        {"d": {"type": "csv", "path": "d.csv", "date_column": "day"}},
        {
            "amount": {"metric": {"source": "d", "value": "amount"}},
            "by_kind": {"metric": {"source": "d", "value": "amount", "by": "kind"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.failed_nodes == {"amount", "by_kind"}
    for diagnostic in result.diagnostics:
        assert diagnostic.code == "E017"
        assert "soon" in diagnostic.message


@pytest.mark.parametrize("dates", ["01/02/2027\n13/02/2027", "01/02/2027\n02/03/2027", "02.01.2027\n03.01.2027"])
def test_a_date_column_in_another_order_than_year_month_day_is_an_error_not_a_guess(tmp_path: Path, dates: str) -> None:
    # DuckDB's sniffer reads 01/02/2027 as the 1st of February (day first): a US file's
    # January rows would land in February's totals. Only YYYY-MM-DD text is a date.
    first, second = dates.split("\n")
    (tmp_path / "d.csv").write_text(f"day,amount\n{first},1\n{second},2\n")
    tree = goal_file({"d": {"type": "csv", "path": "d.csv", "date_column": "day"}}, {"amount": {"metric": {"source": "d", "value": "amount"}}})

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.failed_nodes == {"amount"}
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "E017"
    assert first in diagnostic.message


def test_dates_and_timestamps_in_iso_form_are_still_read(tmp_path: Path) -> None:
    # 1 on 2027-01-05 and 2 at 2027-01-06 10:30 (its day counts): 3 in all, by hand.
    (tmp_path / "d.csv").write_text("day,amount\n2027-01-05,1\n")
    (tmp_path / "t.csv").write_text("at,amount\n2027-01-06 10:30:00,2\n")
    tree = goal_file(
        {"d": {"type": "csv", "path": "d.csv", "date_column": "day"}, "t": {"type": "csv", "path": "t.csv", "date_column": "at"}},
        {"a": {"metric": {"source": "d", "value": "amount"}}, "b": {"metric": {"source": "t", "value": "amount"}}},
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert not result.failed_nodes and not result.diagnostics
    assert [(o.date.isoformat(), o.value) for o in result.observations["a"] + result.observations["b"]] == [
        ("2027-01-05", 1.0),
        ("2027-01-06", 2.0),
    ]


def test_diagnostics_can_be_located_in_the_goal_file(tmp_path: Path) -> None:
    from goaltree.pipeline import load_goal_file

    write_deals_csv(tmp_path / "data" / "deals.csv")
    goals = tmp_path / "goals.yaml"
    text = (
        "goaltree: 1\n"
        "id: located\n"
        "title: Located\n"
        "period: {start: 2027-01-01, end: 2027-12-31}\n"
        "sources:\n"
        "  crm: {type: csv, path: data/deals.csv, date_column: close_date}\n"
        "  gone: {type: csv, path: data/gone.csv, date_column: close_date}\n"
        "nodes:\n"
        "  revenue:\n"
        "    title: Revenue\n"
        "    metric: {source: crm, value: amout}\n"
        "  old:\n"
        "    title: Old\n"
        "    metric: {source: gone, value: count}\n"
    )
    goals.write_text(text)
    lines = text.splitlines()
    tree = load_goal_file(goals).tree
    assert tree is not None

    result = fetch_observations(tree.goal_file, tree.project_dir, START, AS_OF)

    located = {d.node: tree.locate(d) for d in result.diagnostics}
    assert (located["revenue"].line, located["revenue"].column) == (11, lines[10].index("amout") + 1)
    assert (located["old"].line, located["old"].column) == (7, lines[6].index("data/gone.csv") + 1)
    assert located["revenue"].format() == (
        f"{goals}:11:{lines[10].index('amout') + 1}: error E017 [revenue] source crm, node revenue: column 'amout' not found in "
        "data/deals.csv (did you mean 'amount'?)"
    )


def test_a_node_failing_while_rows_are_read_leaves_the_others(project: Path) -> None:
    tree = goal_file(
        {"crm": CRM},
        {
            "deals": {"metric": {"source": "crm", "value": "count"}},
            "numeric_names": {"metric": {"source": "crm", "value": "count", "where": "CAST(dealname AS INTEGER) > 0"}},
            "per_channel": {"metric": {"source": "crm", "value": "count", "by": "channel"}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert result.failed_nodes == {"numeric_names"}
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    diagnostic = only(result.diagnostics, "numeric_names")
    assert diagnostic.code == "E017"
    assert "Could not convert string" in diagnostic.message


def test_an_expression_that_fails_while_reading_rows_fails_its_node_only(project: Path) -> None:
    # DuckDB reports error() as invalid input, as it does a file it cannot read: the file is fine here.
    tree = goal_file(
        {"crm": CRM},
        {
            "boom": {"metric": {"source": "crm", "value": "error('boom')"}},
            "big": {"metric": {"source": "crm", "value": "count", "where": "CASE WHEN amount > 5000 THEN error('too big') ELSE true END"}},
            "deals": {"metric": {"source": "crm", "value": "count"}},
            "channels": {"metric": {"source": "crm", "value": "count", "by": "channel"}},
        },
    )

    result = fetch_observations(tree, project, START, AS_OF)

    assert {d.node: (d.code, d.message) for d in result.diagnostics} == {
        "boom": ("E017", "source crm, node boom: the metric cannot be computed from data/deals.csv: boom"),
        "big": ("E017", "source crm, node big: the metric cannot be computed from data/deals.csv: too big"),
    }
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert sum(observation.value for observation in result.observations["channels"]) == sum(expected_count().values())
