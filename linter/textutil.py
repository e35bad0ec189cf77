"""Small text helpers: safe display of transcript text, tokens, timestamps."""

from __future__ import annotations

import re
from datetime import datetime, timezone

_fromisoformat = datetime.fromisoformat

# C0/C1 control characters except tab; newlines are shown escaped so one finding stays one line.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def safe(text: str, limit: int | None = None) -> str:
    """Text fit for a terminal or a log: no raw control characters, optionally shortened."""
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return _CONTROL.sub(_escape, text)


def short_label(text: str, limit: int) -> str:
    """``safe`` for a call's label, but a long path keeps its file name: the middle is elided
    (".gemini/tmp/86bc0e…/sudo_backup"), so that calls on sibling files stay told apart."""
    if len(text) > limit and "/" in text and not any(ch.isspace() for ch in text):
        tail = text[text.rfind("/"):]
        if len(tail) <= limit // 2:
            return safe(text[: limit - len(tail) - 1] + "…" + tail)
    return safe(text, limit)


# Word-ish runs that may name a path, identifier, URL host or id. ':' and '@' split, so
# "src/a.py:12:" yields "src/a.py" and "https://h/x" yields "//h/x".
_TOKEN = re.compile(r"[\w./~+-]+")
_INDEX_LIMIT = 64 * 1024


def tokens(text: str) -> set[str]:
    """Distinct tokens of a text (bounded: only the first 64 KiB of a huge text is read).

    A token at the end of a sentence keeps its full stop (``src/a.py.``).
    """
    if len(text) > _INDEX_LIMIT:
        text = text[:_INDEX_LIMIT]
    return set(_TOKEN.findall(text))


_HEX = re.compile(r"^[0-9a-f]{7,64}$")
_FILEISH = re.compile(r"^\.?[\w~+-][\w.~+-]*\.[A-Za-z][\w]{0,9}$|^\.[A-Za-z][\w-]{2,}$")
_IDENT = re.compile(r"^[A-Za-z_][\w]*$")


def is_salient(token: str) -> bool:
    """Does this token name something specific (a path, file, URL, id, identifier)?

    Plain words are not salient: an agent can choose them freely. Salient values are the
    ones that may have come out of an earlier tool result.
    """
    if len(token) < 3:
        return False
    if "/" in token:
        return token.strip("/.~") != ""
    if _FILEISH.match(token):
        return True
    if _HEX.match(token) and any(c.isdigit() for c in token):
        return True
    if _IDENT.match(token):
        if "_" in token.strip("_") and len(token) >= 4:
            return True
        inner = token[1:]
        if any(c.isupper() for c in inner) and any(c.islower() for c in token) and len(token) >= 4:
            return True  # camelCase / PascalCase with an inner capital
        return False
    if token.isdigit():
        return len(token) >= 4
    return False


def salient_tokens(text: str) -> set[str]:
    return {t for t in tokens(text) if is_salient(t)}


def parse_time(value: object) -> float | None:
    """ISO-8601 timestamp (with or without Z, with or without zone) to epoch seconds."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = _fromisoformat(value)  # Python 3.11 reads "Z" itself
    except ValueError:
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = _fromisoformat(text)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()
