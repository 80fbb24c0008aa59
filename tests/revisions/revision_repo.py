"""The revision tests' git repository: two revisions of the seed funnel, built per test.

Test modules import the ``repository`` fixture from here (``from revision_repo import
repository``) rather than from a ``conftest.py``: the test folders have no
``__init__.py``, and a second module named ``conftest`` on ``sys.path`` would shadow
the top-level one that other tests import from.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"

# Old revision: the seed funnel plus two supporting nodes under leads.
EXTRA_OLD = """\
  newsletter:
    title: 2 000 newsletter subscribers
    unit: count
    parent: leads
    target: 2000
  events:
    title: 12 events with partners
    unit: count
    parent: leads
    target: 12
"""

# New revision: newsletter removed, events moved under customers, webinars added.
EXTRA_NEW = """\
  events:
    title: 12 events with partners
    unit: count
    parent: customers
    target: 12
  webinars:
    title: 800 webinar sign-ups
    unit: count
    parent: leads
    target: 800
"""

FIRST_MESSAGE = "Plan 2027"
SECOND_SUBJECT = "Raise the revenue target to 70 MSEK after the Q1 review"
SECOND_BODY = "The board asked for 70 MSEK; conversion assumptions unchanged."


def git(cwd: Path, *arguments: str) -> str:
    """Run git in ``cwd`` and return its output; fail the test on an error."""
    result = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def old_text() -> str:
    return (DATA / "funnel.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n" + EXTRA_OLD


def new_text() -> str:
    text = (DATA / "funnel.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n"
    text = text.replace("title: 63 MSEK new revenue", "title: 70 MSEK new revenue")
    text = text.replace("target: 63000000", "target: 70000000")
    text = text.replace("lead_to_customer", "win_rate")  # a new id, same title and edges: a rename
    text = text.replace("avg_order * orders_per_year * lifetime_years", "avg_order*orders_per_year *  lifetime_years")
    return text + EXTRA_NEW


@dataclass
class Repository:
    """A git repository in a temporary folder, with helpers."""

    root: Path

    @property
    def goals(self) -> Path:
        return self.root / "goals.yaml"

    def git(self, *arguments: str) -> str:
        return git(self.root, *arguments)

    def commit(self, text: str, message: str, *body: str, name: str = "goals.yaml") -> None:
        (self.root / name).write_text(text, encoding="utf-8")
        self.git("add", name)
        arguments = ["commit", "-q", "-m", message]
        for paragraph in body:
            arguments += ["-m", paragraph]
        self.git(*arguments)


def make_repository(root: Path) -> Repository:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    git(root, "config", "user.name", "Ann Planner")
    git(root, "config", "user.email", "ann@example.com")
    git(root, "config", "commit.gpgsign", "false")
    return Repository(root)


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


def tree_of(text: str, name: str = "goals.yaml"):
    """The built tree of goal-file text, as the diff reads a revision."""
    from goaltree.revisions.diff import tree_from_text
    from goaltree.revisions.git import GoalText

    return tree_from_text(GoalText(text, name, Path(name)))


def run_diff(capsys, tmp_path: Path, old: str, new: str, *options: str) -> str:
    """What ``goaltree diff old.yaml new.yaml [options]`` prints, the two files written first."""
    from goaltree.cli import main

    (tmp_path / "old.yaml").write_text(old, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    assert main(["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), *options]) == 0
    return capsys.readouterr().out


UNSPLIT = """\
goaltree: 1
id: e
title: Leads 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  leads: {title: 4 000 leads, unit: count, target: 4000, formula: web + events}
  web: {title: 3 000 web leads, unit: count, target: 3000}
  events: {title: Event leads, unit: count}
"""
# Without web's target, leads = web + events has two unknowns and no baselines to split 4 000 by: E010.
UNSPLIT_BROKEN = UNSPLIT.replace("{title: 3 000 web leads, unit: count, target: 3000}", "{title: Web leads, unit: count}")
