"""`goaltree diff --format md` with hostile text in every user string: the tables keep their columns,
HTML stays text, and the Mermaid sub-tree parses in the real mermaid.js."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from goaltree.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/browser.py
from browser import MERMAID_JS, chromium, skip_or_fail  # noqa: E402

from revision_repo import new_text, old_text  # noqa: E402

# Everything that could end a Markdown cell, open HTML, start a code span, end a
# Mermaid label or node shape, draw an edge or start a Mermaid directive.
HOSTILE = 'a | b <mail@example.com> <https://x.example>\n<script>alert("x")</script> `tick` %%{init: {"theme": "dark"}}%% ]] --> "q" *s* _u_ [l](x) ~~z~~'
SEEN = " ".join(HOSTILE.split())
"""The hostile text as a reader sees it in a rendered cell: on one line."""

REMOVED_TITLE = 'Newsletter <i>x</i> | `n` %% ]] "q"'
"""Short, so that it is not similar enough to the added node's title to read as a rename."""


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text)


def hostile_revisions(tmp_path: Path) -> tuple[Path, Path]:
    """Two revisions with every kind of change, hostile text in titles, owners, units and descriptions."""
    renamed_title = "title: 1.4 % of leads become customers"
    old = old_text().replace(renamed_title, f"title: {quoted('rate ' + HOSTILE)}")
    old = old.replace("title: 2 000 newsletter subscribers", f"title: {quoted(REMOVED_TITLE)}")
    new = new_text().replace(renamed_title, f"title: {quoted('rate ' + HOSTILE)}")
    new = new.replace("title: 800 webinar sign-ups", f"title: {quoted('webinars ' + HOSTILE)}")
    new = new.replace("title: Marketing-sourced revenue 2027", f"title: {quoted('tree ' + HOSTILE)}")
    new = new.replace("owner: Head of Marketing", f"owner: {quoted('owner ' + HOSTILE)}", 1)
    # events: moved (in new_text) and given a hostile unit, owner and description
    new = new.replace(
        "    title: 12 events with partners\n    unit: count\n",
        f"    title: 12 events with partners\n    unit: {quoted('unit ' + HOSTILE)}\n"
        f"    owner: {quoted('events owner ' + HOSTILE)}\n    description: {quoted('why ' + HOSTILE)}\n",
    )
    old_path, new_path = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old_path.write_text(old, encoding="utf-8")
    new_path.write_text(new, encoding="utf-8")
    return old_path, new_path


@pytest.fixture
def markdown(tmp_path, capsys) -> str:
    old, new = hostile_revisions(tmp_path)
    assert main(["diff", str(old), str(new), "--format", "md"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.out


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def tables(text: str) -> list[dict]:
    """Each table as GitHub reads it (CommonMark with tables): its heading, header and rows of cell text as seen."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    found: list[dict] = []
    heading = ""
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[index + 1].content
        elif token.type == "table_open":
            found.append({"heading": heading, "rows": []})
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            cell = "".join(child.content for child in token.children if child.type in ("text", "code_inline"))
            row.append(cell.replace("\u200b", ""))  # the zero-width spaces that break GitHub's autolinks are not seen
        elif token.type == "tr_close":
            found[-1]["rows"].append(row)
            row = None
    return found


def test_every_table_row_keeps_its_columns(markdown):
    table_lines = [line for line in markdown.splitlines() if line.startswith("|")]
    assert table_lines
    blocks: list[list[str]] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            if not blocks or not blocks[-1]:
                blocks.append([])
            blocks[-1].append(line)
        elif blocks and blocks[-1]:
            blocks.append([])
    for block in filter(None, blocks):
        columns = unescaped_pipes(block[0])
        assert all(unescaped_pipes(line) == columns for line in block), block


def test_every_hostile_string_reads_as_written(markdown):
    parsed = {table["heading"]: table["rows"] for table in tables(markdown)}
    assert {"File", "Added", "Removed", "Renamed", "Moved", "Changed", "Derived targets"} <= set(parsed)
    for heading, rows in parsed.items():
        assert all(len(row) == len(rows[0]) for row in rows), heading
    assert parsed["Added"][1][:2] == ["webinars", "webinars " + SEEN]
    assert parsed["Removed"][1][:2] == ["newsletter", REMOVED_TITLE]
    assert parsed["Renamed"][1] == ["lead_to_customer", "win_rate", "rate " + SEEN]
    file_rows = {row[0]: row[1:] for row in parsed["File"][1:]}
    assert file_rows["title"] == ['"Marketing-sourced revenue 2027"', f'"tree {SEEN}"']
    assert file_rows["owner"] == ["Head of Marketing", "owner " + SEEN]
    changed = {(row[0], row[1]): row[2:] for row in parsed["Changed"][1:]}
    assert changed[("events", "unit")][:2] == ["count", "unit " + SEEN]
    # events stated no owner: it was the old file's, "Head of Marketing" (file_rows above).
    assert changed[("events", "owner")][:2] == ["Head of Marketing (default: the file's owner)", "events owner " + SEEN]
    assert changed[("events", "description")][:2] == ["–", f'"why {SEEN}"']


def test_html_and_code_stay_text_outside_the_chart(markdown):
    text = markdown.split("```mermaid")[0]
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "`tick`" not in text  # a backtick in user text opens no code span


def mermaid_chart(markdown: str) -> str:
    fences = re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.S | re.M)
    assert len(fences) == 1
    return fences[0]


def test_the_chart_keeps_user_text_inside_its_labels(markdown):
    chart = mermaid_chart(markdown)
    assert "%%" not in chart and "`" not in chart and "<script" not in chart and "]]" not in chart
    node_lines = [line for line in chart.splitlines() if re.match(r'  [nr]_\w+\["', line)]
    # One quoted label per node line: no quote from user text ends it early.
    assert all(line.count('"') == 2 and line.endswith(("]:::added", "]:::changed", "]:::derived", "]:::removed", "]:::context")) for line in node_lines)
    edges = [line for line in chart.splitlines() if "-->" in line or "-.->" in line]
    assert all(re.fullmatch(r"  [nr]_\w+ -(-|\.-)> [nr]_\w+", line) for line in edges), edges


DRAW = """async (text) => {
  const out = document.getElementById("out");
  try {
    const { svg } = await mermaid.render("diagram", text);
    out.innerHTML = svg;
  } catch (error) {
    return { error: String(error && error.message || error) };
  }
  return {
    nodes: out.querySelectorAll("g.node").length,
    edges: out.querySelectorAll("path.flowchart-link").length,
    scripts: out.querySelectorAll("script").length,
    text: out.textContent,
  };
}"""


@pytest.mark.browser
def test_mermaid_js_draws_the_chart_with_the_text_as_written(markdown):
    if not MERMAID_JS.is_file():
        skip_or_fail(f"mermaid.js is not installed at {MERMAID_JS} (bash scripts/setup.sh --test)")
    chart = mermaid_chart(markdown)
    with chromium() as browser:
        page = browser.new_page()
        page.set_content('<!doctype html><html><body><div id="out"></div></body></html>')
        page.add_script_tag(path=str(MERMAID_JS))
        page.evaluate("mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' })")
        drawn = page.evaluate(DRAW, chart)
    assert "error" not in drawn, drawn.get("error")
    assert drawn["nodes"] == len(re.findall(r'^  [nr]_\w+\["', chart, re.M))
    assert drawn["edges"] == len(re.findall(r"^  [nr]_\w+ -(?:-|\.-)> ", chart, re.M))
    assert drawn["scripts"] == 0
    # Titles are drawn as the user wrote them (cut to 40 characters).
    assert REMOVED_TITLE in drawn["text"]
    assert ("webinars " + SEEN)[:39] in drawn["text"]
