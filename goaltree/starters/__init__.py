"""Project templates for ``goaltree init``: a goal file, sample data and a README per template.

Each template is a folder next to this module; :data:`TEMPLATES` lists them
with a one-line description, in the order ``goaltree init --help`` shows them.
:func:`create` copies one into a new project folder, all or nothing.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from goaltree.errors import GoaltreeError, did_you_mean
from goaltree.present.language import N_, _
from goaltree.schema import schema_text

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT_TEMPLATE = "b2b-funnel"

#: Template name -> what it gives a team, in one line (English; :func:`describe` translates it).
TEMPLATES: dict[str, str] = {
    "b2b-funnel": N_(
        "The B2B funnel: revenue = customers x CLV, customers = leads x lead-to-customer, "
        "leads = visits x traffic-to-lead, with brand, CRM (MQL -> SQL), ROI, CAC and ROAS, "
        "and a year of sample deals, web analytics and costs"
    ),
    "b2b-funnel-sv": N_(
        "The B2B funnel in Swedish (language: sv): the b2b-funnel template's tree and sample data, "
        "with Swedish titles, owners and descriptions in the words Swedish B2B marketers use"
    ),
    "brand-and-business": N_(
        "The two KPIs of a B2B marketing department: KPI 1 brand (brand searches, direct "
        "traffic) and KPI 2 business (meetings booked on the website), with a year of web analytics"
    ),
    "okr": N_(
        "Objectives and key results: three objectives scored by the progress of their key "
        "results, checked in by hand each month"
    ),
    "blank": N_("One objective and one KPI to replace with your own"),
}

_SKIPPED = {"__pycache__", ".DS_Store"}

GOAL_FILE = "goals.yaml"
SCHEMA_FILE = "goaltree.schema.json"
#: The first line of a new project's goal file: editors with the YAML language
#: server (VS Code's YAML extension, and others) complete and check the file
#: against the schema written beside it, offline.
MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}\n"


def names() -> list[str]:
    """The template names, in the order they are offered."""
    return list(TEMPLATES)


def describe(name: str) -> str:
    """One line on what the template gives a team, in the current language.

    Raises:
        GoaltreeError: There is no such template.
    """
    check_name(name)
    return _(TEMPLATES[name])


def language(name: str) -> str | None:
    """The ``language:`` template ``name``'s goal file declares (``None`` for an unknown template or none), so ``init`` speaks it."""
    if name not in TEMPLATES:
        return None
    found = re.search(rb"^language:[ \t]*([a-z]+)", (_template_root(name) / "goals.yaml").read_bytes(), re.MULTILINE)
    return found.group(1).decode("ascii") if found else None


def files(name: str) -> list[str]:
    """The template's files, as POSIX paths relative to the project folder, sorted."""
    check_name(name)
    return sorted(relative for relative, _ in _walk(_template_root(name), ""))


def create(name: str, directory: Path) -> list[Path]:
    """Create a goal project from template ``name`` in ``directory``.

    Besides the template's files, the project gets the goal-file JSON Schema
    (``goaltree.schema.json``), and its goal file starts with the modeline that
    points editors at it.

    The files are written into a hidden staging folder first and moved into
    place only when all of them are written, so a failure leaves no
    half-written project. A new ``directory`` appears with one rename (its
    missing parent folders are made); an existing empty one (``goaltree init
    .``) stays the same folder, so a shell inside it keeps working, and
    receives the template's top-level entries one rename each.

    Returns:
        The files created, under ``directory``, sorted.

    Raises:
        GoaltreeError: No such template; ``directory`` exists and is a file or
            is not empty; or it cannot be written.
    """
    check_name(name)
    directory = Path(directory)
    exists = directory.exists() or directory.is_symlink()
    if exists:
        if not directory.is_dir():
            raise GoaltreeError(
                _("{directory} exists and is not a folder; choose a new folder for the project", directory=directory)
            )
        if any(directory.iterdir()):
            raise GoaltreeError(
                _(
                    "{directory} is not empty; `goaltree init` creates a new project and never "
                    "overwrites files: choose a new or empty folder",
                    directory=directory,
                )
            )
    token = secrets.token_hex(4)
    if exists:
        staging = directory / f".goaltree-init-{token}"
    else:
        staging = directory.absolute().parent / f".{directory.name}.goaltree-init-{token}"
    created: list[str] = []
    moved: list[Path] = []
    try:
        staging.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        for relative, resource in _walk(_template_root(name), ""):
            destination = staging / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            content = resource.read_bytes()
            if relative == GOAL_FILE:
                content = MODELINE.encode("utf-8") + content
            destination.write_bytes(content)
            created.append(relative)
        (staging / SCHEMA_FILE).write_text(schema_text(), encoding="utf-8")
        created.append(SCHEMA_FILE)
        if exists:
            for entry in sorted(staging.iterdir()):
                target = directory / entry.name
                os.replace(entry, target)
                moved.append(target)
            staging.rmdir()
        else:
            os.replace(staging, directory)
    except BaseException as error:
        for target in moved:
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
            raise GoaltreeError(_("cannot create the project in {directory}: {reason}", directory=directory, reason=reason)) from None
        raise
    return [directory / relative for relative in sorted(created)]


def check_name(name: str) -> None:
    """Refuse a template name goaltree does not ship, with a "did you mean".

    Raises:
        GoaltreeError: ``name`` is not in :data:`TEMPLATES`.
    """
    if name not in TEMPLATES:
        raise GoaltreeError(
            _(
                "no template '{template}'{did_you_mean}; the templates are: {templates}",
                template=name,
                did_you_mean=did_you_mean(name, TEMPLATES),
                templates=", ".join(TEMPLATES),
            )
        )


def _template_root(name: str) -> "Traversable":
    from importlib.resources import files as package_files

    root = package_files(__name__) / name
    if not root.is_dir():
        raise GoaltreeError(_("template '{template}' is missing from this installation of goaltree; reinstall it", template=name))
    return root


def _walk(folder: "Traversable", prefix: str):
    """``(relative POSIX path, resource)`` for every file under ``folder``."""
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name in _SKIPPED or entry.name.endswith(".pyc"):
            continue
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _walk(entry, relative + "/")
        else:
            yield relative, entry
