"""A source's glob finds what Python's glob finds, searches each folder once, and never walks for ever."""

from __future__ import annotations

import glob
import os
from collections import Counter
from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.sources import paths
from goaltree.sources.base import SourceError
from goaltree.sources.paths import data_files

PATTERNS = ["data/*.csv", "data/**/*.csv", "**/*.csv", "data/**", "data/2027-*/*.csv", "data/[ab]*/*.csv", "data/?/x.csv"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ["data/top.csv", "data/a/x.csv", "data/a/deep/y.csv", "data/b/z.csv", "data/2027-01/m.csv",
                 "data/2027-02/n.csv", "data/.hidden/h.csv", "data/a/.dot.csv", "data/notes.txt", "other.csv"]:  # fmt: skip
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("day,amount\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_glob_matches_what_pythons_glob_matches(project: Path, pattern: str) -> None:
    expected = sorted({Path(match).resolve() for match in glob.glob(str(project / pattern), recursive=True) if Path(match).is_file()})
    assert data_files(project, pattern, allow_outside=False) == expected


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every folder the glob lists (``os.scandir``), resolved, in order."""
    folders: list[Path] = []
    scandir = os.scandir

    def recording(folder):
        folders.append(Path(folder).resolve())
        return scandir(folder)

    monkeypatch.setattr(paths.os, "scandir", recording)
    return folders


def test_a_loop_of_links_is_searched_once(project: Path, scanned: list[Path]) -> None:
    (project / "data" / "up").symlink_to("..")  # data/up -> the project: data/up/data/up/… for ever
    (project / "data" / "again").symlink_to("..")
    searched = scanned
    files = data_files(project, "data/**/*.csv", allow_outside=False)
    # Every folder once for `**` and once for `*.csv`, however many links lead to it.
    assert set(Counter(searched).values()) == {2}
    assert len(set(searched)) == 7  # the project, data, a, a/deep, b, 2027-01, 2027-02
    # Each file once, by its resolved path, found through the links too (other.csv through data/up).
    assert [path.relative_to(project).as_posix() for path in files] == [
        "data/2027-01/m.csv", "data/2027-02/n.csv", "data/a/deep/y.csv", "data/a/x.csv", "data/b/z.csv", "data/top.csv", "other.csv",
    ]  # fmt: skip


def test_a_glob_searches_a_bounded_number_of_folders(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "MAX_FOLDERS_SEARCHED", 3)
    with pytest.raises(SourceError, match="searches more than 3 folders"):
        data_files(project, "data/**/*.csv", allow_outside=False)


def test_a_report_does_not_walk_the_disk_for_a_glob_the_source_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scandir = os.scandir
    outside: list[str] = []

    def inside_only(folder=".", *args):
        if Path(folder).resolve() == Path("/"):
            outside.append(str(folder))
            raise PermissionError(folder)  # the walk of / (as glob made it before) stops at its first folder
        return scandir(folder, *args)

    monkeypatch.setattr(os, "scandir", inside_only)
    (tmp_path / "goals.yaml").write_text(
        """\
goaltree: 1
id: t
title: T
period: {start: 2027-01-01, end: 2027-12-31}
owner: me
sources:
  crm: {type: csv, path: "/**/*.csv", date_column: day}
nodes:
  rev: {title: 100 SEK revenue, unit: SEK, target: 100, metric: {source: crm, value: amount}}
""",
        encoding="utf-8",
    )
    code = main(["report", str(tmp_path / "goals.yaml"), "--as-of", "2027-06-30", "-o", str(tmp_path / "r.md")])
    assert code == 1 and "leads outside the project folder" in capsys.readouterr().err
    assert outside == []


@pytest.fixture
def beside(tmp_path: Path, project: Path) -> Path:
    """A folder beside the project with files a goal file must not find out about."""
    outside = tmp_path.parent / (tmp_path.name + "-beside")
    (outside / "keys").mkdir(parents=True)
    (outside / "keys" / "secret-token.csv").write_text("day,amount\n", encoding="utf-8")
    return outside


@pytest.mark.parametrize(
    "pattern",
    ["d*/../../{beside}/keys/*", "d*/../../{beside}/keys/secret*", "d*/../../{beside}/keys/nothing*", "[d]ata/../../{beside}/**"],
)
def test_a_glob_stepping_out_of_the_project_after_a_glob_part_lists_nothing_there(
    project: Path, beside: Path, pattern: str, scanned: list[Path]
) -> None:
    listed = scanned
    raw = pattern.format(beside=beside.name)
    with pytest.raises(SourceError) as refused:
        data_files(project, raw, allow_outside=False)
    message = str(refused.value)
    assert "leads outside the project folder" in message
    # The same words whether the file exists or not, and no name found there.
    assert "secret-token" not in message.replace(raw, "") and "keys/" not in message.replace(raw, "")
    assert all(folder == project or project in folder.parents for folder in listed), listed


def test_a_link_in_the_project_to_a_folder_outside_is_not_listed_through_a_glob(
    project: Path, beside: Path, scanned: list[Path]
) -> None:
    (project / "linked").symlink_to(beside / "keys")
    listed = scanned
    with pytest.raises(SourceError) as refused:
        data_files(project, "l*/*", allow_outside=False)
    assert "secret-token" not in str(refused.value) and str(beside) not in str(refused.value)
    assert beside / "keys" not in listed
    # Allowed on purpose, the same glob finds the file.
    assert [path.name for path in data_files(project, "l*/*", allow_outside=True)] == ["secret-token.csv"]


@pytest.mark.parametrize("pattern", ["d*/loop/*", "d*/loop", "data/*/x.csv"])
def test_a_loop_of_links_after_a_glob_part_matches_nothing(project: Path, pattern: str) -> None:
    (project / "data" / "loop").symlink_to("other-loop")
    (project / "data" / "other-loop").symlink_to("loop")
    if pattern == "data/*/x.csv":
        assert [path.name for path in data_files(project, pattern, allow_outside=False)] == ["x.csv"]  # data/a/x.csv
        return
    with pytest.raises(SourceError, match="no files match"):
        data_files(project, pattern, allow_outside=False)
