"""Goal-file text into the frozen models of :mod:`goaltree.model`, with every problem located.

:func:`load_file` and :func:`load_text` read, parse and validate; they never
raise for bad content (the diagnostics say what is wrong and where), only for a
file that cannot be read at all. Building the graph is the next step:
:mod:`goaltree.pipeline`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from goaltree.errors import Diagnostic, DiagnosticsError
from goaltree.goalfile.parse import parse_document
from goaltree.goalfile.positions import SourceMap
from goaltree.goalfile.read import read_text, strip_byte_order_mark
from goaltree.goalfile.validate import validation_diagnostics
from goaltree.model import GoalFile
from goaltree import codes
from goaltree.present.language import _, _p


@dataclass
class LoadResult:
    """The outcome of reading one goal file: the model if it is valid, and every diagnostic."""

    path: Path
    goal_file: GoalFile | None
    source_map: SourceMap
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def locate(self, diagnostic: Diagnostic, *, key: bool = False) -> Diagnostic:
        """Fill in file, line and column of ``diagnostic`` from its ``path``."""
        if diagnostic.line is not None:
            return diagnostic if diagnostic.file else diagnostic.located(
                str(self.path), diagnostic.line, diagnostic.column
            )
        position = self.source_map.locate(diagnostic.path, key=key) if diagnostic.path else None
        if position is None:
            return diagnostic.located(str(self.path), None, None)
        return diagnostic.located(str(self.path), *position)


def load_text(text: str, path: Path | str = "<string>") -> LoadResult:
    """Parse and validate goal-file text. Never raises for bad content: see ``diagnostics``."""
    path = Path(path)
    filename = str(path)
    text = strip_byte_order_mark(text)
    source_map = SourceMap(text, filename)
    result = LoadResult(path=path, goal_file=None, source_map=source_map)
    data, problems = parse_document(text, filename)
    source_map.expect(data)
    if problems:
        result.diagnostics.extend(problems)
        return result
    if not isinstance(data, dict):
        result.diagnostics.append(
            Diagnostic(
                codes.MALFORMED_DOCUMENT,
                "error",
                _("a goal file is a mapping with `goaltree: 1`, `id`, `title`, `period` and `nodes`; this file is empty")
                if data is None
                else _(
                    "a goal file is a mapping with `goaltree: 1`, `id`, `title`, `period` and `nodes`; this file holds a {kind}",
                    kind=_type_word(data),
                ),
                file=filename,
                line=1,
                column=1,
            )
        )
        return result
    from pydantic import ValidationError

    try:
        goal_file = GoalFile.model_validate(data)
    except ValidationError as error:
        result.diagnostics.extend(
            result.locate(diagnostic, key=key) for diagnostic, key in validation_diagnostics(error, data)
        )
        return result
    from goaltree import catalog

    goal_file, catalog_diagnostics = catalog.resolve(goal_file)
    result.diagnostics.extend(result.locate(d) for d in catalog_diagnostics)
    result.goal_file = goal_file
    return result


def _type_word(data: object) -> str:
    """What a document that is not a mapping holds: Python's name for it in English, a word in another language."""
    if isinstance(data, list):
        return _p("load", "list")
    if isinstance(data, str):
        return _p("load", "str")
    if isinstance(data, bool):
        return _p("load", "bool")
    if isinstance(data, int):
        return _p("load", "int")
    if isinstance(data, float):
        return _p("load", "float")
    return type(data).__name__


def load_file(path: Path | str) -> LoadResult:
    """Read and validate a goal file; environment failures raise :class:`GoaltreeError`.

    A link leading out of the file's folder is not read: the result holds its
    error (E030) and no model, like a file that does not parse.
    """
    path = Path(path)
    try:
        text = read_text(path)
    except DiagnosticsError as refused:
        return LoadResult(path=path, goal_file=None, source_map=SourceMap("", str(path)), diagnostics=list(refused.diagnostics))
    return load_text(text, path)

