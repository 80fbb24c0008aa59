"""Layers point one way (STYLE.md): the import-linter contracts in pyproject.toml are kept.

The contracts are the architecture's one statement: commands above
presentation (report, render, revisions), above the rules, the engine, the
pipeline, the graph and, at the bottom, goal-file loading, the model and the
formula language; sources never import the engine or anything that presents.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter")

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """Run ``lint-imports`` with the project's contracts on the ``goaltree`` package found in ``package_parent``."""
    return subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
         "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=package_parent,
        env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin", "HOME": str(package_parent)},
        capture_output=True,
        text=True,
    )


def test_the_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "back_edge", "broken"),
    [
        ("goaltree/engine/pace.py", "import goaltree.render.style", "goaltree.engine is not allowed to import goaltree.render"),
        ("goaltree/goalfile/read.py", "import goaltree.api", "goaltree.goalfile is not allowed to import goaltree.api"),
        ("goaltree/sources/paths.py", "import goaltree.engine.results", "goaltree.sources is not allowed to import goaltree.engine"),
        ("goaltree/formula/tree.py", "import goaltree.model", "goaltree.formula is not allowed to import goaltree.model"),
    ],
)
def test_a_back_edge_breaks_a_contract(tmp_path, module, back_edge, broken):
    shutil.copytree(ROOT / "goaltree", tmp_path / "goaltree", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{back_edge}  # a back edge, on purpose\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in " ".join(result.stdout.split())
