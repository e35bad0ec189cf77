"""PAR401's judgement of single edits and prompts: comment-only edits, reports of having run it."""

from __future__ import annotations

import pytest

from linter.model import Location, ToolCall
from rules.par401_missing_validation import _PASTED_RUN, _USER_RAN, _comment_only


def _edit(path: str, old: str, new: str) -> ToolCall:
    return ToolCall("t1", "Edit", {"file_path": path, "old_string": old, "new_string": new}, Location("s.jsonl", 1))


@pytest.mark.parametrize(("path", "old", "new", "comment_only"), [
    ("a.py", "# retrun early", "# return early", True),
    ("a.py", '"""Load it."""', '"""Load the file."""', True),
    ("a.go", "// old", "// new", True),
    ("a.c", " * old doc", " * new doc", True),
    ("q.sql", "-- x", "-- y", True),
    ("a.py", "", "#!/usr/bin/env python3", False),  # a shebang is no comment
    ("main.c", "", "#include <stdlib.h>", False),  # preprocessor lines are code in C
    ("main.c", "#define BUF 512", "#define BUF 4096", False),
    ("lib.rs", "", "#[derive(Clone)]", False),  # a Rust attribute
    ("main.c", "*out = 0;", "*out = len;", False),  # a dereference, not a comment line
    ("a.py", "*args,", "*rest,", False),
    ("run.sh", "--quiet \\", "--verbose \\", False),  # an option, not an SQL comment
    ("app.ts", "# x", "# y", False),  # `#` starts no comment in TypeScript
    # a docstring added in full, its middle lines included, is prose
    ("a.py", "def f(x):\n    return x", 'def f(x):\n    """Return x.\n\n    Unchanged, as given.\n    """\n    return x', True),
    ("a.py", "def f(x):", "def f(x):\n    r\'\'\'Raw doc\n    more \\d\n    \'\'\'", True),
    ("a.py", "    return x", '    """Return x."""\n    return x + 1', False),  # and a code change beside it
    ("a.py", "", '"""Doc whose end the edit leaves as it was\nstill the doc', True),  # an open docstring runs on
    ("a.py", "x = 1", '"""Doc"""\nx = 2', False),
    ("a.js", "f()", "/**\n * Doc\n */\nf()", True),
    # a comment at the end of a code line, added or reworded: the code is unchanged
    ("a.py", "timeout = 10", "timeout = 10  # seconds", True),
    ("a.go", "\ttimeout := 10", "\ttimeout := 10 // seconds", True),
    ("a.py", "retries = 3  # tries", "retries = 3  # attempts in all", True),
    ("a.py", "retries = 3  # tries", "retries = 5  # attempts in all", False),
    ("a.py", 'tag = "v1 #a"', 'tag = "v1 #b"', False),  # a `#` inside a string
    ("a.js", 'const u = "http://a"', 'const u = "http://b"', False),
    ("a.py", "if ok:\n    run()", "if ok:\n        run()  # nested", False),  # indentation is code in Python
])
def test_comment_lines_are_told_by_the_file_language(path: str, old: str, new: str, comment_only: bool) -> None:
    assert _comment_only(_edit(path, old, new)) is comment_only


@pytest.mark.parametrize(("prompt", "ran"), [
    ("I ran the tests, all green", True),
    ("I don't think the buttons work", True),
    ("the button does not work", True),
    ("It's still not working.", True),
    ("nothing happens when I click it", True),
    ("it works now, thanks", True),
    ("ok, works. great", True),
    ("that worked, thanks", True),
    ("Works like a charm", True),
    ("Great work! Now add the export button", False),
    ("works on linux only?", False),
    ("Show me how that works", False),
    ("Please make it work", False),
    ("Now don't work on the API yet", False),
    ("please do not work on the backend", False),
    ("I'm not working on the backend today", False),
    ("These old endpoints don't work with OAuth, so remove them", False),
    ("things that don't work on Windows", False),
    ("## How It Works", False),
])
def test_a_prompt_that_reports_having_run_it(prompt: str, ran: bool) -> None:
    assert bool(_USER_RAN.search(prompt)) is ran


@pytest.mark.parametrize(("prompt", "ran"), [
    ("[Errno 10048] error while attempting to bind on address ('127.0.0.1', 8000)", True),
    ("Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>", True),
    ("ModuleNotFoundError: No module named 'chainlit'", True),
    ("Fix this error:\n\nUncaught (in promise) TypeError: d3.easeElastic.out is not a function", True),
    ("it fails with\n    at drawChart (script.js:332:30)", True),
    ("npm ERR! missing script: dev", True),
    ("src/app.ts(3,7): error TS2322: Type 'string' is not assignable", True),
    ("Raise a ValueError when n is negative", False),  # an instruction that names an exception
    ("Handle the case of a KeyError: log it and go on", False),
    ("On failure show 'Error: invalid input'", False),
])
def test_a_prompt_that_pastes_what_running_it_printed(prompt: str, ran: bool) -> None:
    assert bool(_PASTED_RUN.search(prompt)) is ran


_PASTED = '''
user: Build a small Chainlit app in app.py.
step
call Write file_path=app.py content="import chainlit as cl"
-> wrote 20 characters to app.py
step: Done: run it with `chainlit run app.py`.
user: {prompt}
step: Port 8000 is taken: stop the old server, or pass --port 8001.
'''


@pytest.mark.parametrize(("prompt", "codes"), [
    ("[Errno 10048] error while attempting to bind on address ('127.0.0.1', 8000)", []),  # they ran it
    ("Which port does it use?", ["PAR401"]),
])
def test_par401_an_error_the_person_pasted_after_the_edit_means_they_ran_it(prompt: str, codes: list[str]) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_PASTED.format(prompt=prompt), select=["PAR401"])
    assert [d.code for d in found] == codes


_LINTING_WRITER = '''
user: Scaffold config.py and main.py.
step
call write_file path=config.py content="import yaml"
-> {{"bytes_written": 11, "lint": {{"status": "{first}", "output": ""}}}}
step
call write_file path=main.py content="import config"
-> {{"bytes_written": 13, "lint": {{"status": "{second}", "output": ""}}}}
step: Scaffold written.
'''


@pytest.mark.parametrize(("first", "second", "codes"), [
    ("ok", "ok", []),  # the write tool linted each file it wrote
    ("ok", "skipped", ["PAR401"]),  # main.py was never checked
    ("skipped", "ok", ["PAR401"]),  # a lint of main.py says nothing of config.py
])
def test_par401_a_write_tool_that_lints_what_it_wrote(first: str, second: str, codes: list[str]) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_LINTING_WRITER.format(first=first, second=second), select=["PAR401"], fmt="openai-chat")
    assert [d.code for d in found] == codes


_RUN_AFTER_EDIT = '''
user: Add a backfill script.
step
call Write file_path=scripts/backfill-display-name.ts content="run()"
-> ok
step
call Bash command="{command}"
-> {output}
step: {last}
'''


@pytest.mark.parametrize(("command", "output", "codes"), [
    ("npx tsx scripts/backfill-display-name.ts --dry-run", "would update 3 rows", []),  # the file itself ran
    ("npm run db:backfill-display-name -- --dry-run", "would update 3 rows", []),  # a script named after it
    ("curl -s localhost:3000/api/search?q=red", "[]", []),  # the app answered
    ("curl -s localhost:3000/api", "curl: (7) Failed to connect to localhost port 3000: Connection refused",
     ["PAR401"]),  # nothing answered
    ("cat scripts/backfill-display-name.ts", "run()", ["PAR401"]),  # reading it runs nothing
])
def test_running_the_edited_file_or_the_app_validates(command: str, output: str, codes: list[str]) -> None:
    from linter.testing import lint_scenario

    found = lint_scenario(_RUN_AFTER_EDIT.format(command=command, output=output, last="The backfill works."),
                          select=["PAR401"])
    assert [d.code for d in found] == codes


def test_a_migration_file_run_by_psql_is_validated() -> None:
    from linter.testing import lint_scenario

    scenario = _RUN_AFTER_EDIT.replace("scripts/backfill-display-name.ts", "migrations/001.sql").format(
        command="psql -f migrations/001.sql", output="CREATE TABLE", last="Done.")
    assert lint_scenario(scenario, select=["PAR401"]) == []


def test_handing_a_decision_back_lowers_the_confidence() -> None:
    from linter.testing import lint_scenario

    scenario = _RUN_AFTER_EDIT.format(command="cat scripts/backfill-display-name.ts", output="run()",
                                      last="Should I also schedule it nightly?")
    (found,) = lint_scenario(scenario, select=["PAR401"])
    assert found.confidence == "low"


def test_a_patch_that_adds_a_docstring_changes_no_behaviour() -> None:
    # seen in a real Codex rollout: an apply_patch adding a ten-line docstring
    patch = ("*** Begin Patch\n*** Update File: pkg/advanced.py\n@@\n def collect(\n     root: Path,\n ) -> list:\n"
             '+    """Generate suggestions.\n+\n+    Returns an empty list when nothing is selected.\n+    """\n'
             "     config = root\n*** End Patch")
    call = ToolCall("c1", "apply_patch", {"input": patch}, Location("s.jsonl", 1))
    assert _comment_only(call) is True
    code = patch.replace('+    """\n', '+    """\n+    root = root.resolve()\n')
    assert _comment_only(ToolCall("c2", "apply_patch", {"input": code}, Location("s.jsonl", 1))) is False


@pytest.mark.parametrize(("command", "codes"), [
    ("Remove-Item -Recurse -Force src\\\\legacy", []),  # deleting changes no behaviour to test
    ("Copy-Item src/a.py -Destination src/b.py", []),
    ("New-Item -ItemType Directory -Path src/pkg", []),
    ("Set-Content -Path src/a.py -Value 'print(1)'", ["PAR401"]),  # new code, never run
    ("New-Item -Path src/a.py -Value 'print(1)'", ["PAR401"]),
])
def test_powershell_file_commands_are_judged_like_their_posix_twins(command: str, codes: list[str]) -> None:
    from linter.testing import lint_scenario

    scenario = f"user: Tidy up src.\nstep\ncall Bash command=\"{command}\"\n-> ok\nstep: Done.\n"
    assert [d.code for d in lint_scenario(scenario, select=["PAR401"])] == codes


def _par401_finished_and_cut(tmp_path, finished: list[str], cut: list[str],
                             rules_only: bool = False) -> dict[str, tuple[list[str], list[str]]]:
    """PAR401's findings, and what was left unchecked (``rules_only``: only the rules, not the
    figures), on a finished transcript and on the same transcript cut short (JSONL lines each)."""
    from linter.config import Config
    from linter.engine import load_registry, run

    codes = {}
    for name, body in (("finished.jsonl", finished), ("cut.jsonl", cut)):
        path = tmp_path / name
        path.write_text("\n".join(body) + "\n")
        result = run([str(path)], Config(select=["PAR401"]), load_registry())
        codes[name] = ([d.code for d in result.diagnostics],
                       [n["what"] for s in result.sessions for n in s.not_checked
                        if not rules_only or n["what"].startswith("PAR")])
    return codes


@pytest.mark.parametrize("block", [
    {"type": "thinking", "thinking": "Now let me create the Docker integration:", "signature": "x"},
    {"type": "thinking", "thinking": "", "signature": "x"},  # newer versions keep only the signature
    {"type": "redacted_thinking", "data": "x"},
])
def test_a_transcript_cut_after_a_turn_that_only_reasoned_is_not_judged(tmp_path, block) -> None:
    """Seen in a real Claude Code backup: a Write, then a message holding only its thinking
    ("Now let me create the Docker integration"), and nothing after it. The agent was still
    working: what it would have run next is unknown."""
    import json

    from linter.testing import render

    scenario = """
        user: Design the direct streaming mode
        step
        call Write file_path=stream.sh content="zfs send pool@s | dd of=$1"
        -> File created successfully at: /repo/stream.sh
        """
    finished = render(scenario + "step: The script is in stream.sh.\n").splitlines()
    lines = finished[:-1]
    answer = json.loads(finished[-1])
    cut = {**answer, "message": {**answer["message"], "content": [block]}}
    codes = _par401_finished_and_cut(tmp_path, finished, [*lines, json.dumps(cut)])
    assert codes == {"finished.jsonl": (["PAR401"], []), "cut.jsonl": ([], ["PAR401"])}


def test_a_codex_rollout_cut_after_encrypted_reasoning_is_not_judged(tmp_path) -> None:
    """A Codex reasoning item with no summary holds only ``encrypted_content``: a rollout that
    stops there stopped while the model was still working."""
    from linter.testing import render_as

    scenario = """
        user: Add a retry to fetch.py
        step
        call Edit file_path=fetch.py old_string="get(url)" new_string="retry(get, url)"
        -> ok
        step: Added the retry.
        """
    finished = render_as("codex", scenario)[0].splitlines()
    # the renderer writes the answer as a reasoning item (encrypted only) and then the message
    at = max(n for n, line in enumerate(finished) if '"role": "assistant"' in line)
    assert '"encrypted_content"' in finished[at - 1]
    codes = _par401_finished_and_cut(tmp_path, finished, finished[:at], rules_only=True)
    assert codes == {"finished.jsonl": (["PAR401"], []), "cut.jsonl": ([], ["PAR401"])}
