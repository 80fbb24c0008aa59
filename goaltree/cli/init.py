"""``goaltree init DIR [--template NAME] [--list]``: a new goal project from a template."""

from __future__ import annotations

import argparse
from pathlib import Path

from goaltree.errors import GoaltreeError, did_you_mean


def run(args: argparse.Namespace) -> int:
    from goaltree import starters

    names = starters.names()
    if args.list:
        for name in names:
            print(f"{name:20} {starters.describe(name)}")
        return 0
    if args.template not in names:
        raise GoaltreeError(
            f"no template '{args.template}'{did_you_mean(args.template, names)}; the templates are: {', '.join(names)}"
        )
    directory = Path(args.directory)
    created = starters.create(args.template, directory)
    print(f"created {directory} from the {args.template} template:")
    for path in created:
        print(f"  {path}")
    goals = directory / "goals.yaml"
    print("\nnext:")
    print(f"  goaltree check {goals}")
    print(f"  goaltree evaluate {goals}")
    return 0
