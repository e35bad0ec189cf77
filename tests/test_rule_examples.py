"""Every rule's VALID and INVALID examples, rendered to a real transcript and linted."""

from __future__ import annotations

import pytest

from linter.engine import load_registry
from linter.testing import lint_example

REGISTRY = load_registry()
CASES = [
    pytest.param(rule, kind, example, id=f"{rule.code}-{kind}-{n}")
    for rule in REGISTRY.sorted()
    for kind, examples in (("VALID", rule.VALID), ("INVALID", rule.INVALID))
    for n, example in enumerate(examples)
]


@pytest.mark.parametrize("rule,kind,example", CASES)
def test_example(rule: type, kind: str, example: str) -> None:
    code = rule.code
    found = [d for d in lint_example(rule, example) if d.code == code]
    if kind == "VALID":
        assert found == [], [d.message for d in found]
    else:
        assert found, f"{code} did not fire on its INVALID example"


def test_every_rule_has_examples() -> None:
    assert REGISTRY.problems == []
    for rule in REGISTRY.sorted():
        assert rule.VALID and rule.INVALID, rule.code
