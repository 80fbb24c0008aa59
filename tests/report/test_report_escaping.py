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
    assert "#60;script#62;alert#40;#34;pwned#34;#41;#60;/script#62; #38; 'quoted' #91;x#93;" in body
    for line in body.splitlines():
        if '["' in line:
            label = line.split('"', 1)[1].rsplit('"', 1)[0]
            assert '"' not in label and "`" not in label
    assert "```" not in text  # cannot close a Markdown code fence


def test_markdown(evaluation):
    text = render_report(evaluation, "md")
    assert "<script" not in text.lower() and "<img" not in text
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt; &amp; &#39;quoted&#39; \\[x\\] {y} (z) \\| #1 \\`tick\\` \\*star\\* \\_under\\_" in text
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
