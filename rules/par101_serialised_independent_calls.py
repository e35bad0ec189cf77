"""PAR101 serialised-independent-calls."""

from __future__ import annotations

import re
from typing import Iterable

from linter.effects import READ, WRITE
from linter.model import Session, Step, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.shell import command_of
from linter.windows import bookkeeping, one_call_per_turn, serial_findings
from rules._common import describe_calls, plural, replaced_text


class SerialisedIndependentCalls(Rule):
    code = "PAR101"
    name = "serialised-independent-calls"
    severity = "warning"
    confidence = "high"
    summary = ("Independent calls (reads, searches, writes and edits of separate files) went out one per turn "
               "although all were knowable at the first.")
    rationale = (
        "Every extra turn is one more request that re-reads the whole context and waits for the model "
        "again. When the paths, patterns or URLs of later calls were already in the context (the "
        "person's prompt, an earlier result, the agent's own prose) at the first call, or are plain "
        "names the agent could guess (`ls src`), or paths that a listing of their directory printed "
        "(`ls src-tauri` gives `Cargo.toml` on a line of its own; `cd ~/work/app && find .` gives "
        "`./src/main.rs`) where that directory was written out too, and no call "
        "reads what another produced, they could have gone out as one batch: the harness runs "
        "read-only calls side by side. Reads are files, searches, URLs and read-only shell "
        "commands; a run ends at any prompt, interruption, failure (an answer that says the command "
        "could not run or a file it named is missing, or that opens as an error report, counts, "
        "flagged or not), empty result, or answer that says it was cut short (\"The file content has "
        "been truncated\": the next call may fetch the rest); the "
        "same call again, even with a new description, is a retry or a poll; and a "
        "value that appears in a result inside the run marks the later call as dependent, even when it "
        "was known before (a listing that names a file, then a read of it, reads a found file; a "
        "command an answer spelled out word for word, such as a guide's `git merge-base HEAD main`, "
        "is taken from it), "
        "unless a prompt the person gave before the run named every value of that call and of the "
        "calls before it in the run: a list the person gave, worked through one file per turn. So "
        "does prose that names code only an answer of the run showed (`run_sync hands off to the sync "
        "module`): the agent is tracing what it read. A search right after a search (Grep, `rg`, "
        "`git log --grep`) is taken as the first one reworded after its answer missed, unless the "
        "person named the patterns; a listing asked again for everything (`ls`, then `ls -a`) means "
        "the first answer lacked what was looked for; a read after a wait (`sleep 30 && gh pr "
        "checks 5`) or a look at the clock (`date '+%H:%M:%S'`, most often while a background job runs) "
        "looks at a state time had to bring about; and a call the agent says tests whether "
        "something works (\"I will try to run Get-Process to see if it's accepted\") is a probe, "
        "chosen by how the one before went. "
        "Whole-file writes of separate files (Write, write_file, a create command, a patch that only "
        "adds files, a shell command that is nothing but `cat > path <<'EOF'` and its text) count "
        "too: between them only acknowledgements came back, which tell the agent "
        "nothing it did not know, so the files could have been written in one turn. So do edits of "
        "separate files the agent had already read or written (it had the text it replaces), in "
        "turns that say nothing: an edit explained in its turn was thought through there. Only turns of "
        "one write each count (an agent that already grouped its writes chose its batches), and a "
        "failed write is no part of a finding, nor is a write whose answer says more than that it "
        "was done (a hook's or a checker's report: warnings, errors, lint). A run of writes ends as a "
        "run of reads does (except that an empty answer to a write is an acknowledgement too), and "
        "at any other edit, a command or a write of a file already written in it. "
        "Turns that generated more than "
        "`max-batch-output-tokens` (default 16,000) between them are not taken as one batch, since a "
        "turn that long may pass the model's output limit. "
        "On a harness that takes one call per turn (SWE-agent; Codex CLI before 0.65, or with a model "
        "it is not known to ask for parallel calls, such as gpt-5.1-codex-max or another provider's, "
        "where the rollout has no batch; an API request that set `parallel_tool_calls` to false or "
        "`disable_parallel_tool_use`; OpenAI's legacy `function_call` messages) serialised calls "
        "are not reported, except patches that add "
        "files: one patch could have added them all. "
        "A turn that only updates the agent's todo list tells it nothing: it neither ends a run nor "
        "counts as one of its calls. A batch followed by one more batch is left alone: the agent "
        "already worked side by side, the second round saves one trip at most, and what it looks at "
        "is most often chosen from what the first returned. `min-serial-calls` (default 3) sets how "
        "many calls make a finding."
    )
    options = {"max-batch-output-tokens": 16_000}
    VALID = [
        # A batch, then one more: the agent already worked side by side; a second round saves one
        # trip at most, and is most often chosen from what the first returned.
        """
        user: Why is the CI build red? Look at the workflow, the Makefile and package.json.
        step
        call Read file_path=.github/workflows/ci.yml
        -> run: make ci
        call Read file_path=Makefile
        -> ci: lint test
        step
        call Read file_path=package.json
        -> {"scripts": {"lint": "eslint ."}}
        call Bash command="git log -3 --oneline"
        -> 1a2b3c4 bump eslint
        """,
        # One batch: nothing to report.
        """
        user: Why does dry-run mode crash? See src/app/cli.py, src/app/sync.py and src/app/remote.py.
        step
        call Read file_path=src/app/cli.py
        -> def main(): run_sync(dry_run=True)
        step: main hands off to run_sync, let me check the sync module.
        call Read file_path=src/app/sync.py
        -> def run_sync(dry_run): state = fetch_state(); state.apply()
        step: state is None in dry-run mode, so fetch_state must return None there.
        call Read file_path=src/app/remote.py
        -> def fetch_state(): return None
        step: Found it.
        """,
        """
        user: Review src/a.py, src/b.py and src/c.py
        step: Reading all three.
        call Read file_path=src/a.py
        call Read file_path=src/b.py
        call Read file_path=src/c.py
        """,
        # The second path came out of the first result: a real dependency.
        """
        user: Find where the config is loaded and review that file.
        step
        call Grep pattern=load_config
        -> src/app/settings.py
        step
        call Read file_path=src/app/settings.py
        step
        call Read file_path=src/app/loader.py
        """,
        # The person named both files, but the search chose which one to read first.
        """
        user: The crash is in src/parser.py or src/lexer.py, find it
        step
        call Grep pattern=IndexError path=src
        -> src/parser.py:42: raise IndexError
        step
        call Read file_path=src/parser.py
        -> def parse(s): return s.split()[0]
        step
        call Read file_path=src/lexer.py
        -> def lex(s): return s
        """,
        # A person spoke between the reads: each read answers a new request.
        """
        user: Show me src/a.py
        step
        call Read file_path=src/a.py
        user: now src/b.py
        step
        call Read file_path=src/b.py
        user: and src/c.py
        step
        call Read file_path=src/c.py
        """,
        """
        user: Push the branch and wait for CI on PR 42.
        step
        call Bash command="git push origin feat/retry"
        -> pushed
        step
        call Bash command="sleep 60 && gh pr checks 42"
        -> build pending\\ntest pending
        step
        call Bash command="sleep 60 && gh pr checks 42"
        -> build pass\\ntest pending
        step
        call Bash command="sleep 60 && gh pr checks 42"
        -> build pass\\ntest pass
        step: CI is green.
        """,
        """
        user: List the python files in src
        step
        call Glob pattern="src/**/*.py"
        -> /repo/src/app.py\\n/repo/src/parser.py\\n/repo/src/cli.py
        user: Why does the cli crash on empty input?
        step: Let me start with the entry point.
        call Read file_path=src/cli.py
        -> from .app import run\\n\\ndef main(argv):\\n    return run(argv[1:])
        step: Now let me look at run() in the app module.
        call Read file_path=src/app.py
        -> from .parser import parse\\n\\ndef run(args):\\n    return parse(args[0])
        step: Next, the parse function it calls.
        call Read file_path=src/parser.py
        -> def parse(s):\\n    return s.split()[0]
        step: The crash is in parse: split()[0] of an empty string.
        """,
        # The listing showed `src`; only then was it listed in turn.
        """
        user: Check docs/requirements.md against the code.
        step
        call Bash command="ls"
        -> docs\\nsrc\\ntech\\nREADME.md
        step
        call Bash command="cat docs/requirements.md"
        -> 1. The CLI accepts --base.
        step
        call Bash command="ls src"
        -> usereq
        """,
        # The containers came out of the listing.
        """
        user: The api container keeps restarting, find out why.
        step
        call Bash command="docker ps -a"
        -> NAMES STATUS\\nproject-api-1 Restarting\\nproject-db-1 Up
        step
        call Bash command="docker logs project-api-1 --tail 50"
        -> connection refused db:5432
        step
        call Bash command="docker logs project-db-1 --tail 50"
        -> ready
        """,
        # The pull requests came out of the listing.
        """
        user: Summarise the open pull requests.
        step
        call Bash command="gh pr list"
        -> 123 Fix login\\n124 Add cache
        step
        call Bash command="gh pr view 123"
        -> Fixes the SSO login
        step
        call Bash command="gh pr view 124"
        -> Adds a cache
        """,
        # Waiting for CI: each check after a sleep looks at a later state, not a known one.
        """
        user: Push and watch CI for PR 5.
        step
        call Bash command="gh pr checks 5"
        -> build pending
        step
        call Bash command="sleep 30 && gh run list --limit 1"
        -> in_progress
        step
        call Bash command="sleep 60 && gh pr checks 5 --watch=false"
        -> build pass
        """,
        # A search right after a search: the first answer missed, so the pattern was reworded.
        """
        user: Search returns no results for new checkpoints. Find the commit that broke checkpoint search.
        step
        call Read file_path=cmd/search.go
        -> func Search(q string) []Result { return index.Find(q) }
        step
        call Bash command="git log --oneline --grep='checkpoint search'"
        -> 383f80c refactor: shared error classifier
        step
        call Bash command="git log --oneline --grep='search.*results\\|fix.*search'"
        -> f816980 fix(search): skip empty results
        """,
        # Listing again with -a: the plain listing did not show the hidden folder the task names.
        """
        user: Update the project constitution at .specify/memory/constitution.md
        step
        call Bash command="ls"
        -> AGENTS.md specify
        step
        call Bash command="ls -a"
        -> . .. .specify AGENTS.md specify
        step
        call Bash command="cat .specify/memory/constitution.md"
        -> # [PROJECT_NAME] Constitution
        """,
        # Each file is written after the previous one was checked: the check's answer came between.
        """
        user: Add the models, then the views.
        step
        call Write file_path=app/models.py content="class Note: pass"
        -> File created successfully at: app/models.py
        step
        call Bash command="python -c 'import app.models'"
        -> ok
        step
        call Write file_path=app/views.py content="from app.models import Note"
        -> File created successfully at: app/views.py
        step
        call Write file_path=app/urls.py content="urls = []"
        -> File created successfully at: app/urls.py
        """,
        # The same file written again is a rewrite, not a missed batch.
        """
        user: Write a config loader.
        step
        call Write file_path=config.py content="import os"
        -> File created successfully at: config.py
        step
        call Write file_path=config.py content="import os, json"
        -> The file config.py has been updated.
        step
        call Write file_path=loader.py content="import config"
        -> File created successfully at: loader.py
        """,
        # Each call tests whether a tool works after the shell refused commands: probes, each
        # chosen by how the one before went.
        """
        user: whoami
        step
        call Bash command="whoami"
        -> Error: Command rejected because it could not be parsed safely
        step: I will read remediate_hardening.ps1 to understand the system's security configuration.
        call Read file_path=remediate_hardening.ps1
        -> # Applies Tier 1 and Tier 2 hardening measures
        step: I will search for .ps1 files to verify that tools are functioning correctly.
        call Glob pattern="*.ps1"
        -> remediate_hardening.ps1
        step: I will try to run Get-Process to see if it's accepted by the shell tool.
        call Bash command="Get-Process"
        -> Error: Command rejected because it could not be parsed safely
        """,
        # A here-document followed by a run of the script it wrote: each answer is news.
        """
        user: Find out which of the three parsers handles the sample fastest.
        step
        call Bash command:='"cat > /tmp/t1.py <<EOF\\nimport json\\nEOF\\npython /tmp/t1.py"'
        -> 0.42 s
        step
        call Bash command:='"cat > /tmp/t2.py <<EOF\\nimport orjson\\nEOF\\npython /tmp/t2.py"'
        -> 0.08 s
        step
        call Bash command:='"cat > /tmp/t3.py <<EOF\\nimport ujson\\nEOF\\npython /tmp/t3.py"'
        -> 0.15 s
        """,
    ]
    INVALID = [
        # Three new files written one per turn: only acknowledgements came back in between.
        """
        user: Build a Pomodoro timer page with HTML, CSS and JavaScript.
        step: First I'll create index.html, style.css and script.js.
        call Write file_path=index.html content="<div id=timer></div>"
        -> File created successfully at: index.html
        step
        call Write file_path=style.css content="#timer { font-size: 6rem }"
        -> File created successfully at: style.css
        step
        call Write file_path=script.js content="let left = 1500"
        -> File created successfully at: script.js
        """,
        # Edits of files the agent had read, one per turn with nothing said between: the plan
        # was made before the first.
        """
        user: Rename the timeout setting to deadline in config.py, client.py and cli.py
        step: Three one-line changes.
        call Read file_path=config.py
        -> timeout = 30
        call Read file_path=client.py
        -> wait(cfg.timeout)
        call Read file_path=cli.py
        -> --timeout
        step
        call Edit file_path=config.py old_string="timeout = 30" new_string="deadline = 30"
        -> The file config.py has been updated successfully.
        step
        call Edit file_path=client.py old_string="cfg.timeout" new_string="cfg.deadline"
        -> The file client.py has been updated successfully.
        step
        call Edit file_path=cli.py old_string="--timeout" new_string="--deadline"
        -> The file cli.py has been updated successfully.
        """,
        # A shell tool's here-document that only writes the file is a whole-file write too.
        """
        user: Add the settings, logging and errors modules the README lists.
        step
        call Bash command:='"cat > settings.py <<EOF\\nDEBUG = False\\nEOF"'
        ->
        step
        call Bash command:='"cat > logging_setup.py <<EOF\\nLEVEL = 20\\nEOF"'
        ->
        step
        call Bash command:='"cat > errors.py <<EOF\\nclass AppError(Exception): pass\\nEOF"'
        ->
        """,
        # A harness that answers a write with nothing: an empty answer is an acknowledgement too.
        """
        user: Add a Card component and the bar and line chart blocks of the dashboard.
        step
        call Write file_path=src/Card.tsx content="export const Card = () => null"
        ->
        step
        call Write file_path=src/BarChart.tsx content="export const BarChart = () => null"
        ->
        step
        call Write file_path=src/LineChart.tsx content="export const LineChart = () => null"
        ->
        """,
        """
        user: Review src/a.py, src/b.py and src/c.py
        step: Let me start with a.py.
        call Read file_path=src/a.py
        step
        call Read file_path=src/b.py
        step
        call Read file_path=src/c.py
        """,
        # The person named all three files; that the first one also names the others changes nothing.
        """
        user: Write rules for this project from CLAUDE.md, AGENTS.md and docs/PLAN.md
        step
        call Bash command="cat AGENTS.md"
        -> Shared instructions. See CLAUDE.md and docs/PLAN.md.
        step
        call Bash command="cat CLAUDE.md"
        -> Build with cargo build.
        step
        call Bash command="cat docs/PLAN.md"
        -> Phase 1: parser.
        """,
        # Plain names the agent could guess without seeing them (no answer named them first).
        """
        user: Give me an overview of this repository.
        step
        call Bash command="ls src"
        -> app.py
        step
        call Bash command="ls tests"
        -> test_app.py
        step
        call Bash command="ls docs"
        -> index.md
        """,
        # Searches for the names the person listed: a list to work through, not a refinement.
        """
        user: Where are parse_args, load_config and open_db called?
        step
        call Grep pattern=parse_args
        -> src/cli.py:3: args = parse_args()
        step
        call Grep pattern=load_config
        -> src/app.py:9: cfg = load_config()
        step
        call Grep pattern=open_db
        -> src/store.py:5: db = open_db()
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        min_calls = ctx.config.min_serial_calls

        def accept(step: Step) -> bool:
            reads = 0
            for call in step.calls:
                eff = ctx.effect(call)
                if bookkeeping(call, ctx):
                    continue  # a todo-list update alongside (Claude Code ticks its list every turn)
                if eff.kind != READ or eff.adaptive or call.background:
                    return False
                reads += 1
            return reads > 0 or _only_todos(step, ctx)

        def message(calls: list[ToolCall], extra: int) -> str:
            return (f"{len(calls)} independent read-only calls went out over {extra + 1} turns "
                    f"({describe_calls(calls, ctx)}); all were knowable at the first, so one batch saves "
                    f"{plural(extra, 'round trip')}")

        yield from serial_findings(session, ctx, accept, min_calls, message, strict=True, concurrent=True)
        yield from self._writes(session, ctx, min_calls)

    def _writes(self, session: Session, ctx: RuleContext, min_calls: int) -> Iterable[Finding]:
        """Whole-file writes: the model wrote every byte, and only acknowledgements came back."""
        limit = int(ctx.options.get("max-batch-output-tokens", 16_000))
        # A harness that takes one call per turn still takes one patch that adds several files.
        patches_only = one_call_per_turn(session)

        seen: dict[tuple[str, str], int] = {}  # filled at the first edit that asks

        def seen_before(step: Step, path: str) -> bool:
            if not seen:
                seen.update(_first_seen_files(session, ctx))
            return seen.get((step.agent_id, path), step.seq) < step.seq

        def accept_write(step: Step) -> bool:
            writes = 0
            for call in step.calls:
                eff = ctx.effect(call)
                if bookkeeping(call, ctx):
                    continue
                if eff.kind != WRITE or call.background or call.failed or len(eff.files_written) != 1 or \
                        (patches_only and not _is_patch(call)):
                    return False
                if whole_file_content(call) is None and not (
                        replaced_text(call) is not None and not step.text.strip() and
                        seen_before(step, next(iter(eff.files_written)))):
                    # an append, a command, an edit of text the agent had not seen, or one it
                    # explained (each change thought through in turn)
                    return False
                if call.result is not None and _FEEDBACK.search(_answer_text(call)):
                    return False  # a hook or checker answered (lint output, a warning): news, not an acknowledgement
                writes += 1
            # one per turn: a turn that already wrote several files grouped its work
            return writes == 1 or _only_todos(step, ctx)

        def output_tokens(step: Step) -> int:
            """What the turn generated: its recorded output tokens, else its files' text (as kept) / 4."""
            if step.usage is not None and step.usage.output:
                return step.usage.output
            return sum(len(whole_file_content(c) or "") for c in step.calls) // 4

        def fits(window: list[Step], step: Step) -> bool:
            return sum(output_tokens(s) for s in window + [step]) <= limit

        def write_message(calls: list[ToolCall], extra: int) -> str:
            remedy = "one patch adding them all" if patches_only else "one batch"
            kind = "writes and edits" if any(whole_file_content(c) is None for c in calls) else "whole-file writes"
            return (f"{len(calls)} {kind} of separate files went out over {extra + 1} turns "
                    f"({describe_calls(calls, ctx)}); only acknowledgements came back between them, so {remedy} "
                    f"saves {plural(extra, 'round trip')}")

        for finding in serial_findings(session, ctx, accept_write, min_calls, write_message, strict=False,
                                       concurrent=False, fits=fits, any_harness=patches_only, empty_ends=False):
            finding.timed = False  # the time between the turns went mostly into writing the files
            if any(s.text.strip() for s in finding.steps[1:]):
                finding.confidence = "medium"  # the agent wrote prose between: it may have been deciding
            yield finding


def _first_seen_files(session: Session, ctx: RuleContext) -> dict[tuple[str, str], int]:
    """For each agent and file, the sequence number of the first turn in which the agent read or
    changed it: an edit of a file seen before quotes text the agent already had."""
    seen: dict[tuple[str, str], int] = {}
    for agent in session.agents.values():
        for step in agent.steps:
            for call in step.calls:
                if call.failed:
                    continue
                eff = ctx.effect(call)
                for path in eff.reads | eff.files_written:
                    seen.setdefault((agent.id, path), step.seq)
    return seen


def _is_patch(call: ToolCall) -> bool:
    """A call of an apply_patch tool: one patch may add any number of files."""
    return _patch_text(call) is not None


def _only_todos(step: Step, ctx: RuleContext) -> bool:
    """A turn that only ticked the agent's todo list: bookkeeping that told the agent nothing, so
    it neither ends a run nor counts as one of its calls."""
    return bool(step.calls) and all(bookkeeping(call, ctx) for call in step.calls)


# Words of an answer that carries more than an acknowledgement: a hook's or a checker's report.
_FEEDBACK = re.compile(r"\b(hooks?|warnings?|errors?|lint|diagnostics?|failed|blocked|denied)\b", re.I)
_PATHS = re.compile(r"\S*[/\\]\S*")  # the written file's own path (src/hooks/index.ts) is no report
# Lines of a shell tool's answer that report nothing (Gemini CLI's `Error: (none)`).
_NOTHING = re.compile(r"^(Error|Signal|Background PIDs): \(none\)\s*$", re.M)


def _answer_text(call: ToolCall) -> str:
    """What a write's answer says besides its own paths, the command it echoes and empty fields."""
    assert call.result is not None
    text = call.result.text
    command = command_of(call)
    if command:
        text = text.replace(command, " ")
    return _PATHS.sub(" ", _NOTHING.sub(" ", text))


_ADD_ONLY = re.compile(r"^\*\*\* (Add|Update|Delete) File:", re.M)


def whole_file_content(call: ToolCall) -> str | None:
    """The text a call writes when it writes whole files from scratch (Write, write_file, a text
    editor's create, a patch that only adds files), else None (edits, appends, commands)."""
    data = call.input
    if any(key in data for key in ("old_string", "old_str", "old_text", "new_string", "new_str", "new_text", "edits",
                                   "instruction", "insert_line", "cell_id")):
        return None
    patch = _patch_text(call)
    if patch is not None:
        kinds = _ADD_ONLY.findall(patch)
        return patch if kinds and all(kind == "Add" for kind in kinds) else None
    heredoc = _heredoc_body(command_of(call))
    if heredoc is not None:
        return heredoc
    if data.get("command") not in (None, "create"):
        return None
    for key in ("content", "file_text", "contents"):
        value = data.get(key)
        if isinstance(value, str):
            return value
    return None


# `cat > path <<'EOF'` or `cat <<EOF > path`, alone on the command's first line (an unquoted path).
_CAT_HEREDOC = re.compile(r"cat\s+(?:>\s*[^\s;&|<>'\"`$]+\s*<<-?\s*(['\"]?)(?P<a>\w+)\1"
                          r"|<<-?\s*(['\"]?)(?P<b>\w+)\3\s*>\s*[^\s;&|<>'\"`$]+)")


def _heredoc_body(command: str) -> str | None:
    """The text of a command that only writes one file from a here-document, else None: nothing may
    run before the `cat` or after the end marker (`cd x && cat > ...`, or `python a.py` on the line
    after it, do more than write)."""
    if "<<" not in command:
        return None
    first, newline, rest = command.strip().partition("\n")
    match = _CAT_HEREDOC.fullmatch(first.strip())
    if match is None or not newline:
        return None
    marker = match.group("a") or match.group("b")
    lines = rest.split("\n")
    for at, line in enumerate(lines):
        if line.strip() == marker:
            return "\n".join(lines[:at]) if not any(x.strip() for x in lines[at + 1:]) else None
    return None


def _patch_text(call: ToolCall) -> str | None:
    """The patch of an apply_patch call: its own argument, or the text after `apply_patch` in an
    argv command (as Codex CLI releases before custom tools ran it)."""
    data = call.input
    patch = data.get("input", data.get("patch"))
    if isinstance(patch, str):
        return patch
    command = data.get("command")
    if isinstance(command, list) and len(command) == 2 and command[0] == "apply_patch" and isinstance(command[1], str):
        return command[1]
    return None
