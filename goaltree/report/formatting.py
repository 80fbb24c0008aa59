"""The report's Jinja2 filters, registered in one place.

Numbers and escaping come from :mod:`goaltree.present`, as for every other
output, so that a report and ``goaltree evaluate`` never disagree about a figure.
"""

from __future__ import annotations

from typing import Any, Callable

from markupsafe import Markup

from goaltree.jsontext import json_text
from goaltree.present.escape import markdown_text
from goaltree.present.numbers import format_number, format_percent, format_quantity, format_share, format_signed_quantity
from goaltree.render.style import STATUS_STYLES, status_label


def markdown(value: Any) -> Markup:
    """The ``md`` filter: user text through :func:`goaltree.present.escape.markdown_text`, marked safe for Jinja2."""
    return Markup(markdown_text(value))


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
    "quantity": format_quantity,
    "signed": format_signed_quantity,
    "percent": format_percent,
    "share": format_share,
    "status_label": status_label,
    "status_fill": status_fill,
    "status_text": status_text_colour,
    "md": markdown,
    "json_document": json_document,
}
"""Every filter the report templates can use, registered on the one environment."""
