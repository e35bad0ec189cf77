"""No input crashes a parser: real fixture records with values swapped for arbitrary JSON.

Each case takes one fixture of a format, replaces one value somewhere in it (or drops the value,
or cuts the file short) and lints the result both as that format and with auto-detection. The
run may report problems; it must never raise or hit an internal error, and every problem names
the file.
"""

from __future__ import annotations

import json
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.config import Config
from linter.engine import load_registry, run
from linter.parsers import FORMATS
from tests.conftest import ROOT

FIXTURES = ROOT / "fixtures"
SUFFIXES = (".jsonl", ".json", ".traj")


def _samples(fmt: str) -> list[pathlib.Path]:
    found = sorted(p for p in (FIXTURES / fmt).glob("*") if p.suffix in SUFFIXES and p.stat().st_size < 200_000)
    return found[:4]


CASES = [(fmt, path) for fmt in FORMATS for path in _samples(fmt)]
# the other layouts a format reads (OpenHands V1 SDK events)
CASES += [("openhands", path) for path in sorted((FIXTURES / "openhands" / "sdk").glob("*.json"))[:4]]
# Gemini CLI's headless stream-json output
CASES += [("gemini-cli", path) for path in sorted((FIXTURES / "gemini-cli" / "stream-json").glob("*.jsonl"))[:4]]
# Codex CLI's codex exec --json output
CASES += [("codex", path) for path in sorted((FIXTURES / "codex" / "exec-json").glob("*.jsonl"))[:4]]
JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 2**40) | st.floats(allow_nan=False) |
                    st.text(max_size=12), lambda inner: st.lists(inner, max_size=3) |
                    st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
REGISTRY = load_registry()


def _documents(path: pathlib.Path) -> tuple[list[object], bool]:
    text = path.read_text(encoding="utf-8")
    try:
        return [json.loads(text)], False
    except ValueError:
        return [json.loads(line) for line in text.splitlines() if line.strip()], True


def _slots(value: object, trail: tuple = ()) -> list[tuple]:
    """Every place in a JSON value that can be replaced: (container path, key or index)."""
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append(trail + (key,))
            out.extend(_slots(item, trail + (key,)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append(trail + (index,))
            out.extend(_slots(item, trail + (index,)))
    return out


def _mutate(document: object, where: tuple, new: object, drop: bool) -> object:
    document = json.loads(json.dumps(document))
    parent = document
    for key in where[:-1]:
        parent = parent[key]
    if drop:
        del parent[where[-1]]
    else:
        parent[where[-1]] = new
    return document


@pytest.mark.parametrize(("fmt", "path"), CASES, ids=[f"{f}-{p.name}" for f, p in CASES])
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutated_fixture_never_crashes(tmp_path_factory, fmt: str, path: pathlib.Path, data) -> None:
    documents, lines = _documents(path)
    pick = data.draw(st.integers(0, len(documents) - 1))
    slots = _slots(documents[pick])
    action = data.draw(st.sampled_from(["replace", "drop", "root", "truncate"]))
    if action == "root" or not slots:
        documents[pick] = data.draw(JSON)
    elif action in ("replace", "drop"):
        where = data.draw(st.sampled_from(slots))
        documents[pick] = _mutate(documents[pick], where, data.draw(JSON), action == "drop")
    text = "\n".join(json.dumps(d) for d in documents) + "\n" if lines else json.dumps(documents[0])
    if action == "truncate":
        text = text[: data.draw(st.integers(0, max(len(text) - 1, 0)))]
    target = tmp_path_factory.mktemp("fuzz") / path.name
    target.write_text(text, encoding="utf-8")
    for forced in (fmt, "auto"):
        result = run([str(target)], Config(), REGISTRY, fmt=forced)
        assert all(e.path == str(target) for e in result.errors)
        assert not [e.message for e in result.errors if "internal error" in e.message]
