"""Render a scenario as an OpenAI Responses API recording: the ``input`` items of the last request
plus the recorded ``response`` objects (with usage), as request/response recordings keep them.

Each scenario step is one response: an assistant ``message`` item for its prose and one
``function_call`` item per call (arguments as JSON strings), answered by ``function_call_output``
items. Tool names stay as in the scenario. The ``instructions`` state the working directory.
Function call outputs have no failure flag, so a scenario with a failed result (``!>``) cannot
be expressed.
"""

from __future__ import annotations

import json
from typing import Any

from linter.testing import CWD, Inexpressible, ScenarioStep, parse_scenario
from linter.testing.openai_chat import dump

SUFFIX = ".json"
MODEL = "gpt-4.1"
INSTRUCTIONS = f"You are a coding agent.\nWorking directory: {CWD}"


def render(text: str) -> str:
    items: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    calls = 0
    for item in parse_scenario(text):
        if isinstance(item, tuple):
            kind, body = item
            items.append({"type": "message", "role": "developer" if kind == "meta" else "user",
                          "content": [{"type": "input_text", "text": body}]})
            continue
        step: ScenarioStep = item
        n = len(responses) + 1
        output: list[dict[str, Any]] = []
        if step.text or not step.calls:
            output.append({"type": "message", "id": f"msg_{n:04d}", "role": "assistant", "status": "completed",
                           "content": [{"type": "output_text", "text": step.text, "annotations": []}]})
        ids = []
        for call in step.calls:
            if call.error:
                raise Inexpressible("function_call_output items cannot mark a result as failed")
            calls += 1
            ids.append(f"call_{calls:04d}")
            output.append({"type": "function_call", "id": f"fc_{calls:04d}", "call_id": ids[-1], "name": call.name,
                           "arguments": json.dumps(call.args, ensure_ascii=False), "status": "completed"})
        items.extend(output)
        responses.append({"id": f"resp_{n:04d}", "object": "response", "model": MODEL, "status": "completed",
                          "output": output,
                          "usage": {"input_tokens": 20128, "input_tokens_details": {"cached_tokens": 20000},
                                    "output_tokens": 90, "output_tokens_details": {"reasoning_tokens": 0},
                                    "total_tokens": 20218}})
        for call_id, call in zip(ids, step.calls):
            items.append({"type": "function_call_output", "call_id": call_id, "output": call.result})
    return dump({"model": MODEL, "instructions": INSTRUCTIONS, "input": items, "responses": responses})
