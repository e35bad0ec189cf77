"""SARIF 2.1.0 output (``--output-format sarif``), for GitHub code scanning and other viewers."""

from __future__ import annotations

import os
from typing import Any

import orjson

from linter import __version__
from linter.engine import Registry, RunResult
from linter.fingerprint import fingerprint
from linter.textutil import safe

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    if rel.startswith(".."):
        rel = os.path.abspath(path)
        return "file://" + rel.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


def document(result: RunResult, registry: Registry) -> dict[str, Any]:
    codes = sorted(registry.rules)
    index = {code: n for n, code in enumerate(codes)}
    rules = []
    for code in codes:
        rule = registry.rules[code]
        rules.append({
            "id": code, "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.rationale},
            "help": {"text": f"{rule.summary}\n\n{rule.rationale}\n\nRun `parlint explain {code}` for examples."},
            "defaultConfiguration": {"level": _LEVELS[rule.severity]},
            "properties": {"confidence": rule.confidence},
        })
    results = []
    for d in result.diagnostics:
        entry: dict[str, Any] = {
            "ruleId": d.code, "level": _LEVELS.get(d.severity, "warning"),
            "message": {"text": safe(d.message)},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(d.path)},
                                                "region": {"startLine": d.line or 1}}}],
            "partialFingerprints": {"parlint/v1": fingerprint(d)},
            "properties": {"confidence": d.confidence, "callIds": d.call_ids, "sessionId": d.session_id,
                           "agentId": d.agent_id, "savings": d.savings.to_json()},
        }
        if d.code in index:
            entry["ruleIndex"] = index[d.code]
        results.append(entry)
    notifications = [{"level": "error" if e.level == "error" else "warning", "message": {"text": safe(e.message)},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(e.path)},
                                                          **({"region": {"startLine": e.line}} if e.line else {})}}]}
                     for e in result.errors if e.path != "<plugins>"]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "parlint", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://pypi.org/project/parlint/", "rules": rules}},
        "results": results,
        "invocations": [{"executionSuccessful": not result.has_errors,
                         "toolExecutionNotifications": notifications}],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(result: RunResult, registry: Registry) -> str:
    return orjson.dumps(document(result, registry), option=orjson.OPT_INDENT_2).decode() + "\n"
