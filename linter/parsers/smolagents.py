"""smolagents runs (benchmark logs): one JSON row per run, its memory in ``intermediate_steps``.

A row holds the question, the answer and the run's memory, written either as the chat messages
the model saw (roles ``system``, ``user``, ``assistant``, ``tool-call``, ``tool-response``; the
calls only as python-repr text ``Calling tools:\\n[{'id': ..., 'function': {...}}]``) or as the
memory steps themselves (``ActionStep`` dicts with ``tool_calls``, ``model_output``,
``observations``, ``error``, ``timing`` and ``token_usage``; ``TaskStep`` and ``PlanningStep``).
What this parser rebuilds:

* Steps: each model output (an assistant message, or an action or planning step) is one Step;
  the calls of its tool-call list are that Step's calls, so a ToolCalling agent's list of two
  or more calls is a batch. A CodeAct agent's code action is one call ``python_interpreter``
  whose input ``code`` keeps the source. The "Tool call X: calling 'f' with arguments: ..."
  lines and code blocks are left out of the prose. A ``final_answer`` tool call ends the run: its
  answer is the agent's last words, joined to the prose, and it is no call (in code actions,
  ``final_answer(...)`` is code like any other).
* Results: ``Observation:`` answers every call of the step (smolagents joins the outputs of
  parallel calls into one text); ``Call id: X`` followed by ``Error:`` marks call X failed.
  An error with no call (a model output the agent could not parse, the step limit) is a harness
  message.
* Events: ``New task:`` user messages (or task steps) are prompts; other user messages (such as
  "Now proceed and carry out this plan.") and the system prompt are meta.
* Times and usage exist only in the memory-step layout (``timing``, ``token_usage``).

The decentralized team benchmark writes a message bus instead (``messages.jsonl``: ``{id,
timestamp, sender, type: task|channel_message|private_message|poll|vote|final_answer, content,
recipients, thread_id, reply_to}``). It records what the agents said to each other, not their
model steps or tool calls: such a file is one session holding the task as its prompt, no calls,
and a note that nothing was checked.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Iterator

import orjson

from linter.context import ContextIndex
from linter.effects import GENERIC, Handler, function_tool, unknown, web_fetch, web_search
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
from linter.parsers.jsonl import iter_records
from linter.parsers.sample import Sample
from linter.textutil import parse_time, safe

FORMAT = "smolagents"
DESCRIPTION = "smolagents run logs (JSONL, one run per line: CodeAct or ToolCalling memory as messages or steps)"

RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 16 * 1024
CODE_TOOL = "python_interpreter"
FINAL_TOOL = "final_answer"

EFFECTS: dict[str, Handler] = {
    **GENERIC,
    "web_search": web_search, "duckduckgo_search": web_search, "google_search": web_search,
    "wikipedia_search": web_search,
    "visit_webpage": web_fetch,
    CODE_TOOL: unknown,  # arbitrary code: what it touches is not known
}
# Tools are the application's own functions: a query when the name says so.
FALLBACK = function_tool

_ROLES = {"system", "user", "assistant", "tool-call", "tool-response"}
BUS_TYPES = {"task", "channel_message", "private_message", "poll", "vote", "final_answer"}
_STEP_KEYS = {"step_number", "model_output", "tool_calls", "observations", "task", "plan", "system_prompt",
              "model_output_message", "action_output"}
_TOOL_LINE = re.compile(r"^Tool call [^\s:]+: calling '[^']*' with arguments: .*$", re.M)
_CODE_BLOCK = re.compile(r"<code>.*?(?:</code>|$)|```(?:py|python)?\s*\n.*?(?:```|$)", re.S)
_CALL_ID = re.compile(r"^Call id: (\S+)\s*\n")


# -- sniffing ------------------------------------------------------------------------------------
def _is_memory(items: Any) -> bool:
    if not isinstance(items, list):
        return False
    for item in items[:20]:
        if not isinstance(item, dict):
            return False
        role = item.get("role")
        if not (isinstance(role, str) and role in _ROLES and "content" in item) and not (_STEP_KEYS & item.keys()):
            return False
    return True


def _memory(row: dict[str, Any]) -> Any:
    for key in ("intermediate_steps", "steps", "messages"):
        if key in row:
            return row[key]
    return None


def is_bus_record(rec: Any) -> bool:
    """A message of the decentralized agents' bus: ``{id, timestamp, sender, type, recipients, thread_id...}``."""
    return (isinstance(rec, dict) and isinstance(rec.get("sender"), str) and isinstance(rec.get("type"), str)
            and rec["type"] in BUS_TYPES
            and isinstance(rec.get("recipients"), list) and "thread_id" in rec and "id" in rec
            and "timestamp" in rec and "content" in rec)


def sniff(sample: Sample) -> bool:
    if not sample.is_jsonl or not sample.records:
        return False
    rows = [rec for rec in sample.records if isinstance(rec, dict)]  # other lines are reported when parsing
    bus = sum(1 for rec in rows if is_bus_record(rec))
    if bus:  # a bus log, with at most a few broken messages
        return is_bus_record(rows[0]) and 2 * bus > len(rows)
    found = False
    for rec in rows:
        if "intermediate_steps" not in rec:
            return False
        items = rec["intermediate_steps"]
        if not isinstance(items, list):
            continue  # reported when parsing
        if not _is_memory(items):
            return False
        if items and (any(i.get("role") in ("tool-call", "tool-response") for i in items)
                      or "agent_action_type" in rec or any("step_number" in i for i in items)):
            found = True
    return found


# -- decoding ------------------------------------------------------------------------------------
def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    if isinstance(content, dict) and isinstance(content.get("content"), (str, list)):
        return _text(content["content"])
    return ""


def read_calls(text: str) -> list[dict[str, Any]] | None:
    """The tool-call list of a ``Calling tools:`` message (python repr, or JSON)."""
    body = text.split("\n", 1)[1] if text.startswith("Calling tools:") and "\n" in text else text
    body = body.strip()
    try:
        value = ast.literal_eval(body)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
    if isinstance(value, dict):
        value = [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else None


def call_shape(item: dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
    """Name, arguments and id of one entry of a tool-call list."""
    function = item.get("function") if isinstance(item.get("function"), dict) else item
    name = function.get("name") if isinstance(function.get("name"), str) and function.get("name") else "?"
    raw = function.get("arguments")
    if isinstance(raw, str) and name != CODE_TOOL:
        try:
            raw = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    if name == CODE_TOOL:
        args = {"code": raw} if isinstance(raw, str) else (raw if isinstance(raw, dict) else {})
    elif isinstance(raw, dict):
        args = raw
    else:
        args = {"input": raw} if raw is not None else {}
    call_id = item.get("id") if isinstance(item.get("id"), str) and item.get("id") else None
    return name, clip_strings(args, INPUT_STRING_LIMIT), call_id


def _prose(text: str) -> str:
    """The model's own words: without the rendered tool-call lines and code blocks."""
    text = _TOOL_LINE.sub("", text)
    text = _CODE_BLOCK.sub("", text)
    return text.strip()


def _code(text: str) -> str | None:
    match = re.search(r"<code>\s*\n?(.*?)(?:</code>|$)|```(?:py|python)?\s*\n(.*?)(?:```|$)", text, re.S)
    if match is None:
        return None
    return (match.group(1) if match.group(1) is not None else match.group(2)).strip() or None


def _input_text(value: dict[str, Any]) -> str:
    parts = []
    for item in value.values():
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            parts.append(str(item))
    return "\n".join(parts)


# -- model building ------------------------------------------------------------------------------
class _Run:
    """One run (one row) under construction."""

    def __init__(self, session: Session, loc: Location, model: str | None) -> None:
        self.session = session
        self.loc = loc
        self.model = model
        self.seq = 0
        self.agent = Agent(id=MAIN_AGENT, context=ContextIndex(), source=session.path)
        session.agents[MAIN_AGENT] = self.agent
        self.ctx: ContextIndex = self.agent.context  # type: ignore[assignment]
        self.step: Step | None = None
        self.calls: dict[str, ToolCall] = {}
        self.pending_code: str | None = None  # the code block of the last model output
        self.answered: Step | None = None  # the step that gave the final answer

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def event(self, kind: str, text: str, ts: float | None = None, index: bool = True) -> None:
        self.step = None
        seq = self.next_seq()
        self.agent.events.append(Event(kind, seq, self.loc, ts, text[:RESULT_HEAD]))
        if index:
            self.ctx.add(text, seq)

    def user(self, text: str) -> None:
        if text.startswith("New task:"):
            self.event("prompt", text[len("New task:"):].strip())
        else:
            self.event("meta", text)

    def new_step(self, text: str, mid: str, start: float | None = None, end: float | None = None) -> Step:
        step = Step(index=len(self.agent.steps), agent_id=MAIN_AGENT, message_id=mid, location=self.loc,
                    seq=self.next_seq(), start=start, end=end)
        self.agent.steps.append(step)
        self.step = step
        self.prose(step, text)
        return step

    def prose(self, step: Step, text: str) -> None:
        if not text:
            return
        if text not in step.text and len(step.text) < PROSE_LIMIT:
            step.text = (f"{step.text}\n{text}" if step.text else text)[:PROSE_LIMIT]
        self.ctx.add(text, step.seq)

    def add_calls(self, items: list[dict[str, Any]], fallback_code: str | None = None) -> None:
        step = self.step or self.new_step("", f"step-{len(self.agent.steps) + 1}")
        for item in items:
            name, args, raw_id = call_shape(item)
            if name == FINAL_TOOL:  # the run's answer: the agent's last words, not a call
                answer = args.get("answer")
                self.prose(step, answer if isinstance(answer, str) else safe(str(answer), 400) if answer is not None else "")
                self.answered = step
                continue
            if name == CODE_TOOL and not args.get("code") and fallback_code:
                args["code"] = fallback_code
            call_id = raw_id or f"call-{len(self.calls) + 1}"
            base, n = call_id, 1
            while call_id in self.calls:
                n += 1
                call_id = f"{base}#{n}"
            call = ToolCall(id=call_id, name=name, input=args, location=self.loc, timestamp=step.start, step=step,
                            agent_id=MAIN_AGENT)
            step.calls.append(call)
            self.calls[call_id] = call
            self.ctx.add(_input_text(args), step.seq)

    def response(self, text: str, ts: float | None = None) -> None:
        """A ``tool-response`` message (or a step's observations / error)."""
        match = _CALL_ID.match(text)
        call_id = match.group(1) if match else None
        body = text[match.end():] if match else text
        error = body.startswith("Error:")
        if body.startswith("Observation:"):
            body = body[len("Observation:"):].lstrip("\n")
        step = self.step
        open_calls = [c for c in step.calls if c.result is None] if step is not None else []
        if call_id is not None and step is not None:
            targets = [c for c in step.calls if c.id == call_id or c.id.split("#")[0] == call_id][:1]
        elif error:
            targets = []  # no call behind it: the harness speaks
        else:
            targets = open_calls
        if not targets:
            if not error and step is not None and step is self.answered and not open_calls:
                return  # the final answer echoed back
            self.event("meta", text, ts)
            return
        seq = self.next_seq()
        for call in targets:
            previous = call.result
            full = f"{previous.text}\n{body}" if previous is not None else body
            call.result = ToolResult.of(full, RESULT_HEAD, is_error=error or (previous is not None and previous.is_error),
                                        timestamp=ts, location=self.loc,
                                        seq=previous.seq if previous is not None else seq, empty=not full.strip())
        self.ctx.add(body, seq)

    # -- the two layouts -------------------------------------------------------------------
    def messages(self, items: list[Any]) -> None:
        for item in items:
            if not isinstance(item, dict):
                continue
            role = item.get("role")
            text = _text(item.get("content"))
            if role == "system":
                self.event("meta", text, index=False)
            elif role == "user":
                self.user(text)
            elif role == "assistant":
                self.new_step(_prose(text), f"step-{len(self.agent.steps) + 1}")
                self.pending_code = _code(text)
            elif role == "tool-call":
                calls = read_calls(text)
                if calls is None:
                    self.session.problems.append(ParseProblem(self.loc.path, self.loc.line, "a tool-call message could "
                                                              "not be read as a list of calls; skipped", "warning"))
                    continue
                self.add_calls(calls, self.pending_code)
            elif role == "tool-response":
                self.response(text)

    def memory_steps(self, items: list[Any]) -> None:
        for n, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            timing = item.get("timing") if isinstance(item.get("timing"), dict) else {}
            start = timing.get("start_time") if isinstance(timing.get("start_time"), (int, float)) else None
            end = timing.get("end_time") if isinstance(timing.get("end_time"), (int, float)) else None
            if isinstance(item.get("task"), str):
                self.event("prompt", item["task"], start)
            elif isinstance(item.get("system_prompt"), str):
                self.event("meta", item["system_prompt"], index=False)
            elif isinstance(item.get("plan"), str):
                step = self.new_step(item["plan"], f"plan-{n}", start, end)
                self.usage(step, item.get("token_usage"))
                self.event("meta", "Now proceed and carry out this plan.", end)
            elif "step_number" in item or "model_output" in item or "tool_calls" in item:
                output = item.get("model_output")
                text = output if isinstance(output, str) else _text(output)
                step = self.new_step(_prose(text), f"step-{item.get('step_number', n)}", start, end)
                self.usage(step, item.get("token_usage"))
                calls = item.get("tool_calls") if isinstance(item.get("tool_calls"), list) else []
                code = item.get("code_action") if isinstance(item.get("code_action"), str) else _code(text)
                self.add_calls([c for c in calls if isinstance(c, dict)], code)
                if isinstance(item.get("observations"), str):
                    self.response("Observation:\n" + item["observations"], end)
                error = item.get("error")
                if error:
                    message = error.get("message") if isinstance(error, dict) else error
                    prefix = f"Call id: {step.calls[0].id}\n" if step.calls else ""
                    self.response(f"{prefix}Error:\n{message}", end)

    def usage(self, step: Step, raw: Any) -> None:
        if isinstance(raw, dict) and ("input_tokens" in raw or "output_tokens" in raw):
            step.usage = Usage(input=num(raw.get("input_tokens")), output=num(raw.get("output_tokens")), model=self.model)


def _row(path: str, lineno: int, row: dict[str, Any]) -> Session:
    items = _memory(row)
    model = row.get("model_id") if isinstance(row.get("model_id"), str) else None
    sid = row.get("task_id") or row.get("id") or row.get("instance_id")
    session = Session(path=path, format=FORMAT, session_id=safe(str(sid), 200) if isinstance(sid, (str, int))
                      else f"line {lineno}", cwd=None)
    if model:
        session.models.add(model)
    run = _Run(session, Location(path, lineno), model)
    if isinstance(items, list):
        if any(isinstance(i, dict) and "role" in i for i in items[:5]):
            run.messages(items)
        else:
            run.memory_steps(items)
        if not any(e.kind == "prompt" for e in run.agent.events) and isinstance(row.get("question"), str):
            run.agent.events.insert(0, Event("prompt", 0, Location(path, lineno), None, row["question"][:RESULT_HEAD]))
            run.ctx.add(row["question"], 0)
    if not any(s.start is not None for s in session.all_steps()):
        session.note("seconds", "no per-step times recorded")
    if not any(s.usage is not None for s in session.all_steps()):
        session.note("context_tokens", "no per-request token usage recorded")
    return session


def _bus(path: str, records: list[tuple[int, Any]], problems: list[ParseProblem]) -> Session:
    """The run of a decentralized team, from its message bus: the task, and nothing to check."""
    session = Session(path=path, format=FORMAT, session_id=None, cwd=None)
    agent = Agent(id=MAIN_AGENT, context=ContextIndex(), source=path)
    session.agents[MAIN_AGENT] = agent
    seq = 0
    for lineno, rec in records:
        if not is_bus_record(rec):
            problems.append(ParseProblem(path, lineno, "line is not a message of the agents' bus "
                                                       "(id, sender, type, recipients...); line skipped", "warning"))
            continue
        if rec["type"] == "task" and isinstance(rec["content"], str):
            seq += 1
            agent.events.append(Event("prompt", seq, Location(path, lineno), parse_time(rec["timestamp"]),
                                      rec["content"][:RESULT_HEAD]))
            agent.context.add(rec["content"], seq)  # type: ignore[union-attr]
            if session.session_id is None and isinstance(rec["id"], (str, int)):
                session.session_id = safe(str(rec["id"]), 200)
    senders = sorted({rec["sender"] for _, rec in records if is_bus_record(rec) and rec["sender"] != "system"})
    session.note("tool-calls", f"a message-bus log records what the agents ({len(senders)}) said to each other "
                               "(messages, polls, votes), not their model steps or tool calls: nothing was checked")
    return session


def parse_many(path: str) -> Iterator[Session]:
    problems: list[ParseProblem] = []
    records = list(iter_records(path, problems))
    first = next((rec for _, rec in records if isinstance(rec, dict)), None)
    if is_bus_record(first):
        session = _bus(path, records, problems)
        session.problems.extend(problems)
        yield session
        return
    sessions: list[tuple[int, Session]] = []
    for lineno, rec in records:
        if isinstance(rec, dict) and isinstance(_memory(rec), list):
            sessions.append((lineno, _row(path, lineno, rec)))
        else:
            problems.append(ParseProblem(path, lineno, "line is not a smolagents run (no intermediate_steps list); "
                                                       "line skipped", "warning"))
    if not sessions:
        session = Session(path=path, format=FORMAT, session_id=None, cwd=None)
        session.agents[MAIN_AGENT] = Agent(id=MAIN_AGENT, context=ContextIndex(), source=path)
        sessions.append((1, session))
    for problem in problems:
        owner = sessions[0][1]
        for first_line, session in sessions:
            if problem.line is not None and first_line <= problem.line:
                owner = session
        owner.problems.append(problem)
    for _, session in sessions:
        yield session
