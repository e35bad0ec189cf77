"""PAR303 parallel-retry-after-total-failure."""

from __future__ import annotations

import json
import re
from typing import Iterable

from linter.model import Event, Session, Step, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.textutil import safe
from rules._common import REJECTED

# Failures that may pass on their own: sending the same calls again is a fair answer to them.
_TRANSIENT = re.compile(
    r"time(d)?[ -]?out|rate.?limit|too many requests|\b429\b|\b50[234]\b|overloaded|temporarily|"
    r"ECONNRESET|ECONNREFUSED|connection (reset|refused)|couldn'?t connect|failed to connect|network|"
    r"try again|\bpending\b|in progress|still running|\bqueued\b|not (yet )?(finished|complete)", re.I,
)


def _signature(call: ToolCall) -> tuple[str, str]:
    return call.name, json.dumps(call.input, sort_keys=True, default=str)


# Lines of a shell tool's answer layout that say what ran, not what went wrong (Gemini CLI:
# "Command: ...", "Directory: ...", then "Output: ..." / "Error: ..." / "Exit Code: 1").
_LAYOUT = re.compile(r"^(Command|Directory|Background PIDs|Process Group PGID|Signal):", re.I)


_LABEL = re.compile(r"^(Output|Error|Stderr|Stdout):\s*", re.I)


def _error_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    useful = [line for line in lines if not _LAYOUT.match(line) and line not in ("Output: (empty)", "Error: (none)")]
    first = (useful or lines or ["an error"])[0]
    return _LABEL.sub("", first, count=1) or first


class ParallelRetryAfterTotalFailure(Rule):
    code = "PAR303"
    name = "parallel-retry-after-total-failure"
    severity = "warning"
    confidence = "high"
    summary = "Every call of a batch failed, and the same batch was sent again unchanged."
    rationale = (
        "When every call of a batch fails, the cause is usually common to all of them (a wrong "
        "directory, a missing dependency, a permission, a wrong argument): sending the same calls "
        "again spends another round trip and the same tokens for the same errors. Read one error, "
        "fix the cause, then retry. Failures that may pass on their own (time-outs, rate limits, "
        "connection errors), and retries that then worked, are left alone."
    )
    VALID = [
        """
        user: Read the two configs.
        step
        call Read file_path=config/a.toml
        !> File does not exist.
        call Read file_path=config/b.toml
        !> File does not exist.
        step
        call Read file_path=conf/a.toml
        call Read file_path=conf/b.toml
        """,
        """
        user: Fetch both pages.
        step
        call WebFetch url=https://example.com/a prompt=summary
        !> Request timed out
        call WebFetch url=https://example.com/b prompt=summary
        !> Request timed out
        step
        call WebFetch url=https://example.com/a prompt=summary
        call WebFetch url=https://example.com/b prompt=summary
        """,
        """
        user: Start the API and check the health and version endpoints.
        step
        call Bash command="npm run dev" run_in_background:=true
        -> Command running in background with ID: bash_1
        step
        call Bash command="curl -sf http://localhost:3000/health"
        !> curl: (7) Failed to connect to localhost port 3000 after 0 ms
        call Bash command="curl -sf http://localhost:3000/version"
        !> curl: (7) Failed to connect to localhost port 3000 after 0 ms
        step
        call Bash command="curl -sf http://localhost:3000/health"
        -> ok
        call Bash command="curl -sf http://localhost:3000/version"
        -> 1.4.2
        step: Both endpoints answer.
        """,
    ]
    INVALID = [
        """
        user: Read the two configs.
        step
        call Read file_path=config/a.toml
        !> File does not exist.
        call Read file_path=config/b.toml
        !> File does not exist.
        step
        call Read file_path=config/a.toml
        !> File does not exist.
        call Read file_path=config/b.toml
        !> File does not exist.
        step: The config files are missing.
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        for agent in session.agents.values():
            previous: Step | None = None
            for item in agent.timeline():
                if isinstance(item, Event):
                    if item.kind in ("prompt", "interrupt"):
                        previous = None  # a person stepped in: the retry may be what they asked for
                    continue
                if previous is not None and _retried_unchanged(previous, item):
                    errors = [c.result.text for c in previous.calls if c.result is not None]
                    first = _error_line(errors[0]) if errors else "an error"
                    yield Finding(
                        message=(f"all {len(previous.calls)} calls of a batch failed (first: {safe(first, 80)}) "
                                 "and the same calls were sent again unchanged; fix the common cause before "
                                 "retrying"),
                        calls=[*previous.calls, *item.calls], agent_id=agent.id,
                    )
                previous = item


def _retried_unchanged(failed: Step, retry: Step) -> bool:
    if len(failed.calls) < 2 or not all(c.failed for c in failed.calls):
        return False
    if any(c.result is not None and (_TRANSIENT.search(c.result.text) or REJECTED.search(c.result.text))
           for c in failed.calls):
        return False  # a passing failure, or the person said no (and maybe "go ahead" after)
    if all(c.result is not None and not c.failed for c in retry.calls):
        return False  # the same calls then worked: the failure passed on its own
    return sorted(map(_signature, failed.calls)) == sorted(map(_signature, retry.calls))
