"""BFCL parallel ground truth as a test set for PAR101.

Each BFCL "parallel" / "parallel_multiple" question has ground-truth calls that are independent by
construction. Rendered as an OpenAI Chat Completions request with one call per assistant turn (the
question as the user prompt, the question's functions as the request's ``tools``), PAR101 should
fire; rendered as one batch, nothing should.

    python -m tests.bfcl.bfcl_set     # prints the detection rate and the misses grouped by reason
"""

from __future__ import annotations

import json
import os
import pathlib
import tempfile
from collections import Counter
from dataclasses import dataclass
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[2]
BFCL = ROOT / "fixtures" / "bfcl"
CATEGORIES = ("BFCL_v4_parallel", "BFCL_v4_parallel_multiple", "BFCL_v4_live_parallel",
              "BFCL_v4_live_parallel_multiple")
MIN_SERIAL_CALLS = 2  # BFCL questions have two calls or more; the default (3) is for agent sessions


@dataclass
class Case:
    id: str
    messages: list[dict[str, Any]]
    calls: list[tuple[str, dict[str, Any]]]
    functions: list[dict[str, Any]]


def _value(allowed: list[Any]) -> tuple[bool, Any]:
    """The first allowed value of a parameter; ("", ...) marks an optional one, left out."""
    for value in allowed:
        if value != "" and value is not None:
            return True, value
    return False, None


def load() -> list[Case]:
    cases = []
    for category in CATEGORIES:
        questions = {}
        with open(BFCL / f"{category}.json", encoding="utf-8") as fp:
            for line in fp:
                rec = json.loads(line)
                questions[rec["id"]] = (rec["question"][0], rec["function"])
        with open(BFCL / "possible_answer" / f"{category}.json", encoding="utf-8") as fp:
            for line in fp:
                rec = json.loads(line)
                calls = []
                for entry in rec["ground_truth"]:
                    ((name, params),) = entry.items()
                    args = {}
                    for key, allowed in params.items():
                        present, value = _value(allowed)
                        if present:
                            args[key] = value
                    calls.append((name, args))
                messages, functions = questions[rec["id"]]
                cases.append(Case(rec["id"], messages, calls, functions))
    return cases


def _assistant(calls: list[tuple[int, str, dict[str, Any]]]) -> dict[str, Any]:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": f"call_{n}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
        for n, name, args in calls]}


def render(case: Case, batched: bool) -> dict[str, Any]:
    """The question as the user prompt, the offered functions as the request's ``tools``, then
    the ground-truth calls: one per assistant turn, or all in one."""
    messages = list(case.messages)
    numbered = [(n, name, args) for n, (name, args) in enumerate(case.calls, 1)]
    groups = [numbered] if batched else [[c] for c in numbered]
    for group in groups:
        messages.append(_assistant(group))
        for n, _, _ in group:
            messages.append({"role": "tool", "tool_call_id": f"call_{n}", "content": "ok"})
    messages.append({"role": "assistant", "content": "Done."})
    return {"messages": messages, "tools": [{"type": "function", "function": f} for f in case.functions]}


def lint(documents: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Lint each rendered case; returns the codes found per case id."""
    from linter.config import Config
    from linter.engine import load_registry, run

    found: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for case_id, document in documents.items():
            path = os.path.join(tmp, f"{case_id}.json")
            with open(path, "w", encoding="utf-8") as fp:
                json.dump(document, fp)
            paths[path] = case_id
            found[case_id] = []
        result = run(list(paths), Config(min_serial_calls=MIN_SERIAL_CALLS), load_registry(), fmt="openai-chat")
        if result.errors:
            raise AssertionError([e.message for e in result.errors][:5])
        for d in result.diagnostics:
            found[paths[d.path]].append(d.code)
    return found


def miss_reason(case: Case) -> str:
    """Why PAR101 stays silent on a serial rendering, judged with the linter's own spellings."""
    from linter.context import ContextIndex
    from linter.effects import _argument_values, is_query_name
    from linter.parsers._messages import definition_text

    if not all(is_query_name(name) for name, _ in case.calls):
        return "a function name holds an action word (book, play, order...): effect unknown"
    index = ContextIndex()
    for function in case.functions:
        index.add(definition_text(function), 0)
    for message in case.messages:
        if isinstance(message.get("content"), str):
            index.add(message["content"], 0)
    for _, args in case.calls:
        for key, value in args.items():
            forms: list[tuple[str, ...]] = []
            _argument_values(value, forms)
            if any(index.known_at(f) is None for f in forms):
                kind = "number" if isinstance(value, (int, float)) else "string"
                return f"a {kind} argument is not written in the question as the call writes it"
    return "other"


def evaluate() -> tuple[list[Case], dict[str, list[str]], dict[str, list[str]]]:
    cases = load()
    serial = lint({c.id: render(c, batched=False) for c in cases})
    batched = lint({c.id: render(c, batched=True) for c in cases})
    return cases, serial, batched


def main() -> None:
    cases, serial, batched = evaluate()
    hits = [c for c in cases if "PAR101" in serial[c.id]]
    print(f"PAR101 on the serial rendering: {len(hits)}/{len(cases)} ({len(hits) / len(cases):.1%})")
    noisy = [c.id for c in cases if batched[c.id]]
    print(f"findings on the batched rendering: {len(noisy)} {noisy[:10]}")
    reasons = Counter(miss_reason(c) for c in cases if "PAR101" not in serial[c.id])
    for reason, count in reasons.most_common():
        print(f"  miss: {count:4d}  {reason}")


if __name__ == "__main__":
    main()
