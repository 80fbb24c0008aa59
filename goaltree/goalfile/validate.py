"""Validation errors into located, fixable diagnostics.

pydantic says what is wrong in its own words and at its own locations (union
tags, type names, a date key by its repr). Here each error becomes a goaltree
diagnostic that names the field as the file writes it, says where it is and
how to fix it, with a "did you mean" for a misspelt field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from goaltree.errors import Diagnostic, did_you_mean
from goaltree.goalfile.limits import short_value
from goaltree.goalfile.notation import date_problem, number_problem
from goaltree.goalfile.problems import pydantic_problem
from goaltree.model import GoalFile
from goaltree import codes
from goaltree.present.language import N_, _, _p

_UNION_TAGS = {"csv", "parquet", "sql", "plugin"}


def validation_diagnostics(error: Any, data: dict) -> Iterator[tuple[Diagnostic, bool]]:
    """A fixable diagnostic for each of pydantic's errors, with whether to locate it at the key.

    Args:
        error: The ``ValidationError`` of validating ``data`` as a :class:`~goaltree.model.GoalFile`.
        data: The parsed document, to turn pydantic's locations back into the file's keys.

    Yields:
        ``(diagnostic, at_key)``: the diagnostic names its ``path`` (or its line, for the
        top level); ``at_key`` places it at the key rather than the value.
    """
    seen: set[tuple] = set()
    keys = _KeysByText()
    for item in error.errors(include_url=False):
        loc = _clean_loc(item["loc"], data, keys)
        kind = item["type"]
        node = str(loc[1]) if len(loc) > 1 and loc[0] == "nodes" else None
        if (loc, kind) in seen:
            continue
        seen.add((loc, kind))
        field_name = str(loc[-1]) if loc else ""
        where = _describe(loc)
        odd_key = _odd_key(loc, data, keys)
        if odd_key is not None:
            index, key_value = odd_key
            if (loc[:index], "key") in seen:
                continue
            seen.add((loc[:index], "key"))
            node = str(loc[1]) if index > 1 and loc[0] == "nodes" else None
            odd_key = index
            yield Diagnostic(
                codes.MALFORMED_DOCUMENT,
                "error",
                _odd_key_message(".".join(str(step) for step in loc[:odd_key]), key_value is None),
                node=node,
                path=loc[:odd_key],
                # The top-level mapping has no path to locate: it starts the file.
                line=None if odd_key else 1,
                column=None if odd_key else 1,
            ), False
            continue
        if kind == "float_type" and isinstance(item.get("input"), int) and not isinstance(item.get("input"), bool):
            kind = "finite_number"  # an integer Python holds but a float cannot: beyond ±1.8e308
        if kind == "extra_forbidden":
            candidates = _fields_at(GoalFile, loc[:-1], data)
            suggestion = did_you_mean(field_name, candidates)
            yield Diagnostic(
                codes.UNKNOWN_FIELD,
                "error",
                _("unknown field '{field}' {where}{suggestion}", field=field_name, where=where, suggestion=suggestion)
                if suggestion
                else _("unknown field '{field}' {where}; allowed: {fields}", field=field_name, where=where, fields=", ".join(sorted(candidates))),
                node=node,
                path=loc,
            ), True
        elif kind == "missing":
            yield Diagnostic(
                codes.BAD_VALUE,
                "error",
                _("missing required field '{field}' {where}", field=field_name, where=_describe(loc[:-1])),
                node=node,
                path=loc[:-1],
            ), True
        elif loc == ("goaltree",):
            yield Diagnostic(
                codes.FORMAT_VERSION,
                "error",
                _("unsupported format version {version}: this goaltree reads `goaltree: 1`", version=repr(item.get("input"))),
                path=loc,
            ), False
        elif loc and loc[-1] == "[key]" and len(loc) == 3 and loc[0] == "nodes":
            yield Diagnostic(
                codes.BAD_NODE_ID,
                "error",
                _(
                    "node id '{node}' must match [a-z][a-z0-9_]* "
                    "(lower-case letters, digits and underscores, starting with a letter)",
                    node=loc[1],
                ),
                node=str(loc[1]),
                path=loc[:2],
            ), True
        elif loc and loc[-1] == "[key]" and len(loc) == 5 and loc[0] == "nodes" and loc[2] in _DATED:
            problem = _own_problem(item, loc, data) or pydantic_problem(item)
            yield Diagnostic(
                codes.BAD_VALUE,
                "error",
                _(_DATED[loc[2]], key=_key_text(loc[3]), node=loc[1], problem=problem),
                node=node,
                path=loc[:-1],
            ), True
        elif loc and loc[-1] == "[key]" and len(loc) == 3 and loc[0] == "scenarios":
            yield Diagnostic(
                codes.BAD_VALUE,
                "error",
                _(
                    "scenario name '{scenario}' must match [a-z][a-z0-9_-]* "
                    "(lower-case letters, digits, `_` and `-`, starting with a letter)",
                    scenario=loc[1],
                ),
                path=loc[:2],
            ), True
        else:
            message = _own_problem(item, loc, data) or pydantic_problem(item)
            if kind == "finite_number":
                message = _(
                    "must be a finite number; NaN, infinity and numbers beyond ±1.8e308 "
                    "cannot be computed with: write the number itself"
                )
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            shown = item.get("input")
            yield Diagnostic(
                codes.BAD_VALUE,
                "error",
                _("bad value for '{field}' {where}: {problem}", field=field_name, where=where, problem=message)
                if isinstance(shown, (dict, list))
                else _(
                    "bad value for '{field}' {where}: {problem} (got {value})",
                    field=field_name,
                    where=where,
                    problem=message,
                    value=short_value(shown),
                ),
                node=node,
                path=loc,
            ), False


_DATED = {
    "actuals": N_("bad check-in date '{key}' in `actuals` of node '{node}': {problem}"),
    "milestones": N_("bad milestone date '{key}' in `milestones` of node '{node}': {problem}"),
}
"""A node's mappings keyed by date: what their keys are, for a key that is no date."""

_DATE_KINDS = frozenset({"date_parsing", "date_from_datetime_parsing"})
_UNIT_FIELDS = frozenset({"target", "baseline", "range", "milestones", "actuals"})


def _own_problem(item: dict, loc: tuple, data: dict) -> str | None:
    """goaltree's own words for a number or a date written as people write them (:mod:`~goaltree.goalfile.notation`).

    ``None`` leaves the problem to pydantic's words (:func:`~goaltree.goalfile.problems.pydantic_problem`).
    """
    kind = item["type"]
    given = item.get("input")
    if kind in _DATE_KINDS and isinstance(given, str):
        return date_problem(given)
    if kind == "date_from_datetime_inexact" and isinstance(given, (int, float)) and not isinstance(given, bool):
        # pydantic reads a number as seconds since 1970: 20270331 is a day written without dashes, 2027 no date.
        return date_problem(str(given))
    if kind != "float_parsing" or not isinstance(given, str):
        return None
    node: Any = None
    if len(loc) >= 3 and loc[0] == "nodes" and loc[2] in _UNIT_FIELDS:
        node = data.get("nodes", {}).get(loc[1])
    elif len(loc) == 4 and loc[0] == "scenarios" and loc[2] == "set":
        nodes = data.get("nodes")
        node = nodes.get(loc[3]) if isinstance(nodes, dict) else None
    unit = node.get("unit") if isinstance(node, dict) else None
    unit = unit if isinstance(unit, str) else None
    return number_problem(given, _unit_kind(unit), unit, in_node=isinstance(node, dict))


def _key_text(key: Any) -> str:
    """A key as the file writes it: ``2027-03-31T10:00:00`` for a date and time, not its repr."""
    return key.isoformat() if isinstance(key, dt.date) else str(key)


def _unit_kind(unit: str | None) -> str | None:
    """``percent`` for a percentage unit, ``fraction`` for a ratio or a multiple, else ``None``."""
    if unit is None:
        return None
    from goaltree.formula.units import parse_unit

    parsed = parse_unit(unit)
    if parsed is None:
        return None
    return {"percent": "percent", "ratio": "fraction", "multiple": "fraction"}.get(parsed.kind)


class _KeysByText:
    """The keys pydantic names by their text rather than by themselves, indexed once per mapping.

    pydantic names a date key by its repr and a null or list key by its text.
    Each of thousands of errors in one mapping (``actuals: {2027-01-01: x, ...}``)
    would otherwise search every key of the mapping for its own: quadratic.
    """

    def __init__(self) -> None:
        self._dates: dict[int, dict[str, Any]] = {}
        self._odd: dict[int, dict[str, Any]] = {}

    def date(self, mapping: dict, text: str) -> Any:
        """The date key whose repr is ``text``, or ``None``."""
        index = self._dates.get(id(mapping))
        if index is None:
            index = self._dates[id(mapping)] = {}
            for key in mapping:
                if isinstance(key, dt.date):
                    index.setdefault(repr(key), key)  # the first, as a search from the start finds
        return index.get(text)

    def odd(self, mapping: dict, text: str) -> tuple[bool, Any]:
        """``(True, key)`` for the null or list key whose text is ``text``, else ``(False, None)``."""
        index = self._odd.get(id(mapping))
        if index is None:
            index = self._odd[id(mapping)] = {}
            for key in mapping:
                if key is None or isinstance(key, tuple):
                    index.setdefault(str(key), key)
        return (True, index[text]) if text in index else (False, None)


def _odd_key(loc: tuple, data: dict, keys: _KeysByText) -> tuple[int, Any] | None:
    """Where ``loc`` passes a null or list key (pydantic names it by its text): its index and the key."""
    cursor: Any = data
    for index, step in enumerate(loc):
        if isinstance(cursor, dict):
            if step in cursor:
                cursor = cursor[step]
                continue
            if step == "None" or (isinstance(step, str) and step.startswith("(")):
                found, key = keys.odd(cursor, step)
                if found:
                    return index, key
            return None
        if isinstance(cursor, list) and isinstance(step, int) and 0 <= step < len(cursor):
            cursor = cursor[step]
            continue
        return None
    return None


def _clean_loc(loc: tuple, data: dict, keys: _KeysByText) -> tuple:
    """Drop pydantic's union tags and type names from an error location."""
    cleaned: list[Any] = []
    cursor: Any = data
    for step in loc:
        if isinstance(cursor, dict) and step not in cursor and (
            step in _UNION_TAGS or (isinstance(step, str) and ("[" in step or step in {"str", "list[str]"}))
        ):
            if step == "[key]":
                cleaned.append(step)
            continue
        if isinstance(cursor, dict) and isinstance(step, str) and step.startswith(("datetime.date(", "datetime.datetime(")) and step not in cursor:
            # pydantic names a date key by its repr: the key itself is what locates it in the file.
            found = keys.date(cursor, step)
            step = step if found is None else found
        cleaned.append(step)
        if isinstance(cursor, dict):
            cursor = cursor.get(step, cursor.get(str(step)))
        elif isinstance(cursor, list) and isinstance(step, int) and step < len(cursor):
            cursor = cursor[step]
        else:
            cursor = None
    return tuple(cleaned)


def _odd_key_message(parent: str, null: bool) -> str:
    """Why a null or list key is refused, ``parent`` being the dotted path of its mapping (empty: the top level)."""
    if parent:
        if null:
            return _("a key in {parent} is null (~); keys are names or dates: write the key as text", parent=parent)
        return _("a key in {parent} is a list; keys are names or dates: write the key as text", parent=parent)
    if null:
        return _("a key at the top level is null (~); keys are names or dates: write the key as text")
    return _("a key at the top level is a list; keys are names or dates: write the key as text")


def _describe(loc: tuple) -> str:
    """Where the field at ``loc`` sits, as a phrase that follows its name (``in node 'leads'``)."""
    if not loc:
        return _p("load", "at the top level")
    if loc[0] == "nodes" and len(loc) >= 2:
        rest = ".".join(str(p) for p in loc[2:-1])
        if rest:
            return _p("load", "in node '{node}' ({within})", node=loc[1], within=rest)
        return _p("load", "in node '{node}'", node=loc[1])
    if loc[0] == "sources" and len(loc) >= 2:
        return _p("load", "in source '{source}'", source=loc[1])
    if loc[0] == "scenarios" and len(loc) >= 2:
        return _p("load", "in scenario '{scenario}'", scenario=loc[1])
    parent = ".".join(str(p) for p in loc[:-1])
    return _p("load", "in {parent}", parent=parent) if parent else _p("load", "at the top level")


def _fields_at(model: Any, loc: tuple, data: dict) -> list[str]:
    """The field names allowed at ``loc`` (for "did you mean")."""
    from goaltree import model as models

    if not loc:
        return [f.alias or name for name, f in models.GoalFile.model_fields.items()]
    if loc[0] == "nodes":
        if len(loc) == 2:
            return list(models.Node.model_fields)
        if len(loc) == 3 and loc[2] == "metric":
            return list(models.Metric.model_fields)
    if loc[0] == "sources" and len(loc) == 2:
        source = data.get("sources", {}).get(loc[1], {})
        kind = source.get("type") if isinstance(source, dict) else None
        cls = {"csv": models.CsvSource, "parquet": models.ParquetSource, "sql": models.SqlSource}.get(kind)
        if cls is not None:
            return list(cls.model_fields)
    if loc[0] == "scenarios" and len(loc) == 2:
        return list(models.Scenario.model_fields)
    if len(loc) == 1:
        cls = {"period": models.Period, "thresholds": models.Thresholds, "checks": models.Checks}.get(loc[0])
        if cls is not None:
            return list(cls.model_fields)
    return []

