"""Gemini CLI headless output: ``gemini -p PROMPT --output-format stream-json`` (JSON Lines events).

Part of the ``gemini-cli`` format: the same tools, so the same effect table. Each line is one event
``{"type", "timestamp", ...}``:

* ``init``: ``session_id`` and ``model`` (a wrapper may have logged the prompt it gave, as a
  ``message`` event, before it);
* ``message``: ``role`` ``user`` (the prompt) or ``assistant`` (prose; ``delta: true`` marks a
  streamed chunk, joined to the chunks before it);
* ``tool_use``: ``tool_name``, ``tool_id``, ``parameters``;
* ``tool_result``: ``tool_id``, ``status`` (``success`` or ``error``), ``output``, ``error``;
* ``error``: a warning or non-fatal error of the CLI, shown to the person only;
* ``result``: the run's ``status`` and its total ``stats``.

A model response streams its prose and its calls, and the CLI runs the calls once the response
has ended: so the calls between two results are one step, issued together. The stream keeps the
display text of each result (``Read pdf file: ...``, ``Search results for ... returned.``), not
what the model read, and no exit code for a shell command; values the model saw only there are
unknown here, which keeps the rules that need them silent. Token counts are the run's totals, and
the working directory is not recorded: it is inferred from absolute path arguments whose tail the
prompt or an earlier answer gave.

Text the CLI writes to stderr is often captured with the stream (``... > run.jsonl 2>&1``): lines
that are not JSON are counted in one warning and skipped.
"""

from __future__ import annotations

from typing import Any, Sequence

from linter.context import ContextIndex
from linter.model import MAIN_AGENT, Agent, Event, Location, ParseProblem, Session, Step, ToolCall, ToolResult
from linter.parsers._common import as_str, clip_strings, infer_cwd
from linter.parsers.jsonl import fold_text_lines, iter_events
from linter.textutil import parse_time

EVENTS = frozenset({"init", "message", "tool_use", "tool_result", "error", "result"})
RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 1024


def _is_event(rec: Any) -> bool:
    # an ``error`` event says its ``message`` as text; a transcript line holds a message object
    return (isinstance(rec, dict) and as_str(rec.get("type")) in EVENTS and "uuid" not in rec
            and not isinstance(rec.get("message"), dict))


def _is_init(rec: Any) -> bool:
    return _is_event(rec) and rec["type"] == "init" and isinstance(rec.get("session_id"), str)


# Prompts a wrapper logged before the run's ``init`` event (an eval harness that writes the task
# it gave, then the CLI's stream): at most this many.
LEADING_PROMPTS = 2


def sniff(records: Sequence[Any]) -> bool:
    """The stream starts with an ``init`` event holding a session id (after at most
    ``LEADING_PROMPTS`` user messages a wrapper wrote before it), and the other records are
    stream events too (a record of another kind means another format)."""
    dicts = (r for r in records if isinstance(r, dict))
    for _ in range(LEADING_PROMPTS + 1):
        first = next(dicts, None)
        if _is_init(first):
            break
        if not (_is_event(first) and first["type"] == "message" and first.get("role") == "user"):
            return False
    else:
        return False
    return all(_is_event(r) for r in records if isinstance(r, dict))


def _input_text(value: dict[str, Any]) -> str:
    """What the call's arguments add to the context: not file bodies, which the agent wrote itself."""
    return "\n".join(v for k, v in value.items()
                     if isinstance(v, str) and k not in ("content", "new_string", "old_string"))


class _Builder:
    def __init__(self, path: str, content_tools: frozenset[str]) -> None:
        self.path = path
        self.content_tools = content_tools
        self.session = Session(path=path, format="gemini-cli", session_id=None, cwd=None)
        self.agent = Agent(id=MAIN_AGENT, context=ContextIndex(), source=path)
        self.session.agents[MAIN_AGENT] = self.agent
        self.seq = 0
        self.calls: dict[str, ToolCall] = {}
        self.step: Step | None = None  # the step being streamed: closed by a result or a prompt
        self.prose: list[str] = []  # assistant text streamed since the last result
        self.prose_at: tuple[int, float | None] | None = None  # line and time of its first chunk

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def close(self) -> None:
        """End the step being streamed (a result or a prompt arrived): its prose enters the context."""
        step = self.step
        if step is None and self.prose:
            line, ts = self.prose_at or (None, None)
            step = self.open(line, ts)  # a response with prose only
        if step is not None:
            text = "".join(self.prose)
            step.text = text[:PROSE_LIMIT]
            assert self.agent.context is not None
            self.agent.context.add(text, step.seq)
        self.step, self.prose, self.prose_at = None, [], None

    def open(self, line: int | None, ts: float | None) -> Step:
        if self.prose_at is not None:
            line, ts = self.prose_at[0] or line, self.prose_at[1] if self.prose_at[1] is not None else ts
        step = Step(index=len(self.agent.steps), agent_id=MAIN_AGENT, message_id=f"response@{line}",
                    location=Location(self.path, line), seq=self.next_seq(), start=ts, end=ts)
        self.agent.steps.append(step)
        self.step = step
        return step

    def event(self, rec: dict[str, Any], line: int) -> None:
        kind = rec["type"]
        ts = parse_time(rec.get("timestamp"))
        if kind == "message":
            self.message(rec, line, ts)
        elif kind == "tool_use":
            self.tool_use(rec, line, ts)
        elif kind == "tool_result":
            self.tool_result(rec, line, ts)
        elif kind == "init":
            if isinstance(rec.get("session_id"), str) and self.session.session_id is None:
                self.session.session_id = rec["session_id"]
            if isinstance(rec.get("model"), str) and rec["model"]:
                self.session.models.add(rec["model"])
        elif kind == "result":
            self.close()
            last = self.agent.steps[-1] if self.agent.steps else None
            if as_str(rec.get("status")) == "success":
                if last is not None and last.calls:
                    # the run ends when a response asks for no call: here one that said nothing
                    self.open(line, ts)
                    self.step = None
            else:
                error = rec.get("error")
                said = (as_str(error.get("message")) if isinstance(error, dict) else as_str(error)) or ""
                self.agent.events.append(Event("interrupt", self.next_seq(), Location(self.path, line), ts,
                                               (said or "the run ended with an error")[:200]))
        # ``error`` events are warnings shown to the person: nothing entered the model's context

    def message(self, rec: dict[str, Any], line: int, ts: float | None) -> None:
        text = as_str(rec.get("content")) or ""
        if rec.get("role") == "assistant":
            if self.step is not None and self.step.calls and any(c.result is not None for c in self.step.calls):
                self.close()
            if self.prose_at is None:
                self.prose_at = (line, ts)
            self.prose.append(text if rec.get("delta") or not self.prose else "\n" + text)
            return
        if rec.get("role") == "user" and text.strip():
            self.close()
            seq = self.next_seq()
            self.agent.events.append(Event("prompt", seq, Location(self.path, line), ts, text[:RESULT_HEAD]))
            assert self.agent.context is not None
            self.agent.context.add(text, seq)

    def tool_use(self, rec: dict[str, Any], line: int, ts: float | None) -> None:
        step = self.step
        if step is not None and any(c.result is not None for c in step.calls):
            self.close()  # a call after a result belongs to the next response
            step = None
        if step is None:
            step = self.open(line, ts)
        name = as_str(rec.get("tool_name")) or "?"
        call_id = as_str(rec.get("tool_id")) or f"@{line}"
        if call_id in self.calls:
            call_id = f"{call_id}@{line}"
        params = rec.get("parameters")
        args = clip_strings(params, INPUT_STRING_LIMIT) if isinstance(params, dict) else {}
        call = ToolCall(id=call_id, name=name, input=args, location=Location(self.path, line), timestamp=ts,
                        step=step, agent_id=MAIN_AGENT, background=bool(args.get("is_background")))
        step.calls.append(call)
        if ts is not None:
            step.end = ts if step.end is None else max(step.end, ts)
            step.start = ts if step.start is None else step.start
        self.calls[as_str(rec.get("tool_id")) or call_id] = call
        assert self.agent.context is not None
        self.agent.context.add(_input_text(args), step.seq)

    def tool_result(self, rec: dict[str, Any], line: int, ts: float | None) -> None:
        call = self.calls.get(as_str(rec.get("tool_id")))
        if call is None or call.result is not None:
            self.session.problems.append(ParseProblem(self.path, line, "tool_result for no earlier tool_use "
                                                                       "(or a second one); skipped", "warning"))
            return
        failed = as_str(rec.get("status")) == "error"
        text = as_str(rec.get("output")) or ""
        error = rec.get("error")
        said = (as_str(error.get("message")) if isinstance(error, dict) else as_str(error)) or ""
        if said and said not in text:
            text = f"{text}\n{said}".strip()
        seq = self.next_seq()
        call.result = ToolResult.of(text, RESULT_HEAD, is_error=failed, timestamp=ts, location=call.location,
                                    seq=seq, empty=not failed and not text.strip())
        if call.name not in self.content_tools:
            assert self.agent.context is not None
            self.agent.context.add(text, seq)


def parse(path: str, spawn_tools: frozenset[str], content_tools: frozenset[str]) -> Session:
    builder = _Builder(path, content_tools)
    problems: list[ParseProblem] = []
    for line, rec in iter_events(path, problems, _is_event, "a stream-json event"):
        builder.event(rec, line)
    builder.close()
    session = builder.session
    session.cwd = infer_cwd(session)  # the stream does not record it
    session.problems.extend(fold_text_lines(path, problems, "the CLI"))
    spawns = [c for c in builder.calls.values() if c.name in spawn_tools]
    if spawns:
        session.note("subagents", f"{len(spawns)} subagent run(s) are not in the headless stream; their calls "
                                  "were not checked")
    if not any(step.start is not None for step in session.all_steps()):
        session.note("seconds", "no timestamps recorded")
    session.note("context_tokens", "Gemini CLI's stream-json output records only the run's total token counts")
    return session
