"""``goaltree diff OLD NEW [--format text|md|json] [--as-of DATE]``: what a revision means.

``OLD`` and ``NEW`` are paths or ``REV:PATH`` read from git (see
:func:`goaltree.revisions.git.read_goal_text`). The text format reads in a
terminal (:mod:`goaltree.revisions.diff_text`), ``md`` is a pull-request
comment with a Mermaid sub-tree of what changed
(:mod:`goaltree.report.diff_markdown`), ``json`` is SPEC §6's object with a
few documented extra keys.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from goaltree.jsontext import write_json

if TYPE_CHECKING:
    from goaltree.revisions.diff import GoalDiff


def run(args: argparse.Namespace) -> int:
    from goaltree.present.language import use_language
    from goaltree.revisions.diff import diff_revisions

    diff = diff_revisions(args.old, args.new, as_of=args.as_of)
    # The diff speaks NEW's language: a NEW read from git (``HEAD:goals.yaml``) is no file the
    # command line could look into before it was loaded, so its ``language:`` is known only now.
    with use_language(args.language or diff.new.tree.goal_file.language):
        _write(diff, args.format)
    return 0


def _write(diff: GoalDiff, output_format: str) -> None:
    if output_format == "json":
        write_json(diff.to_json(), sys.stdout)
    elif output_format == "md":
        from goaltree.report.diff_markdown import write_markdown

        write_markdown(diff, sys.stdout)
    else:
        from goaltree.revisions.diff_text import write_text

        write_text(diff, sys.stdout)
