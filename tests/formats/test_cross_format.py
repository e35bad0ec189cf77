"""One scenario, every format: the same findings whatever harness wrote the transcript.

Each scenario of fixtures/claude-code/scenarios is rendered in every format that has a renderer
(``linter.testing.<format>``) and linted; the rules must report the same codes, on the same
number of calls, with the same round trips saved, as on the Claude Code rendering (less the
serialised-call rules, for a harness that takes one call per turn). A scenario a format cannot
express (``Inexpressible``) is skipped for that format, with the renderer's reason. A format read
in more than one layout (OpenHands' V0 trajectories and V1 SDK events) is tested in each.
"""

from __future__ import annotations

import importlib

import pytest

from linter.parsers import FORMATS
from linter.testing import Inexpressible, lint_scenario, variants
from tests.conftest import FIXTURES

SCENARIOS = sorted((FIXTURES / "scenarios").glob("*.scenario"))


def _renderable() -> list[str]:
    out = []
    for name in FORMATS:
        if name == "claude-code":
            continue
        try:
            importlib.import_module("linter.testing." + name.replace("-", "_"))
        except ModuleNotFoundError:
            continue
        out.append(name)
    return out


def _shape(diagnostics) -> list[tuple[str, int, int]]:
    return sorted((d.code, len(d.call_ids), d.savings.extra_round_trips) for d in diagnostics)


CASES = [pytest.param(fmt, None, path, id=f"{fmt}-{path.stem}") for fmt in _renderable() for path in SCENARIOS]
CASES += [pytest.param(fmt, variant, path, id=f"{fmt}-{variant}-{path.stem}")
          for fmt in _renderable() for variant in variants(fmt) for path in SCENARIOS]


_SERIAL = ("PAR101", "PAR102", "PAR103")  # not reported where a turn takes one call


@pytest.mark.parametrize("fmt, variant, path", CASES)
def test_same_findings_in_every_format(fmt: str, variant: str | None, path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = _shape(lint_scenario(text))
    if getattr(FORMATS[fmt], "ONE_CALL_PER_TURN", False):
        expected = [shape for shape in expected if shape[0] not in _SERIAL]
    try:
        got = _shape(lint_scenario(text, fmt=fmt, variant=variant))
    except Inexpressible as exc:
        pytest.skip(f"{fmt} cannot express {path.stem}: {exc}")
    assert got == expected


def test_every_format_but_claude_code_has_a_renderer() -> None:
    assert sorted(_renderable()) == sorted(n for n in FORMATS if n != "claude-code")


_SERIAL_READS = """
user: Review src/a.py, src/b.py and src/c.py
step
call Read file_path=src/a.py
-> a
step
call Read file_path=src/b.py
-> b
step
call Read file_path=src/c.py
-> c
step: Done.
"""


@pytest.mark.parametrize(("fmt", "off", "on", "reason"), [
    ("openai-chat", {"parallel_tool_calls": False}, {"parallel_tool_calls": True},
     "the request set parallel_tool_calls to false"),
    ("openai-responses", {"parallel_tool_calls": False}, {"parallel_tool_calls": True},
     "the request set parallel_tool_calls to false"),
    ("anthropic-messages", {"tool_choice": {"type": "auto", "disable_parallel_tool_use": True}},
     {"tool_choice": {"type": "auto", "disable_parallel_tool_use": False}},
     "the request's tool_choice set disable_parallel_tool_use"),
])
def test_a_request_that_turned_parallel_calls_off_gets_no_serial_call_findings(tmp_path, fmt: str, off: dict, on: dict,
                                                                               reason: str) -> None:
    import json

    from linter.config import Config
    from linter.engine import load_registry, run
    from linter.testing import render_as

    content, suffix = render_as(fmt, _SERIAL_READS)
    codes = {}
    for name, setting in (("unset", {}), ("off", off), ("on", on)):
        path = tmp_path / f"{name}{suffix}"
        path.write_text(json.dumps({**json.loads(content), **setting}))
        result = run([str(path)], Config(), load_registry())
        codes[name] = [d.code for d in result.diagnostics]
        if name == "off":
            (note,) = [n for s in result.sessions for n in s.not_checked if n["what"] == "PAR101, PAR102, PAR103"]
            assert note["reason"].startswith(f"{reason} (and the conversation has no batch): ")
    assert codes == {"unset": ["PAR101"], "off": [], "on": ["PAR101"]}
