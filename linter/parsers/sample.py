"""The first records of a file, read once so that every format can sniff them.

A file is either JSON Lines (its first non-blank line is a JSON value on its own) or one JSON
document (a pretty-printed ``.json`` or ``.traj``). ``records`` holds the first records of a JSON
Lines file; ``document`` holds the whole value of a one-document file (and of a one-line JSON
Lines file, which is both). Formats sniff structure, never file names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, overload

import orjson

from linter.model import ParseProblem
from linter.parsers.jsonl import iter_records, pretty_records

SNIFF_RECORDS = 20
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024


@dataclass(slots=True)
class Sample:
    path: str
    records: Sequence[Any] = field(default_factory=list)
    document: Any = None
    is_jsonl: bool = False
    json_error: tuple[int | None, str] | None = None  # a one-document file that is not valid JSON
    empty: bool = False  # nothing but blank lines

    @property
    def first(self) -> Any:
        """The first record of a JSON Lines file, or the document itself."""
        if self.records:
            return self.records[0]
        return self.document


class _Records(Sequence[Any]):
    """The first records of a JSON Lines file, decoded only as far as sniffing asks.

    Most files are recognised by their first record; decoding twenty records of every file would
    read a good part of a small transcript twice.
    """

    def __init__(self, source: Iterator[Any]) -> None:
        self._items: list[Any] = []
        self._source: Iterator[Any] | None = source

    def _fill(self, count: int | None) -> None:
        """Decode records until ``count`` are held (all of them with ``None``) or none are left."""
        while self._source is not None and (count is None or len(self._items) < count):
            try:
                self._items.append(next(self._source))
            except StopIteration:
                self._source = None

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        self._fill(index + 1 if isinstance(index, int) and index >= 0 else None)
        return self._items[index]

    def __len__(self) -> int:
        self._fill(None)
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        at = 0
        while True:
            self._fill(at + 1)
            if at >= len(self._items):
                return
            yield self._items[at]
            at += 1

    def __bool__(self) -> bool:
        self._fill(1)
        return bool(self._items)

    def __repr__(self) -> str:
        return repr(self[:])


# Lines of text allowed before the first record of a JSON Lines file: what a CLI printed to stderr
# when both streams went to one file (``gemini ... --output-format stream-json > run.jsonl 2>&1``).
NOISE_LINES = 64
# How a JSON object or array starts ("[ERROR] ..." on stderr does not).
_JSON_START = re.compile(rb"\s*[\[{]\s*(?:$|[\"\[{\]}\-0-9]|true\b|false\b|null\b)")


def starts_like_json(line: bytes) -> bool:
    return _JSON_START.match(line) is not None


def first_record(path: str) -> tuple[int, Any] | None:
    """The line number and value of the first record of a JSON Lines file, passing over up to
    ``NOISE_LINES`` lines of plain text before it; None when the file is not JSON Lines (a line
    that starts like JSON but is not a value on its own means a JSON document)."""
    noise = 0
    with open(path, "rb") as fp:
        for lineno, raw in enumerate(fp, 1):
            if not raw.strip():
                continue
            try:
                return lineno, orjson.loads(raw)
            except orjson.JSONDecodeError:
                if starts_like_json(raw) or noise >= NOISE_LINES:
                    return None
                noise += 1
    return None


def first_line(path: str) -> bytes:
    with open(path, "rb") as fp:
        for line in fp:
            if line.strip():
                return line
    return b""


def load_sample(path: str) -> Sample:
    """Read enough of ``path`` to tell its format. Raises OSError when it cannot be read."""
    sample = Sample(path)
    line = first_line(path)
    if not line:
        sample.empty = True
        return sample
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        is_records = not starts_like_json(line) and first_record(path) is not None
    else:
        is_records = True
    if is_records:
        scratch: list[ParseProblem] = []
        records = _Records(rec for _, rec in islice(iter_records(path, scratch), SNIFF_RECORDS))
        sample.records = records
        sample.is_jsonl = True
        records._fill(2)  # enough to tell a one-record file (also a document) from the rest
        if len(records._items) == 1 and records._source is None and not scratch:
            sample.document = records[0]
        return sample
    if line.lstrip()[:1] not in (b"{", b"[") or os.path.getsize(path) > MAX_DOCUMENT_BYTES:
        return sample
    try:
        with open(path, "rb") as fp:
            sample.document = orjson.loads(fp.read())
    except orjson.JSONDecodeError as exc:
        stream = pretty_records(path)
        if stream is None:
            sample.json_error = (exc.lineno, str(exc).split(":", 1)[0])
        else:  # pretty-printed JSON Lines (`jq . session.jsonl`): read as its records
            sample.records = _Records(rec for _, rec in stream[:SNIFF_RECORDS])
            sample.is_jsonl = True
    return sample


def load_document(path: str) -> Any:
    """The whole JSON value of a one-document file (raises ``ValueError`` with the line on bad JSON)."""
    with open(path, "rb") as fp:
        data = fp.read()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DocumentError(exc.lineno, str(exc).split(":", 1)[0]) from None


class DocumentError(ValueError):
    """A one-document JSON file that is not valid JSON, with the line where it breaks."""

    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason
