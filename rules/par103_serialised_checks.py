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
        "prompt between them. A run narrowed to some tests (`go test -run TestX`, `pytest -k name`, one "
        "test file) followed by a wider one is a gate, not a missed batch; two tasks of one runner "
        "(`mise run test`, `mise run test:integration`) are two checks. "
        "Commands that rewrite files (`--fix`, formatters) are not checks. A "
        "todo-list update beside the checks, or in a turn of its own, neither ends a run nor counts. "
        "Checks issued together and then one more round are left alone: that saves one trip at most."
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
        # The targeted run gates the wider ones, whatever runs them.
        """
        user: Fix the flaky TestConcurrentSessions test.
        step
        call Edit file_path=it/sessions_test.go old_string=full.log new_string=full.jsonl
        -> ok
        step
        call Bash command="go test -tags=integration -run TestConcurrentSessions ./it/"
        -> ok
        step
        call Bash command="mise run test:integration"
        -> ok
        step
        call Bash command="mise run test"
        -> ok
        """,
    ]
    INVALID = [
        # Two tasks of one runner are two checks, not one run inside the other.
        """
        user: Check the change.
        step
        call Bash command="mise run test"
        -> ok  entire.io/cli/cmd/entire/cli
        step
        call Bash command="mise run test:integration"
        -> ok  entire.io/cli/cmd/entire/cli/integration_test
        step
        call Bash command="mise run lint"
        -> 0 issues.
        """,
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
        # Checks run "to verify that it works" are no probes: that is what checks are for.
        """
        user: Run lint, the type checker and the tests.
        step: Running the linter to check that it works.
        call Bash command="ruff check ."
        -> All checks passed!
        step: Now the type checker, to verify that everything works.
        call Bash command="mypy src"
        -> Success: no issues found in 12 source files
        step: And the tests, to confirm that it works.
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
                        if _nested(prev, call, ctx) or _gates(prev, call, ctx):
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
    wa, wb = sa[1], sb[1]
    if wa[:len(wb)] == wb or wb[:len(wa)] == wa:
        return True  # `pytest` and `pytest tests/test_a.py`, `npm test` and `npm test -- src/a.test.ts`
    if len(wa) != len(wb):
        return False
    # the same words but for paths, one inside the other (`pytest tests/unit`, `pytest tests/unit/test_a.py`);
    # task names are no paths (`mise run test`, `mise run test:integration` are two tasks)
    return all(x == y or (_is_path(x) and _is_path(y) and (_inside(x, y) or _inside(y, x))) for x, y in zip(wa, wb))


# A test run narrowed to some tests: by name (`go test -run TestX`, `pytest -k name`, `vitest -t`,
# `jest --testNamePattern`), by node id (`tests/test_a.py::test_x`) or by test file.
_TARGETED = re.compile(r"(?:^|\s)(?:-run|-k|-t|--testNamePattern|--grep|--filter|-m)(?:[\s=])|::|"
                       r"(?:^|[\s/])(?:test_\w+\.py|\w+_test\.(?:go|py)|[\w.-]+\.(?:test|spec)\.[jt]sx?)\b")


def _gates(first: ToolCall, then: ToolCall, ctx: RuleContext) -> bool:
    """Is ``first`` a test run narrowed to some tests, and ``then`` a test run that is not (the
    targeted run gating a wider one, whatever runs it: `go test -run TestX ./it/`, then
    `mise run test:integration`)?"""
    if "test" not in ctx.effect(first).categories or "test" not in ctx.effect(then).categories:
        return False
    return bool(_TARGETED.search(command_of(first))) and not _TARGETED.search(command_of(then))


def _is_path(word: str) -> bool:
    return "/" in word or word.startswith(".") or word.endswith((".py", ".ts", ".js", ".go", ".rs", ".rb"))


def _inside(inner: str, outer: str) -> bool:
    """Is path ``inner`` within ``outer`` (`./...` and `.` hold everything)?"""
    outer = outer.rstrip("/")
    if outer in (".", "./...", "...") or outer.endswith("/..."):
        base = outer[:-4] if outer.endswith("/...") else ""
        return not base or base == "." or inner.lstrip("./").startswith(base.lstrip("./"))
    return inner.startswith(outer)
