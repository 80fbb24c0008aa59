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
