"""PAR603 unchecked-gather-results."""

from __future__ import annotations

from typing import Iterable

from rules._lazy import cst

from linter.model import Location
from linter.plans.model import CodePlan
from linter.rule import Finding, Rule, RuleContext
from rules._code import Meta, enclosing_function


def _returns_exceptions(call: cst.Call) -> bool:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "return_exceptions":
            return isinstance(arg.value, cst.Name) and arg.value.value == "True"
    return False


class UncheckedGatherResults(Rule):
    target = "code"
    code = "PAR603"
    name = "unchecked-gather-results"
    severity = "warning"
    confidence = "medium"
    summary = "gather(..., return_exceptions=True) whose results are never checked for exceptions."
    rationale = (
        "With `return_exceptions=True`, a failed call does not raise: its exception comes back as one "
        "of the results. Code that never looks for exceptions among the results treats a failure as a "
        "value and carries on as if every parallel call succeeded. Check each result with "
        "`isinstance(result, BaseException)`, or let gather raise. A gather whose results are thrown "
        "away (draining cancelled tasks at shutdown) is left alone."
    )
    VALID = [
        """
        import asyncio

        async def main(urls):
            results = await asyncio.gather(*(fetch(u) for u in urls), return_exceptions=True)
            for url, result in zip(urls, results):
                if isinstance(result, Exception):
                    log(url, result)
        """,
        """
        import asyncio

        async def shutdown(tasks):
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        """,
    ]
    INVALID = [
        """
        import asyncio

        async def main(a, b):
            pages = await asyncio.gather(fetch(a), fetch(b), return_exceptions=True)
            return [p.text for p in pages]
        """,
    ]

    def check_code(self, code: CodePlan, ctx: RuleContext) -> Iterable[Finding]:
        meta = Meta(code)
        for call in meta.walk(cst.Call):
            assert isinstance(call, cst.Call)
            if "asyncio.gather" not in meta.qualified(call.func) or not _returns_exceptions(call):
                continue
            await_node = meta.parent(call)
            if isinstance(await_node, cst.Await) and isinstance(meta.parent(await_node), cst.Expr):
                continue  # results thrown away on purpose: draining cancelled tasks at shutdown
            scope = enclosing_function(meta, call) or meta.module
            text = meta.code_for(scope)
            if "isinstance(" in text and ("Exception" in text or "BaseException" in text):
                continue
            yield Finding(
                message="asyncio.gather(..., return_exceptions=True) returns failures as results, and nothing "
                        "here checks them for exceptions: a failed call passes for a success",
                calls=[], location=Location(code.path, meta.line(call)))
