"""The first records of a file, read once so that every format can sniff them.

A file is either JSON Lines (its first non-blank line is a JSON value on its own) or one JSON
document (a pretty-printed ``.json`` or ``.traj``). ``records`` holds the first records of a JSON
Lines file; ``document`` holds the whole value of a one-document file (and of a one-line JSON
Lines file, which is both). Formats sniff structure, never file names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import orjson

from linter.model import ParseProblem
from linter.parsers.jsonl import iter_records

SNIFF_RECORDS = 20
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024


@dataclass(slots=True)
class Sample:
    path: str
    records: list[Any] = field(default_factory=list)
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
        pass
    else:
        scratch: list[ParseProblem] = []
        sample.records = [rec for _, rec in islice(iter_records(path, scratch), SNIFF_RECORDS)]
        sample.is_jsonl = True
        if len(sample.records) == 1 and not scratch:
            sample.document = sample.records[0]
        return sample
    if line.lstrip()[:1] not in (b"{", b"[") or os.path.getsize(path) > MAX_DOCUMENT_BYTES:
        return sample
    try:
        with open(path, "rb") as fp:
            sample.document = orjson.loads(fp.read())
    except orjson.JSONDecodeError as exc:
        sample.json_error = (exc.lineno, str(exc).split(":", 1)[0])
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
