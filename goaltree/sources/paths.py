"""Data paths: relative to the goal file's folder, and kept inside it.

A goal file reviewed in a pull request should not be able to read
``../../home/me/.ssh`` into a report. A path is resolved (``..`` and symlinks
included) and must stay inside the project folder unless the source says
``allow_outside_project: true``. Nor may it read the project's hidden files
and folders (``.git``, ``.env``, ``.ssh``): they hold settings and secrets, not
data (actions/checkout writes the CI token into ``.git/config``).
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from goaltree.present.language import _
from goaltree.sources.base import SOURCE_CONFIG, SOURCE_FAILED, SourceError

_GLOB_CHARACTERS = frozenset("*?[")


def _outside(path: Path, project: Path) -> bool:
    try:
        path.relative_to(project)
    except ValueError:
        return True
    return False


def _escape_error(raw: str, project: Path, field: str) -> SourceError:
    """The refusal of a path that leaves the project: it names the path as written, never where it leads.

    Where a path outside the project leads (a link's target, a file a glob
    matched there) is outside content too: printed, a goal file could list
    any folder of the machine through it.
    """
    return SourceError(
        _(
            "{field} '{path}' leads outside the project folder {project}; move the data "
            "into the project or set `allow_outside_project: true` on the source",
            field=field,
            path=raw,
            project=project,
        ),
        SOURCE_CONFIG,
        field,
    )


_CONTENT_STORES = ((".git", "annex", "objects"), (".dvc", "cache"))
"""Hidden folders that hold data files, not settings: where git-annex and DVC keep the files a link points to."""


def _hidden(path: Path, project: Path) -> bool:
    """Whether a name below ``project`` on ``path`` starts with a dot; the folders holding the project do not count.

    A file in a data store of git-annex or DVC (``data/deals.csv`` a link
    into ``.git/annex/objects/``) is data, and not hidden.
    """
    try:
        relative = path.relative_to(project)
    except ValueError:
        return False
    parts = relative.parts
    if any(parts[: len(store)] == store and len(parts) > len(store) for store in _CONTENT_STORES):
        return False
    return any(part.startswith(".") and part not in (".", "..") for part in parts)


def _hidden_error(raw: str, field: str) -> SourceError:
    """The refusal of a path into a hidden file or folder of the project, named as written (not where it leads)."""
    return SourceError(
        _(
            "{field} '{path}' leads into a hidden file or folder of the project (a name starting with '.', "
            "such as .git or .env), which goaltree never reads: it holds settings and secrets, not data; "
            "move the data out of the hidden folder",
            field=field,
            path=raw,
        ),
        SOURCE_CONFIG,
        field,
    )


def _refuse_hidden(raw: str, written: Path, resolved: Path, project: Path, field: str) -> None:
    """Refuse ``raw`` when it names, or leads through links into, a hidden file or folder of the project.

    Both count: the path as written (``.env``, ``data/../.git/config``) and
    where its links lead, ``resolved`` (``data/cfg -> ../.git/config``).

    Raises:
        SourceError: It does.
    """
    if _hidden(Path(os.path.normpath(written)), project) or _hidden(resolved, project):
        raise _hidden_error(raw, field)


def resolve_path(project_dir: Path, raw: str, *, allow_outside: bool, field: str = "path") -> Path:
    """``raw`` resolved against ``project_dir``, with ``..`` and symlinks followed.

    Raises:
        SourceError: The path leaves the project folder and that is not allowed, or it leads into a hidden
            file or folder of the project (``.git/config``), which is never allowed.
    """
    project = project_dir.resolve()
    written = project / Path(raw).expanduser()
    resolved = written.resolve()
    if not allow_outside and _outside(resolved, project):
        raise _escape_error(raw, project, field)
    _refuse_hidden(raw, written, resolved, project, field)
    return resolved


def data_files(project_dir: Path, raw: str, *, allow_outside: bool, field: str = "path") -> list[Path]:
    """The existing files ``raw`` names: one file, or every match of a glob (``data/*.parquet``), sorted.

    Raises:
        SourceError: A file is missing, nothing matches, or a path leaves the project or enters a hidden
            file or folder of it.
    """
    project = project_dir.resolve()
    if not _GLOB_CHARACTERS & set(raw):
        path = resolve_path(project, raw, allow_outside=allow_outside, field=field)
        if not path.exists():
            raise SourceError(_("file {path} not found (looked for {resolved})", path=raw, resolved=path), SOURCE_FAILED, field)
        if not path.is_file():
            raise SourceError(_("{path} is not a file ({resolved})", path=raw, resolved=path), SOURCE_FAILED, field)
        return [path]
    pattern = Path(raw).expanduser()
    if _hidden(Path(os.path.normpath(project / pattern)), project):  # `.*/config`, `data/.cache/*.csv`
        raise _hidden_error(raw, field)
    prefix = _fixed_prefix(pattern.parts)
    fixed = Path(*prefix)
    resolved_fixed = (project / fixed).resolve()
    if not allow_outside and _outside(resolved_fixed, project):  # refused as written: the glob
        raise _escape_error(raw, project, field)
    _refuse_hidden(raw, project / fixed, resolved_fixed, project, field)
    rest = pattern.parts[len(prefix) if prefix != ["."] else 0 :]
    matches = sorted(str(path) for path in _matches(project / fixed, rest, raw, field, project, allow_outside))
    files = []
    for match in matches:
        try:
            path = Path(match).resolve()
        except (OSError, RuntimeError):  # a loop of links is no file
            continue
        if not allow_outside and _outside(path, project):  # a link to a file outside
            raise _escape_error(raw, project, field)
        if _hidden(path, project):  # a link to `.git/config`
            raise _hidden_error(raw, field)
        if path.is_file():
            files.append(path)
    if not files:
        raise SourceError(_("no files match {pattern} (looked in {project})", pattern=raw, project=project), SOURCE_FAILED, field)
    return sorted(set(files))


MAX_FOLDERS_SEARCHED = 10_000
"""How many folders one glob may search: a ``**`` over a whole disk, or around a loop of links, stops here."""


def _matches(base: Path, parts: tuple[str, ...], raw: str, field: str, project: Path, allow_outside: bool) -> list[Path]:
    """What ``glob.glob(base / *parts, recursive=True)`` matches, each folder searched once.

    Links to folders are followed, as by glob, but a folder reached again
    (``data/a -> ..``) is not searched again, and at most
    :data:`MAX_FOLDERS_SEARCHED` folders are searched in all: a glob in a goal
    file never walks for ever. Names starting with a dot match only a part
    that starts with one, and ``**`` does not enter them, as with glob.
    No hidden folder of the ``project`` is searched or stepped into (a link
    in the project to ``.git``), nor, unless ``allow_outside``, any folder
    outside it (a ``..`` after a glob part, a link in the project): the glob
    is refused before anything there is listed.

    Raises:
        SourceError: The glob would search more folders than that, leave the project or enter a hidden folder.
    """
    searched = 0

    def inside(folder: Path) -> Path:
        try:
            resolved = folder.resolve()
        except (OSError, RuntimeError):  # a loop of links: nothing can be listed through it
            return folder
        if not allow_outside and _outside(resolved, project):
            raise _escape_error(raw, project, field)
        if _hidden(resolved, project):
            raise _hidden_error(raw, field)
        return folder

    def search(folder: Path) -> list[os.DirEntry]:
        nonlocal searched
        inside(folder)
        searched += 1
        if searched > MAX_FOLDERS_SEARCHED:
            raise SourceError(
                _(
                    "{field} '{path}' searches more than {count} folders; name the folder the files are in",
                    field=field,
                    path=raw,
                    count=MAX_FOLDERS_SEARCHED,
                ),
                SOURCE_CONFIG,
                field,
            )
        try:
            with os.scandir(folder) as entries:
                return sorted(entries, key=lambda entry: entry.name)
        except OSError:
            return []

    def is_folder(entry: os.DirEntry) -> bool:
        try:
            return entry.is_dir()
        except OSError:
            return False

    current = [base]
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        found: list[Path] = []
        if part == "**":
            seen: set[tuple[int, int]] = set()
            for top in current:
                stack = [top]
                while stack:
                    folder = stack.pop()
                    try:
                        status = folder.stat()
                    except OSError:
                        continue
                    if (status.st_dev, status.st_ino) in seen:
                        continue
                    seen.add((status.st_dev, status.st_ino))
                    found.append(folder)
                    below = [entry for entry in search(folder) if not entry.name.startswith(".")]
                    if last:  # a final ``**`` matches files too
                        found.extend(Path(entry.path) for entry in below if not is_folder(entry))
                    stack.extend(Path(entry.path) for entry in reversed(below) if is_folder(entry))
        elif _GLOB_CHARACTERS & set(part):
            for folder in current:
                for entry in search(folder):
                    if entry.name.startswith(".") and not part.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(entry.name, part) and (last or is_folder(entry)):
                        found.append(Path(entry.path))
        else:
            found = [path for path in (inside(folder / part) for folder in current) if last or path.is_dir()]
        current = list(dict.fromkeys(found))
    return [path for path in current if path.exists()]


def _fixed_prefix(parts: tuple[str, ...]) -> list[str]:
    """The leading path parts before the first one with a glob character."""
    fixed = []
    for part in parts:
        if _GLOB_CHARACTERS & set(part):
            break
        fixed.append(part)
    return fixed or ["."]
