"""The texts the code marks for translation, and the catalogue each belongs in.

``scripts/update_catalogues.py`` adds what is new to a language's ``.po``
files; tests/i18n holds every language to having translated all of it. A text
is marked in Python with ``_("...")``, ``_n("...", "...", n)``, ``_p("context",
"...")`` or ``N_("...")``, and in a template with ``{{ _("...") }}``.

A language's texts are split into catalogues by the part of goaltree that
prints them, so that a translator can do one part at a time:

* ``terms.po``: the shared words (statuses, the fields of a result);
* ``checks.po``: the SMART rules' findings (``goaltree/rules/``);
* ``loading.po``: what loading a goal file says (the loader, the model, the
  graph, the formula language, the KPI catalogue, scenarios, outputs);
* ``sources.po``: what fetching actuals from a metric source says;
* ``engine.po``: what evaluating says (derivations, diagnostics, attribution);
* ``commands.po``: the command line's own sentences;
* ``reports.po``: reports, diagrams and their templates;
* ``revisions.po``: diff, history and rollover, in every format.

A rule's summary, the first line of its docstring (``goaltree rules``), is
marked by being one: :func:`rule_summaries` finds it in the source of every
class under ``goaltree/rules/`` that sets a ``code``, as ``_p("rule", ...)``
text of ``checks.po``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    import ast

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE.parent / "templates"
KEYWORDS = {"_": None, "N_": None, "_n": (1, 2), "_p": ((1, "c"), 2)}
"""Babel's keyword specification of the marking functions."""

_CATALOGUE_OF_FOLDER = {
    "present": "terms",
    "rules": "checks",
    "cli": "commands",
    "report": "reports",
    "render": "reports",
    "revisions": "revisions",
    "sources": "sources",
    "engine": "engine",
}
_REVISION_NAMES = ("diff", "history", "rollover")


@dataclass(frozen=True)
class Text:
    """One marked text.

    Attributes:
        message: The English text; for a counted text, its singular.
        plural: The plural of a counted text, else ``None``.
        context: The ``_p`` context, else ``None``.
        catalogue: The catalogue it belongs in (``checks``, ``reports``…).
        where: ``path:line`` of its first mark.
    """

    message: str
    plural: str | None
    context: str | None
    catalogue: str
    where: str


def catalogue_of(path: Path) -> str:
    """The catalogue for the texts of the file at ``path``."""
    if path.suffix == ".j2" or TEMPLATES in path.parents:
        return "reports"
    relative = path.relative_to(PACKAGE)
    if len(relative.parts) == 1:
        return "loading"
    if path.stem.startswith(_REVISION_NAMES):  # cli/diff.py, report/diff_markdown.py, render/diff_mermaid.py
        return "revisions"
    return _CATALOGUE_OF_FOLDER.get(relative.parts[0], "loading")


def marked_texts() -> list[Text]:
    """Every text marked for translation in the package and the templates, first mark first, without repeats."""
    seen: dict[tuple[str | None, str], Text] = {}
    for text in _scan():
        seen.setdefault((text.context, text.message), text)
    return list(seen.values())


RULE_SUMMARY = "rule"
"""The context of a rule's summary in the catalogues (``_p(RULE_SUMMARY, rule.summary())``)."""


def rule_summaries() -> Iterator[Text]:
    """The summary of every rule class under ``goaltree/rules/``: its docstring's first line, read from the source.

    A rule class is one whose body assigns ``code`` (``code = codes.VAGUE_TITLE``); the line is the one
    :meth:`goaltree.rules.base.Rule.summary` returns.
    """
    import ast

    for path in sorted((PACKAGE / "rules").glob("*.py")):
        shown = path.relative_to(PACKAGE.parent)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef) or not _sets_code(node):
                continue
            docstring = ast.get_docstring(node)
            if docstring:
                yield Text(docstring.split("\n", 1)[0].strip(), None, RULE_SUMMARY, "checks", f"{shown}:{node.lineno}")


def _sets_code(node: "ast.ClassDef") -> bool:
    import ast

    return any(
        isinstance(statement, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == "code" for target in statement.targets)
        for statement in node.body
    )


def _scan() -> Iterator[Text]:
    from babel.messages.extract import extract
    from jinja2.ext import babel_extract

    sources = sorted(PACKAGE.rglob("*.py")) + sorted(TEMPLATES.glob("*.j2"))
    for path in sources:
        method = babel_extract if path.suffix == ".j2" else "python"
        options = {"extensions": "jinja2.ext.do"} if path.suffix == ".j2" else {}
        with path.open("rb") as stream:
            for line, message, _comments, context in extract(method, stream, keywords=KEYWORDS, options=options):
                singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
                shown = path.relative_to(PACKAGE.parent)
                yield Text(singular, plural, context, catalogue_of(path), f"{shown}:{line}")
    yield from rule_summaries()
