"""OpenAI Chat Completions message-list parser: real recordings, sniffing, scenario rendering, bad input."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from linter.effects import READ, UNKNOWN, EffectModel
from linter.model import Location, ToolCall
from linter.parsers import FORMATS, openai_chat
from linter.testing import openai_chat as renderer
from tests.formats import _support as support

FORMAT = "openai-chat"
REAL = support.real_dir(FORMAT)
SCENARIOS = support.SCENARIOS
DEEPSEEK = REAL / "pydantic-ai-cassette__deepseek__parallel-tool-calls.derived-messages.json"
GPT = REAL / "pydantic-ai-cassette__openai__multiple_agent_tool_calls.derived-messages.json"
IN_CORPUS = {DEEPSEEK.name, GPT.name}


# -- an independent count: plain JSON scanning ----------------------------------------------------
def _expected_counts(path: pathlib.Path) -> tuple[int, int]:
    """(tool calls, batches): tool_calls of assistant messages, and messages with 2+ of them."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    messages = doc["messages"] if isinstance(doc, dict) else doc
    sizes = [len(m.get("tool_calls") or []) for m in messages if m.get("role") == "assistant"]
    return sum(sizes), sum(1 for n in sizes if n >= 2)


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_recordings_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _expected_counts(path))


def test_corpus_chat_lists_are_detected() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_chat(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


def test_parallel_tool_calls_usage_and_lines() -> None:
    (session,) = openai_chat.parse_many(str(DEEPSEEK))
    main = session.main
    assert [e.kind for e in main.events] == ["meta", "meta", "prompt"]
    assert [[c.name for c in s.calls] for s in main.steps] == [
        ["load_capability"], ["search_tools"], ["get_player_name", "roll_dice"], []]
    batch = main.steps[2]
    assert [c.result.text for c in batch.calls] == ["Anne", "4"]
    assert batch.calls[0].result.seq > batch.seq and main.steps[3].seq > batch.calls[1].result.seq
    # prompt_tokens 563 includes 512 cached tokens
    first = main.steps[0].usage
    assert (first.input, first.cache_read, first.output) == (51, 512, 116)
    assert main.steps[1].usage is None  # injected by the framework: no response recorded it
    assert main.steps[0].calls[0].input == {"id": "DICE_ROLL"}
    raw = DEEPSEEK.read_text().splitlines()
    for call in batch.calls:
        assert call.id in raw[call.location.line - 1]
        assert call.id in raw[call.result.location.line - 1]
    assert main.steps[0].calls[0].result.empty  # "{}"
    assert session.models == {"deepseek-v4-flash"} and session.cwd is None


def test_prompts_between_turns_and_query_functions() -> None:
    (session,) = openai_chat.parse_many(str(GPT))
    main = session.main
    assert [e.text for e in main.events] == ["What is the capital of France?", "What is the capital of England?"]
    assert [s.usage is not None for s in main.steps] == [False, False, True, True]
    module = FORMATS[FORMAT]
    effects = EffectModel(module.EFFECTS, session.cwd, None, module.FALLBACK)
    assert {effects.of(c).kind for c in session.all_calls()} == {READ}  # get_capital answers a question


def test_application_functions_are_judged_by_their_names() -> None:
    (session,) = openai_chat.parse_many(str(DEEPSEEK))
    module = FORMATS[FORMAT]
    effects = EffectModel(module.EFFECTS, session.cwd, None, module.FALLBACK)
    kinds = {c.name: effects.of(c).kind for c in session.all_calls()}
    assert kinds["search_tools"] == kinds["get_player_name"] == READ  # query verbs
    acting = ToolCall(id="x", name="delete_user", input={"id": 3}, location=Location(str(DEEPSEEK), 1))
    assert effects.of(acting).kind == UNKNOWN


# -- rendering --------------------------------------------------------------------------------------
_REWRITES = [(r"\b(?:toolu|call)_\w+", "ID")]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_rendered_scenario_gives_the_same_findings(path: pathlib.Path) -> None:
    support.check_scenario(path, FORMAT, _REWRITES, inexpressible="!>",
                           why="only failed results cannot be written in this format")


def test_rendering_is_sniffed_as_chat(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render(SCENARIOS[0].read_text()))
    assert support.is_format(path, FORMAT)
    (session,) = openai_chat.parse_many(str(path))
    assert session.cwd == "/repo"


# -- other layouts ----------------------------------------------------------------------------------
def _call(cid: str, name: str, args: str) -> dict:
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}


def test_bare_array_jsonl_messages_and_jsonl_conversations(tmp_path) -> None:
    messages = [
        {"role": "user", "content": "Read a.py and b.py"},
        {"role": "assistant", "content": None, "tool_calls": [_call("c1", "read_file", '{"path": "a.py"}'),
                                                              _call("c2", "read_file", '{"path": "b.py"}')]},
        {"role": "tool", "tool_call_id": "c2", "content": "B"},
        {"role": "tool", "tool_call_id": "c1", "content": "A"},
        {"role": "assistant", "content": "Done."},
    ]
    array = tmp_path / "a.json"
    array.write_text(json.dumps(messages, indent=2))
    lines = tmp_path / "m.jsonl"
    lines.write_text("".join(json.dumps(m) + "\n" for m in messages))
    convs = tmp_path / "c.jsonl"
    convs.write_text(json.dumps({"messages": messages}) + "\n" + json.dumps({"messages": messages[:2]}) + "\n")
    for path in (array, lines, convs):
        assert support.is_format(path, FORMAT)
    for path in (array, lines):
        (session,) = openai_chat.parse_many(str(path))
        first = session.main.steps[0]
        assert [c.result.text for c in first.calls] == ["A", "B"]
        # in the pretty-printed array the message opens on line 6 and each call sits at its own id
        assert (first.location.line, [c.location.line for c in first.calls]) == \
            ((6, [11, 19]) if path == array else (2, [2, 2]))
        assert [c.result.location.line for c in first.calls] == ([35, 30] if path == array else [4, 3])
    sessions = openai_chat.parse_many(str(convs))
    assert [len(list(s.all_calls())) for s in sessions] == [2, 2]
    assert sessions[1].main.steps[0].calls[0].location.line == 2
    assert sessions[1].main.steps[0].calls[0].result is None


_HEADERS = {
    "nanobot": {"_type": "metadata", "key": "cli:direct", "created_at": "2026-03-02T00:59:06.464904",
                "updated_at": "2026-03-02T02:19:07.053154", "metadata": {}, "last_consolidated": 0},
    # agents built on an older nanobot tag the header with a role
    "role-tagged": {"role": "metadata", "created_at": "2026-05-20T16:23:13", "last_consolidated": 0,
                    "updated_at": "2026-05-20T16:38:53"},
}


def _nanobot(tmp_path: pathlib.Path, name: str, messages: list[dict], header: str = "nanobot") -> pathlib.Path:
    """A session file as nanobot writes it: a metadata header line, then one message per line."""
    header = _HEADERS[header]
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [header, *messages]))
    return path


def _turn(cid: str, name: str, args: dict, answer: str, decoded: bool = False) -> list[dict]:
    call = {"name": name, "args": args, "id": cid} if decoded else _call(cid, name, json.dumps(args))
    return [{"role": "assistant", "content": "", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": cid, "name": name, "content": answer}]


@pytest.mark.parametrize("decoded", [False, True], ids=["function", "decoded-args"])
def test_nanobot_sessions_header_line_and_decoded_calls(cli, tmp_path, decoded) -> None:
    """nanobot's session files open with a metadata record; some agents keep each call's arguments
    decoded (``{"name", "args", "id"}``, as LangChain does). Both read as chat lists: three reads
    of files the prompt named, one per turn, are PAR101; `exec` runs a shell command, so the test
    run after the edit is a validation (no PAR401)."""
    path = _nanobot(tmp_path, "cli_direct.jsonl", [
        {"role": "user", "content": "Read src/app.py, src/db.py and src/auth.py, then fix the login bug",
         "timestamp": "2026-03-02T01:00:13.530490"},
        *_turn("c1", "read_file", {"path": "src/app.py"}, "1| import db", decoded),
        *_turn("c2", "read_file", {"path": "src/db.py"}, "1| def connect(): ...", decoded),
        *_turn("c3", "read_file", {"path": "src/auth.py"}, "1| def login(u, p):", decoded),
        *_turn("c4", "edit_file", {"path": "src/auth.py", "old_text": "def login(u, p):",
                                   "new_text": "def login(user, password):"}, "Successfully edited src/auth.py", decoded),
        *_turn("c5", "exec", {"command": "python -m pytest -q"}, "3 passed in 0.2s", decoded),
        {"role": "assistant", "content": "Fixed and tested."},
    ])
    assert support.is_format(path, FORMAT)
    result, doc = cli.json("check", str(path))
    assert doc["errors"] == [] and doc["sessions"][0]["tool_calls"] == 5
    assert [(d["code"], d["line"], d["call_ids"]) for d in doc["diagnostics"]] == [("PAR101", 3, ["c1", "c2", "c3"])]
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-3] + lines[-1:]) + "\n")  # no test ran after the edit
    result, doc = cli.json("check", str(path))
    assert [d["code"] for d in doc["diagnostics"]] == ["PAR101", "PAR401"]


@pytest.mark.parametrize("shown,reported", [("40| y = parse(x)\n41| return y", False),
                                             ("9| def f(path):\n10|     x = load(path)", True)])
def test_nanobot_edit_text_is_read_from_old_text_and_new_text(cli, tmp_path, shown, reported) -> None:
    """nanobot's edit_file names its text old_text/new_text: a read of other lines of the file in
    the same batch does not depend on it, a read of the edited lines does (PAR201)."""
    edit = _call("e1", "edit_file", json.dumps({"path": "src/a.py", "old_text": "x = load(path)",
                                                "new_text": "x = load(ctx, path)"}))
    read = _call("r1", "read_file", json.dumps({"path": "src/a.py", "offset": 40 if not reported else 9, "limit": 2}))
    path = _nanobot(tmp_path, "s.jsonl", [
        {"role": "user", "content": "Pass ctx to load in src/a.py"},
        {"role": "assistant", "content": "", "tool_calls": [edit, read]},
        {"role": "tool", "tool_call_id": "e1", "content": "Successfully edited src/a.py"},
        {"role": "tool", "tool_call_id": "r1", "content": shown},
        {"role": "assistant", "content": "Done."},
    ])
    result, doc = cli.json("check", str(path), "--select", "PAR201")
    assert [d["call_ids"] for d in doc["diagnostics"]] == ([["e1", "r1"]] if reported else [])


def test_legacy_function_call_and_working_directory(tmp_path) -> None:
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps({"messages": [
        {"role": "system", "content": "You are helpful.\nWorking directory: /work/app"},
        {"role": "user", "content": "list"},
        {"role": "assistant", "content": None, "function_call": {"name": "ls", "arguments": '{"path": "src"}'}},
        {"role": "function", "name": "ls", "content": "a.py"},
    ]}))
    (session,) = openai_chat.parse_many(str(path))
    (call,) = session.all_calls()
    assert call.input == {"path": "src"} and call.result.text == "a.py"
    assert session.cwd == "/work/app"


# -- bad input --------------------------------------------------------------------------------------
def test_malformed_arguments_are_a_warning_with_the_call_line(cli, tmp_path) -> None:
    path = tmp_path / "bad-args.json"
    path.write_text(json.dumps({"messages": [
        {"role": "user", "content": "go"},
        {"role": "assistant", "tool_calls": [_call("c1", "read_file", '{"path": "a.py"'),
                                             _call("c2", "read_file", '["a"]')]},
    ]}, indent=1))
    result, doc = cli.json("check", str(path))
    warnings = [e for e in doc["errors"] if e["level"] == "warning"]
    assert len(warnings) == 2 and all(e["path"] == str(path) for e in warnings)
    assert "not valid JSON" in warnings[0]["message"] and "c1" in warnings[0]["message"]
    assert '"c1"' in path.read_text().splitlines()[warnings[0]["line"] - 1]
    assert doc["sessions"][0]["tool_calls"] == 2


def test_truncated_document_is_a_clear_error(cli, tmp_path) -> None:
    text = json.dumps({"messages": [{"role": "user", "content": "hi"},
                                    {"role": "assistant", "tool_calls": [_call("c1", "bash", "{}")]}]}, indent=1)
    support.check_truncated(cli, tmp_path, text, len(text) // 2, "cut.json")


def test_bad_jsonl_line_is_reported_and_skipped(cli, tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"role": "user", "content": "hi"}\n{"role": "assistant", "content": \n'
                    '{"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", '
                    '"function": {"name": "bash", "arguments": "{}"}}]}\n')
    result, doc = cli.json("check", str(path))
    (error,) = doc["errors"]
    assert (error["path"], error["line"]) == (str(path), 2)
    assert doc["sessions"][0]["tool_calls"] == 1


def test_wrong_types_are_warnings_with_their_lines(cli, tmp_path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"messages": [
        {"role": "user", "content": "go"},
        7,
        {"role": "assistant", "tool_calls": [_call("c1", "read_file", '{"path": "a.py"}'), {"id": "c2"}]},
        {"role": "assistant", "tool_calls": "read_file"},
        {"role": "wizard", "content": "hi"},
    ]}, indent=1))
    result, doc = cli.json("check", "--format", FORMAT, str(path))
    raw = path.read_text().splitlines()
    found = [(e["line"], e["message"].split(";")[0]) for e in doc["errors"]]
    assert found == [(7, "message is not a JSON object"), (8, "tool call 2 has no function object"),
                     (24, "tool_calls is not a list"), (28, "message with unknown role 'wizard'")]
    assert raw[6].strip() == "7," and raw[23].strip() == "{"
    assert all(e["level"] == "warning" and e["path"] == str(path) for e in doc["errors"])
    assert doc["sessions"][0]["tool_calls"] == 1 and result.exit_code == 0


@pytest.mark.parametrize("value", [
    [1, None, "x"],
    {"messages": [None, 5, {"role": "assistant", "tool_calls": [None, {"function": 5}, {"id": 3}]},
                  {"role": "tool", "tool_call_id": 7, "content": {"x": 1}}, {"role": "wizard"}]},
    {"messages": {"role": "user"}},
    {"messages": [{"role": "assistant", "content": [{"type": "text", "text": "\x1b[31mred"}],
                   "tool_calls": [{"id": "\x07", "function": {"name": "\x00", "arguments": "{\x01"}}]}],
     "responses": [None, {"choices": []}, {"choices": [{"message": {"content": "late"}}], "usage": "x"}]},
])
def test_forced_format_never_crashes(tmp_path, value) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(value))
    for session in openai_chat.parse_many(str(path)):
        assert session.format == FORMAT
        for problem in session.problems:
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", problem.message)


@pytest.mark.parametrize("header", sorted(_HEADERS))
def test_nanobot_header_before_a_long_chat_without_calls(tmp_path, header) -> None:
    """A header, then more chat than the sniffer samples before the first tool call: the file is
    still a chat list, and its one call is read."""
    chat = [{"role": role, "content": f"turn {n}", "timestamp": "2026-05-20T16:38:53"}
            for n in range(15) for role in ("user", "assistant")]
    path = _nanobot(tmp_path, "session.jsonl", [
        *chat, *_turn("c1", "read_file", {"path": "SKILL.md"}, "1: ---"),
        {"role": "assistant", "content": "Read it."}], header=header)
    assert support.is_format(path, FORMAT)
    sessions = openai_chat.parse_many(str(path))
    assert [[c.id for st in s.main.steps for c in st.calls] for s in sessions] == [["c1"]]


@pytest.mark.parametrize(("modern", "one_per_turn"), [(False, True), (True, False)])
def test_legacy_function_calls_take_one_call_per_turn(tmp_path, modern: bool, one_per_turn: bool) -> None:
    """The functions API before tool calls let an assistant message hold one function_call: three
    of them one per turn could not have gone out together. One modern tool call in the
    conversation shows that tool calls (and batches) were available."""
    from linter.config import Config
    from linter.engine import load_registry, run

    messages = [{"role": "user", "content": "Review src/a.py, src/b.py and src/c.py"}]
    for n, name in enumerate(("src/a.py", "src/b.py", "src/c.py")):
        arguments = json.dumps({"path": name})
        if modern and n == 0:
            messages += [{"role": "assistant", "content": None, "tool_calls": [
                             {"id": "call_1", "type": "function", "function": {"name": "read_file",
                                                                               "arguments": arguments}}]},
                         {"role": "tool", "tool_call_id": "call_1", "content": f"text of {name}"}]
        else:
            messages += [{"role": "assistant", "content": None,
                          "function_call": {"name": "read_file", "arguments": arguments}},
                         {"role": "function", "name": "read_file", "content": f"text of {name}"}]
    path = tmp_path / "chat.json"
    path.write_text(json.dumps({"model": "gpt-4-0613", "messages": messages}))
    (session,) = openai_chat.parse_many(str(path))
    legacy = "the legacy function_call API takes one call per assistant message"
    assert (session.one_call_per_turn == legacy) is one_per_turn
    codes = [d.code for d in run([str(path)], Config(), load_registry()).diagnostics]
    assert ("PAR101" in codes) is not one_per_turn
