"""Constants shared by the top-level tests (imported by name: `conftest` is ambiguous with sub-folders)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

DATA = Path(__file__).parent / "data"
AS_OF = dt.date(2027, 6, 30)

HEADER = """\
goaltree: 1
id: t
title: Test tree
owner: Marketing
period: {start: 2027-01-01, end: 2027-12-31}
"""


def console_script() -> str | None:
    """The installed ``goaltree`` command: beside this interpreter (a virtual environment), else on PATH.

    ``.venv/bin/python -m pytest`` runs without the environment activated, so the
    command the environment installed is not on PATH.
    """
    import shutil
    import sys

    beside = Path(sys.executable).parent / "goaltree"
    return str(beside) if beside.is_file() else shutil.which("goaltree")
