"""A compact timeline of one session for the HTML report: one lane per agent, one bar per call.

Times are seconds from the session's first timestamp. Calls without timestamps are counted but
not drawn; the report says how many.
"""

from __future__ import annotations

from typing import Any

from linter.model import Session


def build(session: Session, diagnostics: list[Any]) -> dict[str, Any]:
    codes: dict[str, list[str]] = {}
    for d in diagnostics:
        for call_id in d.call_ids:
            codes.setdefault(call_id, []).append(d.code)
    times = [t for step in session.all_steps() for t in (step.start, step.end) if t is not None]
    times += [c.result.timestamp for c in session.all_calls() if c.result is not None and c.result.timestamp]
    if not times:
        return {"t0": None, "span": 0.0, "lanes": [], "untimed": sum(1 for _ in session.all_calls())}
    t0 = min(times)
    span = max(times) - t0
    lanes = []
    untimed = 0
    for agent in session.agents.values():
        calls = []
        steps = []
        for step in agent.steps:
            if step.start is not None:
                steps.append([round(step.start - t0, 3), round((step.end or step.start) - t0, 3), len(step.calls)])
            for call in step.calls:
                begin = call.timestamp if call.timestamp is not None else step.start
                done = call.result.timestamp if call.result is not None else None
                if begin is None:
                    untimed += 1
                    continue
                finish = done if done is not None and done >= begin else begin
                calls.append({"name": call.name, "id": call.id, "start": round(begin - t0, 3),
                              "end": round(finish - t0, 3), "step": step.index, "batch": len(step.calls) > 1,
                              "failed": call.failed, "codes": codes.get(call.id, [])})
        label = agent.id if not agent.description else f"{agent.id}: {agent.description}"
        lanes.append({"agent": agent.id, "label": label[:80], "calls": calls, "steps": steps})
    return {"t0": t0, "span": round(span, 3), "lanes": lanes, "untimed": untimed}
