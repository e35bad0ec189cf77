"""PAR603 unchecked-gather-results."""

from __future__ import annotations

from typing import Iterable

from rules._lazy import cst

from linter.model import Location
from linter.plans.model import CodePlan
from linter.rule import Finding, Rule, RuleContext
from rules._code import Meta, dotted, enclosing_function, names_in


def _returns_exceptions(call: cst.Call) -> bool:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "return_exceptions":
            return isinstance(arg.value, cst.Name) and arg.value.value == "True"
    return False


# Calls that take the results without looking for exceptions among them.
_PASSIVE = {"len", "list", "tuple", "set", "dict", "sorted", "reversed", "zip", "enumerate", "iter", "print",
            "str", "repr", "sum", "any", "all", "map", "filter", "append", "extend", "debug", "info", "warning",
            "error", "exception", "log", "dumps", "json", "join", "format", "write", "update", "add", "insert",
            "put", "send"}


def _exception_class(node: cst.BaseExpression) -> bool:
    """Does an isinstance() class argument name an exception class (``httpx.HTTPError``, a tuple of them)?"""
    if isinstance(node, cst.Tuple):
        return any(_exception_class(e.value) for e in node.elements)
    name = dotted(node).rsplit(".", 1)[-1]
    return name.endswith(("Error", "Exception", "Exit", "Interrupt", "Timeout", "Cancelled")) or \
        name in ("CancelledError", "ExceptionGroup")


def _checked(meta: Meta, scope: cst.CSTNode, results: str) -> bool:
    """Are the results bound to ``results`` returned, handed to a function that may check them
    (``raise_on_failure(results)``), or is one of their items tested with ``isinstance(item, SomeError)``?"""
    items: set[str] = set()
    found = False

    def iterates(it: cst.BaseExpression) -> bool:
        if isinstance(it, cst.Name):
            return it.value == results
        return isinstance(it, cst.Call) and dotted(it.func) in ("zip", "enumerate", "reversed") and any(
            isinstance(a.value, cst.Name) and a.value.value == results for a in it.args)

    class Visit(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> None:
            if iterates(node.iter):
                items.update(names_in(node.target))

        def visit_CompFor(self, node: cst.CompFor) -> None:
            if iterates(node.iter):
                items.update(names_in(node.target))

        def visit_Return(self, node: cst.Return) -> None:
            nonlocal found
            value = node.value
            found = found or (isinstance(value, cst.Name) and value.value == results)

        def visit_Call(self, node: cst.Call) -> None:
            nonlocal found
            callee = dotted(node.func).rsplit(".", 1)[-1]
            if callee and callee not in _PASSIVE and callee != "isinstance" and any(
                    isinstance(a.value, cst.Name) and a.value.value == results and not a.star for a in node.args):
                found = True

    scope.visit(Visit())
    if found:
        return True
    for node in _calls(scope, "isinstance"):
        if len(node.args) < 2 or not _exception_class(node.args[1].value):
            continue
        item = node.args[0].value
        if isinstance(item, cst.Subscript):
            item = item.value
        if isinstance(item, cst.Name) and (item.value in items or item.value == results):
            return True
    return False


def _calls(scope: cst.CSTNode, name: str) -> list[cst.Call]:
    out: list[cst.Call] = []

    class Visit(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if dotted(node.func) == name:
                out.append(node)

    scope.visit(Visit())
    return out


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
        "away (draining cancelled tasks at shutdown), returned to the caller or handed to a function "
        "that may check them, or whose items are tested against any exception class, is left alone."
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
        """
        import asyncio
        import httpx

        async def fetch_all(client, urls):
            results = await asyncio.gather(*(client.get(u) for u in urls), return_exceptions=True)
            return raise_on_failure(results)

        async def scrape(client, urls):
            pages = await asyncio.gather(*(client.get(u) for u in urls), return_exceptions=True)
            return [p for p in pages if not isinstance(p, httpx.HTTPError)]
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
            holder = meta.parent(await_node) if isinstance(await_node, cst.Await) else None
            if isinstance(holder, cst.Expr):
                continue  # results thrown away on purpose: draining cancelled tasks at shutdown
            if isinstance(holder, cst.Return):
                continue  # handed to the caller, who checks them
            scope = enclosing_function(meta, call) or meta.module
            text = meta.code_for(scope)
            if "isinstance(" in text and ("Exception" in text or "BaseException" in text):
                continue
            if isinstance(holder, cst.Assign) and len(holder.targets) == 1 and \
                    isinstance(holder.targets[0].target, cst.Name) and \
                    _checked(meta, scope, holder.targets[0].target.value):
                continue
            yield Finding(
                message="asyncio.gather(..., return_exceptions=True) returns failures as results, and nothing "
                        "here checks them for exceptions: a failed call passes for a success",
                calls=[], location=Location(code.path, meta.line(call)))
