"""PAR501 plan-dependent-steps-in-parallel."""

from __future__ import annotations

from typing import Iterable

from linter.model import Location
from linter.plans.model import Plan, PlanStep
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
        "or lets two workers overwrite each other. A numbered sub-step's prerequisites are its parent's "
        "too: when `3. (P)` runs beside `2. (P)` and step 3.1 needs 2.2, step 3 cannot start with step 2. "
        "Order those steps, or split the shared file's work into one step."
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
        """
        - [ ] 2. Billing
        - [ ] 2.1 (P) Price calculation in `src/billing/price.ts`
        - [ ] 2.2 (P) Tax rules in `src/billing/tax.ts`
          - _Depends: 2.1_
        """,
    ]

    def check_plan(self, plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
        for group in plan.groups:
            members = sorted(group.steps, key=lambda s: s.index)
            needs = {id(s): _needs(plan, s) for s in members}
            for n, later in enumerate(members):
                for earlier in members[:n]:
                    reason = None
                    said = _names(needs[id(later)], earlier)
                    if said is not None:
                        sayer, number = said
                        reason = (f"it says it needs {label(earlier)}" if sayer is later and number == earlier.number
                                  else f"{'it' if sayer is later else f'its sub-step {sayer.number}'} says it "
                                       f"needs {number}")
                    elif _names(needs[id(earlier)], later) is not None:
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


def _needs(plan: Plan, step: PlanStep) -> list[tuple[PlanStep, str]]:
    """The step numbers a step names as prerequisites, with those its numbered sub-steps name
    (``3.1 _Depends: 2.2_`` makes step 3 wait for part of step 2): (who says it, the number)."""
    found = [(step, d) for d in step.depends_on]
    if step.number:
        found += [(sub, d) for sub in plan.steps if sub.number and sub.number.startswith(step.number + ".")
                  for d in sub.depends_on]
    return found


def _names(needs: list[tuple[PlanStep, str]], other: PlanStep) -> tuple[PlanStep, str] | None:
    """The first prerequisite that is ``other`` or one of its numbered sub-steps."""
    if not other.number:
        return None
    for sayer, number in needs:
        if number == other.number or number.startswith(other.number + "."):
            return sayer, number
    return None
