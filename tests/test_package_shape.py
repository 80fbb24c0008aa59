"""The package keeps the shape issue #14 set: small modules, no generated code, no tricks in the basic types.

Every module of ``goaltree/`` stays within 600 lines, and none calls
``exec``, ``eval`` or ``compile`` or builds a tuple through ``tuple.__new__``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "goaltree"
MAX_LINES = 600
FORBIDDEN_CALLS = {"exec", "eval", "compile"}


def shape_problems(path: Path) -> list[str]:
    """What is wrong with the module at ``path``, one sentence each; empty when it keeps the shape."""
    text = path.read_text(encoding="utf-8")
    problems = []
    lines = len(text.splitlines())
    if lines > MAX_LINES:
        problems.append(f"{path.name} has {lines} lines (at most {MAX_LINES}): split it by concern")
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            problems.append(f"{path.name}:{node.lineno} calls {node.func.id}()")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "__new__"
            and isinstance(node.value, ast.Name)
            and node.value.id == "tuple"
        ):
            problems.append(f"{path.name}:{node.lineno} uses tuple.__new__")
    return problems


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules_to_look_at():
    assert len(MODULES) > 50
    assert PACKAGE / "engine" / "evaluate.py" in MODULES


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_a_module_keeps_the_shape(path):
    assert shape_problems(path) == []


def test_a_long_module_generated_code_and_tuple_tricks_are_found(tmp_path):
    module = tmp_path / "bad.py"
    body = "\n".join(f"X{i} = {i}" for i in range(MAX_LINES))
    module.write_text(
        body + '\nexec("y = 1")\nf = compile("1", "f", "eval")\nt = tuple.__new__(tuple, (1,))\nz = eval("2")\n',
        encoding="utf-8",
    )
    assert sorted(shape_problems(module)) == sorted([
        f"bad.py has {MAX_LINES + 4} lines (at most {MAX_LINES}): split it by concern",
        f"bad.py:{MAX_LINES + 1} calls exec()",
        f"bad.py:{MAX_LINES + 2} calls compile()",
        f"bad.py:{MAX_LINES + 3} uses tuple.__new__",
        f"bad.py:{MAX_LINES + 4} calls eval()",
    ])


def test_a_module_at_the_limit_keeps_the_shape(tmp_path):
    module = tmp_path / "fine.py"
    module.write_text("\n".join(f"X{i} = {i}" for i in range(MAX_LINES)) + "\n", encoding="utf-8")
    assert shape_problems(module) == []
