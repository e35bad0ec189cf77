"""The plan model the PAR5xx and PAR6xx rules read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True, eq=False)
class PlanStep:
    """One step of a plan: a numbered or checklist item, or a todo entry.

    ``number`` is the step's own label ("2", "1.3") when it has one; ``parent`` the step it sits
    under; ``group`` the parallel group it belongs to (None: sequential).
    """

    index: int
    text: str
    line: int
    depth: int = 0
    number: str | None = None
    phase: str = ""
    parent: PlanStep | None = None
    children: list[PlanStep] = field(default_factory=list)
    group: ParallelGroup | None = None
    depends_on: list[str] = field(default_factory=list)  # step numbers named as prerequisites
    files: set[str] = field(default_factory=set)
    outputs: set[str] = field(default_factory=set)  # files the step says it creates or changes
    done: bool = False

    @property
    def full_text(self) -> str:
        return self.text


@dataclass(slots=True, eq=False)
class ParallelGroup:
    """Steps the plan says run at the same time, and the line that says so."""

    line: int
    marker: str
    steps: list[PlanStep] = field(default_factory=list)
    owner: PlanStep | None = None  # the step whose sub-steps run in parallel, if any
    # Spec Kit's "[P]" and cc-sdd's "(P)" mark tasks that may run together, not a launch at once
    may: bool = False


@dataclass(slots=True)
class Suppression:
    """``<!-- parlint: ignore[CODE] -->`` / ``# parlint: ignore[CODE]``: a line and the codes it silences."""

    line: int
    codes: tuple[str, ...]
    used: bool = False


@dataclass(slots=True, eq=False)
class Plan:
    """A Markdown plan or a todo list. ``line_offset`` maps plan lines to the file holding it (a
    plan inside a transcript is reported at the transcript line of the call that carries it)."""

    path: str
    kind: str  # markdown | todos
    steps: list[PlanStep] = field(default_factory=list)
    groups: list[ParallelGroup] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    origin_line: int | None = None  # set for plans inside transcripts: every finding goes there
    source: str = ""

    def at(self, line: int) -> int | None:
        return self.origin_line if self.origin_line is not None else line

    def top_level(self) -> list[PlanStep]:
        return [s for s in self.steps if s.parent is None]

    def siblings(self, step: PlanStep) -> list[PlanStep]:
        return step.parent.children if step.parent is not None else self.top_level()


@dataclass(slots=True, eq=False)
class CodePlan:
    """A Python module of orchestration code, with its libcst tree and metadata wrapper."""

    path: str
    source: str
    module: Any  # libcst.Module
    wrapper: Any  # libcst.metadata.MetadataWrapper
    suppressions: list[Suppression] = field(default_factory=list)
    origin_line: int | None = None  # code actions inside a transcript
