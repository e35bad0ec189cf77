"""Codex CLI rollouts (``~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl``).

Every line is ``{"timestamp", "type", "payload"}`` with ``type`` one of ``session_meta``,
``turn_context``, ``response_item`` (OpenAI Responses API items: the source of truth for calls),
``event_msg`` (echoes, token counts, exit codes) and ``compacted``; newer types are skipped.
What this parser rebuilds:

* Sessions: one per ``session_meta`` line (a file may hold several threads concatenated). A
  thread whose ``parent_thread_id`` names a thread earlier in the same file is a subagent of
  that session, linked to the ``spawn_agent`` call that started it (``collab_agent_spawn_end``
  or the call's ``agent_id:`` answer); a thread whose parent is elsewhere is its own session,
  with a note saying so. A forked thread, or a sub-agent spawned with its parent's context, starts
  with a copy of the source's history (the source's ``session_meta``, then its lines): that copy is
  part of the thread, not a thread of its own, and where ``ordinal``s say where it ends
  (``subagent_history_start_ordinal``, ``history_base``) it is read as context, not as calls.
* Steps: rollouts carry no response id. A ``reasoning`` item starts a model response; assistant
  messages and calls (``function_call``, ``custom_tool_call``, ``local_shell_call``, hosted
  ``web_search_call``...) that follow it belong to that response until a user message, a turn
  context, a compaction or a new token count. Two layouts tell apart where outputs stand. Newer
  versions write each call as it arrives and the outputs after the response, so calls written back
  to back are one batch and a call written after an output is a new step. 0.5x writes a whole
  request at once after its token count, each output right after its call: there an output does
  not end the step, and the calls of one response stay one batch.
* Results: ``*_output`` items joined on ``call_id``. An output is a string (in 0.5x a JSON
  ``{"output", "metadata": {"exit_code"}}``, later ``Exit code: N`` / ``Process exited with
  code N`` text) or a list of content parts. A non-zero exit code (in the output or in
  ``exec_command_end``), a failed ``patch_apply_end`` or an MCP error marks the call failed.
* Usage: ``token_count`` totals are cumulative; each change is one request (``input`` is input
  minus cached, ``cache_read`` the cached part), attached to the step that request produced: the
  latest step still without usage when it began after the previous count (newer versions write
  the count after the response's items), else the next step (0.5x writes it before them).
* Events: user prompts; harness-injected text (environment context, AGENTS.md, developer
  messages) as meta; ``turn_aborted`` as interrupt; ``compacted`` as compact.
* Context: prompts, prose, reasoning summaries, call arguments (a patch's file names, not its
  body) and results, except file contents returned by reads (``read_file``, ``cat`` of a file).
"""

from __future__ import annotations

import re
import shlex
from typing import Any, Iterator

import orjson

from linter.context import ContextIndex
from linter.effects import (
    EXEC,
    READ,
    SPAWN,
    WRITE,
    Effect,
    Handler,
    Resolver,
    ask,
    file_read,
    file_search,
    path_arg,
    shell_effect,
    state,
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
from linter.parsers import _codex_exec
from linter.parsers._common import as_str, num
from linter.parsers.jsonl import iter_records
from linter.parsers.sample import Sample, first_record
from linter.shell import command_text, join
from linter.textutil import parse_time, safe, salient_tokens

FORMAT = "codex"
DESCRIPTION = ("Codex CLI rollout JSONL (~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl), one session per session_meta, "
               "and `codex exec --json` output")

RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 8 * 1024
PATCH_LIMIT = 64 * 1024
RECORD_TYPES = {"session_meta", "turn_context", "response_item", "event_msg", "compacted"}
CALL_ITEMS = {"function_call", "custom_tool_call", "local_shell_call", "web_search_call", "tool_search_call",
              "image_generation_call"}
OUTPUT_ITEMS = {"function_call_output", "custom_tool_call_output", "tool_search_output"}


# -- effects -------------------------------------------------------------------------------------
_PATCH_FILE = re.compile(r"^\*\*\* (?:(?:Add|Update|Delete) File|Move to): (.+?)\s*$", re.M)
_HEREDOC_PATCH = re.compile(r"^\s*(?:cd\s+(\"[^\"]+\"|'[^']+'|\S+)\s*&&\s*)?(?:apply_patch|applypatch)\b")


def patch_files(text: str) -> list[str]:
    """Paths an apply_patch text adds, updates, deletes or moves to."""
    return _PATCH_FILE.findall(text) if "*** " in text else []


def _patch_effect(text: str, r: Resolver, base: str, name: str) -> Effect:
    paths = [join(base, p) if base else p for p in patch_files(text)]
    resources = [res for res in (r.resource(p) for p in paths) if res]
    label = resources[0] if len(resources) == 1 else (
        f"{resources[0]} and {len(resources) - 1} more" if resources else name)
    return Effect(WRITE, writes=frozenset(resources), spellings=tuple(r.forms(p) for p in paths), label=label)


def heredoc_patch(command: str) -> tuple[str, str] | None:
    """``apply_patch <<'EOF' ... EOF`` run through the shell: (directory it ran in, patch text)."""
    if "*** Begin Patch" not in command:
        return None
    match = _HEREDOC_PATCH.match(command)
    if match is None:
        return None
    return (match.group(1) or "").strip("'\""), command


def shell_call(call: ToolCall, r: Resolver) -> Effect:
    """``shell`` / ``container.exec`` / ``local_shell`` (argv) and ``shell_command`` / ``exec_command``."""
    raw = call.input.get("command")
    command = command_text(raw if raw is not None else call.input.get("cmd"))
    if not command:
        return Effect(EXEC, label=call.name)
    workdir = path_arg(call, "workdir", "working_directory", "cwd")
    patch = heredoc_patch(command)
    if patch is not None:
        directory, text = patch
        return _patch_effect(text, r, join(join(r.cwd, workdir), directory), call.name)
    return shell_effect(command, r, workdir)




_CELL_TOOL = re.compile(r"\btools\.(\w+)\(\s*")
_CELL_VAR = re.compile(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*")
_JS_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_JS_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class _Name(str):
    """A bare identifier in a code cell: a variable, resolved from the cell's own assignments."""


def _skip_space(src: str, pos: int) -> int:
    while pos < len(src) and src[pos].isspace():
        pos += 1
    return pos


def _js_string(src: str, pos: int) -> tuple[str, int]:
    quote, out, i = src[pos], [], pos + 1
    while i < len(src):
        ch = src[i]
        if ch == quote:
            return "".join(out), i + 1
        if quote == "`" and src.startswith("${", i):
            raise ValueError("template substitution")
        if ch == "\\" and i + 1 < len(src):
            nxt = src[i + 1]
            if nxt == "u" and src[i + 2:i + 3] != "{":
                out.append(chr(int(src[i + 2:i + 6], 16)))
                i += 6
                continue
            if nxt == "x":
                out.append(chr(int(src[i + 2:i + 4], 16)))
                i += 4
                continue
            if nxt == "\n":
                i += 2  # a line continuation
                continue
            out.append(_JS_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    raise ValueError("unterminated string")


def _js_value(src: str, pos: int) -> tuple[object, int]:
    """Read one JavaScript literal (string, number, object, array, true/false/null) or a bare
    name at ``pos``: object keys may go unquoted and strings may use any quote, as cells write them."""
    pos = _skip_space(src, pos)
    if pos >= len(src):
        raise ValueError("end of cell")
    ch = src[pos]
    if ch in "\"'`":
        return _js_string(src, pos)
    if ch in "{[":
        close, items, obj = ("}" if ch == "{" else "]"), [], {}
        pos += 1
        while True:
            pos = _skip_space(src, pos)
            if src.startswith(close, pos):
                return (obj if close == "}" else items), pos + 1
            if close == "}":
                if src[pos:pos + 1] in ("\"", "'"):
                    key, pos = _js_string(src, pos)
                else:
                    ident = _JS_IDENT.match(src, pos)
                    if ident is None:
                        raise ValueError("object key")
                    key, pos = ident.group(0), ident.end()
                pos = _skip_space(src, pos)
                if not src.startswith(":", pos):
                    raise ValueError("':' expected")
                obj[key], pos = _js_value(src, pos + 1)
            else:
                value, pos = _js_value(src, pos)
                items.append(value)
            pos = _skip_space(src, pos)
            if src.startswith(",", pos):
                pos += 1
            elif not src.startswith(close, pos):
                raise ValueError("',' expected")
    number = _JS_NUMBER.match(src, pos)
    if number:
        return float(number.group(0)), number.end()
    ident = _JS_IDENT.match(src, pos)
    if ident:
        word = ident.group(0)
        return {"true": True, "false": False, "null": None, "undefined": None}.get(word, _Name(word)), ident.end()
    raise ValueError(f"unexpected {ch!r}")


def code_cell(call: ToolCall, r: Resolver) -> Effect:
    """Code mode's ``exec``: a JavaScript cell whose ``tools.exec_command({cmd, workdir})`` calls
    run shell commands (side by side under ``Promise.all``) and whose ``tools.apply_patch(patch)``
    calls change files (the patch written inline or held in a ``const``). The cell does what its
    commands do together, or what its patches change; one that calls another tool, mixes commands
    and patches, or whose arguments cannot be read whole (a cell cut short, a computed string) is
    unknown."""
    source = call.input.get("input")
    if not isinstance(source, str):
        return unknown(call, r)
    names: dict[str, object] = {}
    for match in _CELL_VAR.finditer(source):
        try:
            names[match.group(1)], _ = _js_value(source, match.end())
        except (ValueError, IndexError, RecursionError):
            continue
    commands, workdirs, patches = [], set(), []
    for match in _CELL_TOOL.finditer(source):
        try:
            value, _ = _js_value(source, match.end())
        except (ValueError, IndexError, RecursionError):
            return unknown(call, r)
        if isinstance(value, _Name):
            value = names.get(value)
        if match.group(1) == "exec_command" and isinstance(value, dict) and isinstance(value.get("cmd"), str):
            commands.append(value["cmd"])
            workdirs.add(value.get("workdir") if isinstance(value.get("workdir"), str) else "")
        elif match.group(1) == "apply_patch":
            if isinstance(value, dict):
                value = value.get("input", value.get("patch"))
            if isinstance(value, _Name):
                value = names.get(value)
            if not isinstance(value, str) or not patch_files(value):
                return unknown(call, r)
            patches.append(value)
        else:
            return unknown(call, r)
    if patches:
        return unknown(call, r) if commands else _patch_effect("\n".join(patches), r, "", "apply_patch")
    if not commands or len(workdirs) > 1:
        return unknown(call, r)
    joined = "\n".join(commands)  # a list of commands, as a script runs them
    return shell_call(ToolCall(id=call.id, name="exec_command", input={"cmd": joined, "workdir": workdirs.pop()},
                               location=call.location), r)


def apply_patch(call: ToolCall, r: Resolver) -> Effect:
    text = path_arg(call, "input", "patch")
    workdir = path_arg(call, "workdir")
    return _patch_effect(text, r, join(r.cwd, workdir) if workdir else "", call.name)


def write_stdin(call: ToolCall, r: Resolver) -> Effect:
    """Polls (no characters) or types into a running ``exec_command`` session.

    Each poll is chosen from the previous answer (still running?), so polls are adaptive.
    """
    session = call.input.get("session_id")
    resource = frozenset([f"shell:{session}"]) if isinstance(session, (str, int)) and session != "" else frozenset()
    if call.input.get("chars"):
        return Effect(EXEC, writes=resource, label=call.name)
    return Effect(READ, reads=resource, label=call.name, adaptive=True)


def hosted_web(call: ToolCall, r: Resolver) -> Effect:
    """The Responses API's own web search: a search, or a page opened or searched."""
    return web_fetch(call, r) if call.input.get("url") else web_search(call, r)


# A message the harness keeps encrypted (a Fernet token: "gAAAAAB..."): no words to read in it.
_SEALED = re.compile(r"gAAAAA[A-Za-z0-9_=-]{40,}")


def spawn_agent(call: ToolCall, r: Resolver) -> Effect:
    message = path_arg(call, "message", "prompt")
    if _SEALED.fullmatch(message.strip()):
        message = ""
    label = path_arg(call, "agent_type") or path_arg(call, "task_name") or message[:60] or call.name
    return Effect(SPAWN, spellings=tuple((t,) for t in sorted(salient_tokens(message))), label=label)


EFFECTS: dict[str, Handler] = {
    **{name: shell_call for name in ("shell", "container.exec", "local_shell", "shell_command", "exec_command")},
    "write_stdin": write_stdin,
    "apply_patch": apply_patch,
    "read_file": file_read, "view_image": file_read,
    "list_dir": file_search, "grep_files": file_search,
    "update_plan": state,
    "web_search": hosted_web,
    "spawn_agent": spawn_agent,
    "exec": code_cell,
    "send_input": unknown, "wait": unknown, "wait_agent": unknown, "close_agent": unknown,
    "resume_agent": unknown, "request_user_input": ask,
}
_SHELL_TOOLS = {"shell", "container.exec", "local_shell", "shell_command", "exec_command"}
_CONTENT_TOOLS = {"read_file", "view_image"}


_DUMPERS = {"cat", "head", "tail", "nl", "bat", "less", "more"}


def _is_file_dump(command: str) -> bool:
    """Does this command only print files (``cat f``, ``nl -ba f | sed -n '1,80p'``)? Its output is file content."""
    if not command or any(op in command for op in ("&", ";", ">", "<", "`", "$(", "\n", "||")):
        return False
    parts = []
    for part in command.split("|"):
        try:
            words = shlex.split(part)
        except ValueError:
            return False
        if not words:
            return False
        if words[0] not in _DUMPERS and not (words[0] == "sed" and "-n" in words
                                               and not any(w.startswith(("-i", "--in-place")) for w in words)):
            return False
        parts.append(words)
    return len(parts[0]) >= 2  # the first one names a file


# -- sniffing ------------------------------------------------------------------------------------
def sniff(sample: Sample) -> bool:
    """Is every first object a ``{"timestamp", "type", "payload"}`` envelope, one of them a Codex type?
    Or is this ``codex exec --json`` output (see ``_codex_exec``)?"""
    if not sample.is_jsonl or not sample.records:
        return False
    if _codex_exec.sniff(sample.records):
        return True
    known = False
    for rec in sample.records:
        if not isinstance(rec, dict):
            continue  # a malformed line: reported when parsing
        if not isinstance(rec.get("type"), str) or "payload" not in rec:
            return False
        known = known or (rec["type"] in RECORD_TYPES and isinstance(rec["payload"], dict) and "timestamp" in rec)
    return known


# -- output decoding -----------------------------------------------------------------------------
_STILL_RUNNING = re.compile(r"^Process running with session ID", re.M)
_OUTPUT_LINE = re.compile(r"^Output:\n", re.M)
_EXIT_LINE = re.compile(r"^(?:Exit code: |Process exited with code )(-?\d+)\s*$", re.M)


def _parts_text(parts: list[Any]) -> str:
    texts = []
    for part in parts:
        if isinstance(part, dict) and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif isinstance(part, str):
            texts.append(part)
    return "\n".join(texts)


def decode_output(output: Any) -> tuple[str, int | None, bool | None]:
    """(text, exit code, success flag) of a call output, whichever way it was written."""
    success = None
    if isinstance(output, dict):
        if isinstance(output.get("success"), bool):
            success = output["success"]
        body = output.get("content", output.get("output", output.get("text")))
        text, code, _ = decode_output(body) if body is not None else ("", None, None)
        return text, code, success
    if isinstance(output, list):
        return _parts_text(output), None, None
    if not isinstance(output, str):
        return "", None, None
    if output.startswith("{") and output.endswith("}"):
        try:
            value = orjson.loads(output)
        except orjson.JSONDecodeError:
            value = None
        if isinstance(value, dict) and isinstance(value.get("output"), str):
            meta = value.get("metadata")
            code = meta.get("exit_code") if isinstance(meta, dict) else None
            return value["output"], code if isinstance(code, int) and not isinstance(code, bool) else None, None
    head = output[:400]
    match = _EXIT_LINE.search(head)
    if match is not None and head[:match.start()].count("\n") <= 3:
        body = _OUTPUT_LINE.search(head)  # the command's own output follows the header
        return (output[body.end():] if body is not None else output), int(match.group(1)), None
    return output, None, None


# -- model building ------------------------------------------------------------------------------
_META_PREFIXES = (
    "<environment_context", "<user_instructions", "# AGENTS.md instructions", "<INSTRUCTIONS>",
    "<permissions instructions", "<collaboration_mode", "<user_shell_command", "<skill", "<personality",
    "<developer_instructions", "<model_switch", "<review", "<apps_instructions",
)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return _parts_text(content)
    return ""


class _Build:
    """One Session under construction: its agents and the sequence counter they share."""

    def __init__(self, session: Session, cli_version: object = None) -> None:
        self.session = session
        self.seq = 0
        self.cli_version = cli_version  # from the first thread's session_meta

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def agent(self, key: str) -> Agent:
        agent = self.session.agents.get(key)
        if agent is None:
            agent = Agent(id=key, context=ContextIndex(), source=self.session.path)
            self.session.agents[key] = agent
        return agent


class _Thread:
    """One rollout thread (the lines after a ``session_meta``), feeding one agent."""

    def __init__(self, build: _Build, agent: Agent, tid: str | None, parent: str | None) -> None:
        self.build = build
        self.tid = tid
        self.agent = agent
        self.parent = parent
        self.ctx: ContextIndex = agent.context  # type: ignore[assignment]
        self.step: Step | None = None  # the open step: calls written now join it
        self.written_at_once = False  # the open step's request was written as one block (0.5x)
        self.output_ts: float | None = None  # when an output left the open step open
        self.model: str | None = None
        self.calls: dict[str, ToolCall] = {}
        self.ids: set[str] = set()
        self.web_searches: list[ToolCall] = []
        self.spawned: dict[str, ToolCall] = {}  # child thread id -> spawn_agent call
        self.exit_codes: dict[str, int] = {}
        self.failed: set[str] = set()
        self.totals: dict[str, int] | None = None
        self.steps_at_count = 0
        self.pending: Usage | None = None
        self.gap_texts: set[str] = set()
        self.last_event: str | None = None  # kind of the last event since the last step
        self.meta: dict[str, Any] = {}  # its session_meta payload
        self.records = 0  # lines recorded since that session_meta
        self.copying = False  # inside the copy of another thread's history this one starts with
        self.copy_end: int | None = None  # the first ordinal of its own records, where recorded

    # -- helpers ---------------------------------------------------------------------------
    def close(self) -> None:
        self.step = None
        self.output_ts = None

    def new_step(self, loc: Location, ts: float | None, message_id: str) -> Step:
        agent = self.agent
        step = Step(index=len(agent.steps), agent_id=agent.id, message_id=message_id, location=loc,
                    seq=self.build.next_seq(), start=ts, end=ts)
        # a count written before the items: the whole request is written at once, each output
        # right after its call, so an output does not end this step (see ``output``)
        self.written_at_once = self.pending is not None
        if self.pending is not None:
            step.usage, self.pending = self.pending, None
        agent.steps.append(step)
        self.step = step
        self.gap_texts.clear()
        self.last_event = None
        return step

    def open_step(self, loc: Location, ts: float | None, message_id: str) -> Step:
        if self.step is None:
            return self.new_step(loc, ts, message_id)
        if ts is not None:
            self.step.end = ts if self.step.end is None else max(self.step.end, ts)
            if self.step.start is None:
                self.step.start = ts
        return self.step

    def add_event(self, kind: str, text: str, loc: Location, ts: float | None) -> None:
        self.close()
        seq = self.build.next_seq()
        self.agent.events.append(Event(kind, seq, loc, ts, text[:RESULT_HEAD]))
        self.ctx.add(text, seq)
        self.last_event = kind

    # -- records ---------------------------------------------------------------------------
    def inherit(self, kind: str, payload: dict[str, Any]) -> None:
        """A line of the history this thread was started with (copied from the thread it was forked
        or spawned from): what it says is known to the thread, but its calls are not the thread's."""
        if kind != "response_item":
            return
        item = as_str(payload.get("type"))
        if item == "message":
            text = _content_text(payload.get("content"))
        elif item in CALL_ITEMS:
            name, call_input = _call_shape(item, payload)
            text = _input_text(name, call_input)
        elif item in OUTPUT_ITEMS:
            text = decode_output(payload.get("output"))[0]
        else:
            return
        self.ctx.add(text, self.build.next_seq())

    def record(self, kind: str, payload: dict[str, Any], loc: Location, ts: float | None) -> None:
        self.records += 1
        if kind == "response_item":
            self.item(payload, loc, ts)
        elif kind == "event_msg":
            self.event(payload, loc, ts)
        elif kind == "turn_context":
            self.close()
            model = payload.get("model")
            if isinstance(model, str) and model:
                self.model = model
                self.build.session.models.add(model)
            if self.build.session.cwd is None and isinstance(payload.get("cwd"), str):
                self.build.session.cwd = payload["cwd"]
        elif kind == "compacted":
            message = payload.get("message")
            self.add_event("compact", message if isinstance(message, str) else "", loc, ts)

    def item(self, p: dict[str, Any], loc: Location, ts: float | None) -> None:
        kind = as_str(p.get("type"))
        if kind == "message":
            self.message(p, loc, ts)
        elif kind == "reasoning":
            step = self.new_step(loc, ts, str(p.get("id") or f"line-{loc.line}"))
            texts = [_content_text(p.get("summary")), _content_text(p.get("content"))]
            thought = "\n".join(t for t in texts if t)
            step.reasoned = True  # with no summary, the reasoning is only encrypted_content
            self.ctx.add(thought, step.seq)
            if thought:
                step.think(thought)
        elif kind in CALL_ITEMS:
            self.call(kind, p, loc, ts)
        elif kind in OUTPUT_ITEMS:
            self.output(p, loc, ts)
        elif kind == "agent_message":  # a message from another agent of the same run
            self.add_event("notification", _content_text(p.get("content")), loc, ts)

    def message(self, p: dict[str, Any], loc: Location, ts: float | None) -> None:
        role = p.get("role")
        text = _content_text(p.get("content"))
        if role == "assistant":
            step = self.step
            if step is None or step.calls:
                step = self.new_step(loc, ts, str(p.get("id") or f"line-{loc.line}"))
            else:
                self.open_step(loc, ts, "")
            if text and len(step.text) < PROSE_LIMIT:
                step.text = (f"{step.text}\n{text}" if step.text else text)[:PROSE_LIMIT]
            self.ctx.add(text, step.seq)
        elif role == "user":
            self.user_text(text, loc, ts)
        else:  # developer / system instructions
            self.add_event("meta", text, loc, ts)

    def user_text(self, text: str, loc: Location, ts: float | None, injected: bool = False) -> None:
        stripped = text.lstrip()
        if stripped.startswith("<turn_aborted>"):
            if self.last_event != "interrupt":
                self.add_event("interrupt", text, loc, ts)
            return
        key = text.strip()
        if key in self.gap_texts:
            return  # the same text as a response item and as its event echo
        self.gap_texts.add(key)
        if stripped.startswith("<subagent_notification"):
            kind = "notification"
        elif injected or stripped.startswith(_META_PREFIXES):
            kind = "meta"
        else:
            kind = "prompt"
        self.add_event(kind, text, loc, ts)

    def call(self, kind: str, p: dict[str, Any], loc: Location, ts: float | None) -> None:
        raw_id = p.get("call_id") or p.get("id")
        raw_id = raw_id if isinstance(raw_id, str) and raw_id else f"@{loc.line}"
        name, call_input = _call_shape(kind, p)
        if self.step is not None and self.output_ts is not None and ts is not None and ts - self.output_ts > 0.25:
            self.close()  # not written with the output before it: a later request
        step = self.open_step(loc, ts, f"line-{loc.line}")
        call_id = raw_id
        n = 1
        while call_id in self.ids:
            n += 1
            call_id = f"{raw_id}#{n}"
        self.ids.add(call_id)
        call = ToolCall(id=call_id, name=name, input=call_input, location=loc, timestamp=ts, step=step,
                        agent_id=self.agent.id)
        step.calls.append(call)
        self.calls[raw_id] = call
        if kind == "web_search_call":
            self.web_searches.append(call)
        self.ctx.add(_input_text(name, call_input), step.seq)

    def output(self, p: dict[str, Any], loc: Location, ts: float | None) -> None:
        call_id = p.get("call_id")
        call = self.calls.get(call_id) if isinstance(call_id, str) else None
        if self.step is not None and self.written_at_once and call is not None and call.step is self.step:
            self.output_ts = ts if ts is not None else self.output_ts
        else:
            self.close()
        if p.get("type") == "tool_search_output":
            tools = p.get("tools")
            found = tools if isinstance(tools, list) else []
            text = "\n".join(str(t.get("name")) for t in found if isinstance(t, dict))
            code, success = None, None
        else:
            text, code, success = decode_output(p.get("output"))
        seq = self.build.next_seq()
        if call is None or call.result is not None:
            self.ctx.add(text, seq)
            return
        call.result = ToolResult.of(text, RESULT_HEAD, is_error=(code is not None and code != 0) or success is False,
                                    timestamp=ts, location=loc, seq=seq, empty=not text.strip())
        if not _is_content(call):
            self.ctx.add(text, seq)
        if call.name == "exec_command" and _STILL_RUNNING.search(text[:500]):
            call.background = True  # its output comes later, through write_stdin
        if call.name == "spawn_agent":
            call.background = True  # it returns at once; the child runs on, collected later by `wait`
            match = re.search(r"agent_id\W{0,3}([\w-]+)", text)
            if match:
                self.spawned.setdefault(match.group(1), call)

    def event(self, p: dict[str, Any], loc: Location, ts: float | None) -> None:
        kind = as_str(p.get("type"))
        call_id = p.get("call_id")
        if kind == "token_count":
            self.token_count(p.get("info"))
        elif kind == "user_message":
            message = p.get("message")
            if isinstance(message, str):  # ``kind`` (some versions) tells typed text from injected text
                self.user_text(message, loc, ts, injected=p.get("kind") not in (None, "plain"))
        elif kind == "turn_aborted":
            if p.get("reason") in (None, "interrupted") and self.last_event != "interrupt":
                self.add_event("interrupt", "turn aborted", loc, ts)
        elif kind == "context_compacted":
            if self.last_event != "compact":
                self.add_event("compact", "context compacted", loc, ts)
        elif not isinstance(call_id, str):
            return
        elif kind == "exec_command_end":
            code = p.get("exit_code")
            if isinstance(code, int) and not isinstance(code, bool):
                self.exit_codes[call_id] = code
        elif kind == "patch_apply_end":
            if p.get("success") is False:
                self.failed.add(call_id)
        elif kind == "mcp_tool_call_end":
            result = p.get("result")
            if isinstance(result, dict) and ("Err" in result or (
                    isinstance(result.get("Ok"), dict) and result["Ok"].get("isError") is True)):
                self.failed.add(call_id)
        elif kind == "collab_agent_spawn_end":
            child = p.get("new_thread_id")
            call = self.calls.get(call_id)
            if isinstance(child, str) and call is not None:
                self.spawned.setdefault(child, call)
        elif kind == "web_search_end":
            self.web_search_end(p, loc, ts)

    def web_search_end(self, p: dict[str, Any], loc: Location, ts: float | None) -> None:
        call = next((c for c in self.web_searches if c.result is None), None)
        if call is None:
            return
        lines = []
        results = p.get("results")
        for item in results if isinstance(results, list) else []:
            if isinstance(item, dict):
                lines.append(" ".join(item[k] for k in ("title", "url", "snippet") if isinstance(item.get(k), str)))
        text = "\n".join(lines)
        seq = self.build.next_seq()
        call.result = ToolResult.of(text, RESULT_HEAD, is_error=False, timestamp=ts, location=loc, seq=seq,
                                    empty=not text.strip())
        self.ctx.add(text, seq)

    def token_count(self, info: Any) -> None:
        if not isinstance(info, dict):
            return  # a rate-limit-only event
        total = info.get("total_token_usage")
        last = info.get("last_token_usage")
        if not isinstance(total, dict):
            return
        keys = ("input_tokens", "cached_input_tokens", "cache_write_input_tokens", "output_tokens")
        now = {k: num(total.get(k)) for k in keys}
        before = self.totals
        self.totals = now
        if before == now:
            return  # the same count repeated
        self.close()  # a request completed: what follows belongs to another one
        delta = {k: now[k] - (before or {}).get(k, 0) for k in keys}
        if any(v < 0 for v in delta.values()):
            delta = {k: num(last.get(k)) for k in keys} if isinstance(last, dict) else dict.fromkeys(keys, 0)
        cached, written = delta["cached_input_tokens"], delta["cache_write_input_tokens"]
        usage = Usage(input=max(0, delta["input_tokens"] - cached - written), output=delta["output_tokens"],
                      cache_read=cached, cache_write=written, model=self.model)
        steps = self.agent.steps
        if len(steps) > self.steps_at_count and steps[-1].usage is None:
            steps[-1].usage = usage
            if steps[-1].usage.model is None:
                steps[-1].usage.model = self.model
        else:
            self.pending = usage
        self.steps_at_count = len(steps)

    def finish(self) -> None:
        for call_id, code in self.exit_codes.items():
            call = self.calls.get(call_id)
            if code != 0 and call is not None and call.result is not None:
                call.result.is_error = True
        for call_id in self.failed:
            call = self.calls.get(call_id)
            if call is not None and call.result is not None:
                call.result.is_error = True


def _call_shape(kind: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Tool name and arguments of a call item."""
    name = p.get("name") if isinstance(p.get("name"), str) and p.get("name") else "?"
    if kind == "function_call":
        raw = p.get("arguments")
        args: Any = raw
        if isinstance(raw, str):
            try:
                args = orjson.loads(raw)
            except orjson.JSONDecodeError:
                args = {"arguments": raw}
        return name, _bounded(args if isinstance(args, dict) else {})
    if kind == "custom_tool_call":
        text = p.get("input") if isinstance(p.get("input"), str) else ""
        if text.lstrip().startswith("{"):
            try:
                value = orjson.loads(text)
            except orjson.JSONDecodeError:
                value = None
            if isinstance(value, dict):
                return name, _bounded(value)
        return name, _bounded({"input": text})
    action = p.get("action") if isinstance(p.get("action"), dict) else {}
    if kind == "local_shell_call":
        return "local_shell", _bounded({"command": action.get("command"), "workdir": action.get("working_directory"),
                                        "timeout_ms": action.get("timeout_ms")})
    if kind == "web_search_call":
        shape = {"action": action.get("type")}
        for key in ("query", "url", "pattern"):
            if isinstance(action.get(key), str):
                shape[key] = action[key]
        return "web_search", _bounded(shape)
    if kind == "tool_search_call":
        args = p.get("arguments")
        return "tool_search", _bounded(args if isinstance(args, dict) else {})
    return kind.removesuffix("_call"), {}


def _bounded_text(text: str) -> str:
    if len(text) <= INPUT_STRING_LIMIT:
        return text
    if "*** Begin Patch" in text:  # keep what the effect needs: the file headers
        if len(text) <= PATCH_LIMIT:
            return text
        return "\n".join(line for line in text.splitlines() if line.startswith("*** "))
    return text[:INPUT_STRING_LIMIT]


def _bounded(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, str):
            item = _bounded_text(item)
        elif isinstance(item, list) and all(isinstance(v, str) for v in item):
            item = [_bounded_text(v) for v in item]
        out[key] = item
    return out


def _input_text(name: str, value: dict[str, Any]) -> str:
    """What a call put into the context: its arguments, with a patch reduced to its file names."""
    parts = []
    for key, item in value.items():
        text = command_text(item) if key == "command" and isinstance(item, list) else item
        if not isinstance(text, str):
            continue
        if "*** Begin Patch" in text:
            head = text.split("*** Begin Patch", 1)[0]
            text = head + "\n" + "\n".join(f"*** {p}" for p in patch_files(text))
        parts.append(text)
    return "\n".join(parts)


def _is_content(call: ToolCall) -> bool:
    """Is this call's answer the content of a file (left out of the context)?"""
    if call.name in _CONTENT_TOOLS:
        return True
    if call.name in _SHELL_TOOLS:
        raw = call.input.get("command")
        return _is_file_dump(command_text(raw if raw is not None else call.input.get("cmd")))
    return False


# -- files -----------------------------------------------------------------------------------------
def _parent_of(meta: dict[str, Any]) -> str | None:
    parent = meta.get("parent_thread_id")
    if not isinstance(parent, str):
        source = meta.get("source")
        sub = source.get("subagent") if isinstance(source, dict) else None
        spawn = sub.get("thread_spawn") if isinstance(sub, dict) else None
        parent = spawn.get("parent_thread_id") if isinstance(spawn, dict) else None
    return parent if isinstance(parent, str) and parent else None


def _copy_meta(thread: _Thread, meta: dict[str, Any]) -> bool:
    """Does this ``session_meta`` belong to history copied into ``thread`` rather than start a thread?

    A forked thread, and a sub-agent spawned with its parent's context, begins its file with a
    copy of the source's history: the source's own ``session_meta`` (and its ancestors', when they
    were copies too) right after the thread's, then the source's lines. Paginated rollouts number
    every line (``ordinal``) and say where the thread's own lines start
    (``subagent_history_start_ordinal``): the lines before are read as what the thread knew, not as
    its calls. Without ordinals nothing marks the end of the copy, so the lines stay the thread's
    own (a finding on a copied call is then also reported with the source's file, once per run);
    the thread's own ``session_meta`` written again after the copy ends it.
    """
    tid = meta.get("id")
    if thread.copying:
        if tid == thread.tid:  # the thread's own session_meta again: the copy is over
            thread.copying = False
            return True
        return thread.records == 0 or thread.copy_end is not None  # an ancestor's, copied with its history
    if thread.records or not isinstance(tid, str) or tid == thread.tid:
        return False
    if tid not in (thread.meta.get("forked_from_id"), _parent_of(thread.meta)):
        return False
    thread.copying = True
    start = thread.meta.get("subagent_history_start_ordinal")
    if not isinstance(start, int) or isinstance(start, bool):
        base = thread.meta.get("history_base")
        start = base.get("end_ordinal_exclusive") if isinstance(base, dict) else None
    thread.copy_end = start if isinstance(start, int) and not isinstance(start, bool) else None
    return True


def parse_many(path: str) -> Iterator[Session]:
    first = first_record(path)
    if first is not None and _codex_exec.sniff([first[1]]):
        yield _codex_exec.parse(path, _is_content)
        return
    problems: list[ParseProblem] = []
    builds: list[_Build] = []
    threads: list[tuple[int, _Thread]] = []  # (first line, thread)
    by_id: dict[str, _Thread] = {}
    current: _Thread | None = None

    def start(meta: dict[str, Any], line: int) -> _Thread:
        tid = meta.get("id") or meta.get("session_id")
        tid = tid if isinstance(tid, str) and tid else None
        cwd = meta.get("cwd") if isinstance(meta.get("cwd"), str) else None
        parent = _parent_of(meta)
        owner = by_id.get(parent) if parent and parent != tid else None
        if owner is not None and tid is not None:
            build = owner.build
            key = tid if tid not in build.session.agents else f"{tid}@{line}"
            thread = _Thread(build, build.agent(key), tid, parent)
        else:
            build = _Build(Session(path=path, format=FORMAT, session_id=tid, cwd=cwd), meta.get("cli_version"))
            builds.append(build)
            thread = _Thread(build, build.agent(MAIN_AGENT), tid, None)
            if parent and parent != tid:
                build.session.note("subagent-thread", f"this thread is a sub-agent of thread {safe(parent, 80)}, "
                                                      "whose rollout is not in this file; it is checked on its own")
        if tid is not None:
            by_id.setdefault(tid, thread)
        threads.append((line, thread))
        return thread

    for lineno, rec in iter_records(path, problems):
        if not isinstance(rec, dict) or not isinstance(rec.get("type"), str):
            problems.append(ParseProblem(path, lineno, "line is not a rollout record "
                                                       "({\"timestamp\", \"type\", \"payload\"}); line skipped"))
            continue
        payload = rec.get("payload")
        if not isinstance(payload, dict):
            problems.append(ParseProblem(path, lineno, f"{safe(rec['type'], 40)} line has no payload object; "
                                                       "line skipped", "warning"))
            continue
        if current is not None and current.copying and current.copy_end is not None:
            ordinal = rec.get("ordinal")
            if not isinstance(ordinal, int) or ordinal >= current.copy_end:
                current.copying = False  # the thread's own lines start here (a line without one: unknown, kept)
        if rec["type"] == "session_meta":
            if current is not None and _copy_meta(current, payload):
                continue  # the head of (or a thread within) the history copied into this thread
            if current is not None:
                current.close()
            current = start(payload, lineno)
            current.meta = payload
            continue
        if current is None:
            current = start({}, lineno)
        if current.copying and current.copy_end is not None:
            current.inherit(rec["type"], payload)
            continue
        current.record(rec["type"], payload, Location(path, lineno), parse_time(rec.get("timestamp")))

    if not threads:
        start({}, 1)
    _link_children(threads)
    for _, thread in threads:
        thread.finish()
    for problem in problems:
        owner = threads[0][1]
        for first, thread in threads:
            if problem.line is not None and first <= problem.line:
                owner = thread
        owner.build.session.problems.append(problem)
    for build in builds:
        _finish(build)
        yield build.session


# Codex CLI releases before this one sent `parallel_tool_calls: false`: the model could issue one
# tool call per turn, so there was no batch to advise. A rollout that has a batch all the same
# (a custom build) is judged like any other.
PARALLEL_CALLS_SINCE = (0, 65)
_RELEASE = re.compile(r"^(\d+)\.(\d+)\.\d+$")
# Models Codex CLI asks for parallel tool calls: `supports_parallel_tool_calls` is true in codex-rs's
# model_family.rs and models.json only for gpt-5.1 and the models from gpt-5.2 on. It is false for
# gpt-5.1-codex-max, gpt-5.1-codex, gpt-5-codex, codex-mini, gpt-5 itself and the older general
# models, and it was for any model Codex did not know (another provider's) in the releases read;
# later releases may ask those. A rollout of any of them that has a batch (a setting changed, a
# provider that allows it) is judged as usual.
_PARALLEL_MODELS = re.compile(r"gpt-5\.1(?!-codex)|gpt-5\.([2-9]|\d\d)|gpt-([6-9]|\d\d)")


def _release(version: object) -> tuple[int, int] | None:
    """(major, minor) of a released CLI version such as ``0.58.0``; None for a development build
    (``0.2.0-alpha.2-1673-gb519267d``) or anything else."""
    match = _RELEASE.match(version) if isinstance(version, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def _link_children(threads: list[tuple[int, _Thread]]) -> None:
    """Tie each sub-agent thread to the spawn_agent call of its parent thread."""
    by_id: dict[str, _Thread] = {}
    for _, thread in threads:
        if thread.tid is not None:
            by_id.setdefault(thread.tid, thread)
    for _, thread in threads:
        if thread.agent.id == MAIN_AGENT or thread.parent is None or thread.tid is None:
            continue
        owner = by_id.get(thread.parent)
        call = owner.spawned.get(thread.tid) if owner is not None else None
        if call is not None and call.spawned_agent is None:
            call.spawned_agent = thread.agent.id
            thread.agent.parent_call = call
            thread.agent.description = str(call.input.get("agent_type") or call.input.get("message") or "")[:200]


def _finish(build: _Build) -> None:
    session = build.session
    for agent in session.agents.values():
        for index, step in enumerate(agent.steps):
            step.index = index
    unlinked = [a for a in session.agents.values() if a.id != MAIN_AGENT and a.parent_call is None]
    if unlinked:
        session.note("subagents",
                     f"{len(unlinked)} sub-agent thread(s) could not be tied to the call that spawned them")
    spawns = [c for c in session.all_calls() if c.name == "spawn_agent" and c.spawned_agent is None]
    if spawns:
        session.note("subagents",
                     f"{len(spawns)} sub-agent thread(s) are not in this file; their calls were not checked")
    version = _release(build.cli_version)
    batched = any(s.is_batch for s in session.all_steps())
    if version is not None and version < PARALLEL_CALLS_SINCE and not batched:
        session.one_call_per_turn = (f"Codex CLI {safe(str(build.cli_version), 20)} predates parallel tool calls "
                                     f"(before {'.'.join(map(str, PARALLEL_CALLS_SINCE))} it asked the model for "
                                     "one call per turn, and this rollout has no batch)")
    elif session.models and not any(_PARALLEL_MODELS.match(m) for m in session.models) and not batched:
        models = ", ".join(safe(m, 40) for m in sorted(session.models))
        session.one_call_per_turn = (f"{models} is not a model Codex CLI is known to ask for parallel tool calls "
                                     "(gpt-5.1 and the models from gpt-5.2 on), and this rollout has no batch")
    if not any(step.start is not None for step in session.all_steps()):
        session.note("seconds", "no timestamps recorded")
    if not any(step.usage is not None for step in session.all_steps()):
        session.note("context_tokens", "no token usage recorded")
