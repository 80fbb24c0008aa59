"""User text with ``<script>``, ``&`` and quotes comes out escaped in every format.

The hostile goal file puts markup in the tree's title, a node's title, a unit
and the owner; the breakdown adds a hostile source name. No format may carry
a live ``<script>`` (or any other tag from the goal file).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest
from report_helpers import HOSTILE_DIMENSION, with_breakdown
from report_helpers import hostile  # noqa: F401 (pytest fixtures)

from goaltree.render.dot import render, to_dot
from goaltree.render.mermaid import to_mermaid
from goaltree.report import render_report

TITLE = "<script>alert(\"pwned\")</script> & 'quoted' [x] {y} (z) | #1 `tick` *star* _under_"


@pytest.fixture(scope="module")
def evaluation(hostile):
    return with_breakdown(hostile, "deals", {HOSTILE_DIMENSION: 3, "partners": 2})


def test_dot(evaluation):
    text = to_dot(evaluation)
    assert "<script" not in text.lower() and "<img" not in text
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;" in text
    assert "Deals &lt;/td&gt;&lt;/tr&gt;&lt;/TABLE&gt;&gt;" in text  # cannot close the card's table


def test_svg(evaluation):
    text = render(evaluation, "svg").decode("utf-8")
    root = ElementTree.fromstring(text)  # still well-formed XML
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(" in text
    texts = "".join(e.text or "" for e in root.iter("{http://www.w3.org/2000/svg}text"))
    assert '<script>alert("pwned")' in texts  # shown to the reader as the literal characters


def test_mermaid(evaluation):
    text = to_mermaid(evaluation)
    body = text.split("\n", 1)[1]
    assert "<script" not in body.lower() and "&" not in body
    # In a card (a label with <br/>), Markdown's brackets get a backslash too: mermaid.js reads Markdown there.
    assert "#60;script#62;alert#40;#34;pwned#34;#41;#60;/script#62; #38; 'quoted' \\#91;x\\#93;" in body
    for line in body.splitlines():
        if '["' in line:
            label = line.split('"', 1)[1].rsplit('"', 1)[0]
            assert '"' not in label and "`" not in label
    assert "```" not in text  # cannot close a Markdown code fence


def test_markdown(evaluation):
    text = render_report(evaluation, "md")
    assert "<script" not in text.lower() and "<img" not in text
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt; &amp; &#39;quoted&#39; \\[x\\] {y} (z) \\| #\u200b1 \\`tick\\` \\*star\\* \\_under\\_" in text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; Co" in text
    fence = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert "#60;script#62;" in fence


def test_html(evaluation):
    text = render_report(evaluation, "html")
    assert text.count("<script") == 1  # ours, allowed by its hash
    assert "<img" not in text
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt; &amp; &#39;quoted&#39;" in text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; Co" in text
    assert "Escaping &lt;script&gt;alert(&#39;tree&#39;)&lt;/script&gt; &amp; co" in text  # the page title too


def test_json(evaluation):
    text = render_report(evaluation, "json")
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003cscript\\u003e" in text
    document = json.loads(text)
    assert document["nodes"]["revenue"]["title"] == TITLE  # escaped, yet the same text
    assert HOSTILE_DIMENSION in document["report"]["breakdowns"]["deals"]


PIPES = """goaltree: 1
id: pipes
title: "Pipes | in\\nthe title"
period: {start: 2027-01-01, end: 2027-12-31}
owner: "Ann | Bob"
nodes:
  leads:
    title: "Leads | per\\nmonth"
    unit: "leads|x"
    target: 1000
    actuals: {2027-03-31: 100}
"""


def _cells(row: str) -> int:
    """The cells of a Markdown table row: ``|`` not preceded by a backslash, minus the outer pair."""
    return sum(1 for index, ch in enumerate(row) if ch == "|" and (index == 0 or row[index - 1] != "\\")) - 1


def test_markdown_tables_keep_their_columns_with_pipes_and_line_breaks_in_units_titles_and_owners(tmp_path):
    from goaltree.cli import main

    goals = tmp_path / "goals.yaml"
    goals.write_text(PIPES, encoding="utf-8")
    out = tmp_path / "report.md"
    assert main(["report", str(goals), "--as-of", "2027-06-30", "--format", "md", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    tables = 0
    for index, line in enumerate(lines):
        if line.startswith("|---") or line.startswith("|:"):
            tables += 1
            columns = _cells(lines[index - 1])
            body = index + 1
            while body < len(lines) and lines[body].startswith("|"):
                assert _cells(lines[body]) == columns, lines[body]
                body += 1
    assert tables >= 3
    text = "\n".join(lines)
    assert "1 000 leads\\|x" in text and "Leads \\| per month" in text and "Ann \\| Bob" in text


def test_github_annotations_stay_one_command_per_line():
    from goaltree.cli.check import github_annotation
    from goaltree.errors import Diagnostic

    diagnostic = Diagnostic(
        code="S002", severity="warning", node="leads", message="100 % off\r\n::error ::injected", file="a,b:c.yaml", line=3, column=4
    )
    text = github_annotation(diagnostic)
    assert "\n" not in text and "\r" not in text
    assert text.startswith("::warning file=a%2Cb%3Ac.yaml,line=3,col=4,title=S002 [leads]::")
    assert text.endswith("::100 %25 off%0D%0A::error ::injected")
