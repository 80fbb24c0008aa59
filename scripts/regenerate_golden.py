#!/usr/bin/env python3
"""Regenerate the golden files in tests/golden/ (diagrams and reports), or check they are fresh.

    python scripts/regenerate_golden.py          # rewrite every golden file
    python scripts/regenerate_golden.py --check  # exit 1 if any is stale or missing

The cases (goal file, as-of date, options) live in tests/golden/golden_cases.py,
which the golden tests read too. Review the diff of the regenerated files like
any other change: it is exactly what users will see change.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_cases():
    """The ``golden_cases`` module, loaded by path (tests/ is not a package)."""
    sys.path.insert(0, str(REPO))
    spec = importlib.util.spec_from_file_location("golden_cases", REPO / "tests" / "golden" / "golden_cases.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale or missing files; exit 1 if any")
    args = parser.parse_args(argv)
    cases = load_cases()
    stale = []
    for name, produce in cases.CASES.items():
        path = cases.GOLDEN_DIR / name
        text = produce()
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    known = set(cases.CASES)
    orphans = sorted(p.name for p in cases.GOLDEN_DIR.iterdir() if p.suffix in (".dot", ".mmd", ".md") and p.name not in known)
    for name in orphans:
        print(f"tests/golden/{name} belongs to no case; delete it or add a case", file=sys.stderr)
    if args.check:
        for name in stale:
            print(f"tests/golden/{name} is stale; run python scripts/regenerate_golden.py", file=sys.stderr)
        return 1 if stale or orphans else 0
    if not stale:
        print("every golden file is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
