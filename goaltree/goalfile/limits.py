"""The bounds a goal file's text must keep before it is parsed: no NUL byte, bounded nesting and aliases.

A goal file is untrusted input. Each bound here turns what would crash or
stall a parser (a stack overflow, a "billion laughs" expansion) into a located
diagnostic.
"""

from __future__ import annotations

import re
from typing import Any

from goaltree.errors import Diagnostic
from goaltree import codes
from goaltree.present.language import _, current
from goaltree.present.numbers import format_number

# A goal file with a few thousand nodes replays far fewer events than this; a
# "billion laughs" file exceeds it within microseconds and is refused.
MAX_ALIAS_EVENTS = 100_000
# The 100 000-node benchmark (`python bench/generate.py 100000`, 19 MiB) holds 1.64 million values
# (keys, scalars and collections): a thousand times a 100-node goal file. Every value costs
# about 400 bytes on its way through parsing, validation and the checks: 5 million took 2 GB.
# The bound leaves the benchmark 2.4 times its size and keeps a refused file's cost below 2 GB.
MAX_VALUES = 4_000_000
# Goal files nest a handful of levels (nodes > node > metric > options); the parsers and the
# position scanner recurse per level, and PyYAML's composer overflows the C stack near 100 000.
MAX_NESTING = 100


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based ``(line, column)`` of character ``offset`` of ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def nul_diagnostic(text: str, filename: str) -> Diagnostic | None:
    """A NUL byte ends the text for one parser and is an error for another: refuse it where it is."""
    offset = text.find("\x00")
    if offset < 0:
        return None
    line, column = _position(text, offset)
    return Diagnostic(
        codes.MALFORMED_DOCUMENT,
        "error",
        _(
            "the file holds a NUL byte (\\0) here; a goal file is text: remove it "
            "(a file saved as UTF-16 or by a binary tool has them)"
        ),
        file=filename,
        line=line,
        column=column,
    )


# A line whose content starts MAX_NESTING columns in (indentation and compact `- `, `? `, `: `).
# Written without `^` and MULTILINE, which make the search try every position of the text.
_INDENTED_DEEP = re.compile(r"\n[ \t?:-]{%d}" % MAX_NESTING)
_FIRST_LINE_DEEP = re.compile(r"[ \t?:-]{%d}" % MAX_NESTING)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def may_nest_deep_in_blocks(text: str) -> bool:
    """Whether ``text`` might nest deeper than :data:`MAX_NESTING` in block style: never misses.

    Each block level needs one more column of indentation or a compact
    ``- `` on the same line. yaml-rs overflows its stack on a line of
    100 000 ``- ``; its flow nesting it bounds itself (256 levels, an error).
    """
    return bool(_INDENTED_DEEP.search(text) or _FIRST_LINE_DEEP.match(text))


def _may_nest_deeper(text: str, limit: int) -> bool:
    """Whether ``text`` might nest deeper than ``limit`` in block or flow style: never misses.

    Flow nesting needs one more pair of brackets per level, and removing the
    innermost pairs ``limit`` times leaves some only when they nest deeper
    (or brackets in text happen to pile up, which the exact count then clears).
    """
    if may_nest_deep_in_blocks(text):
        return True
    brackets = _NOT_BRACKETS.sub("", text)
    for _ in range(limit):
        reduced = brackets.replace("[]", "").replace("{}", "")
        if reduced == brackets:
            return False
        brackets = reduced
    return True


def _bracket_too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """Line and column (1-based) of the first ``[`` or ``{`` beyond ``limit`` levels of brackets, outside quotes.

    Exact for JSON and YAML flow collections, and independent of any parser's own
    depth limit (libyaml's differs between versions).
    """
    depth = 0
    line, column = 1, 0
    quote = None
    escaped = False
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        if quote is not None:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = None
            continue
        if char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line, column
        elif char in "]}":
            depth = max(depth - 1, 0)
    return None


def nesting_diagnostic(text: str, filename: str) -> Diagnostic | None:
    """A located error where the text nests deeper than :data:`MAX_NESTING`, else ``None``.

    Counted on libyaml's events, which it produces without recursion (its
    composer recurses, and overflows the C stack at 100 000 levels). JSON is
    YAML here, so one count serves both. Only texts :func:`_may_nest_deeper`
    suspects are parsed.
    """
    if not _may_nest_deeper(text, MAX_NESTING):
        return None
    too_deep = _bracket_too_deep(text, MAX_NESTING)
    if too_deep is not None:
        line, column = too_deep
        return Diagnostic(
            codes.MALFORMED_DOCUMENT,
            "error",
            _too_deep(),
            file=filename,
            line=line,
            column=column,
        )
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    mark = event.start_mark
                    return Diagnostic(
                        codes.MALFORMED_DOCUMENT,
                        "error",
                        _too_deep(),
                        file=filename,
                        line=mark.line + 1,
                        column=mark.column + 1,
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        # Malformed before it nested too deep: the parser reports the real problem at the same place.
        return None
    return None


def _too_deep() -> str:
    return _(
        "the data nests more than {levels} levels deep here; a goal file needs a few: "
        "flatten it (is a bracket or an indentation wrong?)",
        levels=MAX_NESTING,
    )


# The one-character indicators as line breaks and a tab as a blank, in UTF-8, where no byte of a
# longer character is an ASCII one: then one count finds them all, and another every dash before a blank.
_ONE_INDICATOR = bytes.maketrans(b"\r:,[{?\t", b"\n\n\n\n\n\n ")
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


def may_hold_too_many_values(text: str) -> bool:
    """Whether ``text`` might hold more than :data:`MAX_VALUES` values: never misses, counted without parsing.

    Each value (a key, a scalar, a collection) starts a line's content or
    follows an indicator on its line (``:``, ``,``, ``[``, ``{``, ``?``, or a
    ``-`` and a blank), and each of these starts at most two: a block mapping
    and its first key, or a key and its empty value. Aliases count once here;
    their expansion has its own bound (:data:`MAX_ALIAS_EVENTS`). The
    100 000-node benchmark counts 3.3 million here, below the bound, so a real
    file is never counted twice.
    """
    # Line breaks as libyaml knows them and the other indicators, a dash only before a blank or a break.
    marked = text.encode("utf-8", "surrogatepass").translate(_ONE_INDICATOR)
    starts = 1 + marked.count(b"\n") + marked.count(b"- ")
    if not text.isascii():
        starts += sum(text.count(line_break) for line_break in _OTHER_BREAKS)
    return 2 * starts > MAX_VALUES


def values_diagnostic(text: str, filename: str) -> Diagnostic | None:
    """A located error at the first value beyond :data:`MAX_VALUES`, else ``None``.

    Only texts :func:`may_hold_too_many_values` suspects are counted, on
    libyaml's events: one pass that keeps nothing, where parsing would build
    every value first (a 74 MB file of 5 million tags took 2 GB). JSON is
    YAML here. A text libyaml refuses is left to the parsers, which report
    why; :func:`count_values` then counts what they built.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    counted = 0
    kinds = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, kinds):
                counted += 1
                if counted > MAX_VALUES:
                    mark = event.start_mark
                    return too_many_values(filename, mark.line + 1, mark.column + 1)
    except yaml.YAMLError:
        return None
    return None


def count_values_exceeds(data: Any, limit: int) -> bool:
    """Whether parsed ``data`` holds more than ``limit`` values (keys, scalars and collections)."""
    counted = 0
    stack = [data]
    while stack:
        value = stack.pop()
        counted += 1
        if isinstance(value, dict):
            counted += len(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        if counted > limit:
            return True
    return False


def _bound_text(bound: int) -> str:
    """A bound as the loader's messages write it: ``100,000`` in English, the language's grouping otherwise."""
    return f"{bound:,}" if current().is_english else format_number(bound)


def too_many_values(filename: str, line: int, column: int) -> Diagnostic:
    """The error for a file holding more than :data:`MAX_VALUES` values, at the first one beyond."""
    limit = _bound_text(MAX_VALUES)
    return Diagnostic(
        codes.MALFORMED_DOCUMENT,
        "error",
        _(
            "the file holds more than {limit} values (keys, items and numbers) by here; "
            "a goal file needs far fewer: split it into several goal files, or read long "
            "series of actuals from a source (a CSV file) instead of writing them in the file",
            limit=limit,
        ),
        file=filename,
        line=line,
        column=column,
    )


def alias_diagnostic(filename: str) -> Diagnostic:
    """The error for a file whose aliases expand beyond :data:`MAX_ALIAS_EVENTS` values."""
    limit = _bound_text(MAX_ALIAS_EVENTS)
    return Diagnostic(
        codes.ALIAS_BOMB,
        "error",
        _(
            "the YAML expands its aliases (*name) into more than {limit} values; "
            "write the values out or use fewer nested aliases",
            limit=limit,
        ),
        file=filename,
        line=1,
        column=1,
    )


def short_value(value: Any) -> str:
    """``value`` as a message shows it: its repr, cut to 60 characters; a huge integer by its size."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 10_000:
        # repr refuses 4 300+ digits
        return _("an integer of about {digits} digits", digits=int(value.bit_length() * 0.30103))
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
