"""Markdown plans: numbered and checklist steps, nesting, phases, parallel markers, dependencies.

What counts as a step: a numbered item (``1.``, ``2)``), a checklist item (``- [ ]``, ``- [x]``,
Kiro's optional ``- [ ]*``), or a heading that names a step (``### Step 3: ...``). Plain bullets
under a step are its details (their text, files and dependencies belong to the step). Headings
are phases. Fenced code blocks are skipped.

Parallel groups: a step or heading whose text says "(parallel)", "in parallel", "parallel tasks",
"simultaneously", "at the same time" or "concurrently" makes its sub-steps (for a step) or the
steps under it (for a heading) one group; a paragraph such as "Parallel Tasks:" makes the list
that follows one group.

Dependencies: "after step 2", "depends on 1.2", "using the results of step 3", "once 2 is done",
"requires 1.1", "blocked by 4". Kiro's ``_Requirements: 1.2_`` lines name acceptance criteria in
requirements.md, not other tasks, so they are not dependencies.
"""

from __future__ import annotations

import re
from typing import Any

from linter.plans.model import ParallelGroup, Plan, PlanStep, Suppression

_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<bullet>[-*+])|(?P<num>\d+)[.)])\s+(?P<rest>.*)$")
_CHECK = re.compile(r"^\[(?P<mark>[ xX~-])\]\*?\s*(?P<rest>.*)$")
_LEAD_NUMBER = re.compile(r"^(?P<n>\d+(?:\.\d+)*)\.?\s+(?P<rest>.*)$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_STEP_HEADING = re.compile(r"^(?:step|task)\s+(?P<n>\d+(?:\.\d+)*)\b[:.)\s-]*(?P<rest>.*)$", re.I)
_FENCE = re.compile(r"^\s*(```|~~~)")
PARALLEL = re.compile(
    r"\(parallel\)|\bin parallel\b|\bparallel (?:tasks|steps|work|group|track)s?\b|\bsimultaneously\b|"
    r"\bat the same time\b|\bconcurrently\b|\bparallel:", re.I)
_NEGATED = re.compile(r"\b(?:not|never|don't|do not|cannot|can't|avoid)\b[^.]{0,30}"
                      r"(?:in parallel|simultaneously|at the same time|concurrently)", re.I)
_DEPENDS = re.compile(
    r"\b(?:after|depends on|depending on|dependent on|using (?:the )?(?:results?|outputs?) (?:of|from)|"
    r"once|requires|blocked by|following|builds on|based on (?:the )?(?:results?|outputs?) of|"
    r"(?:found|identified|listed|produced|created) in|from)\s+"
    r"(?:(?:steps?|tasks?|phases?|items?)\s+)?#?(?P<n>\d+(?:\.\d+)*)(?P<more>(?:\s*(?:,|and|&)\s*#?\d+(?:\.\d+)*)*)",
    re.I)
_SUPPRESS = re.compile(r"<!--\s*parlint:\s*ignore\[(?P<codes>[A-Z0-9, ]+)\]\s*-->")
_PATH = re.compile(r"(?<![\w/.-])(?:\.{0,2}/)?(?:[\w@.-]+/)*[\w@-]+(?:\.[\w-]+)*\.[A-Za-z][\w]{0,9}(?![\w/])")
_BACKTICK = re.compile(r"`([^`\n]+)`")
_WRITE_VERBS = re.compile(
    r"\b(?:create|creates|write|writes|add|adds|update|updates|modify|modifies|edit|edits|change|changes|"
    r"generate|generates|produce|produces|implement|implements|refactor|refactors|delete|deletes|remove|"
    r"removes|rename|renames|move|moves|fix|fixes|patch|patches|save|saves|append|replace)\b", re.I)
_NOT_FILES = {"e.g", "i.e", "etc", "vs"}
_FILE_EXTENSIONS = set("""
py pyi ipynb js jsx mjs cjs ts tsx mts cts vue svelte md mdx rst txt json jsonl yaml yml toml ini cfg conf env
lock sh bash zsh ps1 bat go rs java kt kts scala rb php c h cc cpp cxx hpp cs fs swift m mm dart lua ex exs erl
hs ml clj zig nim jl r pl sql graphql gql proto tf hcl css scss sass less html htm xml svg csv tsv log
gradle properties plist dockerfile makefile mk cmake pem crt patch diff
""".split())
# A clause about reading names files it does not change ("Read `src/auth.py` to see where to add...").
READ_LEAD = re.compile(r"^\W*(?:\d+[.)]\s*)?(?:\[.\]\s*)?(?:read|review|inspect|look|check|examine|study|understand|"
                        r"see|skim|explore|find|locate|search|investigate)\b", re.I)


def files_in(text: str) -> set[str]:
    """Paths and file names a step names (``src/app.py``, `config.yaml`, ``./scripts/run.sh``)."""
    found = set()
    candidates = [m.group(1) for m in _BACKTICK.finditer(text)] + [m.group(0) for m in _PATH.finditer(text)]
    for raw in candidates:
        token = raw.strip().lstrip("(['\"").rstrip(".,;:)]'\"")
        if not token or " " in token or token.lower() in _NOT_FILES or token.startswith(("http:", "https:")):
            continue
        if re.fullmatch(r"\d+(?:\.\d+)+", token):
            continue  # a version or a step number
        ext = token.rsplit(".", 1)[-1].lower() if "." in token else ""
        if "/" in token or ext in _FILE_EXTENSIONS:  # `logger.info`, `asyncio.gather` name code, not files
            found.add(token[2:] if token.startswith("./") else token)
    return found


def _outputs(text: str, files: set[str]) -> set[str]:
    if not files or not _WRITE_VERBS.search(text):
        return set()
    out = set()
    for clause in re.split(r"[.;:]\s|\n", text):
        if _WRITE_VERBS.search(clause) and not READ_LEAD.search(clause):
            out |= {f for f in files if f in clause}
    return out


def _dependencies(text: str) -> list[str]:
    deps = []
    for match in _DEPENDS.finditer(text):
        deps.append(match.group("n"))
        deps.extend(re.findall(r"\d+(?:\.\d+)*", match.group("more") or ""))
    return deps


def is_parallel(text: str) -> str | None:
    """The parallel marker a text carries, unless it says not to run things in parallel."""
    if _NEGATED.search(text):
        return None
    match = PARALLEL.search(text)
    return match.group(0) if match else None


def parse(text: str, path: str, kind: str = "markdown", origin_line: int | None = None) -> Plan:
    plan = Plan(path=path, kind=kind, origin_line=origin_line, source=text)
    stack: list[tuple[int, PlanStep]] = []  # (indent, step)
    phase = ""
    phase_group: ParallelGroup | None = None
    phase_level = 0
    pending_group: ParallelGroup | None = None  # "Parallel Tasks:" paragraph before a list
    in_fence = False
    last_step: PlanStep | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        for match in _SUPPRESS.finditer(raw):
            codes = tuple(c.strip() for c in match.group("codes").split(",") if c.strip())
            plan.suppressions.append(Suppression(lineno, codes))
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence or not raw.strip():
            continue
        heading = _HEADING.match(raw.strip())
        if heading and not raw.startswith((" ", "\t")):
            level = len(heading.group("hashes"))
            title = heading.group("text")
            stack = []
            if phase_group is not None and level <= phase_level:
                phase_group = None
            step_heading = _STEP_HEADING.match(title)
            marker = is_parallel(title)
            if step_heading:
                step = _new_step(plan, step_heading.group("rest") or title, lineno, 0, step_heading.group("n"), phase)
                if phase_group is not None:
                    _join(phase_group, step)
                last_step = step
                if marker:
                    # "### Step 3: run the audits in parallel": its sub-items run together
                    stack = [(-1, step)]
                    group = ParallelGroup(lineno, marker, owner=step)
                    plan.groups.append(group)
                    step.group = step.group  # the owner itself stays where it is
                    pending_group = group
                continue
            if phase_group is not None and level > phase_level and not marker:
                # "### Agent A" under "## Phase 1 (in parallel)": one workstream of the phase, its
                # own items in order beneath it
                step = _new_step(plan, title, lineno, 0, None, phase)
                _join(phase_group, step)
                last_step = step
                stack = [(-1, step)]
                continue
            phase = title
            if marker:
                phase_group = ParallelGroup(lineno, marker)
                plan.groups.append(phase_group)
                phase_level = level
            pending_group = None
            continue
        item = _ITEM.match(raw)
        if item is None:
            stripped = raw.strip()
            if last_step is not None and raw.startswith((" ", "\t")) and stack:
                _details(last_step, stripped)
            else:
                marker = is_parallel(stripped)
                if marker and stripped.endswith(":"):
                    pending_group = ParallelGroup(lineno, marker)
                    plan.groups.append(pending_group)
                elif not stripped.startswith("<!--"):
                    # a paragraph at the margin ("Then, once both are merged:") ends the list
                    # and its parallel group; an indented one only continues the item above
                    ends = not stack or (bool(stripped) and not raw[:1].isspace())
                    pending_group = None if ends else pending_group
            continue
        indent = len(item.group("indent").expandtabs(4))
        rest = item.group("rest").strip()
        number = item.group("num")
        check = _CHECK.match(rest)
        done = False
        if check:
            done = check.group("mark") in "xX"
            rest = check.group("rest").strip()
        lead = _LEAD_NUMBER.match(rest)
        if lead and (check or number is None):
            number, rest = lead.group("n"), lead.group("rest")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else None
        if not (check or number is not None) and parent is not None:
            _details(parent, rest)  # a plain bullet under a step: a detail of that step
            continue
        if not (check or number is not None) and parent is None and pending_group is None and phase_group is None:
            continue  # a plain bullet list outside any step: prose, not steps
        step = _new_step(plan, rest, lineno, len(stack), number, phase, parent)
        step.done = done
        last_step = step
        stack.append((indent, step))
        if parent is not None and parent.group is None and _owned_group(plan, parent) is not None:
            _join(_owned_group(plan, parent), step)
        elif parent is None and pending_group is not None:
            _join(pending_group, step)
        elif parent is None and phase_group is not None:
            _join(phase_group, step)
        marker = is_parallel(rest)
        if marker:
            plan.groups.append(ParallelGroup(lineno, marker, owner=step))
    plan.groups = [g for g in plan.groups if len(g.steps) >= 2]
    return plan


def _owned_group(plan: Plan, owner: PlanStep) -> ParallelGroup | None:
    for group in plan.groups:
        if group.owner is owner:
            return group
    return None


def _join(group: ParallelGroup, step: PlanStep) -> None:
    if step.group is None:
        step.group = group
        group.steps.append(step)


def _new_step(plan: Plan, text: str, line: int, depth: int, number: str | None, phase: str,
              parent: PlanStep | None = None) -> PlanStep:
    step = PlanStep(index=len(plan.steps), text=text, line=line, depth=depth, number=number, phase=phase,
                    parent=parent)
    _details(step, text, first=True)
    if parent is not None:
        parent.children.append(step)
    plan.steps.append(step)
    return step


def _details(step: PlanStep, text: str, first: bool = False) -> None:
    if not first:
        step.text = f"{step.text}\n{text}"
    if text.lstrip().startswith("_Requirements"):
        return
    files = files_in(text)
    step.files |= files
    step.outputs |= _outputs(text, files)
    step.depends_on.extend(d for d in _dependencies(text) if d != step.number)


def from_todos(items: list[Any], path: str, origin_line: int | None, kind: str = "todos") -> Plan:
    """A todo list (TodoWrite, TaskCreate, write_todos, update_plan) as a flat plan."""
    lines = []
    for item in items:
        if isinstance(item, dict):
            text = next((item[k] for k in ("content", "description", "step", "subject", "title", "text")
                         if isinstance(item.get(k), str) and item.get(k)), "")
            status = str(item.get("status", ""))
        elif isinstance(item, str):
            text, status = item, ""
        else:
            continue
        text = " ".join(text.split())
        if text:
            lines.append(f"- [{'x' if status == 'completed' else ' '}] {text}")
    return parse("\n".join(lines), path, kind=kind, origin_line=origin_line)
