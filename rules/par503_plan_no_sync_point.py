"""PAR503 plan-no-sync-point."""

from __future__ import annotations

from typing import Iterable

from linter.model import Location
from linter.plans.model import Plan
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
            where = "nothing follows it" if nxt is None else f"the next step (line {nxt.line}) neither integrates nor validates"
            yield Finding(
                message=f"the parallel group at line {group.line} ({len(group.steps)} steps that change things) "
                        f"has no sync point: {where}; add a step that merges and tests the results",
                calls=[], location=Location(plan.path, group.line))
