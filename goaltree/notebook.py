"""An evaluation and a check's findings in a notebook: a pandas DataFrame, and HTML for Jupyter.

``Evaluation.to_frame()``, ``Evaluation._repr_html_()`` and
``Diagnostics._repr_html_()`` call in here, so that neither the engine nor the
diagnostics carry presentation code, and pandas is imported only when a frame
is asked for (it is an optional extra: ``pip install pandas``).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, Iterable

from goaltree.errors import GoaltreeError
from goaltree.present.numbers import format_number, format_percent

if TYPE_CHECKING:
    import pandas

    from goaltree.engine.results import Evaluation
    from goaltree.errors import Diagnostic


def evaluation_frame(evaluation: Evaluation) -> pandas.DataFrame:
    """Every node as a row, indexed by node id, with the JSON's node fields as columns.

    The values are the ones ``goaltree evaluate --format json`` prints (numbers
    rounded to 12 significant digits, unknowns as NaN or None), in goal-file order.

    Raises:
        GoaltreeError: pandas is not installed.
    """
    try:
        import pandas
    except ImportError:
        raise GoaltreeError("to_frame() needs pandas: pip install pandas") from None
    from goaltree.engine.serialize import NUMBER_FIELDS, nodes_to_json

    rows = dict(zip(evaluation.nodes, nodes_to_json(evaluation.nodes.values())))
    frame = pandas.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "node"
    # A float column for each number, NaN where the JSON has null.
    for field in NUMBER_FIELDS:
        frame[field] = pandas.to_numeric(frame[field], errors="raise").astype("float64")
    return frame


def evaluation_html(evaluation: Evaluation) -> str:
    """A compact HTML table of the evaluation: each node's target, actual, expected, progress and status."""
    from goaltree.render.style import STATUS_STYLES, status_label

    rows = []
    for node_id, brief in evaluation.nodes.items():
        style = STATUS_STYLES.get(brief.status)
        badge = (
            f'<span style="background:{style.fill};color:{style.text};padding:0 .4em;border-radius:3px">{escape(status_label(brief.status))}</span>'
            if style
            else escape(status_label(brief.status))
        )
        derived = "*" if brief.target_origin == "derived" else ""
        rows.append(
            "<tr>"
            f"<td><code>{escape(node_id)}</code></td><td>{escape(brief.title)}</td>"
            f"<td>{escape(format_number(brief.target, brief.unit))}{derived}</td>"
            f"<td>{escape(format_number(brief.actual, brief.unit))}</td>"
            f"<td>{escape(format_number(brief.expected, brief.unit))}</td>"
            f"<td>{escape(format_percent(brief.progress))}</td><td>{badge}</td>"
            "</tr>"
        )
    errors = sum(1 for d in evaluation.diagnostics if d.severity == "error")
    warnings = sum(1 for d in evaluation.diagnostics if d.severity == "warning")
    return (
        f"<div><strong>{escape(evaluation.title)}</strong> ({escape(evaluation.tree_id)}) as of {evaluation.as_of.isoformat()}"
        f" · {len(rows)} nodes · {errors} errors, {warnings} warnings"
        "<table><thead><tr><th>node</th><th>title</th><th>target</th><th>actual</th><th>expected</th>"
        "<th>progress</th><th>status</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table><small>* = derived target</small></div>"
    )


def diagnostics_html(diagnostics: Iterable[Diagnostic]) -> str:
    """A check's findings as an HTML table: where, severity, code, node, message."""
    found = list(diagnostics)
    if not found:
        return "<div>No problems found.</div>"
    rows = []
    for diagnostic in found:
        where = diagnostic.file or ""
        if diagnostic.line is not None:
            where += f":{diagnostic.line}" + (f":{diagnostic.column}" if diagnostic.column is not None else "")
        rows.append(
            "<tr>"
            + "".join(f"<td>{escape(str(cell))}</td>" for cell in (where, diagnostic.severity, diagnostic.code, diagnostic.node or "", diagnostic.message))
            + "</tr>"
        )
    counts: dict[str, Any] = {severity: sum(1 for d in found if d.severity == severity) for severity in ("error", "warning", "info")}
    return (
        f"<div>{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"
        "<table><thead><tr><th>where</th><th>severity</th><th>code</th><th>node</th><th>message</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )
