"""Streaming JSON Lines reader: jsonlines with orjson's ``loads``, line numbers, clear problems.

A malformed line is a problem with its path and line; the reading goes on. A malformed *last*
line is most often a session that is still being written: it is a warning, not an error.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import jsonlines
import orjson

from linter.model import ParseProblem


class _CountingLines:
    """Iterator over a binary file's lines that remembers the current line number.

    ``skip`` is a predicate on the raw bytes: lines it accepts are counted but never decoded.
    """

    __slots__ = ("_fp", "lineno", "last_had_newline", "_skip")

    def __init__(self, fp: Any, skip: Callable[[bytes], bool] | None = None) -> None:
        self._fp = fp
        self.lineno = 0
        self.last_had_newline = True
        self._skip = skip

    def __iter__(self) -> "_CountingLines":
        return self

    def __next__(self) -> bytes:
        skip = self._skip
        while True:
            line = next(self._fp)
            self.lineno += 1
            if skip is None or not skip(line):
                self.last_had_newline = line.endswith(b"\n")
                return line


def _loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def iter_records(path: str, problems: list[ParseProblem], on_bad: Callable[[int], None] | None = None,
                 skip: Callable[[bytes], bool] | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, decoded value)`` for each non-blank line of a JSONL file.

    ``skip`` lets a parser pass over lines it has no use for without decoding them.
    """
    with open(path, "rb") as fp:
        lines = _CountingLines(fp, skip)
        reader = jsonlines.Reader(lines, loads=_loads)
        pending: ParseProblem | None = None
        while True:
            try:
                value = reader.read(skip_empty=True, allow_none=True)
            except EOFError:
                break
            except jsonlines.InvalidLineError as exc:
                if pending is not None:
                    problems.append(pending)
                reason = str(exc).split(":", 1)[0]
                pending = ParseProblem(path, lines.lineno, f"{reason}; line skipped")
                if on_bad is not None:
                    on_bad(lines.lineno)
                continue
            if pending is not None:
                problems.append(pending)
                pending = None
            yield lines.lineno, value
        if pending is not None:
            if not lines.last_had_newline and pending.line == lines.lineno:
                pending.level = "warning"
                pending.message = "last line is incomplete (is the session still being written?); line skipped"
            problems.append(pending)
