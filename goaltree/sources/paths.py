"""Data paths: relative to the goal file's folder, and kept inside it.

A goal file reviewed in a pull request should not be able to read
``../../home/me/.ssh`` into a report. A path is resolved (``..`` and symlinks
included) and must stay inside the project folder unless the source says
``allow_outside_project: true``.
"""

from __future__ import annotations

import glob
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


def _escape_error(raw: str, resolved: Path, project: Path, field: str) -> SourceError:
    return SourceError(
        _(
            "{field} '{path}' leads outside the project folder {project} (to {resolved}); move the data "
            "into the project or set `allow_outside_project: true` on the source",
            field=field,
            path=raw,
            project=project,
            resolved=resolved,
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
        raise _escape_error(raw, resolved, project, field)
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
    fixed = Path(*_fixed_prefix(pattern.parts))
    resolve_path(project, str(fixed), allow_outside=allow_outside, field=field)
    matches = sorted(glob.glob(str(project / pattern), recursive=True))
    files = []
    for match in matches:
        path = Path(match).resolve()
        if not allow_outside and _outside(path, project):
            raise _escape_error(match, path, project, field)
        if path.is_file():
            files.append(path)
    if not files:
        raise SourceError(_("no files match {pattern} (looked in {project})", pattern=raw, project=project), SOURCE_FAILED, field)
    return sorted(set(files))


def _fixed_prefix(parts: tuple[str, ...]) -> list[str]:
    """The leading path parts before the first one with a glob character."""
    fixed = []
    for part in parts:
        if _GLOB_CHARACTERS & set(part):
            break
        fixed.append(part)
    return fixed or ["."]
