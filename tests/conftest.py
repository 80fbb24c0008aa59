"""Shared fixtures: the seed funnel and helpers to write goal files."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from support import DATA


@pytest.fixture
def funnel_path(tmp_path: Path) -> Path:
    """A fresh copy of the seed funnel goal file."""
    target = tmp_path / "goals.yaml"
    shutil.copy(DATA / "funnel.yaml", target)
    return target


@pytest.fixture
def write_goals(tmp_path: Path):
    """Write goal-file text (dedented) to ``tmp_path/name`` and return the path."""

    def write(text: str, name: str = "goals.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write

