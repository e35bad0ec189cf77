"""Anthropic Messages API message lists (the ``messages`` of a ``/v1/messages`` request).

Accepted layouts: a JSON array of messages; an object with ``messages`` (optionally ``model``,
``system``, ``tools`` and ``responses``, the recorded response messages of a request/response
recording); JSON Lines with one message per line, or one such object per line (one session each).

What this parser rebuilds:

* Steps: each assistant message is one model turn; its ``tool_use`` blocks (and hosted
  ``server_tool_use`` / ``mcp_tool_use`` blocks) are the calls it issued together. ``text`` blocks
  are its prose, ``thinking`` blocks enter the context.
* Results: ``tool_result`` blocks of the next user message joined on ``tool_use_id``, failed when
  ``is_error`` is set; hosted tools' ``*_tool_result`` blocks in the assistant message itself.
* Events: a user message without results is a prompt; ``system`` is harness text (meta), and so
  is a message with role ``system``, as applications that log their whole conversation write. Text
  sent alongside results enters the context without being a prompt, and so do the request's
  ``tools`` definitions, before the first turn.
* Usage: a ``usage`` on the message, else the recorded response that produced it (matched by
  ``tool_use`` ids, else by text). ``input_tokens`` already excludes ``cache_read_input_tokens``
  and ``cache_creation_input_tokens``. A recorded response that the list does not hold yet (the
  final answer) becomes the last step.
* No timestamps are recorded; the working directory is the one ``system`` states on a line of
  its own (``Working directory: /repo``).
"""

from __future__ import annotations

from typing import Any

from linter.effects import GENERIC, Handler, function_tool
from linter.model import Location, Session, Step, Usage
from linter.parsers._common import as_str
from linter.parsers._messages import (
    SNIFF_MESSAGES,
    Builder,
    Conversation,
    Place,
    num,
    parse_file,
    recorded_responses,
    sample_lists,
    text_of,
    usage,
)
from linter.parsers.sample import Sample
from linter.textutil import safe

FORMAT = "anthropic-messages"
DESCRIPTION = "Anthropic Messages API message lists (tool_use / tool_result blocks), JSON or JSONL"

EFFECTS: dict[str, Handler] = dict(GENERIC)
FALLBACK: Handler = function_tool

BLOCKS = {
    "text", "image", "document", "search_result", "tool_use", "tool_result", "thinking", "redacted_thinking",
    "server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
    "bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "mcp_tool_use",
    "mcp_tool_result", "container_upload", "tool_reference"}
_CALL_BLOCKS = {"tool_use", "server_tool_use", "mcp_tool_use"}


# -- sniffing ------------------------------------------------------------------------------------
def _is_message(msg: Any) -> bool:
    if not isinstance(msg, dict) or msg.get("role") not in ("user", "assistant", "system"):
        return False
    content = msg.get("content")
    if "type" in msg and (msg["type"] != "message" or not isinstance(content, list)):
        return False
    if "tool_calls" in msg or "tool_call_id" in msg:
        return False
    if isinstance(content, list):
        return all(isinstance(b, dict) and as_str(b.get("type")) in BLOCKS for b in content)
    return isinstance(content, str)


def _distinctive(msg: dict[str, Any]) -> bool:
    content = msg.get("content")
    if not isinstance(content, list):
        return False
    return msg["role"] == "assistant" or any(b.get("type") != "text" for b in content)


def _calls_or_results(msg: dict[str, Any]) -> bool:
    content = msg.get("content")
    return isinstance(content, list) and any(b.get("type") in ("tool_use", "tool_result") for b in content)


def sniff(sample: Sample) -> bool:
    """A list of role/content messages whose content blocks are Anthropic's (tool_use, tool_result,
    thinking, text in assistant turns), or such a list under a top-level ``system``."""
    lists = sample_lists(sample, ("messages",))
    if not lists:
        return False
    seen = False
    for items, wrapper in lists:
        items = items[:SNIFF_MESSAGES]
        if not items or not all(_is_message(m) for m in items):
            return False
        if any(m["role"] == "system" for m in items) and not any(_calls_or_results(m) for m in items):
            return False  # an application that logs its system prompt as a message: only when it used tools
        seen = seen or "system" in wrapper or any(_distinctive(m) for m in items)
    return seen


# -- parsing -------------------------------------------------------------------------------------
def anthropic_usage(raw: Any, model: Any = None) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    return usage(num(raw.get("input_tokens")), num(raw.get("output_tokens")), num(raw.get("cache_read_input_tokens")),
                 num(raw.get("cache_creation_input_tokens")), model)


def _response_key(resp: dict[str, Any]) -> Any:
    content = resp.get("content")
    blocks = [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []
    ids = sorted(str(b.get("id")) for b in blocks if as_str(b.get("type")) in _CALL_BLOCKS)
    if ids:
        return tuple(ids)
    text = "\n".join(b["text"] for b in blocks if b.get("type") == "text" and isinstance(b.get("text"), str)).strip()
    return ("text", text) if text else None


def _hosted_result(block: dict[str, Any]) -> tuple[str, bool]:
    """Text and failure of a hosted tool's result block (web search, code execution, MCP)."""
    content = block.get("content")
    if isinstance(content, dict):
        failed = str(content.get("type", "")).endswith("_error") or bool(content.get("error_code"))
        parts = [str(v) for k, v in content.items() if k not in ("type",) and isinstance(v, (str, int))]
        return "\n".join(parts), failed
    if isinstance(content, list):
        parts = []
        for item in content:
            if isinstance(item, dict):
                for key in ("text", "title", "url"):
                    if isinstance(item.get(key), str):
                        parts.append(item[key])
        return "\n".join(parts), bool(block.get("is_error"))
    return text_of(content), bool(block.get("is_error"))


class _Messages:
    def __init__(self, path: str) -> None:
        self.b = Builder(path, FORMAT, EFFECTS)

    def message(self, msg: Any, group: str | None, index: int, place: Place) -> None:
        b = self.b
        loc = place.loc(group, index)
        if not isinstance(msg, dict):
            b.warn(loc, "message is not a JSON object; skipped")
            return
        role = msg.get("role")
        if role == "assistant":
            self.assistant(msg, group, index, place, loc)
        elif role == "user":
            self.user(msg, group, index, place, loc)
        elif role == "system":  # not the API's own layout: an application logged its system prompt
            b.event("meta", text_of(msg.get("content"), ("text",)), loc)
        else:
            b.warn(loc, f"message with unknown role {safe(str(role), 40)!r}; skipped")

    def blocks(self, content: Any, loc: Location) -> list[dict[str, Any]]:
        """The content blocks of a message (a string is one text block); anything else is a warning."""
        if isinstance(content, str):
            return [{"type": "text", "text": content}]
        if not isinstance(content, list):
            self.b.warn(loc, "message content is neither a string nor a list of blocks; content skipped")
            return []
        bad = sum(not isinstance(block, dict) for block in content)
        if bad:
            self.b.warn(loc, f"{bad} content block(s) not objects; skipped")
        return [block for block in content if isinstance(block, dict)]

    def user(self, msg: dict[str, Any], group: str | None, index: int, place: Place, loc: Location) -> None:
        b = self.b
        content = msg.get("content")
        if isinstance(content, str):
            b.event("prompt", content, loc)
            return
        texts, had_result = [], False
        for block in self.blocks(content, loc):
            if block.get("type") == "tool_result":
                had_result = True
                cid = block.get("tool_use_id")
                at = place.loc(group, index, cid if isinstance(cid, str) else None)
                b.result(cid, text_of(block.get("content"), ("text",)), block.get("is_error") is True, at)
            elif block.get("type") == "text" and isinstance(block.get("text"), str):
                texts.append(block["text"])
        text = "\n".join(texts)
        if had_result:
            b.note_text(text)
        else:
            b.event("prompt", text, loc)

    def assistant(self, msg: dict[str, Any], group: str | None, index: int, place: Place, loc: Location) -> Step:
        b = self.b
        mid = msg.get("id")
        step = b.step(loc, mid if isinstance(mid, str) and mid else f"message-{index}")
        hosted = []
        for block in self.blocks(msg.get("content"), loc):
            kind = as_str(block.get("type"))
            if kind == "text" and isinstance(block.get("text"), str):
                b.prose(step, block["text"])
            elif kind == "thinking" and isinstance(block.get("thinking"), str):
                b.thought(step, block["thinking"])
            elif kind == "redacted_thinking":
                b.thought(step, "")
            elif kind in _CALL_BLOCKS:
                cid = block.get("id")
                at = place.loc(group, index, cid if isinstance(cid, str) else None)
                value = block.get("input")
                if not isinstance(value, dict):
                    b.warn(at, f"input of call {safe(str(cid), 80)} is not an object; call kept with no arguments")
                    value = {}
                b.call(step, cid, block.get("name"), value, at)
            elif isinstance(kind, str) and kind.endswith("_tool_result") and "tool_use_id" in block:
                hosted.append(block)
        for block in hosted:  # hosted tools answer inside the same message, after the turn's calls
            cid = block.get("tool_use_id")
            text, failed = _hosted_result(block)
            b.result(cid, text, failed, place.loc(group, index, cid if isinstance(cid, str) else None))
        step.usage = anthropic_usage(msg.get("usage"), msg.get("model"))
        return step

    def appended(self, resp: dict[str, Any], group: str | None, index: int, place: Place) -> None:
        if resp.get("role", "assistant") == "assistant" and isinstance(resp.get("content"), list):
            self.assistant(resp, group, index, place, place.loc(group, index))


def _build(path: str, conv: Conversation) -> Builder:
    walker = _Messages(path)
    system = conv.wrapper.get("system")
    if system:
        walker.b.event("meta", text_of(system, ("text",)), conv.place.key_loc("system"))
    walker.b.tool_definitions(conv.wrapper.get("tools"))
    for msg, group, index in conv.items:
        walker.message(msg, group, index, conv.place)
    walker.b.match_responses(conv.responses, _response_key,
                             lambda r: anthropic_usage(r.get("usage"), r.get("model")),
                             lambda r, g, i: walker.appended(r, g, i, conv.place))
    return walker.b


def parse_many(path: str) -> list[Session]:
    return parse_file(path, FORMAT, ("messages",), recorded_responses, lambda conv: _build(path, conv))
