"""Markdown that CI posts as a pull-request comment pings no one and links nowhere from a goal file's text.

GitHub reads more than Markdown in a comment: ``@user`` and ``@org/team`` notify
people, ``#123``, ``org/repo#123`` and ``GH-123`` link issues (and leave a
backlink in them), and bare URLs, ``www.`` names and e-mail addresses become
links (GFM's autolink extension). A comment from a trusted bot is where a
phishing link or a false "please approve" to a team would do harm. A hostile
goal file's text must reach the comment as text: with a zero-width space that
breaks each of these, and the same text once that space is taken out.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from goaltree.cli import main
from goaltree.present.escape import ZERO_WIDTH_SPACE, markdown_code, markdown_text

TREE_TITLE = "@my-org/security please approve https://evil.example/login, it's fine"
OWNER = "@alice, ceo@evil.example"
TITLE = "Leads (#123, org/repo#45, GH-6, www.evil.example, HTTP://evil.example, mailto:a@b.se, user/repo@a5c3785)"
NODE_OWNER = "@bob"
DESCRIPTION = '@my-org/sales lifts it; "see" https://evil.example'


def goal_text(tree_title: str, title: str, owner: str, node_owner: str, description: str) -> str:
    """A small funnel with the given text in its title, owners, a node's title and a scenario's description."""
    return f"""\
goaltree: 1
id: seed-funnel
title: {json.dumps(tree_title)}
owner: {json.dumps(owner)}
period: {{start: 2027-01-01, end: 2027-12-31}}
nodes:
  revenue:
    title: 12.6 MSEK revenue
    unit: SEK
    target: 12600000
    formula: leads * lead_to_customer * deal
  leads: {{title: {json.dumps(title)}, owner: {json.dumps(node_owner)}, unit: count, actuals: {{2027-01-31: 80}}}}
  lead_to_customer: {{title: 1.4 % lead to customer, type: driver, unit: ratio, target: 0.014}}
  deal: {{title: 900 000 SEK per deal, type: driver, unit: SEK, target: 900000}}
scenarios:
  higher_conversion:
    description: {json.dumps(description)}
    set: {{lead_to_customer: 0.016}}
"""


HOSTILE = goal_text(TREE_TITLE, TITLE, OWNER, NODE_OWNER, DESCRIPTION)


def read_as_github(markdown: str) -> str:
    """The text GitHub looks for mentions, references and autolinks in: every text node, one a line.

    Markdown is read as GitHub reads it (CommonMark with tables): escapes and
    HTML entities are read, and code spans, code blocks and links are left out,
    as GitHub links and mentions nothing inside them.
    """
    from markdown_it import MarkdownIt

    lines = []
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type != "inline":
            continue
        line, in_link = "", False
        for child in token.children:
            if child.type == "link_open":
                in_link = True
            elif child.type == "link_close":
                in_link = False
            elif child.type in ("text", "text_special") and not in_link:
                line += child.content
            else:
                lines.append(line)
                line = ""
        lines.append(line)
    return "\n".join(lines)


# GitHub's mentions and references: "@" after a non-word character and before a
# login, "#" and "GH-" before an issue number, "@" between a user or repository and a commit.
MENTION = re.compile(r"(?<!\w)@[A-Za-z0-9]")
COMMIT = re.compile(r"[\w.-]@[0-9a-f]{7}", re.IGNORECASE)
REFERENCE = re.compile(r"#[0-9]|\bGH-[0-9]", re.IGNORECASE)
# GFM's extended autolinks: "www." at the start or after a space or one of "*_~("
# and before a domain; an e-mail address (which "mailto:" and "xmpp:" links hold).
WWW = re.compile(r"(?:^|(?<=[\s*_~(]))www\.[A-Za-z0-9_-]", re.MULTILINE)
EMAIL = re.compile(r"[A-Za-z0-9.+_-]@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.[A-Za-z0-9]")
SCHEME = re.compile(r"(?:https?|ftp)://(.)", re.IGNORECASE)


def github_links(text: str) -> list[str]:
    """Every mention, issue reference and autolink GitHub would make of ``text`` (read by :func:`read_as_github`).

    A URL is a link when any character but a space or punctuation follows its
    ``://``, as cmark-gfm (GitHub's Markdown) takes it for the start of a host
    name: a zero-width space there would still be a link.
    """
    found = [match.group() for pattern in (MENTION, COMMIT, REFERENCE, WWW, EMAIL) for match in pattern.finditer(text)]
    found += [
        match.group()
        for match in SCHEME.finditer(text)
        if not match.group(1).isspace() and not unicodedata.category(match.group(1)).startswith("P")
    ]
    return found


def as_seen(text: str) -> str:
    """Text as a reader sees it: without the zero-width spaces."""
    return text.replace(ZERO_WIDTH_SPACE, "")


@pytest.mark.parametrize(
    "text",
    [
        "@my-org/security please approve",
        "ping @alice.",
        "mail ceo@evil.example",
        "mailto:a@b.se xmpp:a@b.se/home",
        "https://evil.example/login",
        "HTTPS://evil.example ftp://evil.example",
        "www.evil.example and (www.evil.example)",
        "#123, org/repo#45, user#6, GH-7",
        "jlord/sheetsee.js@a5c3785",
    ],
)
def test_markdown_text_breaks_every_mention_reference_and_autolink(text):
    assert github_links(read_as_github(text))  # GitHub would link or notify this as written
    escaped = markdown_text(text)
    assert github_links(read_as_github(escaped)) == []
    assert as_seen(read_as_github(escaped)) == text


def test_the_zero_width_space_goes_before_the_html_entities():
    escaped = markdown_text("it's \"#1\" & <#2>")
    assert escaped == "it&#39;s &#34;#\u200b1&#34; &amp; &lt;#\u200b2&gt;"
    assert as_seen(read_as_github(escaped)) == "it's \"#1\" & <#2>"


def test_a_zero_width_space_after_the_scheme_would_still_be_a_link():
    assert github_links("https://\u200bevil.example") == ["https://\u200b"]
    assert github_links(read_as_github(markdown_text("https://evil.example"))) == []


def test_code_spans_are_left_as_written():
    assert markdown_code("@team #1 https://evil.example") == "`@team #1 https://evil.example`"
    assert read_as_github(markdown_code("@team #1 https://evil.example")).strip() == ""


@pytest.fixture
def goals(tmp_path):
    path = tmp_path / "goals.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


def assert_text_only(markdown: str, *expected: str) -> None:
    """``markdown`` links and mentions nothing, and shows each of ``expected`` as written."""
    seen = read_as_github(markdown)
    assert github_links(seen) == []
    for text in expected:
        assert text in as_seen(seen)


def test_the_markdown_report(goals, tmp_path):
    out = tmp_path / "report.md"
    assert main(["report", str(goals), "--as-of", "2027-06-30", "-o", str(out)]) == 0
    assert_text_only(out.read_text(encoding="utf-8"), TREE_TITLE, OWNER, TITLE, NODE_OWNER, DESCRIPTION)


def test_the_markdown_diff(goals, tmp_path, capsys):
    old = tmp_path / "old.yaml"
    old.write_text(goal_text("Seed funnel", "Leads", "Anna", "Bo", "Sales lifts it"), encoding="utf-8")
    assert main(["diff", str(old), str(goals), "--format", "md"]) == 0
    assert_text_only(capsys.readouterr().out, f'"{TREE_TITLE}"', OWNER, f'"{TITLE}"', NODE_OWNER, DESCRIPTION)


def test_the_markdown_scenarios(goals, capsys):
    assert main(["scenarios", str(goals), "--format", "md"]) == 0
    assert_text_only(capsys.readouterr().out, DESCRIPTION)


def test_the_step_summary():
    from goaltree.cli.ci_formats import step_summary
    from goaltree.errors import Diagnostic

    message = f"{TITLE} has no number, says {OWNER}"
    diagnostic = Diagnostic(code="S001", severity="warning", node="leads", message=message, file="goals.yaml", line=3, column=5)
    assert_text_only(step_summary([diagnostic], 1), message)
