"""The pre-commit hook manifest: `goaltree check` on goal files, and nothing else."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from goaltree.cli import build_parser

MANIFEST = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


@pytest.fixture(scope="module")
def hook() -> dict:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and [h["id"] for h in hooks] == ["goaltree-check"]
    return hooks[0]


def test_the_hook_runs_goaltree_check_in_python(hook):
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["entry"] == "goaltree check" and hook["language"] == "python"
    # pre-commit appends the staged file names: the command line must accept them.
    args = build_parser().parse_args([*shlex.split(hook["entry"])[1:], "goals.yaml", "plans/q3.goals.yaml"])
    assert args.command == "check" and args.files == ["goals.yaml", "plans/q3.goals.yaml"]


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("goals.yaml", True),
        ("goals.yml", True),
        ("goals.json", True),
        ("plans/q3.goals.yaml", True),
        ("marketing-goals.yml", True),
        ("plans/goals-2027-Q3.yaml", True),
        ("goals_2028.yaml", True),
        ("config.yaml", False),
        ("goalsetting.yaml", False),
        (".github/workflows/goals.yaml.bak", False),
        ("subgoals.yaml", False),
    ],
)
def test_the_files_pattern(hook, path, matches):
    # pre-commit searches the pattern in the path relative to the repository's top (re.search).
    assert bool(re.search(hook["files"], path)) is matches


def test_the_hook_is_verbose_so_warnings_show_on_a_passing_commit(hook):
    assert hook.get("verbose") is True


def _run_pre_commit(tmp_path: Path, hook: dict, goals: str) -> "subprocess.CompletedProcess[str]":
    """The real pre-commit running the manifest's hook (as a local hook on the installed goaltree) in a new repository."""
    import os
    import subprocess
    import sys

    from support import console_script

    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit is not installed: pip install -e '.[test]'")
        pytest.skip("pre-commit is not installed")
    repository = tmp_path / "repo"
    repository.mkdir()
    (repository / "goals.yaml").write_text(goals, encoding="utf-8")
    # The manifest's hook as it is, run on the goaltree installed here rather than in a fresh environment.
    local = {**hook, "language": "system", "entry": f"{console_script()} check"}
    (repository / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}), encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_CONFIG_GLOBAL": os.devnull, "NO_COLOR": "1"}
    subprocess.run(["git", "init", "-q"], cwd=repository, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=repository, check=True, env=env)
    return subprocess.run([str(pre_commit), "run", "--all-files", "--color", "never"], cwd=repository, capture_output=True, text=True, env=env)


GOALS = """\
goaltree: 1
id: acme
title: Acme
owner: Marketing
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
  leads:
    title: Better leads
    unit: count
    target: 1500
    actuals: {2027-03-31: 300}
"""


def test_pre_commit_shows_the_warnings_of_a_passing_goal_file(tmp_path, hook):
    done = _run_pre_commit(tmp_path, hook, GOALS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
    assert "goals.yaml:8:" in done.stdout and "warning S001 [leads]" in done.stdout


def test_pre_commit_fails_on_an_error_and_says_where(tmp_path, hook):
    done = _run_pre_commit(tmp_path, hook, GOALS.replace("target: 1500", "target: 1500\n    formula: visits * rate"))
    assert done.returncode == 1
    assert "Failed" in done.stdout and "error E004 [leads]" in done.stdout
