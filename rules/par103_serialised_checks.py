"""PAR103 serialised-checks."""

from __future__ import annotations

import re
from typing import Iterable

from linter.deps import depends
from linter.model import Session, Step, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.shell import command_of, split_command
from linter.windows import bookkeeping, serial_findings
from rules._common import describe_calls, plural

CHECKS = {"test", "lint", "typecheck"}
# Commands that rewrite files are fixes, not checks.
_REWRITES = re.compile(r"--fix\b|--write\b|\s-w\b|\bformat\b(?!:check|-check)|\bfmt\b(?!.*--check)|--update-snapshots?\b|\s-u\b")


class SerialisedChecks(Rule):
    code = "PAR103"
    name = "serialised-checks"
    severity = "warning"
    confidence = "high"
    summary = "Independent verification commands (lint, typecheck, tests) were run one per turn."
    rationale = (
        "Linters, type checkers and test suites of separate packages do not depend on each other: "
        "issuing them one per turn adds a model round trip, and a context re-read, per check. The "
        "rule counts consecutive turns that each only run checks, none of which builds what another "
        "uses (build then test is an ordered pair, not a missed batch), with no edit, failure or "
        "prompt between them. Commands that rewrite files (`--fix`, formatters) are not checks. A "
        "todo-list update beside the checks, or in a turn of its own, neither ends a run nor counts."
    )
    options = {"min-checks": 3}
    VALID = [
        """
        user: Run the checks.
        step
        call Bash command="npm run lint"
        call Bash command="npx tsc --noEmit"
        call Bash command="npm test"
        """,
        # build then test is an ordered pair
        """
        user: Build and test.
        step
        call Bash command="npm run lint"
        step
        call Bash command="npm run build"
        step
        call Bash command="npm test"
        """,
        """
        user: Fix the pager bug in src/pager.py
        step
        call Edit file_path=src/pager.py old_string="n - 1" new_string=n
        -> ok
        step
        call Bash command="pytest tests/test_pager.py -q"
        -> 4 passed
        step
        call Bash command="pytest -q"
        -> 120 passed
        step
        call Bash command="ruff check src/pager.py"
        -> All checks passed!
        step: Fixed.
        """,
    ]
    INVALID = [
        """
        user: Run lint, the type checker and the tests.
        step
        call Bash command="ruff check ."
        -> All checks passed!
        step
        call Bash command="mypy src"
        -> Success: no issues found in 12 source files
        step
        call Bash command="pytest -q"
        -> 42 passed
        """,
        # Todo-list updates between the checks tell the agent nothing.
        """
        user: Run lint, the type checker and the tests.
        step
        call Bash command="ruff check ."
        -> All checks passed!
        step
        call TodoWrite todos:='[{"content": "typecheck", "status": "in_progress"}]'
        -> Todos have been modified.
        step
        call TodoWrite todos:='[{"content": "tests", "status": "pending"}]'
        call Bash command="mypy src"
        -> Success: no issues found in 12 source files
        step
        call Bash command="pytest -q"
        -> 42 passed
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        min_checks = int(ctx.options.get("min-checks", 3))

        def accept(step: Step) -> bool:
            for call in step.calls:
                eff = ctx.effect(call)
                if bookkeeping(call, ctx):
                    continue
                if call.background or not eff.categories or not eff.categories <= CHECKS:
                    return False
                if eff.modifies_files or _REWRITES.search(eff.label):
                    return False
            return True

        def fits(window: list[Step], step: Step) -> bool:
            labels = {ctx.effect(c).label for s in window for c in s.calls if not bookkeeping(c, ctx)}
            for call in (c for c in step.calls if not bookkeeping(c, ctx)):
                eff = ctx.effect(call)
                if eff.label in labels:
                    return False  # the same check again is a re-run, not a missed batch
                for s in window:
                    for prev in s.calls:
                        if depends(ctx.effect(prev), eff) or depends(eff, ctx.effect(prev)):
                            return False
                        if _nested(prev, call, ctx):
                            return False  # a quick targeted run gating the full one is deliberate
            return True

        def message(calls: list[ToolCall], extra: int) -> str:
            return (f"{len(calls)} independent checks ran one per turn ({describe_calls(calls, ctx)}); "
                    f"issuing them together saves {plural(extra, 'round trip')}")

        yield from serial_findings(session, ctx, accept, min_checks, message, strict=True, concurrent=False,
                                   fits=fits)


def _scope(call: ToolCall) -> tuple[str, tuple[str, ...]] | None:
    """The check's tool and the paths it is given (``pytest tests/test_a.py`` -> pytest, (tests/test_a.py,))."""
    segments = [seg for seg in split_command(command_of(call)) if seg.program != "cd"]
    if not segments:
        return None
    seg = segments[0]
    return seg.program, tuple(w.split("::")[0] for w in seg.words[1:] if not w.startswith("-"))


def _nested(a: ToolCall, b: ToolCall, ctx: RuleContext) -> bool:
    """Do two checks run the same tool of the same kind over nested scopes (one part, then all)?"""
    if ctx.effect(a).categories != ctx.effect(b).categories:
        return False
    sa, sb = _scope(a), _scope(b)
    if sa is None or sb is None or sa[0] != sb[0]:
        return False
    if not sa[1] or not sb[1]:
        return True
    return any(x.startswith(y) or y.startswith(x) for x in sa[1] for y in sb[1])
