"""Display helpers: transcript text shown safely, labels shortened without losing the file name."""

from __future__ import annotations

import pytest

from linter.textutil import safe, short_label


def test_safe_escapes_control_characters_and_shortens() -> None:
    assert safe("a\nb\x1b[31mc\u2028") == "a\\nb\\x1b[31mc\\u2028"
    assert safe("abcdefgh", 5) == "abcd…"


@pytest.mark.parametrize(("label", "shown"), [
    ("src/a.py", "src/a.py"),
    (".gemini/tmp/86bc0e27f2bad5ee2e2625969dc74484f7717cff50ea68e5a1b2/sudo_backup",
     ".gemini/tmp/86bc0e27f2bad5ee2e2625969dc74484f77…/sudo_backup"),
    # a command line is cut at its end, as any text
    ("cd /Users/someone/Work/project/test/gemini_test && git checkout main",
     "cd /Users/someone/Work/project/test/gemini_test && git chec…"),
    # a file name longer than half the room: cut at the end as well
    ("a/" + "x" * 80, "a/" + "x" * 57 + "…"),
    ("dir/\x1bname/" + "y" * 60 + "/f.py", "dir/\\x1bname/" + "y" * 44 + "…/f.py"),
])
def test_short_label_keeps_the_file_name_of_a_long_path(label: str, shown: str) -> None:
    assert short_label(label, 60) == shown
