"""Applying fixes to plan and code files (never to transcripts).

Fixes are applied one at a time: after each, the file is linted again and the next fix is taken
from the fresh findings, so fixes never overlap; a file stops after ``MAX_ROUNDS`` rounds or when
no applicable fix is left. Every fix must leave code that parses: a fix whose result does not is
dropped and reported.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from linter.config import Config
from linter.discover import kind_of
from linter.engine import Diagnostic, lint_plan_file
from linter.model import ParseProblem
from linter.rule import Rule

MAX_ROUNDS = 20


@dataclass
class FileFix:
    path: str
    before: str
    after: str
    applied: list[str] = field(default_factory=list)  # codes of the fixes applied, in order

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                            fromfile=self._name("a"), tofile=self._name("b")))

    def _name(self, side: str) -> str:
        return self.path if self.path.startswith("/") else f"{side}/{self.path}"


def fix_file(path: str, rules: list[type[Rule]], config: Config, unsafe: bool,
             errors: list[ParseProblem]) -> FileFix | None:
    kind = kind_of(path)
    if kind not in ("plan", "code"):
        return None
    try:
        with open(path, encoding="utf-8") as fp:
            before = fp.read()
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(ParseProblem(path, None, f"cannot read for fixing: {exc}"))
        return None
    text = before
    applied: list[str] = []
    for _ in range(MAX_ROUNDS):
        scratch: list[ParseProblem] = []
        found, _summary = lint_plan_file(path, kind, rules, config, scratch, text)
        chosen = next((d for d in found if d.fix is not None and (d.fix.safe or unsafe)), None)
        if chosen is None or chosen.fix is None or chosen.fix.source == text:
            break
        check: list[ParseProblem] = []
        lint_plan_file(path, kind, rules, config, check, chosen.fix.source)
        if any(p.level == "error" for p in check):
            errors.append(ParseProblem(path, chosen.line, f"{chosen.code} fix dropped: its result does not parse"))
            break
        text = chosen.fix.source
        applied.append(chosen.code)
    if text == before:
        return None
    return FileFix(path, before, text, applied)


def fixable(diagnostics: list[Diagnostic]) -> list[str]:
    """Paths of plan and code files with at least one fix on offer."""
    seen: list[str] = []
    for d in diagnostics:
        if d.fix is not None and d.path not in seen and kind_of(d.path) in ("plan", "code"):
            seen.append(d.path)
    return seen
