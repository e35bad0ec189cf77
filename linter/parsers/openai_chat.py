"""OpenAI Chat Completions message lists (the ``messages`` of a ``/v1/chat/completions`` request).

Accepted layouts: a JSON array of messages; an object with ``messages`` (optionally ``model``,
``tools`` and ``responses``, the recorded ``chat.completion`` objects of a request/response
recording); JSON Lines with one message per line, or one such object per line (one session each).
A JSON Lines file may open with a session header record (nanobot's ``{"_type": "metadata", ...}``),
which is passed over.

What this parser rebuilds:

* Steps: each assistant message is one model turn; its ``tool_calls`` (or the legacy single
  ``function_call``) are the calls it issued together (a conversation whose calls are all legacy
  function calls could make one call per turn: serialised calls are not advised there).
  ``arguments`` is a JSON string: it is decoded, and a malformed one is a warning (the call keeps
  an empty input). A call saved with its arguments already decoded (``{"name", "args", "id"}``,
  LangChain's shape) is read as well.
* Results: ``role: tool`` messages joined on ``tool_call_id``; a legacy ``role: function``
  message answers the latest unanswered ``function_call``.
* Events: ``user`` messages are prompts, ``system`` and ``developer`` messages harness text (meta).
* Usage: a ``usage`` on the assistant message, else the recorded response that produced it
  (matched by call ids, else by text). ``prompt_tokens`` includes the cached
  ``prompt_tokens_details.cached_tokens``, which are taken out of ``input``. A recorded response
  that the list does not hold yet (the final answer) becomes the last step.
* Context: the request's ``tools`` definitions (names, descriptions, enums, defaults) before the
  first turn, then prompts, prose, reasoning (``reasoning_content``), call arguments and results,
  except file contents returned by reads.
* No timestamps are recorded. The working directory is the one a system or developer message
  states on a line of its own (``Working directory: /repo``), as agents tell their model.
"""

from __future__ import annotations

from typing import Any

from linter.effects import GENERIC, Handler, function_tool
from linter.model import Location, Session, ToolCall, Usage
from linter.parsers._common import as_str
from linter.parsers._messages import (
    SNIFF_MESSAGES,
    Builder,
    Conversation,
    Place,
    decode_arguments,
    num,
    parse_file,
    recorded_responses,
    sample_lists,
    text_of,
    usage,
)
from linter.parsers.sample import Sample
from linter.textutil import safe

FORMAT = "openai-chat"
DESCRIPTION = "OpenAI Chat Completions message lists (JSON array, {messages: [...]}, or JSONL, nanobot sessions included)"

EFFECTS: dict[str, Handler] = dict(GENERIC)
FALLBACK: Handler = function_tool  # the application's own functions: queries when named so

_CHAT_ROLES = {"system", "developer", "user", "assistant", "tool", "function"}
_CHAT_PARTS = {"text", "image_url", "input_audio", "file", "refusal", "audio"}
_CHAT_ONLY_ROLES = {"system", "developer", "tool", "function"}


# -- sniffing and parsing -------------------------------------------------------------------------------------
def chat_usage(raw: Any, model: Any = None) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    details = raw.get("prompt_tokens_details")
    cached = num(details.get("cached_tokens")) if isinstance(details, dict) else 0
    cached = cached or num(raw.get("prompt_cache_hit_tokens"))
    prompt = num(raw.get("prompt_tokens"))
    return usage(max(prompt - cached, 0), num(raw.get("completion_tokens")), min(cached, prompt), 0, model)


def _is_chat_message(msg: Any) -> bool:
    if not isinstance(msg, dict) or as_str(msg.get("role")) not in _CHAT_ROLES or "type" in msg:
        return False
    content = msg.get("content")
    if isinstance(content, list):
        if not all(isinstance(p, dict) and as_str(p.get("type")) in _CHAT_PARTS for p in content):
            return False
    elif content is not None and not isinstance(content, str):
        return False
    calls = msg.get("tool_calls")
    if calls is not None and not (isinstance(calls, list) and all(
            isinstance(c, dict) and (isinstance(c.get("function") or c.get("custom"), dict) or _decoded(c))
            for c in calls)):
        return False
    return True


def _decoded(call: dict[str, Any]) -> bool:
    """A tool call kept with its arguments already decoded, as LangChain keeps them and some
    agents save them: ``{"name": "read_file", "args": {"path": "a.py"}, "id": "call_1"}``."""
    return isinstance(call.get("name"), str) and isinstance(call.get("args"), dict) and "function" not in call


def _chat_only(msg: dict[str, Any]) -> bool:
    content = msg.get("content")
    return (as_str(msg.get("role")) in _CHAT_ONLY_ROLES or "tool_calls" in msg or "function_call" in msg
            or "tool_call_id" in msg
            or (isinstance(content, list) and any(p.get("type") != "text" for p in content)))


def sniff(sample: Sample) -> bool:
    """A list of Chat Completions messages: role-tagged, with chat content parts and tool calls,
    and nothing that only Anthropic or Responses API lists carry."""
    lists = sample_lists(sample, ("messages",))
    if not lists:
        return False
    seen = False
    for items, wrapper in lists:
        items = items[:SNIFF_MESSAGES]
        if not items or not all(_is_chat_message(m) for m in items) or "system" in wrapper:
            return False
        chat_only = any(_chat_only(m) for m in items)
        if not chat_only and any(m["role"] == "assistant" and isinstance(m.get("content"), list) for m in items):
            return False  # text blocks in assistant turns: an Anthropic list
        seen = seen or any(m["role"] in ("user", "assistant") for m in items)
    return seen


def _response_message(resp: dict[str, Any]) -> dict[str, Any] | None:
    choices = resp.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        msg = choices[0].get("message")
        return msg if isinstance(msg, dict) else None
    return None


def _response_key(resp: dict[str, Any]) -> Any:
    msg = _response_message(resp)
    if msg is None:
        return None
    calls = msg.get("tool_calls")
    if isinstance(calls, list) and calls:
        return tuple(sorted(str(c.get("id")) for c in calls if isinstance(c, dict)))
    text = text_of(msg.get("content")).strip()
    return ("text", text) if text else None


class _Chat:
    def __init__(self, path: str) -> None:
        self.b = Builder(path, FORMAT, EFFECTS)
        self.legacy: list[ToolCall] = []

    def message(self, msg: Any, group: str | None, index: int, place: Place) -> None:
        b = self.b
        loc = place.loc(group, index)
        if not isinstance(msg, dict):
            b.warn(loc, "message is not a JSON object; skipped")
            return
        role = msg.get("role")
        text = text_of(msg.get("content"), ("text", "refusal"))
        if role in ("system", "developer"):
            b.event("meta", text, loc)
        elif role == "user":
            b.event("prompt", text, loc)
        elif role == "assistant":
            self.assistant(msg, group, index, place, loc)
        elif role == "tool":
            cid = msg.get("tool_call_id")
            at = place.loc(group, index, cid if isinstance(cid, str) else None)
            b.result(cid, text, False, at)
        elif role == "function":
            waiting = [c for c in self.legacy if c.result is None]
            b.result(waiting[0].id if waiting else None, text, False, loc)
        else:
            b.warn(loc, f"message with unknown role {safe(str(role), 40)!r}; skipped")

    def assistant(self, msg: dict[str, Any], group: str | None, index: int, place: Place, loc: Location) -> None:
        b = self.b
        mid = msg.get("id")
        step = b.step(loc, mid if isinstance(mid, str) and mid else f"message-{index}")
        for key in ("reasoning_content", "reasoning"):
            if isinstance(msg.get(key), str):
                b.thought(step, msg[key])
        b.prose(step, text_of(msg.get("content"), ("text", "refusal")))
        calls = msg.get("tool_calls")
        if calls is not None and not isinstance(calls, list):
            b.warn(loc, "tool_calls is not a list; calls skipped")
        for pos, raw in enumerate(calls if isinstance(calls, list) else []):
            fn = raw.get("function") if isinstance(raw, dict) else None
            fn = fn if isinstance(fn, dict) else raw.get("custom") if isinstance(raw, dict) else None
            if fn is None and isinstance(raw, dict) and _decoded(raw):
                fn = {"name": raw["name"], "arguments": raw["args"]}
            if not isinstance(fn, dict):
                b.warn(loc, f"tool call {pos + 1} has no function object; skipped")
                continue
            cid = raw.get("id") if isinstance(raw.get("id"), str) and raw.get("id") else None
            at = place.loc(group, index, cid)
            name = fn.get("name")
            if "input" in fn and "arguments" not in fn:  # custom tools take free text
                value = {"input": fn["input"]} if isinstance(fn.get("input"), str) else {}
            else:
                value = decode_arguments(fn.get("arguments"), cid or f"#{pos + 1}", str(name), at, b.problems)
            b.call(step, cid, name, value, at)
        legacy = msg.get("function_call")
        if isinstance(legacy, dict):
            name = legacy.get("name")
            value = decode_arguments(legacy.get("arguments"), "function_call", str(name), loc, b.problems)
            self.legacy.append(b.call(step, None, name, value, loc))
        step.usage = chat_usage(msg.get("usage"), msg.get("model"))

    def appended(self, resp: dict[str, Any], group: str | None, index: int, place: Place) -> None:
        msg = _response_message(resp)
        if msg is None:
            return
        loc = place.loc(group, index)
        self.assistant(msg, group, index, place, loc)
        self.b.agent.steps[-1].usage = chat_usage(resp.get("usage"), resp.get("model"))



def _build(path: str, conv: Conversation) -> Builder:
    chat = _Chat(path)
    chat.b.tool_definitions(conv.wrapper.get("tools"))
    for msg, group, index in conv.items:
        chat.message(msg, group, index, conv.place)
    chat.b.match_responses(conv.responses, _response_key, lambda r: chat_usage(r.get("usage"), r.get("model")),
                           lambda r, g, i: chat.appended(r, g, i, conv.place))
    session = chat.b.session
    if chat.legacy and len(chat.legacy) == sum(len(step.calls) for step in session.all_steps()):
        # the functions API before tool calls: an assistant message holds one function_call at most
        session.one_call_per_turn = "the legacy function_call API takes one call per assistant message"
    return chat.b



def parse_many(path: str) -> list[Session]:
    return parse_file(path, FORMAT, ("messages",), recorded_responses, lambda conv: _build(path, conv))
