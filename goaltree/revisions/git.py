"""Reading goal files from git: ``REV:PATH`` arguments, a file at a revision, a file's log.

Everything goes through the ``git`` program with an argument list (never a
shell) and ``check=False``: a failing git becomes a :class:`GoaltreeError`
that says what went wrong (the command line prints it and exits 2). A
revision is validated with ``git rev-parse --verify --end-of-options
REV^{commit}`` before it is used, so a name that starts with ``-`` can never
be taken for an option.

Paths are what the user typed: relative to the current folder (or absolute),
like every other path goaltree takes. Git's own ``REV:PATH`` is relative to
the top of the repository; here ``HEAD~1:goals/plan.yaml`` means the file
``goals/plan.yaml`` as seen from where you stand, read from the repository
that holds it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Sequence

from goaltree.errors import GoaltreeError
from goaltree.goalfile import MAX_FILE_BYTES, read_text
from goaltree.present.language import _

# Settings that would change git's output under our parser: signatures in the
# log, quoted non-ASCII paths, pathspec magic in a file name.
_GIT_OPTIONS = (
    "--literal-pathspecs",
    "-c", "core.quotePath=false",
    "-c", "log.showSignature=false",
    "-c", "color.ui=never",
)
_RECORD = "\x1e"
_FIELD = "\x1f"


@dataclass(frozen=True)
class GoalText:
    """The text of a goal file and where it came from.

    Attributes:
        text: The file's content.
        label: How to name it in messages and diagnostics (``HEAD~1:goals.yaml`` or ``goals.yaml``).
        path: The path on disk the text stands for: its name decides YAML or JSON, and
            relative source paths start from its folder.
        revision: The revision as the user wrote it, ``None`` for the working copy.
        commit: The full commit id the text was read from, ``None`` for the working copy.
    """

    text: str
    label: str
    path: Path
    revision: str | None = None
    commit: str | None = None


@dataclass(frozen=True)
class Commit:
    """One commit in a file's history.

    Attributes:
        id: The full commit id.
        date: The author date, with its time zone.
        author: The author's name.
        subject: The first line of the message.
        body: The rest of the message (the "why"), without trailing blank lines.
        path: The file's path at this commit, relative to the repository's top
            (it differs from today's where the file was renamed).
    """

    id: str
    date: dt.datetime
    author: str
    subject: str
    body: str
    path: str

    @property
    def short_id(self) -> str:
        """The first seven characters of the commit id."""
        return self.id[:7]

    @property
    def message(self) -> str:
        """Subject and body as one text."""
        return f"{self.subject}\n\n{self.body}" if self.body else self.subject


def run_git(arguments: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``git`` with ``arguments`` in ``cwd``; the caller looks at the return code.

    Raises:
        GoaltreeError: git is not installed or cannot be started.
    """
    environment = dict(os.environ)
    # Our parsing relies on git's plain output: no pager, no prompts, no translations.
    environment.update({"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "LANGUAGE": ""})
    try:
        return subprocess.run(
            ["git", *_GIT_OPTIONS, *arguments],
            cwd=cwd,
            capture_output=True,
            check=False,
            env=environment,
        )
    except FileNotFoundError:
        raise GoaltreeError(_("git is not installed or not on PATH; it is needed to read REV:PATH and history")) from None
    except OSError as error:
        raise GoaltreeError(_("cannot run git: {reason}", reason=error.strerror)) from None


def _stderr(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else _("git exited with {code}", code=result.returncode)


def _existing_folder(path: Path) -> Path:
    """The nearest folder on disk that holds ``path`` (the file or its folders may be gone today)."""
    folder = path.parent
    while not folder.is_dir():
        if folder.parent == folder:
            break
        folder = folder.parent
    return folder


def repository_root(folder: Path) -> Path:
    """The top folder of the git repository that holds ``folder``.

    Raises:
        GoaltreeError: ``folder`` is not inside a git repository.
    """
    result = run_git(["rev-parse", "--show-toplevel"], cwd=folder)
    if result.returncode != 0:
        raise GoaltreeError(_("{folder}: not inside a git repository ({reason})", folder=folder, reason=_stderr(result)))
    top = result.stdout.decode("utf-8", "replace").strip()
    if not top:  # inside the .git folder itself, or a bare repository
        raise GoaltreeError(_("{folder}: not inside the working tree of a git repository", folder=folder))
    return Path(top).resolve()


def repository_path(path: Path) -> tuple[Path, str]:
    """The repository that holds ``path`` and the path relative to its top, with ``/``.

    ``path`` need not exist today: the repository is found from the nearest folder that does.

    Raises:
        GoaltreeError: Not inside a git repository, or the path leaves it.
    """
    absolute = Path(os.path.abspath(path))
    folder = _existing_folder(absolute)
    root = repository_root(folder)
    full = folder.resolve() / absolute.relative_to(folder)
    try:
        relative = full.relative_to(root)
    except ValueError:
        raise GoaltreeError(_("{file}: outside the git repository at {root}", file=path, root=root)) from None
    if not relative.parts:
        raise GoaltreeError(_("{file}: is the repository's top folder, not a goal file", file=path))
    return root, PurePosixPath(*relative.parts).as_posix()


def resolve_commit(root: Path, revision: str) -> str | None:
    """The full commit id ``revision`` names in the repository at ``root``, or ``None``.

    Validated with ``git rev-parse --verify --end-of-options REV^{commit}``: a
    branch, tag, ``HEAD~1``, a commit id or any other revision git understands,
    as long as it leads to a commit.
    """
    if not revision or "\n" in revision or "\0" in revision:
        return None
    result = run_git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], cwd=root)
    if result.returncode != 0:
        return None
    commit = result.stdout.decode("ascii", "replace").strip()
    return commit or None


def require_commit(root: Path, revision: str) -> str:
    """Like :func:`resolve_commit`, but a bad revision is an error that says so.

    Raises:
        GoaltreeError: ``revision`` is not a commit in this repository.
    """
    commit = resolve_commit(root, revision)
    if commit is None:
        raise GoaltreeError(
            _(
                "'{revision}' is not a revision in the git repository at {root}; "
                "use a branch, a tag, a commit id or a form like HEAD~1 (see `git log`)",
                revision=revision, root=root,
            )
        )
    return commit


def read_at(root: Path, commit: str, relative: str, *, revision: str | None = None) -> str:
    """The text of ``relative`` (a path from the repository's top) at ``commit``.

    Raises:
        GoaltreeError: The file does not exist at that commit, is a folder, or is not UTF-8 text.
    """
    shown = revision or commit[:7]
    where = f"{shown} ({commit[:7]})" if revision and revision != commit[:7] else shown
    kind = run_git(["cat-file", "-t", f"{commit}:{relative}"], cwd=root)
    if kind.returncode != 0:
        raise GoaltreeError(
            _("{file}: does not exist at {where}; `git log --follow -- {file}` shows where it lived", file=relative, where=where)
        )
    if kind.stdout.strip() != b"blob":
        raise GoaltreeError(_("{file}: is a folder at {where}, not a goal file", file=relative, where=where))
    # Sized before it is read: `git show` would hold a blob of any size in memory first.
    size = run_git(["cat-file", "-s", f"{commit}:{relative}"], cwd=root)
    if size.returncode == 0 and size.stdout.strip().isdigit() and int(size.stdout) > MAX_FILE_BYTES:
        raise GoaltreeError(_("{file} at {where}: the file is larger than {size} MiB", file=relative, where=where, size=MAX_FILE_BYTES // 2**20))
    result = run_git(["show", "--no-textconv", f"{commit}:{relative}"], cwd=root)
    if result.returncode != 0:
        raise GoaltreeError(_("{file}: cannot be read at {where} ({reason})", file=relative, where=where, reason=_stderr(result)))
    if len(result.stdout) > MAX_FILE_BYTES:
        raise GoaltreeError(_("{file} at {where}: the file is larger than {size} MiB", file=relative, where=where, size=MAX_FILE_BYTES // 2**20))
    try:
        return result.stdout.decode("utf-8")
    except UnicodeDecodeError as error:
        raise GoaltreeError(
            _("{file} at {where}: not UTF-8 text ({reason} at byte {byte})", file=relative, where=where, reason=error.reason, byte=error.start)
        ) from None


def split_revision(argument: str) -> tuple[str, str] | None:
    """``("HEAD~1", "goals.yaml")`` for ``HEAD~1:goals.yaml``; ``None`` when it has no such form.

    Git forbids ``:`` in branch and tag names, so the first colon ends the revision.
    """
    revision, colon, path = argument.partition(":")
    if not colon or not revision or not path:
        return None
    return revision, path


def read_goal_text(argument: str) -> GoalText:
    """The goal file an ``OLD``/``NEW`` argument names: a path, or ``REV:PATH`` read from git.

    The rule: an argument of the form ``REV:PATH`` whose ``REV`` is a commit in
    the repository holding ``PATH`` is read from git, even when a file of that
    exact name exists on disk. Otherwise an existing file is read from disk. An
    argument that is neither says why: the revision is unknown, the folder is
    not a git repository, or the file is missing.

    Raises:
        GoaltreeError: The argument names nothing that can be read.
    """
    on_disk = Path(argument)
    split = split_revision(argument)
    if split is None:
        if argument.startswith(":") and not on_disk.exists():
            raise GoaltreeError(
                _("'{argument}': write REV:PATH with a revision before the colon, e.g. HEAD:{path}", argument=argument, path=argument[1:])
            )
        return GoalText(read_text(on_disk), argument, on_disk)
    revision, relative_path = split
    path = Path(relative_path)
    try:
        root, relative = repository_path(path)
    except GoaltreeError as error:
        if on_disk.is_file():
            return GoalText(read_text(on_disk), argument, on_disk)
        raise GoaltreeError(_("'{argument}' cannot be read as REV:PATH: {reason}", argument=argument, reason=error)) from None
    commit = resolve_commit(root, revision)
    if commit is None:
        if on_disk.is_file():
            return GoalText(read_text(on_disk), argument, on_disk)
        require_commit(root, revision)  # raises with the message about the revision
    assert commit is not None
    text = read_at(root, commit, relative, revision=revision)
    return GoalText(text, f"{revision}:{relative_path}", path, revision, commit)


def file_log(path: Path) -> tuple[Path, list[Commit]]:
    """The commits that changed ``path``, newest first, following renames.

    Runs ``git log --follow --name-status -- PATH``. Commits that delete the
    file are left out (there is nothing to read at them).

    Returns:
        The repository's top folder and the commits.

    Raises:
        GoaltreeError: Not in a git repository, or git failed.
    """
    root, relative = repository_path(path)
    if resolve_commit(root, "HEAD") is None:
        raise GoaltreeError(_("{file}: the git repository at {root} has no commits yet", file=path, root=root))
    fields = _FIELD.join(("%H", "%aI", "%an", "%s", "%b"))
    result = run_git(
        ["log", "--follow", "--name-status", f"--format={_RECORD}{fields}{_FIELD}", "--end-of-options", "HEAD", "--", relative],
        cwd=root,
    )
    if result.returncode != 0:
        raise GoaltreeError(_("{file}: git log failed ({reason})", file=path, reason=_stderr(result)))
    output = result.stdout.decode("utf-8", "replace")
    commits: list[Commit] = []
    current = relative
    for record in output.split(_RECORD)[1:]:
        parts = record.split(_FIELD)
        if len(parts) < 6:
            continue
        commit_id, date, author, subject, body, changes = parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]
        status, names = _name_status(changes)
        here = names[-1] if names else current
        if status.startswith(("R", "C")) and len(names) == 2:
            current = names[0]  # older commits know the file by its earlier name
        if status == "D":
            continue
        commits.append(
            Commit(
                id=commit_id.strip(),
                date=dt.datetime.fromisoformat(date.strip()),
                author=author.strip(),
                subject=subject.strip(),
                body=body.strip(),
                path=here,
            )
        )
    return root, commits


def _name_status(text: str) -> tuple[str, list[str]]:
    for line in text.splitlines():
        if "\t" in line:
            status, *names = line.split("\t")
            return status.strip(), names
    return "", []
