"""A resumed Claude Code session is a new file that copies the old one's history (ids included)
and goes on: what the old file left undone at its end is judged where the work went on."""

from __future__ import annotations

import json
import pathlib

from tests.conftest import FIXTURES

OLD = FIXTURES / "par401-edits-no-tests.jsonl"  # two Edits, then the end: PAR401


def _with_random_ids(text: str) -> str:
    # real tool-call ids are long and random; short ones could meet by chance and are not matched
    return text.replace("toolu_00", "toolu_01Xq7RkVw3ZbN2mPq")


def _go_on(lines: list[str], then: list[dict]) -> str:
    copied = [json.loads(line) for line in lines if line.strip()]
    for record in copied:
        record["sessionId"] = "00000000-0000-4000-8000-0000000000aa"
    return "".join(json.dumps(r) + "\n" for r in copied + then)


def _record(kind: str, n: int, message: dict) -> dict:
    return {"parentUuid": None, "isSidechain": False, "userType": "external", "cwd": "/repo",
            "sessionId": "00000000-0000-4000-8000-0000000000aa", "version": "2.1.17", "type": kind,
            "uuid": f"00000000-0000-4000-8000-0000000001{n:02d}", "timestamp": f"2026-01-02T00:00:{n:02d}.000Z",
            "message": message}


def _run(n: int, call_id: str, command: str, output: str) -> list[dict]:
    """A turn that runs one command, and its result."""
    turn = {"model": "claude-sonnet-4-5", "id": f"msg_01Turn{call_id[-12:]}", "type": "message", "role": "assistant",
            "content": [{"type": "tool_use", "id": call_id, "name": "Bash", "input": {"command": command}}]}
    answer = {"role": "user", "content": [{"tool_use_id": call_id, "type": "tool_result", "content": output}]}
    return [_record("assistant", n, turn), _record("user", n + 1, answer)]


def _says(n: int, text: str) -> dict:
    return _record("assistant", n, {"model": "claude-sonnet-4-5", "id": f"msg_01Says{n:012d}", "type": "message",
                                    "role": "assistant", "content": [{"type": "text", "text": text}]})


_TESTS_RAN = [_record("user", 1, {"role": "user", "content": "Now run the tests."}),
              *_run(2, "toolu_01ResumedPytest0001", "pytest -q", "12 passed"), _says(4, "All 12 tests pass.")]


def _write(tmp_path: pathlib.Path, then: list[dict]) -> tuple[pathlib.Path, pathlib.Path]:
    text = _with_random_ids(OLD.read_text(encoding="utf-8"))
    old, new = tmp_path / "a-old.jsonl", tmp_path / "b-resumed.jsonl"
    old.write_text(text, encoding="utf-8")
    new.write_text(_go_on(text.splitlines(), then), encoding="utf-8")
    return old, new


def test_the_old_file_is_judged_where_the_session_went_on(cli, tmp_path) -> None:
    old, new = _write(tmp_path, _TESTS_RAN)
    _, alone = cli.json("check", str(old))
    assert [d["code"] for d in alone["diagnostics"]] == ["PAR401"]
    result, both = cli.json("check", str(tmp_path))
    assert both["diagnostics"] == [] and result.exit_code == 0
    (first, _) = both["sessions"]
    assert {"what": "PAR401", "reason": f"the session goes on in {new} (resumed with its history): judged there"} \
        in first["not_checked"]


def test_a_resumed_file_that_also_stops_unvalidated_reports_once(cli, tmp_path) -> None:
    old, new = _write(tmp_path, _TESTS_RAN[:1] + [_says(4, "I would rather not run them now.")])
    _, both = cli.json("check", str(tmp_path))
    # no call after the copied edits in the new file: the old file keeps its finding, the copy repeats it
    assert [(d["code"], pathlib.Path(d["path"]).name) for d in both["diagnostics"]] == [("PAR401", old.name)]


def test_a_plain_copy_is_no_continuation(cli, tmp_path) -> None:
    # edits, then a call that validates nothing, then the end; the same file again elsewhere
    status = [*_run(5, "toolu_01StatusCall000001", "git status", "2 files changed"), _says(7, "Done.")]
    text = _go_on(_with_random_ids(OLD.read_text(encoding="utf-8")).splitlines(), status)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "s.jsonl").write_text(text, encoding="utf-8")
    (tmp_path / "b" / "s.jsonl").write_text(text, encoding="utf-8")
    _, both = cli.json("check", str(tmp_path))
    # the copy goes no further than the original: the finding stays, reported once
    assert [(d["code"], pathlib.Path(d["path"]).parent.name) for d in both["diagnostics"]] == [("PAR401", "a")]


def test_a_continuation_that_finds_the_same_keeps_it_once(cli, tmp_path) -> None:
    # the resumed file goes on (a status check) but never validates either: the same finding,
    # left out there as repeated, so the old file keeps it
    old, _ = _write(tmp_path, [*_run(1, "toolu_01StatusCall000002", "git status", "2 files changed"),
                               _says(3, "Both edits are in.")])
    _, both = cli.json("check", str(tmp_path))
    assert [(d["code"], pathlib.Path(d["path"]).name) for d in both["diagnostics"]] == [("PAR401", old.name)]
