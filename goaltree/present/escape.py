"""One escaper per output language: user text made safe in Markdown, Mermaid and Graphviz labels.

Goal files are untrusted: a title, an owner or a unit may hold anything. Every
writer of a language escapes user text with the one function for that
language here, so a fix to an escaper reaches every output at once. HTML
reports rely on Jinja2's autoescape (:mod:`goaltree.report.environment`), and
CSV on the :mod:`csv` module's quoting.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import escape


def plain(text: Any) -> str:
    """One line of printable text: control characters and runs of white space become one space."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())


# C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional embeddings,
# overrides and isolates that can make text read in another order than it runs.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """``text`` with every control character but line breaks and tabs, and every bidi override, as its ``\\uXXXX`` escape.

    What a terminal or a CI log would act on (an escape sequence, a carriage
    return) reads as text; JSON reads each escape back as the same character.
    """
    return _TERMINAL_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# Characters Markdown reads as formatting inside a line. Angle brackets, ampersands
# and quotes are HTML-escaped first (Markdown renders entities as the characters).
# '#' is left alone: escaping it would break those entities (&#39;), and inside a
# line it starts nothing (GitHub's #123 references are broken up below).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")

# What GitHub turns into a link, a notification or a cross-reference in the text
# of a comment, and the place in each where a zero-width space breaks it, as
# Dependabot and Renovate do: @user and @org/team mentions, e-mail addresses and
# user@sha (after the '@'), http://, https:// and ftp:// links (before the ':',
# where the scheme ends: GitHub takes any character but a space or punctuation
# after the '//' as the start of a host name, and a browser drops U+200B from one),
# www. links, and #123, org/repo#123 and GH-123 references. Code spans are left
# alone: GitHub links and mentions nothing inside them.
_GITHUB_AUTOLINKS = re.compile(
    r"""
    @                       # @user, @org/team, name@example.com, user@sha
    | (?=://)               # https://example.com
    | (?<=www)(?=\.)        # www.example.com
    | \#(?=\d)              # #123, org/repo#123
    | (?<=\bGH-)(?=\d)      # GH-123
    """,
    re.IGNORECASE | re.VERBOSE,
)
ZERO_WIDTH_SPACE = "\u200b"


def markdown_text(text: Any) -> str:
    """User text safe in Markdown on one line: in a table cell (``|`` escaped), a list item or a heading.

    HTML is escaped (``<script>`` reads as text), Markdown punctuation is
    backslash-escaped, and line breaks become spaces so a table row stays one
    row. A zero-width space (U+200B) goes where GitHub would otherwise make a
    mention, a link or an issue reference of the text: after the ``@`` of
    ``@team``, before the ``://`` of a URL, after the ``#`` of ``#12``. A
    comment a bot posts then pings no one and links nowhere, and reads as
    written. It goes in before the HTML escaping, so the ``#`` of an entity
    that escaping writes (``&#39;``) is never split.
    """
    unlinked = _GITHUB_AUTOLINKS.sub(lambda match: match.group() + ZERO_WIDTH_SPACE, plain(text))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(escape(unlinked)))


def markdown_code(text: Any) -> str:
    """Text as a Markdown code span, fenced with more backticks than any run inside it (CommonMark).

    Inside a table, a ``|`` is still escaped: GitHub splits cells before it reads code spans.
    """
    one_line = plain(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{padding}{one_line}{padding}{fence}"


# Characters that could end a Mermaid label, start markup or break a fenced block,
# as Mermaid entity codes. '#' comes first so that the codes themselves survive.
_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#34;",
    "&": "#38;",
    "<": "#60;",
    ">": "#62;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "(": "#40;",
    ")": "#41;",
    "|": "#124;",
    "`": "#96;",
}


# In a label that also holds markup (<b>, <br/>), mermaid.js (11) reads the entity
# codes first and Markdown after them, so `code`, *emphasis*, ~~strike~~ and
# [links](x) written with entity codes would still be formatted ("Unsupported
# markdown: codespan"). A backslash before the code keeps the character as text
# there; in a label without markup the same backslash would be shown. Inside
# "<...>" a backslash before ':' and '@' keeps <mail@example.com> from being an autolink.
_MARKDOWN_IN_MARKUP = frozenset("\\`*_~[]")
_AUTOLINK_MARKS = frozenset(":@")


def mermaid_text(text: Any, *, beside_markup: bool = False) -> str:
    """User text made safe inside a quoted Mermaid label (one line).

    No quote, bracket, angle bracket, ampersand, pipe or backtick reaches the
    Mermaid source, so user text cannot end a label, open a tag or close a
    Markdown code fence; ``%%`` (a comment or directive) is broken up.

    Args:
        text: The user text.
        beside_markup: The label also holds markup (``<b>``, ``<br/>``), where
            mermaid.js reads Markdown after the entity codes: Markdown's
            punctuation and the backslash get a backslash too, so that
            ``*word*`` is drawn as written.
    """
    pieces = []
    in_angle_brackets = False
    for ch in plain(text):
        code = _MERMAID_ENTITIES.get(ch, ch)
        if beside_markup and (ch in _MARKDOWN_IN_MARKUP or (in_angle_brackets and ch in _AUTOLINK_MARKS)):
            code = "\\" + code
        if ch == "<":
            in_angle_brackets = True
        elif ch == ">" or ch.isspace():
            in_angle_brackets = False
        pieces.append(code)
    escaped = "".join(pieces)
    while "%%" in escaped:
        escaped = escaped.replace("%%", "%#37;")
    return escaped


def graphviz_text(text: Any) -> str:
    """User text made safe inside a Graphviz HTML-like label (and printable on one line)."""
    return (
        plain(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )
