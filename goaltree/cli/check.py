"""``goaltree check FILE… [--format text|json|github] [--strict]``."""

from __future__ import annotations

import argparse
import json
import sys

from goaltree.errors import Diagnostic, GoaltreeError, count, sort_key


def _github(diagnostic: Diagnostic) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}[diagnostic.severity]
    fields = []
    if diagnostic.file:
        fields.append(f"file={diagnostic.file}")
    if diagnostic.line is not None:
        fields.append(f"line={diagnostic.line}")
    if diagnostic.column is not None:
        fields.append(f"col={diagnostic.column}")
    fields.append(f"title={diagnostic.code}" + (f" [{diagnostic.node}]" if diagnostic.node else ""))
    message = diagnostic.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    properties = ",".join(f.replace(",", "%2C").replace("::", "%3A%3A") for f in fields)
    return f"::{level} {properties}::{message}"


def run(args: argparse.Namespace) -> int:
    from goaltree.api import check

    diagnostics: list[Diagnostic] = []
    for file in args.files:
        try:
            diagnostics.extend(check(file))
        except GoaltreeError as error:
            print(f"goaltree: error: {error}", file=sys.stderr)
            return 2
    diagnostics.sort(key=sort_key)
    errors, warnings = count(diagnostics, "error"), count(diagnostics, "warning")
    if args.format == "json":
        document = {"diagnostics": [d.to_json() for d in diagnostics], "errors": errors, "warnings": warnings}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    elif args.format == "github":
        for diagnostic in diagnostics:
            print(_github(diagnostic))
    else:
        for diagnostic in diagnostics:
            print(diagnostic.format())
        infos = count(diagnostics, "info")
        files = "file" if len(args.files) == 1 else "files"
        if diagnostics:
            print(f"{len(args.files)} {files} checked: {errors} error(s), {warnings} warning(s), {infos} note(s)", file=sys.stderr)
        else:
            print(f"{len(args.files)} {files} checked: no problems", file=sys.stderr)
    if errors or (args.strict and warnings):
        return 1
    return 0
