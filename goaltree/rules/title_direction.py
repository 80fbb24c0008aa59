"""Which way a goal's title says its value should go, in English and Swedish.

"CAC at most 60 000 SEK", "Cost per lead under 800 SEK", "Sänka kostnaden per
lead till 700 kr" say the value should stay low or fall; "At least 5 000
leads", "Minst 40 % öppnar", "Grow brand searches to 26 000" say it should
stay high or rise. Rule S005 compares that with the node's ``direction``.

Words are matched whole ("shortcut" is not "cut", "maximize" is not "max").
Three kinds of words are read:

- bounds — "at most", "under", "max", "högst", "tak", "at least", "minst",
  "över" … — count only where an amount follows them, perhaps after "of",
  "at", "på" or "till": "under 800 SEK", "max 800 kr", "budgettak på 2 MSEK".
  Swedish "under" also means "during", so "under 2027", "under Q1" and
  "under året" say nothing; neither does an amount of another kind than the
  node's ("under 800 SEK per lead" on a node that counts leads). A negation
  earlier in the clause turns a bound around: "not more than", "får inte
  överstiga", "No won deal takes more than 120 days"; it silences a verb.
- verbs — "reduce", "decrease", "minimize", "sänka", "minska", "grow",
  "maximize", "öka", "höja" … — anywhere; "lower", "cut", "increase" and
  "boost" only as the title's first word ("Lower churn to 3 %"), since
  elsewhere they are often adjectives or nouns ("lower-funnel leads").
- a range "from 5 % to 3 %", "från 1 200 till 1 500": its end against its start.

A title that leans both ways ("Grow revenue at a CAC under 60 000 SEK") says
nothing about the node alone, and is left alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Iterable, Literal

from goaltree.rules.amounts import NodeUnit, StatedAmount, node_unit, stated_amounts

Way = Literal["increase", "decrease"]

_LOW_BOUNDS = """
at most | no more than | not more than | no higher than | not higher than | no greater than | not above |
not over | not exceed | not exceeding | under | below | less than | fewer than | lower than | max | maximum |
cap | capped | down to | down from | cut to |
högst | maximalt | mindre än | färre än | lägre än | ned till | ner till | ned från | ner från | budgettak |
kostnadstak | tak | inte över | inte mer än | inte fler än | understiga | understiger | som mest
"""
_HIGH_BOUNDS = """
at least | more than | over | above | greater than | higher than | no less than | not less than |
no fewer than | not under | not below | exceed | exceeds | exceeding | increase to | increases to |
increased to | rise to | rises to | up from |
minst | över | mer än | fler än | högre än | större än | inte under | inte mindre än | inte färre än |
överstiga | överstiger | som minst | upp från
"""
_LOW_VERBS = """
reduce reduces reduced reducing decrease decreases decreased decreasing minimize minimizes minimized minimizing
minimise minimises minimised minimising halve halves halved halving
sänka sänker sänks sänkas sänkt sänkta minska minskar minskas minskad minskade minskat
minimera minimerar minimeras halvera halverar halveras
"""
_HIGH_VERBS = """
grow grows growing raise raises maximize maximizes maximized maximizing maximise maximises maximised maximising
double doubles doubled
öka ökar ökas ökat ökad ökade höja höjer höjs höjas maximera maximerar maximeras fördubbla fördubblas
växa växer
"""
_LOW_FIRST = frozenset({"lower", "cut", "trim", "sänk"})
_HIGH_FIRST = frozenset({"increase", "boost", "lift", "höj"})
_NEGATIONS = frozenset({"not", "never", "no", "none", "inte", "ej", "aldrig", "ingen", "inget", "inga"})
_CONNECTORS = frozenset({"of", "at", "on", "to", "på", "om", "till", "vid"})


def _phrases(text: str) -> list[tuple[str, ...]]:
    """The ``|``-separated phrases of ``text``, each as its words."""
    return [tuple(phrase.split()) for phrase in text.split("|") if phrase.strip()]


_BOUNDS: dict[tuple[str, ...], Way] = {
    **{phrase: "decrease" for phrase in _phrases(_LOW_BOUNDS)},
    **{phrase: "increase" for phrase in _phrases(_HIGH_BOUNDS)},
}
_VERBS: dict[str, Way] = {
    **{word: "decrease" for word in _LOW_VERBS.split()},
    **{word: "increase" for word in _HIGH_VERBS.split()},
}
_BOUNDS_BY_FIRST_WORD: dict[str, list[tuple[str, ...]]] = {}
for _phrase in sorted(_BOUNDS, key=len, reverse=True):  # longest first: "no more than" before "no"
    _BOUNDS_BY_FIRST_WORD.setdefault(_phrase[0], []).append(_phrase)
# Every word a leaning phrase can start with: a title with none of them leans neither way, and is
# passed over before its amounts are read (one set lookup a word, where a regular expression of
# every phrase tried each position of every title).
_SIGNAL_WORDS = frozenset({*_BOUNDS_BY_FIRST_WORD, *_VERBS, *_LOW_FIRST, *_HIGH_FIRST})
_PUNCTUATION = ".,;:!?()[]{}<>\"'«»“”‘’…"
_PUNCTUATED = re.compile("[" + re.escape(_PUNCTUATION) + "]")


def _words(lowered: str) -> list[str]:
    """The words of a lower-case title, punctuation around them stripped (a hyphen joins words: "lower-funnel")."""
    words = lowered.split()
    return [word.strip(_PUNCTUATION) for word in words] if _PUNCTUATED.search(lowered) else words
_RANGE_START = re.compile(r"\b(?:from|från)\s+(?:[$€£]\s?)?\d", re.IGNORECASE)
# The words that can start a phrase leaning one way.
_SIGNALS_OF: dict[Way, frozenset[str]] = {
    way: frozenset(
        {phrase[0] for phrase, leans in _BOUNDS.items() if leans == way}
        | {word for word, leans in _VERBS.items() if leans == way}
        | (_LOW_FIRST if way == "decrease" else _HIGH_FIRST)
    )
    for way in ("increase", "decrease")
}


def may_lean(title: str, way: Way) -> bool:
    """Whether ``title`` may lean ``way``: a word that can start such a phrase, a negation (which turns a phrase over), or a range.

    Never false where :func:`title_leaning` would find that way: a rule
    passes over the other titles before reading their amounts.
    """
    lowered = title.lower()
    words = _words(lowered)
    signals = _SIGNAL_WORDS if not _NEGATIONS.isdisjoint(words) else _SIGNALS_OF[way]
    return not signals.isdisjoint(words) or _ranges_in(lowered)


def _ranges_in(lowered: str) -> bool:
    """Whether a lower-case title holds a range's start ("from 5 %", "från 1 200")."""
    return ("from" in lowered or "från" in lowered) and _RANGE_START.search(lowered) is not None
"""Any word a leaning starts with, or "from" before a number: a title without one (most titles) is passed over
without reading its amounts."""
_TOKEN = re.compile(r"\w+(?:-\w+)*")
_FROM_WORD = re.compile(r"\b(?:from|från)\s+(?:[$€£]\s?)?$", re.IGNORECASE)
_TO_WORD = re.compile(r"^\s*(?:to|till)\s+$", re.IGNORECASE)


# A range's start in a lower-case text; without a leading `\b`, the expression is found by scanning for
# its first letters (`_RANGE_START` checks the word boundary, title by title).
_RANGE_OPENING = re.compile(r"(?:from|från)\s+(?:[$€£]\s?)?\d")


def titles_that_may_lean(titles: Iterable[str]) -> set[str]:
    """The titles in which :func:`may_lean` may find a leaning, either way: never fewer.

    Most titles of most files lean neither way, so they are read together:
    the distinct titles, in lower case, as one text. Its words are matched
    against every word a leaning can start with at once; then only the words
    found, and the ranges' starts, are looked for in the text, each place
    where one is found naming its title. A word found inside another
    ("grow" in "growth") names a title too many, never one too few.
    """
    distinct = list(dict.fromkeys(titles))
    lowered = [title.lower() for title in distinct]
    text = "\n".join(lowered)
    # Punctuation to spaces: "(under" and "under," hold the word "under", as `_words` strips them.
    found = _SIGNAL_WORDS.intersection(_PUNCTUATED.sub(" ", text).split())
    places = list(_RANGE_OPENING.finditer(text))
    if found:
        places += re.finditer("|".join(map(re.escape, sorted(found))), text)
    ends = list(accumulate(len(title) + 1 for title in lowered)) if places else []  # each title's end in the text
    return {distinct[bisect_right(ends, place.start())] for place in places}


@dataclass(frozen=True)
class Leaning:
    """The way a title says its node's value should go.

    Attributes:
        way: ``decrease`` (stay low or fall) or ``increase`` (stay high or rise).
        phrase: The words that say so, as written, with their amount: "under 800 SEK", "Reduce".
    """

    way: Way
    phrase: str


def title_leaning(title: str, unit_text: str | None, years: range | None = None) -> Leaning | None:
    """Which way ``title`` says the node should go; ``None`` when it says neither, or both.

    Args:
        title: The node's title.
        unit_text: The node's unit: an amount after a bound counts only when it can be one of the node's.
        years: The years of the goal file's period (never amounts).
    """
    lowered = title.lower()
    if _SIGNAL_WORDS.isdisjoint(_words(lowered)) and not _ranges_in(lowered):
        return None
    unit = node_unit(unit_text)
    amounts = [amount for amount in stated_amounts(title, years) if _fits(amount, unit)]
    tokens = list(_TOKEN.finditer(title))
    found: list[Leaning] = []
    index = 0
    while index < len(tokens):
        match = _bound_at(title, tokens, index)
        if match is not None:
            length, way = match
            end = tokens[index + length - 1].end()
            amount = _amount_after(title, end, amounts)
            if amount is not None:
                start = tokens[index].start()
                negation = _negation_before(title, tokens, index)
                if negation is not None and tokens[index].group(0).lower() not in _NEGATIONS:
                    way, start = _opposite(way), negation
                found.append(Leaning(way, title[start : amount.end].strip()))
            index += length
            continue
        word = tokens[index].group(0).lower()
        way = _VERBS.get(word)
        if way is None and index == 0:
            way = "decrease" if word in _LOW_FIRST else "increase" if word in _HIGH_FIRST else None
        if way is not None and _negation_before(title, tokens, index) is None:
            found.append(Leaning(way, tokens[index].group(0)))
        index += 1
    found.extend(_ranges(title, amounts))
    ways = {leaning.way for leaning in found}
    return found[0] if len(ways) == 1 else None


def _bound_at(title: str, tokens: list[re.Match[str]], index: int) -> tuple[int, Way] | None:
    """The longest bound phrase starting at token ``index``: its length in words and its way."""
    for phrase in _BOUNDS_BY_FIRST_WORD.get(tokens[index].group(0).lower(), ()):
        words = tokens[index : index + len(phrase)]
        if len(words) < len(phrase) or tuple(word.group(0).lower() for word in words) != phrase:
            continue
        if any(title[left.end() : right.start()].strip() for left, right in zip(words, words[1:])):
            continue  # a phrase's words follow each other with nothing but spaces between them
        return len(phrase), _BOUNDS[phrase]
    return None


def _amount_after(title: str, end: int, amounts: list[StatedAmount]) -> StatedAmount | None:
    """The amount that follows a bound ending at ``end``, perhaps after "of", "at", "på", "till" …"""
    for amount in amounts:
        if amount.start < end:
            continue
        between = [word for word in title[end : amount.start].split() if word.strip(".:")]
        if len(between) <= 2 and all(word.lower() in _CONNECTORS for word in between):
            return amount
        return None
    return None


def _negation_before(title: str, tokens: list[re.Match[str]], index: int) -> int | None:
    """Where a "not", "no", "inte", "inga" … before token ``index`` in the same clause starts, or ``None``.

    "No won deal takes more than 120 days" and "får inte överstiga 2 MSEK" bound from above.
    """
    for before in range(index - 1, -1, -1):
        if re.search(r"[,;:.!?()]", title[tokens[before].end() : tokens[before + 1].start()]):
            return None
        if tokens[before].group(0).lower() in _NEGATIONS:
            return tokens[before].start()
    return None


def _ranges(title: str, amounts: list[StatedAmount]) -> list[Leaning]:
    """"from 5 % to 3 %", "från 1 200 till 1 500": a range whose end lies below or above its start."""
    found = []
    for start, end in zip(amounts, amounts[1:]):
        opening = _FROM_WORD.search(title[: start.start])
        if opening is None or _TO_WORD.match(title[start.end : end.start]) is None or start.kind != end.kind:
            continue
        if end.value != start.value:
            way: Way = "decrease" if end.value < start.value else "increase"
            found.append(Leaning(way, title[opening.start() : end.end].strip()))
    return found


def _fits(amount: StatedAmount, unit: NodeUnit | None) -> bool:
    """Whether ``amount`` can be a value of a node in ``unit``: not a year or a label, and of a kind the node has.

    Bare numbers are read on every node ("under 800" on a cost): a bound's
    amount needs no currency word, as the amount S004 compares does.
    """
    if amount.role in ("year", "label"):
        return False
    if amount.role == "time" and (unit is None or unit.kind != "time"):
        return False
    if unit is None or amount.kind in ("plain", "scaled"):
        return True
    if amount.kind == "percent":
        return unit.kind in ("percent", "ratio", "multiple")
    return unit.kind == "currency" and amount.currency == unit.currency


def _opposite(way: Way) -> Way:
    return "increase" if way == "decrease" else "decrease"
