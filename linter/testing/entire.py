"""Render a scenario as an Entire condensed transcript (``transcript.jsonl`` of a checkpoint).

Each scenario step is one assistant line: a ``text`` block for its prose and one ``tool_use``
block per call, each carrying its own ``result`` (``status`` ``error`` for failed ones). Each
user prompt is a user line. Tool names stay as in the scenario (Entire keeps the recording
agent's own names). Harness text and subagents have no place in this format and cannot be
expressed.
"""

from __future__ import annotations

import json
from typing import Any

from linter.testing import Inexpressible, ScenarioStep, iso_stamp, parse_scenario

SUFFIX = ".jsonl"


def render(text: str) -> str:
    items = parse_scenario(text)
    lines: list[dict[str, Any]] = []
    head = {"v": 1, "agent": "claude-code", "cli_version": "0.5.0"}
    calls = 0
    for item in items:
        if isinstance(item, tuple):
            kind, body = item
            if kind == "meta":
                raise Inexpressible("harness text has no place in an Entire transcript")
            lines.append({**head, "type": "user", "ts": iso_stamp(5 * len(lines)),
                          "content": [{"id": f"u-{len(lines)}", "text": body}]})
            continue
        if not isinstance(item, ScenarioStep):
            raise Inexpressible("an Entire transcript does not keep subagents' calls")
        blocks: list[dict[str, Any]] = []
        if item.text or not item.calls:
            blocks.append({"type": "text", "text": item.text})
        for call in item.calls:
            calls += 1
            blocks.append({"type": "tool_use", "id": f"toolu_{calls:04d}", "name": call.name, "input": call.args,
                           "result": {"output": call.result, "status": "error" if call.error else "success"}})
        lines.append({**head, "type": "assistant", "ts": iso_stamp(5 * len(lines)), "id": f"msg_{len(lines):04d}",
                      "input_tokens": 8, "output_tokens": 90, "content": blocks})
    return "".join(json.dumps(line) + "\n" for line in lines)
