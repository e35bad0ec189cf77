"""Render a scenario as an OpenHands trajectory (a JSON array of events, as the runtime tests store).

A person's prompt is a user ``message`` action; an interrupt is the user stopping the agent
(``change_agent_state``); injected text is a ``recall`` observation. A step is one model
response (a ``chat.completion`` with one ``tool_calls`` entry per call, its prose as the message
content): each call becomes an agent action carrying that response in its
``tool_call_metadata``, followed by its observation (``cause`` = the action id), the way
OpenHands runs the calls of one response one after another. The scenario's working directory
is the sandbox's ``/workspace``. A step without calls is an agent
``message``. Claude Code tools map to OpenHands' own: Read, Write and Edit to
``str_replace_editor`` (``read`` / ``edit`` actions), Bash, Grep and Glob to ``execute_bash``
(``grep``, ``find``), WebFetch to ``web_read``, TodoWrite to ``task_tracker``. Task becomes an
``AgentDelegateAction``: OpenHands hands control to one delegate at a time, so several Tasks in
one step cannot be expressed. An error result is an ``ERROR:`` editor answer or exit code 1.
"""

from __future__ import annotations

import json
import shlex
from datetime import datetime, timezone
from typing import Any

from linter.testing import _BASE, CWD, Inexpressible, ScenarioCall, ScenarioStep, parse_scenario

SUFFIX = ".json"
WORKSPACE = "/workspace"  # the sandbox directory OpenHands works in: the scenario's /repo
_MODEL = "claude-3-5-sonnet-20241022"
_USAGE = {"completion_tokens": 90, "prompt_tokens": 20128, "total_tokens": 20218,
          "prompt_tokens_details": {"cached_tokens": 20000}, "cache_creation_input_tokens": 120,
          "cache_read_input_tokens": 20000}


def _stamp(tick: int) -> str:
    return datetime.fromtimestamp(_BASE + tick, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _numbered(text: str) -> str:
    return "\n".join(f"{n:6}\t{line}" for n, line in enumerate(text.split("\n"), 1))


def _moved(value: Any) -> Any:
    """A scenario value with the working directory moved to the sandbox's."""
    if isinstance(value, str):
        return value.replace(CWD + "/", WORKSPACE + "/") if value != CWD else WORKSPACE
    if isinstance(value, dict):
        return {k: _moved(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v) for v in value]
    return value


def _tool(call: ScenarioCall) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """(action type, function name, the model's arguments, the action's args) of one scenario call."""
    args, name = _moved(call.args), call.name
    path = str(args.get("file_path", ""))
    if name == "Read":
        arguments: dict[str, Any] = {"command": "view", "path": path}
        offset, limit = args.get("offset"), args.get("limit")
        if isinstance(offset, int) or isinstance(limit, int):
            first = offset if isinstance(offset, int) else 1
            arguments["view_range"] = [first, first + (limit if isinstance(limit, int) else 2000) - 1]
        return "read", "str_replace_editor", arguments, {
            "path": path, "start": 0, "end": -1, "impl_source": "oh_aci", "view_range": arguments.get("view_range")}
    if name == "Write":
        arguments = {"command": "create", "path": path, "file_text": str(args.get("content", ""))}
        return "edit", "str_replace_editor", arguments, {**arguments, "impl_source": "oh_aci"}
    if name == "Edit":
        arguments = {"command": "str_replace", "path": path, "old_str": str(args.get("old_string", "")),
                     "new_str": str(args.get("new_string", ""))}
        return "edit", "str_replace_editor", arguments, {**arguments, "impl_source": "oh_aci"}
    if name in ("Bash", "Grep", "Glob"):
        command = _command(name, args)
        return "run", "execute_bash", {"command": command}, {
            "command": command, "is_input": False, "blocking": False, "hidden": False,
            "confirmation_state": "confirmed"}
    if name == "WebFetch":
        url = str(args.get("url", ""))
        return "browse", "web_read", {"url": url}, {"url": url}
    if name == "TodoWrite":
        todos = args.get("todos") if isinstance(args.get("todos"), list) else []
        tasks = [{"id": str(n), "title": str(t.get("content", "")), "status": _status(t.get("status")), "notes": ""}
                 for n, t in enumerate(todos, 1) if isinstance(t, dict)]
        arguments = {"command": "plan", "task_list": tasks}
        return "task_tracking", "task_tracker", arguments, dict(arguments)
    if name in ("Task", "Agent"):
        inputs = {"task": str(args.get("prompt", ""))}
        return "delegate", "", {}, {"agent": "CodeActAgent", "inputs": inputs}
    raise Inexpressible(f"OpenHands has no tool that {name} maps onto")


def _status(value: Any) -> str:
    return {"completed": "done", "in_progress": "in_progress"}.get(str(value), "todo")


def _command(name: str, args: dict[str, Any]) -> str:
    if name == "Bash":
        return str(args.get("command", ""))
    where = str(args.get("path", "")) or "."
    if name == "Grep":
        flag = "-rn" if args.get("output_mode") == "content" else "-rl"
        words = ["grep", flag + ("i" if args.get("-i") else "")]
        if args.get("glob"):
            words.append(f"--include={args['glob']}")
        return shlex.join([*words, str(args.get("pattern", "")), where])
    pattern = str(args.get("pattern", ""))
    if "/" in pattern:
        raise Inexpressible(f"a Glob pattern with directories ({pattern}) has no plain find equivalent")
    return shlex.join(["find", where, "-name", pattern])


class _Trajectory:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.responses = 0
        self.tool_ids = 0

    def add(self, event: dict[str, Any]) -> int:
        event_id = len(self.events)
        self.events.append({"id": event_id, "timestamp": _stamp(event_id + 1), **event})
        return event_id

    def prompt(self, kind: str, body: str) -> None:
        if kind == "meta":
            self.add({"source": "environment", "message": "Added microagent knowledge", "observation": "recall",
                      "content": "Retrieved knowledge from microagents",
                      "extras": {"recall_type": "knowledge", "microagent_knowledge": [
                          {"name": "scenario", "trigger": "", "content": body}]}})
        elif body.startswith("[Request interrupted"):
            self.add({"source": "user", "message": "", "action": "change_agent_state",
                      "args": {"agent_state": "stopped", "thought": ""}})
        else:
            self.add({"source": "user", "message": body, "action": "message",
                      "args": {"content": body, "image_urls": [], "wait_for_response": False}})

    def step(self, step: ScenarioStep) -> None:
        if not step.calls:
            self.add({"source": "agent", "message": step.text, "action": "message",
                      "args": {"content": step.text, "image_urls": None, "wait_for_response": True}})
            return
        shapes = [_tool(call) for call in step.calls]
        if len(step.calls) > 1 and any(kind == "delegate" for kind, *_ in shapes):
            raise Inexpressible("OpenHands hands control to one delegate at a time: several Tasks in one "
                                "response cannot be launched together")
        if shapes[0][0] == "delegate":
            self.delegate(step, step.calls[0], shapes[0][3])
            return
        self.responses += 1
        ids = []
        for _ in step.calls:
            self.tool_ids += 1
            ids.append(f"toolu_{self.tool_ids:04d}")
        tool_calls = [{"index": n, "function": {"arguments": json.dumps(arguments), "name": function},
                       "id": tool_id, "type": "function"}
                      for n, (tool_id, (_, function, arguments, _)) in enumerate(zip(ids, shapes), 1)]
        response = {"id": f"chatcmpl-{self.responses:04d}", "created": _BASE + len(self.events), "model": _MODEL,
                    "object": "chat.completion", "system_fingerprint": None,
                    "choices": [{"finish_reason": "tool_calls", "index": 0, "message": {
                        "content": step.text, "role": "assistant", "tool_calls": tool_calls, "function_call": None}}],
                    "usage": dict(_USAGE), "service_tier": None}
        for n, (call, tool_id, (kind, function, _, action_args)) in enumerate(zip(step.calls, ids, shapes)):
            metadata = {"function_name": function, "tool_call_id": tool_id, "model_response": response,
                        "total_calls_in_response": len(step.calls)}
            action_id = self.add({"source": "agent", "message": "", "action": kind, "tool_call_metadata": metadata,
                                  "args": {**action_args, "thought": step.text if n == 0 else ""}, "timeout": None})
            self.add({"source": "agent", "message": "", "cause": action_id, "observation": kind,
                      "tool_call_metadata": metadata, **_observation(kind, call, action_args)})

    def delegate(self, step: ScenarioStep, call: ScenarioCall, action_args: dict[str, Any]) -> None:
        action_id = self.add({"source": "agent", "message": "", "action": "delegate",
                              "args": {**action_args, "thought": step.text}})
        self.add({"source": "agent", "message": "", "cause": action_id, "observation": "delegate",
                  "content": _moved(call.result), "extras": {"outputs": {"content": _moved(call.result)}}})


def _observation(kind: str, call: ScenarioCall, action_args: dict[str, Any]) -> dict[str, Any]:
    text = _moved(call.result)
    if kind == "run":
        code = 1 if call.error else 0
        return {"content": text, "extras": {"command": action_args["command"], "metadata": {
            "exit_code": code, "pid": -1, "username": "openhands", "hostname": "runtime", "working_dir": WORKSPACE,
            "py_interpreter_path": "/usr/bin/python", "prefix": "",
            "suffix": f"\n[The command completed with exit code {code}.]"}, "hidden": False}}
    if call.error:
        text = f"ERROR:\n{text}"
    elif kind == "read":
        text = f"Here's the result of running `cat -n` on {action_args['path']}:\n{_numbered(text)}"
    extras: dict[str, Any] = {"path": action_args["path"]} if "path" in action_args else {}
    if kind == "edit":
        extras.update({"prev_exist": action_args.get("command") != "create", "old_content": None,
                       "new_content": None, "impl_source": "oh_aci", "diff": ""})
    return {"content": text, "extras": extras}


def render(text: str) -> str:
    """Render a scenario as an OpenHands trajectory file."""
    trajectory = _Trajectory()
    for item in parse_scenario(text):
        if isinstance(item, tuple):
            trajectory.prompt(*item)
        else:
            trajectory.step(item)
    return json.dumps(trajectory.events, indent=2, ensure_ascii=False) + "\n"


# -- V1: the software-agent SDK's events ------------------------------------------------------------
def _sdk_tool(call: ScenarioCall) -> tuple[str, dict[str, Any]]:
    """(tool name, the model's arguments) of one scenario call, in the SDK's default tools."""
    args, name = _moved(call.args), call.name
    path = str(args.get("file_path", ""))
    if name == "Read":
        return "file_editor", {"command": "view", "path": path}
    if name == "Write":
        return "file_editor", {"command": "create", "path": path, "file_text": str(args.get("content", ""))}
    if name == "Edit":
        return "file_editor", {"command": "str_replace", "path": path, "old_str": str(args.get("old_string", "")),
                               "new_str": str(args.get("new_string", ""))}
    if name == "Bash":
        return "terminal", {"command": str(args.get("command", "")), "is_input": False}
    if name == "Grep":
        found = {"pattern": str(args.get("pattern", "")), "path": str(args.get("path", "")) or WORKSPACE}
        if args.get("glob"):
            found["include"] = str(args["glob"])
        return "grep", found
    if name == "Glob":
        return "glob", {"pattern": str(args.get("pattern", "")), "path": str(args.get("path", "")) or WORKSPACE}
    if name == "WebFetch":
        return "browser_navigate", {"url": str(args.get("url", ""))}
    if name == "TodoWrite":
        todos = args.get("todos") if isinstance(args.get("todos"), list) else []
        return "task_tracker", {"command": "plan", "task_list": [
            {"title": str(t.get("content", "")), "notes": "", "status": _status(t.get("status"))}
            for t in todos if isinstance(t, dict)]}
    if name in ("Task", "Agent"):
        return "task", {"description": str(args.get("description", "")), "prompt": str(args.get("prompt", "")),
                        "subagent_type": "general-purpose"}
    raise Inexpressible(f"the OpenHands SDK has no tool that {name} maps onto")


_SDK_ACTIONS = {"file_editor": "FileEditorAction", "terminal": "TerminalAction", "grep": "GrepAction",
                "glob": "GlobAction", "browser_navigate": "BrowserNavigateAction",
                "task_tracker": "TaskTrackerAction", "task": "TaskAction"}


def _sdk_observation(tool: str, arguments: dict[str, Any], call: ScenarioCall) -> dict[str, Any]:
    text = _moved(call.result)
    if tool == "terminal":
        code = 1 if call.error else 0
        return {"content": [{"type": "text", "text": text}], "is_error": False, "command": arguments["command"],
                "exit_code": code, "timeout": False,
                "metadata": {"exit_code": code, "pid": -1, "working_dir": WORKSPACE, "prefix": "",
                             "suffix": f"\n[The command completed with exit code {code}.]"},
                "kind": "TerminalObservation"}
    if tool == "file_editor" and arguments["command"] == "view" and not call.error:
        text = f"Here's the result of running `cat -n` on {arguments['path']}:\n{_numbered(text)}"
    kind = {"file_editor": "FileEditorObservation", "task": "TaskObservation"}.get(tool, "Observation")
    out: dict[str, Any] = {"content": [{"type": "text", "text": text}], "is_error": call.error, "kind": kind}
    if tool == "file_editor":
        out.update({"command": arguments["command"], "path": arguments["path"]})
    if tool == "task":
        out.update({"task_id": "task_00000001", "subagent": "general-purpose",
                    "status": "error" if call.error else "completed"})
    return out


class _Conversation:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.responses = 0
        self.tool_ids = 0

    def add(self, event: dict[str, Any]) -> str:
        event_id = f"00000000-0000-4000-8000-{len(self.events):012d}"
        self.events.append({"id": event_id, "timestamp": _stamp(len(self.events) + 1), **event})
        return event_id

    def message(self, source: str, text: str, **extra: Any) -> None:
        role = "assistant" if source == "agent" else "user"
        self.add({"source": source, "llm_message": {"role": role, "content": [{"type": "text", "text": text}]},
                  **extra, "kind": "MessageEvent"})

    def prompt(self, kind: str, body: str) -> None:
        if kind == "meta":
            self.message("environment", body)
        elif body.startswith("[Request interrupted"):
            self.add({"source": "user", "kind": "PauseEvent"})
        else:
            self.message("user", body)

    def step(self, step: ScenarioStep) -> None:
        self.responses += 1
        rid = f"chatcmpl-{self.responses:04d}"
        if not step.calls:
            self.message("agent", step.text, llm_response_id=rid)
            return
        shapes = [_sdk_tool(call) for call in step.calls]
        actions = []
        for n, (tool, arguments) in enumerate(shapes):
            self.tool_ids += 1
            tool_id = f"toolu_{self.tool_ids:04d}"
            thought = [{"type": "text", "text": step.text}] if n == 0 and step.text else []
            action_id = self.add({
                "source": "agent", "thought": thought, "thinking_blocks": [],
                "action": {**arguments, "kind": _SDK_ACTIONS[tool]}, "tool_name": tool, "tool_call_id": tool_id,
                "tool_call": {"id": tool_id, "name": tool, "origin": "completion",
                              "arguments": json.dumps({**arguments, "security_risk": "LOW"})},
                "llm_response_id": rid, "security_risk": "LOW", "kind": "ActionEvent"})
            actions.append((action_id, tool_id, tool, arguments))
        for call, (action_id, tool_id, tool, arguments) in zip(step.calls, actions):
            self.add({"source": "environment", "tool_name": tool, "tool_call_id": tool_id,
                      "observation": _sdk_observation(tool, arguments, call), "action_id": action_id,
                      "kind": "ObservationEvent"})


def render_sdk_events(text: str) -> list[dict[str, Any]]:
    """A scenario as the events an OpenHands V1 (SDK) conversation records, in order."""
    conversation = _Conversation()
    for item in parse_scenario(text):
        if isinstance(item, tuple):
            conversation.prompt(*item)
        else:
            conversation.step(item)
    return conversation.events


def render_sdk(text: str) -> str:
    """A scenario as a JSON array of OpenHands V1 events (one event per file in a conversation folder:
    ``tests`` write those from ``render_sdk_events``)."""
    return json.dumps(render_sdk_events(text), indent=2, ensure_ascii=False) + "\n"


# Other layouts this format reads, each rendered beside the main one (``fixtures/openhands/<name>/``).
VARIANTS = {"sdk": render_sdk}
