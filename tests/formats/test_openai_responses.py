"""OpenAI Responses API item lists: the real recording, sniffing, scenario rendering, layouts, bad input."""

from __future__ import annotations

import json
import pathlib

import pytest

from linter.effects import EffectModel
from linter.parsers import openai_responses
from linter.parsers.sample import load_sample
from linter.testing import openai_responses as renderer
from tests.formats import _support as support

FORMAT = "openai-responses"
REAL = support.real_dir(FORMAT)
SCENARIOS = support.SCENARIOS
RETRY = REAL / "pydantic-ai-cassette__openai-responses-api__parallel-function-calls.derived-messages.json"
IN_CORPUS = {RETRY.name}


# -- an independent count: plain JSON scanning ----------------------------------------------------
_CALLS = ("function_call", "custom_tool_call", "local_shell_call", "web_search_call")


def _expected_counts(path: pathlib.Path) -> tuple[int, int]:
    """(tool calls, batches): call items of the request's ``input``, where 2+ of them back to back
    are a batch, plus those of recorded responses whose calls the input does not hold yet."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    items = doc if isinstance(doc, list) else doc.get("input", []) + doc.get("output", [])
    runs: list[list[str]] = [[]]
    for item in items:
        if item.get("type") in _CALLS:
            runs[-1].append(item["call_id"])
        elif runs[-1]:
            runs.append([])
    seen = {cid for run in runs for cid in run}
    for resp in doc.get("responses", []) if isinstance(doc, dict) else []:
        ids = [i["call_id"] for i in resp["output"] if i.get("type") in _CALLS]
        if ids and not seen.intersection(ids):
            runs.append(ids)
    return sum(len(r) for r in runs), sum(len(r) >= 2 for r in runs)


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_recordings_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _expected_counts(path))
    assert _expected_counts(path) == (2, 1)


def test_the_corpus_responses_list_is_detected() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_responses(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


def test_parallel_function_calls_results_usage_and_lines() -> None:
    (session,) = openai_responses.parse_many(str(RETRY))
    main = session.main
    assert [(e.kind, e.location.line) for e in main.events] == [("prompt", 26)]
    batch, answer = main.steps
    assert [(c.name, c.input, c.location.line) for c in batch.calls] == [
        ("get_location", {"loc_name": "Londos"}, 36), ("get_location", {"loc_name": "London"}, 42)]
    assert [(c.result.text, c.result.location.line) for c in batch.calls] == [
        ('Wrong location, I only know about "London".\n\nFix the errors and try again.', 47),
        ('{"lat": 51, "lng": 0}', 52)]
    assert batch.seq < batch.calls[0].result.seq < batch.calls[1].result.seq < answer.seq
    # the first recorded response counts zero tokens (nothing recorded); the final answer is not
    # in the request yet: it becomes the last step, with its response's usage
    assert batch.usage is None
    assert answer.text.startswith('It seems "Londos"') and answer.location.line == 151
    assert (answer.usage.input, answer.usage.output, answer.usage.cache_read) == (335, 44, 0)
    assert session.models == {"gpt-4o-2024-08-06"} and session.cwd is None


# -- rendering --------------------------------------------------------------------------------------
_REWRITES = [(r"\b(?:toolu|call)_\w+", "ID")]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_rendered_scenario_gives_the_same_findings(path: pathlib.Path) -> None:
    support.check_scenario(path, FORMAT, _REWRITES, inexpressible="!>",
                           why="only failed results cannot be written in this format")


def test_rendering_is_sniffed_and_batched(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render((support.SCENARIO_DIR / "clean-batched-reads.scenario").read_text()))
    assert support.is_format(path, FORMAT)
    (session,) = openai_responses.parse_many(str(path))
    assert [len(s.calls) for s in session.main.steps] == [3, 0]
    assert session.cwd == "/repo" and session.main.events[0].kind == "meta"
    assert all(s.usage.cache_read == 20000 for s in session.main.steps)


# -- other layouts ----------------------------------------------------------------------------------
def _fc(cid: str, name: str = "read_file", **args) -> dict:
    return {"type": "function_call", "call_id": cid, "name": name, "arguments": json.dumps(args)}


def _out(cid: str, output: str = "ok") -> dict:
    return {"type": "function_call_output", "call_id": cid, "output": output}


def _user(text: str) -> dict:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def _reasoning() -> dict:
    return {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "thinking"}]}


def test_reasoning_or_an_output_starts_a_new_turn(tmp_path) -> None:
    items = [_user("read a, b and c"), _reasoning(), _fc("c1", path="a"), _fc("c2", path="b"), _out("c1"), _out("c2"),
             _reasoning(), _fc("c3", path="c"), _out("c3"), _fc("c4", path="d"), _out("c4")]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items))
    assert support.is_format(path, FORMAT)
    (session,) = openai_responses.parse_many(str(path))
    assert [[c.id for c in s.calls] for s in session.main.steps] == [["c1", "c2"], ["c3"], ["c4"]]
    assert _expected_counts(path) == (4, 1)


def test_jsonl_items_and_local_shell_calls(tmp_path) -> None:
    items = [_user("list"), {"type": "local_shell_call", "call_id": "s1", "status": "completed",
                             "action": {"type": "exec", "command": ["bash", "-lc", "ls src"],
                                        "working_directory": "/w"}},
             {"type": "local_shell_call_output", "call_id": "s1", "output": "a.py"}]
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items))
    assert support.is_format(path, FORMAT)
    (session,) = openai_responses.parse_many(str(path))
    (call,) = session.all_calls()
    assert (call.name, call.input, call.location.line) == ("local_shell", {"command": "ls src", "workdir": "/w"}, 2)
    assert call.result.text == "a.py" and call.result.location.line == 3
    assert EffectModel(openai_responses.EFFECTS, "/w", None, openai_responses.FALLBACK).of(call).kind == "read"


def test_a_chat_list_is_not_a_responses_list(tmp_path) -> None:
    path = tmp_path / "chat.json"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}]}))
    assert not openai_responses.sniff(load_sample(str(path)))
    path.write_text(json.dumps([{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]))
    assert not openai_responses.sniff(load_sample(str(path)))  # nothing typed: no sign of the Responses API


# -- bad input --------------------------------------------------------------------------------------
def test_truncated_document_is_a_clear_error(cli, tmp_path) -> None:
    text = RETRY.read_text()
    support.check_truncated(cli, tmp_path, text, len(text) // 2, "cut.json", FORMAT)


def test_wrong_types_are_warnings_with_their_lines(cli, tmp_path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"input": [_user("go"), 7, _fc("c1", path="a"),
                                          {"type": "function_call", "call_id": "c2", "name": "read_file",
                                           "arguments": "{\"path\": "}, _out("c1")]}, indent=1))
    result, doc = cli.json("check", "--format", FORMAT, str(path))
    raw = path.read_text().splitlines()
    found = [(e["line"], e["level"]) for e in doc["errors"]]
    assert found == [(13, "warning"), (22, "warning")]
    assert raw[12].strip() == "7," and "not a JSON object" in doc["errors"][0]["message"]
    assert '"c2"' in raw[21] and "not valid JSON" in doc["errors"][1]["message"]
    assert doc["sessions"][0]["tool_calls"] == 2 and result.exit_code == 0


def test_bad_jsonl_lines_are_reported_and_skipped(cli, tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_user("go")) + "\n" + '{"type": "function_call", "call_id": \n' + "7\n"
                    + json.dumps(_fc("c1", path="a")) + "\n")
    result, doc = cli.json("check", "--format", FORMAT, str(path))
    assert [(e["line"], e["level"]) for e in doc["errors"]] == [(2, "error"), (3, "warning")]
    assert all(e["path"] == str(path) for e in doc["errors"])
    assert doc["sessions"][0]["tool_calls"] == 1 and result.exit_code == 2
