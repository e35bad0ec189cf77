"""PAR102 serialised-subagents."""

from __future__ import annotations

import re
from typing import Iterable

from linter.effects import SPAWN
from linter.model import Session, Step, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.windows import bookkeeping, serial_findings
from rules._common import PROMPT_KEYS, describe_calls, plural

# A prompt that builds on what an earlier agent found is a dependency the text shows.
_BUILDS_ON = re.compile(
    r"\b(previous|prior|earlier|first|last|other) (agent|subagent|task|step|exploration|investigation|review)"
    r"|\bbased on (the|these|those|its|their|what)\b|\b(findings|the results? (of|from))\b"
    r"|\b(you|it|they|we) (found|discovered|identified|reported)\b|\bfrom (the|your) (exploration|analysis|research)\b"
    r"|\b(review|test|check|verify|audit) the (new|changed|updated) \w+|\bthe (implementation|changes|fix|plan) (above|just|from)\b",
    re.I,
)
# Agents whose work comes after the others': a planner or reviewer, or a prompt that gathers
# what came before ("Design an implementation plan ...", "Summarize the findings ...").
_AFTER_OTHERS = re.compile(r"(plan|planner|architect|review|reviewer|code-reviewer|verifier|summari[sz]er)\b", re.I)
_GATHERS = re.compile(r"\s*(design|draft|write|create|make|produce) (an? |the )?(implementation |detailed |overall )?plan\b"
                      r"|\s*(synthesi[sz]e|consolidate|combine|summari[sz]e|merge|reconcile)\b", re.I)
_WORD = re.compile(r"[a-z0-9]+")


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


class SerialisedSubagents(Rule):
    code = "PAR102"
    name = "serialised-subagents"
    severity = "warning"
    confidence = "high"
    summary = "Independent subagents were launched one per turn instead of together in one message."
    rationale = (
        "A subagent runs for minutes. Launching independent subagents in one message lets them work "
        "side by side; launching them one per turn makes the session wait for each in turn. The "
        "rule counts consecutive turns that each only launch subagents (Task/Agent, spawn_agent) and "
        "stays silent when a later prompt names something that first appeared in an earlier "
        "subagent's answer, or says it builds on earlier findings, and at a planner or reviewer "
        "(or a prompt to design a plan or summarise) that follows the others. Background launches "
        "(Codex's spawn_agent, a Task run in the background) are not waited on, but launched one per "
        "turn with only launch acknowledgements between them they still cost a round trip each, and "
        "the finding says so (no time saved is claimed). A todo-list update beside the launches, or "
        "in a turn of its own between them, tells the agent nothing: it neither ends the run nor "
        "counts as a launch. Launches made together and then one more round are left alone: that "
        "saves one trip at most."
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
        """
        user: Add rate limiting to the login endpoint in src/api/auth.py. Plan it, implement it, then review it.
        step
        call Task description="plan rate limiting" prompt="Design rate limiting for the login endpoint in src/api/auth.py"
        -> Plan: a token bucket middleware keyed by client IP, 5 attempts per minute, returning 429.
        step
        call Task description="implement rate limiting" prompt="Implement it in src/api/auth.py: a token bucket middleware keyed by client IP, 5 attempts per minute"
        -> Done. The limiter is in place.
        step
        call Task description="review rate limiting" prompt="Review the new rate limiting code in src/api/auth.py"
        -> Looks good.
        step: Rate limiting is in place and reviewed.
        """,
        """
        user: Figure out how to add SSO.
        step
        call Task description="explore auth" subagent_type=Explore prompt="Explore how authentication works in src/auth"
        -> auth keeps sessions in src/auth/session.ts
        step
        call Task description="explore config" subagent_type=Explore prompt="Explore how configuration is loaded in src/config"
        -> config comes from environment variables
        step
        call Task description="plan SSO" subagent_type=Plan prompt="Design an implementation plan for adding SSO login"
        -> Plan: an OIDC middleware next to the session store.
        step: Here is the plan.
        """,
        # Background launches: the first agent's report came in before the third launch.
        """
        user: Audit the api, web and worker packages.
        step
        call Task description="audit api" prompt="Audit packages/api for unsafe SQL" run_in_background:=true
        -> Async agent launched successfully. agentId: a1
        step
        call Task description="audit web" prompt="Audit packages/web for XSS" run_in_background:=true
        -> Async agent launched successfully. agentId: a2
        meta: <task-notification>audit api completed: two unsafe queries in packages/api/db.ts</task-notification>
        step
        call Task description="audit worker" prompt="Audit packages/worker for unbounded retries" run_in_background:=true
        -> Async agent launched successfully. agentId: a3
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
        # Todo-list updates between the launches, and beside them, tell the agent nothing.
        """
        user: Audit the api, web and worker packages.
        step
        call TodoWrite todos:='[{"content": "api", "status": "in_progress"}]'
        call Task description="audit api" prompt="Audit packages/api for unsafe SQL"
        -> api: two issues
        step
        call TodoWrite todos:='[{"content": "web", "status": "in_progress"}]'
        -> Todos have been modified.
        step
        call Task description="audit web" prompt="Audit packages/web for XSS"
        -> web: clean
        step
        call TodoWrite todos:='[{"content": "worker", "status": "in_progress"}]'
        call Task description="audit worker" prompt="Audit packages/worker for unbounded retries"
        -> worker: one issue
        """,
        # Background launches one per turn: only acknowledgements came back between them.
        """
        user: Audit the api, web and worker packages.
        step
        call Task description="audit api" prompt="Audit packages/api for unsafe SQL" run_in_background:=true
        -> Async agent launched successfully. agentId: a1
        step
        call Task description="audit web" prompt="Audit packages/web for XSS" run_in_background:=true
        -> Async agent launched successfully. agentId: a2
        step
        call Task description="audit worker" prompt="Audit packages/worker for unbounded retries" run_in_background:=true
        -> Async agent launched successfully. agentId: a3
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        min_launches = int(ctx.options.get("min-launches", 3))

        def accept(step: Step) -> bool:
            # a todo-list update beside the launches, or in a turn of its own, tells the agent nothing
            return all(ctx.effect(c).kind == SPAWN or bookkeeping(c, ctx) for c in step.calls)

        def builds_on(step: Step) -> bool:
            return any((isinstance(c.input.get(key), str) and _BUILDS_ON.search(c.input[key]))
                       or (isinstance(c.input.get("subagent_type"), str) and _AFTER_OTHERS.match(c.input["subagent_type"]))
                       or (isinstance(c.input.get(key), str) and _GATHERS.match(c.input[key]))
                       for c in step.calls for key in PROMPT_KEYS)

        def quotes_an_answer(step: Step, before: list[Step]) -> bool:
            # five words in a row from an earlier subagent's report: the prompt carries its result
            answers = set().union(*(_shingles(c.result.text) for s in before for c in s.calls if c.result))
            return any(isinstance(c.input.get(key), str) and _shingles(c.input[key]) & answers
                       for c in step.calls for key in PROMPT_KEYS)

        def wrote(step: Step) -> bool:
            for c in step.calls:
                sub = session.agents.get(c.spawned_agent or "")
                if sub is not None and any(ctx.effect(x).modifies_files and not x.failed
                                           for s in sub.steps for x in s.calls):
                    return True
            return False

        def pieces(run: list[Step]) -> list[list[Step]]:
            # a launch whose prompt builds on earlier findings (or quotes them), or that follows a
            # subagent that changed files, starts a new window
            out: list[list[Step]] = [[]]
            for step in run:
                if out[-1] and (builds_on(step) or wrote(out[-1][-1]) or quotes_an_answer(step, out[-1])):
                    out.append([])
                out[-1].append(step)
            return out

        def background(calls: list[ToolCall]) -> bool:
            return all(c.background for c in calls if ctx.effect(c).kind == SPAWN)

        def message(calls: list[ToolCall], extra: int) -> str:
            if background(calls):
                # each returned at once: only the acknowledgements were waited for
                return (f"{len(calls)} background subagents were launched one per turn "
                        f"({describe_calls(calls, ctx)}); only launch acknowledgements came back between "
                        f"them, so launching them in one message saves {plural(extra, 'round trip')}")
            return (f"{len(calls)} independent subagents were launched one per turn "
                    f"({describe_calls(calls, ctx)}); launching them in one message saves "
                    f"{plural(extra, 'round trip')} and lets them run side by side")

        for finding in serial_findings(session, ctx, accept, min_launches, message, strict=False, concurrent=True,
                                       pieces=pieces):
            if background(finding.calls):
                finding.timed = False  # the agents ran side by side anyway; the turns between were short
            yield finding
