"""Goal-file loading: a YAML or JSON file into a validated :class:`~goaltree.model.GoalFile`, or located diagnostics.

One concern per module, in the order a file goes through them:

* :mod:`~goaltree.goalfile.read`: the file's bytes, refused unread when they
  cannot be a goal file (a directory, a FIFO, a device, too large), as UTF-8 text;
* :mod:`~goaltree.goalfile.limits`: the bounds the text keeps before any parser
  runs (no NUL byte, bounded nesting and alias expansion);
* :mod:`~goaltree.goalfile.parse`: the text into plain Python data (yaml-rs,
  PyYAML where yaml-rs cannot decide, JSON);
* :mod:`~goaltree.goalfile.validate`: pydantic's errors into fixable diagnostics;
* :mod:`~goaltree.goalfile.positions` (with :mod:`~goaltree.goalfile.scanner`
  and :mod:`~goaltree.goalfile.blocks`): the line and column of a value, found
  only when a diagnostic needs one;
* :mod:`~goaltree.goalfile.loading`: the steps together, :class:`LoadResult`.

Building the graph from the validated model is one layer up, in
:mod:`goaltree.pipeline`; nothing here imports it or :mod:`goaltree.api`.
"""

from __future__ import annotations

from goaltree.goalfile.loading import LoadResult, load_file, load_text
from goaltree.goalfile.parse import parse_document
from goaltree.goalfile.positions import SourceMap
from goaltree.goalfile.read import MAX_FILE_BYTES, read_text, strip_byte_order_mark

__all__ = [
    "MAX_FILE_BYTES",
    "LoadResult",
    "SourceMap",
    "load_file",
    "load_text",
    "parse_document",
    "read_text",
    "strip_byte_order_mark",
]
