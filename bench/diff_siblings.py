"""Benchmark: `goaltree diff` of two git revisions of a goal file whose root allocates to N siblings.

The goal file is the one of ``bench/report_siblings.py``: a ``sum`` root with
a declared target over N channel KPIs that declare none, so every channel's
target is allocated from the root (by baseline share). The second revision
raises the root's target, which moves every channel's derived target, and
declares one channel's target, which moves the remainder the others share:
the diff reports N derived moves and names their causes.

Usage::

    python bench/diff_siblings.py                    # 1 000, 2 000 and 4 000 siblings
    python bench/diff_siblings.py --sizes 500,8000 --runs 3

Each size is committed twice in a fresh temporary git repository, and
``goaltree diff HEAD~1:goals.yaml HEAD:goals.yaml`` runs as a user runs it, in
its own process; the printed figures are the median wall time of ``--runs``
runs and the time per sibling, which stays flat when the diff is linear.
Beside them, the processor time of the same diff run in one process after
its imports (``goaltree.cli.main``): on a shared machine it moves far less
with the load than the wall time does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_siblings import goal_file  # noqa: E402 (a sibling script, not a package)
from run import compile_package  # noqa: E402


def revised(text: str, siblings: int) -> str:
    """The second revision: the root's target up 10 %, and channel 0's target declared."""
    text = text.replace(f"    target: {siblings * 1000}\n", f"    target: {siblings * 1100}\n", 1)
    return text.replace("  channel_0:\n", "  channel_0:\n    target: 900\n", 1)


def _git(folder: Path, *arguments: str) -> None:
    subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True)


def repository(folder: Path, siblings: int) -> None:
    """A git repository in ``folder`` whose last two commits are the two revisions."""
    _git(folder, "init", "-q")
    _git(folder, "config", "user.email", "bench@example.com")
    _git(folder, "config", "user.name", "bench")
    first = goal_file(siblings)
    (folder / "goals.yaml").write_text(first, encoding="utf-8")
    _git(folder, "add", "goals.yaml")
    _git(folder, "commit", "-q", "-m", "first revision")
    (folder / "goals.yaml").write_text(revised(first, siblings), encoding="utf-8")
    _git(folder, "commit", "-q", "-am", "second revision")


def time_diff(folder: Path, output_format: str) -> tuple[float, int, int]:
    """Wall time, exit code and output size of one ``goaltree diff`` of the last two commits."""
    argv = [sys.executable, "-m", "goaltree", "diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml", "--format", output_format]
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=folder, capture_output=True, env=os.environ.copy())
    return time.perf_counter() - started, done.returncode, len(done.stdout)


IN_PROCESS = r"""
import contextlib, io, sys, time
from goaltree.cli import main
output = io.StringIO()
started = time.process_time()
with contextlib.redirect_stdout(output):
    code = main(["diff", "HEAD~1:goals.yaml", "HEAD:goals.yaml", "--format", sys.argv[1]])
print(time.process_time() - started, code)
"""


def time_in_process(folder: Path, output_format: str) -> float:
    """Processor seconds of one diff run through ``goaltree.cli.main``, imports excluded."""
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, output_format], cwd=folder, capture_output=True, text=True, check=True
    )
    seconds, code = done.stdout.split()[-2:]
    if code != "0":
        raise SystemExit(f"goaltree diff exited {code} in {folder}")
    return float(seconds)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark as the command line asks."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,4000", help="comma-separated sibling counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the median is printed")
    parser.add_argument("--format", default="md", choices=("text", "md", "json"), dest="output_format")
    args = parser.parse_args(argv)
    compile_package()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            repository(Path(folder), size)
            runs = [time_diff(Path(folder), args.output_format) for _ in range(args.runs)]
            cpu = statistics.median(time_in_process(Path(folder), args.output_format) for _ in range(args.runs))
        seconds = statistics.median(seconds for seconds, _, _ in runs)
        exits = {code for _, code, _ in runs}
        print(
            f"{size:>7} siblings  diff --format {args.output_format:<4} {seconds:7.2f} s  "
            f"{seconds / size * 1e6:8.0f} µs/sibling  in process {cpu:6.2f} s {cpu / size * 1e6:6.0f} µs/sibling  "
            f"{runs[0][2] / 1e6:6.2f} MB  exit {','.join(map(str, sorted(exits)))}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
