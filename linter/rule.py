"""The rule contract: what a rule declares and what it reports.

A rule is a class with declarative metadata and a generator: ``check(session, ctx)`` for
transcript rules (``target = "session"``), ``check_plan(plan, ctx)`` for Markdown plan and todo
rules (``"plan"``), ``check_code(code, ctx)`` for Python orchestration code (``"code"``). Its
VALID and INVALID examples are scenarios (see ``linter.testing``) for transcript rules, Markdown
for plan rules and Python source for code rules; the test suite lints each: VALID must give no
finding of the rule, INVALID at least one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from linter.model import Location, Session, Step, ToolCall

if TYPE_CHECKING:  # pragma: no cover
    from linter.config import Config
    from linter.effects import Effect, EffectModel

SEVERITIES = ("info", "warning", "error")
CONFIDENCES = ("low", "medium", "high")
CODE_PATTERN = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(slots=True)
class Fix:
    """A source rewrite that resolves a finding. ``safe`` fixes are applied by ``--fix``; the
    others only with ``--unsafe-fixes``. Transcripts are never edited: only plan and code files."""

    description: str
    source: str  # the whole file after the fix
    safe: bool = True


@dataclass(slots=True)
class Finding:
    """What a rule reports. The engine adds the code, severity and cost figures."""

    message: str
    calls: list[ToolCall]
    confidence: str | None = None
    # steps spent by the involved work (R1..Rk) and the rounds a batched schedule needs
    steps: list[Step] = field(default_factory=list)
    depth: int = 0
    concurrent: bool = False  # would the harness run these calls side by side?
    # Does the time between the turns measure what a batch saves? Not when the model spent it
    # writing the calls' own arguments (whole files), which a batch must write all the same.
    timed: bool = True
    location: Location | None = None
    agent_id: str | None = None
    fix: Fix | None = None


@dataclass(slots=True)
class RuleContext:
    session: Session | None
    effects: EffectModel | None
    config: Config
    options: dict[str, Any]

    def effect(self, call: ToolCall) -> Effect:
        assert self.effects is not None
        return self.effects.of(call)


TARGETS = ("session", "plan", "code")


class Rule:
    target: ClassVar[str] = "session"
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str] = "warning"
    confidence: ClassVar[str] = "high"
    summary: ClassVar[str]
    rationale: ClassVar[str]
    VALID: ClassVar[list[str]] = []
    INVALID: ClassVar[list[str]] = []
    options: ClassVar[dict[str, Any]] = {}
    # Judged at the end of the transcript ("never validated before the end"): a resumed session
    # that goes on in another file of the run, with the same calls, is judged there instead.
    at_end: ClassVar[bool] = False

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError

    def check_plan(self, plan: Any, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError

    def check_code(self, code: Any, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def validate(cls) -> list[str]:
        """Problems with the rule's declaration (empty when it is well formed)."""
        problems = []
        for attr in ("code", "name", "summary", "rationale"):
            if not isinstance(getattr(cls, attr, None), str) or not getattr(cls, attr):
                problems.append(f"missing {attr}")
        if problems:
            return problems
        if not CODE_PATTERN.match(cls.code):
            problems.append(f"code {cls.code!r} is not letters followed by three digits")
        if not NAME_PATTERN.match(cls.name):
            problems.append(f"name {cls.name!r} is not kebab-case")
        if cls.severity not in SEVERITIES:
            problems.append(f"severity {cls.severity!r} is not one of {', '.join(SEVERITIES)}")
        if cls.confidence not in CONFIDENCES:
            problems.append(f"confidence {cls.confidence!r} is not one of {', '.join(CONFIDENCES)}")
        if getattr(cls, "target", "session") not in TARGETS:
            problems.append(f"target {cls.target!r} is not one of {', '.join(TARGETS)}")
        if not cls.VALID or not cls.INVALID:
            problems.append("needs at least one VALID and one INVALID example")
        return problems
