"""`parlint hook` with Claude Code hook payloads: PostToolUse nudges, Stop blocking, no loops."""

from __future__ import annotations

import json

from click.testing import CliRunner

from linter.cli import main
from tests.conftest import FIXTURES

SERIAL = FIXTURES / "par101-serial-reads.jsonl"
EDITS = FIXTURES / "par401-edits-no-tests.jsonl"
CLEAN = FIXTURES / "clean-tests-after-edit.jsonl"


def _hook(payload: dict, *args: str):
    return CliRunner().invoke(main, ["hook", *args], input=json.dumps(payload), catch_exceptions=False)


def _post(transcript, state) -> object:
    return _hook({"session_id": "s1", "transcript_path": str(transcript), "hook_event_name": "PostToolUse",
                  "cwd": "/repo"}, "--state-dir", str(state))


def test_post_tool_use_nudges_once_when_a_finding_completes(tmp_path) -> None:
    lines = SERIAL.read_text(encoding="utf-8").splitlines(keepends=True)
    live = tmp_path / "session.jsonl"
    state = tmp_path / "state"
    # the session as it grows: prompt, read 1 + result, read 2 + result, read 3 + result, final text
    cut_after_second_read = next(n for n, line in enumerate(lines) if '"toolu_0002"' in line and "tool_result" in line)
    live.write_text("".join(lines[:cut_after_second_read + 1]), encoding="utf-8")
    first = _post(live, state)
    assert first.exit_code == 0 and first.stderr == ""
    cut_after_third = next(n for n, line in enumerate(lines) if '"toolu_0003"' in line and "tool_result" in line)
    live.write_text("".join(lines[:cut_after_third + 1]), encoding="utf-8")
    second = _post(live, state)
    assert second.exit_code == 2
    assert second.stderr.startswith("parlint PAR101: 3 independent read-only calls went out over 3 turns")
    assert second.stderr.count("\n") == 1
    third = _post(live, state)  # the same finding is never nudged twice
    assert third.exit_code == 0 and third.stderr == ""
    (saved,) = list(state.iterdir())
    data = json.loads(saved.read_text())
    assert data["offset"] == live.stat().st_size  # the next call starts where this one stopped
    assert data["anchor"] == 0 and 'review src/app.py' in lines[0]  # the tail starts at the prompt


def test_stop_blocks_once_with_a_summary(tmp_path) -> None:
    payload = {"session_id": "s2", "transcript_path": str(EDITS), "hook_event_name": "Stop", "stop_hook_active": False}
    blocked = _hook(payload)
    assert blocked.exit_code == 2
    assert blocked.stderr.startswith("parlint found 1 issue to settle before stopping:\n- PAR401 ")
    payload["stop_hook_active"] = True
    assert _hook(payload).exit_code == 0  # never block again: no loops


def test_stop_warn_only_tells_the_user(tmp_path) -> None:
    payload = {"session_id": "s3", "transcript_path": str(EDITS), "hook_event_name": "Stop"}
    result = _hook(payload, "--warn-only")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["systemMessage"].startswith("parlint found 1 issue")


def test_stop_names_serialised_reads_and_is_silent_on_a_clean_session() -> None:
    blocked = _hook({"session_id": "s4", "transcript_path": str(SERIAL), "hook_event_name": "Stop"})
    assert blocked.exit_code == 2 and "- PAR101 3 independent read-only calls" in blocked.stderr
    again = _hook({"session_id": "s4", "transcript_path": str(SERIAL), "hook_event_name": "Stop",
                   "stop_hook_active": True})
    assert again.exit_code == 0 and again.stderr == ""
    clean = _hook({"session_id": "s6", "transcript_path": str(CLEAN), "hook_event_name": "Stop"})
    assert clean.exit_code == 0 and clean.stdout == "" and clean.stderr == ""


def test_bad_payloads_never_break_the_session(tmp_path) -> None:
    result = CliRunner().invoke(main, ["hook"], input="not json")
    assert result.exit_code == 0 and "not JSON" in result.stderr
    missing = _hook({"session_id": "s5", "transcript_path": str(tmp_path / "gone.jsonl"),
                     "hook_event_name": "PostToolUse"}, "--state-dir", str(tmp_path))
    assert missing.exit_code == 0


def test_a_state_directory_that_cannot_be_written_is_only_a_warning(tmp_path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("", encoding="utf-8")
    result = _post(CLEAN, blocked / "state")
    assert result.exit_code == 0
    assert result.stderr.startswith("parlint hook: warning: cannot save state to ")
