"""A turn that reacts to the answer it just read is chosen from that answer (PAR101 stays silent)."""

from __future__ import annotations

import pytest

from linter.model import Location, Step
from linter.windows import _reacts


def _step(text: str = "", thought: str = "") -> Step:
    step = Step(index=0, agent_id="main", message_id="m", location=Location("t.jsonl", 1), seq=1, text=text)
    if thought:
        step.think(thought)
    return step


@pytest.mark.parametrize(("text", "thought", "reacts"), [
    ("I see the config is elsewhere.", "", True),
    ("Now let me check the tests.", "", False),
    ("", "Ah, I see! The branch already had the changes. Let me verify.", True),
    ("", "Perfect! It looks like the hook is missing, so the next read is the installer.", True),
    ("", "Next I will read the three files the user listed.", False),
    ("", "x" * 400 + " I see", False),  # only how the reasoning opens counts
])
def test_reacts(text: str, thought: str, reacts: bool) -> None:
    assert _reacts(_step(text, thought)) is reacts


def test_thought_keeps_only_its_head() -> None:
    step = _step(thought="a" * 500)
    step.think("b" * 500)
    assert len(step.thought) == 600 and step.thought.startswith("a" * 500 + "\n")
