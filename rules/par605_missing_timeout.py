"""PAR605 missing-timeout."""

from __future__ import annotations

from typing import Iterable

from rules._lazy import cst

from linter.model import Location
from linter.plans.model import CodePlan
from linter.rule import Finding, Rule, RuleContext
from rules._code import Meta, bound_to, bound_values, dotted, enclosing_function, name_words

_RUNS = {"run", "arun", "ainvoke", "run_async", "kickoff_async", "run_stream"}
_AGENTISH = {"agent", "agents", "crew", "graph", "chain", "team", "swarm", "workflow"}
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
        "the framework's own timeout (a workflow or model client built with `timeout=` counts). Only "
        "names whose words say agent, graph, crew, chain, team, swarm or workflow (or a bare `Runner`) are "
        "taken for agents; a `graph_session` or a `job_runner` is not."
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
        """
        import asyncio

        async def joke():
            workflow = JokeFlow(timeout=60)
            return await workflow.run(topic="pirates")

        async def guarded(topic):
            deadline = asyncio.timeout(60)
            async with deadline:
                return await Runner.run(research_agent, topic)

        async def worker(queue, job_runner, graph_session):
            await graph_session.run("MATCH (n) RETURN n")
            return await job_runner.run(await queue.get())
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
            receiver = name.rsplit(".", 1)[0]
            if not _agentish(receiver) and not any(isinstance(a.value, cst.Name) and _agentish(a.value.value)
                                                   for a in call.args[:1]):
                continue
            if any(a.keyword is not None and "timeout" in a.keyword.value for a in call.args):
                continue
            if self._guarded(meta, node):
                continue
            assert isinstance(call.func, cst.Attribute)
            if _built_with_timeout(meta, call.func.value) or any(
                    isinstance(a.value, cst.Name) and a.keyword is None and _built_with_timeout(meta, a.value)
                    for a in call.args[:1]):
                continue  # the workflow, or the agent's model client, carries its own timeout
            yield node, name

    @staticmethod
    def _guarded(meta: Meta, node: cst.CSTNode) -> bool:
        current = meta.parent(node)
        while current is not None and not isinstance(current, cst.FunctionDef):
            if isinstance(current, cst.With):
                for item in current.items:
                    values = bound_values(meta, item.item) if isinstance(item.item, cst.Name) else [item.item]
                    if any(isinstance(v, cst.Call) and meta.qualified(v.func) & set(_TIMEOUTS) for v in values or []):
                        return True  # async with asyncio.timeout(60), or a deadline made beforehand
            if isinstance(current, cst.Call) and meta.qualified(current.func) & set(_TIMEOUTS):
                return True
            current = meta.parent(current)
        return False


def _agentish(name: str) -> bool:
    """Does a name say it is an agent, a graph or a crew? Whole words only (``paragraph_parser`` and
    ``steam_api`` are not), never a session (``graph_session`` is a database session), and a runner
    only when nothing else qualifies it (``Runner``, ``agent_runner``; not ``job_runner``)."""
    words = name_words(name.rsplit(".", 1)[-1])
    if not words or "session" in words:
        return False
    if words[-1] == "runner":
        return all(w in _AGENTISH or w == "runner" for w in words)
    return any(w in _AGENTISH for w in words)


def _built_with_timeout(meta: Meta, receiver: cst.BaseExpression, depth: int = 0) -> bool:
    """Was the receiver built with a timeout: ``JokeFlow(timeout=60)``, or a model client made with
    one (``Agent(model=..., client=AsyncOpenAI(timeout=30))``, a client in a variable is followed)?"""
    values = bound_to(meta, receiver) if isinstance(receiver, (cst.Name, cst.Attribute)) else [receiver]
    for value in values or []:
        if not isinstance(value, cst.Call):
            continue
        for arg in value.args:
            if arg.keyword is not None and "timeout" in arg.keyword.value.lower():
                return True
            if depth < 3 and isinstance(arg.value, (cst.Call, cst.Name)) and \
                    _built_with_timeout(meta, arg.value, depth + 1):
                return True
    return False
