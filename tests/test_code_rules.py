"""Focused cases for the Python code rules (PAR6xx): code a reviewer would not want reported, and
code that must still be."""

from __future__ import annotations

import pytest

from linter.testing import lint_source


def codes(rule: str, source: str) -> list[int]:
    return [d.line for d in lint_source(source, ".py", [rule]) if d.code == rule]


PAR604_CAPPED = {
    "literal-list": """
        import asyncio

        async def ask_panel(question):
            return await asyncio.gather(*(ask(m, question) for m in ["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-pro"]))
        """,
    "module-constant": """
        import asyncio

        MODELS = ("gpt-4o", "claude-sonnet-4-5", "gemini-2.5-pro")

        async def ask_panel(question):
            return await asyncio.gather(*(ask(m, question) for m in MODELS))
        """,
    "batch-slice": """
        import asyncio

        async def embed_all(docs):
            out = []
            for i in range(0, len(docs), 10):
                batch = docs[i:i + 10]
                out += await asyncio.gather(*(embed(d) for d in batch))
            return out
        """,
    "one-responses-tool-calls": """
        import asyncio

        async def step(client, messages):
            response = await client.chat.completions.create(model="gpt-4o", messages=messages)
            message = response.choices[0].message
            return await asyncio.gather(*(run_tool(tc) for tc in message.tool_calls))
        """,
    "httpx-pool-limit": """
        import asyncio
        import httpx

        async def crawl(urls):
            async with httpx.AsyncClient(limits=httpx.Limits(max_connections=10)) as client:
                return await asyncio.gather(*(client.get(u) for u in urls))
        """,
    "aiohttp-connector-limit": """
        import asyncio
        import aiohttp

        async def crawl(urls):
            connector = aiohttp.TCPConnector(limit=10)
            async with aiohttp.ClientSession(connector=connector) as session:
                return await asyncio.gather(*(session.get(u) for u in urls))
        """,
    "imported-semaphore": """
        import asyncio
        from .limits import LLM_SEMAPHORE

        async def summarise_all(docs):
            async def one(d):
                async with LLM_SEMAPHORE:
                    return await summarise(d)
            return await asyncio.gather(*(one(d) for d in docs))
        """,
    "aiolimiter": """
        import asyncio
        from aiolimiter import AsyncLimiter

        limiter = AsyncLimiter(10, 1)

        async def geocode_one(a):
            async with limiter:
                return await geocode(a)

        async def geocode_all(addrs):
            return await asyncio.gather(*(geocode_one(a) for a in addrs))
        """,
    "limiter-in-method": """
        import asyncio

        class Indexer:
            async def _one(self, doc):
                async with self._sem:
                    return await embed(doc)

            async def run(self, docs):
                return await asyncio.gather(*(self._one(d) for d in docs))
        """,
    "limiter-in-a-class-of-the-module": """
        import asyncio

        class Llm:
            sem = asyncio.Semaphore(5)

            async def call(self, prompt):
                async with self.sem:
                    return await complete(prompt)

        llm = Llm()

        async def main(prompts):
            return await asyncio.gather(*(llm.call(p) for p in prompts))
        """,
    "limiting-decorator": """
        import asyncio

        @limit_concurrency(4)
        async def one(prompt):
            return await complete(prompt)

        async def many(prompts):
            return await asyncio.gather(*(one(p) for p in prompts))
        """,
}


@pytest.mark.parametrize("source", PAR604_CAPPED.values(), ids=PAR604_CAPPED.keys())
def test_par604_leaves_bounded_fan_out_alone(source: str) -> None:
    assert codes("PAR604", source) == []


PAR604_UNBOUNDED = {
    "semaphore-unused": """
        import asyncio

        sem = asyncio.Semaphore(5)

        async def bounded(docs):
            async def one(d):
                async with sem:
                    return await summarise(d)
            return await asyncio.gather(*(one(d) for d in docs))

        async def unbounded(urls):
            return await asyncio.gather(*(fetch(u) for u in urls))
        """,
    "list-filled-later": """
        import asyncio

        async def main(more):
            urls = ["https://a.example"]
            urls.extend(more)
            return await asyncio.gather(*(fetch(u) for u in urls))
        """,
    "open-slice": """
        import asyncio

        async def main(docs):
            return await asyncio.gather(*(embed(d) for d in docs[1:]))
        """,
    "lower-case-module-list": """
        import asyncio

        urls = ["https://a.example"]

        async def main():
            return await asyncio.gather(*(fetch(u) for u in urls))
        """,
}


@pytest.mark.parametrize("source", PAR604_UNBOUNDED.values(), ids=PAR604_UNBOUNDED.keys())
def test_par604_still_reports_unbounded_fan_out(source: str) -> None:
    assert codes("PAR604", source)


PAR601_DEPENDENT = {
    "repositories-on-one-session": """
        class OrderService:
            def __init__(self, session):
                self.users = UserRepo(session)
                self.orders = OrderRepo(session)

            async def summary(self, user_id, order_id):
                user = await self.users.get(user_id)
                order = await self.orders.get(order_id)
                return user, order
        """,
    "built-on-one-session": """
        class Report:
            def __init__(self, db):
                self.accounts = Accounts(db)
                self.invoices = Invoices(db)

            async def build(self, account_id, invoice_id):
                account = await self.accounts.get(account_id)
                invoice = await self.invoices.get(invoice_id)
                return account, invoice
        """,
    "repository-names": """
        async def tx(session):
            async with session.begin():
                a = await users_repo.get_by_email("a@x")
                b = await teams_repo.get_by_slug("core")
            return a, b
        """,
    "attribute-of-shared-argument": """
        async def research_node(state):
            await search_web(state)
            summary = await summarize_results(state.results)
            return summary
        """,
    "nested-attribute-of-shared-argument": """
        async def handler(request):
            user = await get_current_user(request)
            perms = await get_permissions(request.state.user)
            return perms
        """,
}


@pytest.mark.parametrize("source", PAR601_DEPENDENT.values(), ids=PAR601_DEPENDENT.keys())
def test_par601_leaves_awaits_on_shared_state_alone(source: str) -> None:
    assert codes("PAR601", source) == []


def _fix_safety(source: str) -> list[bool]:
    return [d.fix.safe for d in lint_source(source, ".py", ["PAR601"]) if d.code == "PAR601" and d.fix]


def test_par601_fix_is_unsafe_when_a_receiver_is_not_seen_built() -> None:
    source = """
        class Digest:
            async def build(self, city, topic):
                weather = await self.weather.fetch_forecast(city)
                news = await self.news.fetch_headlines(topic)
                return weather, news
        """
    assert _fix_safety(source) == [False]


def test_par601_fix_stays_safe_for_functions_classes_and_clients_built_here() -> None:
    source = """
        from openai import AsyncOpenAI

        client = AsyncOpenAI()

        async def main(topic, prompt):
            a = await Runner.run(search_agent, topic)
            b = await fetch_forecast("Paris")
            c = await client.chat.completions.create(model="gpt-4o", messages=prompt)
            return a, b, c
        """
    assert _fix_safety(source) == [True]


PAR603_CHECKED = {
    "helper-checks": """
        import asyncio

        async def fetch_all(client, urls):
            results = await asyncio.gather(*(client.get(u) for u in urls), return_exceptions=True)
            return raise_on_failure(results)
        """,
    "returned-to-caller": """
        import asyncio

        async def gather_tools(calls):
            return await asyncio.gather(*(run_tool(c) for c in calls), return_exceptions=True)
        """,
    "returned-by-name": """
        import asyncio

        async def gather_tools(calls):
            outputs = await asyncio.gather(*(run_tool(c) for c in calls), return_exceptions=True)
            log_batch(len(outputs))
            return outputs
        """,
    "specific-exception-class": """
        import asyncio
        import httpx

        async def scrape(client, urls):
            pages = await asyncio.gather(*(client.get(u) for u in urls), return_exceptions=True)
            return [p for p in pages if not isinstance(p, httpx.HTTPError)]
        """,
    "zipped-item-tuple-of-classes": """
        import asyncio

        async def scrape(client, urls):
            pages = await asyncio.gather(*(client.get(u) for u in urls), return_exceptions=True)
            for url, page in zip(urls, pages):
                if isinstance(page, (TimeoutError, ConnectionError)):
                    retry_later(url)
        """,
}


@pytest.mark.parametrize("source", PAR603_CHECKED.values(), ids=PAR603_CHECKED.keys())
def test_par603_leaves_checked_results_alone(source: str) -> None:
    assert codes("PAR603", source) == []


PAR603_UNCHECKED = {
    "joined": """
        import asyncio

        async def summarise_all(docs):
            summaries = await asyncio.gather(*(summarise(d) for d in docs), return_exceptions=True)
            return "\\n".join(summaries)
        """,
    "counted": """
        import asyncio

        async def send_all(users, msg):
            results = await asyncio.gather(*(send_push(u, msg) for u in users), return_exceptions=True)
            return len(results)
        """,
    "isinstance-on-something-else": """
        import asyncio

        async def pages(client, urls, cfg):
            if isinstance(cfg, ValueError):
                return []
            pages = await asyncio.gather(*(client.get(u) for u in urls), return_exceptions=True)
            return [p.text for p in pages]
        """,
}


@pytest.mark.parametrize("source", PAR603_UNCHECKED.values(), ids=PAR603_UNCHECKED.keys())
def test_par603_still_reports_unchecked_results(source: str) -> None:
    assert codes("PAR603", source)


PAR605_GUARDED = {
    "workflow-built-with-timeout": """
        async def joke():
            workflow = JokeFlow(timeout=60, verbose=False)
            return await workflow.run(topic="pirates")
        """,
    "model-client-built-with-timeout": """
        from openai import AsyncOpenAI

        client = AsyncOpenAI(timeout=30)
        research_agent = Agent(name="research", model=OpenAIChatCompletionsModel(model="gpt-4o", openai_client=client))

        async def main(topic):
            return await Runner.run(research_agent, topic)
        """,
    "timeout-in-a-variable": """
        import asyncio

        async def guarded(topic):
            deadline = asyncio.timeout(60)
            async with deadline:
                return await Runner.run(research_agent, topic)
        """,
    "job-runner": """
        async def worker(queue, job_runner):
            job = await queue.get()
            return await job_runner.run(job)
        """,
    "graph-session": """
        async def cypher(driver, q):
            async with driver.session() as graph_session:
                return await graph_session.run(q)
        """,
    "paragraph-parser": """
        async def parse(doc):
            return await paragraph_parser.run(doc)
        """,
    "steam-api": """
        async def steam(job):
            return await steam_api.run(job)
        """,
}


@pytest.mark.parametrize("source", PAR605_GUARDED.values(), ids=PAR605_GUARDED.keys())
def test_par605_leaves_bounded_or_non_agent_runs_alone(source: str) -> None:
    assert codes("PAR605", source) == []


PAR605_UNGUARDED = {
    "research-agent": """
        async def main(topic):
            return await research_agent.run(topic)
        """,
    "agent-runner": """
        async def main(agent_runner, topic):
            return await agent_runner.run(topic)
        """,
    "compiled-graph": """
        async def main(state):
            return await self_graph.ainvoke(state)
        """,
    "runner-with-agent": """
        async def main(topic):
            return await Runner.run(research_agent, topic)
        """,
    "timeout-set-on-something-else": """
        from openai import AsyncOpenAI

        client = AsyncOpenAI(timeout=30)

        async def main(topic):
            return await Runner.run(research_agent, topic)
        """,
}


@pytest.mark.parametrize("source", PAR605_UNGUARDED.values(), ids=PAR605_UNGUARDED.keys())
def test_par605_still_reports_agent_runs_without_timeout(source: str) -> None:
    assert codes("PAR605", source)


def test_par602_leaves_a_task_group_alone_whatever_its_name() -> None:
    source = """
        import asyncio

        async def event_loop_tg(items):
            async with asyncio.TaskGroup() as loop_group:
                loop_group.create_task(process(items))
        """
    assert codes("PAR602", source) == []


def test_par602_still_reports_tasks_dropped_on_an_event_loop() -> None:
    source = """
        import asyncio

        class Worker:
            def __init__(self):
                self._loop = asyncio.get_event_loop()

            def kick(self, coro):
                self._loop.create_task(coro)

        async def fetched(coro):
            loop = asyncio.get_running_loop()
            loop.create_task(coro)

        def given(loop, coro):
            loop.create_task(coro)

        async def in_place(coro):
            asyncio.get_running_loop().create_task(coro)
        """
    assert codes("PAR602", source) == [8, 12, 15, 18]
