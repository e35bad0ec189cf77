"""Render a scenario as a smolagents benchmark log row (JSONL) of a ToolCallingAgent.

The row holds the run's memory as the chat messages the model saw: the system prompt, each
person's prompt as a ``New task:`` user message (a run continued with ``reset=False``), and per
step an assistant message (its prose, then one ``Tool call <id>: calling '<name>' with arguments:
...`` line per call), the ``tool-call`` message (``Calling tools:`` and the python repr of the
call list) and one ``tool-response`` message: ``Observation:`` with the outputs of all the calls,
or ``Call id: <id>`` and ``Error:``. A step without calls is the agent's ``final_answer`` call.
Claude Code tools map to the functions a coding agent built on smolagents would be given,
with paths relative to the directory it runs in (``read_file``, ``write_file``, ``edit_file``, ``bash``, ``grep``, ``glob``) and to smolagents'
own ``web_search`` and ``visit_webpage``.

What smolagents cannot express raises ``Inexpressible``: subagents (managed agents are called as
tools named after the agent, which the log does not mark as agents), todo lists (its plans are
planning steps, not calls), harness-injected text and interrupts, and a failure within a batch
(a step that fails reports its error against its first call).
"""

from __future__ import annotations

import json
from typing import Any

from linter.testing import _BASE, CWD, Inexpressible, ScenarioCall, ScenarioStep, parse_scenario

SUFFIX = ".jsonl"
_MODEL = "gpt-4o"
_SYSTEM = ("You are an expert assistant who can solve any task using tool calls. You will be given a task to "
           "solve as best you can.")
_NAMES = {"Read": "read_file", "Write": "write_file", "Edit": "edit_file", "Bash": "bash", "Grep": "grep",
          "Glob": "glob", "WebSearch": "web_search", "WebFetch": "visit_webpage"}


def _tool(call: ScenarioCall) -> tuple[str, dict[str, Any]]:
    name = _NAMES.get(call.name)
    if name is None:
        reason = {"Task": "managed agents are called as tools named after the agent, which the log does not "
                          "mark as agents",
                  "Agent": "managed agents are called as tools named after the agent, which the log does not "
                           "mark as agents",
                  "TodoWrite": "its plans are planning steps, not calls"}.get(call.name, "it has no such tool")
        raise Inexpressible(f"smolagents cannot express {call.name}: {reason}")
    args = {k: _relative(v) for k, v in call.args.items()}
    if "file_path" in args:
        args["path"] = args.pop("file_path")
    return name, args


def _relative(value: Any) -> Any:
    """Paths as a tool of the agent's own takes them: relative to the directory it runs in."""
    if isinstance(value, str) and value.startswith(CWD + "/"):
        return value[len(CWD) + 1:]
    return value


def _message(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "content": [{"type": "text", "text": text}], "tool_calls": None, "raw": None,
            "token_usage": None}


class _Run:
    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = [_message("system", _SYSTEM)]
        self.question: str | None = None
        self.answer = ""
        self.calls = 0

    def prompt(self, kind: str, body: str) -> None:
        if kind != "user" or body.startswith("[Request interrupted"):
            raise Inexpressible("smolagents logs record no harness-injected text and no interrupts")
        if self.question is None:
            self.question = body
        self.steps.append(_message("user", f"New task:\n{body}"))

    def step(self, step: ScenarioStep) -> None:
        calls = [(call, *_tool(call)) for call in step.calls]
        if not calls:  # the agent's last words: its final answer
            calls = [(ScenarioCall("final_answer", {"answer": step.text}, result=step.text), "final_answer",
                      {"answer": step.text})]
            self.answer = step.text
            text = ""
        else:
            text = step.text
        if len(calls) > 1 and any(call.error for call, *_ in calls):
            raise Inexpressible("a smolagents step that fails reports its error against its first call: "
                                "which call of a batch failed cannot be told")
        listed = []
        for _, name, args in calls:
            self.calls += 1
            listed.append({"id": f"call_{self.calls:04d}", "type": "function",
                           "function": {"name": name, "arguments": args}})
        lines = [f"Tool call {item['id']}: calling '{item['function']['name']}' with arguments: "
                 f"{item['function']['arguments']!r}" for item in listed]
        self.steps.append(_message("assistant", "\n".join([text, *lines] if text else lines)))
        self.steps.append(_message("tool-call", f"Calling tools:\n{listed!r}"))
        failed = next((call for call, *_ in calls if call.error), None)
        if failed is not None:
            self.steps.append(_message("tool-response", f"Call id: {listed[0]['id']}\nError:\n{failed.result}\n"
                                                        "Now let's retry: take care not to repeat previous errors!"))
        else:
            self.steps.append(_message("tool-response", "Observation:\n" + "\n".join(c.result for c, *_ in calls)))

    def row(self) -> dict[str, Any]:
        return {"model_id": _MODEL, "agent_action_type": "tool-calling", "question": self.question or "",
                "original_question": self.question or "", "answer": self.answer, "true_answer": None,
                "source": "scenario", "intermediate_steps": self.steps, "start_time": float(_BASE),
                "end_time": "2026-01-01 00:01:00",
                "token_counts": {"input_tokens": 20128 * self.calls, "output_tokens": 90 * self.calls,
                                 "total_tokens": 20218 * self.calls}}


def render(text: str) -> str:
    """Render a scenario as a one-row smolagents benchmark log."""
    run = _Run()
    for item in parse_scenario(text):
        if isinstance(item, tuple):
            run.prompt(*item)
        else:
            run.step(item)
    return json.dumps(run.row(), ensure_ascii=False) + "\n"
