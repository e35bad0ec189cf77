"""Gemini CLI chat recordings: real sessions, sniffing, scenario rendering, both layouts, bad input."""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
from datetime import datetime

import pytest

from linter.discover import discover
from linter.parsers import gemini_cli
from linter.plans.lint import embedded_plans
from linter.testing import gemini_cli as renderer
from tests.formats import _support as support

FORMAT = "gemini-cli"
REAL = support.real_dir(FORMAT)
SCENARIOS = support.SCENARIOS
SPLIT = REAL / "m-gemini__session-2025-12-24T21-37-2ccb51c5.json"
IN_CORPUS = support.corpus_names(FORMAT)


# -- an independent count: plain JSON scanning ----------------------------------------------------
def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _messages(path: pathlib.Path) -> list[dict]:
    """The live messages: a legacy document's list, or JSONL records replayed (ids replace, rewinds cut)."""
    text = path.read_text()
    if path.suffix == ".json":
        return json.loads(text)["messages"]
    live: dict[str, dict] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if "$rewindTo" in rec:
            ids = list(live)
            live = {i: live[i] for i in ids[: ids.index(rec["$rewindTo"])]} if rec["$rewindTo"] in live else {}
        elif "id" in rec:
            live[rec["id"]] = rec
    return list(live.values())


def _expected_counts(path: pathlib.Path) -> tuple[int, int]:
    """(tool calls, batches): a message's calls are one turn until a call id's epoch ms is later than
    the completion time of a call already in that turn."""
    calls = batches = 0
    for msg in _messages(path):
        turns: list[list[dict]] = []
        for call in msg.get("toolCalls", []):
            calls += 1
            issued = re.search(r"-(\d{13})-", call["id"])
            if turns and issued and int(issued.group(1)) / 1000 > min(_epoch(c["timestamp"]) for c in turns[-1]):
                turns.append([call])
            elif turns:
                turns[-1].append(call)
            else:
                turns.append([call])
        batches += sum(len(t) > 1 for t in turns)
    return calls, batches


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_recordings_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _expected_counts(path))


def test_corpus_gemini_files_are_detected() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_gemini(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


# -- what the parser rebuilds from the real sessions ---------------------------------------------
def test_calls_of_later_turns_appended_to_a_message_are_split_off() -> None:
    session = gemini_cli.parse(str(SPLIT))
    steps = session.main.steps
    batch = next(s for s in steps if [c.name for c in s.calls] == ["read_file"] * 3)
    assert all(c.result.is_error for c in batch.calls)  # the three reads outside the workspace
    # the next message holds a copy and three reads issued one after another: four turns
    turns = [s for s in steps if s.message_id.startswith("8458a162")]
    assert [[c.name for c in s.calls] for s in turns] == [["run_shell_command"]] + [["read_file"]] * 3
    assert turns[0].usage is not None and all(s.usage is None for s in turns[1:])
    assert all(a.seq < a.calls[0].result.seq < b.seq for a, b in zip(turns, turns[1:]))
    assert session.cwd == "/home/mischa"  # sha256 of the root is the projectHash


def test_usage_takes_cached_tokens_out_of_input_and_counts_thoughts_as_output() -> None:
    step = gemini_cli.parse(str(SPLIT)).main.steps[0]
    # "tokens": {"input": 7682, "output": 15, "cached": 0, "thoughts": 450}
    assert (step.usage.input, step.usage.output, step.usage.cache_read) == (7682, 465, 0)
    later = next(s for s in gemini_cli.parse(str(SPLIT)).main.steps if s.message_id.startswith("944ffa95"))
    # "tokens": {"input": 17204, "output": 57, "cached": 13994, "thoughts": 2065}
    assert (later.usage.input, later.usage.output, later.usage.cache_read) == (3210, 2122, 13994)


def test_status_exit_code_and_cancellation() -> None:
    session = gemini_cli.parse(str(SPLIT))
    calls = list(session.all_calls())
    cancelled = next(c for c in calls if c.id == "run_shell_command-1766612998325-e95646edc5e2b")
    assert cancelled.result.is_error and "Cancelled" in cancelled.result.text
    after = [e for e in session.main.events if e.seq > cancelled.result.seq]
    assert after[0].kind == "interrupt" and after[1].kind == "prompt"
    failed_exit = next(c for c in calls if c.input.get("command") == "paru -S antigravity-bin --noconfirm --skipreview")
    assert failed_exit.result.is_error  # status success, but Exit Code: 1
    ok = next(c for c in calls if c.input.get("command") == "which paru")
    assert not ok.result.is_error and ok.result.timestamp > ok.timestamp
    read = next(c for c in calls if c.name == "read_file" and c.result.is_error)
    raw = SPLIT.read_text().splitlines()
    assert f'"id": "{read.id}"' in raw[read.location.line - 1]


def test_init_prompt_is_meta_and_todos_are_state() -> None:
    session = gemini_cli.parse(str(REAL / "m-gemini__session-2025-12-24T06-27-36e8d28f.json"))
    kinds = [(e.kind, e.text.strip()[:30]) for e in session.main.events]
    assert ("meta", "You are an AI agent that bring") in kinds
    assert [k for k, _ in kinds].count("prompt") == 3  # the info notices are not context
    assert sum(c.name == "write_todos" for c in session.all_calls()) == 7


def test_write_todos_lists_are_linted_as_plans_at_the_call_line() -> None:
    path = REAL / "m-gemini__session-2025-12-24T06-27-36e8d28f.json"
    session = gemini_cli.parse(str(path))
    first = next(c for c in session.all_calls() if c.name == "write_todos")
    (plan,) = embedded_plans(session)  # the later calls only tick the same six items off
    assert plan.kind == "todos" and len(plan.steps) == 6
    assert plan.steps[0].text == "List files in the current directory."
    assert first.location.line == 881 and f'"id": "{first.id}"' in path.read_text().splitlines()[880]


def test_delegate_to_agent_without_its_recording_is_a_spawn() -> None:
    session = gemini_cli.parse(str(REAL / "m-gemini__session-2026-01-02T02-34-9330d511.json"))
    (call,) = [c for c in session.all_calls() if c.name == "delegate_to_agent"]
    assert call.spawned_agent is None and "codebase_investigator" in call.result.text
    assert any(n.what == "subagents" for n in session.notes)
    assert session.cwd is None  # a Windows project root is not used to resolve paths


# -- the JSONL layout ------------------------------------------------------------------------------
HASH = hashlib.sha256(b"/work/app").hexdigest()


def _call(name: str, ms: int, args: dict, output: str = "ok", status: str = "success", done_ms: int | None = None):
    call_id = f"{name}-{ms}-abc{ms % 1000:03d}"
    key = "error" if status != "success" else "output"
    done = datetime.utcfromtimestamp((done_ms or ms + 50) / 1000).isoformat(timespec="milliseconds") + "Z"
    return {"id": call_id, "name": name, "args": args, "status": status, "timestamp": done,
            "result": [{"functionResponse": {"id": call_id, "name": name, "response": {key: output}}}]}


def _jsonl(tmp_path: pathlib.Path, records: list, name: str = "session-2026-01-01T00-00-aaaaaaaa.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _header(**extra):
    return {"sessionId": "aaaaaaaa-1111", "projectHash": HASH, "startTime": "2026-01-01T00:00:00.000Z",
            "lastUpdated": "2026-01-01T00:00:00.000Z", "kind": "main", **extra}


def _gemini(mid: str, calls: list, text: str = "", ts: str = "2026-01-01T00:00:01.000Z"):
    return {"id": mid, "timestamp": ts, "type": "gemini", "content": text, "thoughts": [], "model": "gemini-2.5-pro",
            "tokens": {"input": 1000, "output": 10, "cached": 800, "thoughts": 5, "tool": 0, "total": 1015},
            "toolCalls": calls}


def _user(mid: str, text: str):
    return {"id": mid, "timestamp": "2026-01-01T00:00:00.500Z", "type": "user", "content": [{"text": text}]}


T0 = 1767225601000


def test_jsonl_replaces_repeated_ids_applies_rewinds_and_set(tmp_path) -> None:
    first = _gemini("g1", [_call("read_file", T0, {"file_path": "/work/app/a.py"})])
    path = _jsonl(tmp_path, [
        _header(),
        _user("u1", "read a.py and b.py"),
        {"$set": {"lastUpdated": "2026-01-01T00:00:01.000Z"}},
        {**first, "toolCalls": []},  # written before the call completed, then replaced
        first,
        _user("u2", "now delete everything"),
        _gemini("g2", [_call("run_shell_command", T0 + 5000, {"command": "rm -rf ."})]),
        {"$rewindTo": "u2"},
        _user("u3", "now read b.py"),
        _gemini("g3", [_call("read_file", T0 + 9000, {"file_path": "b.py"})]),
        {"$set": {"summary": "Read two files"}},
    ])
    assert support.is_format(path, FORMAT)
    session = gemini_cli.parse(str(path))
    assert [c.name for c in session.all_calls()] == ["read_file", "read_file"]
    assert [e.text for e in session.main.events] == ["read a.py and b.py", "now read b.py"]
    assert session.main.description == "Read two files"
    assert session.cwd == "/work/app"
    assert any(n.what == "rewinds" for n in session.notes)
    read = session.main.steps[0].calls[0]
    assert read.location.line == 5 and read.result.text == "ok"
    usage = session.main.steps[0].usage
    assert (usage.input, usage.output, usage.cache_read) == (200, 15, 800)
    assert _expected_counts(path) == (2, 0)


def test_a_function_response_passed_on_as_a_user_turn_is_not_a_prompt(tmp_path) -> None:
    path = _jsonl(tmp_path, [
        _header(), _user("u1", "check the requirements"),
        _gemini("g1", [_call("read_many_files", T0, {"paths": ["/work/app/a.py"]})]),
        _user("u2", "[Function Response: read_many_files]--- /work/app/a.py ---\n\nimport torch\n"),
        _gemini("g2", [_call("read_file", T0 + 2000, {"absolute_path": "/work/app/requirements.txt"})]),
    ])
    session = gemini_cli.parse(str(path))
    assert [e.kind for e in session.main.events] == ["prompt", "meta"]


def test_history_snapshot_in_set_updates_messages_without_dropping(tmp_path) -> None:
    path = _jsonl(tmp_path, [
        _header(), _user("u1", "list the repo"),
        _gemini("g1", [_call("list_directory", T0, {"dir_path": "."}, "a.py")]),
        {"$set": {"messages": [_user("u1", "list the repo"), _user("s1", "<state_snapshot>done</state_snapshot>"),
                               _gemini("g1", [_call("list_directory", T0, {"dir_path": "."}, "[masked]")])]}},
    ])
    session = gemini_cli.parse(str(path))
    assert [e.kind for e in session.main.events] == ["prompt", "compact"]
    assert next(session.all_calls()).result.text == "[masked]"


def test_subagent_recording_is_attached_to_its_delegating_call(tmp_path) -> None:
    objective = "Find where the retry limit is defined in the code base"
    parent = _jsonl(tmp_path, [
        _header(), _user("u1", "where is the retry limit?"),
        _gemini("g1", [_call("delegate_to_agent", T0, {"agent_name": "codebase_investigator", "objective": objective},
                             "Subagent 'codebase_investigator' finished.", done_ms=T0 + 9000)]),
    ])
    sub_dir = tmp_path / "aaaaaaaa-1111"
    sub_dir.mkdir()
    sub = _jsonl(sub_dir, [
        {"sessionId": "sub-1", "projectHash": HASH, "startTime": "2026-01-01T00:00:02.000Z", "kind": "subagent",
         "directories": ["/work/app"]},
        _user("su1", objective),
        _gemini("sg1", [_call("glob", T0 + 2000, {"pattern": "**/*.py"}), _call("grep", T0 + 2001, {"pattern": "RETRY"})],
                ts="2026-01-01T00:00:03.000Z"),
    ], name="sub-1.jsonl")
    session = gemini_cli.parse(str(parent))
    (call,) = session.main.steps[0].calls
    agent = session.agents["sub-1"]
    assert call.spawned_agent == "sub-1" and agent.parent_call is call
    assert [len(s.calls) for s in agent.steps] == [2]
    assert gemini_cli.is_companion(str(sub)) and not gemini_cli.is_companion(str(parent))
    assert [i.path for i in discover([str(tmp_path)], [], [])] == [str(parent)]


def test_effects_of_gemini_tools(tmp_path) -> None:
    from linter.effects import EffectModel

    model = EffectModel(gemini_cli.EFFECTS, "/work/app")
    loc = gemini_cli.Location("x", 1)

    def effect(name, **args):
        return model.of(gemini_cli.ToolCall(id=name + str(args), name=name, input=args, location=loc))

    assert effect("read_file", absolute_path="/work/app/a.py").reads == {"a.py"}
    assert effect("replace", file_path="a.py", old_string="x", new_string="y").writes == {"a.py"}
    assert effect("list_directory", dir_path="src").reads == {"src"}
    assert effect("search_file_content", pattern="TODO", file_path="notes.txt").reads == {"notes.txt"}
    assert effect("read_many_files", include=["a.py", "docs/*.md"]).reads == {"a.py"}
    fetched = effect("web_fetch", prompt="Summarise https://example.com/page and nothing else")
    assert fetched.reads == {"url:https://example.com/page"}
    assert effect("run_shell_command", command="ls", dir_path="src").kind == "read"
    assert effect("delegate_to_agent", agent_name="codebase_investigator", objective="find x").kind == "spawn"
    assert effect("write_todos", todos=[]).kind == "state" and effect("save_memory", fact="x").kind == "state"


# -- rendering --------------------------------------------------------------------------------------
_BACK = {"read_file": "Read", "write_file": "Write", "replace": "Edit", "run_shell_command": "Bash",
         "search_file_content": "Grep", "glob": "Glob", "delegate_to_agent": "Task", "web_fetch": "WebFetch",
         "google_web_search": "WebSearch"}


_REWRITES = [(r"toolu_\w+|\b\w+-\d{13}-\w+", "ID")] + [(rf"\b{gemini}\b", claude)
                                                       for gemini, claude in _BACK.items()]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_rendered_scenario_gives_the_same_findings(path: pathlib.Path) -> None:
    support.check_scenario(path, FORMAT, _REWRITES)


def test_rendering_is_sniffed_and_batched(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render((support.SCENARIO_DIR / "par304-seven-tasks.scenario").read_text()))
    assert support.is_format(path, FORMAT)
    session = gemini_cli.parse(str(path))
    assert [len(s.calls) for s in session.main.steps] == [7, 0]
    assert session.cwd == "/repo"


def test_rendered_todo_list_is_a_gemini_todo_list_and_a_plan(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render("user: plan it\nstep\ncall TodoWrite todos:='[{\"content\": \"Read a.py\", "
                                    "\"status\": \"completed\", \"activeForm\": \"Reading\"}]'\n"))
    (call,) = gemini_cli.parse(str(path)).all_calls()
    assert (call.name, call.input) == ("write_todos", {"todos": [{"description": "Read a.py", "status": "completed"}]})
    (plan,) = embedded_plans(gemini_cli.parse(str(path)))
    assert [(s.text, s.done) for s in plan.steps] == [("Read a.py", True)]


# -- bad input --------------------------------------------------------------------------------------
def test_truncated_document_is_a_clear_error_with_line(cli, tmp_path) -> None:
    text = SPLIT.read_text()
    support.check_truncated(cli, tmp_path, text, len(text) // 2, "cut.json", FORMAT)


def test_malformed_messages_of_a_document_are_warnings_with_their_lines(cli, tmp_path) -> None:
    doc = {"sessionId": "s", "projectHash": HASH, "startTime": "2026-01-01T00:00:00.000Z", "messages": [
        _user("u1", "go"), 5, {"id": "x", "content": "no type"},
        _gemini("g1", [_call("glob", T0, {"pattern": "*.py"}), []]),
    ]}
    path = tmp_path / "session-2026-01-01T00-00-ssssssss.json"
    path.write_text(json.dumps(doc, indent=2))
    result, doc = cli.json("check", "--format", FORMAT, str(path))
    raw = path.read_text().splitlines()
    found = [(e["line"], e["level"], e["message"].split(";")[0]) for e in doc["errors"]]
    assert found == [(16, "warning", "message 1 is not a message object"),
                     (17, "warning", "message 2 is not a message object"),
                     (21, "warning", "1 tool call record(s) not objects")]
    assert raw[15].strip() == "5," and raw[20].strip() == "{" and '"g1"' in raw[21]
    assert doc["sessions"][0]["tool_calls"] == 1


def test_malformed_records_are_reported_and_the_rest_read(cli, tmp_path) -> None:
    path = _jsonl(tmp_path, [_header(), _user("u1", "go"), "not a record",
                             _gemini("g1", [_call("glob", T0, {"pattern": "*.py"}), "junk"])])
    with path.open("a") as fp:
        fp.write('{"id": "g2", "type": "gemini", "content": "cut off here\n')
        fp.write(json.dumps({"id": "i1", "type": "mystery", "content": ""}) + "\n")
        fp.write('{"id": "g3", "type": "gem')
    result, doc = cli.json("check", str(path))
    (session,) = doc["sessions"]
    assert session["format"] == FORMAT and session["tool_calls"] == 1
    lines = {e["line"]: e for e in doc["errors"]}
    assert lines[3]["level"] == "warning" and "not a JSON object" in lines[3]["message"]
    assert lines[4]["level"] == "warning" and "not objects" in lines[4]["message"]
    assert lines[5]["level"] == "error" and lines[5]["path"] == str(path)
    assert lines[6]["level"] == "warning" and "unknown message type" in lines[6]["message"]
    assert lines[7]["level"] == "warning" and "incomplete" in lines[7]["message"]


# -- headless stream-json output -------------------------------------------------------------------
STREAM = sorted((support.ROOT / "fixtures" / FORMAT / "stream-json").glob("*.jsonl"))


def _stream_counts(path: pathlib.Path) -> tuple[int, int]:
    """(tool calls, batches): tool_use events, and runs of two or more with no other event between."""
    calls = batches = run = 0
    for line in path.read_text().splitlines():
        try:
            kind = json.loads(line).get("type")
        except ValueError:
            continue  # stderr captured with the stream
        if kind == "tool_use":
            calls += 1
            run += 1
        else:
            batches += run > 1
            run = 0
    return calls, batches + (run > 1)


@pytest.mark.parametrize("path", STREAM, ids=lambda p: p.name)
def test_stream_json_fixtures_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _stream_counts(path))


def _event(kind: str, second: float, **fields) -> dict:
    return {"type": kind, "timestamp": f"2026-01-11T21:00:{second:06.3f}Z", **fields}


def _stream(tmp_path, events: list, noise: dict[int, str] | None = None, name: str = "run.jsonl") -> pathlib.Path:
    lines = [json.dumps(e) for e in events]
    for at, text in sorted((noise or {}).items()):
        lines.insert(at, text)
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _reads(second: float, *files: str) -> list[dict]:
    uses = [_event("tool_use", second + n / 10, tool_name="read_file", tool_id=f"read_file-{n}-{second}",
                   parameters={"file_path": f"/data/proj/{f}"}) for n, f in enumerate(files)]
    results = [_event("tool_result", second + 1 + n / 10, tool_id=f"read_file-{n}-{second}", status="success",
                      output=f"Read file: {f}") for n, f in enumerate(files)]
    return uses + results


def _run(*body: dict, status: str = "success") -> list[dict]:
    return [_event("init", 0, session_id="s-1", model="gemini-2.5-pro"),
            _event("message", 1, role="user", content="Summarise notes/a.md, notes/b.md and notes/c.md."),
            *body, _event("result", 59, status=status, stats={"total_tokens": 9, "tool_calls": 3})]


def test_stream_json_steps_batches_prose_and_end_of_run(tmp_path) -> None:
    path = _stream(tmp_path, _run(
        _event("message", 2, role="assistant", content="I will read ", delta=True),
        _event("message", 2.5, role="assistant", content="the first note.", delta=True),
        *_reads(3, "notes/a.md"),
        _event("message", 10, role="assistant", content="Now the other two.", delta=True),
        *_reads(11, "notes/b.md", "notes/c.md")))
    assert support.is_format(path, FORMAT)
    session = gemini_cli.parse(str(path))
    steps = session.main.steps
    assert [(s.text, [c.input["file_path"] for c in s.calls]) for s in steps] == [
        ("I will read the first note.", ["/data/proj/notes/a.md"]),
        ("Now the other two.", ["/data/proj/notes/b.md", "/data/proj/notes/c.md"]),
        ("", []),  # the run ended: its last response asked for no call
    ]
    assert [s.location.line for s in steps] == [3, 7, 12]
    assert session.session_id == "s-1" and session.models == {"gemini-2.5-pro"}
    assert session.cwd == "/data/proj"  # the prompt's relative paths are the tails of the arguments
    assert not any(n.what == "mid-turn" for n in session.notes)
    assert [n.what for n in session.notes] == ["context_tokens"]
    found = support.findings(lint_scenario_file(path), [])
    assert found == [("PAR101", "3 independent read-only calls went out over 2 turns (read_file notes/a.md, "
                                "read_file notes/b.md and read_file notes/c.md); all were knowable at the first, "
                                "so one batch saves 1 round trip")]


def lint_scenario_file(path: pathlib.Path):
    from linter.config import Config
    from linter.engine import load_registry, run

    return run([str(path)], Config(), load_registry()).diagnostics


def test_stream_json_stderr_lines_are_one_warning_and_change_nothing(tmp_path) -> None:
    events = _run(*_reads(3, "notes/a.md"), *_reads(6, "notes/b.md"), *_reads(9, "notes/c.md"))
    clean = _stream(tmp_path, events, name="clean.jsonl")
    noisy = _stream(tmp_path, events, {0: "YOLO mode is enabled. All tool calls will be automatically approved.",
                                       1: "[ERROR] [IDEClient] Directory mismatch.", 5: "missing pgrep output",
                                       9: "Error executing tool read_file: \x1b[31mboom\x1b[0m"}, name="noisy.jsonl")
    assert support.is_format(noisy, FORMAT)
    session = gemini_cli.parse(str(noisy))
    (problem,) = session.problems
    assert (problem.line, problem.level) == (1, "warning")
    assert problem.message == ("4 line(s) are not JSON events (text the CLI wrote to stderr, captured with the "
                               "stream?); skipped: line 1, 2, 6, 10")
    assert [len(s.calls) for s in session.main.steps] == [1, 1, 1, 0]
    assert support.findings(lint_scenario_file(noisy), []) == support.findings(lint_scenario_file(clean), [])


def test_stream_json_failures_and_a_run_that_stops_mid_turn(tmp_path) -> None:
    path = _stream(tmp_path, _run(
        _event("error", 2, severity="warning", message="Loop detected, stopping execution"),
        _event("tool_use", 3, tool_name="run_shell_command", tool_id="sh-1", parameters={"command": "make"}),
        _event("tool_result", 4, tool_id="sh-1", status="error", output="Tool execution denied by policy.",
               error={"type": "policy_violation", "message": "Tool execution denied by policy."}),
        _event("tool_use", 5, tool_name="write_file", tool_id="w-1",
               parameters={"file_path": "/data/proj/app.py", "content": "x"}),
        _event("tool_result", 6, tool_id="w-1", status="error", output="",
               error={"type": "permission_denied", "message": "EACCES"}),
        status="error"))
    session = gemini_cli.parse(str(path))
    shell, write = session.all_calls()
    assert (shell.result.is_error, shell.result.text) == (True, "Tool execution denied by policy.")
    assert (write.result.is_error, write.result.text) == (True, "EACCES")
    assert [s.calls != [] for s in session.main.steps] == [True, True]  # no closing response
    assert [e.kind for e in session.main.events] == ["prompt", "interrupt"]
    assert session.problems == []  # an error event is the CLI's, not a malformed record


def test_stream_json_is_not_taken_for_other_formats_nor_they_for_it(tmp_path) -> None:
    from linter.parsers import sniff
    from linter.parsers.sample import load_sample

    path = _stream(tmp_path, _run(*_reads(3, "notes/a.md")), {0: "Loaded cached credentials."})
    assert sniff(load_sample(str(path))) == FORMAT
    # a Claude Code stream (system/assistant/user/result) is not Gemini CLI's
    other = _stream(tmp_path, [{"type": "system", "subtype": "init", "session_id": "x"},
                               {"type": "result", "subtype": "success"}], name="claude.jsonl")
    assert not gemini_cli.sniff(load_sample(str(other)))
    # a type that is not a string is no event (and no crash)
    odd = _stream(tmp_path, [{**_run()[0], "type": ["init"]}, *_run()[1:]], name="odd.jsonl")
    assert not gemini_cli.sniff(load_sample(str(odd)))
    # a text file with a JSON line far down is not JSON Lines
    text = tmp_path / "log.jsonl"
    text.write_text("".join(f"line {n}\n" for n in range(100)) + json.dumps(_run()[0]) + "\n")
    assert not load_sample(str(text)).is_jsonl


def test_stream_json_after_a_prompt_a_wrapper_logged_before_init(tmp_path) -> None:
    """An eval harness that logs the task it gave (a user ``message`` with its own fields), then
    the CLI's stream: still Gemini CLI's stream, with the same findings."""
    events = _run(*_reads(3, "notes/a.md"), *_reads(6, "notes/b.md"), *_reads(9, "notes/c.md"))
    plain = _stream(tmp_path, events, name="plain.jsonl")
    logged = {"type": "message", "role": "user", "content": events[1]["content"], "ts": "2026-01-11T20:59:58"}
    wrapped = _stream(tmp_path, [logged, *events], name="wrapped.jsonl")
    assert support.is_format(wrapped, FORMAT)
    session = gemini_cli.parse(str(wrapped))
    assert session.session_id == "s-1" and [len(s.calls) for s in session.main.steps] == [1, 1, 1, 0]
    found = support.findings(lint_scenario_file(wrapped), [])
    assert found == support.findings(lint_scenario_file(plain), []) and [c for c, _ in found] == ["PAR101"]
    # more than two records before the init, or one that is no prompt: not this format
    from linter.parsers.sample import load_sample

    for lead in ([logged] * 3, [{**logged, "role": "assistant"}]):
        other = _stream(tmp_path, [*lead, *events], name="other.jsonl")
        assert not gemini_cli.sniff(load_sample(str(other)))


@pytest.mark.parametrize(("prompt", "cwd", "label"), [
    # the prompt names the project's directory on its own: the files' paths are shown relative to it
    ("Project root: /work/app\nWrite the components.", "/work/app", "write_file src/Card.tsx"),
    # a directory named only inside a longer path is no directory the agent was told of
    ("Follow /work/app/SKILL.md and write the components.", None, "write_file /work/app/src/Card.tsx"),
])
def test_stream_json_working_directory_a_prompt_named(tmp_path, prompt: str, cwd, label: str) -> None:
    writes = []
    for n, name in enumerate(("Card", "Bar", "Line")):
        writes += [_event("tool_use", 3 + 5 * n, tool_name="write_file", tool_id=f"w{n}",
                          parameters={"file_path": f"/work/app/src/{name}.tsx", "content": f"export const {name} = 1"}),
                   _event("tool_result", 3.1 + 5 * n, tool_id=f"w{n}", status="success")]
    events = _run(*writes)
    events[1] = {**events[1], "content": prompt}
    path = _stream(tmp_path, events)
    assert gemini_cli.parse(str(path)).cwd == cwd
    found = [message for code, message in support.findings(lint_scenario_file(path), []) if code == "PAR101"]
    assert len(found) == 1 and f"({label}, " in found[0]
