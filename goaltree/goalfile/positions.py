"""Line and column of any value in a goal file, for the diagnostics that name it by its path.

Parsing does not track positions (the fastest parser has none to give): they
are found only when a diagnostic needs one. A line scanner answers first; the
text is composed with PyYAML, once, wherever the scanner is unsure.
"""

from __future__ import annotations

import functools
from typing import Any, Iterator

from goaltree.goalfile.blocks import key_text
from goaltree.goalfile.scanner import Scanner


class SourceMap:
    """Finds the line and column of a value in a goal file.

    A line scanner (:class:`Scanner`) answers first: it reads only the lines
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
        self._scanner: Scanner | None = None
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
            self._scanner = Scanner(self.text, self._expected)
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
                found = self._keys_of(node).get(key_text(step))
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
