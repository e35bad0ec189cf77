"""Helpers shared by the plan rules (PAR5xx)."""

from __future__ import annotations

import re

from linter.plans.markdown import READ_LEAD
from linter.plans.model import ParallelGroup, Plan, PlanStep

WRITE = re.compile(
    r"\b(?:create|write|add|update|modify|edit|change|generate|implement|refactor|delete|remove|rename|"
    r"move|fix|patch|migrate|install|build|deploy|commit|push)(?:s|es|d|ed|ing)?\b", re.I)
SYNC = re.compile(
    r"\b(?:integrat|merg|combin|collect|gather|consolidat|summari[sz]|review|verif|validat|test|check(?!out)|"
    r"reconcil|compar|aggregat|wait|join|synthesi[sz]|assembl|wire|lint|typecheck|type-check|ci\b|qa\b)\w*"
    r"|\b(?:pytest|mypy|pyright|jest|vitest|mocha|ruff|eslint|tsc|clippy|tox|nox|playwright|cypress)\b",
    re.I)
# A section of checks or requirements: its list items are no work steps.
NOT_WORK = re.compile(r"\b(?:verification|verify|validation|testing|tests|acceptance|requirements?|"
                      r"success criteria|definition of done|checklist|out of scope|non-goals|risks)\b", re.I)


def label(step: PlanStep) -> str:
    head = step.text.split("\n", 1)[0]
    name = f"step {step.number}" if step.number else f"step at line {step.line}"
    return f"{name} ({head[:50]}{'...' if len(head) > 50 else ''})"


def writes(step: PlanStep) -> bool:
    head = step.text.split("\n", 1)[0]
    return bool(step.outputs) or (bool(WRITE.search(head)) and not READ_LEAD.search(head))


def after(plan: Plan, group: ParallelGroup) -> PlanStep | None:
    """The first step of the plan after every member of the group (and their sub-steps)."""
    last = max(group.steps, key=lambda s: s.index)
    while last.children:
        last = max(last.children, key=lambda s: s.index)
    for step in plan.steps[last.index + 1:]:
        if step.group is not group:
            return step
    return None
