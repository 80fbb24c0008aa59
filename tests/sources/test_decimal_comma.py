"""CSV files as Swedish Excel writes them: `;` between fields, a decimal comma, spaces between thousands.

Every figure is checked twice: against a hand sum written here, and against a
DuckDB query written in this test (every column read as text, the separators
taken out with ``translate``) over the same file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import duckdb
import pydantic
import pytest

from goaltree.cli import main
from goaltree.model import GoalFile
from goaltree.sources import fetch_observations

from .deals import goal_file

START = dt.date(2027, 1, 1)
AS_OF = dt.date(2027, 6, 30)
NBSP, NARROW_NBSP, MINUS = "\u00a0", "\u202f", "\u2212"

# Swedish Excel's CSV: `;`, decimal comma, a space, a no-break space or a narrow no-break space between
# thousands, a minus sign (U+2212) as well as a hyphen, an empty cell, an ambiguous 1,200, and a row of
# last year that the period leaves out.
KOSTNADER = (
    "datum;kanal;kostnad;kommentar\n"
    "2027-01-31;sök;240 000,50;januari\n"
    f"2027-02-28;sök;250{NBSP}000,25;\n"
    f"2027-02-28;social;1{NARROW_NBSP}200,5;\n"
    "2027-03-15;social;-3 000;återbetalning\n"
    f"2027-03-20;e-post;{MINUS}12,75;kreditnota\n"
    "2027-03-20;e-post;;saknas\n"
    "2027-04-02;sök;1200,5;\n"
    "2027-04-02;sök;1,200;tvetydig\n"
    "2026-12-31;sök;999 999,99;förra året\n"
)
# By hand: the rows of 2027 up to the end of June, one day at a time.
BY_HAND = {
    dt.date(2027, 1, 31): 240000.50,
    dt.date(2027, 2, 28): 250000.25 + 1200.5,
    dt.date(2027, 3, 15): -3000.0,
    dt.date(2027, 3, 20): -12.75,
    dt.date(2027, 4, 2): 1200.5 + 1.2,
}
TOTAL_BY_HAND = 240000.50 + 250000.25 + 1200.5 - 3000 - 12.75 + 1200.5 + 1.2  # 489 390,20


def write(folder: Path, text: str, name: str = "data/kostnader.csv") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def by_duckdb(path: Path, where: str = "true", group: str = "datum") -> dict:
    """The daily sums of ``kostnad``, by a query that shares no code with goaltree."""
    amount = f"CAST(replace(replace(translate(kostnad, ' {NBSP}{NARROW_NBSP}', ''), '{MINUS}', '-'), ',', '.') AS DOUBLE)"
    rows = duckdb.sql(
        f"SELECT {group}, sum(amount) FROM (SELECT CAST(datum AS DATE) AS datum, kanal, {amount} AS amount "
        f"FROM read_csv('{path}', delim = ';', all_varchar = true)) "
        f"WHERE amount IS NOT NULL AND datum BETWEEN DATE '{START}' AND DATE '{AS_OF}' AND ({where}) "
        f"GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return {row[0] if len(row) == 2 else tuple(row[:-1]): row[-1] for row in rows}


def source(**options) -> dict:
    return {"ekonomi": {"type": "csv", "path": "data/kostnader.csv", "date_column": "datum", "delimiter": ";", **options}}


def failure(result, node: str) -> str:
    [diagnostic] = [d for d in result.diagnostics if d.node == node]
    assert diagnostic.code == "E017"
    assert node in result.failed_nodes and node not in result.observations
    return diagnostic.message


def test_decimal_comma_reads_every_amount_as_the_file_writes_it(tmp_path: Path) -> None:
    path = write(tmp_path, KOSTNADER)
    tree = goal_file(
        source(decimal=","),
        {
            "kostnad": {"unit": "SEK", "metric": {"source": "ekonomi", "value": "kostnad"}},
            "utgifter": {"unit": "SEK", "metric": {"source": "ekonomi", "value": "kostnad", "where": "kostnad > 0"}},
            "per_kanal": {"unit": "SEK", "metric": {"source": "ekonomi", "value": "kostnad", "by": "kanal"}},
            "storsta": {"unit": "SEK", "aggregate": "max", "metric": {"source": "ekonomi", "value": "kostnad"}},
            "rader": {"unit": "count", "metric": {"source": "ekonomi", "value": "count"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.diagnostics == () and result.failed_nodes == frozenset()
    days = {o.date: o.value for o in result.observations["kostnad"]}
    assert days == pytest.approx(BY_HAND, abs=1e-9)
    assert days == pytest.approx(by_duckdb(path), abs=1e-9)
    assert math.fsum(days.values()) == pytest.approx(TOTAL_BY_HAND, abs=1e-9) == pytest.approx(489390.20, abs=1e-9)
    # The empty cell is no row and no zero: 7 amounts, 8 rows in the period.
    assert sum(o.rows for o in result.observations["kostnad"]) == 7
    assert sum(o.value for o in result.observations["rader"]) == 8
    # The amounts are numbers in `where` too, and a `by` column keeps its text.
    positive = {o.date: o.value for o in result.observations["utgifter"]}
    assert positive == pytest.approx(by_duckdb(path, "amount > 0"), abs=1e-9)
    assert math.fsum(positive.values()) == pytest.approx(240000.50 + 250000.25 + 1200.5 + 1200.5 + 1.2, abs=1e-9)
    channels = {(o.date, o.dimension): o.value for o in result.observations["per_kanal"]}
    assert channels == pytest.approx(by_duckdb(path, group="datum, kanal"), abs=1e-9)
    assert {dimension for _day, dimension in channels} == {"sök", "social", "e-post"}
    # A day of one row keeps its value alone; a day of several keeps their extremes.
    assert max(o.value if o.high is None else o.high for o in result.observations["storsta"]) == 250000.25


@pytest.mark.parametrize(
    "cell, read_as",
    [
        ("240 000,50", 240000.5),
        (f"240{NBSP}000,50", 240000.5),
        (f"1{NARROW_NBSP}234{NARROW_NBSP}567,891", 1234567.891),
        ("-1 200,5", -1200.5),
        (f"{MINUS}1 200,5", -1200.5),
        ("+7,25", 7.25),
        ("1,200", 1.2),  # with `decimal: ","` the comma is the decimal comma, by the user's word
        ("1 200", 1200.0),
        ("0,5", 0.5),
    ],
)
def test_each_way_of_writing_a_number_is_read_right(tmp_path: Path, cell: str, read_as: float) -> None:
    # The text row keeps DuckDB from reading the column itself: goaltree's own reading is what is tested.
    write(tmp_path, f"datum;kostnad\n2027-01-10;{cell}\n2027-01-11;1 000\n")
    tree = goal_file(source(decimal=","), {"kostnad": {"metric": {"source": "ekonomi", "value": "kostnad"}}})

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.diagnostics == ()
    assert {o.date: o.value for o in result.observations["kostnad"]} == {
        dt.date(2027, 1, 10): pytest.approx(read_as, abs=1e-12),
        dt.date(2027, 1, 11): 1000.0,
    }


@pytest.mark.parametrize("cell", ["12 00,5", "1.200,5", "1 2000,5", "070 123 456", "1 200,5 kr", "1,2,3", "n/a"])
def test_a_cell_that_is_no_number_as_written_fails_the_node_and_is_quoted(tmp_path: Path, cell: str) -> None:
    # Never 1200.5 or 12005 or 1.2: a value is right, or it is an error that shows the cell.
    write(tmp_path, f"datum;kostnad\n2027-01-10;240 000,50\n2027-01-11;{cell}\n")
    tree = goal_file(
        source(decimal=","),
        {
            "kostnad": {"metric": {"source": "ekonomi", "value": "kostnad"}},
            "rader": {"unit": "count", "metric": {"source": "ekonomi", "value": "count"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    message = failure(result, "kostnad")
    assert f"holds '{cell}' on line 3 of data/kostnader.csv" in message
    assert 'as `decimal: ","` reads them (such as 240 000,50)' in message
    assert "VARCHAR" not in message
    assert [o.value for o in result.observations["rader"]] == [1.0, 1.0]  # the other node still runs


def test_without_the_option_the_error_quotes_the_cell_names_the_cause_and_the_fix(tmp_path: Path) -> None:
    write(tmp_path, KOSTNADER)
    tree = goal_file(source(), {"kostnad": {"metric": {"source": "ekonomi", "value": "kostnad"}}})

    message = failure(fetch_observations(tree, tmp_path, START, AS_OF), "kostnad")

    assert message == (
        "source ekonomi, node kostnad: value 'kostnad' is text, not a number: column 'kostnad' holds '240 000,50' "
        "on line 2 of data/kostnader.csv, which looks like a number written with a decimal comma; "
        'add `decimal: ","` to the source to read such numbers (spaces between thousands are read too)'
    )


@pytest.mark.parametrize(
    "cell, cause",
    [
        ("1,200", 'though the comma may also separate thousands; if it is a decimal comma (1,200 is 1.2), add `decimal: ","`'),
        ("1 200", 'which looks like a number with spaces between thousands; add `decimal: ","`'),
        ("1 200.5", 'which looks like a number with spaces between thousands; add `decimal: "."`'),
        ("12 kr", "which is not a number; correct the cell, or leave such rows out with `where`"),
    ],
)
def test_the_cause_named_follows_the_cell(tmp_path: Path, cell: str, cause: str) -> None:
    write(tmp_path, f"datum;kostnad\n2027-01-10;5\n2027-01-11;{cell}\n")
    tree = goal_file(source(), {"kostnad": {"metric": {"source": "ekonomi", "value": "kostnad"}}})

    message = failure(fetch_observations(tree, tmp_path, START, AS_OF), "kostnad")

    assert f"holds '{cell}' on line 3 of data/kostnader.csv, " in message
    assert cause in message


def test_an_expression_over_a_text_column_blames_the_amounts_not_the_labels(tmp_path: Path) -> None:
    write(tmp_path, KOSTNADER)
    value = "CASE WHEN kanal = 'sök' THEN kostnad END"
    tree = goal_file(source(), {"sok": {"metric": {"source": "ekonomi", "value": value}}})

    message = failure(fetch_observations(tree, tmp_path, START, AS_OF), "sok")

    assert "column 'kostnad' holds '240 000,50' on line 2" in message and "decimal comma" in message


def test_decimal_point_with_spaces_between_thousands(tmp_path: Path) -> None:
    path = write(tmp_path, f"datum;kostnad\n2027-01-10;240 000.50\n2027-01-11;1{NBSP}200\n2027-01-11;-0.25\n")
    tree = goal_file(source(decimal="."), {"kostnad": {"metric": {"source": "ekonomi", "value": "kostnad"}}})

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.diagnostics == ()
    days = {o.date: o.value for o in result.observations["kostnad"]}
    assert days == {dt.date(2027, 1, 10): 240000.5, dt.date(2027, 1, 11): 1199.75}
    checked = duckdb.sql(
        f"SELECT sum(CAST(translate(kostnad, ' {NBSP}', '') AS DOUBLE)) FROM read_csv('{path}', delim = ';', all_varchar = true)"
    ).fetchall()[0][0]
    assert math.fsum(days.values()) == pytest.approx(checked, abs=1e-9)


def test_a_glob_names_the_files_rather_than_a_line(tmp_path: Path) -> None:
    write(tmp_path, "datum;kostnad\n2027-01-10;5\n", "data/a.csv")
    write(tmp_path, "datum;kostnad\n2027-01-11;1 200,5\n", "data/b.csv")
    tree = goal_file(
        {"ekonomi": {"type": "csv", "path": "data/*.csv", "date_column": "datum", "delimiter": ";"}},
        {"kostnad": {"metric": {"source": "ekonomi", "value": "kostnad"}}},
    )

    message = failure(fetch_observations(tree, tmp_path, START, AS_OF), "kostnad")

    assert "holds '1 200,5' in data/*.csv, which looks like a number written with a decimal comma" in message


@pytest.mark.parametrize("decimal", [";", "',' ) ; COPY x TO 'y' --", "", " "])
def test_the_option_takes_a_point_or_a_comma_and_nothing_else(decimal: str) -> None:
    # The goal file is untrusted: nothing but "." or "," can reach DuckDB's read_csv.
    with pytest.raises(pydantic.ValidationError):
        goal_file(source(decimal=decimal), {"kostnad": {"metric": {"source": "ekonomi", "value": "kostnad"}}})
    with pytest.raises(pydantic.ValidationError):
        GoalFile.model_validate(
            {"goaltree": 1, "id": "t", "title": "T", "period": {"start": "2027-01-01", "end": "2027-12-31"},
             "sources": {"p": {"type": "parquet", "path": "x.parquet", "date_column": "d", "decimal": ","}}, "nodes": {}}
        )


GOALS = """\
goaltree: 1
id: t
title: Test
language: sv
period: {{start: 2027-01-01, end: 2027-12-31}}
owner: Marknadschef
sources:
  ekonomi: {{type: csv, path: data/kostnader.csv, date_column: datum, delimiter: ";"{option}}}
nodes:
  kostnad:
    title: Marknadsföringen kostar högst 3 MSEK 2027
    unit: SEK
    direction: decrease
    target: 3000000
    metric: {{source: ekonomi, value: kostnad}}
"""


def test_the_command_line_in_swedish_and_english(tmp_path: Path, capsys) -> None:
    goals = tmp_path / "goals.yaml"
    goals.write_text(GOALS.format(option=""), encoding="utf-8")
    write(tmp_path, KOSTNADER)

    assert main(["evaluate", str(goals), "--as-of", "2027-06-30"]) == 1
    swedish = capsys.readouterr().out
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--language", "en"]) == 1
    english = capsys.readouterr().out

    assert (
        "error E017 [kostnad] källa ekonomi, nod kostnad: value 'kostnad' är text, inte tal: kolumnen 'kostnad' "
        "innehåller '240 000,50' på rad 2 i data/kostnader.csv, vilket ser ut som ett tal med decimalkomma; "
        'lägg till `decimal: ","` i källan för att läsa sådana tal (mellanslag mellan tusental läses också)'
    ) in swedish
    assert "holds '240 000,50' on line 2 of data/kostnader.csv, which looks like a number written with a decimal comma" in english
    assert "VARCHAR" not in swedish + english

    goals.write_text(GOALS.format(option=', decimal: ","'), encoding="utf-8")
    assert main(["evaluate", str(goals), "--as-of", "2027-06-30", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["nodes"]["kostnad"]["actual"] == pytest.approx(TOTAL_BY_HAND, abs=1e-6)
    assert report["nodes"]["kostnad"]["actual"] == pytest.approx(math.fsum(by_duckdb(tmp_path / "data" / "kostnader.csv").values()), abs=1e-6)


@pytest.mark.parametrize("late_cell, late_value", [("1 200,5", 1200.5), ("1.200,5", None)])
def test_a_late_row_is_read_like_the_first_whatever_duckdb_sniffed(tmp_path: Path, late_cell: str, late_value) -> None:
    # DuckDB guesses a column's type from a sample of its first rows; 30 000 plain "950,5" rows come before
    # the row that groups its thousands (or groups them with points, which the option does not read).
    lines = ["datum;kostnad"] + ["2027-01-10;950,5"] * 30000 + [f"2027-01-11;{late_cell}"]
    path = write(tmp_path, "\n".join(lines) + "\n")
    tree = goal_file(source(decimal=","), {"kostnad": {"metric": {"source": "ekonomi", "value": "kostnad"}}})

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    if late_value is None:
        assert f"holds '{late_cell}' on line 30002 of data/kostnader.csv" in failure(result, "kostnad")
        return
    assert result.diagnostics == ()
    days = {o.date: o.value for o in result.observations["kostnad"]}
    assert days == pytest.approx({dt.date(2027, 1, 10): 950.5 * 30000, dt.date(2027, 1, 11): 1200.5}, abs=1e-6)
    assert days == pytest.approx(by_duckdb_plain(path), abs=1e-6)


def by_duckdb_plain(path: Path) -> dict:
    """Daily sums of a file with only ``datum;kostnad``, by a query of this test's own."""
    rows = duckdb.sql(
        f"SELECT CAST(datum AS DATE), sum(CAST(replace(replace(kostnad, ' ', ''), ',', '.') AS DOUBLE)) "
        f"FROM read_csv('{path}', delim = ';', all_varchar = true) GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return dict(rows)


@pytest.mark.parametrize("options", [{}, {"decimal": ","}])
def test_a_column_of_words_is_named_as_one_whatever_its_empty_cells(tmp_path: Path, options: dict) -> None:
    write(tmp_path, KOSTNADER)
    tree = goal_file(source(**options), {"kommentar": {"metric": {"source": "ekonomi", "value": "kommentar"}}})

    message = failure(fetch_observations(tree, tmp_path, START, AS_OF), "kommentar")

    assert message.endswith(
        "column 'kommentar' holds text such as 'januari' on line 2 of data/kostnader.csv and no numbers; "
        "use a column of numbers, an expression that gives numbers, or `count`"
    )
