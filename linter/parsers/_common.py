"""Small value helpers the transcript parsers share."""

from __future__ import annotations

from typing import Any


def num(value: Any) -> int:
    """A token count: an int or float as an int, anything else (a bool included) 0."""
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def clip_strings(value: dict[str, Any], limit: int) -> dict[str, Any]:
    """A copy of a call's input with each string value cut to ``limit`` characters."""
    return {str(k): (v[:limit] if isinstance(v, str) else v) for k, v in value.items()}
