"""The one Jinja2 environment of the reports: templates from the package, autoescape on.

Templates are data: they live in ``templates/`` (shipped in the wheel as
``goaltree/templates``) and a user's own template is loaded through the same
environment, with the same filters (:data:`goaltree.report.formatting.FILTERS`)
and the same escaping. ``jinja2`` is imported only when a report is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import goaltree
from goaltree.errors import GoaltreeError
from goaltree.present import language as words
from goaltree.present.language import current, unit_text
from goaltree.present.terms import direction_word, field_word, rollup_word, severity_word, status_word, type_word

if TYPE_CHECKING:
    import jinja2

BUILTIN_TEMPLATES = {"html": "report.html.j2", "md": "report.md.j2", "json": "report.json.j2"}
"""Report format -> its built-in template."""


def templates_dir() -> Path:
    """Where the built-in templates are: inside the installed package, else the source checkout's ``templates/``."""
    package = Path(goaltree.__file__).resolve().parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / BUILTIN_TEMPLATES["html"]).is_file():
            return candidate
    raise GoaltreeError(
        words._(
            "the report templates are missing (looked in {inside} and {beside}); reinstall goaltree",
            inside=package / "templates",
            beside=package.parent / "templates",
        )
    )


def environment(search_path: Sequence[Path] = ()) -> "jinja2.Environment":
    """The report environment: ``search_path`` first (a user template's folder), then the built-ins.

    Autoescape is on for every template, Markdown and JSON included: user text
    reaches any output HTML-escaped unless a filter made it safe for that format
    (``md``, ``json_document``). Undefined variables are errors, so a typo in a
    template fails loudly instead of printing nothing.
    """
    import jinja2

    from goaltree.report.formatting import FILTERS

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path] + [str(templates_dir())]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    # A template marks its words as the code does: {{ _("Needs attention") }}, {{ _n("{count} node", "{count} nodes", n) }}.
    # They are translated when the template renders, in the language of the command.
    from goaltree.report.sections import family_word

    env.globals.update(
        {
            "_": template_text(words._),
            "_n": template_text(words._n),
            "_p": template_text(words._p),
            "language": lambda: current().code,
            "field_word": field_word,
            "status_word": status_word,
            "family_word": family_word,
            "severity_word": severity_word,
            "type_word": type_word,
            "rollup_word": rollup_word,
            "direction_word": direction_word,
            "unit_text": unit_text,
        }
    )
    return env


def template_text(translate: Any) -> Any:
    """``translate`` (``_``, ``_n``, ``_p``) for templates, where autoescape is on.

    The result is markup: the translated words with ``& < > "`` escaped (a
    translation holding ``<`` cannot add an element, nor ``"`` end an
    attribute), and each field escaped as Jinja2 escapes a value, unless the
    template built it as markup (a link: ``_("see {link}", link=...)`` with
    ``link`` from a ``{% set %}`` block). An apostrophe in the words stays as
    written, as it did when the words were the template's own text.
    """
    from markupsafe import Markup, escape

    def translated(*arguments: Any, **fields: Any) -> Markup:
        stand_ins = {name: f"\x00{index}\x00" for index, name in enumerate(fields)}
        text = _escape_words(str(translate(*arguments, **stand_ins)))
        for name, stand_in in stand_ins.items():
            text = text.replace(stand_in, str(escape(fields[name])))
        return Markup(text)

    return translated


def _escape_words(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")


def load_template(report_format: str, template: Path | str | None = None) -> "jinja2.Template":
    """The built-in template of ``report_format``, or the user's template at ``template``.

    Raises:
        GoaltreeError: The template is missing, unreadable or not valid Jinja2
            (the message says which file and line).
    """
    import jinja2

    if template is None:
        env = environment()
        name = BUILTIN_TEMPLATES[report_format]
    else:
        path = Path(template)
        try:
            found = path.is_file()
        except OSError as error:  # a name too long for the system, a folder it may not read
            raise GoaltreeError(words._("cannot read template {name}: {error}", name=path, error=error.strerror)) from None
        if not found:
            raise GoaltreeError(words._("template {path} does not exist", path=path))
        env = environment([path.resolve().parent])
        name = path.name
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or name}:{error.lineno}"
        raise GoaltreeError(words._("{where}: template syntax error: {message}", where=where, message=error.message)) from None
    except jinja2.TemplateNotFound as error:
        raise GoaltreeError(words._("template {name} not found", name=error.name)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise GoaltreeError(words._("cannot read template {name}: {error}", name=name, error=error)) from None


def render_template(template: "jinja2.Template", context: dict) -> str:
    """Render ``template`` with ``context``, turning template mistakes into a clear error.

    Raises:
        GoaltreeError: The template failed (an undefined variable, a bad filter, a
            syntax error in an included file), with the file and line where known.
    """
    import jinja2

    try:
        return template.render(context)
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or template.name}:{error.lineno}"
        raise GoaltreeError(words._("{where}: template syntax error: {message}", where=where, message=error.message)) from None
    except jinja2.TemplateError as error:
        raise GoaltreeError(f"template {template.filename or template.name}{_template_line(error)}: {error}") from None
    except (TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError) as error:
        raise GoaltreeError(f"template {template.filename or template.name}{_template_line(error)}: {type(error).__name__}: {error}") from None


def _template_line(error: BaseException) -> str:
    """``:LINE`` of the template frame where ``error`` happened, if Jinja2 recorded one."""
    traceback = error.__traceback__
    line = None
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if code.co_filename.endswith((".j2", ".jinja", ".jinja2", ".html", ".md", ".json", ".txt")):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return f":{line}" if line else ""
