"""pydantic's words for a bad value, in the language of the run.

pydantic describes a bad value in English (``Input should be a valid
number, unable to parse string as a number``). English keeps pydantic's text
exactly as it is; another language gets the same sentence translated, for
the error types a goal file commonly meets. A type not listed here, or a
text pydantic words differently from the template (a newer pydantic), is
shown as pydantic writes it.
"""

from __future__ import annotations

from typing import Any, Mapping

from goaltree.present.language import N_, _, _n
from goaltree.present.numbers import with_decimal_sign

_TEMPLATES: Mapping[str, str] = {
    "string_type": N_("Input should be a valid string"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "date_type": N_("Input should be a valid date"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD, {error}"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, {error}"),
    "date_from_datetime_inexact": N_("Datetimes provided to dates should have zero time - e.g. be exact dates"),
    "literal_error": N_("Input should be {expected}"),
    "enum": N_("Input should be {expected}"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "model_attributes_type": N_("Input should be a valid dictionary or object to extract fields from"),
    "list_type": N_("Input should be a valid list"),
    "tuple_type": N_("Input should be a valid tuple"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "union_tag_invalid": N_("Input tag '{tag}' found using {discriminator} does not match any of the expected tags: {expected_tags}"),
    "union_tag_not_found": N_("Unable to extract tag using discriminator {discriminator}"),
}

_DATE_PROBLEMS = frozenset(
    (
        N_("input is too short"),
        N_("input is too long"),
        N_("month value is outside expected range of 1-12"),
        N_("day value is outside expected range"),
        N_("invalid date separator, expected `-`"),
        N_("invalid character in year"),
        N_("invalid character in month"),
        N_("invalid character in day"),
        N_("invalid datetime separator, expected `T`, `t`, `_` or space"),
    )
)
"""pydantic's reasons a date does not parse (its ``{error}``), translated where they are met."""


def pydantic_problem(item: Mapping[str, Any]) -> str:
    """What is wrong with a value, from one of pydantic's errors (``error.errors()``), in the current language."""
    message = str(item.get("msg", ""))
    kind = item.get("type")
    raw = dict(item.get("ctx") or {})
    context = {name: _shown(value) for name, value in raw.items()}
    if kind in ("string_too_short", "too_short", "too_long"):
        return _counted(kind, context, message)
    template = _TEMPLATES.get(kind)  # type: ignore[arg-type]
    if template is None:
        return message
    try:
        if template.format(**context) != message:
            return message  # pydantic words it differently: show its own text
    except (KeyError, IndexError, ValueError):
        return message
    for name, value in raw.items():  # a bound such as 0.8 takes the language's decimal sign
        if isinstance(value, float) and not isinstance(value, bool):
            context[name] = with_decimal_sign(context[name])
    if "error" in context and context["error"] in _DATE_PROBLEMS:
        context["error"] = _(context["error"])
    if "expected" in context and " or " in context["expected"]:
        choices, last = context["expected"].rsplit(" or ", 1)
        context["expected"] = _("{choices} or {last}", choices=choices, last=last)
    return _(template, **context)


def _shown(value: Any) -> str:
    """A value of pydantic's error context as pydantic writes it in its message: ``0``, not ``0.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _counted(kind: str, context: dict[str, str], message: str) -> str:
    """pydantic's texts that count characters or items."""
    try:
        if kind == "string_too_short":
            count = int(context["min_length"])
            english = _english_plural("String should have at least {count} character", "String should have at least {count} characters", count)
            if english != message:
                return message
            return _n("String should have at least {count} character", "String should have at least {count} characters", count)
        if context.get("field_type") != "Tuple":
            return message
        actual = context["actual_length"]
        if kind == "too_short":
            count = int(context["min_length"])
            english = _english_plural("Tuple should have at least {count} item after validation, not {actual}", "Tuple should have at least {count} items after validation, not {actual}", count, actual=actual)
            if english != message:
                return message
            return _n("Tuple should have at least {count} item after validation, not {actual}", "Tuple should have at least {count} items after validation, not {actual}", count, actual=actual)
        count = int(context["max_length"])
        english = _english_plural("Tuple should have at most {count} item after validation, not {actual}", "Tuple should have at most {count} items after validation, not {actual}", count, actual=actual)
        if english != message:
            return message
        return _n("Tuple should have at most {count} item after validation, not {actual}", "Tuple should have at most {count} items after validation, not {actual}", count, actual=actual)
    except (KeyError, ValueError):
        return message


def _english_plural(singular: str, plural: str, count: int, **fields: Any) -> str:
    return (singular if count == 1 else plural).format(count=count, **fields)


_PARSER_WORDS = frozenset(
    (
        # PyYAML's problems and contexts (libyaml and the pure-Python parser word a few differently)
        N_("did not find expected ',' or '}}'"),
        N_("did not find expected ',' or ']'"),
        N_("did not find expected key"),
        N_("did not find expected '-' indicator"),
        N_("mapping values are not allowed in this context"),
        N_("mapping values are not allowed here"),
        N_("could not find expected ':'"),
        N_("found unexpected end of stream"),
        N_("found character that cannot start any token"),
        N_("found undefined alias"),
        N_("while parsing a flow mapping"),
        N_("while parsing a flow sequence"),
        N_("while parsing a block mapping"),
        N_("while parsing a block collection"),
        N_("while scanning a quoted scalar"),
        N_("while scanning a simple key"),
        N_("while scanning for the next token"),
        # the json module's
        N_("Expecting value"),
        N_("Expecting property name enclosed in double quotes"),
        N_("Expecting ':' delimiter"),
        N_("Expecting ',' delimiter"),
        N_("Unterminated string starting at"),
        N_("Extra data"),
        N_("Invalid control character at"),
        N_("Invalid \\escape"),
    )
)


def parser_words(text: str) -> str:
    """A YAML or JSON parser's own description of a problem, in the current language when it is a common one."""
    key = text.replace("{", "{{").replace("}", "}}")  # a brace in a marked text is doubled
    return _(key) if key in _PARSER_WORDS else text
