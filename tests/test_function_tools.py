"""Effects of an application's own functions (model API transcripts): queries, actions, spellings."""

from __future__ import annotations

import pytest

from linter.effects import READ, UNKNOWN, Resolver, _argument_values, _number_forms, function_tool, is_query_name
from linter.model import Location, ToolCall


@pytest.mark.parametrize("name", ["get_weather", "math.calculate_area", "searchFlights", "math.gcd",
                                  "weather_forecast_humidity", "lawsuit_search", "get_order_status",
                                  "mcp__github__list_issues"])
def test_query_names(name: str) -> None:
    assert is_query_name(name)


@pytest.mark.parametrize("name", ["book_flight", "spotify.play", "whole_foods.order", "roll_dice",
                                  "create_user", "bash", "code_interpreter", "next_page", "sql_runner", ""])
def test_action_names(name: str) -> None:
    assert not is_query_name(name)


def _call(name: str, **args: object) -> ToolCall:
    return ToolCall(id="c1", name=name, input=dict(args), location=Location("t.json", 1))


def test_a_query_names_its_argument_words_and_numbers() -> None:
    effect = function_tool(_call("restaurant_finder", location="New York, NY", diet=["Gluten-free"], budget=20),
                           Resolver(None))
    assert effect.kind == READ
    assert effect.values == (("New", "new"), ("York", "york"), ("Gluten-free", "gluten-free"), ("20",))
    assert effect.extra["signature"] == ("restaurant_finder",
                                         '{"budget": 20, "diet": ["Gluten-free"], "location": "New York, NY"}')


def test_an_action_is_unknown() -> None:
    assert function_tool(_call("book_flight", to="Tokyo"), Resolver(None)).kind == UNKNOWN


@pytest.mark.parametrize(("value", "forms"), [
    (5.0, ("5.0", "5")),
    (-1000, ("-1000", "1000", "1,000")),
    (500000, ("500000", "500,000")),
    (0.02, ("0.02", ".02", "2%")),
    (1e-07, ("1e-07", "0.0000001", ".0000001")),
    (2.5, ("2.5",)),
])
def test_number_spellings(value: float, forms: tuple[str, ...]) -> None:
    assert _number_forms(value) == forms


def test_argument_values_skip_booleans_and_short_words() -> None:
    out: list[tuple[str, ...]] = []
    _argument_values({"flag": True, "none": None, "code": "NY", "nested": {"deep": ["Paris"]}}, out)
    assert out == [("Paris", "paris")]


def test_an_iso_date_may_be_written_out() -> None:
    out: list[tuple[str, ...]] = []
    _argument_values({"date": "2022-05-03", "bad": "2022-13-40"}, out)
    assert out == [("2022-05-03", "2022"), ("2022-05-03", "May", "may"), ("2022-05-03", "3", "03"), ("2022-13-40",)]
