"""What an agent had in its context, and since when.

The key test for missed parallelism is "knowable before A": every salient value in call B's
arguments was already in the context (user prompt, earlier results, earlier prose) when call A
was issued. Holding every result text of a 200 MB session would cost as much memory as the file,
so each agent keeps an index instead: token -> the sequence number at which it first entered the
context. Sequence numbers grow in context order (prompt, step, result, ...).

Leaving text out of the index can only make a value look unknown, and an unknown value makes the
rules stay silent, never fire: the index errs on the side of precision.
"""

from __future__ import annotations

from linter.textutil import tokens


class ContextIndex:
    __slots__ = ("_first", "_known")

    def __init__(self) -> None:
        self._first: dict[str, int] = {}
        self._known: set[str] = set()  # the same keys, for set arithmetic at C speed

    def add(self, text: str, seq: int) -> None:
        if not text:
            return
        new = tokens(text) - self._known
        if new:
            self._known |= new
            first = self._first
            for tok in new:
                first[tok] = seq

    def first_seen(self, token: str) -> int | None:
        return self._first.get(token)

    def known_at(self, forms: tuple[str, ...]) -> int | None:
        """Earliest sequence number at which any of a value's forms was in context."""
        best: int | None = None
        for form in forms:
            seen = self._first.get(form)
            if seen is not None and (best is None or seen < best):
                best = seen
        return best

    def __len__(self) -> int:
        return len(self._first)
