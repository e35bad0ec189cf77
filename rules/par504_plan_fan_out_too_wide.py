"""PAR504 plan-fan-out-too-wide."""

from __future__ import annotations

from typing import Iterable

from linter.model import Location
from linter.plans.model import Plan
from linter.rule import Finding, Rule, RuleContext


class PlanFanOutTooWide(Rule):
    target = "plan"
    code = "PAR504"
    name = "plan-fan-out-too-wide"
    severity = "warning"
    confidence = "high"
    summary = "A parallel group of the plan is larger than max-fanout (default 5)."
    rationale = (
        "Each parallel worker rebuilds its own context, and past a moderate width the workers mostly "
        "contend for the same files, rate limits and the coordinator's attention. Split a very wide "
        "group into waves, or give fewer workers larger shares. The limit is `max-fanout`. Task "
        "markers that only allow running together (Spec Kit's `[P]`, cc-sdd's `(P)`) are left alone: "
        "whoever runs the plan chooses the width."
    )
    VALID = [
        """
        ## Review (in parallel)
        1. Review `services/a.py`
        2. Review `services/b.py`
        3. Review `services/c.py`
        """,
        """
        - [ ] 1. Review the services
        - [ ] 1.1 (P) Review `services/a.py`
        - [ ] 1.2 (P) Review `services/b.py`
        - [ ] 1.3 (P) Review `services/c.py`
        - [ ] 1.4 (P) Review `services/d.py`
        - [ ] 1.5 (P) Review `services/e.py`
        - [ ] 1.6 (P) Review `services/f.py`
        """,
    ]
    INVALID = [
        """
        ## Review (in parallel)
        1. Review `services/a.py`
        2. Review `services/b.py`
        3. Review `services/c.py`
        4. Review `services/d.py`
        5. Review `services/e.py`
        6. Review `services/f.py`
        """,
    ]

    def check_plan(self, plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
        limit = ctx.config.max_fanout
        for group in plan.groups:
            if group.may:
                continue  # "[P]", "(P)": tasks that may run together, not a launch of all at once
            if len(group.steps) > limit:
                yield Finding(
                    message=f"the parallel group at line {group.line} runs {len(group.steps)} steps at once, "
                            f"more than max-fanout ({limit}); run them in waves",
                    calls=[], location=Location(plan.path, group.line))
