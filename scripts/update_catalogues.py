"""Add the texts the code marks for translation, and a language has no line for, to its catalogues.

Usage::

    python scripts/update_catalogues.py             # every language in goaltree/locale/
    python scripts/update_catalogues.py --language de   # also starts a new language

A new text is appended to the catalogue of the part of goaltree that prints
it (goaltree/present/catalogues.py says which), with an empty translation for
the translator to fill in; nothing already there is rewritten. A new
language gets its folder, a header per catalogue and a copy of the Swedish
glossary's English words to translate. tests/i18n/test_catalogues.py fails
until every line is filled in.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from goaltree.present.catalogues import Text, marked_texts  # noqa: E402
from goaltree.present.language import ENGLISH, LOCALE_DIR, languages  # noqa: E402

HEADER = '''# {name} translations of goaltree: {part}.
# A translation keeps every {{placeholder}} of its English text; tests/i18n checks it.
msgid ""
msgstr ""
"Project-Id-Version: goaltree\\n"
"Language: {code}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

'''

PARTS = {
    "terms": "the shared words: statuses, a result's fields, scale words",
    "checks": "the SMART rules' findings",
    "loading": "what loading a goal file says: the loader, the model, the graph, the formula language, the catalogue",
    "sources": "what fetching actuals from a metric source says",
    "engine": "what evaluating says: derivations, diagnostics, attribution",
    "commands": "the command line's own sentences",
    "reports": "reports, diagrams and their templates",
    "revisions": "diff, history and rollover, in every format",
}


def quoted(text: str) -> str:
    """``text`` as a PO string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def entry(text: Text) -> str:
    """A PO entry for ``text`` with an empty translation."""
    lines = [f"#: {text.where}"]
    if text.context:
        lines.append(f"msgctxt {quoted(text.context)}")
    lines.append(f"msgid {quoted(text.message)}")
    if text.plural is None:
        lines.append('msgstr ""')
    else:
        lines += [f"msgid_plural {quoted(text.plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
    return "\n".join(lines) + "\n\n"


def known(folder: Path) -> set[tuple[str | None, str]]:
    """(context, English) of every entry already in the language's catalogues."""
    from babel.messages.pofile import read_po

    keys = set()
    for path in folder.glob("*.po"):
        with path.open("rb") as stream:
            for message in read_po(stream):
                if message.id:
                    keys.add((message.context, message.id[0] if isinstance(message.id, tuple) else message.id))
    return keys


def update(code: str) -> int:
    """Append the missing texts to ``code``'s catalogues; returns how many were added."""
    folder = LOCALE_DIR / code
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "glossary.toml").exists():
        sample = (LOCALE_DIR / "sv" / "glossary.toml").read_text(encoding="utf-8")
        (folder / "glossary.toml").write_text(sample.split("[terms]")[0] + "[terms]\n", encoding="utf-8")
    have = known(folder)
    added = 0
    for text in marked_texts():
        if (text.context, text.message) in have:
            continue
        path = folder / f"{text.catalogue}.po"
        if not path.exists():
            from babel import Locale

            path.write_text(HEADER.format(name=Locale.parse(code).english_name, part=PARTS[text.catalogue], code=code), encoding="utf-8")
        with path.open("a", encoding="utf-8") as stream:
            stream.write(entry(text))
        have.add((text.context, text.message))
        added += 1
    return added


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--language", default=None, metavar="CODE", help="one language (a new one is started)")
    args = parser.parse_args()
    codes = [args.language] if args.language else [code for code in languages() if code != ENGLISH]
    for code in codes:
        print(f"{code}: {update(code)} new texts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
