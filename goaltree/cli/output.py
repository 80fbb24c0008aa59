"""Printing helpers shared by the commands: diagnostics, numbers, colours, atomic files."""

from __future__ import annotations

import os
import sys
from typing import IO, Iterable

from goaltree.errors import Diagnostic, sort_key
from goaltree.outputs import write_atomic
from goaltree.present.numbers import format_number, format_numbers, format_percent, format_percents

__all__ = ["format_number", "format_numbers", "format_percent", "format_percents", "write_atomic", "print_diagnostics", "use_colour"]

STATUS_COLOURS = {
    "achieved": "\033[1;34m",
    "on_track": "\033[32m",
    "at_risk": "\033[33m",
    "off_track": "\033[1;31m",
    "no_data": "\033[2m",
    "assumed": "\033[35m",
    "not_started": "\033[2m",
}
RESET = "\033[0m"


def use_colour(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set to a value (https://no-color.org)."""
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("NO_COLOR")


def print_diagnostics(diagnostics: Iterable[Diagnostic], stream: IO[str] = sys.stdout) -> None:
    """Compiler-style lines: ``goals.yaml:14:5: error M002 [leads] …``."""
    for diagnostic in sorted(diagnostics, key=sort_key):
        print(diagnostic.format(), file=stream)
