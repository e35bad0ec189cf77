"""PAR201 dependent-calls-in-batch."""

from __future__ import annotations

from typing import Iterable

from linter.deps import depends
from linter.model import Session
from linter.rule import Finding, Rule, RuleContext
from linter.textutil import safe


class DependentCallsInBatch(Rule):
    code = "PAR201"
    name = "dependent-calls-in-batch"
    severity = "error"
    confidence = "high"
    summary = "A call in a batch depends on another call of the same batch."
    rationale = (
        "Calls issued together are chosen before any of their results is seen, and a harness may run "
        "them in any order or side by side. When one reads a file another writes (or writes what "
        "another reads), or the two form an ordered pair (build then test, install then run, mkdir "
        "then write inside it, git add then git commit, migrate then seed), the later call acts on a "
        "state the agent never observed: if the first fails, the second runs anyway on stale input. "
        "Two writes to one file are reported by PAR202 instead."
    )
    VALID = [
        """
        user: Read the two configs.
        step
        call Read file_path=config/a.toml
        call Read file_path=config/b.toml
        """,
        """
        user: Build, then test.
        step
        call Bash command="npm run build"
        -> built
        step
        call Bash command="npm test"
        """,
    ]
    INVALID = [
        """
        user: Create notes.txt and show it to me.
        step
        call Write file_path=notes.txt content=hello
        call Read file_path=notes.txt
        """,
        """
        user: Build and test.
        step
        call Bash command="npm run build"
        call Bash command="npm test"
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        for step in session.all_steps():
            if not step.is_batch or step.synthetic:
                continue
            effects = [ctx.effect(c) for c in step.calls]
            pairs = []
            for j in range(1, len(step.calls)):
                for i in range(j):
                    dep = depends(effects[i], effects[j])
                    if dep is not None and dep.kind != "WAW":
                        pairs.append((i, j, dep))
                        break  # one reason per dependent call is enough
            if not pairs:
                continue
            i, j, dep = pairs[0]
            a, b = step.calls[i], step.calls[j]
            more = f" (and {len(pairs) - 1} more dependent call{'s' if len(pairs) > 2 else ''})" if len(pairs) > 1 else ""
            involved = sorted({k for p in pairs for k in p[:2]})
            yield Finding(
                message=(f"{b.name} {safe(effects[j].label, 60)} depends on {a.name} {safe(effects[i].label, 60)} "
                         f"issued in the same batch ({safe(dep.describe(), 80)}){more}; issue dependent calls "
                         "after the results they need"),
                calls=[step.calls[k] for k in involved],
                confidence="medium" if all(p[2].kind == "DIR" for p in pairs) else "high",
                agent_id=step.agent_id,
            )
