"""PAR605 missing-timeout."""

from __future__ import annotations

from typing import Iterable

from rules._lazy import cst

from linter.model import Location
from linter.plans.model import CodePlan
from linter.rule import Finding, Rule, RuleContext
from rules._code import Meta, dotted, enclosing_function

_RUNS = {"run", "arun", "ainvoke", "run_async", "kickoff_async", "run_stream"}
_AGENTISH = ("agent", "runner", "crew", "graph", "chain", "team", "swarm", "workflow")
_TIMEOUTS = ("asyncio.timeout", "asyncio.wait_for", "asyncio.timeout_at", "anyio.fail_after", "anyio.move_on_after",
             "async_timeout.timeout", "trio.fail_after", "trio.move_on_after", "trio.fail_at", "trio.move_on_at")


class MissingTimeout(Rule):
    target = "code"
    code = "PAR605"
    name = "missing-timeout"
    severity = "warning"
    confidence = "medium"
    summary = "An awaited agent run has no timeout."
    rationale = (
        "An agent run can loop on tool calls or wait on a stalled model request for a very long time; "
        "awaited with no deadline, it holds its caller, and every parallel sibling gathered with it, "
        "until it ends. Wrap agent runs in `asyncio.timeout(...)` / `asyncio.wait_for(...)`, or pass "
        "the framework's own timeout."
    )
    VALID = [
        """
        import asyncio

        async def main():
            async with asyncio.timeout(300):
                return await Runner.run(research_agent, "survey the field")
        """,
        """
        import asyncio

        async def main():
            return await asyncio.wait_for(research_agent.run("survey the field"), timeout=300)
        """,
    ]
    INVALID = [
        """
        async def main():
            return await Runner.run(research_agent, "survey the field")
        """,
    ]

    def check_code(self, code: CodePlan, ctx: RuleContext) -> Iterable[Finding]:
        meta = Meta(code)
        by_function: dict[object, list[tuple[cst.Await, str]]] = {}
        for node, name in self._unguarded(meta):
            by_function.setdefault(enclosing_function(meta, node) or meta.module, []).append((node, name))
        for func, runs in by_function.items():
            node, name = runs[0]
            where = f" in {func.name.value}()" if isinstance(func, cst.FunctionDef) else ""
            more = f" (and {len(runs) - 1} more agent run{'s' if len(runs) > 2 else ''}{where})" if len(runs) > 1 else ""
            yield Finding(message=f"await {name}(...) runs an agent with no timeout{more}: wrap agent runs in "
                                  "asyncio.timeout or pass a timeout",
                          calls=[], location=Location(code.path, meta.line(node)))

    def _unguarded(self, meta: Meta) -> Iterable[tuple[cst.Await, str]]:
        for node in meta.walk(cst.Await):
            assert isinstance(node, cst.Await)
            call = node.expression
            if not isinstance(call, cst.Call):
                continue
            name = dotted(call.func)
            if "." not in name or name.rsplit(".", 1)[-1] not in _RUNS:
                continue
            receiver = name.rsplit(".", 1)[0].lower()
            if not any(word in receiver for word in _AGENTISH) and not any(
                    isinstance(a.value, cst.Name) and any(w in a.value.value.lower() for w in _AGENTISH)
                    for a in call.args[:1]):
                continue
            if any(a.keyword is not None and "timeout" in a.keyword.value for a in call.args):
                continue
            if self._guarded(meta, node):
                continue
            yield node, name

    @staticmethod
    def _guarded(meta: Meta, node: cst.CSTNode) -> bool:
        current = meta.parent(node)
        while current is not None and not isinstance(current, cst.FunctionDef):
            if isinstance(current, cst.With):
                for item in current.items:
                    item_call = item.item
                    if isinstance(item_call, cst.Call) and meta.qualified(item_call.func) & set(_TIMEOUTS):
                        return True
            if isinstance(current, cst.Call) and meta.qualified(current.func) & set(_TIMEOUTS):
                return True
            current = meta.parent(current)
        return False
