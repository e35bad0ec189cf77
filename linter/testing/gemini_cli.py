"""Render a scenario as a Gemini CLI chat recording (the legacy one-document ``.json`` layout).

Each scenario step is one ``gemini`` message whose ``toolCalls`` hold all the calls of the step,
each with its embedded ``functionResponse`` result, ``status`` and completion ``timestamp``. Call
ids carry their scheduling time (``<tool>-<epoch ms>-<hex>``) before any completion, as a real
batch does. Claude Code tool names map to Gemini CLI's: Read -> read_file, Write -> write_file,
Edit -> replace, Bash -> run_shell_command (its result in the shell tool's own layout, a failure
as a non-zero exit code), Grep -> search_file_content, Glob -> glob, Task -> delegate_to_agent,
WebFetch -> web_fetch, WebSearch -> google_web_search, LS -> list_directory, TodoWrite ->
write_todos (``{description, status}`` items). The ``projectHash`` is the SHA-256 of the
working directory, as the CLI writes it, and ``directories`` names it. A person's interruption is
the CLI's "Request cancelled." notice; harness text is sent as the CLI's context preamble.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from linter.testing import CWD, SESSION, Inexpressible, ScenarioCall, parse_scenario

SUFFIX = ".json"
_BASE_MS = 1767225600 * 1000  # 2026-01-01T00:00:00Z
_MODEL = "gemini-2.5-pro"
_INTERRUPT = "[Request interrupted by user]"
_PREAMBLE = "This is the Gemini CLI. We are setting up the context for our chat.\n"
_NAMES = {"Read": "read_file", "Write": "write_file", "Edit": "replace", "MultiEdit": "replace",
          "Bash": "run_shell_command", "Grep": "search_file_content", "Glob": "glob", "Task": "delegate_to_agent",
          "Agent": "delegate_to_agent", "WebFetch": "web_fetch", "WebSearch": "google_web_search",
          "LS": "list_directory", "TodoWrite": "write_todos"}


def _stamp(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _args(call: ScenarioCall) -> dict[str, Any]:
    """The scenario's Claude Code arguments as the Gemini CLI tool's (``wait_for_previous`` kept)."""
    out = _tool_args(call)
    if call.args.get("wait_for_previous"):
        out["wait_for_previous"] = True
    return out


def _tool_args(call: ScenarioCall) -> dict[str, Any]:
    a = dict(call.args)
    name = call.name
    if name in ("Grep", "Glob"):
        out = {"pattern": a.get("pattern", "")}
        if a.get("path"):
            out["dir_path"] = a["path"]
        if a.get("glob"):
            out["include"] = a["glob"]
        return out
    if name == "Bash":
        out = {"command": a.get("command", "")}
        if a.get("description"):
            out["description"] = a["description"]
        if a.get("run_in_background"):
            out["is_background"] = True
        return out
    if name in ("Task", "Agent"):
        out = {"agent_name": a.get("subagent_type") or "generalist", "objective": a.get("prompt", "")}
        if a.get("description"):
            out["description"] = a["description"]
        return out
    if name == "WebFetch":
        return {"prompt": f"{a.get('prompt', 'Summarise')} {a.get('url', '')}".strip()}
    if name == "LS":
        return {"dir_path": a.get("path", "")}
    if name == "Edit":
        return {k: v for k, v in a.items() if k in ("file_path", "old_string", "new_string")}
    if name == "TodoWrite":
        todos = a.get("todos") if isinstance(a.get("todos"), list) else []
        return {"todos": [{"description": str(t.get("content", "")), "status": str(t.get("status", "pending"))}
                          for t in todos if isinstance(t, dict)]}
    return a


def _output(call: ScenarioCall) -> tuple[str, dict[str, str]]:
    """(status, functionResponse.response) of a call."""
    if call.error and call.result.startswith("[Operation Cancelled]"):
        return "cancelled", {"error": call.result}  # the person denied or cancelled it: it never ran
    if call.name == "Bash":
        text = (f"Command: {call.args.get('command', '')}\nDirectory: (root)\nOutput: {call.result or '(empty)'}\n"
                f"Error: (none)\nExit Code: {1 if call.error else 0}\nSignal: 0\nBackground PIDs: (none)\n"
                "Process Group PGID: 4242")
        return "success", {"output": text}
    if call.error:
        return "error", {"error": call.result}
    return "success", {"output": call.result}


def render(text: str) -> str:
    """Render a scenario as a legacy Gemini CLI session ``.json`` document."""
    messages: list[dict[str, Any]] = []
    clock = 0
    calls = 0

    def message(kind: str, content: str, at: int) -> dict[str, Any]:
        msg = {"id": f"00000000-0000-4000-8000-{len(messages) + 1:012d}", "timestamp": _stamp(_BASE_MS + at),
               "type": kind, "content": content}
        messages.append(msg)
        return msg

    for item in parse_scenario(text):
        clock += 1000
        if isinstance(item, tuple):
            kind, body = item
            if body == _INTERRUPT:
                message("info", "Request cancelled.", clock)
            else:
                message("user", _PREAMBLE + body if kind == "meta" else body, clock)
            continue
        msg = message("gemini", item.text, clock)
        msg.update({"thoughts": [], "model": _MODEL,
                    "tokens": {"input": 20008, "output": 90, "cached": 20000, "thoughts": 0, "tool": 0, "total": 20098}})
        if not item.calls:
            continue
        done = _stamp(_BASE_MS + clock + 500)
        records = []
        for pos, call in enumerate(item.calls):
            calls += 1
            name = _NAMES.get(call.name, call.name)
            call_id = f"{name}-{_BASE_MS + clock + pos}-{calls:012x}"
            status, response = _output(call)
            records.append({
                "id": call_id, "name": name, "args": _args(call),
                "result": [{"functionResponse": {"id": call_id, "name": name, "response": response}}],
                "status": status, "timestamp": done, "resultDisplay": call.result, "displayName": name,
                "description": "", "renderOutputAsMarkdown": False,
            })
        msg["toolCalls"] = records
    doc = {"sessionId": SESSION, "projectHash": hashlib.sha256(CWD.encode()).hexdigest(),
           "startTime": _stamp(_BASE_MS), "lastUpdated": _stamp(_BASE_MS + clock + 1000), "directories": [CWD],
           "messages": messages}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_stream(text: str) -> str:
    """Render a scenario as a headless run's ``--output-format stream-json`` output (JSON Lines).

    One prompt starts the run, so a person's message after the first step, an interruption or
    harness text cannot be written; nor can a failed shell command, whose result the stream
    gives as a success without an exit code."""
    events: list[dict[str, Any]] = [{"type": "init", "timestamp": _stamp(_BASE_MS), "session_id": SESSION,
                                     "model": _MODEL}]
    clock = 0
    calls = 0
    prompt: list[str] = []
    started = False
    for item in parse_scenario(text):
        clock += 1000
        if isinstance(item, tuple):
            kind, body = item
            if kind != "user" or body == _INTERRUPT or started:
                raise Inexpressible("a headless run has one prompt and no interruption or harness text")
            prompt.append(body)
            if len(events) == 1:
                events.append({"type": "message", "timestamp": _stamp(_BASE_MS + clock), "role": "user",
                               "content": ""})
            events[1]["content"] = "\n\n".join(prompt)
            continue
        started = True
        if item.text:
            events.append({"type": "message", "timestamp": _stamp(_BASE_MS + clock), "role": "assistant",
                           "content": item.text, "delta": True})
        ids = []
        for pos, call in enumerate(item.calls):
            if call.name == "Bash" and call.error:
                raise Inexpressible("stream-json gives a failed shell command as a success")
            calls += 1
            name = _NAMES.get(call.name, call.name)
            call_id = f"{name}-{_BASE_MS + clock + pos}-{calls:012x}"
            ids.append((call_id, call))
            events.append({"type": "tool_use", "timestamp": _stamp(_BASE_MS + clock + pos), "tool_name": name,
                           "tool_id": call_id, "parameters": _args(call)})
        for pos, (call_id, call) in enumerate(ids):
            result: dict[str, Any] = {"type": "tool_result", "timestamp": _stamp(_BASE_MS + clock + 500 + pos),
                                      "tool_id": call_id, "status": "error" if call.error else "success",
                                      "output": call.result}
            if call.error:
                result["error"] = {"type": "execution_failed", "message": call.result}
            events.append(result)
    events.append({"type": "result", "timestamp": _stamp(_BASE_MS + clock + 1000), "status": "success",
                   "stats": {"total_tokens": 20098, "input_tokens": 20008, "output_tokens": 90, "cached": 20000,
                             "input": 8, "duration_ms": clock + 1000, "tool_calls": calls}})
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)


VARIANTS = {"stream-json": render_stream}
VARIANT_SUFFIXES = {"stream-json": ".jsonl"}
