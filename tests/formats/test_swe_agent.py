"""SWE-agent parser: real trajectories (function-calling and text), sniffing, actions, bad input."""

from __future__ import annotations

import json
import pathlib

import pytest

from linter.effects import READ, WRITE, EffectModel
from linter.parsers import swe_agent
from linter.testing import swe_agent as renderer
from tests.formats import _support as support

FORMAT = "swe-agent"
REAL = support.real_dir(FORMAT)
FUNCTION_CALLING = REAL / "demo__function_calling_replace_from_source__marshmallow-1867.traj"
TEXT = REAL / "test_data__gpt4__pydicom-1458.traj"
IN_CORPUS = support.corpus_names(FORMAT)


def _expected_counts(path: pathlib.Path) -> list[tuple[int, int]]:
    """(tool calls, batches): the trajectory's actions but ``submit`` (the run's end), and the
    assistant messages of the history with two or more tool calls."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    actions = [e["action"].strip() for e in doc["trajectory"] if e["action"].strip()]
    batches = sum(1 for m in doc.get("history", [])
                  if m.get("role") == "assistant" and not m.get("is_demo") and len(m.get("tool_calls") or []) > 1)
    return [(sum(1 for a in actions if a != "submit"), batches)]


@pytest.mark.parametrize("path", support.real_files(FORMAT, IN_CORPUS), ids=support.real_id)
def test_real_files_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    support.check_counts(cli, path, FORMAT, _expected_counts(path))


def test_real_counts_are_the_known_ones() -> None:
    assert {p.name: _expected_counts(p) for p in sorted(REAL.glob("*.traj"))} == {
        FUNCTION_CALLING.name: [(12, 0)], TEXT.name: [(11, 0)],
        "test_data__gpt4__sweagenttestrepo-1c2844.traj": [(4, 0)]}


def test_corpus_files_are_detected() -> None:
    support.check_detected(FORMAT, IN_CORPUS)


@pytest.mark.parametrize("path", support.other_files(IN_CORPUS), ids=support.corpus_id)
def test_other_files_are_not_sniffed_as_swe_agent(path: pathlib.Path) -> None:
    support.check_not_sniffed(path, FORMAT)


# -- the real trajectories ---------------------------------------------------------------------------
def test_function_calling_history() -> None:
    session = swe_agent.parse(str(FUNCTION_CALLING))
    calls = list(session.all_calls())
    assert [c.name for c in calls][:6] == ["bash", "open", "bash", "create", "insert", "bash"]
    assert calls[0].id == "call_9diWc1DYm4RLmPfHgIaP2wd" and calls[0].result.text.startswith("AUTHORS.rst")
    assert session.cwd == "/testbed" and session.session_id == "marshmallow-code__marshmallow-1867"
    model = EffectModel(swe_agent.EFFECTS, session.cwd, fallback=swe_agent.FALLBACK)
    kinds = [(c.name, model.of(c).kind) for c in calls]
    assert ("open", READ) in kinds and ("insert", WRITE) in kinds and ("find_file", READ) in kinds
    assert model.of(calls[2]).categories == {"install"}  # pip install -e .[dev], a shell command
    last = session.main.steps[-1]
    assert last.calls == [] and "submit" in last.text  # submit ends the run
    assert [e.kind for e in session.main.events] == ["meta", "prompt"]


def test_text_actions_and_the_open_file() -> None:
    session = swe_agent.parse(str(TEXT))
    calls = list(session.all_calls())
    assert [c.name for c in calls] == ["create", "edit", "bash", "find_file", "open", "edit", "edit", "edit",
                                       "edit", "bash", "bash"]
    edit = calls[1]
    assert edit.input["range"] == "1:1" and edit.input["open_file"] == "/pydicom__pydicom/reproduce_bug.py"
    model = EffectModel(swe_agent.EFFECTS, session.cwd, fallback=swe_agent.FALLBACK)
    assert model.of(edit).writes == {"reproduce_bug.py"}
    assert not any(c.failed for c in calls)  # SWE-agent records no exit status


def test_read_action_signatures() -> None:
    commands = set(swe_agent.COMMANDS)
    assert swe_agent.read_action('open "src/a.py" 20', commands) == (
        "open", {"path": "src/a.py", "line_number": "20", "action": 'open "src/a.py" 20'})
    name, args = swe_agent.read_action("edit 3:4\nx = 1\nend_of_edit", commands)
    assert (name, args["range"], args["text"]) == ("edit", "3:4", "x = 1\n")
    assert swe_agent.read_action("ls -la", commands) == ("bash", {"command": "ls -la"})


def test_rendering_is_sniffed_and_read_back(tmp_path) -> None:
    path = tmp_path / ("s" + renderer.SUFFIX)
    path.write_text(renderer.render((support.SCENARIO_DIR / "par103-serial-checks.scenario").read_text()))
    assert support.is_format(path, FORMAT)
    session = swe_agent.parse(str(path))
    assert [c.input["command"] for c in session.all_calls()] == ["ruff check .", "mypy src", "pytest -q"]
    assert session.main.steps[-1].text == "Lint, types and tests are all clean."
    assert _expected_counts(path) == [(3, 0)]


# -- bad input -----------------------------------------------------------------------------------------
def test_truncated_trajectory_is_an_error_with_its_line(cli, tmp_path) -> None:
    raw = (REAL / "test_data__gpt4__sweagenttestrepo-1c2844.traj").read_text(encoding="utf-8")
    support.check_truncated(cli, tmp_path, raw, 5000, "cut.traj")


def test_wrong_types_are_not_crashes(tmp_path) -> None:
    doc = json.loads(FUNCTION_CALLING.read_text())
    doc["history"][2]["tool_calls"] = "oops"
    doc["history"][4]["tool_calls"][0]["function"] = ["x"]
    doc["history"][5] = 7
    doc["trajectory"][0]["state"] = [1]
    path = tmp_path / "bad.traj"
    path.write_text(json.dumps(doc, indent=1))
    assert support.is_format(path, FORMAT)
    session = swe_agent.parse(str(path))
    names = [c.name for c in session.all_calls()]
    assert names[:3] == ["bash", "?", "bash"] and len(names) == 12  # the action text stands in for the call
    lines = path.read_text().splitlines()
    assert [(p.path, p.line, p.level) for p in session.problems] == [(str(path), lines.index("  7,") + 1, "warning")]
    assert "not a message" in session.problems[0].message


def test_a_document_without_trajectory_is_a_problem(cli, tmp_path) -> None:
    path = tmp_path / "x.traj"
    path.write_text(json.dumps({"trajectory": 3, "history": []}))
    result, doc = cli.json("check", "--format", FORMAT, str(path))
    assert [(e["path"], e["line"], e["level"]) for e in doc["errors"]] == [(str(path), 1, "error")]
    assert "not a SWE-agent trajectory" in doc["errors"][0]["message"]
