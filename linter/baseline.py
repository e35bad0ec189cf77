"""Baselines: record today's findings by fingerprint so that only new ones are reported.

    parlint baseline sessions/ -o parlint-baseline.json
    parlint check sessions/ --baseline parlint-baseline.json

Entries are keyed by fingerprint (``linter.fingerprint``), which does not depend on line numbers.
An entry that no longer matches a finding is stale and listed, so the baseline can be refreshed.
"""

from __future__ import annotations

import os

from typing import Any

import orjson

from linter.engine import Diagnostic, RunResult
from linter.fingerprint import fingerprint

VERSION = 1


class BaselineError(Exception):
    pass


def write(result: RunResult) -> bytes:
    entries = [{"fingerprint": fingerprint(d), "code": d.code, "path": d.path, "line": d.line,
                "message": d.message} for d in result.diagnostics]
    entries.sort(key=lambda e: (e["path"], e["line"] or 0, e["code"], e["fingerprint"]))
    return orjson.dumps({"version": VERSION, "tool": "parlint", "findings": entries}, option=orjson.OPT_INDENT_2) + b"\n"


def read(path: str) -> dict[str, dict[str, Any]]:
    try:
        with open(path, "rb") as fp:
            data = orjson.loads(fp.read())
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except orjson.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: the baseline is not valid JSON") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a parlint baseline (expected version {VERSION} with a findings list)")
    entries = {}
    for entry in data["findings"]:
        if isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str):
            entries[entry["fingerprint"]] = entry
    return entries


def stale(entries: dict[str, dict[str, Any]], seen: list[Diagnostic], checked_paths: set[str] | None = None,
          active_codes: set[str] | None = None) -> list[dict[str, Any]]:
    """Entries no finding of this run matched, among the files and rules this run checked (a run
    over fewer files, or with fewer rules, says nothing about the others)."""
    found = {fingerprint(d) for d in seen}
    checked = {os.path.abspath(p) for p in checked_paths} if checked_paths is not None else None

    def covered(entry: dict[str, Any]) -> bool:
        path, code = entry.get("path"), entry.get("code")
        if checked is not None and (not isinstance(path, str) or os.path.abspath(path) not in checked):
            return False
        return active_codes is None or code in active_codes

    return [e for key, e in entries.items() if key not in found and covered(e)]
