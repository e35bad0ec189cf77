"""OpenTelemetry GenAI spans exported as OTLP/JSON (semantic conventions up to v1.41).

Accepted layouts: one ``ExportTraceServiceRequest`` document
(``resourceSpans[].scopeSpans[].spans[]``), a file with one such export per line (JSON Lines, as
a batching exporter writes them: one trace may be spread over several lines), or a plain list of
spans. Attribute values are the typed OTLP wrappers (``stringValue``, ``intValue`` as a number or
a string, ``arrayValue``, ``kvlistValue``...) or plain values; times are unix nanoseconds
(numbers or strings) or ISO strings.

Each trace is one session. What this parser rebuilds:

* Agents: the outermost ``invoke_agent`` spans are the main agent; a nested ``invoke_agent`` is
  a subagent whose parent call is the ``execute_tool`` span it runs under (agent-as-tool).
* Steps: each inference span (``chat``, ``generate_content``, ``text_completion``) is one model
  turn, with its prose and usage; the ``execute_tool`` spans of the same agent that start after
  it (and before the next one) are the calls it issued, so calls of one response form one
  batch whatever their timing. Instrumentations that wrap one model call twice (framework and
  client library) give nested inference spans: only the outermost counts.
* Calls and results: ``gen_ai.tool.name``/``call.id``/``call.arguments``/``call.result`` (the
  legacy pydantic-ai ``tool_arguments``/``tool_response`` too); the span's start and end are the
  call and result times; an error status or ``error.type`` marks the call failed.
* Context: user and system text of ``gen_ai.input.messages`` (or ``gen_ai.user.message``
  events) not seen before become prompt and meta events; prose, call arguments and results
  (except file contents returned by reads) are indexed in the agent's context.
* Traces with inference spans only (no ``execute_tool`` spans) take their calls from the
  ``tool_call`` parts of ``gen_ai.output.messages`` and their results from later
  ``tool_call_response`` parts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import orjson

from linter.context import ContextIndex
from linter.effects import GENERIC, SPAWN, Effect, Handler, Resolver, function_tool
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
from linter.parsers._common import clip_strings
from linter.parsers.jsonl import iter_records
from linter.parsers.sample import Sample, load_document
from linter.textutil import parse_time, salient_tokens

FORMAT = "otel-genai"
DESCRIPTION = "OpenTelemetry GenAI spans (invoke_agent / chat / execute_tool) in OTLP/JSON, one export or one per line"

EFFECTS: dict[str, Handler] = dict(GENERIC)


def agent_tool(call: ToolCall, r: Resolver) -> Effect:
    """An application function: a subagent launch when an ``invoke_agent`` span ran under it."""
    if call.spawned_agent:
        words: set[str] = set()
        for value in call.input.values():
            if isinstance(value, str):
                words |= salient_tokens(value)
        return Effect(SPAWN, spellings=tuple((w,) for w in sorted(words)), label=call.name)
    return function_tool(call, r)


FALLBACK: Handler = agent_tool

RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 1024
SNIFF_SPANS = 5000
_CHAT_OPS = {"chat", "generate_content", "text_completion"}
_CONTENT_TOOLS = {"read_file", "view_file", "open_file", "cat_file", "read", "Read", "NotebookRead"}
_EMPTY_RESULTS = {"", "[]", "{}", "null", "none", "no files found", "no matches found", "(no content)",
                  "(no output)", "no output"}
_SPAN_ID = re.compile(rb'"(?:spanId|span_id)"\s*:\s*"([^"]{1,128})"')
# Text a framework sends back as the user after a rejected answer (pydantic-ai's retry prompt).
_RETRY_PROMPT = "Validation feedback:"
_ERROR_CODES = {2, "2", "STATUS_CODE_ERROR", "ERROR", "error"}


# -- values ------------------------------------------------------------------------------------
def _value(raw: Any, depth: int = 0) -> Any:
    """Plain Python value of an OTLP ``AnyValue`` (or of an already plain value)."""
    if not isinstance(raw, dict) or depth > 16:
        return raw
    if "stringValue" in raw:
        return raw["stringValue"]
    if "intValue" in raw:
        return _int(raw["intValue"])
    if "doubleValue" in raw:
        return raw["doubleValue"]
    if "boolValue" in raw:
        return raw["boolValue"]
    if "arrayValue" in raw:
        values = raw["arrayValue"].get("values") if isinstance(raw["arrayValue"], dict) else None
        return [_value(v, depth + 1) for v in values] if isinstance(values, list) else []
    if "kvlistValue" in raw:
        values = raw["kvlistValue"].get("values") if isinstance(raw["kvlistValue"], dict) else None
        return _attributes(values, depth + 1)
    if "bytesValue" in raw:
        return raw["bytesValue"]
    return None if not raw else raw


def _attributes(raw: Any, depth: int = 0) -> dict[str, Any]:
    """OTLP attribute list (``[{key, value}]``) or a plain mapping, as a dict."""
    if isinstance(raw, dict):
        return dict(raw)
    out: dict[str, Any] = {}
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                out[item["key"]] = _value(item.get("value"), depth)
    return out


def _time(raw: Any) -> float | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw) or raw < 0:
            return None
        return raw / 1e9 if raw > 1e14 else float(raw)
    if isinstance(raw, str):
        nanos = _int(raw)
        return nanos / 1e9 if nanos is not None else parse_time(raw)
    return None


def _json(value: Any) -> Any:
    """A JSON-encoded attribute decoded, or the value itself."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return str(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 40:
        return int(value)
    return None


# -- spans -------------------------------------------------------------------------------------
@dataclass(slots=True, eq=False)
class _Span:
    id: str
    parent: str | None
    trace: str
    name: str
    start: float | None
    end: float | None
    attrs: dict[str, Any]
    events: list[tuple[str, dict[str, Any]]]
    error: bool
    status_message: str
    line: int | None
    order: int
    cwd: str | None
    op: str = ""
    agent: str = MAIN_AGENT
    call: ToolCall | None = None


def _operation(name: str, attrs: dict[str, Any]) -> str:
    op = attrs.get("gen_ai.operation.name")
    if isinstance(op, str):
        if op in _CHAT_OPS:
            return "chat"
        if op == "execute_tool":
            return "tool"
        if op == "invoke_agent":
            return "agent"
        return ""
    if isinstance(attrs.get("gen_ai.tool.name"), str):
        return "tool"
    if name == "agent run" or name.startswith("invoke_agent"):
        return "agent"
    if name.split(" ", 1)[0] in _CHAT_OPS and "gen_ai.request.model" in attrs:
        return "chat"
    return ""


def _raw_spans(record: Any) -> Iterator[tuple[Any, str | None]]:
    """(span, working directory of its resource) for each span of an export, span list or span."""
    if isinstance(record, dict) and isinstance(record.get("resourceSpans"), list):
        for rs in record["resourceSpans"]:
            if not isinstance(rs, dict):
                yield rs, None
                continue
            resource = rs.get("resource")
            rattrs = _attributes(resource.get("attributes")) if isinstance(resource, dict) else {}
            cwd = rattrs.get("process.working_directory")
            cwd = cwd if isinstance(cwd, str) and cwd else None
            scopes = rs.get("scopeSpans", rs.get("instrumentationLibrarySpans"))
            for ss in scopes if isinstance(scopes, list) else []:
                spans = ss.get("spans") if isinstance(ss, dict) else None
                for span in spans if isinstance(spans, list) else []:
                    yield span, cwd
    elif isinstance(record, list):
        for span in record:
            yield span, None
    elif isinstance(record, dict):
        yield record, None


def _ids(raw: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(span id, parent id, trace id) of an OTLP span or an SDK ``to_json`` span."""
    if "spanId" in raw:
        return raw.get("spanId"), raw.get("parentSpanId"), raw.get("traceId")
    ctx = raw.get("context")
    if isinstance(ctx, dict):
        return ctx.get("span_id"), raw.get("parent_id"), ctx.get("trace_id")
    return None, None, None


def _is_span(raw: Any) -> bool:
    if not isinstance(raw, dict) or "attributes" not in raw:
        return False
    span_id, _, trace_id = _ids(raw)
    return isinstance(span_id, str) and isinstance(trace_id, str)


def _make_span(raw: Any, cwd: str | None, line: int | None, order: int) -> _Span | None:
    if not _is_span(raw):
        return None
    span_id, parent, trace = _ids(raw)
    attrs = _attributes(raw.get("attributes"))
    name = raw.get("name") if isinstance(raw.get("name"), str) else ""
    start = _time(raw.get("startTimeUnixNano", raw.get("start_time")))
    end = _time(raw.get("endTimeUnixNano", raw.get("end_time")))
    status = raw.get("status") if isinstance(raw.get("status"), dict) else {}
    code = status.get("code", status.get("status_code"))
    message = status.get("message", status.get("description"))
    events = []
    for ev in raw.get("events") if isinstance(raw.get("events"), list) else []:
        if isinstance(ev, dict) and isinstance(ev.get("name"), str):
            events.append((ev["name"], _attributes(ev.get("attributes"))))
    error = (isinstance(code, (str, int)) and code in _ERROR_CODES) or bool(attrs.get("error.type"))
    span_cwd = attrs.get("process.working_directory")
    span = _Span(id=span_id, parent=parent if isinstance(parent, str) and parent else None, trace=trace,
                 name=name, start=start, end=end, attrs=attrs, events=events, error=error,
                 status_message=message if isinstance(message, str) else "", line=line, order=order,
                 cwd=span_cwd if isinstance(span_cwd, str) and span_cwd else cwd)
    span.op = _operation(name, attrs)
    return span


def _is_export(record: Any) -> bool:
    return (isinstance(record, dict) and isinstance(record.get("resourceSpans"), list)) or \
        isinstance(record, list) or _is_span(record)


def sniff(sample: Sample) -> bool:
    """Is this an OTLP/JSON export (or span list) holding GenAI spans?"""
    records = sample.records if sample.is_jsonl else [sample.document]
    seen = 0
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("resourceSpans"), list):
            pass
        elif isinstance(record, list) and record and all(_is_span(s) for s in record[:50]):
            pass
        elif not (sample.is_jsonl and _is_span(record)):
            return False
        for raw, _ in _raw_spans(record):
            seen += 1
            if seen > SNIFF_SPANS:
                return False
            if _is_span(raw) and any(k.startswith("gen_ai.") for k in _attributes(raw["attributes"])):
                return True
    return False


# -- messages ----------------------------------------------------------------------------------
@dataclass(slots=True)
class _Said:
    """What one inference span's messages say."""

    user: list[str] = field(default_factory=list)
    system: list[str] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    thoughts: list[str] = field(default_factory=list)
    calls: list[tuple[str | None, str, Any]] = field(default_factory=list)  # output tool_call parts
    responses: dict[str, str] = field(default_factory=dict)  # input tool_call_response parts


def _messages(value: Any) -> list[dict[str, Any]]:
    value = _json(value)
    if isinstance(value, dict):
        value = [value]
    return [m for m in value if isinstance(m, dict)] if isinstance(value, list) else []


def _parts(message: dict[str, Any]) -> list[dict[str, Any]]:
    parts = message.get("parts")
    if isinstance(parts, list):
        return [p for p in parts if isinstance(p, dict)]
    out: list[dict[str, Any]] = []
    content = message.get("content")
    if isinstance(content, str):
        out.append({"type": "text", "content": content})
    for tc in message.get("tool_calls") if isinstance(message.get("tool_calls"), list) else []:
        if isinstance(tc, dict):
            fn = tc.get("function") if isinstance(tc.get("function"), dict) else tc
            out.append({"type": "tool_call", "id": tc.get("id"), "name": fn.get("name"),
                        "arguments": fn.get("arguments")})
    return out


def _said(span: _Span) -> _Said:
    said = _Said()
    for message in _messages(span.attrs.get("gen_ai.input.messages")):
        role = message.get("role")
        for part in _parts(message):
            kind = part.get("type")
            content = part.get("content")
            if kind == "text" and isinstance(content, str):
                if role == "user":
                    said.user.append(content)
                elif role == "system":
                    said.system.append(content)
            elif kind == "tool_call_response" and isinstance(part.get("id"), str):
                said.responses[part["id"]] = _text(part.get("result", part.get("response")))
    for message in _messages(span.attrs.get("gen_ai.output.messages")):
        for part in _parts(message):
            kind = part.get("type")
            content = part.get("content")
            if kind == "text" and isinstance(content, str):
                said.prose.append(content)
            elif kind in ("reasoning", "thinking") and isinstance(content, str):
                said.thoughts.append(content)
            elif kind == "tool_call":
                name = part.get("name") if isinstance(part.get("name"), str) else "?"
                said.calls.append((part.get("id") if isinstance(part.get("id"), str) else None, name,
                                   part.get("arguments")))
    for name, attrs in span.events:  # event-based content (conventions up to v1.36)
        content = attrs.get("content")
        if name == "gen_ai.user.message" and isinstance(content, str):
            said.user.append(content)
        elif name == "gen_ai.choice":
            message = _json(attrs.get("message"))
            text = message.get("content") if isinstance(message, dict) else content
            if isinstance(text, str):
                said.prose.append(text)
    return said


# -- building ----------------------------------------------------------------------------------
def _bounded_input(value: Any) -> dict[str, Any]:
    value = _json(value)
    if value is None:
        return {}
    if not isinstance(value, dict):
        value = {"arguments": value}
    return clip_strings(value, INPUT_STRING_LIMIT)


def _input_text(value: dict[str, Any]) -> str:
    parts = []
    for key, item in value.items():
        if key in ("content", "new_string", "old_string", "edits", "file_text"):
            continue  # file bodies written by the agent itself
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, (list, dict)):
            parts.append(_text(item)[:INPUT_STRING_LIMIT])
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            parts.append(str(item))
    return "\n".join(parts)


def _usage(attrs: dict[str, Any]) -> Usage | None:
    def first(*names: str) -> int | None:
        for name in names:
            value = _int(attrs.get(name))
            if value is not None:
                return value
        return None

    fresh = first("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
    output = first("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
    if fresh is None and output is None:
        return None
    read = first("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens") or 0
    write = first("gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens") or 0
    fresh = fresh or 0
    if fresh >= read + write:  # the convention counts cached tokens in input_tokens
        fresh -= read + write
    model = attrs.get("gen_ai.response.model") or attrs.get("gen_ai.request.model")
    return Usage(input=fresh, output=output or 0, cache_read=read, cache_write=write,
                 model=model if isinstance(model, str) else None)


# Things that enter a context, queued as (time, priority, order, serial, action) and numbered in time order.
_Entries = list[tuple[float, int, float, int, Any]]


class _Trace:
    """Builds the session of one trace from its spans."""

    def __init__(self, path: str, spans: list[_Span]) -> None:
        self.path = path
        self.spans = {s.id: s for s in spans}
        self.ordered = sorted(spans, key=lambda s: (s.start if s.start is not None else 0.0, s.order))
        self.session = Session(path=path, format=FORMAT, session_id=None, cwd=None)
        self.calls: list[ToolCall] = []

    def ancestors(self, span: _Span) -> Iterator[_Span]:
        seen = {span.id}
        node = self.spans.get(span.parent) if span.parent else None
        while node is not None and node.id not in seen:
            seen.add(node.id)
            yield node
            node = self.spans.get(node.parent) if node.parent else None

    def agent(self, key: str) -> Agent:
        agent = self.session.agents.get(key)
        if agent is None:
            agent = Agent(id=key, context=ContextIndex(), source=self.path)
            self.session.agents[key] = agent
        return agent

    def build(self) -> Session:
        session = self.session
        self.agent(MAIN_AGENT)
        roots = [s for s in self.ordered if s.op == "agent" and not any(a.op == "agent" for a in self.ancestors(s))]
        root = roots[0] if roots else None
        conv = root.attrs.get("gen_ai.conversation.id") if root is not None else None
        session.session_id = conv if isinstance(conv, str) and conv else self.ordered[0].trace
        session.cwd = next((s.cwd for s in self.ordered if s.cwd), None)
        if root is not None:
            self.agent(MAIN_AGENT).description = _agent_name(root)
        names: dict[str, int] = {}
        groups: dict[str, tuple[str, list[_Span], list[_Span]]] = {"": (MAIN_AGENT, [], [])}
        nested: list[_Span] = []
        main_end: float | None = None
        for span in self.ordered:
            if not span.op:
                continue
            owner = None
            inner_same = False
            for anc in self.ancestors(span):
                if anc.op == "agent":
                    owner = anc
                    break
                if anc.op == span.op:
                    inner_same = True
            if span.op == "agent":
                span.agent = MAIN_AGENT
                if owner is None and (main_end is None or span.start is None or span.start >= main_end):
                    main_end = span.end if span.end is not None else main_end
                else:  # a subagent, or an agent run beside the main one
                    base = _agent_name(span) or "subagent"
                    names[base] = names.get(base, 0) + 1
                    span.agent = base if names[base] == 1 else f"{base}-{names[base]}"
                    nested.append(span)
                groups[span.id] = (span.agent, [], [])
                continue
            if inner_same:
                continue  # the same model call or tool run seen by a second instrumentation
            # an owner not seen yet (its start time is missing or wrong) counts as the main agent
            key, chats, tools = groups.get(owner.id if owner is not None else "", groups[""])
            span.agent = key
            (chats if span.op == "chat" else tools).append(span)
        entries: _Entries = []
        any_tools = any(group[2] for group in groups.values())
        seen: dict[str, tuple[set[str], set[str]]] = {}
        for key, chats, tools in groups.values():
            self.agent_steps(key, chats, tools, any_tools, entries, seen.setdefault(key, (set(), set())))
        self.link_subagents(nested)
        entries.sort(key=lambda e: e[:4])
        seq = 0
        for *_, action in entries:
            seq += 1
            action(seq)
        for agent in session.agents.values():
            agent.steps.sort(key=lambda s: s.seq)
            for index, step in enumerate(agent.steps):
                step.index = index
        self.notes()
        return session

    def agent_steps(self, key: str, chats: list[_Span], tools: list[_Span], any_tools: bool,
                    entries: _Entries, seen: tuple[set[str], set[str]]) -> None:
        """Steps of one agent run: its inference spans, each with the tool spans that follow it."""
        agent = self.agent(key)
        steps: list[tuple[_Span, Step]] = []
        seen_user, seen_system = seen
        for n, chat in enumerate(chats):
            said = _said(chat)
            loc = Location(self.path, chat.line)
            at = chat.start if chat.start is not None else 0.0
            for text in said.system:
                if text not in seen_system:
                    seen_system.add(text)
                    if n > 0:
                        self.entry(entries, at, 0, chat.order, self.event_action(agent, "meta", text, loc, chat.start))
            for text in said.user:
                if text not in seen_user:
                    seen_user.add(text)
                    kind = "meta" if n > 0 and text.startswith(_RETRY_PROMPT) else "prompt"
                    self.entry(entries, at, 0, chat.order, self.event_action(agent, kind, text, loc, chat.start))
            step = Step(index=0, agent_id=key, message_id=chat.id, location=loc, seq=0, start=chat.start,
                        end=chat.end, text="\n".join(said.prose)[:PROSE_LIMIT], usage=_usage(chat.attrs))
            if step.usage is not None and step.usage.model:
                self.session.models.add(step.usage.model)
            steps.append((chat, step))
            self.entry(entries, at, 1, chat.order, self.step_action(agent, step, said))
            if not any_tools:
                later = _said(chats[n + 1]) if n + 1 < len(chats) else None
                self.calls_from_messages(agent, chat, step, said, later, chats[n + 1] if later else None, entries)
        orphans: list[_Span] = []
        for tool in tools:
            owner = None
            for chat, step in steps:
                if _before(chat, tool):
                    owner = step
                else:
                    break
            if owner is None:
                orphans.append(tool)
                continue
            self.tool_call(agent, owner, tool, entries)
        self.orphan_steps(agent, orphans, entries)

    def entry(self, entries: _Entries, at: float, prio: int, order: float,
              action: Any) -> None:
        """Queue something that enters a context; entries run in time order to number ``seq``."""
        entries.append((at, prio, order, len(entries), action))

    def event_action(self, agent: Agent, kind: str, text: str, loc: Location, ts: float | None) -> Any:
        def act(seq: int) -> None:
            agent.events.append(Event(kind, seq, loc, ts, text[:RESULT_HEAD]))
            assert agent.context is not None
            agent.context.add(text, seq)
        return act

    def step_action(self, agent: Agent, step: Step, said: _Said | None) -> Any:
        def act(seq: int) -> None:
            step.seq = seq
            agent.steps.append(step)
            ctx = agent.context
            assert ctx is not None
            if said is not None:
                for text in said.prose + said.thoughts:
                    ctx.add(text, seq)
                for text in said.thoughts:
                    step.think(text)
            for call in step.calls:
                ctx.add(_input_text(call.input), seq)
        return act

    def result_action(self, agent: Agent, call: ToolCall, text: str, is_error: bool, ts: float | None,
                      loc: Location, recorded: bool) -> Any:
        def act(seq: int) -> None:
            empty = recorded and not is_error and len(text) < 400 and text.strip().lower() in _EMPTY_RESULTS
            call.result = ToolResult.of(text, RESULT_HEAD, is_error=is_error, timestamp=ts, location=loc,
                                        seq=seq, empty=empty)
            if call.name not in _CONTENT_TOOLS and not (
                    call.input.get("command") == "view" and "edit" in call.name.lower()):
                assert agent.context is not None
                agent.context.add(text, seq)
        return act

    def new_call(self, agent: Agent, step: Step, call_id: str, name: str, arguments: Any, loc: Location,
                 ts: float | None) -> ToolCall:
        call = ToolCall(id=call_id, name=name, input=_bounded_input(arguments), location=loc, timestamp=ts,
                        step=step, agent_id=agent.id)
        step.calls.append(call)
        self.calls.append(call)
        return call

    def tool_call(self, agent: Agent, step: Step, tool: _Span, entries: _Entries) -> None:
        attrs = tool.attrs
        name = attrs.get("gen_ai.tool.name")
        if not isinstance(name, str) or not name:
            name = tool.name.removeprefix("execute_tool ").strip() or "?"
        call_id = attrs.get("gen_ai.tool.call.id")
        call_id = call_id if isinstance(call_id, str) and call_id else f"span:{tool.id}"
        arguments = attrs.get("gen_ai.tool.call.arguments", attrs.get("tool_arguments"))
        loc = Location(self.path, tool.line)
        call = self.new_call(agent, step, call_id, name, arguments, loc, tool.start)
        tool.call = call
        raw = attrs.get("gen_ai.tool.call.result", attrs.get("tool_response"))
        recorded = raw is not None
        text = _text(raw)
        if tool.error and not text:
            text = tool.status_message or _exception(tool) or _text(attrs.get("error.type"))
        when = tool.end if tool.end is not None else tool.start
        at = max(when if when is not None else 0.0, step.start or 0.0)
        if not recorded and not tool.error:
            self.session.note("results", "tool results not recorded (content capture off); "
                                         "answers of calls were not checked")
        action = self.result_action(agent, call, text, tool.error, when, loc, recorded or tool.error)
        self.entry(entries, at, 2, tool.order, action)

    def orphan_steps(self, agent: Agent, tools: list[_Span], entries: _Entries) -> None:
        """Tool spans with no inference span before them: calls that overlap in time form one step."""
        group: list[_Span] = []
        edge = None
        for tool in tools + [None]:  # type: ignore[list-item]
            if tool is not None and group and tool.start is not None and edge is not None and tool.start < edge:
                group.append(tool)
                edge = max(edge, tool.end or tool.start)
                continue
            if group:
                first = group[0]
                step = Step(index=0, agent_id=agent.id, message_id=f"tools:{first.id}",
                            location=Location(self.path, first.line), seq=0, start=first.start,
                            end=first.start)
                self.entry(entries, first.start or 0.0, 1, first.order, self.step_action(agent, step, None))
                for member in group:
                    self.tool_call(agent, step, member, entries)
                self.session.note("turns", "no model spans recorded for some tool calls: "
                                           "their turns were inferred from tool timing")
            group = [tool] if tool is not None else []
            edge = (tool.end or tool.start) if tool is not None else None

    def calls_from_messages(self, agent: Agent, chat: _Span, step: Step, said: _Said, later: _Said | None,
                            next_chat: _Span | None, entries: _Entries) -> None:
        loc = Location(self.path, chat.line)
        for pos, (call_id, name, arguments) in enumerate(said.calls):
            key = call_id or f"span:{chat.id}:{pos}"
            call = self.new_call(agent, step, key, name, arguments, loc, chat.end)
            if later is not None and next_chat is not None and call_id in later.responses:
                when = next_chat.start
                at = max(when or 0.0, chat.start or 0.0)
                action = self.result_action(agent, call, later.responses[call_id], False, when,
                                            Location(self.path, next_chat.line), True)
                self.entry(entries, at, 0, next_chat.order - 0.5, action)  # before the next turn's prompts

    def link_subagents(self, nested: list[_Span]) -> None:
        for span in nested:
            agent = self.agent(span.agent)
            agent.description = _text(span.attrs.get("gen_ai.agent.description")) or _agent_name(span)
            call = next((a.call for a in self.ancestors(span) if a.call is not None), None)
            if call is None:
                self.session.note("subagent-links", f"subagent {span.agent!r} runs under no tool call; "
                                                    "it is not linked to a parent call")
                continue
            agent.parent_call = call
            if call.spawned_agent is None:
                call.spawned_agent = span.agent

    def notes(self) -> None:
        session = self.session
        if not any(step.start is not None for step in session.all_steps()):
            session.note("seconds", "no timestamps recorded")
        if not any(step.usage is not None for step in session.all_steps()):
            session.note("context_tokens", "no token usage recorded")
        if not any(e.kind == "prompt" for a in session.agents.values() for e in a.events):
            session.note("prompts", "no input messages recorded: what was knowable up front is unknown")


def _before(chat: _Span, tool: _Span) -> bool:
    """Did this inference span start no later than the tool span (so it may have issued it)?"""
    if chat.start is None or tool.start is None:
        return chat.order <= tool.order
    return chat.start <= tool.start


def _agent_name(span: _Span) -> str:
    for key in ("gen_ai.agent.name", "agent_name"):
        value = span.attrs.get(key)
        if isinstance(value, str) and value:
            return value
    return span.name.removeprefix("invoke_agent").strip()


def _exception(span: _Span) -> str:
    for name, attrs in span.events:
        if name == "exception":
            return _text(attrs.get("exception.message") or attrs.get("exception.type"))
    return ""


# -- files -------------------------------------------------------------------------------------
def _span_lines(path: str) -> dict[str, int]:
    """Line of each span's id in a one-document file (one pass over the raw bytes)."""
    lines: dict[str, int] = {}
    with open(path, "rb") as fp:
        for number, raw in enumerate(fp, 1):
            if b"pan" in raw:
                for match in _SPAN_ID.finditer(raw):
                    lines.setdefault(match.group(1).decode("utf-8", "replace"), number)
    return lines


def _first_line_is_json(path: str) -> bool:
    with open(path, "rb") as fp:
        for line in fp:
            if line.strip():
                try:
                    orjson.loads(line)
                except orjson.JSONDecodeError:
                    return False
                return True
    return False


def _records(path: str, problems: list[ParseProblem]) -> Iterator[tuple[int | None, Any, bool]]:
    """(line, record, is_jsonl) for each export of the file."""
    if _first_line_is_json(path):
        for lineno, rec in iter_records(path, problems):
            yield lineno, rec, True
    else:
        yield None, load_document(path), False


def parse_many(path: str) -> Iterator[Session]:
    problems: list[ParseProblem] = []
    traces: dict[str, list[_Span]] = {}
    seen: set[str] = set()
    order = 0
    lines: dict[str, int] | None = None
    for lineno, record, is_jsonl in _records(path, problems):
        if not is_jsonl and lines is None:
            lines = _span_lines(path)
        if not _is_export(record):
            problems.append(ParseProblem(path, lineno, "not an OTLP trace export (resourceSpans) or span list; "
                                                       "skipped", "warning"))
            continue
        bad = 0
        for raw, cwd in _raw_spans(record):
            order += 1
            span = _make_span(raw, cwd, lineno, order)
            if span is None:
                bad += 1
                continue
            if lines is not None:
                span.line = lines.get(span.id)
            key = f"{span.trace}/{span.id}"
            if key in seen:
                continue  # the same span exported twice
            seen.add(key)
            traces.setdefault(span.trace, []).append(span)
        if bad:
            problems.append(ParseProblem(path, lineno, f"{bad} span(s) without spanId, traceId or attributes; "
                                                       "skipped", "warning"))
    sessions = [_Trace(path, spans).build() for spans in traces.values()
                if any(s.op for s in spans)]
    sessions.sort(key=lambda s: min((st.start for st in s.all_steps() if st.start is not None), default=0.0))
    if not sessions:
        session = Session(path=path, format=FORMAT, session_id=None, cwd=None)
        session.agents[MAIN_AGENT] = Agent(id=MAIN_AGENT, context=ContextIndex(), source=path)
        session.note("spans", "no GenAI spans found")
        sessions = [session]
    sessions[0].problems.extend(problems)
    yield from sessions
