"""smolagents parser: CodeAct and ToolCalling benchmark logs, the message bus, sniffing, bad input."""

from __future__ import annotations

import ast
import json
import pathlib

import pytest

from linter.parsers import smolagents
from linter.plans.lint import embedded_code
from linter.testing import smolagents as renderer
from tests.formats import _support as support

FORMAT = "smolagents"
REAL = support.real_dir(FORMAT)
CODE = REAL / "smolagents_benchmark__gpt-4o__code__gaia__2025-07-24.SUBSET-first-25-rows.jsonl"
TOOLS = REAL / "smolagents_benchmark__gpt-4o__tool-calling__simpleqa__2025-07-24.jsonl"
BUS = REAL / "decentralized_benchmark__runs_023f7ac8__messages.jsonl"
IN_CORPUS = support.corpus_names(FORMAT)


def _expected_counts(path: pathlib.Path) -> list[tuple[int, int]]:
    """(tool calls, batches) per row: the entries of each ``Calling tools:`` list but
    ``final_answer`` (the run's end), and the lists with two or more calls. A message-bus file is
    one session with none."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if "intermediate_steps" not in rows[0]:
        return [(0, 0)]
    out = []
    for row in rows:
        calls = batches = 0
        for message in row["intermediate_steps"]:
            if message["role"] == "tool-call":
                listed = ast.literal_eval(message["content"][0]["text"].split("\n", 1)[1])
                calls += sum(1 for c in listed if c["function"]["name"] != "final_answer")
                batches += len(listed) >= 2
        out.append((calls, batches))
    return out


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_files_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _expected_counts(path))


def test_real_counts_are_the_known_ones() -> None:
    tools = _expected_counts(TOOLS)
    assert (len(tools), sum(c for c, _ in tools), sum(b for _, b in tools)) == (50, 61, 1)
    code = _expected_counts(CODE)
    assert (len(code), sum(c for c, _ in code), sum(b for _, b in code)) == (25, 75, 0)
    assert _expected_counts(BUS) == [(0, 0)]


def test_corpus_files_are_detected() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_smolagents(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


# -- the real logs -----------------------------------------------------------------------------------
def test_tool_calling_batch_and_final_answer() -> None:
    sessions = list(smolagents.parse_many(str(TOOLS)))
    batches = [(n, s) for n, session in enumerate(sessions, 1) for s in session.main.steps if s.is_batch]
    ((row, batch),) = batches
    assert row == 48 and [c.name for c in batch.calls] == ["web_search", "web_search"]
    assert batch.calls[0].result is not None and batch.calls[0].result.text == batch.calls[1].result.text
    first = sessions[0]
    assert [c.name for c in first.all_calls()] == ["web_search"]
    assert first.main.steps[-1].calls == [] and first.main.steps[-1].text == "1842"
    assert [e.kind for e in first.main.events] == ["meta", "prompt"]


def test_code_actions_are_python_interpreter_calls_linted_as_code() -> None:
    sessions = list(smolagents.parse_many(str(CODE)))
    row25 = sessions[24]
    codes = [c.input["code"] for c in row25.all_calls()]
    assert all(c.name == "python_interpreter" for c in row25.all_calls())
    (double,) = [c for c in codes if c.count("web_search(") == 2]
    assert double.startswith('distance_i40 = web_search(query="distance Los Angeles to Cincinnati I-40")')
    parsed = [p for s in sessions for p in embedded_code(s, [])]
    assert len(parsed) == sum(c for c, _ in _expected_counts(CODE))


def test_code_action_with_awaits_gets_par601_at_its_line(cli, tmp_path) -> None:
    code = ("async def main():\n    a = await fetch_page(url='https://a.example')\n"
            "    b = await fetch_page(url='https://b.example')\n    return a, b")
    row = json.loads(CODE.read_text(encoding="utf-8").splitlines()[1])
    listed = [{"id": "call_1", "type": "function", "function": {"name": "python_interpreter", "arguments": code}}]
    for message in row["intermediate_steps"]:
        if message["role"] == "tool-call":
            message["content"][0]["text"] = "Calling tools:\n" + repr(listed)
            break
    path = tmp_path / "run.jsonl"
    path.write_text("\n" + json.dumps(row) + "\n")
    result, doc = cli.json("check", "--select", "PAR601", str(path))
    assert [(f["code"], f["line"]) for f in doc["diagnostics"]] == [("PAR601", 2)]


def test_message_bus_is_recognised_and_says_nothing_was_checked(cli) -> None:
    result, doc = cli.json("check", str(BUS))
    (session,) = doc["sessions"]
    assert (session["format"], session["tool_calls"], session["steps"]) == (FORMAT, 0, 0)
    (note,) = session["not_checked"]
    assert note["what"] == "tool-calls" and "not their model steps or tool calls" in note["reason"]
    assert result.exit_code == 0 and doc["diagnostics"] == []
    (parsed,) = smolagents.parse_many(str(BUS))
    (prompt,) = parsed.main.events
    assert prompt.text == "In what year was the beetle species Glipa alboscutellata described?"


def test_rendering_is_sniffed_and_read_back(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render((support.SCENARIO_DIR / "clean-batched-reads.scenario").read_text()))
    assert support.is_format(path, FORMAT)
    (session,) = smolagents.parse_many(str(path))
    (batch,) = [s for s in session.main.steps if s.calls]
    assert [c.input["path"] for c in batch.calls] == ["src/app.py", "src/models.py", "src/views.py"]
    assert _expected_counts(path) == [(3, 1)]


# -- bad input -----------------------------------------------------------------------------------------
def test_bad_lines_are_problems_with_their_lines(cli, tmp_path) -> None:
    rows = TOOLS.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = json.loads(rows[1])
    broken["intermediate_steps"][3]["content"][0]["text"] = "Calling tools:\n[{'id': 'call_1'"
    path = tmp_path / "bad.jsonl"
    path.write_text(rows[0] + "[1, 2]\n" + '{"intermediate_steps": "x"}\n' + json.dumps(broken) + "\n"
                    + rows[2][:100])
    result, doc = cli.json("check", str(path))
    assert [s["format"] for s in doc["sessions"]] == [FORMAT, FORMAT]
    assert sorted((e["line"], e["level"]) for e in doc["errors"]) == [
        (2, "warning"), (3, "warning"), (4, "warning"), (5, "warning")]
    assert all(e["path"] == str(path) for e in doc["errors"])
    assert [s["tool_calls"] for s in doc["sessions"]] == [1, 0]  # the unreadable call list is skipped


def test_bus_with_bad_lines(tmp_path) -> None:
    rows = BUS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "messages.jsonl"
    path.write_text(rows[0] + "7\n" + '{"id": 1, "sender": 3}\n' + "".join(rows[1:4]))
    assert support.is_format(path, FORMAT)
    (session,) = smolagents.parse_many(str(path))
    assert [(p.line, p.level) for p in session.problems] == [(2, "warning"), (3, "warning")]
