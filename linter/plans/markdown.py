"""Markdown plans: numbered and checklist steps, nesting, phases, parallel markers, dependencies.

What counts as a step: a numbered item (``1.``, ``2)``), a checklist item (``- [ ]``, ``- [x]``,
Kiro's optional ``- [ ]*``), or a heading that names a step (``### Step 3: ...``). Plain bullets
under a step are its details (their text, files and dependencies belong to the step). Headings
are phases. Fenced code blocks are skipped.

Parallel groups: a step or heading whose text says "(parallel)", "in parallel", "parallel tasks",
"simultaneously", "at the same time" or "concurrently" makes its sub-steps (for a step) or the
steps under it (for a heading) one group; a paragraph such as "Parallel Tasks:" makes the list
that follows one group. Task markers that say a task may run in parallel form groups too: Spec
Kit's consecutive ``T005 [P]`` tasks, and cc-sdd's ``2.1 (P)`` tasks (consecutive marked siblings
of one numbered parent, ``2.1 (P)`` and ``2.2 (P)``, or major tasks ``2. (P)`` and ``3. (P)``).

Dependencies: "after step 2", "depends on 1.2", "using the results of step 3", "once 2 is done",
"requires 1.1", "blocked by 4", cc-sdd's ``_Depends: 1.1, 3.2_``. Kiro's ``_Requirements: 1.2_``
lines name acceptance criteria in requirements.md, not other tasks, so they are not dependencies.
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
_SPEC_TASK = re.compile(r"^(?P<id>T\d{2,4})\s+(?P<p>\[P\]\s+)?(?P<rest>.*)$")
# cc-sdd: "2.1 (P) Build the worker" (or the marker at the end of the title)
_MAY_PARALLEL = re.compile(r"^\(P\)\s+|\s+\(P\)$")
PARALLEL = re.compile(
    r"\(parallel\)|\bin parallel\b|\bparallel (?:tasks|steps|work|group|track)s?\b|\bsimultaneously\b|"
    r"\bat the same time\b|\bconcurrently\b|\bparallel:", re.I)
_NEGATED = re.compile(r"\b(?:not|never|don't|do not|cannot|can't|avoid|rather than|instead of|no need)\b[^.]{0,30}"
                      r"(?:in parallel|simultaneously|at the same time|concurrently)", re.I)
_TOGETHER = r"(?:in parallel|concurrently|simultaneously|at the same time)"
# A marker on a list item counts only when it is about running steps, not about what the code
# does ("fetch the widgets in parallel with Promise.all", "send chunks concurrently").
STEP_PARALLEL = re.compile(
    r"\(parallel\)|\bparallel:|\bparallel (?:tasks|steps|work|group|track|phase|workstream)s?\b"
    r"|\b(?:run|do|execute|launch|spawn|dispatch|start|kick off|perform|work on|tackle|fan out|split)\b[^.:]{0,40}\b"
    + _TOGETHER + r"|\b" + _TOGETHER + r"\s*:|^\W*" + _TOGETHER + r"\b"
    r"|\b(?:can|could|should|may|will)\s+(?:all\s+|both\s+)?(?:be\s+)?(?:run|done|executed|worked on|handled|performed|"
    r"happen|proceed|go)\b[^.]{0,20}\b" + _TOGETHER +
    r"|\b(?:these|the following|both|all of them|sub-?tasks|sub-?steps|steps|tasks|agents|subagents|workers)\b[^.]{0,30}\b"
    + _TOGETHER, re.I)
_DEPENDS = re.compile(
    r"\b(?:after|depends on|depends:|depending on|dependent on|using (?:the )?(?:results?|outputs?) (?:of|from)|"
    r"needs|need|wait(?:s|ing)? for|when|uses? (?:the )?(?:results?|outputs?) (?:of|from)|"
    r"once|requires|blocked by|following|builds on|based on (?:the )?(?:results?|outputs?) of|"
    r"(?:found|identified|listed|produced|created) in|from)\s+"
    r"(?:(?:steps?|tasks?|phases?|items?)\s+)?#?(?P<n>\d+(?:\.\d+)*)(?P<more>(?:\s*(?:,|and|&)\s*#?\d+(?:\.\d+)*)*)"
    # "after 3 attempts", "once 5 failures": a count, not a step
    r"(?!\.?\d|\s*(?:%|x\b|ms\b|s\b|attempts?|tries|retries|failures?|errors?|seconds?|secs?|minutes?|mins?|hours?|"
    r"hrs?|days?|weeks?|months?|times?|requests?|calls?|replicas?|items?|records?|rows?|users?|bytes?|[kmg]b\b|"
    r"lines?|characters?|chars?|tokens?|pages?|results?|entries|files?|messages?))",
    re.I)
_EMPHASIS_LEAD = re.compile(r"(?<![\w*])[_*]{1,2}(?=depends\b)|(?<=depends:)[_*]{1,2}", re.I)
_SUPPRESS = re.compile(r"<!--\s*parlint:\s*ignore\[(?P<codes>[A-Z0-9, ]+)\]\s*-->")
_PATH = re.compile(r"(?<![\w/.-])(?:\.{0,2}/)?(?:[\w@.-]+/)*[\w@-]+(?:\.[\w-]+)*\.[A-Za-z][\w]{0,9}(?![\w/])")
_BACKTICK = re.compile(r"`([^`\n]+)`")
_WRITE_VERBS = re.compile(
    r"\b(?:create|creates|write|writes|add|adds|update|updates|modify|modifies|edit|edits|change|changes|"
    r"generate|generates|produce|produces|implement|implements|refactor|refactors|delete|deletes|remove|"
    r"removes|rename|renames|move|moves|fix|fixes|patch|patches|save|saves|append|replace)\b", re.I)
_NOT_FILES = {"e.g", "i.e", "etc", "vs"}
_FRAMEWORKS = {"next.js", "node.js", "vue.js", "nuxt.js", "express.js", "three.js", "d3.js", "chart.js", "react.js",
               "angular.js", "ember.js", "backbone.js", "nest.js", "p5.js", "alpine.js", "solid.js", "deno.js"}
_FILE_EXTENSIONS = set("""
py pyi ipynb js jsx mjs cjs ts tsx mts cts vue svelte md mdx rst txt json jsonl yaml yml toml ini cfg conf env
lock sh bash zsh ps1 bat go rs java kt kts scala rb php c h cc cpp cxx hpp cs fs swift m mm dart lua ex exs erl
hs ml clj zig nim jl r pl sql graphql gql proto tf hcl css scss sass less html htm xml svg csv tsv log
gradle properties plist dockerfile makefile mk cmake pem crt patch diff
""".split())
# A clause about reading names files it does not change ("Read `src/auth.py` to see where to add...").
READ_LEAD = re.compile(r"^\W*(?:\d+[.)]\s*)?(?:\[.\]\s*)?(?:read|review|inspect|look|check|examine|study|understand|"
                        r"see|skim|explore|find|locate|search|investigate)\b(?!-)", re.I)


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
        if token.lower() in _FRAMEWORKS:
            continue  # "Next.js", "Node.js": a name, not a file
        if token.startswith("/") and "." not in token.rsplit("/", 1)[-1]:
            continue  # "/reports/export", "/dashboard": a route (or a directory), not a file
        if "/" in token or ext in _FILE_EXTENSIONS:  # `logger.info`, `asyncio.gather` name code, not files
            found.add(token[2:] if token.startswith("./") else token)
    return found


# Where a clause turns to what it only refers to ("following the pattern in src/api/orders.py").
_REFERENCE = re.compile(r"\b(?:following|like|based on|similar to|as in|as done in|pattern (?:in|from|of)|using|"
                        r"with the \w+ (?:from|in)|from|see|per|matching|mirroring|modelled on|modeled on|copy of)\b", re.I)


def _outputs(text: str, files: set[str]) -> set[str]:
    if not files or not _WRITE_VERBS.search(text):
        return set()
    out = set()
    for clause in re.split(r"[.;:]\s|\n", text):
        if _WRITE_VERBS.search(clause) and not READ_LEAD.search(clause):
            reference = _REFERENCE.search(clause, _WRITE_VERBS.search(clause).end())
            written = clause[:reference.start()] if reference else clause
            out |= {f for f in files if f in written and not f.endswith("/")}
    return out


def _dependencies(text: str) -> list[str]:
    deps = []
    text = _EMPHASIS_LEAD.sub(" ", text)  # "_Depends: 1.1_", "**Depends:** 2"
    for match in _DEPENDS.finditer(text):
        deps.append(match.group("n"))
        deps.extend(re.findall(r"\d+(?:\.\d+)*", match.group("more") or ""))
    return deps


def is_parallel(text: str, pattern: re.Pattern[str] = PARALLEL) -> str | None:
    """The parallel marker a text carries, unless it says not to run things in parallel."""
    if _NEGATED.search(text):
        return None
    match = pattern.search(text)
    return match.group(0) if match else None


# A paragraph that labels what follows as checks ("**Verification**", "Testing:"): the end of a
# parallel phase, and no step of it.
_CHECKS_LABEL = re.compile(r"^\W*(?:verification|verify|validation|testing|tests|how to test|checks?|acceptance)\W*$", re.I)
# A paragraph in bold only ("**Track A — backend**"): a workstream label inside a parallel phase.
_BOLD_LABEL = re.compile(r"^\*\*(?P<label>[^*]+)\*\*:?$")


def parse(text: str, path: str, kind: str = "markdown", origin_line: int | None = None) -> Plan:
    plan = Plan(path=path, kind=kind, origin_line=origin_line, source=text)
    stack: list[tuple[int, PlanStep]] = []  # (indent, step)
    phase = ""
    phase_group: ParallelGroup | None = None
    phase_level = 0
    pending_group: ParallelGroup | None = None  # "Parallel Tasks:" paragraph before a list
    phase_prose = False  # a paragraph at the margin of a parallel phase: plain bullets after it are prose
    spec_group: ParallelGroup | None = None  # consecutive Spec Kit "[P]" tasks
    in_fence = False
    last_step: PlanStep | None = None
    marked: set[int] = set()  # steps with cc-sdd's "(P)"
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
            spec_group = None
            if phase_group is not None and level <= phase_level:
                phase_group = None
            step_heading = _STEP_HEADING.match(title)
            marker = is_parallel(title) if level > 1 else None  # a document's title names the feature
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
            phase_prose = False
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
            elif phase_group is not None and not raw[:1].isspace() and _CHECKS_LABEL.match(stripped):
                phase_group = pending_group = None  # "**Verification**": the phase's work is over
                stack, last_step = [], None
            elif phase_group is not None and not raw[:1].isspace() and _BOLD_LABEL.match(stripped) \
                    and not is_parallel(stripped):
                # "**Track A — backend**": one workstream of the phase, its items in order beneath it
                step = _new_step(plan, _BOLD_LABEL.match(stripped).group("label").strip(), lineno, 0, None, phase)
                _join(phase_group, step)
                last_step = step
                stack = [(-1, step)]
                phase_prose = False
            elif phase_group is not None and not raw[:1].isspace() and not is_parallel(stripped):
                phase_prose = True  # "Files to modify:": the plain bullets after it are no steps
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
        may = None
        if number is not None and "(P)" in rest:
            may = _MAY_PARALLEL.search(rest)
            if may:
                rest = (rest[:may.start()] + rest[may.end():]).strip()
        spec = _SPEC_TASK.match(rest)
        if spec:  # Spec Kit: "T005 [P] Add Album in src/models/album.ts"
            number, rest = spec.group("id"), spec.group("rest")
            if not spec.group("p"):
                spec_group = None
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else None
        if not (check or number is not None) and parent is not None:
            _details(parent, rest)  # a plain bullet under a step: a detail of that step
            continue
        if not (check or number is not None) and parent is None and (
                (pending_group is None and phase_group is None) or (phase_group is not None and phase_prose)):
            continue  # a plain bullet list outside any step (or under a paragraph of a phase): prose, not steps
        step = _new_step(plan, rest, lineno, len(stack), number, phase, parent)
        step.done = done
        if may:
            marked.add(step.index)
        last_step = step
        stack.append((indent, step))
        if parent is not None and parent.group is None and _owned_group(plan, parent) is not None:
            _join(_owned_group(plan, parent), step)
        elif parent is None and pending_group is not None:
            _join(pending_group, step)
        elif parent is None and phase_group is not None:
            _join(phase_group, step)
        if spec and spec.group("p") and parent is None and step.group is None:
            # consecutive [P] tasks may run together
            if spec_group is None:
                spec_group = ParallelGroup(lineno, "[P]", may=True)
                plan.groups.append(spec_group)
            _join(spec_group, step)
        elif parent is None:
            spec_group = None
        marker = is_parallel(rest, STEP_PARALLEL)
        if marker:
            plan.groups.append(ParallelGroup(lineno, marker, owner=step))
    _marked_groups(plan, marked)
    _named_groups(plan, text)
    plan.groups = [g for g in plan.groups if len(g.steps) >= 2]
    return plan


def _marked_groups(plan: Plan, marked: set[int]) -> None:
    """cc-sdd's "(P)" tasks: consecutive marked siblings (same numbered parent) form a group; an
    unmarked sibling ("2.3 Verify the tests") or the next task outside the parent ends it."""
    if not marked:
        return
    runs: dict[tuple[int, str], ParallelGroup] = {}  # (list parent, number prefix) -> open group
    for step in plan.steps:
        if not step.number or not re.fullmatch(r"\d+(?:\.\d+)*", step.number):
            continue
        prefix = step.number.rpartition(".")[0]
        parent = step.parent.index if step.parent is not None else -1
        for key in [k for k in runs if k[0] == parent and k[1] and not (step.number + ".").startswith(k[1] + ".")]:
            del runs[key]  # the next major task: the sub-task runs of the one before are over
        key = (parent, prefix)
        if step.index not in marked:
            runs.pop(key, None)
            continue
        group = runs.get(key)
        if group is None:
            group = runs[key] = ParallelGroup(step.line, "(P)", may=True)
            plan.groups.append(group)
        _join(group, step)


# "Steps 2, 3 and 4 can run in parallel once step 1 is done."
_NAMED_GROUP = re.compile(r"\bsteps\s+(?P<ns>\d+(?:\s*(?:,|and|&)\s*(?:and\s+)?\d+)+)\b[^.\n]{0,60}?\b" + _TOGETHER, re.I)


def _named_groups(plan: Plan, text: str) -> None:
    """Steps that a sentence names as parallel form a group (those not in one already)."""
    by_number = {s.number: s for s in plan.steps if s.number}
    for lineno, line in enumerate(text.splitlines(), 1):
        if _NEGATED.search(line):
            continue
        for match in _NAMED_GROUP.finditer(line):
            steps = [by_number[n] for n in re.findall(r"\d+", match.group("ns")) if n in by_number]
            free = [st for st in steps if st.group is None]
            if len(free) >= 2:
                group = ParallelGroup(lineno, match.group(0)[-40:].strip())
                plan.groups.append(group)
                for step in free:
                    _join(group, step)


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
