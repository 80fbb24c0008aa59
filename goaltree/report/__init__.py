"""Status reports of an evaluated goal tree: HTML, Markdown and JSON, from Jinja2 templates.

:func:`build_context` gathers the report's sections as plain data;
:func:`render_report` renders them with a built-in template (``templates/``)
or a user's own. Output depends only on the evaluation (and the SMART findings
passed in): never on the clock, so the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Sequence

from goaltree.engine.results import Evaluation
from goaltree.errors import Diagnostic, GoaltreeError
from goaltree.present.language import N_, _, format_date

if TYPE_CHECKING:
    from goaltree.graph import GoalTree

ReportFormat = Literal["html", "md", "json"]
FORMATS: tuple[str, ...] = ("html", "md", "json")

DIAGRAM_CHILDREN = 25
"""The report's diagrams draw at most this many children under a node, the worst first; the card counts
the rest. A row of thousands of cards cannot be read, and Graphviz lays out a wide level in more than
linear time; ``goaltree render`` draws every child unless ``--children`` is given."""

DIAGRAM_NODES = 200
"""The report's diagrams draw at most this many nodes: the top levels, and on the level that would pass
the limit its worst nodes first. A report's diagram is an overview (the list of goals and KPIs holds every
node), and Graphviz's layout time grows faster than the tree (docs/performance.md). The Mermaid block
draws fewer when Mermaid's default limits call for it (:func:`report_mermaid`)."""

__all__ = ["FORMATS", "build_context", "collect_findings", "render_report", "report_mermaid"]


def collect_findings(evaluation: Evaluation, tree: "GoalTree | None") -> tuple[list[Diagnostic], str | None]:
    """The SMART findings of the goal file merged with the evaluation's own diagnostics.

    Args:
        evaluation: The evaluation of ``tree``.
        tree: The tree that was evaluated (``goaltree.load``): the checks run on
            it, the goal file is not read again. ``None``: only the evaluation's diagnostics.

    Returns the findings and, if the checks themselves crashed, a note saying
    so: the checks are meant never to raise, but if one does, the management
    team still gets its report, and the report says the checks did not run.
    """
    from goaltree.report.sections import merge_findings

    found: list[Diagnostic] = []
    note = None
    if tree is not None:
        from goaltree.rules import check_built

        try:
            found = list(check_built(tree))
        except Exception as error:  # a broken rule must not cost anyone the status report
            crash = f"{type(error).__name__}: {error}"
            note = _("the SMART checks could not run ({error}); only the evaluation's diagnostics are shown", error=crash)
            print(f"goaltree: warning: {note}", file=sys.stderr)
    return merge_findings(found, evaluation.diagnostics), note


def report_mermaid(evaluation: Evaluation) -> tuple[str, int]:
    """The report's Mermaid flowchart and how many nodes it draws.

    At most :data:`DIAGRAM_CHILDREN` children under a node and :data:`DIAGRAM_NODES`
    nodes, and fewer nodes where the text would pass Mermaid's default ``maxEdges``
    or ``maxTextSize``: sites that render Mermaid show an error box instead of
    such a flowchart. Each smaller try keeps the nodes of the larger one that
    fit, so the top levels and the worst nodes stay.
    """
    from goaltree.render.mermaid import MERMAID_MAX_EDGES, MERMAID_MAX_TEXT_SIZE, mermaid_edge_count, to_mermaid
    from goaltree.render.select import select

    limit = DIAGRAM_NODES
    while True:
        drawn = len(select(evaluation, children=DIAGRAM_CHILDREN, node_limit=limit).nodes)
        text = to_mermaid(evaluation, children=DIAGRAM_CHILDREN, node_limit=drawn)
        edges = mermaid_edge_count(text)
        if (len(text) <= MERMAID_MAX_TEXT_SIZE and edges <= MERMAID_MAX_EDGES) or drawn == 1:
            return text, drawn
        # The text grows about in step with the nodes: aim a tenth under the limit, and always go down.
        share = min(MERMAID_MAX_TEXT_SIZE / len(text), MERMAID_MAX_EDGES / max(edges, 1))
        limit = max(1, min(drawn - 1, int(drawn * share * 0.9)))


def _range_of(goal_file: Any, node_id: str) -> tuple[float, float] | None:
    if goal_file is None:
        return None
    node = goal_file.nodes.get(node_id)
    return tuple(node.range) if node is not None and node.range is not None else None  # type: ignore[return-value]


def build_context(
    evaluation: Evaluation,
    *,
    findings: Sequence[Diagnostic] | None = None,
    findings_note: str | None = None,
    goal_file: Any = None,
    diagram: bool = False,
    tree: "GoalTree | None" = None,
    plan: "GoalTree | None" = None,
) -> dict[str, Any]:
    """Everything a report template can use (documented in ``docs/reports.md``).

    Args:
        evaluation: The evaluated tree.
        findings: The SMART findings to show; default: the evaluation's diagnostics.
        findings_note: Why the findings are incomplete, if they are (:func:`collect_findings`).
        goal_file: The :class:`goaltree.model.GoalFile`, for ``maintain`` ranges in charts.
        diagram: Draw the Graphviz SVG for the ``diagram_svg`` variable (needs ``dot``).
        tree: The evaluated tree, for the ``what_moves`` section (tornados and scenarios); ``None``: no section.
        plan: The plan as the file states it when ``tree`` is a scenario's, for the scenarios
            table; ``None``: ``tree`` is the plan.
    """
    from markupsafe import Markup

    from goaltree import __version__
    from goaltree.engine.serialize import evaluation_to_json
    from goaltree.render.select import select
    from goaltree.render.style import STATUS_ORDER, STATUS_STYLES, TYPE_LABELS, status_description, status_label, type_border, type_label
    from goaltree.report import funnels as funnel_views
    from goaltree.report import sections
    from goaltree.report.charts import pace_chart
    from goaltree.report.environment import templates_dir
    from goaltree.report.what_moves import what_moves

    diagnostics = list(findings) if findings is not None else sections.merge_findings(evaluation.diagnostics)
    nodes = {node_id: sections.node_view(result) for node_id, result in evaluation.nodes.items()}
    explanations = sections.explanations(evaluation)
    for item in explanations:
        nodes[item["node"]]["explanation"] = item
    charts = []
    for node_id, result in evaluation.nodes.items():
        nodes[node_id].setdefault("explanation", None)
        nodes[node_id]["findings"] = []
        if result.type != "kpi":
            continue
        chart = pace_chart(result, evaluation, _range_of(goal_file, node_id))
        if chart is not None:
            chart["title"] = result.title
            chart["status"] = result.status
            chart["status_label"] = nodes[node_id]["status_label"]
            charts.append(chart)
    finding_rows = sections.findings(diagnostics)
    finding_rows["note"] = findings_note
    for row in finding_rows["rows"]:
        if row["node"] in nodes:
            nodes[row["node"]]["findings"].append(row)

    svg = None
    diagram_note = None
    if diagram:
        from goaltree.render.dot import render_svg
        from goaltree.render.svg import inline_svg

        try:
            svg = Markup(inline_svg(render_svg(evaluation, children=DIAGRAM_CHILDREN, node_limit=DIAGRAM_NODES)))
        except GoaltreeError as error:
            diagram_note = _("The diagram is left out: {error}", error=error)
            print(f"goaltree: warning: {diagram_note}", file=sys.stderr)

    drawn = len(select(evaluation, children=DIAGRAM_CHILDREN, node_limit=DIAGRAM_NODES).nodes)
    mermaid, mermaid_drawn = report_mermaid(evaluation)
    script = translated_script((templates_dir() / "report.js").read_text(encoding="utf-8"))
    summary = sections.summary(evaluation)
    funnels = funnel_views.funnels(evaluation)
    breakdowns = sections.breakdowns(evaluation)
    source = sections.data_source(evaluation)
    outline = sections.outline(evaluation)
    report_sections = {
        "data_source": source,
        "summary": {
            "headline": summary["headline"],
            "total": summary["total"],
            "counts": {tile["status"]: tile["count"] for tile in summary["counts"]},
            "attention": summary["attention"],
        },
        "explanations": [
            {
                "node": item["node"],
                "gap": item["gap"],
                "gap_unit": item["gap_unit"] or None,
                "sentence": item["sentence"],
                "parts": [
                    {"child": p["child"], "amount": p["amount"], "share": p["share"]} | ({"others": p["others"]} if p["others"] else {})
                    for p in item["parts"]
                ],
            }
            for item in explanations
        ],
        "funnels": [
            {
                "steps": [
                    {k: step[k] for k in ("node", "actual", "target", "rate", "conversion", "planned_conversion")}
                    for step in funnel["steps"]
                ],
                "value": None
                if funnel["value"] is None
                else {k: funnel["value"][k] for k in ("node", "clv", "per_first_step", "sentence")},
            }
            for funnel in funnels
        ],
        "breakdowns": {
            item["node"]: {row["dimension"]: row["value"] for row in item["rows"]} for item in breakdowns
        },
        "findings": finding_rows,
        "outline": [{"id": row["id"], "depth": row["depth"]} for row in outline],
    }
    document = evaluation_to_json(evaluation)
    document["report"] = report_sections
    return {
        "generator": f"goaltree {__version__}",
        "tree": {
            "id": evaluation.tree_id,
            "title": evaluation.title,
            "as_of": evaluation.as_of.isoformat(),
            "period_start": evaluation.period_start.isoformat(),
            "period_end": evaluation.period_end.isoformat(),
            "as_of_text": format_date(evaluation.as_of),
            "period_start_text": format_date(evaluation.period_start),
            "period_end_text": format_date(evaluation.period_end),
        },
        "data_source": source,
        "data_source_text": sections.source_text(source, evaluation.as_of),
        "summary": summary,
        "nodes": nodes,
        "outline": outline,
        "explanations": explanations,
        "funnels": funnels,
        "funnel_links": funnel_views.funnel_links(funnels),
        "breakdowns": breakdowns,
        "charts": charts,
        "findings": finding_rows,
        "what_moves": what_moves(tree, plan, evaluation.scenario),
        "diagram_svg": svg,
        "diagram_note": diagram_note,
        "diagram_nodes": {"drawn": drawn, "total": len(evaluation.nodes)},
        "mermaid": Markup(mermaid),
        "mermaid_nodes": {"drawn": mermaid_drawn, "total": len(evaluation.nodes)},
        "legend": {
            "statuses": [
                {"status": s, "label": status_label(s), "fill": STATUS_STYLES[s].fill, "text": STATUS_STYLES[s].text, "description": status_description(s)}
                for s in STATUS_ORDER
            ],
            "types": [{"type": t, "label": type_label(t), "border": type_border(t)} for t in TYPE_LABELS],
        },
        "script": Markup(script),
        "script_hash": "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii"),
        "document": document,
    }


SCRIPT_TEXTS = (N_("Fit to width"), N_("Actual size"))
"""The words the report's script writes on the diagram's button, as its JavaScript string literals hold them."""


def translated_script(script: str) -> str:
    """The report's script with its words in the current language.

    Each string literal is replaced by the translation as a JSON string
    (``<`` ``>`` ``&`` as ``\\u`` escapes, so it cannot end the ``<script>``
    element). The page's Content-Security-Policy hash is computed over this
    text, after translation.
    """
    import json

    for english in SCRIPT_TEXTS:
        literal = json.dumps(_(english), ensure_ascii=False)
        literal = literal.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        script = script.replace(json.dumps(english), literal)
    return script


def render_report(
    evaluation: Evaluation,
    report_format: ReportFormat = "html",
    *,
    template: Path | str | None = None,
    findings: Sequence[Diagnostic] | None = None,
    findings_note: str | None = None,
    goal_file: Any = None,
    tree: "GoalTree | None" = None,
    plan: "GoalTree | None" = None,
) -> str:
    """The report as text.

    Args:
        evaluation: The evaluated tree.
        report_format: ``html``, ``md`` or ``json`` (chooses the built-in template).
        template: A user's own Jinja2 template instead of the built-in one.
        findings: The SMART findings to show (:func:`collect_findings`).
        findings_note: Why the findings are incomplete, if they are.
        goal_file: The loaded goal-file model, for ``maintain`` ranges in the charts.
        tree: The evaluated tree, for "What moves the plan" (tornados, scenarios); ``None``: left out.
        plan: The plan as the file states it when ``tree`` is a scenario's (the scenarios table
            is always the plan's); ``None``: ``tree`` is the plan.

    Raises:
        GoaltreeError: An unknown format, or a template that is missing or fails
            (the message says which file and line).
    """
    from goaltree.report.environment import load_template, render_template

    if report_format not in FORMATS:
        raise GoaltreeError(_("cannot write a '{format}' report; choose one of {formats}", format=report_format, formats=", ".join(FORMATS)))
    loaded = load_template(report_format, template)
    context = build_context(
        evaluation,
        findings=findings,
        findings_note=findings_note,
        goal_file=goal_file,
        diagram=report_format == "html",
        tree=tree,
        plan=plan,
    )
    return render_template(loaded, context)
