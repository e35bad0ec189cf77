"""Small value helpers the transcript parsers share."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from linter.model import Session


def num(value: Any) -> int:
    """A token count: an int or float as an int, anything else (a bool included) 0."""
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def as_str(value: Any) -> str | None:
    """A field that should be a string (a record type, a status): the string, else None.

    Transcripts from unknown versions may hold anything; a list where a type name belongs must
    not reach a set or dict lookup."""
    return value if isinstance(value, str) else None


def clip_strings(value: dict[str, Any], limit: int) -> dict[str, Any]:
    """A copy of a call's input with each string value cut to ``limit`` characters."""
    return {str(k): (v[:limit] if isinstance(v, str) else v) for k, v in value.items()}


# What harnesses write in place of a command's output when it printed nothing: an empty answer.
EMPTY_COMMAND_ANSWERS = frozenset({"(bash completed with no output)", "tool ran without output or errors"})


_PATH_KEYS = ("file_path", "path", "notebook_path", "absolute_path", "dir_path")


def infer_cwd(session: Session) -> str | None:
    """The working directory, where a log does not record it, from the evidence of the session: an
    absolute path argument whose tail (``src/app.py`` of ``/repo/src/app.py``) was in the context
    before the call, as a prompt or an earlier result gave it relative. Tails of two parts or more
    are tried first; a bare file name only when no such tail is found. Failing those, a directory
    the context named on its own before the call ("Project root: /work/app") that holds the
    absolute paths of two calls or more (/work/app/src/App.tsx, /work/app/package.json)."""
    main = session.agents.get("main")
    if main is None or main.context is None:
        return None
    paths = [(call.input.get(key), call.step.seq if call.step else None)
             for call in session.all_calls() for key in _PATH_KEYS]
    paths = [(p, seq) for p, seq in paths if isinstance(p, str) and p.startswith("/") and "\n" not in p]
    for least in (2, 1):
        for path, seq in paths:
            parts = path.rstrip("/").split("/")
            for n in (range(1, len(parts) - 1) if least == 2 else (len(parts) - 1,)):
                tail = "/".join(parts[n:])
                if main.context.first_seen(tail, seq) is not None:
                    return "/".join(parts[:n]) or "/"
    held: Counter[str] = Counter()  # how many of the distinct paths each directory holds
    for path in {path for path, _ in paths}:
        parts = path.rstrip("/").split("/")
        held.update("/".join(parts[:n]) for n in range(3, len(parts)))
    for path, seq in paths:
        parts = path.rstrip("/").split("/")
        for n in range(len(parts) - 1, 2, -1):  # the deepest first; /a/b at the least
            folder = "/".join(parts[:n])
            if held[folder] >= 2 and main.context.first_seen(folder, seq) is not None:
                return folder
    return None
