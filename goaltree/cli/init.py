"""``goaltree init DIR [--template NAME] [--list]``: a new goal project from a template."""

from __future__ import annotations

import argparse
from pathlib import Path

from goaltree.errors import GoaltreeError
from goaltree.present.language import _


def run(args: argparse.Namespace) -> int:
    from goaltree import starters

    names = starters.names()
    if args.list:
        for name in names:
            print(f"{name:20} {starters.describe(name)}")
        return 0
    starters.check_name(args.template)
    if args.directory is None:
        raise GoaltreeError(_("name the folder for the new project: goaltree init DIR [--template NAME]"))
    directory = Path(args.directory)
    try:
        linked = directory.is_symlink()
    except OSError as error:  # a name too long for the system
        raise GoaltreeError(_("cannot create the project in {directory}: {reason}", directory=directory, reason=error.strerror)) from None
    if linked:
        # The project would be created wherever the link points, possibly outside what the user sees.
        raise GoaltreeError(_("{directory} is a symbolic link; give the real folder for the new project", directory=directory))
    created = starters.create(args.template, directory)
    print(_("created {directory} from the {template} template:", directory=directory, template=args.template))
    for path in created:
        print(f"  {path}")
    goals = directory / "goals.yaml"
    print("\n" + _("next:"))
    print(f"  goaltree check {goals}")
    as_of = _demo_date(goals)
    print(f"  goaltree evaluate {goals}" + (f" --as-of {as_of}" if as_of else ""))
    if as_of:
        print("  " + _("(the template's period has not started yet; --as-of {date} shows it mid-way)", date=as_of))
    return 0


def _demo_date(goals: Path) -> str | None:
    """Mid-period, when the template's period lies ahead of today (its sample data is for that year)."""
    import datetime as dt

    from goaltree.pipeline import load_goal_file

    goal_file = load_goal_file(goals).goal_file
    if goal_file is None or goal_file.period.start <= dt.date.today():
        return None
    period = goal_file.period
    middle = period.start + (period.end - period.start) / 2
    end_of_month = (middle.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    end_of_previous = middle.replace(day=1) - dt.timedelta(days=1)
    nearest = min((end_of_previous, end_of_month), key=lambda day: abs((day - middle).days))
    return min(max(nearest, period.start), period.end).isoformat()
