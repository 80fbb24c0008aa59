"""Time goaltree's commands on the committed example projects, the 1 000-node enterprise tree among them.

    python bench/examples.py              # writes the table into docs/performance.md
    python bench/examples.py --no-write   # prints it only

Each figure is the median wall time of whole commands (what a user waits
for), with the peak resident memory of the slowest; the generated trees of
bench/run.py measure scaling, these measure the files people start from.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import DOC, ROOT, _goaltree_command, compile_package, machine, measure_command  # noqa: E402

START_MARKER = "<!-- bench/examples.py: start -->"
END_MARKER = "<!-- bench/examples.py: end -->"
AS_OF = "2027-06-30"
EXAMPLES = ("b2b-funnel", "brand-and-business", "okr", "enterprise")


def measure(runs: int) -> list[dict]:
    """Every command on every example: ``{example, nodes, command: {wall, peak, exit}}``."""
    from goaltree.goalfile import load_file

    goaltree = _goaltree_command()
    rows = []
    with tempfile.TemporaryDirectory(prefix="goaltree-examples-") as folder:
        for name in EXAMPLES:
            goals = ROOT / "examples" / name / "goals.yaml"
            nodes = len(load_file(goals).goal_file.nodes)
            commands = {
                "check": ["check", str(goals)],
                "evaluate": ["evaluate", str(goals), "--as-of", AS_OF],
                "render svg": ["render", str(goals), "-o", f"{folder}/{name}.svg", "--as-of", AS_OF],
                "report html": ["report", str(goals), "-o", f"{folder}/{name}.html", "--as-of", AS_OF],
            }
            row = {"example": name, "nodes": nodes}
            for label, argv in commands.items():
                print(f"{name}: {label} ...", file=sys.stderr)
                row[label] = measure_command(goaltree + argv, ROOT, runs)
            rows.append(row)
    return rows


def table(rows: list[dict], runs: int) -> str:
    info = machine()
    lines = [
        f"Measured {info['date']} on {info['cores']} cores, Python {info['python']}, goaltree at "
        f"`{info['commit']}`, as of {AS_OF}; median of {runs} runs, wall time of the whole command.",
        "",
        "| example | nodes | check | evaluate | render svg | report html | peak memory (report) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = []
        for label in ("check", "evaluate", "render svg", "report html"):
            figure = row[label]
            mark = "" if figure["exit"] in ([0], [1]) else f" (exit {figure['exit']})"
            cells.append(f"{figure['wall']:.2f} s{mark}")
        peak = row["report html"]["peak"] / 2**20
        lines.append(f"| {row['example']} | {row['nodes']} | " + " | ".join(cells) + f" | {peak:.0f} MiB |")
    return "\n".join(lines)


def write_doc(markdown: str) -> None:
    """Replace the examples table of docs/performance.md, or append it under its own heading."""
    block = f"{START_MARKER}\n{markdown}\n{END_MARKER}"
    text = DOC.read_text(encoding="utf-8")
    if START_MARKER in text and END_MARKER in text:
        text = text[: text.index(START_MARKER)] + block + text[text.index(END_MARKER) + len(END_MARKER) :]
    else:
        text = text.rstrip("\n") + "\n\n## The example projects\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description="Time goaltree's commands on the example projects.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the table without updating docs/performance.md")
    args = parser.parse_args()
    compile_package()
    markdown = table(measure(args.runs), args.runs)
    print(markdown)
    if not args.no_write:
        write_doc(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
