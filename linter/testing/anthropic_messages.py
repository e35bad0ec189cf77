"""Render a scenario as an Anthropic Messages API recording: the ``system`` and ``messages`` of the
last request plus the recorded response messages (with usage), as request/response recordings keep them.

Each scenario step is one assistant message: a ``text`` block for its prose and one ``tool_use``
block per call; its results are ``tool_result`` blocks (``is_error`` for failed ones) of the next
user message. Tool names stay as in the scenario. The ``system`` prompt states the working
directory; harness text (``meta:``) after the first turn has no place in this format and cannot
be expressed.
"""

from __future__ import annotations

from typing import Any

from linter.testing import CWD, Inexpressible, ScenarioStep, parse_scenario
from linter.testing.openai_chat import dump

SUFFIX = ".json"
MODEL = "claude-sonnet-4-5"
SYSTEM = f"You are a coding agent.\nWorking directory: {CWD}"


def render(text: str) -> str:
    system = [SYSTEM]
    messages: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    calls = 0
    for item in parse_scenario(text):
        if isinstance(item, tuple):
            kind, body = item
            if kind == "meta":
                if messages:
                    raise Inexpressible("harness text between turns has no place in a Messages API list")
                system.append(body)
            else:
                messages.append({"role": "user", "content": body})
            continue
        step: ScenarioStep = item
        n = len(responses) + 1
        blocks: list[dict[str, Any]] = []
        if step.text or not step.calls:
            blocks.append({"type": "text", "text": step.text})
        ids = []
        for call in step.calls:
            calls += 1
            ids.append(f"toolu_{calls:04d}")
            blocks.append({"type": "tool_use", "id": ids[-1], "name": call.name, "input": call.args})
        messages.append({"role": "assistant", "content": blocks})
        responses.append({"id": f"msg_{n:04d}", "type": "message", "role": "assistant", "model": MODEL,
                          "content": blocks, "stop_reason": "tool_use" if step.calls else "end_turn",
                          "usage": {"input_tokens": 8, "cache_creation_input_tokens": 120,
                                    "cache_read_input_tokens": 20000, "output_tokens": 90}})
        if step.calls:
            messages.append({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": call_id, "content": call.result, "is_error": call.error}
                for call_id, call in zip(ids, step.calls)]})
    return dump({"model": MODEL, "system": "\n".join(system), "messages": messages, "responses": responses})
