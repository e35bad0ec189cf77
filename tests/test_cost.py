"""Savings arithmetic on hand-computed cases, to the token and the cent."""

from __future__ import annotations

import pytest

from linter.cost import savings
from linter.model import Location, Step, ToolCall, ToolResult, Usage
from linter.pricing import load_table, normalise
from tests.conftest import FIXTURES

LOC = Location("t.jsonl", 1)
TABLE = load_table()


def _step(n: int, usage: Usage | None, start: float | None, done: float | None) -> Step:
    step = Step(index=n, agent_id="main", message_id=f"m{n}", location=LOC, seq=n * 2, start=start, end=start,
                usage=usage)
    # a call whose framing is 4 + 1 + 3 + 20 = 28 characters: 7 tokens of tool-call output
    call = ToolCall(id=f"c{n}", name="Read", input={"p": "a.c"}, location=LOC, timestamp=start, step=step)
    call.result = ToolResult.of("x", 10, is_error=False, timestamp=done, location=LOC)
    step.calls.append(call)
    return step


def test_cache_reads_priced_as_reads_and_cache_writes_left_out() -> None:
    usage = Usage(input=10, output=107, cache_read=50_000, cache_write=2_000, model="claude-sonnet-4-5-20250929")
    steps = [_step(n, usage, 100.0 + 10 * n, 101.0 + 10 * n) for n in range(3)]
    got = savings(steps, depth=1, concurrent=True, per_call=(50, 100), prices=TABLE)
    assert got.extra_round_trips == 2
    assert got.overhead_tokens == (100, 200)
    # each removed request: 10 fresh + 50,000 cache read + (107 - 7) output = 50,110 tokens
    assert got.context_tokens == 100_220
    # each: 10 x $3 + 50,000 x $0.30 + 100 x $15 per million = $0.01653
    assert got.dollars == pytest.approx(0.03306, abs=1e-9)
    # latency: each removed turn starts 9 s after the result before it; reads overlap: 3 x 1 s - 1 s
    assert got.seconds == pytest.approx(2 * 9.0 + 2.0)
    # serial: 100 s (first start) to 121 s (last result) = 21 s; batched: 21 - 20 = 1 s
    assert got.speedup == pytest.approx(21.0)


def test_a_model_absent_from_the_table_is_unpriced_not_guessed() -> None:
    usage = Usage(input=10, output=50, cache_read=1_000, model="claude-3-5-sonnet-20241022")
    steps = [_step(n, usage, None, None) for n in range(2)]
    got = savings(steps, depth=1, concurrent=True, per_call=(50, 100), prices=TABLE)
    assert got.context_tokens == 10 + 1_000 + (50 - 7)
    assert got.dollars is None
    assert got.unpriced == "claude-3-5-sonnet-20241022"


def test_missing_timestamps_give_no_seconds() -> None:
    usage = Usage(input=1, output=7, model="claude-haiku-4-5")
    steps = [_step(n, usage, None, None) for n in range(3)]
    got = savings(steps, depth=1, concurrent=False, per_call=(60, 60), prices=TABLE)
    assert got.seconds is None
    assert got.overhead_tokens == (120, 120)
    assert got.dollars == pytest.approx(2 * 1 * 1.0 / 1e6)


def test_a_price_the_table_lacks_makes_the_figure_unpriced() -> None:
    usage = Usage(input=100, output=7, cache_read=500, model="gemini-2.5-flash")  # no cache-read price
    got = savings([_step(n, usage, None, None) for n in range(2)], 1, False, (50, 100), TABLE)
    assert got.dollars is None and got.unpriced == "gemini-2.5-flash"
    usage = Usage(input=100, output=7, cache_read=0, model="gemini-2.5-flash")
    got = savings([_step(n, usage, None, None) for n in range(2)], 1, False, (50, 100), TABLE)
    assert got.dollars == pytest.approx(100 * 0.30 / 1e6)


def test_config_prices_override_and_extend_the_table() -> None:
    table = load_table({"claude-3-5-sonnet": {"input": 3, "cache_read": 0.3, "output": 15}})
    usage = Usage(input=10, output=57, cache_read=1_000, model="claude-3-5-sonnet-20241022")
    got = savings([_step(n, usage, None, None) for n in range(2)], 1, False, (50, 100), table)
    assert got.dollars == pytest.approx((10 * 3 + 1_000 * 0.3 + 50 * 15) / 1e6)


@pytest.mark.parametrize("raw, key", [
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
    ("anthropic/claude-opus-4-6", "claude-opus-4-6"),
    ("claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
    ("gpt-4o-2024-08-06", "gpt-4o"),
    ("GPT-5.2", "gpt-5.2"),
])
def test_model_names_are_normalised(raw: str, key: str) -> None:
    assert normalise(raw) == key


def test_text_summary_says_when_every_finding_is_unpriced(cli, tmp_path) -> None:
    source = (FIXTURES / "par101-serial-reads.jsonl").read_text(encoding="utf-8")
    path = tmp_path / "s.jsonl"
    path.write_text(source.replace('"claude-sonnet-4-5"', '"mystery-model-9"'), encoding="utf-8")
    out = cli("check", str(path)).stdout
    assert "dollars unpriced (1 finding: model not in the price table)" in out
