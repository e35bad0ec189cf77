"""PAR201 dependent-calls-in-batch."""

from __future__ import annotations

import posixpath
import re
from typing import Iterable

from linter.deps import Dependency, depends
from linter.effects import READ, SPAWN, WRITE, Effect, is_file_resource
from linter.model import Session, Step, ToolCall, ToolResult
from linter.shell import command_of, split_command
from linter.rule import Finding, Rule, RuleContext
from linter.textutil import safe, salient_tokens
from rules._common import PROMPT_KEYS, replaced_text, waves

# The clause a named thing sits in says whether a subagent is to make it or to use it.
_MAKES = re.compile(r"\b(create|implement|write|add|build|define|generate|scaffold|introduce|set up|make)\b", re.I)
_USES = re.compile(r"\b(import|use|uses|using|call|consume|integrate|wire|hook up|depend(s|ing)? on|based on|"
                   r"reuse|extend|existing)\b", re.I)
# "Write tests for X", "Add docs about X", "Add docstrings to X": what is made is the tests or the
# docs; X is what they are about, and is not made.
_ABOUT = re.compile(r"\b(tests?|test (cases?|suites?|coverage)|specs?|docs|documentation|docstrings?|readme|"
                    r"comments|examples|benchmarks?)\b.*?\b(for|of|on|about|covering|around|against|to|in|"
                    r"(that|which) (covers?|exercises?|tests?|verif(y|ies)|checks?|documents?|describes?))\b", re.I)
_CLAUSE = re.compile(r"[^\n;:]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ITEM = re.compile(r"^(\d+[.)]|[-*•])\s")


class DependentCallsInBatch(Rule):
    code = "PAR201"
    name = "dependent-calls-in-batch"
    severity = "error"
    confidence = "high"
    summary = "A call in a batch depends on another call of the same batch."
    rationale = (
        "Calls issued together are chosen before any of their results is seen, and a harness may run "
        "them in any order or side by side. When one reads a file another writes (or writes what "
        "another reads), or the two form an ordered pair (build then test or run with the same "
        "toolchain, install then use of that language's dependencies, mkdir "
        "then write inside it, git add then git commit, an edit then `git add` of it, migrate then "
        "seed, an edit of a code file "
        "then the tests, linter or formatter that cover it: its language, in the paths the tool is "
        "given or else its directory; a formatter only before a lint, since tests, builds and type "
        "checks see the same program either way), the later call acts on a "
        "state the agent never observed: if the first fails, the second runs anyway on stale input "
        "(a test run that passes on the code the failed edit left unchanged). "
        "A call that asks to wait for the ones before it (Gemini CLI's `wait_for_previous`) starts a "
        "new wave and is not compared with them. An edit that replaces quoted text and a read of some "
        "lines of the same file whose whole answer shows none of that text touch different parts of "
        "it: either order gives the same answer. So do such an edit and a read that ends above the line "
        "where an earlier numbered read of the file, with no change to it since, showed the edited "
        "text to begin. Two writes to one file are reported by PAR202 "
        "instead. Subagents launched together count too: one told to create something (a "
        "`useTodos` hook, `src/api/client.ts`) while another "
        "is told to import or use it, when nothing before the launch shows it already exists, will "
        "look for it before it is there."
    )
    VALID = [
        """
        user: Read the two configs.
        step
        call Read file_path=config/a.toml
        call Read file_path=config/b.toml
        """,
        """
        user: Build, then test.
        step
        call Bash command="npm run build"
        -> built
        step
        call Bash command="npm test"
        """,
        """
        user: Wire the todo hook into the page and the sidebar.
        step
        call Grep pattern=useTodos
        -> src/hooks/useTodos.ts
        step
        call Task description="page" prompt="Import and use the useTodos hook in page.tsx."
        call Task description="sidebar" prompt="Use the existing useTodos hook in Sidebar.tsx."
        """,
        """
        user: Test the query parser and make the CLI use it.
        step
        call Task description="tests" prompt="Write tests for src/parser.py, covering empty and quoted input"
        call Task description="cli" prompt="Update src/cli.py to import parse_query from src/parser.py and use it"
        """,
        """
        user: Update the changelog and run the linter.
        step
        call Edit file_path=CHANGELOG.md old_string="## 1.2" new_string="## 1.3"
        call Bash command="npm run lint"
        """,
        """
        user: Fix the handler and lint the parser.
        step
        call Edit file_path=src/handler.py old_string=a new_string=b
        call Bash command="ruff check src/parser.py"
        """,
        """
        user: Fix the page title and run the Go tests.
        step
        call Edit file_path=web/src/App.tsx old_string=a new_string=b
        call Bash command="go test ./..."
        """,
        """
        user: Fix the bug in /opt/other/tool.py and run this project's tests.
        step
        call Edit file_path=/opt/other/tool.py old_string=a new_string=b
        call Bash command="pytest -q"
        """,
        """
        user: Write the notes and show them to me.
        step
        call Write file_path=notes.txt content=hello
        call Read file_path=notes.txt wait_for_previous:=true
        """,
        """
        user: Undo my change to a.py and show me b.py.
        step
        call Bash command="git checkout -- src/a.py"
        call Read file_path=src/b.py
        """,
        # A formatter changes the layout, not the program: the tests pass or fail alike.
        """
        user: Format the code and run the tests.
        step
        call Bash command="mise run fmt"
        call Bash command="go test ./..."
        """,
        # An edit at one call site and a read of the lines of the next: the read shows none of it.
        """
        user: Pass ctx to every walk() call in migrate.go.
        step
        call Edit file_path=cmd/migrate.go old_string="err := walk(repo, tree)" new_string="err := walk(ctx, repo, tree)"
        -> The file cmd/migrate.go has been updated successfully.
        call Read file_path=cmd/migrate.go offset:=955 limit:=3
        -> 955\tgen, found := timestamps(tree)\\n956\tif !found {\\n957\t\tn, err := count(tree)
        """,
    ]
    INVALID = [
        """
        user: Create notes.txt and show it to me.
        step
        call Write file_path=notes.txt content=hello
        call Read file_path=notes.txt
        """,
        """
        user: Build and test.
        step
        call Bash command="npm run build"
        call Bash command="npm test"
        """,
        """
        user: Fix the nil check in hooks.go and lint it.
        step
        call Edit file_path=cmd/hooks.go old_string="if x {" new_string="if x != nil {"
        call Bash command="mise run lint"
        """,
        """
        user: Format and lint.
        step
        call Bash command="gofmt -w ."
        call Bash command="golangci-lint run"
        """,
        """
        user: Undo my change to a.py and show it to me.
        step
        call Bash command="git checkout -- src/a.py"
        call Read file_path=src/a.py
        """,
        # The read shows the lines the edit replaces: what it returns depends on which ran first.
        """
        user: Pass ctx to walk() in migrate.go and show me the call.
        step
        call Edit file_path=cmd/migrate.go old_string="err := walk(repo, tree)" new_string="err := walk(ctx, repo, tree)"
        -> The file cmd/migrate.go has been updated successfully.
        call Read file_path=cmd/migrate.go offset:=820 limit:=2
        -> 820\terr := walk(repo, tree)\\n821\tif err != nil {
        """,
        """
        user: Add todo state and wire it into the page.
        step
        call Task description="state" prompt="Create a custom hook (useTodos) that manages the todo list."
        call Task description="page" prompt="Update page.tsx: import and use the useTodos hook."
        """,
    ]

    def check(self, session: Session, ctx: RuleContext) -> Iterable[Finding]:
        for step in session.all_steps():
            if not step.is_batch or step.synthetic:
                continue
            yield from _subagents_that_need_each_other(session, step, ctx)
            effects = [ctx.effect(c) for c in step.calls]
            wave_of = {id(c): n for n, wave in enumerate(waves(step.calls)) for c in wave}
            pairs = []
            for j in range(1, len(step.calls)):
                for i in range(j):
                    if wave_of[id(step.calls[i])] != wave_of[id(step.calls[j])]:
                        continue  # the later call waits for the earlier one
                    dep = depends(effects[i], effects[j])
                    if dep is not None and dep.kind in ("RAW", "WAR") and (
                            _apart(step.calls[i], step.calls[j], dep.resource, session, step, ctx)):
                        continue  # an edit here, a read of lines elsewhere: either order gives the same
                    if dep is not None and dep.kind != "WAW":
                        pairs.append((i, j, dep))
                        break  # one reason per dependent call is enough
            if not pairs:
                continue
            i, j, dep = pairs[0]
            more = f" (and {len(pairs) - 1} more dependent call{'s' if len(pairs) > 2 else ''})" if len(pairs) > 1 else ""
            involved = sorted({k for p in pairs for k in p[:2]})
            yield Finding(
                message=(f"{_hazard(dep, step.calls[i], effects[i], step.calls[j], effects[j])}{more}; "
                         "issue dependent calls after the results they need"),
                calls=[step.calls[k] for k in involved],
                confidence="medium" if all(_weaker(p[2], effects[p[0]], effects[p[1]]) for p in pairs) else "high",
                agent_id=step.agent_id,
            )


# Non-file state: what it is, the verbs (plural forms) for a call that reads it and one that
# changes it, what of it a reader sees, and what a reader that runs too early does.
_STATES = {
    "build": ("the build output in {}", "use", "rebuild", "build", "use the old build"),
    "deps": ("the installed dependencies in {}", "use", "change", "dependencies", "use the old dependencies"),
    "db": ("the database schema in {}", "use", "migrate", "schema", "use the old schema"),
    "db-data": ("the database data in {}", "use", "change", "data", "see the old data"),
    "shell": ("background shell {}", "read", "stop", "state", "see the old state"),
    "src": ("the code in {}", "check", "change", "code", "check the old code"),
}


# Test files a test run names (`pytest tests/test_cli.py`, `jest src/__tests__/x.test.ts`).
_TEST_PATHS = re.compile(r"\S*tests?\b\S*\.(?:py|ts|tsx|js|jsx|mjs|go|rb|rs|java|kt|php)\b|\S*_test\.go\b")


def _weaker(dep: Dependency, first: Effect, second: Effect) -> bool:
    """A directory made or removed around a file, a generic runner (`npm test`, `make lint`)
    whose reach over the edited file is assumed, or a test run of named test files none of
    which is about the edited module: likely, not certain."""
    if dep.kind == "DIR":
        return True
    if dep.kind != "CODE":
        return False
    if dep.scope.startswith("src:*:"):
        return True
    check = second if dep.resource in first.writes else first
    named = _TEST_PATHS.findall(check.label)
    stem = posixpath.splitext(posixpath.basename(dep.resource))[0].lower()
    return bool(named) and not any(stem in n.lower() for n in named)


def _where(directory: str) -> str:
    return "the working directory" if directory in ("", ".") else safe(directory, 60)


def _state(res: str, reader: Effect) -> tuple[str, str, str, str, str]:
    if is_file_resource(res):
        if reader.kind == READ:
            return safe(res, 80), "read", "change", "content", "see the old content"
        return safe(res, 80), "use", "change", "content", "act on the old file"
    head, _, rest = res.partition(":")
    if head == "git":
        repo, _, part = rest.rpartition(":")
        if part == "index":
            return f"the git index of {_where(repo)}", "commit", "change", "index", "commit without that change"
        return f"the checked-out commit of {_where(repo)}", "read", "change", "commit", "see the old commit"
    if head in ("src", "build", "deps"):
        rest = rest.split(":", 1)[1]  # src:<extensions>:<path>, build:<toolchain>:<dir>, deps:<language>:<dir>
    if head in _STATES:
        noun, read, write, thing, too_early = _STATES[head]
        return noun.format(_where(rest) if head != "shell" else safe(rest, 40)), read, write, thing, too_early
    return safe(res, 80), "use", "change", "state", "see the old state"


def _names_path(effect: Effect) -> bool:
    """Is the call's label just the file it reads or writes (Read, Write, Edit)?"""
    return effect.kind in (READ, WRITE) and effect.label in (effect.reads | effect.writes)


def _subject(call: ToolCall, effect: Effect) -> str:
    return f"{call.name} {safe(effect.label, 60)}" if effect.label and effect.label != call.name else call.name


def _other(call: ToolCall, effect: Effect, res: str) -> str:
    if _names_path(effect) and effect.label == res:
        return f"the {call.name}"  # "the Write ... changes src/a.py": the path is named once there
    return _subject(call, effect)


def _dir_change(call: ToolCall, directory: str) -> str:
    """What a command does to a directory it changes as a whole: `mkdir` creates it, `rm -r`
    removes it, `git checkout` rewrites the files in it."""
    where = _where(directory)
    base = posixpath.basename(directory.rstrip("/")) or directory
    progs = [seg.program for seg in split_command(command_of(call))
             if seg.program == "git" or any(base in w for w in seg.words[1:])]
    removes, creates = bool({"rm", "rmdir"} & set(progs)), "mkdir" in progs
    if removes and creates:
        return f"removes and recreates {where}"
    if creates:
        return f"creates {where}"
    if removes:
        return f"removes {where}"
    if "git" in progs:
        return f"rewrites the files in {where}"
    return f"changes {where}"


_OLD_TEXT_KEYS = ("old_string", "old_str", "old_text", "edits")


def _edits_in_place(call: ToolCall) -> bool:
    """Does the call replace text it quotes from the file (an Edit, a search-and-replace, a patch
    that updates a file) rather than write the whole file?"""
    if any(key in call.input for key in _OLD_TEXT_KEYS):
        return True
    return any(isinstance(v, str) and "*** Update File:" in v for v in call.input.values())


# Arguments that ask a read for some lines of a file rather than all of it.
_RANGE_KEYS = ("offset", "limit", "view_range", "start_line", "end_line")
# An edit's text this long may have been cut when the transcript was read: its end is unknown.
_KEPT_TEXT = 1000


def _apart(first: ToolCall, second: ToolCall, resource: str, session: Session, step: Step,
           ctx: RuleContext) -> bool:
    """Is one of the two a read of some lines of a file that the other, a search-and-replace edit,
    does not touch? Then the read shows the same text whichever runs first. Either the read's whole
    answer shows no part of what the edit replaces or writes (an `Edit` at one call site, a
    `Read offset=955` of the next), or the read ends above the line where an earlier numbered
    read of the file placed the edit (``_above``)."""
    for edit, read in ((first, second), (second, first)):
        replaced = replaced_text(edit)
        if replaced is None or read.failed or not any(key in read.input for key in _RANGE_KEYS):
            continue
        numbered = _numbered(read.result.text) if read.result is not None else []
        if _shows_none_of(replaced, read.result, numbered) or _above(edit, replaced, read, numbered,
                                                                      resource, session, step, ctx):
            return True
    return False


def _shows_none_of(replaced: tuple[str, str], result: ToolResult | None, numbered: list[tuple[int, str]]) -> bool:
    """Does a whole (uncut) answer show no part of an edit's old or new text, nor begin or end
    inside it? An edit's text of ``_KEPT_TEXT`` or more may have been cut: then nobody can tell."""
    if result is None or result.cut or any(len(text) >= _KEPT_TEXT for text in replaced):
        return False
    lines = [text for _, text in numbered] or result.text.splitlines()  # numbered: no harness notes
    shown = [line.strip() for line in lines if line.strip()]
    blocks = [[line.strip() for line in text.splitlines() if line.strip()] for text in replaced]
    return bool(shown) and all(blocks) and not any(_touches(block, shown) for block in blocks)


# A line as a read shows it: its number, the numbering's mark (`955→`, `955<tab>`, `955| `,
# `955: `), then the file's text.
_NUMBERED_LINE = re.compile(r"^\s*(\d+)(→|\t|\| ?|: )(.*)$")
# The first line of an edit's old text must be at least this long to place the edit by it.
_ANCHOR = 8


def _numbered(text: str) -> list[tuple[int, str]]:
    """(line number, file text) of the lines an answer shows numbered, in the numbering of its
    first numbered line (a harness's header or notes around them are left out)."""
    mark, out = None, []
    for line in text.splitlines():
        found = _NUMBERED_LINE.match(line)
        if found is not None and mark in (None, found.group(2)):
            mark = found.group(2)
            out.append((int(found.group(1)), found.group(3)))
    return out


def _last_line(read: ToolCall, numbered: list[tuple[int, str]]) -> int | None:
    """The last line a ranged read asks for, counted as its own answer (``numbered``) numbers the
    lines."""
    data = read.input
    if isinstance(data.get("end_line"), int):
        return data["end_line"]
    span = data.get("view_range")
    if isinstance(span, list) and len(span) == 2 and all(isinstance(v, int) for v in span) and span[1] > 0:
        return span[1]
    limit = data.get("limit")
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 and numbered:
        return numbered[0][0] + limit - 1
    return None


def _above(edit: ToolCall, replaced: tuple[str, str], read: ToolCall, numbered: list[tuple[int, str]],
           resource: str, session: Session, step: Step, ctx: RuleContext) -> bool:
    """Does the ranged read end above the first line of what the edit replaces? An earlier
    numbered read of the file places the edit (its old text's first lines, shown once, and no
    change to the file since); lines above an edit are the same before and after it, however long
    its text (`Read offset=509 limit=55` beside an `Edit` of the function at line 602)."""
    if edit.input.get("replace_all"):
        return False
    last = _last_line(read, numbered)
    lines = replaced[0].splitlines()
    lead = next((k for k, line in enumerate(lines) if line.strip()), None)
    if last is None or lead is None or len(lines[lead].strip()) < _ANCHOR:
        return False
    anchor = [line.strip() for line in lines[lead:] if line.strip()][:3]
    start = _placed(anchor, resource, session, step, ctx)
    return start is not None and last < start - lead


def _placed(anchor: list[str], resource: str, session: Session, step: Step, ctx: RuleContext) -> int | None:
    """The line number an earlier read of ``resource`` by the same agent shows ``anchor`` at
    (its lines in a row, blank lines aside), found once; None when it shows it nowhere or more
    than once, or when a call changed the file after that read."""
    agent = session.agents.get(step.agent_id)
    earlier = [s for s in agent.steps if s.seq < step.seq] if agent is not None else []
    for before in reversed(earlier):
        effects = [ctx.effect(c) for c in before.calls]
        if any(resource in e.writes for e in effects):
            return None
        for call, effect in zip(before.calls, effects):
            if effect.kind != READ or resource not in effect.reads or call.result is None or call.failed:
                continue
            shown = [(n, text.strip()) for n, text in _numbered(call.result.text) if text.strip()]
            starts = [shown[k][0] for k in range(len(shown) - len(anchor) + 1)
                      if [text for _, text in shown[k:k + len(anchor)]] == anchor]
            if len(starts) == 1:
                return starts[0]
    return None


def _touches(block: list[str], shown: list[str]) -> bool:
    """Do the lines a read shows hold the block, or begin or end inside it?"""
    n = len(block)
    if any(shown[k:k + n] == block for k in range(len(shown) - n + 1)):
        return True
    return any(block[:k] == shown[-k:] or block[-k:] == shown[:k] for k in range(1, min(n, len(shown)) + 1))


def _hazard(dep: Dependency, first: ToolCall, first_effect: Effect, second: ToolCall, second_effect: Effect) -> str:
    """What may go wrong when the two calls of a dependent pair run in the other order (or at once)."""
    later = _subject(second, second_effect)
    direction = dep.order or dep.kind
    if direction == "DIR":
        return (f"{later} may run before {_subject(first, first_effect)} in the same batch "
                f"{_dir_change(first, dep.resource)}")
    if dep.kind == "CODE":
        edit, edit_effect = (first, first_effect) if dep.resource in first_effect.writes else (second, second_effect)
        code = "it" if _names_path(edit_effect) and edit_effect.label == dep.resource else safe(dep.resource, 80)
        if direction == "RAW":
            too_early = "stage the old code" if second_effect.label.startswith("git ") else "check the old code"
            return (f"{later} may run before {_subject(first, first_effect)} in the same batch has changed {code}, "
                    f"and {too_early}")
        return (f"{_subject(first, first_effect)} and {later} in the same batch both change "
                f"{'that file' if code == 'it' else code}: the formatter may run before the edit, which then "
                "stays unformatted, or while it applies")
    earlier = _other(first, first_effect, dep.resource)
    if direction == "RAW":
        noun, _, write, _, too_early = _state(dep.resource, second_effect)
        return f"{later} may run before {earlier} in the same batch {write}s {noun}, and {too_early}"
    if direction == "WAR":
        noun, read, _, thing, _ = _state(dep.resource, first_effect)
        reader = earlier if earlier.startswith("the ") else "that call"
        if is_file_resource(dep.resource) and _edits_in_place(second):
            return (f"{later} went out in the same batch as {earlier}, so its old text was chosen before the "
                    f"agent saw what {reader} returns (and {reader} may see the edited file)")
        return (f"{later} may run before {earlier} in the same batch {read}s {noun}, so {reader} may "
                f"see the new {thing}")
    noun, _, write, _, _ = _state(dep.resource, first_effect)
    return f"{later} and {earlier} in the same batch both {write} {noun}: the end state depends on which runs last"


def _roles(prompt: str, names: set[str]) -> dict[str, set[str]]:
    """For each name the prompt mentions: 'make' and/or 'use', from the words before it in its
    clause; a list item also reads its list's lead-in ("Create:" above "1. A hook (useTodos)")."""
    roles: dict[str, set[str]] = {}
    lead = ""
    for line in prompt.splitlines():
        stripped = line.strip()
        is_item = bool(_ITEM.match(stripped))
        if not is_item:
            lead = ""
        for clause in _CLAUSE.findall(line):
            for name in names:
                at = clause.find(name)
                if at == -1:
                    continue
                before = (lead + " " if is_item else "") + clause[:at]
                if _made(before):
                    roles.setdefault(name, set()).add("make")
                if _USES.search(before):
                    roles.setdefault(name, set()).add("use")
        if stripped.endswith(":"):
            lead = _SENTENCE_END.split(stripped)[-1]  # "... Create:" leads its list
    return roles


def _made(before: str) -> bool:
    """Is the name these words lead up to made? Its nearest making verb must have it as its object,
    not as what the tests or docs it makes are for."""
    verbs = list(_MAKES.finditer(before))
    return bool(verbs) and not _ABOUT.search(before, verbs[-1].end())


def _artifact(name: str) -> bool:
    """A name only code gives: a path or file name, snake_case, or lowerCamelCase (useTodos).
    PascalCase words are left out: product names (TypeScript, GitHub) look the same."""
    if "/" in name or "." in name or "_" in name.strip("_"):
        return True
    return name[:1].islower() and any(c.isupper() for c in name[1:])


def _prompt(call: ToolCall) -> str:
    return "\n".join(call.input[k] for k in PROMPT_KEYS if isinstance(call.input.get(k), str))


def _subagents_that_need_each_other(session: Session, step: Step, ctx: RuleContext) -> Iterable[Finding]:
    spawns = [c for c in step.calls if ctx.effect(c).kind == SPAWN]
    if len(spawns) < 2:
        return
    prompts = [_prompt(c) for c in spawns]
    names = [salient_tokens(p) for p in prompts]
    shared = {n for i, a in enumerate(names) for b in names[i + 1:] for n in a & b if len(n) >= 4 and _artifact(n)}
    if not shared:
        return
    agent = session.agents.get(step.agent_id)
    def shown_before(name: str) -> bool:
        # what the tools showed of the workspace (not what other subagents reported) before the launch
        needle = name.encode("utf-8")
        for earlier in agent.steps if agent else []:
            if earlier.seq >= step.seq:
                break
            for c in earlier.calls:
                if c.result is not None and needle in c.result.head and ctx.effect(c).kind != SPAWN:
                    return True
        return False

    shared = {n for n in shared if not shown_before(n)}  # it already exists
    roles = [_roles(p, shared) for p in prompts]
    for j, user in enumerate(spawns):
        for i, maker in enumerate(spawns):
            if i == j:
                continue
            needed = sorted(n for n in shared if roles[i].get(n) == {"make"} and roles[j].get(n) == {"use"})
            if needed:
                label_i, label_j = ctx.effect(maker).label, ctx.effect(user).label
                yield Finding(
                    message=(f"subagent {safe(label_j, 50)} is told to use {safe(needed[0], 40)}, which subagent "
                             f"{safe(label_i, 50)} launched in the same batch is told to create; launch it after "
                             "that result"),
                    calls=[maker, user], confidence="medium", agent_id=step.agent_id,
                )
                return
