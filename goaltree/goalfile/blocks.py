"""Reading the lines of one region of YAML text into scanned nodes, as PyYAML would compose them.

The scanner (:mod:`goaltree.goalfile.scanner`) reads YAML the way PyYAML
composes it, for the constructs goal files use: block mappings and sequences,
flow mappings and sequences (also over several lines), plain, quoted and block
scalars, comments. Everything else -- anchors, aliases, tags, complex keys,
tabs, several documents -- makes it raise :class:`Unsure`, and the composer
decides. A scanned node is ``(start, kind, content)``: ``start`` a 0-based
``(line, column)``, ``kind`` "map" (content: key -> (key start, node)), "seq"
(content: list of nodes), "scalar", "unknown" or "later".
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import Any


class Unsure(Exception):
    """The scanner cannot be sure how PyYAML reads this text."""


UNKNOWN = "unknown"
LATER = "later"  # a one-line flow collection, read when a path goes into it: content (block, offset)


def read_later(node: tuple) -> tuple:
    """The flow collection a :data:`LATER` node stands for, read the first time a path goes into it."""
    block, offset = node[2]
    return block.later(offset)


# A key in block context, from the start of a line's content up to `:` and the spaces after it.
KEY = (
    r"""(?:"(?P<dq>[^"\\\n]*)"|'(?P<sq>(?:[^'\n]|'')*)'"""
    r"""|(?P<plain>(?:[^\s#'"{}\[\],&*!|>%@`?:-]|[?:-](?=\S))(?:[^\s:]|:(?=\S)|[ ]+(?=[^\s#:]|:\S))*))"""
    r"""[ ]*:(?:[ ]+|(?=\n)|$)"""
)
BLOCK_KEY = re.compile(KEY)
_FLOW_PLAIN = re.compile(
    r"""(?:[^\s\-?:,\[\]{}#&*!|>'"%@`]|-(?=[^\s]))(?:[^\s:,?\[\]{}]|:(?=[^\s,\[\]{}])|[ ]+(?=[^\s#:,?\[\]{}]|:[^\s,\[\]{}]))*"""
)
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SINGLE_QUOTED = re.compile(r"'(?:[^']|'')*'")
_FLOW_SPACE = re.compile(r"(?:[ \n]+|#[^\n]*)*")
TRAILER = re.compile(r"[ ]*(?:#[^\n]*)?(?:\n|$)")
_BLOCK_SCALAR_HEADER = re.compile(r"[|>][1-9+-]{0,2}[ ]*(?:#.*)?$")


class Block:
    """Reads the lines of one region of the text (a top-level entry, a node) into scanned nodes."""

    def __init__(self, text: str, start: int, end: int, first_line: int):
        self.text = text
        self.start = start
        self.end = end
        self.first_line = first_line
        self.lines = text[start:end].split("\n")
        self.offsets = [start]
        for line in self.lines[:-1]:
            self.offsets.append(self.offsets[-1] + len(line) + 1)
        self._read_later: dict[int, tuple] = {}

    def later(self, offset: int) -> tuple:
        """The one-line flow collection at ``offset`` (a :data:`LATER` node), read once and kept.

        Each item of a collection can have its own diagnostic: reading the
        collection again for each would make locating them all quadratic
        (4 000 bad tags in ``tags: [...]`` took 50 seconds).
        """
        found = self._read_later.get(offset)
        if found is None:
            found, end = self._flow(offset)
            self._after(end)
            self._read_later[offset] = found
        return found

    # positions
    def at(self, offset: int) -> tuple[int, int]:
        """0-based (line, column) of an offset inside the region."""
        index = bisect.bisect_right(self.offsets, offset) - 1
        return self.first_line + index, offset - self.offsets[index]

    def _next_content(self, index: int) -> int | None:
        lines = self.lines
        while index < len(lines):
            stripped = lines[index].lstrip(" ")
            if stripped and not stripped.startswith("#"):
                return index
            index += 1
        return None

    def mapping_entry(self, indent: int) -> tuple:
        """The one entry whose key starts the region at ``indent``: ``(key start, node)``."""
        mapping, index = self._mapping(0, indent)
        entries = mapping[2]
        if len(entries) != 1 or self._next_content(index) is not None:
            raise Unsure
        return next(iter(entries.values()))

    def document(self, offset: int) -> tuple:
        """The root node of a whole document whose content starts at ``offset``."""
        line, column = self.at(offset)
        index = line - self.first_line
        if self.lines[index][column] in "[{":
            node, end = self._flow(offset)
            self._after(end)
            if self._next_content(self.at(end)[0] - self.first_line + 1) is not None:
                raise Unsure
            return node
        node, index = self._mapping(index, column)
        if self._next_content(index) is not None:
            raise Unsure
        return node

    # block collections
    def _mapping(self, index: int, indent: int) -> tuple[tuple, int]:
        """A block mapping whose keys start at column ``indent``, from line ``index``."""
        lines = self.lines
        entries: dict[str, tuple] = {}
        start: tuple[int, int] | None = None
        index = self._next_content(index)
        while index is not None:
            line = lines[index]
            stripped = line.lstrip(" ")
            column = len(line) - len(stripped)
            if column < indent:
                break
            if column > indent or (stripped[0] == "-" and (len(stripped) == 1 or stripped[1] == " ")):
                if column == indent:
                    break  # an indentless sequence item: the caller's
                raise Unsure
            match = BLOCK_KEY.match(line, column)
            if match is None:
                raise Unsure
            name = decode_key(match)
            key_start = (self.first_line + index, column)
            if start is None:
                start = key_start
            value, index = self._value(index, match.end(), indent)
            entries[name] = (key_start, value)  # the last of duplicate keys wins, as in the composer
            index = self._next_content(index)
        if start is None:
            raise Unsure
        return (start, "map", entries), (index if index is not None else len(lines))

    def _sequence(self, index: int, indent: int) -> tuple[tuple, int]:
        """A block sequence whose dashes are at column ``indent``."""
        lines = self.lines
        items: list[tuple] = []
        start: tuple[int, int] | None = None
        current: int | None = index
        while current is not None:
            line = lines[current]
            stripped = line.lstrip(" ")
            column = len(line) - len(stripped)
            if column < indent or not (stripped[0] == "-" and (len(stripped) == 1 or stripped[1] == " ")):
                if column > indent:
                    raise Unsure
                break
            if column > indent:
                raise Unsure
            if start is None:
                start = (self.first_line + current, column)
            content = column + 1 + len(stripped[1:]) - len(stripped[1:].lstrip(" "))
            rest = line[content:]
            if not rest or rest.startswith("#") or rest.startswith("- ") or rest == "-" or BLOCK_KEY.match(line, content):
                raise Unsure  # a nested collection in a sequence
            value, current = self._value(current, content, indent)
            items.append(value)
            current = self._next_content(current)
        assert start is not None
        return (start, "seq", items), (current if current is not None else len(lines))

    def _value(self, index: int, column: int, indent: int) -> tuple[tuple, int]:
        """The value that starts at ``column`` of line ``index`` (or below it), and the next line to read."""
        line = self.lines[index]
        rest = line[column:]
        if not rest or rest.startswith("#"):
            below = self._next_content(index + 1)
            if below is None:
                raise Unsure  # an empty value at the end: PyYAML marks it after the region
            below_line = self.lines[below]
            below_stripped = below_line.lstrip(" ")
            below_column = len(below_line) - len(below_stripped)
            dash = below_stripped[0] == "-" and (len(below_stripped) == 1 or below_stripped[1] == " ")
            if dash and below_column >= indent:
                return self._sequence(below, below_column)
            if below_column > indent:
                return self._mapping(below, below_column)
            return (None, UNKNOWN, None), index + 1  # an empty value: the key is known, its value is not
        first = rest[0]
        start = (self.first_line + index, column)
        if first in "[{":
            closing = "]" if first == "[" else "}"
            if (
                rest.rstrip(" ").endswith(closing)
                and '"' not in rest
                and "'" not in rest
                and "#" not in rest
                and rest.count("{") == rest.count("}")
                and rest.count("[") == rest.count("]")
            ):
                # It ends on this line: read it only if a path goes into it (most are actuals).
                return (start, LATER, (self, self.offsets[index] + column)), index + 1
            node, end = self._flow(self.offsets[index] + column)
            return node, self._after(end)
        if first in "\"'":
            match = (_DOUBLE_QUOTED if first == '"' else _SINGLE_QUOTED).match(self.text, self.offsets[index] + column, self.end)
            if match is None:
                raise Unsure
            return (start, "scalar", None), self._after(match.end())
        if first in "|>":
            if not _BLOCK_SCALAR_HEADER.match(rest):
                raise Unsure
            return (start, "scalar", None), self._deeper(index + 1, indent)
        if first in "&*!%@`?" or (first in "-:" and (len(rest) == 1 or rest[1] == " ")):
            raise Unsure
        return (start, "scalar", None), self._deeper(index + 1, indent)

    def _deeper(self, index: int, indent: int) -> int:
        """The first line from ``index`` that is not blank and not indented beyond ``indent``."""
        lines = self.lines
        while index < len(lines):
            line = lines[index]
            stripped = line.lstrip(" ")
            if stripped and len(line) - len(stripped) <= indent:
                break
            index += 1
        return index

    def _after(self, offset: int) -> int:
        """Check that only spaces or a comment follow ``offset`` on its line; the next line's index."""
        if TRAILER.match(self.text, offset, self.end) is None:
            raise Unsure
        line, _ = self.at(offset)
        return line - self.first_line + 1

    # flow collections
    def _flow(self, offset: int) -> tuple[tuple, int]:
        """The flow collection or scalar at ``offset``; returns the node and the offset after it."""
        text = self.text
        if offset >= self.end:
            raise Unsure
        first = text[offset]
        start = self.at(offset)
        if first == "{":
            entries: dict[str, tuple] = {}
            position = _FLOW_SPACE.match(text, offset + 1, self.end).end()
            while True:
                if position >= self.end:
                    raise Unsure
                if text[position] == "}":
                    return (start, "map", entries), position + 1
                key_match = self._flow_scalar(position)
                if key_match is None:
                    raise Unsure
                name = _flow_key(key_match.group())
                key_start = self.at(position)
                position = _FLOW_SPACE.match(text, key_match.end(), self.end).end()
                if position >= self.end or text[position] != ":":
                    raise Unsure  # a key without a value
                position = _FLOW_SPACE.match(text, position + 1, self.end).end()
                if position >= self.end or text[position] in ",}":
                    raise Unsure  # an empty value
                value, position = self._flow(position)
                entries[name] = (key_start, value)
                position = _FLOW_SPACE.match(text, position, self.end).end()
                if position < self.end and text[position] == ",":
                    position = _FLOW_SPACE.match(text, position + 1, self.end).end()
                elif position >= self.end or text[position] != "}":
                    raise Unsure
        if first == "[":
            items: list[tuple] = []
            position = _FLOW_SPACE.match(text, offset + 1, self.end).end()
            while True:
                if position >= self.end:
                    raise Unsure
                if text[position] == "]":
                    return (start, "seq", items), position + 1
                value, position = self._flow(position)
                items.append(value)
                position = _FLOW_SPACE.match(text, position, self.end).end()
                if position < self.end and text[position] == ",":
                    position = _FLOW_SPACE.match(text, position + 1, self.end).end()
                elif position >= self.end or text[position] != "]":
                    raise Unsure  # a single-pair mapping or something else unusual
        match = self._flow_scalar(offset)
        if match is None:
            raise Unsure
        return (start, "scalar", None), match.end()

    def _flow_scalar(self, offset: int) -> re.Match[str] | None:
        first = self.text[offset]
        if first == '"':
            return _DOUBLE_QUOTED.match(self.text, offset, self.end)
        if first == "'":
            return _SINGLE_QUOTED.match(self.text, offset, self.end)
        return _FLOW_PLAIN.match(self.text, offset, self.end)


def _flow_key(text: str) -> str:
    if text.startswith('"'):
        if "\\" in text or "\n" in text:
            raise Unsure
        return text[1:-1]
    if text.startswith("'"):
        if "\n" in text:
            raise Unsure
        return text[1:-1].replace("''", "'")
    return text


def decode_key(match: re.Match[str]) -> str:
    """The key a match of :data:`KEY` read: plain, or quoted with its quoting undone."""
    if match.group("plain") is not None:
        return match.group("plain")
    if match.group("sq") is not None:
        return match.group("sq").replace("''", "'")
    return match.group("dq")


def key_text(step: Any) -> Any:
    """The key text a path step names: dates and numbers as they are written."""
    return str(step) if isinstance(step, (dt.date, int, float)) else step
