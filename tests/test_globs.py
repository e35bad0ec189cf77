"""Path globs for plan-globs and code-globs: ``*`` stays within a directory, ``**/`` spans any."""

from __future__ import annotations

import pytest

from linter.discover import matches
from linter.globs import glob_match

PLAN_GLOBS = ("**/*plan*.md", "**/tasks.md", ".claude/plans/**/*.md")


@pytest.mark.parametrize(("path", "expected"), [
    ("plan.md", True),
    ("docs/release-plan.md", True),
    ("a/b/c/migration_plan.md", True),
    ("tasks.md", True),
    (".kiro/specs/x/tasks.md", True),
    (".claude/plans/deep/step.md", True),
    ("docs/planning/README.md", False),      # a directory named for plans holds other files too
    ("explanations/notes.md", False),
    ("docs/explanation.md", True),            # "ex-plan-ation": the file name does contain "plan"
    ("mytasks.md", False),
])
def test_plan_globs(path: str, expected: bool) -> None:
    assert matches(path, PLAN_GLOBS) is expected


@pytest.mark.parametrize(("path", "expected"), [
    ("plan.md", True), ("docs/implementation-plan.md", True), ("migration_plan.md", True), ("planning.md", True),
    ("cursor.plan.md", True), ("PLAN.md", True), ("myplan.md", True), ("x/tasks.md", True),
    (".claude/plans/a.md", True),
    ("docs/explanation.md", False), ("airplane.md", False), ("README.md", False),
])
def test_default_plan_globs_take_plans_not_words_that_hold_plan(path: str, expected: bool) -> None:
    from linter.config import DEFAULT_PLAN_GLOBS

    assert matches(path, DEFAULT_PLAN_GLOBS) is expected


@pytest.mark.parametrize(("path", "pattern", "expected"), [
    ("a/b.py", "*.py", False),
    ("b.py", "*.py", True),
    ("agents/x/y.py", "agents/**", True),
    ("agents/y.py", "agents/**/*.py", True),
    ("agents/x/y.py", "agents/*.py", False),
    ("a1.py", "a[0-9].py", True),
    ("ab.py", "a[!0-9].py", True),
    ("a?.py", "a?.py", True),
    ("a/.py", "a?.py", False),
])
def test_glob_match(path: str, pattern: str, expected: bool) -> None:
    assert glob_match(path, pattern) is expected
