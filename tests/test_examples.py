"""Every project template and every example checks, evaluates, renders and reports.

Templates are created with ``goaltree.starters.create`` into a temporary
folder, exactly as ``goaltree init`` does; examples are used where they are.
Render and report run when this goaltree has those commands (their modules
are installed); where a command exists its output must be non-empty and valid.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from goaltree import starters
from goaltree.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = "2027-06-30"
EXAMPLE_NAMES = ("b2b-funnel", "brand-and-business", "okr", "enterprise")


def run(argv: list[str]) -> tuple[int, str, str]:
    """``goaltree.cli.main(argv)`` in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def has_command(command: str) -> bool:
    """Whether the sub-command is registered and its module is installed."""
    return command in COMMANDS and importlib.util.find_spec(COMMANDS[command][0]) is not None


def load_generator():
    """``scripts/generate_examples.py`` as a module."""
    spec = importlib.util.spec_from_file_location("generate_examples", ROOT / "scripts" / "generate_examples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_examples", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=starters.names())
def template_project(request, tmp_path: Path) -> Path:
    """A fresh project made from each template; the goal file's path."""
    starters.create(request.param, tmp_path / request.param)
    return tmp_path / request.param / "goals.yaml"


@pytest.fixture(params=EXAMPLE_NAMES)
def example(request) -> Path:
    return EXAMPLES / request.param / "goals.yaml"


def check_clean(path: Path) -> None:
    code, out, err = run(["check", str(path), "--format", "json"])
    report = json.loads(out)
    assert code == 0, err or out
    assert report["errors"] == 0, report["diagnostics"]
    assert report["warnings"] == 0, report["diagnostics"]


def evaluate_json(path: Path) -> dict:
    code, out, err = run(["evaluate", str(path), "--format", "json", "--as-of", AS_OF])
    assert code == 0, err
    return json.loads(out)


def assert_evaluated(path: Path, result: dict) -> None:
    from goaltree.goalfile import load_file

    goal_file = load_file(path).goal_file
    assert result["as_of"] == AS_OF
    assert list(result["nodes"]) == list(goal_file.nodes), "results follow the goal file's order"
    for node_id, node in goal_file.nodes.items():
        data = result["nodes"][node_id]
        if node.type != "objective":
            assert data["target"] is not None, f"{node_id} has no target"
        assert data["status"] != "no_data", f"{node_id} has no data at {AS_OF}"
    errors = [d for d in result["diagnostics"] if d["severity"] == "error"]
    assert errors == []


def assert_outputs(path: Path, tmp_path: Path) -> None:
    """Render and report when the commands exist; their outputs must be real."""
    if has_command("render"):
        svg = tmp_path / "diagram.svg"
        code, _, err = run(["render", str(path), "-o", str(svg), "--format", "svg", "--as-of", AS_OF])
        assert code == 0, err
        root = ElementTree.parse(svg).getroot()
        assert root.tag.endswith("svg")
        assert len(svg.read_bytes()) > 1000
    if has_command("report"):
        html = tmp_path / "report.html"
        code, _, err = run(["report", str(path), "-o", str(html), "--format", "html", "--as-of", AS_OF])
        assert code == 0, err
        text = html.read_text(encoding="utf-8")
        assert "<html" in text.lower() and "</html>" in text.lower()
        assert 'src="http' not in text and "src='http" not in text, "the report must be self-contained"
        markdown = tmp_path / "report.md"
        code, _, err = run(["report", str(path), "-o", str(markdown), "--format", "md", "--as-of", AS_OF])
        assert code == 0, err
        assert markdown.read_text(encoding="utf-8").lstrip().startswith("#")


def test_template_checks_evaluates_renders_and_reports(template_project: Path, tmp_path: Path) -> None:
    check_clean(template_project)
    code, _, err = run(["evaluate", str(template_project)])  # out of the box: as of today
    assert code == 0, err
    assert_evaluated(template_project, evaluate_json(template_project))
    assert_outputs(template_project, tmp_path)


def test_example_checks_evaluates_renders_and_reports(example: Path, tmp_path: Path) -> None:
    check_clean(example)
    assert_evaluated(example, evaluate_json(example))
    assert_outputs(example, tmp_path)


def test_init_command_creates_each_template(tmp_path: Path) -> None:
    for name in starters.names():
        code, _, err = run(["init", str(tmp_path / name), "--template", name])
        assert code == 0, err
        assert (tmp_path / name / "goals.yaml").is_file()
    code, _, err = run(["init", str(tmp_path / "b2b-funnel"), "--template", "b2b-funnel"])
    assert code == 2 and "not empty" in err


def test_catalog_command_prints_the_catalogue() -> None:
    code, out, _ = run(["catalog"])
    assert code == 0 and "roas" in out and "clv" in out
    code, out, _ = run(["catalog", "clv"])
    assert code == 0 and "900 000" in out
    code, _, err = run(["catalog", "rosa"])
    assert code == 2 and "did you mean 'roas'" in err


# --- the funnel's numbers -------------------------------------------------------------------------


def test_b2b_funnel_derives_customers_leads_and_visits_from_revenue() -> None:
    nodes = evaluate_json(EXAMPLES / "b2b-funnel" / "goals.yaml")["nodes"]
    assert nodes["clv"]["target"] == pytest.approx(900_000)
    assert nodes["customers"]["target"] == pytest.approx(70)
    assert nodes["leads"]["target"] == pytest.approx(5_000)
    assert nodes["visits"]["target"] == pytest.approx(250_000)
    assert nodes["cac"]["target"] == pytest.approx(90_000)
    assert nodes["roi"]["target"] == pytest.approx(9.0)
    assert nodes["paid_search_revenue"]["target"] == pytest.approx(12_000_000)
    for node_id in ("customers", "leads", "visits", "cac", "roi", "clv"):
        assert nodes[node_id]["target_origin"] == "derived"
    assert nodes["revenue"]["target_origin"] == "declared"


def test_b2b_funnel_mid_year_is_a_mix_that_explains_the_revenue_gap() -> None:
    nodes = evaluate_json(EXAMPLES / "b2b-funnel" / "goals.yaml")["nodes"]
    assert nodes["visits"]["status"] in {"on_track", "achieved"}
    assert nodes["brand_searches"]["status"] in {"on_track", "achieved"}
    assert nodes["marketing_cost"]["status"] in {"on_track", "achieved"}
    assert nodes["revenue"]["status"] in {"at_risk", "off_track"}
    assert nodes["leads"]["status"] in {"at_risk", "off_track"}
    assert nodes["revenue"]["actual"] < nodes["revenue"]["expected"]
    gap = nodes["revenue"]["actual"] - nodes["revenue"]["expected"]
    parts = nodes["revenue"]["attribution"]
    assert sum(parts.values()) == pytest.approx(gap, rel=1e-6)
    assert abs(parts["customers"]) > abs(parts.get("clv", 0.0)), "the customers, not the CLV, explain the gap"


def test_enterprise_example_has_1000_nodes_and_one_declared_revenue_target() -> None:
    from goaltree.goalfile import load_file

    goal_file = load_file(EXAMPLES / "enterprise" / "goals.yaml").goal_file
    assert len(goal_file.nodes) == 1000
    types = {node.type for node in goal_file.nodes.values()}
    assert types == {"objective", "kpi", "driver"}
    assert any(node.rollup == "progress" for node in goal_file.nodes.values())
    summed = {node_id for node_id, node in goal_file.nodes.items() if node.rollup == "sum"}
    weighted = [node for node in goal_file.nodes.values() if set(node.parents) & summed and node.weight != 1]
    assert len(weighted) > 100, "sum rollups allocate by weight"
    assert sum(1 for node in goal_file.nodes.values() if node.actuals) > 500
    revenue_targets = [
        node_id for node_id, node in goal_file.nodes.items() if node.unit == "SEK" and node.target and "revenue" in node_id
    ]
    assert revenue_targets == ["revenue"]
    nodes = evaluate_json(EXAMPLES / "enterprise" / "goals.yaml")["nodes"]
    units = [node_id for node_id in goal_file.nodes if node_id.endswith("_revenue") and goal_file.nodes[node_id].rollup == "sum"]
    assert sum(nodes[node_id]["target"] for node_id in units) == pytest.approx(1_200_000_000)


# --- generated files stay fresh -----------------------------------------------------------------------


def _without_schema_hint(text: str) -> str:
    first, _, rest = text.partition("\n")
    return rest if first.startswith("# yaml-language-server:") else text


@pytest.mark.parametrize("name", ("b2b-funnel", "brand-and-business", "okr"))
def test_examples_are_copies_of_their_templates(name: str) -> None:
    template = Path(starters.__file__).parent / name
    example_dir = EXAMPLES / name
    for relative in starters.files(name):
        ours = (example_dir / relative).read_bytes()
        theirs = (template / relative).read_bytes()
        if relative == "goals.yaml":
            ours = _without_schema_hint(ours.decode("utf-8")).encode("utf-8")
        assert ours == theirs, f"examples/{name}/{relative} differs from its template; run scripts/generate_examples.py"


def test_template_data_is_what_the_generator_writes(tmp_path: Path) -> None:
    generator = load_generator()
    written = generator.generate_data(tmp_path)
    template_root = Path(starters.__file__).parent
    assert written
    for path in written:
        relative = path.relative_to(tmp_path)
        assert path.read_bytes() == (template_root / relative).read_bytes(), (
            f"goaltree/starters/{relative} is stale; run python scripts/generate_examples.py"
        )


def test_enterprise_example_is_what_the_generator_writes() -> None:
    generator = load_generator()
    committed = (EXAMPLES / "enterprise" / "goals.yaml").read_text(encoding="utf-8")
    assert _without_schema_hint(committed) == generator.enterprise_goal_file(), (
        "examples/enterprise/goals.yaml is stale; run python scripts/generate_examples.py"
    )


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_committed_diagram_and_reports_are_fresh(name: str, tmp_path: Path) -> None:
    """Each example's committed diagram and reports are what goaltree renders now (golden files)."""
    generator = load_generator()
    artifacts = generator.ENTERPRISE_ARTIFACTS if name == "enterprise" else generator.ARTIFACTS
    checked = 0
    for command, filename, options in artifacts:
        if not has_command(command):
            continue
        committed = EXAMPLES / name / filename
        assert committed.is_file(), f"examples/{name}/{filename} is missing; run python scripts/generate_examples.py --only artifacts"
        fresh = tmp_path / filename
        code, _, err = run([command, str(EXAMPLES / name / "goals.yaml"), "-o", str(fresh), *options, "--as-of", AS_OF])
        assert code == 0, err
        assert fresh.read_bytes() == committed.read_bytes(), (
            f"examples/{name}/{filename} is stale; run python scripts/generate_examples.py --only artifacts"
        )
        checked += 1
    if has_command("render"):
        assert checked >= 1


# --- the tutorial ---------------------------------------------------------------------------------

TUTORIAL = ROOT / "docs" / "tutorial.md"


def _tutorial_commands() -> list[list[str]]:
    import shlex

    commands = []
    for line in TUTORIAL.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("$ goaltree "):
            commands.append(shlex.split(line[len("$ goaltree ") :]))
    return commands


def test_tutorial_uses_the_commands_and_options_goaltree_has() -> None:
    from goaltree.cli import build_parser

    commands = _tutorial_commands()
    used = {argv[0] for argv in commands}
    assert {"init", "check", "evaluate", "explain", "render", "report", "pull", "diff"} <= used
    parser = build_parser()
    for argv in commands:
        try:
            parser.parse_args(argv)
        except SystemExit as stop:  # pragma: no cover - the message is the failure
            pytest.fail(f"`goaltree {' '.join(argv)}` in docs/tutorial.md does not parse (exit {stop.code})")


def test_tutorial_evaluation_matches_the_b2b_funnel(tmp_path: Path) -> None:
    """The table rows the tutorial shows are what `goaltree evaluate` prints for a fresh project."""
    starters.create("b2b-funnel", tmp_path / "marketing-2027")
    code, out, err = run(["evaluate", str(tmp_path / "marketing-2027" / "goals.yaml"), "--as-of", AS_OF])
    assert code == 0, err
    printed = {" ".join(line.split()) for line in out.splitlines()}
    text = TUTORIAL.read_text(encoding="utf-8")
    block = text.split("$ goaltree evaluate goals.yaml --as-of 2027-06-30\n", 1)[1].split("```", 1)[0]
    rows = [" ".join(line.split()) for line in block.splitlines()[3:] if line.strip() and line.strip() != "…"]
    assert len(rows) >= 5
    for row in rows:
        assert row in printed, f"docs/tutorial.md shows a row `goaltree evaluate` no longer prints: {row}"
