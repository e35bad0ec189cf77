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
    assert effect.values == (("New", "new"), ("York", "york"), ("Gluten-free", "gluten-free"), ("20", "20.0", "20.00"))
    assert effect.extra["signature"] == ("restaurant_finder",
                                         '{"budget": 20, "diet": ["Gluten-free"], "location": "New York, NY"}')


def test_an_action_is_unknown() -> None:
    assert function_tool(_call("book_flight", to="Tokyo"), Resolver(None)).kind == UNKNOWN


@pytest.mark.parametrize(("value", "forms"), [
    (5.0, ("5.0", "5", "5.00")),
    (-1000, ("-1000", "1000", "1,000", "1000.0", "1000.00", "1 thousand", "1k", "-1,000", "-1000.0", "-1000.00",
             "-1 thousand", "-1k")),
    (-74.006, ("-74.006", "74.006", "74.0060", "74.00600", "-74.0060", "-74.00600")),  # "-74.0060" in a prompt
    (500000, ("500000", "500,000", "500000.0", "500000.00", "500 thousand", "500k")),
    (1267000000, ("1267000000", "1,267,000,000", "1.267 billion", "1.267bn")),
    (1234567, ("1234567", "1,234,567")),  # no round scale: no words
    (0.02, ("0.02", "0.020", "0.0200", ".02", "2%")),
    (1.3, ("1.3", "1.30", "1.300")),
    (1e-07, ("1e-07", "0.0000001", "0.00000010", "0.000000100", ".0000001", "1 x 10^-7", "1x10^-7", "1 × 10^-7",
             "1×10^-7", "1 * 10^-7", "1*10^-7", "1e-7", "1E-7")),
    (8.854e-12, ("8.854e-12", "0.000000000008854", "0.0000000000088540", "0.00000000000885400",
                 ".000000000008854", "8.854 x 10^-12", "8.854x10^-12", "8.854 × 10^-12", "8.854×10^-12",
                 "8.854 * 10^-12", "8.854*10^-12", "8.854E-12")),
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


@pytest.mark.parametrize("name", ["confirm_appointment", "escalate_ticket", "email_customer", "dispatch_technician",
                                  "activate_user", "suspend_account", "resolve_incident"])
def test_action_verbs_make_a_function_unknown(name: str) -> None:
    assert function_tool(_call(name, id="7"), Resolver(None)).kind == UNKNOWN


@pytest.mark.parametrize(("name", "categories"), [
    ("run_tests", {"test"}), ("run_unit_tests", {"test"}), ("execute_tests", {"test"}), ("run_linter", {"lint"}),
    ("typecheck", {"typecheck"}), ("lint", {"lint"}),
    ("t_test", set()), ("chi_squared_test", set()),  # statistics, not a test run
])
def test_an_applications_own_checks_are_validation(name: str, categories: set[str]) -> None:
    assert set(function_tool(_call(name), Resolver(None)).categories) == categories


def test_a_short_numeric_id_is_a_value() -> None:
    effect = function_tool(_call("get_employee", employee_id="12"), Resolver(None))
    assert effect.values == (("12",),)


_FALLBACK = '''
user: Book a table for two on Friday, or Saturday if Friday is full, or Sunday.
step
call check_availability day=Friday party:=2
-> {friday}
step
call check_availability day=Saturday party:=2
-> {saturday}
step
call check_availability day=Sunday party:=2
-> {{"available": true}}
'''


def test_a_no_ends_the_run_the_next_call_falls_back_from() -> None:
    from linter.testing import lint_scenario

    fallback = _FALLBACK.format(friday='{"available": false}', saturday="No tables available")
    assert lint_scenario(fallback, select=["PAR101"], fmt="openai-chat") == []
    sweep = _FALLBACK.format(friday='{"available": true}', saturday='{"available": true}')
    assert [d.code for d in lint_scenario(sweep, select=["PAR101"], fmt="openai-chat")] == ["PAR101"]


def test_a_url_is_one_value_with_or_without_its_scheme() -> None:
    effect = function_tool(_call("get_page_title", url="https://docs.example.org/v2/intro?lang=en", lang="en"),
                           Resolver(None))
    assert effect.values == (("https://docs.example.org/v2/intro?lang=en", "docs.example.org/v2/intro?lang=en"),)


_PAGES = '''
user: Give me the titles of https://docs.example.org/v2/intro, https://docs.example.org/v2/setup and docs.example.org/v2/faq
step
call get_page_title url=https://docs.example.org/v2/intro
-> Introduction
step
call get_page_title url=https://docs.example.org/v2/setup
-> Setup
step
call get_page_title url=https://docs.example.org/v2/faq
-> FAQ
'''


def test_urls_the_prompt_gave_are_known_up_front() -> None:
    from linter.testing import lint_scenario

    # the host and path were no words of their own: a URL the person wrote was never "known"
    assert [d.code for d in lint_scenario(_PAGES, select=["PAR101"], fmt="openai-chat")] == ["PAR101"]


def test_a_path_keeps_its_leading_slash() -> None:
    effect = function_tool(_call("get_r_squared", dataset_path="/user/home/data/finance.csv", target="~/out"),
                           Resolver(None))
    assert effect.values == (("/user/home/data/finance.csv",), ("~/out",))


_DATASETS = '''
user: What is the R squared of the models on "/data/finance.csv", ../data/sales.csv and ~/data/hr.csv?
step
call get_r_squared dataset_path=/data/finance.csv
-> 0.81
step
call get_r_squared dataset_path=../data/sales.csv
-> 0.64
step
call get_r_squared dataset_path=~/data/hr.csv
-> 0.12
'''


def test_paths_the_prompt_gave_are_known_up_front() -> None:
    from linter.testing import lint_scenario

    # "data/finance.csv" follows a "/" in the prompt, so it was no whole word there
    assert [d.code for d in lint_scenario(_DATASETS, select=["PAR101"], fmt="openai-chat")] == ["PAR101"]
