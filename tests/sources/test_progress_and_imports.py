"""The progress bar, and the promise that importing the sources loads no database module."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goaltree.sources import fetch_observations
from goaltree.sources.progress import FetchProgress

from .deals import AS_OF, START, goal_file, write_deals_csv


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_draws_on_a_terminal_and_wipes_itself() -> None:
    stream = Terminal()
    with FetchProgress(2, stream=stream, delay=0) as bar:
        bar.note("crm: reading data/deals.csv")
        bar.advance()
        time.sleep(0.25)

    text = stream.getvalue()
    assert "fetching [" in text
    assert "1/2 sources  crm: reading data/deals.csv" in text
    assert text.endswith("\r")  # the last draw is wiped with spaces
    assert text.rsplit("\r", 2)[-2].strip() == ""


def test_the_bar_redraws_through_the_command_lines_guard_and_escapes_a_hostile_name() -> None:
    from goaltree.cli.terminal import GuardedStream

    stream = Terminal()
    with FetchProgress(1, stream=GuardedStream(stream), delay=0) as bar:
        bar.note("crm\x1b[2J\r")  # a source's name comes from the goal file
        time.sleep(0.25)

    text = stream.getvalue()
    assert text.startswith("\r") and text.endswith("\r")  # its own carriage returns redraw the line
    assert "crm\\u001b[2J\\u000d" in text  # the name's are text
    assert "\x1b" not in text


def test_nothing_is_drawn_when_not_a_terminal_or_quick() -> None:
    plain = io.StringIO()
    with FetchProgress(1, stream=plain, delay=0) as bar:
        bar.advance()
        time.sleep(0.15)
    quick = Terminal()
    with FetchProgress(1, stream=quick, delay=5) as bar:
        bar.advance()

    assert plain.getvalue() == ""
    assert quick.getvalue() == ""


def test_fetching_with_progress_keeps_stderr_clean_when_it_is_no_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_deals_csv(tmp_path / "deals.csv")
    tree = goal_file(
        {"crm": {"type": "csv", "path": "deals.csv", "date_column": "close_date"}},
        {"deals": {"metric": {"source": "crm", "value": "count"}}},
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF, progress=True)

    assert result.diagnostics == ()
    assert capsys.readouterr() == ("", "")


def test_importing_the_sources_loads_no_database_module() -> None:
    code = (
        "import sys, goaltree.sources, goaltree.sources.snapshot, goaltree.sources.files, goaltree.sources.sql; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'duckdb', 'sqlalchemy', 'pyarrow', 'psycopg'}))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert output.strip() == "[]"
