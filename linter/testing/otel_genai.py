"""Render a scenario as an OTLP/JSON trace of OpenTelemetry GenAI spans.

The trace has one ``invoke_agent`` root; each scenario step is a ``chat`` span followed by one
``execute_tool`` span per call, the calls of one step overlapping in time. Tool names stay as in
the scenario (they are the instrumented application's own functions) with arguments as JSON.
Every chat span records the conversation so far in ``gen_ai.input.messages`` (so the person's
prompts are there) and its answer in ``gen_ai.output.messages``. A ``Task`` call is an
``execute_tool`` span with a nested ``invoke_agent`` span (agent-as-tool) that runs one chat turn.
"""

from __future__ import annotations

import json
from typing import Any

from linter.testing import CWD, SESSION, ScenarioStep, parse_scenario

SUFFIX = ".json"
_BASE_NS = 1767225600 * 10**9
_TRACE = "5b8aa5a2d2c872e8321cf37308d69df2"
_MODEL = "claude-sonnet-4-5"
_SECOND = 10**9


def _attr(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        wrapped: dict[str, Any] = {"boolValue": value}
    elif isinstance(value, int):
        wrapped = {"intValue": str(value)}
    elif isinstance(value, str):
        wrapped = {"stringValue": value}
    else:
        wrapped = {"stringValue": json.dumps(value, ensure_ascii=False)}
    return {"key": key, "value": wrapped}


class _Trace:
    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.ids = 0

    def span(self, name: str, parent: str | None, start: int, end: int, kind: int,
             attrs: dict[str, Any], error: str | None = None) -> str:
        self.ids += 1
        span_id = f"{self.ids:016x}"
        span: dict[str, Any] = {
            "traceId": _TRACE, "spanId": span_id, "name": name, "kind": kind,
            "startTimeUnixNano": str(_BASE_NS + start), "endTimeUnixNano": str(_BASE_NS + end),
            "attributes": [_attr(k, v) for k, v in attrs.items()],
            "status": {"code": 2, "message": error} if error is not None else {},
        }
        if parent is not None:
            span["parentSpanId"] = parent
        self.spans.append(span)
        return span_id


def _chat_attrs(agent: str, history: list[dict[str, Any]], parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic", "gen_ai.agent.name": agent,
        "gen_ai.request.model": _MODEL, "gen_ai.response.model": _MODEL,
        "gen_ai.input.messages": history, "gen_ai.output.messages": [{"role": "assistant", "parts": parts}],
        "gen_ai.usage.input_tokens": 20128, "gen_ai.usage.cache_read.input_tokens": 20000,
        "gen_ai.usage.cache_creation.input_tokens": 120, "gen_ai.usage.output_tokens": 90,
    }


def render(text: str) -> str:
    """Render a scenario as one OTLP/JSON ``ExportTraceServiceRequest`` document."""
    trace = _Trace()
    root = trace.span("invoke_agent assistant", None, 0, 0, 1, {
        "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "assistant",
        "gen_ai.conversation.id": SESSION, "gen_ai.provider.name": "anthropic"})
    history: list[dict[str, Any]] = []
    clock = _SECOND
    calls = 0
    for item in parse_scenario(text):
        if isinstance(item, tuple):
            kind, body = item
            history.append({"role": "system" if kind == "meta" else "user",
                            "parts": [{"type": "text", "content": body}]})
            continue
        step: ScenarioStep = item
        parts: list[dict[str, Any]] = [{"type": "text", "content": step.text}] if step.text else []
        ids = []
        for call in step.calls:
            calls += 1
            ids.append(f"toolu_{calls:04d}")
            parts.append({"type": "tool_call", "id": ids[-1], "name": call.name, "arguments": call.args})
        trace.span(f"chat {_MODEL}", root, clock, clock + _SECOND, 3, _chat_attrs("assistant", list(history), parts))
        history.append({"role": "assistant", "parts": parts})
        clock += _SECOND
        last = clock
        for n, (call_id, call) in enumerate(zip(ids, step.calls)):
            start, end = clock + n * 10**7, clock + _SECOND + n * 10**7
            attrs: dict[str, Any] = {
                "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": call.name,
                "gen_ai.tool.call.id": call_id, "gen_ai.tool.call.arguments": call.args,
                "gen_ai.tool.call.result": call.result}
            if call.error:
                attrs["error.type"] = "ToolError"
            tool = trace.span(f"execute_tool {call.name}", root, start, end, 1, attrs,
                              call.result if call.error else None)
            if call.name in ("Task", "Agent"):
                name = str(call.args.get("subagent_type") or "subagent")
                prompt = str(call.args.get("prompt", ""))
                sub = trace.span(f"invoke_agent {name}", tool, start + 10**6, end - 10**6, 1, {
                    "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": name,
                    "gen_ai.agent.description": str(call.args.get("description", name))})
                trace.span(f"chat {_MODEL}", sub, start + 2 * 10**6, end - 2 * 10**6, 3, _chat_attrs(
                    name, [{"role": "user", "parts": [{"type": "text", "content": prompt}]}],
                    [{"type": "text", "content": call.result}]))
            last = max(last, end)
        if step.calls:
            history.append({"role": "tool", "parts": [
                {"type": "tool_call_response", "id": call_id, "result": call.result}
                for call_id, call in zip(ids, step.calls)]})
        clock = last + _SECOND // 2
    trace.spans[0]["endTimeUnixNano"] = str(_BASE_NS + clock)
    doc = {"resourceSpans": [{
        "resource": {"attributes": [_attr("service.name", "scenario-agent"),
                                    _attr("process.working_directory", CWD)]},
        "scopeSpans": [{"scope": {"name": "scenario", "version": "1"}, "spans": trace.spans}],
    }]}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
