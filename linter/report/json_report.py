"""The JSON output contract (``--output-format json``). Keep it stable: CI parses it.

    {"version": 1, "tool": {"name": "parlint", "version": ...},
     "diagnostics": [...], "sessions": [...], "errors": [...], "summary": {...}}
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson

from linter import __version__
from linter.engine import RunResult

SCHEMA_VERSION = 1


def _suppressed_by(result: RunResult) -> dict[str, int]:
    return dict(sorted(Counter(d.suppressed or "" for d in result.suppressed).items()))


def document(result: RunResult, show_suppressed: bool = False) -> dict[str, Any]:
    diags = result.diagnostics
    low = sum(d.savings.overhead_tokens[0] for d in diags)
    high = sum(d.savings.overhead_tokens[1] for d in diags)
    measured = [d.savings.context_tokens for d in diags if d.savings.context_tokens is not None]
    seconds = [d.savings.seconds for d in diags if d.savings.seconds is not None]
    dollars = [d.savings.dollars for d in diags if d.savings.dollars is not None]
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "parlint", "version": __version__},
        "diagnostics": [d.to_json() for d in diags],
        "sessions": [s.to_json() for s in result.sessions],
        "plans": result.plans,
        "errors": [{"path": e.path, "line": e.line, "message": e.message, "level": e.level} for e in result.errors],
        "summary": {
            "findings": len(diags),
            "by_code": dict(sorted(Counter(d.code for d in diags).items())),
            "files": result.files,
            "skipped": len(result.skipped),
            "extra_round_trips": sum(d.savings.extra_round_trips for d in diags),
            "overhead_tokens": [low, high],
            "context_tokens": sum(measured) if measured else None,
            "dollars": round(sum(dollars), 6) if dollars else None,
            "unpriced": sum(1 for d in diags if d.savings.unpriced),
            "suppressed": len(result.suppressed),
            "suppressed_by": _suppressed_by(result),
            "baselined": len(result.baselined),
            "stale_baseline": len(result.stale_baseline),
            "seconds": round(sum(seconds), 3) if seconds else None,
        },
    }


def render(result: RunResult, show_suppressed: bool = False) -> str:
    doc = document(result)
    if show_suppressed:
        doc["suppressed"] = [{**d.to_json(), "suppressed_by": d.suppressed} for d in result.suppressed]
    if result.stale_baseline:
        doc["stale_baseline"] = result.stale_baseline
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"


def render_lines(result: RunResult) -> str:
    """JSON Lines: one finding per line (``--output-format jsonl``)."""
    from linter.fingerprint import fingerprint

    out = []
    for d in result.diagnostics:
        doc = d.to_json()
        doc["fingerprint"] = fingerprint(d)
        out.append(orjson.dumps(doc).decode())
    return "".join(line + "\n" for line in out)
