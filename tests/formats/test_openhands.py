"""OpenHands parser: real trajectories and evaluation rows, sniffing, batching, results, bad input."""

from __future__ import annotations

import json
import pathlib

import pytest

from linter.effects import EffectModel
from linter.parsers import openhands
from linter.testing import lint_scenario
from linter.testing import openhands as renderer
from tests.formats import _support as support

FORMAT = "openhands"
REAL = support.real_dir(FORMAT)
IN_CORPUS = support.corpus_names(FORMAT)


# -- an independent count: plain JSON scanning ----------------------------------------------------
def _histories(path: pathlib.Path) -> list[list]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        doc = json.loads(text)
        return [doc if isinstance(doc, list) else doc["history"]]
    return [json.loads(line)["history"] for line in text.splitlines() if line.strip()]


def _expected_counts(path: pathlib.Path) -> list[tuple[int, int]]:
    """(tool calls, batches) per event list: the actions a model response issued (those carrying
    ``tool_call_metadata``; in a history with none, every action but a message), ``finish`` aside
    (the run's end), and the model responses shared by two or more of them."""
    out = []
    for events in _histories(path):
        flat = [e for item in events for e in (item if isinstance(item, list) else [item])]
        actions = [e for e in flat if "action" in e]
        if any("tool_call_metadata" in e for e in actions):
            calls = [e for e in actions if "tool_call_metadata" in e]
        else:
            calls = [e for e in actions if e["action"] != "message"]
        calls = [e for e in calls if e["action"] != "finish"]
        responses: dict[str, int] = {}
        for e in calls:
            rid = e.get("tool_call_metadata", {}).get("model_response", {}).get("id")
            if rid:
                responses[rid] = responses.get(rid, 0) + 1
        out.append((len(calls), sum(1 for n in responses.values() if n >= 2)))
    return out


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_files_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _expected_counts(path))


def test_real_counts_are_the_known_ones() -> None:
    counts = {p.name: _expected_counts(p) for p in sorted(REAL.iterdir()) if p.suffix != ".md"}
    assert counts == {
        "multi_swe_bench_examples__output.jsonl": [(22, 0), (32, 0), (49, 0)],
        "resolver_mock_output__output.jsonl": [(3, 0), (21, 0)],
        "tests_runtime_trajs__basic.json": [(1, 0)],
        "tests_runtime_trajs__basic_gui_mode.json": [(4, 0)],
        "tests_runtime_trajs__wrong_initial_state.json": [(3, 0)],
    }


def test_corpus_files_are_detected() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_openhands(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


# -- the real trajectories ---------------------------------------------------------------------------
def test_gui_trajectory_links_results_and_usage() -> None:
    (session,) = openhands.parse_many(str(REAL / "tests_runtime_trajs__basic_gui_mode.json"))
    calls = list(session.all_calls())
    assert [c.name for c in calls] == ["execute_bash", "str_replace_editor", "str_replace_editor", "execute_bash"]
    assert [c.id for c in calls][0] == "toolu_01W9Z8jBctr8X2frZV9p1RYs"
    assert all(c.result is not None and not c.failed for c in calls)
    assert session.cwd == "/workspace"
    first = session.main.steps[0]
    assert (first.usage.input, first.usage.cache_write, first.usage.output) == (4, 3435, 104)
    assert session.main.steps[-1].calls == []  # the agent's closing message
    assert [e.kind for e in session.main.events] == ["prompt"]


def test_finish_is_the_last_words_not_a_call() -> None:
    (session,) = openhands.parse_many(str(REAL / "tests_runtime_trajs__wrong_initial_state.json"))
    assert [c.name for c in session.all_calls()] == ["str_replace_editor", "execute_bash", "str_replace_editor"]
    last = session.main.steps[-1]
    assert last.calls == [] and last.text.startswith("The file has been successfully renamed")
    move = list(session.all_calls())[1]
    effect = EffectModel(openhands.EFFECTS, session.cwd).of(move)
    assert effect.writes >= {"game_2048.py", "2048.py"}


def test_resolver_layout_pairs_results_in_order() -> None:
    first, second = openhands.parse_many(str(REAL / "resolver_mock_output__output.jsonl"))
    assert [c.name for c in first.all_calls()] == ["run", "run_ipython", "run"]
    assert all(c.result is not None for c in second.all_calls())
    assert first.main.events[0].kind == "prompt"


def test_editor_error_and_unreadable_call_in_an_evaluation_row() -> None:
    rows = list(openhands.parse_many(str(REAL / "multi_swe_bench_examples__output.jsonl")))
    failed = [c for c in rows[1].all_calls() if c.failed and c.name == "str_replace_editor"]
    assert [c.input["command"] for c in failed] == ["view"] + ["str_replace"] * 10
    assert all(c.result.text.startswith("ERROR:\n") for c in failed)
    meta = [e.text for e in rows[1].main.events if e.kind == "meta"]
    assert any(t.startswith("Parameter 'command' is expected") for t in meta)
    assert rows[0].session_id == "ponylang__ponyc-4595" and "meta-llama/llama-4-maverick" in rows[0].models


# -- hand-written events ---------------------------------------------------------------------------
def _response(rid: str, *calls: tuple[str, str, dict]) -> dict:
    return {"id": rid, "model": "m", "choices": [{"message": {"content": "both at once", "tool_calls": [
        {"id": cid, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
        for cid, name, args in calls]}}], "usage": {"prompt_tokens": 100, "completion_tokens": 10}}


def _write(tmp_path, events) -> str:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(events, indent=1))
    return str(path)


def test_actions_of_one_response_are_one_batch(tmp_path) -> None:
    response = _response("r1", ("t1", "execute_bash", {"command": "cat a.py"}),
                         ("t2", "execute_bash", {"command": "cat b.py"}))
    meta = [{"function_name": "execute_bash", "tool_call_id": t, "model_response": response,
             "total_calls_in_response": 2} for t in ("t1", "t2")]
    events = [
        {"id": 0, "source": "user", "action": "message", "args": {"content": "show a.py and b.py"}},
        {"id": 1, "source": "agent", "action": "run", "tool_call_metadata": meta[0], "args": {"command": "cat a.py"}},
        {"id": 2, "source": "agent", "observation": "run", "cause": 1, "content": "A",
         "extras": {"metadata": {"exit_code": 0, "working_dir": "/w"}}},
        {"id": 3, "source": "agent", "action": "run", "tool_call_metadata": meta[1], "args": {"command": "cat b.py"}},
        {"id": 4, "source": "agent", "observation": "run", "cause": 3, "content": "no such file",
         "extras": {"metadata": {"exit_code": 1}}},
    ]
    (session,) = openhands.parse_many(_write(tmp_path, events))
    (step,) = session.main.steps
    assert [c.id for c in step.calls] == ["t1", "t2"] and step.text == "both at once"
    assert [c.failed for c in step.calls] == [False, True]
    assert session.cwd == "/w" and step.usage.input == 100
    assert _expected_counts(pathlib.Path(tmp_path / "t.json")) == [(2, 1)]


def test_delegate_is_a_spawn_with_its_task(tmp_path) -> None:
    events = [
        {"id": 0, "source": "user", "action": "message", "args": {"content": "audit packages/api"}},
        {"id": 1, "source": "agent", "action": "delegate",
         "args": {"agent": "CodeActAgent", "inputs": {"task": "Audit packages/api"}}},
        {"id": 2, "source": "agent", "action": "run", "args": {"command": "ls packages/api"}},
        {"id": 3, "source": "agent", "observation": "run", "cause": 2, "content": "x.py"},
        {"id": 4, "source": "agent", "observation": "delegate", "cause": 1, "content": "done"},
    ]
    (session,) = openhands.parse_many(_write(tmp_path, events))
    (spawn,) = session.main.steps[0].calls
    assert spawn.input["task"] == "Audit packages/api"
    assert EffectModel(openhands.EFFECTS, session.cwd).of(spawn).kind == "spawn"
    sub = session.agents[spawn.spawned_agent]
    assert sub.parent_call is spawn and [c.input["command"] for c in sub.steps[0].calls] == ["ls packages/api"]


def test_rendering_is_sniffed_and_read_back(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render((support.SCENARIO_DIR / "par201-build-test-batch.scenario").read_text()))
    assert support.is_format(path, FORMAT)
    (session,) = openhands.parse_many(str(path))
    (batch,) = [s for s in session.main.steps if s.calls]
    assert [c.input["command"] for c in batch.calls] == ["npm run build", "npm test"]
    assert _expected_counts(path) == [(2, 1)]


# -- bad input -----------------------------------------------------------------------------------------
def test_truncated_trajectory_is_an_error_with_its_line(cli, tmp_path) -> None:
    raw = (REAL / "tests_runtime_trajs__basic.json").read_text(encoding="utf-8")
    support.check_truncated(cli, tmp_path, raw, 2000, "cut.json")


def test_wrong_types_and_non_event_entries_are_problems_not_crashes(tmp_path) -> None:
    events = json.loads((REAL / "tests_runtime_trajs__wrong_initial_state.json").read_text())
    events[2]["id"] = [3]  # an unhashable id
    events[3]["cause"] = {"id": 3}
    events[4]["tool_call_metadata"] = "oops"
    events.insert(5, 7)
    events.insert(6, {"kind": "nothing"})
    (session,) = openhands.parse_many(_write(tmp_path, events))
    lines = (tmp_path / "t.json").read_text().splitlines()
    stray = lines.index(" 7,") + 1
    assert [(p.line, p.level) for p in session.problems] == [(stray, "warning"), (stray + 1, "warning")]
    assert all("not an OpenHands event" in p.message and p.path == str(tmp_path / "t.json") for p in session.problems)
    assert len(list(session.all_calls())) == 3


def test_bad_jsonl_rows_are_problems_with_their_lines(cli, tmp_path) -> None:
    rows = (REAL / "resolver_mock_output__output.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "rows.jsonl"
    path.write_text(rows[0] + "[1, 2]\n" + '{"history": 5}\n' + "{not json\n" + rows[1])
    result, doc = cli.json("check", str(path))
    assert [s["format"] for s in doc["sessions"]] == [FORMAT, FORMAT]
    assert [(e["line"], e["level"]) for e in doc["errors"]] == [(2, "warning"), (3, "warning"), (4, "error")]
    assert all(e["path"] == str(path) for e in doc["errors"])


def _cell(event_id: int, code: str) -> dict:
    return {"id": event_id, "source": "agent", "action": "run_ipython",
            "args": {"code": code, "kernel_init_code": "from agentskills import *"}}


def _cell_output(event_id: int, cause: int, content: str) -> dict:
    return {"id": event_id, "source": "agent", "observation": "run_ipython", "cause": cause, "content": content}


def test_ipython_file_helpers_read_and_edit_the_files_they_name(tmp_path) -> None:
    events = [
        {"id": 0, "source": "user", "action": "message", "args": {"content": "add dark mode", "cwd": "/workspace"}},
        _cell(1, "open_file('/workspace/src/App.tsx')"),
        _cell_output(2, 1, "[File: /workspace/src/App.tsx (20 lines total)]"),
        _cell(3, "edit_file_by_replace(\n'/workspace/src/App.tsx',\nto_replace='a',\nnew_content='b')"),
        _cell_output(4, 3, "[Your proposed edit has introduced new syntax error(s). Please understand the errors "
                           "and retry your edit command.]"),
        _cell(5, "insert_content_at_line(file_name='/workspace/src/View.tsx', line_number=3, content='x')\n"
                 "append_file('/workspace/src/View.css', 'y')"),
        _cell_output(6, 5, "[File: /workspace/src/View.tsx (30 lines total after edit)]"),
        _cell(7, "import os\nprint(os.listdir('.'))"),
        _cell_output(8, 7, "['src']"),
        _cell(9, "path = 'src/a.py'\nopen_file(path)"),
        _cell_output(10, 9, "..."),
    ]
    (session,) = openhands.parse_many(_write(tmp_path, events))
    model = EffectModel(openhands.EFFECTS, "/workspace")
    effects = [model.of(c) for c in session.all_calls()]
    assert [(e.kind, sorted(e.reads), sorted(e.writes)) for e in effects] == [
        ("read", ["src/App.tsx"], []),
        ("write", [], ["src/App.tsx"]),
        ("write", [], ["src/View.css", "src/View.tsx"]),
        ("unknown", [], []),  # any other Python may do anything
        ("unknown", [], []),  # a path computed at run time
    ]
    # the helper refused the edit and left the file as it was
    assert [c.failed for c in session.all_calls()] == [False, True, False, False, False]


def test_unvalidated_ipython_edits_are_missing_validation(tmp_path, cli) -> None:
    events = [
        {"id": 0, "source": "user", "action": "message", "args": {"content": "add dark mode"}},
        _cell(1, "edit_file_by_replace('/workspace/src/App.tsx', to_replace='a', new_content='b')"),
        _cell_output(2, 1, "[File: /workspace/src/App.tsx (20 lines total after edit)]"),
        _cell(3, "edit_file_by_replace('/workspace/src/Bad.tsx', to_replace='a', new_content='b(')"),
        _cell_output(4, 3, "[Your proposed edit has introduced new syntax error(s).]"),
        {"id": 5, "source": "agent", "action": "finish", "args": {"outputs": {}, "thought": "Dark mode is done."}},
    ]
    result = cli("check", _write(tmp_path, events), "--output-format", "json", "--select", "PAR401")
    (diag,) = json.loads(result.output)["diagnostics"]
    assert diag["message"].startswith("1 source file(s) modified (src/App.tsx) and no test")
    assert diag["call_ids"] == ["event@1"]


def test_an_inserted_comment_needs_no_validation(tmp_path, cli) -> None:
    def insert(event_id: int, text: str) -> dict:
        return {"id": event_id, "source": "agent", "action": "edit",
                "args": {"path": "/w/src/parser.pony", "command": "insert", "insert_line": 3, "new_str": text}}

    def edited(event_id: int, cause: int) -> dict:
        return {"id": event_id, "source": "agent", "observation": "edit", "cause": cause,
                "content": "The file /w/src/parser.pony has been edited."}

    def lint(events: list[dict]) -> list[str]:
        result = cli("check", _write(tmp_path, events), "--output-format", "json", "--select", "PAR401")
        return [d["message"] for d in json.loads(result.output)["diagnostics"]]

    prompt = {"id": 0, "source": "user", "action": "message", "args": {"content": "fix the parser"}}
    done = {"id": 3, "source": "agent", "action": "finish", "args": {"outputs": {}, "thought": "Fixed."}}
    assert lint([prompt, insert(1, "// handle parent defaults"), edited(2, 1), done]) == []
    assert lint([prompt, insert(1, "let x = 1"), edited(2, 1), done]) == [
        "1 source file(s) modified (/w/src/parser.pony) and no test, build, lint or typecheck ran afterwards "
        "before the transcript ends"]


def test_a_helper_that_raised_left_the_file_alone(tmp_path) -> None:
    events = [
        {"id": 0, "source": "user", "action": "message", "args": {"content": "fix it"}},
        _cell(1, "edit_file_by_replace('/w/a.py', to_replace='x', new_content='y')"),
        _cell_output(2, 1, "---------------------------------------------------------------------------\n"
                           "ValueError                                Traceback (most recent call last)\n"
                           "ValueError: No exact match found in /w/a.py"),
    ]
    (session,) = openhands.parse_many(_write(tmp_path, events))
    assert [c.failed for c in session.all_calls()] == [True]


# -- V1: the software-agent SDK's events ---------------------------------------------------------------
SDK = REAL.parent / "sdk"
CONVERSATION = SDK / "conversations" / "cd94562403b9487ebdd4018e3f531dfd"


def _sdk_counts(events: list[dict]) -> tuple[int, int]:
    """(tool calls, batches), counted from the raw events: the actions but ``finish``, and the model
    responses two or more of them share."""
    calls = [e for e in events if e.get("kind") == "ActionEvent" and e.get("tool_name") != "finish"]
    responses: dict[str, int] = {}
    for e in calls:
        responses[e["llm_response_id"]] = responses.get(e["llm_response_id"], 0) + 1
    return len(calls), sum(1 for n in responses.values() if n >= 2)


def _folder_events(folder: pathlib.Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((folder / "events").glob("event-*.json"))]


def test_sdk_conversation_folder_is_one_session(cli) -> None:
    result, doc = cli.json("check", str(SDK / "conversations"))
    assert doc["errors"] == [] and doc["summary"]["skipped"] == 0  # base_state.json is read with the events
    (session,) = doc["sessions"]
    assert (session["format"], session["path"]) == (FORMAT, str(CONVERSATION))
    assert (session["tool_calls"], session["batches"]) == _sdk_counts(_folder_events(CONVERSATION)) == (1, 0)
    assert session["session_id"] == "cd945624-03b9-487e-bdd4-018e3f531dfd"
    # any event file named on its own stands for its whole conversation, and naming them all
    # (a shell glob) checks the conversation once
    files = sorted((CONVERSATION / "events").iterdir())
    _, alone = cli.json("check", str(files[-1]))
    assert [(s["path"], s["tool_calls"]) for s in alone["sessions"]] == [(str(CONVERSATION), 1)]
    _, every = cli.json("check", *map(str, files), str(CONVERSATION))
    assert [(s["path"], s["tool_calls"]) for s in every["sessions"]] == [(str(CONVERSATION), 1)]


def test_sdk_conversation_links_results_usage_and_directory() -> None:
    first = sorted((CONVERSATION / "events").iterdir())[0]
    (session,) = openhands.parse_many(str(first))
    (call,) = session.all_calls()
    assert (call.id, call.name) == ("call_KaQ0kUcBb5tbMzhxbIx9dvoZ", "terminal")
    assert call.input == {"command": "pwd > tool_output.txt"}  # security_risk and summary are the SDK's
    assert call.result is not None and not call.failed and call.location.path.endswith(".json")
    assert session.cwd == "/workspace/project/software-agent-sdk"
    steps = session.main.steps
    assert [(s.message_id, len(s.calls)) for s in steps] == [
        ("chatcmpl-D5rlWUdHeehJ1YAPoStNh1wWFayTf", 1), ("chatcmpl-D5rlXVHL3O2F73PrKIeJuVlLiGGRy", 0),
        ("chatcmpl-D5rlZyAE0lEpf0kEWhm5eSgodQ6HM", 0)]
    assert steps[1].text == "The current directory has been written to tool_output.txt."  # finish: last words
    assert [(s.usage.input, s.usage.cache_read, s.usage.output) for s in steps] == [(3778, 0, 36), (157, 3712, 32),
                                                                                  (96, 3840, 26)]
    assert session.models == {"openai/gpt-4o-mini"}
    assert [e.kind for e in session.main.events] == ["meta", "prompt", "prompt"]
    assert session.main.events[0].text.startswith("You are OpenHands agent")  # the SystemPromptEvent


def _sdk_action(n: int, rid: str, tool: str, args: dict, thought: str = "") -> dict:
    return {"id": f"a{n}", "timestamp": f"2026-02-05T11:00:{n:02d}.000000", "source": "agent",
            "thought": [{"type": "text", "text": thought}] if thought else [],
            "action": {**args, "kind": "Action"}, "tool_name": tool, "tool_call_id": f"call_{n}",
            "tool_call": {"id": f"call_{n}", "name": tool, "origin": "completion",
                          "arguments": json.dumps({**args, "security_risk": "LOW", "summary": "s"})},
            "llm_response_id": rid, "security_risk": "LOW", "kind": "ActionEvent"}


def _sdk_result(n: int, text: str, **observation) -> dict:
    return {"id": f"o{n}", "timestamp": f"2026-02-05T11:01:{n:02d}.000000", "source": "environment",
            "tool_call_id": f"call_{n}", "action_id": f"a{n}", "kind": "ObservationEvent",
            "observation": {"content": [{"type": "text", "text": text}], "is_error": False, **observation}}


def test_sdk_actions_of_one_response_are_one_batch_and_failures_are_read(tmp_path) -> None:
    events = [
        {"id": "u", "source": "user", "kind": "MessageEvent",
         "llm_message": {"role": "user", "content": [{"type": "text", "text": "check a.py and b.py"}]}},
        _sdk_action(1, "r1", "terminal", {"command": "python a.py"}, thought="both at once"),
        _sdk_action(2, "r1", "terminal", {"command": "python b.py"}),
        _sdk_action(3, "r1", "file_editor", {"command": "view"}),
        _sdk_result(1, "ok", exit_code=0, metadata={"exit_code": 0, "working_dir": "/w"}),
        _sdk_result(2, "Traceback", exit_code=None, metadata={"exit_code": 1}),
        {"id": "e3", "source": "agent", "kind": "AgentErrorEvent", "tool_name": "file_editor",
         "tool_call_id": "call_3", "error": "Error validating tool 'file_editor': path Field required"},
        _sdk_action(4, "r2", "terminal", {"command": "rm -rf build"}),
        {"id": "x4", "source": "environment", "kind": "UserRejectObservation", "tool_name": "terminal",
         "tool_call_id": "call_4", "action_id": "a4", "rejection_reason": "not that", "rejection_source": "user"},
    ]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events, indent=1))
    assert support.is_format(path, FORMAT)
    (session,) = openhands.parse_many(str(path))
    batch, rejected = session.main.steps
    assert [c.id for c in batch.calls] == ["call_1", "call_2", "call_3"] and batch.text == "both at once"
    assert batch.calls[0].input == {"command": "python a.py"}  # the SDK's own keys left out
    assert [c.failed for c in batch.calls] == [False, True, True]
    assert rejected.calls[0].failed and [e.kind for e in session.main.events] == ["prompt", "interrupt"]
    assert session.cwd == "/w"
    assert _sdk_counts(events) == (4, 1)
    lines = path.read_text().splitlines()
    assert batch.calls[1].location.line == lines.index('  "id": "a2",')  # the line of the event's opening brace


def test_sdk_events_in_evaluation_rows_pages_and_lines(tmp_path, cli) -> None:
    events = render_events("par201-build-test-batch")
    rows = tmp_path / "output.jsonl"
    rows.write_text(json.dumps({"instance_id": "x__y-1", "instruction": "go", "history": events,
                                "metrics": None, "error": None}) + "\n")
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"items": events, "next_page_id": None}))
    lines = tmp_path / "events.jsonl"
    lines.write_text("".join(json.dumps(e) + "\n" for e in events))
    for path in (rows, page, lines):
        assert support.is_format(path, FORMAT), path.name
        _, doc = cli.json("check", str(path))
        assert [d["code"] for d in doc["diagnostics"]] == ["PAR201"], path.name
        assert [(s["tool_calls"], s["batches"]) for s in doc["sessions"]] == [_sdk_counts(events)]
    _, doc = cli.json("check", str(rows))
    assert doc["sessions"][0]["session_id"] == "x__y-1"


def render_events(name: str) -> list[dict]:
    return renderer.render_sdk_events((support.SCENARIO_DIR / f"{name}.scenario").read_text())


def _write_folder(root: pathlib.Path, events: list[dict]) -> pathlib.Path:
    folder = root / "conv" / "events"
    folder.mkdir(parents=True)
    for n, event in enumerate(events):
        (folder / f"event-{n:05d}-{event['id']}.json").write_text(json.dumps(event))
    return folder.parent


@pytest.mark.parametrize("path", support.SCENARIOS, ids=lambda p: p.stem)
def test_sdk_folder_layout_finds_what_the_array_does(cli, tmp_path, path) -> None:
    events = render_events(path.stem)
    array = tmp_path / "array.json"
    array.write_text(json.dumps(events))
    conversation = _write_folder(tmp_path, events)
    _, one = cli.json("check", str(array))
    _, other = cli.json("check", str(conversation))
    shape = lambda doc: [(d["code"], d["call_ids"]) for d in doc["diagnostics"]]  # noqa: E731
    expected = [(d.code, d.call_ids) for d in lint_scenario(path.read_text())]  # as Claude Code's layout
    assert shape(one) == shape(other) == expected and other["errors"] == []
    assert all(d["line"] == 1 and "/events/event-" in d["path"] for d in other["diagnostics"])


def test_sdk_folder_with_a_broken_event_file_reads_the_rest(cli, tmp_path) -> None:
    events = render_events("par202-two-edits-batch")
    conversation = _write_folder(tmp_path, events)
    broken = sorted((conversation / "events").iterdir())[-1]  # the closing message
    broken.write_text('{"id": "x", "kind": "MessageEvent",\n  "source": ')
    (conversation / "base_state.json").write_text("{not json")
    result, doc = cli.json("check", str(conversation))
    assert [d["code"] for d in doc["diagnostics"]] == ["PAR202"]
    assert [(e["path"], e["line"], e["level"]) for e in doc["errors"]] == [
        (str(conversation / "base_state.json"), None, "warning"), (str(broken), 2, "error")]
    assert result.exit_code == 2


def test_sdk_subagent_conversations_are_noted(cli, tmp_path) -> None:
    conversation = _write_folder(tmp_path, render_events("par102-serial-tasks"))
    (conversation / "subagents" / "abc" / "events").mkdir(parents=True)
    _, doc = cli.json("check", str(conversation))
    (session,) = doc["sessions"]
    assert {"what": "PAR202, PAR401", "reason": "1 subagent conversation(s) under subagents/ are not read: "
            "nothing links them to the task calls that started them"} in session["not_checked"]
