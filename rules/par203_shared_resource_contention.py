"""PAR203 shared-resource-contention."""

from __future__ import annotations

import re
from typing import Iterable

from linter.effects import SPAWN, Effect
from linter.model import Session, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.textutil import safe

# Tools that hold an exclusive lock on a project or environment while they run.
_LOCKING_TOOLS = {"cargo", "gradle", "gradlew", "apt", "apt-get", "dpkg", "terraform", "tofu"}
# Installers lock their environment (node_modules, site-packages) only while installing.
_INSTALLERS = {"npm", "yarn", "pnpm", "bun", "pip", "pip3", "poetry", "uv"}
# What a result says when the resource was already taken.
_CONTENTION = re.compile(
    r"EADDRINUSE|address already in use|port \d+ is (already )?in use|Blocking waiting for file lock|"
    r"index\.lock'?: File exists|Could not get lock|waiting for the other \w+ (process|instance)",
    re.I,
)
_STOPPERS = ("KillShell", "KillBash", "TaskStop")


def _resources(call: ToolCall, effect: Effect) -> set[str]:
    """The ports and exclusive locks a call takes: ``port:3000``, ``cargo:/repo``, ``git:/repo``.
    A port counts when the call binds it: a server started in the background, or a call whose
    result shows the clash (a client connecting to a port holds nothing)."""
    taken: set[str] = set()
    if effect.ports and (call.background or (call.result is not None and _CONTENTION.search(call.result.text))):
        taken |= effect.ports
    for lock in effect.locks:
        parts = lock.split(":", 2)
        if len(parts) == 3 and (parts[1] in _LOCKING_TOOLS or (parts[1] in _INSTALLERS and "install" in effect.categories)):
            taken.add(f"{parts[1]}:{parts[2]}")
    for resource in effect.writes:
        if resource.startswith("git:") and resource.endswith((":index", ":head")):
            taken.add(resource.rsplit(":", 1)[0])  # git's index.lock
    return taken


class SharedResourceContention(Rule):
    code = "PAR203"
    name = "shared-resource-contention"
    severity = "warning"
    confidence = "high"
    summary = "Subagents running at the same time bind the same port or take the same tool's lock."
    rationale = (
        "Parallel workers that each start a server on one port, run cargo or gradle in one project, "
        "install packages into one environment or commit to one repository wait on each other's "
        "locks or fail outright (EADDRINUSE, index.lock exists), and the work they report rests on "
        "whichever of them won. The rule looks at subagents launched together and reports two of "
        "their calls that take the same port or lock while both are running, by the transcript's "
        "timestamps: a call holds its resource until its result, a background job until it is "
        "stopped or the transcript ends. Confidence is high when a result shows the clash. Give "
        "each worker its own port or directory, or leave the shared step to the parent."
    )
    VALID = [
        """
        user: Check the frontend and the admin app in the browser.
        step
        call Task description="frontend" prompt="Start the frontend and check the home page"
        call Task description="admin" prompt="Start the admin app and check the login page"
        agent frontend
        step
        call Bash command="PORT=3000 npm start" run_in_background:=true
        -> Command running in background with ID: bash_1
        step
        call KillShell shell_id=bash_1
        -> killed
        step: The home page works.
        agent admin
        step
        call Bash command="PORT=3000 npm start" run_in_background:=true
        -> Command running in background with ID: bash_2
        step
        call KillShell shell_id=bash_2
        -> killed
        step: The login page works.
        """,
    ]
    INVALID = [
        """
        user: Check the frontend and the admin app in the browser.
        step
        call Task description="frontend" prompt="Start the frontend and check the home page"
        call Task description="admin" prompt="Start the admin app and check the login page"
        agent frontend
        step
        call Bash command="PORT=3000 npm start" run_in_background:=true
        -> Command running in background with ID: bash_1
        step: The home page works.
        agent admin
        step
        call Bash command="PORT=3000 npm start"
        !> Error: listen EADDRINUSE: address already in use :::3000
        step: The admin app could not start.
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        ends = [t for s in session.all_steps() for t in (s.end, s.start) if t is not None]
        session_end = max(ends) if ends else None
        if session_end is None:
            return  # no timestamps: whether the workers overlapped cannot be told
        for step in session.all_steps():
            launches = [c for c in step.calls if ctx.effect(c).kind == SPAWN and c.spawned_agent in session.agents]
            if len(launches) < 2:
                continue
            holders: dict[str, list[tuple[ToolCall, ToolCall, float, float]]] = {}
            for launch in launches:
                for call, start, end in _holds(session, launch.spawned_agent or "", session_end, ctx):
                    for resource in _resources(call, ctx.effect(call)):
                        holders.setdefault(resource, []).append((launch, call, start, end))
            for resource, held in sorted(holders.items()):
                clash = _first_overlap(held)
                if clash is None:
                    continue
                (launch_a, a), (launch_b, b) = clash
                kind, _, where = resource.partition(":")
                what = f"port {where}" if kind == "port" else f"{kind}'s lock on {safe(where, 60)}"
                observed = any(c.result is not None and _CONTENTION.search(c.result.text) for c in (a, b))
                yield Finding(
                    message=(f"subagents {safe(ctx.effect(launch_a).label, 40)} and {safe(ctx.effect(launch_b).label, 40)} "
                             f"both hold {what} at the same time"
                             + (", and a result shows the clash" if observed else "")
                             + "; give each worker its own, or leave that step to the parent"),
                    calls=[launch_a, launch_b, a, b], confidence="high" if observed else "medium",
                    agent_id=step.agent_id,
                )


def _holds(session: Session, agent_id: str, session_end: float,
           ctx: RuleContext) -> Iterable[tuple[ToolCall, float, float]]:
    """Each timed call of the agent that may take a port or a lock, with the span it holds it:
    until its result, or for a background job until a call stops it or the transcript ends."""
    calls = [c for s in session.agents[agent_id].steps for c in s.calls]
    for call in calls:
        effect = ctx.effect(call)
        if not (effect.ports or effect.locks or effect.writes):
            continue
        start = call.timestamp if call.timestamp is not None else (call.step.start if call.step else None)
        if start is None:
            continue
        if call.failed and not (call.result is not None and _CONTENTION.search(call.result.text)):
            continue  # a call that failed for another reason held nothing
        if call.background and not call.failed:
            text = call.result.text if call.result is not None else ""
            stop = next((c.timestamp for c in calls if c.name in _STOPPERS and c.timestamp is not None
                         and any(isinstance(v, str) and v and v in text for v in c.input.values())), None)
            end = stop if stop is not None else session_end
        elif call.result is not None and call.result.timestamp is not None:
            end = call.result.timestamp
        else:
            continue
        yield call, start, max(start, end)


def _first_overlap(held: list[tuple[ToolCall, ToolCall, float, float]]) -> tuple[tuple[ToolCall, ToolCall], ...] | None:
    held = sorted(held, key=lambda h: h[2])
    for i, (launch_a, a, start_a, end_a) in enumerate(held):
        for launch_b, b, start_b, _ in held[i + 1:]:
            if start_b > end_a:
                break
            if launch_b is not launch_a:
                return (launch_a, a), (launch_b, b)
    return None
