"""Where values are in a goal file's text, found by scanning lines rather than composing the YAML.

The quick reading finds the top-level keys and the node ids by regular
expression and reads only the lines of the entry or node a path goes into
(:class:`~goaltree.goalfile.blocks.Block`), so locating thousands of
diagnostics in a large file stays cheap. Where it cannot be sure it answers
``None`` and :class:`~goaltree.goalfile.positions.SourceMap` composes the text.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from goaltree.goalfile.blocks import (
    BLOCK_KEY,
    KEY,
    LATER,
    TRAILER,
    UNKNOWN,
    Block,
    Unsure,
    decode_key,
    key_text,
    read_later,
)

_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \n]|$)", re.MULTILINE)


class Scanner:
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
                if node[1] == LATER:
                    node = read_later(node)
                kind = node[1]
                if kind == "map":
                    found = self._entry(node, depth, path, key_text(step))
                    if found is None:
                        break
                    key_start, node = found
                    start = key_start if (key and last) else node[0]
                elif kind == "seq" and isinstance(step, int) and 0 <= step < len(node[2]):
                    node = node[2][step]
                    start = node[0]
                elif kind == UNKNOWN:
                    return None
                else:
                    break
            if start is None:
                return None  # an empty value PyYAML places somewhere the scanner does not follow
            return start[0] + 1, start[1] + 1
        except (Unsure, RecursionError):  # the scanner recurses per level of nesting
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
        alone = TRAILER.match(self.text, markers[0].start() + 3)
        return any(line.strip() and not line.lstrip().startswith("#") for line in before.split("\n")) or alone is None

    def _index_top(self) -> bool:
        """Find the top-level keys; ``False`` when they are not exactly the parser's."""
        text = self.text
        found: list[tuple[str, int, int]] = []
        first = BLOCK_KEY.match(text)
        if first is not None:
            found.append((decode_key(first), 0, 0))
        line = 0
        last = 0
        for match in _TOP_KEY.finditer(text):
            start = match.start() + 1  # after the line break the pattern starts with
            line += text.count("\n", last, start)
            last = start
            found.append((decode_key(match), line, start))
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
            entry = Block(self.text, start, end, line).mapping_entry(0)
        self._top_nodes[name] = entry
        return entry

    def _nodes_entry(self, line: int, start: int, end: int) -> tuple:
        """The `nodes` entry; its node ids are found by regular expression and each node read when asked for."""
        text = self.text
        key_end = text.find("\n", start)
        key_end = end if key_end < 0 or key_end > end else key_end
        head = BLOCK_KEY.match(text, start, key_end)
        rest = text[head.end() : key_end].strip() if head else "x"
        if rest and not rest.startswith("#"):
            return Block(text, start, end, line).mapping_entry(0)  # a flow mapping on the key's line
        body = _first_content(text, key_end + 1, end)
        if body is None:
            return Block(text, start, end, line).mapping_entry(0)
        indent = body - text.rfind("\n", 0, body) - 1
        assert self.expected is not None
        ids = self.expected[1]
        names = _word_keys(text, key_end, end, indent)
        starts = None
        if names is None:
            names, starts = _keys(text, key_end, end, indent)
        if ids is None or not names or names != list(ids):
            return Block(text, start, end, line).mapping_entry(0)
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
        entry = Block(self.text, start, end, line).mapping_entry(self._node_indent)
        self._scanned_nodes[name] = entry
        return entry

    def _whole(self) -> tuple | None:
        """The whole document, read in one pass (when the quick reading does not apply)."""
        text = self.text
        first = _first_content(text, 0, len(text))
        if first is None:
            return None
        return Block(text, 0, len(text), 0).document(first)


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
# expression engine skip ahead to each one, where `^` in multi-line mode tries every position.
_TOP_KEY = re.compile(r"\n" + KEY)
_INDENTED_KEYS: dict[int, re.Pattern[str]] = {}


def _indented_key(indent: int) -> re.Pattern[str]:
    """Key lines indented by exactly ``indent`` spaces (the match starts at the line break before)."""
    pattern = _INDENTED_KEYS.get(indent)
    if pattern is None:
        pattern = _INDENTED_KEYS[indent] = re.compile(r"\n {%d}" % indent + KEY)
    return pattern


_SEARCHES = 64
"""Nodes searched for one by one, at least, before every node's key line is found in one pass."""


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
            the text up to it, not every node's position in advance. After an
            eighth of the nodes (at least :data:`_SEARCHES`) have been searched
            for, every node's key line is found in one pass, so that thousands
            of diagnostics (a warning on every fifth node) do not each search
            and each keep a sorted list in order.
    """

    def __init__(self, text: str, names: list[str], indent: int, after: int, line: int, end: int, starts: list[int] | None):
        self.text = text
        self.names = names
        self.index = dict(zip(names, range(len(names))))
        self.indent = indent
        self.end = end
        self._found = [-1]  # sorted: the nodes whose key line is known; -1 is the `nodes` key's line break
        self._where: dict[int, tuple[int, int]] = {-1: (after, line)}  # node -> (offset, 0-based line)
        self._searches = 0
        self._searches_before_one_pass = max(_SEARCHES, len(names) // 8)
        if starts is not None:
            self._know(starts)

    def _know(self, starts: list[int]) -> None:
        """Every node's key line, from where each starts."""
        key_line, previous = self._where[-1][1], self._where[-1][0]
        text = self.text
        for index, start in enumerate(starts):
            key_line += text.count("\n", previous, start)
            self._where[index] = (start, key_line)
            previous = start
        self._found = [-1, *range(len(self.names))]

    def region(self, index: int) -> tuple[int, int, int]:
        """``(0-based line, start, end)`` of the lines of node ``index``: to the next node's key line."""
        start, line = self._key_line(index)
        end = self._key_line(index + 1)[0] if index + 1 < len(self.names) else self.end
        return line, start, end

    def _key_line(self, index: int) -> tuple[int, int]:
        where = self._where.get(index)
        if where is None and self._searches == self._searches_before_one_pass:
            # Every line at the indent is a word key (see the class), so each line the pattern finds is a node's.
            after = self._where[-1][0]
            starts = [match.start() + 1 for match in _word_key_pattern(self.indent).finditer(self.text, after, self.end)]
            if len(starts) != len(self.names):
                raise Unsure
            self._know(starts)
            where = self._where[index]
        if where is None:
            self._searches += 1
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
                raise Unsure  # not after what _word_keys saw
            self._where[index] = where
            self._found.insert(position, index)
        return where


def _keys(text: str, start: int, end: int, indent: int) -> tuple[list[str], list[int]]:
    """The keys of lines indented by exactly ``indent`` spaces, and where those lines start."""
    names: list[str] = []
    starts: list[int] = []
    for match in _indented_key(indent).finditer(text, start, end):
        names.append(decode_key(match))
        starts.append(match.start() + 1)  # after the line break the pattern starts with
    return names, starts


_WORD_KEYS: dict[int, re.Pattern[str]] = {}


def _word_keys(text: str, start: int, end: int, indent: int) -> list[str] | None:
    """The keys :func:`_keys` finds where every such line is a plain word key (``revenue:``), with a simpler pattern.

    The general key pattern tries its quoted and plain alternatives at every
    node of a large ``nodes`` mapping. This one matches a word key or, at any
    other line of that indent that is not a comment, nothing (group 1 is
    ``None``); then the general pattern decides.
    Where every line is a word key, both patterns match the same lines and read
    the same keys: ``KEY`` reads a word followed by `:` and a space or a line
    break as a plain key that ends at the `:`.
    """
    names = _word_key_pattern(indent).findall(text, start, end)
    return None if "" in names else names


def _word_key_pattern(indent: int) -> re.Pattern[str]:
    """A word key at ``indent`` (group 1), or any other line there that is not a comment (group 1 empty)."""
    pattern = _WORD_KEYS.get(indent)
    if pattern is None:
        pattern = _WORD_KEYS[indent] = re.compile(
            r"\n {%d}(?:([A-Za-z0-9_][A-Za-z0-9_-]*):(?=[ \n]|$)|(?=[^ \n#]))" % indent
        )
    return pattern


