"""The ``goaltree`` command line: a thin shell over the library.

Each command lives in ``goaltree/cli/<command>.py`` with ``run(args) -> int``
and is imported only when it runs. Exit codes: 0 fine, 1 the goal file has
errors, 2 usage or environment error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from goaltree.errors import DiagnosticsError, GoaltreeError
from goaltree.present.language import ENGLISH, _, languages, use_language

ISSUES_URL = "https://github.com/goaltree/goaltree/issues"

# Literal registry: command -> (module, one-line help).
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("goaltree.cli.init", "create a goal project from a template"),
    "check": ("goaltree.cli.check", "check goal files: structure and SMART rules"),
    "evaluate": ("goaltree.cli.evaluate", "propagate targets, roll up actuals, score every node"),
    "explain": ("goaltree.cli.explain", "how a node's target and actual were reached"),
    "render": ("goaltree.cli.render", "draw the KPI tree (svg, png, pdf, dot, mermaid)"),
    "report": ("goaltree.cli.report", "write the status report (html, md, json)"),
    "pull": ("goaltree.cli.pull", "fetch every source's observations into a snapshot file"),
    "diff": ("goaltree.cli.diff", "the semantic diff of two revisions of a goal file"),
    "history": ("goaltree.cli.history", "a node's targets across the file's git history"),
    "rollover": ("goaltree.cli.rollover", "next period's goal file: finished goals renewed, running goals carried over"),
    "scenarios": ("goaltree.cli.scenarios", "every node's target in the plan and in each scenario, side by side"),
    "sensitivity": ("goaltree.cli.sensitivity", "which inputs move a node the most: the elasticity of each"),
    "rules": ("goaltree.cli.rules", "list the SMART rules"),
    "catalog": ("goaltree.cli.catalog", "list and explain the KPI catalogue"),
    "schema": ("goaltree.cli.schema", "print the JSON Schema of the goal-file format"),
}


@dataclass(frozen=True)
class UnreadDate:
    """A date option's text that is not a date: refused once the command's language is known."""

    text: str


def parse_date(text: str) -> dt.date | UnreadDate:
    """``YYYY-MM-DD`` for argparse; other text is kept, to be refused in the command's language.

    argparse reads the options before ``--language`` (or the goal file's
    ``language:``) is known, so :func:`_run_command` refuses it afterwards.
    """
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return UnreadDate(text)


def unread_date_message(args: argparse.Namespace) -> str | None:
    """What to say, in the current language, of a date option that is not a date; ``None`` when every one is."""
    for name, value in vars(args).items():
        if isinstance(value, UnreadDate):
            option = "--" + name.replace("_", "-")
            return _date_problem(option, value.text)
    return None


def _date_problem(option: str, text: str) -> str:
    """Why ``text`` is not a date and how to write it, as the goal file's loader says it of a date there."""
    from goaltree.goalfile.notation import date_problem

    return _("argument {option}: '{text}' {problem}", option=option, text=text, problem=date_problem(text))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 without a traceback
        self.print_usage(sys.stderr)
        self.exit(2, _("{program}: error: {message}", program=self.prog, message=message) + "\n")


def _evaluation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=parse_date, default=None, metavar="DATE", help="evaluate at this date (default: today)")
    parser.add_argument("--snapshot", default=None, metavar="PATH", help="read observations from a snapshot file (goaltree pull) instead of the live sources")
    parser.add_argument("--scenario", default=None, metavar="NAME", help="show a scenario of the file's `scenarios:` instead of the plan")
    parser.add_argument("--set", action="append", default=[], metavar="NODE=VALUE", dest="overrides", help="give NODE this target (repeatable; after --scenario's own)")


def _init_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("directory", nargs="?", default=None, metavar="DIR", help="the folder for the new project (new or empty)")
    p.add_argument("--template", default="b2b-funnel", metavar="NAME", help="b2b-funnel (default), b2b-funnel-sv (Swedish), brand-and-business, okr, blank")
    p.add_argument("--list", action="store_true", help="list the templates and exit")


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="goal files (YAML or JSON)")
    p.add_argument(
        "--format",
        choices=("text", "json", "github", "codequality"),
        default="text",
        help="compiler-style text, JSON, GitHub workflow annotations (and a step summary when $GITHUB_STEP_SUMMARY is set), or a GitLab Code Quality report",
    )
    p.add_argument("--strict", action="store_true", help="warnings also make the exit code 1")


def _evaluate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the goal file (YAML or JSON)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="a terminal table, the JSON of the reference, or CSV for a spreadsheet")
    p.add_argument("--root", default=None, metavar="NODE", help="only the sub-tree under NODE")
    p.add_argument("--depth", type=int, default=None, metavar="N", help="only N levels below the root(s)")
    _evaluation_options(p)


def _explain_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the goal file (YAML or JSON)")
    p.add_argument("node", metavar="NODE", help="the node id to explain")
    _evaluation_options(p)


def _render_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the goal file (YAML or JSON)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write (- for standard output)")
    p.add_argument("--format", choices=("svg", "png", "pdf", "dot", "mermaid"), default=None, help="default: from the output's extension, else svg")
    p.add_argument("--root", default=None, metavar="NODE", help="draw only the sub-tree under NODE")
    p.add_argument("--depth", type=int, default=None, metavar="N", help="draw N levels below the root(s)")
    p.add_argument("--children", type=int, default=None, metavar="N", help="draw at most N children under each node, the worst first")
    p.add_argument("--nodes", type=int, default=None, metavar="N", help="draw at most N nodes: the top levels, the worst first")
    p.add_argument("--direction", choices=("TB", "LR"), default=None, help="top-to-bottom or left-to-right (default: by the tree's width)")
    _evaluation_options(p)


def _report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the goal file (YAML or JSON)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write (- for standard output)")
    p.add_argument("--format", choices=("html", "md", "json"), default=None, help="default: from the output's extension, else html")
    p.add_argument("--template", default=None, metavar="T", help="your own Jinja2 template")
    _evaluation_options(p)


def _pull_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the goal file (YAML or JSON)")
    p.add_argument("-o", "--output", default=None, metavar="OUT", help="default: <goal file>.snapshot.json next to it")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="DATE", help="fetch observations up to this date (default: today)")


def _diff_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", metavar="OLD", help="a path, or REV:PATH in git")
    p.add_argument("new", metavar="NEW", help="a path, or REV:PATH in git")
    p.add_argument("--format", choices=("text", "md", "json"), default="text", help="text, Markdown for a pull-request comment, or JSON")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="DATE", help="evaluate both sides at this date (default: NEW's period start)")


def _history_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the goal file (YAML or JSON)")
    p.add_argument("node", nargs="?", default=None, metavar="NODE", help="one node (default: every node's target per revision)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text or JSON")


def _rollover_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the goal file (YAML or JSON)")
    p.add_argument("--to", required=True, metavar="PERIOD", help="2027-Q3, 2028, 2027-H2 or START..END")
    p.add_argument("-o", "--output", default=None, metavar="OUT", help="default: <stem>-<period>.yaml next to FILE")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="DATE", help="evaluate the old file at this date (default: the day before the new period)")
    p.add_argument("--snapshot", default=None, metavar="PATH", help="carry over from a snapshot file instead of the live sources")
    p.add_argument(
        "--carry",
        choices=("target", "remaining"),
        default="target",
        help="target: goals whose deadline has passed keep their target (default); remaining: every open flow carries what remains",
    )


def _scenarios_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the goal file (YAML or JSON)")
    p.add_argument("--format", choices=("table", "json", "md"), default="table", help="a terminal table, JSON, or a Markdown table")
    p.add_argument("--all", action="store_true", help="every node, also those no scenario changes")


def _sensitivity_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the goal file (YAML or JSON)")
    p.add_argument("node", nargs="?", default=None, metavar="NODE", help="the node to look at (default: the top of each chain of formulas and roll-ups)")
    p.add_argument("--format", choices=("table", "json", "md"), default="table", help="a terminal table, JSON, or a Markdown table")
    p.add_argument("--step", default="10%", metavar="STEP", help="how far each input moves down and up: 10%% (default) or 0.1")
    p.add_argument("--on", choices=("target", "actual"), default="target", help="the plan's targets (default), or the actuals (the forecast where there is one)")
    _evaluation_options(p)


def _rules_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json", "md"), default="text", help="a list, JSON, or the Markdown reference")


def _catalog_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kpi", nargs="?", default=None, metavar="KPI", help="one KPI to explain (default: list them all)")


def _schema_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", default=None, metavar="OUT", help="write the schema to this file (default: standard output)")


_ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "init": _init_arguments,
    "check": _check_arguments,
    "evaluate": _evaluate_arguments,
    "explain": _explain_arguments,
    "render": _render_arguments,
    "report": _report_arguments,
    "pull": _pull_arguments,
    "diff": _diff_arguments,
    "history": _history_arguments,
    "rollover": _rollover_arguments,
    "scenarios": _scenarios_arguments,
    "sensitivity": _sensitivity_arguments,
    "rules": _rules_arguments,
    "catalog": _catalog_arguments,
    "schema": _schema_arguments,
}
"""Each command's own arguments (:data:`COMMANDS` gives the order ``goaltree --help`` lists them in)."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of every command, or of ``command`` alone (all a run of it needs)."""
    from goaltree import __version__

    parser = _Parser(prog="goaltree", description="A business strategy as an executable KPI tree.")
    parser.add_argument("--version", action="version", version=f"goaltree {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    parser.command_parsers = {}  # type: ignore[attr-defined]
    for name in COMMANDS if command is None else (command,):
        parser_of_command = commands.add_parser(name, help=COMMANDS[name][1], description=COMMANDS[name][1])
        parser.command_parsers[name] = parser_of_command  # type: ignore[attr-defined]
        parser_of_command.add_argument(
            "--language",
            choices=languages(),
            default=None,
            help="the language of everything printed or written (default: the goal file's `language:`, else en)",
        )
        _ARGUMENTS[name](parser_of_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv``; returns the exit code."""
    # A command builds its data once and exits. The cyclic garbage collector would
    # walk every object of a large goal file again and again while it is built and
    # find almost nothing to free (docs/performance.md has what that costs), so it
    # is paused for the command -- and restored, for callers in-process.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_command(argv)
    finally:
        if collecting:
            gc.enable()


def _run_command(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Running a command needs its own arguments only; without one, help and errors list them all.
    parser = build_parser(arguments[0] if arguments and arguments[0] in COMMANDS else None)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as stop:
        return int(stop.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    with use_language(chosen_language(args)):
        refusal = unread_date_message(args)
        if refusal is not None:
            try:
                parser.command_parsers[args.command].error(refusal)  # type: ignore[attr-defined]
            except SystemExit as stop:
                return int(stop.code or 0)
        return _run_in_language(args)


def chosen_language(args: argparse.Namespace) -> str:
    """``--language``, else the ``language:`` of the command's (first) goal file (for ``init``, the template's), else English.

    A file that declares a language goaltree does not speak is read in
    English; the loader reports the value as an error in the file.
    """
    if args.language:
        return args.language
    from pathlib import Path

    from goaltree.goalfile.read import declared_language

    if args.command == "init":
        from goaltree import starters

        declared = starters.language(args.template)
        return declared if declared in languages() else ENGLISH
    for name in ("file", "files", "new"):
        value = getattr(args, name, None)
        if isinstance(value, list):
            value = value[0] if value else None
        if value and value != "-":
            declared = declared_language(Path(value))
            return declared if declared in languages() else ENGLISH
    return ENGLISH


def _run_in_language(args: argparse.Namespace) -> int:
    from goaltree.cli.terminal import GuardedStream

    # A goal file's text must not drive the terminal or the CI log (goaltree/cli/terminal.py).
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = GuardedStream(stdout, commands=getattr(args, "format", None) == "github")  # type: ignore[assignment]
    sys.stderr = GuardedStream(stderr)  # type: ignore[assignment]
    try:
        return _run_guarded(args)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _run_guarded(args: argparse.Namespace) -> int:
    module_name = COMMANDS[args.command][0]
    try:
        module = importlib.import_module(module_name)
        command: Callable[[argparse.Namespace], int] = module.run
        return command(args)
    except GoaltreeError as error:
        print(_("goaltree: error: {message}", message=error), file=sys.stderr)
        return 2
    except DiagnosticsError as error:
        from goaltree.cli.output import print_diagnostics

        print_diagnostics(error.diagnostics, sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("goaltree: interrupted"), file=sys.stderr)
        return 130
    except Terminated:
        print(_("goaltree: terminated"), file=sys.stderr)
        return 143
    except BrokenPipeError:
        return 0
    except OSError as error:  # the machine refused (a name too long, no permission): not a bug in goaltree
        print(_("goaltree: error: {message}", message=os_error_text(error)), file=sys.stderr)
        return 2
    except MemoryError:
        # Caught before the last line of defence, which imports and formats and would fail
        # again; reported below, once the exception has gone with the frames that filled the memory.
        pass
    except Exception as error:  # the last line of defence: never a traceback
        import traceback

        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        print(
            _(
                "goaltree: internal error in '{command}': {detail}\n"
                "This is a bug in goaltree, not in your file. Please report it at {url} "
                "with the command you ran and, if you can, the goal file.",
                command=args.command,
                detail=detail,
                url=ISSUES_URL,
            ),
            file=sys.stderr,
        )
        return 2
    # Only an exhausted memory gets here: every other way out of the command returns.
    print(
        _(
            "goaltree: out of memory in '{command}'; the goal file or its sources are too large "
            "for this machine: split the goal file, or run on a machine with more memory",
            command=args.command,
        ),
        file=sys.stderr,
    )
    return 2


class Terminated(BaseException):
    """SIGTERM arrived (a CI job cancelled, a ``timeout``): raised so that every cleanup on the way out runs."""


def _terminate(number: int, frame: Any) -> None:
    raise Terminated


def os_error_text(error: OSError) -> str:
    """What the operating system refused, and on which file: ``x…x: File name too long``."""
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename is not None else reason


def run() -> None:
    """Console-script entry point.

    A command on a large goal file leaves millions of objects behind, and the
    interpreter's shutdown would free them one by one after the last line is
    printed (docs/performance.md, "No teardown"). The command is done by then,
    so the output is flushed, the exit handlers run (they remove temporary
    files) and the process ends without the teardown. The garbage collector
    stays paused to the end: restored, it would first walk every object the
    command made, to free none of them.
    """
    gc.disable()  # main() restores only what it paused
    # By default SIGTERM ends the process on the spot: temporary folders (a DuckDB source's scratch
    # folder) would stay behind. As an exception it unwinds like Ctrl-C, and the exit code says SIGTERM.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a reader that went away, or a closed stream: nothing left to say
        pass
    import atexit

    atexit._run_exitfuncs()
    os._exit(code)
