"""Machinery shared by the message-list parsers (OpenAI Chat Completions, OpenAI Responses API,
Anthropic Messages API).

These files hold a request's message (or item) list, as a JSON array, an object wrapping it (with
the recorded responses of a request/response recording), or JSON Lines with one message per line
or one wrapping object per line. This module finds the conversations of a file and the line of
each element, decodes values, and builds the one-agent Session a message list describes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import orjson

from linter.context import ContextIndex
from linter.effects import Handler, file_read, spawn, text_editor
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
from linter.parsers._common import EMPTY_COMMAND_ANSWERS
from linter.parsers.jsonl import iter_records
from linter.parsers.sample import Sample, load_document
from linter.textutil import safe

RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 1024
SNIFF_MESSAGES = 200
EMPTY_RESULTS = {"", "[]", "{}", "null", "none", "no files found", "no matches found", "(no content)",
                 "(no output)", "no output"} | EMPTY_COMMAND_ANSWERS
_CONTENT_NAMES = {"Read", "NotebookRead"}  # Claude Code's reads, wherever its tool names appear
_LISTINGS = {"list_dir", "list_directory", "ls", "LS"}
_BODY_KEYS = {"content", "new_string", "old_string", "edits", "file_text", "new_str", "old_str"}


# -- where things are in the file ------------------------------------------------------------------
# How agents built on these APIs usually tell the model where it works, in the system prompt.
_WORKDIR = re.compile(r"^[\s*#>-]*(?:current\s+)?(?:working\s+directory|cwd)\s*[:=]\s*`?(/[^\s`'\"]*)", re.I | re.M)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')
_NONSPACE = re.compile(r"\S")


def element_spans(text: str, keys: set[str | None]) -> dict[str | None, list[tuple[int, int]]]:
    """Offsets of the elements of the top-level array (key ``None``) or of the arrays under the
    given keys of the top-level object: one scan over the raw text, strings skipped whole."""
    spans: dict[str | None, list[tuple[int, int]]] = {}
    stack: list[str] = []
    want_key = False
    key: str | None = None
    current: list[tuple[int, int]] | None = None
    depth = start = 0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == '"':
            if want_key and len(stack) == 1:
                key, want_key = tok[1:-1], False
            continue
        if c in "{[":
            if c == "[" and current is None and (
                    (not stack and None in keys) or (stack == ["{"] and key in keys)):
                current = spans.setdefault(key if stack else None, [])
                depth, start = len(stack) + 1, m.end()
            stack.append(c)
            want_key = c == "{" and len(stack) == 1
        elif c in "}]":
            if current is not None and c == "]" and len(stack) == depth:
                if _NONSPACE.search(text, start, m.start()):
                    current.append((start, m.start()))
                current = None
            if stack:
                stack.pop()
        else:  # ","
            if current is not None and len(stack) == depth:
                current.append((start, m.start()))
                start = m.end()
            want_key = stack == ["{"]
    return spans


class Place:
    """Line numbers of a conversation's elements.

    In a one-document file the elements of each array (``items``, ``responses``) are located by
    scanning the raw text, and a call or result inside an element by searching for its id; in a
    JSON Lines file every element has the line of the record that holds it.
    """

    def __init__(self, path: str, text: str | None = None,
                 spans: dict[str | None, list[tuple[int, int]]] | None = None,
                 lines: dict[str, list[int]] | None = None, line: int | None = None) -> None:
        self.path = path
        self.text = text
        self.spans = spans or {}
        self.lines = lines or {}
        self.fixed = line
        self._newlines: list[int] | None = None

    def _line_at(self, offset: int) -> int:
        if self._newlines is None:
            assert self.text is not None
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect_right(self._newlines, offset - 1) + 1

    def line(self, group: str | None, index: int, needle: str | None = None) -> int | None:
        if self.fixed is not None:
            return self.fixed
        if group in self.lines:
            found = self.lines[group]
            return found[index] if 0 <= index < len(found) else None
        spans = self.spans.get(group)
        if self.text is None or spans is None or not 0 <= index < len(spans):
            return None
        start, end = spans[index]
        if needle:
            at = self.text.find(orjson.dumps(needle).decode(), start, end)
            if at != -1:
                return self._line_at(at)
        first = _NONSPACE.search(self.text, start, end)
        return self._line_at(first.start() if first else start)

    def loc(self, group: str | None, index: int, needle: str | None = None) -> Location:
        return Location(self.path, self.line(group, index, needle))

    def key_loc(self, key: str) -> Location:
        """Where a top-level key of a one-document file is written (the record's line in JSON Lines)."""
        if self.fixed is not None or self.text is None:
            return Location(self.path, self.fixed)
        at = self.text.find(f'"{key}"')
        return Location(self.path, self._line_at(at) if at != -1 else None)


@dataclass(slots=True)
class Conversation:
    """One session's elements as found in the file, with where they are."""

    items: list[tuple[Any, str | None, int]]  # (element, group, index in its group)
    place: Place
    wrapper: dict[str, Any] = field(default_factory=dict)
    responses: list[tuple[Any, str | None, int]] = field(default_factory=list)
    session_id: str | None = None


def is_jsonl(path: str) -> bool:
    """Is the first non-blank line of the file a JSON value on its own (JSON Lines)?"""
    with open(path, "rb") as fp:
        for raw in fp:
            if raw.strip():
                try:
                    orjson.loads(raw)
                except orjson.JSONDecodeError:
                    return False
                return True
    return False


def is_header(record: Any) -> bool:
    """Is a JSON Lines record the session header some agents write before the messages
    (nanobot: ``{"_type": "metadata", "key": "cli:direct", "created_at": ...}``; agents built on
    older nanobot: ``{"role": "metadata", "created_at": ..., "last_consolidated": 0}``)?"""
    if not isinstance(record, dict):
        return False
    if record.get("_type") == "metadata":
        return "role" not in record
    return record.get("role") == "metadata" and "content" not in record and "tool_calls" not in record


def _conversations(path: str, problems: list[ParseProblem], keys: tuple[str, ...],
                   responses: Callable[[dict[str, Any]], tuple[str, list[Any]] | None]) -> Iterator[Conversation]:
    """The conversations of a file: one for a document or a file of one message per line, one
    per line for a file of wrapping objects (those with a list under one of ``keys``)."""
    if not is_jsonl(path):
        with open(path, "rb") as fp:
            raw = fp.read()
        doc = load_document(path) if raw.strip() else []
        text = raw.decode("utf-8", "replace")
        wanted: set[str | None] = {None, *keys}
        found = responses(doc) if isinstance(doc, dict) else None
        if found is not None:
            wanted.add(found[0])
        place = Place(path, text, element_spans(text, wanted))
        yield _conversation(doc, place, keys, found, path, problems, 1)
        return
    loose: list[tuple[Any, str | None, int]] = []
    lines: list[int] = []
    for lineno, rec in iter_records(path, problems):
        if isinstance(rec, list) or (isinstance(rec, dict) and any(isinstance(rec.get(k), list) for k in keys)):
            found = responses(rec) if isinstance(rec, dict) else None
            yield _conversation(rec, Place(path, line=lineno), keys, found, path, problems, lineno)
        elif is_header(rec) and not loose:
            continue  # a header says nothing about the turns
        elif isinstance(rec, dict):
            loose.append((rec, "records", len(loose)))
            lines.append(lineno)
        else:
            problems.append(ParseProblem(path, lineno, "line is not a JSON object; line skipped", "warning"))
    if loose:
        yield Conversation(loose, Place(path, lines={"records": lines}))


def _conversation(doc: Any, place: Place, keys: tuple[str, ...], found: tuple[str, list[Any]] | None,
                  path: str, problems: list[ParseProblem], line: int) -> Conversation:
    if isinstance(doc, list):
        return Conversation([(item, None, i) for i, item in enumerate(doc)], place)
    if not isinstance(doc, dict):
        problems.append(ParseProblem(path, line, "not a list of messages nor an object holding one"))
        return Conversation([], place)
    items: list[tuple[Any, str | None, int]] = []
    for key in keys:
        value = doc.get(key)
        if isinstance(value, list):
            items.extend((item, key, i) for i, item in enumerate(value))
    if not any(isinstance(doc.get(key), list) for key in keys):
        problems.append(ParseProblem(path, line, f"no {' or '.join(keys)} list found", "warning"))
    conv = Conversation(items, place, wrapper=doc)
    if found is not None:
        key, listed = found
        conv.responses = [(resp, key, i) for i, resp in enumerate(listed)]
    for name in ("session_id", "conversation_id", "thread_id"):
        if isinstance(doc.get(name), str) and doc[name]:
            conv.session_id = doc[name]
            break
    return conv


# -- values ------------------------------------------------------------------------------------------
def num(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else 0


def text_of(content: Any, kinds: tuple[str, ...] = ("text", "input_text", "output_text")) -> str:
    """Plain text of a message content or a tool result: a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict):
                kind = part.get("type")
                if kind in kinds and isinstance(part.get("text", part.get(kind)), str):
                    parts.append(part.get("text", part.get(kind)))
                elif part.get("type") in ("tool_result",) or "content" in part:
                    inner = text_of(part.get("content"), kinds)
                    if inner:
                        parts.append(inner)
        return "\n".join(parts)
    return ""


def decode_arguments(raw: Any, call_id: str, name: str, loc: Location, problems: list[ParseProblem]) -> dict[str, Any]:
    """A call's arguments as an object: JSON strings decoded; anything malformed is a warning."""
    if isinstance(raw, dict):
        return raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    what = f"arguments of call {safe(call_id, 80)} ({safe(name, 80)})"
    if not isinstance(raw, str):
        problems.append(ParseProblem(loc.path, loc.line, f"{what} are not a JSON string; call kept with no arguments",
                                     "warning"))
        return {}
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        reason = str(exc).split(":", 1)[0]
        problems.append(ParseProblem(loc.path, loc.line, f"{what} are not valid JSON ({safe(reason, 120)}); "
                                                         "call kept with no arguments", "warning"))
        return {}
    if not isinstance(value, dict):
        problems.append(ParseProblem(loc.path, loc.line, f"{what} are not a JSON object; call kept with no arguments",
                                     "warning"))
        return {}
    return value


def bounded(value: dict[str, Any]) -> dict[str, Any]:
    return {k: (v[:INPUT_STRING_LIMIT] if isinstance(v, str) and len(v) > INPUT_STRING_LIMIT else v)
            for k, v in value.items()}


def _scalars(value: Any, out: list[str], depth: int = 0, max_depth: int = 4, limit: int = 256) -> None:
    """The strings and numbers of a value, nested ``max_depth`` deep, at most about ``limit``."""
    if depth > max_depth or len(out) > limit:
        return
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out.append(str(value))
    elif isinstance(value, (dict, list)):
        for item in value.values() if isinstance(value, dict) else value:
            _scalars(item, out, depth + 1, max_depth, limit)


def definition_text(tool: Any) -> str:
    """The words of a tool definition: its name, descriptions, enums and defaults."""
    out: list[str] = []
    _scalars(tool, out, max_depth=12, limit=2048)  # JSON Schema nests deep
    return "\n".join(out)


def input_text(value: dict[str, Any]) -> str:
    """The words of a call's arguments that enter the context (file bodies left out)."""
    out: list[str] = []
    for key, item in value.items():
        if key not in _BODY_KEYS:
            _scalars(item, out)
    return "\n".join(out)


# -- building the session ----------------------------------------------------------------------------
class Builder:
    """Builds the one-agent Session of a message list, numbering everything in context order."""

    def __init__(self, path: str, fmt: str, effects: dict[str, Handler]) -> None:
        self.session = Session(path=path, format=fmt, session_id=None, cwd=None)
        self.agent = Agent(id=MAIN_AGENT, context=ContextIndex(), source=path)
        self.session.agents[MAIN_AGENT] = self.agent
        self.effects = effects
        self.seq = 0
        self.calls: dict[str, list[ToolCall]] = {}
        self.count = 0

    @property
    def problems(self) -> list[ParseProblem]:
        return self.session.problems

    def warn(self, loc: Location, message: str) -> None:
        self.problems.append(ParseProblem(loc.path, loc.line, message, "warning"))

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def context(self, text: str, seq: int) -> None:
        assert self.agent.context is not None
        self.agent.context.add(text, seq)

    def event(self, kind: str, text: str, loc: Location, timestamp: float | None = None) -> None:
        if not text.strip():
            return
        if kind == "meta" and self.session.cwd is None:
            found = _WORKDIR.search(text[:PROSE_LIMIT * 4])
            if found is not None:
                self.session.cwd = found.group(1)
        seq = self.next_seq()
        self.agent.events.append(Event(kind, seq, loc, timestamp, text[:RESULT_HEAD]))
        self.context(text, seq)

    def tool_definitions(self, tools: Any) -> None:
        """The tools the request offered (a request's ``tools``): the model reads their names,
        descriptions, enums and defaults before the first turn, so a value written there (a unit,
        an endpoint, a default tolerance) is known from the start."""
        if not isinstance(tools, list):
            return
        for tool in tools[:256]:
            self.note_text(definition_text(tool))

    def note_text(self, text: str) -> None:
        """Text that entered the context between steps without being a prompt (e.g. next to results)."""
        if text.strip():
            self.context(text, self.next_seq())

    def step(self, loc: Location, message_id: str) -> Step:
        step = Step(index=len(self.agent.steps), agent_id=MAIN_AGENT, message_id=message_id, location=loc,
                    seq=self.next_seq())
        self.agent.steps.append(step)
        return step

    def prose(self, step: Step, text: str) -> None:
        if not text.strip():
            return
        if len(step.text) < PROSE_LIMIT:
            step.text = (f"{step.text}\n{text}" if step.text else text)[:PROSE_LIMIT]
        self.context(text, step.seq)

    def thought(self, step: Step, text: str) -> None:
        """Reasoning of the turn; empty where the transcript keeps it redacted or encrypted."""
        step.reasoned = True
        self.context(text, step.seq)
        step.think(text)

    def call(self, step: Step, call_id: Any, name: Any, value: dict[str, Any], loc: Location) -> ToolCall:
        self.count += 1
        cid = call_id if isinstance(call_id, str) and call_id else f"@{loc.line}:{self.count}"  # no id recorded
        tool = name if isinstance(name, str) and name else "?"
        call = ToolCall(id=cid, name=tool, input=bounded(value), location=loc, step=step, agent_id=MAIN_AGENT)
        step.calls.append(call)
        self.calls.setdefault(cid, []).append(call)
        self.context(input_text(call.input), step.seq)
        return call

    def result(self, call_id: Any, text: str, is_error: bool, loc: Location) -> ToolCall | None:
        """Attach a result to the earliest unanswered call with this id (ids may repeat)."""
        seq = self.next_seq()
        empty = len(text) < 400 and text.strip().lower() in EMPTY_RESULTS
        waiting = [c for c in self.calls.get(call_id, ()) if c.result is None] if isinstance(call_id, str) else []
        if not waiting:
            self.context(text, seq)
            return None
        call = waiting[0]
        call.result = ToolResult.of(text, RESULT_HEAD, is_error=is_error, timestamp=None, location=loc, seq=seq,
                                    empty=empty)
        if not self.is_content(call):
            self.context(text, seq)
        return call

    def is_content(self, call: ToolCall) -> bool:
        """Does this call return a file's contents (left out of the context)?"""
        handler = self.effects.get(call.name)
        if handler is file_read or call.name in _CONTENT_NAMES:
            return call.name not in _LISTINGS
        return handler is text_editor and call.input.get("command") == "view"

    def key(self, step: Step) -> Any:
        """What identifies a model turn in a recorded response: its call ids, else its text."""
        if step.calls:
            return tuple(sorted(c.id for c in step.calls))
        text = step.text.strip()
        return ("text", text) if text else None

    def match_responses(self, responses: list[tuple[Any, str | None, int]],
                        key_of: Callable[[dict[str, Any]], Any],
                        usage_of: Callable[[dict[str, Any]], Usage | None],
                        append: Callable[[dict[str, Any], str | None, int], None]) -> None:
        """Give recorded responses' usage to the steps they produced (in order, by call ids or
        text); responses after the last one found in the list (the final answer) become steps."""
        steps = list(self.agent.steps)
        keys = [self.key(step) for step in steps]
        cursor, last = 0, -1
        pending = []
        for n, (resp, group, index) in enumerate(responses):
            if not isinstance(resp, dict):
                continue
            key = key_of(resp)
            at = next((i for i in range(cursor, len(steps)) if keys[i] == key), None)
            if at is None and key is not None:
                at = next((i for i in range(cursor) if keys[i] == key), None)
            if at is None:
                pending.append((n, resp, group, index))
                continue
            cursor, last = at + 1, n
            if steps[at].usage is None:
                steps[at].usage = usage_of(resp)
            self.model(resp.get("model"))
        for n, resp, group, index in pending:
            if n > last:
                append(resp, group, index)
                self.model(resp.get("model"))

    def model(self, name: Any) -> None:
        if isinstance(name, str) and name:
            self.session.models.add(name)

    def finish(self, wrapper: dict[str, Any] | None = None, *, timed: bool = False,
               holder: str = "a message list") -> Session:
        """Notes on what the file could not give: subagents' calls (not in ``holder``), times
        (unless ``timed``), token usage."""
        session = self.session
        if not session.models and wrapper:
            self.model(wrapper.get("model"))
        off = parallel_calls_off(wrapper)
        if off is not None and not any(step.is_batch for step in session.all_steps()):
            session.one_call_per_turn = f"{off} (and the conversation has no batch)"
        spawned = sum(1 for call in session.all_calls() if self.effects.get(call.name) is spawn)
        if spawned:
            session.note("subagents", f"{spawned} subagent transcript(s) not in {holder}; their calls were "
                                      "not checked")
        if not timed:
            session.note("seconds", "no timestamps recorded")
        if not any(step.usage is not None for step in session.all_steps()):
            session.note("context_tokens", "no token usage recorded")
        return session


def parallel_calls_off(wrapper: dict[str, Any] | None) -> str | None:
    """Why the request that holds the conversation let the model make one tool call per turn, or
    None: OpenAI's ``parallel_tool_calls: false``, Anthropic's ``tool_choice`` with
    ``disable_parallel_tool_use``. Serialised calls could not have been batched there."""
    if not wrapper:
        return None
    if wrapper.get("parallel_tool_calls") is False:
        return "the request set parallel_tool_calls to false"
    choice = wrapper.get("tool_choice")
    if isinstance(choice, dict) and choice.get("disable_parallel_tool_use") is True:
        return "the request's tool_choice set disable_parallel_tool_use"
    return None


def usage(fresh: int, output: int, cache_read: int = 0, cache_write: int = 0, model: Any = None) -> Usage | None:
    if not (fresh or output or cache_read or cache_write):
        return None  # all zero: nothing was recorded
    return Usage(input=fresh, output=output, cache_read=cache_read, cache_write=cache_write,
                 model=model if isinstance(model, str) else None)



def sample_lists(sample: Sample, keys: tuple[str, ...]) -> list[tuple[list[Any], dict[str, Any]]]:
    """The element lists a sniffer looks at, each with its wrapper object (empty for bare lists)."""
    def of(value: Any) -> tuple[list[Any], dict[str, Any]] | None:
        if isinstance(value, list):
            return value, {}
        if isinstance(value, dict):
            found = [value[k] for k in keys if isinstance(value.get(k), list)]
            if found:
                return [item for listed in found for item in listed], value
        return None

    if sample.is_jsonl:
        records = sample.records
        if records and is_header(records[0]):
            records = records[1:]
        if records and all(isinstance(r, dict) and any(isinstance(r.get(k), list) for k in keys) for r in records):
            return [x for x in (of(r) for r in records) if x is not None]
        if records and all(isinstance(r, list) for r in records):
            return [(r, {}) for r in records]
        return [(records, {})]
    found = of(sample.document)
    return [found] if found is not None else []



def recorded_responses(doc: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """The recorded responses of a wrapper: a ``responses`` list, or one ``response`` /
    ``final_response`` object."""
    if isinstance(doc.get("responses"), list):
        return "responses", doc["responses"]
    for key in ("response", "final_response"):
        if isinstance(doc.get(key), dict):
            return key, [doc[key]]
    return None


def parse_file(path: str, fmt: str, keys: tuple[str, ...],
               responses: Callable[[dict[str, Any]], tuple[str, list[Any]] | None],
               build: Callable[[Conversation], Builder]) -> list[Session]:
    """The sessions of a file, one per conversation (``build`` turns one into a Builder). The
    reading problems of each JSON Lines record go to the session read after it, those after the
    last one to the last one."""
    problems: list[ParseProblem] = []
    sessions: list[Session] = []
    for conv in _conversations(path, problems, keys, responses):
        pending = list(problems)
        problems.clear()
        b = build(conv)
        b.session.session_id = b.session.session_id or conv.session_id
        b.session.problems[:0] = pending
        sessions.append(b.finish(conv.wrapper))
    if not sessions:
        session = Builder(path, fmt, {}).finish()
        session.problems.extend(problems or [ParseProblem(path, None, "no messages found", "warning")])
        return [session]
    sessions[-1].problems.extend(problems)
    return sessions
