"""A request's tool definitions are in the model's context from the start: a value written only
there (an enum member, a default) is knowable at the first turn, in every message-list format."""

from __future__ import annotations

import json

import pytest

from linter.config import Config
from linter.engine import load_registry, run

PROMPT = "What is the weather in Oslo right now, and the forecast for Lima and Perth?"
CALLS = [("get_weather", {"city": "Oslo"}), ("get_forecast", {"city": "Lima", "model": "ecmwf_ifs"}),
         ("get_forecast", {"city": "Perth", "model": "ecmwf_ifs"})]
WEATHER = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
FORECAST = {"type": "object", "properties": {
    "city": {"type": "string"},
    "model": {"type": "string", "enum": ["ecmwf_ifs", "noaa_gfs"], "description": "Forecast model to ask."},
}, "required": ["city", "model"]}
DEFINITIONS = [("get_weather", "Current weather of a city.", WEATHER),
               ("get_forecast", "Tomorrow's forecast for a city.", FORECAST)]


def _chat(tools: bool) -> dict:
    messages: list[dict] = [{"role": "user", "content": PROMPT}]
    for n, (name, args) in enumerate(CALLS):
        messages.append({"role": "assistant", "content": None, "tool_calls": [
            {"id": f"call_{n}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]})
        messages.append({"role": "tool", "tool_call_id": f"call_{n}", "content": f"{args['city']}: 12 degrees"})
    messages.append({"role": "assistant", "content": "Done."})
    doc: dict = {"messages": messages}
    if tools:
        doc["tools"] = [{"type": "function", "function": {"name": name, "description": text, "parameters": schema}}
                        for name, text, schema in DEFINITIONS]
    return doc


def _anthropic(tools: bool) -> dict:
    messages: list[dict] = [{"role": "user", "content": PROMPT}]
    for n, (name, args) in enumerate(CALLS):
        messages.append({"role": "assistant", "content": [
            {"type": "tool_use", "id": f"toolu_{n}", "name": name, "input": args}]})
        messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": f"toolu_{n}", "content": f"{args['city']}: 12 degrees"}]})
    messages.append({"role": "assistant", "content": [{"type": "text", "text": "Done."}]})
    doc: dict = {"system": "You answer weather questions.", "messages": messages}
    if tools:
        doc["tools"] = [{"name": name, "description": text, "input_schema": schema} for name, text, schema in DEFINITIONS]
    return doc


def _responses(tools: bool) -> dict:
    items: list[dict] = [{"role": "user", "content": PROMPT}]
    for n, (name, args) in enumerate(CALLS):
        items.append({"type": "function_call", "call_id": f"call_{n}", "name": name, "arguments": json.dumps(args)})
        items.append({"type": "function_call_output", "call_id": f"call_{n}", "output": f"{args['city']}: 12 degrees"})
        items.append({"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Next."}]})
    doc: dict = {"instructions": "You answer weather questions.", "input": items}
    if tools:
        doc["tools"] = [{"type": "function", "name": name, "description": text, "parameters": schema}
                        for name, text, schema in DEFINITIONS]
    return doc


RENDER = {"openai-chat": _chat, "anthropic-messages": _anthropic, "openai-responses": _responses}


def _codes(tmp_path, fmt: str, tools: bool) -> list[str]:
    path = tmp_path / f"{fmt}-{tools}.json"
    path.write_text(json.dumps(RENDER[fmt](tools)), encoding="utf-8")
    result = run([str(path)], Config(), load_registry())
    assert result.errors == [] and [s.format for s in result.sessions] == [fmt]
    return [d.code for d in result.diagnostics]


@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_a_value_from_the_tool_definitions_is_known_up_front(tmp_path, fmt: str) -> None:
    # "ecmwf_ifs" is written only in the definition's enum: with the definitions recorded, the three
    # lookups were all knowable at the first turn; without them the forecasts name a model that
    # nothing before them showed, so they wait for something.
    assert _codes(tmp_path, fmt, tools=True) == ["PAR101"]
    assert _codes(tmp_path, fmt, tools=False) == []
