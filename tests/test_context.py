"""What counts as a value already in an agent's context: whole words, first appearance, bounds."""

from __future__ import annotations

import pytest

from linter.context import ContextIndex

TEXT = ("Read /repo/src/a.py and src/b.py. Coordinates (41.8902° N, 12.4922° E), a radius of 5cm, "
        "the café menu, a 7-day trip, 12345abcdef, notes.txt。")


@pytest.fixture()
def index() -> ContextIndex:
    ctx = ContextIndex()
    ctx.add("the prompt names nothing yet", 1)
    ctx.add(TEXT, 5)
    return ctx


@pytest.mark.parametrize(("token", "seen"), [
    ("/repo/src/a.py", 5),
    ("src/a.py", None),         # inside a longer path
    ("a.py", None),
    ("src/b.py", 5),            # a sentence's full stop does not continue the path
    ("12.4922", 5),             # a degree sign is not a letter
    ("5", 5),                   # a number with a short unit is that number
    ("7", 5),                   # "a 7-day trip": a number with a hyphenated unit
    ("7-da", None),
    ("caf", None),              # a non-ASCII letter continues the word
    ("12345", None),            # not a unit: part of an id
    ("notes.txt", 5),           # full-width punctuation ends the word
    ("prompt", 1),
    ("missing", None),
])
def test_first_seen_is_whole_word(index: ContextIndex, token: str, seen: int | None) -> None:
    assert index.first_seen(token) == seen


def test_before_limits_what_counts(index: ContextIndex) -> None:
    assert index.first_seen("prompt", before=1) is None
    assert index.first_seen("prompt", before=2) == 1
    assert index.known_at(("absent", "src/b.py"), before=6) == 5
    assert index.known_at(("absent", "src/b.py"), before=5) is None


def test_occurs_in_searches_the_named_pieces_only() -> None:
    ctx = ContextIndex()
    ctx.add("read src/registry.go later", 1)  # the agent's own words
    ctx.add("x" * 5000 + "\ndiff --git a/src/registry.go b/src/registry.go", 4)  # a long answer
    ctx.add("src/other.go", 6)
    assert ctx.occurs_in("registry.go", {4}) is True  # past any head a result keeps
    assert ctx.occurs_in("registry.go", {6}) is False
    assert ctx.occurs_in("other.go", {4, 6}) is True
    assert ctx.occurs_in("registry.go", set()) is False
    assert ctx.occurs_in("missing.go", {1, 4, 6}) is False


def test_line_seen_finds_a_name_ending_a_line_of_a_listing() -> None:
    ctx = ContextIndex()
    ctx.add("edit Cargo.toml next, then main.rs too", 1)  # prose: the names end no line
    ctx.add("build.rs\nCargo.toml\n-rw-r--r-- 1 ana ana 80 Jan 1 12:00 tauri.conf.json", 3)  # `ls`, `ls -l`
    ctx.add("old.toml\tlib.rs\r\n", 5)
    assert ctx.line_seen("Cargo.toml") == 3
    assert ctx.line_seen("build.rs") == 3  # at the start of a piece
    assert ctx.line_seen("tauri.conf.json") == 3  # the end of the buffer's piece
    assert ctx.line_seen("lib.rs") == 5  # after a tab, before a CRLF
    assert ctx.line_seen("main.rs") is None
    assert ctx.line_seen("conf.json") is None  # part of a longer name
    assert ctx.line_seen("Cargo.toml", before=3) is None
