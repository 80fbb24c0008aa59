"""What goaltree prints cannot drive the terminal or the CI log it lands in.

A goal file is untrusted input, and its titles, owners, units, descriptions
and ids (and the rows of its data) reach the terminal: in the table, in
``explain``, in diffs and in diagnostics. An escape sequence there could
clear the screen, overwrite a line (``\\r``) or plant a link, and a line
that starts with ``::`` is a workflow command to a GitHub Actions runner
(``::add-mask::``, ``::error::``). :class:`GuardedStream` stands between the
commands and standard output and error: every control character (but line
breaks and tabs) and every bidirectional override is written as its
``\\uXXXX`` escape, which JSON reads back as the same character, and a line
that starts with ``::`` gets a ``\\`` before it, unless the command writes
workflow commands itself (``check --format github``). goaltree's own
colours (select graphic rendition) pass on a terminal, and its progress
line writes to :attr:`GuardedStream.unguarded`, its text escaped itself.
"""

from __future__ import annotations

import re
from typing import IO, Any

from goaltree.present.escape import terminal_text

_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_COMMAND = re.compile(r"(?m)^([ \t]*)(?=::)")


def guarded_text(text: str, *, colour: bool = False) -> str:
    """:func:`~goaltree.present.escape.terminal_text` of ``text``; goaltree's own colours kept when ``colour``."""
    if not colour:
        return terminal_text(text)
    parts = []
    position = 0
    for match in _COLOUR.finditer(text):
        parts.append(terminal_text(text[position : match.start()]))
        parts.append(match.group())
        position = match.end()
    parts.append(terminal_text(text[position:]))
    return "".join(parts)


class GuardedStream:
    """A text stream that writes :func:`guarded_text` to ``stream``, lines starting with ``::`` escaped.

    Args:
        stream: Standard output or error.
        commands: Whether the command writes workflow commands of its own (``::error file=…``).
    """

    def __init__(self, stream: IO[str], *, commands: bool = False) -> None:
        self._stream = stream
        self._commands = commands
        self._line_start = True
        try:
            self._colour = bool(stream.isatty())
        except (AttributeError, ValueError):
            self._colour = False

    def write(self, text: str) -> int:
        guarded = guarded_text(text, colour=self._colour)
        if not self._commands and "::" in guarded:
            line_start = self._line_start

            def escaped(match: re.Match[str]) -> str:
                # The start of this write is a line's start only after a line break.
                return match.group() if match.start() == 0 and not line_start else match.group(1) + "\\"

            guarded = _COMMAND.sub(escaped, guarded)
        if text:
            self._line_start = text.endswith("\n")
        self._stream.write(guarded)
        return len(text)

    @property
    def unguarded(self) -> IO[str]:
        """The stream itself, for goaltree's own drawing (the fetch progress line redraws with ``\\r``)."""
        return self._stream

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
