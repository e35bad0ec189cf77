"""PAR305 trivial-subagent."""

from __future__ import annotations

from typing import Iterable

from linter.effects import READ
from linter.model import Session, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.textutil import safe

# A subagent that finished this fast after one lookup did less than its own start-up.
MAX_SECONDS = 30.0
# Bytes of a result beyond which reading it in a subagent spares the parent's context.
LARGE_ANSWER = 1500


class TrivialSubagent(Rule):
    code = "PAR305"
    name = "trivial-subagent"
    severity = "info"
    confidence = "high"
    summary = "A subagent was launched for a single read or search and answered within seconds."
    rationale = (
        "A subagent starts from a fresh context (its system prompt, tools and instructions), costs "
        "the parent a launch and a report to read, and adds its own model round trips. For one "
        "read or one search that overhead is larger than the work: the parent could have made the "
        "call itself, or batched it with its other calls. The rule reports subagents whose own "
        "transcript shows exactly one call, read-only, and whose launch returned within "
        f"{int(MAX_SECONDS)} seconds by the transcript's timestamps (without timestamps it says "
        "nothing). A read whose answer is large is left alone: keeping it out of the parent's "
        "context is a good reason for a subagent."
    )
    VALID = [
        """
        user: Audit the auth module.
        step
        call Task description="audit auth" prompt="Audit src/auth for missing permission checks"
        agent audit auth
        step
        call Grep pattern=require_permission
        -> src/auth/views.py
        step
        call Read file_path=src/auth/views.py
        -> def index(): ...
        step
        call Read file_path=src/auth/models.py
        -> class User: ...
        step: Two views lack checks.
        """,
    ]
    INVALID = [
        """
        user: What does settings.py set DEBUG to?
        step
        call Task description="find debug" prompt="Read config/settings.py and tell me the DEBUG value"
        agent find debug
        step
        call Read file_path=config/settings.py
        -> DEBUG = False
        step: DEBUG is False.
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        for launch in session.all_calls():
            agent = session.agents.get(launch.spawned_agent or "")
            if agent is None or launch.background or launch.failed or not agent.steps:
                continue
            seconds = _seconds(launch)
            if seconds is None or seconds > MAX_SECONDS:
                continue
            calls = [c for step in agent.steps for c in step.calls]
            if len(calls) != 1 or ctx.effect(calls[0]).kind != READ:
                continue  # no call at all may be a writing or reasoning task: not judged here
            answer = calls[0].result
            if answer is not None and len(answer.head) >= LARGE_ANSWER:
                continue  # a large answer kept out of the parent's context is the point of it
            did = f"one {calls[0].name} ({safe(ctx.effect(calls[0]).label, 50)})"
            yield Finding(
                message=(f"subagent {safe(ctx.effect(launch).label, 50)} made {did} and answered in "
                         f"{seconds:.0f} s; a subagent's own start-up costs more than that: make the call "
                         "directly, alongside the others"),
                calls=[launch, *calls], agent_id=launch.agent_id,
            )


def _seconds(launch: ToolCall) -> float | None:
    if launch.timestamp is None or launch.result is None or launch.result.timestamp is None:
        return None
    return max(0.0, launch.result.timestamp - launch.timestamp)
