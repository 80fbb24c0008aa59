"""Numbers and words as reports write them; also the report's Jinja2 filters (one place).

Number formatting follows the command line (:mod:`goaltree.outputs`) so that
a report and ``goaltree evaluate`` never disagree about a figure.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from markupsafe import Markup, escape

from goaltree.jsontext import json_text
from goaltree.outputs import format_number, format_percent
from goaltree.render.style import STATUS_STYLES, status_label

_UNITLESS = frozenset({"ratio", "%", "count", "multiple"})


def quantity(value: float | None, unit: str | None = None) -> str:
    """``27 000 000 SEK``, ``1.20 %``, ``2 500``; ``–`` when unknown."""
    text = format_number(value, unit)
    if value is None or not unit or unit in _UNITLESS:
        return text
    return f"{text} {unit}"


def signed_quantity(value: float | None, unit: str | None = None) -> str:
    """``+1 200 SEK`` / ``−4 241 096 SEK``: the sign always shown, with a real minus sign."""
    if value is None:
        return "–"
    text = quantity(abs(value), unit)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text


def percent(value: float | None) -> str:
    """``0.429`` → ``42.9 %``."""
    return format_percent(value)


def share(value: float | None) -> str:
    """A share of a whole in whole percent: ``0.823`` → ``82 %``."""
    if value is None:
        return "–"
    return f"{value * 100:.0f} %".replace("-", "−")


# Characters Markdown reads as formatting inside a line. Angle brackets, ampersands
# and quotes are HTML-escaped first (Markdown renders entities as the characters).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def markdown_text(value: Any) -> Markup:
    """User text safe in Markdown, on one line, in a table cell or a list item."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(value)).split())
    return Markup(_MARKDOWN_SPECIAL.sub(r"\\\1", str(escape(text))))


def json_document(value: Any, indent: bool = True) -> Markup:
    """JSON in goal-file key order; ``< > & '`` as ``\\u`` escapes, so it is safe inside HTML too."""
    text = json_text(value, indent=indent).removesuffix("\n")
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")
    return Markup(text)


def status_fill(status: str) -> str:
    """The status's fill colour (``#E69F00``)."""
    return STATUS_STYLES[status].fill if status in STATUS_STYLES else "#BBBBBB"


def status_text_colour(status: str) -> str:
    """A readable text colour on the status's fill."""
    return STATUS_STYLES[status].text if status in STATUS_STYLES else "#000000"


FILTERS: dict[str, Callable[..., Any]] = {
    "number": format_number,
    "quantity": quantity,
    "signed": signed_quantity,
    "percent": percent,
    "share": share,
    "status_label": status_label,
    "status_fill": status_fill,
    "status_text": status_text_colour,
    "md": markdown_text,
    "json_document": json_document,
}
"""Every filter the report templates can use, registered on the one environment."""
