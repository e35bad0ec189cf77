"""Reading plan and code files, with clear problems for unreadable or unparsable ones."""

from __future__ import annotations

from linter.model import ParseProblem
from linter.plans.model import CodePlan, Plan


def _read(path: str, errors: list[ParseProblem]) -> str | None:
    try:
        with open(path, "rb") as fp:
            data = fp.read()
    except OSError as exc:
        errors.append(ParseProblem(path, None, f"cannot read: {exc.strerror or exc}"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(ParseProblem(path, line, "not UTF-8 text"))
        return None


def load_plan(path: str, kind: str, errors: list[ParseProblem], text: str | None = None) -> Plan | CodePlan | None:
    if text is None:
        text = _read(path, errors)
    if text is None:
        return None
    if kind == "plan":
        from linter.plans.markdown import parse

        return parse(text, path)
    from linter.plans.python import parse_code

    return parse_code(text, path, errors)
