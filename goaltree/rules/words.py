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

VAGUE_WORDS_EN: frozenset[str] = frozenset(
    """
    better best improve improves improved improving improvement improvements more great greater greatest good
    optimize optimizes optimized optimizing optimise optimises optimised optimising optimization optimisation
    optimal strengthen strengthens strengthened strengthening enhance enhances enhanced enhancing
    boost boosts boosted boosting increase increases increased increasing grow grows growing
    maximize maximizes maximized maximizing maximise maximises maximised maximising higher bigger larger
    stronger faster excellent world-class best-in-class significant significantly substantial substantially
    """.split()
)
"""English vague words, matched as whole words in any case."""

VAGUE_WORDS_SV: frozenset[str] = frozenset(
    """
    bättre bäst bästa mer mera fler flera stärka stärker stärks stärkt stärkta stärkte stärkning
    öka ökar ökas ökad ökade ökat ökning ökningen utveckla utvecklar utvecklas vässa vässar
    högre större starkare snabbare tydligare synligare bra god goda växa växer
    """.split()
)
"""Swedish vague words (bättre, mer, fler, stärka, öka …), matched as whole words in any case."""

VAGUE_PREFIXES: tuple[str, ...] = ("förbättr", "optimer", "effektiviser", "maximer")
"""Swedish stems whose every form is vague (förbättra, förbättringar, optimera, effektivisera …)."""

_NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "hundred", "thousand", "million", "millions", "billion", "half", "double", "doubles", "doubled",
    "twice", "triple", "triples", "tripled", "halve", "halves", "halved", "third", "thirds", "fifth", "fifths",
    "tenth", "tenths", "percent", "två", "tre", "fyra", "fem", "sju", "åtta", "nio", "tio", "elva", "tolv", "tjugo",
    "hundra", "tusen", "miljon", "miljoner", "miljard", "miljarder", "halv", "halva", "halvera",
    "dubbla", "fördubbla", "fördubblas", "tredubbla", "hälften", "tredjedel", "fjärdedel", "femtedel",
    "tiondel", "procent",
)

# Months as titles write them, English and Swedish, in full and shortened, January first.
ENGLISH_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
ENGLISH_SHORT_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
SWEDISH_SHORT_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
_MONTH_NAMES = {*ENGLISH_MONTHS, *SWEDISH_MONTHS, *ENGLISH_SHORT_MONTHS, *SWEDISH_SHORT_MONTHS, "sept"}
_MONTH = "(?:" + "|".join(sorted(_MONTH_NAMES, key=lambda name: (-len(name), name))) + r")\.?"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
WRITTEN_DATE = re.compile(
    rf"\b{_DAY}(?::e|:a|st|nd|rd|th)?\.?\s+{_MONTH}(?:\s+\d{{4}})?(?!\w)"  # 30 juni 2027, 1 mars, 1st March
    rf"|\b{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?![\w,.]\d)(?!\w)",  # June 30, 2027; Jun 30
    re.IGNORECASE,
)
"""A date written with its month's name: a time, never an amount."""

# Dates (2027-03-31, 2027-03, 30 juni 2027) and periods (Q3, H1, T2, FY27) name a time, not an amount.
_DATE = re.compile(r"\b\d{4}-\d{1,2}(?:-\d{1,2})?\b|" + WRITTEN_DATE.pattern, re.IGNORECASE)
_PERIOD = re.compile(r"\b(?:Q[1-4]|H[12]|T[1-3]|FY\s?\d{2,4})\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?:\s\d{3})*(?:\s?%|[kKM]|bn|x)?(?!\w)")
_YEAR_CONTEXT = re.compile(
    r"(?:\b(?:in|i|during|under|by|till|until|before|innan|före|år|year|for|för|of|från|from|to)\s+|[-–/]\s*)$",
    re.IGNORECASE,
)
_NUMBER_WORD_SET = frozenset(_NUMBER_WORDS)
_WORD = re.compile(r"\w+(?:-\w+)*")


def vague_words(extra: Iterable[str] = ()) -> frozenset[str]:
    """The vague words, plus ``extra`` (any case)."""
    words = VAGUE_WORDS_EN | VAGUE_WORDS_SV
    return words | {word.strip().lower() for word in extra} if extra else words


DEFAULT_VAGUE = vague_words()


def find_vague(title: str, words: frozenset[str] = DEFAULT_VAGUE) -> str | None:
    """The first vague word in ``title``, whatever else the title says."""
    for match in _WORD.finditer(title):
        token = match.group(0)
        lowered = token.lower()
        if lowered in words or lowered.startswith(VAGUE_PREFIXES):
            return token
        if "-" in lowered:
            for part in lowered.split("-"):
                if part in words:
                    return part
    return None


def has_quantity(title: str) -> bool:
    """Whether ``title`` names an amount: a number that is not a year, or a number word."""
    text = _PERIOD.sub(" ", _DATE.sub(" ", title))
    for match in _NUMBER.finditer(text):
        token = match.group(0)
        if _is_year(token) and _year_position(text, match):
            continue
        return True
    return any(match.group(0).lower() in _NUMBER_WORD_SET for match in _WORD.finditer(text))


def vague_word(title: str, words: frozenset[str] = DEFAULT_VAGUE) -> str | None:
    """The first vague word in ``title`` when the title names no quantity, else ``None``."""
    word = find_vague(title, words)
    if word is None or has_quantity(title):
        return None
    return word


def follows_year_word(before: str) -> bool:
    """Whether text ending in ``before`` announces a year: "in", "i", "by", "år", "från", "-" …"""
    return bool(_YEAR_CONTEXT.search(before))


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1900 <= int(token) <= 2199


def _year_position(text: str, match: re.Match[str]) -> bool:
    """A four-digit number reads as a year at the end of the title or after "in", "i", "by", "år" …"""
    after = text[match.end():].strip()
    if not after or after[0] in ".,;:)!?":
        return True
    return bool(_YEAR_CONTEXT.search(text[: match.start()]))
