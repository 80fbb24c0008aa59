"""Reading a goal file's bytes: a regular file of bounded size, decoded as UTF-8 text.

Everything that keeps goaltree from reading what it should not is decided here,
before any parser sees the text: a directory, a FIFO or a device is refused
unread, and so is a file too large to be a goal file, and a symbolic link that
leads out of the folder holding it (a pull request can commit ``goals.yaml ->
/etc/passwd``; the parser's messages would quote what it reads there).
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

from goaltree import codes
from goaltree.errors import Diagnostic, DiagnosticsError, GoaltreeError
from goaltree.present.language import _

# The 100 000-node benchmark is 19 MiB for its 1.64 million values; the bound on values
# (goalfile/limits.py, MAX_VALUES: 4 million) is reached near 50 MiB at that density. A larger
# file is refused unread: parsing it would cost gigabytes before its values could be counted.
MAX_FILE_BYTES = 64 * 1024 * 1024
BYTE_ORDER_MARK = "\ufeff"


def read_text(path: Path) -> str:
    """The file's text; a missing or unreadable file is an environment error (exit 2).

    Raises:
        DiagnosticsError: The file is a symbolic link leading out of its folder
            (:func:`link_leaving_folder`); it is not read (exit 1, as for a file with errors).
        GoaltreeError: The file is missing, not a regular file, too large, or not UTF-8.
    """
    refused = link_leaving_folder(path)
    if refused is not None:
        raise DiagnosticsError([refused_link(path, *refused)])
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise GoaltreeError(_("{path}: is a directory, not a goal file", path=path))
        if not stat.S_ISREG(status.st_mode):
            # Reading a FIFO waits for a writer forever, and a device never ends: refuse both unread.
            from goaltree.outputs import special_file_kind

            raise GoaltreeError(
                _(
                    "{path}: is a {kind}, not a goal file; give the path of a YAML or JSON file",
                    path=path,
                    kind=special_file_kind(status.st_mode),
                )
            )
        if status.st_size > MAX_FILE_BYTES:
            raise GoaltreeError(_("{path}: the file is larger than {size} MiB", path=path, size=MAX_FILE_BYTES // 2**20))
        return strip_byte_order_mark(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoaltreeError(_("{path}: no such file", path=path)) from None
    except IsADirectoryError:
        raise GoaltreeError(_("{path}: is a directory, not a goal file", path=path)) from None
    except UnicodeDecodeError as error:
        raise GoaltreeError(_("{path}: not UTF-8 text ({reason} at byte {byte})", path=path, reason=error.reason, byte=error.start)) from None
    except OSError as error:
        raise GoaltreeError(_("{path}: cannot read ({reason})", path=path, reason=error.strerror)) from None


def link_leaving_folder(path: Path) -> tuple[Path, Path] | None:
    """The folder holding ``path`` and the file it leads to, when ``path`` is a symbolic link out of that folder; else ``None``.

    The folder holding a goal file is its project, as for the paths of its
    sources (:mod:`goaltree.sources.paths`): both the folder and the link are
    resolved (``..`` and every link on the way followed), and the target must
    lie in that folder or below it. A link within the project
    (``goals.yaml -> plans/2026.yaml``) is read as the file it names. Neither
    the working folder nor the repository's top decides: CI may run from
    anywhere, and a goal file in ``teams/sales/`` that could link to
    ``../../.env`` would reach what its own sources may not. A link that
    cannot be resolved (a loop) is left for reading to report.
    """
    try:
        if not path.is_symlink():
            return None
        folder = path.absolute().parent.resolve()
        target = path.resolve()
    except (OSError, RuntimeError):
        return None
    try:
        target.relative_to(folder)
    except ValueError:
        return folder, target
    return None


def refused_link(path: Path, folder: Path, target: Path) -> Diagnostic:
    """The error for a goal file that is a link leading out of its folder: it names the link and how to fix it."""
    return Diagnostic(
        codes.LINK_LEAVES_PROJECT,
        "error",
        _(
            "{path} is a symbolic link that leads outside its folder {folder} (to {target}); it was not read: "
            "replace the link with the file, or run goaltree on the file itself",
            path=path,
            folder=folder,
            target=target,
        ),
        file=str(path),
    )


def strip_byte_order_mark(text: str) -> str:
    """``text`` without the UTF-8 byte-order mark some editors put first: it is no part of the YAML or JSON."""
    return text[1:] if text.startswith(BYTE_ORDER_MARK) else text



_LANGUAGE_KEY = re.compile(rb"""(?:language|"language")[ \t]*:[ \t]*["']?([A-Za-z_-]+)""")


def declared_language(path: Path) -> str | None:
    """The ``language:`` a goal file declares at its top level, found without parsing it; ``None`` when it declares none.

    A command must speak the file's language before the file is loaded: the
    loader's own messages are in it. Only a regular file of bounded size is
    read (as :func:`read_text` would), and not through a link leading out of
    its folder; anything else is left for the loader to report. A YAML key
    at the top level starts a line; in JSON the key is quoted, and no node
    field is called ``language``.
    """
    if link_leaving_folder(path) is not None:
        return None
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE_BYTES:
            return None
        data = path.read_bytes()
    except (OSError, ValueError):
        return None
    for start in (0, data.find(b"\nlanguage") + 1, data.find(b'"language"')):
        if start > 0 or (start == 0 and data[:8] == b"language"):
            found = _LANGUAGE_KEY.match(data, start)
            if found:
                return found.group(1).decode("ascii")
    return None
