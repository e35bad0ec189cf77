"""PAR501 plan-dependent-steps-in-parallel."""

from __future__ import annotations

from typing import Iterable

from linter.model import Location
from linter.plans.model import Plan
from linter.rule import Finding, Rule, RuleContext
from rules._plans import label


class PlanDependentStepsInParallel(Rule):
    target = "plan"
    code = "PAR501"
    name = "plan-dependent-steps-in-parallel"
    severity = "error"
    confidence = "high"
    summary = "Steps of a parallel group depend on each other: one names the other, or they touch one file that one of them changes."
    rationale = (
        "Steps the plan runs at the same time cannot wait for each other. When a step of a parallel "
        "group says it comes after, or uses the results of, another member, or when two members touch "
        "the same file and one of them changes it, the parallel run either reads a half-written result "
        "or lets two workers overwrite each other. Order those steps, or split the shared file's work "
        "into one step."
    )
    VALID = [
        """
        ## Research (in parallel)
        1. Read `src/api.py` and list its endpoints
        2. Read `src/db.py` and list its tables
        ## Then
        3. Update `docs/overview.md` using the results of steps 1 and 2
        """,
        """
        ## Migrate logging (in parallel)
        1. Replace the `print` calls in `src/api.py` with `logger.info`
        2. Replace the `print` calls in `src/worker.py` with `logger.info`
        3. Run the tests
        """,
    ]
    INVALID = [
        """
        ## Build (in parallel)
        1. Create `src/schema.py` with the data model
        2. Write `src/api.py` after step 1, importing the model
        """,
        """
        Parallel tasks:
        - [ ] Add the login route to `src/app.py`
        - [ ] Add the logout route to `src/app.py`
        """,
    ]

    def check_plan(self, plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
        for group in plan.groups:
            members = sorted(group.steps, key=lambda s: s.index)
            numbers = {s.number: s for s in members if s.number}
            for n, later in enumerate(members):
                for earlier in members[:n]:
                    reason = None
                    if earlier.number and earlier.number in later.depends_on:
                        reason = f"it says it needs {label(earlier)}"
                    elif later.number and later.number in earlier.depends_on:
                        reason = f"{label(earlier)} says it needs it"
                    else:
                        shared = sorted((earlier.outputs & later.files) | (later.outputs & earlier.files))
                        if shared:
                            reason = f"both touch {', '.join(shared[:3])} and one of them changes it"
                    if reason:
                        yield Finding(
                            message=f"{label(later)} is in a parallel group ({group.marker!r}, line "
                                    f"{group.line}) with {label(earlier)}, but {reason}; order them",
                            calls=[], location=Location(plan.path, later.line))
                        break
            del numbers
