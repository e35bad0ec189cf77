"""PAR102 serialised-subagents."""

from __future__ import annotations

import re
from typing import Iterable

from linter.effects import SPAWN
from linter.model import Session, Step, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.windows import serial_findings
from rules._common import PROMPT_KEYS, describe_calls, plural

# A prompt that builds on what an earlier agent found is a dependency the text shows.
_BUILDS_ON = re.compile(
    r"\b(previous|prior|earlier|first|last|other) (agent|subagent|task|step|exploration|investigation|review)"
    r"|\bbased on (the|these|those|its|their|what)\b|\b(findings|the results? (of|from))\b"
    r"|\b(you|it|they|we) (found|discovered|identified|reported)\b|\bfrom (the|your) (exploration|analysis|research)\b",
    re.I,
)


class SerialisedSubagents(Rule):
    code = "PAR102"
    name = "serialised-subagents"
    severity = "warning"
    confidence = "high"
    summary = "Independent subagents were launched one per turn, each waiting for the one before."
    rationale = (
        "A subagent runs for minutes. Launching independent subagents in one message lets them work "
        "side by side; launching them one per turn makes the session wait for each in turn. The "
        "rule counts consecutive turns that each only launch foreground subagents (Task/Agent) and "
        "stays silent when a later prompt names something that first appeared in an earlier "
        "subagent's answer, or says it builds on earlier findings. Background launches are not "
        "waited on and are not counted."
    )
    options = {"min-launches": 3}
    VALID = [
        """
        user: Audit the api, web and worker packages.
        step: Launching three auditors.
        call Task description="audit api" prompt="Audit packages/api for unsafe SQL"
        call Task description="audit web" prompt="Audit packages/web for XSS"
        call Task description="audit worker" prompt="Audit packages/worker for unbounded retries"
        """,
        """
        user: Find the flaky test and fix it.
        step
        call Task description="find flaky test" prompt="Find the flaky test in tests/"
        -> The flaky test is tests/test_sync.py::test_retry_window
        step
        call Task description="fix it" prompt="Fix tests/test_sync.py::test_retry_window"
        -> Fixed.
        step
        call Task description="review fix" prompt="Review the previous agent's change to tests/test_sync.py"
        """,
    ]
    INVALID = [
        """
        user: Audit the api, web and worker packages.
        step: Starting with api.
        call Task description="audit api" prompt="Audit packages/api for unsafe SQL"
        -> api: two issues
        step
        call Task description="audit web" prompt="Audit packages/web for XSS"
        -> web: clean
        step
        call Task description="audit worker" prompt="Audit packages/worker for unbounded retries"
        -> worker: one issue
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        min_launches = int(ctx.options.get("min-launches", 3))

        def accept(step: Step) -> bool:
            return all(ctx.effect(c).kind == SPAWN and not c.background for c in step.calls)

        def builds_on(step: Step) -> bool:
            return any(isinstance(c.input.get(key), str) and _BUILDS_ON.search(c.input[key])
                       for c in step.calls for key in PROMPT_KEYS)

        def pieces(run: list[Step]) -> list[list[Step]]:
            # a launch whose prompt builds on earlier findings starts a new window
            out: list[list[Step]] = [[]]
            for step in run:
                if out[-1] and builds_on(step):
                    out.append([])
                out[-1].append(step)
            return out

        def message(calls: list[ToolCall], extra: int) -> str:
            return (f"{len(calls)} independent subagents were launched one per turn "
                    f"({describe_calls(calls, ctx)}); launching them in one message saves "
                    f"{plural(extra, 'round trip')} and lets them run side by side")

        yield from serial_findings(session, ctx, accept, min_launches, message, strict=False, concurrent=True,
                                   pieces=pieces)
