"""Entire's condensed session transcripts (``transcript.jsonl`` in an Entire checkpoint).

Entire (a tool that stores agent sessions next to git commits) keeps a condensed copy of each
session: one JSON object per line, ``{"v": 1, "agent": "claude-code", "type": "user" |
"assistant", "ts": ..., "content": [...]}``.

What this parser rebuilds:

* Steps: each assistant line is one model turn (consecutive lines with the same ``id`` are one
  turn). Its ``tool_use`` blocks are the calls it issued together; ``text`` blocks are its prose.
  ``input_tokens`` / ``output_tokens`` are its usage. Lines without an ``id`` (a Codex session)
  are not turns: Entire writes the calls that followed one message into its line, each with its
  answer when the answer came right after it (a call that was alone in its turn), and without
  one when the model issued several at once. So a call with an answer is a turn of its own, and
  calls in a row without one are one batch (`exec_command mise run lint`, then `write_stdin`
  polling the session that answer opened, are two turns). Lines of unanswered calls alone that
  follow such a batch within half a second (the calls of one batch are written a few
  milliseconds apart; a new turn waits for the model) belong to it.
* Results: each ``tool_use`` block carries its own ``result`` (``output``, ``status``); a call
  whose ``status`` is ``error`` failed. A call without a result was never answered.
* Events: each user line is a prompt.
* Tool names are the recording agent's own (Claude Code's ``Read``/``Bash``/..., Gemini CLI's
  ``read_file``..., Codex's ``shell``...), so every harness's effect table applies.
* Times: ``ts`` of each line. The working directory is not recorded.
"""

from __future__ import annotations

from typing import Any

from linter.effects import GENERIC, Handler
from linter.model import Location, ParseProblem, Session, Step
from linter.parsers._common import infer_cwd, num
from linter.parsers._messages import Builder, usage
from linter.parsers.jsonl import iter_records
from linter.parsers.sample import Sample
from linter.textutil import parse_time, safe

FORMAT = "entire"
DESCRIPTION = "Entire checkpoint transcripts (condensed transcript.jsonl: one user/assistant line each, results inside the calls)"


def _effects() -> dict[str, Handler]:
    from linter.parsers import codex, gemini_cli
    from linter.parsers.claude_code import EFFECTS as CLAUDE

    return {**GENERIC, **codex.EFFECTS, **gemini_cli.EFFECTS, **CLAUDE}


EFFECTS: dict[str, Handler] = _effects()

_TYPES = ("user", "assistant")


def _is_record(rec: Any) -> bool:
    return isinstance(rec, dict) and isinstance(rec.get("v"), int) and isinstance(rec.get("agent"), str) \
        and isinstance(rec.get("type"), str)


def sniff(sample: Sample) -> bool:
    """JSON Lines whose records all carry ``v``, ``agent`` and ``type``, with at least one user or
    assistant line holding a ``content`` list (Claude Code's own lines nest it under ``message``).
    Line types other than user and assistant are accepted, and left out when parsing."""
    records = [r for r in sample.records[:50] if r is not None]
    return (sample.is_jsonl and bool(records) and all(_is_record(r) for r in records)
            and any(r["type"] in _TYPES and isinstance(r.get("content"), list) for r in records))


def _text(block: dict[str, Any]) -> str:
    text = block.get("text")
    return text if isinstance(text, str) else ""


def parse(path: str) -> Session:
    builder = Builder(path, FORMAT, EFFECTS)
    session = builder.session
    step: Step | None = None
    unnamed = False  # the current step began with a line without an id
    answered = False  # ... and its call came with its answer: a turn of its own
    last_ts: float | None = None  # time of the current step's latest line
    times = False
    for lineno, rec in iter_records(path, session.problems):
        loc = Location(path, lineno)
        if not isinstance(rec, dict):
            session.problems.append(ParseProblem(path, lineno, "line is not a JSON object; line skipped"))
            continue
        kind = rec.get("type")
        content = rec.get("content")
        blocks = [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []
        ts = parse_time(rec.get("ts"))
        times = times or ts is not None
        if kind == "user":
            step = None
            text = "\n".join(t for t in (_text(b) for b in blocks) if t)
            builder.event("prompt", text, loc, ts)
            continue
        if kind != "assistant":
            continue  # other line types carry no calls
        mid = rec.get("id")
        named = isinstance(mid, str) and bool(mid)
        if step is not None and unnamed and not named and not answered and _same_batch(blocks, ts, last_ts):
            pass  # one more call of the batch the previous line began
        elif step is None or not named or step.message_id != mid:
            step = builder.step(loc, mid if named else f"line-{lineno}")
            step.start = step.end = ts
            unnamed, answered = not named, False
            turn_usage = usage(num(rec.get("input_tokens")), num(rec.get("output_tokens")))
            if turn_usage is not None:
                step.usage = turn_usage
        if ts is not None:
            step.end = ts if step.end is None else max(step.end, ts)
        last_ts = ts
        builder.model(rec.get("model"))
        part = 0  # turns this line has begun after its first
        for block in blocks:
            btype = block.get("type")
            if btype == "text":
                builder.prose(step, _text(block))
            elif btype == "thinking" and isinstance(block.get("thinking"), str):
                builder.thought(step, block["thinking"])
            elif btype == "tool_use":
                if unnamed:
                    alone = isinstance(block.get("result"), dict)
                    if step.calls and (alone or answered):  # the call after an answered one, or one answered
                        part += 1
                        step = builder.step(loc, f"line-{lineno}.{part}")
                        step.start = step.end = ts
                    answered = alone
                raw = block.get("input")
                call = builder.call(step, block.get("id"), block.get("name"), raw if isinstance(raw, dict) else {}, loc)
                call.timestamp = ts
                call.background = bool(call.input.get("run_in_background"))
                result = block.get("result")
                if isinstance(result, dict):
                    output = result.get("output")
                    text = output if isinstance(output, str) else ("" if output is None else safe(str(output)))
                    builder.result(call.id, text, result.get("status") == "error", loc)
    session.cwd = infer_cwd(session)
    _note_missing_answers(session)
    return builder.finish(timed=times, holder="an Entire transcript")


def _note_missing_answers(session: Session) -> None:
    """Entire's condensed transcript of a Codex session keeps no answer for the calls of a batch:
    say so, since a failure among them cannot be seen (the last turn is left out: a transcript
    may stop while its calls run)."""
    for agent in session.agents.values():
        done = [call for step in agent.steps[:-1] for call in step.calls]
        missing = sum(1 for call in done if call.result is None)
        if missing:
            session.note("results", f"{missing} of {len(done)} tool calls before the last turn have no recorded "
                                    "answer: failures among them could not be seen")


# Seconds within which a line of calls alone, without an id, is one more call of the batch the
# line before it began: a batch's lines are written milliseconds apart, a new turn waits for the model.
_BATCH_GAP = 0.5


def _same_batch(blocks: list[dict[str, Any]], ts: float | None, last_ts: float | None) -> bool:
    return (ts is not None and last_ts is not None and 0 <= ts - last_ts <= _BATCH_GAP
            and bool(blocks) and all(b.get("type") == "tool_use" and not isinstance(b.get("result"), dict)
                                     for b in blocks))
