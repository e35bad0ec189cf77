"""Entire condensed transcripts: the real checkpoints, sniffing, scenario rendering, results,
the working directory read from the session, bad input."""

from __future__ import annotations

import json
import pathlib

import pytest

from linter.parsers import entire
from linter.parsers.sample import load_sample
from tests.formats import _support as support

FORMAT = "entire"
REAL = support.real_dir(FORMAT)
IN_CORPUS: set[str] = set()  # the shared corpus holds none: the copies are under fixtures/entire/real


# -- an independent count: plain JSON --------------------------------------------------------------
def _expected_counts(path: pathlib.Path) -> tuple[int, int]:
    """(tool calls, batches): tool_use blocks of assistant lines; a turn (one message id, over
    consecutive lines) with two or more of them is a batch. Lines without an id (Codex) hold one
    call each: a line of calls alone written at most half a second after the one before it
    belongs to that line's turn."""
    from datetime import datetime

    turns: list[tuple[str, set[str]]] = []
    last = None
    with open(path, encoding="utf-8") as fp:
        for line in fp:
            rec = json.loads(line)
            if rec["type"] != "assistant":
                turns.append(("", set()))
                continue
            ids = {b["id"] for b in rec["content"] if b.get("type") == "tool_use"}
            when = datetime.fromisoformat(rec["ts"].replace("Z", "+00:00")).timestamp()
            key = rec.get("id") or "no-id"
            calls_only = len(ids) == len(rec["content"]) > 0
            if turns and turns[-1][0] == key and (key != "no-id" or (calls_only and 0 <= when - last <= 0.5)):
                turns[-1][1].update(ids)
            else:
                turns.append((key, ids))
            last = when
    return sum(len(ids) for _, ids in turns), sum(len(ids) >= 2 for _, ids in turns)


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_checkpoints_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _expected_counts(path))


def test_real_checkpoint_counts_are_the_known_ones() -> None:
    counts = {p.name: _expected_counts(p) for p in support.real_files(FORMAT, IN_CORPUS)}
    assert counts == {"entire__02_c170aecfae_0.transcript.jsonl": (47, 10),
                      "entire__0b_b7377a4f07_0.transcript.jsonl": (78, 17),
                      "entire__40_42ed808959_0.transcript.jsonl": (44, 2),
                      "entire__45_38743510a7_0.transcript.jsonl": (20, 6),
                      "entire__4b_bb6700b1ba_0.transcript.jsonl": (6, 1),
                      "entire__68_b8720df4ed_0.transcript.jsonl": (13, 2),
                      "entire__ab_d0642257a0_6.transcript.jsonl": (49, 0)}


def test_no_corpus_file_is_sniffed_as_entire() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_entire(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


# Where no relative path in the session gives the working directory away, paths stay absolute.
_REWRITES = [(r"in /repo\b", "in the working directory"), (r"/repo/", "")]


@pytest.mark.parametrize("path", support.SCENARIOS, ids=lambda p: p.stem)
def test_rendered_scenario_gives_the_same_findings(path: pathlib.Path) -> None:
    support.check_scenario(path, FORMAT, _REWRITES, inexpressible="meta:",
                           why="only harness text cannot be written in this format")


# -- what the format itself says -------------------------------------------------------------------
def _line(kind: str, content: list, **extra) -> str:
    return json.dumps({"v": 1, "agent": "claude-code", "cli_version": "0.5.0", "type": kind,
                       "ts": "2026-05-14T01:16:56.293Z", "content": content, **extra}) + "\n"


def _read(call_id: str, path: str, output: str, status: str = "success") -> dict:
    return {"type": "tool_use", "id": call_id, "name": "Read", "input": {"file_path": path},
            "result": {"output": output, "status": status}}


def test_the_working_directory_is_read_from_a_relative_path_the_prompt_gave(tmp_path, cli) -> None:
    path = tmp_path / "transcript.jsonl"
    path.write_text(
        _line("user", [{"id": "u1", "text": "Compare src/a.py, src/b.py and src/c.py"}])
        + "".join(_line("assistant", [_read(f"t{n}", f"/home/me/proj/src/{name}.py", "x = 1")], id=f"m{n}")
                  for n, name in enumerate("abc"))
        + _line("assistant", [{"type": "text", "text": "They agree."}], id="m9"))
    session = entire.parse(str(path))
    assert session.cwd == "/home/me/proj"
    result, doc = cli.json("check", str(path))
    assert [d["code"] for d in doc["diagnostics"]] == ["PAR101"]
    assert doc["diagnostics"][0]["call_ids"] == ["t0", "t1", "t2"]


def _codex_call(call_id: str, cmd: str, answered: bool = True) -> dict:
    call = {"type": "tool_use", "id": call_id, "name": "exec_command", "input": {"cmd": cmd, "workdir": "/repo"}}
    if answered:  # Entire keeps the answer of a call that was alone in its turn, not those of a batch
        call["result"] = {"output": "x = 1", "status": "success"}
    return call


def _codex_line(call_id: str, path: str, at: str, answered: bool = True) -> str:
    # Entire writes a Codex session's lines without an id
    return json.dumps({"v": 1, "agent": "codex", "cli_version": "dev", "type": "assistant", "ts": at,
                       "content": [_codex_call(call_id, f"cat {path}", answered)]}) + "\n"


_CODEX_PROMPT = json.dumps({"v": 1, "agent": "codex", "cli_version": "dev", "type": "user",
                            "ts": "2026-05-12T00:59:00Z",
                            "content": [{"text": "Compare src/a.py, src/b.py and src/c.py"}]}) + "\n"


@pytest.mark.parametrize(("times", "answered", "steps", "codes"), [
    # unanswered lines written milliseconds apart: the calls of one batch
    (["01:00:00.100Z", "01:00:00.101Z", "01:00:00.240Z"], False, 1, []),
    # answered lines: each call came back before the next went out, however close their lines
    (["01:00:00.100Z", "01:00:00.101Z", "01:00:00.240Z"], True, 3, ["PAR101"]),
    # seconds apart: three turns, and the person had named all three files
    (["01:00:00.100Z", "01:00:04.000Z", "01:00:09.500Z"], True, 3, ["PAR101"]),
])
def test_codex_lines_without_ids_are_grouped_into_batches_by_time(tmp_path, cli, times, answered, steps,
                                                                   codes) -> None:
    path = tmp_path / "transcript.jsonl"
    path.write_text(
        _CODEX_PROMPT
        + "".join(_codex_line(f"call_{n}", f"src/{name}.py", f"2026-05-12T{at}", answered)
                  for n, (name, at) in enumerate(zip("abc", times))))
    session = entire.parse(str(path))
    assert len(session.main.steps) == steps
    assert [len(step.calls) for step in session.main.steps] == [3 // steps] * steps
    _, doc = cli.json("check", str(path))
    assert [d["code"] for d in doc["diagnostics"]] == codes


@pytest.mark.parametrize(("answered", "sizes"), [
    ([True, True, True], [1, 1, 1]),  # `lint`, then `write_stdin` polling it: one call per turn
    ([False, False, False], [3]),  # a batch: Entire kept none of its answers
    ([True, False, False], [1, 2]),  # a call on its own, then a batch
    ([False, False, True], [2, 1]),
])
def test_a_codex_line_holds_a_call_per_answer_and_a_batch_per_run_of_unanswered_calls(
        tmp_path, answered, sizes) -> None:
    path = tmp_path / "transcript.jsonl"
    calls = [_codex_call(f"call_{n}", f"cat src/{n}.py", a) for n, a in enumerate(answered)]
    path.write_text(_CODEX_PROMPT + json.dumps(
        {"v": 1, "agent": "codex", "cli_version": "dev", "type": "assistant", "ts": "2026-05-12T01:00:00Z",
         "content": [{"type": "text", "text": "Checking the three files."}, *calls]}) + "\n")
    steps = entire.parse(str(path)).main.steps
    assert [len(step.calls) for step in steps] == sizes
    assert steps[0].text == "Checking the three files." and all(not step.text for step in steps[1:])


def test_a_result_with_error_status_is_a_failed_call(tmp_path) -> None:
    path = tmp_path / "transcript.jsonl"
    path.write_text(_line("user", [{"id": "u1", "text": "read it"}])
                    + _line("assistant", [_read("t1", "/x/a.py", "File does not exist.", "error")], id="m1"))
    (call,) = entire.parse(str(path)).all_calls()
    assert call.result is not None and call.result.is_error
    assert entire.parse(str(path)).cwd is None  # nothing in the session says where it ran


def test_calls_kept_without_an_answer_are_named_in_not_checked(tmp_path, cli) -> None:
    """A batch whose answers the transcript does not keep (Entire's condensed Codex layout) hides
    its failures: the session says so, and leaves the last turn out (it may still be running)."""
    def call(call_id: str, name: str, answered: bool) -> dict:
        block = {"type": "tool_use", "id": call_id, "name": "Read", "input": {"file_path": f"/x/{name}"}}
        if answered:
            block["result"] = {"output": "x = 1", "status": "success"}
        return block

    path = tmp_path / "transcript.jsonl"
    path.write_text(_line("user", [{"id": "u1", "text": "read a, b and c"}])
                    + _line("assistant", [call("t1", "a.py", False), call("t2", "b.py", False)], id="m1")
                    + _line("assistant", [call("t3", "c.py", True)], id="m2")
                    + _line("assistant", [call("t4", "d.py", False)], id="m3"))
    _, doc = cli.json("check", str(path))
    (session,) = doc["sessions"]
    assert {"what": "PAR301, PAR303", "reason": "2 of 3 tool calls before the last turn have no recorded answer: "
            "failures among them could not be seen"} in session["not_checked"]


def test_claude_code_lines_are_not_sniffed_as_entire() -> None:
    sample = load_sample(str(support.SCENARIO_DIR.parent / "par101-serial-reads.jsonl"))
    assert not entire.sniff(sample)


def test_a_bad_line_is_reported_and_the_rest_is_read(tmp_path, cli) -> None:
    path = tmp_path / "transcript.jsonl"
    path.write_text(_line("user", [{"id": "u1", "text": "go"}]) + "{not json\n"
                    + _line("assistant", [_read("t1", "/x/a.py", "ok")], id="m1"))
    result, doc = cli.json("check", "--format", "entire", str(path))
    assert [(e["line"], e["level"]) for e in doc["errors"]] == [(2, "error")]
    assert doc["sessions"][0]["tool_calls"] == 1


def test_a_command_that_printed_nothing_ends_a_run_of_queries(tmp_path, cli) -> None:
    """"(Bash completed with no output)" is an empty answer: the next query may be its fallback."""
    def bash(call_id: str, command: str, output: str) -> dict:
        return {"type": "tool_use", "id": call_id, "name": "Bash", "input": {"command": command},
                "result": {"output": output, "status": "success"}}

    path = tmp_path / "transcript.jsonl"
    path.write_text(
        _line("user", [{"id": "u1", "text": "When did cmd/x.go and cmd/y.go last change?"}])
        + _line("assistant", [bash("t1", "git log --oneline main..HEAD -- cmd/x.go", "(Bash completed with no output)")], id="m1")
        + _line("assistant", [bash("t2", "git log --oneline -5 -- cmd/x.go", "abc123 fix x")], id="m2")
        + _line("assistant", [bash("t3", "git log --oneline -5 -- cmd/y.go", "def456 fix y")], id="m3")
        + _line("assistant", [{"type": "text", "text": "It last changed in abc123."}], id="m4"))
    result, doc = cli.json("check", str(path))
    assert doc["diagnostics"] == [] and result.exit_code == 0


def test_other_line_types_are_sniffed_and_left_out(tmp_path, cli) -> None:
    path = tmp_path / "transcript.jsonl"
    path.write_text(json.dumps({"v": 1, "agent": "claude-code", "type": "system", "ts": "2026-05-14T01:16:50Z",
                                "content": "session started"}) + "\n"
                    + _line("user", [{"id": "u1", "text": "read /x/a.py"}])
                    + _line("assistant", [_read("t1", "/x/a.py", "ok")], id="m1"))
    result, doc = cli.json("check", str(path))
    assert doc["errors"] == [] and [(s["format"], s["tool_calls"]) for s in doc["sessions"]] == [("entire", 1)]

