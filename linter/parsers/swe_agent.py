"""SWE-agent trajectories (``<instance>.traj``): one JSON document per run.

The document holds ``trajectory`` (one entry per step: ``action``, ``observation``,
``thought``, ``execution_time``, ``state`` with the open file and working directory) and
``history`` (the messages the model saw: system prompt, demonstrations marked ``is_demo``, the
problem statement, then assistant actions and observations; function-calling runs carry
``tool_calls`` and answer them with ``tool`` messages naming ``tool_call_ids``). What this
parser rebuilds:

* Steps: each assistant action of the history is one Step (SWE-agent runs one action per step;
  several ``tool_calls`` in one message would be one batch), matched in order with the
  trajectory entries for the execution time, the open file and the clean observation. Without a
  history the trajectory alone gives the steps.
* Calls: the tool-call function when recorded (``bash``, ``open``, ``edit``, ``find_file``...),
  else the action's first word when it is one of SWE-agent's commands (those of its default
  bundles and those the system prompt documents), else ``bash`` with the action as its command.
  Arguments of text actions are read the way the command's signature names them. Commands that
  act on the open file (``goto``, ``scroll_*``, ``edit``, ``insert``, ``search_file`` without a
  file) get that file as ``open_file``, from the previous step's state.
* ``submit`` ends the run: it is the agent's final answer, a Step with the thought and no call
  (the patch it returns is left out), as a final message is in other harnesses.
* Results: the observation of each action. SWE-agent records no exit status, so no call is
  marked failed; "Your command ran successfully and did not produce any output" is an empty
  result.
* Events: the first non-demonstration user message (the problem statement) is the prompt; a
  user message that answers no action is a prompt too.
* No timestamps (only per-step execution times) and no per-request usage (only the run's
  ``model_stats`` totals) are recorded.
* Context: the problem statement, thoughts, call arguments (not edit bodies) and results,
  except file windows shown by ``open``/``goto``/``scroll_*`` and editor views.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import Any

import orjson

from linter.context import ContextIndex
from linter.effects import (
    READ,
    WRITE,
    Effect,
    Handler,
    Resolver,
    file_read,
    file_search,
    path_arg,
    shell,
    shell_effect,
    state,
    text_editor,
    unknown,
)
from linter.model import MAIN_AGENT, Agent, Event, Location, ParseProblem, Session, Step, ToolCall, ToolResult
from linter.parsers._common import clip_strings
from linter.parsers.openhands import element_lines
from linter.parsers.sample import Sample, load_document
from linter.textutil import safe

FORMAT = "swe-agent"
# SWE-agent accepts exactly one action per model response: there is no batch to issue.
ONE_CALL_PER_TURN = True
DESCRIPTION = "SWE-agent trajectories (.traj): trajectory steps and history messages, text or function-calling"

RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 8 * 1024

# Commands of SWE-agent's default tool bundles (windowed editor, search, submit, editors).
COMMANDS = {"open", "goto", "scroll_up", "scroll_down", "create", "edit", "insert", "find_file", "search_dir",
            "search_file", "submit", "str_replace_editor", "filemap", "edit_replace", "exit_forfeit",
            "exit_cost", "exit_context", "exit_format", "exit_error", "skip"}
# Actions that end the run: the agent's final answer (its thought is the last step's prose), not a call.
ENDS_RUN = {"submit"}
_CURRENT_FILE = {"goto", "scroll_up", "scroll_down", "edit", "insert", "edit_replace", "search_file"}
_WINDOWS = {"open", "goto", "scroll_up", "scroll_down"}
_NO_OUTPUT = "Your command ran successfully and did not produce any output"
_OPEN_FILE = re.compile(r"^\(Open file: (.+?)\)\s*$", re.M)
_WINDOW = re.compile(r"\s*\[File: (.+?) \(\d+ lines total(?: after edit)?\)\]")


# -- effects -------------------------------------------------------------------------------------
def _proxy(call: ToolCall, **fields: Any) -> ToolCall:
    return ToolCall(id=call.id, name=call.name, input={k: v for k, v in fields.items() if v}, location=call.location)


def _current(call: ToolCall, *keys: str) -> str:
    return path_arg(call, *keys) or path_arg(call, "open_file")


def window_read(call: ToolCall, r: Resolver) -> Effect:
    """``open PATH`` / ``goto N`` / ``scroll_*``: a window of a file (the open one when none is named)."""
    path = _current(call, "path", "file_path", "file")
    return file_read(_proxy(call, path=path), r) if path else Effect(READ, label=call.name)


def file_create(call: ToolCall, r: Resolver) -> Effect:
    path = path_arg(call, "filename", "path", "file_path")
    effect = file_read(_proxy(call, path=path), r) if path else None
    if effect is None:
        return Effect(WRITE, label=call.name)
    return Effect(WRITE, writes=effect.reads, spellings=effect.values, label=effect.label)


def open_file_write(call: ToolCall, r: Resolver) -> Effect:
    """``edit`` / ``insert``: change the open file."""
    path = _current(call, "path", "file_path")
    if not path:
        return Effect(WRITE, label=call.name)
    return file_create(_proxy(call, path=path), r)


def search(term_key: str, dir_key: str, current: bool = False) -> Handler:
    def handler(call: ToolCall, r: Resolver) -> Effect:
        where = path_arg(call, dir_key) or (path_arg(call, "open_file") if current else "")
        return file_search(_proxy(call, pattern=path_arg(call, term_key), path=where), r)

    return handler


def action_shell(call: ToolCall, r: Resolver) -> Effect:
    """Any other command: SWE-agent runs the action line in the container's shell."""
    command = path_arg(call, "command", "action")
    if not command:
        return unknown(call, r)
    return shell_effect(command, r)


EFFECTS: dict[str, Handler] = {
    "bash": shell,
    "open": window_read, "goto": window_read, "scroll_up": window_read, "scroll_down": window_read,
    "create": file_create, "edit": open_file_write, "insert": open_file_write, "edit_replace": open_file_write,
    "str_replace_editor": text_editor,
    "find_file": search("file_name", "dir"), "search_dir": search("search_term", "dir"),
    "search_file": search("search_term", "file", current=True),
    "exit_forfeit": state, "exit_cost": state, "exit_context": state, "exit_format": state,
    "exit_error": state, "skip": state,
}
FALLBACK = action_shell


# -- sniffing ------------------------------------------------------------------------------------
def sniff(sample: Sample) -> bool:
    doc = sample.document
    if not isinstance(doc, dict) or not isinstance(doc.get("trajectory"), list):
        return False
    if not isinstance(doc.get("history"), list) and not isinstance(doc.get("info"), dict):
        return False
    return all(isinstance(step, dict) and "action" in step for step in doc["trajectory"][:20])


# -- reading actions -----------------------------------------------------------------------------
_SIGNATURE = re.compile(r"^([a-z_][a-z0-9_]*):\n\s+docstring:", re.M)
# Argument names of text actions, as the commands' signatures name them.
_ARGS = {
    "open": ("path", "line_number"), "goto": ("line_number",), "create": ("filename",),
    "find_file": ("file_name", "dir"), "search_dir": ("search_term", "dir"), "search_file": ("search_term", "file"),
    "filemap": ("file_path",), "str_replace_editor": ("command", "path"),
}


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


def read_action(action: str, commands: set[str]) -> tuple[str, dict[str, Any]]:
    """Name and arguments of a text action (``open "a.py" 20``, ``edit 1:5\\n...\\nend_of_edit``, a shell line)."""
    text = action.strip()
    first_line, _, body = text.partition("\n")
    word = first_line.split(None, 1)[0] if first_line.strip() else ""
    if word not in commands:
        return "bash", {"command": text}
    words = _words(first_line)[1:]
    args: dict[str, Any] = dict(zip(_ARGS.get(word, ()), words))
    if word == "edit" and words and re.fullmatch(r"\d+:\d+", words[0]):
        args = {"range": words[0], "text": body.rsplit("end_of_edit", 1)[0]}
    elif word == "edit" and len(words) >= 2:
        args = {"search": words[0], "replace": words[1]}
    elif word == "insert":
        args = {"line": words[0]} if words else {}
        args["text"] = body.rsplit("end_of_edit", 1)[0]
    elif word == "str_replace_editor":
        rest = words[2:]
        for flag, value in zip(rest, rest[1:]):
            if flag.startswith("--"):
                args[flag[2:]] = value
    elif word not in _ARGS and words:
        args["args"] = words
    args["action"] = text
    return word, args


def _parse_state(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            return {}
    return value if isinstance(value, dict) else {}


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


_BODIES = {"text", "replace", "file_text", "new_str", "old_str", "content", "action"}


def _input_text(value: dict[str, Any]) -> str:
    parts = [v for k, v in value.items() if k not in _BODIES and k != "open_file" and isinstance(v, str)]
    parts += [w for w in value.get("args", []) if isinstance(w, str)] if isinstance(value.get("args"), list) else []
    action = value.get("action")
    if isinstance(action, str):
        parts.append(action.split("\n", 1)[0])
    return "\n".join(parts)


# -- model building ------------------------------------------------------------------------------
class _Builder:
    def __init__(self, session: Session, lines: dict[tuple[Any, ...], int], commands: set[str]) -> None:
        self.session = session
        self.lines = lines
        self.commands = commands
        self.seq = 0
        self.agent = Agent(id=MAIN_AGENT, context=ContextIndex(), source=session.path)
        session.agents[MAIN_AGENT] = self.agent
        self.ctx: ContextIndex = self.agent.context  # type: ignore[assignment]
        self.calls: dict[str, ToolCall] = {}
        self.raw_ids: dict[ToolCall, str] = {}
        self.waiting: list[ToolCall] = []  # calls of the last step still without an observation
        self.open_file = ""
        self.pending_entry: dict[str, Any] | None = None  # the trajectory entry of the step awaiting results
        self.ended: set[str] = set()  # ids of the submissions that ended the run

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def loc(self, *path: Any) -> Location:
        line = self.lines.get(path)
        if line is None and len(path) > 2:
            line = self.lines.get(path[:2])
        return Location(self.session.path, line)

    def problem(self, loc: Location, message: str) -> None:
        self.session.problems.append(ParseProblem(loc.path, loc.line, message, "warning"))

    def event(self, kind: str, text: str, loc: Location, index: bool = True) -> None:
        seq = self.next_seq()
        self.agent.events.append(Event(kind, seq, loc, None, text[:RESULT_HEAD]))
        if index:
            self.ctx.add(text, seq)

    def step(self, text: str, loc: Location, mid: str) -> Step:
        step = Step(index=len(self.agent.steps), agent_id=MAIN_AGENT, message_id=mid, location=loc, seq=self.next_seq())
        self.agent.steps.append(step)
        if text:
            step.text = text[:PROSE_LIMIT]
            self.ctx.add(text, step.seq)
        self.waiting = []
        return step

    def call(self, step: Step, name: str, call_input: dict[str, Any], call_id: str, loc: Location) -> ToolCall:
        if name in _CURRENT_FILE and self.open_file and "open_file" not in call_input:
            call_input["open_file"] = self.open_file
        base, n = call_id, 1
        while call_id in self.calls:
            n += 1
            call_id = f"{base}#{n}"
        call = ToolCall(id=call_id, name=name, input=clip_strings(call_input, INPUT_STRING_LIMIT), location=loc, step=step,
                        agent_id=MAIN_AGENT)
        step.calls.append(call)
        self.calls[call_id] = call
        self.raw_ids[call] = base
        self.waiting.append(call)
        self.ctx.add(_input_text(call.input), step.seq)
        return call

    def result(self, call: ToolCall, text: str, loc: Location) -> None:
        if call.result is not None:
            return
        seq = self.next_seq()
        empty = not text.strip() or text.strip().startswith(_NO_OUTPUT)
        call.result = ToolResult.of(text, RESULT_HEAD, is_error=False, timestamp=None, location=loc, seq=seq,
                                    empty=empty)
        if call.name in _WINDOWS:
            return  # a window of a file's content
        if call.name == "str_replace_editor" and call.input.get("command") == "view" and "files and directories" not in text[:200]:
            return
        self.ctx.add(text, seq)

    def after_step(self, entry: dict[str, Any] | None) -> None:
        if entry is None:
            return
        state_value = _parse_state(entry.get("state"))
        if self.session.cwd is None and isinstance(state_value.get("working_dir"), str) and state_value["working_dir"]:
            self.session.cwd = state_value["working_dir"]

    def track_open_file(self, *texts: str) -> None:
        """The open file as the agent was shown it: the prompt's ``(Open file: X)`` or a ``[File: X (N lines total)]`` window."""
        for text in texts:
            found = _OPEN_FILE.findall(text[-2000:])
            if found:
                self.open_file = "" if found[-1] == "n/a" else found[-1]
                return
            match = _WINDOW.match(text)
            if match:
                self.open_file = match.group(1)
                return

    # -- the two sources -------------------------------------------------------------------
    def from_history(self, history: list[Any], trajectory: list[Any]) -> int:
        """Steps from the history; returns how many trajectory entries it used (in order)."""
        used = 0
        system_seen = False
        for i, message in enumerate(history):
            if not isinstance(message, dict):
                self.problem(self.loc("history", i), "history entry is not a message; skipped")
                continue
            if message.get("is_demo"):
                continue
            role = message.get("role")
            loc = self.loc("history", i)
            text = _content(message)
            if role == "system" and not system_seen:
                system_seen = True
                self.event("meta", text, loc, index=False)
            elif role == "assistant":
                entry, used = _match(message, trajectory, used)
                self.assistant(message, i, entry, loc)
            elif isinstance(message.get("tool_call_ids"), list) or role == "tool" or (
                    role == "user" and self.waiting and any(c.result is None for c in self.waiting)):
                self.observation(message, text, loc)
            elif role in ("user", "system"):
                self.event("prompt" if role == "user" else "meta", text, loc)
        return used

    def assistant(self, message: dict[str, Any], i: int, entry: dict[str, Any] | None, loc: Location) -> None:
        thought = message.get("thought")
        text = thought if isinstance(thought, str) else _content(message)
        step = self.step(text, loc, f"history-{i}")
        tool_calls = message.get("tool_calls")
        if isinstance(tool_calls, list) and tool_calls:
            for j, item in enumerate(tool_calls):
                if not isinstance(item, dict):
                    continue
                function = item.get("function") if isinstance(item.get("function"), dict) else {}
                name = function.get("name") if isinstance(function.get("name"), str) and function.get("name") else "?"
                raw = function.get("arguments")
                try:
                    args = orjson.loads(raw) if isinstance(raw, str) else raw
                except orjson.JSONDecodeError:
                    args = {"arguments": raw}
                call_input = dict(args) if isinstance(args, dict) else {}
                if len(tool_calls) == 1 and name != "bash" and isinstance(message.get("action"), str):
                    call_input.setdefault("action", message["action"].strip())
                call_id = item.get("id") if isinstance(item.get("id"), str) and item.get("id") else f"history-{i}.{j}"
                if name in ENDS_RUN:
                    self.ended.add(call_id)
                    continue
                self.call(step, name, call_input, call_id, self.loc("history", i, "tool_calls", j))
        else:
            action = message.get("action")
            if not isinstance(action, str) and entry is not None:
                action = entry.get("action")
            if isinstance(action, str) and action.strip():
                name, call_input = read_action(action, self.commands)
                if name not in ENDS_RUN:
                    self.call(step, name, call_input, f"step-{len(self.agent.steps)}", loc)
        if not self.waiting:
            self.after_step(entry)
        else:
            self.pending_entry = entry

    def observation(self, message: dict[str, Any], text: str, loc: Location) -> None:
        open_calls = [c for c in self.waiting if c.result is None]
        ids = message.get("tool_call_ids")
        wanted = {c for c in ids if isinstance(c, str)} if isinstance(ids, list) else set()
        if wanted and wanted <= self.ended and not open_calls:
            return  # the patch a submission produced: the run is over
        # ids are matched among the calls waiting for an answer: replayed runs reuse ids
        targets = [c for c in open_calls if self.raw_ids.get(c) in wanted] or open_calls[:1]
        if not targets:
            self.event("meta", text, loc)
            return
        entry = self.pending_entry
        clean = entry.get("observation") if entry is not None and len(self.waiting) == 1 else None
        for call in targets:
            self.result(call, clean if isinstance(clean, str) else text, loc)
        self.track_open_file(text)
        if all(c.result is not None for c in self.waiting):
            self.after_step(self.pending_entry)
            self.pending_entry = None

    def from_trajectory(self, trajectory: list[Any], start: int = 0) -> None:
        for k, entry in enumerate(trajectory):
            if k < start:
                continue
            if not isinstance(entry, dict):
                self.problem(self.loc("trajectory", k), "trajectory entry is not a step; skipped")
                continue
            loc = self.loc("trajectory", k)
            thought = entry.get("thought") if isinstance(entry.get("thought"), str) else entry.get("response")
            step = self.step(thought if isinstance(thought, str) else "", loc, f"trajectory-{k}")
            action = entry.get("action")
            if isinstance(action, str) and action.strip():
                name, call_input = read_action(action, self.commands)
                if name in ENDS_RUN:
                    self.after_step(entry)
                    continue
                call = self.call(step, name, call_input, f"step-{k + 1}", loc)
                observation = entry.get("observation")
                if isinstance(observation, str):
                    self.result(call, observation, loc)
                    self.track_open_file(observation)
            self.after_step(entry)


def _action_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _match(message: dict[str, Any], trajectory: list[Any], start: int) -> tuple[dict[str, Any] | None, int]:
    """The trajectory entry of an assistant message: the next one with the same action."""
    action = _action_of(message.get("action"))
    for k in range(start, len(trajectory)):
        entry = trajectory[k]
        if isinstance(entry, dict) and _action_of(entry.get("action")) == action:
            return entry, k + 1
    return None, start


def _commands(history: list[Any]) -> set[str]:
    """SWE-agent's commands, plus those the system prompt documents."""
    found = set(COMMANDS)
    for message in history[:3]:
        if isinstance(message, dict) and message.get("role") == "system":
            found.update(_SIGNATURE.findall(_content(message)))
    return found


def _session_id(doc: dict[str, Any], path: str) -> str:
    config = doc.get("replay_config")
    if isinstance(config, str):
        try:
            config = orjson.loads(config)
        except orjson.JSONDecodeError:
            config = None
    problem = config.get("problem_statement") if isinstance(config, dict) else None
    if isinstance(problem, dict) and isinstance(problem.get("id"), str) and problem["id"]:
        return safe(problem["id"], 200)
    return os.path.splitext(os.path.basename(path))[0]


def _model(doc: dict[str, Any]) -> str | None:
    config = doc.get("replay_config")
    if isinstance(config, str):
        try:
            config = orjson.loads(config)
        except orjson.JSONDecodeError:
            return None
    agent = config.get("agent") if isinstance(config, dict) else None
    model = agent.get("model") if isinstance(agent, dict) else None
    name = model.get("name") if isinstance(model, dict) else None
    return name if isinstance(name, str) and name and name != "replay" else None


def parse(path: str) -> Session:
    doc = load_document(path)
    session = Session(path=path, format=FORMAT, session_id=None, cwd=None)
    if not isinstance(doc, dict) or not isinstance(doc.get("trajectory"), list):
        session.problems.append(ParseProblem(path, 1, "not a SWE-agent trajectory (no trajectory list)"))
        session.agents[MAIN_AGENT] = Agent(id=MAIN_AGENT, context=ContextIndex(), source=path)
        return session
    with open(path, "rb") as fp:
        lines = element_lines(fp.read(), 4)
    session.session_id = _session_id(doc, path)
    model = _model(doc)
    if model:
        session.models.add(model)
    history = doc.get("history") if isinstance(doc.get("history"), list) else []
    trajectory = doc["trajectory"]
    builder = _Builder(session, lines, _commands(history))
    if any(isinstance(m, dict) and m.get("role") == "assistant" and not m.get("is_demo") for m in history):
        used = builder.from_history(history, trajectory)
        if used:  # steps the history does not hold (the action that ends a run is not added to it)
            builder.from_trajectory(trajectory, used)
    else:
        builder.from_trajectory(trajectory)
    session.note("seconds", "SWE-agent records execution times but no timestamps")
    session.note("context_tokens", "SWE-agent records only the run's total token counts")
    return session
