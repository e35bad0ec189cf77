"""Every real Claude Code transcript parses without error, and no call is lost or counted twice.

The count of distinct tool_use ids is taken here independently of the parser: a plain scan of
every line (including subagent messages mirrored in ``progress`` lines).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS, FIXTURES, rel

REAL = sorted(CORPUS.glob("*.jsonl")) if CORPUS.is_dir() else []
REAL += sorted((FIXTURES / "real").glob("*.jsonl"))


def count_tool_uses(path) -> int:
    ids: set[str] = set()
    anonymous = 0

    def blocks(message):
        content = message.get("content") if isinstance(message, dict) else None
        return content if isinstance(content, list) else []

    with open(path, encoding="utf-8") as fp:
        for line in fp:
            if not line.strip():
                continue
            rec = json.loads(line)
            messages = [rec.get("message")]
            if rec.get("type") == "progress" and isinstance(rec.get("data"), dict):
                inner = rec["data"].get("message")
                messages.append(inner.get("message") if isinstance(inner, dict) else None)
            for message in messages:
                for block in blocks(message):
                    if isinstance(block, dict) and block.get("type") == "tool_use":
                        if block.get("id"):
                            ids.add(block["id"])
                        else:
                            anonymous += 1
    return len(ids) + anonymous


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_transcript(cli, path) -> None:
    result, doc = cli.json("check", str(path) if not str(path).startswith(str(FIXTURES)) else rel(path))
    assert result.exit_code in (0, 1)
    assert doc["errors"] == []
    (session,) = doc["sessions"]
    assert session["format"] == "claude-code"
    assert session["tool_calls"] == count_tool_uses(path)
