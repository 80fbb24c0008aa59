"""A plain-text progress bar on stderr while sources are fetched.

It appears only when stderr is a terminal and fetching takes longer than a
moment, redraws itself from a background thread (a single slow query still
shows that goaltree is alive), and wipes itself when done so that the
command's own output starts on a clean line.
"""

from __future__ import annotations

import contextvars
import shutil
import sys
import threading
import time
from typing import TextIO

from goaltree.present.escape import terminal_text
from goaltree.present.language import _n
from goaltree.present.numbers import format_fixed

BAR_WIDTH = 24
DELAY_SECONDS = 0.5
REDRAW_SECONDS = 0.1


class FetchProgress:
    """Progress of a fetch: how many sources are done, and what is being read now.

    Use as a context manager; call :meth:`note` with what is fetched now and
    :meth:`advance` when a source is done. Does nothing unless ``enabled`` and
    ``stream`` is a terminal.
    """

    def __init__(
        self,
        total: int,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        delay: float = DELAY_SECONDS,
    ):
        self.total = max(total, 1)
        stream = stream if stream is not None else sys.stderr
        # It redraws with "\r", which the command line's guard (goaltree/cli/terminal.py) would escape;
        # what it writes of the goal file (a source's name) it escapes itself.
        self.stream = getattr(stream, "unguarded", stream)
        self.delay = delay
        self.done = 0
        self.label = ""
        self._active = enabled and _is_terminal(self.stream)
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._drawn_width = 0
        self._lock = threading.Lock()

    def __enter__(self) -> "FetchProgress":
        if self._active:
            self._started = time.monotonic()
            # The thread draws in the command's language: a new thread starts from an empty context.
            context = contextvars.copy_context()
            self._thread = threading.Thread(target=context.run, args=(self._run,), name="goaltree-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            with self._lock:
                if self._drawn_width:
                    self.stream.write("\r" + " " * self._drawn_width + "\r")
                    self.stream.flush()
                    self._drawn_width = 0

    def note(self, label: str) -> None:
        """Say what is being fetched now (a source, a node)."""
        self.label = label

    def advance(self) -> None:
        """One more source is done."""
        self.done = min(self.done + 1, self.total)

    def line(self) -> str:
        """The bar as one line of text."""
        filled = round(BAR_WIDTH * self.done / self.total)
        elapsed = time.monotonic() - self._started
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        label = f"  {terminal_text(self.label)}" if self.label else ""
        seconds = format_fixed(elapsed, ".1f")
        # The English says "1/1 sources" as it always has; a language with a singular uses it.
        return _n(
            "fetching [{bar}] {done}/{count} sources{label} ({seconds} s)",
            "fetching [{bar}] {done}/{count} sources{label} ({seconds} s)",
            self.total,
            bar=bar,
            done=self.done,
            label=label,
            seconds=seconds,
        )

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while True:
            self._draw()
            if self._stop.wait(REDRAW_SECONDS):
                return

    def _draw(self) -> None:
        with self._lock:
            # A line longer than the terminal would wrap, and "\r" could not redraw it.
            text = self.line()[: max(shutil.get_terminal_size((80, 24)).columns - 1, 20)]
            padding = max(self._drawn_width - len(text), 0)
            self.stream.write("\r" + text + " " * padding)
            self.stream.flush()
            self._drawn_width = len(text)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
