"""``goaltree pull FILE [-o OUT] [--as-of DATE]``: every source's observations into a snapshot file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from goaltree.cli.output import print_diagnostics
from goaltree.outputs import input_files, refuse_unsafe_output
from goaltree.present.language import _, _n, format_date


def default_snapshot_path(goal_path: Path) -> Path:
    """``goals.yaml`` → ``goals.snapshot.json`` next to it."""
    return goal_path.with_name(f"{goal_path.stem}.snapshot.json")


def run(args: argparse.Namespace) -> int:
    from goaltree.api import load
    from goaltree.sources import fetch_observations
    from goaltree.sources.snapshot import write_snapshot

    tree = load(args.file)
    goal_file = tree.goal_file
    output = Path(args.output) if args.output else default_snapshot_path(Path(args.file))
    # Refused before the sources are read; writing the snapshot refuses links and devices again.
    refuse_unsafe_output(output, input_files(goal_file, tree.path), what="snapshot")
    as_of = args.as_of or dt.date.today()
    if as_of < goal_file.period.start:
        # Nothing can be fetched yet; an empty snapshot would later read as "no data" for every node.
        print(
            _(
                "goaltree: nothing to pull: the period starts on {start}, after {as_of}; "
                "no snapshot written (pull on or after {start}, or with --as-of)",
                start=format_date(goal_file.period.start),
                as_of=format_date(as_of),
            ),
            file=sys.stderr,
        )
        return 1
    end = goal_file.observed_until(as_of)
    result = fetch_observations(goal_file, tree.project_dir, goal_file.period.start, end, progress=sys.stderr.isatty())
    errors = [tree.locate(d) for d in result.diagnostics if d.severity == "error"]
    if errors:
        # A snapshot with holes would rebuild a report that was never true: write nothing.
        print_diagnostics(errors, sys.stderr)
        print(_("goaltree: no snapshot written: fix the sources above and pull again"), file=sys.stderr)
        return 1
    fetched_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    digest = write_snapshot(output, goal_file, result, goal_file.period.start, end, fetched_at)
    count = sum(len(series) for series in result.observations.values())
    print(
        _(
            "wrote {output}: {observations} for {nodes} up to {date}, sha256 {digest}",
            output=output,
            observations=_n("{count} observations", "{count} observations", count),
            nodes=_n("{count} nodes", "{count} nodes", len(result.observations)),
            date=format_date(end),
            digest=digest[:12],
        )
    )
    return 0
