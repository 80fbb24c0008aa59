"""``goaltree rollover FILE --to PERIOD [-o OUT] [--as-of DATE] [--carry remaining]``: next period's goal file.

``PERIOD`` is ``YYYY-Qn``, ``YYYY-Hn``, ``YYYY`` or ``START..END``. The old
file is evaluated at ``--as-of`` (default: the day before the new period
starts, at most the old period's end) with its metric sources, and the new
file goes to ``OUT`` (default ``<stem>-<period>.yaml`` next to ``FILE``),
written atomically. An existing ``OUT`` is never overwritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from goaltree.cli.output import format_number, write_atomic
from goaltree.present.numbers import format_number_pair
from goaltree.outputs import input_files, refuse_unsafe_output
from goaltree.errors import GoaltreeError
from goaltree.present.language import _, _p, format_date
from goaltree.present.terms import status_word


def action_word(action: str) -> str:
    """What rollover did with a node, in the current language (``carried over``, ``finished, renewed``…)."""
    if action == "achieved":
        return status_word("achieved")
    words = {
        "carried": _p("revision", "carried over"),
        "renewed": _p("revision", "finished, renewed"),
        "kept": _p("revision", "kept"),
        "assumption": _p("revision", "assumption, unchanged"),
    }
    return words.get(action, action)


def run(args: argparse.Namespace) -> int:
    from goaltree.api import evaluate
    from goaltree.cli.common import raise_on_errors
    from goaltree.goalfile import read_text
    from goaltree.pipeline import load_goal_text
    from goaltree.revisions.rollover import default_output, handover_date, parse_period, rollover, to_json_text

    source = Path(args.file)
    new_period = parse_period(args.to)
    text = read_text(source)
    tree = load_goal_text(text, source).require_tree()
    old_period = tree.goal_file.period
    output = Path(args.output) if args.output else default_output(source, new_period, old_period)
    inputs = input_files(tree.goal_file, source, getattr(args, "snapshot", None))
    refuse_unsafe_output(output, inputs)  # a link, a device or an input: refused before anything is evaluated
    if output.exists():
        raise GoaltreeError(
            _("{file} already exists; rollover never overwrites a file: remove it or choose another with -o", file=output)
        )
    if output.resolve() == source.resolve():
        raise GoaltreeError(_("{file} is the file being rolled over; choose another output with -o", file=output))
    as_of = args.as_of or handover_date(old_period, new_period)
    # `--snapshot` is honoured once the parser offers it (goaltree pull's file, for an offline rollover).
    evaluation = evaluate(tree, as_of, snapshot=getattr(args, "snapshot", None), progress=sys.stderr.isatty())
    raise_on_errors(evaluation)  # carrying goals over on broken actuals would plant wrong targets
    result = rollover(
        tree,
        evaluation,
        new_period,
        source_text=text,
        source_name=source.name,
        output_folder=output.parent,
        carry_rule=args.carry,
    )
    data = to_json_text(result.text) if output.suffix == ".json" else result.text
    _verify(data, output)
    if output.exists():
        raise GoaltreeError(_("{file} appeared while the new file was being prepared; it was left as it is", file=output))
    write_atomic(output, data, inputs=inputs)
    period = result.period
    print(
        _(
            "Wrote {file}: {start}..{end}, actuals as of {date}",
            file=output, start=format_date(period.start), end=format_date(period.end), date=format_date(result.as_of),
        )
    )
    for carry in result.carried:
        if carry.action == "context":
            continue
        unit = tree.goal_file.nodes[carry.node].unit
        line = f"  {carry.node:<20} {action_word(carry.action):<22}"
        if carry.new_target is not None and carry.old_target is not None and carry.new_target != carry.old_target:
            moved = " → ".join(format_number_pair(carry.old_target, carry.new_target, unit))
            line += " " + _p("revision", "target {target}", target=moved)
        elif carry.new_target is not None:
            line += " " + _p("revision", "target {target}", target=format_number(carry.new_target, unit))
        print(line.rstrip())
        if carry.title is not None:
            title_word = _p("revision", "title")
            print(f"  {'':<20} {title_word:<22} {carry.title}")
    for warning in result.warnings:
        print(f"goaltree: warning: {warning}", file=sys.stderr)
    return 0


def _verify(data: str, output: Path) -> None:
    """The new file must load and build: a failure here is a bug in rollover, not in the user's file."""
    from goaltree.pipeline import load_goal_text

    problems = load_goal_text(data, output).errors
    if problems:
        raise GoaltreeError(
            _(
                "rollover built a goal file that does not load, so nothing was written; this is a bug in goaltree: {problem}",
                problem=problems[0].format(),
            )
        )
