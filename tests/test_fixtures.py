"""JSON output of every fixture, snapshotted (syrupy): rule or parser changes show as diffs."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, rel

ALL = sorted(p for p in FIXTURES.rglob("*.jsonl"))


@pytest.mark.parametrize("path", ALL, ids=[rel(p).replace("fixtures/claude-code/", "") for p in ALL])
def test_json_output(cli, snapshot_json, path) -> None:
    result, doc = cli.json("check", rel(path))
    assert result.exit_code in (0, 1, 2)
    doc["tool"]["version"] = "<version>"
    assert doc == snapshot_json


def test_text_output_of_all_hand_made_fixtures(cli, snapshot) -> None:
    result = cli("check", "--statistics", *[rel(p) for p in sorted(FIXTURES.glob("*.jsonl"))])
    assert result.exit_code == 1
    assert result.stdout == snapshot


def test_fixtures_match_their_scenarios() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "fixtures/generate.py", "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
