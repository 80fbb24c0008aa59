"""Reading goal files: YAML or JSON text into the frozen models of :mod:`goaltree.model`.

Parsing is the dominant cost on large files, so it takes the fastest safe
parser available (yaml-rs, Rust; JSON through the standard library) and does
*not* track positions. Positions are found lazily by :class:`SourceMap`, which
composes the text with PyYAML only when a diagnostic needs a line and column.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from goaltree.errors import Diagnostic, DiagnosticsError, GoaltreeError, did_you_mean
from goaltree.model import GoalFile

# A goal file with a few thousand nodes replays far fewer events than this; a
# "billion laughs" file exceeds it within microseconds and is refused.
MAX_ALIAS_EVENTS = 100_000
MAX_FILE_BYTES = 256 * 1024 * 1024
# A YAML tag (`!!python/object`, `!custom`) starts a token; an exclamation mark inside text does not.
_TAG = re.compile(r"(?:^|[\s\[{,:?-])!")


class SourceMap:
    """Finds the line and column of a value in a goal file, composing the text on first use."""

    def __init__(self, text: str, filename: str):
        self.text = text
        self.filename = filename
        self._root: Any = None
        self._composed = False
        self._index: dict[int, dict[Any, tuple[Any, Any]]] = {}

    def _compose(self) -> Any:
        if not self._composed:
            self._composed = True
            import yaml

            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            try:
                self._root = yaml.compose(self.text, Loader=loader)
            except yaml.YAMLError:
                self._root = None
        return self._root

    def locate(self, path: tuple[Any, ...], *, key: bool = False) -> tuple[int, int] | None:
        """1-based ``(line, column)`` of the value at ``path`` (of its key with ``key=True``).

        When ``path`` does not exist completely (a missing field), the deepest
        existing value on the way is returned.
        """
        import yaml

        node = self._compose()
        if node is None:
            return None
        mark = node.start_mark
        for depth, step in enumerate(path):
            last = depth == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                found = self._keys_of(node).get(str(step) if isinstance(step, (dt.date, int, float)) else step)
                if found is None:
                    break
                key_node, node = found
                mark = key_node.start_mark if (key and last) else node.start_mark
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1

    def _keys_of(self, mapping: Any) -> dict[Any, tuple[Any, Any]]:
        """Key text -> (key node, value node) of a composed mapping, built once per mapping.

        Many diagnostics in one large file would otherwise each scan the
        ``nodes`` mapping: indexing keeps locating linear overall.
        """
        index = self._index.get(id(mapping))
        if index is None:
            index = {key_node.value: (key_node, value_node) for key_node, value_node in mapping.value}
            self._index[id(mapping)] = index
        return index

    def duplicate_keys(self) -> Iterator[tuple[tuple[Any, ...], str, int, int]]:
        """Every key that appears twice in one mapping: ``(path of the mapping, key, line, column)``."""
        import yaml

        root = self._compose()

        def walk(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str, int, int]]:
            if isinstance(node, yaml.MappingNode):
                seen: set[str] = set()
                for key_node, value_node in node.value:
                    name = str(key_node.value)
                    if name in seen:
                        yield path, name, key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    seen.add(name)
                    yield from walk(value_node, path + (name,))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    yield from walk(item, path + (index,))

        if root is not None:
            yield from walk(root, ())


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


def read_text(path: Path) -> str:
    """The file's text; a missing or unreadable file is an environment error (exit 2)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise GoaltreeError(f"{path}: the file is larger than {MAX_FILE_BYTES // 2**20} MiB")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GoaltreeError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise GoaltreeError(f"{path}: is a directory, not a goal file") from None
    except UnicodeDecodeError as error:
        raise GoaltreeError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise GoaltreeError(f"{path}: cannot read ({error.strerror})") from None


def parse_document(text: str, filename: str) -> tuple[Any, list[Diagnostic]]:
    """Parse YAML or JSON text into plain Python data, safely.

    Returns the data (``None`` on failure) and the diagnostics. No object tags
    are honoured; alias expansion is bounded.
    """
    if filename.endswith(".json"):
        return _parse_json(text, filename)
    if _TAG.search(text):
        # yaml-rs ignores tags on collections; PyYAML's safe loader refuses the unsafe ones.
        return _parse_pyyaml(text, filename)
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - yaml-rs is a dependency; kept for odd platforms
        return _parse_pyyaml(text, filename)
    try:
        data = yaml_rs.loads(
            text, alias_limits=yaml_rs.AliasLimits(max_total_replayed_events=MAX_ALIAS_EVENTS)
        )
    except yaml_rs.YAMLDecodeError as error:
        message = str(error)
        if "alias" in message and "limit" in message:
            return None, [_alias_diagnostic(filename)]
        if "duplicate mapping key" in message:
            return None, _duplicate_diagnostics(text, filename) or [
                Diagnostic("E005", "error", message.splitlines()[0], file=filename)
            ]
        # yaml-rs is young: let the mature parser have the last word on what is valid.
        return _parse_pyyaml(text, filename)
    except Exception:  # pragma: no cover - defensive, a parser bug must not become a traceback
        return _parse_pyyaml(text, filename)
    if isinstance(data, list) and len(data) == 1:  # yaml-rs returns multi-document streams as lists
        data = data[0]
    return data, []


def _alias_diagnostic(filename: str) -> Diagnostic:
    return Diagnostic(
        "E014",
        "error",
        "the YAML expands its aliases (*name) into more than "
        f"{MAX_ALIAS_EVENTS:,} values; write the values out or use fewer nested aliases",
        file=filename,
        line=1,
        column=1,
    )


def _duplicate_diagnostics(text: str, filename: str) -> list[Diagnostic]:
    diagnostics = []
    for path, key, line, column in SourceMap(text, filename).duplicate_keys():
        what = f"node id '{key}'" if path == ("nodes",) else f"key '{key}'"
        where = " in " + ".".join(str(p) for p in path) if path else ""
        diagnostics.append(
            Diagnostic(
                "E005",
                "error",
                f"duplicate {what}{where}: each key may appear once; rename or merge the two",
                node=key if path == ("nodes",) else (str(path[1]) if len(path) > 1 and path[0] == "nodes" else None),
                file=filename,
                line=line,
                column=column,
            )
        )
    return diagnostics


def _parse_pyyaml(text: str, filename: str) -> tuple[Any, list[Diagnostic]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "malformed YAML"
        if error.context:
            problem = f"{problem} ({error.context})"
        at_end = mark is not None and mark.index >= len(text.rstrip())
        if at_end and error.context_mark is not None and error.problem_mark is not None:
            # Noticed only at the end of the file: point at what was left open.
            problem = f"{problem}, opened here and never closed"
            mark = error.context_mark
        return None, [
            Diagnostic(
                "E001",
                "error",
                f"malformed YAML: {problem}; check the indentation and punctuation around here",
                file=filename,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ]
    except yaml.YAMLError as error:
        return None, [Diagnostic("E001", "error", f"malformed YAML: {error}", file=filename)]
    if root is None:
        return None, []
    if _expansion_exceeds(root, MAX_ALIAS_EVENTS):
        return None, [_alias_diagnostic(filename)]
    duplicates = _duplicate_diagnostics(text, filename)
    if duplicates:
        return None, duplicates
    try:
        return loader(text).get_single_data(), []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [
            Diagnostic(
                "E001",
                "error",
                f"malformed YAML: {getattr(error, 'problem', None) or error}",
                file=filename,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ]


def _expansion_exceeds(root: Any, budget: int) -> bool:
    """Whether walking the composed tree, aliases expanded, visits more than ``budget`` nodes."""
    import yaml

    stack = [root]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > budget:
            return True
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                stack.append(key_node)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


def _parse_json(text: str, filename: str) -> tuple[Any, list[Diagnostic]]:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        return None, [
            Diagnostic(
                "E001", "error", f"malformed JSON: {error.msg}", file=filename, line=error.lineno, column=error.colno
            )
        ]
    if duplicates:
        return None, _duplicate_diagnostics(text, filename) or [
            Diagnostic("E005", "error", f"duplicate key '{duplicates[0]}'", file=filename)
        ]
    return data, []


def load_text(text: str, path: Path | str = "<string>") -> LoadResult:
    """Parse and validate goal-file text. Never raises for bad content: see ``diagnostics``."""
    path = Path(path)
    filename = str(path)
    source_map = SourceMap(text, filename)
    result = LoadResult(path=path, goal_file=None, source_map=source_map)
    data, problems = parse_document(text, filename)
    if problems:
        result.diagnostics.extend(problems)
        return result
    if not isinstance(data, dict):
        result.diagnostics.append(
            Diagnostic(
                "E001",
                "error",
                "a goal file is a mapping with `goaltree: 1`, `id`, `title`, `period` and `nodes`"
                + ("; this file is empty" if data is None else f"; this file holds a {type(data).__name__}"),
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
            result.locate(diagnostic, key=key) for diagnostic, key in _validation_diagnostics(error, data)
        )
        return result
    from goaltree import catalog

    goal_file, catalog_diagnostics = catalog.resolve(goal_file)
    result.diagnostics.extend(result.locate(d) for d in catalog_diagnostics)
    result.goal_file = goal_file
    return result


def load_file(path: Path | str) -> LoadResult:
    """Read and validate a goal file; environment failures raise :class:`GoaltreeError`."""
    path = Path(path)
    return load_text(read_text(path), path)


# --- pydantic errors into located, fixable diagnostics -------------------------------------------

_UNION_TAGS = {"csv", "parquet", "sql", "plugin"}


def _validation_diagnostics(error: Any, data: dict) -> Iterator[tuple[Diagnostic, bool]]:
    from goaltree.model import GoalFile

    seen: set[tuple] = set()
    for item in error.errors(include_url=False):
        loc = _clean_loc(item["loc"], data)
        kind = item["type"]
        node = str(loc[1]) if len(loc) > 1 and loc[0] == "nodes" else None
        if (loc, kind) in seen:
            continue
        seen.add((loc, kind))
        field_name = str(loc[-1]) if loc else ""
        where = _describe(loc)
        if kind == "extra_forbidden":
            candidates = _fields_at(GoalFile, loc[:-1], data)
            yield Diagnostic(
                "E002",
                "error",
                f"unknown field '{field_name}'{where}{did_you_mean(field_name, candidates)}"
                + ("" if did_you_mean(field_name, candidates) else f"; allowed: {', '.join(sorted(candidates))}"),
                node=node,
                path=loc,
            ), True
        elif kind == "missing":
            yield Diagnostic(
                "E003",
                "error",
                f"missing required field '{field_name}'{_describe(loc[:-1])}",
                node=node,
                path=loc[:-1],
            ), True
        elif loc == ("goaltree",):
            yield Diagnostic(
                "E011",
                "error",
                f"unsupported format version {item.get('input')!r}: this goaltree reads `goaltree: 1`",
                path=loc,
            ), False
        elif loc and loc[-1] == "[key]" and len(loc) == 3 and loc[0] == "nodes":
            yield Diagnostic(
                "E015",
                "error",
                f"node id '{loc[1]}' must match [a-z][a-z0-9_]* "
                "(lower-case letters, digits and underscores, starting with a letter)",
                node=str(loc[1]),
                path=loc[:2],
            ), True
        else:
            message = item["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            shown = item.get("input")
            shown_text = "" if isinstance(shown, (dict, list)) else f" (got {_short(shown)})"
            yield Diagnostic(
                "E003",
                "error",
                f"bad value for '{field_name}'{where}: {message}{shown_text}",
                node=node,
                path=loc,
            ), False


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _clean_loc(loc: tuple, data: dict) -> tuple:
    """Drop pydantic's union tags and type names from an error location."""
    cleaned: list[Any] = []
    cursor: Any = data
    for step in loc:
        if isinstance(cursor, dict) and step not in cursor and (
            step in _UNION_TAGS or (isinstance(step, str) and ("[" in step or step in {"str", "list[str]"}))
        ):
            if step == "[key]":
                cleaned.append(step)
            continue
        cleaned.append(step)
        if isinstance(cursor, dict):
            cursor = cursor.get(step, cursor.get(str(step)))
        elif isinstance(cursor, list) and isinstance(step, int) and step < len(cursor):
            cursor = cursor[step]
        else:
            cursor = None
    return tuple(cleaned)


def _describe(loc: tuple) -> str:
    if not loc:
        return " at the top level"
    if loc[0] == "nodes" and len(loc) >= 2:
        rest = ".".join(str(p) for p in loc[2:-1])
        return f" in node '{loc[1]}'" + (f" ({rest})" if rest else "")
    if loc[0] == "sources" and len(loc) >= 2:
        return f" in source '{loc[1]}'"
    parent = ".".join(str(p) for p in loc[:-1])
    return f" in {parent}" if parent else " at the top level"


def _fields_at(model: Any, loc: tuple, data: dict) -> list[str]:
    """The field names allowed at ``loc`` (for "did you mean")."""
    from goaltree import model as models

    if not loc:
        return [f.alias or name for name, f in models.GoalFile.model_fields.items()]
    if loc[0] == "nodes":
        if len(loc) == 2:
            return list(models.Node.model_fields)
        if len(loc) == 3 and loc[2] == "metric":
            return list(models.Metric.model_fields)
    if loc[0] == "sources" and len(loc) == 2:
        source = data.get("sources", {}).get(loc[1], {})
        kind = source.get("type") if isinstance(source, dict) else None
        cls = {"csv": models.CsvSource, "parquet": models.ParquetSource, "sql": models.SqlSource}.get(kind)
        if cls is not None:
            return list(cls.model_fields)
    if len(loc) == 1:
        cls = {"period": models.Period, "thresholds": models.Thresholds, "checks": models.Checks}.get(loc[0])
        if cls is not None:
            return list(cls.model_fields)
    return []


def load_model(path: Path | str) -> "GoalFile":
    """Load a goal file into its model, raising :class:`DiagnosticsError` when it has errors."""
    result = load_file(path)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if errors or result.goal_file is None:
        raise DiagnosticsError(errors or result.diagnostics)
    return result.goal_file


class _CallableModule(types.ModuleType):
    """Lets ``goaltree.load(path)`` work although ``goaltree.load`` is also this module.

    Importing a submodule rebinds the package attribute of the same name, so
    the public ``goaltree.load`` function would be replaced by this module the
    first time anything imports it. Making the module callable keeps
    ``goaltree.load(path)`` meaning :func:`goaltree.api.load` either way.
    """

    def __call__(self, path: Path | str) -> Any:
        from goaltree.api import load as load_tree_api

        return load_tree_api(path)


sys.modules[__name__].__class__ = _CallableModule
