"""PAR101 serialised-independent-calls."""

from __future__ import annotations

from typing import Iterable

from linter.effects import READ, STATE
from linter.model import Session, Step, ToolCall
from linter.rule import Finding, Rule, RuleContext
from linter.windows import serial_findings
from rules._common import describe_calls, plural


class SerialisedIndependentCalls(Rule):
    code = "PAR101"
    name = "serialised-independent-calls"
    severity = "warning"
    confidence = "high"
    summary = "Independent read-only calls went out one per turn although all were knowable at the first."
    rationale = (
        "Every extra turn is one more request that re-reads the whole context and waits for the model "
        "again. When the paths, patterns or URLs of later calls were already in the context (the "
        "person's prompt, an earlier result, the agent's own prose) at the first call, or are plain "
        "names the agent could guess (`ls src`), and no call "
        "reads what another produced, they could have gone out as one batch: the harness runs "
        "read-only calls side by side. The rule only counts reads (files, searches, URLs, read-only "
        "shell commands); a run ends at any prompt, interruption, failure or empty result, and a "
        "value that appears in a result inside the run marks the later call as dependent, even when it "
        "was known before (a listing that names a file, then a read of it, reads a found file), "
        "unless a prompt the person gave before the run named every value of that call and of the "
        "calls before it in the run: a list the person gave, worked through one file per turn. So "
        "does prose that names code only an answer of the run showed (`run_sync hands off to the sync "
        "module`): the agent is tracing what it read. A search right after a search (Grep, `rg`, "
        "`git log --grep`) is taken as the first one reworded after its answer missed, unless the "
        "person named the patterns; a listing asked again for everything (`ls`, then `ls -a`) means "
        "the first answer lacked what was looked for; and a read after a wait (`sleep 30 && gh pr "
        "checks 5`) looks at a state time had to bring about. "
        "`min-serial-calls` (default 3) sets how many calls make a finding."
    )
    VALID = [
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
    ]
    INVALID = [
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
                if eff.kind == STATE:
                    continue  # a todo-list update alongside (Claude Code ticks its list every turn)
                if eff.kind != READ or eff.adaptive or call.background:
                    return False
                reads += 1
            return reads > 0

        def involved(call: ToolCall) -> bool:
            return ctx.effect(call).kind != STATE

        def message(calls: list[ToolCall], extra: int) -> str:
            return (f"{len(calls)} independent read-only calls went out over {extra + 1} turns "
                    f"({describe_calls(calls, ctx)}); all were knowable at the first, so one batch saves "
                    f"{plural(extra, 'round trip')}")

        yield from serial_findings(session, ctx, accept, min_calls, message, strict=True, concurrent=True,
                                   involved=involved)
