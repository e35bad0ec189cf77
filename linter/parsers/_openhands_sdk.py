"""OpenHands V1 event logs (the software-agent SDK), read as the ``openhands`` format.

Every event is an object with ``id``, ``timestamp``, ``source`` (``agent``, ``user`` or
``environment``) and ``kind``, its class name. Three layouts hold them:

* a conversation folder (``~/.openhands/conversations/<id>/``): ``events/event-00000-<uuid>.json``,
  one event per file, beside ``base_state.json`` (working directory, token usage per response);
* benchmark ``output.jsonl`` rows whose ``history`` is a list of events;
* a JSON array of events, an agent-server page ``{"items": [...]}``, or JSON Lines of events.

What this module rebuilds:

* Steps: the ``ActionEvent`` events of one model response share ``llm_response_id`` and are written
  back to back: one Step, whose prose and reasoning the first of them carries (``thought``,
  ``reasoning_content``). An agent ``MessageEvent`` is a Step with prose only. ``finish`` is no
  call: its message is the agent's last words.
* Calls: named by ``tool_name``, with the model's own arguments (``tool_call.arguments``, less the
  ``security_risk`` and ``summary`` the SDK lifts out of them), else the ``action`` object.
* Results: ``ObservationEvent`` joined on ``tool_call_id`` (else ``action_id``). A result is failed
  when it says ``is_error``, when the command's exit code is not zero (``-1``, a command still
  running, only when it timed out), when a task ends in ``error``, and when the call was answered
  by an ``AgentErrorEvent`` (arguments the tool could not take) or a ``UserRejectObservation``.
* Events: user messages are prompts, the system prompt is meta, ``PauseEvent`` and
  ``InterruptEvent`` (and a person rejecting a call) are interrupts, ``Condensation`` is a
  compaction.
* Usage: ``base_state.json`` keeps each response's tokens in
  ``stats.usage_to_metrics.agent.token_usages``, joined to the steps on ``response_id``.
* Subagents: the ``task`` tool runs a child conversation stored under ``subagents/``, with no link
  back to the call that started it; those are not read, and a note says so.
"""

from __future__ import annotations

import os
import re
from typing import Any

import orjson

from linter.model import Agent, Location, ParseProblem, Session, ToolCall, ToolResult, Usage
from linter.parsers._common import clip_strings, infer_cwd
from linter.parsers._event_folders import BASE_STATE, event_files
from linter.parsers.openhands import (
    FORMAT,
    INPUT_STRING_LIMIT,
    RESULT_HEAD,
    _Builder,
    _finish,
    _input_text,
    _text,
    _usage,
)
from linter.textutil import parse_time, safe

# The event kinds of the SDK (``openhands/sdk/event``); newer releases add more, so any kind
# spelled like a class of events is accepted as long as the list holds the core ones.
KINDS = frozenset({
    "MessageEvent", "ActionEvent", "ObservationEvent", "AgentErrorEvent", "UserRejectObservation",
    "SystemPromptEvent", "Condensation", "CondensationRequest", "CondensationSummaryEvent",
    "ConversationStateUpdateEvent", "PauseEvent", "InterruptEvent", "TokenEvent", "HookExecutionEvent",
    "LLMCompletionLogEvent", "ConversationErrorEvent", "ACPToolCallEvent", "StreamingDeltaEvent",
})
_CORE = frozenset({"MessageEvent", "ActionEvent", "ObservationEvent"})
_LIFTED = ("security_risk", "summary")  # added to every tool's arguments by the SDK, not the tool's own
_EDITORS = ("file_editor", "str_replace_editor", "planning_file_editor")


def _kind(item: Any) -> str | None:
    if not isinstance(item, dict) or "role" in item or ("action" in item and "kind" not in item):
        return None
    kind = item.get("kind")
    if isinstance(kind, str) and (kind in KINDS or re.fullmatch(r"[A-Z][A-Za-z]*(Event|Observation)", kind)):
        return kind
    return None


def is_event(item: Any) -> bool:
    """One SDK event (a file of the event folder holds exactly one)."""
    return _kind(item) is not None and ("id" in item or "source" in item)


def looks_like_events(items: Any) -> bool:
    """A list whose first entries are all SDK events, one of them a message, action or observation."""
    if not isinstance(items, list) or not items:
        return False
    head = items[:30]
    kinds = [_kind(item) for item in head]
    return all(kinds) and any(k in _CORE for k in kinds)


# -- the conversation folder ---------------------------------------------------------------------
def _state(conversation: str, problems: list[ParseProblem]) -> dict[str, Any]:
    path = os.path.join(conversation, BASE_STATE)
    try:
        with open(path, "rb") as fp:
            state = orjson.loads(fp.read())
    except FileNotFoundError:
        return {}
    except (OSError, orjson.JSONDecodeError) as exc:
        problems.append(ParseProblem(path, None, f"cannot read the conversation state ({safe(str(exc), 120)}); "
                                                 "token usage and working directory left out", "warning"))
        return {}
    return state if isinstance(state, dict) else {}


def _usages(state: dict[str, Any]) -> tuple[dict[str, Usage], str | None]:
    """Each response's usage by response id, and the agent's model, from ``base_state.json``."""
    stats = state.get("stats")
    metrics = stats.get("usage_to_metrics") if isinstance(stats, dict) else None
    agent = metrics.get("agent") if isinstance(metrics, dict) else None
    if not isinstance(agent, dict):
        return {}, None
    model = agent.get("model_name") if isinstance(agent.get("model_name"), str) else None
    out: dict[str, Usage] = {}
    entries = agent.get("token_usages")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("response_id"), str):
            usage = _usage(entry, entry.get("model") if isinstance(entry.get("model"), str) else model)
            if usage is not None:
                out.setdefault(entry["response_id"], usage)
    return out, model


def parse_folder(first: str) -> Session:
    """The conversation whose ``events`` folder holds ``first``: every event file, in order."""
    folder = os.path.dirname(first) or "."
    conversation = os.path.dirname(os.path.abspath(folder))
    shown = os.path.dirname(folder) or "."
    problems: list[ParseProblem] = []
    state = _state(shown, problems)
    sid = state.get("id") if isinstance(state.get("id"), str) else os.path.basename(conversation)
    usages, model = _usages(state)
    session = Session(path=shown, format=FORMAT, session_id=safe(sid, 200), cwd=None)
    session.problems.extend(problems)
    workspace = state.get("workspace")
    if isinstance(workspace, dict) and isinstance(workspace.get("working_dir"), str):
        session.cwd = workspace["working_dir"]
    builder = SdkBuilder(session, usages, model)
    event_files.cache_clear()  # a conversation still being written may have grown since the walk
    for name in event_files(os.path.abspath(folder)):
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as fp:
                event = orjson.loads(fp.read())
        except orjson.JSONDecodeError as exc:
            session.problems.append(ParseProblem(path, exc.lineno, f"invalid JSON ({str(exc).split(':', 1)[0]}); "
                                                                   "event skipped"))
            continue
        except OSError as exc:
            session.problems.append(ParseProblem(path, None, f"cannot read: {exc.strerror or exc}; event skipped"))
            continue
        builder.sdk_event(event, Location(path, 1))
    children = os.path.join(shown, "subagents")
    if os.path.isdir(children):
        count = sum(1 for name in os.listdir(children) if os.path.isdir(os.path.join(children, name)))
        if count:
            session.note("subagents", f"{count} subagent conversation(s) under subagents/ are not read: "
                                      "nothing links them to the task calls that started them")
    finish(builder)
    return session


def finish(builder: SdkBuilder) -> None:
    spawns = [c for c in builder.session.all_calls() if c.name in ("task", "delegate") and c.spawned_agent is None]
    if spawns and not any(n.what == "subagents" for n in builder.session.notes):
        builder.session.note("subagents", f"{len(spawns)} subagent task(s) ran in conversations of their own, "
                                          "which this log does not hold; their calls were not checked")
    # no default sandbox directory: an SDK agent works where it is started, which only the state
    # file and the shell record; else the paths the agent was given and used say where it was
    cwd = builder.session.cwd or infer_cwd(builder.session)
    _finish(builder)
    builder.session.cwd = cwd


# -- the events --------------------------------------------------------------------------------------
def _arguments(e: dict[str, Any]) -> dict[str, Any]:
    """The model's arguments of an action: ``tool_call.arguments``, else the ``action`` object."""
    tool_call = e.get("tool_call") if isinstance(e.get("tool_call"), dict) else {}
    raw = tool_call.get("arguments")
    value: Any = None
    if isinstance(raw, str):
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            value = None
    elif isinstance(raw, dict):
        value = raw
    if not isinstance(value, dict):
        action = e.get("action")
        value = {k: v for k, v in action.items() if k != "kind"} if isinstance(action, dict) else {}
    return clip_strings({k: v for k, v in value.items() if k not in _LIFTED}, INPUT_STRING_LIMIT)


def _exit_code(observation: dict[str, Any]) -> int | None:
    meta = observation.get("metadata") if isinstance(observation.get("metadata"), dict) else {}
    for value in (observation.get("exit_code"), meta.get("exit_code")):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


class SdkBuilder(_Builder):
    """One session under construction from SDK events."""

    def __init__(self, session: Session, usages: dict[str, Usage], model: str | None) -> None:
        super().__init__(session)
        self.usages = usages
        self.default_model = model
        if model:
            session.models.add(model)

    def sdk_event(self, e: Any, loc: Location) -> None:
        kind = _kind(e)
        if kind is None:
            self.session.problems.append(ParseProblem(loc.path, loc.line, "entry is not an OpenHands event "
                                                                          "(no known kind); skipped", "warning"))
            return
        ts = parse_time(e.get("timestamp"))
        agent = self.main
        if kind == "ActionEvent":
            self.sdk_action(agent, e, loc, ts)
        elif kind == "ObservationEvent":
            self.sdk_observation(e, loc, ts)
        elif kind in ("AgentErrorEvent", "UserRejectObservation"):
            self.sdk_refusal(agent, kind, e, loc, ts)
        elif kind == "MessageEvent":
            self.sdk_message(agent, e, loc, ts)
        elif kind == "SystemPromptEvent":
            self.add_event(agent, "meta", _text(e.get("system_prompt")) or _text([e.get("system_prompt")]), loc, ts,
                           index=False)
        elif kind in ("PauseEvent", "InterruptEvent"):
            self.add_event(agent, "interrupt", "agent paused by the user" if kind == "PauseEvent" else
                           f"agent interrupted ({safe(str(e.get('reason') or 'by the user'), 80)})", loc, ts)
        elif kind == "Condensation":
            self.add_event(agent, "compact", "context condensed", loc, ts, index=False)
        elif kind == "CondensationSummaryEvent":
            self.add_event(agent, "meta", _text(e.get("summary")), loc, ts)
        elif kind == "ConversationErrorEvent":
            self.add_event(agent, "meta", _text(e.get("detail")), loc, ts)

    def sdk_message(self, agent: Agent, e: dict[str, Any], loc: Location, ts: float | None) -> None:
        message = e.get("llm_message") if isinstance(e.get("llm_message"), dict) else {}
        text = _text(message.get("content"))
        source = e.get("source")
        if source == "user" or (source is None and message.get("role") == "user"):
            self.add_event(agent, "prompt", text, loc, ts)
            return
        if source not in ("agent", None):
            self.add_event(agent, "meta", text, loc, ts)
            return
        step = self.response_step(agent, e, loc, ts, force_new=True)
        self.add_prose(agent, step, text)
        self.reasoning(agent, step, message.get("reasoning_content"))

    def response_step(self, agent: Agent, e: dict[str, Any], loc: Location, ts: float | None,
                      force_new: bool = False):  # -> Step
        """The Step of the event's model response: the open one when the response goes on."""
        rid = e.get("llm_response_id")
        rid = rid if isinstance(rid, str) and rid else None
        step = self.responses.get((agent.id, rid)) if rid and not force_new else None
        if step is not None and agent.steps and step is agent.steps[-1]:
            if ts is not None:
                step.end = ts if step.end is None else max(step.end, ts)
            return step
        step = self.new_step(agent, e, loc, ts)
        if rid:
            step.message_id = rid
            self.responses[(agent.id, rid)] = step
            usage = self.usages.get(rid)
            if usage is not None:
                step.usage = usage
                if usage.model:
                    self.session.models.add(usage.model)
        return step

    def reasoning(self, agent: Agent, step: Any, value: Any) -> None:
        if isinstance(value, str) and value:
            agent.context.add(value, step.seq)  # type: ignore[union-attr]
            step.think(value)

    def sdk_action(self, agent: Agent, e: dict[str, Any], loc: Location, ts: float | None) -> None:
        step = self.response_step(agent, e, loc, ts)
        self.add_prose(agent, step, _text(e.get("thought")))
        self.reasoning(agent, step, e.get("reasoning_content"))
        tool_call = e.get("tool_call") if isinstance(e.get("tool_call"), dict) else {}
        action = e.get("action") if isinstance(e.get("action"), dict) else {}
        name = next((v for v in (e.get("tool_name"), tool_call.get("name"), action.get("kind"))
                     if isinstance(v, str) and v), "?")
        args = _arguments(e)
        event_id = e.get("id") if isinstance(e.get("id"), str) else None
        if name == "finish":  # the run's end: the agent's last words, not a call
            message = args.get("message")
            if isinstance(message, str) and message not in step.text:
                self.add_prose(agent, step, message)
            return
        if name in ("terminal", "execute_bash") and not args.get("cwd") and agent.id in self.cwd:
            args["cwd"] = self.cwd[agent.id]
        raw_id = e.get("tool_call_id") or tool_call.get("id")
        raw_id = raw_id if isinstance(raw_id, str) and raw_id else None
        self.ids += 1
        call_id = raw_id if raw_id and raw_id not in self.by_tool_id else f"{raw_id or 'event'}@{event_id or self.ids}"
        call = ToolCall(id=call_id, name=name, input=args, location=loc, timestamp=ts, step=step, agent_id=agent.id)
        if name == "task" and args.get("run_in_background") in (True, "true", "True"):
            call.background = True
        step.calls.append(call)
        agent.context.add(_input_text(args), step.seq)  # type: ignore[union-attr]
        if raw_id:
            self.by_tool_id.setdefault(raw_id, call)
        if event_id:
            self.by_event[event_id] = call

    def _call_of(self, e: dict[str, Any]) -> ToolCall | None:
        tool_id, action_id = e.get("tool_call_id"), e.get("action_id")
        call = self.by_tool_id.get(tool_id) if isinstance(tool_id, str) else None
        if call is None and isinstance(action_id, str):
            call = self.by_event.get(action_id)
        return call

    def sdk_observation(self, e: dict[str, Any], loc: Location, ts: float | None) -> None:
        observation = e.get("observation") if isinstance(e.get("observation"), dict) else {}
        text = _text(observation.get("content")) or _text(observation.get("output"))
        call = self._call_of(e)
        if call is None or call.result is not None:
            if call is None and text and e.get("tool_name") != "finish":
                self.main.context.add(text, self.next_seq())  # type: ignore[union-attr]
            return
        meta = observation.get("metadata") if isinstance(observation.get("metadata"), dict) else {}
        directory = meta.get("working_dir")
        if isinstance(directory, str) and directory.startswith("/"):
            self.cwd[call.agent_id] = directory
            if self.session.cwd is None:
                self.session.cwd = directory
        code = _exit_code(observation)
        failed = observation.get("is_error") is True or observation.get("error") is True or \
            observation.get("status") == "error"
        if code is not None and code != 0:
            failed = failed or code != -1 or observation.get("timeout") is True or "timed out" in text.lower()
        seq = self.next_seq()
        call.result = ToolResult.of(text, RESULT_HEAD, is_error=failed, timestamp=ts, location=loc, seq=seq,
                                    empty=not text.strip())
        content = call.name in _EDITORS and call.input.get("command") == "view" and \
            not text.startswith("Here's the files and directories")
        if not content:
            owner = self.session.agents.get(call.agent_id, self.main)
            owner.context.add(text, seq)  # type: ignore[union-attr]

    def sdk_refusal(self, agent: Agent, kind: str, e: dict[str, Any], loc: Location, ts: float | None) -> None:
        """A call the tool could not take (``AgentErrorEvent``) or a person or hook turned down."""
        text = _text(e.get("error")) or _text(e.get("rejection_reason")) or kind
        call = self._call_of(e)
        if call is not None and call.result is None:
            call.result = ToolResult.of(text, RESULT_HEAD, is_error=True, timestamp=ts, location=loc,
                                        seq=self.next_seq(), empty=False)
        else:
            self.add_event(agent, "meta", text, loc, ts)
        if kind == "UserRejectObservation" and e.get("rejection_source") in (None, "user"):
            self.add_event(agent, "interrupt", "a person rejected the call", loc, ts)
