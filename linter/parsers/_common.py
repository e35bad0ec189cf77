"""Small value helpers the transcript parsers share."""

from __future__ import annotations

from typing import Any


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
