"""PAR304 fan-out-too-wide."""

from __future__ import annotations

from typing import Iterable

from linter.effects import SPAWN
from linter.model import Session
from linter.rule import Finding, Rule, RuleContext


class FanOutTooWide(Rule):
    code = "PAR304"
    name = "fan-out-too-wide"
    severity = "warning"
    confidence = "high"
    summary = "One batch launches more subagents than max-fanout (default 5)."
    rationale = (
        "Each subagent rebuilds its own context, so a wide fan-out multiplies token spend, and past a "
        "moderate width the extra workers mostly contend for the same files, rate limits and the "
        "parent's attention when their reports come back. Split very wide fan-outs into waves, or "
        "give fewer workers larger shares. The limit is `max-fanout` in the configuration."
    )
    VALID = [
        """
        user: Review the five services.
        step
        call Task description="review a" prompt="Review services/a"
        call Task description="review b" prompt="Review services/b"
        call Task description="review c" prompt="Review services/c"
        call Task description="review d" prompt="Review services/d"
        call Task description="review e" prompt="Review services/e"
        """,
    ]
    INVALID = [
        """
        user: Review the seven services.
        step
        call Task description="review a" prompt="Review services/a"
        call Task description="review b" prompt="Review services/b"
        call Task description="review c" prompt="Review services/c"
        call Task description="review d" prompt="Review services/d"
        call Task description="review e" prompt="Review services/e"
        call Task description="review f" prompt="Review services/f"
        call Task description="review g" prompt="Review services/g"
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        limit = ctx.config.max_fanout
        for step in session.all_steps():
            spawns = [c for c in step.calls if ctx.effect(c).kind == SPAWN]
            if len(spawns) > limit:
                yield Finding(
                    message=f"one batch launches {len(spawns)} subagents, more than max-fanout ({limit}); "
                            "launch them in waves or give fewer workers larger shares",
                    calls=spawns, agent_id=step.agent_id,
                )
