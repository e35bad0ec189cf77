"""Figures of an efficiency report: totals, groups, findings by rule, the most wasteful sessions.

Everything here is arithmetic on a ``RunResult``; the renderers (terminal, Markdown, HTML) only
lay it out. Every savings figure is an estimate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from linter.engine import Diagnostic, RunResult, SessionSummary, totals

GROUPS = ("project", "session", "model", "tool", "rule")


@dataclass
class Row:
    key: str
    sessions: int = 0
    steps: int = 0
    calls: int = 0
    batches: int = 0
    findings: int = 0
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def calls_per_step(self) -> float:
        return self.calls / self.steps if self.steps else 0.0

    @property
    def parallelism_ratio(self) -> float:
        needed = self.steps - int(self.figures.get("extra_round_trips", 0))
        return self.steps / needed if needed > 0 and self.steps else 1.0


@dataclass
class Report:
    sessions: list[SessionSummary]
    diagnostics: list[Diagnostic]
    total: Row
    groups: list[Row]
    group_by: str
    by_rule: list[Row]
    top: list[tuple[SessionSummary, dict[str, Any]]]
    unpriced_models: list[str]
    errors: int
    skipped: int
    excluded: int  # sessions left out by --since/--until (or with no date when a bound is given)


def _day(when: float | None) -> str:
    return datetime.fromtimestamp(when, tz=timezone.utc).date().isoformat() if when is not None else ""


def _row(key: str, sessions: list[SessionSummary], diags: list[Diagnostic]) -> Row:
    return Row(key, len(sessions), sum(s.steps for s in sessions), sum(s.tool_calls for s in sessions),
               sum(s.batches for s in sessions), len(diags), totals(diags))


def _waste(figures: dict[str, Any]) -> tuple[float, int, int]:
    return (figures.get("dollars") or 0.0, figures.get("context_tokens") or 0, figures.get("extra_round_trips") or 0)


def build(result: RunResult, group_by: str = "project", since: str | None = None, until: str | None = None,
          top: int = 10) -> Report:
    sessions = list(result.sessions)
    excluded = 0
    if since or until:
        kept = []
        for s in sessions:
            day = _day(s.start)
            if day and (not since or day >= since) and (not until or day <= until):
                kept.append(s)
            else:
                excluded += 1
        sessions = kept
    diags = [d for s in sessions for d in s.diagnostics]

    def mine(s: SessionSummary) -> list[Diagnostic]:
        return s.diagnostics

    groups: list[Row] = []
    if group_by == "rule":
        codes = sorted({d.code for d in diags})
        for code in codes:
            chosen = [d for d in diags if d.code == code]
            owners = [s for s in sessions if any(d.code == code for d in mine(s))]
            groups.append(_row(code, owners, chosen))
    elif group_by == "tool":
        counts: Counter[str] = Counter()
        for s in sessions:
            counts.update(s.tools)
        for tool in sorted(counts, key=lambda t: (-counts[t], t)):
            chosen = [d for d in diags if tool in d.tools]
            owners = [s for s in sessions if tool in s.tools]
            row = _row(tool, owners, chosen)
            row.calls = counts[tool]
            row.steps = row.batches = 0  # per-tool steps are not meaningful
            groups.append(row)
    else:
        buckets: dict[str, list[SessionSummary]] = defaultdict(list)
        for s in sessions:
            if group_by == "session":
                key = s.session_id or s.path
            elif group_by == "model":
                key = s.models[0] if len(s.models) == 1 else (", ".join(s.models) if s.models else "(unknown)")
            else:
                key = s.project or "(unknown)"
            buckets[key].append(s)
        for key, members in buckets.items():
            groups.append(_row(key, members, [d for s in members for d in mine(s)]))
        groups.sort(key=lambda r: (_waste(r.figures), r.calls), reverse=True)
    rule_rows = [_row(code, [], [d for d in diags if d.code == code]) for code in sorted({d.code for d in diags})]
    ranked = sorted(((s, totals(mine(s))) for s in sessions if mine(s)), key=lambda p: _waste(p[1]), reverse=True)
    unpriced = sorted({d.savings.unpriced for d in diags if d.savings.unpriced})
    return Report(sessions, diags, _row("all", sessions, diags), groups, group_by, rule_rows, ranked[:top],
                  unpriced, sum(1 for e in result.errors if e.level == "error"), len(result.skipped), excluded)


def money(value: float | None) -> str:
    if value is None:
        return "unpriced"
    return f"${value:,.4f}" if 0 < abs(value) < 1 else f"${value:,.2f}"


def tokens(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.1f} s" if value < 120 else f"{value / 60:,.1f} min"


def row_cells(row: Row) -> list[str]:
    f = row.figures
    low, high = f.get("overhead_tokens", [0, 0])
    return [row.key, str(row.sessions), f"{row.steps:,}", f"{row.calls:,}", f"{row.batches:,}",
            f"{row.calls_per_step:.2f}", f"{row.parallelism_ratio:.2f}", str(row.findings),
            str(f.get("extra_round_trips", 0)), f"{low:,}-{high:,}", tokens(f.get("context_tokens")),
            money(f.get("dollars")), seconds(f.get("seconds"))]


HEADERS = ["group", "sessions", "steps", "calls", "batches", "calls/step", "parallelism", "findings",
           "extra trips", "overhead tokens", "context tokens", "dollars", "seconds"]
