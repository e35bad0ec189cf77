"""The normalised session model every parser produces and every rule reads.

Parsers know formats, rules know anti-patterns; this module is the contract between them.
Nothing here refers to a particular harness.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from linter.context import ContextIndex
    from linter.effects import Effect

MAIN_AGENT = "main"


@dataclass(slots=True)
class Location:
    """Where a record sits in its source file (1-based line)."""

    path: str
    line: int | None


@dataclass(slots=True)
class Usage:
    """Token usage of one model request, in the provider's own split.

    ``input`` is fresh (uncached) input, ``cache_read`` and ``cache_write`` are the cached parts:
    parsers convert conventions where prompt counts include cached tokens.
    """

    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0
    model: str | None = None


@dataclass(slots=True)
class ToolResult:
    """The result of one tool call: a bounded head of its content, kept as UTF-8 (``text``)."""

    head: bytes
    is_error: bool
    timestamp: float | None
    location: Location
    seq: int = 0
    empty: bool = False
    cut: bool = False  # the content went on past ``head``

    @classmethod
    def of(cls, text: str, limit: int, **fields: object) -> "ToolResult":
        return cls(head=text[:limit].encode("utf-8", "replace"), cut=len(text) > limit,  # type: ignore[arg-type]
                   **fields)

    @property
    def text(self) -> str:
        return self.head.decode("utf-8", "replace")


@dataclass(slots=True, eq=False)
class ToolCall:
    id: str
    name: str
    input: dict[str, Any]
    location: Location
    timestamp: float | None = None
    result: ToolResult | None = None
    step: Step | None = None
    agent_id: str = MAIN_AGENT
    background: bool = False
    spawned_agent: str | None = None
    _effect: Effect | None = None

    @property
    def failed(self) -> bool:
        return self.result is not None and self.result.is_error


THOUGHT_HEAD = 600


@dataclass(slots=True, eq=False)
class Step:
    """One model turn of one agent: the prose it wrote and the tool calls it issued together."""

    index: int
    agent_id: str
    message_id: str
    location: Location
    seq: int
    start: float | None = None
    end: float | None = None
    text: str = ""
    thought: str = ""  # the head of its reasoning, where the transcript keeps it
    reasoned: bool = False  # it reasoned, even where the text is redacted or encrypted
    usage: Usage | None = None
    calls: list[ToolCall] = field(default_factory=list)
    synthetic: bool = False

    @property
    def is_batch(self) -> bool:
        return len(self.calls) > 1

    def think(self, text: str) -> None:
        """Keep the head of the turn's reasoning (rules read how it opens)."""
        if len(self.thought) < THOUGHT_HEAD:
            self.thought = (f"{self.thought}\n{text}" if self.thought else text)[:THOUGHT_HEAD]


@dataclass(slots=True)
class Event:
    """Something that entered an agent's context between two steps and was not a tool result.

    ``kind`` is ``prompt`` (a person typed it), ``meta`` (injected by the harness),
    ``interrupt``, ``compact`` (context was compacted) or ``notification``.
    """

    kind: str
    seq: int
    location: Location
    timestamp: float | None = None
    text: str = ""


@dataclass(slots=True, eq=False)
class Agent:
    id: str
    parent_call: ToolCall | None = None
    description: str = ""
    steps: list[Step] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    context: ContextIndex | None = None
    source: str | None = None

    def timeline(self) -> Iterator[Step | Event]:
        """Steps and events of this agent in context order."""
        steps, events = self.steps, self.events
        i = j = 0
        while i < len(steps) or j < len(events):
            if j >= len(events) or (i < len(steps) and steps[i].seq < events[j].seq):
                yield steps[i]
                i += 1
            else:
                yield events[j]
                j += 1


@dataclass(slots=True)
class Note:
    """A rule or figure that could not be evaluated on a session, and why."""

    what: str
    reason: str


@dataclass(slots=True)
class ParseProblem:
    path: str
    line: int | None
    message: str
    level: str = "error"  # or "warning"


@dataclass(slots=True, eq=False)
class Session:
    path: str
    format: str
    session_id: str | None
    cwd: str | None
    agents: dict[str, Agent] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    models: set[str] = field(default_factory=set)
    # Why the harness took at most one tool call per model turn here (a version from before it
    # asked for parallel calls), or None: then serialised calls could not have been batched.
    one_call_per_turn: str | None = None

    @property
    def main(self) -> Agent:
        return self.agents[MAIN_AGENT]

    def all_steps(self) -> Iterator[Step]:
        for agent in self.agents.values():
            yield from agent.steps

    def all_calls(self) -> Iterator[ToolCall]:
        for step in self.all_steps():
            yield from step.calls

    def note(self, what: str, reason: str) -> None:
        if not any(n.what == what and n.reason == reason for n in self.notes):
            self.notes.append(Note(what, reason))
