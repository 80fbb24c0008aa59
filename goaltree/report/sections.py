"""The sections of a status report, as plain data the templates (and the JSON report) read.

Each function takes the evaluation and returns dicts and lists of numbers and
words, in goal-file order or worst-first order, never depending on the clock.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from goaltree.engine.attribution import OWN_PACE, own_pace_words
from goaltree.engine.results import Evaluation, NodeResult
from goaltree.engine.serialize import number
from goaltree.errors import Diagnostic, sort_key
from goaltree.render.style import STATUS_ORDER, STATUS_STYLES, severity_rank, status_description, status_label, type_label
from goaltree.present.language import _, _n, _p, format_date
from goaltree.present.numbers import format_difference, format_number, format_percent, format_points, format_quantity, format_share, round_half_up

ATTENTION = ("off_track", "at_risk", "no_data")
"""Statuses the summary lists node by node."""

ATTENTION_SHOWN = 25
"""The needs-attention table shows this many nodes, worst first, and counts the rest."""

BREAKDOWN_SHOWN = 20
"""A breakdown table shows this many values, largest first, and counts the rest."""

MIN_SHARE = 0.005
"""Children whose parts of a gap are each smaller than half a percent are summed into one line of the explanation."""



# --- nodes ------------------------------------------------------------------------------------


def pace_ratio(result: NodeResult) -> float | None:
    """``progress / expected_progress`` (inverted for a budget cap), for ordering worst first."""
    if result.progress is None or result.expected_progress is None:
        return None
    if result.direction == "decrease" and result.aggregate == "sum":
        return result.expected_progress / result.progress if result.progress > 0 else math.inf
    if result.expected_progress <= 0:
        return math.inf
    return result.progress / result.expected_progress


def worst_first(evaluation: Evaluation, statuses: Iterable[str] | None = None) -> list[str]:
    """Node ids by status (off track first), then by how far behind pace, then goal-file order."""
    wanted = set(statuses) if statuses is not None else None
    order = {node_id: index for index, node_id in enumerate(evaluation.nodes)}

    def key(node_id: str) -> tuple:
        result = evaluation.nodes[node_id]
        ratio = pace_ratio(result)
        return (severity_rank(result.status), math.inf if ratio is None else ratio, order[node_id])

    chosen = [n for n, r in evaluation.nodes.items() if wanted is None or r.status in wanted]
    return sorted(chosen, key=key)


def node_view(result: NodeResult) -> dict[str, Any]:
    """One node with its numbers and their texts, for templates."""
    unit = result.unit
    style = STATUS_STYLES.get(result.status)
    bar = None if result.progress is None else min(1.0, max(0.0, result.progress))
    expected_bar = None if result.expected_progress is None else min(1.0, max(0.0, result.expected_progress))
    return {
        "id": result.id,
        "title": result.title,
        "type": result.type,
        "type_label": type_label(result.type),
        "unit": unit,
        "owner": result.owner,
        "direction": result.direction,
        "aggregate": result.aggregate,
        "rollup": result.rollup,
        "formula": result.formula,
        "weight": result.weight,
        "deadline": result.deadline.isoformat(),
        "deadline_text": format_date(result.deadline),
        "status": result.status,
        "status_label": status_label(result.status),
        "status_fill": style.fill if style else "#BBBBBB",
        "status_text": style.text if style else "#000000",
        "target": number(result.target),
        "target_text": format_quantity(result.target, unit),
        "target_origin": result.target_origin,
        "target_derivation": result.target_derivation.text if result.target_derivation else None,
        "baseline_text": format_quantity(result.baseline, unit),
        "actual": number(result.actual),
        "actual_text": format_quantity(result.actual, unit),
        "actual_origin": result.actual_origin,
        "actual_derivation": result.actual_derivation.text if result.actual_derivation else None,
        "expected": number(result.expected),
        "expected_text": format_quantity(result.expected, unit),
        "gap_text": format_difference(result.gap, unit),
        "progress": number(result.progress),
        "progress_text": format_percent(result.progress),
        "expected_progress": number(result.expected_progress),
        "expected_progress_text": format_percent(result.expected_progress),
        "bar": number(bar),
        # Rounded as the text is (a half away from zero), so a bar of 45.2 % sits beside "45.2 %".
        "bar_percent": None if bar is None else round_half_up(bar * 100, 1),
        "expected_bar_percent": None if expected_bar is None else round_half_up(expected_bar * 100, 1),
        "forecast": number(result.forecast),
        "forecast_text": format_quantity(result.forecast, unit),
        "score_text": format_percent(result.score),
        "children": list(result.children),
        "parents": list(result.parents),
        "unscored_text": unscored_text(result),
    }


def unscored_text(result: NodeResult) -> str | None:
    """The children an objective's score leaves out and why: ``c (a planning assumption, not measured)``."""
    if not result.unscored_children:
        return None
    return "; ".join(f"{child} ({reason})" for child, reason in result.unscored_children.items())


def outline(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Tree order for the interactive outline: each root, then its children depth first.

    A node that serves several parents is written under the first one reached
    and listed under the others as a reference. Each row says how to nest:
    ``has_children`` (its children follow) and ``close`` (how many enclosing
    levels end after it), so a template writes nested ``<details>`` without
    recursion, however deep the tree.
    """
    nodes = evaluation.nodes
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    placed_under: dict[str, list[str]] = {}
    roots = evaluation.roots
    root_set = set(roots)
    starts = list(roots) + [n for n in nodes if n not in root_set]
    for start in starts:
        stack: list[tuple[str, int, str | None]] = [(start, 0, None)]
        while stack:
            node_id, depth, parent = stack.pop()
            if node_id in seen:
                continue
            seen.add(node_id)
            if parent is not None:
                placed_under.setdefault(parent, []).append(node_id)
            rows.append({"id": node_id, "depth": depth})
            for child in reversed(nodes[node_id].children):
                if child not in seen:
                    stack.append((child, depth + 1, node_id))
    for index, row in enumerate(rows):
        following = rows[index + 1]["depth"] if index + 1 < len(rows) else 0
        row["has_children"] = following > row["depth"]
        row["close"] = 0 if row["has_children"] else row["depth"] - following
        direct = placed_under.get(row["id"], [])
        row["references"] = [c for c in nodes[row["id"]].children if c not in direct]
    return rows


# --- summary ----------------------------------------------------------------------------------


def summary(evaluation: Evaluation) -> dict[str, Any]:
    """Counts per status (worst first) and the nodes that need attention (worst first)."""
    counts = {status: 0 for status in STATUS_ORDER}
    for result in evaluation.nodes.values():
        counts[result.status] = counts.get(result.status, 0) + 1
    total = len(evaluation.nodes)
    tiles = [
        {
            "status": status,
            "label": status_label(status),
            "count": count,
            "fill": STATUS_STYLES[status].fill,
            "text": STATUS_STYLES[status].text,
            "description": status_description(status),
        }
        for status, count in counts.items()
        if count or status not in ("not_started", "assumed")
    ]
    attention = worst_first(evaluation, ATTENTION)
    behind = counts["off_track"] + counts["at_risk"]
    # A planning assumption counts neither way: "3 of 7" is out of the nodes that are scored.
    assumed = counts["assumed"]
    scored = total - assumed
    # Counts are grouped as every figure is ("473 of 1 000"); a count of one reads in the singular.
    figures = {"behind": format_number(behind), "count": format_number(scored)}
    if behind and assumed:
        clauses = [_n("{behind} of {count} scored node is behind its pace", "{behind} of {count} scored nodes are behind their pace", scored, **figures)]
    elif behind:
        clauses = [_n("{behind} of {count} node is behind its pace", "{behind} of {count} nodes are behind their pace", scored, **figures)]
    elif assumed:
        clauses = [_n("No node is behind its pace ({count} scored node)", "No node is behind its pace ({count} scored nodes)", scored, **figures)]
    else:
        clauses = [_n("No node is behind its pace ({count} node)", "No node is behind its pace ({count} nodes)", scored, **figures)]
    if counts["no_data"]:
        clauses.append(_p("report", "{count} without data", count=format_number(counts["no_data"])))
    if assumed:
        clauses.append(
            _n("{count} planning assumption not scored", "{count} planning assumptions not scored", assumed, count=format_number(assumed))
        )
    headline = "; ".join(clauses)
    return {
        "counts": tiles,
        "total": total,
        "scored": scored,
        "attention": attention,
        "attention_shown": attention[:ATTENTION_SHOWN],
        "attention_more": max(0, len(attention) - ATTENTION_SHOWN),
        "headline": headline,
    }


# --- why a parent misses ----------------------------------------------------------------------


def _is_behind(result: NodeResult) -> tuple[bool, float | None, str]:
    """Whether the node is behind its pace, its gap, and the gap's unit (``points`` for objectives)."""
    if result.gap is not None:
        gap, unit = result.gap, result.unit or ""
        behind = gap > 0 if result.direction == "decrease" else gap < 0
        scale = max(1.0, abs(result.expected or 0.0))
    elif result.progress is not None and result.expected_progress is not None:
        gap, unit = result.progress - result.expected_progress, "points"
        behind = gap < 0
        scale = 1.0
    else:
        return False, None, ""
    return behind and abs(gap) > 1e-9 * scale, gap, unit


def explanations(evaluation: Evaluation) -> list[dict[str, Any]]:
    """For each node behind its pace, which children explain its gap and by how much (SPEC §3.5).

    Shares are parts of the gap: 82 % means the child's shortfall accounts for
    82 % of the parent's; a negative share is a child that makes the gap
    smaller (one ahead of its pace, or a divisor behind it: fewer leads raise
    the conversion rate computed from them). The parts add up to the whole gap; what the
    children do not explain is the parent's own pace ("its own pace differs
    from its parts by −40 %"), so a share beyond ±100 % is never left
    without what balances it. Children whose parts are each under
    :data:`MIN_SHARE` are summed into one last line ("11 other children
    explain 4 %"), which names them in ``others``: the explanation of a sum
    of a thousand channels stays short, and its shares still add up.
    """
    items = []
    for node_id in worst_first(evaluation):
        result = evaluation.nodes[node_id]
        if not result.attribution:
            continue
        behind, gap, unit = _is_behind(result)
        if not behind or not gap:
            continue
        parts, small = [], []
        for child, amount in result.attribution.items():
            if amount == 0:  # a child exactly on its pace explains nothing of the gap
                continue
            fraction = amount / gap
            if abs(fraction) < MIN_SHARE:
                # A child's small part is summed below; the parent's own pace under half a percent is float residue.
                if child != OWN_PACE:
                    small.append((child, amount))
                continue
            parts.append(_part(evaluation, result, child, amount, fraction, unit))
        if len(small) == 1:  # one line either way: name it
            child, amount = small[0]
            parts.append(_part(evaluation, result, child, amount, amount / gap, unit))
        parts.sort(key=lambda part: -part["share"])
        named = [part for part in parts if part["child"] is not None]
        if len(small) > 1:
            parts.append(_others_part(small, gap, unit, result, none_named=not named))
        if not parts:
            continue
        gap_text = _gap_text(gap, unit, result)
        if unit == "points":
            lead = _(
                "{node} is {points} points behind its expected progress",
                node=node_id,
                points=format_percent(abs(gap)).replace(" %", ""),
            )
        else:
            lead = _("{node} is {amount} behind its expected pace", node=node_id, amount=format_difference(gap, result.unit, signed=False))
        # "lead: first, others; the small ones; own pace." The clauses are whole sentences of their
        # own; only the punctuation between them is the code's.
        pieces = []
        for part in named:
            if not pieces:
                pieces.append(_("{child} explain {share} of the {node} gap", child=part["child"], share=part["share_text"], node=node_id))
            else:
                pieces.append(f"{part['child']} {part['share_text']}")
        clauses = [", ".join(pieces)] if pieces else []
        others = next((part for part in parts if part["others"]), None)
        if others is not None:
            clauses.append(_others_clause(others, node_id, none_named=not named))
        rest = next((part for part in parts if part["child"] is None and not part["others"]), None)
        if rest is not None:
            clauses.append(_("its own pace differs from its parts by {share}", share=rest["share_text"]))
        sentence = f"{lead}: " + "; ".join(clauses) + "."
        if any(part["offsets"] and (part["child"] is not None or part["others"]) for part in parts):
            sentence += " " + _("A negative share is a child that narrows the gap.")
        items.append(
            {
                "node": node_id,
                "title": result.title,
                "status": result.status,
                "status_label": status_label(result.status),
                "gap": number(gap),
                "gap_text": gap_text,
                "gap_unit": unit,
                "parts": parts,
                "sentence": sentence,
            }
        )
    return items


def _part(evaluation: Evaluation, result: NodeResult, child: str, amount: float, fraction: float, unit: str) -> dict[str, Any]:
    """One line of an explanation: a child's part of the gap, or the parent's own pace (``child`` ``None``)."""
    own = child == OWN_PACE
    return {
        "child": None if own else child,
        "title": own_pace_words() if own else evaluation.nodes[child].title,
        "amount": number(amount),
        "amount_text": _gap_text(amount, unit, result),
        "share": number(fraction),
        "share_text": format_share(fraction),
        "offsets": fraction < 0,
        "others": [],
    }


def _others_part(small: list[tuple[str, float]], gap: float, unit: str, result: NodeResult, *, none_named: bool) -> dict[str, Any]:
    """The children whose parts are each under :data:`MIN_SHARE` of the gap, summed into one line.

    The explanation stays short with a thousand children, and its shares still
    add up to the whole gap: ``11 other children, each under 0.5 % of the gap``
    explain 4 %. ``others`` names them.
    """
    amount = math.fsum(amount for _child, amount in small)
    fraction = amount / gap
    count, limit = len(small), format_percent(MIN_SHARE)
    if none_named:
        title = _n("{count} child, each under {limit} of the gap", "{count} children, each under {limit} of the gap", count, count=format_number(count), limit=limit)
    else:
        title = _n(
            "{count} other child, each under {limit} of the gap",
            "{count} other children, each under {limit} of the gap",
            count,
            count=format_number(count),
            limit=limit,
        )
    return {
        "child": None,
        "title": title,
        "amount": number(amount),
        "amount_text": _gap_text(amount, unit, result),
        "share": number(fraction),
        "share_text": format_share(fraction),
        "offsets": fraction < 0,
        "others": [child for child, _amount in small],
    }


def _others_clause(part: dict[str, Any], node_id: str, *, none_named: bool) -> str:
    """The sentence's clause for :func:`_others_part`: ``11 other children explain 4 %, each under 0.5 %``."""
    count, limit = len(part["others"]), format_percent(MIN_SHARE)
    if none_named:
        return _n(
            "{count} child explains {share} of the {node} gap, each under {limit}",
            "{count} children explain {share} of the {node} gap, each under {limit}",
            count,
            count=format_number(count),
            share=part["share_text"],
            node=node_id,
            limit=limit,
        )
    return _n(
        "{count} other child explains {share}, each under {limit}",
        "{count} other children explain {share}, each under {limit}",
        count,
        count=format_number(count),
        share=part["share_text"],
        limit=limit,
    )


def _gap_text(amount: float, unit: str, result: NodeResult) -> str:
    """A part of a gap in the parent's unit, or in progress points for objectives."""
    if unit == "points":
        points = format_points(amount)
        return _p("report", "{points} points", points=points)
    return format_difference(amount, result.unit)


# --- breakdowns and findings ------------------------------------------------------------------


def breakdowns(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The per-dimension values of every node with a ``by`` dimension, largest first."""
    items = []
    for node_id, result in evaluation.nodes.items():
        if not result.breakdown:
            continue
        total = math.fsum(result.breakdown.values())
        rows = []
        for dimension, value in sorted(result.breakdown.items(), key=lambda item: (-item[1], item[0])):
            fraction = value / total if total and result.aggregate == "sum" else None
            rows.append(
                {
                    "dimension": dimension,
                    "value": number(value),
                    "value_text": format_quantity(value, result.unit),
                    "share": number(fraction),
                    "share_text": format_share(fraction) if fraction is not None else "",
                    "bar_percent": None if fraction is None else round_half_up(max(0.0, min(1.0, fraction)) * 100, 1),
                }
            )
        items.append(
            {
                "node": node_id,
                "title": result.title,
                "unit": result.unit,
                "total_text": format_quantity(total, result.unit) if result.aggregate == "sum" else "",
                "rows": rows,
                "rows_shown": rows[:BREAKDOWN_SHOWN],
                "rows_more": max(0, len(rows) - BREAKDOWN_SHOWN),
            }
        )
    return items


def merge_findings(*groups: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics from several checks, each once, sorted by place, severity and code."""
    unique: dict[tuple, Diagnostic] = {}
    for group in groups:
        for diagnostic in group:
            key = (diagnostic.code, diagnostic.severity, diagnostic.node, diagnostic.message, diagnostic.line, diagnostic.column)
            unique.setdefault(key, diagnostic)
    return sorted(unique.values(), key=sort_key)


def findings(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    """The SMART findings (and every other diagnostic) as rows, with counts per severity."""
    rows = []
    for diagnostic in diagnostics:
        where = Path(diagnostic.file).name if diagnostic.file else ""
        if where and diagnostic.line is not None:
            where += f":{diagnostic.line}" + (f":{diagnostic.column}" if diagnostic.column is not None else "")
        rows.append(
            {
                "code": diagnostic.code,
                "family": _family(diagnostic.code),
                "severity": diagnostic.severity,
                "node": diagnostic.node,
                "message": diagnostic.message,
                "where": where,
            }
        )
    counts = {severity: sum(1 for d in diagnostics if d.severity == severity) for severity in ("error", "warning", "info")}
    return {"rows": rows, "errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"]}


_FAMILIES = {"S": "specific", "M": "measurable", "A": "achievable", "R": "relevant", "T": "time-bound", "E": "structure"}


def _family(code: str) -> str:
    return _FAMILIES.get(code[:1], "other")


def family_word(family: str) -> str:
    """A rule family (``measurable``) as the findings table says it, in the current language."""
    words = {
        "specific": _p("report", "specific"),
        "measurable": _p("report", "measurable"),
        "achievable": _p("report", "achievable"),
        "relevant": _p("report", "relevant"),
        "time-bound": _p("report", "time-bound"),
        "structure": _p("report", "structure"),
        "other": _p("report", "other"),
    }
    return words.get(family, family)




def source_text(source: Mapping[str, Any], as_of: Any) -> str:
    """Where the numbers come from, in the current language: ``snapshot s.json (sha256 …), fetched at …``.

    Args:
        source: :func:`data_source`'s answer (its ``text`` is the English one the JSON report keeps).
        as_of: The evaluation's as-of date.
    """
    date = format_date(as_of)
    kind = source["kind"]
    if kind == "snapshot":
        text = _p("report", "snapshot {name}", name=source["path"])
        if source["sha256"]:
            text += f" (sha256 {source['sha256'][:12]})"
        if source["fetched_at"]:
            text = _("{snapshot}, fetched at {time}", snapshot=text, time=source["fetched_at"])
        return text
    if kind == "live":
        return _p("report", "live sources at {date}", date=date)
    if kind == "inline":
        return _("inline actuals in the goal file, up to {date}", date=date)
    return _("no observations up to {date}", date=date)


# --- where the numbers come from --------------------------------------------------------------


def data_source(evaluation: Evaluation) -> dict[str, Any]:
    """Which data the numbers come from: a snapshot file, live sources, or inline actuals."""
    as_of = evaluation.as_of.isoformat()
    snapshot: Mapping[str, Any] | None = evaluation.snapshot
    if snapshot:
        name = Path(str(snapshot.get("path", ""))).name
        digest = str(snapshot.get("sha256") or "")
        fetched = snapshot.get("fetched_at")
        text = f"snapshot {name}" + (f" (sha256 {digest[:12]})" if digest else "") + (f", fetched at {fetched}" if fetched else "")
        return {"kind": "snapshot", "text": text, "path": name, "sha256": digest or None, "fetched_at": fetched, "as_of": as_of}
    live = any(
        r.actual_origin == "measured" and r.actual_source is not None
        for r in evaluation.nodes.values()
    )
    if live:
        return {"kind": "live", "text": f"live sources at {as_of}", "path": None, "sha256": None, "fetched_at": None, "as_of": as_of}
    if any(r.observations for r in evaluation.nodes.values()):
        return {"kind": "inline", "text": f"inline actuals in the goal file, up to {as_of}", "path": None, "sha256": None, "fetched_at": None, "as_of": as_of}
    return {"kind": "none", "text": f"no observations up to {as_of}", "path": None, "sha256": None, "fetched_at": None, "as_of": as_of}
