"""Rule declarations, the registry, and the README's rule table."""

from __future__ import annotations

import re

from linter.engine import Registry, load_registry
from linter.rule import Rule
from tests.conftest import ROOT

EXPECTED = ["PAR001", "PAR101", "PAR102", "PAR103", "PAR201", "PAR202", "PAR203", "PAR301", "PAR302", "PAR303", "PAR304", "PAR305", "PAR401",
            "PAR501", "PAR502", "PAR503", "PAR504", "PAR601", "PAR602", "PAR603", "PAR604", "PAR605"]


def test_builtin_rules_load_through_the_entry_point() -> None:
    registry = load_registry()
    assert registry.problems == []
    assert [r.code for r in registry.sorted()] == EXPECTED
    for rule in registry.sorted():
        assert rule.validate() == []
        assert rule.__module__.startswith("rules.par" + rule.code[3:])


def test_readme_rule_table_matches_the_rules() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (PAR\d{3}) \| `([a-z0-9-]+)` \| (\w+) \| (.+?) \|$", readme, re.M)
    registry = load_registry()
    assert rows == [(r.code, r.name, r.severity, r.summary) for r in registry.sorted()]


class _Point:
    def __init__(self, name: str, value: object, fail: bool = False) -> None:
        self.name, self.value, self._fail = name, str(value), fail
        self._target = value

    def load(self) -> object:
        if self._fail:
            raise ImportError("No module named 'parlint_broken'")
        return self._target


def test_broken_plugin_is_reported_and_the_others_run() -> None:
    from rules import get_rules

    registry = load_registry([_Point("broken", "parlint_broken:get_rules", fail=True), _Point("builtin", get_rules)])
    assert [r.code for r in registry.sorted()] == EXPECTED
    assert len(registry.problems) == 1
    assert "plugin 'broken'" in registry.problems[0] and "ImportError" in registry.problems[0]


def test_duplicate_codes_are_rejected() -> None:
    from rules import get_rules
    from rules.par101_serialised_independent_calls import SerialisedIndependentCalls

    class Impostor(SerialisedIndependentCalls):
        name = "impostor"

    registry = load_registry([_Point("a", get_rules), _Point("b", lambda: [Impostor])])
    assert registry.rules["PAR101"] is SerialisedIndependentCalls
    assert any("PAR101 is already used" in p for p in registry.problems)


def test_malformed_rule_is_rejected() -> None:
    class NoExamples(Rule):
        code, name, summary, rationale = "XYZ001", "no-examples", "s", "r"

    class BadCode(Rule):
        code, name, summary, rationale = "bad", "bad-code", "s", "r"
        VALID = INVALID = ["user: x"]

    registry = Registry()
    registry.add(NoExamples, "test")
    registry.add(BadCode, "test")
    registry.add(object, "test")
    assert registry.rules == {}
    assert len(registry.problems) == 3


def test_readme_format_table_matches_the_parsers() -> None:
    from linter.parsers import FORMATS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \| (.+?) \|$", readme, re.M)
    assert rows == [(name, module.DESCRIPTION) for name, module in FORMATS.items()]


def test_a_rule_that_raises_is_reported_and_the_others_run(tmp_path) -> None:
    from linter.config import Config
    from linter.engine import run
    from linter.rule import Rule
    from rules import get_rules
    from tests.conftest import FIXTURES

    class Exploding(Rule):
        code = "PAR999"
        name = "exploding"
        summary = "Always fails."
        rationale = "Stands for a plugin with a bug."
        VALID = ["step: nothing"]
        INVALID = ["step: anything"]

        def check(self, session, ctx):
            raise RuntimeError("boom")
            yield  # pragma: no cover

    registry = load_registry([_Point("builtin", get_rules), _Point("broken", [Exploding])])
    assert registry.problems == []
    path = str(FIXTURES / "par101-serial-reads.jsonl")
    result = run([path], Config(), registry)
    assert [d.code for d in result.diagnostics] == ["PAR101"]
    assert [(e.path, e.message) for e in result.errors] == [
        (path, "rule PAR999 failed on this session (RuntimeError: boom); its findings are left out")]


def test_a_plan_rule_that_raises_is_reported_and_the_others_run() -> None:
    from linter.config import Config
    from linter.engine import run
    from rules import get_rules
    from tests.conftest import ROOT as repo

    class ExplodingPlanRule(Rule):
        code = "PAR998"
        name = "exploding-plan-rule"
        target = "plan"
        summary = "Always fails."
        rationale = "Stands for a plugin with a bug."
        VALID = ["1. Read a.py"]
        INVALID = ["1. Read b.py"]

        def check_plan(self, plan, ctx):
            raise ValueError("bad plan")

    registry = load_registry([_Point("builtin", get_rules), _Point("broken", [ExplodingPlanRule])])
    assert registry.problems == []
    path = str(repo / "fixtures" / "plans" / "research-plan.md")
    result = run([path], Config(), registry)
    expected = run([path], Config(), load_registry([_Point("builtin", get_rules)]))
    assert [d.code for d in result.diagnostics] == [d.code for d in expected.diagnostics]
    assert [(e.path, e.message) for e in result.errors] == [
        (path, "rule PAR998 failed here (ValueError: bad plan); its findings are left out")]
