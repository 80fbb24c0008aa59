"""``goaltree init --template b2b-funnel-sv``: a Swedish project that checks clean and evaluates in Swedish.

The twin has the b2b-funnel template's tree and data, so it evaluates to the
same figures and statuses; only the words differ.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goaltree import starters
from goaltree.cli import main

AS_OF = "2027-06-30"


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A new project from the Swedish template; its goal file."""
    assert main(["init", str(tmp_path / "marknad-2027"), "--template", "b2b-funnel-sv"]) == 0
    capsys.readouterr()
    return tmp_path / "marknad-2027" / "goals.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_the_swedish_template_is_offered_with_its_data() -> None:
    assert "b2b-funnel-sv" in starters.names()
    assert set(starters.files("b2b-funnel-sv")) == set(starters.files("b2b-funnel"))
    template = Path(starters.__file__).parent
    for name in ("deals.csv", "marketing_costs.csv", "web_analytics.csv"):
        assert (template / "b2b-funnel-sv" / "data" / name).read_bytes() == (template / "b2b-funnel" / "data" / name).read_bytes()


def test_the_goal_file_is_swedish(project: Path) -> None:
    text = project.read_text(encoding="utf-8")
    assert "\nlanguage: sv\n" in text
    assert "title: Marknadens B2B-tratt 2027" in text
    assert "title: 1 500 leads blir marknadskvalificerade (MQL) 2027" in text
    assert "owner: Försäljningschef" in text
    assert "Head of" not in text


def test_check_finds_nothing_and_says_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "check", str(project), "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["errors"] == 0 and report["warnings"] == 0, report["diagnostics"]


def test_evaluate_prints_a_swedish_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "evaluate", str(project), "--as-of", AS_OF)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Marknadens B2B-tratt 2027 (b2b-tratt-2027) per 30 juni 2027"
    assert lines[1].split() == ["nod", "mål", "utfall", "förväntat", "framsteg", "status"]
    table = lines[3 : lines.index("")]
    row = {line.split()[0].rstrip("…"): line.split()[1:] for line in table}
    assert row["revenue"] == ["63", "000", "000", "25", "200", "000", "31", "241", "096", "40,0", "%", "risk"]
    assert next(cells for name, cells in row.items() if name.startswith("lead_to"))[:2] == ["1,40", "%"]
    assert row["visits"][-2:] == ["i", "fas"]
    assert row["roi"][-2:] == ["EFTER", "PLAN"]
    assert row["clv"][-1] == "uppnått"


def test_the_swedish_twin_evaluates_like_the_english_template(tmp_path: Path, project: Path, capsys) -> None:
    main(["init", str(tmp_path / "english"), "--template", "b2b-funnel"])
    capsys.readouterr()
    _, swedish = run(capsys, "evaluate", str(project), "--as-of", AS_OF, "--format", "json")
    _, english = run(capsys, "evaluate", str(tmp_path / "english" / "goals.yaml"), "--as-of", AS_OF, "--format", "json")
    swedish_nodes, english_nodes = json.loads(swedish)["nodes"], json.loads(english)["nodes"]
    assert list(swedish_nodes) == list(english_nodes)
    for node_id, node in english_nodes.items():
        assert swedish_nodes[node_id]["status"] == node["status"], node_id
        assert swedish_nodes[node_id]["target"] == node["target"], node_id


def test_language_en_gives_the_english_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "evaluate", str(project), "--as-of", AS_OF, "--language", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Marknadens B2B-tratt 2027 (b2b-tratt-2027) as of 2027-06-30"
    assert lines[1].split() == ["node", "target", "actual", "expected", "progress", "status"]
    assert "1.40 %" in next(line for line in lines if line.strip().startswith("lead_to_customer"))


def test_init_speaks_the_templates_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "sv"), "--template", "b2b-funnel-sv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"skapade {tmp_path / 'sv'} från mallen b2b-funnel-sv:"
    assert main(["init", str(tmp_path / "en"), "--template", "b2b-funnel"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"created {tmp_path / 'en'} from the b2b-funnel template:"
    assert main(["init", str(tmp_path / "en-too"), "--template", "b2b-funnel-sv", "--language", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"created {tmp_path / 'en-too'} from the b2b-funnel-sv template:"


def test_init_refuses_a_folder_in_swedish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What `goaltree init` refuses (a file, a folder with files in it) it says in the chosen language."""
    occupied = tmp_path / "upptagen"
    occupied.mkdir()
    (occupied / "anteckningar.txt").write_text("x\n", encoding="utf-8")
    a_file = tmp_path / "fil.txt"
    a_file.write_text("x\n", encoding="utf-8")

    assert main(["init", str(occupied), "--language", "sv"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"goaltree: fel: {occupied} är inte tom; `goaltree init` skapar ett nytt projekt och skriver "
        "aldrig över filer: välj en ny eller tom mapp"
    )
    assert main(["init", str(a_file), "--language", "sv"]) == 2
    assert capsys.readouterr().err.strip() == f"goaltree: fel: {a_file} finns redan och är ingen mapp; välj en ny mapp för projektet"

    assert main(["init", str(occupied), "--language", "en"]) == 2
    assert "is not empty; `goaltree init` creates a new project and never overwrites files" in capsys.readouterr().err


def test_an_unknown_template_is_refused_once_in_swedish(tmp_path: Path) -> None:
    """The library call says it in the running language too, with the same words as the command."""
    from goaltree.errors import GoaltreeError
    from goaltree.present.language import use_language

    with use_language("sv"), pytest.raises(GoaltreeError) as refused:
        starters.create("b2b-funel", tmp_path / "ny")
    assert str(refused.value).startswith("ingen mall 'b2b-funel'")
    assert "mallarna är: b2b-funnel, " in str(refused.value)


def test_init_lists_the_templates_in_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--list", "--language", "sv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == starters.names()
    assert lines[-1] == f"{'blank':20} En målsättning och en KPI att byta ut mot dina egna"
    assert main(["init", "--list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{'blank':20} One objective and one KPI to replace with your own"
