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
