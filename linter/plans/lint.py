"""Linting plans and code: rules with ``target = "plan"`` or ``"code"``, suppressions, fixes.

Plans come from Markdown files, from todo lists and plan-mode plans inside transcripts (reported
at the transcript line of the call that carries them), and Python files. Inline suppressions
(``<!-- parlint: ignore[PAR502] -->`` on the step's line or the line above; ``# parlint:
ignore[PAR601]`` likewise) silence a finding; a suppression that silences nothing is reported as
PAR001.
"""

from __future__ import annotations

from typing import Any, Iterator

from linter.model import Location, ParseProblem, Session
from linter.plans.model import CodePlan, Plan, Suppression
from linter.rule import Finding, Rule, RuleContext

UNUSED = "PAR001"
_TODO_TOOLS = {"TodoWrite": "todos", "write_todos": "todos", "update_plan": "plan", "todo_write": "todos"}


def embedded_plans(session: Session) -> Iterator[Plan]:
    """Plan-mode plans and todo lists carried by the calls of a transcript."""
    from linter.plans.markdown import from_todos, parse

    created: list[Any] = []
    first_create: Location | None = None
    seen: set[str] = set()  # a todo list rewritten only to tick items off is linted once
    for call in session.all_calls():
        line = call.location.line
        if call.name == "ExitPlanMode" and isinstance(call.input.get("plan"), str):
            if call.input["plan"] not in seen:
                seen.add(call.input["plan"])
                yield parse(call.input["plan"], call.location.path, kind="plan-mode", origin_line=line)
        elif call.name in _TODO_TOOLS and isinstance(call.input.get(_TODO_TOOLS[call.name]), list):
            items = call.input[_TODO_TOOLS[call.name]]
            key = "\n".join(_todo_text(item) for item in items)
            if key not in seen:
                seen.add(key)
                yield from_todos(items, call.location.path, line)
        elif call.name == "TaskCreate":
            created.append(call.input)
            first_create = first_create or call.location
    if created and first_create is not None:
        yield from_todos(created, first_create.path, first_create.line, kind="tasks")


CODE_TOOLS = {"python_interpreter", "execute_python", "run_python", "python", "code_interpreter", "ipython"}


def embedded_code(session: Session, problems: list[Any]) -> Iterator[CodePlan]:
    """Python code actions inside a transcript (smolagents/CodeAct), each reported at its call's line.

    A code action that does not parse is the agent's own mistake, not a problem with the file: it
    is skipped quietly.
    """
    for call in session.all_calls():
        if call.name not in CODE_TOOLS:
            continue
        from linter.plans.python import parse_code  # libcst is imported only when there is code

        source = call.input.get("code") if isinstance(call.input.get("code"), str) else call.input.get("source")
        if not isinstance(source, str) or not source.strip():
            continue
        scratch: list[Any] = []
        code = parse_code(source, call.location.path, scratch, origin_line=call.location.line)
        if code is not None:
            yield code


def _todo_text(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("content") or item.get("description") or item.get("step") or item.get("subject") or "")
    return str(item)


def _suppressed(suppressions: list[Suppression], code: str, line: int) -> bool:
    for sup in suppressions:
        if code in sup.codes and sup.line in (line, line - 1):
            sup.used = True
            return True
    return False


def run_rules(target: Plan | CodePlan, rules: list[type[Rule]], config: Any, kind: str,
              problems: list[ParseProblem] | None = None) -> list[tuple[type[Rule], Finding]]:
    """Findings of the plan or code rules on ``target``; a rule that raises is reported in
    ``problems`` (against the target's file and line) and the others still run."""
    out = []
    for rule_cls in rules:
        if rule_cls.target != kind:
            continue
        ctx = RuleContext(None, None, config, dict(rule_cls.options))
        rule = rule_cls()
        try:
            found = list(rule.check_plan(target, ctx) if kind == "plan" else rule.check_code(target, ctx))
        except Exception as exc:  # a broken rule must not stop the others
            if problems is not None:
                problems.append(ParseProblem(target.path, target.origin_line, f"rule {rule_cls.code} failed here "
                                             f"({type(exc).__name__}: {exc}); its findings are left out"))
            continue
        for finding in found:
            line = finding.location.line if finding.location and finding.location.line else 1
            if target.origin_line is None and _suppressed(target.suppressions, rule_cls.code, line):
                continue
            if target.origin_line is not None:
                finding.location = Location(target.path, target.origin_line)
                finding.fix = None  # transcripts are never edited
            out.append((rule_cls, finding))
    if target.origin_line is None and any(r.code == UNUSED for r in rules):
        unused_rule = next(r for r in rules if r.code == UNUSED)
        active = {r.code for r in rules}
        for sup in target.suppressions:
            if not sup.used and all(c in active for c in sup.codes):
                codes = ", ".join(sup.codes)
                out.append((unused_rule, Finding(message=f"suppression of {codes} silences nothing here; remove it",
                                                 calls=[], location=Location(target.path, sup.line))))
    return out
