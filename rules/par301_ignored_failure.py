"""PAR301 ignored-failure."""

from __future__ import annotations

import posixpath
import re
from typing import Iterable

from linter.effects import READ
from linter.model import Event, Session, Step, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.shell import command_of, split_command
from linter.textutil import safe
from rules._common import REJECTED

# Results that are not the agent's failure: the person said no, or pressed Esc.
# A sibling's failure cancelled this call: collateral, not a root failure.
_COLLATERAL = re.compile(r"Sibling tool call errored|Cancelled: parallel tool call|cancelled because", re.I)
_ACKNOWLEDGES = re.compile(
    r"\b(fail\w*|error\w*|errored|didn'?t|did not|couldn'?t|could not|can'?t|cannot|unable|not found|doesn'?t exist|"
    r"does not exist|no such|missing|issue|problem|wrong|denied|retry\w*|again|instead|however|but|oops|mistake|"
    r"broken|exit code|non-zero|timed? ?out|cancel\w*|skipp\w*|rejected|blocked|permission|look into|investigat\w*|"
    r"unfortunately|apologi\w*|sorry|let me (check|fix|try|look)|need to (fix|check)|isn'?t|is not|aren'?t|"
    r"not (installed|available)|no module|fall ?back)\b",
    re.I,
)
_CLAIMS_SUCCESS = re.compile(
    r"\b(all (done|set|good|complete|finished|passing|pass|succeeded|\w+ (were|are|have been) (created|updated|written|applied|fixed|added))"
    r"|successfully|completed|everything (is|works|worked|looks|went|has been)|"
    r"works now|is now (working|fixed|complete)|have been (created|updated|written|applied|fixed|added))\b|✅|✓"
    r"|^\W*(all )?(done|finished)[.!]",
    re.I,
)

# "Let me verify everything works" announces a check; it claims nothing.
# A cleanup whose goal already held: removing what is not there, creating what exists, stopping
# what is not running. Nothing was left undone.
_ALREADY = re.compile(r"No such file|cannot remove|File exists|no process found|No such process"
                      r"|^\s*(Error: )?Exit code:? (1|123)\s*$|^\s*(Output|Error): \(empty\)\s*$", re.I | re.M)
_CLEANUP = {"rm", "rmdir", "unlink", "mkdir", "pkill", "kill", "killall"}
# What finds the processes to stop (`lsof -ti:3000 | xargs kill -9`): part of the cleanup.
_FINDERS = {"lsof", "xargs", "fuser", "pgrep", "ps", "grep", "awk", "true", "sleep", "echo"}
_FORWARD = re.compile(r"\b(let me|let's|I'll|I will|I'm going to|going to|will|verify|check|make sure|ensure|test(ing)?)\b|\?", re.I)
_SENTENCES = re.compile(r"(?<=[.!:])\s+|\n+")


def _same_file_elsewhere(written: frozenset[str], failed: frozenset[str]) -> bool:
    """A file written under the name of one whose write failed, in another directory: the write
    retried at a corrected path (src/utils/slugify.ts failed, src/lib/slugify.ts made)."""
    names = {posixpath.basename(f) for f in failed}
    return any(posixpath.basename(f) in names for f in written)


class IgnoredFailure(Rule):
    code = "PAR301"
    name = "ignored-failure"
    severity = "error"
    confidence = "high"
    summary = "A call of a batch failed and the agent went on to claim success without retrying or saying so."
    rationale = (
        "With several results arriving at once, a single error is easy to miss, and the agent then "
        "reports work as done that never happened. The rule looks at batches with a failed call (an "
        "error result or non-zero exit; a rejection by the person and a search that found nothing "
        "do not count), and reports them when the agent's next words claim success while no later "
        "call retried the failed one and nothing in its prose acknowledged the failure."
    )
    VALID = [
        """
        user: Add a slugify helper and use it in the post model.
        step
        call Write file_path=src/utils/slugify.ts content="export const slugify = (s) => s"
        !> ENOENT: no such file or directory
        call Edit file_path=src/models/post.ts old_string=a new_string=b
        -> ok
        step
        call Write file_path=src/lib/slugify.ts content="export const slugify = (s) => s"
        -> File created
        step: All changes have been applied successfully.
        """,
        """
        user: Create both files.
        step
        call Write file_path=a.txt content=a
        call Write file_path=b.txt content=b
        !> EACCES: permission denied
        step: The write to b.txt failed with a permission error; retrying with a different path.
        call Write file_path=tmp/b.txt content=b
        """,
        """
        user: Create both files.
        step
        call Write file_path=a.txt content=a
        call Write file_path=b.txt content=b
        !> EACCES: permission denied
        step
        call Write file_path=b.txt content=b
        -> ok
        step: All done.
        """,
    ]
    INVALID = [
        """
        user: Create both files.
        step
        call Write file_path=a.txt content=a
        call Write file_path=b.txt content=b
        !> EACCES: permission denied
        step: All done! Both files have been created successfully.
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        for agent in session.agents.values():
            items = list(agent.timeline())
            for pos, item in enumerate(items):
                if not isinstance(item, Step) or not item.is_batch or item.synthetic:
                    continue
                roots = [c for c in item.calls if self._root_failure(c, ctx)]
                if not roots:
                    continue
                claim = self._unacknowledged_claim(items[pos + 1:], roots, ctx)
                if claim is None:
                    continue
                collateral = [c for c in item.calls if c.failed and c not in roots]
                failed = ", ".join(f"{c.name} {safe(ctx.effect(c).label, 50)}".strip() for c in roots[:3])
                yield Finding(
                    message=(f"{len(roots)} of {len(item.calls)} calls in a batch failed ({failed}) and the agent "
                             f"then claimed success (\"{safe(claim, 70)}\") without retrying or acknowledging it"),
                    calls=roots + collateral, agent_id=agent.id,
                )

    @staticmethod
    def _root_failure(call: ToolCall, ctx: RuleContext) -> bool:
        result = call.result
        if result is None or not result.is_error:
            return False
        if REJECTED.search(result.text) or _COLLATERAL.search(result.text):
            return False
        if ctx.effect(call).kind == READ:
            return False  # a failed read or search changes nothing; what matters is work not done
        command = command_of(call)
        if command and (_ALREADY.search(result.text) or not result.text.strip()):
            # a cleanup with nothing to clean (no such file, no process to stop): nothing failed
            programs = {seg.program for seg in split_command(command)}
            if programs and programs & _CLEANUP and programs <= _CLEANUP | _FINDERS:
                return False
        return True

    @staticmethod
    def _unacknowledged_claim(after: list[Step | Event], roots: list[ToolCall], ctx: RuleContext) -> str | None:
        failed = [ctx.effect(c) for c in roots]
        for item in after:
            if isinstance(item, Event):
                if item.kind in ("prompt", "interrupt", "compact"):
                    return None
                continue
            for call in item.calls:
                eff = ctx.effect(call)
                for root, bad in zip(roots, failed):
                    if (call.name == root.name and (eff.label == bad.label or (eff.writes | eff.reads) & (bad.writes | bad.reads))) \
                            or eff.files_written & bad.files_written \
                            or _same_file_elsewhere(eff.files_written, bad.files_written):
                        return None  # retried: the same file redone, with another tool or at a corrected path
            text = item.text.strip()
            if not text:
                continue
            if _ACKNOWLEDGES.search(text):
                return None
            for sentence in _SENTENCES.split(text):
                if _CLAIMS_SUCCESS.search(sentence) and not _FORWARD.search(sentence):
                    return sentence.strip()
        return None
