"""Savings of a finding: round trips, tokens and seconds a batched schedule would not spend.

For a window of serialised steps R1..Rk whose calls form a dependency DAG of depth d:

* extra round trips = k - d: requests a batched schedule would not have made;
* overhead tokens (floor) = extra round trips x [low, high] tokens per call (default [50, 100]):
  the tool-call framing, always shown as a range;
* context tokens (measured, where the transcript records usage): for each removed request, its
  cache-read and fresh input tokens plus its output beyond the tool call itself. Cache writes are
  paid in both schedules and left out;
* dollars: those context tokens priced per model (``linter.pricing``): cache reads at the
  cache-read price, fresh input at the input price, output at the output price; None when a
  removed request's model is not in the price table (``unpriced`` names it);
* seconds (where timestamps exist): each removed request's model-turn latency (its start minus the
  last result it waited for), plus the overlap of the calls' execution times (sum minus max) only
  when the harness would run those calls side by side; speedup = the window's serial time over
  that time minus the seconds saved.

Every figure is an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.model import Step
from linter.pricing import PER, PriceTable


@dataclass(slots=True)
class Savings:
    extra_round_trips: int = 0
    overhead_tokens: tuple[int, int] = (0, 0)
    context_tokens: int | None = None
    dollars: float | None = None
    unpriced: str | None = None
    seconds: float | None = None
    speedup: float | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "extra_round_trips": self.extra_round_trips,
            "overhead_tokens": list(self.overhead_tokens),
            "context_tokens": self.context_tokens,
            "dollars": None if self.dollars is None else round(self.dollars, 6),
            "unpriced_model": self.unpriced,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "speedup": None if self.speedup is None else round(self.speedup, 3),
        }


def _tool_tokens(step: Step) -> int:
    """Rough size of the tool-call blocks a step emitted (4 characters a token)."""
    size = 0
    for call in step.calls:
        size += len(call.name) + sum(len(str(k)) + len(str(v)) for k, v in call.input.items()) + 20
    return size // 4


def savings(steps: list[Step], depth: int, concurrent: bool, per_call: tuple[int, int],
            prices: PriceTable | None = None, timed: bool = True) -> Savings:
    k = len(steps)
    if k == 0:
        return Savings()
    extra = max(0, k - max(depth, 1))
    result = Savings(extra, (extra * per_call[0], extra * per_call[1]))
    removed = steps[k - extra:] if extra else []
    if removed and all(s.usage is not None for s in removed):
        total = 0
        dollars: float | None = 0.0
        for s in removed:
            usage = s.usage
            assert usage is not None
            output = max(0, usage.output - _tool_tokens(s))
            total += usage.input + usage.cache_read + output
            price = prices.price_of(usage.model) if prices is not None else None
            needed = [(usage.input, price.input if price else None),
                      (usage.cache_read, price.cache_read if price else None),
                      (output, price.output if price else None)]
            if price is None or any(n and p is None for n, p in needed):
                dollars = None
                result.unpriced = usage.model or "unknown model"
            elif dollars is not None:
                dollars += sum(n * p for n, p in needed if n) / PER
        result.context_tokens = total
        result.dollars = dollars
    result.seconds = _seconds(steps, removed, concurrent) if timed else None
    serial = _serial_time(steps)
    if result.seconds is not None and serial is not None and serial > result.seconds:
        result.speedup = serial / (serial - result.seconds)
    return result


def _serial_time(steps: list[Step]) -> float | None:
    """Wall-clock time the window took: its first turn's start to its last result."""
    start = steps[0].start
    done = [c.result.timestamp for c in steps[-1].calls if c.result is not None and c.result.timestamp is not None]
    if start is None or not done:
        return None
    return max(done) - start


def _seconds(steps: list[Step], removed: list[Step], concurrent: bool) -> float | None:
    if not removed:
        return 0.0
    latency = 0.0
    positions = {id(s): i for i, s in enumerate(steps)}
    for step in removed:
        i = positions[id(step)]
        if i == 0 or step.start is None:
            return None
        before = steps[i - 1]
        done = [c.result.timestamp for c in before.calls if c.result is not None and c.result.timestamp is not None]
        if not done:
            return None
        latency += max(0.0, step.start - max(done))
    if concurrent:
        durations = []
        for step in steps:
            for call in step.calls:
                if call.timestamp is None or call.result is None or call.result.timestamp is None:
                    return latency
                durations.append(max(0.0, call.result.timestamp - call.timestamp))
        if durations:
            latency += sum(durations) - max(durations)
    return latency
