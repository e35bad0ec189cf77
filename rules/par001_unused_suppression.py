"""PAR001 unused-suppression (reported by the engine; declared here for the catalogue)."""

from __future__ import annotations

from typing import Iterable

from linter.plans.model import Plan
from linter.rule import Finding, Rule, RuleContext


class UnusedSuppression(Rule):
    target = "plan"
    code = "PAR001"
    name = "unused-suppression"
    severity = "warning"
    confidence = "high"
    needs_all_rules = True
    summary = "An inline suppression (<!-- parlint: ignore[...] --> or # parlint: ignore[...]) silences nothing."
    rationale = (
        "A suppression that no longer matches a finding hides nothing today but will hide a real "
        "finding tomorrow, when the plan or code changes under it. Remove suppressions as soon as "
        "they stop being needed. A suppression applies to its own line and the line below it."
    )
    VALID = [
        """
        <!-- parlint: ignore[PAR504] -->
        ## Review (in parallel)
        1. Review `services/a.py`
        2. Review `services/b.py`
        3. Review `services/c.py`
        4. Review `services/d.py`
        5. Review `services/e.py`
        6. Review `services/f.py`
        """,
    ]
    INVALID = [
        """
        <!-- parlint: ignore[PAR504] -->
        ## Review (in parallel)
        1. Review `services/a.py`
        2. Review `services/b.py`
        """,
    ]

    def check_plan(self, plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
        return ()  # the engine reports unused suppressions after every other rule has run
