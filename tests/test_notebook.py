"""An evaluation in a notebook: a real pandas DataFrame, the JSON as text, and HTML for Jupyter."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from support import AS_OF, DATA, HEADER

import goaltree
from goaltree.errors import GoaltreeError

pandas = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def funnel():
    return goaltree.evaluate(goaltree.load(DATA / "funnel.yaml"), AS_OF)


def printed_json(path) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "goaltree", "evaluate", str(path), "--as-of", AS_OF.isoformat(), "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_to_json_is_what_evaluate_prints(funnel):
    done = printed_json(DATA / "funnel.yaml")
    assert funnel.to_json() == done.stdout
    assert json.loads(funnel.to_json())["nodes"]["leads"]["target"] == 5000


def test_to_frame_is_indexed_by_node_with_the_jsons_fields(funnel):
    frame = funnel.to_frame()
    document = json.loads(printed_json(DATA / "funnel.yaml").stdout)["nodes"]
    assert isinstance(frame, pandas.DataFrame)
    assert frame.index.name == "node"
    assert list(frame.index) == list(document)  # goal-file order
    assert set(frame.columns) == set(next(iter(document.values())))
    for node_id, fields in document.items():
        for field, value in fields.items():
            cell = frame.at[node_id, field]
            if value is None:
                assert cell is None or pandas.isna(cell), (node_id, field)
            elif isinstance(value, float):
                assert cell == pytest.approx(value, rel=1e-12), (node_id, field)
            else:
                assert cell == value, (node_id, field)


def test_a_data_team_computes_with_the_frame(funnel):
    frame = funnel.to_frame()
    assert frame["target"].dtype == "float64" and frame["actual"].dtype == "float64"
    # 63 MSEK of revenue at a CLV of 900 000 SEK is 70 customers; at 1.4 % that is 5 000 leads.
    assert frame.at["customers", "target"] == pytest.approx(63_000_000 / 900_000)
    assert frame.at["leads", "target"] == pytest.approx(70 / 0.014)
    behind = frame[frame["status"].isin(["at_risk", "off_track"])].index
    assert set(behind) == {node for node, result in funnel.nodes.items() if result.status in ("at_risk", "off_track")}


def test_to_frame_without_pandas_says_how_to_get_it(funnel, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(GoaltreeError, match=r"pip install pandas"):
        funnel.to_frame()


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def cells(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    return parser


def test_jupyter_shows_an_evaluation_as_a_table(funnel):
    table = cells(funnel._repr_html_())
    header, *rows = table.rows
    assert header == ["node", "title", "target", "actual", "expected", "progress", "status"]
    assert [row[0] for row in rows] == list(funnel.nodes)
    leads = dict(zip(header, rows[list(funnel.nodes).index("leads")]))
    assert leads["target"] == "5 000*" and leads["status"] == funnel.nodes["leads"].status.replace("_", " ").upper()


def test_user_text_is_escaped_in_the_notebook(write_goals):
    path = write_goals(
        HEADER
        + """
nodes:
  leads:
    title: "</td><script>alert(1)</script> 1 500 leads & more"
    unit: count
    target: 1500
    actuals: {2027-03-31: 300}
"""
    )
    evaluation = goaltree.evaluate(goaltree.load(path), AS_OF)
    html = evaluation._repr_html_()
    assert "script" not in cells(html).tags
    assert cells(html).rows[1][1] == "</td><script>alert(1)</script> 1 500 leads & more"
    found = goaltree.check(path)
    assert "script" not in cells(found._repr_html_()).tags


def test_jupyter_shows_a_checks_findings_as_a_table(write_goals):
    path = write_goals(
        HEADER
        + """
nodes:
  leads:
    title: Better leads
    unit: count
    formula: visits * rate
"""
    )
    found = goaltree.check(path)
    assert isinstance(found, list) and found.errors >= 1
    header, *rows = cells(found._repr_html_()).rows
    assert header == ["where", "severity", "code", "node", "message"]
    assert len(rows) == len(found)
    assert [row[2] for row in rows] == [d.code for d in found]
    assert rows[0][0].startswith(str(path) + ":")
