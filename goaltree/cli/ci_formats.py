"""check's findings for CI systems beyond GitHub's annotations.

- GitHub shows at most 10 annotations of each kind per step; when
  ``GITHUB_STEP_SUMMARY`` names a file, ``check --format github`` appends a
  Markdown table of every finding to it, which GitHub shows on the run's page.
- GitLab reads a Code Quality report (``check --format codequality``): a JSON
  list of findings, each with a stable fingerprint so that a merge request shows
  what it adds and what it fixes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

from goaltree.errors import Diagnostic, finding_counts
from goaltree.present.escape import markdown_text
from goaltree.present.language import _, _n
from goaltree.present.terms import finding_columns, severity_word

# GitLab's severities are blocker, critical, major, minor and info: an error stops
# the goal file from evaluating, a warning is a SMART finding, a note is a note.
CODEQUALITY_SEVERITY = {"error": "critical", "warning": "minor", "info": "info"}


def step_summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """A Markdown section listing every finding, for ``$GITHUB_STEP_SUMMARY``."""
    checked = _n("{count} goal file checked", "{count} goal files checked", files)
    found = _("{files}: {errors}, {warnings}, {notes}.", files=checked, **finding_counts(diagnostics))
    lines = ["### goaltree check", "", found, ""]
    if diagnostics:
        lines += ["| " + " | ".join(finding_columns()) + " |", "|---|---|---|---|---|"]
        lines += [
            "| "
            + " | ".join(
                markdown_text(cell)
                for cell in (d.location, severity_word(d.severity), d.code, d.node or "", d.message)
            )
            + " |"
            for d in diagnostics
        ]
        lines.append("")
    return "\n".join(lines) + "\n"


def append_step_summary(diagnostics: Sequence[Diagnostic], files: int) -> None:
    """Append :func:`step_summary` to the file ``GITHUB_STEP_SUMMARY`` names, if it names one.

    GitHub creates that file for each step and reads what the step appended to
    it, so it is appended to, never replaced.
    """
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    from goaltree.errors import GoaltreeError

    try:
        with open(summary, "a", encoding="utf-8") as stream:
            stream.write(step_summary(diagnostics, files))
    except OSError as error:
        raise GoaltreeError(
            _("cannot append to GITHUB_STEP_SUMMARY {path}: {reason}", path=summary, reason=error.strerror or error)
        ) from None


def _relative(file: str | None) -> str:
    """GitLab wants paths relative to the repository: the file as given, made relative when it is inside the folder CI runs in."""
    if not file:
        return ""
    path = Path(file)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def codequality(diagnostics: Sequence[Diagnostic]) -> list[dict]:
    """The findings as a GitLab Code Quality report (a list of Code Climate issues).

    The fingerprint hashes the file, code, node and message, not the line, so a
    finding keeps its identity when lines above it move.
    """
    issues = []
    seen: dict[str, int] = {}
    for diagnostic in diagnostics:
        path = _relative(diagnostic.file)
        key = "\0".join((path, diagnostic.code, diagnostic.node or "", diagnostic.message))
        fingerprint = hashlib.sha256(key.encode("utf-8")).hexdigest()
        repeat = seen.get(fingerprint, 0)
        seen[fingerprint] = repeat + 1
        if repeat:  # the same finding twice in a file: still two distinct issues
            fingerprint = hashlib.sha256(f"{key}\0{repeat}".encode("utf-8")).hexdigest()
        issues.append(
            {
                "type": "issue",
                "check_name": diagnostic.code,
                "description": (f"[{diagnostic.node}] " if diagnostic.node else "") + f"{diagnostic.code} {diagnostic.message}",
                "categories": ["Bug Risk"] if diagnostic.code.startswith("E") else ["Style"],
                "severity": CODEQUALITY_SEVERITY[diagnostic.severity],
                "fingerprint": fingerprint,
                "location": {"path": path, "lines": {"begin": diagnostic.line or 1}},
            }
        )
    return issues
