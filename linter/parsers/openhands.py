"""OpenHands event streams: trajectory JSON arrays and evaluation ``output.jsonl`` rows.

This module reads OpenHands' first event layout (V0, below); the events of the V1 agent SDK
(objects with a ``kind``, in conversation folders, rows, arrays or lines) are read by
``_openhands_sdk``, which this module hands them to.

A trajectory is a JSON array of events; an evaluation output holds one instance per line, its
events in ``history`` (one session per line). Each event is an action (``action``: ``run``,
``read``, ``edit``, ``browse``, ``message``, ``think``, ``finish``, ``delegate``...) or an
observation (``observation``), with ``source`` user / agent / environment. The oldest layout
(resolver outputs) has flat events with no ids, sources or tool-call metadata. What this parser
rebuilds:

* Steps: an agent action is a tool call. Actions that share
  ``tool_call_metadata.model_response.id`` came from one model response and form one Step,
  whatever observations the harness wrote between them; an action without that metadata is a
  Step of its own. An agent ``message`` with no tool call is a Step with prose only. The call is
  named after the tool-call function (``execute_bash``, ``str_replace_editor``, ``think``...)
  with the model's own arguments, else after the action type with the event's ``args``.
  ``finish`` ends the run: its message is the agent's last words, joined to the Step's prose,
  and it is no call.
* Results: observations joined on ``cause`` (the action's id) or the tool-call id; in the oldest
  layout, on the order of the events. An ``error`` observation, a non-zero exit code (``-1``,
  a command still running, only when it timed out) or an editor answer starting ``ERROR:``
  marks the call failed. The shell's working directory recorded by the previous command's
  observation is kept as the call's ``cwd``; the session's is the first one recorded, else the
  sandbox's ``/workspace``.
* Events: user messages are prompts; the system prompt, workspace/microagent recalls and
  harness errors with no action behind them are meta; a person stopping the agent is an
  interrupt; a condensation is a compaction.
* Subagents: events between a ``delegate`` action and its ``delegate`` observation belong to a
  separate agent, linked to the delegate call; the delegate's ``inputs.task`` is the call's
  ``task``.
* Usage: ``model_response.usage`` per response (prompt counts include cached tokens, taken out
  of ``input``), else the change of ``llm_metrics.accumulated_token_usage``.
* Context: prompts, prose, reasoning, call arguments (not file bodies) and results, except file
  contents returned by reads (a directory listing is kept).
"""

from __future__ import annotations

import ast
import re
from types import ModuleType
from typing import Any, Iterator

import orjson

from linter.context import ContextIndex
from linter.effects import (
    EXEC,
    READ,
    WRITE,
    Effect,
    Handler,
    Resolver,
    file_read,
    file_search,
    file_write,
    kill,
    shell_effect,
    shell_output,
    spawn,
    state,
    text_editor,
    unknown,
    web_fetch,
    web_search,
)
from linter.model import (
    MAIN_AGENT,
    Agent,
    Event,
    Location,
    ParseProblem,
    Session,
    Step,
    ToolCall,
    ToolResult,
    Usage,
)
from linter.parsers._common import clip_strings, num
from linter.parsers._event_folders import events_folder
from linter.parsers.jsonl import iter_records
from linter.parsers.sample import Sample, load_document
from linter.parsers.sample import first_line as _first_line
from linter.textutil import parse_time, safe

FORMAT = "openhands"
DESCRIPTION = ("OpenHands events: V0 trajectories (JSON array) and evaluation output.jsonl rows (history per line), "
               "V1 SDK conversations (events/event-*.json)")

RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 8 * 1024
WORKSPACE = "/workspace"  # where the OpenHands sandbox mounts the workspace unless configured otherwise


# -- effects -------------------------------------------------------------------------------------
def bash_call(call: ToolCall, r: Resolver) -> Effect:
    """``execute_bash`` / ``run``: a command, or input typed into (or a poll of) a running one."""
    command = call.input.get("command")
    if not isinstance(command, str):
        return Effect(EXEC, label=call.name)
    if call.input.get("is_input") in (True, "true", "True"):
        if command.strip():
            return Effect(EXEC, writes=frozenset(["shell:openhands"]), label=call.name)
        return Effect(READ, reads=frozenset(["shell:openhands"]), label=call.name)
    if not command.strip():
        return Effect(READ, reads=frozenset(["shell:openhands"]), label=call.name)
    cwd = call.input.get("cwd")
    return shell_effect(command, r, cwd if isinstance(cwd, str) else "")


_GOTO = re.compile(r"""\bgoto\(\s*(['"])(.+?)\1""")


def browser(call: ToolCall, r: Resolver) -> Effect:
    """The interactive browser: a page opened with ``goto(url)`` is a fetch, anything else acts on a page."""
    url = call.input.get("url")
    if not isinstance(url, str):
        code = call.input.get("code") or call.input.get("browser_actions")
        match = _GOTO.search(code) if isinstance(code, str) else None
        url = match.group(2) if match else None
    if url:
        return web_fetch(ToolCall(id=call.id, name=call.name, input={"url": url}, location=call.location), r)
    return unknown(call, r)


# The file helpers of OpenHands' IPython cells (``from agentskills import *``): which argument
# names the file, by position and by keyword. Other helpers only move the view of the open file.
_SKILL_WRITES = {"create_file": (0, "filename"), "edit_file_by_replace": (0, "file_name"),
                 "insert_content_at_line": (0, "file_name"), "append_file": (0, "file_name"),
                 "edit_file": (0, "file_name")}
_SKILL_READS = {"open_file": (0, "path"), "search_file": (1, "file_path"), "search_dir": (1, "dir_path"),
                "find_file": (1, "dir_path"), "goto_line": (-1, ""), "scroll_up": (-1, ""), "scroll_down": (-1, "")}


# What the file helpers answer when they leave the file as it was.
_SKILL_REFUSALS = ("[Your proposed edit has introduced new syntax error", "[No exact match found",
                   "ERROR:", "[Error:")


def _skill_calls(code: str) -> list[tuple[str, str | None]] | None:
    """``(helper, file)`` for each statement of a cell made only of file-helper calls, else None
    (any other Python may do anything). The file is None where the helper names none."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return None
    calls: list[tuple[str, str | None]] = []
    for stmt in tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            return None
        name = call.func.id
        spec = _SKILL_WRITES.get(name) or _SKILL_READS.get(name)
        if spec is None:
            return None
        position, keyword = spec
        arg: ast.expr | None = None
        if 0 <= position < len(call.args):
            arg = call.args[position]
        for kw in call.keywords:
            if kw.arg == keyword:
                arg = kw.value
        if arg is None:
            calls.append((name, "./" if name in ("search_dir", "find_file") else None))
        elif isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
            calls.append((name, arg.value))
        else:
            return None  # a path computed at run time
    return calls or None


def ipython_cell(call: ToolCall, r: Resolver) -> Effect:
    """A cell of file-helper calls reads or edits the files it names; any other code is unknown."""
    code = call.input.get("code")
    skills = _skill_calls(code) if isinstance(code, str) and len(code) < 200_000 else None
    if skills is None:
        return unknown(call, r)
    reads, writes, spellings = set(), set(), []
    for name, path in skills:
        if path is None:
            continue
        (writes if name in _SKILL_WRITES else reads).add(r.resource(path))
        spellings.append(r.forms(path))
    reads.discard("")
    writes.discard("")
    label = next((path for _, path in skills if path), call.name)
    return Effect(WRITE if writes else READ, reads=frozenset(reads), writes=frozenset(writes),
                  spellings=tuple(spellings), label=r.resource(label) or label)


EFFECTS: dict[str, Handler] = {
    # tool-call function names
    "execute_bash": bash_call, "bash": bash_call,
    "str_replace_editor": text_editor, "edit_file": file_write,
    "browser": browser, "web_read": web_fetch, "fetch": web_fetch,
    "execute_ipython_cell": ipython_cell,
    "think": state, "task_tracker": state,
    "delegate": spawn, "delegate_to_browsing_agent": spawn,
    # V1 (the SDK's tools)
    "terminal": bash_call, "file_editor": text_editor, "planning_file_editor": text_editor,
    "glob": file_search, "grep": file_search, "task": spawn, "task_output": shell_output, "task_stop": kill,
    "browser_navigate": web_fetch,
    "tavily_search": web_search, "web_search": web_search,
    # action types (events without tool-call metadata)
    "run": bash_call, "read": file_read, "write": file_write, "edit": file_write,
    "browse": web_fetch, "browse_interactive": browser, "run_ipython": ipython_cell,
    "message": unknown, "task_tracking": state,
    # class names, as older tools and exports spell them
    "CmdRunAction": bash_call, "FileReadAction": file_read, "FileWriteAction": file_write,
    "FileEditAction": file_write, "BrowseURLAction": web_fetch, "BrowseInteractiveAction": browser,
    "IPythonRunCellAction": ipython_cell, "AgentDelegateAction": spawn,
    "AgentThinkAction": state, "MessageAction": unknown,
}
_DELEGATES = {"delegate", "AgentDelegateAction", "delegate_to_browsing_agent"}
_FINISHES = {"finish", "AgentFinishAction"}
# Actions that are no tool call: bookkeeping of the harness.
_NOT_CALLS = {"system", "recall", "change_agent_state", "null", "condensation", "condensation_request",
              "push", "send_pr", "start", "pause", "resume", "stop", "reject", "mcp_client_init"}
# Event fields that are bookkeeping, not arguments (flat old layout and ``args``).
_HOUSEKEEPING = {"action", "id", "timestamp", "source", "message", "cause", "tool_call_metadata", "llm_metrics",
                 "timeout", "thought", "impl_source", "translated_ipython_code", "blocking", "hidden",
                 "confirmation_state", "security_risk", "is_static", "keep_prompt", "is_confirmed", "action_risk",
                 "kernel_init_code", "image_urls", "images_urls", "wait_for_response", "include_extra"}
_BODY_KEYS = {"file_text", "content", "old_str", "new_str", "old_content", "new_content", "file_content"}


# -- sniffing ------------------------------------------------------------------------------------
def _is_event(item: Any) -> bool:
    if not isinstance(item, dict) or "role" in item:
        return False
    kind = item.get("action", item.get("observation"))
    return isinstance(kind, str) and bool(kind)


def looks_like_events(items: Any) -> bool:
    """A list whose first entries are all OpenHands events (or ``[action, observation]`` pairs)."""
    if not isinstance(items, list) or not items:
        return False
    head = items[:30]
    for item in head:
        if isinstance(item, list):
            if not item or not all(_is_event(part) for part in item):
                return False
        elif not _is_event(item):
            return False
    return True


def _any_events(items: Any) -> bool:
    """Events of either generation: V0 actions and observations, or V1 SDK events."""
    return looks_like_events(items) or _sdk().looks_like_events(items)


def sniff(sample: Sample) -> bool:
    doc = sample.document
    if isinstance(doc, list):
        return _any_events(doc)
    if isinstance(doc, dict) and (_sdk().is_event(doc) or _sdk().looks_like_events(doc.get("items"))):
        return True  # one file of a V1 events folder, or an agent-server page of events
    if not sample.is_jsonl:
        return isinstance(doc, dict) and _any_events(doc.get("history")) and "instruction" in doc
    if not sample.records:
        return False
    found = False
    for rec in sample.records:
        if not isinstance(rec, dict):
            continue  # a malformed line: reported when parsing
        if "history" not in rec:
            return _sdk().looks_like_events([r for r in sample.records if isinstance(r, dict)])
        if not isinstance(rec["history"], list):
            continue
        if rec["history"]:
            if not _any_events(rec["history"]):
                return False
            found = True
        elif "instance_id" not in rec:
            return False
    return found


def _sdk() -> ModuleType:
    """The V1 (SDK) event reader, imported when first needed."""
    from linter.parsers import _openhands_sdk

    return _openhands_sdk


# -- where each element of a JSON document starts ------------------------------------------------
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\],\n]|[-0-9a-z][^,\]}\s]*')


def element_lines(data: bytes, depth: int = 2) -> dict[tuple[Any, ...], int]:
    """Line (1-based) where each value at most ``depth`` levels down starts: every object and
    array, and the other values of arrays (so that a stray number in an event list has a line).

    Keys are paths: object keys and array indexes, e.g. ``("history", 3)``. Strings are skipped
    whole, so brackets and newlines inside them do not count.
    """
    lines: dict[tuple[Any, ...], int] = {}
    stack: list[list[Any]] = []  # [is_object, key or index, expecting a key]
    line = 1
    pending_key: Any = None
    for match in _TOKEN.finditer(data):
        token = match.group()
        first = token[:1]
        if first == b"\n":
            line += 1
        elif first == b'"':
            if stack and stack[-1][0] and stack[-1][2]:
                pending_key = token[1:-1].decode("utf-8", "replace")
                stack[-1][1] = pending_key
                stack[-1][2] = False
            elif stack and not stack[-1][0] and len(stack) < depth:
                lines.setdefault(tuple(frame[1] for frame in stack), line)
        elif first in b"{[":
            if len(stack) < depth:
                lines.setdefault(tuple(frame[1] for frame in stack), line)
            stack.append([first == b"{", 0 if first == b"[" else None, first == b"{"])
        elif first in b"}]":
            if stack:
                stack.pop()
        elif first == b"," and stack:
            if stack[-1][0]:
                stack[-1][2] = True
            else:
                stack[-1][1] += 1
        elif first not in b"\n," and stack and not stack[-1][0] and len(stack) < depth:
            lines.setdefault(tuple(frame[1] for frame in stack), line)  # a number, true, false or null
    return lines


# -- helpers -------------------------------------------------------------------------------------
def _event_id(value: Any) -> int | str | None:
    """An event id or cause as recorded (an int, sometimes a string); anything else is no id."""
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(p["text"] for p in value if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def _input_text(value: dict[str, Any]) -> str:
    parts = []
    for key, item in value.items():
        if key in _BODY_KEYS or key == "cwd":
            continue
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):
            parts.extend(v for v in item.values() if isinstance(v, str))
        elif isinstance(item, list):
            parts.extend(v for v in item if isinstance(v, str))
    return "\n".join(parts)


def _usage(raw: Any, model: str | None) -> Usage | None:
    if not isinstance(raw, dict) or "prompt_tokens" not in raw:
        return None
    details = raw.get("prompt_tokens_details")
    cached = num(raw.get("cache_read_input_tokens")) or num(raw.get("cache_read_tokens")) or (
        num(details.get("cached_tokens")) if isinstance(details, dict) else 0)
    written = num(raw.get("cache_creation_input_tokens")) or num(raw.get("cache_write_tokens"))
    return Usage(input=max(0, num(raw.get("prompt_tokens")) - cached - written), output=num(raw.get("completion_tokens")),
                 cache_read=cached, cache_write=written, model=model)


def _exit_code(event: dict[str, Any]) -> int | None:
    extras = event.get("extras") if isinstance(event.get("extras"), dict) else {}
    meta = extras.get("metadata") if isinstance(extras.get("metadata"), dict) else {}
    for value in (meta.get("exit_code"), extras.get("exit_code"), event.get("exit_code")):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _working_dir(event: dict[str, Any]) -> str | None:
    extras = event.get("extras") if isinstance(event.get("extras"), dict) else {}
    meta = extras.get("metadata") if isinstance(extras.get("metadata"), dict) else {}
    value = meta.get("working_dir")
    return value if isinstance(value, str) and value.startswith("/") else None


def _is_content(call: ToolCall, text: str) -> bool:
    """Is this result the content of a file (left out of the context)? A directory listing is not."""
    if text.startswith("Here's the files and directories"):
        return False
    if call.name in ("read", "FileReadAction"):
        return True
    return call.name == "str_replace_editor" and call.input.get("command") == "view"


# -- model building ------------------------------------------------------------------------------
class _Builder:
    """One session under construction from one event list."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seq = 0
        self.main = self.agent(MAIN_AGENT)
        self.by_event: dict[Any, ToolCall] = {}
        self.by_tool_id: dict[str, ToolCall] = {}
        self.responses: dict[tuple[str, str], Step] = {}
        self.pending: list[ToolCall] = []  # oldest layout: calls waiting for their observation
        self.delegates: list[tuple[ToolCall, Agent | None]] = []  # open delegations, innermost last
        self.skipped: set[Any] = set()  # ids of actions that are no calls
        self.cwd: dict[str, str] = {}
        self.totals: dict[str, tuple[int, int, int, int]] = {}
        self.default_model: str | None = None
        self.ids = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def agent(self, key: str) -> Agent:
        agent = self.session.agents.get(key)
        if agent is None:
            agent = Agent(id=key, context=ContextIndex(), source=self.session.path)
            self.session.agents[key] = agent
        return agent

    def current(self) -> Agent:
        """The agent the next event belongs to (a delegate's agent is made on its first event)."""
        if not self.delegates:
            return self.main
        call, agent = self.delegates[-1]
        if agent is None:
            agent = self.agent(f"delegate-{call.id}")
            agent.parent_call = call
            inputs = call.input.get("inputs")
            agent.description = str(call.input.get("agent") or (inputs.get("task") if isinstance(inputs, dict) else "")
                                    or "")[:200]
            call.spawned_agent = agent.id
            self.delegates[-1] = (call, agent)
        return agent

    def add_event(self, agent: Agent, kind: str, text: str, loc: Location, ts: float | None,
                  index: bool = True) -> None:
        seq = self.next_seq()
        agent.events.append(Event(kind, seq, loc, ts, text[:RESULT_HEAD]))
        if index:
            agent.context.add(text, seq)  # type: ignore[union-attr]

    # -- dispatch ----------------------------------------------------------------------------
    def event(self, event: Any, loc: Location) -> None:
        if isinstance(event, list):  # oldest layout: [action, observation] pairs
            for part in event:
                self.event(part, loc)
            return
        if not _is_event(event):
            self.session.problems.append(ParseProblem(loc.path, loc.line, "entry is not an OpenHands event "
                                                                          "(no action or observation); skipped", "warning"))
            return
        if "action" in event:
            self.action(event, loc)
        else:
            self.observation(event, loc)

    # -- actions -----------------------------------------------------------------------------
    def action(self, e: dict[str, Any], loc: Location) -> None:
        kind = e["action"]
        source = e.get("source")
        args = e.get("args") if isinstance(e.get("args"), dict) else {
            k: v for k, v in e.items() if k not in ("action", "id", "timestamp", "source", "cause", "observation")}
        ts = parse_time(e.get("timestamp"))
        agent = self.current()
        if kind == "message":
            text = _text(args.get("content")) or _text(e.get("message"))
            if source == "user" or (source is None and not agent.steps and not agent.events):
                self.add_event(agent, "prompt", text, loc, ts)
            else:
                step = self.new_step(agent, e, loc, ts)
                self.add_prose(agent, step, text)
            return
        if kind in _NOT_CALLS or (source is not None and source != "agent"):
            self.skipped.add(_event_id(e.get("id")))
            if kind == "system":
                self.add_event(agent, "meta", _text(args.get("content")) or _text(e.get("message")), loc, ts,
                               index=False)
            elif kind == "change_agent_state" and source == "user" and args.get("agent_state") in ("stopped", "paused"):
                self.add_event(agent, "interrupt", f"agent {args['agent_state']} by the user", loc, ts)
            elif kind == "condensation":
                self.add_event(agent, "compact", "context condensed", loc, ts, index=False)
            return
        self.call(agent, kind, e, args, loc, ts)

    def new_step(self, agent: Agent, e: dict[str, Any], loc: Location, ts: float | None) -> Step:
        self.ids += 1
        event_id = _event_id(e.get("id"))
        mid = f"event-{self.ids if event_id is None else event_id}"
        step = Step(index=len(agent.steps), agent_id=agent.id, message_id=mid, location=loc, seq=self.next_seq(),
                    start=ts, end=ts)
        agent.steps.append(step)
        self.take_metrics(agent, step, e)
        return step

    def add_prose(self, agent: Agent, step: Step, text: str) -> None:
        if not text:
            return
        if len(step.text) < PROSE_LIMIT:
            step.text = (f"{step.text}\n{text}" if step.text else text)[:PROSE_LIMIT]
        agent.context.add(text, step.seq)  # type: ignore[union-attr]

    def call(self, agent: Agent, kind: str, e: dict[str, Any], args: dict[str, Any], loc: Location,
             ts: float | None) -> None:
        tcm = e.get("tool_call_metadata") if isinstance(e.get("tool_call_metadata"), dict) else {}
        response = tcm.get("model_response") if isinstance(tcm.get("model_response"), dict) else {}
        rid = response.get("id")
        message = {}
        choices = response.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict) and isinstance(choices[0].get("message"), dict):
            message = choices[0]["message"]
        step = self.responses.get((agent.id, rid)) if isinstance(rid, str) and rid else None
        if step is not None and step is agent.steps[-1]:
            if ts is not None:
                step.end = ts if step.end is None else max(step.end, ts)
        else:
            step = self.new_step(agent, e, loc, ts)
            if isinstance(rid, str) and rid:
                step.message_id = rid
                self.responses[(agent.id, rid)] = step
                model = response.get("model") if isinstance(response.get("model"), str) else self.default_model
                usage = _usage(response.get("usage"), model)
                if usage is not None:
                    step.usage = usage
                if model:
                    self.session.models.add(model)
            prose = _text(message.get("content"))
            if not prose and kind not in ("think",) and isinstance(args.get("thought"), str):
                prose = args["thought"]
            self.add_prose(agent, step, prose)
            reasoning = message.get("reasoning_content")
            if isinstance(reasoning, str):
                agent.context.add(reasoning, step.seq)  # type: ignore[union-attr]
                step.think(reasoning)
        name, call_input, tool_id = self.call_shape(kind, tcm, message, args)
        if name in _FINISHES:  # the run's end: the agent's last words, not a call
            for key in ("message", "final_thought"):
                if isinstance(call_input.get(key), str) and call_input[key] not in step.text:
                    self.add_prose(agent, step, call_input[key])
            self.skipped.add(_event_id(e.get("id")))
            return
        inputs = call_input.get("inputs")
        if (name in _DELEGATES or kind == "delegate") and isinstance(inputs, dict) and isinstance(inputs.get("task"), str):
            call_input.setdefault("task", inputs["task"])  # the delegate's instructions, where spawns keep them
        if name in ("execute_bash", "bash", "run", "CmdRunAction") and not call_input.get("cwd") and agent.id in self.cwd:
            call_input["cwd"] = self.cwd[agent.id]
        self.ids += 1
        event_id = _event_id(e.get("id"))
        call_id = tool_id if tool_id and tool_id not in self.by_tool_id else \
            f"{tool_id or 'event'}@{self.ids if event_id is None else event_id}"
        call = ToolCall(id=call_id, name=name, input=call_input, location=loc, timestamp=ts, step=step,
                        agent_id=agent.id)
        step.calls.append(call)
        agent.context.add(_input_text(call_input), step.seq)  # type: ignore[union-attr]
        if event_id is not None:
            self.by_event[event_id] = call
        else:
            self.pending.append(call)
        if tool_id:
            self.by_tool_id.setdefault(tool_id, call)
        if name in _DELEGATES or kind == "delegate":
            self.delegates.append((call, None))

    @staticmethod
    def call_shape(kind: str, tcm: dict[str, Any], message: dict[str, Any],
                   args: dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
        """Name, arguments and tool-call id: the model's own call when recorded, else the action."""
        tool_id = tcm.get("tool_call_id") if isinstance(tcm.get("tool_call_id"), str) else None
        name = tcm.get("function_name") if isinstance(tcm.get("function_name"), str) and tcm.get("function_name") else kind
        calls = message.get("tool_calls")
        for item in calls if isinstance(calls, list) else []:
            if isinstance(item, dict) and item.get("id") == tool_id and isinstance(item.get("function"), dict):
                raw = item["function"].get("arguments")
                try:
                    value = orjson.loads(raw) if isinstance(raw, str) else raw
                except orjson.JSONDecodeError:
                    value = None
                if isinstance(value, dict):
                    return name, clip_strings(value, INPUT_STRING_LIMIT), tool_id
        kept = {k: v for k, v in args.items() if k not in _HOUSEKEEPING}
        return name, clip_strings(kept, INPUT_STRING_LIMIT), tool_id

    def take_metrics(self, agent: Agent, step: Step, e: dict[str, Any]) -> None:
        """Usage from the change of the accumulated counters (used when the response has none)."""
        metrics = e.get("llm_metrics")
        acc = metrics.get("accumulated_token_usage") if isinstance(metrics, dict) else None
        if not isinstance(acc, dict):
            return
        now = (num(acc.get("prompt_tokens")), num(acc.get("completion_tokens")),
               num(acc.get("cache_read_tokens")), num(acc.get("cache_write_tokens")))
        before = self.totals.get(agent.id, (0, 0, 0, 0))
        self.totals[agent.id] = now
        delta = [a - b for a, b in zip(now, before)]
        if now == before or any(d < 0 for d in delta):
            return
        model = acc.get("model") if isinstance(acc.get("model"), str) and acc.get("model") != "default" else None
        step.usage = Usage(input=max(0, delta[0] - delta[2] - delta[3]), output=delta[1], cache_read=delta[2],
                           cache_write=delta[3], model=model or self.default_model)

    # -- observations ------------------------------------------------------------------------
    def observation(self, e: dict[str, Any], loc: Location) -> None:
        kind = e["observation"]
        ts = parse_time(e.get("timestamp"))
        cause = _event_id(e.get("cause"))
        tcm = e.get("tool_call_metadata") if isinstance(e.get("tool_call_metadata"), dict) else {}
        tool_id = tcm.get("tool_call_id")
        call = self.by_event.get(cause) if cause is not None else None
        if call is None and isinstance(tool_id, str):
            call = self.by_tool_id.get(tool_id)
        if call is None and cause is None and "id" not in e and self.pending:
            call = self.pending.pop(0)
        if call is not None and self.delegates and any(c is call for c, _ in self.delegates):
            while self.delegates:  # the delegation ends; anything it left open ends with it
                closed, _ = self.delegates.pop()
                if closed is call:
                    break
        text = _text(e.get("content"))
        if call is None:
            agent = self.current()
            if kind == "recall":  # workspace context or microagent knowledge the harness added
                extras = e.get("extras") if isinstance(e.get("extras"), dict) else {}
                knowledge = extras.get("microagent_knowledge")
                parts = [extras.get("repo_instructions"), extras.get("additional_agent_instructions")]
                parts += [k.get("content") for k in knowledge if isinstance(k, dict)] if isinstance(knowledge, list) else []
                body = "\n".join(p for p in parts if isinstance(p, str) and p)
                if body or cause is None:
                    self.add_event(agent, "meta", body or text, loc, ts)
            elif kind == "error" and cause not in self.skipped:  # e.g. a tool call the harness could not read
                self.add_event(agent, "meta", text or _text(e.get("message")), loc, ts)
            return
        if call.result is not None:
            return
        directory = _working_dir(e)
        if directory:
            self.cwd[call.agent_id] = directory
            if self.session.cwd is None:
                self.session.cwd = directory
        code = _exit_code(e)
        failed = kind == "error" or (kind in ("read", "edit", "write") and text.startswith("ERROR:")) or \
            (kind == "run_ipython" and (text.lstrip().startswith(_SKILL_REFUSALS) or
                                        "Traceback (most recent call last)" in text[:2000]))
        if code is not None and code != 0:
            failed = failed or code != -1 or "timed out" in text.lower() or "timed out" in str(e.get("extras"))
        seq = self.next_seq()
        call.result = ToolResult.of(text, RESULT_HEAD, is_error=failed, timestamp=ts, location=loc, seq=seq,
                                    empty=not text.strip())
        if not _is_content(call, text):
            owner = self.session.agents.get(call.agent_id, self.main)
            owner.context.add(text, seq)  # type: ignore[union-attr]


# -- files -----------------------------------------------------------------------------------------
def _build(path: str, events: list[Any], lines: dict[tuple[Any, ...], int] | None, base: tuple[Any, ...],
           line: int | None, session_id: str | None, model: str | None) -> Session:
    """A session from one list of events, V0 or V1 (SDK)."""
    session = Session(path=path, format=FORMAT, session_id=session_id, cwd=None)
    sdk = _sdk() if not looks_like_events(events) and _sdk().looks_like_events(events) else None
    if sdk is not None:
        builder: _Builder = sdk.SdkBuilder(session, {}, model)
        feed = builder.sdk_event  # type: ignore[attr-defined]
    else:
        builder = _Builder(session)
        builder.default_model = model
        if model:
            session.models.add(model)
        feed = builder.event
    for index, event in enumerate(events):
        where = lines.get(base + (index,), line) if lines is not None else line
        feed(event, Location(path, where))
    (sdk.finish if sdk is not None else _finish)(builder)
    return session


def _finish(builder: _Builder) -> None:
    session = builder.session
    if session.cwd is None:
        session.cwd = WORKSPACE  # no command reported its directory: the sandbox's default one
    for agent in session.agents.values():
        for index, step in enumerate(agent.steps):
            step.index = index
    if not any(step.start is not None for step in session.all_steps()):
        session.note("seconds", "no timestamps recorded")
    if not any(step.usage is not None for step in session.all_steps()):
        session.note("context_tokens", "no token usage recorded")


def _row_model(row: dict[str, Any]) -> str | None:
    meta = row.get("metadata")
    config = meta.get("llm_config") if isinstance(meta, dict) else None
    model = config.get("model") if isinstance(config, dict) else None
    return model if isinstance(model, str) and model else None


def _row_session(path: str, row: dict[str, Any], line: int | None, lines: dict[tuple[Any, ...], int] | None,
                 base: tuple[Any, ...]) -> Session:
    instance = row.get("instance_id")
    session = _build(path, row["history"], lines, base, line,
                     safe(str(instance), 200) if isinstance(instance, (str, int)) else None, _row_model(row))
    if not row["history"] and isinstance(row.get("error"), str):
        session.note("history", f"the run recorded no events ({safe(row['error'], 120)})")
    return session


def parse_many(path: str) -> Iterator[Session]:
    if events_folder(path) is not None:
        yield _sdk().parse_folder(path)  # the whole conversation, one event per file
        return
    first = _first_line(path)
    try:
        orjson.loads(first)
        jsonl = True
    except orjson.JSONDecodeError:
        jsonl = False
    if not jsonl:
        with open(path, "rb") as fp:
            data = fp.read()
        doc = load_document(path)
        lines = element_lines(data, 2)
        if isinstance(doc, dict) and isinstance(doc.get("history"), list):
            yield _row_session(path, doc, 1, lines, ("history",))
        elif isinstance(doc, list):
            yield _build(path, doc, lines, (), 1, None, None)
        elif isinstance(doc, dict) and isinstance(doc.get("items"), list):
            yield _build(path, doc["items"], lines, ("items",), 1, None, None)
        else:
            session = Session(path=path, format=FORMAT, session_id=None, cwd=None)
            session.problems.append(ParseProblem(path, 1, "not an OpenHands trajectory (a list of events) "
                                                          "or an evaluation row with a history"))
            yield session
        return
    problems: list[ParseProblem] = []
    sessions: list[tuple[int, Session]] = []
    loose: list[Any] = []  # V1 events written one per line
    lines: dict[tuple[Any, ...], int] = {}
    for lineno, rec in iter_records(path, problems):
        if _sdk().is_event(rec) or (loose and isinstance(rec, dict) and "kind" in rec):
            lines[(len(loose),)] = lineno
            loose.append(rec)
        elif _any_events(rec):
            sessions.append((lineno, _build(path, rec, None, (), lineno, None, None)))
        elif isinstance(rec, dict) and isinstance(rec.get("history"), list):
            sessions.append((lineno, _row_session(path, rec, lineno, None, ())))
        elif isinstance(rec, dict) and _sdk().looks_like_events(rec.get("items")):
            sessions.append((lineno, _build(path, rec["items"], None, (), lineno, None, None)))
        else:
            problems.append(ParseProblem(path, lineno, "line is not an OpenHands evaluation row "
                                                       "(no history list); line skipped", "warning"))
    if loose:
        sessions.append((lines[(0,)], _build(path, loose, lines, (), None, None, None)))
    if not sessions:
        sessions.append((1, Session(path=path, format=FORMAT, session_id=None, cwd=None)))
    for problem in problems:
        owner = sessions[0][1]
        for first_line, session in sessions:
            if problem.line is not None and first_line <= problem.line:
                owner = session
        owner.problems.append(problem)
    for _, session in sessions:
        yield session
