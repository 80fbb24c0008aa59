"""The one JSON writer: every JSON document goaltree writes goes through :func:`json_bytes`.

orjson encodes a large evaluation an order of magnitude faster than the
standard library, and its output is fixed by the document alone: keys in
the order the document holds them (or sorted, when asked), two-space
indentation, UTF-8 text without ``\\u`` escapes for non-ASCII characters.
A number that is not finite is written as ``null`` -- never as ``NaN``,
which is not JSON; the code that produced it says why in a diagnostic.
DEL, the C1 controls and the bidirectional overrides a goal file may hold
are written as ``\\u`` escapes (orjson escapes only the C0 controls): the
same string to every JSON reader, and nothing a terminal or a CI log acts on.

The few documents orjson refuses (an integer beyond 64 bits, which a goal
file may hold) are written by the standard library in the same layout.

Snapshots (:mod:`goaltree.sources.snapshot`) keep their own writer: one
observation a line, and a hash defined on the standard library's canonical
text, so a re-pull of unchanged data gives the same file.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from typing import IO, Any, Iterable, Iterator

import orjson

__all__ = ["json_bytes", "json_text", "write_json", "write_json_in_batches", "write_pieces"]

_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def json_bytes(document: Any, *, sort_keys: bool = False, indent: bool = True) -> bytes:
    """``document`` as UTF-8 JSON, with a final newline when indented.

    Args:
        document: Dicts, lists, tuples, strings, numbers, booleans and ``None``.
        sort_keys: Sort every object's keys (for files whose key order is not meaningful).
        indent: Two-space indentation and a final newline; ``False`` gives one compact line.

    Returns:
        The JSON text, byte-identical for equal documents.
    """
    data = _encode(document, sort_keys=sort_keys, indent=indent)
    return data + b"\n" if indent else data


def json_text(document: Any, *, sort_keys: bool = False, indent: bool = True) -> str:
    """:func:`json_bytes` as text."""
    return json_bytes(document, sort_keys=sort_keys, indent=indent).decode("utf-8")


def write_json(document: Any, stream: IO[str], *, sort_keys: bool = False) -> None:
    """Write ``document`` to a text stream as indented JSON with a final newline."""
    # The newline apart: adding it to a large text would copy the text.
    write_pieces((_encode(document, sort_keys=sort_keys, indent=True), b"\n"), stream)


def write_json_in_batches(document: dict[str, Any], key: str, batches: Iterable[dict[str, Any]], stream: IO[str]) -> None:
    """Write ``document`` with the object under ``key`` made of ``batches``, one batch in memory at a time.

    The text is exactly :func:`write_json`'s for ``{**document, key: merged
    batches}``: a large evaluation is written a few thousand nodes at a time
    instead of holding every node's object and the whole text at once.

    Args:
        document: The top-level object; ``document[key]``, if present, only fixes the key's position.
        key: The top-level key whose object is written in batches.
        batches: Objects whose entries, in order, make up ``document[key]``.
        stream: A text stream.
    """
    skeleton = _encode({**document, key: {}}, sort_keys=False, indent=True)
    # Strings never hold a raw newline, and a deeper key is indented further: this is the top-level key.
    slot = b"\n  " + _encode(key, sort_keys=False, indent=False) + b": {"
    middle = skeleton.index(slot + b"}") + len(slot)
    # A batch is encoded under the same key, so its entries come indented as in the whole document.
    opening = len(b"{") + len(slot) + len(b"\n")
    closing = len(b"\n  }\n}")

    def pieces() -> Iterator[bytes]:
        yield skeleton[:middle]
        separator = b"\n"
        for batch in batches:
            if not batch:
                continue
            yield separator + _encode({key: batch}, sort_keys=False, indent=True)[opening:-closing]
            separator = b",\n"
        if separator != b"\n":
            yield b"\n  "
        yield skeleton[middle:]
        yield b"\n"

    write_pieces(pieces(), stream)


def write_pieces(pieces: Iterable[bytes], stream: IO[str]) -> None:
    """Write UTF-8 pieces to a text stream, in order.

    A UTF-8 stream with a byte buffer (standard output, an open file) gets the
    bytes directly; decoding a large document only to encode it again would
    cost as much as encoding it.
    """
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and _is_utf8(getattr(stream, "encoding", None)):
        stream.flush()  # what was written as text comes before these bytes
        for piece in pieces:
            buffer.write(piece)
        buffer.flush()
    else:
        for piece in pieces:
            stream.write(piece.decode("utf-8"))


def _encode(document: Any, *, sort_keys: bool, indent: bool) -> bytes:
    option = _INDENTED if indent else orjson.OPT_NON_STR_KEYS
    if sort_keys:
        option |= orjson.OPT_SORT_KEYS
    try:
        data = orjson.dumps(document, option=option)
    except orjson.JSONEncodeError:
        data = _standard_library_bytes(document, sort_keys=sort_keys, indent=indent)
    return _escape_controls(data)


# DEL, the C1 controls and the bidirectional overrides and isolates, as UTF-8: orjson writes them
# raw. In valid UTF-8 these sequences start on a character, and in JSON text they only occur inside
# strings, so each can become its \u escape, which every JSON reader turns back into the same character.
_UNSAFE_BYTES = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def _escape_controls(data: bytes) -> bytes:
    """``data`` with every character of :data:`_UNSAFE_BYTES` as its ``\\uXXXX`` escape: the same JSON, safe in a terminal or CI log.

    Their first bytes are looked for with ``bytes.find`` (ASCII text can hold
    only DEL): a regular expression would read a 100 MB evaluation byte by
    byte, for characters it rarely holds.
    """
    spans = []
    for lead in (b"\x7f",) if data.isascii() else (b"\x7f", b"\xc2", b"\xe2"):
        at = data.find(lead)
        while at != -1:
            match = _UNSAFE_BYTES.match(data, at)
            if match is not None:
                spans.append(match.span())
            at = data.find(lead, at + 1)
    if not spans:
        return data
    pieces, done = [], 0
    for begin, end in sorted(spans):
        pieces += (data[done:begin], b"\\u%04x" % ord(data[begin:end].decode("utf-8")))
        done = end
    pieces.append(data[done:])
    return b"".join(pieces)


def _is_utf8(encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _standard_library_bytes(document: Any, *, sort_keys: bool, indent: bool) -> bytes:
    """The layout of :func:`json_bytes` from the standard library, for what orjson cannot encode."""
    text = json.dumps(
        _finite(document),
        indent=2 if indent else None,
        separators=(",", ": ") if indent else (",", ":"),
        ensure_ascii=False,
        sort_keys=sort_keys,
        allow_nan=False,
        default=_isoformat,
    )
    return text.encode("utf-8")


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by ``None``, as orjson writes it."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {_key(key): _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _key(key: Any) -> Any:
    """A key the standard library accepts: dates and times as their ISO text, as orjson writes them."""
    return key if isinstance(key, (str, int, float, bool)) or key is None else _isoformat(key)


def _isoformat(value: Any) -> str:
    """Dates and times as orjson writes them; anything else is refused as the standard library does."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
