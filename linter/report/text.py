"""Human-readable output: one line per finding (``path:line:col: CODE message``), then a summary."""

from __future__ import annotations

from collections import Counter

from linter.engine import Registry, RunResult
from linter.report.aggregate import money
from linter.textutil import safe


# Cost figures a transcript may not record (not_checked entries that leave every rule checked).
_FIGURES = frozenset({"seconds", "context_tokens"})


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def savings_line(result: RunResult) -> str:
    trips = sum(d.savings.extra_round_trips for d in result.diagnostics)
    low = sum(d.savings.overhead_tokens[0] for d in result.diagnostics)
    high = sum(d.savings.overhead_tokens[1] for d in result.diagnostics)
    measured = [d.savings.context_tokens for d in result.diagnostics
                if d.savings.extra_round_trips and d.savings.context_tokens is not None]
    seconds = [d.savings.seconds for d in result.diagnostics
               if d.savings.extra_round_trips and d.savings.seconds is not None]
    parts = [f"{_fmt_int(trips)} extra round trip{'s' if trips != 1 else ''}",
             f"{_fmt_int(low)}-{_fmt_int(high)} overhead tokens"]
    if measured:
        parts.append(f"{_fmt_int(sum(measured))} context tokens re-read")
    priced = [d.savings.dollars for d in result.diagnostics
              if d.savings.extra_round_trips and d.savings.dollars is not None]
    unpriced = sum(1 for d in result.diagnostics if d.savings.extra_round_trips and d.savings.unpriced)
    if priced:
        parts.append(f"{money(sum(priced))} at list prices" + (f" ({unpriced} unpriced)" if unpriced else ""))
    elif unpriced:
        parts.append(f"dollars unpriced ({unpriced} finding{'s' if unpriced != 1 else ''}: model not in the price table)")
    if seconds:
        parts.append(f"{sum(seconds):,.1f} s of waiting")
    return "Estimated missed savings: " + ", ".join(parts) + "."


def render(result: RunResult, registry: Registry, statistics: bool = False, show_suppressed: bool = False) -> str:
    lines = []
    for d in result.diagnostics:
        line = d.line if d.line is not None else 1
        lines.append(f"{safe(d.path)}:{line}:1: {d.code} {safe(d.message)}")
    if show_suppressed:
        for d in result.suppressed:
            line = d.line if d.line is not None else 1
            lines.append(f"{safe(d.path)}:{line}:1: {d.code} {safe(d.message)} [suppressed by {safe(d.suppressed or '')}]")
    if statistics and result.diagnostics:
        counts = Counter(d.code for d in result.diagnostics)
        rows = [(counts[c], c, registry.rules[c].name if c in registry.rules else "", registry.rules[c].severity
                 if c in registry.rules else "") for c in sorted(counts)]
        if lines:
            lines.append("")
        from tabulate import tabulate  # only the statistics table needs it

        lines.append(tabulate(rows, headers=["count", "code", "name", "severity"], tablefmt="plain"))
    if lines:
        lines.append("")
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def summary(result: RunResult) -> str:
    n = len(result.diagnostics)
    out = []
    if n:
        counts = Counter(d.code for d in result.diagnostics)
        by_code = ", ".join(f"{c} x{counts[c]}" for c in sorted(counts))
        out.append(f"Found {n} finding{'s' if n != 1 else ''} ({by_code}).")
    else:
        out.append("No findings.")
    what = []
    if result.sessions or not result.plans:
        what.append(f"{len(result.sessions)} session{'s' if len(result.sessions) != 1 else ''}")
    code = sum(1 for p in result.plans if p.get("kind") == "python")
    plans = len(result.plans) - code
    if plans:
        what.append(f"{plans} plan{'s' if plans != 1 else ''}")
    if code:
        what.append(f"{code} code file{'s' if code != 1 else ''}")
    checked = " and ".join(what) + " checked"
    if result.skipped:
        checked += f", {len(result.skipped)} file{'s' if len(result.skipped) != 1 else ''} skipped (not a transcript)"
    errors = sum(1 for e in result.errors if e.level == "error")
    warnings = len(result.errors) - errors
    if errors:
        checked += f", {errors} error{'s' if errors != 1 else ''}"
    if warnings:
        checked += f", {warnings} warning{'s' if warnings != 1 else ''}"
    # a rule or a part of the transcript left out, as against a cost figure the transcript cannot give
    partial = sum(1 for s in result.sessions if any(n["what"] not in _FIGURES for n in s.not_checked))
    figures = sum(1 for s in result.sessions if s.not_checked and all(n["what"] in _FIGURES for n in s.not_checked))
    if partial:
        checked += f"; {partial} session{'s' if partial != 1 else ''} only partly checked (see --output-format json: not_checked)"
    if figures and result.diagnostics:
        checked += (f"; {figures} session{'s' if figures != 1 else ''} without timestamps or token usage "
                    "(seconds or context tokens left out)")
    out.append(checked + ".")
    if result.suppressed:
        counts = Counter(d.suppressed or "" for d in result.suppressed)
        by = "; ".join(f"{safe(k)} x{v}" for k, v in sorted(counts.items()))
        out.append(f"{len(result.suppressed)} finding{'s' if len(result.suppressed) != 1 else ''} suppressed "
                   f"by configuration ({by}); --show-suppressed lists them.")
    if result.baselined or result.stale_baseline:
        note = f"{len(result.baselined)} finding{'s' if len(result.baselined) != 1 else ''} already in the baseline"
        if result.stale_baseline:
            stale = ", ".join(f"{e.get('code')} {safe(str(e.get('path')))}:{e.get('line')}" for e in result.stale_baseline[:5])
            note += (f"; {len(result.stale_baseline)} stale baseline entr{'ies' if len(result.stale_baseline) != 1 else 'y'}"
                     f" no longer found ({stale}{', ...' if len(result.stale_baseline) > 5 else ''})")
        out.append(note + ".")
    trips = sum(d.savings.extra_round_trips for d in result.diagnostics)
    out.append(savings_line(result) if trips else "Estimated missed savings: none.")
    return "\n".join(out)


def render_problem(problem: object) -> str:
    path = safe(getattr(problem, "path"))
    line = getattr(problem, "line")
    where = f"{path}:{line}" if line is not None else path
    return f"{where}: {getattr(problem, 'level')}: {safe(getattr(problem, 'message'))}"
