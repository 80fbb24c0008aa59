"""A real git repository with two revisions of the seed funnel, built per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from revision_repo import Repository, make_repository, new_text, old_text, FIRST_MESSAGE, SECOND_BODY, SECOND_SUBJECT


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repository:
    """Two commits of goals.yaml: the plan, then the revision that raises revenue to 70 MSEK."""
    if shutil.which("git") is None:  # pragma: no cover - git is part of the system set-up
        pytest.fail("git is needed for these tests; install it (scripts/install-system-deps.sh does)")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    repo = make_repository(tmp_path / "repo")
    repo.commit(old_text(), FIRST_MESSAGE)
    repo.commit(new_text(), SECOND_SUBJECT, SECOND_BODY)
    monkeypatch.chdir(repo.root)
    return repo
