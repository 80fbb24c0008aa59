"""``goaltree rules [--format text|json|md]``: every code goaltree reports, from the registry."""

from __future__ import annotations

import argparse
import json
import sys


def run(args: argparse.Namespace) -> int:
    from goaltree.rules import reference
    from goaltree.rules.registry import DEFAULT_RULES

    if args.format == "json":
        document = {"rules": [reference.rule_json(rule) for rule in DEFAULT_RULES]}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "md":
        sys.stdout.write(reference.markdown(DEFAULT_RULES))
    else:
        sys.stdout.write(reference.text(DEFAULT_RULES))
    return 0
