"""Vague words and quantities in goal titles, in English and Swedish.

Our users write "Vi ska göra bättre content" and mean well; a KPI says
"Vårt content ska generera 400 kvalificerade leads 2027". A title is vague
when it leans on a comparative or an aspiration (better, more, improve,
stärka, fler, öka …) and names no quantity. A year ("2027"), a quarter
("Q3"), a date or a number inside a word ("B2B") is not a quantity.
"""

from __future__ import annotations

import re
from typing import Iterable

VAGUE_WORDS_EN: tuple[str, ...] = (
    r"better", r"best", r"improv(?:e|es|ed|ing|ement|ements)", r"more", r"great(?:er|est)?", r"good",
    r"optimi[sz](?:e|es|ed|ing|ation)", r"optimal", r"strengthen(?:s|ed|ing)?", r"enhanc(?:e|es|ed|ing)",
    r"boost(?:s|ed|ing)?", r"increas(?:e|es|ed|ing)", r"grow(?:s|ing)?", r"maximi[sz](?:e|es|ed|ing)",
    r"higher", r"bigger", r"larger", r"stronger", r"faster", r"excellent", r"world[- ]class",
    r"significant(?:ly)?", r"substantial(?:ly)?",
)
"""English vague words, as regular expressions matched against whole words."""

VAGUE_WORDS_SV: tuple[str, ...] = (
    r"bättre", r"bäst(?:a)?", r"förbättr\w*", r"mer", r"mera", r"fler", r"flera", r"stärk(?:a|er|s|t|ta|te|ning)?",
    r"ök(?:a|ar|as|ad|ade|at|ning|ningen)", r"optimer\w*", r"effektiviser\w*", r"maximer\w*",
    r"utveckl(?:a|ar|as)", r"vässa(?:r)?", r"högre", r"större", r"starkare", r"snabbare", r"tydligare",
    r"synligare", r"bra", r"god", r"goda", r"väx(?:a|er)",
)
"""Swedish vague words (bättre, förbättra, mer, fler, stärka, öka …), matched against whole words."""

_NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "hundred", "thousand", "million", "millions", "billion", "half", "double", "doubles", "doubled",
    "twice", "triple", "triples", "tripled", "halve", "halves", "halved", "third", "thirds", "fifth", "fifths",
    "tenth", "tenths", "percent", "två", "tre", "fyra", "fem", "sju", "åtta", "nio", "tio", "elva", "tolv", "tjugo",
    "hundra", "tusen", "miljon", "miljoner", "miljard", "miljarder", "halv", "halva", "halvera",
    "dubbla", "fördubbla", "fördubblas", "tredubbla", "hälften", "tredjedel", "fjärdedel", "femtedel",
    "tiondel", "procent",
)

# Dates (2027-03-31, 2027-03) and periods (Q3, H1, T2, FY27) name a time, not an amount.
_DATE = re.compile(r"\b\d{4}-\d{1,2}(?:-\d{1,2})?\b")
_PERIOD = re.compile(r"\b(?:Q[1-4]|H[12]|T[1-3]|FY\s?\d{2,4})\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?:\s\d{3})*(?:\s?%|[kKM]|bn|x)?(?!\w)")
_YEAR_CONTEXT = re.compile(
    r"(?:\b(?:in|i|during|under|by|till|until|before|innan|före|år|year|for|för|of|från|from|to)\s+|[-–/]\s*)$",
    re.IGNORECASE,
)
_WORD_NUMBER = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def compile_vague(extra: Iterable[str] = ()) -> re.Pattern[str]:
    """One pattern for every vague word, plus ``extra`` words taken literally."""
    words = list(VAGUE_WORDS_EN) + list(VAGUE_WORDS_SV) + [re.escape(word.strip()) for word in extra]
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)


DEFAULT_VAGUE = compile_vague()


def has_quantity(title: str) -> bool:
    """Whether ``title`` names an amount: a number that is not a year, or a number word."""
    text = _PERIOD.sub(" ", _DATE.sub(" ", title))
    for match in _NUMBER.finditer(text):
        token = match.group(0)
        if _is_year(token) and _year_position(text, match):
            continue
        return True
    return bool(_WORD_NUMBER.search(text))


def vague_word(title: str, pattern: re.Pattern[str] = DEFAULT_VAGUE) -> str | None:
    """The first vague word in ``title`` when the title names no quantity, else ``None``."""
    match = pattern.search(title)
    if match is None or has_quantity(title):
        return None
    return match.group(0)


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2199


def _year_position(text: str, match: re.Match[str]) -> bool:
    """A four-digit number reads as a year at the end of the title or after "in", "i", "by", "år" …"""
    after = text[match.end():].strip()
    if not after or after[0] in ".,;:)!?":
        return True
    return bool(_YEAR_CONTEXT.search(text[: match.start()]))
