"""A goal file's number (goaltree.model.Number): refused booleans checked in pydantic's core.

``Number`` lets an integer, a float or a string through a gate in pydantic's
core and calls Python only for other values; it must validate exactly as a
``float`` behind a Python check for booleans does (the reference below), with
the same values and the same errors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from goaltree.model import Number, _not_a_boolean

Reference = Annotated[float, BeforeValidator(_not_a_boolean)]


class _Gated(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    value: Number | None = None
    weight: Number = Field(1.0, ge=0)
    pair: tuple[Number, Number] | None = None
    series: dict[dt.date, Number] = Field(default_factory=dict)


class _Checked(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    value: Reference | None = None
    weight: Reference = Field(1.0, ge=0)
    pair: tuple[Reference, Reference] | None = None
    series: dict[dt.date, Reference] = Field(default_factory=dict)


def _outcome(model: type[BaseModel], data: dict) -> Any:
    try:
        validated = model.model_validate(data)
    except ValidationError as error:
        return [
            (item["type"], item["loc"], item["msg"], repr(item["input"]), item.get("ctx"))
            for item in error.errors(include_url=False)
        ]
    return [(name, repr(value), type(value)) for name, value in validated.__dict__.items()]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"value": 12}, ("value", 12.0)),
        ({"value": "12"}, ("value", 12.0)),  # a quoted number stays a number, as pydantic reads it
        ({"value": -0.5}, ("value", -0.5)),
        ({"weight": 0}, ("weight", 0.0)),
        ({"series": {dt.date(2027, 1, 31): 3}}, ("series", {dt.date(2027, 1, 31): 3.0})),
    ],
)
def test_numbers_read_as_floats(data: dict, expected: tuple) -> None:
    name, value = expected
    assert getattr(_Gated.model_validate(data), name) == value


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_a_number(value: bool) -> None:
    with pytest.raises(ValidationError) as raised:
        _Gated.model_validate({"value": 1, "weight": value, "series": {dt.date(2027, 1, 31): value}})
    assert [(e["type"], e["loc"], e["msg"], e["input"]) for e in raised.value.errors()] == [
        ("float_type", ("weight",), "Input should be a valid number", value),
        ("float_type", ("series", "datetime.date(2027, 1, 31)"), "Input should be a valid number", value),
    ]


def test_a_constraint_names_the_value_as_written() -> None:
    # weight: -1 is said as -1, not -1.0: the gate hands the integer on unchanged.
    with pytest.raises(ValidationError) as raised:
        _Gated.model_validate({"weight": -1})
    [error] = raised.value.errors()
    assert (error["type"], error["input"], error["ctx"]) == ("greater_than_equal", -1, {"ge": 0.0})


def test_nan_and_words_keep_their_own_errors() -> None:
    with pytest.raises(ValidationError) as raised:
        _Gated.model_validate({"value": float("nan"), "weight": "many", "pair": [10**400, "1 200"]})
    assert [(e["type"], e["loc"]) for e in raised.value.errors()] == [
        ("finite_number", ("value",)),
        ("float_parsing", ("weight",)),
        ("float_type", ("pair", 0)),
        ("float_parsing", ("pair", 1)),
    ]


_VALUES = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**308, max_value=10**400),
    st.floats(),
    st.text(alphabet="0123456789 .,eE-+_naifNAIF%", max_size=8),
    st.text(max_size=4),
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.binary(max_size=4),
    st.dates(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


@settings(max_examples=600, deadline=None)
@given(
    value=_VALUES,
    weight=_VALUES,
    pair=st.one_of(st.none(), st.tuples(_VALUES, _VALUES).map(list), _VALUES),
    series=st.dictionaries(st.dates(), _VALUES, max_size=3),
)
def test_the_gate_validates_as_the_python_check_does(value: Any, weight: Any, pair: Any, series: dict) -> None:
    data = {"value": value, "weight": weight, "pair": pair, "series": series}
    assert _outcome(_Gated, data) == _outcome(_Checked, data)


@pytest.mark.parametrize(
    "value", ["true", "false", "1", "-1", "1.5", '"12"', '"1 200"', "null", "[1]", "1e400", "123456789012345678901234567890", "NaN"]
)
@pytest.mark.parametrize("field", ["value", "weight", "series"])
def test_json_input_validates_as_the_python_check_does(field: str, value: str) -> None:
    # pydantic's JSON mode has no isinstance: every value goes through the Python check there.
    written = value if field != "series" else '{"2027-01-01": ' + value + "}"
    text = '{"' + field + '": ' + written + "}"

    def outcome(model: type[BaseModel]) -> Any:
        try:
            return repr(model.model_validate_json(text).__dict__)
        except ValidationError as error:
            return [(e["type"], e["loc"], e["msg"], repr(e["input"])) for e in error.errors(include_url=False)]

    assert outcome(_Gated) == outcome(_Checked)
