"""A goal file never reads the project's hidden files: actions/checkout leaves the CI token in ``.git/config``."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from goaltree.cli import main
from goaltree.sources.base import SourceError
from goaltree.sources.paths import data_files, resolve_path

TOKEN = base64.b64encode(b"x-access-token:ghs_FAKETOKEN0123456789abcdef").decode()
HIDDEN = "leads into a hidden file or folder of the project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A checked-out repository: the token in ``.git/config``, an ``.env``, and data in ``data/``."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(
        f'[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {TOKEN}\n',
        encoding="utf-8",
    )
    (tmp_path / ".env").write_text(f"day,amount\n2027-01-01,{TOKEN}\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "deals.csv").write_text("day,amount\n2027-01-01,5\n", encoding="utf-8")
    return tmp_path


def refused(project: Path, raw: str, *, allow_outside: bool = False) -> str:
    with pytest.raises(SourceError) as caught:
        data_files(project, raw, allow_outside=allow_outside)
    message = str(caught.value)
    assert TOKEN not in message and TOKEN[:12] not in message
    return message


@pytest.mark.parametrize(
    "raw", [".git/config", ".env", "./.git/config", "data/../.git/config", ".git/../.git/config", "{project}/.git/config"]
)
@pytest.mark.parametrize("allow_outside", [False, True])
def test_a_path_into_a_hidden_file_is_refused(project: Path, raw: str, allow_outside: bool) -> None:
    raw = raw.format(project=project)
    message = refused(project, raw, allow_outside=allow_outside)  # allow_outside_project does not lift it
    assert message.startswith(f"path '{raw}' {HIDDEN}") and "move the data out of the hidden folder" in message


def test_a_missing_hidden_file_is_refused_the_same(project: Path) -> None:
    assert HIDDEN in refused(project, ".ssh/id_rsa")  # existing or not, the same words


@pytest.mark.parametrize("pattern", [".git/*", ".*/config", ".git/**", "**/.git/config", ".e*", "data/../.git/*"])
def test_a_glob_naming_a_hidden_part_is_refused(project: Path, pattern: str) -> None:
    assert refused(project, pattern).startswith(f"path '{pattern}' {HIDDEN}")


@pytest.mark.parametrize("pattern", ["*/config", "[.]git/config", "?git/config", "*git/*", "**/config"])
def test_a_glob_part_does_not_match_a_hidden_name(project: Path, pattern: str) -> None:
    assert "no files match" in refused(project, pattern)


def test_a_double_star_does_not_enter_hidden_folders(project: Path) -> None:
    files = data_files(project, "**/*", allow_outside=False)
    assert [path.relative_to(project).as_posix() for path in files] == ["data/deals.csv"]


@pytest.mark.parametrize("raw", ["data/cfg", "data/*", "data/c*", "data/**/*", "data/**"])
def test_a_link_in_the_project_to_a_hidden_file_is_refused(project: Path, raw: str) -> None:
    (project / "data" / "cfg").symlink_to("../.git/config")
    assert refused(project, raw).startswith(f"path '{raw}' {HIDDEN}")


@pytest.mark.parametrize("raw", ["data/git/config", "data/git/*", "data/*/config", "data/**/*", "d*/git/config", "git/config"])
def test_a_link_in_the_project_to_a_hidden_folder_is_refused(project: Path, raw: str) -> None:
    (project / "data" / "git").symlink_to("../.git")
    (project / "git").symlink_to(".git")
    assert refused(project, raw).startswith(f"path '{raw}' {HIDDEN}")


def test_only_names_below_the_project_count(tmp_path: Path) -> None:
    project = tmp_path / ".cache" / "plan"  # a project in a hidden folder (a cache, ~/.local) is read as usual
    (project / "data").mkdir(parents=True)
    (project / "data" / "deals.csv").write_text("day,amount\n", encoding="utf-8")
    expected = [(project / "data" / "deals.csv").resolve()]
    assert data_files(project, "data/deals.csv", allow_outside=False) == expected
    assert data_files(project, "data/*.csv", allow_outside=False) == expected
    assert data_files(project, str(project / "data" / "*.csv"), allow_outside=False) == expected
    assert resolve_path(project, "data/deals.csv", allow_outside=False) == expected[0]


def test_a_file_whose_name_only_contains_a_dot_is_read(project: Path) -> None:
    (project / "data" / "deals.2027.csv").write_text("day,amount\n", encoding="utf-8")
    assert [path.name for path in data_files(project, "data/deals.2027.csv", allow_outside=False)] == ["deals.2027.csv"]


GOALS = """\
goaltree: 1
id: t
title: T
period: {{start: 2027-01-01, end: 2027-12-31}}
sources:
  cfg: {source}
nodes:
  revenue: {{title: Revenue, unit: SEK, target: 100, metric: {metric}}}
"""


@pytest.mark.parametrize(
    ("source", "metric"),
    [
        ('{type: csv, path: .git/config, date_column: "%s", delimiter: " "}' % TOKEN[:26], '{source: cfg, value: "1"}'),
        ('{type: csv, path: "*/c*g", date_column: "%s", delimiter: " "}' % TOKEN[:26], '{source: cfg, value: "1"}'),
        ('{type: csv, path: "**/*", date_column: "%s", delimiter: " "}' % TOKEN[:26], '{source: cfg, value: "1"}'),
        ('{type: csv, path: .env, date_column: day, allow_outside_project: true}', "{source: cfg, value: amount}"),
        ("{type: sql, url: 'sqlite:///.git/config'}", '{source: cfg, query: "SELECT 1 AS day, 1 AS value"}'),
        ("{type: sql, url: 'sqlite:///data/cfg'}", '{source: cfg, query: "SELECT 1 AS day, 1 AS value"}'),
        ("{type: sql, url: 'duckdb:///.git/config'}", '{source: cfg, query: "SELECT 1 AS day, 1 AS value"}'),
        ("{type: sql, url: 'sqlite:///.git/../.env'}", '{source: cfg, query: "SELECT 1 AS day, 1 AS value"}'),
    ],
)
def test_a_goal_file_cannot_print_the_checkout_token(
    project: Path, source: str, metric: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "data" / "cfg").symlink_to("../.git/config")
    (project / "goals.yaml").write_text(GOALS.format(source=source, metric=metric), encoding="utf-8")
    assert main(["evaluate", str(project / "goals.yaml"), "--as-of", "2027-02-01"]) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert TOKEN not in output and TOKEN[:27] not in output and "ghs_FAKE" not in output
    assert "error E018" in output and HIDDEN in output  # `*/c*g` matches data/cfg, the link, not .git/config


@pytest.mark.parametrize("store", [".git/annex/objects/Xk/9q/SHA256E-s25--ab12.csv", ".dvc/cache/ab/12cd34.csv"])
def test_a_data_file_kept_by_git_annex_or_dvc_is_read_through_its_link(project: Path, store: str):
    # git-annex (and DVC with symlinks) keep the data in a hidden store and put a link in its place.
    target = project / store
    target.parent.mkdir(parents=True)
    target.write_text("day,amount\n2027-01-01,7\n", encoding="utf-8")
    (project / "data" / "annexed.csv").symlink_to(Path("..") / store)
    assert data_files(project, "data/annexed.csv", allow_outside=False) == [target.resolve()]
    assert target.resolve() in data_files(project, "data/*.csv", allow_outside=False)
    # The rest of the hidden folder stays refused, and so does the store's own folder.
    assert HIDDEN in refused(project, ".git/config")
    assert HIDDEN in refused(project, store.split("/")[0] + "/" + store.split("/")[1])
