from __future__ import annotations

import json
import os
import pathlib

import pytest
from click.testing import CliRunner
from syrupy.extensions.json import JSONSnapshotExtension

from linter.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "claude-code"
CORPUS = ROOT.parent / "shared" / "corpus" / "claude-code"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in outputs are relative to the repository root, so snapshots are stable."""
    monkeypatch.chdir(ROOT)


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: bytes | str | None = None):
        return self.runner.invoke(main, list(args), input=input, catch_exceptions=False)

    def json(self, *args: str, input: bytes | str | None = None):
        result = self(*args, "--output-format", "json", input=input)
        return result, json.loads(result.stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def rel(path: pathlib.Path) -> str:
    return os.path.relpath(path, ROOT)
