"""An evaluation and a check's findings in a notebook: a pandas DataFrame, and HTML for Jupyter.

``Evaluation.to_frame()``, ``Evaluation._repr_html_()`` and
``Diagnostics._repr_html_()`` call in here, so that neither the engine nor the
diagnostics carry presentation code, and pandas is imported only when a frame
is asked for (it is an optional extra: ``pip install pandas``).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Iterable

from goaltree.errors import GoaltreeError, finding_counts
from goaltree.present.language import _, _n, _p, format_date
from goaltree.present.numbers import format_number, format_percent
from goaltree.present.terms import field_word, finding_columns, severity_word

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
    found = finding_counts(evaluation.diagnostics)
    heading = _(
        "{title} ({tree}) as of {date}",
        title=f"<strong>{escape(evaluation.title)}</strong>",
        tree=escape(evaluation.tree_id),
        date=escape(format_date(evaluation.as_of)),
    )
    counts = " · ".join(
        (
            _n("{count} node", "{count} nodes", len(rows), count=format_number(len(rows))),
            found["errors"],
            found["warnings"],
        )
    )
    footnote = _("* = derived target")
    columns = (field_word("node"), _p("cli", "title"), *(field_word(name) for name in ("target", "actual", "expected", "progress", "status")))
    return (
        f"<div>{heading} · {escape(counts)}<table><thead><tr>"
        + "".join(f"<th>{escape(column)}</th>" for column in columns)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody></table><small>{escape(footnote)}</small></div>"
    )


def diagnostics_html(diagnostics: Iterable[Diagnostic]) -> str:
    """A check's findings as an HTML table: where, severity, code, node, message."""
    found = list(diagnostics)
    if not found:
        nothing = _("No problems found.")
        return f"<div>{escape(nothing)}</div>"
    rows = []
    for diagnostic in found:
        cells = (diagnostic.location, severity_word(diagnostic.severity), diagnostic.code, diagnostic.node or "", diagnostic.message)
        rows.append("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in cells) + "</tr>")
    summary = ", ".join(finding_counts(found).values())
    columns = finding_columns()
    return (
        f"<div>{escape(summary)}<table><thead><tr>"
        + "".join(f"<th>{escape(column)}</th>" for column in columns)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )
