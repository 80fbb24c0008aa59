"""``goaltree rules [--format text|json|md]``: every code goaltree reports, from the registry."""

from __future__ import annotations

import argparse
import sys

from goaltree.jsontext import write_json


def run(args: argparse.Namespace) -> int:
    from goaltree.rules import reference
    from goaltree.rules.registry import DEFAULT_RULES

    if args.format == "json":
        document = {"rules": [reference.rule_json(rule) for rule in DEFAULT_RULES]}
        write_json(document, sys.stdout)
    elif args.format == "md":
        sys.stdout.write(reference.markdown(DEFAULT_RULES))
    else:
        sys.stdout.write(reference.text(DEFAULT_RULES))
    return 0
