"""Benchmark: goaltree on goal files of 200 to 100 000 nodes, beside the YAML parse floor.

Usage::

    python bench/run.py            # 200, 1k, 10k and 100k nodes; writes docs/performance.md
    python bench/run.py --quick    # a smoke run: 200 and 1k nodes, two runs each, writes nothing
    python bench/run.py --sizes 200,10000 --runs 5 --no-write

The goal files come from ``bench/generate.py`` (a revenue target cascaded to
every team's funnel; measured actuals within 1 % of their children) into a
temporary folder, each in two variants: *clean* (few warnings) and
*warnings* (about one A004 warning per five nodes, to time the locating path).

Every figure is the median of ``--runs`` runs:

* in-process, each size in a fresh interpreter: the parse by yaml-rs (the
  floor; goaltree's own parser) and by rapidyaml where it is installed (a
  tree without Python objects: a lower bound no Python loader reaches), both
  with the garbage collector paused as goaltree parses; the pydantic
  validation alone; ``goaltree.load`` (parse, validation, graph),
  ``goaltree.check``, ``goaltree.evaluate`` and the JSON text of the evaluation;
* whole commands, as a user runs them: ``goaltree check``, ``goaltree
  evaluate`` (table and JSON), ``goaltree render`` (on 1 000 nodes) and
  ``goaltree report`` (on 1 000 and 10 000 nodes), the floor command ``python -c "yaml_rs.loads(...)"`` (the
  collector paused) and a bare interpreter start, with the peak memory
  (maximum resident set) of each process.

The bars (docs/performance.md says what dominates where one is missed):

* ``goaltree evaluate`` on 100 000 nodes within 5x the parse floor, side by side;
* ``goaltree evaluate --format json`` within 1.3x the table on 100 000 nodes;
* ``goaltree check`` on 200 nodes under 0.3 s, interpreter start included;
* evaluating 100 000 nodes in under 1 GiB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = "2026-06-30"
SIZES = (200, 1_000, 10_000, 100_000)
QUICK_SIZES = (200, 1_000)
DOC = ROOT / "docs" / "performance.md"
START_MARKER = "<!-- bench/run.py: start -->"
END_MARKER = "<!-- bench/run.py: end -->"
GIB = 2**30


# --- one size, in-process (run in a fresh interpreter) --------------------------------------------


def _median_time(action: Callable[[], object], runs: int) -> float:
    action()  # warm: first-use imports and caches are not what is measured here
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_in_process(path: Path, runs: int) -> dict:
    """Median seconds of each step on one file, in this interpreter."""
    import yaml_rs

    import goaltree
    from goaltree.engine.serialize import evaluation_json_bytes

    from goaltree.pipeline import paused_gc
    from goaltree.model import GoalFile

    text = path.read_text(encoding="utf-8")
    as_of = dt.date.fromisoformat(AS_OF)
    result: dict = {}
    # The floor at its best: with the garbage collector paused, as goaltree parses.
    with paused_gc():
        result["parse_yaml_rs"] = _median_time(lambda: yaml_rs.loads(text), runs)
        try:
            import ryml

            data = text.encode("utf-8")
            result["parse_rapidyaml"] = _median_time(lambda: ryml.parse_in_arena(data), runs)
        except ImportError:
            result["parse_rapidyaml"] = None
        parsed = yaml_rs.loads(text)
        result["validate"] = _median_time(lambda: GoalFile.model_validate(parsed), runs)
        del parsed
    result["load"] = _median_time(lambda: goaltree.load(path), runs)
    result["check"] = _median_time(lambda: goaltree.check(path), runs)
    tree = goaltree.load(path)
    evaluation = goaltree.evaluate(tree, as_of)
    result["evaluate"] = _median_time(lambda: goaltree.evaluate(tree, as_of), runs)
    with paused_gc():  # as the command writes it
        result["json"] = _median_time(lambda: evaluation_json_bytes(evaluation), runs)
    result["nodes"] = len(evaluation.nodes)
    result["warnings"] = sum(1 for d in evaluation.diagnostics if d.severity == "warning")
    return result


# --- whole commands ----------------------------------------------------------------------------


def _goaltree_command() -> list[str]:
    """The ``goaltree`` script of the interpreter running the benchmark, as a user types it.

    Not the first ``goaltree`` on PATH: that may be another installation, or a
    pyenv shim that adds a tenth of a second to every command.
    """
    script = Path(sys.executable).with_name("goaltree")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "goaltree"]


def run_command(argv: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak resident memory (bytes) of one process."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(argv, cwd=cwd, stdout=sink, stderr=sink)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, process.returncode, usage.ru_maxrss * 1024  # ru_maxrss is in KiB on Linux


def measure_command(argv: list[str], cwd: Path, runs: int) -> dict:
    return measure_commands({"one": argv}, cwd, runs)["one"]


def measure_commands(commands: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, dict]:
    """Each command's median wall time, largest peak memory and exit codes, the commands run in turn.

    One run of each, then the next round: a command and the one it is compared
    with (the table and its floor, the JSON and the table) meet the same state
    of a shared host, so their ratio holds where their times drift.
    """
    walls: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[int]] = {name: [] for name in commands}
    codes: dict[str, set[int]] = {name: set() for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            wall, code, peak = run_command(argv, cwd)
            walls[name].append(wall)
            peaks[name].append(peak)
            codes[name].add(code)
    return {
        name: {"wall": statistics.median(walls[name]), "peak": max(peaks[name]), "exit": sorted(codes[name])}
        for name in commands
    }


def has_command(name: str) -> bool:
    from goaltree.cli import COMMANDS

    if name not in COMMANDS:
        return False
    import importlib.util

    return importlib.util.find_spec(COMMANDS[name][0]) is not None


def measure_size(nodes: int, folder: Path, runs: int, variants: tuple[str, ...]) -> dict:
    """Every figure for one size: in-process steps and whole commands, per variant."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    goaltree_cli = _goaltree_command()
    figures: dict = {"nodes": nodes, "python_start": measure_command([sys.executable, "-c", "pass"], folder, runs)}
    for variant in variants:
        path = folder / f"goals-{nodes}-{variant}.yaml"
        path.write_text(generate(nodes, warnings=variant == "warnings"), encoding="utf-8")
        entry: dict = {"bytes": path.stat().st_size, "lines": path.read_text(encoding="utf-8").count("\n")}
        inner = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--in-process", str(path), "--runs", str(runs)],
            capture_output=True,
            text=True,
            check=True,
        )
        entry["in_process"] = json.loads(inner.stdout.strip().splitlines()[-1])
        floor = [
            sys.executable,
            "-c",
            "import gc; gc.disable(); import sys, yaml_rs; yaml_rs.loads(open(sys.argv[1], encoding='utf-8').read())",
            str(path),
        ]
        commands = {
            "floor_command": floor,
            "evaluate_command": goaltree_cli + ["evaluate", str(path), "--as-of", AS_OF],
            "evaluate_json_command": goaltree_cli + ["evaluate", str(path), "--as-of", AS_OF, "--format", "json"],
            "check_command": goaltree_cli + ["check", str(path)],
        }
        entry.update(measure_commands(commands, folder, runs))
        if nodes in (1_000, 10_000) and variant == "clean":
            # render draws every node it is given, and Graphviz's layout grows faster than the tree: timed at 1 000 only.
            for name, output in (("render", "out.svg"), ("report", "out.html")):
                if name == "render" and nodes != 1_000:
                    continue
                if has_command(name):
                    entry[f"{name}_command"] = measure_command(
                        goaltree_cli + [name, str(path), "-o", str(folder / output), "--as-of", AS_OF], folder, runs
                    )
                else:
                    entry[f"{name}_command"] = None
        figures[variant] = entry
        print(f"  {nodes:>7} nodes, {variant}: done", file=sys.stderr)
    return figures


# --- the table ---------------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 0.1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def _count(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _mib(value: int | None) -> str:
    return "–" if value is None else f"{value / 2**20:.0f} MiB"


def compile_package() -> None:
    """Write goaltree's bytecode before anything is timed, as pip does when it installs the wheel.

    A checkout installed editable has none until a first run writes it, and
    never gets any where ``PYTHONDONTWRITEBYTECODE`` is set: each command would
    then compile goaltree from source before it starts, which no installed
    goaltree does (the parse floor's yaml-rs is compiled at its install too).
    """
    import compileall

    compileall.compile_dir(str(ROOT / "goaltree"), quiet=1)


def machine() -> dict:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "load": load,
        "commit": commit or "?",
    }


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("yaml-rs", "rapidyaml", "pydantic", "PyYAML"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} not installed")
    return ", ".join(parts)


def table(results: list[dict], info: dict, runs: int) -> str:
    """The Markdown tables of one run."""
    sizes = [r["nodes"] for r in results]
    header = "| | " + " | ".join(f"{_count(n)} nodes" for n in sizes) + " |"
    rule = "|---|" + "---:|" * len(sizes)

    def row(label: str, cell: Callable[[dict], str], variant: str = "clean") -> str:
        cells = []
        for r in results:
            entry = r.get(variant)
            try:
                cells.append(cell(entry) if entry else "–")
            except (KeyError, TypeError):
                cells.append("–")
        return f"| {label} | " + " | ".join(cells) + " |"

    def ratio(entry: dict) -> str:
        return f"{entry['evaluate_command']['wall'] / entry['floor_command']['wall']:.1f}×"

    def json_ratio(entry: dict) -> str:
        return f"{entry['evaluate_json_command']['wall'] / entry['evaluate_command']['wall']:.2f}×"

    def inner_ratio(entry: dict) -> str:
        p = entry["in_process"]
        return f"{(p['load'] + p['evaluate']) / p['parse_yaml_rs']:.1f}×"

    memory = f"{info['memory'] / GIB:.1f} GiB" if info["memory"] else "?"
    load = f", load average {info['load']:.1f} at the start" if info["load"] is not None else ""
    lines = [
        f"Measured {info['date']} on {info['cores']} cores, {memory} memory, Python {info['python']} "
        f"({info['platform']}{load}), goaltree at `{info['commit']}` with its bytecode compiled; {_versions()}. "
        f"Median of {runs} runs; peak memory is the largest of them.",
        "",
        "**Clean files** (few warnings):",
        "",
        header,
        rule,
        row("file size", lambda e: f"{e['bytes'] / 2**20:.1f} MiB, {_count(e['lines'])} lines"),
        row("parse floor: yaml-rs, in-process", lambda e: _seconds(e["in_process"]["parse_yaml_rs"])),
        row("rapidyaml parse, in-process (no Python objects)", lambda e: _seconds(e["in_process"]["parse_rapidyaml"])),
        row("pydantic validation, in-process", lambda e: _seconds(e["in_process"]["validate"])),
        row("`goaltree.load` (parse, validate, graph)", lambda e: _seconds(e["in_process"]["load"])),
        row("`goaltree.check`", lambda e: _seconds(e["in_process"]["check"])),
        row("`goaltree.evaluate` (loaded tree)", lambda e: _seconds(e["in_process"]["evaluate"])),
        row("JSON text of the evaluation", lambda e: _seconds(e["in_process"]["json"])),
        row("load + evaluate ÷ parse floor, in-process", inner_ratio),
        f"| command: interpreter start (`python -c pass`) | "
        + " | ".join(_seconds(r["python_start"]["wall"]) for r in results)
        + " |",
        row("command: parse floor (`python -c` yaml-rs, GC paused)", lambda e: _seconds(e["floor_command"]["wall"])),
        row("command: `goaltree check`", lambda e: _seconds(e["check_command"]["wall"])),
        row("command: `goaltree evaluate`", lambda e: _seconds(e["evaluate_command"]["wall"])),
        row("command: `goaltree evaluate --format json`", lambda e: _seconds(e["evaluate_json_command"]["wall"])),
        row("`goaltree evaluate` ÷ parse floor command", ratio),
        row("`goaltree evaluate --format json` ÷ `goaltree evaluate`", json_ratio),
        row("command: `goaltree render -o out.svg`", lambda e: _seconds(e["render_command"]["wall"]) if e.get("render_command") else "skipped"),
        row("command: `goaltree report -o out.html`", lambda e: _seconds(e["report_command"]["wall"]) if e.get("report_command") else "skipped"),
        row("peak memory: parse floor command", lambda e: _mib(e["floor_command"]["peak"])),
        row("peak memory: `goaltree check`", lambda e: _mib(e["check_command"]["peak"])),
        row("peak memory: `goaltree evaluate`", lambda e: _mib(e["evaluate_command"]["peak"])),
        row("peak memory: `goaltree evaluate --format json`", lambda e: _mib(e["evaluate_json_command"]["peak"])),
        "",
        "**Files with many warnings** (measured rates that disagree with their counts; every warning located):",
        "",
        header,
        rule,
        row("warnings", lambda e: _count(e["in_process"]["warnings"]), "warnings"),
        row("`goaltree.evaluate` (loaded tree)", lambda e: _seconds(e["in_process"]["evaluate"]), "warnings"),
        row("`goaltree.check`", lambda e: _seconds(e["in_process"]["check"]), "warnings"),
        row("command: `goaltree evaluate`", lambda e: _seconds(e["evaluate_command"]["wall"]), "warnings"),
        row("command: `goaltree check`", lambda e: _seconds(e["check_command"]["wall"]), "warnings"),
        row("`goaltree evaluate` ÷ parse floor command", ratio, "warnings"),
        row("peak memory: `goaltree evaluate`", lambda e: _mib(e["evaluate_command"]["peak"]), "warnings"),
    ]
    lines += ["", "**The bars:**", "", "| bar | measured | |", "|---|---|---|"]
    by_size = {r["nodes"]: r for r in results}
    if 100_000 in by_size:
        entry = by_size[100_000]["clean"]
        value = entry["evaluate_command"]["wall"] / entry["floor_command"]["wall"]
        lines.append(
            f"| `goaltree evaluate`, 100 000 nodes, within 5× the parse floor | "
            f"{_seconds(entry['evaluate_command']['wall'])} ÷ {_seconds(entry['floor_command']['wall'])} = {value:.1f}× | "
            f"{'met' if value <= 5 else 'missed'} |"
        )
        json_value = entry["evaluate_json_command"]["wall"] / entry["evaluate_command"]["wall"]
        lines.append(
            f"| `goaltree evaluate --format json`, 100 000 nodes, within 1.3× the table | "
            f"{_seconds(entry['evaluate_json_command']['wall'])} ÷ {_seconds(entry['evaluate_command']['wall'])} = {json_value:.2f}× | "
            f"{'met' if json_value <= 1.3 else 'missed'} |"
        )
        peak = max(by_size[100_000][v]["evaluate_command"]["peak"] for v in ("clean", "warnings") if v in by_size[100_000])
        lines.append(f"| peak memory evaluating 100 000 nodes under 1 GiB | {_mib(peak)} | {'met' if peak < GIB else 'missed'} |")
    if 200 in by_size:
        wall = by_size[200]["clean"]["check_command"]["wall"]
        lines.append(f"| `goaltree check`, 200 nodes, under 0.3 s | {_seconds(wall)} | {'met' if wall < 0.3 else 'missed'} |")
    return "\n".join(lines)


def write_doc(markdown: str) -> None:
    """Replace the table between the markers of docs/performance.md (the prose around it stays)."""
    block = f"{START_MARKER}\n{markdown}\n{END_MARKER}"
    if DOC.exists():
        text = DOC.read_text(encoding="utf-8")
        if START_MARKER in text and END_MARKER in text:
            before = text[: text.index(START_MARKER)]
            after = text[text.index(END_MARKER) + len(END_MARKER) :]
            DOC.write_text(before + block + after, encoding="utf-8")
            return
        DOC.write_text(text.rstrip("\n") + "\n\n" + block + "\n", encoding="utf-8")
        return
    DOC.write_text("# Performance\n\n" + block + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description="Time goaltree on generated goal files of 200 to 100 000 nodes.")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 200 and 1 000 nodes, two runs, nothing written")
    parser.add_argument("--sizes", default=None, help="comma-separated node counts (default: 200,1000,10000,100000)")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 5; 3 for 100 000 nodes; 2 with --quick)")
    parser.add_argument("--no-write", action="store_true", help="print the table without updating docs/performance.md")
    parser.add_argument("--write", action="store_true", help="update docs/performance.md even with --quick or --sizes")
    parser.add_argument("--in-process", default=None, metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.in_process:
        print(json.dumps(measure_in_process(Path(args.in_process), args.runs or 3)))
        return 0

    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else (QUICK_SIZES if args.quick else SIZES)
    compile_package()
    info = machine()
    results = []
    with tempfile.TemporaryDirectory(prefix="goaltree-bench-") as folder:
        for nodes in sizes:
            runs = args.runs or (2 if args.quick else (3 if nodes >= 100_000 else 5))
            print(f"{nodes} nodes, {runs} runs each ...", file=sys.stderr)
            results.append(measure_size(nodes, Path(folder), runs, ("clean", "warnings")))
    runs_text = str(args.runs) if args.runs else ("2" if args.quick else "5 (3 at 100 000 nodes)")
    markdown = table(results, info, runs_text)
    print(markdown)
    full = not args.quick and not args.sizes
    if args.write or (full and not args.no_write):
        write_doc(markdown)
        print(f"\nwritten to {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
