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
