"""Claude Code parser behaviour on hand-built layouts and real files."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from linter.parsers import claude_code, sniff
from linter.parsers.sample import load_sample
from linter.testing import render
from tests.conftest import FIXTURES


def write(tmp_path, records, name="s.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def line(kind, uuid, parent, content, **extra):
    rec = {"type": kind, "uuid": uuid, "parentUuid": parent, "sessionId": "s1", "cwd": "/repo",
           "timestamp": extra.pop("ts", "2026-01-01T00:00:00.000Z"), "message": {"role": kind, "content": content}}
    if kind == "assistant":
        rec["message"].update(id=extra.pop("mid"), model="claude-x", usage=extra.pop("usage", {}))
    rec.update(extra)
    return rec


def use(tid, name="Read", **inp):
    return [{"type": "tool_use", "id": tid, "name": name, "input": inp}]


def res(tid, text="ok", error=False):
    return [{"type": "tool_result", "tool_use_id": tid, "content": text, "is_error": error}]


def test_blocks_of_one_message_form_one_step_with_usage_taken_once(tmp_path) -> None:
    path = write(tmp_path, [
        line("user", "u1", None, "go"),
        line("assistant", "a1", "u1", [{"type": "text", "text": "two reads"}], mid="m1",
             usage={"input_tokens": 5, "output_tokens": 1, "cache_read_input_tokens": 100}),
        line("assistant", "a2", "a1", use("t1", file_path="/repo/a"), mid="m1",
             usage={"input_tokens": 5, "output_tokens": 1, "cache_read_input_tokens": 100}),
        line("assistant", "a3", "a2", use("t2", file_path="/repo/b"), mid="m1",
             usage={"input_tokens": 5, "output_tokens": 40, "cache_read_input_tokens": 100}),
        line("user", "r2", "a3", res("t2"), ts="2026-01-01T00:00:02.000Z"),
        line("user", "r1", "r2", res("t1", "boom", True), ts="2026-01-01T00:00:03.000Z"),
    ])
    s = claude_code.parse(path)
    (step,) = s.main.steps
    assert [c.id for c in step.calls] == ["t1", "t2"] and step.text == "two reads"
    assert (step.usage.input, step.usage.output, step.usage.cache_read) == (5, 40, 100)
    t1, t2 = step.calls
    assert t1.result.is_error and t1.result.text == "boom" and not t2.result.is_error
    assert t2.result.timestamp < t1.result.timestamp  # completion order kept


def test_a_prompt_hook_that_stops_the_turn_speaks_for_the_harness(tmp_path) -> None:
    path = write(tmp_path, [
        line("user", "u1", None, "Implement the plan"),
        line("user", "u2", "u1", "Operation stopped by hook: Another session is active\n\nYou can continue here."),
        line("user", "u3", "u2", "Implement the plan"),
        line("assistant", "a1", "u3", use("t1", file_path="/repo/a"), mid="m1"),
        line("user", "r1", "a1", res("t1")),
    ])
    assert [e.kind for e in claude_code.parse(path).main.events] == ["prompt", "meta", "prompt"]


def test_rewound_branch_is_dropped(tmp_path) -> None:
    path = write(tmp_path, [
        line("user", "u1", None, "first attempt"),
        line("assistant", "a1", "u1", use("t1"), mid="m1"),
        line("user", "r1", "a1", res("t1")),
        line("user", "u2", None, "edited prompt"),  # a rewind: a new prompt at the root
        line("user", "u3", "r1", "abandoned follow-up"),
        line("user", "u4", "r1", "live follow-up"),
        line("assistant", "a2", "u4", use("t2"), mid="m2"),
    ])
    s = claude_code.parse(path)
    texts = [e.text for e in s.main.events]
    assert "abandoned follow-up" not in texts and "live follow-up" in texts
    assert [c.id for c in s.all_calls()] == ["t1", "t2"]


def test_duplicated_lines_of_a_resumed_session_count_once(tmp_path) -> None:
    recs = [line("user", "u1", None, "go"), line("assistant", "a1", "u1", use("t1"), mid="m1")]
    path = write(tmp_path, recs + recs)
    assert len(list(claude_code.parse(path).all_calls())) == 1


def test_a_session_that_starts_with_many_mode_lines_is_recognised(tmp_path) -> None:
    # each resume appends a mode and a permission-mode line; twenty resumes fill the sniffed head
    head = [{"type": t, "sessionId": "s1", **({"mode": "normal"} if t == "mode" else {"permissionMode": "default"})}
            for _ in range(15) for t in ("mode", "permission-mode")]
    recs = head + [line("user", "u1", None, "go"), line("assistant", "a1", "u1", use("t1"), mid="m1")]
    path = write(tmp_path, recs)
    assert sniff(load_sample(path)) == "claude-code"


def test_progress_lines_attach_a_subagent_to_its_task(tmp_path) -> None:
    task = line("assistant", "a1", "u1", use("task1", "Task", prompt="look", description="d"), mid="m1")
    inner_a = {"type": "assistant", "uuid": "x1", "timestamp": "2026-01-01T00:00:01.000Z",
               "message": {"id": "sm1", "role": "assistant", "model": "m", "content": use("sub1", file_path="/repo/z")}}
    progress = {"type": "progress", "uuid": "p1", "parentUuid": "a1", "parentToolUseID": "task1",
                "data": {"type": "agent_progress", "agentId": "ab12", "message": inner_a}}
    path = write(tmp_path, [line("user", "u1", None, "go"), task, progress, dict(progress, uuid="p2")])
    s = claude_code.parse(path)
    agent = s.agents["ab12"]
    assert agent.parent_call.id == "task1"
    assert [c.id for c in s.all_calls()] == ["task1", "sub1"]  # the mirrored line counts once


def _stream(kind, content, parent=None, mid=None, **extra):
    """A ``claude -p --output-format stream-json`` line: the message without the transcript envelope."""
    rec = {"type": kind, "message": {"role": kind, "content": content}, "parent_tool_use_id": parent,
           "session_id": "run-1", "uuid": f"{kind}-{mid or id(content)}"}
    if kind == "assistant":
        rec["message"].update(id=mid, model="claude-x", usage={"input_tokens": 3, "output_tokens": 2})
    rec.update(extra)
    return rec


STREAM_PROMPTS = {"task1": "Audit packages/api/a.ts and packages/api/c.ts", "task2": "Audit packages/ui/b.ts"}


def _stream_run() -> list[dict]:
    """A headless run: two subagents launched together, their messages interleaved."""
    prompts = STREAM_PROMPTS
    tasks = [{"type": "tool_use", "id": tid, "name": "Task", "input": {"description": tid, "prompt": text}}
             for tid, text in prompts.items()]
    return [
        {"type": "system", "subtype": "init", "cwd": "/repo", "session_id": "run-1", "tools": ["Task", "Read"]},
        _stream("user", "Audit the api and the ui packages: a.ts, b.ts, c.ts"),
        _stream("assistant", tasks, mid="m1"),
        _stream("user", [{"type": "text", "text": prompts["task1"]}], "task1"),
        _stream("user", [{"type": "text", "text": prompts["task2"]}], "task2"),
        _stream("assistant", use("r1", file_path="/repo/packages/api/a.ts"), "task1", mid="s1"),
        _stream("user", res("r1"), "task1"),
        _stream("assistant", use("r2", file_path="/repo/packages/ui/b.ts"), "task2", mid="s2"),
        _stream("user", res("r2"), "task2"),
        _stream("assistant", use("r3", file_path="/repo/packages/api/c.ts"), "task1", mid="s3"),
        _stream("user", res("r3"), "task1"),
        _stream("assistant", use("e1", "Edit", file_path="/repo/shared/config.ts", old_string="a", new_string="b"),
                "task1", mid="s4"),
        _stream("user", res("e1"), "task1"),
        _stream("assistant", use("e2", "Edit", file_path="/repo/shared/config.ts", old_string="c", new_string="d"),
                "task2", mid="s5"),
        _stream("user", res("e2"), "task2"),
        _stream("user", res("task1", "api done") + res("task2", "ui done")),
        _stream("assistant", [{"type": "text", "text": "Both audits are done."}], mid="m2"),
        {"type": "result", "subtype": "success", "is_error": False, "session_id": "run-1", "num_turns": 2},
    ]


def _check_stream_run(path: str) -> None:
    prompts = STREAM_PROMPTS
    assert sniff(load_sample(path)) == "claude-code"
    s = claude_code.parse(path)
    assert s.session_id == "run-1" and s.cwd == "/repo"
    assert sorted(s.agents) == ["main", "task1", "task2"]
    for tid in prompts:
        agent = s.agents[tid]
        assert agent.parent_call.id == tid and agent.parent_call.spawned_agent == tid
        assert [e.text for e in agent.events] == [prompts[tid]]
    assert [[c.id for c in st.calls] for st in s.agents["task1"].steps] == [["r1"], ["r3"], ["e1"]]
    assert [[c.id for c in st.calls] for st in s.main.steps] == [["task1", "task2"], []]
    from linter.config import Config
    from linter.engine import load_registry, run

    found = [(d.code, d.agent_id) for d in run([path], Config(), load_registry()).diagnostics]
    assert found == [("PAR202", "main"), ("PAR401", "task2")]  # no serial reads across two agents


def test_stream_json_subagents_are_their_own_agents(tmp_path) -> None:
    _check_stream_run(write(tmp_path, _stream_run()))


def test_execution_log_array_of_stream_messages(tmp_path) -> None:
    """claude-code-action keeps the run's stream-json messages as one indented JSON array."""
    records = _stream_run()
    path = tmp_path / "claude-execution-output.json"
    path.write_text(json.dumps(records, indent=2))
    _check_stream_run(str(path))
    starts = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == "  {"]
    s = claude_code.parse(str(path))
    assert [c.location.line for c in s.main.steps[0].calls] == [starts[2], starts[2]]
    assert s.agents["task2"].steps[-1].calls[0].location.line == starts[13]


def test_separate_subagent_file_is_attached(tmp_path) -> None:
    main = [line("user", "u1", None, "go"),
            line("assistant", "a1", "u1", use("task1", "Task", prompt="look", description="d"), mid="m1"),
            line("user", "r1", "a1", res("task1", "done"), toolUseResult={"agentId": "a1b2c3d"})]
    sub = [dict(line("assistant", "s1", None, use("sub1", file_path="/repo/z"), mid="sm1"), isSidechain=True,
                agentId="a1b2c3d")]
    path = write(tmp_path, main)
    write(tmp_path, sub, "agent-a1b2c3d.jsonl")
    s = claude_code.parse(path)
    assert s.agents["a1b2c3d"].parent_call.id == "task1"
    assert s.notes == []


def test_missing_subagent_transcript_is_noted(tmp_path) -> None:
    main = [line("user", "u1", None, "go"),
            line("assistant", "a1", "u1", use("task1", "Task", prompt="look"), mid="m1"),
            line("user", "r1", "a1", res("task1", "done"), toolUseResult={"agentId": "fffffff"})]
    s = claude_code.parse(write(tmp_path, main))
    assert [n.what for n in s.notes] == ["subagents"]


def test_inline_sidechain_links_by_prompt() -> None:
    s = claude_code.parse(str(FIXTURES / "real" / "ccv__v1.0.98__fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl"))
    subagents = [a for a in s.agents.values() if a.id != "main"]
    assert len(subagents) == 5
    assert all(a.parent_call is not None and a.parent_call.name == "Task" for a in subagents)


def test_compaction_keeps_the_session_whole() -> None:
    s = claude_code.parse(str(FIXTURES / "real" / "entire__v2.1.14__76_62d755ef9f_2.full.jsonl"))
    assert any(e.kind == "compact" for e in s.main.events)
    assert sum(len(st.calls) for st in s.all_steps()) == 60


def test_scenario_renders_the_2x_layout() -> None:
    text = render("user: hi\nstep\ncall Read file_path=a.py\ncall Read file_path=b.py\n")
    recs = [json.loads(x) for x in text.splitlines()]
    assert [r["type"] for r in recs] == ["user", "assistant", "assistant", "user", "user"]
    assert recs[1]["message"]["id"] == recs[2]["message"]["id"]
    assert recs[1]["message"]["content"][0]["input"] == {"file_path": "/repo/a.py"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(
    st.binary(max_size=80),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                     st.sampled_from(["type", "message", "content", "uuid", "parentUuid", "id", "name", "input",
                                      "tool_use_id", "is_error", "data", "agentId", "isSidechain", "timestamp"]),
                     inner, max_size=6), max_leaves=20).map(lambda v: json.dumps(v).encode()),
), max_size=12))
def test_no_input_crashes_the_parser(tmp_path_factory, lines) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    path.write_bytes(b"\n".join(lines))
    session = claude_code.parse(str(path))
    for problem in session.problems:
        assert problem.line is None or problem.line >= 1
