"""What an agent had in its context, and since when.

The key test for missed parallelism is "knowable before A": every salient value in call B's
arguments was already in the context (user prompt, earlier results, earlier prose) when call A
was issued. Each agent keeps the text that entered its context, in order, with the sequence
number at which each piece arrived, as UTF-8 bytes (sequence numbers grow in context order: prompt, step,
result, ...). A value's first appearance is a substring search (whole words only) over that
text, done only for the few values a rule asks about and only up to the point it asks about:
nothing is tokenised while the transcript streams.

Pieces are bounded (64 KiB) and file contents returned by reads are left out by the parsers.
Leaving text out can only make a value look unknown, and an unknown value makes the rules stay
silent, never fire: the index errs on the side of precision.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

PIECE_LIMIT = 64 * 1024
# Bytes that continue a word: letters, digits, _ . - / ~ + and any non-ASCII byte.
_WORDISH = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/~+") | frozenset(range(128, 256))
_DOT_DASH = frozenset(b".-")


class ContextIndex:
    """The context text of one agent as UTF-8 bytes, with the sequence number of each piece."""

    __slots__ = ("_buf", "_starts", "_seqs", "_cache")

    def __init__(self) -> None:
        self._buf = bytearray()
        self._starts: list[int] = []  # byte offset of each piece
        self._seqs: list[int] = []  # sequence number of each piece
        self._cache: dict[str, int | None] = {}  # token -> first sequence number, once searched

    def add(self, text: str, seq: int) -> None:
        if not text:
            return
        if len(text) > PIECE_LIMIT:
            text = text[:PIECE_LIMIT]
        self._starts.append(len(self._buf))
        self._seqs.append(seq)
        self._buf += text.encode("utf-8", "replace")
        self._buf += b"\n"
        if self._cache:
            self._cache.clear()  # text was added since the last search

    def first_seen(self, token: str, before: int | None = None) -> int | None:
        """Sequence number at which ``token`` first appeared as a whole word (or None).

        With ``before``, only text that entered the context before that sequence number counts.
        """
        if not token or not self._seqs:
            return None
        if token in self._cache:
            first = self._cache[token]
        else:
            at = _find_word(self._buf, token.encode("utf-8", "replace"))
            first = None if at == -1 else self._seqs[bisect_right(self._starts, at) - 1]
            self._cache[token] = first
        if first is not None and before is not None and first >= before:
            return None  # the first appearance is already too late
        return first

    def occurs_in(self, needle: str, seqs: set[int]) -> bool:
        """Does ``needle`` occur, as a plain substring, in a piece added under one of ``seqs``
        (the whole indexed text of those answers, not only the head a result keeps)? Pieces are
        added in sequence order, so the search spans only the pieces from the least to the
        greatest of ``seqs``."""
        if not needle or not seqs or not self._seqs:
            return False
        first = bisect_left(self._seqs, min(seqs))
        last = bisect_right(self._seqs, max(seqs))  # the search stays within those pieces' span
        if first >= last:
            return False
        start, end = self._starts[first], self._starts[last] if last < len(self._starts) else len(self._buf)
        token = needle.encode("utf-8", "replace")
        at = self._buf.find(token, start, end)
        for _ in range(256):  # a needle found in other pieces again and again: give up, say no
            if at == -1:
                return False
            if self._seqs[bisect_right(self._starts, at) - 1] in seqs:
                return True
            at = self._buf.find(token, at + 1, end)
        return False

    def line_seen(self, token: str, before: int | None = None) -> int | None:
        """Sequence number at which ``token`` first stood at the end of a line, after a line start,
        a space or a tab (a name in a listing: `ls` prints one per line, `ls -l` ends its lines
        with them), or None; with ``before``, only earlier text counts."""
        key = "\n" + token
        if key in self._cache:
            first = self._cache[key]
        else:
            first, needle = None, token.encode("utf-8", "replace")
            at = self._buf.find(needle) if needle else -1
            while at != -1:
                tail = at + len(needle)
                if (at == 0 or self._buf[at - 1] in b"\n \t") and (tail >= len(self._buf) or self._buf[tail] in b"\r\n"):
                    first = self._seqs[bisect_right(self._starts, at) - 1]
                    break
                at = self._buf.find(needle, at + 1)
            self._cache[key] = first
        if first is not None and before is not None and first >= before:
            return None
        return first

    def known_at(self, forms: tuple[str, ...], before: int | None = None) -> int | None:
        """Earliest sequence number at which any of a value's forms was in context."""
        best: int | None = None
        for form in forms:
            seen = self.first_seen(form, before)
            if seen is not None and (best is None or seen < best):
                best = seen
        return best

    def __len__(self) -> int:
        return len(self._buf)


def _find_word(buf: bytearray, token: bytes) -> int:
    size = len(token)
    numeric = _NUMERIC.match(token) is not None
    at = buf.find(token)
    while at != -1:
        tail = at + size
        if not _continues_before(buf, at) and (
            not _continues_after(buf, tail)
            or (buf[tail] in _DOT_DASH and not _continues_after(buf, tail + 1))
            or (numeric and (_unit_follows(buf, tail) or _HYPHEN_UNIT.match(buf, tail) is not None))
        ):
            return at
        at = buf.find(token, at + 1)
    return -1


# A number may carry a short unit ("5cm", "10m", "3x^2"): the number is still the one written ...
_NUMERIC = re.compile(rb"^-?[0-9][0-9.,]*$")
_UNIT = re.compile(rb"[A-Za-z]{1,3}(?![A-Za-z0-9_])")
# ... or a hyphenated one ("a 7-day trip", "a 3-bedroom flat").
_HYPHEN_UNIT = re.compile(rb"-[A-Za-z]+(?![A-Za-z0-9_.\-/])")


def _unit_follows(buf: bytearray, tail: int) -> bool:
    return _UNIT.match(buf, tail) is not None


def _continues_after(buf: bytearray, at: int) -> bool:
    """Does the byte at ``at`` continue a word? A non-ASCII character does when it is a letter or
    digit ("café"), not when it is a symbol ("12.49°", "done。")."""
    if at >= len(buf):
        return False
    byte = buf[at]
    if byte < 0x80:
        return byte in _WORDISH
    end = at + 1
    while end < len(buf) and end - at < 4 and 0x80 <= buf[end] < 0xC0:
        end += 1
    return bytes(buf[at:end]).decode("utf-8", "replace").isalnum()


def _continues_before(buf: bytearray, at: int) -> bool:
    if at <= 0:
        return False
    byte = buf[at - 1]
    if byte < 0x80:
        return byte in _WORDISH
    start = at - 1
    while start > 0 and at - start < 4 and 0x80 <= buf[start] < 0xC0:
        start -= 1
    return bytes(buf[start:at]).decode("utf-8", "replace").isalnum()
