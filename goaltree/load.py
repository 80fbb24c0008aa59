"""Reading goal files: YAML or JSON text into the frozen models of :mod:`goaltree.model`.

Parsing is the dominant cost on large files, so it takes the fastest safe
parser available (yaml-rs, Rust; JSON through the standard library) and does
*not* track positions. Positions are found lazily by :class:`SourceMap`, which
composes the text with PyYAML only when a diagnostic needs a line and column.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import gc
import json
import re
import stat
import sys
import types
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import add
from pathlib import Path
from typing import Any, Iterator

from goaltree.errors import Diagnostic, DiagnosticsError, GoaltreeError, did_you_mean
from goaltree.model import GoalFile

# A goal file with a few thousand nodes replays far fewer events than this; a
# "billion laughs" file exceeds it within microseconds and is refused.
MAX_ALIAS_EVENTS = 100_000
MAX_FILE_BYTES = 256 * 1024 * 1024
# Goal files nest a handful of levels (nodes > node > metric > options); the parsers and the
# position scanner recurse per level, and PyYAML's composer overflows the C stack near 100 000.
MAX_NESTING = 100
BYTE_ORDER_MARK = "\ufeff"
# A YAML tag (`!!python/object`, `!custom`) starts a token; an exclamation mark inside text does not.
_TAG = re.compile(r"(?:^|[\s\[{,:?-])!")


def _has_tag(text: str) -> bool:
    """Whether ``_TAG`` matches ``text``, found by looking at each `!` only.

    The regular expression cannot skip ahead to a `!` and tries every
    position: 0.6 s on a 20 MB file that has none.
    """
    index = text.find("!")
    while index >= 0:
        if index == 0 or text[index - 1].isspace() or text[index - 1] in "[{,:?-":
            return True
        index = text.find("!", index + 1)
    return False


class SourceMap:
    """Finds the line and column of a value in a goal file.

    A line scanner (:class:`_Scanner`) answers first: it reads only the lines
    of the top-level entry or node a path goes into, so locating thousands of
    diagnostics in a large file stays cheap. Where it cannot be sure (anchors,
    tabs, constructs it does not follow) it says so, and the text is composed
    with PyYAML, once, to answer.
    """

    def __init__(self, text: str, filename: str):
        self.text = text
        self.filename = filename
        self._root: Any = None
        self._composed = False
        self._index: dict[int, dict[Any, tuple[Any, Any]]] = {}
        self._scanner: _Scanner | None = None
        self._expected: tuple[tuple[str, ...], tuple[str, ...] | None] | None = None

    @functools.cached_property
    def lines(self) -> list[str]:
        """The text's lines (``str.splitlines``), split once: for reading around many diagnostics."""
        return self.text.splitlines()

    def shift_into_scalar(self, line: int, column: int, offset: int) -> int:
        """How many columns right of ``line:column`` lies character ``offset`` of the scalar starting there.

        Skips an opening quote. Returns 0 when unsure: a block scalar (its text
        starts on the next line) or an offset past the end of the line.
        """
        lines = self.lines
        if line > len(lines):
            return 0
        row = lines[line - 1]
        index = column - 1
        if index >= len(row) or row[index] in "|>":
            return 0
        quote = 1 if row[index] in "'\"" else 0
        return offset + quote if index + quote + offset <= len(row) else 0

    def expect(self, data: Any) -> None:
        """Tell the scanner the keys the parser found, so that it can check its own reading of the text."""
        if isinstance(data, dict):
            nodes = data.get("nodes")
            self._expected = (
                tuple(str(key) for key in data),
                tuple(str(key) for key in nodes) if isinstance(nodes, dict) else None,
            )

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
        if self._scanner is None:
            self._scanner = _Scanner(self.text, self._expected)
        position = self._scanner.locate(path, key=key)
        if position is not None:
            return position
        return self._locate_composed(path, key=key)

    def _locate_composed(self, path: tuple[Any, ...], *, key: bool = False) -> tuple[int, int] | None:
        """:meth:`locate` by composing the text with PyYAML (the reference the scanner agrees with)."""
        import yaml

        node = self._compose()
        if node is None:
            return None
        mark = node.start_mark
        for depth, step in enumerate(path):
            last = depth == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                found = self._keys_of(node).get(_key_text(step))
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
            # A list or mapping as a key is no path step goaltree names, and its node value is unhashable.
            index = {
                key_node.value: (key_node, value_node)
                for key_node, value_node in mapping.value
                if isinstance(key_node.value, str)
            }
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
                    if not isinstance(key_node.value, str):
                        continue  # a list or mapping as a key: the model refuses it, with its position
                    name = key_node.value
                    if name in seen:
                        yield path, name, key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    seen.add(name)
                    yield from walk(value_node, path + (name,))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    yield from walk(item, path + (index,))

        if root is not None:
            yield from walk(root, ())


def _key_text(step: Any) -> Any:
    """The key text a path step names: dates and numbers as they are written."""
    return str(step) if isinstance(step, (dt.date, int, float)) else step


# --- Positions by scanning lines -----------------------------------------------------------------
#
# The scanner reads YAML the way PyYAML composes it, for the constructs goal files use:
# block mappings and sequences, flow mappings and sequences (also over several lines),
# plain, quoted and block scalars, comments. Everything else -- anchors, aliases, tags,
# complex keys, tabs, several documents -- makes it answer "unsure", and the composer
# decides. A scanned node is ``(start, kind, content)``: ``start`` a 0-based
# ``(line, column)``, ``kind`` "map" (content: key -> (key start, node)), "seq"
# (content: list of nodes), "scalar" or "unknown".


class _Unsure(Exception):
    """The scanner cannot be sure how PyYAML reads this text."""


_UNKNOWN = "unknown"
_LATER = "later"  # a one-line flow collection, read when a path goes into it: content (block, offset)


def _read_later(node: tuple) -> tuple:
    block, offset = node[2]
    found, end = block._flow(offset)
    block._after(end)
    return found
# A key in block context, from the start of a line's content up to `:` and the spaces after it.
_KEY = (
    r"""(?:"(?P<dq>[^"\\\n]*)"|'(?P<sq>(?:[^'\n]|'')*)'"""
    r"""|(?P<plain>(?:[^\s#'"{}\[\],&*!|>%@`?:-]|[?:-](?=\S))(?:[^\s:]|:(?=\S)|[ ]+(?=[^\s#:]|:\S))*))"""
    r"""[ ]*:(?:[ ]+|(?=\n)|$)"""
)
_BLOCK_KEY = re.compile(_KEY)
_FLOW_PLAIN = re.compile(
    r"""(?:[^\s\-?:,\[\]{}#&*!|>'"%@`]|-(?=[^\s]))(?:[^\s:,?\[\]{}]|:(?=[^\s,\[\]{}])|[ ]+(?=[^\s#:,?\[\]{}]|:[^\s,\[\]{}]))*"""
)
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SINGLE_QUOTED = re.compile(r"'(?:[^']|'')*'")
_FLOW_SPACE = re.compile(r"(?:[ \n]+|#[^\n]*)*")
_TRAILER = re.compile(r"[ ]*(?:#[^\n]*)?(?:\n|$)")
_BLOCK_SCALAR_HEADER = re.compile(r"[|>][1-9+-]{0,2}[ ]*(?:#.*)?$")
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \n]|$)", re.MULTILINE)


class _Scanner:
    """Positions of values in YAML text, read line by line where a path leads.

    Args:
        text: The goal file.
        expected: The top-level keys and the node ids the parser found, in file
            order; the scanner trusts its quick reading of where they start only
            when it finds exactly these. ``None``: read the whole text.
    """

    def __init__(self, text: str, expected: tuple[tuple[str, ...], tuple[str, ...] | None] | None):
        self.text = text
        self.expected = expected
        self._root: tuple | None = None
        self._ready = False
        self._usable = True
        self._top: dict[str, tuple[int, int, int]] = {}  # key -> (line, start offset, end offset)
        self._top_nodes: dict[str, tuple] = {}
        self._nodes: _NodeKeys | None = None
        self._node_indent = 0
        self._scanned_nodes: dict[str, tuple] = {}

    def locate(self, path: tuple[Any, ...], *, key: bool = False) -> tuple[int, int] | None:
        """1-based ``(line, column)`` as :meth:`SourceMap.locate` gives it, or ``None`` when unsure."""
        try:
            if not self._ready:
                self._prepare()
            if not self._usable:
                return None
            node = self._root
            if node is None:
                return None
            start = node[0]
            for depth, step in enumerate(path):
                last = depth == len(path) - 1
                if node[1] == _LATER:
                    node = _read_later(node)
                kind = node[1]
                if kind == "map":
                    found = self._entry(node, depth, path, _key_text(step))
                    if found is None:
                        break
                    key_start, node = found
                    start = key_start if (key and last) else node[0]
                elif kind == "seq" and isinstance(step, int) and 0 <= step < len(node[2]):
                    node = node[2][step]
                    start = node[0]
                elif kind == _UNKNOWN:
                    return None
                else:
                    break
            if start is None:
                return None  # an empty value PyYAML places somewhere the scanner does not follow
            return start[0] + 1, start[1] + 1
        except (_Unsure, RecursionError):  # the scanner recurses per level of nesting
            return None

    # -- the quick reading: top-level keys and node ids by regular expression --------------------

    def _prepare(self) -> None:
        self._ready = True
        text = self.text
        if "\r" in text:
            # PyYAML counts "\r\n" as one line break, so lines and columns are those of "\n".
            text = self.text = text.replace("\r\n", "\n")
        if "\t" in text or "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
            self._usable = False
            return
        if text.startswith(("\ufeff", "%")) or self._several_documents():
            self._usable = False
            return
        if self.expected is None or not self._index_top():
            self._root = self._whole()
            return
        first = min(self._top.values())
        self._root = ((first[0], 0), "map", None)  # entries are read lazily, see _entry

    def _several_documents(self) -> bool:
        text = self.text
        if not text.startswith(("---", "...")) and "\n---" not in text and "\n..." not in text:
            return False
        markers = list(_DOCUMENT_MARKER.finditer(self.text))
        if not markers:
            return False
        if len(markers) > 1 or self.text[markers[0].start() : markers[0].start() + 3] != "---":
            return True
        # One leading `---` before any content, alone on its line, is a plain document start.
        before = self.text[: markers[0].start()]
        alone = _TRAILER.match(self.text, markers[0].start() + 3)
        return any(line.strip() and not line.lstrip().startswith("#") for line in before.split("\n")) or alone is None

    def _index_top(self) -> bool:
        """Find the top-level keys; ``False`` when they are not exactly the parser's."""
        text = self.text
        found: list[tuple[str, int, int]] = []
        first = _BLOCK_KEY.match(text)
        if first is not None:
            found.append((_decode_key(first), 0, 0))
        line = 0
        last = 0
        for match in _TOP_KEY.finditer(text):
            start = match.start() + 1  # after the line break the pattern starts with
            line += text.count("\n", last, start)
            last = start
            found.append((_decode_key(match), line, start))
        assert self.expected is not None
        if tuple(name for name, _, _ in found) != self.expected[0]:
            return False
        for index, (name, line_number, offset) in enumerate(found):
            end = found[index + 1][2] if index + 1 < len(found) else len(text)
            self._top[name] = (line_number, offset, end)
        return True

    def _entry(self, mapping: tuple, depth: int, path: tuple[Any, ...], name: Any) -> tuple | None:
        """``(key start, node)`` of ``name`` in ``mapping``, reading the lines it needs."""
        if mapping[2] is not None:
            return mapping[2].get(name) if isinstance(name, str) else None
        if not isinstance(name, str):
            return None
        if depth == 0:
            return self._top_entry(name)
        return self._node_entry(name)  # the lazily read `nodes` mapping

    def _top_entry(self, name: str) -> tuple | None:
        if name in self._top_nodes:
            return self._top_nodes[name]
        where = self._top.get(name)
        if where is None:
            return None
        line, start, end = where
        if name == "nodes":
            entry = self._nodes_entry(line, start, end)
        else:
            entry = _Block(self.text, start, end, line).mapping_entry(0)
        self._top_nodes[name] = entry
        return entry

    def _nodes_entry(self, line: int, start: int, end: int) -> tuple:
        """The `nodes` entry; its node ids are found by regular expression and each node read when asked for."""
        text = self.text
        key_end = text.find("\n", start)
        key_end = end if key_end < 0 or key_end > end else key_end
        head = _BLOCK_KEY.match(text, start, key_end)
        rest = text[head.end() : key_end].strip() if head else "x"
        if rest and not rest.startswith("#"):
            return _Block(text, start, end, line).mapping_entry(0)  # a flow mapping on the key's line
        body = _first_content(text, key_end + 1, end)
        if body is None:
            return _Block(text, start, end, line).mapping_entry(0)
        indent = body - text.rfind("\n", 0, body) - 1
        assert self.expected is not None
        ids = self.expected[1]
        names = _word_keys(text, key_end, end, indent)
        starts = None
        if names is None:
            names, starts = _keys(text, key_end, end, indent)
        if ids is None or not names or names != list(ids):
            return _Block(text, start, end, line).mapping_entry(0)
        self._nodes = _NodeKeys(text, names, indent, key_end, line, end, starts)
        self._node_indent = indent
        key_start = (line, head.start() - start) if head else (line, 0)
        return key_start, ((self._nodes.region(0)[0], indent), "map", None)

    def _node_entry(self, name: str) -> tuple | None:
        if name in self._scanned_nodes:
            return self._scanned_nodes[name]
        assert self._nodes is not None
        index = self._nodes.index.get(name)
        if index is None:
            return None
        line, start, end = self._nodes.region(index)
        entry = _Block(self.text, start, end, line).mapping_entry(self._node_indent)
        self._scanned_nodes[name] = entry
        return entry

    def _whole(self) -> tuple | None:
        """The whole document, read in one pass (when the quick reading does not apply)."""
        text = self.text
        first = _first_content(text, 0, len(text))
        if first is None:
            return None
        return _Block(text, 0, len(text), 0).document(first)


def _first_content(text: str, start: int, end: int) -> int | None:
    """Offset of the first character that is neither space, line break nor comment, or ``None``."""
    position = start
    while position < end:
        line_end = text.find("\n", position, end)
        line_end = end if line_end < 0 else line_end
        line = text[position:line_end]
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#") and not (position == 0 and stripped.startswith("---")):
            return position + len(line) - len(stripped)
        position = line_end + 1
    return None


# Key lines start after a line break: a literal first character lets the regular
# expression engine skip ahead, several times faster than `^` in multi-line mode.
_TOP_KEY = re.compile(r"\n" + _KEY)
_INDENTED_KEYS: dict[int, re.Pattern[str]] = {}


def _indented_key(indent: int) -> re.Pattern[str]:
    """Key lines indented by exactly ``indent`` spaces (the match starts at the line break before)."""
    pattern = _INDENTED_KEYS.get(indent)
    if pattern is None:
        pattern = _INDENTED_KEYS[indent] = re.compile(r"\n {%d}" % indent + _KEY)
    return pattern


class _NodeKeys:
    """The node ids of the `nodes` mapping, in file order, and where each node's lines are.

    Args:
        text: The goal file.
        names: The node ids.
        indent: The column of the node ids.
        after: The line break after the `nodes` key, where the nodes begin.
        line: Its 0-based line.
        end: Where the nodes end.
        starts: Where each node's key line starts, if known. Otherwise every
            line at ``indent`` has been seen to be a word key (:func:`_word_keys`),
            so the one line that starts with ``id:`` at that indent is the node's,
            and it is searched for when the node is first asked for, from the
            nearest node already found: locating a node in a large file reads
            the text up to it, not every node's position in advance.
    """

    def __init__(self, text: str, names: list[str], indent: int, after: int, line: int, end: int, starts: list[int] | None):
        self.text = text
        self.names = names
        self.index = dict(zip(names, range(len(names))))
        self.indent = indent
        self.end = end
        self._found = [-1]  # sorted: the nodes whose key line is known; -1 is the `nodes` key's line break
        self._where: dict[int, tuple[int, int]] = {-1: (after, line)}  # node -> (offset, 0-based line)
        if starts is not None:
            breaks = accumulate(map(text.count, repeat("\n"), [after, *starts[:-1]], starts))
            self._where.update(enumerate(zip(starts, map(add, breaks, repeat(line)))))
            self._found += range(len(names))

    def region(self, index: int) -> tuple[int, int, int]:
        """``(0-based line, start, end)`` of the lines of node ``index``: to the next node's key line."""
        start, line = self._key_line(index)
        end = self._key_line(index + 1)[0] if index + 1 < len(self.names) else self.end
        return line, start, end

    def _key_line(self, index: int) -> tuple[int, int]:
        where = self._where.get(index)
        if where is None:
            # Search from the nearest node found before it or after it: diagnostics come in
            # any order (the engine's in reverse), and each search reads only up to the next.
            position = bisect.bisect_left(self._found, index)
            before = self._found[position - 1]
            after = self._found[position] if position < len(self._found) else None
            key_line = f"\n{' ' * self.indent}{self.names[index]}:"
            if after is not None and after - index < index - before:
                offset, line = self._where[after]
                found = self.text.rfind(key_line, self._where[before][0], offset)
                where = (found + 1, line - self.text.count("\n", found + 1, offset))
            else:
                offset, line = self._where[before]
                found = self.text.find(key_line, offset, self.end)
                where = (found + 1, line + self.text.count("\n", offset, found + 1))
            if found < 0:
                raise _Unsure  # not after what _word_keys saw
            self._where[index] = where
            self._found.insert(position, index)
        return where


def _keys(text: str, start: int, end: int, indent: int) -> tuple[list[str], list[int]]:
    """The keys of lines indented by exactly ``indent`` spaces, and where those lines start."""
    names: list[str] = []
    starts: list[int] = []
    for match in _indented_key(indent).finditer(text, start, end):
        names.append(_decode_key(match))
        starts.append(match.start() + 1)  # after the line break the pattern starts with
    return names, starts


_WORD_KEYS: dict[int, re.Pattern[str]] = {}


def _word_keys(text: str, start: int, end: int, indent: int) -> list[str] | None:
    """The keys :func:`_keys` finds where every such line is a plain word key (``revenue:``), in a fraction of the time.

    The general key pattern costs a quarter of a second over 100 000 nodes. This
    one matches a word key or, at any other line of that indent that is not a
    comment, nothing (group 1 is ``None``); then the general pattern decides.
    Where every line is a word key, both patterns match the same lines and read
    the same keys: ``_KEY`` reads a word followed by `:` and a space or a line
    break as a plain key that ends at the `:`.
    """
    pattern = _WORD_KEYS.get(indent)
    if pattern is None:
        pattern = _WORD_KEYS[indent] = re.compile(
            r"\n {%d}(?:([A-Za-z0-9_][A-Za-z0-9_-]*):(?=[ \n]|$)|(?=[^ \n#]))" % indent
        )
    names = pattern.findall(text, start, end)
    return None if "" in names else names


def _decode_key(match: re.Match[str]) -> str:
    if match.group("plain") is not None:
        return match.group("plain")
    if match.group("sq") is not None:
        return match.group("sq").replace("''", "'")
    return match.group("dq")


class _Block:
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
            raise _Unsure
        return next(iter(entries.values()))

    def document(self, offset: int) -> tuple:
        """The root node of a whole document whose content starts at ``offset``."""
        line, column = self.at(offset)
        index = line - self.first_line
        if self.lines[index][column] in "[{":
            node, end = self._flow(offset)
            self._after(end)
            if self._next_content(self.at(end)[0] - self.first_line + 1) is not None:
                raise _Unsure
            return node
        node, index = self._mapping(index, column)
        if self._next_content(index) is not None:
            raise _Unsure
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
                raise _Unsure
            match = _BLOCK_KEY.match(line, column)
            if match is None:
                raise _Unsure
            name = _decode_key(match)
            key_start = (self.first_line + index, column)
            if start is None:
                start = key_start
            value, index = self._value(index, match.end(), indent)
            entries[name] = (key_start, value)  # the last of duplicate keys wins, as in the composer
            index = self._next_content(index)
        if start is None:
            raise _Unsure
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
                    raise _Unsure
                break
            if column > indent:
                raise _Unsure
            if start is None:
                start = (self.first_line + current, column)
            content = column + 1 + len(stripped[1:]) - len(stripped[1:].lstrip(" "))
            rest = line[content:]
            if not rest or rest.startswith("#") or rest.startswith("- ") or rest == "-" or _BLOCK_KEY.match(line, content):
                raise _Unsure  # a nested collection in a sequence
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
                raise _Unsure  # an empty value at the end: PyYAML marks it after the region
            below_line = self.lines[below]
            below_stripped = below_line.lstrip(" ")
            below_column = len(below_line) - len(below_stripped)
            dash = below_stripped[0] == "-" and (len(below_stripped) == 1 or below_stripped[1] == " ")
            if dash and below_column >= indent:
                return self._sequence(below, below_column)
            if below_column > indent:
                return self._mapping(below, below_column)
            return (None, _UNKNOWN, None), index + 1  # an empty value: the key is known, its value is not
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
                return (start, _LATER, (self, self.offsets[index] + column)), index + 1
            node, end = self._flow(self.offsets[index] + column)
            return node, self._after(end)
        if first in "\"'":
            match = (_DOUBLE_QUOTED if first == '"' else _SINGLE_QUOTED).match(self.text, self.offsets[index] + column, self.end)
            if match is None:
                raise _Unsure
            return (start, "scalar", None), self._after(match.end())
        if first in "|>":
            if not _BLOCK_SCALAR_HEADER.match(rest):
                raise _Unsure
            return (start, "scalar", None), self._deeper(index + 1, indent)
        if first in "&*!%@`?" or (first in "-:" and (len(rest) == 1 or rest[1] == " ")):
            raise _Unsure
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
        if _TRAILER.match(self.text, offset, self.end) is None:
            raise _Unsure
        line, _ = self.at(offset)
        return line - self.first_line + 1

    # flow collections
    def _flow(self, offset: int) -> tuple[tuple, int]:
        """The flow collection or scalar at ``offset``; returns the node and the offset after it."""
        text = self.text
        if offset >= self.end:
            raise _Unsure
        first = text[offset]
        start = self.at(offset)
        if first == "{":
            entries: dict[str, tuple] = {}
            position = _FLOW_SPACE.match(text, offset + 1, self.end).end()
            while True:
                if position >= self.end:
                    raise _Unsure
                if text[position] == "}":
                    return (start, "map", entries), position + 1
                key_match = self._flow_scalar(position)
                if key_match is None:
                    raise _Unsure
                name = _flow_key(key_match.group())
                key_start = self.at(position)
                position = _FLOW_SPACE.match(text, key_match.end(), self.end).end()
                if position >= self.end or text[position] != ":":
                    raise _Unsure  # a key without a value
                position = _FLOW_SPACE.match(text, position + 1, self.end).end()
                if position >= self.end or text[position] in ",}":
                    raise _Unsure  # an empty value
                value, position = self._flow(position)
                entries[name] = (key_start, value)
                position = _FLOW_SPACE.match(text, position, self.end).end()
                if position < self.end and text[position] == ",":
                    position = _FLOW_SPACE.match(text, position + 1, self.end).end()
                elif position >= self.end or text[position] != "}":
                    raise _Unsure
        if first == "[":
            items: list[tuple] = []
            position = _FLOW_SPACE.match(text, offset + 1, self.end).end()
            while True:
                if position >= self.end:
                    raise _Unsure
                if text[position] == "]":
                    return (start, "seq", items), position + 1
                value, position = self._flow(position)
                items.append(value)
                position = _FLOW_SPACE.match(text, position, self.end).end()
                if position < self.end and text[position] == ",":
                    position = _FLOW_SPACE.match(text, position + 1, self.end).end()
                elif position >= self.end or text[position] != "]":
                    raise _Unsure  # a single-pair mapping or something else unusual
        match = self._flow_scalar(offset)
        if match is None:
            raise _Unsure
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
            raise _Unsure
        return text[1:-1]
    if text.startswith("'"):
        if "\n" in text:
            raise _Unsure
        return text[1:-1].replace("''", "'")
    return text


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
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise GoaltreeError(f"{path}: is a directory, not a goal file")
        if not stat.S_ISREG(status.st_mode):
            # Reading a FIFO waits for a writer forever, and a device never ends: refuse both unread.
            from goaltree.outputs import special_file_kind

            raise GoaltreeError(f"{path}: is a {special_file_kind(status.st_mode)}, not a goal file; give the path of a YAML or JSON file")
        if status.st_size > MAX_FILE_BYTES:
            raise GoaltreeError(f"{path}: the file is larger than {MAX_FILE_BYTES // 2**20} MiB")
        return strip_byte_order_mark(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoaltreeError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise GoaltreeError(f"{path}: is a directory, not a goal file") from None
    except UnicodeDecodeError as error:
        raise GoaltreeError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise GoaltreeError(f"{path}: cannot read ({error.strerror})") from None


def strip_byte_order_mark(text: str) -> str:
    """``text`` without the UTF-8 byte-order mark some editors put first: it is no part of the YAML or JSON."""
    return text[1:] if text.startswith(BYTE_ORDER_MARK) else text


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based ``(line, column)`` of character ``offset`` of ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _nul_diagnostic(text: str, filename: str) -> Diagnostic | None:
    """A NUL byte ends the text for one parser and is an error for another: refuse it where it is."""
    offset = text.find("\x00")
    if offset < 0:
        return None
    line, column = _position(text, offset)
    return Diagnostic(
        "E001",
        "error",
        "the file holds a NUL byte (\\0) here; a goal file is text: remove it "
        "(a file saved as UTF-16 or by a binary tool has them)",
        file=filename,
        line=line,
        column=column,
    )


# A line whose content starts MAX_NESTING columns in (indentation and compact `- `, `? `, `: `).
# Written without `^` and MULTILINE, which make the search try every position: 10x slower.
_INDENTED_DEEP = re.compile(r"\n[ \t?:-]{%d}" % MAX_NESTING)
_FIRST_LINE_DEEP = re.compile(r"[ \t?:-]{%d}" % MAX_NESTING)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def _may_nest_deep_in_blocks(text: str) -> bool:
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
    if _may_nest_deep_in_blocks(text):
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


def _nesting_diagnostic(text: str, filename: str) -> Diagnostic | None:
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
            "E001",
            "error",
            f"the data nests more than {MAX_NESTING} levels deep here; a goal file needs a few: "
            "flatten it (is a bracket or an indentation wrong?)",
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
                        "E001",
                        "error",
                        f"the data nests more than {MAX_NESTING} levels deep here; a goal file needs a few: "
                        "flatten it (is a bracket or an indentation wrong?)",
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


def parse_document(text: str, filename: str) -> tuple[Any, list[Diagnostic]]:
    """Parse YAML or JSON text into plain Python data, safely.

    Returns the data (``None`` on failure) and the diagnostics. No object tags
    are honoured; alias expansion and nesting are bounded; a NUL byte is refused.
    """
    problem = _nul_diagnostic(text, filename)
    if problem is None and not filename.endswith(".json") and _may_nest_deep_in_blocks(text):
        problem = _nesting_diagnostic(text, filename)
    if problem is not None:
        return None, [problem]
    if filename.endswith(".json"):
        # The standard library's parser stops deep nesting itself (RecursionError), where it is counted.
        return _parse_json(text, filename)
    if _has_tag(text):
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
    except Exception:  # an integer of more than 4 300 digits, or a parser bug: never a traceback
        return _parse_pyyaml(text, filename)
    if isinstance(data, list):
        # yaml-rs returns a top-level sequence and a stream of several documents alike, as a list:
        # PyYAML tells them apart (and says where the second document starts).
        return _parse_pyyaml(text, filename)
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
            except (ValueError, TypeError, IndexError, OverflowError, KeyError) as error:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{_short(node.value)} is not a valid {node.tag.rsplit(':', 1)[-1]}", node.start_mark
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

    RobustLoader.add_constructor("tag:yaml.org,2002:timestamp", RobustLoader.construct_yaml_timestamp)
    RobustLoader.add_constructor("tag:yaml.org,2002:int", RobustLoader.construct_yaml_int)
    return RobustLoader


def _parse_pyyaml(text: str, filename: str) -> tuple[Any, list[Diagnostic]]:
    import yaml

    too_deep = _nesting_diagnostic(text, filename)  # PyYAML's composer recurses per level, in C
    if too_deep is not None:
        return None, [too_deep]
    loader = _robust_loader()
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
            _nesting_diagnostic(text, filename)
            or Diagnostic("E001", "error", "malformed JSON: it nests too deep to be a goal file", file=filename)
        ]
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


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large structure is built.

    Parsing and validating a goal file allocates objects by the million and
    frees none of them in cycles; the collector would walk all of them again
    and again (parsing 100 000 nodes takes three times as long). Reference
    counting still frees everything; the collector's state is restored after.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load_text(text: str, path: Path | str = "<string>") -> LoadResult:
    """Parse and validate goal-file text. Never raises for bad content: see ``diagnostics``."""
    with paused_gc():
        return _load_text(text, path)


def _load_text(text: str, path: Path | str) -> LoadResult:
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
        odd_key = _odd_key(loc, data)
        if odd_key is not None:
            index, key_value = odd_key
            if (loc[:index], "key") in seen:
                continue
            seen.add((loc[:index], "key"))
            what = "null (~)" if key_value is None else "a list"
            node = str(loc[1]) if index > 1 and loc[0] == "nodes" else None
            odd_key = index
            yield Diagnostic(
                "E001",
                "error",
                f"a key {'in ' + '.'.join(str(step) for step in loc[:odd_key]) if odd_key else 'at the top level'}"
                f" is {what}; keys are names or dates: write the key as text",
                node=node,
                path=loc[:odd_key],
                # The top-level mapping has no path to locate: it starts the file.
                line=None if odd_key else 1,
                column=None if odd_key else 1,
            ), False
            continue
        if kind == "float_type" and isinstance(item.get("input"), int) and not isinstance(item.get("input"), bool):
            kind = "finite_number"  # an integer Python holds but a float cannot: beyond ±1.8e308
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
            if kind == "finite_number":
                message = (
                    "must be a finite number; NaN, infinity and numbers beyond ±1.8e308 "
                    "cannot be computed with: write the number itself"
                )
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


def _odd_key(loc: tuple, data: dict) -> tuple[int, Any] | None:
    """Where ``loc`` passes a null or list key (pydantic names it by its text): its index and the key."""
    cursor: Any = data
    for index, step in enumerate(loc):
        if isinstance(cursor, dict):
            if step in cursor:
                cursor = cursor[step]
                continue
            if step == "None" or (isinstance(step, str) and step.startswith("(")):
                for key in cursor:
                    if (key is None or isinstance(key, tuple)) and str(key) == step:
                        return index, key
            return None
        if isinstance(cursor, list) and isinstance(step, int) and 0 <= step < len(cursor):
            cursor = cursor[step]
            continue
        return None
    return None


def _short(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 10_000:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"  # repr refuses 4 300+ digits
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
        if isinstance(cursor, dict) and isinstance(step, str) and step.startswith("datetime.date(") and step not in cursor:
            # pydantic names a date key by its repr: the key itself is what locates it in the file.
            step = next((key for key in cursor if isinstance(key, dt.date) and repr(key) == step), step)
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
