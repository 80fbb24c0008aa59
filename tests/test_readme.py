"""What the README shows runs exactly as written."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_the_set_up_commands_are_the_ones_ci_runs():
    set_up, tests = blocks("sh")[0].strip().splitlines()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/install-system-deps.sh" in set_up and "bash scripts/install-system-deps.sh" in ci
    assert 'pip install -e ".[test]"' in set_up and '-e ".[test]"' in ci
    assert tests == "python -m pytest" and ci.rstrip().endswith("python -m pytest")


def test_the_example_command_runs(capsys):
    from goaltree.cli import main

    set_up = blocks("sh")[0].strip().splitlines()[0]
    command = shlex.split(set_up.split("&&")[-1])
    assert command[0] == "goaltree"
    assert (ROOT / command[2]).is_file()
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert main(command[1:]) == 0
    finally:
        os.chdir(cwd)
    assert "B2B" in capsys.readouterr().out


def test_the_python_example_runs():
    (snippet,) = blocks("python")
    done = subprocess.run([sys.executable, "-c", snippet], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["5000.0", "at_risk"]


def test_the_goal_file_shown_is_the_seed_funnel():
    (shown,) = blocks("yaml")
    funnel = (ROOT / "tests" / "data" / "funnel.yaml").read_text(encoding="utf-8")
    for line in shown.splitlines():
        if line.strip() and not line.lstrip().startswith("#") and not line.startswith(("id:", "title:")):
            assert line in funnel, line
