"""Which files to lint: explicit paths as given, directories walked for transcripts and plans.

A path named explicitly is linted by its extension: ``.md`` as a plan, ``.py`` as Python
orchestration code, anything else as a transcript. In a directory walk, transcripts are found by
extension (``.jsonl``, ``.json``, ``.traj``) and recognised by content; Markdown files only when
they match ``plan-globs`` and Python files only when they match ``code-globs`` (empty by
default), so that walking a repository does not lint every README as a plan.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from linter.globs import glob_match
from linter.model import ParseProblem
from linter.parsers import is_companion, primary_of

TRANSCRIPT_EXTENSIONS = (".jsonl", ".json", ".traj")
_SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache"}


@dataclass(frozen=True, slots=True)
class Input:
    path: str
    explicit: bool
    kind: str = "transcript"  # or "plan" (Markdown) or "code" (Python)


def matches(rel: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """Does the relative path match one of the globs (``*`` within one directory level, ``**/``
    across any number, none included: ``**/tasks.md`` matches ``tasks.md``)?"""
    rel = rel.replace(os.sep, "/")
    return any(glob_match(rel, pattern) for pattern in patterns)


def kind_of(path: str) -> str:
    if path.endswith(".md"):
        return "plan"
    if path.endswith(".py"):
        return "code"
    return "transcript"


def discover(paths: list[str], errors: list[ParseProblem], skipped: list[str],
             plan_globs: list[str] | tuple[str, ...] = (), code_globs: list[str] | tuple[str, ...] = ()) -> list[Input]:
    found: list[Input] = []
    seen: set[str] = set()

    def add(path: str, explicit: bool, kind: str = "transcript") -> None:
        key = os.path.realpath(primary_of(path) if kind == "transcript" else path)
        if key not in seen:
            seen.add(key)
            found.append(Input(path, explicit, kind))

    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d == "subagents")
                for name in sorted(files):
                    full = os.path.join(root, name)
                    rel = os.path.relpath(full, path)
                    if name.endswith(".md") and matches(rel, plan_globs):
                        add(full, False, "plan")
                        continue
                    if name.endswith(".py") and matches(rel, code_globs):
                        add(full, False, "code")
                        continue
                    if not name.endswith(TRANSCRIPT_EXTENSIONS):
                        continue
                    if is_companion(full):
                        continue  # read together with the session that spawned it
                    add(full, False)
        elif os.path.isfile(path):
            add(path, True, kind_of(path))
        elif os.path.lexists(path):
            errors.append(ParseProblem(path, None, "not a regular file or directory"))
        else:
            errors.append(ParseProblem(path, None, "no such file or directory"))
    return found
