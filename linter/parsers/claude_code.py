"""Claude Code session transcripts (``~/.claude/projects/<project>/<session>.jsonl``).

One JSON object per line. What this parser rebuilds (see the format notes):

* Steps: the content blocks of one API message sit on separate lines sharing ``message.id``
  (fallback ``requestId``); they are grouped into one Step. Usage is repeated on every line of a
  message: the line with the largest ``output_tokens`` is the final one.
* Results: ``tool_result`` blocks are linked to calls by ``tool_use_id``; they arrive in
  completion order, one per line in 2.x.
* Subagents: inline sidechains (1.0.x, ``isSidechain`` with no agent id, linked to the Task call
  whose prompt they start with), ``progress``/``agent_progress`` lines (2.1.x, linked by
  ``parentToolUseID``), and separate ``agent-<id>.jsonl`` files (2.0.x beside the session, 2.1.x
  in ``<session>/subagents/``), linked by the Task result's ``agentId`` or ``.meta.json``.
* ``claude -p --output-format stream-json`` output is the same messages without the transcript's
  envelope (``session_id``, no ``parentUuid`` or timestamps); a subagent's messages name the
  Task call that launched it in ``parent_tool_use_id``. claude-code-action keeps them as one
  indented JSON array (its execution log): each element is read with the line it starts on.
* Live path: rewinds and regenerations leave dead branches in the file. A branch point is a
  parent with two human prompts, or two assistant messages, as children; the branches not on the
  path to the newest line are dropped. Compaction breaks ``parentUuid`` chains; the
  ``logicalParentUuid`` of a compact boundary links across.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterator

from linter.context import ContextIndex
from linter.effects import (
    Handler,
    ask,
    file_read,
    file_search,
    file_write,
    kill,
    shell,
    shell_output,
    spawn,
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
from linter.parsers._common import EMPTY_COMMAND_ANSWERS, num
from linter.parsers.jsonl import iter_records
from linter.parsers._messages import Place, element_spans
from linter.parsers.sample import DocumentError, Sample, first_line, first_record, load_document
from linter.textutil import parse_time

FORMAT = "claude-code"
DESCRIPTION = ("Claude Code session JSONL (~/.claude/projects/<project>/<session>.jsonl), subagent files included, "
               "and `claude -p --output-format stream-json` output (JSONL, or one JSON array as "
               "claude-code-action's execution log keeps it)")

EFFECTS: dict[str, Handler] = {
    "Read": file_read, "NotebookRead": file_read, "LS": file_read,
    "Write": file_write, "Edit": file_write, "MultiEdit": file_write, "NotebookEdit": file_write,
    "Glob": file_search, "Grep": file_search,
    "Bash": shell, "PowerShell": shell,
    "BashOutput": shell_output, "TaskOutput": shell_output,
    "KillShell": kill, "KillBash": kill, "TaskStop": kill,
    "WebFetch": web_fetch, "WebSearch": web_search,
    "Task": spawn, "Agent": spawn,
    "TodoWrite": state, "TodoRead": state, "TaskCreate": state, "TaskUpdate": state,
    "TaskList": state, "TaskGet": state,
    "ExitPlanMode": ask, "EnterPlanMode": ask, "AskUserQuestion": ask,
    "Skill": unknown, "SlashCommand": unknown,
}
RESULT_HEAD = 2000
PROSE_LIMIT = 4000
INPUT_STRING_LIMIT = 1024
PLAN_LIMIT = 64 * 1024
_EMPTY_RESULTS = {"", "no files found", "no matches found", "(no content)", "(no output)", "no output"} | EMPTY_COMMAND_ANSWERS
_CONTENT_TOOLS = {"Read", "NotebookRead"}
# Claude Code appends this to Bash results; it is not part of the command's answer.
_CWD_NOTICE = re.compile(r"^Shell cwd was reset to .*$", re.M)


def _is_stream_message(rec: Any) -> bool:
    """A message of ``claude -p --output-format stream-json`` output (or of a file that keeps them
    as one JSON array, as claude-code-action's execution log does)."""
    return (isinstance(rec, dict) and isinstance(rec.get("session_id"), str)
            and ((rec.get("type") in ("user", "assistant") and isinstance(rec.get("message"), dict))
                 or (rec.get("type") == "system" and rec.get("subtype") == "init")))


def sniff(sample: Sample) -> bool:
    """Do these first records look like a Claude Code transcript?"""
    if not sample.is_jsonl and isinstance(sample.document, list):
        head = sample.document[:5]
        return bool(head) and _is_stream_message(head[0]) and all(isinstance(r, dict) for r in head)
    for rec in sample.records:
        if not isinstance(rec, dict):
            return False
        kind = rec.get("type")
        if kind in ("user", "assistant") and "message" in rec and ("uuid" in rec or "sessionId" in rec):
            return True
        if _is_stream_message(rec):
            return True
        if kind == "summary" and "leafUuid" in rec:
            return True
        if kind in ("file-history-snapshot", "queue-operation", "progress", "system") and (
            "sessionId" in rec or "messageId" in rec or "uuid" in rec
        ):
            return True
        if isinstance(kind, str) and kind in _META_LINES and isinstance(rec.get("sessionId"), str):
            return True  # a resumed session can start with dozens of these before any message
    return False


# Session metadata lines of Claude Code 2.x (``{"type", "sessionId", ...}``), written at start-up
# and on every resume.
_META_LINES = frozenset({"mode", "permission-mode", "attachment", "agent-name", "custom-title", "ai-title",
                         "last-prompt", "frame-link", "pr-link", "relocated", "worktree-state", "bridge-session",
                         "atis-latch", "summary"})


def _text_of(content: Any) -> str:
    """Plain text of a tool_result or message content (str or list of blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, dict):
                if block.get("type") == "text" and isinstance(block.get("text"), str):
                    parts.append(block["text"])
                elif isinstance(block.get("content"), (str, list)):
                    parts.append(_text_of(block["content"]))
            elif isinstance(block, str):
                parts.append(block)
        return "\n".join(parts)
    return ""


def _no_use(raw: bytes) -> bool:
    """Lines that never carry calls, results or prompts: skipped before they are decoded.

    Claude Code writes compact JSON, and a quote inside a string value is escaped, so these
    byte patterns only occur as a record's own keys. A snapshot line starts with its type; a
    progress line names its type within its first few hundred bytes (before ``data``), so only
    that much is searched: a miss only means the line is decoded after all.
    """
    if raw.startswith(b'{"type":"file-history-snapshot"'):
        return True
    return raw.find(b'"type":"progress"', 0, 2048) != -1 and b'"agent_progress"' not in raw


def _shape(rec: dict[str, Any]) -> tuple[Any, ...]:
    """A cheap fingerprint of a line's content, to tell a re-appended line from a new one."""
    msg = rec.get("message")
    if not isinstance(msg, dict):
        return ()
    content = msg.get("content")
    mid = msg.get("id")
    return (mid if isinstance(mid, str) else None, len(content) if isinstance(content, (list, str)) else -1)


def _bounded_input(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    out = {}
    for key, item in value.items():
        limit = PLAN_LIMIT if key == "plan" else INPUT_STRING_LIMIT  # plan-mode plans are linted as plans
        if isinstance(item, str) and len(item) > limit:
            item = item[:limit]
        out[key] = item
    return out


def _input_text(value: dict[str, Any]) -> str:
    parts = []
    for key, item in value.items():
        if key in ("content", "new_string", "old_string", "edits"):
            continue  # file bodies: large, and written by the agent itself
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, list):
            for sub in item:
                if isinstance(sub, dict):
                    parts.extend(str(v) for v in sub.values() if isinstance(v, str))
                elif isinstance(sub, str):
                    parts.append(sub)
    return "\n".join(parts)


class _Builder:
    """Accumulates the model of one session while its lines stream past."""

    def __init__(self, path: str) -> None:
        self.session = Session(path=path, format=FORMAT, session_id=None, cwd=None)
        self.seq = 0
        self.steps: dict[tuple[str, str], Step] = {}
        self.calls: dict[str, ToolCall] = {}
        self.seen_uuids: set[int] = set()  # hashes: a 200 MB session has a lot of lines
        self.uuid_agent: dict[str, str] = {}  # inline sidechain lines -> agent key
        self.sidechain_roots = 0
        self.task_prompts: dict[str, ToolCall] = {}
        # live-path bookkeeping (main agent only)
        self.parent_of: dict[int, int | None] = {}
        self.heads: dict[int, list[tuple[int, str, int]]] = {}
        self.owned: list[tuple[int, Any]] = []
        self.last_main_uuid: int | None = None
        self.progress_agents: set[str] = set()
        self.standalone_agent: str | None = None

    # -- helpers ---------------------------------------------------------------------------
    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def agent(self, key: str) -> Agent:
        agent = self.session.agents.get(key)
        if agent is None:
            agent = Agent(id=key, context=ContextIndex(), source=self.session.path)
            self.session.agents[key] = agent
        return agent

    # -- line dispatch ---------------------------------------------------------------------
    def line(self, lineno: int | None, rec: Any, path: str, forced_agent: str | None = None) -> None:
        if not isinstance(rec, dict):
            self.session.problems.append(ParseProblem(path, lineno, "line is not a JSON object; line skipped"))
            return
        kind = rec.get("type")
        if kind == "progress":
            self.progress(lineno, rec, path)
            return
        if kind not in ("user", "assistant", "system"):
            return  # summaries, snapshots, queue operations and unknown line types carry no calls
        uuid = rec.get("uuid")
        if isinstance(uuid, str):
            when = rec.get("timestamp")
            stamp = hash((uuid, when if isinstance(when, str) else None, _shape(rec)))
            if stamp in self.seen_uuids:
                return  # resumed sessions re-append earlier lines
            self.seen_uuids.add(stamp)
        if self.session.session_id is None:
            sid = rec.get("sessionId", rec.get("session_id"))  # the latter in stream-json output
            if isinstance(sid, str):
                self.session.session_id = sid
        agent_key = forced_agent or self.agent_of(rec)
        if agent_key == MAIN_AGENT and self.session.cwd is None and isinstance(rec.get("cwd"), str):
            self.session.cwd = rec["cwd"]
        if agent_key == MAIN_AGENT and forced_agent is None and isinstance(uuid, str):
            parent = rec.get("parentUuid")
            if parent is None and rec.get("subtype") == "compact_boundary":
                parent = rec.get("logicalParentUuid")
            # uuids are kept as hashes: the live path needs identity, not the strings
            self.parent_of[hash(uuid)] = hash(parent) if isinstance(parent, str) else None
            self.last_main_uuid = hash(uuid)
        loc = Location(path, lineno)
        if kind == "assistant":
            self.assistant(rec, agent_key, loc)
        elif kind == "user":
            self.user(rec, agent_key, loc)
        else:
            self.system(rec, agent_key, loc)

    def agent_of(self, rec: dict[str, Any]) -> str:
        if self.standalone_agent is not None:
            return MAIN_AGENT
        spawner = rec.get("parent_tool_use_id")
        if isinstance(spawner, str) and spawner:
            return self.stream_subagent(spawner)
        if not rec.get("isSidechain"):
            return MAIN_AGENT
        agent_id = rec.get("agentId")
        if isinstance(agent_id, str) and agent_id:
            return agent_id
        parent = rec.get("parentUuid")
        uuid = rec.get("uuid")
        key = self.uuid_agent.get(parent) if isinstance(parent, str) else None
        if key is None:
            self.sidechain_roots += 1
            key = f"sidechain-{self.sidechain_roots}"
            agent = self.agent(key)
            text = _text_of(rec.get("message", {}).get("content")) if isinstance(rec.get("message"), dict) else ""
            call = self.task_prompts.pop(text.strip(), None)
            if call is not None:
                agent.parent_call = call
                call.spawned_agent = key
                agent.description = str(call.input.get("description", ""))
        if isinstance(uuid, str):
            self.uuid_agent[uuid] = key
        return key

    def stream_subagent(self, spawner: str) -> str:
        """The subagent of a ``--output-format stream-json`` run: its messages name the Task call
        that launched it (``parent_tool_use_id``), and that call's id is the agent's."""
        agent = self.session.agents.get(spawner)
        if agent is None:
            agent = self.agent(spawner)
            call = self.calls.get(spawner)
            if call is not None and call.spawned_agent is None:
                agent.parent_call = call
                call.spawned_agent = spawner
                agent.description = str(call.input.get("description", ""))
        return spawner

    # -- assistant lines -------------------------------------------------------------------
    def assistant(self, rec: dict[str, Any], agent_key: str, loc: Location) -> None:
        msg = rec.get("message")
        if not isinstance(msg, dict):
            return
        mid = msg.get("id") or rec.get("requestId") or rec.get("uuid") or f"line-{loc.line}"
        agent = self.agent(agent_key)
        ts = parse_time(rec.get("timestamp"))
        key = (agent_key, str(mid))
        step = self.steps.get(key)
        if step is None:
            step = Step(index=len(agent.steps), agent_id=agent_key, message_id=str(mid), location=loc,
                        seq=self.next_seq(), start=ts, end=ts)
            self.steps[key] = step
            agent.steps.append(step)
            if agent_key == MAIN_AGENT and isinstance(rec.get("uuid"), str):
                self.branch_head(rec, "assistant", str(mid), step)
        elif ts is not None:
            step.end = ts if step.end is None else max(step.end, ts)
            if step.start is None:
                step.start = ts
        model = msg.get("model")
        if model == "<synthetic>" or rec.get("isApiErrorMessage"):
            step.synthetic = True
        elif isinstance(model, str) and model:
            self.session.models.add(model)
        usage = msg.get("usage")
        if isinstance(usage, dict):
            self.take_usage(step, usage, model if isinstance(model, str) else None)
        content = msg.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        if not isinstance(content, list):
            return
        ctx = agent.context
        assert ctx is not None
        for pos, block in enumerate(content):
            if not isinstance(block, dict):
                continue
            btype = block.get("type")
            if btype == "text" and isinstance(block.get("text"), str):
                if len(step.text) < PROSE_LIMIT:
                    text = f"{step.text}\n{block['text']}" if step.text else block["text"]
                    step.text = text[:PROSE_LIMIT]
                ctx.add(block["text"], step.seq)
            elif btype == "thinking" and isinstance(block.get("thinking"), str):
                step.reasoned = True  # newer versions keep only the signature: the text is ""
                ctx.add(block["thinking"], step.seq)
                step.think(block["thinking"])
            elif btype == "redacted_thinking":
                step.reasoned = True
            elif btype == "tool_use":
                self.tool_use(block, step, agent, loc, ts, pos)

    def take_usage(self, step: Step, usage: dict[str, Any], model: str | None) -> None:
        output = num(usage.get("output_tokens"))
        if step.usage is not None and output <= step.usage.output:
            return  # the same usage repeated on another line of the message
        step.usage = Usage(input=num(usage.get("input_tokens")), output=output,
                           cache_read=num(usage.get("cache_read_input_tokens")),
                           cache_write=num(usage.get("cache_creation_input_tokens")), model=model)

    def tool_use(self, block: dict[str, Any], step: Step, agent: Agent, loc: Location,
                 ts: float | None, pos: int) -> None:
        call_id = block.get("id")
        if not isinstance(call_id, str) or not call_id:
            call_id = f"@{loc.line}:{pos}"  # no id in the transcript: line and block
        if call_id in self.calls:
            return  # the same block seen again (a progress mirror or a re-appended line)
        name = block.get("name") if isinstance(block.get("name"), str) else "?"
        raw_input = block.get("input")
        call_input = _bounded_input(raw_input)
        call = ToolCall(id=call_id, name=name, input=call_input, location=loc, timestamp=ts, step=step,
                        agent_id=agent.id, background=bool(call_input.get("run_in_background")))
        step.calls.append(call)
        self.calls[call_id] = call
        assert agent.context is not None
        agent.context.add(_input_text(call_input), step.seq)
        if name in ("Task", "Agent"):
            prompt = call_input.get("prompt")
            if isinstance(prompt, str) and isinstance(raw_input, dict):
                full = raw_input.get("prompt")
                self.task_prompts[(full if isinstance(full, str) else prompt).strip()] = call

    # -- user lines ------------------------------------------------------------------------
    def user(self, rec: dict[str, Any], agent_key: str, loc: Location) -> None:
        msg = rec.get("message")
        if not isinstance(msg, dict):
            return
        agent = self.agent(agent_key)
        ctx = agent.context
        assert ctx is not None
        ts = parse_time(rec.get("timestamp"))
        content = msg.get("content")
        if isinstance(content, str):
            self.user_text(rec, agent, content, loc, ts)
            return
        if not isinstance(content, list):
            return
        texts = []
        had_result = False
        for block in content:
            if not isinstance(block, dict):
                continue
            btype = block.get("type")
            if btype == "tool_result":
                had_result = True
                self.tool_result(rec, block, agent, loc, ts)
            elif btype == "text" and isinstance(block.get("text"), str):
                texts.append(block["text"])
        if texts:
            text = "\n".join(texts)
            if had_result:
                seq = self.next_seq()
                ctx.add(text, seq)
                if text.lstrip().startswith("[Request interrupted"):
                    agent.events.append(Event("interrupt", seq, loc, ts, text[:200]))
            else:
                self.user_text(rec, agent, text, loc, ts)

    def user_text(self, rec: dict[str, Any], agent: Agent, text: str, loc: Location, ts: float | None) -> None:
        stripped = text.lstrip()
        if rec.get("isCompactSummary"):
            kind = "compact"
        elif stripped.startswith("[Request interrupted"):
            kind = "interrupt"
        elif stripped.startswith("<task-notification>"):
            kind = "notification"
        elif rec.get("isMeta") or stripped.startswith(("<local-command-stdout>", "<local-command-stderr>",
                                                       "Caveat: The messages below",
                                                       "Operation stopped by hook:")):
            kind = "meta"
        else:
            kind = "prompt"
        seq = self.next_seq()
        event = Event(kind, seq, loc, ts, text[:RESULT_HEAD])
        agent.events.append(event)
        assert agent.context is not None
        agent.context.add(text, seq)
        if kind == "prompt" and agent.id == MAIN_AGENT and isinstance(rec.get("uuid"), str):
            self.branch_head(rec, "prompt", "", event)

    def tool_result(self, rec: dict[str, Any], block: dict[str, Any], agent: Agent, loc: Location,
                    ts: float | None) -> None:
        call_id = block.get("tool_use_id")
        text = _text_of(block.get("content"))
        seq = self.next_seq()
        empty = len(text) < 400 and _CWD_NOTICE.sub("", text).strip().lower() in _EMPTY_RESULTS
        result = ToolResult.of(text, RESULT_HEAD, is_error=bool(block.get("is_error")), timestamp=ts,
                               location=loc, seq=seq, empty=empty)
        call = self.calls.get(call_id) if isinstance(call_id, str) else None
        assert agent.context is not None
        if call is None:
            agent.context.add(text, seq)
            return
        if call.result is not None:
            return
        call.result = result
        # Index the result in the context of the agent that made the call. File contents returned
        # by a read are left out: they are the bulk of a transcript, and a value only they hold
        # then looks unknown, which keeps the rules silent (see linter.context).
        if call.name not in _CONTENT_TOOLS:
            owner = self.session.agents.get(call.agent_id, agent)
            assert owner.context is not None
            owner.context.add(text, seq)
        side = rec.get("toolUseResult")
        if isinstance(side, dict):
            agent_id = side.get("agentId")
            if isinstance(agent_id, str) and agent_id and call.spawned_agent is None:
                call.spawned_agent = agent_id
            if side.get("backgroundTaskId") or side.get("status") == "async_launched":
                call.background = True
        if agent.id == MAIN_AGENT and isinstance(rec.get("uuid"), str):
            self.owned.append((hash(rec["uuid"]), result))

    # -- system and progress lines ---------------------------------------------------------
    def system(self, rec: dict[str, Any], agent_key: str, loc: Location) -> None:
        subtype = rec.get("subtype")
        if subtype in ("compact_boundary", "microcompact_boundary"):
            agent = self.agent(agent_key)
            seq = self.next_seq()
            agent.events.append(Event("compact", seq, loc, parse_time(rec.get("timestamp")), str(subtype)))
        elif subtype == "local_command":
            agent = self.agent(agent_key)
            seq = self.next_seq()
            text = rec.get("content") if isinstance(rec.get("content"), str) else ""
            agent.events.append(Event("meta", seq, loc, parse_time(rec.get("timestamp")), text[:200]))

    def progress(self, lineno: int, rec: dict[str, Any], path: str) -> None:
        data = rec.get("data")
        if not isinstance(data, dict) or data.get("type") != "agent_progress":
            return
        inner = data.get("message")
        agent_id = data.get("agentId")
        if not isinstance(inner, dict) or not isinstance(agent_id, str) or not agent_id:
            return
        uuid = inner.get("uuid")
        if isinstance(uuid, str):
            when = inner.get("timestamp")
            stamp = hash((uuid, when if isinstance(when, str) else None, _shape(inner)))
            if stamp in self.seen_uuids:
                return
            self.seen_uuids.add(stamp)
        agent = self.agent(agent_id)
        self.progress_agents.add(agent_id)
        parent_id = rec.get("parentToolUseID")
        if agent.parent_call is None and isinstance(parent_id, str):
            call = self.calls.get(parent_id)
            if call is not None:
                agent.parent_call = call
                call.spawned_agent = agent_id
                agent.description = str(call.input.get("description", ""))
        kind = inner.get("type")
        loc = Location(path, lineno)
        if kind == "assistant":
            self.assistant(inner, agent_id, loc)
        elif kind == "user":
            if not agent.steps and not agent.events:
                # the subagent's first message is its prompt
                content = inner.get("message", {}).get("content") if isinstance(inner.get("message"), dict) else None
                self.user_text({}, agent, _text_of(content), loc, parse_time(inner.get("timestamp")))
            else:
                self.user(inner, agent_id, loc)

    # -- live path -------------------------------------------------------------------------
    def branch_head(self, rec: dict[str, Any], kind: str, mid: str, obj: Any) -> None:
        uuid = hash(rec["uuid"])
        parent = rec.get("parentUuid")
        if isinstance(parent, str):
            self.heads.setdefault(hash(parent), []).append((uuid, kind, len(self.owned)))
        self.owned.append((uuid, obj))
        if kind == "assistant":
            self.head_mid[uuid] = mid

    head_mid: dict[int, str]

    def drop_dead_branches(self) -> int:
        forks = []
        for parent, children in self.heads.items():
            prompts = [c for c in children if c[1] == "prompt"]
            mids = {self.head_mid.get(c[0]) for c in children if c[1] == "assistant"}
            if len(prompts) > 1 or len(mids) > 1:
                forks.append((parent, children))
        if not forks:
            return 0
        live: set[int] = set()
        node = self.last_main_uuid
        while node is not None and node not in live:
            live.add(node)
            node = self.parent_of.get(node)
        dead_heads = []
        for _parent, children in forks:
            if any(c[0] in live for c in children):
                dead_heads.extend(c[0] for c in children if c[0] not in live)
            else:
                dead_heads.extend(c[0] for c in children[:-1])
        children_of: dict[int, list[int]] = {}
        for child, parent in self.parent_of.items():
            if parent is not None:
                children_of.setdefault(parent, []).append(child)
        dead: set[int] = set()
        stack = list(dead_heads)
        while stack:
            node = stack.pop()
            if node in dead or node in live:
                continue
            dead.add(node)
            stack.extend(children_of.get(node, ()))
        doomed_steps = {id(obj) for uuid, obj in self.owned if uuid in dead and isinstance(obj, Step)}
        doomed_events = {id(obj) for uuid, obj in self.owned if uuid in dead and isinstance(obj, Event)}
        main = self.session.agents.get(MAIN_AGENT)
        if main is None:
            return 0
        before = len(main.steps)
        main.steps = [s for s in main.steps if id(s) not in doomed_steps]
        main.events = [e for e in main.events if id(e) not in doomed_events]
        for index, step in enumerate(main.steps):
            step.index = index
        return before - len(main.steps)


def _subagent_files(path: str, session_id: str | None) -> dict[str, str]:
    """agent id -> transcript path, for the layouts that keep subagents in their own files."""
    found: dict[str, str] = {}
    directory = os.path.dirname(path) or "."
    stem = os.path.splitext(os.path.basename(path))[0]
    for sub_dir in {os.path.join(directory, stem, "subagents")} | (
        {os.path.join(directory, session_id, "subagents")} if session_id else set()
    ):
        if os.path.isdir(sub_dir):
            for name in os.listdir(sub_dir):
                if _AGENT_FILE.match(name):
                    found[name[len("agent-"):-len(".jsonl")]] = os.path.join(sub_dir, name)
    return found


def _meta_link(agent_file: str) -> str | None:
    meta = agent_file[: -len(".jsonl")] + ".meta.json"
    try:
        import orjson

        with open(meta, "rb") as fp:
            value = orjson.loads(fp.read())
        link = value.get("toolUseId") if isinstance(value, dict) else None
        return link if isinstance(link, str) else None
    except (OSError, ValueError):
        return None


_AGENT_FILE = re.compile(r"^agent-[0-9A-Za-z-]{5,64}\.jsonl$")


def is_companion(path: str) -> bool:
    """Is this file read together with another (a subagent transcript), not on its own?"""
    return is_subagent_file(path)


def is_subagent_file(path: str) -> bool:
    """Is this a subagent's own transcript (attached to its parent session, not linted alone)?"""
    name = os.path.basename(path)
    return bool(_AGENT_FILE.match(name)) or (os.sep + "subagents" + os.sep) in path


def parse(path: str, *, standalone_agent: bool | None = None) -> Session:
    builder = _Builder(path)
    builder.head_mid = {}
    if standalone_agent is None:
        standalone_agent = is_subagent_file(path)
    if standalone_agent:
        builder.standalone_agent = os.path.basename(path)
    session = builder.session
    builder.agent(MAIN_AGENT)
    for lineno, rec in _records(path, session.problems):
        builder.line(lineno, rec, path)
    dropped = builder.drop_dead_branches()
    if dropped:
        session.note("dead-branches", f"{dropped} step(s) on abandoned branches (rewinds) were left out")
    if not standalone_agent:
        _attach_subagent_files(builder, path)
    _finish(builder)
    return session


def _records(path: str, problems: list[ParseProblem]) -> Iterator[tuple[int | None, Any]]:
    """The lines of a transcript, or the elements of a one-document array of stream-json messages
    (claude-code-action's execution log), each with the line it starts on."""
    if first_record(path) is not None or not first_line(path).lstrip().startswith(b"["):
        yield from iter_records(path, problems, skip=_no_use)
        return
    try:
        document = load_document(path)
    except DocumentError as exc:
        problems.append(ParseProblem(path, exc.line, f"invalid JSON ({exc.reason}); not checked"))
        return
    if not isinstance(document, list):
        problems.append(ParseProblem(path, 1, "a JSON document that is not an array of messages; not checked"))
        return
    with open(path, "rb") as fp:
        text = fp.read().decode("utf-8", "replace")
    place = Place(path, text, element_spans(text, {None}))
    for index, rec in enumerate(document):
        yield place.line(None, index), rec


def _attach_subagent_files(builder: _Builder, path: str) -> None:
    session = builder.session
    files = _subagent_files(path, session.session_id)
    directory = os.path.dirname(path) or "."
    wanted = {call.spawned_agent: call for call in builder.calls.values()
              if call.spawned_agent and not call.spawned_agent.startswith("sidechain-")}
    for agent_id in wanted:
        if agent_id not in files:
            flat = os.path.join(directory, f"agent-{agent_id}.jsonl")
            if os.path.isfile(flat):
                files[agent_id] = flat
    for agent_id, file in sorted(files.items()):
        call = wanted.get(agent_id)
        if call is None:
            link = _meta_link(file)
            call = builder.calls.get(link) if link else None
        if agent_id in session.agents:
            # the file is complete; progress lines only mirrored part of it
            old = session.agents.pop(agent_id)
            for step in old.steps:
                for c in step.calls:
                    builder.calls.pop(c.id, None)
            builder.steps = {k: v for k, v in builder.steps.items() if k[0] != agent_id}
        agent = builder.agent(agent_id)
        agent.source = file
        if call is not None:
            agent.parent_call = call
            call.spawned_agent = agent_id
            agent.description = str(call.input.get("description", ""))
        try:
            for lineno, rec in iter_records(file, session.problems):
                if isinstance(rec, dict) and rec.get("type") in ("user", "assistant", "system"):
                    builder.line(lineno, rec, file, forced_agent=agent_id)
        except OSError as exc:
            session.problems.append(ParseProblem(file, None, f"cannot read subagent transcript: {exc.strerror}"))
        if not agent.steps and _is_warmup(agent):
            session.agents.pop(agent_id, None)


def _is_warmup(agent: Agent) -> bool:
    return any(e.text.strip() == "Warmup" for e in agent.events)


def _finish(builder: _Builder) -> None:
    session = builder.session
    for agent in session.agents.values():
        agent.steps.sort(key=lambda s: s.seq)
        for index, step in enumerate(agent.steps):
            step.index = index
    missing = [call for call in builder.calls.values()
               if call.name in ("Task", "Agent") and call.result is not None
               and (call.spawned_agent is None or call.spawned_agent not in session.agents)]
    if missing:
        session.note("subagents", f"{len(missing)} subagent transcript(s) not found; their calls were not checked")
    has_time = any(step.start is not None for step in session.all_steps())
    if not has_time:
        session.note("seconds", "no timestamps recorded")
    if not any(step.usage is not None for step in session.all_steps()):
        session.note("context_tokens", "no token usage recorded")
