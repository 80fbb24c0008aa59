"""``goaltree schema [-o OUT]``: the JSON Schema of the goal-file format."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    from goaltree.schema import schema_text

    text = schema_text()
    if args.output:
        from goaltree.cli.output import write_atomic

        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
