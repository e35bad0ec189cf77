"""Streaming JSON Lines reader: jsonlines with orjson's ``loads``, line numbers, clear problems.

A malformed line is a problem with its path and line; the reading goes on. A malformed *last*
line is most often a session that is still being written: it is a warning, not an error.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Iterator

import jsonlines
import orjson

from linter.model import ParseProblem


# Bytes that may start a blank line (what ``bytes.rstrip`` strips); any other first byte means
# the line is not blank, which spares copying every line to find out.
_BLANK_START = frozenset(b" \t\n\r\x0b\x0c")


# What jsonlines says of a line that is not JSON (the reason this module reports).
_INVALID_LINE = "line contains invalid json"


class _CountingLines:
    """Iterable over a binary file's non-blank lines that remembers the current line number.

    ``skip`` is a predicate on the raw bytes: lines it accepts are counted but never decoded.
    Blank lines are counted and left out here, as jsonlines' ``skip_empty`` would leave them out.
    """

    __slots__ = ("_fp", "lineno", "last_had_newline", "_skip")

    def __init__(self, fp: Any, skip: Callable[[bytes], bool] | None = None) -> None:
        self._fp = fp
        self.lineno = 0
        self.last_had_newline = True
        self._skip = skip

    def __iter__(self) -> Iterator[bytes]:
        skip = self._skip
        lineno = 0
        for line in self._fp:
            lineno += 1
            self.lineno = lineno
            if skip is not None and skip(line):
                continue
            self.last_had_newline = line.endswith(b"\n")
            if line[0] in _BLANK_START and not line.rstrip():
                continue
            yield line


def iter_records(path: str, problems: list[ParseProblem], on_bad: Callable[[int], None] | None = None,
                 skip: Callable[[bytes], bool] | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, decoded value)`` for each non-blank line of a JSONL file.

    ``skip`` lets a parser pass over lines it has no use for without decoding them. A file of
    pretty-printed records (JSON Lines passed through `jq .`) yields each record with the line it
    starts on.
    """
    with open(path, "rb") as fp:
        lines = _CountingLines(fp, skip)
        reader = jsonlines.Reader(lines, loads=orjson.loads)
        pending: ParseProblem | None = None
        first = True
        while True:
            try:
                value = reader.read(allow_none=True)  # blank lines are left out by _CountingLines
            except EOFError:
                break
            except jsonlines.InvalidLineError as exc:
                if first:  # the first line is no JSON value: pretty-printed records?
                    first = False
                    stream = pretty_records(path)
                    if stream is not None:
                        yield from stream
                        return
                if pending is not None:
                    problems.append(pending)
                reason = str(exc).split(":", 1)[0]
                pending = ParseProblem(path, lines.lineno, f"{reason}; line skipped")
                if on_bad is not None:
                    on_bad(lines.lineno)
                continue
            first = False
            if pending is not None:
                problems.append(pending)
                pending = None
            yield lines.lineno, value
        if pending is not None:
            if not lines.last_had_newline and pending.line == lines.lineno:
                pending.level = "warning"
                pending.message = "last line is incomplete (is the session still being written?); line skipped"
            problems.append(pending)


# The most a file of pretty-printed records may hold (it is decoded whole, not line by line).
MAX_PRETTY_BYTES = 256 * 1024 * 1024


def pretty_records(path: str) -> list[tuple[int, Any]] | None:
    """The records of a file of pretty-printed JSON objects one after another (`jq . session.jsonl`),
    each with the line it starts on; None when the file is not that: its first line is a JSON value
    of its own, the file is not two or more JSON objects and nothing else, or it is too large."""
    with open(path, "rb") as fp:
        first = b""
        for line in fp:
            if line.strip():
                first = line.strip()
                break
    if not first.startswith(b"{") or first.endswith(b"}") and _is_json(first):
        return None
    if os.path.getsize(path) > MAX_PRETTY_BYTES:
        return None
    try:
        with open(path, "rb") as fp:
            text = fp.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    decoder = json.JSONDecoder()
    out: list[tuple[int, Any]] = []
    at, line, size = 0, 1, len(text)
    while True:
        start = at
        while at < size and text[at] in " \t\r\n":
            at += 1
        line += text.count("\n", start, at)
        if at >= size:
            break
        try:
            value, end = decoder.raw_decode(text, at)
        except (ValueError, RecursionError):
            return None
        if not isinstance(value, dict):
            return None
        out.append((line, value))
        line += text.count("\n", at, end)
        at = end
    return out if len(out) >= 2 else None


def _is_json(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


_SHOWN_LINES = 5


def fold_text_lines(path: str, problems: list[ParseProblem], program: str) -> list[ParseProblem]:
    """A CLI's JSON output saved with its stderr (``> run.jsonl 2>&1``) holds lines of plain text:
    those problems become one warning that names the first of their lines."""
    noise = [p for p in problems if p.level == "error" and p.message.startswith(_INVALID_LINE)]
    if not noise:
        return problems
    lines = [p.line for p in noise if p.line is not None]
    shown = ", ".join(str(n) for n in lines[:_SHOWN_LINES]) + (", ..." if len(lines) > _SHOWN_LINES else "")
    kept = [p for p in problems if p not in noise]
    kept.append(ParseProblem(path, lines[0] if lines else None,
                             f"{len(noise)} line(s) are not JSON events (text {program} wrote to stderr, captured "
                             f"with the stream?); skipped: line {shown}", "warning"))
    return kept


def iter_events(path: str, problems: list[ParseProblem], is_event: Callable[[Any], bool],
                what: str) -> Iterator[tuple[int, Any]]:
    """The records of a CLI's JSON Lines output that ``is_event`` accepts; any other record is a
    warning naming ``what`` was expected (lines that are not JSON go to ``problems`` as usual)."""
    for line, rec in iter_records(path, problems):
        if is_event(rec):
            yield line, rec
        else:
            problems.append(ParseProblem(path, line, f"not {what}; skipped", "warning"))
