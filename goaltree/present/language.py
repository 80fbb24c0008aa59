"""The language a person reads: translated words, and the symbols of its numbers and dates.

Every sentence goaltree prints is written in English in the code and marked
for translation with :func:`_` (or :func:`_n` when it counts something, or
:func:`N_` where a constant is declared and translated later). The
translations are gettext catalogues: the ``.po`` files in
``goaltree/locale/<language>/``, read directly with Babel's PO reader, so a
new language is a new folder of ``.po`` files and no code (docs/languages.md).

A command chooses its language once (``--language``, else the goal file's
``language:``, else English) and runs inside :func:`use_language`; a library
caller does the same. Numbers take their decimal sign from the language's
locale data in Babel (``1,4 %`` in Swedish), dates their month names.

Placeholders are ``str.format`` fields with names (``{node}``): a translation
may move them, never drop or rename them (tests/i18n checks every entry).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gettext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

ENGLISH = "en"
"""The language of the code's own text, and the default."""

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
"""One folder per language beside English, holding its ``.po`` catalogues."""

_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class UnknownLanguage(ValueError):
    """A language goaltree has no catalogues for."""


def languages() -> tuple[str, ...]:
    """Every language goaltree speaks: English and each folder of catalogues, sorted."""
    found = {ENGLISH}
    if LOCALE_DIR.is_dir():
        found.update(path.name for path in LOCALE_DIR.iterdir() if path.is_dir() and any(path.glob("*.po")))
    return tuple(sorted(found))


@dataclass(frozen=True)
class Language:
    """One language's translations and number symbols.

    Attributes:
        code: ``en``, ``sv``…
        messages: English text -> translation (a context-qualified entry is
            keyed ``context\\x04text``, as gettext does).
        plurals: English singular -> the translation's forms.
        plural_index: The form to use for a count (the catalogue's ``Plural-Forms``).
        decimal: The decimal sign.
        minus: The minus sign (Swedish ``−``, U+2212; English the hyphen the code writes).
    """

    code: str
    messages: Mapping[str, str] = field(default_factory=dict)
    plurals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    plural_index: Callable[[int], int] = lambda count: 0 if count == 1 else 1
    decimal: str = "."
    minus: str = "-"

    @property
    def is_english(self) -> bool:
        """Whether text is printed as the code writes it."""
        return self.code == ENGLISH


@functools.cache
def language(code: str) -> Language:
    """The language ``code``, its catalogues read once.

    Raises:
        UnknownLanguage: No folder ``goaltree/locale/<code>`` holds catalogues.
    """
    if code == ENGLISH:
        return Language(ENGLISH)
    if code not in languages():
        raise UnknownLanguage(f"goaltree speaks {', '.join(languages())}, not '{code}'")
    from babel.messages.pofile import read_po
    from babel.numbers import get_decimal_symbol, get_minus_sign_symbol

    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    plural_expression = "(n != 1)"
    for path in sorted((LOCALE_DIR / code).glob("*.po")):
        with path.open("rb") as stream:
            catalog = read_po(stream, locale=code)
        plural_expression = catalog.plural_expr
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple):
                if all(message.string):
                    plurals[message.id[0]] = tuple(message.string)
            elif message.string:
                key = f"{message.context}\x04{message.id}" if message.context else message.id
                messages[key] = message.string
    return Language(
        code,
        messages,
        plurals,
        gettext.c2py(plural_expression),
        get_decimal_symbol(code),
        get_minus_sign_symbol(code),
    )


_current: contextvars.ContextVar[Language] = contextvars.ContextVar("goaltree_language")
"""Unset until :func:`use_language` chooses a language: then :func:`current` is English."""
_ENGLISH = Language(ENGLISH)


def current() -> Language:
    """The language of the running command (English unless :func:`use_language` says otherwise)."""
    return _current.get(_ENGLISH)


def speaking(code: str | None) -> contextlib.AbstractContextManager:
    """:func:`use_language` of ``code`` for a block, unless a language is chosen already.

    The Python API speaks a goal file's ``language:``, as the command line
    does, but never over a language its caller chose (``use_language``, or
    ``--language`` of the command the API runs under). A code goaltree does
    not speak (the loader reports it) leaves the language as it is.
    """
    if _current.get(None) is not None or code is None or code not in languages():
        return contextlib.nullcontext()
    return use_language(code)


@contextlib.contextmanager
def use_language(code: str | None) -> Iterator[Language]:
    """Print in ``code`` inside the block (``None``: English).

    Raises:
        UnknownLanguage: goaltree has no catalogues for ``code``.
    """
    token = _current.set(language(code or ENGLISH))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _(message: str, /, **fields: Any) -> str:
    """``message`` in the current language, its ``{fields}`` filled in.

    Always formatted, so a literal brace in a message is written ``{{``.
    """
    text = _current.get(_ENGLISH).messages.get(message, message)
    return text.format(**fields)


def _p(context: str, message: str, /, **fields: Any) -> str:
    """Like :func:`_`, for a word whose translation depends on where it stands (``_p("status", "achieved")``)."""
    text = _current.get(_ENGLISH).messages.get(f"{context}\x04{message}", message)
    return text.format(**fields)


def translated(message: str, context: str | None = None) -> str:
    """``message`` in the current language exactly as its catalogue writes it, never formatted.

    For a text that is data rather than a format string, found by a scanner
    rather than marked with :func:`_` (a rule's summary may show a literal
    ``${VAR}``): its braces are printed as they stand.
    """
    key = f"{context}\x04{message}" if context else message
    return _current.get(_ENGLISH).messages.get(key, message)


def _n(singular: str, plural: str, count: int, /, **fields: Any) -> str:
    """The form of a counted message that fits ``count``; ``{count}`` is filled in unless given."""
    fields.setdefault("count", count)
    active = _current.get(_ENGLISH)
    forms = active.plurals.get(singular)
    if forms is None:
        text = singular if count == 1 else plural
    else:
        text = forms[min(active.plural_index(count), len(forms) - 1)]
    return text.format(**fields)


def N_(message: str, /) -> str:
    """Mark ``message`` for translation where it is declared; :func:`_` translates it where it is used."""
    return message


def format_date(date: dt.date) -> str:
    """A date in a sentence: ``2026-06-30`` in English, ``30 juni 2026`` in Swedish."""
    active = _current.get(_ENGLISH)
    if active.is_english:
        return date.isoformat()
    from babel.dates import format_date as babel_format_date

    return babel_format_date(date, "d MMMM y", locale=active.code)


def month_abbreviation(month: int) -> str:
    """A month on a chart axis: ``Jun`` in English, ``juni`` in Swedish."""
    active = _current.get(_ENGLISH)
    if active.is_english:
        return _ENGLISH_MONTHS[month - 1]
    return _month_abbreviations(active.code)[month - 1]


@functools.cache
def _month_abbreviations(code: str) -> tuple[str, ...]:
    from babel import Locale

    names = Locale.parse(code).months["format"]["abbreviated"]
    return tuple(names[month] for month in range(1, 13))


@functools.cache
def currency_symbol(unit: str, code: str) -> str:
    """How ``unit`` reads in the language ``code`` when it is a currency Babel knows (``SEK`` -> ``kr``).

    English keeps the code as the goal file writes it; any other unit is returned unchanged.
    """
    if code == ENGLISH or len(unit) != 3 or not unit.isalpha() or not unit.isupper():
        return unit
    from babel.numbers import get_currency_symbol, list_currencies

    if unit not in list_currencies():
        return unit
    return get_currency_symbol(unit, locale=code)


def unit_text(unit: str, count: float | None = None) -> str:
    """How ``unit`` reads where a person reads it as a word, in the current language.

    goaltree's own unit words -- the kinds ``count``, ``ratio`` and ``multiple``
    and the catalogue's ``years`` and ``days`` -- are the language's words
    (Swedish ``antal``, ``andel``, ``multipel``, ``år``, ``dagar``, and ``1 dag``
    when ``count``, the figure before it, is one); a currency Babel knows is
    its symbol (``SEK`` -> ``kr``); any other unit is the goal file's own word,
    as written. English writes every unit as the goal file does. The goal file
    and the JSON keep the code.
    """
    active = _current.get(_ENGLISH)
    if active.is_english:
        return unit
    if count is not None and unit in ("days", "years"):
        number = 1 if count == 1 else 2
        return _n("day", "days", number) if unit == "days" else _n("year", "years", number)
    if unit == "count":
        return _p("unit", "count")
    if unit == "ratio":
        return _p("unit", "ratio")
    if unit == "multiple":
        return _p("unit", "multiple")
    if unit == "days":
        return _p("unit", "days")
    if unit == "years":
        return _p("unit", "years")
    return currency_symbol(unit, active.code)
