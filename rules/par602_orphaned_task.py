"""PAR602 orphaned-task."""

from __future__ import annotations

from typing import Iterable

from rules._lazy import cst

from linter.model import Location
from linter.plans.model import CodePlan
from linter.rule import Finding, Rule, RuleContext
from rules._code import Meta, bound_to, dotted, name_words

_SPAWNERS = {"asyncio.create_task", "asyncio.ensure_future"}
_LOOP_GETTERS = {"get_event_loop", "get_running_loop", "new_event_loop"}


def _loop_spawn(meta: Meta, call: cst.Call) -> bool:
    """Is this ``<event loop>.create_task(...)``: on a loop fetched in place
    (``asyncio.get_running_loop().create_task``), on a name bound to one, or on an unbound name that
    says it is a loop (a ``loop`` parameter, ``self._loop``)? A task group's ``create_task`` (whatever
    it is named: ``loop_group``) keeps its tasks."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "create_task":
        return False
    receiver = func.value
    if isinstance(receiver, cst.Call):
        return dotted(receiver.func).rsplit(".", 1)[-1] in _LOOP_GETTERS
    values = bound_to(meta, receiver)
    if values:
        return any(isinstance(v, cst.Call) and dotted(v.func).rsplit(".", 1)[-1] in _LOOP_GETTERS for v in values)
    words = name_words(dotted(receiver))
    return bool(words) and words[-1] == "loop"


class OrphanedTask(Rule):
    target = "code"
    code = "PAR602"
    name = "orphaned-task"
    severity = "error"
    confidence = "high"
    summary = "asyncio.create_task(...) whose task is neither stored nor awaited."
    rationale = (
        "The event loop keeps only a weak reference to a task: a task nobody holds can be garbage "
        "collected before it finishes, and its exception is never seen. Nobody waits for it either, so "
        "the work may still be running, or silently failed, when the program moves on or exits. Keep "
        "the task (in a variable you await, a set of background tasks, or an `asyncio.TaskGroup`)."
    )
    VALID = [
        """
        import asyncio

        async def main():
            task = asyncio.create_task(index_repository())
            await other_work()
            await task
        """,
        """
        import asyncio

        async def main():
            async with asyncio.TaskGroup() as tg:
                tg.create_task(index_repository())
        """,
        """
        import asyncio

        async def main(items):
            async with asyncio.TaskGroup() as loop_group:
                loop_group.create_task(process(items))
        """,
    ]
    INVALID = [
        """
        import asyncio

        async def main():
            asyncio.create_task(index_repository())
            await other_work()
        """,
    ]

    def check_code(self, code: CodePlan, ctx: RuleContext) -> Iterable[Finding]:
        meta = Meta(code)
        for node in meta.walk(cst.Expr):
            assert isinstance(node, cst.Expr)
            call = node.value
            if not isinstance(call, cst.Call):
                continue
            names = meta.qualified(call.func)
            name = dotted(call.func)
            if names & _SPAWNERS or _loop_spawn(meta, call):
                yield Finding(
                    message=f"the task created by {name or 'create_task'}(...) is dropped: keep a reference "
                            "and await it (or use asyncio.TaskGroup), or it may vanish and its errors go unseen",
                    calls=[], location=Location(code.path, meta.line(node)))
