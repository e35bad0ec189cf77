"""Plans: what an agent is about to do, linted before any token is spent.

A Markdown plan (a ``plan.md``, a Kiro ``tasks.md``, a plan-mode plan or a todo list inside a
transcript) becomes a ``Plan`` of ``PlanStep``s (``linter.plans.markdown``); Python orchestration
code becomes a ``CodePlan`` that keeps its libcst tree so rules can offer fixes
(``linter.plans.python``).
"""
