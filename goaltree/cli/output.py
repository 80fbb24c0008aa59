"""Printing helpers shared by the commands: diagnostics, numbers, colours, atomic files."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterable

from goaltree.errors import Diagnostic, sort_key

STATUS_COLOURS = {
    "achieved": "\033[1;34m",
    "on_track": "\033[32m",
    "at_risk": "\033[33m",
    "off_track": "\033[1;31m",
    "no_data": "\033[2m",
    "not_started": "\033[2m",
}
RESET = "\033[0m"


def use_colour(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set."""
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


def print_diagnostics(diagnostics: Iterable[Diagnostic], stream: IO[str] = sys.stdout) -> None:
    """Compiler-style lines: ``goals.yaml:14:5: error M002 [leads] …``."""
    for diagnostic in sorted(diagnostics, key=sort_key):
        print(diagnostic.format(), file=stream)


def format_number(value: float | None, unit: str | None = None) -> str:
    """A readable number: thin grouping, sensible decimals, percent for ratios."""
    if value is None:
        return "–"
    if unit == "ratio":
        return f"{value * 100:.2f} %"
    if unit == "%":
        return f"{value:.2f} %"
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


def write_atomic(path: Path | str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a half file."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        from goaltree.errors import GoaltreeError

        raise GoaltreeError(f"{path}: the folder {directory} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
