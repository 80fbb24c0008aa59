"""Numbers written for people in a CSV file: a decimal comma, spaces between thousands.

Excel in Swedish (and many other languages) writes ``240 000,50``: a space or
a no-break space between the thousands and a comma before the decimals. DuckDB
reads such a column as text. A csv source's ``decimal`` option says which
separator the file uses; DuckDB then reads plain numbers such as ``1200,5``
itself (``decimal_separator``), and goaltree reads the text columns its
metrics name whose every cell is a number written this way: an optional sign
(``-``, ``+`` or the minus sign ``−``), digits either ungrouped or in groups of
three separated by a space, a no-break space (U+00A0) or a narrow no-break
space (U+202F), and optionally the decimal separator and more digits. A column
with one cell that is not such a number stays text, so that the value fails
with an error quoting that cell rather than read ``12 00,5`` or ``1.200,5`` as
some number: every value is read right, or not at all.

This module also explains a ``value`` that is text, in words a marketer reads:
one offending cell, its line and the likely cause, with the fix.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from goaltree.present.language import _
from goaltree.sources.base import quote_identifier, quote_literal

if TYPE_CHECKING:
    from goaltree.sources.sandbox import OneStatementConnection

MINUS_SIGN = "\u2212"
GROUP_SEPARATORS = " \u00a0\u202f"
"""Space, no-break space and narrow no-break space: what Excel and Swedish typography put between thousands."""
EXAMPLES = {",": "240 000,50", ".": "240 000.50"}
LINE_NUMBER = "__goaltree_line"
# A cell written with digits, signs and separators only: meant as a number.
_NUMBER_LIKE = re.compile(f"[0-9 .,+\\-{MINUS_SIGN}{GROUP_SEPARATORS}]*[0-9][0-9 .,+\\-{MINUS_SIGN}{GROUP_SEPARATORS}]*")
# One comma followed by exactly three digits: 1,200 is 1.2 with a decimal comma, 1200 with a thousands comma.
_AMBIGUOUS_COMMA = re.compile(f"[+\\-{MINUS_SIGN}]?[1-9][0-9]{{0,2}},[0-9]{{3}}")


def number_pattern(decimal: str) -> str:
    """The pattern a cell (without surrounding spaces) matches when it is a number written with ``decimal``.

    The same text is a Python and a DuckDB (RE2) regular expression. A group
    of digits before a separator has one to three digits and does not start
    with 0 (``070 123 456`` is a telephone number, not 70 million); after it
    every group has exactly three.
    """
    groups = f"[{GROUP_SEPARATORS}]"
    return (
        f"[+\\-{MINUS_SIGN}]?(?:[1-9][0-9]{{0,2}}(?:{groups}[0-9]{{3}})+|[0-9]+)(?:{re.escape(decimal)}[0-9]+)?"
    )


def _is_number_sql(column: str, decimal: str) -> str:
    """True where ``column`` holds a number written with ``decimal``; NULL where it is NULL."""
    trimmed = f"trim({column})"
    return f"({trimmed} = '' OR regexp_full_match({trimmed}, {quote_literal(number_pattern(decimal))}))"


def number_sql(column: str, decimal: str) -> str:
    """``column`` (checked by :func:`number_columns`) as a DOUBLE: separators removed, the decimal one made a point."""
    text = f"regexp_replace(NULLIF(trim({column}), ''), {quote_literal('[' + GROUP_SEPARATORS + ']')}, '', 'g')"
    text = f"replace({text}, {quote_literal(MINUS_SIGN)}, '-')"
    if decimal != ".":
        text = f"replace({text}, {quote_literal(decimal)}, '.')"
    return f"CAST({text} AS DOUBLE)"


def number_columns(connection: "OneStatementConnection", scan: str, candidates: Sequence[str], decimal: str) -> list[str]:
    """The ``candidates`` (text columns) whose every cell is empty or a number written with ``decimal``.

    One pass over the file answers for every candidate.
    """
    if not candidates:
        return []
    checks = ", ".join(
        f"coalesce(bool_and({_is_number_sql(quote_identifier(column), decimal)}), true)" for column in candidates
    )
    answers = connection.execute(f"SELECT {checks} FROM {scan}").fetchone()
    return [column for column, is_number in zip(candidates, answers) if is_number]


def converted_scan(scan: str, columns: Sequence[str], decimal: str) -> str:
    """``scan`` with ``columns`` read as numbers, as a table expression."""
    if not columns:
        return scan
    replaced = ", ".join(f"{number_sql(quote_identifier(column), decimal)} AS {quote_identifier(column)}" for column in columns)
    return f"(SELECT * REPLACE ({replaced}) FROM {scan})"


def named_columns(text: str, columns: Sequence[str]) -> list[str]:
    """The ``columns`` whose name appears in the expression ``text`` (ignoring case), in file order."""
    lowered = text.lower()
    return [column for column in columns if column.lower() in lowered]


def _offending_cell(connection: "OneStatementConnection", scan: str, column: str, decimal: str | None) -> tuple[str, int, bool] | None:
    """The first cell of text ``column`` that is not a number, its row's number (1 for the first row), and
    whether other cells of the column are numbers."""
    name = quote_identifier(column)
    if decimal is None:
        is_number = f"TRY_CAST(trim({name}) AS DOUBLE) IS NOT NULL"
    else:
        is_number = _is_number_sql(name, decimal)
    # DuckDB keeps a file's order (preserve_insertion_order), so row_number() is the row's place in the file.
    sql = (
        f"SELECT {name}, {LINE_NUMBER} FROM (SELECT {name}, row_number() OVER () AS {LINE_NUMBER} FROM {scan}) "
        f"WHERE {name} IS NOT NULL AND trim({name}) <> '' AND NOT {is_number} LIMIT 1"
    )
    row = connection.execute(sql).fetchone()
    if row is None:
        return None
    numbers = connection.execute(
        f"SELECT count(*) FROM {scan} WHERE {name} IS NOT NULL AND trim({name}) <> '' AND {is_number}"
    ).fetchone()[0]
    return str(row[0]), int(row[1]), bool(numbers)


def text_value_reason(
    connection: "OneStatementConnection",
    scan: str,
    value: str,
    text_columns: Sequence[str],
    display: str,
    decimal: str | None,
    *,
    one_file: bool,
) -> str:
    """Why ``value`` is text and not a number: one cell that is not a number, where it is, its likely cause and the fix.

    Args:
        connection: The source's DuckDB connection.
        scan: The source's table expression.
        value: The metric's ``value`` as written.
        text_columns: The file's text columns that ``value`` names.
        display: The file as the goal file names it.
        decimal: The source's ``decimal`` option.
        one_file: Whether ``scan`` reads one file, so that a row's number is its line (after the header).
    """
    single = _single_column(value, text_columns)
    for column in [single] if single else text_columns:
        try:
            found = _offending_cell(connection, scan, column, decimal)
        except Exception:  # noqa: BLE001 - the explanation is a courtesy; the plain message still holds
            found = None
        # In an expression, a text column may be meant as text (CASE WHEN stage = 'won' …): blame only
        # one whose cell is written with digits and separators.
        if found is None or (single is None and not _NUMBER_LIKE.fullmatch(found[0])):
            continue
        cell, row, has_numbers = found
        if one_file:
            place = _(" on line {line} of {file}", line=row + 1, file=display)
        else:
            place = _(" in {file}", file=display)
        if not has_numbers and not _NUMBER_LIKE.fullmatch(cell):
            # A column of words (a stage, a channel): no cell to correct, another column to use.
            return _(
                "value '{value}' is text, not a number: column '{column}' holds text such as '{cell}'{place} and no numbers; "
                "use a column of numbers, an expression that gives numbers, or `count`",
                value=value, column=column, cell=cell, place=place,
            )
        return _cause(value, column, cell, place, decimal)
    return _("value '{value}' is text, not a number; use a column of numbers, an expression that gives numbers, or `count`", value=value)


def _single_column(value: str, columns: Sequence[str]) -> str | None:
    """The column ``value`` is, if it is one column's name (bare or in double quotes)."""
    name = value.strip()
    if len(name) > 1 and name.startswith('"') and name.endswith('"'):
        name = name[1:-1].replace('""', '"')
    return next((column for column in columns if column.lower() == name.lower()), None)


def _cause(value: str, column: str, cell: str, place: str, decimal: str | None) -> str:
    stripped = cell.strip(" ")
    if decimal is not None:
        return _(
            "value '{value}' is text, not a number: column '{column}' holds '{cell}'{place}, which is not a number "
            "as `decimal: \"{decimal}\"` reads them (such as {example}); correct the cell, or leave such rows out with `where`",
            value=value, column=column, cell=cell, place=place, decimal=decimal, example=EXAMPLES[decimal],
        )
    comma = re.fullmatch(number_pattern(","), stripped) is not None
    point = re.fullmatch(number_pattern("."), stripped) is not None
    if comma and "," in stripped:
        if _AMBIGUOUS_COMMA.fullmatch(stripped):
            return _(
                "value '{value}' is text, not a number: column '{column}' holds '{cell}'{place}, which looks like a number "
                "written with a decimal comma, though the comma may also separate thousands; if it is a decimal comma "
                "(1,200 is 1.2), add `decimal: \",\"` to the source; if it separates thousands, export the file without it",
                value=value, column=column, cell=cell, place=place,
            )
        return _(
            "value '{value}' is text, not a number: column '{column}' holds '{cell}'{place}, which looks like a number "
            "written with a decimal comma; add `decimal: \",\"` to the source to read such numbers "
            "(spaces between thousands are read too)",
            value=value, column=column, cell=cell, place=place,
        )
    if comma or point:
        return _(
            "value '{value}' is text, not a number: column '{column}' holds '{cell}'{place}, which looks like a number "
            "with spaces between thousands; add `decimal: \"{decimal}\"` to the source to read such numbers",
            value=value, column=column, cell=cell, place=place, decimal="," if comma else ".",
        )
    return _(
        "value '{value}' is text, not a number: column '{column}' holds '{cell}'{place}, which is not a number; "
        "correct the cell, or leave such rows out with `where`",
        value=value, column=column, cell=cell, place=place,
    )
