"""Writing outputs: readable numbers and files that are never half-written.

Shared by the command line, the renderers and the reports, so that a number
reads the same everywhere and every output file appears whole or not at all.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def format_number(value: float | None, unit: str | None = None) -> str:
    """A readable number: thin grouping, sensible decimals, percent for ratios, ``5.9×`` for a multiple."""
    if value is None:
        return "–"
    if unit == "ratio":
        return f"{value * 100:.2f} %"
    if unit == "%":
        return f"{value:.2f} %"
    if unit == "multiple":  # ROAS, ROI: "5.9×", read "5.9 kronor per krona"
        return format_number(value) + "×"
    magnitude = abs(value)
    if magnitude >= 1000:
        text = f"{value:,.0f}"
    elif magnitude >= 100:
        text = f"{value:,.1f}".rstrip("0").rstrip(".")
    elif magnitude >= 1:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    elif magnitude == 0:
        text = "0"
    else:
        text = f"{value:.4g}"
    return text.replace(",", " ")


def format_percent(value: float | None) -> str:
    """``0.496`` → ``49.6 %``."""
    return "–" if value is None else f"{value * 100:.1f} %"


def write_atomic(path: Path | str, data: str | bytes, *, what: str = "output") -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a half file.

    The temporary file lives in the same folder (so the rename is atomic), is
    flushed to disk before the rename, and is removed on any failure.

    Raises:
        GoaltreeError: The folder is missing or the file cannot be written;
            the message names ``what`` and the path.
    """
    from goaltree.errors import GoaltreeError

    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise GoaltreeError(f"cannot write {what} {path}: the folder {directory} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise GoaltreeError(f"cannot write {what} {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates the file readable by its owner only; give it the usual permissions.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(error, OSError):
            raise GoaltreeError(f"cannot write {what} {path}: {error.strerror or error}") from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
