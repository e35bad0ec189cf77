"""Runs of consecutive steps of one agent: the raw material of the missed-parallelism rules.

A run is a maximal sequence of steps of one agent with nothing else entering the context between
them but their own results: a person's prompt, a harness message, an interruption, a compaction,
a synthetic message or a step the rule does not accept ends it. A step whose call failed or came
back empty ends the run after itself, since the next call may be the reaction to that answer.

Within a run, a window is a stretch whose calls could all have been issued at its first step:
each call is knowable at the window's start and reads no resource another member touched.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Callable, Iterator

from linter.context import ContextIndex
from linter.deps import derived, knowable, same_resource
from linter.effects import STATE, Effect
from linter.model import Agent, Event, Session, Step, ToolCall, ToolResult
from linter.rule import Finding, RuleContext
from linter.shell import command_of, split_command


# An answer that says no ("No tables available", {"available": false}, "not found"): the next
# call may be the fallback it calls for.
_NEGATIVE = re.compile(r"""^\W*(?:"?(?:available|found|exists|success|ok)"?\s*:\s*false|no \w+(?: \w+)? (?:available|found|left)"""
                       r"""|not found|none found|unavailable|fully booked|sold out)""", re.I)
# A command that failed, in an answer that carries no exit code or error flag (an application's
# own `run_command`): the shell could not run it, or a file it named is missing. The next call
# is a fallback chosen from it.
_SHELL_FAILED = re.compile(r"is not recognized as (?:an internal or external command|the name of a cmdlet)"
                           r"|\bcommand not found\b|^(?:Access denied|File not found) - "
                           r"|^[\w.-]+: [^\n]{0,200}?: No such file or directory", re.M)


def runs(agent: Agent, accept: Callable[[Step], bool], empty_ends: bool = True) -> Iterator[list[Step]]:
    """Runs of consecutive accepted turns. A failed, negative, cut short or missing answer ends a
    run (the next call may be chosen from it), and so does an empty one unless ``empty_ends`` is false
    (for writes, where an empty answer is an acknowledgement). An answer saying the command could
    not run, or that a file it named is missing, counts as failed even where nothing flags it so."""
    current: list[Step] = []
    for item in agent.timeline():
        if isinstance(item, Event) or item.synthetic or not item.calls or not accept(item):
            if len(current) > 1:
                yield current
            current = []
            continue
        current.append(item)
        if any(_ends_run(c.result, empty_ends) for c in item.calls):
            if len(current) > 1:
                yield current
            current = []
    if len(current) > 1:
        yield current


# An answer that opens as an error report, where nothing flags it (nanobot's "Error: file does not
# exist: ...", "Error executing tool ..."): the call failed.
_FAILED = re.compile(r"\s*(?:\[?error\]?\s*:|error executing\b|an error occurred\b)", re.I)


# An answer that opens by saying it holds only part of what was asked for (Gemini CLI's "IMPORTANT:
# The file content has been truncated. Status: Showing lines 114-200 of 350"): the next call is
# chosen to get the rest.
_CUT = re.compile(r"\b(?:file )?content has been truncated\b", re.I)


def _ends_run(result: ToolResult | None, empty_ends: bool) -> bool:
    """Is the answer missing, failed (flagged, or opening as an error report), negative, cut short
    or (``empty_ends``) empty, or does it say the command could not run? Its head is decoded once
    for all the looks."""
    if result is None or result.is_error or (empty_ends and result.empty):
        return True
    head = result.head[:1200].decode("utf-8", "replace")
    return bool(_NEGATIVE.match(head[:200]) or _FAILED.match(head) or _SHELL_FAILED.search(head[:300])
                or _CUT.search(head[:300]))


# Prose in which the agent reacts to what it just saw: the next call is chosen from that answer.
_REACTS = re.compile(
    r"^\W*(i see|i notice|interesting|now i (can )?see|looking at|this shows|that shows|it (looks|seems)|"
    r"found it|so the|hmm|wait|actually|the (output|result|diff|file|log)s? (shows?|says|has|contains)|"
    r"i can see|that'?s|there'?s|there are|it'?s|no (match|result|output)|empty|these|this (is|looks|seems|shows|means))\b",
    re.I,
)


# Reasoning that turns on the answer just read ("Ah, I see! The branch already had...").
# Reasoning is freer than prose, so these are looked for anywhere in its first sentences.
_THOUGHT_REACTS = re.compile(
    r"\b(i see|i notice|interesting|wait|hmm|actually|turns out|that means|this means|so the|"
    r"it (looks|seems) like|the (output|result|diff|log|status)s? (shows?|says))\b",
    re.I,
)


# Prose that makes the call a test of whether a tool or command is let through ("I will try to run
# Get-Process to see if it's accepted by the shell tool"): the agent probes, and picks the next call
# by the answer. A check run "to verify that it works" is no probe: that is what checks are for.
_PROBES = re.compile(
    r"\b(?:to (?:see|check|test|verify|confirm) (?:if|whether|that)\b[^.!?\n]{0,80}?\b(?:accepted|allowed|permitted|"
    r"rejected|blocked|functioning)\b|(?:i will|i'll|let me|let's) try\b)",
    re.I,
)


def _reacts(step: Step) -> bool:
    if step.text and (_REACTS.search(step.text.strip()) or _PROBES.search(step.text[:300])):
        return True
    return bool(step.thought) and bool(_THOUGHT_REACTS.search(step.thought[:300]))


# A shell command this long, written word for word in an answer, was taken from it.
_SPELLED_OUT = 12


def _seen_in_results(eff: Effect, results: list[str], index: ContextIndex | None = None,
                     result_seqs: set[int] | None = None) -> bool:
    """Does a value of this call appear in an answer the window already received?

    Even a value that was known earlier is treated as taken from that answer: a listing or a
    search that names a file, followed by a read of it, is the read of a found file; likewise a
    call to a function whose name an earlier answer gave. A result keeps only its head, so the
    answers' whole text is looked up in the agent's context index too (``result_seqs``: the
    sequence numbers of the window's answers): a file a long diff names is a found file as well.
    """
    if not results:
        return False
    signature = eff.extra.get("signature")
    if signature is not None and any(signature[0] in text for text in results):
        return True  # a function the answer named (tool discovery): called because of it
    command = eff.label if "segments" in eff.extra else ""
    if len(command) >= _SPELLED_OUT and " " in command and any(command in text for text in results):
        return True  # a command an answer spelled out (a guide's `git merge-base HEAD main`): followed from it
    for forms in eff.values:
        needles = set(forms)
        for form in forms:
            base = posixpath.basename(form.rstrip("/"))
            if "." in base and len(base) >= 4:
                needles.add(base)
        if any(n and n in text for n in needles for text in results):
            return True
        if index is not None and result_seqs and any(len(n) >= 4 and index.occurs_in(n, result_seqs) for n in needles):
            return True
    return False


_IMPORT_LINE = re.compile(r"^.*\b(?:import|from|require|include|use)\b.*$", re.M)
_NOISE = {"import", "from", "require", "include", "use", "the", "and", "type", "export", "default", "module"}


def _follows_import(step: Step, effects: list[Effect], results: list[str], asked: Asked, until: int) -> bool:
    """The turn reads a module an earlier answer of the window imports, and its prose or reasoning
    names what that import brings in ("Now run() in the app module"): tracing the code, not a
    sweep known up front. Prose that names none of it reads as a sweep of files that happen to
    import each other. A turn with no words at all gives no such sign, and the import decides,
    unless a prompt of the person's before ``until`` named the file: then it is a list to work
    through."""
    if not results:
        return False
    silent = not (step.text or step.thought)  # no words at all (Codex keeps its reasoning encrypted)
    prose = f"{step.text} {step.thought[:300]}".lower()
    said = set(re.findall(r"[a-z_][a-z0-9_]{2,}", prose)) - _NOISE
    if not said and not silent:
        return False
    imports = [line for text in results for line in _IMPORT_LINE.findall(text)]
    for eff in effects:
        for forms in eff.values:
            if silent and any(asked.mentions(form, until) for form in forms):
                continue  # the person named this file: a list to work through, whatever imports what
            path = forms[0].rstrip("/")
            stem = posixpath.splitext(posixpath.basename(path))[0]
            if stem in ("index", "__init__", "mod"):  # `from '@/types'` imports types/index.ts
                stem = posixpath.basename(posixpath.dirname(path))
            if len(stem) < 3:
                continue
            for line in imports:
                if re.search(r"[./'\"\s]" + re.escape(stem) + r"\b", line) and \
                        (silent or said & set(re.findall(r"[a-z_][a-z0-9_]{2,}", line.lower()))):
                    return True
    return False


# A name from code: snake_case, camelCase or called ("run_sync", "fetchState", "load()").
_CODE_NAME = re.compile(r"\b([A-Za-z_][A-Za-z0-9]*_[A-Za-z0-9_]+|[a-z]+[A-Z][A-Za-z0-9]*|[A-Za-z_]\w{2,}(?=\(\)))")


def _cites_an_answer(step: Step, results: list[str], index: ContextIndex, start: int) -> bool:
    """The turn's prose or reasoning names something from code that only an answer of the window
    showed ("run_sync hands off to the sync module, let me check it"): the agent is following what
    it read, not working through a list it had."""
    if not results or not (step.text or step.thought):
        return False
    for name in set(_CODE_NAME.findall(f"{step.text}\n{step.thought[:300]}")):
        if len(name) >= 4 and any(name in text for text in results) and index.first_seen(name, before=start + 1) is None:
            return True
    return False


def _named_by_person(eff: Effect, asked: Asked, until: int) -> bool:
    """Every value of the call (a path, a pattern) is written in a prompt the person gave before
    ``until``: the call works through a list the person gave, whatever an answer said about it
    since. A later prompt that happens to name the same files changes nothing."""
    values = eff.values
    if not values:
        return False
    return all(any(len(form) >= 4 and asked.names(form, until) for form in forms) for forms in values)


# A path or name as prose writes it: letters, digits and `_ . / -`.
_PATH_WORD = re.compile(r"[\w./-]+")


class Asked:
    """What the person asked an agent, prompt by prompt, so that a call is judged by the prompts
    given before it. The path-like words are collected once per agent (a prompt can be long,
    and every step asks), each with the first prompt that wrote it."""

    def __init__(self, agent: Agent) -> None:
        self.prompts = [(e.seq, e.text) for e in agent.events if e.kind == "prompt"]
        self.first: dict[str, int] = {}
        for seq, text in self.prompts:
            for word in _PATH_WORD.findall(text):
                self.first.setdefault(word, seq)
                self.first.setdefault(word.rstrip("."), seq)  # a sentence's closing full stop

    def names(self, word: str, until: int) -> bool:
        """Did a prompt before ``until`` write ``word`` on its own (not inside a longer name)?"""
        if _PATH_WORD.fullmatch(word):
            return self.first.get(word, until) < until
        return any(_written_in(word, text) for seq, text in self.prompts if seq < until)

    def mentions(self, text: str, until: int) -> bool:
        """Does a prompt before ``until`` contain ``text`` anywhere?"""
        return any(text in prompt for seq, prompt in self.prompts if seq < until)


def _written_in(word: str, text: str) -> bool:
    """Is ``word`` in ``text`` on its own, not inside a longer name or path (a full stop after
    it may end a sentence)? A plain find, as prompts can be long."""
    size = len(word)
    at = text.find(word)
    while at != -1:
        before = text[at - 1] if at else " "
        after = text[at + size] if at + size < len(text) else " "
        if not (before.isalnum() or before in "_./-") and not (after.isalnum() or after in "_/-"):
            return True
        at = text.find(word, at + 1)
    return False


def _searches(step: Step, ctx: RuleContext) -> bool:
    """Does the turn search for a pattern (Grep, `rg`, `git grep`, `git log --grep=...`)? A glob
    lists files by name: no pattern to reword."""
    return any(ctx.effect(call).search and call.name.lower() != "glob" for call in step.calls)


# A wait before the read (`sleep 30 && gh pr checks 5`, `gh run watch`): the call looks at a state
# that time has to bring about after the answer before it, so it is no part of a batch with it.
_WAITS = re.compile(r"(?:^|&&|;|\|\||\bdo)\s*sleep\s+[0-9.]+[smh]?\b|\bgh\s+run\s+watch\b|--watch\b(?!=false)")


# `date` with one of these works on a date it is given (`date -d 2024-01-01 +%s`) or changes the
# clock; without them it reads the clock.
_DATE_INPUTS = ("-d", "--date", "-r", "--reference", "-s", "--set", "-f", "--file", "-j")


def _reads_clock(command: str) -> bool:
    """Does the command ask the time (`date '+%H:%M:%S' && ls -la out.json`)? An agent that looks at
    the clock between turns is watching time pass, most often while a background job runs: the
    answer depends on when it is asked, so such a turn is a poll, no part of a batch."""
    if "date" not in command:
        return False
    for seg in split_command(command):
        if seg.program == "date" and not any(w.split("=", 1)[0] in _DATE_INPUTS or w[:2] in _DATE_INPUTS
                                             for w in seg.words[1:]):
            return True
    return False


def _waits(step: Step) -> bool:
    for call in step.calls:
        command = command_of(call).strip()
        if _WAITS.search(command) or _reads_clock(command):
            return True
    return False


# Arguments that say why, how long or how much output, not what: the same command with a new
# description is the same call again (`pwd && git remote -v`, re-run as "Check git remotes from
# correct directory"), and so is Codex's `exec_command` with a larger `max_output_tokens`.
_ASIDE_ARGUMENTS = frozenset({"description", "justification", "explanation", "reason", "timeout", "timeout_ms",
                              "yield_time_ms", "max_output_tokens"})


def _call_key(call: ToolCall) -> tuple[str, str]:
    args = call.input
    if _ASIDE_ARGUMENTS.intersection(args):
        args = {k: v for k, v in args.items() if k not in _ASIDE_ARGUMENTS}
    return call.name, json.dumps(args, sort_keys=True, default=str)


def _repeats(step: Step, window: list[Step]) -> bool:
    """The same call again (``sleep 60 && gh pr checks 42``, a status read): polling for a change,
    which only the answer to the earlier call could show."""
    seen = {_call_key(c) for s in window for c in s.calls}
    return any(_call_key(c) in seen for c in step.calls)


def _query_shape(call: ToolCall) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A shell command's words without its options, and all its words (None for other tools)."""
    command = command_of(call)
    if not command:
        return None
    words = [w for seg in split_command(command) for w in [seg.program, *seg.words[1:]]]
    return tuple(w for w in words if not w.startswith("-")), tuple(words)


def _shows_all(word: str) -> bool:
    """`--all`, or a short-option cluster holding `a`/`A` (`ls -a`, `ls -la`, `docker ps -a`)."""
    return word == "--all" or (word.startswith("-") and not word.startswith("--") and
                                ("a" in word[1:] or "A" in word[1:]))


# Programs whose single-dash words are long options (`find -name`), not clusters of letters.
_LONG_SINGLE_DASH = {"find", "java", "go"}


def _requeries(step: Step, window: list[Step]) -> bool:
    """The turn asks the turn before it again, now for everything (`ls` then `ls -a`, `git branch`
    then `git branch -a`): the first answer lacked what the agent looked for, which only that
    answer could show. A more detailed form of the same question (`git diff --stat`, then the
    whole diff) is no such sign: a review runs both whatever the first shows."""
    before = [shape for c in window[-1].calls if (shape := _query_shape(c)) is not None]
    if not before:
        return False
    for call in step.calls:
        shape = _query_shape(call)
        if shape is None or shape[1][0] in _LONG_SINGLE_DASH:
            continue
        for bare, full in before:
            if shape[0] == bare and any(_shows_all(w) for w in set(shape[1]) - set(full)):
                return True
    return False


# A shell read that starts past the first line: `sed -n '130,189p' f`, `tail -n +50 f`,
# `awk 'NR>=40' f`.
_SHELL_RANGE = re.compile(r"\bsed\s+-n\s+['\"]?(\d+)(?:,\d+)?p|\btail\s+-n\s*\+(\d+)|\bawk\b[^|]*\bNR\s*>=?\s*(\d+)")


def _number(value: object) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _ranged_read(step: Step) -> bool:
    """A read of a specific line range: the range was chosen from something already seen."""
    for call in step.calls:
        offset = _number(call.input.get("offset"))
        if offset is not None and offset > 1:
            return True
        view = call.input.get("view_range")  # the text editors' [start, end]
        if isinstance(view, list) and view and (_number(view[0]) or 0) > 1:
            return True
        start = _number(call.input.get("start_line"))
        if start is not None and start > 1:
            return True
        command = command_of(call)
        if command:
            for match in _SHELL_RANGE.finditer(command):
                if int(next(g for g in match.groups() if g)) > 1:
                    return True
    return False


def windows(run: list[Step], ctx: RuleContext, agent: Agent, *, strict: bool = True,
            fits: Callable[[list[Step], Step], bool] | None = None, asked: Asked | None = None) -> Iterator[list[Step]]:
    """Split a run into windows of calls that could all have gone out at the window's first step.

    ``strict``: every value of every later call must be in context at the start (reads, checks).
    Otherwise no value may have entered the context during the window (subagent prompts).
    """
    index = agent.context
    assert index is not None
    if asked is None:
        asked = Asked(agent)
    until = run[0].seq if run else 0  # the prompts before the run (a prompt ends a run)
    window: list[Step] = []
    effects: list[Effect] = []
    results: list[str] = []
    result_seqs: set[int] = set()
    listed = False  # every call of the window so far reads what the person named
    for step in run:
        step_effects = [ctx.effect(c) for c in step.calls]
        named = all(_named_by_person(eff, asked, until) for eff in step_effects)
        # A search right after a search is most often the first one reworded after its answer
        # missed: a refinement, unless it works through the person's own list.
        refines = bool(window) and not (listed and named) and _searches(step, ctx) and _searches(window[-1], ctx)
        ok = bool(window) and not refines and not _waits(step) and not _requeries(step, window) and \
            not _reacts(step) and not _ranged_read(step) and \
            not _follows_import(step, step_effects, results, asked, until) and not _repeats(step, window) and \
            not _cites_an_answer(step, results, index, window[0].seq)
        if ok:
            start = window[0].seq
            for eff in step_effects:
                if not (listed and named) and _seen_in_results(eff, results, index, result_seqs):
                    ok = False
                    break
                if strict and not knowable(eff, index, start):
                    ok = False
                elif not strict and derived(eff, index, start, step.seq) is not None:
                    ok = False
                elif any(same_resource(eff, prev) for prev in effects):
                    ok = False
            if ok and fits is not None and not fits(window, step):
                ok = False
        if not ok:
            if len(window) > 1:
                yield window
            window, effects, results = [], [], []
            result_seqs = set()
        listed = named if not window else listed and named
        window.append(step)
        effects.extend(step_effects)
        results.extend(c.result.text for c in step.calls if c.result is not None)
        result_seqs.update(c.result.seq for c in step.calls if c.result is not None and c.result.seq)
    if len(window) > 1:
        yield window


def bookkeeping(call: ToolCall, ctx: RuleContext) -> bool:
    """A todo-list update: it tells the agent nothing, so it neither ends a run of serialised
    calls nor counts as one of them."""
    return ctx.effect(call).kind == STATE


_PATCHES = " (patches that add files are reported still: one patch could have added them all)"


def one_call_per_turn(session: Session) -> bool:
    """Did the harness take one tool call per model turn (``ONE_CALL_PER_TURN`` in the format's
    module, such as SWE-agent, or ``session.one_call_per_turn`` for a harness version from before
    parallel calls)?"""
    from linter.parsers import FORMATS

    module = FORMATS.get(session.format)
    return bool(getattr(module, "ONE_CALL_PER_TURN", False) or session.one_call_per_turn)


def serial_findings(session: Session, ctx: RuleContext, accept: Callable[[Step], bool], min_calls: int,
                    message: Callable[[list[ToolCall], int], str], *, strict: bool = True,
                    concurrent: bool = True, fits: Callable[[list[Step], Step], bool] | None = None,
                    pieces: Callable[[list[Step]], list[list[Step]]] | None = None,
                    any_harness: bool = False, empty_ends: bool = True) -> Iterator[Finding]:
    """Findings for windows of at least ``min_calls`` calls, ``min_calls - 1`` of them after the
    first turn (the calls a batch would save a turn for); ``message(calls, extra_round_trips)``.
    A window of two turns whose first already held a batch is no finding: the agent worked side
    by side, and a second round saves one trip at most. Bookkeeping calls (todo-list updates) are
    no part of a finding, and turns of bookkeeping alone at either end of a window are left out
    of it.

    Harnesses that take one call per model turn (``ONE_CALL_PER_TURN`` in the format's module,
    such as SWE-agent, or ``session.one_call_per_turn`` for a harness version from before parallel
    calls) give no batch to advise, so nothing is reported for them, unless ``any_harness`` (the
    calls could have been one call: patches that add files). ``empty_ends``: see ``runs``."""
    if not any_harness and one_call_per_turn(session):
        if session.one_call_per_turn:
            reason = f"{session.one_call_per_turn}: serialised calls could not be batched there"
        else:
            reason = f"{session.format} takes one tool call per model turn: serialised calls cannot be batched there"
        session.note("one-call-per-turn", reason + _PATCHES)
        return
    for agent in session.agents.values():
        asked = Asked(agent)
        for run in runs(agent, accept, empty_ends):
            for piece in (pieces(run) if pieces is not None else [run]):
                for window in windows(piece, ctx, agent, strict=strict, fits=fits, asked=asked):
                    while window and all(bookkeeping(c, ctx) for c in window[0].calls):
                        window = window[1:]
                    while window and all(bookkeeping(c, ctx) for c in window[-1].calls):
                        window = window[:-1]
                    if not window:
                        continue
                    calls = [c for s in window for c in s.calls if not bookkeeping(c, ctx)]
                    first = [c for c in window[0].calls if not bookkeeping(c, ctx)]
                    if len(calls) < min_calls or len(calls) - len(first) < min_calls - 1:
                        continue
                    if len(window) == 2 and len(first) > 1:
                        continue  # a batch, then one more: a second round, saving one trip at most
                    yield Finding(message=message(calls, len(window) - 1), calls=calls, steps=window, depth=1,
                                  concurrent=concurrent, agent_id=agent.id)
