"""Every example's Mermaid flowchart drawn by the real mermaid.js in Chromium, offline.

mermaid.js is the npm package that `bash scripts/setup.sh --test` installs into
.tools/, loaded from disk: no network at test time. A site that renders Mermaid
(GitHub, GitLab, a wiki) runs the same library with its default settings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import MERMAID_JS, chromium, skip_or_fail
from render_helpers import AS_OF, HOSTILE, REPO

from goaltree.cli import main

pytestmark = pytest.mark.browser

EXAMPLES = sorted(path.parent.name for path in (REPO / "examples").glob("*/goals.yaml"))
SMALL_EXAMPLES = [name for name in EXAMPLES if name != "enterprise"]

DRAW = """async (text) => {
  const out = document.getElementById("out");
  out.innerHTML = "";
  try {
    const { svg } = await mermaid.render("diagram" + (window.drawn = (window.drawn || 0) + 1), text);
    out.innerHTML = svg;
  } catch (error) {
    return { error: String(error && error.message || error) };
  }
  return {
    nodes: out.querySelectorAll("g.node").length,
    edges: out.querySelectorAll("path.flowchart-link").length,
    text: out.textContent,
  };
}"""


@pytest.fixture(scope="module")
def mermaid_page():
    if not MERMAID_JS.is_file():
        skip_or_fail(f"mermaid.js is not installed at {MERMAID_JS} (bash scripts/setup.sh --test)")
    with chromium() as browser:
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.set_content('<!doctype html><html><body><div id="out"></div></body></html>')
        page.add_script_tag(path=str(MERMAID_JS))
        page.evaluate("mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' })")
        yield page
        assert [url for url in requests if not url.startswith(("about:", "data:"))] == []


def mermaid_of(goal_file: Path, tmp_path: Path, capsys, *options: str) -> tuple[str, str]:
    """The flowchart the real command writes for ``goal_file``, and what it said on standard error."""
    out = tmp_path / "tree.mmd"
    code = main(["render", str(goal_file), "-o", str(out), "--as-of", AS_OF.isoformat(), *options])
    assert code in (0, 1)
    return out.read_text(encoding="utf-8"), capsys.readouterr().err


def node_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r'    \w+(\[\[|\(\[|\[)"', line)]


def edge_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if " -->|" in line or " -.->|" in line]


@pytest.mark.parametrize("example", SMALL_EXAMPLES)
def test_every_example_is_drawn_whole(example, mermaid_page, tmp_path, capsys):
    text, err = mermaid_of(REPO / "examples" / example / "goals.yaml", tmp_path, capsys)
    assert "Mermaid" not in err
    drawn = mermaid_page.evaluate(DRAW, text)
    assert "error" not in drawn, drawn.get("error")
    assert drawn["nodes"] == len(node_lines(text)) > 0
    assert drawn["edges"] == len(edge_lines(text)) > 0
    first_title = re.search(r'<br/>(.*?)<br/>', node_lines(text)[0]).group(1)
    assert first_title.replace("&amp;", "&") in drawn["text"]


def test_hostile_titles_are_drawn_as_text(mermaid_page, tmp_path, capsys):
    text, _ = mermaid_of(HOSTILE, tmp_path, capsys)
    drawn = mermaid_page.evaluate(DRAW, text)
    assert "error" not in drawn, drawn.get("error")
    assert drawn["nodes"] == len(node_lines(text))
    assert mermaid_page.evaluate("document.querySelectorAll('#out script').length") == 0
    # Drawn as written: no Markdown read into `tick`, *star* or _under_, no entity left showing.
    assert "<script>alert(\"pwned\")</script> & 'quoted' [x] {y} (z) | #1 `tick` *star* _under_" in drawn["text"]
    assert "Deal size --> end[\"x\"] %%{init: {}}%% ```" in drawn["text"]
    assert "Unsupported markdown" not in drawn["text"]


def test_beyond_mermaids_limits_goaltree_says_so_and_a_part_is_drawn(mermaid_page, tmp_path, capsys):
    enterprise = REPO / "examples" / "enterprise" / "goals.yaml"
    text, err = mermaid_of(enterprise, tmp_path, capsys)
    edges = len(edge_lines(text))
    assert edges > 500
    assert f"{edges:,} edges".replace(",", " ") in err and "--depth" in err and "--root" in err
    # The warning is true: mermaid.js with its default settings does not draw it.
    drawn = mermaid_page.evaluate(DRAW, text)
    assert "error" in drawn or drawn["nodes"] < len(node_lines(text))
    # What it suggests works.
    assert "--nodes N" in err
    for option in (["--depth", "2"], ["--nodes", "100"]):
        part, err = mermaid_of(enterprise, tmp_path, capsys, *option)
        assert "Mermaid" not in err
        drawn = mermaid_page.evaluate(DRAW, part)
        assert "error" not in drawn, drawn.get("error")
        assert drawn["nodes"] == len(node_lines(part))
    assert len(node_lines(part)) == 100


def test_the_markdown_report_of_a_large_tree_has_a_diagram_mermaid_draws(mermaid_page, tmp_path):
    out = tmp_path / "report.md"
    assert main(["report", str(REPO / "examples" / "enterprise" / "goals.yaml"), "-o", str(out), "--as-of", AS_OF.isoformat()]) in (0, 1)
    report = out.read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", report, re.S).group(1)
    # Within mermaid.js's defaults (maxTextSize 50 000, maxEdges 500), and as many nodes as the text says.
    assert len(block) <= 50_000
    assert len(edge_lines(block)) <= 500
    shown = re.search(r"The diagram shows (\d+) of the 1.000 nodes", report)
    assert shown is not None
    assert int(shown.group(1)) == len(node_lines(block)) > 100
    drawn = mermaid_page.evaluate(DRAW, block)
    assert "error" not in drawn, drawn.get("error")
    assert drawn["nodes"] == len(node_lines(block))
    assert drawn["edges"] == len(edge_lines(block))
