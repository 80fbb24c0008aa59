"""Where `goaltree evaluate` spends its time, step by step, on one goal file.

    python bench/steps.py FILE [--as-of DATE] [--runs N]

Runs the steps of the command in one process (collector paused, as the
command does) and prints a Markdown table: the yaml-rs parse beside the
loader's own steps, the engine's steps (each timed by wrapping the function
that does it) and the table written to memory. A step's time includes the
steps it calls, so the engine's rows add up to a little less than its total.
Median of ``--runs`` runs, each in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import gc, io, json, sys, time, datetime as dt
gc.disable()
start = time.perf_counter()
import goaltree
from goaltree.cli import evaluate as command
imports = time.perf_counter() - start
engine = sys.modules["goaltree.engine.evaluate"]
import goaltree.engine.equations as equations
import goaltree.goalfile.loading as load
import goaltree.pipeline as pipeline

spent = {}

def timed(module, name, label):
    function = getattr(module, name)
    def wrapper(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - begin
    setattr(module, name, wrapper)

timed(load, "parse_document", "parse (yaml-rs): the floor")
timed(load.GoalFile, "model_validate", "validation (pydantic)")
timed(pipeline, "build", "graph: formulas, edges, topological order")
timed(engine, "equations_of", "equations collected")
timed(engine, "solve_targets", "targets solved and allocated")
timed(engine, "solve_actuals", "actuals solved (contradictions found)")
timed(load.LoadResult, "locate", "warnings located in the file")
timed(engine.pace, "paces_of", "pace and status")

path, as_of = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
begin = time.perf_counter()
tree = goaltree.load(path)
loaded = time.perf_counter() - begin
begin = time.perf_counter()
evaluation = goaltree.evaluate(tree, as_of)
evaluated = time.perf_counter() - begin
begin = time.perf_counter()
command.table(evaluation, io.StringIO())
written = time.perf_counter() - begin
rows = {"interpreter and imports": imports, "load (parse, validate, graph)": loaded}
rows.update((k, spent[k]) for k in ("parse (yaml-rs): the floor", "validation (pydantic)", "graph: formulas, edges, topological order"))
rows["evaluate"] = evaluated
rows.update((k, v) for k, v in spent.items() if k not in rows)
rows["table written"] = written
print(json.dumps(rows))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    runs = []
    for _ in range(args.runs):
        output = subprocess.run(
            [sys.executable, "-c", CHILD, str(args.file), args.as_of], check=True, capture_output=True, text=True, cwd=ROOT
        ).stdout
        runs.append(json.loads(output.splitlines()[-1]))
    print(f"| step ({args.file.name}, median of {args.runs}) | s |")
    print("|---|---:|")
    for step in runs[0]:
        value = statistics.median(run.get(step, 0.0) for run in runs)
        indent = "&nbsp;&nbsp;" if step not in ("interpreter and imports", "load (parse, validate, graph)", "evaluate", "table written") else ""
        print(f"| {indent}{step} | {value:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
