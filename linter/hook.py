"""``parlint hook``: lint a Claude Code session from inside its own hooks.

Claude Code runs a hook command with a JSON payload on stdin (``session_id``,
``transcript_path``, ``hook_event_name``, ``cwd``, ``stop_hook_active``...). Exit code 2 with a
message on stderr is fed back to the model: after a tool call (PostToolUse) the call stands and
the model reads the note; at Stop it keeps the agent working.

* PostToolUse looks only at the newest part of the transcript: a small state file per session
  remembers how far the transcript was read and where the latest human prompt starts; only the
  lines since that prompt are parsed (at most ``TAIL_LIMIT`` bytes), so a 100 MB transcript is
  never re-read. A finding that completes there gets one one-line nudge, never twice.
* Stop / SubagentStop lint the whole transcript once. Findings (warnings and errors) block the
  stop once with a short summary, the ones the agent can still act on (unsafe parallelism,
  ignored failures, missing validation) first; when ``stop_hook_active`` is set the hook never
  blocks again, so it cannot loop.
  With ``--warn-only`` the summary goes to the user instead (``systemMessage``) and nothing blocks.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

from linter.config import Config
from linter.engine import Diagnostic, Registry, run
from linter.fingerprint import fingerprint
from linter.textutil import safe

TAIL_LIMIT = 8 * 1024 * 1024
ACTIONABLE = ("PAR2", "PAR3", "PAR4")  # what an agent can still fix before it stops
NUDGE = ("PAR101", "PAR102", "PAR103", "PAR201", "PAR202", "PAR301", "PAR304")


@dataclass
class Outcome:
    exit_code: int
    stderr: str = ""
    stdout: str = ""


def state_dir() -> str:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "parlint", "hooks")


def _state_path(directory: str, session_id: str) -> str:
    return os.path.join(directory, hashlib.sha256(session_id.encode()).hexdigest()[:32] + ".json")


def _load(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fp:
            data = json.load(fp)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save(path: str, state: dict[str, Any]) -> None:
    """Remember the state for the next call; a hook must never break the session, so a state
    directory that cannot be written only costs a warning (the next call re-reads more)."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fp:
            json.dump(state, fp)
        os.replace(tmp, path)
    except OSError as exc:
        print(f"parlint hook: warning: cannot save state to {path}: {exc.strerror or exc}", file=sys.stderr)


def _is_prompt(line: bytes) -> bool:
    if b'"user"' not in line or b'"tool_result"' in line or b'"isMeta":true' in line.replace(b" ", b""):
        return False
    try:
        rec = json.loads(line)
    except ValueError:
        return False
    if not isinstance(rec, dict) or rec.get("type") != "user" or rec.get("isSidechain"):
        return False
    content = rec.get("message", {}).get("content") if isinstance(rec.get("message"), dict) else None
    return isinstance(content, str) and not content.lstrip().startswith("<")


def _advance(transcript: str, state: dict[str, Any]) -> int:
    """Read the lines added since the last call; remember where the latest prompt starts."""
    offset = int(state.get("offset", 0))
    anchor = int(state.get("anchor", 0))
    size = os.path.getsize(transcript)
    if size < offset:  # the file was replaced: start over
        offset = anchor = 0
        state["nudged"] = []
    with open(transcript, "rb") as fp:
        fp.seek(offset)
        position = offset
        for line in fp:
            if not line.endswith(b"\n"):
                break  # a line still being written: read it next time
            if _is_prompt(line):
                anchor = position
            position += len(line)
    state["offset"], state["anchor"] = position, anchor
    return max(anchor, position - TAIL_LIMIT)


def _tail_findings(transcript: str, start: int, config: Config, registry: Registry) -> list[Diagnostic]:
    with open(transcript, "rb") as fp:
        fp.seek(start)
        data = fp.read()
    if start:
        cut = data.find(b"\n")
        data = data[cut + 1:] if cut >= 0 and not data.startswith(b"{") else data
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tail.jsonl")
        with open(path, "wb") as out:
            out.write(data)
        config.select = list(NUDGE)
        return run([path], config, registry).diagnostics


def post_tool_use(payload: dict[str, Any], config: Config, registry: Registry, directory: str) -> Outcome:
    transcript = payload.get("transcript_path")
    session = str(payload.get("session_id") or transcript)
    if not isinstance(transcript, str) or not os.path.isfile(transcript):
        return Outcome(0)
    state_file = _state_path(directory, session)
    state = _load(state_file)
    start = _advance(transcript, state)
    nudged = set(state.get("nudged", []))
    fresh = [d for d in _tail_findings(transcript, start, config, registry) if fingerprint(d) not in nudged]
    state["nudged"] = sorted(nudged | {fingerprint(d) for d in fresh})[-500:]
    _save(state_file, state)
    if not fresh:
        return Outcome(0)
    first = fresh[0]
    more = f" (and {len(fresh) - 1} more)" if len(fresh) > 1 else ""
    return Outcome(2, stderr=f"parlint {first.code}: {safe(first.message, 400)}{more}\n")


def stop(payload: dict[str, Any], config: Config, registry: Registry, warn_only: bool) -> Outcome:
    transcript = payload.get("agent_transcript_path") or payload.get("transcript_path")
    if payload.get("stop_hook_active") or not isinstance(transcript, str) or not os.path.isfile(transcript):
        return Outcome(0)
    found = [d for d in run([transcript], config, registry).diagnostics if d.severity in ("warning", "error")]
    if not found:
        return Outcome(0)
    found.sort(key=lambda d: not d.code.startswith(ACTIONABLE))  # what can still be fixed first
    lines = [f"parlint found {len(found)} issue{'s' if len(found) != 1 else ''} to settle before stopping:"]
    lines += [f"- {d.code} {safe(d.message, 300)}" for d in found[:5]]
    if len(found) > 5:
        lines.append(f"- ... and {len(found) - 5} more (parlint check {safe(transcript)})")
    summary = "\n".join(lines)
    if warn_only:
        return Outcome(0, stdout=json.dumps({"systemMessage": summary}) + "\n")
    return Outcome(2, stderr=summary + "\n")


def handle(raw: str, config: Config, registry: Registry, warn_only: bool, directory: str | None = None) -> Outcome:
    try:
        payload = json.loads(raw)
    except ValueError:
        return Outcome(0, stderr="parlint hook: the payload on stdin is not JSON; nothing checked\n")
    if not isinstance(payload, dict):
        return Outcome(0, stderr="parlint hook: the payload on stdin is not a JSON object; nothing checked\n")
    event = payload.get("hook_event_name")
    if event == "PostToolUse":
        return post_tool_use(payload, config, registry, directory or state_dir())
    if event in ("Stop", "SubagentStop"):
        return stop(payload, config, registry, warn_only)
    return Outcome(0)
