"""``goaltree report FILE -o OUT [--format html|md|json] [--template T]``.

The format comes from ``--format``, else from the output's extension, else
html. A user's ``--template`` is checked before any data is fetched. The file
is written atomically: a template that fails leaves no file behind (exit 2).
The exit code is 1 when the findings hold an error, the evaluation's or a
SMART check's (the report is still written and lists them; they also go to
standard error).
"""

from __future__ import annotations

import argparse
import sys

from goaltree.cli.common import exit_code, load_plan_and_evaluate
from goaltree.cli.output import print_diagnostics
from goaltree.cli.render import early_inputs, output_format, write_output
from goaltree.outputs import input_files, refuse_unsafe_output

EXTENSIONS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


def run(args: argparse.Namespace) -> int:
    from goaltree.report import collect_findings, render_report
    from goaltree.report.environment import load_template

    report_format = output_format(args.output, args.format, EXTENSIONS, "html")
    if args.output != "-":
        refuse_unsafe_output(args.output, early_inputs(args))  # before any work: the goal file is never overwritten
    load_template(report_format, args.template)  # a broken template fails before the sources are read
    plan, tree, evaluation = load_plan_and_evaluate(args)  # tree: the scenario shown; plan: the file as it states it
    # The checks of `goaltree check` run on the file as it states it; the shown scenario's own problems are the evaluation's.
    findings, note = collect_findings(evaluation, plan)
    text = render_report(
        evaluation,
        report_format,
        template=args.template,
        findings=findings,
        findings_note=note,
        goal_file=tree.goal_file,
        tree=tree,
        plan=plan,
    )
    write_output(args.output, text, input_files(tree.goal_file, tree.path, args.snapshot))
    # The findings hold the evaluation's errors and those `goaltree check` finds: either makes it 1, as check's would.
    errors = [finding for finding in findings if finding.severity == "error"]
    if errors:
        print_diagnostics(errors, sys.stderr)
    return max(exit_code(evaluation), 1 if errors else 0)
