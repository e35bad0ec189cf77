"""The acceptance scenarios of the core issue, with exact codes and call ids."""

from __future__ import annotations

import json
import shlex

import pytest

from linter.engine import load_registry
from linter.testing import lint_example
from tests.conftest import FIXTURES, rel


def codes(doc) -> list[tuple[str, list[str]]]:
    return [(d["code"], d["call_ids"]) for d in doc["diagnostics"]]


@pytest.mark.parametrize("name,expected", [
    ("par101-serial-reads", [("PAR101", ["toolu_0001", "toolu_0002", "toolu_0003"])]),
    ("clean-grep-then-read", []),
    ("par201-write-read-batch", [("PAR201", ["toolu_0001", "toolu_0002"])]),
    ("par202-two-edits-batch", [("PAR202", ["toolu_0001", "toolu_0002"])]),
    ("par201-build-test-batch", [("PAR201", ["toolu_0001", "toolu_0002"])]),
    ("par401-edits-no-tests", [("PAR401", ["toolu_0001", "toolu_0002"])]),
    ("clean-tests-after-edit", []),
    ("par301-failed-batch-claim", [("PAR301", ["toolu_0002"])]),
    ("par102-serial-tasks", [("PAR102", ["toolu_0001", "toolu_0002", "toolu_0003"])]),
    ("par304-seven-tasks", [("PAR304", [f"toolu_{n:04d}" for n in range(1, 8)])]),
    ("clean-user-between-reads", []),
    ("clean-batched-reads", []),
    ("par103-serial-checks", [("PAR103", ["toolu_0001", "toolu_0002", "toolu_0003"])]),
    ("par101-serial-writes", [("PAR101", ["toolu_0001", "toolu_0002", "toolu_0003"])]),
])
def test_scenario(cli, name: str, expected: list) -> None:
    result, doc = cli.json("check", rel(FIXTURES / f"{name}.jsonl"))
    assert codes(doc) == expected
    assert result.exit_code == (1 if expected else 0)
    assert doc["errors"] == []


def test_serial_reads_savings(cli) -> None:
    _, doc = cli.json("check", rel(FIXTURES / "par101-serial-reads.jsonl"))
    (diag,) = doc["diagnostics"]
    assert diag["line"] == 3 and diag["agent_id"] == "main" and diag["confidence"] == "high"
    # Two removed requests, each 8 fresh + 20000 cache-read input tokens and 90 output tokens,
    # minus its tool-call block: (name + key + value + 20) characters / 4, 52 and 51 characters here.
    assert diag["savings"]["extra_round_trips"] == 2
    assert diag["savings"]["overhead_tokens"] == [100, 200]
    assert diag["savings"]["context_tokens"] == 2 * (8 + 20000) + (90 - 52 // 4) + (90 - 51 // 4)
    # Records are 1 s apart: each removed turn started 1 s after the result it waited for (2 s),
    # and the three reads, 1 s each, would have overlapped: sum 3 s minus max 1 s (2 s).
    assert diag["savings"]["seconds"] == 2 * 1.0 + (1.0 + 1.0 + 1.0 - 1.0)


def _par201(calls: str) -> list[str]:
    rule = next(r for r in load_registry().sorted() if r.code == "PAR201")
    return [d.message for d in lint_example(rule, "user: go\nstep\n" + calls) if d.code == "PAR201"]


@pytest.mark.parametrize("calls,message", [
    ("call Write file_path=src/a.py content=x\ncall Read file_path=src/a.py",
     "Read src/a.py may run before the Write in the same batch changes src/a.py, and see the old content"),
    ("call Read file_path=src/a.py\ncall Write file_path=src/a.py content=x",
     "Write src/a.py may run before the Read in the same batch reads src/a.py, so the Read may see the new content"),
    ("call Read file_path=src/a.py\ncall Edit file_path=src/a.py old_string=x new_string=y",
     "Edit src/a.py went out in the same batch as the Read, so its old text was chosen before the agent saw "
     "what the Read returns (and the Read may see the edited file)"),
    ("call Bash command=\"cat src/a.py\"\ncall MultiEdit file_path=src/a.py edits:='[]'",
     "MultiEdit src/a.py went out in the same batch as Bash cat src/a.py, so its old text was chosen before "
     "the agent saw what that call returns (and that call may see the edited file)"),
    ("call Write file_path=run.sh content=x\ncall Bash command=\"chmod +x run.sh\"",
     "Bash chmod +x run.sh may run before the Write in the same batch changes run.sh, and act on the old file"),
    ("call Bash command=\"npm run build\"\ncall Bash command=\"npm test\"",
     "Bash npm test may run before Bash npm run build in the same batch rebuilds the build output in /repo, "
     "and use the old build"),
    ("call Bash command=\"git add -A\"\ncall Bash command=\"git commit -m wip\"",
     "Bash git commit -m wip may run before Bash git add -A in the same batch changes the git index of /repo, "
     "and commit without that change"),
    ("call Bash command=\"git checkout main\"\ncall Bash command=\"git checkout dev\"",
     "Bash git checkout dev and Bash git checkout main in the same batch both change the checked-out commit of "
     "/repo: the end state depends on which runs last"),
    ("call Bash command=\"mkdir -p out\"\ncall Write file_path=out/x.txt content=x",
     "Write out/x.txt may run before Bash mkdir -p out in the same batch creates out"),
    ("call Bash command=\"git checkout -- src/a.py\"\ncall Read file_path=src/a.py",
     "Read src/a.py may run before Bash git checkout -- src/a.py in the same batch changes src/a.py, "
     "and see the old content"),
])
def test_par201_message_says_what_may_go_wrong(calls: str, message: str) -> None:
    assert _par201(calls) == [message + "; issue dependent calls after the results they need"]


_EDIT = 'call Edit file_path=src/a.py old_string="x = load(path)" new_string="x = load(ctx, path)"\n-> updated\n'


@pytest.mark.parametrize("read,reported", [
    # lines elsewhere in the file, shown whole: either order gives the same answer
    ("call Read file_path=src/a.py offset:=40 limit:=2\n-> 40\ty = parse(x)\\n41\treturn y", False),
    ("call Read file_path=src/a.py offset:=40 limit:=2\n-> 40→y = parse(x)\\n41→return y", False),
    # the edited line is shown, before or after the edit, alone or at either end of the read
    ("call Read file_path=src/a.py offset:=9 limit:=2\n-> 9\tdef f(path):\\n10\t    x = load(path)", True),
    ("call Read file_path=src/a.py offset:=10 limit:=2\n-> 10\t    x = load(ctx, path)\\n11\t    return x", True),
    # other numberings (`N: `, `N| `), after a harness's header line
    ("call Read file_path=src/a.py offset:=40 limit:=2\n-> 40: y = parse(x)\\n41: return y", False),
    ("call Read file_path=src/a.py offset:=9 limit:=2\n-> 9: def f(path):\\n10:     x = load(path)", True),
    ("call Read file_path=src/a.py offset:=9 limit:=2\n-> Here's the result of running `cat -n` on src/a.py:"
     "\\n     9\tdef f(path):\\n    10\t    x = load(path)", True),
    ("call Read file_path=src/a.py offset:=9 limit:=2\n-> src/a.py (lines 9-10):\\n9| def f(path):\\n10|     x = load(path)",
     True),
    # the whole file, an answer cut short, or an empty one: nothing shows the read missed the edit
    ("call Read file_path=src/a.py\n-> y = parse(x)", True),
    ("call Read file_path=src/a.py offset:=40 limit:=500\n-> " + "40\\ty = 1\\n" * 300, True),
    ("call Read file_path=src/a.py offset:=40 limit:=2\n-> ", True),
])
def test_par201_an_edit_and_a_read_of_other_lines(read: str, reported: bool) -> None:
    assert bool(_par201(_EDIT + read)) is reported


_FUNC = "func checkCounts(cmd *cobra.Command) error {"
_LONG_OLD = _FUNC + "\n\tw := cmd.OutOrStdout()\n" + "\t// the old body\n" * 80  # over 1000 characters
_LONG_NEW = _FUNC + "\n\tctx := cmd.Context()\n\tw := cmd.OutOrStdout()\n" + "\t// the new body\n" * 80
_SHOWN = "600\t}\\n601\t\\n602\t" + _FUNC + "\\n603\t\tw := cmd.OutOrStdout()\\n604\t\t// the old body"


def _placed(earlier: str, between: str, read: str) -> list[str]:
    long_read = "\\n".join(f"{n}\tx{n} := {n}" for n in range(509, 700))  # cut: longer than the kept head
    return _par201(f"call Read file_path=src/a.go offset:=600 limit:=5\n-> {earlier}\n{between}"
                   "step\n"
                   f"call Edit file_path=src/a.go old_string:={shlex.quote(json.dumps(_LONG_OLD))} "
                   f"new_string:={shlex.quote(json.dumps(_LONG_NEW))}\n-> The file src/a.go has been updated.\n"
                   f"{read}\n-> {long_read}\n")


@pytest.mark.parametrize("earlier,between,read,reported", [
    # an earlier read put the edited function at line 602: lines 509-563 are above it
    (_SHOWN, "", "call Read file_path=src/a.go offset:=509 limit:=55", False),
    # the read reaches the function, or nothing says where it is, or where it was is stale
    (_SHOWN, "", "call Read file_path=src/a.go offset:=509 limit:=94", True),
    ("600\t}\\n601\t", "", "call Read file_path=src/a.go offset:=509 limit:=55", True),
    (_SHOWN + "\\n700\t" + _FUNC + "\\n701\t\tw := cmd.OutOrStdout()\\n702\t\t// the old body", "",
     "call Read file_path=src/a.go offset:=509 limit:=55", True),
    (_SHOWN, "step\ncall Edit file_path=src/a.go old_string=\"// top\" new_string=\"// top\\n// more\"\n-> ok\n",
     "call Read file_path=src/a.go offset:=509 limit:=55", True),
])
def test_par201_a_read_above_an_edit_placed_by_an_earlier_read(earlier, between, read, reported) -> None:
    """A long edit and a cut read leave the text comparison unsure; an earlier numbered read that
    shows where the edited text starts settles it for a read that ends above that line."""
    assert bool(_placed(earlier, between, read)) is reported


def test_par201_restoring_one_file_does_not_touch_the_others() -> None:
    assert _par201("call Bash command=\"git checkout -- src/a.py\"\ncall Read file_path=src/b.py") == []
    assert _par201("call Bash command=\"git restore src/a.py\"\ncall Bash command=\"git restore src/b.py\"") == []


def _subagents(first: str, second: str) -> list[str]:
    return _par201(f"call Task description=a prompt:={shlex.quote(json.dumps(first))}\n"
                   f"call Task description=b prompt:={shlex.quote(json.dumps(second))}\n")


_USES_PARSER = "Update src/cli.py to import parse_query from src/parser.py and use it"


@pytest.mark.parametrize("prompt", [
    "Write tests for src/parser.py, covering empty input",
    "Add tests for src/parser.py",
    "Create a test suite for parse_query",
    "Write unit tests that cover parse_query",
    "Write docs for src/parser.py",
    "Add documentation for the tokenizer in src/parser.py",
    "Add a docstring to parse_query",
    "Document src/parser.py and its options",
    "Write tests for:\n1. src/parser.py\n2. the CLI",
])
def test_par201_tests_or_docs_for_a_thing_do_not_make_it(prompt: str) -> None:
    assert _subagents(prompt, _USES_PARSER) == []


@pytest.mark.parametrize("prompt", [
    "Create src/parser.py with a parse_query function",
    "Write tests for the CLI, then create src/parser.py",
    "Create:\n1. src/parser.py\n2. its tests",
])
def test_par201_a_subagent_told_to_make_what_another_uses(prompt: str) -> None:
    (message,) = _subagents(prompt, _USES_PARSER)
    assert message.startswith("subagent b is told to use ")


_CLEANUP_BATCH = '''
user: Rebuild and clean.
step
call Bash command="{command}"
!> {output}
call Bash command="rm -rf .cache"
-> ok
step: Done, everything is working.
'''


@pytest.mark.parametrize("fmt", ["claude-code", "codex", "gemini-cli"])
@pytest.mark.parametrize(("command", "output", "codes"), [
    ("pkill -f 'next dev'", "Exit code 1", []),  # no such process: nothing to stop
    ("lsof -ti:3000 | xargs kill -9", "Exit code 123", []),
    ("npm run build", "Exit code 1", ["PAR301"]),
    ("cp a.txt b.txt", "Exit code 1", ["PAR301"]),
])
def test_par301_a_cleanup_with_nothing_to_clean_is_no_failure(fmt: str, command: str, output: str,
                                                              codes: list[str]) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_CLEANUP_BATCH.format(command=command, output=output), select=["PAR301"], fmt=fmt)
    assert [d.code for d in found] == codes


_TRACE = '''
user: Review src/router.py, src/middleware.py and src/handlers.py for the auth bug.
step: Starting with the router.
call Bash command="sed -n '1,200p' src/router.py"
-> def route(): pass  # see middleware line 130 and handlers line 50
step
call Bash command="sed -n '130,189p' src/middleware.py"
-> def auth(): pass
step
call Bash command="sed -n '50,120p' src/handlers.py"
-> def handle(): pass
step: Found it.
'''


@pytest.mark.parametrize("fmt", ["claude-code", "codex", "gemini-cli", "openhands"])
def test_par101_shell_reads_of_chosen_line_ranges_are_not_a_sweep(fmt: str) -> None:
    from linter.testing import lint_scenario

    assert lint_scenario(_TRACE, select=["PAR101"], fmt=fmt) == []
    sweep = _TRACE.replace("130,189p", "1,200p").replace("50,120p", "1,200p")
    assert [d.code for d in lint_scenario(sweep, select=["PAR101"], fmt=fmt)] == ["PAR101"]


_SHELL_RETRY = '''
user: Run the api and web tests.
step
call Bash command="cd api && npm test"
!> npm ERR! missing script: test
call Bash command="cd web && npm test"
!> npm ERR! missing script: test
step
call Bash command="cd api && npm test"
!> npm ERR! missing script: test
call Bash command="cd web && npm test"
!> npm ERR! missing script: test
'''


@pytest.mark.parametrize("fmt", ["claude-code", "codex", "gemini-cli"])
def test_par303_quotes_the_error_not_the_shell_layout(fmt: str) -> None:
    from linter.testing import lint_scenario

    (found,) = lint_scenario(_SHELL_RETRY, select=["PAR303"], fmt=fmt)
    assert "(first: npm ERR! missing script: test)" in found.message, found.message


_BACKGROUND_TESTS = '''
user: Run the test suite in the background while you update the docs.
step
call Bash command="npm test" run_in_background:=true
-> {started}
step
call Edit file_path=README.md old_string=a new_string="{edit}"
-> ok
step: Docs updated.
'''


@pytest.mark.parametrize(("fmt", "started"), [("claude-code", "Command running in background with ID: bash_1"),
                                              ("gemini-cli", "Background PIDs: 5123")])
def test_par302_a_background_test_run_never_read(fmt: str, started: str) -> None:
    from linter.testing import lint_scenario

    never_read = _BACKGROUND_TESTS.format(started=started, edit="the new notes")
    assert [d.code for d in lint_scenario(never_read, select=["PAR302"], fmt=fmt)] == ["PAR302"]
    # a later call that names the job (kill 5123, tail of its output) collects it; a number inside
    # another one (51234) does not
    named = _BACKGROUND_TESTS.format(started=started, edit="see job 5123 and bash_1")
    assert lint_scenario(named, select=["PAR302"], fmt=fmt) == []
    inside = _BACKGROUND_TESTS.format(started=started, edit="release 51234")
    assert [d.code for d in lint_scenario(inside, select=["PAR302"], fmt=fmt)] == ["PAR302"]


_TICKED_READS = '''
user: Review src/a.py, src/b.py and src/c.py
step: Let me start with a.py.
call TodoWrite todos:='[{"content": "Review a", "status": "in_progress"}]'
call Read file_path=src/a.py
-> a
step
call TodoWrite todos:='[{"content": "Review b", "status": "in_progress"}]'
call Read file_path=src/b.py
-> b
step
call TodoWrite todos:='[{"content": "Review c", "status": "in_progress"}]'
call Read file_path=src/c.py
-> c
step: Done.
'''


def test_par101_todo_updates_beside_the_reads_do_not_hide_them() -> None:
    from linter.testing import lint_scenario

    (found,) = lint_scenario(_TICKED_READS, select=["PAR101"])
    assert found.message.startswith("3 independent read-only calls went out over 3 turns (Read src/a.py, ")
    assert len(found.call_ids) == 3  # the todo updates are not part of it


_POLL_CI = '''
user: Wait for CI on PR 42 and tell me when it passes.
step
call Bash command="gh pr checks 42"
!> build pending
call Bash command="gh run view 123 --exit-status"
!> run 123 is still in progress
step: CI is still running, checking again.
call Bash command="gh pr checks 42"
!> build pending
call Bash command="gh run view 123 --exit-status"
!> run 123 is still in progress
'''


def test_par303_polling_what_is_still_running_is_no_blind_retry() -> None:
    from linter.testing import lint_scenario

    assert lint_scenario(_POLL_CI, select=["PAR303"]) == []


@pytest.mark.parametrize(("command", "confidence"), [
    ("pytest tests/test_a.py", "high"),  # the tests of the edited module
    ("pytest", "high"),
    ("pytest tests/test_b.py", "medium"),  # other tests: they may not import it
    ("npm test", "medium"),  # a generic runner
])
def test_par201_an_edit_and_a_test_run_in_one_batch(command: str, confidence: str) -> None:
    from linter.testing import lint_scenario

    scenario = f'''
    user: Fix it and run the tests.
    step
    call Edit file_path=src/a.py old_string=a new_string=b
    call Bash command="{command}"
    '''
    (found,) = lint_scenario(scenario, select=["PAR201"])
    assert found.confidence == confidence


_SILENT_TRACE = r'''
user: Find where the todo items are rendered.
step
call Glob pattern="src/**/*.tsx"
-> src/app/page.tsx\nsrc/components/TodoList.tsx\nsrc/components/TodoItem.tsx\nsrc/types/index.ts
step
call Read file_path=src/app/page.tsx
-> import { TodoList } from '@/components/TodoList'
step
call Read file_path=src/components/TodoList.tsx
-> import { TodoItem } from './TodoItem'\nimport type { Todo } from '@/types'
step
call Read file_path=src/components/TodoItem.tsx
-> export function TodoItem() {}
step
call Read file_path=src/types/index.ts
-> export type Todo = {}
step: TodoItem renders each item.
'''


@pytest.mark.parametrize("fmt", ["claude-code", "codex"])
def test_par101_silent_reads_that_follow_imports_are_a_trace(fmt: str) -> None:
    from linter.testing import lint_scenario

    assert lint_scenario(_SILENT_TRACE, select=["PAR101"], fmt=fmt) == []
    # the same reads of files the person named are a list to work through
    named = _SILENT_TRACE.replace("Find where the todo items are rendered.",
                                  "Review src/app/page.tsx, src/components/TodoList.tsx, "
                                  "src/components/TodoItem.tsx and src/types/index.ts.")
    assert [d.code for d in lint_scenario(named, select=["PAR101"], fmt=fmt)] == ["PAR101"]


def test_par101_a_file_named_past_the_head_of_a_long_answer_is_a_found_file() -> None:
    # seen on a real review session: the whole uncommitted diff, then a read of one file it
    # changed ("check one subtle claim in the uncommitted code"); the file is named far down
    diff = "\\n".join(f"+ line {n}" for n in range(400)) + "\\ndiff --git a/src/registry.go b/src/registry.go"
    scenario = f"""
        user: Review the uncommitted changes; the touched files are src/cli.go, src/cli_test.go and src/registry.go
        step
        call Bash command="git diff HEAD"
        -> {diff}
        step: Let me also check the tests and one claim in the uncommitted code.
        call Bash command="git diff HEAD -- src/cli.go"
        -> + func run()
        call Bash command="git diff HEAD -- src/cli_test.go"
        -> + func TestRun()
        call Read file_path=src/registry.go
        -> package registry
        step: Done.
        """
    from linter.testing import lint_scenario

    assert [d.code for d in lint_scenario(scenario, select=["PAR101"])] == []
    elsewhere = scenario.replace("src/registry.go b/src/registry.go", "src/x.go b/src/x.go")
    assert [d.code for d in lint_scenario(elsewhere, select=["PAR101"])] == ["PAR101"]


_OUTSIDE = """
    user: Start the app in ~/work/app
    step
    call Bash command="cd ~/work/app && find . -type f | sort"
    -> ./Cargo.toml\\n./src/lib.rs\\n./src/main.rs
    step: Reading the key files.
    call Read file_path=/home/ana/work/app/Cargo.toml
    -> [package]
    step
    call Read file_path=/home/ana/work/app/src/lib.rs
    -> pub fn run() {}
    step
    call Read file_path=/home/ana/work/app/src/main.rs
    -> fn main() {}
    step: Done.
    """


@pytest.mark.parametrize("listing, reported", [
    ("cd ~/work/app && find . -type f | sort", True),  # the directory, then the paths below it
    ("cd /home/ana/work/app && find . -type f | sort", True),
    ("cd ~/work/old && find . -type f | sort", False),  # another directory's listing
])
def test_par101_reads_outside_the_working_directory_known_from_a_listing_there(listing, reported) -> None:
    # seen on a real session: a project scaffolded beside the working directory, its tree listed
    # after a `cd` (relative paths), then its files read one per turn by absolute path
    from linter.testing import lint_scenario

    scenario = _OUTSIDE.replace("cd ~/work/app && find . -type f | sort", listing)
    if not reported:
        scenario = scenario.replace("in ~/work/app", "beside the old one")
    found = lint_scenario(scenario, select=["PAR101"])
    assert [d.code for d in found] == (["PAR101"] if reported else [])
    if reported:
        assert found[0].message.startswith("3 independent read-only calls went out over 3 turns")


_LISTED = """
    user: Tidy up the settings
    step
    call Bash command="ls -la /repo/app/config"
    -> -rw-r--r-- 1 ana ana 120 Jan 1 12:00 base.toml\\n-rw-r--r-- 1 ana ana 80 Jan 1 12:00 local.toml\\nprod.toml
    step: I'll go through each settings file.
    call Read file_path=app/config/base.toml
    -> [server]
    step
    call Read file_path=app/config/local.toml
    -> [debug]
    step
    call Read file_path=app/config/prod.toml
    -> [cache]
    step: Done.
    """


@pytest.mark.parametrize("listing, reported", [
    ("ls -la /repo/app/config", True),  # its names, one per line, under the directory it listed
    ("ls -la app/config/", True),
    ("ls -la /repo/app/templates", False),  # the same names in another directory
])
def test_par101_reads_of_files_a_listing_of_their_directory_showed(listing: str, reported: bool) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_LISTED.replace("ls -la /repo/app/config", listing), select=["PAR101"])
    assert [d.code for d in found] == (["PAR101"] if reported else [])
    if reported:
        assert found[0].message.startswith("3 independent read-only calls went out over 3 turns (Read app/config/base.toml")


def _writes(*files: tuple[str, str], tool: str = "Write", texts: tuple[str, ...] = ()) -> str:
    out = ["user: Set up the page."]
    for n, (path, content) in enumerate(files):
        prose = texts[n] if n < len(texts) else ""
        out += [f"step: {prose}" if prose else "step", f"call {tool} file_path={path} content={shlex.quote(content)}",
                f"-> File created successfully at: {path}"]
    return "\n".join(out + ["step: Done."]) + "\n"


def test_par101_serial_writes_message_confidence_and_no_seconds() -> None:
    from linter.testing import lint_scenario

    (found,) = lint_scenario(_writes(("a.md", "A"), ("b.md", "B"), ("c.md", "C")), select=["PAR101"])
    assert found.message == ("3 whole-file writes of separate files went out over 3 turns (Write a.md, Write b.md "
                             "and Write c.md); only acknowledgements came back between them, so one batch saves "
                             "2 round trips")
    assert found.confidence == "high"
    assert found.savings.extra_round_trips == 2
    assert found.savings.seconds is None  # the time between the turns went into writing the files
    # prose between the writes: the agent may have been deciding what to write next
    (found,) = lint_scenario(_writes(("a.md", "A"), ("b.md", "B"), ("c.md", "C"),
                                     texts=("", "Let me also add b.", "")), select=["PAR101"])
    assert found.confidence == "medium"


def test_par101_serial_writes_too_long_for_one_turn_are_left_alone(tmp_path) -> None:
    """Turns that generated more output between them than one turn may hold are no batch."""
    from linter.config import Config
    from linter.engine import run
    from linter.testing import render_as

    def lint(outputs: list[int]) -> list:
        lines = [json.loads(line) for line in render_as("claude-code", _writes(("a.md", "A"), ("b.md", "B"),
                                                                        ("c.md", "C")))[0].splitlines()]
        turns = [rec for rec in lines if rec.get("type") == "assistant" and rec["message"]["content"][0]["type"]
                 == "tool_use"]
        for rec, output in zip(turns, outputs):
            rec["message"]["usage"]["output_tokens"] = output
        path = tmp_path / "writes.jsonl"
        path.write_text("".join(json.dumps(rec) + "\n" for rec in lines), encoding="utf-8")
        return [d for d in run([str(path)], Config(), load_registry()).diagnostics if d.code == "PAR101"]

    assert len(lint([6_000, 6_000, 4_000])) == 1
    assert lint([6_000, 6_000, 6_000]) == []  # 18,000 output tokens: more than one turn may hold


def test_par101_serial_writes_only_whole_files() -> None:
    from rules.par101_serialised_independent_calls import whole_file_content
    from linter.model import Location, ToolCall

    def call(name: str, **data: object) -> ToolCall:
        return ToolCall(id="c", name=name, input=data, location=Location("t.jsonl", 1))

    assert whole_file_content(call("Write", file_path="a.py", content="x = 1")) == "x = 1"
    assert whole_file_content(call("str_replace_editor", command="create", path="a.py", file_text="x")) == "x"
    assert whole_file_content(call("str_replace_editor", command="str_replace", path="a.py", old_str="x",
                                   new_str="y")) is None
    assert whole_file_content(call("Edit", file_path="a.py", old_string="x", new_string="y")) is None
    assert whole_file_content(call("replace", file_path="a.py", instruction="fix", content="y")) is None
    added = "*** Begin Patch\n*** Add File: a.py\n+x = 1\n*** End Patch"
    updated = "*** Begin Patch\n*** Add File: a.py\n+x\n*** Update File: b.py\n@@\n-y\n+z\n*** End Patch"
    assert whole_file_content(call("apply_patch", input=added)) == added
    assert whole_file_content(call("apply_patch", input=updated)) is None
    assert whole_file_content(call("shell", command=["apply_patch", added], workdir="/repo")) == added
    assert whole_file_content(call("shell", command=["apply_patch", updated])) is None
    assert whole_file_content(call("shell", command=["bash", "-lc", "cat a.py"])) is None


@pytest.mark.parametrize(("command", "content"), [
    ("cat > a.py <<'EOF'\nx = 1\ny = 2\nEOF", "x = 1\ny = 2"),
    ("cat <<EOF > src/a.py\nx = 1\nEOF\n", "x = 1"),
    ("cat >a.py << \"END\"\n\nx\n  END", "\nx"),
    ("cat > a.py <<EOF\nx = 1\nEOF\npython a.py", None),  # it runs the file too
    ("cd src && cat > a.py <<EOF\nx = 1\nEOF", None),  # more than a write
    ("cat >> a.py <<EOF\nx = 1\nEOF", None),  # an append
    ("cat > a.py <<EOF\nx = 1", None),  # no end marker: the text may be cut
    ("cat > \"$DIR/a.py\" <<EOF\nx = 1\nEOF", None),  # a path the shell computes
    ("tee a.py <<EOF\nx = 1\nEOF", None),
])
def test_par101_a_here_document_that_only_writes_a_file_is_a_whole_file_write(command: str, content) -> None:
    from rules.par101_serialised_independent_calls import whole_file_content
    from linter.model import Location, ToolCall

    for name, data in (("Bash", {"command": command}), ("exec_command", {"cmd": command}),
                       ("shell", {"command": ["bash", "-lc", command]})):
        assert whole_file_content(ToolCall(id="c", name=name, input=data, location=Location("t", 1))) == content


@pytest.mark.parametrize("fmt", ["claude-code", "codex", "gemini-cli"])
def test_par101_files_written_by_here_documents_one_per_turn(fmt: str) -> None:
    from linter.testing import lint_scenario

    turns = ""
    for name, body in (("settings.py", "DEBUG = False"), ("log.py", "LEVEL = 20"),
                       ("errors.py", "class AppError(Exception): pass")):
        command = json.dumps(f"cat > {name} <<EOF\n{body}\nEOF")
        turns += f"step\ncall Bash command:={shlex.quote(command)}\n->\n"
    found = lint_scenario(f"user: Add the settings, log and errors modules.\n{turns}", select=["PAR101"], fmt=fmt)
    assert [(d.code, d.message.split(" (")[0]) for d in found] == [
        ("PAR101", "3 whole-file writes of separate files went out over 3 turns")]


def test_par101_serial_writes_of_a_grouped_turn_or_the_same_file_are_not_reported() -> None:
    from linter.testing import lint_scenario

    grouped = _writes(("a.md", "A"), ("b.md", "B"), ("c.md", "C")).replace(
        "-> File created successfully at: a.md\nstep\n", "-> File created successfully at: a.md\n")
    assert "step\ncall Write file_path=b.md" not in grouped  # a.md and b.md in one turn
    assert lint_scenario(grouped, select=["PAR101"]) == []
    assert lint_scenario(_writes(("a.md", "A"), ("a.md", "B"), ("c.md", "C")), select=["PAR101"]) == []
    # a hook reported on the second write: the third may answer it
    hooked = _writes(("a.md", "A"), ("b.md", "B"), ("c.md", "C")).replace(
        "-> File created successfully at: b.md", "-> File created successfully at: b.md (PostToolUse hook: 2 warnings)")
    assert lint_scenario(hooked, select=["PAR101"]) == []
    # ... but a file under src/hooks/ is just a path in the acknowledgement
    assert len(lint_scenario(_writes(("src/hooks/a.ts", "A"), ("src/hooks/b.ts", "B"), ("src/hooks/c.ts", "C")),
                             select=["PAR101"])) == 1


_SED_READS = '''
user: Explain how main.go, server.go and config.go start the service.
step
call Bash command="sed -n '/^func main/,/^}/p' main.go"
-> func main() { run() }
step
call Bash command="sed -n '/^func Serve/,/^}/p' server.go"
-> func Serve() {}
step
call Bash command="jq '.scripts' config.go"
-> null
step: Done.
'''


def test_par101_the_script_of_sed_or_jq_is_no_value_an_answer_must_have_shown() -> None:
    from linter.testing import lint_scenario

    (found,) = lint_scenario(_SED_READS, select=["PAR101"])
    assert len(found.call_ids) == 3


def test_par101_a_name_in_a_sed_script_that_an_answer_showed_makes_the_read_dependent() -> None:
    from linter.testing import lint_scenario

    traced = _SED_READS.replace("-> func main() { run() }", "-> func main() { startServer() }").replace(
        "/^func Serve/", "/^func startServer/")
    assert "startServer/" in traced
    assert lint_scenario(traced, select=["PAR101"]) == []


def _ticked(prompt: str, calls: list[str], results: list[str]) -> str:
    """A scenario that updates the todo list in a turn of its own before each call and after the last."""
    todo = "step\ncall TodoWrite todos:='[{{\"content\": \"{}\", \"status\": \"{}\"}}]'\n-> Todos have been modified."
    out = [f"user: {prompt}"]
    for n, (call, result) in enumerate(zip(calls, results)):
        out += [todo.format(n, "in_progress"), "step", call, f"-> {result}"]
    return "\n".join(out + [todo.format(len(calls), "completed"), "step: Done."]) + "\n"


def test_par101_turns_that_only_tick_the_todo_list_neither_end_a_run_nor_count() -> None:
    from linter.testing import lint_scenario

    files = ["index.html", "styles.css", "script.js"]
    writes = _ticked("Build a Pomodoro timer page.", [f"call Write file_path={f} content=x" for f in files],
                     [f"File created successfully at: {f}" for f in files])
    (found,) = lint_scenario(writes, select=["PAR101"])
    assert found.message.startswith("3 whole-file writes of separate files went out over 5 turns (Write index.html, ")
    assert len(found.call_ids) == 3  # the todo updates are no part of it
    assert found.savings.extra_round_trips == 4  # the updates before the first write and after the last are left out
    reads = _ticked("Review index.html, styles.css and script.js.", [f"call Read file_path={f}" for f in files],
                    ["<div>", "#timer {}", "let left = 1500"])
    (found,) = lint_scenario(reads, select=["PAR101"])
    assert found.message.startswith("3 independent read-only calls went out over 5 turns (Read index.html, ")


@pytest.mark.parametrize("command, reported", [
    ("mkdir -p src/util && mv src/helper.py src/util/ 2>/dev/null || echo missing", False),
    ("mv src/helper.py src/util/ >/dev/null 2>&1", False),
    ("mv src/helper.py src/util/ 2>&1", False),
    ("mv src/helper.py src/util/ && git status && ls -la src/util", False),
    ("echo 'def helper(): pass' > src/util/helper.py", True),
    ("cat src/helper.py >> src/util/helper.py 2>/dev/null", True),
])
def test_par401_a_move_with_its_errors_sent_away_or_a_look_around_is_still_housekeeping(command: str, reported: bool) -> None:
    # seen on a real session: `mv npu_bench.py tests/ ... mv *Audit*.md docs/ 2>/dev/null; git status`
    # after the last run; only output written into a file can write code
    from linter.testing import lint_scenario

    scenario = f"""
        user: Fix the bug in src/app.py, then move the helper into src/util/
        step
        call Edit file_path=src/app.py old_string="x = 1" new_string="x = 2"
        -> The file src/app.py has been updated.
        step
        call Bash command="pytest -q"
        -> 3 passed
        step
        call Bash command={shlex.quote(command)}
        -> 
        step: Done.
        """
    assert [d.code for d in lint_scenario(scenario, select=["PAR401"])] == (["PAR401"] if reported else [])


@pytest.mark.parametrize("answered, reported", [(False, False), (True, True)])
def test_par401_a_session_the_harness_cut_off_mid_turn(tmp_path, answered: bool, reported: bool) -> None:
    # seen on a real session: the last Edit, then only Claude Code's own "You've hit your limit"
    # (model <synthetic>): the agent never got the turn in which it would have run the tests
    from linter.config import Config
    from linter.engine import load_registry, run
    from linter.testing import render

    scenario = """
        user: Drop the status icons from the message in src/discord.ts
        step
        call Edit file_path=src/discord.ts old_string="icon + text" new_string="text"
        -> The file src/discord.ts has been updated.
        """ + ("step: Done: the icons are gone.\n" if answered else "")
    lines = render(scenario).splitlines()
    last = json.loads(lines[-1])
    cut = dict(last, type="assistant", uuid="00000000-0000-4000-8000-0000000000ff", parentUuid=last["uuid"],
               message={"id": "synthetic-1", "model": "<synthetic>", "role": "assistant", "type": "message",
                        "content": [{"type": "text", "text": "You've hit your limit · resets 1am (Europe/Paris)"}]})
    cut.pop("toolUseResult", None)
    path = tmp_path / "cut.jsonl"
    path.write_text("\n".join(lines + [json.dumps(cut)]) + "\n", encoding="utf-8")
    result = run([str(path)], Config(select=["PAR401"]), load_registry())
    assert [d.code for d in result.diagnostics] == (["PAR401"] if reported else [])
    if not reported:
        assert [n["what"] for n in result.sessions[0].not_checked if "still working" in n["reason"]] == ["PAR401"]


_EDITS = """
    user: Add a created_at field: the model, the API and the view need it
    step
    call Read file_path=src/model.py
    -> class Item: ...
    call Read file_path=src/api.py
    -> def get(): ...
    call Read file_path=src/view.py
    -> def show(): ...
    step: Three changes, one per file.
    call TodoWrite todos:='[{"content": "model, API, view", "status": "in_progress"}]'
    -> Todos have been modified successfully.
    step
    call Edit file_path=src/model.py old_string="class Item: ..." new_string="class Item: created_at = None"
    -> The file src/model.py has been updated successfully.
    step{second}
    call Edit file_path={api} old_string="def get(): ..." new_string="def get(): return item.created_at"
    -> The file {api} has been updated successfully.
    step
    call Edit file_path=src/view.py old_string="def show(): ..." new_string="def show(): print(created_at)"
    -> The file src/view.py has been updated successfully.
    step: Done.
    """


@pytest.mark.parametrize("second, api, reported", [
    ("", "src/api.py", True),  # files the agent had read, edited one per turn with nothing said between
    (": Now the API needs to return it, and the callers expect a string.", "src/api.py", False),  # explained
    ("", "src/other.py", False),  # an edit of a file the agent had not seen: its text was not known
])
def test_par101_silent_edits_of_separate_files_it_had_read(second: str, api: str, reported: bool) -> None:
    # seen on real sessions: a plan of changes across files, then one Edit per turn, each answered
    # by an acknowledgement only
    from linter.testing import lint_scenario

    scenario = _EDITS.replace("{second}", second).replace("{api}", api)
    found = lint_scenario(scenario, select=["PAR101"])
    assert [d.code for d in found] == (["PAR101"] if reported else [])
    if reported:
        assert found[0].message == ("3 writes and edits of separate files went out over 3 turns (Edit src/model.py, "
                                    "Edit src/api.py and Edit src/view.py); only acknowledgements came back between "
                                    "them, so one batch saves 2 round trips")


_WATCHING = '''
user: Fetch the PR data with src/fetch.py in the background; data/raw/prs.json fills as it goes.
step
call Bash command="python src/fetch.py" run_in_background:=true
-> Command running in background with ID: b1. Output is being written to: /tmp/tasks/b1.output
step
call Bash command="cat /tmp/tasks/b1.output | tail -3"
-> page 7: +50 (cumulative 350/696)
step
call Bash command="{second} && ls -la data/raw/prs.json"
-> 15:31:00 -rw-r--r-- 1 leo staff 812345 Apr 26 15:29 data/raw/prs.json
step
call Bash command="{third}"
-> 15:31:11
'''


@pytest.mark.parametrize(("second", "third", "reported"), [
    ("date '+%H:%M:%S'", "date '+%H:%M:%S'", False),  # looking at the clock while a job runs
    ("uname -a", "git status --short", True),
    ("date -d 2026-04-26 +%s", "git status --short", True),  # a date it was given: no clock read
])
def test_par101_checks_of_the_clock_while_a_job_runs_are_polls(second: str, third: str, reported: bool) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_WATCHING.format(second=second, third=third), select=["PAR101"])
    assert [d.code for d in found] == (["PAR101"] if reported else [])


_STOPPED = """
user: Rename the tile service to AxeTileService
step
call Edit file_path=src/tiles.kt old_string="class axeTileService" new_string="class AxeTileService"
-> The file src/tiles.kt has been updated.
{after}
"""


@pytest.mark.parametrize("fmt", ["claude-code", "gemini-cli"])
@pytest.mark.parametrize(("after", "reported"), [
    ("interrupt", False),  # stopped before the turn in which it would have built: cut off
    ("step: Renamed.\ninterrupt", True),  # it had finished and answered
    ("interrupt\nuser: Go on.\nstep: Renamed.", True),
])
def test_par401_an_interruption_that_ends_the_transcript_cuts_the_agent_off(fmt: str, after: str, reported: bool) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_STOPPED.format(after=after), select=["PAR401"], fmt=fmt)
    assert [d.code for d in found] == (["PAR401"] if reported else [])


_REFUSED_BUILD = """
user: Fix the unresolved reference in Chips.kt
step
call Edit file_path=ui/Chips.kt old_string="chipsList" new_string="chips"
-> The file ui/Chips.kt has been updated.
step
call Bash command="./gradlew :ui:compileDebugKotlin"
!> {answer}
user: Now add a note under the shapes in Appearance.kt
step
call Edit file_path=ui/Appearance.kt old_string="Shapes()" new_string="Shapes()\\nNote()"
-> The file ui/Appearance.kt has been updated.
step: Added the note.
"""


@pytest.mark.parametrize(("fmt", "answer", "reported"), [
    ("gemini-cli", "[Operation Cancelled] Reason: User denied execution.", False),  # the person refused the build
    ("claude-code", "The user doesn't want to proceed with this tool use. The tool use was rejected.", False),
    ("claude-code", "FAILURE: Build failed with an exception.", True),  # it ran, and failed
])
def test_par401_a_person_who_refused_a_check_decides_on_running_them(fmt: str, answer: str, reported: bool) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_REFUSED_BUILD.format(answer=answer), select=["PAR401"], fmt=fmt)
    assert [d.code for d in found] == (["PAR401"] if reported else [])
