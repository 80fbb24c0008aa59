"""Project templates: listing, creating, refusing, and never leaving half a project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goaltree import starters
from goaltree.errors import GoaltreeError
from goaltree.goalfile import load_file


def test_names_and_descriptions() -> None:
    assert starters.names() == ["b2b-funnel", "b2b-funnel-sv", "brand-and-business", "okr", "blank"]
    assert starters.DEFAULT_TEMPLATE in starters.names()
    for name in starters.names():
        assert len(starters.describe(name)) > 20


def test_describe_unknown_template_suggests_a_name() -> None:
    with pytest.raises(GoaltreeError, match="did you mean 'okr'"):
        starters.describe("okrs")


@pytest.mark.parametrize("name", starters.TEMPLATES)
def test_create_copies_the_template_and_it_loads_clean(name: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    created = starters.create(name, project)
    assert created == sorted(created)
    assert all(path.is_file() and project in path.parents for path in created)
    relative = sorted(path.relative_to(project).as_posix() for path in created)
    assert relative == sorted([*starters.files(name), starters.SCHEMA_FILE])
    assert {"goals.yaml", "README.md"} <= set(relative)
    result = load_file(project / "goals.yaml")
    assert result.goal_file is not None
    assert result.diagnostics == []
    leftovers = [path.name for path in tmp_path.iterdir() if path.name != "project"]
    assert leftovers == [], "the staging folder must be gone"


def test_b2b_funnel_ships_a_year_of_data(tmp_path: Path) -> None:
    starters.create("b2b-funnel", tmp_path / "p")
    data = tmp_path / "p" / "data"
    assert sorted(path.name for path in data.iterdir()) == ["deals.csv", "marketing_costs.csv", "web_analytics.csv"]
    web = (data / "web_analytics.csv").read_text(encoding="utf-8").splitlines()
    assert web[0].startswith("date,sessions,")
    assert len(web) == 1 + 365
    assert web[1].startswith("2027-01-01,") and web[-1].startswith("2027-12-31,")
    deals = (data / "deals.csv").read_text(encoding="utf-8").splitlines()
    header = deals[0].split(",")
    assert header[:5] == ["deal_id", "deal_name", "pipeline", "dealstage", "amount"]
    stages = {line.split(",")[3] for line in deals[1:]}
    assert {"closedwon", "closedlost"} <= stages


def test_create_into_an_existing_empty_folder(tmp_path: Path) -> None:
    project = tmp_path / "empty"
    project.mkdir()
    starters.create("blank", project)
    assert (project / "goals.yaml").is_file()


def test_create_into_the_current_folder_keeps_the_folder(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "here"
    project.mkdir()
    inode = project.stat().st_ino
    monkeypatch.chdir(project)
    created = starters.create("okr", Path("."))
    assert project.stat().st_ino == inode, "a shell inside the folder must keep working"
    assert sorted(path.name for path in project.iterdir()) == ["README.md", "goals.yaml", "goaltree.schema.json"]
    assert all(path.is_file() for path in created)


def test_a_failure_in_an_existing_empty_folder_leaves_it_empty(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "empty"
    project.mkdir()
    real_replace = os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(GoaltreeError, match="Input/output error"):
        starters.create("b2b-funnel", project)
    assert list(project.iterdir()) == []


def test_create_makes_missing_parent_folders(tmp_path: Path) -> None:
    project = tmp_path / "a" / "b" / "project"
    starters.create("okr", project)
    assert (project / "goals.yaml").is_file()


def test_create_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    project = tmp_path / "busy"
    project.mkdir()
    (project / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(GoaltreeError, match="not empty"):
        starters.create("b2b-funnel", project)
    assert sorted(path.name for path in project.iterdir()) == ["notes.txt"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["busy"]


def test_create_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "goals.yaml"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(GoaltreeError, match="not a folder"):
        starters.create("blank", target)
    assert target.read_text(encoding="utf-8") == "x"


def test_create_refuses_an_unknown_template(tmp_path: Path) -> None:
    with pytest.raises(GoaltreeError, match="did you mean 'b2b-funnel'"):
        starters.create("b2b_funnel", tmp_path / "p")
    assert not (tmp_path / "p").exists()


def test_a_failure_half_way_leaves_no_project_and_no_staging_folder(tmp_path: Path, monkeypatch) -> None:
    written = []
    real_write_bytes = Path.write_bytes

    def failing_write_bytes(self: Path, data: bytes) -> int:
        if written:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write_bytes)
    with pytest.raises(GoaltreeError, match="No space left on device"):
        starters.create("b2b-funnel", tmp_path / "project")
    assert written, "the failure must come after a file was written"
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_parent_is_a_goaltree_error(tmp_path: Path, monkeypatch) -> None:
    def refuse(self: Path, *args, **kwargs) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(GoaltreeError, match="cannot create the project .*Permission denied"):
        starters.create("blank", tmp_path / "project")
    assert list(tmp_path.iterdir()) == []


def test_templates_ship_no_python_caches_or_hidden_files() -> None:
    for name in starters.names():
        for relative in starters.files(name):
            assert not any(part.startswith((".", "__")) for part in relative.split("/")), relative


@pytest.mark.parametrize("name", starters.TEMPLATES)
def test_a_new_project_completes_in_the_editor_offline(name: str, tmp_path: Path) -> None:
    """The goal file's first line points the YAML language server at the schema written beside it."""
    from goaltree.cli import main
    from goaltree.schema import schema_text

    project = tmp_path / "project"
    assert main(["init", str(project), "--template", name]) == 0
    goals = (project / "goals.yaml").read_text(encoding="utf-8")
    first_line = goals.splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=goaltree.schema.json"
    schema = project / first_line.split("$schema=", 1)[1]  # relative to the goal file, as the server reads it
    assert schema.read_text(encoding="utf-8") == schema_text()
    template = (Path(starters.__file__).parent / name / "goals.yaml").read_text(encoding="utf-8")
    assert goals == first_line + "\n" + template
