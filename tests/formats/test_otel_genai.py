"""OpenTelemetry GenAI (OTLP/JSON) parser: real traces, sniffing, scenario rendering, bad input."""

from __future__ import annotations

import json
import pathlib

import pytest

from linter.parsers import otel_genai
from linter.testing import otel_genai as renderer
from tests.formats import _support as support

FORMAT = "otel-genai"
REAL = support.real_dir(FORMAT)
SCENARIOS = support.SCENARIOS
IN_CORPUS = {"pydantic-ai-2.68.0_instr-v5_otlp.json", "pydantic-ai-2.68.0_instr-v2-legacy_otlp.json"}


# -- an independent count: plain JSON scanning ----------------------------------------------------
def _plain(attrs: list[dict]) -> dict:
    out = {}
    for item in attrs:
        value = item["value"]
        out[item["key"]] = value.get("stringValue", value.get("intValue"))
    return out


def _expected_counts(path: pathlib.Path) -> tuple[int, int]:
    """(tool calls, batches): execute_tool spans, and chat spans whose answer holds 2+ tool calls."""
    doc = json.loads(path.read_text())
    calls = batches = 0
    for rs in doc["resourceSpans"]:
        for ss in rs["scopeSpans"]:
            for span in ss["spans"]:
                attrs = _plain(span["attributes"])
                op = attrs.get("gen_ai.operation.name")
                if op == "execute_tool":
                    calls += 1
                elif op == "chat":
                    out = json.loads(attrs.get("gen_ai.output.messages") or "[]")
                    parts = [p for m in out for p in m.get("parts", []) if p.get("type") == "tool_call"]
                    batches += len(parts) >= 2
    return calls, batches


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_traces_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    doc = support.check_counts(cli, path, FORMAT, _expected_counts(path))
    (session,) = doc["sessions"]
    assert session["agents"] == 2  # repo_helper and its researcher subagent


def test_corpus_otel_traces_are_detected() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_otel(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


def test_agent_as_tool_and_batch_are_rebuilt() -> None:
    (session,) = otel_genai.parse_many(str(REAL / "pydantic-ai-2.68.0_instr-v5_otlp.json"))
    main = session.main
    first = main.steps[0]
    assert [c.name for c in first.calls] == ["read_file", "list_dir", "delegate_research"]
    assert [e.text for e in main.events if e.kind == "prompt"] == ["Inspect the repo and summarise it."]
    delegate = first.calls[2]
    sub = session.agents[delegate.spawned_agent]
    assert sub.id == "researcher" and sub.parent_call is delegate
    assert [c.name for s in sub.steps for c in s.calls] == ["web_search"]
    read = first.calls[0]
    assert read.timestamp == pytest.approx(1795337369.502683713)
    assert read.result.timestamp == pytest.approx(1795337369.553885882)
    assert read.result.text == "contents of a" and not read.result.is_error
    assert first.usage.input == 57 and first.usage.output == 15
    assert read.location.line is not None
    raw = (REAL / "pydantic-ai-2.68.0_instr-v5_otlp.json").read_text().splitlines()
    assert '"spanId": "7d7473ef7cb2d5ae"' in raw[read.location.line - 1]
    assert read.result.seq > first.seq and main.steps[1].seq > read.result.seq


def test_legacy_instrumentation_reads_tool_arguments_and_response() -> None:
    (session,) = otel_genai.parse_many(str(REAL / "pydantic-ai-2.68.0_instr-v2-legacy_otlp.json"))
    calls = {c.name: c for c in session.all_calls()}
    assert calls["read_file"].input == {"path": "a"}
    assert calls["list_dir"].result.text == '["a.py","b.py"]'
    assert calls["delegate_research"].spawned_agent == "researcher"


# -- rendering --------------------------------------------------------------------------------------
_REWRITES = [(r"toolu_\w+", "ID")]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_rendered_scenario_gives_the_same_findings(path: pathlib.Path) -> None:
    support.check_scenario(path, FORMAT, _REWRITES)


def test_rendering_is_sniffed_as_otel(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render(SCENARIOS[0].read_text()))
    assert support.is_format(path, FORMAT)


# -- hand-built traces ------------------------------------------------------------------------------
def _span(span_id, parent, name, start, end, status=None, **attrs):
    span = {"traceId": "t1", "spanId": span_id, "name": name,
            "startTimeUnixNano": str(int(start * 1e9)), "endTimeUnixNano": str(int(end * 1e9)),
            "attributes": [{"key": k, "value": {"intValue": str(v)} if isinstance(v, int)
                            else {"stringValue": v if isinstance(v, str) else json.dumps(v)}}
                           for k, v in attrs.items()]}
    if parent:
        span["parentSpanId"] = parent
    if status is not None:
        span["status"] = status
    return span


def _agent(span_id, parent, start, end, name="a"):
    return _span(span_id, parent, f"invoke_agent {name}", start, end,
                 **{"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": name})


def _chat(span_id, parent, start, end, user=None, **extra):
    attrs = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "m"}
    if user is not None:
        attrs["gen_ai.input.messages"] = [{"role": "user", "parts": [{"type": "text", "content": user}]}]
    attrs.update(extra)
    return _span(span_id, parent, "chat m", start, end, **attrs)


def _tool(span_id, parent, start, end, name, args, result="ok", status=None):
    return _span(span_id, parent, f"execute_tool {name}", start, end, status,
                 **{"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name,
                    "gen_ai.tool.call.id": f"c-{span_id}", "gen_ai.tool.call.arguments": args,
                    "gen_ai.tool.call.result": result})


def _write(tmp_path, spans, name="t.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"resourceSpans": [{"resource": {"attributes": []},
                                                   "scopeSpans": [{"spans": spans}]}]}, indent=1))
    return str(path)


def test_calls_after_one_chat_span_form_one_step_even_when_run_one_after_another(tmp_path) -> None:
    path = _write(tmp_path, [
        _agent("r", None, 0, 10),
        _chat("c1", "r", 1, 2, user="read x.py and y.py"),
        _tool("t1", "r", 2.1, 2.5, "read_file", {"path": "x.py"}),
        _tool("t2", "r", 2.6, 3.0, "read_file", {"path": "y.py"}, "denied", {"code": 2, "message": "denied"}),
        _chat("c2", "r", 3.5, 4),
        _tool("t3", "r", 4.1, 4.2, "list_dir", {"path": "."}),
    ])
    (session,) = otel_genai.parse_many(path)
    steps = session.main.steps
    assert [[c.id for c in s.calls] for s in steps] == [["c-t1", "c-t2"], ["c-t3"]]
    assert steps[0].calls[1].result.is_error and not steps[0].calls[0].result.is_error


def test_cached_tokens_are_taken_out_of_input(tmp_path) -> None:
    path = _write(tmp_path, [_chat("c1", None, 1, 2, **{
        "gen_ai.usage.input_tokens": 1000, "gen_ai.usage.output_tokens": 7,
        "gen_ai.usage.cache_read.input_tokens": 900, "gen_ai.usage.cache_creation.input_tokens": 50})])
    (session,) = otel_genai.parse_many(path)
    usage = session.main.steps[0].usage
    assert (usage.input, usage.output, usage.cache_read, usage.cache_write) == (50, 7, 900, 50)


def test_nested_chat_span_of_a_second_instrumentation_is_not_a_second_turn(tmp_path) -> None:
    path = _write(tmp_path, [_agent("r", None, 0, 10), _chat("c1", "r", 1, 3, user="hi"), _chat("c2", "c1", 1.1, 2.9)])
    (session,) = otel_genai.parse_many(path)
    assert [s.message_id for s in session.main.steps] == ["c1"]


def test_concurrent_top_level_runs_are_separate_agents(tmp_path) -> None:
    path = _write(tmp_path, [
        _agent("a", None, 0, 10, "alpha"), _agent("b", None, 0.5, 10, "beta"),
        _chat("ca", "a", 1, 2, user="one"), _chat("cb", "b", 1.5, 2.5, user="two"),
        _tool("ta", "a", 2.1, 3, "read_file", {"path": "a.py"}),
        _tool("tb", "b", 2.6, 3, "read_file", {"path": "b.py"}),
    ])
    (session,) = otel_genai.parse_many(path)
    assert [c.id for s in session.main.steps for c in s.calls] == ["c-ta"]
    assert [c.id for s in session.agents["beta"].steps for c in s.calls] == ["c-tb"]


def test_trace_with_inference_spans_only_takes_calls_from_messages(tmp_path) -> None:
    call = {"role": "assistant", "parts": [{"type": "tool_call", "id": "k1", "name": "grep",
                                            "arguments": {"pattern": "TODO"}}]}
    path = _write(tmp_path, [
        _chat("c1", None, 1, 2, user="find TODOs", **{"gen_ai.output.messages": [call]}),
        _chat("c2", None, 3, 4, **{"gen_ai.input.messages": [
            {"role": "user", "parts": [{"type": "text", "content": "find TODOs"}]}, call,
            {"role": "tool", "parts": [{"type": "tool_call_response", "id": "k1", "result": "a.py:3"}]}]}),
    ])
    (session,) = otel_genai.parse_many(path)
    (found,) = session.all_calls()
    assert found.name == "grep" and found.result.text == "a.py:3"
    assert found.result.seq < session.main.steps[1].seq


def test_jsonl_exports_and_span_lists_are_read(tmp_path) -> None:
    spans = [_agent("r", None, 0, 10), _chat("c1", "r", 1, 2, user="go"),
             _tool("t1", "r", 2.1, 3, "read_file", {"path": "a"}), _tool("t2", "r", 2.2, 3, "read_file", {"path": "b"})]
    lines = [json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": spans[i:i + 2]}]}]}) for i in (0, 2)]
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text("\n".join(lines) + "\n")
    listed = tmp_path / "l.json"
    listed.write_text(json.dumps(spans, indent=2))
    for path in (jsonl, listed):
        assert support.is_format(path, FORMAT)
        (session,) = otel_genai.parse_many(str(path))
        assert [len(s.calls) for s in session.main.steps] == [2]
    (session,) = otel_genai.parse_many(str(jsonl))
    assert [c.location.line for c in session.all_calls()] == [2, 2]


# -- bad input --------------------------------------------------------------------------------------
def test_truncated_document_is_a_clear_error_with_line(cli, tmp_path) -> None:
    text = (REAL / "pydantic-ai-2.68.0_instr-v5_otlp.json").read_text()
    support.check_truncated(cli, tmp_path, text, len(text) // 2, "cut.json", FORMAT)


def test_malformed_jsonl_line_is_reported_and_the_rest_read(cli, tmp_path) -> None:
    spans = [_agent("r", None, 0, 10), _chat("c1", "r", 1, 2, user="go"),
             _tool("t1", "r", 2.1, 3, "read_file", {"path": "a"})]
    good = json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]})
    path = tmp_path / "bad.jsonl"
    rest = ['{"resourceSpans": [', json.dumps({"resourceSpans": "x"}), json.dumps([1, {}])]
    path.write_text("\n".join([good, *rest]) + "\n")
    result, doc = cli.json("check", str(path))
    assert doc["sessions"][0]["format"] == FORMAT and doc["sessions"][0]["tool_calls"] == 1
    lines = {e["line"]: e for e in doc["errors"]}
    assert lines[2]["level"] == "error" and lines[2]["path"] == str(path)
    assert lines[3]["level"] == "warning" and "not an OTLP trace export" in lines[3]["message"]
    assert lines[4]["level"] == "warning" and "2 span(s)" in lines[4]["message"]
