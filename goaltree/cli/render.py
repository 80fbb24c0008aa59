"""``goaltree render FILE -o OUT [--format svg|png|pdf|dot|mermaid] [--root NODE] [--depth N] [--children N] [--nodes N]``.

The format comes from ``--format``, else from the output's extension, else
svg. ``-o -`` writes to standard output. The file is written atomically: a
failure leaves no file behind. The exit code is 1 when the evaluation found
errors (the diagram is still drawn, those nodes show NO DATA).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from goaltree.cli.common import exit_code, load_and_evaluate
from goaltree.cli.output import print_diagnostics, write_atomic
from goaltree.outputs import GOAL_FILE_BEING_READ, SNAPSHOT_BEING_READ, input_files, refuse_unsafe_output
from goaltree.present.language import _

if TYPE_CHECKING:
    from goaltree.engine.results import Evaluation

EXTENSIONS = {
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}


def output_format(output: str, chosen: str | None, extensions: dict[str, str], default: str) -> str:
    """``chosen``, else the format the output's extension names, else ``default``."""
    if chosen:
        return chosen
    return extensions.get(Path(output).suffix.lower(), default)


def early_inputs(args: argparse.Namespace) -> list[tuple[Path, str]]:
    """The inputs known before the goal file is read: it, and the snapshot (to refuse ``-o`` before any work)."""
    inputs = [(Path(args.file), GOAL_FILE_BEING_READ)]
    if getattr(args, "snapshot", None):
        inputs.append((Path(args.snapshot), SNAPSHOT_BEING_READ))
    return inputs


def write_output(output: str, data: str | bytes, inputs: Iterable[tuple[Path, str]] = ()) -> None:
    """Write to ``output`` atomically (never over one of ``inputs``), or to standard output for ``-``."""
    if output == "-":
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
        return
    write_atomic(output, data, inputs=inputs)


def report_errors(evaluation: "Evaluation") -> None:
    """The evaluation's errors on standard error: the output was written, but on broken data."""
    errors = [d for d in evaluation.diagnostics if d.severity == "error"]
    if errors:
        print_diagnostics(errors, sys.stderr)


def run(args: argparse.Namespace) -> int:
    from goaltree.errors import GoaltreeError

    image_format = output_format(args.output, args.format, EXTENSIONS, "svg")
    if args.depth is not None and args.depth < 0:
        raise GoaltreeError(_("--depth must be 0 or more, not {depth}", depth=args.depth))
    if args.children is not None and args.children < 0:
        raise GoaltreeError(_("--children must be 0 or more, not {children}", children=args.children))
    if args.nodes is not None and args.nodes < 1:
        raise GoaltreeError(_("--nodes must be 1 or more, not {nodes}", nodes=args.nodes))
    if args.output != "-":
        refuse_unsafe_output(args.output, early_inputs(args))
    tree, evaluation = load_and_evaluate(args)
    if image_format == "mermaid":
        from goaltree.render.mermaid import beyond_mermaid_limits, to_mermaid

        data: str | bytes = to_mermaid(
            evaluation, root=args.root, depth=args.depth, children=args.children, node_limit=args.nodes
        )
        too_large = beyond_mermaid_limits(data)
        if too_large:
            print(_("goaltree: warning: {message}", message=too_large), file=sys.stderr)
    else:
        from goaltree.render.dot import render

        data = render(
            evaluation,
            image_format,
            root=args.root,
            depth=args.depth,
            children=args.children,
            node_limit=args.nodes,
            direction=args.direction,
        )
    write_output(args.output, data, input_files(tree.goal_file, tree.path, args.snapshot))
    report_errors(evaluation)
    return exit_code(evaluation)
