"""A turn that reacts to the answer it just read is chosen from that answer (PAR101 stays silent)."""

from __future__ import annotations

import pytest

from linter.model import Location, Step
from linter.windows import _reacts


def _step(text: str = "", thought: str = "") -> Step:
    step = Step(index=0, agent_id="main", message_id="m", location=Location("t.jsonl", 1), seq=1, text=text)
    if thought:
        step.think(thought)
    return step


@pytest.mark.parametrize(("text", "thought", "reacts"), [
    ("I see the config is elsewhere.", "", True),
    ("Now let me check the tests.", "", False),
    ("", "Ah, I see! The branch already had the changes. Let me verify.", True),
    ("", "Perfect! It looks like the hook is missing, so the next read is the installer.", True),
    ("", "Next I will read the three files the user listed.", False),
    ("", "x" * 400 + " I see", False),  # only how the reasoning opens counts
])
def test_reacts(text: str, thought: str, reacts: bool) -> None:
    assert _reacts(_step(text, thought)) is reacts


def test_thought_keeps_only_its_head() -> None:
    step = _step(thought="a" * 500)
    step.think("b" * 500)
    assert len(step.thought) == 600 and step.thought.startswith("a" * 500 + "\n")


_EXPLORE = r'''
user: Explain how the app starts.
step
call Glob pattern="src/**/*.py"
-> /repo/src/main.py\n/repo/src/app.py\n/repo/src/config.py
step
call Read file_path=src/main.py
-> from app import run  # the app lives in src/app.py
step
call Read file_path=src/app.py
-> settings come from src/config.py
step
call Read file_path=src/config.py
-> DEBUG = True
step: It starts in main, which runs the app with the config.
'''


@pytest.mark.parametrize(("prompt", "codes"), [
    ("", []),  # each read followed the answer before it
    # a later prompt naming the same files does not turn the earlier reads into the person's list
    ("user: Now add logging to src/main.py, src/app.py and src/config.py.\nstep: Sure.\n", []),
])
def test_only_prompts_before_a_run_make_a_list_to_work_through(prompt: str, codes: list[str]) -> None:
    from linter.testing import lint_scenario

    assert [d.code for d in lint_scenario(_EXPLORE + prompt, select=["PAR101"])] == codes


def test_a_prompt_before_the_run_makes_the_reads_a_list() -> None:
    from linter.testing import lint_scenario

    listed = _EXPLORE.replace("Explain how the app starts.",
                              "Explain how the app starts: see src/main.py, src/app.py and src/config.py.")
    assert [d.code for d in lint_scenario(listed, select=["PAR101"])] == ["PAR101"]


@pytest.mark.parametrize(("command", "waits"), [
    ("sleep 30 && gh run list", True),
    ("cd app && sleep 5; tail -n 20 server.log", True),
    ("for i in 1 2 3; do sleep 2; curl -s localhost:3000; done", True),
    ("gh run watch 123", True),
    ("gh pr checks 5 --watch", True),
    ("gh pr checks 5 --watch=false", False),
    ("echo sleep 3", False),
    ("grep -rn sleep src", False),
    ("date '+%H:%M:%S'", True),  # a look at the clock
    ("date '+%H:%M:%S' && ls -la data/raw/prs.json", True),
    ("TZ=UTC date -u", True),
    ("date -d 2024-01-01 +%s", False),  # a date it was given, converted
    ("date --date=yesterday", False),
    ("git log --date=short -5", False),
    ("echo update", False),
])
def test_a_wait_before_a_read(command: str, waits: bool) -> None:
    from linter.model import ToolCall
    from linter.windows import _waits

    step = _step()
    step.calls.append(ToolCall("c1", "Bash", {"command": command}, Location("t.jsonl", 1)))
    assert _waits(step) is waits


@pytest.mark.parametrize(("first", "then", "requeries"), [
    ("ls", "ls -a", True),  # the plain listing hid what was looked for
    ("ls src", "ls -la src", True),
    ("git branch", "git branch --all", True),
    ("docker ps", "docker ps -a", True),
    ("git diff main..HEAD --stat", "git diff main..HEAD", False),  # more detail, not more entries
    ("ls src", "ls -a tests", False),  # another directory
    ("ls -a", "ls -a", False),  # the same call again is polling, judged elsewhere
    ("cat README.md", "ls -a", False),
    ("find src -type f", "find src -type f -daystart", False),  # a long option of find, not -d -a -y ...
])
def test_asking_again_for_everything(first: str, then: str, requeries: bool) -> None:
    from linter.model import ToolCall
    from linter.windows import _requeries

    before, after = _step(), _step()
    before.calls.append(ToolCall("c1", "Bash", {"command": first}, Location("t.jsonl", 1)))
    after.calls.append(ToolCall("c2", "Bash", {"command": then}, Location("t.jsonl", 2)))
    assert _requeries(after, [before]) is requeries


_WORKING_DIRECTORY = '''
user: Show me package.json and tsconfig.json, and what else is in this project.
step
call Read file_path=/repo/package.json
-> {{"name": "demo"}}
step
call Read file_path=/repo/tsconfig.json
-> {{"compilerOptions": {{}}}}
step
call {last}
-> ok
'''


@pytest.mark.parametrize("last", ['Bash command="ls -la /repo"', "LS path=/repo", 'Bash command="git -C /repo status"'])
def test_the_working_directory_is_known_from_the_start(last: str) -> None:
    from linter.testing import lint_scenario

    # the agent was told its working directory (/repo) before the first turn: naming it is no
    # sign that an answer was waited for
    found = lint_scenario(_WORKING_DIRECTORY.format(last=last), select=["PAR101"])
    assert [(d.code, d.line) for d in found] == [("PAR101", 2)]


_FALLBACKS = '''
user: Which test files are there in src, src/routes and src/utils?
step
call run_command command="find src -name *.test.js"
-> Access denied - SRC
step
call run_command command="ls src"
-> 'ls' is not recognized as an internal or external command, operable program or batch file.
step
call run_command command="dir src"
-> a.test.js
step
call run_command command="dir src\\\\routes"
-> tasks.test.js
step
call run_command command="dir src\\\\utils"
-> markdown.test.js
'''


def test_a_command_the_shell_could_not_run_ends_the_run() -> None:
    from linter.testing import lint_scenario

    # seen in a real coding agent's log (no exit codes, no error flags): `find` and `ls` failed on
    # Windows, and each next command was a fallback; only the three `dir` calls were one batch
    (found,) = lint_scenario(_FALLBACKS, select=["PAR101"], fmt="anthropic-messages")
    assert found.message.startswith("3 independent read-only calls went out over 3 turns (run_command dir src, ")


_NOISE = "/home/ana/.bashrc: line 159: bind: warning: line editing not enabled"
_RETRIES = "user: Write a script that syncs the repo to GitHub.\n" + "".join(
    f'step\ncall Bash command="pwd && git remote -v" description="{why}"\n-> {_NOISE}\n'
    for why in ("Check current directory and git remotes", "Navigate to the repo and check git remotes",
                "Check git remote configuration", "Check git remotes from the correct directory"))


def test_the_same_command_with_a_new_description_is_a_retry() -> None:
    from linter.testing import lint_scenario

    # seen in a real Claude Code session: a noisy .bashrc hid the answer, and the agent ran the
    # same command again four times, each with a new description
    assert lint_scenario(_RETRIES, select=["PAR101"]) == []


def test_the_same_command_asking_for_more_output_is_a_retry() -> None:
    from linter.testing import lint_scenario

    scenario = "user: What changed lately?\n" + "".join(
        f'step\ncall exec_command cmd="git log --oneline -5" max_output_tokens:={size}\n-> {_NOISE}\n'
        for size in (200, 2000, 20000))
    assert lint_scenario(scenario, select=["PAR101"], fmt="codex") == []


_MISSING = '''
user: What do notes.txt, todo.txt and plan.txt say?
step
call run_command command="cat notes.txt"
-> {first}
step
call run_command command="cat todo.txt"
-> buy milk
step
call run_command command="cat plan.txt"
-> ship it
'''


@pytest.mark.parametrize(("first", "codes"), [
    ("cat: notes.txt: No such file or directory", []),  # the next read may be the fallback it calls for
    ("Error: file does not exist: /repo/notes.txt", []),  # an error report nothing flags (nanobot)
    ("Error executing tool run_command: timed out", []),
    ("remember the milk", ["PAR101"]),
    ("no error: remember the milk", ["PAR101"]),
])
def test_a_missing_file_ends_the_run_even_unflagged(first: str, codes: list[str]) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_MISSING.format(first=first), select=["PAR101"], fmt="anthropic-messages")
    assert [d.code for d in found] == codes


_GUIDE = """
user: Finish the branch.
step
call Bash command="cat docs/finishing.md"
-> Step 1: run the tests. Step 2: find the base branch with `{spelled}`. Step 3: present the options.
step
call Bash command="git merge-base HEAD main"
-> 3f2a1c9
call Bash command="git branch --show-current"
-> feature
call Bash command="git status --short"
-> M a.go
"""


@pytest.mark.parametrize(("spelled", "codes"), [
    ("git merge-base HEAD main", []),  # the guide spelled the command out: the agent followed it
    ("git merge-base", ["PAR101"]),  # a name alone does not make the call
])
def test_a_command_an_answer_spelled_out_is_taken_from_it(spelled: str, codes: list[str]) -> None:
    from linter.testing import lint_scenario

    assert [d.code for d in lint_scenario(_GUIDE.format(spelled=spelled), select=["PAR101"])] == codes


_CUT_SHORT = '''
user: Read spec.md, todo.md and plan.md
step
call Read file_path=spec.md
-> {first}
step
call Read file_path=todo.md
-> buy milk
step
call Read file_path=plan.md
-> ship it
'''


@pytest.mark.parametrize(("first", "codes"), [
    # Gemini CLI's own words: the next call is chosen to get the rest
    ("\\nIMPORTANT: The file content has been truncated.\\nStatus: Showing lines 1-200 of 350 total lines.", []),
    ("# Spec\\nThe parser's output is never truncated.", ["PAR101"]),
])
def test_an_answer_cut_short_ends_the_run(first: str, codes: list[str]) -> None:
    from linter.testing import lint_scenario

    assert [d.code for d in lint_scenario(_CUT_SHORT.format(first=first), select=["PAR101"])] == codes


def _rounds(*sizes: int) -> str:
    """Turns of independent reads, ``sizes[i]`` of them in turn i, every path named up front."""
    names = [f"src/m{i}.py" for i in range(sum(sizes))]
    lines = ["user: Review " + ", ".join(names) + "."]
    it = iter(names)
    for size in sizes:
        lines.append("step")
        for _ in range(size):
            name = next(it)
            lines += [f"call Read file_path={name}", f"-> text of {name}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("sizes", "round_trips"), [
    ((2, 2), []),  # a batch, then one more: a second round that saves one trip at most
    ((4, 2), []),
    ((1, 2), [1]),  # one call, then a batch: the first turn did not batch
    ((2, 2, 2), [2]),  # three rounds: two trips to save
    ((1, 1, 1), [2]),
])
def test_a_batch_then_one_more_batch_is_left_alone(sizes: tuple[int, ...], round_trips: list[int]) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_rounds(*sizes), select=["PAR101"])
    assert [d.savings.extra_round_trips for d in found] == round_trips
