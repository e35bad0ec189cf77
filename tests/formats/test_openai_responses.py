"""OpenAI Responses API item lists: the real recording, sniffing, scenario rendering, layouts, bad input."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from linter.effects import EffectModel
from linter.parsers import openai_responses, sniff
from linter.parsers.sample import load_sample
from linter.testing import Inexpressible, lint_scenario
from linter.testing import openai_responses as renderer
from tests.conftest import ROOT

FORMAT = "openai-responses"
CORPUS = ROOT.parent / "shared" / "corpus"
REAL = ROOT / "fixtures" / FORMAT / "real"
SCENARIOS = sorted((ROOT / "fixtures" / "claude-code" / "scenarios").glob("*.scenario"))
RETRY = REAL / "pydantic-ai-cassette__openai-responses-api__parallel-function-calls.derived-messages.json"


def _corpus_files() -> list[pathlib.Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "PROVENANCE.md")


def _mine(path: pathlib.Path) -> bool:
    return sniff(load_sample(str(path))) == FORMAT


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


def _real_files() -> list[pathlib.Path]:
    return [p for p in _corpus_files() if _mine(p)] + sorted(REAL.glob("*.json"))


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_recordings_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    result, doc = cli.json("check", str(path))
    assert doc["errors"] == []
    (session,) = doc["sessions"]
    assert session["format"] == FORMAT
    assert (session["tool_calls"], session["batches"]) == _expected_counts(path) == (2, 1)


def test_the_corpus_responses_list_is_detected() -> None:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not available")
    assert {p.name for p in _corpus_files() if _mine(p)} == {RETRY.name}


@pytest.mark.parametrize("path", [p for p in _corpus_files() if p.name != RETRY.name],
                         ids=lambda p: str(p.relative_to(CORPUS)))
def test_other_files_are_not_sniffed_as_responses(path: pathlib.Path) -> None:
    assert not openai_responses.sniff(load_sample(str(path)))
    assert not _mine(path)


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
def _codes(diagnostics) -> list[tuple[str, str]]:
    return [(d.code, re.sub(r"\b(?:toolu|call)_\w+", "ID", d.message)) for d in diagnostics]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_rendered_scenario_gives_the_same_findings(path: pathlib.Path) -> None:
    text = path.read_text()
    try:
        mine = lint_scenario(text, fmt=FORMAT)
    except Inexpressible as exc:
        assert "!>" in text  # only failed results cannot be written in this format
        pytest.skip(f"not expressible: {exc}")
    assert _codes(mine) == _codes(lint_scenario(text))


def test_rendering_is_sniffed_and_batched(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render((ROOT / "fixtures/claude-code/scenarios/clean-batched-reads.scenario").read_text()))
    assert _mine(path)
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
    assert _mine(path)
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
    assert _mine(path)
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
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2])
    result, doc = cli.json("check", "--format", FORMAT, str(path))
    (error,) = doc["errors"]
    assert (error["path"], error["level"]) == (str(path), "error") and "invalid JSON" in error["message"]
    assert error["line"] == text[: len(text) // 2].count("\n") + 1
    assert result.exit_code == 2


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
