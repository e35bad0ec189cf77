"""PAR502 plan-missed-parallelism."""

from __future__ import annotations

import re
from typing import Iterable

from linter.model import Location
from linter.plans.model import Plan, PlanStep
from linter.rule import Finding, Rule, RuleContext
from rules._plans import NOT_WORK, WRITE, label

_INVESTIGATE = re.compile(
    r"^\W*(?:read|review|analy[sz]e|inspect|investigate|explore|examine|audit|study|scan|survey|look (?:at|into|through)|"
    r"check|search|fetch|download|research|summari[sz]e|list)\b(?!-)", re.I)
# Reading order stated in words ("once you understand", "it assumes you know"): a sequence.
_ORDERED = re.compile(r"\b(?:once you|after you|assumes? you|builds? on|having read|then read|before reading|"
                      r"in (?:this|that|the following) order|in order)\b", re.I)


class PlanMissedParallelism(Rule):
    target = "plan"
    code = "PAR502"
    name = "plan-missed-parallelism"
    severity = "warning"
    confidence = "medium"
    summary = "Consecutive read-only steps on separate files, with nothing linking them, are planned one after another."
    rationale = (
        "A plan that reads, reviews or analyses several separate files one step at a time spends one "
        "model round trip per step, each re-reading the whole context, although nothing in one step "
        "feeds the next. Mark such steps as parallel and the agent can issue them as one batch. The "
        "rule only looks at investigation steps (read, review, analyse, inspect, search...) that each "
        "name their own files, change nothing and name no other step; `min-serial-calls` (default 3) "
        "sets how many make a finding. An agent's todo list (TodoWrite, write_todos) is a checklist, "
        "not an order of work, and is left to PAR101, which sees how the reads really went out."
    )
    VALID = [
        """
        1. Read `src/api.py`
        2. Read `src/db.py`
        3. Update `src/api.py` to use the new query helper from step 2
        """,
        """
        ## Investigate (in parallel)
        1. Read `src/api.py`
        2. Read `src/db.py`
        3. Read `src/cache.py`
        """,
    ]
    INVALID = [
        """
        1. Read `src/api.py` to list its endpoints
        2. Review `src/db.py` for slow queries
        3. Inspect `src/cache.py` for the eviction policy
        4. Write `docs/findings.md` using the results of steps 1-3
        """,
    ]

    def check_plan(self, plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
        if plan.kind == "todos":
            return  # a todo list is a checklist, not an order of work: how it ran is PAR101's to judge
        minimum = ctx.config.min_serial_calls
        seen: set[int] = set()
        for step in plan.steps:
            if step.index in seen:
                continue
            siblings = plan.siblings(step)
            start = siblings.index(step)
            run: list[PlanStep] = []
            files: set[str] = set()
            for candidate in siblings[start:]:
                if not self._eligible(candidate) or candidate.files & files:
                    break
                numbers = {s.number for s in run if s.number}
                if numbers & set(candidate.depends_on):
                    break
                run.append(candidate)
                files |= candidate.files
            for member in run:
                seen.add(member.index)
            if len(run) >= minimum:
                names = ", ".join(label(s) for s in run[:4]) + (", ..." if len(run) > 4 else "")
                yield Finding(
                    message=f"{len(run)} read-only steps on separate files are planned one after another "
                            f"({names}); nothing links them, so they can run in parallel",
                    calls=[], location=Location(plan.path, run[0].line))

    @staticmethod
    def _eligible(step: PlanStep) -> bool:
        head = step.text.split("\n", 1)[0]
        return (step.group is None and not step.children and bool(step.files) and not step.outputs
                and not step.depends_on and not step.done and bool(_INVESTIGATE.search(head))
                and not WRITE.search(head) and not _ORDERED.search(step.text) and not NOT_WORK.search(step.phase))
