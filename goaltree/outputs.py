"""Writing outputs: files that are never half-written, and never over a file a command reads.

Shared by the command line, the renderers and the reports, so that every
output file appears whole or not at all. How numbers and text read in those
files is :mod:`goaltree.present`'s concern.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable, Iterator

from goaltree.present.language import _, _p


GOAL_FILE_BEING_READ = "the goal file being read"
"""How a refusal names the goal file a command reads (translated where the refusal is worded)."""

SNAPSHOT_BEING_READ = "the snapshot being read"
"""How a refusal names the snapshot a command reads (translated where the refusal is worded)."""


def input_files(goal_file: Any, goal_path: Path | str | None, snapshot: Path | str | None = None) -> list[tuple[Path, str]]:
    """What a command reads, each with a few words naming it: outputs must never land on these.

    The goal file, the snapshot being read, and every data file and SQLite
    database its sources name (``${VAR}`` read from the environment; a
    source that does not resolve names nothing, since it cannot be read).
    """
    inputs: list[tuple[Path, str]] = []
    if goal_path is not None:
        inputs.append((Path(goal_path), GOAL_FILE_BEING_READ))
    if snapshot is not None:
        inputs.append((Path(snapshot), SNAPSHOT_BEING_READ))
    if goal_file is None:
        return inputs
    project = Path(goal_path).parent if goal_path is not None else Path.cwd()
    for name, source in goal_file.sources.items():
        for path in _source_files(source, project):
            inputs.append((path, _("a data file of source '{source}'", source=name)))
    return inputs


def _source_files(source: Any, project: Path) -> list[Path]:
    """The files a csv, parquet or SQLite source reads; none for a database server or a plugin."""
    from goaltree.sources.base import SourceError
    from goaltree.sources.paths import data_files, resolve_path
    from goaltree.sources.secrets import MissingVariable, Redactor, interpolate

    kind = getattr(source, "type", None)
    try:
        if kind in ("csv", "parquet"):
            raw = interpolate(source.path, os.environ, Redactor(), field="path")
            # As the source itself reads them: a path it refuses is read by nobody.
            return data_files(project, raw, allow_outside=bool(getattr(source, "allow_outside_project", False)))
        if kind == "sql":
            from sqlalchemy.engine import make_url

            url = make_url(interpolate(source.url, os.environ, Redactor(), field="url", url=True))
            if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
                return [resolve_path(project, url.database, allow_outside=True, field="url")]
    except (SourceError, MissingVariable, ValueError, ImportError):
        return []  # a source that cannot be resolved cannot be read either, so nothing of it is at risk
    except Exception:  # noqa: BLE001 - e.g. SQLAlchemy's ArgumentError for a malformed URL: the same
        return []
    return []


def output_problem(path: Path | str, inputs: Iterable[tuple[Path, str]] = ()) -> str | None:
    """Why writing ``path`` would destroy something, or ``None`` when it is safe.

    The one place that decides: every command that writes asks it. Refused
    are a symbolic link (the write would land wherever it points), anything
    that is not a regular file (a folder, a FIFO, a device: a rename would
    replace the device node itself), and a file the command reads (the goal
    file, a source's data, the snapshot), however its path is spelled.
    """
    path = Path(path)
    linked = _linked_folder(path)
    if linked is not None:
        return _(
            "its folder {folder} is a symbolic link (to {target}): the file would land wherever it points; "
            "write into a real folder",
            folder=str(linked),
            target=os.readlink(linked),
        )
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None  # nothing there to destroy
    except OSError as error:
        return _("it cannot be inspected ({reason})", reason=error.strerror or error)
    if stat.S_ISLNK(status.st_mode):
        return _("it is a symbolic link (to {target}); write to the file itself, not through a link", target=os.readlink(path))
    if stat.S_ISDIR(status.st_mode):
        return _("it is a folder; name a file inside it")
    if not stat.S_ISREG(status.st_mode):
        return _("it is a {kind}, not a regular file", kind=special_file_kind(status.st_mode))
    for input_path, label in inputs:
        try:
            same = os.path.samefile(input_path, path)
        except OSError:
            continue  # an input that does not exist is nothing to overwrite
        if same:
            if label == GOAL_FILE_BEING_READ:  # commands may pass these in English
                label = _p("load", "the goal file being read")
            elif label == SNAPSHOT_BEING_READ:
                label = _p("load", "the snapshot being read")
            return _("it is {input}; writing there would destroy it: choose another output", input=label)
    return None


def _linked_folder(path: Path) -> Path | None:
    """The first folder of ``path`` below the working folder that is a symbolic link, if any.

    A pull request can commit a link (``reports -> /elsewhere``); the folders
    above the working folder (``/tmp`` on macOS is a link) are the machine's.
    """
    try:
        relative = path.relative_to(Path.cwd()) if path.is_absolute() else path
    except ValueError:
        return None  # outside the working folder: not the project's to redirect
    folder = Path.cwd() if path.is_absolute() else Path()
    for part in relative.parts[:-1]:
        folder = folder / part
        if part in ("", ".", ".."):
            continue
        if folder.is_symlink():
            return folder
    return None


def refuse_unsafe_output(path: Path | str, inputs: Iterable[tuple[Path, str]] = (), *, what: str = "output") -> None:
    """Raise when :func:`output_problem` finds a reason not to write ``path``.

    Raises:
        GoaltreeError: The reason, naming ``what`` and the path (the CLI exits 2); nothing was written.
    """
    from goaltree.errors import GoaltreeError

    problem = output_problem(path, inputs)
    if problem is not None:
        if what == "output":
            raise GoaltreeError(_("refusing to write output {path}: {problem}", path=path, problem=problem))
        if what == "snapshot":
            raise GoaltreeError(_("refusing to write snapshot {path}: {problem}", path=path, problem=problem))
        raise GoaltreeError(_("refusing to write {what} {path}: {problem}", what=what, path=path, problem=problem))


def special_file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words (for refusing to read or write it)."""
    if stat.S_ISFIFO(mode):
        return _p("load", "named pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _p("load", "device")
    if stat.S_ISSOCK(mode):
        return _p("load", "socket")
    return _p("load", "special file")


class _Signalled(BaseException):
    """A termination signal arrived while an output was being written."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number


_STOPPING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While writing, SIGTERM, SIGINT and SIGHUP raise :class:`_Signalled` so that the temporary file is removed.

    By default SIGTERM ends the process on the spot, leaving the temporary
    file behind. Signals set to be ignored stay ignored; outside the main
    thread handlers cannot be set, and the default stays.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_signalled(number: int, frame: Any) -> None:
        raise _Signalled(number)

    previous: dict[int, Any] = {}
    try:
        for number in _STOPPING_SIGNALS:
            handler = signal.getsignal(number)
            if handler is not signal.SIG_IGN:
                previous[number] = signal.signal(number, raise_signalled)
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def write_atomic(
    path: Path | str,
    data: str | bytes,
    *,
    what: str = "output",
    inputs: Iterable[tuple[Path, str]] = (),
) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a half file.

    ``path`` is refused first when :func:`output_problem` objects (a link, a
    device, a folder, one of ``inputs``). The temporary file lives in the same
    folder (so the rename is atomic), is flushed to disk before the rename,
    and is removed on any failure, and on SIGTERM, SIGINT or SIGHUP during
    the write, after which the signal takes its usual course (SIGINT as
    ``KeyboardInterrupt``).

    Raises:
        GoaltreeError: The output is refused, its folder is missing, or the
            file cannot be written; the message names ``what`` and the path.
    """
    from goaltree.errors import GoaltreeError

    path = Path(path)
    refuse_unsafe_output(path, inputs, what=what)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise GoaltreeError(_cannot_write(what, path, _p("load", "the folder {folder} does not exist", folder=directory)))
    signalled: _Signalled | None = None
    with _signals_raise():
        temporary: str | None = None
        try:
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data.encode("utf-8") if isinstance(data, str) else data)
                stream.flush()
                os.fsync(stream.fileno())
            # mkstemp creates the file readable by its owner only; give it the usual permissions.
            os.chmod(temporary, 0o666 & ~_umask())
            os.replace(temporary, path)
            temporary = None
        except BaseException as error:
            if temporary is not None:
                try:
                    os.unlink(temporary)
                except FileNotFoundError:
                    pass
            if isinstance(error, _Signalled):
                signalled = error
            elif isinstance(error, OSError):
                raise GoaltreeError(_cannot_write(what, path, error.strerror or error)) from None
            else:
                raise
    if signalled is not None:
        # The previous handlers are back: let the signal do what it would have done.
        if signalled.number == getattr(signal, "SIGINT", None):
            raise KeyboardInterrupt
        signal.raise_signal(signalled.number)
        raise KeyboardInterrupt  # a handler that returned: stop this command all the same


def _cannot_write(what: str, path: Path, problem: Any) -> str:
    if what == "output":
        return _("cannot write output {path}: {problem}", path=path, problem=problem)
    if what == "snapshot":
        return _("cannot write snapshot {path}: {problem}", path=path, problem=problem)
    return _("cannot write {what} {path}: {problem}", what=what, path=path, problem=problem)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
