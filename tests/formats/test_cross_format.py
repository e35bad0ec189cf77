"""One scenario, every format: the same findings whatever harness wrote the transcript.

Each scenario of fixtures/claude-code/scenarios is rendered in every format that has a renderer
(``linter.testing.<format>``) and linted; the rules must report the same codes, on the same
number of calls, with the same round trips saved, as on the Claude Code rendering (less the
serialised-call rules, for a harness that takes one call per turn). A scenario a format cannot
express (``Inexpressible``) is skipped for that format, with the renderer's reason.
"""

from __future__ import annotations

import importlib

import pytest

from linter.parsers import FORMATS
from linter.testing import Inexpressible, lint_scenario
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


CASES = [pytest.param(fmt, path, id=f"{fmt}-{path.stem}") for fmt in _renderable() for path in SCENARIOS]


_SERIAL = ("PAR101", "PAR102", "PAR103")  # not reported where a turn takes one call


@pytest.mark.parametrize("fmt, path", CASES)
def test_same_findings_in_every_format(fmt: str, path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = _shape(lint_scenario(text))
    if getattr(FORMATS[fmt], "ONE_CALL_PER_TURN", False):
        expected = [shape for shape in expected if shape[0] not in _SERIAL]
    try:
        got = _shape(lint_scenario(text, fmt=fmt))
    except Inexpressible as exc:
        pytest.skip(f"{fmt} cannot express {path.stem}: {exc}")
    assert got == expected


def test_every_format_but_claude_code_has_a_renderer() -> None:
    assert sorted(_renderable()) == sorted(n for n in FORMATS if n != "claude-code")
