"""S — specific: a goal says what, how much, and who owns it."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Iterator

from goaltree.present.language import N_, _
from goaltree.present.numbers import format_number
from goaltree.engine.direction import against_direction
from goaltree.errors import Diagnostic
from goaltree.rules import amounts, title_direction, wording, words
from goaltree.rules.base import CheckContext, Finding, NodeRule, Option, where
from goaltree import codes

if TYPE_CHECKING:
    from goaltree.graph import GoalTree
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

    code = codes.VAGUE_TITLE
    name = "specific.vague_title"
    severity = "warning"
    needs_tree = False
    options = (
        Option(
            "vague_words",
            [],
            "words",
            N_("More words to treat as vague, in any language (matched as whole words, any case)."),
        ),
    )

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        word = words.vague_word(node.title, _vague(tuple(context.options.get("vague_words", ()))))
        if word is None:
            return
        target = context.target_of(node_id)
        if target is None:
            message = _(
                "the title '{title}' says '{word}' but not how much; "
                "name the amount, as in '400 qualified leads from content in 2027'",
                title=node.title,
                word=word,
            )
        elif node.target is not None:
            message = _(
                "the title '{title}' says '{word}' but not how much; put the amount in it (its target is {amount})",
                title=node.title,
                word=word,
                amount=_hint_amount(target, node.unit),
            )
        else:
            message = _(
                "the title '{title}' says '{word}' but not how much; "
                "put the amount in it (its derived target is {amount})",
                title=node.title,
                word=word,
                amount=_hint_amount(target, node.unit),
            )
        yield Finding(message, node_id, where(node_id, "title"))


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

    code = codes.KPI_TITLE_WITHOUT_QUANTITY
    name = "specific.kpi_title_without_quantity"
    severity = "info"
    needs_tree = False

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if node.type != "kpi" or words.has_quantity(node.title):
            return
        if words.find_vague(node.title, _vague(tuple(context.options.get("vague_words", ())))):
            return  # S001 reports it
        target = context.target_of(node_id)
        if target is None:
            message = _(
                "the KPI title '{title}' names no number; "
                "name the amount, as in '400 qualified leads from content in 2027'",
                title=node.title,
            )
        elif node.target is not None:
            message = _(
                "the KPI title '{title}' names no number; put the amount in it (its target is {amount})",
                title=node.title,
                amount=_hint_amount(target, node.unit),
            )
        else:
            message = _(
                "the KPI title '{title}' names no number; put the amount in it (its derived target is {amount})",
                title=node.title,
                amount=_hint_amount(target, node.unit),
            )
        yield Finding(message, node_id, where(node_id, "title"))


def _hint_amount(target: float, unit: str | None) -> str:
    """The target to put in a title, with its unit unless it counts: ``400``, ``63 000 000 SEK``."""
    return wording.amount(target, unit)


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

    code = codes.MISSING_OWNER
    name = "specific.missing_owner"
    severity = "warning"
    needs_tree = False

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if (node.owner or "").strip() or (context.goal_file.owner or "").strip():
            return
        yield Finding(
            _("nobody owns this goal; set `owner:` on the node, or a default `owner:` at the top of the file"),
            node_id,
            where(node_id),
            key=True,
        )


class TitleContradictsTarget(NodeRule):
    """A title states an amount that contradicts the node's target.

    Titles are what people read in reports and diagrams, so a title that says
    "1 500 leads" on a node whose target is 3 000 — after a re-plan changed
    the target, or because a formula derives something else — misleads
    everyone who does not open the file. The rule reads the amount in the
    title, in English or Swedish ("1 500", "1,500", "5,4 mnkr", "63 MSEK",
    "63 000 000 kr", "900 tkr", "1,2 mdr", "40 %", "1,4 procent"), and
    compares it with the declared or derived target, in the node's unit:
    "40 %" is 40 on a `%` node and 0.40 on a `ratio` node, "950 %" is 9.5 on
    a `multiple` node (an ROI of 950 % is 9.5×, and "ROAS 8:1" says 8), a
    currency amount counts only on a node in that currency (`kSEK` and
    `MSEK` nodes are scaled), a plain number or "50k" only on a node that
    counts. A minus sign makes an amount negative ("−200 tkr" is −200 000
    SEK). "1 500 leads
    per kvartal" on a flow states a quarter's share of the target. The two
    contradict when they differ by more than 0.5 % (as in A003) and by more
    than the rounding of the written number ("63 MSEK" may stand for 62.5 to
    63.5 MSEK).

    Numbers that are not the goal's amount are left alone: years, dates,
    quarters ("Q3"), ranks ("top 3"), durations ("inom 30 dagar"), changes
    ("med 20 %", "500 fler", "+1 300 leads", "−20 %"), the start of a range
    ("från 1 200 till 1 500", "1 200–1 500") and denominators ("per 1 000
    besök"). When a title holds several amounts
    of the node's kind and none of them is the target, the rule cannot tell
    which one is meant and says nothing.

    **Anti-pattern**

    ```yaml
    leads:
      title: 1 500 leads per kvartal
      unit: count
      target: 12000          # 3 000 per quarter over the year
    ```

    **Best practice**

    ```yaml
    leads:
      title: 3 000 leads per kvartal
      unit: count
      target: 12000
    ```
    """

    code = codes.TITLE_CONTRADICTS_TARGET
    name = "specific.title_contradicts_target"
    severity = "warning"

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        target = context.target_of(node_id)
        if target is None or node.direction == "maintain":
            return
        period = context.goal_file.period
        statement = amounts.title_statement(
            node.title,
            node.unit,
            target,
            flow=context.aggregate_of(node_id) == "sum",
            start=period.start,
            deadline=context.goal_file.deadline_of(node_id),
            years=context.period_years,
            title_amounts=context.amounts_in(node.title),
        )
        if statement is None or statement.agrees:
            return
        amount = statement.amount
        said = amount.text
        if amount.kind in ("plain", "scaled") and amount.noun:
            said += f" {amount.noun}"
        if amount.per_text:
            said += f" {amount.per_text}"
        declared = node.target is not None
        fields = {"said": said, "wanted": _in_unit(statement.expected, node.unit)}
        if statement.expected == target:
            if declared:
                message = _("the title says {said} but the target is {wanted}; correct the title or the target", **fields)
            else:
                message = _(
                    "the title says {said} but the derived target is {wanted}; correct the title or the target",
                    **fields,
                )
        else:
            fields.update(total=_in_unit(target, node.unit), per=amount.per_text)
            if declared:
                message = _(
                    "the title says {said} but the target is {total} over the period, {wanted} {per}; "
                    "correct the title or the target",
                    **fields,
                )
            else:
                message = _(
                    "the title says {said} but the derived target is {total} over the period, {wanted} {per}; "
                    "correct the title or the target",
                    **fields,
                )
        yield Finding(message, node_id, where(node_id, "title"))


def _in_unit(value: float, unit: str | None) -> str:
    """A target with its unit, as the title would say it: ``3 000``, ``63 000 000 SEK``, ``0.014 (1.4 %)``, ``950× (95 000 %)``."""
    if unit == "ratio":
        return f"{format_number(value)} ({format_number(value * 100)} %)"
    if unit == "multiple":
        return f"{format_number(value, unit)} ({format_number(value * 100)} %)"
    return wording.amount(value, unit)


class TitleContradictsDirection(NodeRule):
    """A title says the value should stay low or fall ("at most", "under 800 SEK", "högst", "sänka") while `direction` is `increase`, or the reverse.

    `direction` is `increase` unless the file says otherwise, and a node to
    increase is *achieved* once its actual reaches the target: a cost per lead
    of 950 SEK against "Cost per lead under 800 SEK" reads achieved at 119 %,
    and a marketing budget that is under-spent reads off track. The rule reads
    which way the title goes, in English and Swedish: "at most", "no more
    than", "under", "below", "max", "maximum", "cap", "down to", "reduce",
    "decrease", "minimize", "högst", "maximalt", "tak", "budgettak", "ned
    till", "sänka", "minska" — or a range that falls, "från 5 % till 3 %" —
    say it should stay low or fall; "at least", "more than", "over", "grow",
    "increase to", "maximize", "minst", "över", "öka", "höja" say it should
    stay high or rise. A title that says one while the node's `direction`
    says the other is reported; the fix is usually `direction: decrease` on a
    cost, a cap or a time to close.

    Words with other meanings count only where they bound an amount of the
    node's kind: Swedish "under" also means "during", so "Leads under Q1",
    "under 2027" and "under året" say nothing, "under 800 SEK" does; "max"
    counts, "maximize" means increase. "lower", "cut", "increase" and "boost"
    count only as a title's first word ("Lower churn to 3 %"). A title that
    goes both ways ("Grow revenue at a CAC under 60 000 SEK") is left alone,
    as are objectives and `maintain` nodes. A level that A006 already reports
    (its target behind its baseline for its direction) is not reported again.
    A level that only has to stay below a bound it is already under may
    rather be `direction: maintain` with `range: [0, 800]`.

    **Anti-pattern**

    ```yaml
    cost_per_lead: {title: Cost per lead under 800 SEK, unit: SEK, aggregate: last, target: 800}
    ```

    **Best practice**

    ```yaml
    cost_per_lead: {title: Cost per lead under 800 SEK, unit: SEK, aggregate: last, direction: decrease, target: 800}
    ```
    """

    code = codes.TITLE_CONTRADICTS_DIRECTION
    name = "specific.title_contradicts_direction"
    severity = "warning"
    needs_tree = False

    @staticmethod
    def reads(node: "Node") -> bool:
        """Whether the rule reads the node's title: objectives and `maintain` nodes have no way to contradict."""
        return node.type != "objective" and node.direction != "maintain"

    def check_node(self, context: CheckContext, node_id: str, node: "Node") -> Iterator[Finding]:
        if not self.reads(node):
            return
        if not title_direction.may_lean(node.title, "decrease" if node.direction == "increase" else "increase"):
            return  # nothing in the title can say the other way
        leaning = title_direction.title_leaning(node.title, node.unit, context.period_years)
        if leaning is None or leaning.way == node.direction:
            return
        target = context.target_of(node_id)
        if (
            target is not None
            and context.aggregate_of(node_id) != "sum"
            and against_direction(node.direction, node.baseline, target)
        ):
            return  # A006 reports it
        stated = "direction" in node.model_fields_set
        if leaning.way == "increase":
            message = _(
                "the title says '{phrase}', so the value should stay high or rise, but `direction: decrease` "
                "scores it as one that should stay low or fall; remove `direction: decrease` (increase is the default)",
                phrase=leaning.phrase,
            )
        elif stated:
            message = _(
                "the title says '{phrase}', so the value should stay low or fall, but `direction: increase` "
                "reads a value above the target as achieved; write `direction: decrease`",
                phrase=leaning.phrase,
            )
        else:
            message = _(
                "the title says '{phrase}', so the value should stay low or fall, but the direction is increase "
                "(the default), which reads a value above the target as achieved; add `direction: decrease`",
                phrase=leaning.phrase,
            )
        yield Finding(message, node_id, where(node_id, "direction" if stated else "title"))


def contested_directions(tree: "GoalTree") -> dict[str, Diagnostic]:
    """S005 for ``goaltree evaluate``: node id -> the warning, for each node whose title leans against its direction.

    The engine paces these nodes without a verdict (a cost "under 800 SEK"
    left to increase would read achieved at 950). A file that disables S005,
    or a node that suppresses it, is judged by its direction as written.
    """
    goal_file = tree.goal_file
    nodes = goal_file.nodes
    # Most titles lean neither way: they are passed over together, before any node or rule is read
    # (the titles of nodes the rule does not read add titles that may lean, never take one away).
    leaning = title_direction.titles_that_may_lean([node.title for node in nodes.values()])
    if not leaning:
        return {}
    read = {node_id: node for node_id, node in nodes.items() if node.title in leaning and TitleContradictsDirection.reads(node)}
    from goaltree.engine.equations import SolveOutcome
    from goaltree.rules.locate import locate
    from goaltree.rules.runner import configure
    from goaltree.rules.registry import DEFAULT_RULES

    config = configure(goal_file, DEFAULT_RULES)
    if TitleContradictsDirection.code in config.disabled:
        return {}
    # No targets: whether A006 speaks for a node instead is for the caller to see in the evaluation.
    context = CheckContext(goal_file, SolveOutcome({}, {}, []), tree=tree)
    rule = TitleContradictsDirection()
    contested = {}
    for node_id, node in read.items():
        if TitleContradictsDirection.code in config.suppressions.get(node_id, ()):
            continue
        for finding in rule.check_node(context, node_id, node):
            diagnostic = Diagnostic(rule.code, rule.severity, finding.message, node=node_id, path=finding.path)
            contested[node_id] = locate(tree.load, diagnostic, key=finding.key)
    return contested
