"""Benchmark: every command on a goal file whose root has N children (siblings).

A company target that is the sum of N channels, each channel a KPI with its
own inline actuals, owner and unit: the widest tree a strategy team writes
(one row per store, per sales rep, per campaign). Every command must grow
linearly with N; the report shows the worst nodes and counts the rest.

Usage::

    python bench/report_siblings.py                    # 1 000, 2 000 and 4 000 siblings
    python bench/report_siblings.py --sizes 500,20000  # other sizes
    python bench/report_siblings.py --write-file 3000 -o goals.yaml   # only write the goal file

For each size it prints the wall time of each command (run as a user runs
it, in its own process) and the size of what it wrote, and the time per
sibling, so a quadratic step shows as a per-sibling time that grows with N.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATUS_MIX = (0.2, 0.45, 0.5, 0.55, 0.7)
"""Fractions of the half-year target reached by the channels, in turn: some off track, some on track."""


def goal_file(siblings: int) -> str:
    """A goal file with one ``sum`` root over ``siblings`` KPIs, deterministic for ``siblings``."""
    lines = [
        "goaltree: 1",
        f"id: siblings-{siblings}",
        f"title: Revenue from {siblings} channels",
        "period: {start: 2027-01-01, end: 2027-12-31}",
        "owner: Head of Sales",
        "nodes:",
        "  revenue:",
        "    title: Revenue from every channel",
        "    unit: SEK",
        "    rollup: sum",
        f"    target: {siblings * 1000}",
    ]
    for index in range(siblings):
        reached = STATUS_MIX[index % len(STATUS_MIX)]
        lines += [
            f"  channel_{index}:",
            f"    title: Channel {index} revenue",
            "    parent: revenue",
            "    unit: SEK",
            f"    owner: Seller {index % 97}",
            f"    baseline: {800 + index % 13}",
            "    actuals: {"
            f"2027-03-31: {round(500 * reached / 2)}, 2027-06-30: {round(500 * reached / 2)}"
            "}",
        ]
    return "\n".join(lines) + "\n"


COMMANDS = {
    "check": ["check", "{goals}"],
    "evaluate": ["evaluate", "{goals}", "--as-of", "2027-06-30"],
    "evaluate json": ["evaluate", "{goals}", "--as-of", "2027-06-30", "--format", "json"],
    "render dot": ["render", "{goals}", "--as-of", "2027-06-30", "--format", "dot", "-o", "{out}.dot"],
    "render mermaid": ["render", "{goals}", "--as-of", "2027-06-30", "--format", "mermaid", "-o", "{out}.mmd"],
    "report md": ["report", "{goals}", "--as-of", "2027-06-30", "--format", "md", "-o", "{out}.md"],
    "report html": ["report", "{goals}", "--as-of", "2027-06-30", "-o", "{out}.html"],
    "report json": ["report", "{goals}", "--as-of", "2027-06-30", "--format", "json", "-o", "{out}.rep.json"],
    "diff": ["diff", "{goals}", "{goals2}", "--format", "md"],
}
"""What the benchmark runs, as a user types it; ``{goals}`` is the generated file."""


def run(sizes: list[int], commands: list[str]) -> list[dict]:
    """Time every command on every size; returns one row per (size, command)."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            goals = Path(folder) / f"goals-{size}.yaml"
            goals.write_text(goal_file(size), encoding="utf-8")
            changed = Path(folder) / f"goals-{size}-changed.yaml"
            changed.write_text(goal_file(size).replace("target: ", "target: 1"), encoding="utf-8")
            for name in commands:
                out = Path(folder) / f"out-{size}-{name.replace(' ', '-')}"
                argv = [a.format(goals=goals, goals2=changed, out=out) for a in COMMANDS[name]]
                started = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "goaltree", *argv], capture_output=True, env=os.environ.copy()
                )
                seconds = time.perf_counter() - started
                written = list(Path(folder).glob(out.name + ".*"))
                size_bytes = written[0].stat().st_size if written else len(done.stdout)
                for path in written:
                    path.unlink()
                rows.append({"siblings": size, "command": name, "seconds": seconds, "bytes": size_bytes, "exit": done.returncode})
                print(
                    f"{size:>7} siblings  {name:<15} {seconds:7.2f} s  {seconds / size * 1e6:8.0f} µs/sibling  "
                    f"{size_bytes / 1e6:8.2f} MB  exit {done.returncode}",
                    flush=True,
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or write one goal file) as the command line asks."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,4000", help="comma-separated sibling counts")
    parser.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated: " + ", ".join(COMMANDS))
    parser.add_argument("--write-file", type=int, metavar="N", help="only write a goal file with N siblings")
    parser.add_argument("-o", "--output", type=Path, default=Path("goals.yaml"))
    args = parser.parse_args(argv)
    if args.write_file:
        args.output.write_text(goal_file(args.write_file), encoding="utf-8")
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import compile_package  # a sibling script, not a package

    compile_package()
    run([int(s) for s in args.sizes.split(",")], [c.strip() for c in args.commands.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
