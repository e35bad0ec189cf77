"""Codex CLI headless output: ``codex exec --json PROMPT`` (JSON Lines events).

Part of the ``codex`` format: its shell commands go through the same command classification and
its file changes name the files they touch. Each line is one event:

* ``thread.started`` (``thread_id``), ``turn.started``, ``turn.completed`` (``usage``: the turn's
  tokens), ``turn.failed`` and ``error`` (``message``);
* ``item.started`` / ``item.updated`` / ``item.completed`` with an ``item`` ``{id, type, ...}``:
  ``command_execution`` (``command``, ``aggregated_output``, ``exit_code``, ``status``),
  ``file_change`` (``changes`` ``[{path, kind}]``), ``mcp_tool_call`` (``server``, ``tool``,
  ``arguments``, ``result``, ``error``), ``web_search`` (``query``), ``todo_list`` (``items``:
  open for the whole turn, each start or update one ``update_plan`` call), ``agent_message`` and
  ``reasoning`` (``text``).

Codex runs the calls of one model response side by side: their items start before any of them
completes. So a call that starts while a call of the open step is still running, with no message
or other completion between, joins that step; any other call starts a new one. An item that only
completes (no ``item.started``) is a step of its own.

The prompt is given on the command line and is not in the output, so values it named are not known
here, which keeps the rules that need them silent; token counts are per turn, not per request;
there are no timestamps. Text Codex writes to stderr (``Reading additional input from stdin...``,
log lines) is often captured with the stream: those lines are counted in one warning and skipped.
"""

from __future__ import annotations

import shlex
from typing import Any, Callable, Sequence

from linter.context import ContextIndex
from linter.model import MAIN_AGENT, Agent, Event, Location, ParseProblem, Session, Step, ToolCall, ToolResult
from linter.parsers._common import as_str, clip_strings, infer_cwd
from linter.parsers.jsonl import fold_text_lines, iter_events

EVENTS = frozenset({"thread.started", "turn.started", "turn.completed", "turn.failed", "item.started",
                    "item.updated", "item.completed", "error"})
# the item types that are tool calls (``_input`` names each as the codex effect table knows it)
TOOL_ITEMS = frozenset({"command_execution", "file_change", "mcp_tool_call", "web_search", "todo_list"})
RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 1024
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "fish"})


def _is_event(rec: Any) -> bool:
    return isinstance(rec, dict) and as_str(rec.get("type")) in EVENTS and "payload" not in rec


def sniff(records: Sequence[Any]) -> bool:
    """The output starts with ``thread.started`` and its other records are exec events too."""
    first = next((r for r in records if isinstance(r, dict)), None)
    if not (_is_event(first) and first["type"] == "thread.started"):
        return False
    return all(_is_event(r) for r in records if isinstance(r, dict))


def _command(text: str) -> Any:
    """``/bin/zsh -lc 'cmd'`` as the argv list the shell classification unwraps; else the text."""
    try:
        argv = shlex.split(text)
    except ValueError:
        return text
    if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in _SHELLS and argv[1].startswith("-") and "c" in argv[1]:
        return argv
    return text


def _input(item: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The tool name and arguments a call item stands for."""
    kind = item.get("type")
    if kind == "command_execution":
        return "exec_command", {"command": _command(as_str(item.get("command")) or "")}
    if kind == "file_change":
        changes = item.get("changes") if isinstance(item.get("changes"), list) else []
        paths = [c["path"] for c in changes if isinstance(c, dict) and isinstance(c.get("path"), str)]
        # the file list as a patch's headers: the effect table reads the files a patch touches
        patch = "\n".join(["*** Begin Patch", *(f"*** Update File: {p}" for p in paths), "*** End Patch"])
        return "apply_patch", {"input": patch}
    if kind == "mcp_tool_call":
        server, tool = as_str(item.get("server")) or "", as_str(item.get("tool")) or "?"
        args = item.get("arguments")
        return (f"mcp__{server}__{tool}" if server else tool), (clip_strings(args, INPUT_STRING_LIMIT)
                                                              if isinstance(args, dict) else {})
    if kind == "web_search":
        return "web_search", {"query": as_str(item.get("query")) or ""}
    return "update_plan", {"plan": item.get("items") if isinstance(item.get("items"), list) else []}


def _result(item: dict[str, Any]) -> tuple[str, bool]:
    """The answer text of a completed call item, and whether it failed."""
    kind = item.get("type")
    failed = as_str(item.get("status")) in ("failed", "declined")
    if kind == "command_execution":
        code = item.get("exit_code")
        failed = failed or (isinstance(code, int) and not isinstance(code, bool) and code != 0)
        return as_str(item.get("aggregated_output")) or "", failed
    if kind == "mcp_tool_call":
        error = item.get("error")
        said = as_str(error.get("message")) if isinstance(error, dict) else None
        result = item.get("result")
        content = result.get("content") if isinstance(result, dict) else None
        texts = [c["text"] for c in content if isinstance(c, dict) and isinstance(c.get("text"), str)] \
            if isinstance(content, list) else []
        return "\n".join(texts) or (said or ""), failed or bool(said)
    if kind == "file_change":
        return ("" if not failed else "the change failed"), failed
    return "", failed


class _Builder:
    def __init__(self, path: str, is_content: Callable[[ToolCall], bool]) -> None:
        self.path = path
        self.is_content = is_content
        self.session = Session(path=path, format="codex", session_id=None, cwd=None)
        self.agent = Agent(id=MAIN_AGENT, context=ContextIndex(), source=path)
        self.session.agents[MAIN_AGENT] = self.agent
        self.seq = 0
        self.calls: dict[str, ToolCall] = {}  # item id -> call
        self.plans: dict[str, int] = {}  # todo list item id -> update_plan calls seen
        self.step: Step | None = None  # the step whose calls may still be joined
        self.prose: list[str] = []
        self.thought: list[str] = []

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def context(self) -> ContextIndex:
        assert self.agent.context is not None
        return self.agent.context

    def event(self, rec: dict[str, Any], line: int) -> None:
        kind = rec["type"]
        if kind == "thread.started":
            if isinstance(rec.get("thread_id"), str) and self.session.session_id is None:
                self.session.session_id = rec["thread_id"]
        elif kind in ("item.started", "item.updated", "item.completed"):
            item = rec.get("item")
            if isinstance(item, dict):
                self.item(kind, item, line)
        elif kind == "turn.started":
            self.end_prose(line)
        elif kind in ("turn.failed", "error"):
            error = rec.get("error")
            said = (as_str(error.get("message")) if isinstance(error, dict) else None) or as_str(rec.get("message"))
            self.agent.events.append(Event("interrupt", self.next_seq(), Location(self.path, line), None,
                                           (said or kind)[:200]))
            self.step = None
        elif kind == "turn.completed":
            self.end_prose(line)

    def item(self, kind: str, item: dict[str, Any], line: int) -> None:
        item_type = as_str(item.get("type"))
        item_id = as_str(item.get("id")) or f"@{line}"
        if item_type in ("agent_message", "reasoning"):
            if kind == "item.completed":
                text = as_str(item.get("text")) or ""
                (self.prose if item_type == "agent_message" else self.thought).append(text)
                self.step = None  # the model spoke: what follows is another response
            return
        if item_type not in TOOL_ITEMS:
            return
        if item_type == "todo_list":
            self.plan(kind, item, item_id, line)
            return
        call = self.calls.get(item_id)
        if call is None:
            call = self.start(item, item_id, line)
            if kind == "item.started":
                return
        if kind == "item.completed" and call.result is None:
            self.finish(call, item)

    def plan(self, kind: str, item: dict[str, Any], item_id: str, line: int) -> None:
        """A todo list stays open for the whole turn: it starts with the first ``update_plan`` call
        and each later one updates it. Each is a call answered at once, not one still running."""
        count = self.plans.get(item_id, 0)
        if kind == "item.completed" and count:
            return  # the turn's end closes the list
        self.plans[item_id] = count + 1
        call = self.start(item, f"{item_id}#{count + 1}" if count else item_id, line)
        self.finish(call, item)

    def start(self, item: dict[str, Any], item_id: str, line: int) -> ToolCall:
        step = self.step
        if step is None or any(c.result is not None for c in step.calls):
            step = self.open(line)
        name, args = _input(item)
        call = ToolCall(id=item_id, name=name, input=args, location=Location(self.path, line), step=step,
                        agent_id=MAIN_AGENT)
        step.calls.append(call)
        self.calls[item_id] = call
        self.context().add("\n".join(v for v in args.values() if isinstance(v, str)), step.seq)
        return call

    def open(self, line: int | None) -> Step:
        step = Step(index=len(self.agent.steps), agent_id=MAIN_AGENT, message_id=f"response@{line}",
                    location=Location(self.path, line), seq=self.next_seq())
        text, self.prose = "\n".join(self.prose), []
        step.text = text[:PROSE_LIMIT]
        for thought in self.thought:
            step.think(thought)
        self.thought = []
        self.context().add(text, step.seq)
        self.agent.steps.append(step)
        self.step = step
        return step

    def finish(self, call: ToolCall, item: dict[str, Any]) -> None:
        text, failed = _result(item)
        seq = self.next_seq()
        call.result = ToolResult.of(text, RESULT_HEAD, is_error=failed, timestamp=None, location=call.location, seq=seq,
                                    empty=not failed and not text.strip())
        if not self.is_content(call):
            self.context().add(text, seq)

    def end_prose(self, line: int) -> None:
        """Prose after the last call of a turn is the turn's closing response."""
        if self.prose or (self.agent.steps and self.agent.steps[-1].calls):
            self.open(line)
        self.step = None


def parse(path: str, is_content: Callable[[ToolCall], bool]) -> Session:
    """``is_content`` tells a call whose answer is a file's content, left out of the context as
    the rollout parser leaves it out."""
    builder = _Builder(path, is_content)
    problems: list[ParseProblem] = []
    for line, rec in iter_events(path, problems, _is_event, "a codex exec event"):
        builder.event(rec, line)
    session = builder.session
    if builder.prose:
        builder.open(None)  # the output stops after a message, with no turn.completed
    session.cwd = infer_cwd(session)
    session.problems.extend(fold_text_lines(path, problems, "Codex"))
    session.note("seconds", "codex exec --json output records no timestamps")
    session.note("context_tokens", "codex exec --json output records token usage per turn, not per request")
    return session
