"""OpenAI Responses API item lists (the ``input`` of a ``/v1/responses`` request, or a response's ``output``).

Accepted layouts: a JSON array of items; an object with ``input`` and/or ``output`` item lists
(a request, a ``response`` object, or a recording that also holds the recorded ``responses``);
JSON Lines with one item per line, or one such object per line (one session each). Items are
``message`` (also written without ``type``: ``{role, content}``), ``reasoning``,
``function_call`` / ``function_call_output``, ``custom_tool_call`` / ``custom_tool_call_output``,
``local_shell_call`` / ``local_shell_call_output`` and hosted ``web_search_call``.

What this parser rebuilds:

* Steps: the list carries no response boundaries, so a model turn is a run of output items
  (reasoning, assistant message, calls) with no input item between them; a reasoning item or an
  assistant message after a call starts the next turn, since a response writes its prose before
  its calls. Consecutive calls are therefore one batch. When the recorded responses are in the
  file, calls that came from different responses are split accordingly.
* Results: ``*_output`` items joined on ``call_id``. ``arguments`` is a JSON string: it is
  decoded, and a malformed one is a warning (the call keeps an empty input).
* Events: user messages are prompts, system and developer messages and ``instructions`` meta.
  The request's ``tools`` definitions enter the context before the first turn.
* Usage: from the recorded response that produced a turn (``input_tokens`` includes the cached
  ``input_tokens_details.cached_tokens``, taken out of ``input``). A recorded response not yet in
  the list (the final answer) becomes the last step.
* No timestamps are recorded; the working directory is the one the instructions or a system
  message state on a line of their own (``Working directory: /repo``).
"""

from __future__ import annotations

from typing import Any

from linter.effects import GENERIC, Handler, function_tool, shell
from linter.model import Session, Step, Usage
from linter.parsers._common import as_str
from linter.parsers._messages import (
    SNIFF_MESSAGES,
    Builder,
    Conversation,
    Place,
    decode_arguments,
    num,
    parse_file,
    sample_lists,
    text_of,
    usage,
)
from linter.parsers.sample import Sample
from linter.shell import command_text

FORMAT = "openai-responses"
DESCRIPTION = "OpenAI Responses API item lists (function_call / function_call_output items), JSON or JSONL"

EFFECTS: dict[str, Handler] = {**GENERIC, "local_shell": shell}
FALLBACK: Handler = function_tool

CALLS = {"function_call", "custom_tool_call", "local_shell_call", "web_search_call"}
OUTPUTS = {"function_call_output", "custom_tool_call_output", "local_shell_call_output"}
ITEMS = CALLS | OUTPUTS | {
    "message", "reasoning", "file_search_call", "computer_call", "computer_call_output", "code_interpreter_call",
    "image_generation_call", "mcp_call", "mcp_list_tools", "mcp_approval_request", "mcp_approval_response",
    "item_reference", "compaction", "shell_call", "shell_call_output", "apply_patch_call",
    "apply_patch_call_output"}
PARTS = {"input_text", "output_text", "input_image", "input_file", "input_audio", "refusal", "summary_text",
         "reasoning_text"}
_ROLES = {"user", "assistant", "system", "developer"}
_KEYS = ("input", "output")


# -- sniffing ------------------------------------------------------------------------------------
def _is_item(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    kind = as_str(item.get("type"))
    if item.get("type") is not None and kind not in ITEMS:
        return False
    if kind in (None, "message"):
        if as_str(item.get("role")) not in _ROLES:
            return False
        content = item.get("content")
        if isinstance(content, list):
            return all(isinstance(p, dict) and as_str(p.get("type")) in PARTS for p in content)
        return isinstance(content, str)
    return True


def _distinctive(item: dict[str, Any]) -> bool:
    content = item.get("content")
    return "type" in item or (isinstance(content, list) and bool(content))


def sniff(sample: Sample) -> bool:
    """A list of Responses API items, at least one of them typed or with Responses content parts."""
    lists = sample_lists(sample, _KEYS)
    if not lists:
        return False
    seen = False
    for items, wrapper in lists:
        items = items[:SNIFF_MESSAGES]
        if "messages" in wrapper or not items or not all(_is_item(i) for i in items):
            return False
        seen = seen or any(_distinctive(i) for i in items)
    return seen


# -- parsing -------------------------------------------------------------------------------------
def responses_usage(resp: dict[str, Any]) -> Usage | None:
    raw = resp.get("usage")
    if not isinstance(raw, dict):
        return None
    details = raw.get("input_tokens_details")
    cached = num(details.get("cached_tokens")) if isinstance(details, dict) else 0
    total = num(raw.get("input_tokens"))
    return usage(max(total - cached, 0), num(raw.get("output_tokens")), min(cached, total), 0, resp.get("model"))


def _output(resp: dict[str, Any]) -> list[Any]:
    out = resp.get("output")
    return out if isinstance(out, list) else []


def _response_key(resp: dict[str, Any]) -> Any:
    ids = sorted(str(i.get("call_id") or i.get("id")) for i in _output(resp)
                 if isinstance(i, dict) and as_str(i.get("type")) in CALLS)
    if ids:
        return tuple(ids)
    text = "\n".join(text_of(i.get("content")) for i in _output(resp)
                     if isinstance(i, dict) and i.get("type") == "message").strip()
    return ("text", text) if text else None


def _responses(doc: dict[str, Any]) -> tuple[str, list[Any]] | None:
    if isinstance(doc.get("responses"), list):
        return "responses", doc["responses"]
    if doc.get("object") == "response":
        return "", [doc]
    if isinstance(doc.get("response"), dict):
        return "response", [doc["response"]]
    if isinstance(doc.get("final_output"), list):
        return "final_output", [{"output": doc["final_output"]}]
    return None


def _command(action: Any) -> tuple[str, str]:
    """Command line and working directory of a local shell action (``bash -lc CMD`` unwrapped)."""
    if not isinstance(action, dict):
        return "", ""
    argv = action.get("command")
    workdir = action.get("working_directory") if isinstance(action.get("working_directory"), str) else ""
    if isinstance(argv, str):
        return argv, workdir
    if not isinstance(argv, list):
        return "", workdir
    return command_text([str(w) for w in argv]), workdir


class _Items:
    def __init__(self, path: str, response_of: dict[str, int]) -> None:
        self.b = Builder(path, FORMAT, EFFECTS)
        self.step: Step | None = None
        self.response_of = response_of  # item or call id -> index of the recorded response that has it
        self.issued: int | None = None  # that index for the open step

    def open(self, loc: Any, item: dict[str, Any], fallback: str) -> Step:
        """The open step, or a new one; an item the recorded responses place in another response
        than the open step's starts a new step."""
        known = None
        for key in ("call_id", "id"):
            value = item.get(key)
            if isinstance(value, str) and value in self.response_of:
                known = self.response_of[value]
                break
        if self.step is not None and known is not None and self.issued is not None and known != self.issued:
            self.close()
        if self.step is None:
            mid = item.get("id") if isinstance(item.get("id"), str) and item.get("id") else fallback
            self.step = self.b.step(loc, mid)
            self.issued = None
        if known is not None:
            self.issued = known
        return self.step

    def close(self) -> None:
        self.step = None

    def item(self, item: Any, group: str | None, index: int, place: Place) -> None:
        b = self.b
        loc = place.loc(group, index)
        if not isinstance(item, dict):
            b.warn(loc, "item is not a JSON object; skipped")
            return
        kind = as_str(item.get("type", "message"))
        role = item.get("role")
        if kind == "message" and role == "assistant":
            if self.step is not None and self.step.calls:
                self.close()
            step = self.open(loc, item, f"item-{index}")
            b.prose(step, text_of(item.get("content"), ("output_text", "text", "refusal")))
        elif kind == "message":
            self.close()
            text = text_of(item.get("content"), ("input_text", "text"))
            b.event("prompt" if role == "user" else "meta", text, loc)
        elif kind == "reasoning":
            if self.step is not None and (self.step.calls or self.step.text):
                self.close()
            step = self.open(loc, item, f"item-{index}")
            for key in ("summary", "content"):
                b.thought(step, text_of(item.get(key), ("summary_text", "reasoning_text", "text")))
        elif kind in CALLS:
            self.call(kind, item, group, index, place)
        elif kind in OUTPUTS:
            self.close()
            cid = item.get("call_id") or item.get("id")
            text = text_of(item.get("output"), ("input_text", "output_text", "text"))
            b.result(cid, text, False, place.loc(group, index, cid if isinstance(cid, str) else None))
        else:
            self.close()  # other hosted tools and references: not modelled

    def call(self, kind: str, item: dict[str, Any], group: str | None, index: int, place: Place) -> None:
        b = self.b
        cid = item.get("call_id") or item.get("id")
        cid = cid if isinstance(cid, str) and cid else None
        loc = place.loc(group, index, cid)
        step = self.open(loc, item, cid or f"item-{index}")
        name: Any = item.get("name")
        value: dict[str, Any]
        if kind == "function_call":
            value = decode_arguments(item.get("arguments"), cid or "?", str(name), loc, b.problems)
        elif kind == "custom_tool_call":
            value = {"input": item["input"]} if isinstance(item.get("input"), str) else {}
        elif kind == "local_shell_call":
            command, workdir = _command(item.get("action"))
            name, value = "local_shell", {"command": command, **({"workdir": workdir} if workdir else {})}
        else:  # web_search_call: hosted, answered inside the model's own response
            action = item.get("action")
            query = action.get("query") if isinstance(action, dict) else None
            name, value = "web_search", ({"query": query} if isinstance(query, str) else {})
        b.call(step, cid, name, value, loc)

    def appended(self, resp: dict[str, Any], group: str | None, index: int, place: Place) -> None:
        self.close()
        before = len(self.b.agent.steps)
        for item in _output(resp):
            self.item(item, group, index, place)
        self.close()
        steps = self.b.agent.steps
        if len(steps) > before and steps[before].usage is None:
            steps[before].usage = responses_usage(resp)


def _build(path: str, conv: Conversation) -> Builder:
    response_of: dict[str, int] = {}
    for n, (resp, _, _) in enumerate(conv.responses):
        if isinstance(resp, dict):
            for item in _output(resp):
                for key in ("call_id", "id") if isinstance(item, dict) else ():
                    if isinstance(item.get(key), str):
                        response_of.setdefault(item[key], n)
    walker = _Items(path, response_of)
    instructions = conv.wrapper.get("instructions")
    if isinstance(instructions, str):
        walker.b.event("meta", instructions, conv.place.key_loc("instructions"))
    walker.b.tool_definitions(conv.wrapper.get("tools"))
    for item, group, index in conv.items:
        walker.item(item, group, index, conv.place)
    walker.close()
    walker.b.match_responses(conv.responses, _response_key, responses_usage,
                             lambda r, g, i: walker.appended(r, g, i, conv.place))
    return walker.b


def parse_many(path: str) -> list[Session]:
    return parse_file(path, FORMAT, _KEYS, _responses, lambda conv: _build(path, conv))
