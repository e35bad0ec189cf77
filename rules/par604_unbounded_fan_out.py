"""PAR604 unbounded-fan-out."""

from __future__ import annotations

import re
from typing import Iterable

from rules._lazy import cst

from linter.model import Location
from linter.plans.model import CodePlan
from linter.rule import Finding, Rule, RuleContext
from rules._code import Meta, bound_to, bound_values, dotted, enclosing_function, name_words

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
        "`range(N)` workers, a list written out (or an UPPER_CASE constant bound to one), a batch sliced "
        "from the collection, calls that enter a semaphore or a limiter, calls through a client whose "
        "connection pool is capped, and tasks made elsewhere are left alone."
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
        """
        import asyncio
        from .limits import LLM_SEMAPHORE

        async def embed_one(doc):
            async with LLM_SEMAPHORE:
                return await embed(doc)

        async def embed_all(docs):
            out = []
            for i in range(0, len(docs), 100):
                batch = docs[i:i + 100]
                out += await asyncio.gather(*(embed(d) for d in batch))
            return out

        async def embed_each(docs):
            return await asyncio.gather(*(embed_one(d) for d in docs))
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
            comprehensions = [c for c in (_comprehension(meta, v) for v in starred) if c is not None]
            open_ended = [c for c in comprehensions if not _bounded(meta, c.for_in.iter, module_text)]
            if not open_ended:
                continue  # a pool of N workers, a list written out, a batch, or tasks made elsewhere
            if any(limit in text for limit in _LIMITS):
                continue
            if any(_capped(meta, c.elt, call) for c in open_ended):
                continue  # each call enters a limiter, or goes through a client with a capped pool
            yield Finding(
                message="asyncio.gather starts one call per item of a collection at once, with no semaphore "
                        "or worker cap: bound the concurrency",
                calls=[], location=Location(code.path, meta.line(call)))


def _comprehension(meta: Meta, value: cst.BaseExpression) -> cst.ListComp | cst.GeneratorExp | None:
    """The comprehension a gather unpacks: written in place, or a name this code binds to one. Tasks
    made elsewhere (a parameter, an attribute) are None."""
    if isinstance(value, (cst.ListComp, cst.GeneratorExp)):
        return value
    if isinstance(value, cst.Name):
        for bound in bound_values(meta, value) or []:
            if isinstance(bound, (cst.ListComp, cst.GeneratorExp)):
                return bound
    return None


def _literals() -> tuple[type, ...]:
    """The literal collection nodes (looked up when first needed: libcst loads lazily)."""
    return (cst.List, cst.Tuple, cst.Set, cst.Dict)
# What one model response holds: its tool calls, its content blocks.
_ONE_RESPONSE = {"tool_calls", "function_calls", "tool_uses"}
_MUTATORS = ("append", "extend", "add", "update", "insert", "setdefault")


def _bounded(meta: Meta, it: cst.BaseExpression, module_text: str, depth: int = 0) -> bool:
    """Is the collection iterated of a size the code fixes: ``range(N)``, a literal written out, a
    slice with an end (a batch: ``docs[i:i + 10]``), the tool calls of one model response
    (``message.tool_calls``), or a name bound only to those (a local, or an UPPER_CASE module
    constant) that nothing appends to?"""
    if isinstance(it, cst.Call):
        return dotted(it.func) == "range"
    if isinstance(it, cst.Attribute) and it.attr.value in _ONE_RESPONSE:
        return True  # the tool calls of one model response: as many as the model asked for at once
    if isinstance(it, _literals()):
        return not any(isinstance(e, (cst.StarredElement, cst.StarredDictElement)) for e in it.elements)
    if isinstance(it, cst.Subscript):
        return len(it.slice) == 1 and isinstance(it.slice[0].slice, cst.Slice) and _has_end(it.slice[0].slice)
    if isinstance(it, cst.Name) and depth < 3:
        values = bound_values(meta, it)
        if not values or any(isinstance(v, _literals()) and not v.elements for v in values):
            return False  # not bound here, or an empty list filled later
        scope = meta.scope(it)
        if scope is not None and any(type(a.scope).__name__ == "GlobalScope" for a in scope[it.value]) and \
                not it.value.isupper():
            return False  # a module-level list anyone may fill: only an UPPER_CASE constant is fixed
        if re.search(rf"\b{re.escape(it.value)}\s*\.\s*(?:{'|'.join(_MUTATORS)})\(|\b{re.escape(it.value)}\s*\+=",
                     module_text):
            return False
        return all(isinstance(v, cst.BaseExpression) and _bounded(meta, v, module_text, depth + 1) for v in values)
    return False


def _has_end(piece: cst.Slice) -> bool:
    if piece.upper is not None:
        return True
    lower = piece.lower
    return isinstance(lower, cst.UnaryOperation) and isinstance(lower.operator, cst.Minus) and \
        isinstance(lower.expression, cst.Integer)  # docs[-5:]


# Objects whose `async with` caps how many calls run at once.
_LIMITER_CLASSES = {"Semaphore", "BoundedSemaphore", "CapacityLimiter", "AsyncLimiter", "Limiter"}


def _capped(meta: Meta, elt: cst.BaseExpression, gather: cst.Call) -> bool:
    """Is each gathered call held to a cap: a coroutine of this module that enters a semaphore or a
    limiter (``async with LLM_SEMAPHORE:``, ``async with limiter:``), or a method of a client built with
    a capped connection pool (``httpx.Limits(max_connections=10)``, ``TCPConnector(limit=10)``)?"""
    if not isinstance(elt, cst.Call):
        return False
    if any(_enters_limiter(meta, f) for f in _functions(meta, elt.func, gather)):
        return True
    root = elt.func
    while isinstance(root, cst.Attribute):
        root = root.value
    if isinstance(root, cst.Name) and root is not elt.func:
        return any(_pool_capped(meta, v) for v in bound_values(meta, root) or [])
    return False


def _functions(meta: Meta, func: cst.BaseExpression, at: cst.CSTNode) -> list[cst.FunctionDef]:
    """The functions of this module a call reaches: a name bound by ``def``, ``self.method``, or a
    method of an object made from a class of this module (``llm = Llm()``, then ``llm.call``)."""
    if isinstance(func, cst.Name):
        return [v for v in bound_values(meta, func) or [] if isinstance(v, cst.FunctionDef)]
    if not isinstance(func, cst.Attribute):
        return []
    classes: list[cst.ClassDef] = []
    if isinstance(func.value, cst.Name) and func.value.value == "self":
        current = meta.parent(at)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = meta.parent(current)
        if current is not None:
            classes.append(current)
    else:
        for value in bound_to(meta, func.value) or []:
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                classes.extend(v for v in bound_values(meta, value.func) or [] if isinstance(v, cst.ClassDef))
    return [s for c in classes for s in c.body.body
            if isinstance(s, cst.FunctionDef) and s.name.value == func.attr.value]


def _limiter_like(meta: Meta, expr: cst.BaseExpression) -> bool:
    name = dotted(expr.func if isinstance(expr, cst.Call) else expr)
    if any(w.startswith(("semaphor", "limit", "throttl")) or w in ("sem", "sema") for w in name_words(name)):
        return True
    if isinstance(expr, cst.Name):
        return any(isinstance(v, cst.Call) and dotted(v.func).rsplit(".", 1)[-1] in _LIMITER_CLASSES
                   for v in bound_values(meta, expr) or [])
    return False


def _enters_limiter(meta: Meta, func: cst.FunctionDef, depth: int = 0) -> bool:
    """Does the coroutine (or a function of this module it calls) ``async with`` a semaphore or a limiter?"""
    found = False
    callees: list[cst.FunctionDef] = []

    class Visit(cst.CSTVisitor):
        def visit_With(self, node: cst.With) -> None:
            nonlocal found
            found = found or any(_limiter_like(meta, item.item) for item in node.items)

        def visit_Call(self, node: cst.Call) -> None:
            if depth < 2:
                callees.extend(f for f in _functions(meta, node.func, node) if f is not func)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is func

    func.visit(Visit())
    if any(_limiter_like(meta, d.decorator) for d in func.decorators):
        return True  # @limit_concurrency(8), @throttle(...)
    return found or any(_enters_limiter(meta, f, depth + 1) for f in callees)


_POOL_CAPS = {"limits", "max_connections"}
_CONNECTOR_CAPS = {"limit", "limit_per_host"}


def _pool_capped(meta: Meta, value: cst.CSTNode, depth: int = 0) -> bool:
    """Was the client built with a capped connection pool (a connector in a variable is followed)?"""
    if not isinstance(value, cst.Call):
        return False
    caps = _POOL_CAPS | (_CONNECTOR_CAPS if dotted(value.func).endswith("Connector") else set())
    for arg in value.args:
        if arg.keyword is not None and arg.keyword.value in caps:
            return True
        inner = arg.value
        if isinstance(inner, cst.Name) and depth < 2:
            if any(_pool_capped(meta, v, depth + 1) for v in bound_values(meta, inner) or []):
                return True
        elif _pool_capped(meta, inner, depth + 1):
            return True
    return False
