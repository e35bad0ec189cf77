"""PAR401 missing-validation."""

from __future__ import annotations

import posixpath
import re
from typing import Iterable

from linter.effects import SPAWN, is_code
from linter.model import MAIN_AGENT, Agent, Session, ToolCall
from linter.rule import Finding, Rule, RuleContext
from rules._common import PROMPT_KEYS, REJECTED, ends_mid_turn, note_mid_turn
from linter.shell import command_of, is_read_only, redirect_writes, split_command
from linter.textutil import safe



# Commands that move, copy or delete files without changing any code (cleaning up a scratch
# script, renaming a file): nothing new to validate.
_HOUSEKEEPING = {"rm", "rmdir", "unlink", "mv", "cp", "ln", "chmod", "chown", "touch", "mkdir", "cd", "ls",
                 "echo", "true"}
# The same in PowerShell (cmdlet names compared in lower case); New-Item only when it writes no content
_PS_HOUSEKEEPING = {"remove-item", "copy-item", "move-item", "set-location", "get-childitem", "test-path",
                    "write-output", "write-host"}
# git moving or removing files, or putting them back as committed: nothing new to validate
_GIT_HOUSEKEEPING = (["rm"], ["mv"], ["restore"], ["checkout"])
# The person said not to run anything ("No need to run it", "don't run the tests").
_NO_RUN = re.compile(r"\b(no need to|(do not|don'?t|never)( need to)?)\s+(run|test|build|execute|compile)\b|"
                     r"\bwithout (running|testing|building)\b|\b(skip the tests|no tests needed)\b|"
                     r"\b(i'?ll|i will|i'?m going to|let me)\s+(test|run|check|verify|try)\b[^.!?\n]{0,40}"
                     r"\b(myself|locally|on my (end|side|machine))\b", re.I)
# The person reports having run it ("I ran the tests, all green"): what came before is validated.
# A complaint that it does not work ("the buttons don't work", "nothing happens") is such a report too.
# A work that goes on ("don't work on the API", "not working on it", "don't work with S3") is
# an instruction or a statement of scope, not a report.
_ON = r"(?!\s+(on|with|for|in|under|at|yet|together|without)\b)"
_USER_RAN = re.compile(r"\bi\s+(just\s+)?(ran|tested|tried|checked)\b|\btests?\s+(now\s+)?(pass|are passing|"
                       r"are green)\b|\ball green\b|(?<!how )\b(it|that|this) work(s|ed)\b|\bworks now\b"
                       r"|(^|[.!?,;:]\s*)((ok(ay)?|yes|yep|great|perfect|nice|cool|good)\s+)?work(s|ed)\b(?!\s+(on|with|for|in|under|at)\b)"
                       r"|\b(?!(you|we|i|please|and|but|so|now|also|just|then)\b)\w+ (does ?n[o']?t|do ?n[o']?t|did ?n[o']?t) "
                       r"(seem to |really )?work\b" + _ON +
                       r"|\bnot working\b" + _ON +
                       r"|\bdo ?n[o']?t think\b.{0,40}\bwork|\bstill (broken|failing|not working)\b"
                       r"|\bnothing happens\b", re.I)
# The person pastes what running it printed: a traceback, an OS error, an exception with its name,
# a JavaScript stack frame, a package manager's or compiler's error. They ran it.
_PASTED_RUN = re.compile(r"Traceback \(most recent call last\)|\[(Errno|WinError) -?\d+\]|"
                         r"(^|Uncaught (\(in promise\) )?)\s*[A-Z]\w*(Error|Exception): \S|"  # ^: any line (re.M)
                         r"\n\s+at \S+ \(\S+:\d+:\d+\)|npm ERR!|\berror TS\d+:|^panic: ", re.M)
# A write tool that lints what it wrote and says so in its answer (Hermes Agent's write_file and
# patch: `"lint": {"status": "ok", "output": ""}`; "skipped" when it has no linter for the file).
_LINTED = re.compile(r'"lint"\s*:\s*\{\s*"status"\s*:\s*"(ok|error|warning|failed|passed)"')
# A request to a server on this machine (`curl localhost:3000/api/search`) exercises the app.
_LOCAL_REQUEST = re.compile(r"(^|[;&|(]\s*)(curl|wget|http|https|xh)\b[^|;&]*\b(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])\b")
_REFUSED = re.compile(r"Connection refused|Failed to connect|Couldn't connect|could not connect|Empty reply", re.I)
# Programs that run a file named on their command line, and a file run by its own path
# (`./deploy.sh`, `/workspace/setup_cron.sh`, `../bin/seed`).
_RUNS_FILE = re.compile(r"(^|[;&|(]\s*)(npx |pnpm dlx |bunx |uv run |poetry run )?(python3?|node|tsx|ts-node|vite-node|bun|"
                        r"deno( run)?|ruby|perl|php|bash|sh|zsh|psql|sqlite3|mysql|Rscript|julia|lua|go run|dotnet run|"
                        r"\.{1,2}/|~/|/)", re.I)
_SCRIPT_RUN = re.compile(r"\b(?:npm|pnpm|yarn|bun) (?:run )?(\S+)")


def _runs_edited(call: ToolCall, pending: list[tuple[ToolCall, str]]) -> set[str]:
    """The pending files a shell command runs: named after an interpreter (`node scripts/seed.js`,
    `psql -f migrations/001.sql`), or as a package script named after them
    (`npm run db:backfill-display-name` for scripts/backfill-display-name.ts)."""
    command = command_of(call)
    if not command or not pending or call.result is None:
        return set()
    if call.failed and _NOT_RUN.search(call.result.text):
        return set()
    ran = set()
    direct = _RUNS_FILE.search(command) is not None
    scripts = {m.group(1).lower() for m in _SCRIPT_RUN.finditer(command)}
    for _, path in pending:
        name = posixpath.basename(path)
        stem = posixpath.splitext(name)[0].lower()
        if direct and re.search(rf"(^|[\s/'\"=]){re.escape(name)}($|[\s'\";&|)])", command):
            ran.add(path)
        elif len(stem) >= 4 and any(stem in script for script in scripts):
            ran.add(path)
    return ran


def _confidence(session: Session, ever_validated: bool) -> str:
    """Low when the agent ends by handing a decision back ("Should I move it to Celery?"): the
    work may not be finished; high when it validated earlier edits and not the last ones."""
    last = next((s.text for s in reversed(session.agents[MAIN_AGENT].steps) if s.text.strip()), "")
    if last.rstrip().endswith("?"):
        return "low"
    return "high" if ever_validated else "medium"


# A runner that never started exercised nothing.
_NOT_RUN = re.compile(r"command not found|Missing script|No module named (pytest|mypy|ruff)|"
                      r"not recognized as an internal", re.I)


# How a comment line starts, by language. `#!`, `#include`, `#[derive]` and `*out = 0` are code.
_HASH = ("#",)
_SLASHES = ("//", "/*", "*/", "* ")
_COMMENTS_BY_EXT = {
    **dict.fromkeys((".py", ".pyi"), ("#", '"""', "'''")),
    **dict.fromkeys((".sh", ".bash", ".zsh", ".fish", ".rb", ".pl", ".pm", ".r", ".ex", ".exs", ".nim", ".jl", ".ps1",
                     ".psm1"), _HASH),
    **dict.fromkeys((".sql", ".lua", ".hs"), ("--",)),
    **dict.fromkeys((".bat", ".cmd"), ("rem ", "REM ", "::")),
    ".clj": (";",), ".erl": ("%",), ".ml": ("(*",),
}


def _is_comment(line: str, ext: str) -> bool:
    text = line.strip()
    if not text:
        return True
    markers = _COMMENTS_BY_EXT.get(ext, _SLASHES)
    if text.startswith("#!") or text.startswith("#["):
        return False
    return text.startswith(markers) or (markers is _SLASHES and text == "*")


def _edit_lines(call: ToolCall) -> tuple[list[str], list[str]] | None:
    """The lines an edit replaces and the lines it puts in, for a string replacement
    (``old_string``/``new_string``, ``old_str``/``new_str``), a text editor's insert or an
    apply_patch text."""
    for old_key, new_key in (("old_string", "new_string"), ("old_str", "new_str")):
        old, new = call.input.get(old_key), call.input.get(new_key)
        if isinstance(old, str) and isinstance(new, str):
            return old.splitlines(), new.splitlines()
    if call.input.get("command") == "insert":  # a text editor's insert: lines put in, none replaced
        new = next((v for v in (call.input.get("new_str"), call.input.get("insert_text")) if isinstance(v, str)), None)
        if new is not None:
            return [], new.splitlines()
    patch = next((v for v in (call.input.get("input"), call.input.get("patch")) if isinstance(v, str)), None)
    if patch is not None and "*** Begin Patch" in patch:
        if "*** Add File" in patch or "*** Delete File" in patch:
            return None
        lines = patch.splitlines()
        return ([x[1:] for x in lines if x.startswith("-")], [x[1:] for x in lines if x.startswith("+")])
    return None


_PATCH_FILE = re.compile(r"^\*\*\* (?:Update|Add) File: (.+?)\s*$", re.M)


def _comment_only(call: ToolCall) -> bool:
    """An edit whose changed lines are all comments or docstrings (a typo in prose): no behaviour
    to validate."""
    edit = _edit_lines(call)
    if edit is None:
        return False
    before, after = edit
    path = next((v for v in (call.input.get(k) for k in ("file_path", "path", "notebook_path")) if isinstance(v, str)), "")
    if not path:
        patch = next((v for v in (call.input.get("input"), call.input.get("patch")) if isinstance(v, str)), "")
        files = _PATCH_FILE.findall(patch)
        if len(set(posixpath.splitext(f)[1].lower() for f in files)) != 1:
            return False  # files of several languages (or none named): not judged
        path = files[0]
    ext = posixpath.splitext(path)[1].lower()
    before_marks, after_marks = _comment_marks(before, ext), _comment_marks(after, ext)
    removed = [line for line, m in zip(before, before_marks) if line not in after and not m]
    added = [line for line, m in zip(after, after_marks) if line not in before and not m]
    changed = any(line not in after for line in before) or any(line not in before for line in after)
    if not changed:
        return False
    # code lines that differ only in a comment at their end (`x = 10  # seconds`)
    return sorted(_code_part(line, ext) for line in removed) == sorted(_code_part(line, ext) for line in added)


# A comment at the end of a code line: its marker after a space, outside any string.
_TRAILING = {**dict.fromkeys((".py", ".pyi", ".sh", ".bash", ".zsh", ".rb", ".r", ".pl", ".ex", ".exs", ".jl", ".nim",
                              ".toml", ".yaml", ".yml"), " #"),
             **dict.fromkeys((".sql", ".lua", ".hs"), " --")}


def _code_part(line: str, ext: str) -> str:
    """The line without a comment at its end, if it has one outside any quotes; else the whole line."""
    marker = _TRAILING.get(ext, " //")
    at = line.find(marker)
    while at != -1:
        head = line[:at]
        if head.count('"') % 2 == 0 and head.count("'") % 2 == 0 and head.count("`") % 2 == 0:
            return head.rstrip()
        at = line.find(marker, at + 1)
    return line.rstrip()


# A Python line that opens a triple-quoted string on its own: a docstring (or a bare string,
# which does nothing either), as in `"""Load the file.` or `r'''`.
_DOC_OPEN = re.compile(r"^[rRuU]?(\"\"\"|''')")


def _comment_marks(lines: list[str], ext: str) -> list[bool]:
    """For each line, is it a comment? In Python the lines of a docstring written out in full
    (its opening quotes through its closing ones) are comments too: an added docstring is prose."""
    if ext not in (".py", ".pyi"):
        return [_is_comment(line, ext) for line in lines]
    marks: list[bool] = []
    quote: str | None = None  # the quotes of the docstring being read, if any
    for line in lines:
        text = line.strip()
        if quote is not None:
            marks.append(True)
            if quote in text:
                quote = None
            continue
        opening = _DOC_OPEN.match(text)
        if opening is not None:
            marks.append(True)
            if opening.group(1) not in text[opening.end():]:
                quote = opening.group(1)
            continue
        marks.append(_is_comment(line, ext))
    return marks


_VALIDATE_WORDS = re.compile(r"\b(tests?|test suite|pytest|jest|vitest|build|lint|typecheck|type-check|mypy|"
                             r"tsc|cargo (test|check|build)|go test|verify|validate)\b", re.I)


def _asks_to_validate(call: ToolCall) -> bool:
    prompt = " ".join(v for k, v in call.input.items() if isinstance(v, str) and k in PROMPT_KEYS + ("description",))
    return bool(_VALIDATE_WORDS.search(prompt))


def _housekeeping(call: ToolCall) -> bool:
    command = command_of(call)
    if not command:
        return False
    segments = split_command(command)
    return bool(segments) and all(
        not any(redirect_writes(op, target, errors=False) for op, target in seg.redirects)  # code, not errors
        and (seg.program in _HOUSEKEEPING or (seg.program == "git" and seg.words[1:2] in _GIT_HOUSEKEEPING)
             or seg.program.lower() in _PS_HOUSEKEEPING
             or (seg.program.lower() == "new-item" and not any(w.lower() == "-value" for w in seg.words))
             or is_read_only(seg))  # a look around it (`git status`, `ls -la src/`)
        for seg in segments)


class MissingValidation(Rule):
    code = "PAR401"
    name = "missing-validation"
    severity = "warning"
    confidence = "high"
    at_end = True
    summary = "Code files were modified and no validation command (tests, build, lint, typecheck) ran afterwards."
    rationale = (
        "An edit that is never exercised is a guess, and parallel edits (several files, or several "
        "workers) are exactly where integration breaks. The rule tracks modifications of source "
        "files (not docs or data) by the agent and by its subagents, and clears them when a test, "
        "build, lint, typecheck or a run of the program follows, passing or not (in the agent or in "
        "a subagent, plus any `validation-commands` from the configuration). Running the edited file "
        "itself (`npx tsx scripts/x.ts`, `psql -f migrations/001.sql`) clears that file, and a request "
        "the local app answered (`curl localhost:3000/...`) counts as a run, as does a write tool's own "
        "lint of the file it wrote (`\"lint\": {\"status\": \"ok\"}` in its answer); a static file server "
        "does not. Moving, copying or deleting files (a `git status` beside it, errors sent to "
        "/dev/null), or an edit of comments and docstrings only (a comment at the end of an "
        "unchanged code line included), changes no behaviour and needs "
        "no run; a runner that never started (command not found) validated nothing; a session whose "
        "user said not to run anything, or that they would test it themselves, or refused a check the "
        "agent tried (a denied or cancelled test or build), is left alone, and so is "
        "what came before a user's report that they ran it (in words, or by pasting what it printed: a "
        "traceback, an error with its name); a session resumed in another file of the "
        "run is judged where it went on, and one that stops mid-turn (the agent's last turn issued calls, "
        "whatever the harness wrote after it: a compaction, \"You've hit your limit\", or an "
        "interruption with nothing after it) is left alone. "
        "A subagent sent to run the checks whose "
        "transcript is missing gets the benefit of the doubt. Whatever is still unvalidated at "
        "the end of the transcript is reported at the last modification. Confidence is high when "
        "the session ran a validation command at some point (so one was available), medium when "
        "it never did, low when the agent ends by handing a decision back to the person."
    )
    VALID = [
        """
        user: Fix the off-by-one in src/pager.py
        step
        call Edit file_path=src/pager.py old_string="n - 1" new_string=n
        step
        call Bash command="pytest -q tests/test_pager.py"
        -> 4 passed
        step: Fixed and tested.
        """,
        """
        user: Fix the typo in the README
        step
        call Edit file_path=README.md old_string=teh new_string=the
        step: Done.
        """,
        """
        user: Fix the pager bug.
        step
        call Write file_path=reproduce.py content="import pager"
        step
        call Edit file_path=src/pager.py old_string="n - 1" new_string=n
        step
        call Bash command="python reproduce.py"
        !> Traceback: IndexError
        step
        call Bash command="rm reproduce.py"
        step: The fix is not complete yet: the reproduction still fails.
        """,
        """
        user: Rename game.py to main.py. No need to run it.
        step
        call Write file_path=main.py content="print(1)"
        step: Done.
        """,
        """
        user: Fix the typo in the comment in src/parser.py
        step
        call Edit file_path=src/parser.py old_string="    # retrun early" new_string="    # return early"
        -> ok
        step: Fixed the typo.
        """,
        """
        user: Fix the bug in app.py. I'll test it myself.
        step
        call Edit file_path=app.py old_string=a new_string=b
        step: Done, over to you for testing.
        """,
        """
        user: Add a click counter to app.js
        step
        call Edit file_path=app.js old_string="let n" new_string="let n = 0"
        step: Done.
        user: I don't think the button works, it stays at zero.
        step: Could you share what the browser console shows?
        """,
        """
        user: Write a script that sets up the nightly backup job
        step
        call Write file_path=/repo/setup_backup.sh content="crontab -l"
        step
        call Bash command="chmod +x /repo/setup_backup.sh && /repo/setup_backup.sh"
        -> installed
        step: The job is installed.
        """,
    ]
    INVALID = [
        """
        user: Fix the off-by-one in src/pager.py
        step
        call Edit file_path=src/pager.py old_string="n - 1" new_string=n
        step: Fixed.
        """,
        """
        user: Fix the pager and run the tests.
        step
        call Bash command="pytest -q"
        -> 1 failed, 3 passed
        step
        call Edit file_path=src/pager.py old_string="n - 1" new_string=n
        step: That should fix the failing test.
        """,
        """
        user: Fix the off-by-one in src/pager.py
        step
        call Edit file_path=src/pager.py old_string="n - 1" new_string=n
        -> ok
        step
        call Bash command="pytest -q"
        !> /bin/bash: line 1: pytest: command not found
        step: pytest is not installed here; the fix is straightforward though.
        """,
        """
        user: Make a page with a click counter
        step
        call Write file_path=app.js content="let n = 0"
        step
        call Bash command="python3 -m http.server 8000" run_in_background=true
        -> started
        step: The page is ready at http://localhost:8000.
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        if MAIN_AGENT not in session.agents:
            return
        if any(e.kind == "prompt" and _NO_RUN.search(e.text) for e in session.agents[MAIN_AGENT].events):
            return  # the person asked for no run
        if any(call.result is not None and REJECTED.search(call.result.text) and self._validates(call, ctx)
               for step in session.agents[MAIN_AGENT].steps for call in step.calls):
            return  # the person refused a check the agent tried: running them is theirs to decide
        if ends_mid_turn(session.agents[MAIN_AGENT]):
            note_mid_turn(session)
            return
        ever_validated = [False]
        pending = self._walk(session, session.agents[MAIN_AGENT], ctx, ever_validated, set())
        ran = [e.seq for e in session.agents[MAIN_AGENT].events
               if e.kind == "prompt" and (_USER_RAN.search(e.text) or _PASTED_RUN.search(e.text))]
        if ran:
            pending = [(call, path) for call, path in pending if call.step is None or call.step.seq > max(ran)]
        if not pending:
            return
        files = sorted({p for _, p in pending})
        calls: list[ToolCall] = []
        for call, _ in pending:
            if call not in calls:
                calls.append(call)
        last = pending[-1][0]
        shown = ", ".join(safe(f, 60) for f in files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        yield Finding(
            message=(f"{len(files)} source file(s) modified ({shown}) and no test, build, lint or typecheck ran "
                     "afterwards before the transcript ends"),
            calls=calls, confidence=_confidence(session, ever_validated[0]),
            location=last.location, agent_id=last.agent_id,
        )

    def _validates(self, call: ToolCall, ctx: RuleContext) -> bool:
        if call.failed and call.result is not None and _NOT_RUN.search(call.result.text):
            return False
        eff = ctx.effect(call)
        if eff.is_validation:
            return True
        command = command_of(call)
        if command and ("localhost" in command or "127.0.0.1" in command or "0.0.0.0" in command or "[::1]" in command) \
                and _LOCAL_REQUEST.search(command) and not call.failed and call.result is not None and \
                not _REFUSED.search(call.result.text):
            return True  # a request to the app running here, answered: the changed code ran
        return bool(command) and any(p.search(command) for p in ctx.config.validation_commands)

    def _walk(self, session: Session, agent: Agent, ctx: RuleContext, ever: list[bool],
              visiting: set[str]) -> list[tuple[ToolCall, str]]:
        """Modifications of ``agent`` (and the subagents it launched) still unvalidated at its end."""
        visiting = visiting | {agent.id}
        pending: list[tuple[ToolCall, str]] = []
        for step in agent.steps:
            batch_start = len(pending)
            for call in step.calls:
                validates = self._validates(call, ctx)
                ran = set() if validates else _runs_edited(call, pending)
                if ran:
                    # `node scripts/seed.js`, `psql -f migrations/001.sql`: the edited file itself was run
                    pending = [entry for entry in pending if entry[1] not in ran]
                    batch_start = min(batch_start, len(pending))
                    continue
                if validates:
                    ever[0] = True  # even a failing run validated: it told the agent the truth
                    pending = []
                    continue
                if call.result is not None and call.result.is_error:
                    continue
                eff = ctx.effect(call)
                if eff.kind == SPAWN and call.spawned_agent in session.agents and call.spawned_agent not in visiting:
                    before = ever[0]
                    ever[0] = False
                    left = self._walk(session, session.agents[call.spawned_agent], ctx, ever, visiting)
                    if ever[0]:
                        # the subagent validated: that covers what was modified before it was
                        # launched, but not its siblings of the same batch, which ran beside it
                        del pending[:batch_start]
                        batch_start = 0
                    ever[0] = ever[0] or before
                    pending.extend(left)
                    continue
                if eff.kind == SPAWN and call.spawned_agent not in session.agents and _asks_to_validate(call):
                    # its transcript is missing: a subagent sent to run the checks gets the benefit of the doubt
                    ever[0] = True
                    del pending[:batch_start]
                    continue
                code = [path for path in sorted(eff.files_written) if is_code(path)]
                if code and not _comment_only(call) and not _housekeeping(call):
                    if call.result is not None and _LINTED.search(call.result.text):
                        # the tool linted the file it wrote: that file is checked, the others are not
                        ever[0] = True
                        pending = [entry for entry in pending if entry[1] not in code]
                        batch_start = min(batch_start, len(pending))
                        continue
                    pending.extend((call, path) for path in code)
        return pending
