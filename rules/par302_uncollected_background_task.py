"""PAR302 uncollected-background-task."""

from __future__ import annotations

import re
from typing import Iterable

from linter.effects import SPAWN
from linter.model import MAIN_AGENT, Event, Session, Step, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.shell import categorise, command_of, split_command
from linter.textutil import safe
from rules._common import ends_mid_turn, note_mid_turn

# How a harness names the job it started: "Command running in background with ID: bash_1",
# "... with ID: 4f2a. Output is being written to: /tmp/.../4f2a.output", "agentId: a1b2c3".
_JOB_ID = re.compile(r"\b(?:running in background with ID|backgroundTaskId|agentId|task_id|shell_id)\W{0,3}([\w-]{2,64})"
                     # Gemini CLI: "Background PIDs: 5123"; Codex: "Process running with session ID 7"
                     r"|\bBackground PIDs?:\s*(\d+)|\bProcess running with session ID\s+(\d+)")
_OUTPUT_FILE = re.compile(r"Output is being written to:?\s*(\S+)")
# Background jobs whose answer matters: a run that ends and reports (tests, builds, checks).
# Servers and watchers are started to be used, not read, and are left alone.
_JOBS = {"test", "build", "lint", "typecheck", "install", "migrate"}
# An attached `docker compose up` serves; so does a test runner's interactive UI.
_SERVES = re.compile(r"\bdocker[- ]compose\b(?:\s+-\S+(?:\s+[^-\s]\S*)?)*\s+up\b(?!.*\s(-d|--detach)\b)|\s--ui\b")
_WATCH = re.compile(r"--watch\b|(^|\s)-w(\s|$)|\bwatch\b|:watch\b|\bvitest(?!\s+run)\b|\bnodemon\b")


class UncollectedBackgroundTask(Rule):
    code = "PAR302"
    name = "uncollected-background-task"
    severity = "warning"
    confidence = "high"
    at_end = True
    summary = "A background job (tests, a build, a subagent) was started and its result never read before the end."
    rationale = (
        "Starting slow work in the background is right: the agent goes on while it runs. But a "
        "test run or subagent whose answer is never read was wasted, and worse, the agent finished "
        "as if it had passed. The rule looks at background jobs whose answer matters (test, build, "
        "lint, typecheck, install or migrate commands, and subagents), named by the id the harness "
        "gave them, and reports those that no later call reads (an output tool given the id, a read "
        "of the output file) and no notification delivered before the transcript ends. Servers and "
        "watchers (--watch, nodemon, vitest without run) started to be used are left alone, and so "
        "are transcripts that stop mid-turn, and a session resumed in another file of the run is "
        "judged where it went on."
    )
    VALID = [
        """
        user: Start the app so I can try it.
        step
        call Bash command="npm install && npm run dev" run_in_background:=true
        -> Command running in background with ID: bash_1
        step
        call Bash command="sleep 3 && curl -s localhost:3000"
        -> <html>ok</html>
        step: The app is running at http://localhost:3000.
        """,
        """
        user: Run the tests in the background while you fix the docs.
        step
        call Bash command="npm test" run_in_background:=true
        -> Command running in background with ID: bash_1
        step
        call Edit file_path=README.md old_string=teh new_string=the
        step
        call BashOutput bash_id=bash_1
        -> 12 passed
        step: Docs fixed; the 12 tests pass.
        """,
        """
        user: Start the dev server and check the page.
        step
        call Bash command="npm run dev" run_in_background:=true
        -> Command running in background with ID: bash_1
        step
        call Bash command="curl -s localhost:3000"
        -> <html>ok</html>
        step: The page renders.
        """,
        """
        user: Audit the API in the background and fix the typo meanwhile.
        step
        call Task description="audit api" prompt="Audit src/api for missing auth checks" run_in_background:=true
        -> Async agent launched successfully. agentId: a1b2c3
        step
        call Edit file_path=README.md old_string=teh new_string=the
        user: <task-notification><task-id>a1b2c3</task-id><status>completed</status></task-notification>
        step: Typo fixed; the audit found no missing checks.
        """,
        """
        user: Start the library build in watch mode, then fix the button colour.
        step
        call Bash command="npm run build -- --watch" run_in_background:=true
        -> Command running in background with ID: bash_1
        step
        call Edit file_path=src/Button.css old_string="color: red" new_string="color: blue"
        -> ok
        step: The watcher is running and the button is blue now.
        """,
    ]
    INVALID = [
        """
        user: Run the tests in the background while you fix the docs.
        step
        call Bash command="npm test" run_in_background:=true
        -> Command running in background with ID: bash_1
        step
        call Edit file_path=README.md old_string=teh new_string=the
        step: Docs fixed, and the tests are running.
        """,
        """
        user: Audit the API in the background and fix the typo meanwhile.
        step
        call Task description="audit api" prompt="Audit src/api for missing auth checks" run_in_background:=true
        -> Async agent launched successfully. agentId: a1b2c3
        step
        call Edit file_path=README.md old_string=teh new_string=the
        step: Typo fixed; the audit is under way.
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        main = session.agents.get(MAIN_AGENT)
        if main is None:
            return
        if ends_mid_turn(main):
            note_mid_turn(session)
            return
        for agent in session.agents.values():
            timeline = list(agent.timeline())
            for index, item in enumerate(timeline):
                if not isinstance(item, Step):
                    continue
                for call in item.calls:
                    if not call.background or call.failed or call.result is None:
                        continue
                    if not self._matters(call, ctx):
                        continue
                    text = call.result.text
                    ids = {next(g for g in m.groups() if g) for m in _JOB_ID.finditer(text)}
                    if call.spawned_agent:
                        ids.add(call.spawned_agent)
                    ids.discard("")
                    if not ids:
                        continue  # the job is not named: whether it was read cannot be told
                    # read through its id, the output file the harness named, or a file it writes (a log)
                    needles = ids | {m.group(1) for m in _OUTPUT_FILE.finditer(text)} | set(ctx.effect(call).files_written)
                    if _collected(timeline[index + 1:], call, needles):
                        continue
                    label = ctx.effect(call).label or call.name
                    yield Finding(
                        message=(f"background job {safe(label, 60)} (id {safe(sorted(ids)[0], 40)}) was started "
                                 "and its result was never read before the transcript ends"),
                        calls=[call], agent_id=agent.id,
                    )

    @staticmethod
    def _matters(call: ToolCall, ctx: RuleContext) -> bool:
        effect = ctx.effect(call)
        if effect.kind == SPAWN:
            return True
        command = command_of(call)
        if _WATCH.search(command) or _SERVES.search(command):
            return False  # a watcher or a server runs until stopped: it is used, not read
        segments = [seg for seg in split_command(command) if seg.words]
        # What runs last is what the job is: `npm install && npm run dev` is a dev server.
        return bool(segments) and categorise(segments[-1]) in _JOBS


def _collected(later: list[Step | Event], launch: ToolCall, needles: set[str]) -> bool:
    for item in later:
        if isinstance(item, Event):
            # a notification delivered it; a harness reminder about it counts too (benefit of the doubt)
            if item.kind in ("notification", "meta") and any(n in item.text for n in needles):
                return True
            continue
        for call in item.calls:
            if call is launch:
                continue
            values = " ".join(str(v) for v in call.input.values())
            exact = {str(v) for v in call.input.values() if isinstance(v, (int, str)) and not isinstance(v, bool)}
            # a short number (a pid, a session id) only counts as a whole value or word, not inside others
            if any((n in exact or re.search(rf"(?<![\w.]){n}(?![\w.])", values)) if n.isdigit() else n in values
                   for n in needles):
                return True
    return False
