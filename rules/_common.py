"""Helpers shared by several built-in rules."""

from __future__ import annotations

import re

from linter.model import Agent, Event, Session, Step, ToolCall
from linter.rule import RuleContext
from linter.textutil import short_label

# A call the person refused, or stopped: not the agent's failure.
REJECTED = re.compile(r"^\s*(The user doesn't want to|User rejected|\[Request interrupted|Permission to use .* (was )?denied"
                      r"|\[Operation Cancelled\])", re.I)  # the last: Gemini CLI's "Reason: User denied execution."

# Arguments in which a subagent launch carries its instructions.
PROMPT_KEYS = ("prompt", "message", "objective", "task", "instructions", "query")


def describe_calls(calls: list[ToolCall], ctx: RuleContext, limit: int = 4) -> str:
    """'Read a.py, Read b.py and 2 more' for a message (no raw control characters)."""
    labels = []
    for call in calls[:limit]:
        label = ctx.effect(call).label
        if label and label != call.name:
            labels.append(f"{call.name} {short_label(label, 60)}")
        else:
            labels.append(call.name)
    if len(calls) > limit:
        labels.append(f"{len(calls) - limit} more")
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def ends_mid_turn(agent: Agent) -> bool:
    """Did the transcript stop right after a turn that issued calls, or that only reasoned (its
    answer not yet written: "Now let me create the Docker integration", or reasoning kept
    redacted or encrypted), with no final answer and no prompt after it? What the harness wrote
    itself after that turn (a compaction, "You've hit your limit", "API Error: ...") ends no
    turn, and neither does an interruption with nothing after it (the person pressed Esc, or the
    harness stopped on a quota error): the agent was cut off."""
    last = None
    for item in agent.timeline():
        if isinstance(item, Event) and item.kind in ("meta", "notification", "compact", "interrupt"):
            continue
        if isinstance(item, Step) and item.synthetic:
            continue
        last = item
    return isinstance(last, Step) and (
        bool(last.calls) or (not last.text.strip() and (last.reasoned or bool(last.thought.strip()))))


MID_TURN = "mid-turn"


def note_mid_turn(session: Session) -> None:
    session.note(MID_TURN, "the transcript ends while the agent is still working (its last turn issued calls "
                           "or only reasoned, and no answer followed): validation or collection may still have "
                           "been coming")


def waves(calls: list[ToolCall]) -> list[list[ToolCall]]:
    """A batch split where a call asks to wait for the ones before it (Gemini CLI's
    ``wait_for_previous``): calls of different waves do not run side by side."""
    out: list[list[ToolCall]] = [[]]
    for call in calls:
        if out[-1] and call.input.get("wait_for_previous") is True:
            out.append([])
        out[-1].append(call)
    return out


def replaced_text(call: ToolCall) -> tuple[str, str] | None:
    """The text a search-and-replace edit (Edit, replace, str_replace) quotes from the file and the
    text it puts there instead; None for other calls (whole-file writes, patches, multi-edits)."""
    old = next((call.input[k] for k in ("old_string", "old_str", "old_text") if isinstance(call.input.get(k), str)), None)
    new = next((call.input[k] for k in ("new_string", "new_str", "new_text") if isinstance(call.input.get(k), str)), None)
    return None if old is None or new is None else (old, new)
