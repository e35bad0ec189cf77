"""SWE-agent parser: real trajectories (function-calling and text), sniffing, actions, bad input."""

from __future__ import annotations

import json
import pathlib

import pytest

from linter.effects import READ, WRITE, EffectModel
from linter.parsers import sniff, swe_agent
from linter.parsers.sample import load_sample
from linter.testing import swe_agent as renderer
from tests.conftest import ROOT

FORMAT = "swe-agent"
CORPUS = ROOT.parent / "shared" / "corpus"
REAL = ROOT / "fixtures" / FORMAT / "real"
SCENARIOS = ROOT / "fixtures" / "claude-code" / "scenarios"
FUNCTION_CALLING = REAL / "demo__function_calling_replace_from_source__marshmallow-1867.traj"
TEXT = REAL / "test_data__gpt4__pydicom-1458.traj"


def _corpus_files() -> list[pathlib.Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "PROVENANCE.md")


def _mine(path: pathlib.Path) -> bool:
    return sniff(load_sample(str(path))) == FORMAT


def _expected_counts(path: pathlib.Path) -> list[tuple[int, int]]:
    """(tool calls, batches): the trajectory's actions but ``submit`` (the run's end), and the
    assistant messages of the history with two or more tool calls."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    actions = [e["action"].strip() for e in doc["trajectory"] if e["action"].strip()]
    batches = sum(1 for m in doc.get("history", [])
                  if m.get("role") == "assistant" and not m.get("is_demo") and len(m.get("tool_calls") or []) > 1)
    return [(sum(1 for a in actions if a != "submit"), batches)]


def _real_files() -> list[pathlib.Path]:
    return [p for p in _corpus_files() if p.parent.name == FORMAT] + sorted(REAL.glob("*.traj"))


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: p.parent.name + "/" + p.name[:40])
def test_real_files_parse_with_exact_counts(cli, path: pathlib.Path) -> None:
    assert _mine(path)
    result, doc = cli.json("check", str(path))
    assert doc["errors"] == []
    assert {s["format"] for s in doc["sessions"]} == {FORMAT}
    assert [(s["tool_calls"], s["batches"]) for s in doc["sessions"]] == _expected_counts(path)


def test_real_counts_are_the_known_ones() -> None:
    assert {p.name: _expected_counts(p) for p in sorted(REAL.glob("*.traj"))} == {
        FUNCTION_CALLING.name: [(12, 0)], TEXT.name: [(11, 0)],
        "test_data__gpt4__sweagenttestrepo-1c2844.traj": [(4, 0)]}


def test_corpus_files_are_detected() -> None:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not available")
    assert {p.name for p in _corpus_files() if _mine(p)} == {p.name for p in (CORPUS / FORMAT).iterdir()}


@pytest.mark.parametrize("path", [p for p in _corpus_files() if p.parent.name != FORMAT],
                         ids=lambda p: str(p.relative_to(CORPUS)))
def test_other_files_are_not_sniffed_as_swe_agent(path: pathlib.Path) -> None:
    assert not swe_agent.sniff(load_sample(str(path)))


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
    path.write_text(renderer.render((SCENARIOS / "par103-serial-checks.scenario").read_text()))
    assert _mine(path)
    session = swe_agent.parse(str(path))
    assert [c.input["command"] for c in session.all_calls()] == ["ruff check .", "mypy src", "pytest -q"]
    assert session.main.steps[-1].text == "Lint, types and tests are all clean."
    assert _expected_counts(path) == [(3, 0)]


# -- bad input -----------------------------------------------------------------------------------------
def test_truncated_trajectory_is_an_error_with_its_line(cli, tmp_path) -> None:
    raw = (REAL / "test_data__gpt4__sweagenttestrepo-1c2844.traj").read_text(encoding="utf-8")
    path = tmp_path / "cut.traj"
    path.write_text(raw[:5000])
    result, doc = cli.json("check", str(path))
    (problem,) = doc["errors"]
    assert problem["path"] == str(path) and problem["line"] == raw[:5000].count("\n") + 1
    assert problem["level"] == "error" and "invalid JSON" in problem["message"]


def test_wrong_types_are_not_crashes(tmp_path) -> None:
    doc = json.loads(FUNCTION_CALLING.read_text())
    doc["history"][2]["tool_calls"] = "oops"
    doc["history"][4]["tool_calls"][0]["function"] = ["x"]
    doc["history"][5] = 7
    doc["trajectory"][0]["state"] = [1]
    path = tmp_path / "bad.traj"
    path.write_text(json.dumps(doc, indent=1))
    assert _mine(path)
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
