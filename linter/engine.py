"""Rule discovery and the lint run.

Rules come from the entry-point group ``parlint.rules``; the built-in rules register there too,
exactly as a third-party package would. Each entry point names a callable (or a module with
``get_rules``) returning rule classes. A plugin that fails to load is reported and the others run;
a rule whose code is already taken, or whose declaration is malformed, is rejected.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Callable, Iterable, Iterator

from linter.config import Config
from linter.cost import Savings, savings
from linter.discover import Input, discover
from linter.effects import EffectModel
from linter.model import ParseProblem, Session
from linter.parsers import FORMATS, parse_file
from linter.rule import Finding, Fix, Rule, RuleContext
from linter.textutil import safe

GROUP = "parlint.rules"


@dataclass
class Registry:
    rules: dict[str, type[Rule]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, rule: Any, origin: str) -> None:
        if not isinstance(rule, type) or not issubclass(rule, Rule):
            self.problems.append(f"{origin}: {rule!r} is not a Rule class; skipped")
            return
        issues = rule.validate()
        if issues:
            self.problems.append(f"{origin}: rule {getattr(rule, 'code', rule.__name__)}: {'; '.join(issues)}; skipped")
            return
        taken = self.rules.get(rule.code)
        if taken is not None:
            self.problems.append(
                f"{origin}: rule code {rule.code} is already used by {taken.__module__}.{taken.__name__}; "
                f"{rule.__module__}.{rule.__name__} rejected")
            return
        if any(r.name == rule.name for r in self.rules.values()):
            self.problems.append(f"{origin}: rule name {rule.name} is already used; {rule.code} rejected")
            return
        self.rules[rule.code] = rule

    def sorted(self) -> list[type[Rule]]:
        return [self.rules[c] for c in sorted(self.rules)]


def entry_points() -> Iterable[Any]:
    return metadata.entry_points(group=GROUP)


def load_registry(points: Iterable[Any] | None = None) -> Registry:
    registry = Registry()
    for point in sorted(points if points is not None else entry_points(), key=lambda p: p.name):
        origin = f"plugin {point.name!r} ({point.value})"
        try:
            target = point.load()
            if not callable(target) and hasattr(target, "get_rules"):
                target = target.get_rules
            found = target() if callable(target) else target
            found = list(found)
        except Exception as exc:  # a broken plugin must not stop the others
            registry.problems.append(f"{origin} failed to load: {type(exc).__name__}: {exc}")
            continue
        for rule in found:
            registry.add(rule, origin)
    return registry


@dataclass
class Diagnostic:
    code: str
    name: str
    severity: str
    confidence: str
    message: str
    path: str
    line: int | None
    call_ids: list[str]
    session_id: str | None
    agent_id: str
    savings: Savings
    tools: list[str] = field(default_factory=list)  # names of the calls involved (report grouping)
    fix: Fix | None = None
    suppressed: str | None = None  # the configured suppression that silences it, and why

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "severity": self.severity, "confidence": self.confidence,
            "message": self.message, "path": self.path, "line": self.line, "column": 1,
            "call_ids": self.call_ids, "session_id": self.session_id, "agent_id": self.agent_id,
            "savings": self.savings.to_json(),
            "fix": None if self.fix is None else {"description": self.fix.description, "safe": self.fix.safe},
        }


@dataclass
class SessionSummary:
    path: str
    format: str
    session_id: str | None
    steps: int
    tool_calls: int
    batches: int
    agents: int
    not_checked: list[dict[str, str]]
    project: str | None = None
    start: float | None = None
    end: float | None = None
    models: list[str] = field(default_factory=list)
    tools: dict[str, int] = field(default_factory=dict)
    findings: int = 0
    totals: dict[str, Any] = field(default_factory=dict)
    timeline: dict[str, Any] | None = None  # for the HTML report; not part of the JSON contract
    diagnostics: list[Diagnostic] = field(default_factory=list, repr=False)  # this session's findings

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "session_id": self.session_id, "steps": self.steps,
                "tool_calls": self.tool_calls, "batches": self.batches, "agents": self.agents,
                "not_checked": self.not_checked, "project": self.project,
                "start": _iso(self.start), "end": _iso(self.end), "models": self.models,
                "findings": self.findings, "totals": self.totals}


def _iso(when: float | None) -> str | None:
    if when is None:
        return None
    from datetime import datetime, timezone

    return datetime.fromtimestamp(when, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def totals(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """Savings of a set of findings, added up (estimates).

    With no round trip to save, every figure is zero; where trips were saved but nothing was
    measurable (no usage, no timestamps, an unpriced model) the figure is null.
    """
    saving = [d.savings for d in diagnostics if d.savings.extra_round_trips]
    measured = [s.context_tokens for s in saving if s.context_tokens is not None]
    dollars = [s.dollars for s in saving if s.dollars is not None]
    seconds = [s.seconds for s in saving if s.seconds is not None]
    return {
        "extra_round_trips": sum(s.extra_round_trips for s in saving),
        "overhead_tokens": [sum(s.overhead_tokens[0] for s in saving), sum(s.overhead_tokens[1] for s in saving)],
        "context_tokens": sum(measured) if measured or not saving else None,
        "dollars": round(sum(dollars), 6) if dollars or not saving else None,
        "unpriced": sum(1 for s in saving if s.unpriced),
        "seconds": round(sum(seconds), 3) if seconds or not saving else None,
    }


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sessions: list[SessionSummary] = field(default_factory=list)
    errors: list[ParseProblem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    files: int = 0
    plans: list[dict[str, Any]] = field(default_factory=list)
    suppressed: list[Diagnostic] = field(default_factory=list)  # silenced by configured suppressions
    baselined: list[Diagnostic] = field(default_factory=list)  # known from the baseline file
    stale_baseline: list[dict[str, Any]] = field(default_factory=list)  # baseline entries not seen now

    @property
    def has_errors(self) -> bool:
        return any(e.level == "error" for e in self.errors)


# Which session notes keep which rules from being fully evaluated.
_NOTE_RULES = {
    "subagents": ("PAR202", "PAR401"),
    "mid-turn": ("PAR302", "PAR401"),
    "one-call-per-turn": ("PAR101", "PAR102", "PAR103"),
    "results": ("PAR301", "PAR303"),
}


def lint_session(session: Session, rules: list[type[Rule]], config: Config) -> list[Diagnostic]:
    module = FORMATS[session.format]
    effects = EffectModel(module.EFFECTS, session.cwd, config.tool_effects, getattr(module, "FALLBACK", None))
    out: list[Diagnostic] = []
    for rule_cls in rules:
        if rule_cls.target != "session":
            continue
        rule = rule_cls()
        options = dict(rule_cls.options)
        ctx = RuleContext(session, effects, config, options)
        found: list[Diagnostic] = []
        try:
            for finding in rule.check(session, ctx):
                found.append(_diagnostic(rule_cls, finding, session, config))
        except Exception as exc:  # a broken rule (a plugin's, or a bug) must not stop the others
            session.problems.append(ParseProblem(session.path, None, f"rule {rule_cls.code} failed on this session "
                                                 f"({type(exc).__name__}: {exc}); its findings are left out"))
            continue
        out.extend(found)
    if any(r.target in ("plan", "code") for r in rules):
        from linter.plans.lint import embedded_code, embedded_plans, run_rules

        for plan in embedded_plans(session):
            for rule_cls, finding in run_rules(plan, rules, config, "plan", session.problems):
                out.append(_diagnostic(rule_cls, finding, session, config))
        for code in embedded_code(session, session.problems):
            for rule_cls, finding in run_rules(code, rules, config, "code", session.problems):
                out.append(_diagnostic(rule_cls, finding, session, config))
    out = _apply_suppressions(out, config)
    out.sort(key=lambda d: (d.path, d.line or 0, d.code))
    return out


def _apply_suppressions(found: list[Diagnostic], config: Config) -> list[Diagnostic]:
    """Mark findings that a configured suppression silences (they are counted, not dropped)."""
    for d in found:
        sup = config.suppressed_by(d.code, d.path)
        if sup is not None:
            d.suppressed = sup.describe()
    return found


def lint_plan_file(path: str, kind: str, rules: list[type[Rule]], config: Config,
                   errors: list[ParseProblem], text: str | None = None) -> tuple[list[Diagnostic], dict[str, Any] | None]:
    """Lint a Markdown plan (``kind="plan"``) or a Python file (``"code"``); ``text`` overrides the file."""
    from linter.plans.lint import run_rules
    from linter.plans.load import load_plan

    target = load_plan(path, kind, errors, text)
    if target is None:
        return [], None
    out = [_diagnostic(rule_cls, finding, None, config)
           for rule_cls, finding in run_rules(target, rules, config, kind, errors)]
    out = _apply_suppressions(out, config)
    out.sort(key=lambda d: (d.path, d.line or 0, d.code))
    summary = {"path": path, "kind": getattr(target, "kind", "python"),
               "steps": len(getattr(target, "steps", [])), "parallel_groups": len(getattr(target, "groups", []))}
    return out, summary


def _diagnostic(rule: type[Rule], finding: Finding, session: Session | None, config: Config) -> Diagnostic:
    loc = finding.location or (finding.calls[0].location if finding.calls else None)
    agent = finding.agent_id or (finding.calls[0].agent_id if finding.calls else "main")
    figures = savings(finding.steps, finding.depth, finding.concurrent, config.tokens_per_call,
                      config.price_table(), timed=finding.timed) if finding.steps else Savings()
    return Diagnostic(
        code=rule.code, name=rule.name, severity=rule.severity,
        confidence=finding.confidence or rule.confidence, message=finding.message,
        path=loc.path if loc else (session.path if session else ""), line=loc.line if loc else None,
        call_ids=[c.id for c in finding.calls], session_id=session.session_id if session else None,
        agent_id=agent, savings=figures, tools=sorted({c.name for c in finding.calls}), fix=finding.fix,
    )


def summarise(session: Session, rules: list[type[Rule]], diagnostics: list[Diagnostic] | None = None,
              timeline: bool = False) -> SessionSummary:
    steps = calls = batches = 0
    tools: dict[str, int] = {}
    start = end = None
    for step in session.all_steps():
        calls += len(step.calls)  # every distinct call, whatever the turn that holds it
        for call in step.calls:
            tools[call.name] = tools.get(call.name, 0) + 1
        for when in (step.start, step.end):
            if when is not None:
                start = when if start is None else min(start, when)
                end = when if end is None else max(end, when)
        if step.synthetic:
            continue
        steps += 1
        batches += step.is_batch
    active = {r.code for r in rules}
    notes = []
    for note in session.notes:
        affected = [c for c in _NOTE_RULES.get(note.what, ()) if c in active]
        what = ", ".join(affected) if affected else note.what
        notes.append({"what": what, "reason": note.reason})
    if calls == 0 and not any(n["what"] == "tool-calls" for n in notes):
        notes.append({"what": "tool-calls", "reason": "no tool calls recorded: the session rules had nothing to check"})
    mine = diagnostics or []
    summary = SessionSummary(session.path, session.format, session.session_id, steps, calls, batches,
                             len(session.agents), notes, project=_project(session), start=start, end=end,
                             models=sorted(session.models), tools=dict(sorted(tools.items())),
                             findings=len(mine), totals=totals(mine), diagnostics=list(mine))
    if timeline:
        from linter.report.timeline import build

        summary.timeline = build(session, mine)
    return summary


# Tool-call ids at least this long are random (toolu_01..., call_..., Gemini's name-time-hash):
# the same ids in two sessions mean one history copied into both, not two runs that met by chance.
_UNIQUE_ID = 16


def _copy_key(d: Diagnostic) -> tuple[str, tuple[str, ...]] | None:
    """What makes a finding the same finding wherever a copy of its calls turns up."""
    if not d.call_ids or any(len(i) < _UNIQUE_ID for i in d.call_ids):
        return None
    return d.code, tuple(sorted(d.call_ids))


def _project(session: Session) -> str | None:
    """The project a session belongs to: its working directory, else the folder that holds it."""
    if session.cwd:
        from linter.shell import is_windows_path, windows_path

        cwd = windows_path(session.cwd) if is_windows_path(session.cwd) else session.cwd  # C:\repos\app: app
        return cwd.rstrip("/").rsplit("/", 1)[-1] or session.cwd
    import os

    parent = os.path.basename(os.path.dirname(os.path.abspath(session.path)))
    return parent or None


def run(paths: list[str], config: Config, registry: Registry, *, fmt: str = "auto",
        progress: Callable[[int, int, str], None] | None = None, timeline: bool = False,
        baseline: set[str] | None = None, stdin_name: str = "-") -> RunResult:
    """Lint every transcript, plan and code file under ``paths``.

    A path of ``-`` reads one transcript from standard input; its findings and errors name it
    ``stdin_name`` (``-`` unless the caller knows the file it came from), which is also the path
    per-path ignores are matched against.

    ``progress(done, total, path)`` is called per file. Findings a configured suppression silences
    go to ``result.suppressed``; findings whose fingerprint is in ``baseline`` to ``result.baselined``.
    """
    from linter.fingerprint import fingerprint

    result = RunResult()

    def keep(found: list[Diagnostic]) -> list[Diagnostic]:
        kept = []
        for d in found:
            if d.suppressed is not None:
                result.suppressed.append(d)
            elif baseline is not None and fingerprint(d) in baseline:
                result.baselined.append(d)
            else:
                kept.append(d)
        return kept

    reported: dict[tuple[str, tuple[str, ...]], str] = {}  # copy key -> path of the session that reported it
    repeated: set[tuple[int, tuple[str, tuple[str, ...]]]] = set()  # (session, copy key) left out as reported

    def once(found: list[Diagnostic], session: Session) -> list[Diagnostic]:
        """Drop findings on calls another session of this run already reported (copied history)."""
        keyed = [(d, _copy_key(d)) for d in found]
        earlier = [reported[key] for _, key in keyed if key in reported]
        kept = [d for d, key in keyed if key not in reported]
        repeated.update((len(result.sessions), key) for _, key in keyed if key in reported)
        for d, key in keyed:
            if key is not None:
                reported.setdefault(key, d.path)
        if earlier:
            where = sorted(set(earlier))
            session.note("repeated", f"{len(earlier)} finding(s) are on calls already reported in "
                                     f"{', '.join(safe(w, 200) for w in where[:3])}"
                                     f"{' and others' if len(where) > 3 else ''} (a resumed or copied session "
                                     "repeats its history); they are reported there only")
        return kept

    rules = [r for r in registry.sorted() if config.enabled(r.code)]
    calls: list[list[str]] = []  # per session summary: its call ids, in order (the random ones)
    spooled = _spool_stdin(result.errors, stdin_name) if STDIN in paths else None
    paths = [q for q in (spooled if p == STDIN else p for p in paths) if q is not None]
    try:
        inputs: list[Input] = discover(paths, result.errors, result.skipped, config.plan_globs, config.code_globs)
        for n, item in enumerate(inputs):
            if progress is not None:
                progress(n, len(inputs), stdin_name if item.path == spooled else item.path)
            result.files += 1
            if item.kind in ("plan", "code"):
                found, plan = lint_plan_file(item.path, item.kind, rules, config, result.errors)
                result.diagnostics.extend(keep(found))
                if plan is not None:
                    result.plans.append(plan)
                continue
            sessions = _parsed(item, fmt, result.errors, result.skipped, spooled, stdin_name)
            for session in sessions:
                found = once(keep(lint_session(session, rules, config)), session)
                result.errors.extend(session.problems)  # the parser's, and any a rule ran into
                result.diagnostics.extend(found)
                result.sessions.append(summarise(session, rules, found, timeline))
                calls.append([c.id for c in session.all_calls() if len(c.id) >= _UNIQUE_ID])
    finally:
        if spooled is not None:
            _relabel_errors(result.errors, spooled, stdin_name)
            shutil.rmtree(os.path.dirname(spooled), ignore_errors=True)
    _judge_continued(result, calls, {r.code for r in rules if r.at_end}, repeated)
    return result


# The path argument that stands for standard input (``claude -p ... | parlint check -``).
STDIN = "-"


def _spool_stdin(errors: list[ParseProblem], label: str) -> str | None:
    """Copy standard input to a temporary file, so that it is parsed like any file (streamed, with
    line numbers); its findings and errors name it ``label``. None when there is nothing to read."""
    stream = sys.stdin
    if stream is None or stream.isatty():
        errors.append(ParseProblem(label, None, "standard input is a terminal: pipe a transcript into "
                                               "`parlint check -`, or name a file"))
        return None
    folder = tempfile.mkdtemp(prefix="parlint-stdin-")
    target = os.path.join(folder, "stdin")
    with open(target, "wb") as fp:
        shutil.copyfileobj(getattr(stream, "buffer", stream), fp, 1 << 20)
        empty = fp.tell() == 0
    if empty:
        shutil.rmtree(folder, ignore_errors=True)
        errors.append(ParseProblem(label, None, "standard input is empty: nothing to check", level="warning"))
        return None
    return target


def _parsed(item: Input, fmt: str, errors: list[ParseProblem], skipped: list[str],
            spooled: str | None, label: str) -> Iterator[Session]:
    """The sessions of one input; those read from standard input are relabelled ``label``."""
    if spooled is None or item.path != spooled:
        yield from parse_file(item, fmt, errors, skipped)
        return
    for session in parse_file(item, fmt, errors, skipped):
        _relabel(session, spooled, label)
        yield session


def _relabel(session: Session, spooled: str, label: str) -> None:
    session.path = label
    for problem in session.problems:
        if problem.path == spooled:
            problem.path = label
    for agent in session.agents.values():
        for event in agent.events:
            event.location.path = label
        for step in agent.steps:
            step.location.path = label
            for call in step.calls:
                call.location.path = label
                if call.result is not None:
                    call.result.location.path = label


def _relabel_errors(errors: list[ParseProblem], spooled: str, label: str) -> None:
    for problem in errors:
        if problem.path == spooled:
            problem.path = label


def _judge_continued(result: RunResult, calls: list[list[str]], at_end: set[str],
                     repeated: set[tuple[int, tuple[str, tuple[str, ...]]]]) -> None:
    """Drop end-of-transcript findings (``Rule.at_end``) of a session that goes on in another
    session of the run: a resumed Claude Code session is a new file that copies the old one's
    history, calls and ids included, and carries on after it. Whatever the old file left undone
    at its end is judged where the work went on, unless the later session found the same thing
    again (left out there as repeated): then it stays where it was first reported."""
    owner = {id(d): n for n, summary in enumerate(result.sessions) for d in summary.diagnostics}
    candidates = [(d, owner[id(d)]) for d in result.diagnostics if d.code in at_end and id(d) in owner
                  and _copy_key(d) is not None and calls[owner[id(d)]]]
    if not candidates:
        return
    where: dict[str, list[tuple[int, int]]] = {}  # call id -> (session, position) of each copy
    for n, ids in enumerate(calls):
        for at, call_id in enumerate(ids):
            where.setdefault(call_id, []).append((n, at))
    dropped: set[int] = set()
    for d, n in candidates:
        last = calls[n][-1]  # where this session stopped
        for other in sorted({m for m, _ in where[last] if m != n}):
            ends = [at for m, at in where[last] if m == other]
            held = all(any(m == other for m, _ in where.get(call_id, ())) for call_id in d.call_ids)
            if held and max(ends) < len(calls[other]) - 1 and (other, _copy_key(d)) not in repeated:
                # it holds this session's calls, goes on past where this one stopped, and did not
                # find the same thing again
                dropped.add(id(d))
                result.sessions[n].not_checked.append({
                    "what": d.code, "reason": f"the session goes on in {safe(result.sessions[other].path, 200)} "
                                              "(resumed with its history): judged there"})
                break
    if not dropped:
        return
    result.diagnostics = [d for d in result.diagnostics if id(d) not in dropped]
    for summary in result.sessions:
        if any(id(d) in dropped for d in summary.diagnostics):
            summary.diagnostics = [d for d in summary.diagnostics if id(d) not in dropped]
            summary.findings = len(summary.diagnostics)
            summary.totals = totals(summary.diagnostics)
            if summary.timeline:
                kept = {(call_id, d.code) for d in summary.diagnostics for call_id in d.call_ids}
                for lane in summary.timeline["lanes"]:
                    for call in lane["calls"]:
                        call["codes"] = [code for code in call["codes"] if (call["id"], code) in kept]
