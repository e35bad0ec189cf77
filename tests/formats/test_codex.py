"""Codex CLI rollout parser: real rollouts, sniffing, scenario rendering, batching, usage, bad input."""

from __future__ import annotations

import json
import pathlib

import pytest

from linter.effects import READ, WRITE, EffectModel
from linter.model import MAIN_AGENT
from linter.parsers import codex
from linter.testing import codex as renderer
from tests.formats import _support as support

FORMAT = "codex"
REAL = support.real_dir(FORMAT)
SCENARIOS = support.SCENARIOS
V058 = REAL / "acidicsoil__v0.58.0__rollout-2025-11-17T15-30-28-019a93b9-f380-7600-98ff-940e6b99603c.jsonl"
TRIMMED = REAL / "agent-sessions__v0.146.0__TRIMMED-schema-coverage__small.jsonl"
IN_CORPUS = {V058.name, TRIMMED.name}


# -- an independent count: plain JSON scanning ----------------------------------------------------
_CALLS = {"function_call", "custom_tool_call", "local_shell_call", "web_search_call", "tool_search_call",
          "image_generation_call"}
_BREAKS = {"reasoning", "message", "agent_message"}
_OUTPUTS = {"function_call_output", "custom_tool_call_output", "tool_search_output"}


def _expected_counts(path: pathlib.Path) -> list[tuple[int, int]]:
    """(tool calls, batches) per session_meta: call items, and runs of 2+ call items with no
    reasoning, message, turn context, compaction or new token total between them (prose may open a
    run). An output ends a run too, unless the session writes its token count before the calls
    (0.5x writes each request at once, every output right after its call)."""
    counts: list[list[int]] = []
    run = 0
    at_once = False
    total = None

    def end_run() -> None:
        nonlocal run
        if run >= 2:
            counts[-1][1] += 1
        run = 0

    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        kind, payload = rec["type"], rec["payload"]
        item = payload.get("type")
        if kind == "session_meta":
            if counts:
                end_run()
            counts.append([0, 0])
            at_once, total = False, None
        elif kind in ("turn_context", "compacted"):
            end_run()
        elif kind == "event_msg" and item == "token_count" and payload.get("info"):
            if payload["info"]["total_token_usage"] != total:
                total = payload["info"]["total_token_usage"]
                at_once = at_once or counts[-1][0] == 0
                end_run()
        elif kind == "response_item" and item in _CALLS:
            counts[-1][0] += 1
            run += 1
        elif kind == "response_item" and (item in _BREAKS or (item in _OUTPUTS and not at_once)):
            if not (item == "message" and payload.get("role") == "assistant" and run == 0):
                end_run()
    end_run()
    return [tuple(c) for c in counts]  # type: ignore[misc]


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_rollouts_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _expected_counts(path))


def test_corpus_rollouts_are_detected() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_codex(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


# -- the real 0.58 rollout ---------------------------------------------------------------------------
def _v058():
    (session,) = codex.parse_many(str(V058))
    return session


def test_v058_steps_results_and_events() -> None:
    session = _v058()
    main = session.main
    assert session.session_id == "019a93b9-f380-7600-98ff-940e6b99603c"
    assert session.cwd == "/home/user/projects/temp/chatbot-ui"
    assert session.models == {"gpt-5.1-codex"}
    assert [e.kind for e in main.events] == ["meta", "prompt"]  # environment context, then the request
    assert main.events[1].text.startswith("finish up the users work")
    first = main.steps[0]
    (call,) = first.calls
    assert call.name == "shell" and call.input["command"] == ["bash", "-lc", "ls"]
    assert call.location.line == 11 and first.location.line == 10
    assert call.result.location.line == 12 and call.result.text.startswith("LM Studio configuration.md\nREADME.md")
    assert main.events[1].seq < first.seq < call.result.seq < main.steps[1].seq
    failed = sorted(c.location.line for c in session.all_calls() if c.failed)
    assert failed == [151, 193, 234]  # ls exit 2, rg exit 2, rg exit 1


def test_v058_usage_is_per_request() -> None:
    steps = _v058().main.steps
    assert all(step.usage is not None for step in steps)
    first = steps[0].usage
    assert (first.input, first.cache_read, first.output, first.model) == (10128, 0, 37, "gpt-5.1-codex")
    third = steps[2].usage
    assert (third.input, third.cache_read, third.output) == (11862 - 10240, 10240, 109)
    # the last cumulative count of the file: 1099261 input (1027328 cached), 22305 output
    assert sum(s.usage.input + s.usage.cache_read for s in steps) == 1099261
    assert sum(s.usage.cache_read for s in steps) == 1027328
    assert sum(s.usage.output for s in steps) == 22305


def test_v058_effects_and_context() -> None:
    session = _v058()
    model = EffectModel(codex.EFFECTS, session.cwd)
    calls = {c.location.line: c for c in session.all_calls()}
    read = model.of(calls[32])  # sed -n '1,220p' components/chat/chat-helpers/index.ts
    assert read.kind == READ and read.reads == {"components/chat/chat-helpers/index.ts"}
    patch = model.of(calls[269])  # apply_patch <<'PATCH' through the shell
    assert patch.kind == WRITE and patch.writes == {"components/chat/chat-helpers/index.ts"}
    assert model.of(calls[253]).kind == "state"  # update_plan
    search = model.of(calls[193])  # rg -n "eventsource-parser" -n src -g"*.ts": the pattern counts
    assert ("eventsource-parser",) in search.values
    ctx = session.main.context
    # a listing is context, the content of a file printed with sed -n is not
    assert ctx.first_seen("debug-supabase_push.log") == calls[11].result.seq
    assert ctx.first_seen("validateChatSettings") is None


# -- the trimmed schema-coverage file --------------------------------------------------------------
def test_trimmed_file_is_one_session_per_session_meta() -> None:
    sessions = list(codex.parse_many(str(TRIMMED)))
    assert len(sessions) == 7
    first = sessions[0]
    assert first.session_id == "019fc8be-3658-7ca3-9e29-000000000000" and first.cwd == "/tmp/repo"
    batch = first.main.steps[0]
    assert [(c.id, c.name) for c in batch.calls] == [("call-1", "shell"), ("call-2", "shell")]
    assert batch.calls[0].input == {"command": ["ls"]}  # a custom tool call's JSON input
    assert batch.calls[0].result.text == "a.txt\nb.txt\n"  # a list of content parts, line 21
    assert batch.calls[1].result.text == "a.txt\n"  # an input_text object, line 11
    names = [c.name for s in first.main.steps for c in s.calls]
    assert names == ["shell", "shell", "tool_search", "web_search"]
    web = first.main.steps[2].calls[0]
    assert web.input == {"action": "search", "query": "example"}
    assert "https://example.invalid" in web.result.text  # from web_search_end
    kinds = [e.kind for e in first.main.events]
    assert kinds == ["prompt", "compact", "interrupt", "compact"]
    assert first.main.steps[-1].text == "Found 2 files."
    for session in sessions:
        assert set(session.agents) == {MAIN_AGENT}  # trimmed ids link nothing


# -- scenario rendering ------------------------------------------------------------------------------
# Claude Code's and Codex's names for the same call: Read/cat, Bash/shell, Write-Edit/apply_patch
_REWRITES = [(r"(toolu|call)_\w+", "ID"), (r"\bshell cat ", "Read "), (r"\bshell\b", "Bash"),
             (r"\b(apply_patch|Edit|Write)\b", "Write")]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_rendered_scenario_gives_the_same_findings(path: pathlib.Path) -> None:
    support.check_scenario(path, FORMAT, _REWRITES, inexpressible="Task",
                           why="only subagent scenarios may be inexpressible")


def test_rendering_is_sniffed_as_codex(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render(SCENARIOS[0].read_text()))
    assert support.is_format(path, FORMAT)
    (session,) = codex.parse_many(str(path))
    (batch,) = [s for s in session.main.steps if s.calls]
    assert [c.input["command"][-1] for c in batch.calls] == ["cat src/app.py", "cat src/models.py", "cat src/views.py"]


# -- hand-written rollouts -------------------------------------------------------------------------
def _rollout(tmp_path, *records: tuple[str, dict], tick: float = 1.0) -> str:
    path = tmp_path / "rollout.jsonl"
    lines = [{"timestamp": f"2026-01-01T00:00:{n * tick:06.3f}Z", "type": kind, "payload": payload}
             for n, (kind, payload) in enumerate(records)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


def _meta(tid="t-1", **extra):
    return ("session_meta", {"id": tid, "cwd": "/w", "cli_version": "0.99.0", "model_provider": "openai", **extra})


def _user(text):
    return ("response_item", {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]})


def _reasoning():
    return ("response_item", {"type": "reasoning", "summary": [], "encrypted_content": "x"})


def _fc(call_id, name="shell", **args):
    return ("response_item", {"type": "function_call", "name": name, "arguments": json.dumps(args),
                              "call_id": call_id})


def _out(call_id, output="ok"):
    return ("response_item", {"type": "function_call_output", "call_id": call_id, "output": output})


def _count(total_in, cached, out, last=None):
    usage = {"input_tokens": total_in, "cached_input_tokens": cached, "output_tokens": out}
    return ("event_msg", {"type": "token_count", "info": {"total_token_usage": usage,
                                                          "last_token_usage": last or usage}})


def test_calls_back_to_back_are_one_batch_and_an_output_between_splits(tmp_path) -> None:
    path = _rollout(tmp_path, _meta(), _user("look at a.py and b.py"),
                    _reasoning(), _fc("c1", command=["bash", "-lc", "cat a.py"]),
                    _fc("c2", command=["bash", "-lc", "cat b.py"]), _out("c2"), _out("c1"),
                    _reasoning(), _fc("c3", command=["bash", "-lc", "cat c.py"]), _out("c3"),
                    _fc("c4", command=["bash", "-lc", "cat d.py"]), _out("c4"))
    (session,) = codex.parse_many(path)
    assert [[c.id for c in s.calls] for s in session.main.steps] == [["c1", "c2"], ["c3"], ["c4"]]
    assert _expected_counts(pathlib.Path(path)) == [(4, 1)]
    first = session.main.steps[0]
    assert first.calls[0].result.seq > first.calls[1].result.seq > first.seq


def test_request_written_at_once_keeps_its_batch(tmp_path) -> None:
    # 0.5x: the count, then the whole response with each output right after its call
    path = _rollout(tmp_path, _meta(), _user("look at a.py and b.py"), _count(100, 0, 5),
                    _reasoning(), _fc("c1", command=["bash", "-lc", "cat a.py"]), _out("c1"),
                    _fc("c2", command=["bash", "-lc", "cat b.py"]), _out("c2"),
                    ("turn_context", {"model": "m"}), _count(100, 0, 5), _count(250, 0, 12),
                    _fc("c3", command=["bash", "-lc", "cat c.py"]), _out("c3"), tick=0.001)
    (session,) = codex.parse_many(path)
    assert [[c.id for c in s.calls] for s in session.main.steps] == [["c1", "c2"], ["c3"]]
    assert _expected_counts(pathlib.Path(path)) == [(3, 1)]


def test_usage_follows_or_precedes_its_step(tmp_path) -> None:
    # newer layout: the count comes after the response's items
    after = _rollout(tmp_path, _meta(), _user("go"), _reasoning(), _fc("c1", command="ls"), _count(100, 60, 5),
                     _out("c1"), ("response_item", {"type": "message", "role": "assistant",
                                                    "content": [{"type": "output_text", "text": "done"}]}),
                     _count(250, 150, 12))
    (session,) = codex.parse_many(after)
    usage = [(s.usage.input, s.usage.cache_read, s.usage.output) for s in session.main.steps]
    assert usage == [(40, 60, 5), (60, 90, 7)]
    # 0.5x layout: the count comes first, and is repeated after the turn
    before = _rollout(tmp_path, _meta(), _user("go"), _count(100, 60, 5), _reasoning(), _fc("c1", command="ls"),
                      _out("c1"), ("turn_context", {"model": "m"}), _count(100, 60, 5), _count(250, 150, 12),
                      _reasoning(), _fc("c2", command="ls"), _out("c2"))
    (session,) = codex.parse_many(before)
    assert [(s.usage.input, s.usage.output) for s in session.main.steps] == [(40, 5), (60, 7)]


def test_exit_codes_mark_failures(tmp_path) -> None:
    path = _rollout(tmp_path, _meta(), _user("check"), _reasoning(),
                    _fc("c1", name="shell_command", command="pytest -q"),
                    _fc("c2", name="exec_command", cmd="ruff check ."),
                    _fc("c3", name="shell_command", command="mypy src"),
                    _fc("c4", name="shell_command", command="true"),
                    _out("c1", "Exit code: 1\nWall time: 2.1 seconds\nOutput:\n1 failed"),
                    _out("c2", "Chunk ID: 1\nWall time: 0.2 seconds\nProcess exited with code 0\nOutput:\nok"),
                    _out("c3", "Success: no issues"), _out("c4", "Exit code: 0\nOutput:\nExit code: 3"),
                    ("event_msg", {"type": "exec_command_end", "call_id": "c3", "exit_code": 2}))
    (session,) = codex.parse_many(path)
    assert [c.failed for c in session.all_calls()] == [True, False, True, False]
    assert [c.result.text for c in session.all_calls()] == ["1 failed", "ok", "Success: no issues", "Exit code: 3"]
    model = EffectModel(codex.EFFECTS, session.cwd)
    assert [sorted(model.of(c).categories) for c in session.all_calls()][:3] == [["test"], ["lint"], ["typecheck"]]


def test_running_process_is_background_and_polls_are_adaptive(tmp_path) -> None:
    path = _rollout(tmp_path, _meta(), _user("start the dev server"), _reasoning(),
                    _fc("e1", name="exec_command", cmd="npm run dev"),
                    _out("e1", "Chunk ID: 1\nWall time: 1.0 seconds\nProcess running with session ID 7\n"
                               "Output:\nready"),
                    _reasoning(), _fc("w1", name="write_stdin", session_id=7, chars=""), _out("w1", "still running"))
    (session,) = codex.parse_many(path)
    start, poll = session.all_calls()
    assert start.background and not poll.background
    effect = EffectModel(codex.EFFECTS, session.cwd).of(poll)
    assert effect.kind == READ and effect.adaptive and effect.reads == {"shell:7"}


def test_apply_patch_custom_tool_writes_the_files_it_touches(tmp_path) -> None:
    patch = ("*** Begin Patch\n*** Add File: src/new.py\n+x = 1\n*** Update File: src/old.py\n"
             "*** Move to: src/moved.py\n"
             "@@\n-a\n+b\n*** Delete File: docs/gone.md\n*** End Patch")
    path = _rollout(tmp_path, _meta(), _user("refactor"), _reasoning(),
                    ("response_item", {"type": "custom_tool_call", "call_id": "p1", "name": "apply_patch",
                                       "input": patch}),
                    ("response_item", {"type": "custom_tool_call_output", "call_id": "p1",
                                       "output": json.dumps({"output": "Done", "metadata": {"exit_code": 0}})}))
    (session,) = codex.parse_many(path)
    (call,) = session.all_calls()
    effect = EffectModel(codex.EFFECTS, session.cwd).of(call)
    assert effect.kind == WRITE
    assert effect.writes == {"src/new.py", "src/old.py", "src/moved.py", "docs/gone.md"}
    assert not call.failed
    assert session.main.context.first_seen("src/moved.py") is not None  # file names are context
    assert session.main.context.first_seen("b") is None  # the patch body is not



def test_apply_patch_through_the_shell_argv(tmp_path) -> None:
    patch = "*** Begin Patch\n*** Update File: a.py\n@@\n-x\n+y\n*** End Patch\n"
    path = _rollout(tmp_path, _meta(), _user("fix a.py"), _reasoning(),
                    _fc("s1", command=["apply_patch", patch], workdir="/w/pkg"), _out("s1"))
    (session,) = codex.parse_many(path)
    (call,) = session.all_calls()
    effect = EffectModel(codex.EFFECTS, session.cwd).of(call)
    assert (effect.kind, effect.writes) == (WRITE, {"pkg/a.py"})


def test_shell_argv_forms() -> None:
    assert codex.command_text(["bash", "-lc", "ls -la"]) == "ls -la"
    assert codex.command_text(["/bin/zsh", "-l", "-c", "make test"]) == "make test"
    assert codex.command_text(["rg", "-n", "two words"]) == "rg -n 'two words'"
    assert codex.command_text("git status") == "git status"
    assert codex.command_text([1, 2]) == ""


def test_subagent_thread_in_the_same_file_is_linked(tmp_path) -> None:
    child = "019a0000-0000-7000-8000-00000000000c"
    path = _rollout(tmp_path, _meta("p-1"), _user("split the work"), _reasoning(),
                    _fc("s1", name="spawn_agent", message="Audit packages/api for SQL injection"),
                    ("event_msg", {"type": "collab_agent_spawn_end", "call_id": "s1", "sender_thread_id": "p-1",
                                   "new_thread_id": child, "prompt": "Audit packages/api", "status": "running"}),
                    _out("s1", f"agent_id: {child}"),
                    _meta(child, parent_thread_id="p-1"), _user("Audit packages/api for SQL injection"),
                    _reasoning(), _fc("k1", command=["bash", "-lc", "rg -n execute packages/api"]), _out("k1", ""))
    (session,) = codex.parse_many(path)
    spawn = session.main.steps[0].calls[0]
    sub = session.agents[child]
    assert spawn.spawned_agent == child and sub.parent_call is spawn
    assert [c.id for s in sub.steps for c in s.calls] == ["k1"]
    assert EffectModel(codex.EFFECTS, session.cwd).of(spawn).kind == "spawn"
    assert not session.notes or all(n.what != "subagents" for n in session.notes)


# A spawn message Codex keeps encrypted (a Fernet token), as a real 0.15x rollout records it.
_SEALED = "gAAAAABqqofSvBt7cpAKtgC2wZCwo99C49vzjz3dueDTrKsl4SR4Duw683Lt" + "x" * 80


@pytest.mark.parametrize(("between", "reported"), [
    ([], True),  # only the launch acknowledgements came back between the launches
    ([("response_item", {"type": "agent_message", "author": "/root/spec_review", "recipient": "/root",
                         "content": [{"type": "input_text", "text": "Message Type: FINAL_ANSWER\nTask name: /root\n"
                                      "Sender: /root/spec_review\nPayload:\nA request id names one purchase."}]})],
     False),  # the first agent's report came in before the third launch
    ([_fc("w1", name="wait_agent", timeout_ms=10000), _out("w1", '{"message":"done"}')], False),  # waited on one
])
def test_background_spawns_one_per_turn_are_serialised_launches(tmp_path, between, reported: bool) -> None:
    """spawn_agent returns at once; three launches one per turn still cost two round trips. The
    message names each agent by its task name, never by its encrypted message."""
    from linter.config import Config
    from linter.engine import load_registry, run

    def spawn(call_id: str, task: str) -> list[tuple[str, dict]]:
        return [_reasoning(), _fc(call_id, name="spawn_agent", task_name=task, fork_turns="all", message=_SEALED),
                _out(call_id, json.dumps({"task_name": f"/root/{task}"}))]

    path = _rollout(tmp_path, _meta(cli_version="0.151.0"), _user("design the ticket sale service"),
                    *spawn("s1", "spec_review"), *spawn("s2", "concurrency_options"), *between,
                    *spawn("s3", "domain_model"))
    (session,) = codex.parse_many(path)
    assert [c.background for s in session.main.steps for c in s.calls if c.name == "spawn_agent"] == [True] * 3
    found = [d for d in run([path], Config(), load_registry()).diagnostics if d.code == "PAR102"]
    if not reported:
        assert found == []
        return
    (finding,) = found
    assert finding.message == (
        "3 background subagents were launched one per turn (spawn_agent spec_review, spawn_agent "
        "concurrency_options and spawn_agent domain_model); only launch acknowledgements came back between "
        "them, so launching them in one message saves 2 round trips")
    assert finding.savings.seconds is None  # the agents ran side by side anyway


def test_subagent_thread_whose_parent_is_elsewhere_is_its_own_session(tmp_path) -> None:
    path = _rollout(tmp_path, _meta("c-1", source={"subagent": {"thread_spawn": {"parent_thread_id": "p-9"}}}),
                    _user("do it"), _reasoning(), _fc("k1", command="ls"), _out("k1", "a"))
    (session,) = codex.parse_many(path)
    assert set(session.agents) == {MAIN_AGENT}
    assert any(n.what == "subagent-thread" and "p-9" in n.reason for n in session.notes)


def test_prompt_echo_is_not_counted_twice_and_injected_text_is_meta(tmp_path) -> None:
    path = _rollout(tmp_path, _meta(), ("event_msg", {"type": "user_message", "message": "fix it"}),
                    _user("<environment_context>\n  <cwd>/w</cwd>\n</environment_context>"),
                    _user("# AGENTS.md instructions for /w\n\nbe brief"), _user("fix it"),
                    ("event_msg", {"type": "turn_aborted", "reason": "interrupted"}),
                    _user("<turn_aborted>\nThe user interrupted.\n</turn_aborted>"),
                    ("compacted", {"message": "summary of the work", "replacement_history": []}),
                    ("event_msg", {"type": "context_compacted"}))
    (session,) = codex.parse_many(path)
    assert [e.kind for e in session.main.events] == ["prompt", "meta", "meta", "interrupt", "compact"]


# -- bad input -----------------------------------------------------------------------------------------
def test_truncated_rollout_reports_the_last_line(cli, tmp_path) -> None:
    raw = V058.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "cut.jsonl"
    path.write_text("".join(raw[:40]) + raw[40][:50])
    result, doc = cli.json("check", str(path))
    problems = doc["errors"]
    assert [(p["line"], p["level"]) for p in problems] == [(41, "warning")]
    assert "incomplete" in problems[0]["message"] and problems[0]["path"] == str(path)
    (session,) = doc["sessions"]
    assert session["tool_calls"] == 5


def test_malformed_lines_are_problems_not_crashes(cli, tmp_path) -> None:
    raw = V058.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(raw[:12]) + "{not json\n" + "[1, 2]\n" + '{"type": "response_item", "payload": 3}\n'
                    + '{"type": "response_item", "payload": {"type": "function_call", "arguments": "{oops"}}\n'
                    + "".join(raw[12:20]))
    (session,) = codex.parse_many(str(path))
    found = sorted((p.line, p.level) for p in session.problems)
    assert found == [(13, "error"), (14, "error"), (15, "warning")]
    assert all(p.path == str(path) and "\x1b" not in p.message for p in session.problems)
    assert [c.name for c in session.all_calls()] == ["shell", "?", "shell"]
    assert session.all_calls().__next__().result is not None
    result, doc = cli.json("check", str(path))  # still recognised as a rollout
    assert [s["format"] for s in doc["sessions"]] == [FORMAT]
    assert sorted((e["line"], e["level"]) for e in doc["errors"]) == found


def _paginated(tmp_path, *records: tuple[str, dict]) -> str:
    """A paginated rollout: every line numbered with its ``ordinal``."""
    path = tmp_path / "child.jsonl"
    lines = [{"timestamp": f"2026-01-01T00:00:{n:06.3f}Z", "ordinal": n, "type": kind, "payload": payload}
             for n, (kind, payload) in enumerate(records)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


def test_history_copied_into_a_sub_agent_rollout_is_context_not_calls(tmp_path) -> None:
    spawn = {"subagent": {"thread_spawn": {"parent_thread_id": "p-1", "depth": 1}}}
    path = _paginated(tmp_path,
                      _meta("c-1", source=spawn, forked_from_id="p-1", history_mode="paginated",
                            subagent_history_start_ordinal=6),
                      _meta("p-1", source="cli"),  # the parent's header, copied with its history
                      _user("review src/app.py, src/models.py and src/views.py"),
                      _reasoning(), _fc("p-call", command="ls src"), _out("p-call", "app.py models.py views.py"),
                      _user("take the three files"),  # ordinal 6: the child's own lines start
                      _reasoning(), _fc("k1", name="read_file", path="/w/src/app.py"), _out("k1", "import models"),
                      _reasoning(), _fc("k2", name="read_file", path="/w/src/models.py"), _out("k2", "class User"),
                      _reasoning(), _fc("k3", name="read_file", path="/w/src/views.py"), _out("k3", "def index"))
    (session,) = codex.parse_many(path)
    assert session.session_id == "c-1" and set(session.agents) == {MAIN_AGENT}
    assert [c.id for c in session.all_calls()] == ["k1", "k2", "k3"]  # the parent's ls is not the child's
    assert session.main.context.first_seen("src/views.py") is not None  # but what it read is known
    assert [e.kind for e in session.main.events] == ["prompt"]


def test_history_copied_into_a_fork_without_ordinals_stays_one_thread(tmp_path) -> None:
    path = _rollout(tmp_path, _meta("f-1", forked_from_id="p-1"), _meta("p-1"),
                    _user("fix it"), _reasoning(), _fc("p-call", command="ls"), _out("p-call", "a"),
                    _meta("f-1", forked_from_id="p-1"),  # the fork's own header again after the copy
                    _user("now the tests"), _reasoning(), _fc("f-call", command="pytest"), _out("f-call", "ok"))
    (session,) = codex.parse_many(path)  # one session, the fork's, not the source's and then another
    assert session.session_id == "f-1"
    assert [c.id for c in session.all_calls()] == ["p-call", "f-call"]  # nothing says where the copy ends


@pytest.mark.parametrize(("version", "batched", "reported"), [
    ("0.58.0", False, False),  # before parallel tool calls: one call per turn was all the model could do
    ("0.64.2", False, False),
    ("0.65.0", False, True),
    ("0.146.0", False, True),
    ("0.2.0-alpha.2-1673-gb519267d", False, True),  # a development build: no release to judge by
    ("0.58.0", True, True),  # a batch in the rollout shows the model could issue several calls
])
def test_versions_before_parallel_calls_report_no_serial_calls(tmp_path, version: str, batched: bool,
                                                                reported: bool) -> None:
    from linter.config import Config
    from linter.engine import load_registry, run

    def cat(call_id: str, name: str) -> list[tuple[str, dict]]:
        return [_reasoning(), _fc(call_id, command=["bash", "-lc", f"cat {name}"]), _out(call_id, f"{name} text")]

    batch = [_reasoning(), _fc("b1", command=["bash", "-lc", "cat x.py"]), _fc("b2", command=["bash", "-lc", "cat y.py"]),
             _out("b1"), _out("b2")] if batched else []
    path = _rollout(tmp_path, _meta(cli_version=version), _user("look at a.py, b.py, c.py, x.py and y.py"),
                    *batch, *cat("c1", "a.py"), *cat("c2", "b.py"), *cat("c3", "c.py"))
    (session,) = codex.parse_many(path)
    assert (session.one_call_per_turn is None) is reported
    result = run([path], Config(), load_registry())
    assert ("PAR101" in [d.code for d in result.diagnostics]) is reported


@pytest.mark.parametrize(("models", "batched", "reported"), [
    (["gpt-5.1-codex-max"], False, False),  # its model family in Codex CLI had parallel calls off
    (["gpt-5-codex"], False, False),
    (["gpt-5"], False, False),
    (["qwen3-coder"], False, False),  # another provider's model: Codex knows of no parallel calls for it
    (["gpt-5.1-codex-max"], True, True),  # a batch in the rollout shows they were on all the same
    (["gpt-5.4"], False, True),
    (["gpt-5.2-codex"], False, True),
    (["gpt-5.1"], False, True),
    (["gpt-5.1-codex-max", "gpt-5.4"], False, True),  # switched to a model that could batch
    ([], False, True),  # no model recorded: nothing to judge by
])
def test_models_codex_cli_turned_parallel_calls_off_for_report_no_serial_calls(tmp_path, models: list[str],
                                                                               batched: bool, reported: bool) -> None:
    from linter.config import Config
    from linter.engine import load_registry, run

    def cat(call_id: str, name: str) -> list[tuple[str, dict]]:
        return [_reasoning(), _fc(call_id, command=["bash", "-lc", f"cat {name}"]), _out(call_id, f"{name} text")]

    turns = [("turn_context", {"cwd": "/w", "model": model}) for model in models]
    batch = [_reasoning(), _fc("b1", command=["bash", "-lc", "cat x.py"]), _fc("b2", command=["bash", "-lc", "cat y.py"]),
             _out("b1"), _out("b2")] if batched else []
    path = _rollout(tmp_path, _meta(cli_version="0.72.0"), *turns, _user("look at a.py, b.py, c.py, x.py and y.py"),
                    *batch, *cat("c1", "a.py"), *cat("c2", "b.py"), *cat("c3", "c.py"))
    (session,) = codex.parse_many(path)
    assert session.models == set(models)
    assert (session.one_call_per_turn is None) is reported
    result = run([path], Config(), load_registry())
    assert ("PAR101" in [d.code for d in result.diagnostics]) is reported
    if not reported:
        (note,) = [n for s in result.sessions for n in s.not_checked if n["what"] == "PAR101, PAR102, PAR103"]
        assert note["reason"].startswith(f"{models[0]} is not a model Codex CLI is known to ask for parallel")


@pytest.mark.parametrize(("version", "remedy"), [("0.47.0", "one patch adding them all"), ("0.146.0", "one batch")])
def test_patches_that_add_files_one_per_turn_are_reported_even_before_parallel_calls(tmp_path, version: str,
                                                                                    remedy: str) -> None:
    """A release that took one call per turn still took one patch adding several files."""
    from linter.config import Config
    from linter.engine import load_registry, run

    def add(call_id: str, name: str) -> list[tuple[str, dict]]:
        patch = f"*** Begin Patch\n*** Add File: {name}\n+x\n*** End Patch"
        return [_reasoning(), ("response_item", {"type": "custom_tool_call", "call_id": call_id, "name": "apply_patch",
                                                 "input": patch}),
                ("response_item", {"type": "custom_tool_call_output", "call_id": call_id,
                                   "output": json.dumps({"output": f"Success. Updated the following files:\nA {name}",
                                                         "metadata": {"exit_code": 0}})})]

    path = _rollout(tmp_path, _meta(cli_version=version), _user("make a page"),
                    *add("p1", "index.html"), *add("p2", "styles.css"), *add("p3", "script.js"))
    (finding,) = [d for d in run([path], Config(), load_registry()).diagnostics if d.code == "PAR101"]
    assert finding.call_ids == ["p1", "p2", "p3"]
    assert finding.message.endswith(f"only acknowledgements came back between them, so {remedy} saves 2 round trips")


# -- codex exec --json output ------------------------------------------------------------------------
def _item(kind: str, item_id: str, item_type: str, **fields) -> dict:
    return {"type": kind, "item": {"id": item_id, "type": item_type, **fields}}


def _command(item_id: str, command: str, output: str = "", exit_code: int = 0) -> list[dict]:
    started = _item("item.started", item_id, "command_execution", command=command, aggregated_output="",
                    exit_code=None, status="in_progress")
    done = _item("item.completed", item_id, "command_execution", command=command, aggregated_output=output,
                 exit_code=exit_code, status="completed" if exit_code == 0 else "failed")
    return [started, done]


def _exec_run(tmp_path, events: list, noise: dict[int, str] | None = None) -> pathlib.Path:
    lines = [json.dumps(e) for e in [{"type": "thread.started", "thread_id": "th-1"}, {"type": "turn.started"},
                                     *events, {"type": "turn.completed", "usage": {"input_tokens": 9,
                                               "cached_input_tokens": 5, "output_tokens": 2}}]]
    for at, text in sorted((noise or {}).items()):
        lines.insert(at, text)
    path = tmp_path / "exec.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_exec_json_steps_batches_results_and_findings(tmp_path) -> None:
    add, commit = _command("item_3", "/bin/zsh -lc 'git add -A'"), _command("item_4", "/bin/zsh -lc \"git commit -m x\"")
    path = _exec_run(tmp_path, [
        _item("item.completed", "item_0", "reasoning", text="**Looking at the app**"),
        _item("item.completed", "item_1", "agent_message", text="I will fix the typo in src/app.py."),
        _item("item.started", "item_2", "file_change", changes=[{"path": "/w/src/app.py", "kind": "update"}],
              status="in_progress"),
        _item("item.completed", "item_2", "file_change", changes=[{"path": "/w/src/app.py", "kind": "update"}],
              status="completed"),
        add[0], commit[0], commit[1], add[1],  # started together, completed in another order
        *_command("item_5", "bash -lc 'cat missing.txt'", "cat: missing.txt: No such file", exit_code=1),
        _item("item.completed", "item_6", "agent_message", text="Committed the fix."),
    ], noise={0: "Reading additional input from stdin...",
              5: "2026-10-02T10:32:23.394757Z ERROR codex_core::tools::router: error=exec_command failed"})
    assert support.is_format(path, FORMAT)
    (session,) = codex.parse_many(str(path))
    assert session.session_id == "th-1"
    steps = session.main.steps
    assert [[c.id for c in s.calls] for s in steps] == [["item_2"], ["item_3", "item_4"], ["item_5"], []]
    assert steps[0].text == "I will fix the typo in src/app.py." and "Looking at the app" in steps[0].thought
    assert steps[-1].text == "Committed the fix."
    patch, add_call, commit_call, cat = session.all_calls()
    assert patch.name == "apply_patch" and add_call.name == "exec_command"
    assert add_call.input["command"] == ["/bin/zsh", "-lc", "git add -A"]
    assert (cat.result.is_error, cat.result.text) == (True, "cat: missing.txt: No such file")
    assert [p.message for p in session.problems] == [
        "2 line(s) are not JSON events (text Codex wrote to stderr, captured with the stream?); skipped: line 1, 6"]
    assert {n.what for n in session.notes} == {"seconds", "context_tokens"}
    from linter.config import Config
    from linter.engine import load_registry, run

    found = [(d.code, d.line) for d in run([str(path)], Config(), load_registry()).diagnostics]
    assert found == [("PAR401", 7), ("PAR201", 9)]


def test_exec_json_sequential_calls_and_items_that_only_complete(tmp_path) -> None:
    path = _exec_run(tmp_path, [
        *_command("item_0", "bash -lc ls", "a.py\nb.py"),
        *_command("item_1", "bash -lc 'cat a.py'", "import settings_module"),
        _item("item.completed", "item_2", "web_search", query="pytest fixtures"),
        _item("item.started", "item_3", "mcp_tool_call", server="docs", tool="search", arguments={"q": "x"},
              result=None, error=None, status="in_progress"),
        _item("item.started", "item_4", "mcp_tool_call", server="docs", tool="fetch", arguments={"id": 1},
              result=None, error=None, status="in_progress"),
        _item("item.completed", "item_4", "mcp_tool_call", server="docs", tool="fetch", arguments={"id": 1},
              result=None, error={"message": "not found"}, status="failed"),
        _item("item.completed", "item_3", "mcp_tool_call", server="docs", tool="search", arguments={"q": "x"},
              result={"content": [{"type": "text", "text": "hit"}]}, error=None, status="completed"),
    ])
    (session,) = codex.parse_many(str(path))
    assert [[c.name for c in s.calls] for s in session.main.steps] == [
        ["exec_command"], ["exec_command"], ["web_search"], ["mcp__docs__search", "mcp__docs__fetch"], []]
    search, fetch = session.main.steps[3].calls
    assert (search.result.text, search.result.is_error) == ("hit", False)
    assert (fetch.result.text, fetch.result.is_error) == ("not found", True)
    assert not any(n.what == "mid-turn" for n in session.notes)
    # a listing's answer is context; a file's content (cat) is left out, as in a rollout
    assert session.main.context.first_seen("b.py") is not None
    assert session.main.context.first_seen("settings_module") is None


def test_exec_json_is_not_a_rollout_nor_a_rollout_exec_json(tmp_path) -> None:
    from linter.parsers.sample import load_sample

    path = _exec_run(tmp_path, [*_command("item_0", "bash -lc ls")])
    assert codex.sniff(load_sample(str(path)))
    odd = tmp_path / "odd.jsonl"
    odd.write_text(json.dumps({"type": ["thread.started"]}) + "\n" + json.dumps({"type": "turn.started"}) + "\n")
    assert not codex.sniff(load_sample(str(odd)))
    assert all(not codex._codex_exec.sniff(list(load_sample(str(p)).records)) for p in sorted(REAL.glob("*.jsonl")))


def test_code_mode_cells_do_what_their_commands_do() -> None:
    from linter.model import Location, ToolCall

    model = EffectModel(codex.EFFECTS, "/w")

    def cell(source: str):
        return model.of(ToolCall(id=source, name="exec", input={"input": source}, location=Location("x", 1)))

    one = cell('const r = await tools.exec_command({"cmd":"cat a.py && sed -n 1,5p b.py","workdir":"/w"}); text(r)\n')
    assert (one.kind, sorted(one.reads)) == (READ, ["a.py", "b.py"])
    checks = cell('const rs = await Promise.all([\n  tools.exec_command({"cmd":"pnpm exec oxlint src","workdir":"/w"}),\n'
                  '  tools.exec_command({"cmd":"pnpm test:run","workdir":"/w"})\n]);')
    assert checks.categories == {"lint", "test"}
    commit = cell('await tools.exec_command({"cmd":"git add -A && git commit -m x","workdir":"/w"})')
    assert "git:/w:head" in commit.writes
    # the object literal as cells write it: bare keys, any quotes, a trailing comma
    bare = cell("const r = await tools.exec_command({cmd:\"sed -n '1,40p' a.py\", workdir:'/w', yield_time_ms:1000,});")
    assert (bare.kind, sorted(bare.reads)) == (READ, ["a.py"])
    # a patch held in a const, or written inline: the cell changes the files it names
    patch = "*** Begin Patch\\n*** Update File: /w/src/a.py\\n@@\\n-x\\n+y\\n*** Add File: /w/tests/t.py\\n+z\\n*** End Patch"
    held = cell(f'const patch = "{patch}";\ntext(await tools.apply_patch(patch));\n')
    inline = cell(f'await tools.apply_patch({{input: "{patch}"}})')
    assert held.kind == inline.kind == WRITE and held.writes == inline.writes == {"src/a.py", "tests/t.py"}
    # another tool, a command object cut short, two working directories, commands and patches
    # together, a patch naming no file: what the cell does is unknown
    for source in ('await tools.apply_patch({"input":"*** Begin Patch"})',
                   f'await tools.apply_patch("{patch}"); await tools.exec_command({{cmd: "ls", workdir: "/w"}})',
                   'await tools.view_image({path: "a.png"})',
                   'const r = await tools.exec_command({"cmd":"cat a',
                   'await tools.exec_command({"cmd":"ls","workdir":"/a"}); await tools.exec_command({"cmd":"ls","workdir":"/b"})',
                   'text("no tools")'):
        assert cell(source).kind == "unknown", source


EXEC_JSON = sorted((support.ROOT / "fixtures" / FORMAT / "exec-json").glob("*.jsonl"))


def _exec_counts(path: pathlib.Path) -> tuple[int, int]:
    """(tool calls, batches), counted from the events alone: a call per command, file change, MCP
    call or web search item, and per start or update of a todo list; a batch is two or more call
    items started while one started before them is still running, with no message between."""
    calls = batches = 0
    running: set[str] = set()
    group = 0
    for line in path.read_text().splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        item = event.get("item") or {}
        kind, item_type = event.get("type"), item.get("type")
        if item_type == "todo_list":
            calls += kind in ("item.started", "item.updated")
            batches += group > 1
            group = 0
        elif item_type in ("command_execution", "file_change", "mcp_tool_call", "web_search"):
            if kind == "item.started":
                calls += 1
                if running:
                    group += 1
                else:  # nothing running: a new response's first call
                    batches += group > 1
                    group = 1
                running.add(item["id"])
            elif kind == "item.completed":
                if item["id"] in running:
                    running.discard(item["id"])
                else:
                    calls += 1  # an item that only completes
                    batches += group > 1
                    group = 0
        elif item_type in ("agent_message", "reasoning") and kind == "item.completed":
            batches += group > 1
            group = 0
    return calls, batches + (group > 1)


@pytest.mark.parametrize("path", EXEC_JSON, ids=lambda p: p.name)
def test_exec_json_files_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _exec_counts(path))
