"""Data paths: relative to the goal file's folder, and kept inside it.

A goal file reviewed in a pull request should not be able to read
``../../home/me/.ssh`` into a report. A path is resolved (``..`` and symlinks
included) and must stay inside the project folder unless the source says
``allow_outside_project: true``.
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


def resolve_path(project_dir: Path, raw: str, *, allow_outside: bool, field: str = "path") -> Path:
    """``raw`` resolved against ``project_dir``, with ``..`` and symlinks followed.

    Raises:
        SourceError: The path leaves the project folder and that is not allowed.
    """
    project = project_dir.resolve()
    resolved = (project / Path(raw).expanduser()).resolve()
    if not allow_outside and _outside(resolved, project):
        raise _escape_error(raw, project, field)
    return resolved


def data_files(project_dir: Path, raw: str, *, allow_outside: bool, field: str = "path") -> list[Path]:
    """The existing files ``raw`` names: one file, or every match of a glob (``data/*.parquet``), sorted.

    Raises:
        SourceError: A file is missing, nothing matches, or a path leaves the project.
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
    prefix = _fixed_prefix(pattern.parts)
    fixed = Path(*prefix)
    resolve_path(project, str(fixed), allow_outside=allow_outside, field=field)
    rest = pattern.parts[len(prefix) if prefix != ["."] else 0 :]
    matches = sorted(str(path) for path in _matches(project / fixed, rest, raw, field, None if allow_outside else project))
    files = []
    for match in matches:
        try:
            path = Path(match).resolve()
        except (OSError, RuntimeError):  # a loop of links is no file
            continue
        if not allow_outside and _outside(path, project):  # a link to a file outside
            raise _escape_error(raw, project, field)
        if path.is_file():
            files.append(path)
    if not files:
        raise SourceError(_("no files match {pattern} (looked in {project})", pattern=raw, project=project), SOURCE_FAILED, field)
    return sorted(set(files))


MAX_FOLDERS_SEARCHED = 10_000
"""How many folders one glob may search: a ``**`` over a whole disk, or around a loop of links, stops here."""


def _matches(base: Path, parts: tuple[str, ...], raw: str, field: str, project: Path | None) -> list[Path]:
    """What ``glob.glob(base / *parts, recursive=True)`` matches, each folder searched once.

    Links to folders are followed, as by glob, but a folder reached again
    (``data/a -> ..``) is not searched again, and at most
    :data:`MAX_FOLDERS_SEARCHED` folders are searched in all: a glob in a goal
    file never walks for ever. Names starting with a dot match only a part
    that starts with one, and ``**`` does not enter them, as with glob.
    Given the ``project`` folder, no folder outside it is searched or
    stepped into (a ``..`` after a glob part, a link in the project): the
    glob is refused before anything there is listed.

    Raises:
        SourceError: The glob would search more folders than that, or leave the project.
    """
    searched = 0

    def inside(folder: Path) -> Path:
        if project is None:
            return folder
        try:
            resolved = folder.resolve()
        except (OSError, RuntimeError):  # a loop of links: nothing can be listed through it
            return folder
        if _outside(resolved, project):
            raise _escape_error(raw, project, field)
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
