"""S — specific: a goal says what, how much, and who owns it."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Iterator

from goaltree.rules import words
from goaltree.rules.base import CheckContext, Finding, NodeRule, Option, format_number, where

if TYPE_CHECKING:
    from goaltree.model import Node


@lru_cache(maxsize=8)
def _vague(extra: tuple[str, ...]) -> frozenset[str]:
    return words.vague_words(extra)


class VagueTitle(NodeRule):
    """A title leans on a vague word (better, more, improve; bättre, fler, öka …) and names no quantity.

    "Better", "more", "improve", "strengthen", "optimize" — in Swedish "bättre",
    "förbättra", "mer", "fler", "stärka", "öka" — say which way to go but not
    how far, so nobody can tell when the goal is reached. The rule fires when
    such a word appears and the title has no number: a year ("2027"), a
    quarter ("Q3"), a date or a digit inside a word ("B2B") is not a quantity.
    Titles that carry their amount ("63 MSEK new revenue from
    marketing-sourced customers", "Öka försäljningen med 20 %") pass.

    A qualitative objective that is vague on purpose (a brand promise scored
    by its children) can say so with `suppress: {S001: "…why…"}`. Add your own
    words with `checks.options.vague_words`.

    **Anti-pattern**

    ```yaml
    content:
      title: Vi ska göra bättre content
    ```

    **Best practice**

    ```yaml
    content_leads:
      title: Vårt content ska generera 400 kvalificerade leads 2027
      unit: count
      target: 400
    ```
    """

    code = "S001"
    name = "specific.vague_title"
    severity = "warning"
    needs_tree = False
    options = (
        Option(
            "vague_words",
            [],
            "words",
            "More words to treat as vague, in any language (matched as whole words, any case).",
        ),
    )

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        word = words.vague_word(node.title, _vague(tuple(context.options.get("vague_words", ()))))
        if word is not None:
            yield Finding(
                f"the title '{node.title}' says '{word}' but not how much; {_amount_hint(context, node_id, node)}",
                node_id,
                where(node_id, "title"),
            )


class KpiTitleWithoutQuantity(NodeRule):
    """A KPI's title names no number or quantity.

    A KPI is a number, and the title is what people read in reports and
    diagrams: "Website visits" leaves the reader to look up the target;
    "250 000 website visits" does not. This is a note (`info`), not a
    warning, because the target field already holds the number; raise it with
    `checks.severity: {S002: warning}` if your team wants titles to carry
    their amounts. A number-word ("double", "fördubbla", "tre") counts; a
    year alone does not. Titles that S001 already reports as vague are not
    reported again here. Objectives and drivers are not checked.

    **Anti-pattern**

    ```yaml
    visits:
      title: Website visits
      target: 250000
    ```

    **Best practice**

    ```yaml
    visits:
      title: 250 000 website visits
      target: 250000
    ```
    """

    code = "S002"
    name = "specific.kpi_title_without_quantity"
    severity = "info"
    needs_tree = False

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if node.type != "kpi" or words.has_quantity(node.title):
            return
        if words.find_vague(node.title, _vague(tuple(context.options.get("vague_words", ())))):
            return  # S001 reports it
        yield Finding(
            f"the KPI title '{node.title}' names no number; {_amount_hint(context, node_id, node)}",
            node_id,
            where(node_id, "title"),
        )


def _amount_hint(context: CheckContext, node_id: str, node: "Node") -> str:
    """How to fix a title without an amount: with the node's own target when it has one."""
    target = context.target_of(node_id)
    if target is None:
        return "name the amount, as in '400 qualified leads from content in 2027'"
    unit = f" {node.unit}" if node.unit and node.unit != "count" else ""
    origin = "target" if node.target is not None else "derived target"
    return f"put the amount in it (its {origin} is {format_number(target)}{unit})"


class MissingOwner(NodeRule):
    """A node has no owner: neither its own `owner` nor the file's.

    A goal without an owner is a goal nobody answers for. Set `owner:` at the
    top of the file for the default (the head of the team), and on the nodes
    someone else answers for.

    **Anti-pattern**

    ```yaml
    goaltree: 1
    id: marketing-2027
    title: Marketing 2027
    period: {start: 2027-01-01, end: 2027-12-31}
    nodes:
      leads:
        title: 5 000 leads from the website
    ```

    **Best practice**

    ```yaml
    owner: Head of Marketing
    nodes:
      leads:
        title: 5 000 leads from the website
        owner: Web team
    ```
    """

    code = "S003"
    name = "specific.missing_owner"
    severity = "warning"
    needs_tree = False

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if (node.owner or "").strip() or (context.goal_file.owner or "").strip():
            return
        yield Finding(
            "nobody owns this goal; set `owner:` on the node, or a default `owner:` at the top of the file",
            node_id,
            where(node_id),
            key=True,
        )
