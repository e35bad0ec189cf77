"""PAR601 sequential-independent-awaits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from rules._lazy import cst

from linter.model import Location
from linter.plans.model import CodePlan
from linter.rule import Finding, Fix, Rule, RuleContext
from rules._code import Meta, bound_to, dotted, name_words, names_in

# Awaits whose order is the point: sleeping, locking, queues, streams and transactions.
_ORDERED = {"sleep", "acquire", "release", "wait", "put", "join", "send", "recv", "receive", "read",
            "write", "drain", "close", "commit", "rollback", "execute", "executemany", "flush", "connect",
            "start", "stop", "shutdown", "gather", "wait_for", "shield", "to_thread"}


# Calls that run an agent or a model: re-entrant, and the usual reason to fan out.
_AGENT_RUNS = {"run", "arun", "ainvoke", "invoke", "run_async", "kickoff_async", "acompletion", "completion",
               "generate", "agenerate", "achat", "chat", "acomplete", "complete", "run_sync_async"}
_MODEL_APIS = ("completions", "messages", "responses", "chat", "models")


def _eligible(name: str, call: cst.Call) -> bool:
    """Does the call's name say it answers a question or runs an agent (not a side effect)? Code
    names its functions freely (``warm_cache``, ``process_payment``), so only a name that starts
    with a query verb (``fetch_``, ``get_``, ``search_``) counts, not a noun phrase."""
    from linter.effects import QUERY_VERBS, is_query_name

    if not call.args:
        return False  # with no argument, what it acts on is outside the call: order may matter
    last = name.rsplit(".", 1)[-1]
    if last in _AGENT_RUNS:
        return True
    if last in ("create", "parse", "stream") and any(part in _MODEL_APIS for part in name.split(".")[:-1]):
        return True
    words = _WORDS.findall(last)
    return bool(words) and words[0].lower() in QUERY_VERBS and is_query_name(last)


_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_OTHER_LOOPS = ("trio", "anyio", "curio")  # asyncio.gather is not theirs to use


@dataclass
class _Await:
    stmt: cst.SimpleStatementLine
    target: cst.BaseAssignTargetExpression | None
    call: cst.Call
    bound: set[str]
    reads: set[str]
    args: set[str]  # bare names and string literals passed as arguments
    receiver: str  # the object a method is called on ("" for a plain function)
    agent_run: bool
    holders: set[str]  # state the receiver shares: a repository/service kind, the session it was built on
    known: bool  # is what the call runs on known: a function, a class, or an object whose construction is seen


def _awaited(stmt: cst.BaseStatement) -> tuple[cst.BaseAssignTargetExpression | None, cst.Call] | None:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Await):
        value, target = small.value, None
    elif isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.value, cst.Await):
        value, target = small.value, small.targets[0].target
        if not isinstance(target, (cst.Name, cst.Tuple)):
            return None
    else:
        return None
    if not isinstance(value.expression, cst.Call):
        return None
    return target, value.expression


class SequentialIndependentAwaits(Rule):
    target = "code"
    code = "PAR601"
    name = "sequential-independent-awaits"
    severity = "warning"
    confidence = "high"
    summary = "Consecutive awaited calls where none uses another's result run one after another: use asyncio.gather."
    rationale = (
        "Each `await` waits for its call to finish before the next one starts. When consecutive awaited "
        "calls neither use a name an earlier one binds (checked by scope analysis, not text matching) "
        "nor share an argument or a receiver object that one of them might change, they can run "
        "concurrently: `asyncio.gather` makes the wait the longest call instead of the sum. The fix "
        "rewrites them into one `await asyncio.gather(...)`, keeping comments; awaits whose order is "
        "the point (sleep, locks, queues, streams, transactions) are left alone, and so are calls "
        "whose names do not start with a query verb (`warm_cache`, `process_payment` may change "
        "things), calls on one instance (a session or a chat agent holds state), calls on repositories, "
        "stores or services, or on objects built on the same session or connection (one SQLAlchemy "
        "`AsyncSession` refuses concurrent use), calls sharing an argument, an attribute (`self.notes`) "
        "or a part of one (`state` and `state.results`), and trio or anyio code. The fix is marked "
        "unsafe when a call runs on an object whose construction is not in the file. Note that gather "
        "starts every call even when an earlier one raises."
    )
    VALID = [
        """
        async def main(agent, question):
            plan = await Runner.run(planner, question)
            answer = await Runner.run(writer, plan.final_output)
            return answer
        """,
        """
        async def main(db):
            await db.execute("INSERT INTO t VALUES (1)")
            await db.execute("UPDATE t SET x = 2")
        """,
        """
        async def setup(user):
            await create_account(user)
            await send_welcome_mail(user)
        """,
        """
        import asyncio

        async def release(cfg):
            await migrate_schema(cfg.database_url)
            await warm_cache(cfg.redis_url)

        async def remember(session):
            await session.run("CREATE (p:Person {name: 'Ada'})")
            return await session.run("MATCH (p:Person) RETURN count(p)")

        async def research(self, topic):
            await fetch_sources(topic, into=self.notes)
            return await fetch_summary(self.notes)
        """,
        """
        class OrderService:
            def __init__(self, session):
                self.users = UserRepo(session)
                self.orders = OrderRepo(session)

            async def summary(self, user_id, order_id):
                user = await self.users.get(user_id)
                order = await self.orders.get(order_id)
                return user, order

        async def research_node(state):
            await search_web(state)
            return await summarize_results(state.results)
        """,
    ]
    INVALID = [
        """
        import asyncio

        async def main():
            # research both topics
            weather = await Runner.run(weather_agent, "weather in Paris")
            news = await Runner.run(news_agent, "news in Paris")
            return weather, news
        """,
    ]

    def check_code(self, code: CodePlan, ctx: RuleContext) -> Iterable[Finding]:
        meta = Meta(code)
        if _imports_any(meta.module, _OTHER_LOOPS):
            return  # trio or anyio code: asyncio.gather is the wrong tool there
        for func in meta.walk(cst.FunctionDef):
            assert isinstance(func, cst.FunctionDef)
            if func.asynchronous is None:
                continue
            for body in _bodies(func):
                yield from self._runs(meta, code, body)

    def _runs(self, meta: Meta, code: CodePlan, body: list[cst.BaseStatement]) -> Iterable[Finding]:
        window: list[_Await] = []
        for stmt in list(body) + [None]:  # type: ignore[list-item]
            item = self._item(meta, stmt) if stmt is not None else None
            if item is not None and window and not self._independent(meta, window, item):
                yield from self._report(meta, code, window)
                window = []
            if item is None:
                yield from self._report(meta, code, window)
                window = []
                continue
            window.append(item)

    def _item(self, meta: Meta, stmt: cst.BaseStatement) -> _Await | None:
        found = _awaited(stmt)
        if found is None:
            return None
        target, call = found
        name = dotted(call.func)
        last = name.rsplit(".", 1)[-1] if name else ""
        if not name or last in _ORDERED or any(q.startswith("asyncio.") for q in meta.qualified(call.func)):
            return None
        if not _eligible(name, call):
            return None
        bound = names_in(target) if target is not None else set()
        receiver = name.rsplit(".", 1)[0] if "." in name else ""
        args = {a.value.value for a in call.args if isinstance(a.value, (cst.Name, cst.SimpleString))}
        for a in call.args:  # shared state reached through an attribute or an item: self.notes, state["k"]
            base = a.value.value if isinstance(a.value, cst.Subscript) else a.value
            if isinstance(base, cst.Attribute):
                args.add(dotted(base))
            elif isinstance(base, cst.Name) and base is not a.value:
                args.add(base.value)
        holders, known = _holders(meta, call)
        return _Await(stmt, target, call, bound, names_in(call), args, receiver, last in _AGENT_RUNS, holders, known)

    @staticmethod
    def _independent(meta: Meta, window: list[_Await], item: _Await) -> bool:
        for prev in window:
            if prev.bound & item.reads or item.bound & prev.reads or prev.bound & item.bound:
                return False
            if _overlap(prev.args, item.args):
                return False  # a shared argument (or the same literal, or a part of it: state, state.results)
            if prev.holders & item.holders:
                return False  # two repositories (or objects built on one session) share its state
            if prev.receiver and prev.receiver == item.receiver and prev.receiver.split(".")[0][:1].islower():
                return False  # the same instance (a session, a thread, a chat agent): it may hold state
        return True

    def _report(self, meta: Meta, code: CodePlan, window: list[_Await]) -> Iterable[Finding]:
        if len(window) < 2:
            return
        names = ", ".join(dotted(w.call.func) for w in window)
        # a placeholder `_` target would shadow a `_` the code already uses (gettext's, a loop's)
        needs_placeholder = any(w.target is None for w in window) and any(w.target is not None for w in window)
        shadows = needs_placeholder and any(n.value == "_" for n in meta.walk(cst.Name))  # type: ignore[attr-defined]
        yield Finding(
            message=f"{len(window)} independent awaits run one after another ({names}); "
                    "await them together with asyncio.gather",
            calls=[], location=Location(code.path, meta.line(window[0].stmt)),
            fix=None if shadows else Fix("await the calls together with asyncio.gather",
                                         _gathered(meta, code, window), safe=all(w.known for w in window)))


def _overlap(first: set[str], second: set[str]) -> bool:
    """Do two calls' arguments name the same thing, or one a part of the other (``state`` and
    ``state.results``)?"""
    return any(a == b or a.startswith(b + ".") or b.startswith(a + ".") for a in first for b in second)


# Receivers that hold shared state: repositories, stores and services usually sit on one session.
_STATEFUL = {"repo", "repos", "repository", "repositories", "dao", "crud", "store", "service", "uow"}
# Constructor arguments that are a connection or a session: objects built on the same one share it.
_SESSIONS = {"session", "conn", "connection", "db", "cursor", "tx", "transaction", "uow"}


def _holders(meta: Meta, call: cst.Call) -> tuple[set[str], bool]:
    """The state a method's receiver shares, and whether its construction is known. A receiver named
    (or built from a class named) like a repository, a store or a service holds ``stateful``; one built
    from a session or a connection holds ``built-on:<that name>``. A plain function or a class or
    module attribute (``Runner.run``) holds nothing and is known."""
    if not isinstance(call.func, cst.Attribute):
        return set(), True
    receiver = call.func.value
    text = dotted(receiver)
    if not text:
        return set(), False
    holders: set[str] = set()
    words = name_words(text.rsplit(".", 1)[-1])
    if words and words[-1] in _STATEFUL:
        holders.add("stateful")
    root = text.split(".")[0]
    if "." not in text and root[:1].isupper():
        return holders, True  # a class: Runner.run
    while isinstance(receiver, cst.Attribute) and not (isinstance(receiver.value, cst.Name)
                                                       and receiver.value.value == "self"):
        receiver = receiver.value  # the client a chain starts from: client.chat.completions
    values = bound_to(meta, receiver)
    known = bool(values) and all(isinstance(v, cst.Call) for v in values)
    for value in values or []:
        if not isinstance(value, cst.Call):
            continue
        class_words = name_words(dotted(value.func).rsplit(".", 1)[-1])
        if class_words and class_words[-1] in _STATEFUL:
            holders.add("stateful")
        for arg in value.args:
            name = dotted(arg.value)
            if name and set(name_words(name.rsplit(".", 1)[-1])) & _SESSIONS:
                holders.add(f"built-on:{name}")
    return holders, known and not holders


def _bodies(func: cst.FunctionDef) -> Iterable[list[cst.BaseStatement]]:
    """Statement lists inside a function (its body and nested blocks, not nested functions)."""
    out: list[list[cst.BaseStatement]] = []

    class Blocks(cst.CSTVisitor):
        def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
            out.append(list(node.body))

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is func

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

    func.visit(Blocks())
    return out


def _target_code(meta: Meta, target: cst.BaseAssignTargetExpression | None) -> str:
    """One gathered result's target: ``_`` for none, a tuple unpacked in its own parentheses
    (``first, *rest = await f()`` becomes ``(first, *rest), q = await gather(...)``)."""
    if target is None:
        return "_"
    text = meta.code_for(target)
    if isinstance(target, cst.Tuple) and not target.lpar:
        return f"({text})"
    return text


def _gathered(meta: Meta, code: CodePlan, window: list[_Await]) -> str:
    calls = ", ".join(meta.code_for(w.call) for w in window)
    if all(w.target is None for w in window):
        text = f"await asyncio.gather({calls})"
    else:
        targets = ", ".join(_target_code(meta, w.target) for w in window)
        text = f"{targets} = await asyncio.gather({calls})"
    first = window[0].stmt
    moved: list[cst.EmptyLine] = list(first.leading_lines)
    for w in window[1:]:
        moved.extend(w.stmt.leading_lines)
        comment = w.stmt.trailing_whitespace.comment
        if comment is not None:
            moved.append(cst.EmptyLine(comment=comment))
    merged = cst.parse_statement(text).with_changes(leading_lines=moved, trailing_whitespace=first.trailing_whitespace)
    originals = [w.stmt for w in window]

    class Replace(cst.CSTTransformer):
        def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
            body = list(original.body)
            if originals[0] not in body:
                return updated
            start = body.index(originals[0])
            new_body = list(updated.body)
            new_body[start:start + len(originals)] = [merged]
            return updated.with_changes(body=new_body)

    module = meta.module.visit(Replace())
    if not _imports_asyncio(module):
        module = _add_import(module)
    return module.code


def _imports_asyncio(module: cst.Module) -> bool:
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(dotted(a.name) == "asyncio" and a.asname is None
                                                         for a in small.names):
                    return True
    return False


def _add_import(module: cst.Module) -> cst.Module:
    body = list(module.body)
    at = 0
    for n, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and (
            (isinstance(stmt.body[0], cst.Expr) and isinstance(stmt.body[0].value, cst.SimpleString) and n == 0)
            or (isinstance(stmt.body[0], cst.ImportFrom) and dotted(stmt.body[0].module or cst.Name("x")) == "__future__")
        ):
            at = n + 1
    body.insert(at, cst.parse_statement("import asyncio\n"))
    return module.with_changes(body=body)


def _imports_any(module: cst.Module, names: tuple[str, ...]) -> bool:
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(dotted(a.name).split(".")[0] in names for a in small.names):
                    return True
                if isinstance(small, cst.ImportFrom) and small.module is not None and \
                        dotted(small.module).split(".")[0] in names:
                    return True
    return False
