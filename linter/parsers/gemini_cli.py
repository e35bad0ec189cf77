"""Gemini CLI chat recordings (``~/.gemini/tmp/<projectHash>/chats/session-*.json`` / ``.jsonl``).

A headless run's ``--output-format stream-json`` output is read by ``_gemini_stream`` (see there).

Two layouts. The legacy ``.json`` file is one document ``{sessionId, projectHash, startTime,
lastUpdated, summary?, messages[]}`` rewritten on every update. The current ``.jsonl`` file is
append-only: a metadata line, message records (a record whose ``id`` repeats replaces the earlier
one in place), ``{"$set": {...}}`` metadata patches (a ``messages`` array there is a snapshot of
the history) and ``{"$rewindTo": id}`` rewinds, which drop that message and everything after it.

What this parser rebuilds:

* Prompts: ``user`` messages. Text the CLI wrote itself (the ``/init`` prompt, a slash command's
  expansion, continuation nudges) is a meta event; a ``<state_snapshot>`` is a compaction. An
  ``info`` "Request cancelled." is an interrupt, an ``error`` message (a failed request) too.
* Steps: a ``gemini`` message is a model turn with its ``content`` prose, ``thoughts`` and
  ``tokens`` (``input`` counts ``cached``, taken out here; thought tokens are output). The
  recorder appends the calls of a later, thought-less turn to the previous message, so a
  message's ``toolCalls`` are split where a call was issued (the epoch ms in its id
  ``<tool>-<ms>-<hex>``) after an earlier call of the group had completed (its ``timestamp``):
  only calls issued together stay one step.
* Results: each call embeds its ``result`` (``functionResponse`` parts) and ``status``;
  ``error`` and ``cancelled`` are failures (a cancellation says so in the text), as is a shell
  result whose ``Exit Code`` is not 0.
* Subagents: ``delegate_to_agent`` (and agents called as tools) spawn a subagent; its own
  recording, ``chats/<parent sessionId>/<sessionId>.jsonl``, becomes an Agent when present.
* Working directory: the ``projectHash`` is the SHA-256 of the project root, checked against the
  absolute directories the session names.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from typing import Any, Iterable

import orjson

from linter.context import ContextIndex
from linter.effects import (
    READ,
    Effect,
    Handler,
    Resolver,
    ask,
    file_read,
    file_search,
    file_write,
    shell,
    spawn,
    state,
    unknown,
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
from linter.parsers import _gemini_stream
from linter.parsers._common import as_str, clip_strings
from linter.parsers._messages import Place, element_spans, is_jsonl
from linter.parsers.jsonl import iter_records
from linter.parsers.sample import Sample, first_record, load_document, load_sample
from linter.textutil import parse_time

FORMAT = "gemini-cli"
DESCRIPTION = ("Gemini CLI chat recordings (~/.gemini/tmp/<project>/chats/session-*.json or .jsonl), subagents "
               "included, and headless runs' --output-format stream-json output")


# -- effects -----------------------------------------------------------------------------------
def _with_path(call: ToolCall, path: str) -> ToolCall:
    return ToolCall(id=call.id, name=call.name, input={**call.input, "path": path}, location=call.location)


def list_directory(call: ToolCall, r: Resolver) -> Effect:
    path = call.input.get("dir_path") or call.input.get("path") or call.input.get("directory")
    return file_read(_with_path(call, path), r) if isinstance(path, str) and path else Effect(READ, label=call.name)


def grep_search(call: ToolCall, r: Resolver) -> Effect:
    """search_file_content / grep: the searched place is ``dir_path``, ``path`` or ``file_path``."""
    for key in ("dir_path", "path", "file_path", "directory"):
        value = call.input.get(key)
        if isinstance(value, str) and value:
            return file_search(_with_path(call, value), r)
    return file_search(call, r)


def read_many_files(call: ToolCall, r: Resolver) -> Effect:
    """read_many_files: ``include`` (or older ``paths``) lists files, directories or globs."""
    items: list[str] = []
    for key in ("include", "paths", "file_paths"):
        value = call.input.get(key)
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            items.extend(v for v in value if isinstance(v, str) and v)
    reads, values = set(), []
    for item in items[:64]:
        if any(ch in item for ch in "*?[{"):
            continue  # a glob names no single file
        res = r.resource(item)
        if res:
            reads.add(res)
            values.append(r.forms(item))
    return Effect(READ, reads=frozenset(reads), spellings=tuple(values),
                  label=", ".join(items[:3]) if items else call.name)


_URL = re.compile(r"https?://[^\s<>\"'`)\]]+")


def web_fetch(call: ToolCall, r: Resolver) -> Effect:
    """web_fetch: the URLs are written inside ``prompt`` (or given as ``url``)."""
    text = " ".join(v for v in (call.input.get("prompt"), call.input.get("url")) if isinstance(v, str))
    urls = sorted({u.rstrip(".,;:") for u in _URL.findall(text)})
    values = []
    for url in urls:
        bare = url.split(":", 1)[1]
        values.append(tuple(sorted({url, bare, bare.rstrip("/"), bare.lstrip("/")})))
    return Effect(READ, reads=frozenset(f"url:{u}" for u in urls), spellings=tuple(values),
                  label=urls[0] if urls else call.name, adaptive=True)


EFFECTS: dict[str, Handler] = {
    "read_file": file_read, "read_many_files": read_many_files, "list_directory": list_directory,
    "write_file": file_write, "replace": file_write, "edit": file_write,
    "glob": file_search, "search_file_content": grep_search, "grep": grep_search, "grep_search": grep_search,
    "run_shell_command": shell,
    "web_fetch": web_fetch, "google_web_search": web_search,
    "save_memory": state, "write_todos": state,
    "delegate_to_agent": spawn, "codebase_investigator": spawn,
    "ask_user": ask, "enter_plan_mode": ask, "exit_plan_mode": ask,
    "activate_skill": unknown,
}
SPAWN_TOOLS = frozenset(name for name, handler in EFFECTS.items() if handler is spawn)

RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 1024
_TYPES = frozenset({"user", "gemini", "info", "error", "warning"})
_CONTENT_TOOLS = frozenset({"read_file", "read_many_files"})
_DONE = frozenset({"success", "error", "cancelled"})
_CALL_TIME = re.compile(r"[-_](\d{13})[-_][0-9A-Za-z]+$")
_EXIT_CODE = re.compile(r"^Exit Code: (-?\d+)\s*$", re.M)
_EMPTY = re.compile(r"^\s*(no files found|no matches found|found 0 match|directory .* is empty)|"
                    r"^Output: \(empty\)\s*$", re.I | re.M)
# Text the CLI sends as the user on its own: /init's prompt, the environment preamble, nudges.
_INJECTED = ("You are an AI agent that brings the power of Gemini directly into the terminal",
             "This is the Gemini CLI. We are setting up the context", "<session_context>",
             "System: Please continue.",
             # a read_many_files result the CLI passed on as a user turn (older recordings)
             "[Function Response: ")
_ABS_PATH = re.compile(r"(?:^|(?<=[\s'\"(=:]))(/[^\s'\"(),:;*?<>|]+)")
_MAX_CANDIDATES = 2000
_CANCELLED_INFO = re.compile(r"^\s*Request cancelled\.?\s*$", re.I)
_COMPRESSED_INFO = re.compile(r"^\s*Chat history (was )?compressed", re.I)


# -- sniffing ----------------------------------------------------------------------------------
def _is_header(rec: Any) -> bool:
    return (isinstance(rec, dict) and isinstance(rec.get("sessionId"), str)
            and isinstance(rec.get("projectHash"), str) and "type" not in rec and "message" not in rec)


def _is_message(rec: Any) -> bool:
    return (isinstance(rec, dict) and isinstance(rec.get("id"), str) and as_str(rec.get("type")) in _TYPES
            and "uuid" not in rec and "message" not in rec and ("content" in rec or "toolCalls" in rec))


def sniff(sample: Sample) -> bool:
    """A legacy recording document, JSONL that starts with a recording record and whose other
    records are all recording records, or a headless run's stream-json output."""
    if sample.is_jsonl and _gemini_stream.sniff(sample.records):
        return True
    if not sample.is_jsonl:
        doc = sample.document
        if not _is_header(doc) or not isinstance(doc.get("messages"), list):
            return False
        return all(_is_message(m) for m in doc["messages"][:20])
    records = sample.records
    if not records or not (_is_header(records[0]) or _is_message(records[0])):
        return False
    seen = False
    for rec in records:
        if not isinstance(rec, dict):
            continue  # a malformed record, reported when parsing
        if _is_header(rec):
            if "messages" in rec and not (isinstance(rec["messages"], list)
                                          and all(_is_message(m) for m in rec["messages"][:20])):
                return False
            seen = True
        elif _is_message(rec):
            seen = True
        elif isinstance(rec.get("id"), str) and isinstance(rec.get("type"), str) and "content" in rec \
                and "uuid" not in rec and "message" not in rec:
            continue  # a message type this parser does not know
        elif not (isinstance(rec, dict) and len(rec) == 1
                  and (isinstance(rec.get("$set"), dict) or isinstance(rec.get("$rewindTo"), str))):
            return False
    return seen


# -- small helpers -----------------------------------------------------------------------------
def _text(content: Any) -> str:
    """Plain text of a message ``content``: a string, a Part, or a list of Parts (thoughts left out)."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        content = [content]
    if not isinstance(content, list):
        return ""
    parts = []
    for part in content:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str) and not part.get("thought"):
            parts.append(part["text"])
    return "\n".join(parts)


def _dump(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return str(value)


def _result_text(result: Any) -> str:
    """Text of a call's ``result``: the ``functionResponse`` output (or error) and any text parts."""
    if isinstance(result, str):
        return result
    if isinstance(result, dict):
        result = [result]
    if not isinstance(result, list):
        return ""
    out = []
    for part in result:
        if isinstance(part, str):
            out.append(part)
            continue
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("text"), str):
            out.append(part["text"])
        response = part.get("functionResponse")
        if isinstance(response, dict):
            body = response.get("response")
            if isinstance(body, dict):
                said = [body[k] for k in ("output", "error", "content") if isinstance(body.get(k), str)]
                out.append("\n".join(said) if said else _dump(body))
            elif body is not None:
                out.append(body if isinstance(body, str) else _dump(body))
    return "\n".join(out)


def _call_time(call_id: Any) -> float | None:
    """The scheduling time written into a call id ``<tool>-<epoch ms>-<hex>``."""
    if not isinstance(call_id, str):
        return None
    match = _CALL_TIME.search(call_id)
    return int(match.group(1)) / 1000 if match else None


def _bounded_input(value: Any) -> dict[str, Any]:
    return clip_strings(value, INPUT_STRING_LIMIT) if isinstance(value, dict) else {}


def _input_text(value: dict[str, Any]) -> str:
    parts = []
    for key, item in value.items():
        if key in ("content", "new_string", "old_string"):
            continue  # file bodies, written by the agent itself
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, list):
            for sub in item:
                if isinstance(sub, dict):
                    parts.extend(v for v in sub.values() if isinstance(v, str))
                elif isinstance(sub, str):
                    parts.append(sub)
    return "\n".join(parts)


def _num(tokens: dict[str, Any], name: str) -> int:
    value = tokens.get(name)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else 0


def _usage(tokens: Any, model: str | None) -> Usage | None:
    """Usage of one response: ``input`` counts ``cached`` tokens, which are taken out of it here."""
    if not isinstance(tokens, dict):
        return None
    cached = _num(tokens, "cached")
    prompt = _num(tokens, "input")
    return Usage(input=max(0, prompt - cached) + _num(tokens, "tool"),
                 output=_num(tokens, "output") + _num(tokens, "thoughts"),
                 cache_read=min(cached, prompt) if prompt else cached, model=model)


def _split(calls: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The calls of one message as the turns that issued them (see the module docstring)."""
    groups: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    first_done: float | None = None
    for call in calls:
        issued = _call_time(call.get("id"))
        if current and issued is not None and first_done is not None and issued > first_done:
            groups.append(current)
            current, first_done = [], None
        current.append(call)
        done = parse_time(call.get("timestamp")) if as_str(call.get("status")) in _DONE else None
        if done is not None:
            first_done = done if first_done is None else min(first_done, done)
    if current:
        groups.append(current)
    return groups


# -- loading -----------------------------------------------------------------------------------
class _Recording:
    """The live message list of one recording file, with the line of each message."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.meta: dict[str, Any] = {}
        self.messages: dict[str, tuple[dict[str, Any], int | None]] = {}
        self.problems: list[ParseProblem] = []
        self.rewinds = 0
        self.place: Place | None = None  # where the messages of a one-document recording are
        self.id_lines: dict[str, int | None] = {}  # line of each tool call id

    def load(self) -> "_Recording":
        if is_jsonl(self.path):
            for lineno, rec in iter_records(self.path, self.problems):
                self.record(rec, lineno)
        else:
            doc = load_document(self.path)  # invalid JSON raises, with its line
            with open(self.path, "rb") as fp:
                text = fp.read().decode("utf-8", "replace")
            self.place = Place(self.path, text, element_spans(text, {"messages"}))
            if not _is_header(doc):
                self.problems.append(ParseProblem(self.path, 1, "not a Gemini CLI recording (no sessionId/projectHash)"))
            else:
                self.record(doc, None)
        return self

    def record(self, rec: Any, line: int | None) -> None:
        if not isinstance(rec, dict):
            self.problems.append(ParseProblem(self.path, line, "record is not a JSON object; skipped", "warning"))
        elif isinstance(rec.get("$rewindTo"), str):
            self.rewind(rec["$rewindTo"])
        elif isinstance(rec.get("id"), str) and "type" in rec:
            self.messages[rec["id"]] = (rec, line)
        elif isinstance(rec.get("$set"), dict):
            patch = rec["$set"]
            self.meta.update({k: v for k, v in patch.items() if k != "messages"})
            if isinstance(patch.get("messages"), list):
                self.snapshot(patch["messages"], line)
        elif isinstance(rec.get("sessionId"), str):
            self.meta.update({k: v for k, v in rec.items() if k != "messages"})
            if isinstance(rec.get("messages"), list):
                for pos, msg in enumerate(rec["messages"]):
                    self.add(msg, pos, line)
        else:
            self.problems.append(ParseProblem(self.path, line, "unknown record (no id, $set, $rewindTo or "
                                                               "sessionId); skipped", "warning"))

    def add(self, msg: Any, pos: int, line: int | None) -> None:
        if line is None and self.place is not None:
            line = self.place.line("messages", pos)
        if not isinstance(msg, dict) or msg.get("type") is None:
            self.problems.append(ParseProblem(self.path, line, f"message {pos} is not a message object; skipped",
                                              "warning"))
            return
        mid = msg.get("id") if isinstance(msg.get("id"), str) else f"#{pos}"
        self.messages[mid] = (msg, line)
        calls = msg.get("toolCalls")
        for call in calls if isinstance(calls, list) else []:
            cid = call.get("id") if isinstance(call, dict) else None
            if isinstance(cid, str) and cid not in self.id_lines:
                self.id_lines[cid] = self.place.line("messages", pos, cid) if self.place is not None else line

    def rewind(self, target: str) -> None:
        """Drop ``target`` and every message after it (all of them when it is unknown)."""
        self.rewinds += 1
        if target not in self.messages:
            self.messages.clear()
            return
        kept: dict[str, tuple[dict[str, Any], int | None]] = {}
        for mid, value in self.messages.items():
            if mid == target:
                break
            kept[mid] = value
        self.messages = kept

    def snapshot(self, messages: list[Any], line: int | None) -> None:
        """A ``$set`` of the whole history: known messages are updated, new ones slotted in after
        their predecessor in the snapshot. Nothing is dropped (that is what ``$rewindTo`` does)."""
        after: dict[str | None, list[str]] = {}
        anchor: str | None = None
        for msg in messages:
            if not isinstance(msg, dict) or not isinstance(msg.get("id"), str) or msg.get("type") is None:
                continue
            mid = msg["id"]
            if mid in self.messages:
                self.messages[mid] = (msg, line)
            else:
                self.messages[mid] = (msg, line)
                after.setdefault(anchor, []).append(mid)
            anchor = mid
        if not after:
            return
        inserted = {mid for mids in after.values() for mid in mids}
        order = [mid for mid in after.get(None, [])]
        for mid in self.messages:
            if mid in inserted:
                continue
            order.append(mid)
            order.extend(after.get(mid, []))
        self.messages = {mid: self.messages[mid] for mid in order}


# -- building ----------------------------------------------------------------------------------
class _Builder:
    def __init__(self, path: str) -> None:
        self.session = Session(path=path, format=FORMAT, session_id=None, cwd=None)
        self.seq = 0
        self.calls: dict[str, ToolCall] = {}
        self.records: dict[str, dict[str, Any]] = {}  # call id -> its ToolCallRecord
        self.split = 0
        self.dirs: list[str] = []  # absolute directories named in the session (working directory candidates)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def agent(self, key: str, source: str) -> Agent:
        agent = self.session.agents.get(key)
        if agent is None:
            agent = Agent(id=key, context=ContextIndex(), source=source)
            self.session.agents[key] = agent
        return agent

    def build(self, recording: _Recording, agent: Agent) -> None:
        for mid, (msg, line) in recording.messages.items():
            loc = Location(recording.path, line)
            kind = msg.get("type")
            if kind == "user":
                self.user(agent, msg, loc)
            elif kind == "gemini":
                self.gemini(agent, mid, msg, loc, recording)
            elif kind in ("info", "warning", "error"):
                self.notice(agent, kind, msg, loc)
            else:
                self.session.problems.append(ParseProblem(recording.path, line, f"unknown message type "
                                                                                f"{str(kind)[:40]!r}; skipped", "warning"))

    # -- messages ----------------------------------------------------------------------------
    def user(self, agent: Agent, msg: dict[str, Any], loc: Location) -> None:
        content = msg.get("content")
        ts = parse_time(msg.get("timestamp"))
        text = _text(content)
        if not text.strip():
            return
        stripped = text.lstrip()
        display = _text(msg.get("displayContent")).strip()
        if stripped.startswith("<state_snapshot>"):
            kind = "compact"
        elif (display.startswith("/") and display != stripped.strip()) or stripped.startswith(_INJECTED) \
                or stripped.strip() == "Please continue.":
            kind = "meta"
        else:
            kind = "prompt"
        seq = self.next_seq()
        agent.events.append(Event(kind, seq, loc, ts, text[:RESULT_HEAD]))
        assert agent.context is not None
        agent.context.add(text, seq)

    def notice(self, agent: Agent, kind: str, msg: dict[str, Any], loc: Location) -> None:
        text = _text(msg.get("content"))
        if kind == "info":
            self.paths_in(text)
        if kind == "error" or _CANCELLED_INFO.match(text):
            event = "interrupt"
        elif _COMPRESSED_INFO.match(text):
            event = "compact"
        else:
            return  # shown to the person only: nothing entered the model's context
        agent.events.append(Event(event, self.next_seq(), loc, parse_time(msg.get("timestamp")), text[:200]))

    def gemini(self, agent: Agent, mid: str, msg: dict[str, Any], loc: Location, recording: _Recording) -> None:
        ts = parse_time(msg.get("timestamp"))
        model = msg.get("model") if isinstance(msg.get("model"), str) and msg.get("model") else None
        if model:
            self.session.models.add(model)
        records = msg.get("toolCalls")
        records = records if isinstance(records, list) else []
        good = [r for r in records if isinstance(r, dict)]
        if len(good) < len(records):
            self.session.problems.append(ParseProblem(loc.path, loc.line, f"{len(records) - len(good)} tool call "
                                                                          "record(s) not objects; skipped", "warning"))
        content = msg.get("content")
        groups = _split(good) or [[]]
        if len(groups) > 1:
            self.split += len(groups) - 1
        thoughts = [t for t in msg.get("thoughts") or [] if isinstance(t, dict)] \
            if isinstance(msg.get("thoughts"), list) else []
        thought_times = [t for t in (parse_time(th.get("timestamp")) for th in thoughts) if t is not None]
        text = _text(content)
        ctx = agent.context
        assert ctx is not None
        for n, group in enumerate(groups):
            issued = [t for t in (_call_time(r.get("id")) for r in group) if t is not None]
            done = [t for t in (parse_time(r.get("timestamp")) for r in group) if t is not None]
            if n == 0:
                start_pool = issued + thought_times or [t for t in [ts, *done] if t is not None]
            else:
                start_pool = issued or done
            start = min(start_pool) if start_pool else None
            first_line = self.call_line(recording, group[0].get("id")) if group else None
            step = Step(index=len(agent.steps), agent_id=agent.id, message_id=mid if n == 0 else f"{mid}#{n + 1}",
                        location=Location(loc.path, first_line or loc.line), seq=self.next_seq(), start=start,
                        end=max(issued) if issued else start, text=text[:PROSE_LIMIT] if n == 0 else "",
                        usage=_usage(msg.get("tokens"), model) if n == 0 else None)
            agent.steps.append(step)
            if n == 0:
                ctx.add(text, step.seq)
                for thought in thoughts:
                    said = " ".join(str(thought.get(k)) for k in ("subject", "description")
                                    if isinstance(thought.get(k), str))
                    ctx.add(said, step.seq)
                    step.think(said)
            made = [self.call(agent, step, rec, recording, loc, pos) for pos, rec in enumerate(group)]
            for call in sorted(made, key=lambda c: self._done(c) or float("inf")):
                self.result(agent, call, self.records[call.id], loc)

    def _done(self, call: ToolCall) -> float | None:
        return parse_time(self.records[call.id].get("timestamp"))

    def call_line(self, recording: _Recording, call_id: Any) -> int | None:
        return recording.id_lines.get(call_id) if isinstance(call_id, str) else None

    def call(self, agent: Agent, step: Step, rec: dict[str, Any], recording: _Recording, loc: Location,
             pos: int) -> ToolCall:
        call_id = rec.get("id") if isinstance(rec.get("id"), str) and rec.get("id") else f"@{step.message_id}:{pos}"
        if call_id in self.calls:
            call_id = f"{call_id}@{step.message_id}"
        name = rec.get("name") if isinstance(rec.get("name"), str) and rec.get("name") else "?"
        args = _bounded_input(rec.get("args"))
        line = self.call_line(recording, rec.get("id")) or loc.line
        issued = _call_time(call_id)
        call = ToolCall(id=call_id, name=name, input=args, location=Location(loc.path, line),
                        timestamp=issued if issued is not None else step.start, step=step, agent_id=agent.id,
                        background=bool(args.get("is_background")))
        step.calls.append(call)
        self.calls[call_id] = call
        self.records[call_id] = rec
        assert agent.context is not None
        agent.context.add(_input_text(args), step.seq)
        for value in args.values():
            if isinstance(value, str):
                self.paths_in(value)
        return call

    def result(self, agent: Agent, call: ToolCall, rec: dict[str, Any], loc: Location) -> None:
        status = as_str(rec.get("status"))
        raw = rec.get("result")
        text = _result_text(raw)
        if not text and isinstance(rec.get("resultDisplay"), str):
            text = rec["resultDisplay"]
        if status not in _DONE and not text:
            return  # still running when the recording was written
        failed = status in ("error", "cancelled")
        if status == "cancelled" and "cancel" not in text.lower():
            text = f"[cancelled] {text}".rstrip()
        if not failed and call.name == "run_shell_command":
            codes = _EXIT_CODE.findall(text)
            failed = bool(codes) and codes[-1] != "0"
        empty = not failed and (not text.strip() or (len(text) < 600 and bool(_EMPTY.search(text))))
        seq = self.next_seq()
        call.result = ToolResult.of(text, RESULT_HEAD, is_error=failed, timestamp=parse_time(rec.get("timestamp")),
                                    location=call.location, seq=seq, empty=empty)
        if call.name not in _CONTENT_TOOLS:
            assert agent.context is not None
            agent.context.add(text, seq)
        self.paths_in(text[:RESULT_HEAD])

    def paths_in(self, text: str) -> None:
        """Keep the absolute paths a text names: one of them (or an ancestor) is the project root."""
        if len(self.dirs) < _MAX_CANDIDATES and "/" in text:
            self.dirs.extend(_ABS_PATH.findall(text[:4096])[:32])


# -- working directory -------------------------------------------------------------------------
def _project_root(project_hash: Any, candidates: Iterable[str]) -> str | None:
    """The candidate directory (or ancestor) whose SHA-256 is the recording's ``projectHash``.

    Only POSIX roots are looked for: a Windows root would not resolve the paths anyway."""
    if not isinstance(project_hash, str) or len(project_hash) != 64:
        return None
    tried: set[str] = set()
    for raw in candidates:
        path = posixpath.normpath(raw) if raw.startswith("/") else ""
        while path and path not in tried and len(tried) < 8192:
            tried.add(path)
            if hashlib.sha256(path.encode("utf-8")).hexdigest() == project_hash:
                return path
            path = posixpath.dirname(path) if path != "/" else ""
    return None


# -- subagents ---------------------------------------------------------------------------------
def is_companion(path: str) -> bool:
    """A subagent recording (``chats/<parent sessionId>/<sessionId>.jsonl``), read with its parent."""
    name = os.path.basename(path)
    if not name.endswith(".jsonl") or name.startswith("session-"):
        return False
    try:
        with open(path, "rb") as fp:
            head = fp.read(4096).split(b"\n", 1)[0]
    except OSError:
        return False
    return b'"kind":"subagent"' in head.replace(b" ", b"") and b'"projectHash"' in head


def _subagent_files(path: str, session_id: str | None) -> list[str]:
    if not session_id:
        return []
    folder = os.path.join(os.path.dirname(path) or ".", session_id)
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".jsonl"))


def _attach_subagents(builder: _Builder, path: str) -> None:
    session = builder.session
    spawns = [c for c in builder.calls.values() if c.name in SPAWN_TOOLS and c.agent_id == MAIN_AGENT]
    for file in _subagent_files(path, session.session_id):
        try:
            recording = _Recording(file).load()
        except (OSError, ValueError) as exc:
            session.problems.append(ParseProblem(file, getattr(exc, "line", None), f"cannot read subagent recording: {exc}"))
            continue
        session.problems.extend(recording.problems)
        sub_id = recording.meta.get("sessionId") if isinstance(recording.meta.get("sessionId"), str) else \
            os.path.splitext(os.path.basename(file))[0]
        if sub_id in session.agents:
            continue
        agent = builder.agent(sub_id, file)
        builder.build(recording, agent)
        call = _spawning_call(builder, spawns, sub_id, agent)
        if call is not None:
            spawns.remove(call)
            agent.parent_call = call
            call.spawned_agent = sub_id
            agent.description = str(call.input.get("agent_name") or call.input.get("description") or "")
        else:
            session.note("subagent-links", f"subagent recording {os.path.basename(file)} matches no "
                                           "delegating call; it is not linked to a parent call")
    unlinked = [c for c in spawns if c.spawned_agent is None and c.result is not None]
    if unlinked:
        session.note("subagents", f"{len(unlinked)} subagent recording(s) not found; their calls were not checked")


def _spawning_call(builder: _Builder, spawns: list[ToolCall], sub_id: str, agent: Agent) -> ToolCall | None:
    for call in spawns:
        if builder.records.get(call.id, {}).get("agentId") == sub_id:
            return call
    first = next((e.text.strip() for e in agent.events if e.kind == "prompt"), "")
    if first:
        for call in spawns:
            asked = [v.strip() for v in call.input.values() if isinstance(v, str) and len(v.strip()) >= 20]
            if any(a in first or first in a for a in asked):
                return call
    begin = min((s.start for s in agent.steps if s.start is not None), default=None)
    if begin is not None:
        for call in spawns:
            done = call.result.timestamp if call.result is not None else None
            if call.timestamp is not None and call.timestamp <= begin and (done is None or begin <= done):
                return call
    return None


# -- entry point -------------------------------------------------------------------------------
def _is_stream(path: str) -> bool:
    """Is this JSONL file a headless run's stream-json output (an ``init`` event among its first
    records, only prompts before it)? Lines before it that are not JSON (stderr) are passed over."""
    if first_record(path) is None:
        return False  # a JSON document (a recording), not JSON Lines: no need to decode it here
    sample = load_sample(path)
    return sample.is_jsonl and _gemini_stream.sniff(sample.records)


def parse(path: str) -> Session:
    if _is_stream(path):
        return _gemini_stream.parse(path, SPAWN_TOOLS, _CONTENT_TOOLS)
    recording = _Recording(path).load()
    builder = _Builder(path)
    session = builder.session
    session.problems.extend(recording.problems)
    meta = recording.meta
    session.session_id = meta.get("sessionId") if isinstance(meta.get("sessionId"), str) else None
    main = builder.agent(MAIN_AGENT, path)
    if isinstance(meta.get("summary"), str):
        main.description = meta["summary"][:200]
    builder.build(recording, main)
    if meta.get("kind") != "subagent":
        _attach_subagents(builder, path)
    directories = meta.get("directories")
    candidates = [d for d in directories if isinstance(d, str)] if isinstance(directories, list) else []
    root = _project_root(meta.get("projectHash"), candidates + builder.dirs)
    if root is not None and root.startswith("/"):
        session.cwd = root  # a Windows root stays unset: paths are resolved POSIX-style
    if recording.rewinds:
        session.note("rewinds", f"{recording.rewinds} rewind(s): the messages after each rewind point were left out")
    if not any(step.start is not None for step in session.all_steps()):
        session.note("seconds", "no timestamps recorded")
    if not any(step.usage is not None for step in session.all_steps()):
        session.note("context_tokens", "no token usage recorded")
    return session
