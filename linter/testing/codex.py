"""Render a scenario as a Codex CLI rollout (JSONL, the ``{"timestamp", "type", "payload"}`` lines).

The rollout opens with ``session_meta`` and the environment context; each person's prompt is a
user ``message`` (with its ``user_message`` echo) and the next step writes a ``turn_context``.
A step is one model response: a ``reasoning`` item, the prose as an assistant ``message``, its
calls back to back, the ``token_count`` of the request, then one output per call (the layout of
recent versions, which write calls as they arrive and outputs after the response). Claude Code
tools map to Codex's own: Read, Grep, Glob and Bash run through the ``shell`` tool
(``cat``/``sed -n``, ``rg``, ``rg --files -g``, the command itself), Write and Edit become
``apply_patch`` custom tool calls, WebSearch and WebFetch the hosted ``web_search_call``,
TodoWrite ``update_plan``. Outputs are ``Exit code: N`` / ``Wall time`` / ``Output:`` text; an
error result has exit code 1. Task cannot be expressed: the format notes document no sub-agent
spawn tool for rollouts.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from linter.testing import CWD, SESSION, Inexpressible, ScenarioCall, iso_stamp, parse_scenario

SUFFIX = ".jsonl"
_MODEL = "gpt-5.2-codex"


def _rel(path: str) -> str:
    prefix = CWD.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else path


def _shell(command: str) -> tuple[str, str, dict[str, Any]]:
    return "function_call", "shell", {"command": ["bash", "-lc", command], "workdir": CWD}


def _patch(body: list[str]) -> str:
    return "\n".join(["*** Begin Patch", *body, "*** End Patch"])


def _lines(prefix: str, text: Any) -> list[str]:
    return [prefix + line for line in str(text).split("\n")]


def _call_item(call: ScenarioCall) -> tuple[str, str, Any]:
    """(item type, tool name, arguments or patch text) of one scenario call in Codex's tools."""
    args = call.args
    name = call.name
    if name == "Read":
        path = shlex.quote(_rel(str(args.get("file_path", ""))))
        offset, limit = args.get("offset"), args.get("limit")
        if isinstance(offset, int) or isinstance(limit, int):
            first = offset if isinstance(offset, int) else 1
            last = first + (limit if isinstance(limit, int) else 2000) - 1
            return _shell(f"sed -n '{first},{last}p' {path}")
        return _shell(f"cat {path}")
    if name == "Grep":
        words = ["rg", "-n" if args.get("output_mode") == "content" else "-l"]
        if args.get("-i"):
            words.append("-i")
        if args.get("glob"):
            words += ["-g", str(args["glob"])]
        words.append(str(args.get("pattern", "")))
        if args.get("path"):
            words.append(_rel(str(args["path"])))
        return _shell(shlex.join(words))
    if name == "Glob":
        words = ["rg", "--files", "-g", str(args.get("pattern", ""))]
        if args.get("path"):
            words.append(_rel(str(args["path"])))
        return _shell(shlex.join(words))
    if name == "Bash":
        return _shell(str(args.get("command", "")))
    if name == "Write":
        return "custom_tool_call", "apply_patch", _patch(
            [f"*** Add File: {_rel(str(args.get('file_path', '')))}", *_lines("+", args.get("content", ""))])
    if name in ("Edit", "MultiEdit"):
        edits = args.get("edits") if name == "MultiEdit" and isinstance(args.get("edits"), list) else [args]
        body = [f"*** Update File: {_rel(str(args.get('file_path', '')))}"]
        for edit in edits:
            body += ["@@", *_lines("-", edit.get("old_string", "")), *_lines("+", edit.get("new_string", ""))]
        return "custom_tool_call", "apply_patch", _patch(body)
    if name == "WebSearch":
        return "web_search_call", "web_search", {"type": "search", "query": str(args.get("query", ""))}
    if name == "WebFetch":
        return "web_search_call", "web_search", {"type": "open_page", "url": str(args.get("url", ""))}
    if name == "TodoWrite":
        todos = args.get("todos") if isinstance(args.get("todos"), list) else []
        plan = [{"step": str(t.get("content", "")), "status": str(t.get("status", "pending"))}
                for t in todos if isinstance(t, dict)]
        return "function_call", "update_plan", {"plan": plan}
    if name in ("Task", "Agent"):
        raise Inexpressible("Codex rollouts have no documented sub-agent spawn tool to render Task with")
    return "function_call", name, args


def render(text: str) -> str:
    """Render a scenario as a Codex CLI rollout file."""
    items = parse_scenario(text)
    lines: list[dict[str, Any]] = []
    clock = [0]
    totals = {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0, "reasoning_output_tokens": 0,
              "total_tokens": 0}
    counter = {"call": 0, "item": 0}

    def record(kind: str, payload: dict[str, Any]) -> None:
        clock[0] += 1
        lines.append({"timestamp": iso_stamp(clock[0]), "type": kind, "payload": payload})

    def message(role: str, body: str) -> None:
        part = "output_text" if role == "assistant" else "input_text"
        record("response_item", {"type": "message", "role": role, "content": [{"type": part, "text": body}]})

    record("session_meta", {"id": SESSION, "timestamp": "2026-01-01T00:00:00.000Z", "cwd": CWD,
                            "originator": "codex_cli_rs", "cli_version": "0.146.0", "instructions": None,
                            "source": "cli", "model_provider": "openai"})
    message("user", f"<environment_context>\n  <cwd>{CWD}</cwd>\n  <shell>bash</shell>\n</environment_context>")
    new_turn = True
    for item in items:
        if isinstance(item, tuple):
            kind, body = item
            if kind == "meta":
                message("developer", body)
            elif body.startswith("[Request interrupted"):
                record("event_msg", {"type": "turn_aborted", "reason": "interrupted"})
            else:
                message("user", body)
                record("event_msg", {"type": "user_message", "message": body, "images": []})
            new_turn = True
            continue
        if new_turn:
            record("turn_context", {"cwd": CWD, "approval_policy": "never",
                                    "sandbox_policy": {"mode": "danger-full-access"}, "model": _MODEL,
                                    "effort": "medium", "summary": "auto"})
            new_turn = False
        counter["item"] += 1
        record("response_item", {"type": "reasoning", "id": f"rs_{counter['item']:04d}", "summary": [],
                                 "content": None, "encrypted_content": "gAAAA"})
        if item.text:
            message("assistant", item.text)
        issued = []
        for call in item.calls:
            counter["call"] += 1
            call_id = f"call_{counter['call']:04d}"
            kind, name, args = _call_item(call)
            if kind == "function_call":
                record("response_item", {"type": kind, "name": name, "arguments": json.dumps(args),
                                         "call_id": call_id})
            elif kind == "custom_tool_call":
                record("response_item", {"type": kind, "status": "completed", "call_id": call_id, "name": name,
                                         "input": args})
            else:
                record("response_item", {"type": kind, "id": f"ws_{call_id}", "status": "completed", "action": args})
            issued.append((call_id, kind, call))
        for key, value in (("input_tokens", 20128), ("cached_input_tokens", 20000), ("output_tokens", 90),
                           ("total_tokens", 20218)):
            totals[key] += value
        record("event_msg", {"type": "token_count", "info": {
            "total_token_usage": dict(totals),
            "last_token_usage": {"input_tokens": 20128, "cached_input_tokens": 20000, "output_tokens": 90,
                                 "reasoning_output_tokens": 0, "total_tokens": 20218},
            "model_context_window": 272000}})
        for call_id, kind, call in issued:
            if kind == "web_search_call":
                record("event_msg", {"type": "web_search_end", "call_id": call_id, "query": call.args.get("query"),
                                     "results": [{"type": "result", "title": call.result}]})
                continue
            output = f"Exit code: {1 if call.error else 0}\nWall time: 0.1 seconds\nOutput:\n{call.result}"
            record("response_item", {"type": kind + "_output", "call_id": call_id, "output": output})
    return "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in lines)
