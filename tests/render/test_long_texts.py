"""Goal-file texts of 20 000 characters: every diagram is still drawn, each text cut with "…".

Graphviz refuses an HTML label or a quoted string of 16 384 characters or more
("syntax error … longer than 16384?"), and for a name that long it writes an
empty file and exits 0. A title, an owner, a unit or an id may be any length,
so each is cut before it goes into the DOT source (and the Mermaid one).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.errors import GoaltreeError
from goaltree.render.cards import HEADING_LENGTH, LINE_LENGTH, TOOLTIP_LENGTH
from goaltree.render.mermaid import MERMAID_MAX_TEXT_SIZE

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"
AS_OF = ["--as-of", "2027-06-30"]

# Quotes and ampersands: six characters each once escaped (&quot; &amp;), the worst case for the DOT string.
LONG = "w \"&' " * 4000  # 24 000 characters


def goal_document(**changes: str) -> dict:
    """A one-node goal file; ``changes`` set the file's ``title``, or the node's ``node_title``, ``owner``, ``unit``."""
    node = {
        "title": changes.get("node_title", "Revenue reaches 100 SEK"),
        "unit": changes.get("unit", "SEK"),
        "owner": changes.get("owner", "o"),
        "target": 100,
        "actuals": {"2027-03-01": 10},
    }
    return {
        "goaltree": 1,
        "id": changes.get("tree_id", "lt"),
        "title": changes.get("title", "Revenue 100"),
        "period": {"start": "2027-01-01", "end": "2027-12-31"},
        "owner": "o",
        "nodes": {changes.get("node_id", "revenue"): node},
    }


def write_goals(tmp_path: Path, **changes: str) -> Path:
    path = tmp_path / "goals.json"  # JSON: a YAML key is at most 1 024 characters, a JSON one any length
    path.write_text(json.dumps(goal_document(**changes)), encoding="utf-8")
    return path


def svg_texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def render_svg_file(goals: Path, tmp_path: Path, capsys) -> str:
    out = tmp_path / "tree.svg"
    capsys.readouterr()
    assert main(["render", str(goals), "-o", str(out), *AS_OF]) == 0, capsys.readouterr().err
    svg = out.read_text(encoding="utf-8")
    assert svg.strip(), "an empty SVG"
    return svg


@needs_dot
@pytest.mark.parametrize("field", ["title", "node_title", "owner", "unit"])
def test_a_long_text_is_drawn_cut_with_an_ellipsis(field: str, tmp_path: Path, capsys) -> None:
    goals = write_goals(tmp_path, **{field: LONG})

    svg = render_svg_file(goals, tmp_path, capsys)

    texts = svg_texts(svg)
    cut = [text for text in texts if "…" in text]
    assert cut, texts
    assert all(len(text) <= HEADING_LENGTH + 40 for text in texts)  # no line of thousands of characters
    assert "10 / 100" in " ".join(texts)  # the figures are never cut
    assert 'w "&' in " ".join(cut)  # the text itself, unescaped, up to the cut


@needs_dot
def test_a_long_node_title_is_cut_in_the_tooltip_too(tmp_path: Path, capsys) -> None:
    goals = write_goals(tmp_path, node_title=LONG)

    svg = render_svg_file(goals, tmp_path, capsys)

    tooltips = [element.get(XLINK_TITLE) for element in ElementTree.fromstring(svg).iter(f"{SVG}a")]
    assert tooltips and all(tooltip and len(tooltip) <= TOOLTIP_LENGTH for tooltip in tooltips)
    assert tooltips[0].endswith("…") and tooltips[0].startswith('w "&')


@needs_dot
def test_a_long_tree_id_and_node_id_draw_a_diagram_not_an_empty_file(tmp_path: Path, capsys) -> None:
    node_id = "r" + "e" * 20_000
    goals = write_goals(tmp_path, tree_id="l" * 20_000, node_id=node_id)

    svg = render_svg_file(goals, tmp_path, capsys)

    texts = svg_texts(svg)
    assert any(text.endswith("reeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee…") for text in texts), texts
    assert "10 / 100 SEK" in texts
    assert len(svg) < 20_000

    out = tmp_path / "tree.dot"
    assert main(["render", str(goals), "-o", str(out), "--format", "dot", *AS_OF]) == 0
    dot = out.read_text(encoding="utf-8")
    assert max(len(line) for line in dot.splitlines()) < 16_384
    assert node_id not in dot
    # The same name on every run: the DOT source is byte-identical.
    again = tmp_path / "again.dot"
    assert main(["render", str(goals), "-o", str(again), "--format", "dot", *AS_OF]) == 0
    assert again.read_bytes() == out.read_bytes()


@needs_dot
def test_two_long_ids_with_the_same_start_stay_two_nodes(tmp_path: Path, capsys) -> None:
    document = goal_document()
    first, second = "a" * 2000 + "x", "a" * 2000 + "y"
    document["nodes"] = {
        first: {"title": "First", "target": 100, "rollup": "sum"},
        second: {"title": "Second", "parent": first, "actuals": {"2027-03-01": 10}},
    }
    goals = tmp_path / "goals.json"
    goals.write_text(json.dumps(document), encoding="utf-8")

    svg = render_svg_file(goals, tmp_path, capsys)

    root = ElementTree.fromstring(svg)
    assert sum(1 for element in root.iter(f"{SVG}g") if element.get("class") == "node") == 2
    assert sum(1 for element in root.iter(f"{SVG}g") if element.get("class") == "edge") == 1


@needs_dot
@pytest.mark.parametrize("field", ["title", "node_title", "owner", "unit"])
def test_the_report_keeps_its_diagram(field: str, tmp_path: Path, capsys) -> None:
    goals = write_goals(tmp_path, **{field: LONG})
    out = tmp_path / "report.html"

    capsys.readouterr()
    assert main(["report", str(goals), "-o", str(out), *AS_OF]) == 0
    err = capsys.readouterr().err

    assert "diagram is left out" not in err and "Graphviz" not in err, err
    html = out.read_text(encoding="utf-8")
    assert 'class="diagram-svg"' in html


@pytest.mark.parametrize("field", ["title", "node_title", "owner", "unit", "tree_id"])
def test_mermaid_cuts_the_same_texts(field: str, tmp_path: Path, capsys) -> None:
    value = "l" * 20_000 if field == "tree_id" else LONG
    goals = write_goals(tmp_path, **{field: value})
    out = tmp_path / "tree.mmd"

    capsys.readouterr()
    assert main(["render", str(goals), "-o", str(out), "--format", "mermaid", *AS_OF]) == 0
    assert "warning" not in capsys.readouterr().err  # well within Mermaid's maxTextSize

    text = out.read_text(encoding="utf-8")
    assert len(text) < MERMAID_MAX_TEXT_SIZE // 10
    if field != "title":  # the Mermaid diagram has no heading
        assert "…" in text


def test_a_card_cuts_owner_and_unit_to_one_line_length(tmp_path: Path) -> None:
    from goaltree.api import evaluate
    from goaltree.render.cards import card_for, values_text

    evaluation = evaluate(write_goals(tmp_path, owner="o" * 500, unit="u" * 500), dt.date(2027, 6, 30))
    result = evaluation.nodes["revenue"]
    card = card_for(result)
    assert card.owner == "o" * (LINE_LENGTH - 1) + "…"
    assert values_text(result) == "10 / 100 " + "u" * (LINE_LENGTH - 1) + "…"


@needs_dot
def test_graphviz_drawing_nothing_is_an_error_not_an_empty_file() -> None:
    from goaltree.render.dot import _run_dot

    # dot exits 0 and writes nothing after a comment line this long.
    with pytest.raises(GoaltreeError, match=r"Graphviz drew nothing \(an empty svg\)"):
        _run_dot("// " + "l" * 17_000 + "\ndigraph g { a }\n", "svg")


def test_no_string_of_the_dot_source_nears_graphvizs_limit(tmp_path: Path) -> None:
    """Every field long at once, escaped at its worst: the longest DOT string stays far under 16 384."""
    from goaltree.api import evaluate
    from goaltree.render.dot import to_dot

    goals = write_goals(tmp_path, title=LONG, node_title=LONG, owner=LONG, unit=LONG, tree_id="t" * 20_000)
    evaluation = evaluate(goals, dt.date(2027, 6, 30))

    source = to_dot(evaluation)

    strings = re.findall(r'"(?:[^"\\]|\\.)*"|<<.*?>>', source)
    assert strings
    assert max(len(string) for string in strings) < 5_000
