"""Golden files: the diagrams (DOT, Mermaid) and the Markdown report of the seed funnel and the objective tree.

A failure here means the output changed. If the change is intended, run
``python scripts/regenerate_golden.py`` and review the diff of ``tests/golden/``.
"""

from __future__ import annotations

import pytest
from render_helpers import load_golden_cases

CASES = load_golden_cases()


@pytest.mark.parametrize("name", sorted(CASES.CASES))
def test_golden(name):
    path = CASES.GOLDEN_DIR / name
    assert path.exists(), f"{path} is missing; run python scripts/regenerate_golden.py"
    produced = CASES.CASES[name]()
    expected = path.read_text(encoding="utf-8")
    assert produced == expected, f"{name} changed; if intended, run python scripts/regenerate_golden.py and review the diff"


def test_every_golden_file_has_a_case():
    on_disk = {p.name for p in CASES.GOLDEN_DIR.iterdir() if p.suffix in (".dot", ".mmd", ".md")}
    assert on_disk == set(CASES.CASES)


def test_the_regeneration_script_finds_nothing_stale(capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("regenerate_golden", CASES.REPO / "scripts" / "regenerate_golden.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0
