"""Which files to lint: explicit paths as given, directories walked for transcripts."""

from __future__ import annotations

import os
from dataclasses import dataclass

from linter.model import ParseProblem
from linter.parsers import is_companion

TRANSCRIPT_EXTENSIONS = (".jsonl", ".json", ".traj")
_SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache"}


@dataclass(frozen=True, slots=True)
class Input:
    path: str
    explicit: bool


def discover(paths: list[str], errors: list[ParseProblem], skipped: list[str]) -> list[Input]:
    found: list[Input] = []
    seen: set[str] = set()

    def add(path: str, explicit: bool) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(Input(path, explicit))

    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d == "subagents")
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if not name.endswith(TRANSCRIPT_EXTENSIONS):
                        continue
                    if is_companion(full):
                        continue  # read together with the session that spawned it
                    add(full, False)
        elif os.path.isfile(path):
            add(path, True)
        elif os.path.lexists(path):
            errors.append(ParseProblem(path, None, "not a regular file or directory"))
        else:
            errors.append(ParseProblem(path, None, "no such file or directory"))
    return found
