"""``goaltree check FILE… [--format text|json|github|codequality] [--strict]``.

Exit 0 when no file has errors, 1 when one has (with ``--strict``, also a
warning), 2 when a file cannot be read; the other files are still checked.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from goaltree.errors import Diagnostic, GoaltreeError, count, sort_key
from goaltree.jsontext import write_json
from goaltree.present.language import _, _n


def github_annotation(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command: ``::error file=…,line=…,col=…,title=…::message``."""
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
    properties = ",".join(_escape_property(field) for field in fields)
    return f"::{level} {properties}::{message}"


def _escape_property(field: str) -> str:
    name, _equals, value = field.partition("=")
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
    return f"{name}={value}"


def summary(diagnostics: list[Diagnostic], checked: int, unreadable: int) -> str:
    """The closing line: ``3 files checked: 2 error(s), 1 warning(s), 0 note(s)``, in the current language."""
    files = _n("{count} file checked", "{count} files checked", checked)
    if not diagnostics:
        if unreadable:
            return _("{files}; {unreadable} could not be read", files=files, unreadable=unreadable)
        return _("{files}: no problems", files=files)
    from goaltree.errors import finding_counts

    found = {"files": files, **finding_counts(diagnostics)}
    if unreadable:
        return _("{files}: {errors}, {warnings}, {notes}; {unreadable} could not be read", unreadable=unreadable, **found)
    return _("{files}: {errors}, {warnings}, {notes}", **found)


def run(args: argparse.Namespace) -> int:
    from goaltree.cli.ci_formats import append_step_summary, codequality
    from goaltree.rules import check_file

    diagnostics: list[Diagnostic] = []
    unreadable = 0
    for file in args.files:
        try:
            diagnostics.extend(check_file(Path(file)))
        except GoaltreeError as error:
            print(_("goaltree: error: {message}", message=error), file=sys.stderr)
            unreadable += 1
    diagnostics.sort(key=sort_key)
    errors, warnings = count(diagnostics, "error"), count(diagnostics, "warning")
    if args.format == "json":
        document = {"diagnostics": [d.to_json() for d in diagnostics], "errors": errors, "warnings": warnings}
        write_json(document, sys.stdout)
    elif args.format == "github":
        for diagnostic in diagnostics:
            print(github_annotation(diagnostic))
        append_step_summary(diagnostics, len(args.files) - unreadable)
    elif args.format == "codequality":
        write_json(codequality(diagnostics), sys.stdout)
    else:
        for diagnostic in diagnostics:
            print(diagnostic.format())
        print(summary(diagnostics, len(args.files) - unreadable, unreadable), file=sys.stderr)
    if unreadable:
        return 2
    if errors or (args.strict and warnings):
        return 1
    return 0
