"""Render a scenario as an OpenAI Chat Completions recording: the ``messages`` of the last request
plus the recorded ``chat.completion`` responses (with usage), as request/response recordings keep them.

Each scenario step is one assistant message whose ``tool_calls`` are the step's calls, arguments
as JSON strings; each result is a ``role: tool`` message. Tool names stay as in the scenario (the
generic effect table knows them). The first system message states the working directory, as
agents built on this API tell their model. Chat tool messages have no failure flag, so a
scenario with a failed result (``!>``) cannot be expressed.
"""

from __future__ import annotations

import json
from typing import Any

from linter.testing import CWD, Inexpressible, ScenarioStep, parse_scenario

SUFFIX = ".json"
MODEL = "gpt-4.1"
SYSTEM = f"You are a coding agent.\nWorking directory: {CWD}"


def dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def render(text: str) -> str:
    messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM}]
    responses: list[dict[str, Any]] = []
    calls = 0
    for item in parse_scenario(text):
        if isinstance(item, tuple):
            kind, body = item
            messages.append({"role": "system" if kind == "meta" else "user", "content": body})
            continue
        step: ScenarioStep = item
        message: dict[str, Any] = {"role": "assistant", "content": step.text or None}
        ids = []
        if step.calls:
            message["tool_calls"] = []
            for call in step.calls:
                if call.error:
                    raise Inexpressible("chat tool messages cannot mark a result as failed")
                calls += 1
                ids.append(f"call_{calls:04d}")
                message["tool_calls"].append({"id": ids[-1], "type": "function", "function": {
                    "name": call.name, "arguments": json.dumps(call.args, ensure_ascii=False)}})
        messages.append(message)
        responses.append({
            "id": f"chatcmpl-{len(responses) + 1:04d}", "object": "chat.completion", "model": MODEL,
            "choices": [{"index": 0, "finish_reason": "tool_calls" if step.calls else "stop", "message": message}],
            "usage": {"prompt_tokens": 20128, "completion_tokens": 90, "total_tokens": 20218,
                      "prompt_tokens_details": {"cached_tokens": 20000}},
        })
        for call_id, call in zip(ids, step.calls):
            messages.append({"role": "tool", "tool_call_id": call_id, "content": call.result})
    return dump({"model": MODEL, "messages": messages, "responses": responses})
