"""A goal file's targets across its git history: how each target moved, when, by whom, and why.

Every commit that changed the file (``git log --follow``, so a renamed file
keeps its history) is read with ``git show`` and evaluated like the working
copy (inline actuals only; targets do not need the metric sources), so a
derived target shows the value it had at that revision. A node keeps its
history through a change of id: consecutive revisions are matched with the
same rename detection as ``goaltree diff``. Uncommitted edits of the file
appear as a last revision, the working copy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from goaltree.engine.results import Evaluation
from goaltree.errors import DiagnosticsError, GoaltreeError, did_you_mean
from goaltree.graph import GoalTree
from goaltree.goalfile import read_text
from goaltree.present.language import _, _n, _p
from goaltree.revisions.diff import evaluate_revision, match_renames, tree_from_text
from goaltree.revisions.diff_values import fraction, percent_scale
from goaltree.revisions.git import Commit, GoalText, file_log, read_at


@dataclass(frozen=True)
class NodeTarget:
    """A node's target at one revision.

    In a :class:`FileHistory`, a target whose node switched between ``%``
    and ``ratio`` is in the node's newest unit (5 % is ``5`` or ``0.05``
    throughout), so that its figures and moves compare across revisions.

    Attributes:
        id: The node's id at that revision.
        title: Its title at that revision.
        unit: Its unit (in a history, the newest of ``%`` and ``ratio`` for a node that switched).
        target: The target, declared or derived (``None`` when it could not be derived).
        origin: ``declared``, ``derived`` or ``None``.
        derivation: How the target was reached, in words.
    """

    id: str
    title: str
    unit: str | None
    target: float | None
    origin: str | None
    derivation: str | None


@dataclass(frozen=True)
class Revision:
    """One revision of the goal file and every node's target in it.

    Attributes:
        commit: The commit, or ``None`` for uncommitted edits in the working copy.
        targets: Node id (at this revision) -> its target, in goal-file order.
        problem: Why this revision could not be evaluated (it was not a valid
            goal file, or its evaluation found errors: its first error), else ``None``.
        renamed_next: Old id -> new id between this revision and the next newer one.
    """

    commit: Commit | None
    targets: dict[str, NodeTarget] = field(default_factory=dict)
    problem: str | None = None
    renamed_next: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The short commit id, or ``working copy``."""
        return self.commit.short_id if self.commit else "working copy"

    @property
    def date(self) -> dt.date | None:
        """The author date, or ``None`` for the working copy."""
        return self.commit.date.date() if self.commit else None


@dataclass(frozen=True)
class FileHistory:
    """The revisions of a goal file, oldest first, with a node's identity followed through renames.

    Attributes:
        path: The goal file as the user named it.
        revisions: Oldest first.
        rows: Node identities: the id in the newest revision that has the node
            (so a node removed later keeps its last id), newest file order first.
        ids: Row -> the node's id at each revision (``None`` where it is absent), aligned with ``revisions``.
    """

    path: Path
    revisions: tuple[Revision, ...]
    rows: tuple[str, ...]
    ids: dict[str, tuple[str | None, ...]]

    def resolve(self, node: str) -> str:
        """The row of ``node``: a current id, or any id it had in an earlier revision.

        Raises:
            GoaltreeError: No revision has a node of that id.
        """
        if node in self.ids:
            return node
        for row, ids in self.ids.items():
            if node in ids:
                return row
        known = {node_id for ids in self.ids.values() for node_id in ids if node_id}
        raise GoaltreeError(
            _("'{node}' is not a node in any revision of {file}", node=node, file=self.path) + did_you_mean(node, known)
        )

    def targets_of(self, row: str) -> list[tuple[Revision, NodeTarget | None]]:
        """Each revision (oldest first) with the node's target there, ``None`` where it is absent."""
        return [
            (revision, revision.targets.get(node_id) if node_id else None)
            for revision, node_id in zip(self.revisions, self.ids[row])
        ]


def _targets(evaluation: Evaluation) -> dict[str, NodeTarget]:
    return {
        node_id: NodeTarget(
            id=node_id,
            title=result.title,
            unit=result.unit,
            target=result.target,
            origin=result.target_origin,
            derivation=result.target_derivation.text if result.target_derivation else None,
        )
        for node_id, result in evaluation.nodes.items()
    }


def _load(goal_text: GoalText) -> tuple[GoalTree | None, dict[str, NodeTarget], str | None]:
    """The revision's tree and targets, or why it is not evaluated: it does not load, or its evaluation found errors."""
    try:
        tree = tree_from_text(goal_text)
        evaluation = evaluate_revision(tree, tree.goal_file.period.start, goal_text)
    except DiagnosticsError as error:
        first = error.diagnostics[0].format() if error.diagnostics else _p("revision", "not a valid goal file")
        more = len(error.diagnostics) - 1
        if more > 0:
            return None, {}, _n("{problem} (and {count} more)", "{problem} (and {count} more)", more, problem=first)
        return None, {}, first
    return tree, _targets(evaluation), None


def file_history(path: Path | str) -> FileHistory:
    """Read and evaluate every revision of the goal file at ``path``.

    Raises:
        GoaltreeError: Not in a git repository, or the file has no commits.
    """
    path = Path(path)
    root, commits = file_log(path)
    if not commits:
        raise GoaltreeError(_("{file}: has no commits in the git repository at {root}; commit it first", file=path, root=root))
    commits.reverse()  # oldest first: a timeline
    # A revision that cannot be read (not UTF-8 text) is listed as not evaluated, as one that does not load.
    entries: list[tuple[Commit | None, GoalText | None, str | None]] = []  # each with why it cannot be read
    for commit in commits:
        try:
            text = read_at(root, commit.id, commit.path)
        except GoaltreeError as error:
            entries.append((commit, None, str(error)))
            continue
        label = f"{commit.short_id}:{commit.path}"
        entries.append((commit, GoalText(text, label, root / commit.path, commit.short_id, commit.id), None))
    if path.is_file():
        try:
            working = read_text(path)
        except GoaltreeError as error:
            entries.append((None, None, str(error)))
        else:
            last = entries[-1][1]
            if last is None or working != last.text:
                entries.append((None, GoalText(working, str(path), path), None))

    trees: list[GoalTree | None] = []
    revisions: list[Revision] = []
    for commit, goal_text, unreadable in entries:
        tree, targets, problem = _load(goal_text) if goal_text is not None else (None, {}, unreadable)
        trees.append(tree)
        revisions.append(Revision(commit, targets, problem))
    for index in range(len(revisions) - 1):
        older, newer = trees[index], trees[index + 1]
        if older is not None and newer is not None:
            revisions[index] = Revision(
                revisions[index].commit, revisions[index].targets, revisions[index].problem, match_renames(older, newer)
            )
    rows, ids = _lineage(revisions)
    return FileHistory(path=path, revisions=tuple(_in_newest_units(revisions, ids)), rows=rows, ids=ids)


def _in_newest_units(revisions: list[Revision], ids: dict[str, tuple[str | None, ...]]) -> list[Revision]:
    """The revisions with each node's target in its newest unit where it switched between ``%`` and ``ratio``.

    A switch from ``%`` to ``ratio`` that keeps the fraction keeps the target: 5 % is the ratio 0.05
    (docs/engine.md, "Percentages in formulas"), not a fall of 99 %.
    """
    targets = [dict(revision.targets) for revision in revisions]
    for row_ids in ids.values():
        present = [(index, node_id) for index, node_id in enumerate(row_ids) if node_id is not None]
        if not present:
            continue
        last_index, last_id = present[-1]
        unit = revisions[last_index].targets[last_id].unit
        scale = percent_scale(unit)
        if scale is None:
            continue
        for index, node_id in present:
            target = targets[index][node_id]
            if target.unit != unit and percent_scale(target.unit) is not None:
                value = None if target.target is None else fraction(target.target, target.unit) * scale
                targets[index][node_id] = replace(target, unit=unit, target=value)
    return [replace(revision, targets=converted) for revision, converted in zip(revisions, targets)]


def _lineage(revisions: list[Revision]) -> tuple[tuple[str, ...], dict[str, tuple[str | None, ...]]]:
    """Follow every node from the newest revision back to the oldest, through renames."""
    count = len(revisions)
    current: dict[str, str] = {}  # row -> id as we walk back in time
    ids: dict[str, list[str | None]] = {}
    for index in range(count - 1, -1, -1):
        revision = revisions[index]
        if index < count - 1:
            back = {new: old for old, new in revision.renamed_next.items()}
            current = {row: back.get(node_id, node_id) for row, node_id in current.items()}
        claimed = set(current.values())
        for node_id in revision.targets:
            # A node that was removed later. (An id reused for another node after a rename
            # keeps the newer node's row.)
            if node_id not in claimed and node_id not in current:
                current[node_id] = node_id
                ids[node_id] = [None] * count
        for row, node_id in current.items():
            ids[row][index] = node_id if node_id in revision.targets else None
    newest_first = [row for revision in reversed(revisions) for row in revision.targets if row in ids]
    rows = tuple(dict.fromkeys(row for row in newest_first if row in ids))
    rows = rows + tuple(row for row in ids if row not in rows)
    return rows, {row: tuple(ids[row]) for row in rows}
