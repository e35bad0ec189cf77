"""What the per-format test modules share: the shared corpus and the real files of a format,
sniffing, counts checked through the CLI, scenario renderings compared with Claude Code's, and
the truncated-document check.

A format's test module keeps what is its own: the independent count of tool calls and batches,
the names of its corpus files, how its tool names and call ids read in a finding, and its
format-specific tests.
"""

from __future__ import annotations

import pathlib
import re
from typing import Iterable, Sequence, Union

import pytest

from linter.parsers import FORMATS, sniff
from linter.parsers.sample import load_sample
from linter.testing import Inexpressible, lint_scenario
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus"
SCENARIO_DIR = ROOT / "fixtures" / "claude-code" / "scenarios"
SCENARIOS = sorted(SCENARIO_DIR.glob("*.scenario"))

Counts = Union[tuple[int, int], list[tuple[int, int]]]


def real_dir(fmt: str) -> pathlib.Path:
    return ROOT / "fixtures" / fmt / "real"


def corpus_files() -> list[pathlib.Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "PROVENANCE.md")


def corpus_names(folder: str) -> set[str]:
    """The names of the files of one folder of the corpus (none when the corpus is not there)."""
    path = CORPUS / folder
    return {p.name for p in path.iterdir()} if path.is_dir() else set()


def is_format(path: pathlib.Path, fmt: str) -> bool:
    return sniff(load_sample(str(path))) == fmt


def real_files(fmt: str, corpus: Iterable[str]) -> list[pathlib.Path]:
    """The format's files in the corpus (by name), then its copies under fixtures/<format>/real."""
    names = set(corpus)
    own = sorted(p for p in real_dir(fmt).iterdir() if p.suffix != ".md")
    return [p for p in corpus_files() if p.name in names] + own


def other_files(corpus: Iterable[str]) -> list[pathlib.Path]:
    """Every corpus file but the format's own."""
    names = set(corpus)
    return [p for p in corpus_files() if p.name not in names]


def real_id(path: pathlib.Path) -> str:
    return f"{path.parent.name}/{path.name}"


def corpus_id(path: pathlib.Path) -> str:
    return str(path.relative_to(CORPUS))


def check_counts(cli, path: pathlib.Path, fmt: str, expected: Counts) -> dict:
    """The file is sniffed as the format and checked without problems, one session per count."""
    assert is_format(path, fmt)
    result, doc = cli.json("check", str(path))
    assert doc["errors"] == []
    assert {s["format"] for s in doc["sessions"]} == {fmt}
    wanted = expected if isinstance(expected, list) else [expected]
    assert [(s["tool_calls"], s["batches"]) for s in doc["sessions"]] == wanted
    return doc


def check_detected(fmt: str, corpus: Iterable[str]) -> None:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not available")
    assert {p.name for p in corpus_files() if is_format(p, fmt)} == set(corpus)


def check_not_sniffed(path: pathlib.Path, fmt: str) -> None:
    assert not FORMATS[fmt].sniff(load_sample(str(path)))
    assert not is_format(path, fmt)


Rewrites = Sequence[tuple[str, str]]


def findings(diagnostics, rewrites: Rewrites) -> list[tuple[str, str]]:
    """Code and message of each finding, with the rewrites (pattern, replacement) applied in order."""
    out = []
    for d in diagnostics:
        message = d.message
        for pattern, replacement in rewrites:
            message = re.sub(pattern, replacement, message)
        out.append((d.code, message))
    return out


def check_scenario(path: pathlib.Path, fmt: str, rewrites: Rewrites, inexpressible: str | None = None,
                   why: str = "") -> None:
    """The format's rendering of a scenario gives Claude Code's findings. With ``inexpressible``,
    a scenario the renderer refuses is skipped, provided it holds that text."""
    text = path.read_text()
    try:
        got = lint_scenario(text, fmt=fmt)
    except Inexpressible as exc:
        if inexpressible is None:
            raise
        assert inexpressible in text, why
        pytest.skip(f"{fmt} cannot express {path.stem}: {exc}")
    assert findings(got, rewrites) == findings(lint_scenario(text), rewrites)


def check_truncated(cli, tmp_path: pathlib.Path, text: str, cut: int, name: str, fmt: str | None = None) -> None:
    """A document cut at ``cut`` is one error, at the line it stops on, and exit status 2."""
    path = tmp_path / name
    path.write_text(text[:cut])
    forced = ["--format", fmt] if fmt else []
    result, doc = cli.json("check", *forced, str(path))
    (error,) = doc["errors"]
    assert (error["path"], error["level"], error["line"]) == (str(path), "error", text[:cut].count("\n") + 1)
    assert "invalid JSON" in error["message"] and result.exit_code == 2

