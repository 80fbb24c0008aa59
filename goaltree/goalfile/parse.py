"""Parsing goal-file text into plain Python data: YAML with yaml-rs or PyYAML, JSON with the standard library.

yaml-rs (Rust) parses first: it is the fastest safe parser available. PyYAML's
safe loader has the last word wherever yaml-rs refuses a text or reads it
differently (tags, several documents, a top-level list), so the two never
disagree on what is valid. No object tags are honoured; the bounds of
:mod:`goaltree.goalfile.limits` are checked before either parser runs.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from goaltree.errors import Diagnostic
from goaltree.goalfile.limits import (
    MAX_ALIAS_EVENTS,
    MAX_VALUES,
    alias_diagnostic,
    count_values_exceeds,
    may_hold_too_many_values,
    may_nest_deep_in_blocks,
    nesting_diagnostic,
    nul_diagnostic,
    short_value,
    too_many_values,
    values_diagnostic,
)
from goaltree.goalfile.positions import SourceMap
from goaltree.goalfile.problems import parser_words
from goaltree import codes
from goaltree.present.language import _, _p

# A YAML tag (`!!python/object`, `!custom`) starts a token; an exclamation mark inside text does not.
_TAG = re.compile(r"(?:^|[\s\[{,:?-])!")


def has_tag(text: str) -> bool:
    """Whether ``_TAG`` matches ``text``, found by looking at each `!` only.

    The regular expression cannot skip ahead to a `!` and tries every
    position of the text; ``str.find`` jumps from one `!` to the next.
    """
    index = text.find("!")
    while index >= 0:
        if index == 0 or text[index - 1].isspace() or text[index - 1] in "[{,:?-":
            return True
        index = text.find("!", index + 1)
    return False


def parse_document(text: str, filename: str) -> tuple[Any, list[Diagnostic]]:
    """Parse YAML or JSON text into plain Python data, safely.

    Returns the data (``None`` on failure) and the diagnostics. No object tags
    are honoured; alias expansion, nesting and the number of values are
    bounded; a NUL byte is refused.
    """
    problem = nul_diagnostic(text, filename)
    if problem is None and not filename.endswith(".json") and may_nest_deep_in_blocks(text):
        problem = nesting_diagnostic(text, filename)
    # Counted before parsing: the parsers build every value before anything could count them.
    crowded = problem is None and may_hold_too_many_values(text)
    if crowded:
        problem = values_diagnostic(text, filename)
    if problem is not None:
        return None, [problem]
    data, problems = _parse_bounded(text, filename)
    if crowded and not problems and count_values_exceeds(data, MAX_VALUES):
        # libyaml refused what a parser then read (yaml-rs, json): counted on what was built.
        return None, [too_many_values(filename, 1, 1)]
    return data, problems


def _parse_bounded(text: str, filename: str) -> tuple[Any, list[Diagnostic]]:
    """:func:`parse_document` once the text is within the bounds checked before parsing."""
    if filename.endswith(".json"):
        # The standard library's parser stops deep nesting itself (RecursionError), where it is counted.
        return _parse_json(text, filename)
    if has_tag(text):
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
            return None, [alias_diagnostic(filename)]
        if "duplicate mapping key" in message:
            return None, duplicate_diagnostics(text, filename) or [
                Diagnostic(codes.DUPLICATE_ID, "error", message.splitlines()[0], file=filename)
            ]
        # yaml-rs is young: let the mature parser have the last word on what is valid.
        return _parse_pyyaml(text, filename)
    except Exception:  # an integer of more than 4 300 digits, or a parser bug: never a traceback
        return _parse_pyyaml(text, filename)
    if isinstance(data, list):
        # yaml-rs returns a top-level sequence and a stream of several documents alike, as a list:
        # PyYAML tells them apart (and says where the second document starts).
        return _parse_pyyaml(text, filename)
    return data, []


def duplicate_diagnostics(text: str, filename: str) -> list[Diagnostic]:
    """An error for every key that appears twice in one mapping, located at its second appearance."""
    diagnostics = []
    for path, key, line, column in SourceMap(text, filename).duplicate_keys():
        if path == ("nodes",):
            message = _("duplicate node id '{node}' in nodes: each key may appear once; rename or merge the two", node=key)
        elif path:
            message = _(
                "duplicate key '{key}' in {parent}: each key may appear once; rename or merge the two",
                key=key,
                parent=".".join(str(p) for p in path),
            )
        else:
            message = _("duplicate key '{key}': each key may appear once; rename or merge the two", key=key)
        diagnostics.append(
            Diagnostic(
                codes.DUPLICATE_ID,
                "error",
                message,
                node=key if path == ("nodes",) else (str(path[1]) if len(path) > 1 and path[0] == "nodes" else None),
                file=filename,
                line=line,
                column=column,
            )
        )
    return diagnostics


@functools.cache
def _robust_loader() -> type:
    """PyYAML's safe loader, made to answer every scalar with a value or a located error.

    With explicit tags PyYAML builds values yaml-rs never sees: ``!!int ""``
    fails with an IndexError, ``2027-02-30`` with a ValueError, a 5 000-digit
    integer with Python's digit limit. Here an impossible date stays text (the
    model then says which field wants a date), an integer too long for Python
    is the float it stands for (infinite, which the model refuses), and any other failure
    becomes a ``ConstructorError`` at the scalar.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class RobustLoader(base):  # type: ignore[misc, valid-type]
        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep=deep)
            except yaml.YAMLError:
                raise
            except (ValueError, TypeError, IndexError, OverflowError, KeyError):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    _("{value} is not a valid {tag}", value=short_value(node.value), tag=node.tag.rsplit(":", 1)[-1]),
                    node.start_mark,
                ) from None

        def construct_yaml_timestamp(self, node: Any) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return self.construct_scalar(node)

        def construct_yaml_int(self, node: Any) -> Any:
            try:
                return super().construct_yaml_int(node)
            except ValueError:
                digits = str(self.construct_scalar(node)).replace("_", "")
                if digits.lstrip("+-").isdigit():
                    return float(digits)  # beyond Python's digit limit, and far beyond float range: ±inf
                raise

        def construct_refused(self, node: Any) -> Any:
            # Bytes (!!binary) and unordered sets (!!set) are no values of a goal file: the first
            # reach code that expects text, the second would list ids in another order each run.
            raise yaml.constructor.ConstructorError(
                None,
                None,
                _(
                    "a {tag} value has no place in a goal file, which holds text, numbers, dates, lists and mappings; "
                    "write the value itself",
                    tag="!!" + node.tag.rsplit(":", 1)[-1],
                ),
                node.start_mark,
            )

    RobustLoader.add_constructor("tag:yaml.org,2002:binary", RobustLoader.construct_refused)
    RobustLoader.add_constructor("tag:yaml.org,2002:set", RobustLoader.construct_refused)
    RobustLoader.add_constructor("tag:yaml.org,2002:timestamp", RobustLoader.construct_yaml_timestamp)
    RobustLoader.add_constructor("tag:yaml.org,2002:int", RobustLoader.construct_yaml_int)
    return RobustLoader


def _parse_pyyaml(text: str, filename: str) -> tuple[Any, list[Diagnostic]]:
    import yaml

    too_deep = nesting_diagnostic(text, filename)  # PyYAML's composer recurses per level, in C
    if too_deep is not None:
        return None, [too_deep]
    loader = _robust_loader()
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        tab = _tab_problem(text, error.problem_mark)
        if tab is not None:
            return None, [tab_diagnostic(tab, filename, error.problem_mark)]
        problem = parser_words(error.problem) if error.problem else _p("load", "malformed YAML")
        if error.context:
            problem = f"{problem} ({parser_words(error.context)})"
        at_end = mark is not None and mark.index >= len(text.rstrip())
        if at_end and error.context_mark is not None and error.problem_mark is not None:
            # Noticed only at the end of the file: point at what was left open.
            problem = _("{problem}, opened here and never closed", problem=problem)
            mark = error.context_mark
        return None, [
            Diagnostic(
                codes.MALFORMED_DOCUMENT,
                "error",
                _("malformed YAML: {problem}; check the indentation and punctuation around here", problem=problem),
                file=filename,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ]
    except yaml.YAMLError as error:
        return None, [Diagnostic(codes.MALFORMED_DOCUMENT, "error", _("malformed YAML: {problem}", problem=error), file=filename)]
    if root is None:
        return None, []
    if _expansion_exceeds(root, MAX_ALIAS_EVENTS):
        return None, [alias_diagnostic(filename)]
    duplicates = duplicate_diagnostics(text, filename)
    if duplicates:
        return None, duplicates
    try:
        return loader(text).get_single_data(), []
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [
            Diagnostic(
                codes.MALFORMED_DOCUMENT,
                "error",
                _("malformed YAML: {problem}", problem=parser_words(getattr(error, "problem", None) or str(error))),
                file=filename,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ]


def _tab_problem(text: str, mark: Any) -> str | None:
    """What a tab at the parser's mark does wrong (libyaml words it "found character that cannot start any token"), if there is one."""
    if mark is None or not 0 <= mark.index < len(text) or text[mark.index] != "\t":
        return None
    line_start = text.rfind("\n", 0, mark.index) + 1
    if text[line_start : mark.index].strip(" \t") == "":
        return _("a tab in the indentation; YAML indents with spaces: replace the tab with spaces")
    return _("a tab where YAML allows only spaces: replace the tab with spaces")


def tab_diagnostic(problem: str, filename: str, mark: Any) -> Diagnostic:
    """The E001 error for a tab the YAML parser refuses, at the tab."""
    return Diagnostic(
        codes.MALFORMED_DOCUMENT,
        "error",
        _("malformed YAML: {problem}", problem=problem),
        file=filename,
        line=mark.line + 1,
        column=mark.column + 1,
    )


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


def _json_int(digits: str) -> int | float:
    """A JSON integer; one longer than Python converts (4 300 digits) is the float it stands for, ±inf."""
    return int(digits) if len(digits) <= 4000 else float(digits)


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
        data = json.loads(text, object_pairs_hook=pairs, parse_int=_json_int)
    except RecursionError:
        return None, [
            nesting_diagnostic(text, filename)
            or Diagnostic(codes.MALFORMED_DOCUMENT, "error", _("malformed JSON: it nests too deep to be a goal file"), file=filename)
        ]
    except json.JSONDecodeError as error:
        return None, [
            Diagnostic(
                codes.MALFORMED_DOCUMENT,
                "error",
                _("malformed JSON: {problem}", problem=parser_words(error.msg)),
                file=filename,
                line=error.lineno,
                column=error.colno,
            )
        ]
    if duplicates:
        return None, duplicate_diagnostics(text, filename) or [
            Diagnostic(codes.DUPLICATE_ID, "error", _("duplicate key '{key}'", key=duplicates[0]), file=filename)
        ]
    return data, []

