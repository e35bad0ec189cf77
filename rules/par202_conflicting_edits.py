"""PAR202 conflicting-edits."""

from __future__ import annotations

from typing import Iterable

from linter.effects import SPAWN
from linter.model import Agent, Session, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.textutil import safe
from rules._common import replaced_text, waves


class ConflictingEdits(Rule):
    code = "PAR202"
    name = "conflicting-edits"
    severity = "error"
    confidence = "high"
    summary = "Two calls of one batch, or two subagents running at the same time, modify the same file."
    rationale = (
        "Edits issued together are all computed from the same old view of a file. Whether the second "
        "applies cleanly depends on the order the harness happens to run them in, and when two "
        "subagents work side by side the last writer silently wins. One edit per file per batch "
        "(or one multi-edit), and one owner per file among parallel workers, removes the race. A "
        "call that asks to wait for the ones before it (Gemini CLI's `wait_for_previous`) is not "
        "side by side with them, and a batch whose edits of the file all failed (the file changed "
        "since it was read) modified nothing."
    )
    VALID = [
        """
        user: Rename the flag in both modules.
        step
        call Edit file_path=src/a.py old_string=OLD new_string=NEW
        call Edit file_path=src/b.py old_string=OLD new_string=NEW
        """,
        """
        user: Two changes to one file.
        step
        call Edit file_path=src/a.py old_string=one new_string=uno
        -> ok
        step
        call Edit file_path=src/a.py old_string=two new_string=dos
        """,
        """
        user: Two changes to one file, in order.
        step
        call Edit file_path=src/a.py old_string=one new_string=uno
        call Edit file_path=src/a.py old_string=two new_string=dos wait_for_previous:=true
        """,
        """
        user: Check both services answer.
        step
        call Bash command="curl -s localhost:8000/health | tee /dev/null"
        call Bash command="curl -s localhost:9000/health | tee -a /dev/null"
        """,
        """
        user: Print which settings file was saved, in both places.
        step
        call Edit file_path=cmd/setup.go old_string="SaveLocal(s)" new_string="SaveLocal(s); print(1)"
        !> File has been modified since read, either by the user or by a linter. Read it again.
        call Edit file_path=cmd/setup.go old_string="SaveProject(s)" new_string="SaveProject(s); print(2)"
        !> File has been modified since read, either by the user or by a linter. Read it again.
        """,
    ]
    INVALID = [
        """
        user: Two changes to one file.
        step
        call Edit file_path=src/a.py old_string=one new_string=uno
        call Edit file_path=src/a.py old_string=two new_string=dos
        """,
        """
        user: Add logging to the two services.
        step
        call Task description="api" prompt="Add request logging to services/api"
        call Task description="worker" prompt="Add job logging to services/worker"
        agent api
        step
        call Edit file_path=src/log_config.py old_string=INFO new_string=DEBUG
        -> ok
        step: Logging added to the API.
        agent worker
        step
        call Edit file_path=src/log_config.py old_string=handlers new_string="handlers, job"
        -> ok
        step: Logging added to the worker.
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        for step in session.all_steps():
            if not step.is_batch or step.synthetic:
                continue
            by_file: dict[tuple[int, str], list[ToolCall]] = {}
            for n, wave in enumerate(waves(step.calls)):
                for call in wave:
                    for path in sorted(ctx.effect(call).files_written):
                        by_file.setdefault((n, path), []).append(call)
            for (_, path), calls in by_file.items():
                if len(calls) < 2 or all(c.failed for c in calls):
                    continue  # calls that all failed modified nothing: no conflict came of it
                names = ", ".join(c.name for c in calls)
                yield Finding(
                    message=(f"{len(calls)} calls in one batch modify {safe(path, 80)} ({names}); each was "
                             "computed from the same old view of the file: use one edit, or issue them in turn"),
                    calls=calls, confidence=_confidence(calls), agent_id=step.agent_id,
                )
            yield from self._concurrent_subagents(session, ctx, step.calls)

    def _concurrent_subagents(self, session: Session, ctx: RuleContext, calls: list[ToolCall]) -> Iterable[Finding]:
        spawned: list[tuple[ToolCall, Agent]] = []
        for call in calls:
            if ctx.effect(call).kind == SPAWN and call.spawned_agent in session.agents:
                spawned.append((call, session.agents[call.spawned_agent]))
        if len(spawned) < 2:
            return
        writers: dict[str, list[tuple[ToolCall, ToolCall]]] = {}
        for launch, agent in spawned:
            seen: set[str] = set()
            for step in agent.steps:
                for call in step.calls:
                    if call.failed:
                        continue
                    for path in ctx.effect(call).files_written:
                        if path not in seen:
                            seen.add(path)
                            writers.setdefault(path, []).append((launch, call))
        for path, pairs in sorted(writers.items()):
            if len(pairs) < 2:
                continue
            yield Finding(
                message=(f"{len(pairs)} subagents launched together each modify {safe(path, 80)}; the last "
                         "writer silently wins: give each file one owner"),
                calls=[launch for launch, _ in pairs] + [call for _, call in pairs], confidence="high",
                agent_id=pairs[0][0].agent_id,
            )


# Arguments that carry a whole file's new content (Write, write_file, create): nothing survives
# from the other call.
_WHOLE_FILE = ("content", "file_text", "contents")


def _confidence(calls: list[ToolCall]) -> str:
    """High when the edits visibly collide (a failure, or overlapping text); medium otherwise."""
    if any(c.failed for c in calls):
        return "high"
    texts = []
    for call in calls:
        if any(key in call.input for key in _WHOLE_FILE):
            return "high"  # whole-file writes always clobber each other
        replaced = replaced_text(call)
        if replaced is None:
            continue  # a patch or a multi-edit: nothing to compare, the batch alone is the evidence
        texts.append(replaced)
    for i, (old_i, new_i) in enumerate(texts):
        for old_j, _ in texts[i + 1:]:
            if old_j and (old_j in old_i or old_i in old_j or old_j in new_i):
                return "high"
    return "medium"
