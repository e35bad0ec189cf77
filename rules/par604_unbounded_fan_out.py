"""PAR604 unbounded-fan-out."""

from __future__ import annotations

import re
from typing import Iterable

from rules._lazy import cst

from linter.model import Location
from linter.plans.model import CodePlan
from linter.rule import Finding, Rule, RuleContext
from rules._code import Meta, dotted, enclosing_function

_LIMITS = ("Semaphore(", "BoundedSemaphore(", "CapacityLimiter(", "max_concurrency", "limit_concurrency",
           "as_completed(", "TaskGroup(")


class UnboundedFanOut(Rule):
    target = "code"
    code = "PAR604"
    name = "unbounded-fan-out"
    severity = "warning"
    confidence = "medium"
    summary = "asyncio.gather over a whole collection with no semaphore or worker cap."
    rationale = (
        "`gather(*(work(x) for x in items))` starts one call per item at once. With a collection of "
        "unknown size that is an unbounded fan-out: hundreds of model or API calls at the same moment "
        "hit rate limits, exhaust connections and multiply cost before the first failure is seen. Cap "
        "it with an `asyncio.Semaphore` (or a worker pool) sized to what the service allows. A pool of "
        "`range(N)` workers, a list written out, and tasks made elsewhere are left alone."
    )
    VALID = [
        """
        import asyncio

        async def main(items):
            limit = asyncio.Semaphore(8)

            async def one(item):
                async with limit:
                    return await summarise(item)

            return await asyncio.gather(*(one(i) for i in items))
        """,
        """
        import asyncio

        async def main():
            return await asyncio.gather(summarise("a"), summarise("b"))
        """,
        """
        import asyncio

        async def pool(queue):
            workers = [asyncio.create_task(worker(queue)) for _ in range(8)]
            await queue.join()
            return await asyncio.gather(*workers)
        """,
    ]
    INVALID = [
        """
        import asyncio

        async def main(items):
            return await asyncio.gather(*[summarise(i) for i in items])
        """,
    ]

    def check_code(self, code: CodePlan, ctx: RuleContext) -> Iterable[Finding]:
        meta = Meta(code)
        module_text = code.source
        for call in meta.walk(cst.Call):
            assert isinstance(call, cst.Call)
            if "asyncio.gather" not in meta.qualified(call.func):
                continue
            starred = [a.value for a in call.args if a.star == "*"]
            if not starred or all(isinstance(v, (cst.List, cst.Tuple)) and not any(
                    isinstance(e, cst.StarredElement) for e in v.elements) for v in starred):
                continue
            scope = enclosing_function(meta, call)
            text = meta.code_for(scope) if scope is not None else module_text
            if not any(_open_ended(v, text) for v in starred):
                continue  # a pool of N workers, a list written out, or tasks made elsewhere
            if any(limit in text for limit in _LIMITS) or any(limit in module_text for limit in _LIMITS[:3]):
                continue
            yield Finding(
                message="asyncio.gather starts one call per item of a collection at once, with no semaphore "
                        "or worker cap: bound the concurrency",
                calls=[], location=Location(code.path, meta.line(call)))


def _open_ended(value: cst.BaseExpression, scope_text: str) -> bool:
    """Does the gathered collection grow with the data: a comprehension over something other than
    ``range(N)``, or a name this function binds to such a comprehension? Tasks made elsewhere (a
    parameter, an attribute) and lists written out are left alone."""
    if isinstance(value, (cst.ListComp, cst.GeneratorExp)):
        it = value.for_in.iter
        return not (isinstance(it, cst.Call) and dotted(it.func) == "range")
    if isinstance(value, cst.Name):
        bound = re.search(rf"\b{re.escape(value.value)}\s*=\s*[\[(][^\n]*\bfor\b[^\n]*\bin\s+(\S+)", scope_text)
        return bound is not None and not bound.group(1).startswith("range(")
    return False
