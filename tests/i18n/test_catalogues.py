"""Every text goaltree marks for translation is translated, in every language it speaks, and kept to the glossary.

The texts come from the code itself (Babel's extractors over the package and
the templates), so a new ``_("...")`` without a Swedish line fails here, and
so does a Swedish line that drops a ``{placeholder}`` or strays from the
glossary's word.
"""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from goaltree.present.catalogues import Text, marked_texts
from goaltree.present.language import ENGLISH, LOCALE_DIR, languages

TRANSLATED = [code for code in languages() if code != ENGLISH]


def fields_of(text: str) -> set[str]:
    """The ``{names}`` of a ``str.format`` text."""
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name is not None}


def read_catalogues(folder: Path) -> dict[tuple[str | None, str], tuple[str, object]]:
    """(context, English) -> (catalogue file, translation) for every entry of a language's ``.po`` files."""
    entries: dict[tuple[str | None, str], tuple[str, object]] = {}
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as stream:
            catalog = read_po(stream, locale=folder.name)
        for message in catalog:
            if not message.id:
                continue
            singular = message.id[0] if isinstance(message.id, tuple) else message.id
            key = (message.context, singular)
            if key in entries:
                entries[key] = (f"{entries[key][0]} and {path.name}", message.string)
            else:
                entries[key] = (path.name, message.string if not message.fuzzy else None)
    return entries


def problems(texts: list[Text], folder: Path) -> list[str]:
    """What is missing or wrong in the catalogues of ``folder`` for ``texts``, one line each."""
    found = []
    entries = read_catalogues(folder)
    marked = {(text.context, text.message) for text in texts}
    for (context, english), (where, _translation) in entries.items():
        if " and " in where:
            found.append(f"{where}: '{english}' is translated twice; keep one")
        elif (context, english) not in marked:
            found.append(f"{where}: '{english}' is no longer in the code; remove it")
    for text in texts:
        entry = entries.get((text.context, text.message))
        translation = entry[1] if entry else None
        if not translation or (isinstance(translation, tuple) and not all(translation)):
            found.append(f"{text.where}: '{text.message}' has no {folder.name} translation (scripts/update_catalogues.py adds it to {text.catalogue}.po)")
            continue
        forms = translation if isinstance(translation, tuple) else (translation,)
        english = {text.message, text.plural} - {None}
        expected = set().union(*(fields_of(form) for form in english))
        for form in forms:
            try:
                got = fields_of(form)
            except ValueError as error:
                found.append(f"{entry[0]}: the translation of '{text.message}' is not a format string ({error})")
                continue
            if got != expected and not (text.plural and got <= expected):
                found.append(f"{entry[0]}: the translation of '{text.message}' has fields {sorted(got)}, the English {sorted(expected)}")
    return found


def glossary_problems(folder: Path) -> list[str]:
    """Entries whose English text is a glossary word but whose translation is not the glossary's."""
    glossary_file = folder / "glossary.toml"
    if not glossary_file.exists():
        return [f"{folder.name}: no glossary.toml"]
    glossary = {english.lower(): word for english, word in tomllib.loads(glossary_file.read_text(encoding="utf-8"))["terms"].items()}
    found = []
    for (_context, english), (where, translation) in read_catalogues(folder).items():
        word = glossary.get(english.lower())
        if word is None or not isinstance(translation, str):
            continue
        wanted = word.upper() if english.isupper() and len(english) > 1 else (word[0].upper() + word[1:] if english[0].isupper() else word[0].lower() + word[1:])
        if translation != wanted:
            found.append(f"{where}: '{english}' is '{translation}', the glossary says '{wanted}'")
    return found


@pytest.fixture(scope="module")
def texts() -> list[Text]:
    return marked_texts()


def test_the_code_marks_texts_and_finds_them_in_python_and_templates(texts):
    where = {text.where.split(":")[0] for text in texts}
    assert "goaltree/cli/evaluate.py" in where
    assert any(text.message == "on track" for text in texts)
    assert any(text.plural == "{count} nodes" for text in texts)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_text_is_translated_with_its_placeholders(texts, code):
    assert problems(texts, LOCALE_DIR / code) == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_use_the_glossary(code):
    assert glossary_problems(LOCALE_DIR / code) == []


def test_swedish_is_spoken():
    assert "sv" in TRANSLATED


def test_a_missing_a_wrong_and_a_stale_translation_are_each_found(tmp_path):
    folder = tmp_path / "xx"
    folder.mkdir()
    (folder / "checks.po").write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "no node {node}"\nmsgstr "ingen nod {nod}"\n\n'
        'msgid "gone"\nmsgstr "borta"\n\n'
        'msgid "target"\nmsgstr "objekt"\n\n',
        encoding="utf-8",
    )
    (folder / "glossary.toml").write_text('[terms]\n"target" = "Mål"\n', encoding="utf-8")
    texts = [
        Text("no node {node}", None, None, "checks", "a.py:1"),
        Text("untranslated", None, None, "checks", "a.py:2"),
        Text("target", None, None, "terms", "a.py:3"),
    ]
    found = problems(texts, folder)
    assert any("'gone' is no longer in the code" in line for line in found)
    assert any("'untranslated' has no xx translation" in line for line in found)
    assert any("has fields ['nod'], the English ['node']" in line for line in found)
    assert glossary_problems(folder) == ["checks.po: 'target' is 'objekt', the glossary says 'mål'"]
