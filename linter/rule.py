"""The rule contract: what a rule declares and what it reports.

A rule is a class with declarative metadata and a ``check(session, ctx)`` generator. Its VALID and
INVALID examples are scenarios (see ``linter.testing``) that the test suite renders to a real
transcript and lints: VALID must give no finding of the rule, INVALID at least one.
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
class Finding:
    """What a rule reports. The engine adds the code, severity and cost figures."""

    message: str
    calls: list[ToolCall]
    confidence: str | None = None
    # steps spent by the involved work (R1..Rk) and the rounds a batched schedule needs
    steps: list[Step] = field(default_factory=list)
    depth: int = 0
    concurrent: bool = False  # would the harness run these calls side by side?
    location: Location | None = None
    agent_id: str | None = None


@dataclass(slots=True)
class RuleContext:
    session: Session
    effects: EffectModel
    config: Config
    options: dict[str, Any]

    def effect(self, call: ToolCall) -> Effect:
        return self.effects.of(call)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str] = "warning"
    confidence: ClassVar[str] = "high"
    summary: ClassVar[str]
    rationale: ClassVar[str]
    VALID: ClassVar[list[str]] = []
    INVALID: ClassVar[list[str]] = []
    options: ClassVar[dict[str, Any]] = {}

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover
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
        if not cls.VALID or not cls.INVALID:
            problems.append("needs at least one VALID and one INVALID example")
        return problems
