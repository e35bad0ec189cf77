"""Anthropic Messages API message lists: real recordings, sniffing, scenario rendering, layouts, bad input."""

from __future__ import annotations

import json
import pathlib

import pytest

from linter.parsers import anthropic_messages
from linter.testing import Inexpressible
from linter.testing import anthropic_messages as renderer
from tests.formats import _support as support

FORMAT = "anthropic-messages"
REAL = support.real_dir(FORMAT)
SCENARIOS = support.SCENARIOS
PARALLEL = REAL / "pydantic-ai-cassette__anthropic__multiple_parallel_tool_calls.derived-messages.json"
THINKING = REAL / "pydantic-ai-cassette__anthropic__tool_with_thinking.derived-messages.json"
IN_CORPUS = {PARALLEL.name, THINKING.name}


# -- an independent count: plain JSON scanning ----------------------------------------------------
def _expected_counts(path: pathlib.Path) -> tuple[int, int]:
    """(tool calls, batches): tool_use blocks of assistant messages, and messages with 2+ of them;
    a recorded response whose tool_use ids the list does not hold yet counts as one more message."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    messages = doc if isinstance(doc, list) else doc["messages"]
    turns = [[b["id"] for b in m["content"] if isinstance(m["content"], list) and b["type"] == "tool_use"]
             for m in messages if m["role"] == "assistant"]
    seen = {cid for ids in turns for cid in ids}
    recorded = doc.get("responses", []) if isinstance(doc, dict) else []
    for resp in recorded:
        ids = [b["id"] for b in resp["content"] if b["type"] == "tool_use"]
        if ids and not seen.intersection(ids):
            turns.append(ids)
    return sum(len(t) for t in turns), sum(len(t) >= 2 for t in turns)


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_recordings_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _expected_counts(path))


def test_expected_counts_of_the_real_recordings() -> None:
    assert _expected_counts(PARALLEL) == (4, 1) and _expected_counts(THINKING) == (1, 0)


def test_corpus_message_lists_are_detected() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_anthropic(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


def test_parallel_tool_uses_results_usage_and_lines() -> None:
    (session,) = anthropic_messages.parse_many(str(PARALLEL))
    main = session.main
    assert [(e.kind, e.location.line) for e in main.events] == [("meta", 5), ("prompt", 25)]
    batch, answer = main.steps
    assert [c.input["name"] for c in batch.calls] == ["Alice", "Bob", "Charlie", "Daisy"]
    assert [c.location.line for c in batch.calls] == [41, 49, 57, 65]
    assert [c.result.location.line for c in batch.calls] == [80, 86, 92, 98]
    assert batch.calls[0].result.text == "alice is bob's wife" and not any(c.failed for c in batch.calls)
    raw = PARALLEL.read_text().splitlines()
    assert all(c.id in raw[c.location.line - 1] and c.id in raw[c.result.location.line - 1] for c in batch.calls)
    assert max(c.result.seq for c in batch.calls) < answer.seq
    # usage comes from the recorded responses, matched by tool_use ids, then by text
    assert (batch.usage.input, batch.usage.output, batch.usage.model) == (423, 202, "claude-haiku-4-5-20251001")
    assert (answer.usage.input, answer.usage.output) == (771, 77)


def test_thinking_turn_and_its_single_call() -> None:
    (session,) = anthropic_messages.parse_many(str(THINKING))
    first, answer = session.main.steps
    assert first.text.startswith("I'll help you find the largest city")
    assert [(c.name, c.input, c.result.text) for c in first.calls] == [("get_user_country", {}, "Mexico")]
    assert [e.kind for e in session.main.events] == ["prompt"]  # "system": null is no event
    assert (first.usage.input, first.usage.output, answer.usage.input) == (398, 155, 566)


# -- rendering --------------------------------------------------------------------------------------
_REWRITES = [(r"\btoolu_\w+", "ID")]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_rendered_scenario_gives_the_same_findings(path: pathlib.Path) -> None:
    # every scenario is expressible: none has harness text after a turn
    support.check_scenario(path, FORMAT, _REWRITES)


def test_rendering_is_sniffed_and_harness_text_between_turns_is_inexpressible(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render((support.SCENARIO_DIR / "par301-failed-batch-claim.scenario")
                                    .read_text()))
    assert support.is_format(path, FORMAT)
    (session,) = anthropic_messages.parse_many(str(path))
    assert session.cwd == "/repo"
    assert [c.failed for c in session.all_calls()] == [False, True, False]
    with pytest.raises(Inexpressible):
        renderer.render("user: go\nstep: ok\nmeta: <system-reminder>x</system-reminder>\n")


# -- other layouts ----------------------------------------------------------------------------------
def _use(cid: str, name: str = "read_file", **args) -> dict:
    return {"type": "tool_use", "id": cid, "name": name, "input": args}


def _result(cid: str, text: str = "ok", error: bool = False) -> dict:
    return {"type": "tool_result", "tool_use_id": cid, "content": [{"type": "text", "text": text}], "is_error": error}


def test_jsonl_messages_errors_hosted_tools_and_text_next_to_results(tmp_path) -> None:
    messages = [
        {"role": "user", "content": "Check a.py and search the docs"},
        {"role": "assistant", "content": [
            {"type": "text", "text": "Reading and searching."}, _use("t1", path="a.py"),
            {"type": "server_tool_use", "id": "s1", "name": "web_search", "input": {"query": "docs"}},
            {"type": "web_search_tool_result", "tool_use_id": "s1",
             "content": [{"type": "web_search_result", "title": "Docs", "url": "https://d.example"}]}]},
        {"role": "user", "content": [_result("t1", "no such file", error=True),
                                     {"type": "text", "text": "Also look at b.py"}]},
        {"role": "assistant", "content": "Done."},
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps(m) + "\n" for m in messages))
    assert support.is_format(path, FORMAT)
    (session,) = anthropic_messages.parse_many(str(path))
    batch, done = session.main.steps
    assert [(c.id, c.location.line, c.failed) for c in batch.calls] == [("t1", 2, True), ("s1", 2, False)]
    assert batch.calls[1].result.text == "Docs\nhttps://d.example" and batch.calls[1].result.location.line == 2
    assert batch.calls[0].result.location.line == 3
    assert [e.kind for e in session.main.events] == ["prompt"]  # the text sent with results is no prompt
    assert session.main.context.first_seen("b.py") is not None
    assert done.text == "Done."


def test_a_system_prompt_states_the_working_directory(tmp_path) -> None:
    path = tmp_path / "req.json"
    path.write_text(json.dumps({"system": [{"type": "text", "text": "Agent.\nWorking directory: /work/app"}],
                                "messages": [{"role": "user", "content": "hi"}]}))
    assert support.is_format(path, FORMAT)  # a plain prompt, but the top-level system is Anthropic's
    (session,) = anthropic_messages.parse_many(str(path))
    assert session.cwd == "/work/app" and [e.kind for e in session.main.events] == ["meta", "prompt"]


def test_a_logged_system_message_is_harness_text(tmp_path) -> None:
    """Seen in a real coding agent's log: the application wrote its whole conversation, the system
    prompt first as a message with role ``system`` (not the API's layout), then the messages."""
    messages = [
        {"role": "system", "content": "You are a coding agent.\nWorking directory: /work/app"},
        {"role": "user", "content": "Read a.py"},
        {"role": "assistant", "content": [_use("t1", path="a.py")]},
        {"role": "user", "content": [_result("t1")]},
        {"role": "assistant", "content": [{"type": "text", "text": "Done."}]},
    ]
    path = tmp_path / "transcript.jsonl"
    path.write_text("".join(json.dumps(m) + "\n" for m in messages))
    assert support.is_format(path, FORMAT)
    (session,) = anthropic_messages.parse_many(str(path))
    assert session.problems == []
    assert session.cwd == "/work/app" and [e.kind for e in session.main.events] == ["meta", "prompt"]
    # without a tool call or result, a list with a system message is a plain chat: not claimed
    chat = tmp_path / "chat.jsonl"
    chat.write_text("".join(json.dumps(m) + "\n" for m in (messages[0], messages[1], messages[4])))
    assert not support.is_format(chat, FORMAT)


# -- bad input --------------------------------------------------------------------------------------
def test_truncated_document_is_a_clear_error(cli, tmp_path) -> None:
    support.check_truncated(cli, tmp_path, PARALLEL.read_text(), 2000, "cut.json", FORMAT)


def test_wrong_types_are_warnings_with_their_lines(cli, tmp_path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"messages": [
        "hello",
        {"role": "assistant", "content": [3, _use("t1", path="a.py"), {"type": "tool_use", "id": "t2", "name": "x",
                                                                       "input": "oops"}]},
        {"role": "user", "content": 5},
        {"role": "robot", "content": "beep"},
    ]}, indent=1))
    result, doc = cli.json("check", "--format", FORMAT, str(path))
    raw = path.read_text().splitlines()
    found = [(e["line"], e["message"].split(";")[0]) for e in doc["errors"]]
    assert found == [(3, "message is not a JSON object"), (4, "1 content block(s) not objects"),
                     (18, "input of call t2 is not an object"),
                     (24, "message content is neither a string nor a list of blocks"),
                     (28, "message with unknown role 'robot'")]
    assert raw[17].strip() == '"id": "t2",' and all(e["level"] == "warning" for e in doc["errors"])
    assert doc["sessions"][0]["tool_calls"] == 2 and result.exit_code == 0


def test_bad_jsonl_line_is_reported_and_skipped(cli, tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"role": "user", "content": "hi"}\n{"role": "assistant", "content": [\n'
                    + json.dumps({"role": "assistant", "content": [_use("t1")]}) + "\n" + '"text"\n')
    result, doc = cli.json("check", "--format", FORMAT, str(path))
    assert [(e["line"], e["level"]) for e in doc["errors"]] == [(2, "error"), (4, "warning")]
    assert all(e["path"] == str(path) for e in doc["errors"])
    assert doc["sessions"][0]["tool_calls"] == 1
