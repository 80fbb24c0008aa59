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
    ci = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if line and not line.startswith(("#", "set ", "cd "))]
    assert set_up.startswith("bash scripts/setup.sh && .venv/bin/goaltree ")
    # CI runs the README's second command, step by step.
    assert " && ".join(ci) == tests == "bash scripts/setup.sh --test && .venv/bin/python -m pytest"


def test_the_set_up_needs_no_python_command_nor_pip_outside_a_virtual_environment():
    """On a stock Debian or Ubuntu `python` may not exist and PEP 668 refuses a system-wide pip install."""
    scripts = {name: (ROOT / "scripts" / name).read_text(encoding="utf-8") for name in ("setup.sh", "install-system-deps.sh")}
    commands = "\n".join(blocks("sh")) + "\n" + "\n".join(scripts.values())
    code = [line for line in commands.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if re.search(r"(^\s*|[;&|(]\s*|sudo\s+)(python|pip|pip3)\s", line)]
    assert "python3 -m venv .venv" in scripts["setup.sh"]
    assert ".venv/bin/python -m pip install" in scripts["setup.sh"]


def test_the_tool_step_installs_no_test_only_system_packages():
    """A user who only wants the tool is not made to install PostgreSQL, Chromium or Node.js."""
    done = subprocess.run(
        ["bash", "-c", 'sed -n "/^need=()/,/^fi$/p" scripts/install-system-deps.sh'], cwd=ROOT, capture_output=True, text=True, check=True
    )
    body = done.stdout
    tool_part, test_part = body.split("if $with_tests; then", 1)
    for package in ("postgresql", "chromium", "npm"):
        assert package not in tool_part and package in test_part
    assert "graphviz" in tool_part and "python3-venv" in tool_part


def test_the_example_command_runs(capsys):
    from goaltree.cli import main

    set_up = blocks("sh")[0].strip().splitlines()[0]
    command = shlex.split(set_up.split("&&")[-1])
    assert command[0] == ".venv/bin/goaltree"
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
