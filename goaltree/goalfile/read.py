"""Reading a goal file's bytes: a regular file of bounded size, decoded as UTF-8 text.

Everything that keeps goaltree from reading what it should not is decided here,
before any parser sees the text: a directory, a FIFO or a device is refused
unread, and so is a file too large to be a goal file.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

from goaltree.errors import GoaltreeError
from goaltree.present.language import _

MAX_FILE_BYTES = 256 * 1024 * 1024
BYTE_ORDER_MARK = "\ufeff"


def read_text(path: Path) -> str:
    """The file's text; a missing or unreadable file is an environment error (exit 2)."""
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


def strip_byte_order_mark(text: str) -> str:
    """``text`` without the UTF-8 byte-order mark some editors put first: it is no part of the YAML or JSON."""
    return text[1:] if text.startswith(BYTE_ORDER_MARK) else text



_LANGUAGE_KEY = re.compile(rb"""(?:language|"language")[ \t]*:[ \t]*["']?([A-Za-z_-]+)""")


def declared_language(path: Path) -> str | None:
    """The ``language:`` a goal file declares at its top level, found without parsing it; ``None`` when it declares none.

    A command must speak the file's language before the file is loaded: the
    loader's own messages are in it. Only a regular file of bounded size is
    read (as :func:`read_text` would); anything else is left for the loader
    to report. A YAML key at the top level starts a line; in JSON the key is
    quoted, and no node field is called ``language``.
    """
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
