"""The acceptance scenarios of the core issue, with exact codes and call ids."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, rel


def codes(doc) -> list[tuple[str, list[str]]]:
    return [(d["code"], d["call_ids"]) for d in doc["diagnostics"]]


@pytest.mark.parametrize("name,expected", [
    ("par101-serial-reads", [("PAR101", ["toolu_0001", "toolu_0002", "toolu_0003"])]),
    ("clean-grep-then-read", []),
    ("par201-write-read-batch", [("PAR201", ["toolu_0001", "toolu_0002"])]),
    ("par202-two-edits-batch", [("PAR202", ["toolu_0001", "toolu_0002"])]),
    ("par201-build-test-batch", [("PAR201", ["toolu_0001", "toolu_0002"])]),
    ("par401-edits-no-tests", [("PAR401", ["toolu_0001", "toolu_0002"])]),
    ("clean-tests-after-edit", []),
    ("par301-failed-batch-claim", [("PAR301", ["toolu_0002"])]),
    ("par102-serial-tasks", [("PAR102", ["toolu_0001", "toolu_0002", "toolu_0003"])]),
    ("par304-seven-tasks", [("PAR304", [f"toolu_{n:04d}" for n in range(1, 8)])]),
    ("clean-user-between-reads", []),
    ("clean-batched-reads", []),
    ("par103-serial-checks", [("PAR103", ["toolu_0001", "toolu_0002", "toolu_0003"])]),
])
def test_scenario(cli, name: str, expected: list) -> None:
    result, doc = cli.json("check", rel(FIXTURES / f"{name}.jsonl"))
    assert codes(doc) == expected
    assert result.exit_code == (1 if expected else 0)
    assert doc["errors"] == []


def test_serial_reads_savings(cli) -> None:
    _, doc = cli.json("check", rel(FIXTURES / "par101-serial-reads.jsonl"))
    (diag,) = doc["diagnostics"]
    assert diag["line"] == 3 and diag["agent_id"] == "main" and diag["confidence"] == "high"
    # Two removed requests, each 8 fresh + 20000 cache-read input tokens and 90 output tokens,
    # minus its tool-call block: (name + key + value + 20) characters / 4, 52 and 51 characters here.
    assert diag["savings"]["extra_round_trips"] == 2
    assert diag["savings"]["overhead_tokens"] == [100, 200]
    assert diag["savings"]["context_tokens"] == 2 * (8 + 20000) + (90 - 52 // 4) + (90 - 51 // 4)
    # Records are 1 s apart: each removed turn started 1 s after the result it waited for (2 s),
    # and the three reads, 1 s each, would have overlapped: sum 3 s minus max 1 s (2 s).
    assert diag["savings"]["seconds"] == 2 * 1.0 + (1.0 + 1.0 + 1.0 - 1.0)
