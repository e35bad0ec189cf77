"""JSON output of every fixture, snapshotted (syrupy): rule or parser changes show as diffs."""

from __future__ import annotations

import pytest

from linter.parsers import FORMATS, is_companion
from tests.conftest import FIXTURES, rel

ALL = sorted(p for p in FIXTURES.rglob("*.jsonl"))
FORMAT_DIRS = sorted(d for d in FIXTURES.parent.iterdir()
                     if d.is_dir() and d.name in FORMATS and d.name != "claude-code")
# every transcript but the files read together with another (a conversation folder's other events)
OTHER = sorted(p for d in FORMAT_DIRS for p in d.rglob("*")
               if p.suffix in (".jsonl", ".json", ".traj") and not is_companion(str(p)))


@pytest.mark.parametrize("path", ALL, ids=[rel(p).replace("fixtures/claude-code/", "") for p in ALL])
def test_json_output(cli, snapshot_json, path) -> None:
    result, doc = cli.json("check", rel(path))
    assert result.exit_code in (0, 1, 2)
    doc["tool"]["version"] = "<version>"
    assert doc == snapshot_json


@pytest.mark.parametrize("path", OTHER, ids=[rel(p).replace("fixtures/", "") for p in OTHER])
def test_json_output_of_other_formats(cli, snapshot_json, path) -> None:
    result, doc = cli.json("check", rel(path))
    assert result.exit_code in (0, 1)
    assert doc["errors"] == [] or all(e["level"] == "warning" for e in doc["errors"])
    assert {s["format"] for s in doc["sessions"]} == {path.relative_to(FIXTURES.parent).parts[0]}
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
