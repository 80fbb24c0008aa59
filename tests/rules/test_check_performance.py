"""``goaltree check`` stays fast enough for a pre-commit hook, and every rule is linear in the nodes.

Wall-clock time on a shared CI machine is noisy, so the start-up test compares
CPU time (the best of several runs) with the cost of merely importing the
goal-file model, which the check cannot avoid: what the rules add must stay small.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from conftest import generated_goal_file


def _best_cpu_seconds(command: list[str], runs: int = 5) -> float:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' installs have bytecode caches
    subprocess.run(command, capture_output=True, env=env, timeout=60)  # warm the caches
    best = float("inf")
    for _ in range(runs):
        before = os.times()
        subprocess.run(command, capture_output=True, env=env, timeout=60)
        after = os.times()
        best = min(best, (after.children_user - before.children_user) + (after.children_system - before.children_system))
    return best


def test_check_of_a_200_node_file_adds_little_to_start_up(tmp_path) -> None:
    path = tmp_path / "goals.yaml"
    path.write_text(generated_goal_file(25), encoding="utf-8")  # 181 nodes, 100+ findings to locate
    baseline = _best_cpu_seconds([sys.executable, "-c", "import goaltree.cli, goaltree.graph"])
    check = _best_cpu_seconds([sys.executable, "-m", "goaltree", "check", str(path)])
    assert check - baseline < 0.1, f"check {check:.3f} s CPU, importing the model {baseline:.3f} s"
    assert check < 0.5, f"check {check:.3f} s CPU"


def _check_seconds(regions: int) -> float:
    from goaltree.graph import build
    from goaltree.load import load_text
    from goaltree.rules import check_tree

    result = load_text(generated_goal_file(regions), "goals.yaml")
    tree, _ = build(result.goal_file, None, result)
    result.source_map.locate(("nodes",))  # compose the YAML up front: locating is the loader's cost
    start = time.perf_counter()
    diagnostics = check_tree(tree)
    elapsed = time.perf_counter() - start
    assert diagnostics
    return elapsed


def test_rules_are_linear_in_the_number_of_nodes() -> None:
    small = min(_check_seconds(100) for _ in range(2))  # 800 nodes
    large = min(_check_seconds(800) for _ in range(2))  # 6 400 nodes
    assert large < 8 * 2.0 * small + 0.05, f"800 nodes: {small:.3f} s, 6 400 nodes: {large:.3f} s"
