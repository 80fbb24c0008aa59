"""Layers point one way: the model and engine know nothing of the command line, drawing or reports,
and sources never import the engine (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "goaltree"

FORBIDDEN = {
    "model.py": ("goaltree.cli", "goaltree.render", "goaltree.report", "goaltree.engine", "goaltree.sources", "goaltree.rules"),
    "formula": ("goaltree.cli", "goaltree.render", "goaltree.report", "goaltree.engine", "goaltree.sources", "goaltree.rules", "goaltree.graph"),
    "engine": ("goaltree.cli", "goaltree.render", "goaltree.report", "goaltree.rules"),
    "sources": ("goaltree.engine", "goaltree.cli", "goaltree.render", "goaltree.report", "goaltree.rules"),
    "rules": ("goaltree.cli", "goaltree.render", "goaltree.report"),
    "render": ("goaltree.cli",),
    "report": ("goaltree.cli",),
    # Goal-file loading sits below the graph; importing goaltree.api once closed a 17-module circle.
    "goalfile": (
        "goaltree.api", "goaltree.pipeline", "goaltree.graph", "goaltree.engine", "goaltree.rules",
        "goaltree.sources", "goaltree.revisions", "goaltree.cli", "goaltree.render", "goaltree.report",
    ),
    "pipeline.py": (
        "goaltree.api", "goaltree.engine", "goaltree.rules", "goaltree.sources", "goaltree.revisions",
        "goaltree.cli", "goaltree.render", "goaltree.report",
    ),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_one_way(layer):
    target = PACKAGE / layer
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in sorted(imported_modules(path))
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer])
    ]
    assert not offences, offences
