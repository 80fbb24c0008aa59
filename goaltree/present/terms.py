"""goaltree's own words for its concepts, said the same way in every output.

A status, a column of the evaluation and a node's type are named here once;
the table, the diagrams, the reports and the messages ask this module, so that
"at risk" is never "behind" in one place and "at risk" in another, and each
word is translated once (Swedish: goaltree/locale/sv/glossary.toml lists the
words a Swedish marketer uses, and tests/i18n holds the catalogues to them).
"""

from __future__ import annotations

from goaltree.present.language import N_, _, _n, _p
from goaltree.present.numbers import format_number

STATUS_WORDS: dict[str, str] = {
    "off_track": N_("off track"),
    "at_risk": N_("at risk"),
    "no_data": N_("no data"),
    "on_track": N_("on track"),
    "achieved": N_("achieved"),
    "assumed": N_("assumed"),
    "not_started": N_("not started"),
}
"""Status code -> its name in English, the code's text for translation."""

FIELD_WORDS: dict[str, str] = {
    "node": N_("node"),
    "target": N_("target"),
    "actual": N_("actual"),
    "expected": N_("expected"),
    "progress": N_("progress"),
    "status": N_("status"),
    "forecast": N_("forecast"),
    "baseline": N_("baseline"),
    "owner": N_("owner"),
    "deadline": N_("deadline"),
}
"""A field of a node's result -> its name, as a column heading or a label says it."""


ORIGIN_WORDS: dict[str, str] = {
    "declared": N_("declared"),
    "derived": N_("derived"),
    "measured": N_("measured"),
    "rolled_up": N_("rolled_up"),
    "solved": N_("solved"),
    "assumed": N_("assumed"),
}
"""How a target or an actual was reached (``target_origin``, ``actual_origin``) -> its name in words;
English prints the code, as it always has."""


TYPE_WORDS: dict[str, str] = {"objective": N_("objective"), "kpi": N_("kpi"), "driver": N_("driver")}
"""A node's ``type`` -> its name in running text (a card prints it in capitals: ``render.style.TYPE_LABELS``)."""

ROLLUP_WORDS: dict[str, str] = {
    "sum": N_("sum"),
    "mean": N_("mean"),
    "weighted_mean": N_("weighted mean"),
    "min": N_("min"),
    "max": N_("max"),
    "progress": N_("progress"),
}
"""A ``rollup`` -> its name where a person reads it (an edge of a diagram, ``explain``)."""

DIRECTION_WORDS: dict[str, str] = {"increase": N_("increase"), "decrease": N_("decrease"), "maintain": N_("maintain")}
"""A ``direction`` -> how a report's node details say it (Swedish ``ska öka``)."""


SEVERITY_WORDS: dict[str, str] = {
    "error": N_("error"),
    "warning": N_("warning"),
    "info": N_("info"),
}
"""A finding's severity -> its name where a person reads it (a table, a report); the severity
word of a compiler-style line stays the code, which editors and CI parse."""


STATUS_COUNTS: dict[str, tuple[str, str]] = {
    "off_track": (N_("{count} off track"), N_("{count} off track")),
    "at_risk": (N_("{count} at risk"), N_("{count} at risk")),
    "no_data": (N_("{count} no data"), N_("{count} no data")),
    "on_track": (N_("{count} on track"), N_("{count} on track")),
    "achieved": (N_("{count} achieved"), N_("{count} achieved")),
    "assumed": (N_("{count} assumed"), N_("{count} assumed")),
    "not_started": (N_("{count} not started"), N_("{count} not started")),
}
"""Status code -> how a count of nodes with it reads (singular, plural): Swedish inflects ``ej startade``."""


def status_count(status: str, count: int) -> str:
    """``3 not started`` (Swedish ``3 ej startade``): ``count`` nodes with ``status``, in the current language."""
    forms = STATUS_COUNTS.get(status)
    figure = format_number(count)  # grouped as every figure is: 1 354
    return _n(forms[0], forms[1], count, count=figure) if forms else f"{figure} {status_word(status)}"


def _word(words: dict[str, str], code: str, unknown: str) -> str:
    """``words[code]`` in the current language; ``unknown`` for a code the table does not name."""
    word = words.get(code)
    return _(word) if word else unknown


def status_word(status: str) -> str:
    """``at_risk`` -> ``at risk`` (Swedish ``risk``); an unknown code reads as itself, spaced."""
    return _word(STATUS_WORDS, status, status.replace("_", " "))


def field_word(name: str) -> str:
    """``actual`` -> ``actual`` (Swedish ``utfall``): the name of a result's field in the current language."""
    return _word(FIELD_WORDS, name, name)


def origin_word(origin: str) -> str:
    """``derived`` -> ``derived`` (Swedish ``härlett``): how a value was reached, as explain and history name it."""
    return _word(ORIGIN_WORDS, origin, origin)


def type_word(node_type: str) -> str:
    """``objective`` -> ``objective`` (Swedish ``målsättning``); an unknown type reads as itself."""
    return _word(TYPE_WORDS, node_type, node_type)


def rollup_word(rollup: str) -> str:
    """``weighted_mean`` -> ``weighted mean`` (Swedish ``viktat medelvärde``); ``none`` and others read as themselves, spaced."""
    return _word(ROLLUP_WORDS, rollup, rollup.replace("_", " "))


def direction_word(direction: str) -> str:
    """``decrease`` -> ``decrease`` (Swedish ``ska minska``); an unknown direction reads as itself."""
    return _word(DIRECTION_WORDS, direction, direction)


def joined_with_and(parts: list[str]) -> str:
    """``a and b and c``: things named one after the other (``a och b och c`` in Swedish)."""
    text = parts[0]
    for part in parts[1:]:
        text = _("{first} and {second}", first=text, second=part)
    return text


def severity_word(severity: str) -> str:
    """``warning`` -> ``warning`` (Swedish ``varning``, and ``info`` ``notering`` as check's summary counts it)."""
    return _word(SEVERITY_WORDS, severity, severity)


def finding_columns() -> tuple[str, ...]:
    """The headings of a table of findings: where, severity, code, node, message."""
    return (_p("cli", "where"), _p("cli", "severity"), _p("cli", "code"), field_word("node"), _p("cli", "message"))
