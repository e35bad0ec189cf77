"""Render a scenario as a SWE-agent trajectory (``.traj``) in the function-calling layout.

The document holds ``history`` (the system prompt, the problem statement as the first user
message, then each action as an assistant message with one ``tool_calls`` entry, answered by a
``tool`` message naming its ``tool_call_ids``), ``trajectory`` (one entry per action, with the
working directory in ``state``) and ``info``. Claude Code tools map to SWE-agent's own: Read,
Write and Edit to ``str_replace_editor`` (``view`` / ``create`` / ``str_replace``), Bash, Grep
and Glob to ``bash``. A step without calls ends the run: its prose is the thought of ``submit``.

What SWE-agent cannot express raises ``Inexpressible``: a step with several calls (it runs one
action per step), a person speaking after the problem statement, an error result (it records no
exit status), subagents, and a step without calls anywhere but at the end.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from linter.testing import CWD, Inexpressible, ScenarioCall, ScenarioStep, parse_scenario

SUFFIX = ".traj"
_MODEL = "gpt-4o"
_SYSTEM = ("SETTING: You are an autonomous programmer, and you're working directly in the command line with "
           "a special interface.")


def _tool(call: ScenarioCall) -> tuple[str, dict[str, Any], str]:
    """(function name, arguments, action line) of one scenario call."""
    args, name = call.args, call.name
    path = str(args.get("file_path", ""))
    if name == "Read":
        arguments: dict[str, Any] = {"command": "view", "path": path}
        offset, limit = args.get("offset"), args.get("limit")
        if isinstance(offset, int) or isinstance(limit, int):
            first = offset if isinstance(offset, int) else 1
            arguments["view_range"] = [first, first + (limit if isinstance(limit, int) else 2000) - 1]
        return "str_replace_editor", arguments, f"str_replace_editor view {path}"
    if name == "Write":
        text = str(args.get("content", ""))
        return ("str_replace_editor", {"command": "create", "path": path, "file_text": text},
                f"str_replace_editor create {path} --file_text {shlex.quote(text)}")
    if name == "Edit":
        old, new = str(args.get("old_string", "")), str(args.get("new_string", ""))
        return ("str_replace_editor", {"command": "str_replace", "path": path, "old_str": old, "new_str": new},
                f"str_replace_editor str_replace {path} --old_str {shlex.quote(old)} --new_str {shlex.quote(new)}")
    if name in ("Bash", "Grep", "Glob"):
        command = _command(name, args)
        return "bash", {"command": command}, command
    raise Inexpressible(f"SWE-agent has no tool that {name} maps onto")


def _command(name: str, args: dict[str, Any]) -> str:
    if name == "Bash":
        return str(args.get("command", ""))
    where = str(args.get("path", "")) or "."
    if name == "Grep":
        flag = "-rn" if args.get("output_mode") == "content" else "-rl"
        return shlex.join(["grep", flag + ("i" if args.get("-i") else ""), str(args.get("pattern", "")), where])
    pattern = str(args.get("pattern", ""))
    if "/" in pattern:
        raise Inexpressible(f"a Glob pattern with directories ({pattern}) has no plain find equivalent")
    return shlex.join(["find", where, "-name", pattern])


class _Run:
    def __init__(self) -> None:
        self.history: list[dict[str, Any]] = [
            {"role": "system", "content": _SYSTEM, "agent": "main", "message_type": "system_prompt"}]
        self.trajectory: list[dict[str, Any]] = []
        self.calls = 0
        self.submitted = False

    def prompt(self, kind: str, body: str) -> None:
        if kind != "user" or len(self.history) > 1:
            raise Inexpressible("SWE-agent runs from one problem statement: nothing else reaches the model "
                                "but the observations of its actions")
        text = (f"We're currently solving the following issue within our repository. Here's the issue text:\n"
                f"ISSUE:\n{body}\n\nINSTRUCTIONS:\nSolve the issue on your own.\n\n"
                f"(Open file: n/a)\n(Current directory: {CWD})\nbash-$")
        self.history.append({"role": "user", "content": text, "agent": "main", "message_type": "observation"})

    def step(self, step: ScenarioStep) -> None:
        if self.submitted:
            raise Inexpressible("a step without calls ends a SWE-agent run (submit): nothing can follow it")
        if len(step.calls) > 1:
            raise Inexpressible("SWE-agent runs one action per step: a batch of calls cannot be expressed")
        if step.calls:
            call = step.calls[0]
            if call.error:
                raise Inexpressible("SWE-agent records no exit status: a failed call cannot be told from another")
            name, arguments, action = _tool(call)
            result = call.result
        else:
            name, arguments, action, result = "submit", {}, "submit", ""
            self.submitted = True
        self.calls += 1
        call_id = f"call_{self.calls:04d}"
        self.history.append({"role": "assistant", "content": step.text, "thought": step.text, "action": action,
                             "agent": "main", "tool_calls": [{"id": call_id, "type": "function", "function": {
                                 "name": name, "arguments": json.dumps(arguments)}}],
                             "message_type": "action"})
        self.history.append({"role": "tool", "content": result, "agent": "main", "message_type": "observation",
                             "tool_call_ids": [call_id]})
        self.trajectory.append({"action": action, "observation": result, "response": step.text,
                                "thought": step.text, "execution_time": 0.1,
                                "state": {"open_file": "n/a", "working_dir": CWD}, "messages": []})

    def document(self) -> dict[str, Any]:
        calls = len(self.trajectory)
        return {
            "environment": "swe_main", "trajectory": self.trajectory, "history": self.history,
            "info": {"exit_status": "submitted" if self.submitted else "exit_cost", "submission": "",
                     "model_stats": {"instance_cost": 0.0, "tokens_sent": 20128 * calls,
                                     "tokens_received": 90 * calls, "api_calls": calls}},
        }


def render(text: str) -> str:
    """Render a scenario as a SWE-agent trajectory file."""
    run = _Run()
    for item in parse_scenario(text):
        if isinstance(item, tuple):
            run.prompt(*item)
        else:
            run.step(item)
    return json.dumps(run.document(), indent=2, ensure_ascii=False) + "\n"
