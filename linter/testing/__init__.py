"""Scenarios: a compact way to write a transcript, for rule examples, fixtures and plugin tests.

A scenario is plain text, one record per line::

    user: Review src/a.py and src/b.py          # a person's prompt
    meta: <system-reminder>...</system-reminder>  # text the harness injected
    step: I'll read both files.                  # a new model turn, with optional prose
    call Read file_path=src/a.py                 # a tool call of the current turn
    -> print("a")                                # its result
    !> Exit code 1                               # or an error result
    interrupt                                    # the person pressed Esc
    agent review a                               # what follows is the subagent launched by the
                                                 # Task call described "review a" (Claude Code only)
    main                                         # back to the main agent

Arguments are ``key=value`` (shell quoting) or ``key:=<json>``. Relative ``file_path``,
``notebook_path`` and ``path`` values are made absolute under the working directory ``/repo``,
as Claude Code writes them. ``render`` turns a scenario into a Claude Code JSONL transcript (the
2.x layout: one content block per line, one result per line, results after all calls);
``lint_scenario`` lints it.

Other formats: ``render_as(fmt, text)`` renders the same scenario in another harness's layout,
through the module ``linter.testing.<format>`` (``render(text) -> str`` and ``SUFFIX``). Those
renderers map the scenario's Claude Code tool names to the harness's own tools.
"""

from __future__ import annotations

import importlib
import json
import os
import shlex
import tempfile
from dataclasses import dataclass, field
from typing import Any

CWD = "/repo"
SESSION = "00000000-0000-4000-8000-000000000001"
_BASE = 1767225600  # 2026-01-01T00:00:00Z
_PATH_KEYS = ("file_path", "notebook_path", "path")


def iso_stamp(offset: float) -> str:
    """The ISO 8601 UTC time ``offset`` seconds after the scenarios' epoch (2026-01-01)."""
    from datetime import datetime, timezone

    return datetime.fromtimestamp(_BASE + offset, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class ScenarioError(ValueError):
    pass


class Inexpressible(ScenarioError):
    """The scenario uses something the target format cannot express (e.g. subagents)."""


@dataclass
class ScenarioCall:
    name: str
    args: dict[str, Any]
    result: str = "ok"
    error: bool = False


@dataclass
class ScenarioStep:
    text: str
    calls: list[ScenarioCall] = field(default_factory=list)


@dataclass
class ScenarioAgent:
    """The steps of the subagent launched by the Task call with this description."""

    description: str
    items: list[Any] = field(default_factory=list)


def _parse_args(text: str, lineno: int) -> dict[str, Any]:
    args: dict[str, Any] = {}
    try:
        parts = shlex.split(text)
    except ValueError as exc:
        raise ScenarioError(f"line {lineno}: {exc}") from None
    for part in parts:
        if ":=" in part and ("=" not in part or part.index(":=") < part.index("=")):
            key, raw = part.split(":=", 1)
            try:
                args[key] = json.loads(raw)
            except ValueError as exc:
                raise ScenarioError(f"line {lineno}: bad JSON for {key}: {exc}") from None
        elif "=" in part:
            key, value = part.split("=", 1)
            if key in _PATH_KEYS and value and not value.startswith(("/", "~")):
                value = f"{CWD}/{value}"
            args[key] = value
        else:
            raise ScenarioError(f"line {lineno}: argument {part!r} is not key=value")
    return args


def parse_scenario(text: str) -> list[Any]:
    items: list[Any] = []
    current = items
    step: ScenarioStep | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("agent "):
            step = None
            section = ScenarioAgent(line[6:].strip())
            items.append(section)
            current = section.items
            continue
        if line == "main":
            step, current = None, items
            continue
        items_here = current
        if line.startswith("user:") or line.startswith("meta:"):
            step = None
            items_here.append((line[:4], line[5:].strip()))
        elif line == "interrupt":
            step = None
            items_here.append(("user", "[Request interrupted by user]"))
        elif line.startswith("step:") or line == "step":
            step = ScenarioStep(line[5:].strip())
            items_here.append(step)
        elif line.startswith("call "):
            if step is None:
                raise ScenarioError(f"line {lineno}: 'call' outside a step")
            name, _, rest = line[5:].strip().partition(" ")
            step.calls.append(ScenarioCall(name, _parse_args(rest, lineno)))
        elif line.startswith("->") or line.startswith("!>"):
            if step is None or not step.calls:
                raise ScenarioError(f"line {lineno}: result with no call before it")
            step.calls[-1].result = line[2:].strip().replace("\\n", "\n")
            step.calls[-1].error = line.startswith("!>")
        else:
            raise ScenarioError(f"line {lineno}: cannot read {line!r}")
    return items


def render(text: str) -> str:
    """Render a scenario as a Claude Code session transcript (JSONL)."""
    items = parse_scenario(text)
    lines: list[dict[str, Any]] = []
    clock = [0]
    counter = {"uuid": 0, "tool": 0, "msg": 0}
    parent: dict[str, str | None] = {}

    def stamp() -> str:
        clock[0] += 1
        return iso_stamp(clock[0])

    def envelope(kind: str, agent: str | None = None) -> dict[str, Any]:
        counter["uuid"] += 1
        uuid = f"00000000-0000-4000-8000-{counter['uuid']:012d}"
        chain = agent or ""
        rec = {"parentUuid": parent.get(chain), "isSidechain": agent is not None, "userType": "external",
               "cwd": CWD, "sessionId": SESSION, "version": "2.1.17", "gitBranch": "main", "type": kind,
               "uuid": uuid, "timestamp": stamp()}
        if agent is not None:
            rec["agentId"] = agent
        parent[chain] = uuid
        return rec

    sections = [item for item in items if isinstance(item, ScenarioAgent)]

    def emit(seq: list[Any], agent: str | None = None) -> None:
        for item in seq:
            if isinstance(item, ScenarioAgent):
                continue  # rendered inside the turn of the Task call that launched it
            if isinstance(item, tuple):
                kind, body = item
                rec = envelope("user", agent)
                rec["message"] = {"role": "user", "content": body}
                if kind == "meta":
                    rec["isMeta"] = True
                lines.append(rec)
                continue
            counter["msg"] += 1
            mid = f"msg_{counter['msg']:04d}"
            blocks: list[dict[str, Any]] = []
            if item.text:
                blocks.append({"type": "text", "text": item.text})
            ids = []
            for call in item.calls:
                counter["tool"] += 1
                call_id = f"toolu_{counter['tool']:04d}"
                ids.append(call_id)
                blocks.append({"type": "tool_use", "id": call_id, "name": call.name, "input": call.args})
            if not blocks:
                blocks.append({"type": "text", "text": ""})
            for n, block in enumerate(blocks):
                rec = envelope("assistant", agent)
                last = n == len(blocks) - 1
                rec["requestId"] = f"req_{counter['msg']:04d}"
                rec["message"] = {
                    "model": "claude-sonnet-4-5", "id": mid, "type": "message", "role": "assistant",
                    "content": [block], "stop_reason": ("tool_use" if item.calls else "end_turn") if last else None,
                    "usage": {"input_tokens": 8, "cache_creation_input_tokens": 120,
                              "cache_read_input_tokens": 20000, "output_tokens": 90 if last else 1},
                }
                lines.append(rec)
            launched: dict[str, str] = {}
            for call in item.calls:
                section = next((a for a in sections if call.name in ("Task", "Agent")
                                and a.description == call.args.get("description")), None)
                if section is not None:
                    # the subagent runs while its launch waits: its lines come before the results
                    sub = f"a{len(launched) + counter['msg']:06x}"
                    launched[id(call)] = sub
                    prompt = call.args.get("prompt", "")
                    rec = envelope("user", sub)
                    rec["message"] = {"role": "user", "content": prompt}
                    lines.append(rec)
                    emit(section.items, sub)
            for call_id, call in zip(ids, item.calls):
                rec = envelope("user", agent)
                rec["message"] = {"role": "user", "content": [
                    {"tool_use_id": call_id, "type": "tool_result", "content": call.result, "is_error": call.error}]}
                if id(call) in launched:
                    rec["toolUseResult"] = {"status": "completed", "agentId": launched[id(call)]}
                else:
                    rec["toolUseResult"] = f"Error: {call.result}" if call.error else {"stdout": call.result}
                lines.append(rec)

    emit(items)
    return "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in lines)


def render_as(fmt: str, text: str, variant: str | None = None) -> tuple[str, str]:
    """Render a scenario in format ``fmt``: (file content, file suffix such as ``.jsonl``).

    ``variant`` names another layout of the same format, from the renderer's ``VARIANTS``."""
    if fmt == "claude-code" and variant is None:
        return render(text), ".jsonl"
    if any(isinstance(item, ScenarioAgent) for item in parse_scenario(text)):
        raise Inexpressible("subagent sections are rendered for claude-code only")
    module = importlib.import_module("linter.testing." + fmt.replace("-", "_"))
    if variant is not None:
        return module.VARIANTS[variant](text), getattr(module, "VARIANT_SUFFIXES", {}).get(variant, module.SUFFIX)
    return module.render(text), module.SUFFIX


def variants(fmt: str) -> list[str]:
    """The other layouts of ``fmt`` its renderer can write."""
    try:
        module = importlib.import_module("linter.testing." + fmt.replace("-", "_"))
    except ModuleNotFoundError:
        return []
    return sorted(getattr(module, "VARIANTS", {}))


def lint_scenario(text: str, select: list[str] | None = None, fmt: str = "claude-code",
                  variant: str | None = None) -> list[Any]:
    """Lint a scenario, rendered in format ``fmt`` (or its ``variant`` layout), with the installed
    rules; returns the diagnostics."""
    from linter.config import Config
    from linter.engine import load_registry, run

    content, suffix = render_as(fmt, text, variant)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "scenario" + suffix)
        with open(path, "w", encoding="utf-8") as fp:
            fp.write(content)
        config = Config(select=list(select or []))
        result = run([path], config, load_registry())
        if result.errors:
            raise ScenarioError("; ".join(e.message for e in result.errors))
        return result.diagnostics


def lint_source(text: str, suffix: str, select: list[str] | None = None) -> list[Any]:
    """Lint a plan (``.md``) or Python code (``.py``) given as text; returns the diagnostics."""
    import textwrap

    from linter.config import Config
    from linter.engine import load_registry, run

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "plan" + suffix)
        with open(path, "w", encoding="utf-8") as fp:
            fp.write(textwrap.dedent(text).lstrip("\n"))
        result = run([path], Config(select=list(select or [])), load_registry())
        if result.has_errors:
            raise ScenarioError("; ".join(e.message for e in result.errors))
        return result.diagnostics


def lint_example(rule: Any, example: str) -> list[Any]:
    """Lint one of a rule's VALID/INVALID examples in the form its target reads."""
    target = getattr(rule, "target", "session")
    # a rule about other rules' findings (unused suppressions) needs the others running too
    select = None if getattr(rule, "needs_all_rules", False) else [rule.code]
    if target == "plan":
        return lint_source(example, ".md", select)
    if target == "code":
        return lint_source(example, ".py", select)
    return lint_scenario(example, select=[rule.code])
