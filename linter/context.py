"""What an agent had in its context, and since when.

The key test for missed parallelism is "knowable before A": every salient value in call B's
arguments was already in the context (user prompt, earlier results, earlier prose) when call A
was issued. Each agent keeps the text that entered its context, in order, with the sequence
number at which each piece arrived (sequence numbers grow in context order: prompt, step,
result, ...). A value's first appearance is a substring search (whole words only) over that
text, done only for the few values a rule asks about and only up to the point it asks about:
nothing is tokenised while the transcript streams.

Pieces are bounded (64 KiB) and file contents returned by reads are left out by the parsers.
Leaving text out can only make a value look unknown, and an unknown value makes the rules stay
silent, never fire: the index errs on the side of precision.
"""

from __future__ import annotations

from bisect import bisect_right

PIECE_LIMIT = 64 * 1024
BLOCK_SIZE = 1 << 20  # pieces are joined into blocks of about 1 MiB: no single huge copy
_WORDISH = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/~+")


class ContextIndex:
    __slots__ = ("_blocks", "_block_starts", "_pending", "_pending_size", "_starts", "_seqs", "_size", "_cache")

    def __init__(self) -> None:
        self._blocks: list[str] = []
        self._block_starts: list[int] = []
        self._pending: list[str] = []
        self._pending_size = 0
        self._starts: list[int] = []  # offset of each piece
        self._seqs: list[int] = []  # sequence number of each piece
        self._size = 0
        self._cache: dict[str, int | None] = {}  # token -> first sequence number, once searched

    def add(self, text: str, seq: int) -> None:
        if not text:
            return
        if len(text) > PIECE_LIMIT:
            text = text[:PIECE_LIMIT]
        self._starts.append(self._size)
        self._seqs.append(seq)
        self._pending.append(text)
        self._pending.append("\n")
        self._size += len(text) + 1
        self._pending_size += len(text) + 1
        if self._pending_size >= BLOCK_SIZE:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._block_starts.append(self._size - self._pending_size)
            self._blocks.append("".join(self._pending))
            self._pending = []
            self._pending_size = 0

    def first_seen(self, token: str, before: int | None = None) -> int | None:
        """Sequence number at which ``token`` first appeared as a whole word (or None).

        With ``before``, only text that entered the context before that sequence number counts.
        """
        if not token or not self._seqs:
            return None
        if self._pending:
            self._flush()
            self._cache.clear()  # text was added since the last search
        if token in self._cache:
            first = self._cache[token]
        else:
            first = None
            for start, block in zip(self._block_starts, self._blocks):
                at = self._find_word(block, token, len(block))
                if at != -1:
                    first = self._seqs[bisect_right(self._starts, start + at) - 1]
                    break
            self._cache[token] = first
        if first is not None and before is not None and first >= before:
            return None  # the first appearance is already too late
        return first

    @staticmethod
    def _find_word(text: str, token: str, end: int) -> int:
        size = len(token)
        at = text.find(token, 0, end)
        while at != -1:
            before = text[at - 1] if at > 0 else " "
            tail = at + size
            after = text[tail] if tail < len(text) else " "
            if before not in _WORDISH and (
                after not in _WORDISH
                or (after in ".-" and (tail + 1 >= len(text) or text[tail + 1] not in _WORDISH))
            ):
                return at
            at = text.find(token, at + 1, end)
        return -1

    def known_at(self, forms: tuple[str, ...], before: int | None = None) -> int | None:
        """Earliest sequence number at which any of a value's forms was in context."""
        best: int | None = None
        for form in forms:
            seen = self.first_seen(form, before if best is None else min(best, before or best))
            if seen is not None and (best is None or seen < best):
                best = seen
        return best

    def __len__(self) -> int:
        return self._size
