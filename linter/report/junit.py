"""JUnit XML (``--output-format junit``): a test case per session or plan, a failure per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from linter.engine import RunResult
from linter.textutil import safe


def _failure(case: ET.Element, d: Any) -> None:
    failure = ET.SubElement(case, "failure", type=d.code, message=safe(f"{d.code} {d.message}", 500))
    # each part is made safe on its own, so the line break between them stays a real one
    failure.text = (safe(f"{d.path}:{d.line or 1}: {d.code} {d.name} ({d.severity}, {d.confidence})") + "\n"
                    + safe(d.message))


def render(result: RunResult) -> str:
    suites = ET.Element("testsuites", name="parlint")
    suite = ET.SubElement(suites, "testsuite", name="parlint")
    reported: set[int] = set()
    for session in result.sessions:
        case = ET.SubElement(suite, "testcase", classname=safe(session.path), name=safe(session.session_id or session.path))
        for d in session.diagnostics:
            reported.add(id(d))
            _failure(case, d)
    for plan in result.plans:
        case = ET.SubElement(suite, "testcase", classname=safe(plan["path"]), name=safe(plan["path"]))
        for d in result.diagnostics:
            if d.path == plan["path"] and d.session_id is None and id(d) not in reported:
                reported.add(id(d))
                _failure(case, d)
    errors = 0
    for e in result.errors:
        if e.level != "error":
            continue
        errors += 1
        case = ET.SubElement(suite, "testcase", classname=safe(e.path), name=safe(e.path))
        err = ET.SubElement(case, "error", message=safe(e.message, 500))
        err.text = safe(f"{e.path}:{e.line or ''}: {e.message}")
    failures = len(reported)
    for node in (suite, suites):
        node.set("tests", str(len(suite)))
        node.set("failures", str(failures))
        node.set("errors", str(errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
