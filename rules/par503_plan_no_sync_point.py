"""PAR503 plan-no-sync-point."""

from __future__ import annotations

from typing import Iterable

from linter.model import Location
from linter.plans.model import ParallelGroup, Plan
from linter.rule import Finding, Rule, RuleContext
from rules._plans import SYNC, after, writes


class PlanNoSyncPoint(Rule):
    target = "plan"
    code = "PAR503"
    name = "plan-no-sync-point"
    severity = "warning"
    confidence = "medium"
    summary = "A parallel group that changes things is not followed by a step that integrates or validates its results."
    rationale = (
        "Work done in parallel is only done once someone puts it together: parallel changes can each "
        "look right and still conflict, and parallel findings are only useful once collected. A plan "
        "whose parallel group of changes is followed by nothing, or by unrelated work, has no point "
        "where the results are merged, reviewed or tested. Add a step that integrates and validates "
        "them (run the tests, review the combined diff)."
    )
    VALID = [
        """
        ## Implement (in parallel)
        1. Add the parser in `src/parser.py`
        2. Add the printer in `src/printer.py`
        ## Finish
        3. Run the test suite and fix any failures
        """,
        """
        ## Implementation steps (can be done in parallel)
        1. Create `src/middleware/ratelimit.py` with a token bucket
        2. Add the middleware to `src/app.py`

        ## Verification
        - Run `pytest tests/test_ratelimit.py`
        """,
        """
        ## Look around (in parallel)
        1. Read `src/auth.py` to understand where we should add the new check
        2. Read `src/db.py` to see how sessions are stored
        """,
    ]
    INVALID = [
        """
        ## Implement (in parallel)
        1. Add the parser in `src/parser.py`
        2. Add the printer in `src/printer.py`
        """,
    ]

    def check_plan(self, plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
        for group in plan.groups:
            if not any(writes(s) for s in group.steps):
                continue
            if any(SYNC.search(s.text) for s in group.steps if s.text.split("\n", 1)[0].lower().startswith(("run", "test"))):
                continue
            nxt = after(plan, group)
            if nxt is not None and SYNC.search(nxt.text):
                continue
            if _checked_later(plan, group):
                continue  # a "Verification" section of plain bullets still closes the group
            where = "nothing follows it" if nxt is None else f"the next step (line {nxt.line}) neither integrates nor validates"
            yield Finding(
                message=f"the parallel group at line {group.line} ({len(group.steps)} steps that change things) "
                        f"has no sync point: {where}; add a step that merges and tests the results",
                calls=[], location=Location(plan.path, group.line))


def _checked_later(plan: Plan, group: ParallelGroup) -> bool:
    """Does the plan's text after the group (headings and bullets that are not steps) validate?"""
    last = max(group.steps, key=lambda s: s.index)
    while last.children:
        last = max(last.children, key=lambda s: s.index)
    tail = plan.source.splitlines()[last.line:] if plan.source else []
    return any(SYNC.search(line) for line in tail[1:] if line.strip())
