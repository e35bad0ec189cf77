"""PAR401's judgement of single edits and prompts: comment-only edits, reports of having run it."""

from __future__ import annotations

import pytest

from linter.model import Location, ToolCall
from rules.par401_missing_validation import _USER_RAN, _comment_only


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
