"""Dependencies between calls, and the knowability test for serial calls.

Within a batch, call B depends on an earlier member A when B reads what A writes (RAW), writes
what A writes (WAW), writes what A reads (WAR), or the two form a known ordered pair (build then
test, install then run, mkdir then write inside, git add then git commit, migrate then seed,
an edit of code then the tests, linter or formatter over it).
Ordered pairs are encoded as resources by the effect model (``build:<toolchain>:<dir>``,
``deps:<language>:<dir>``, ``src:<extensions>:<path>``, ``git:<dir>:index``, ``db:<dir>``), so
resource tests cover them all; the last three kinds of ``depends`` match the ones whose parts must
agree rather than be equal (an install and a generic runner, a formatter and a check of a subpath).

Across steps, call B is *knowable before* a window starting at sequence number S when every value
its arguments name was already in the agent's context at S.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from linter.context import ContextIndex
from linter.effects import Effect, is_code, is_file_resource as _is_file_resource


@dataclass(slots=True, frozen=True)
class Dependency:
    kind: str  # RAW, WAW, WAR or DIR on files; ORDER on other state (git, builds, installs, ...);
    # CODE: a code file (the resource) and a check or formatter that covers it
    resource: str
    order: str = ""  # for ORDER: RAW, WAW or WAR, which of the two changes the state
    scope: str = ""  # for CODE: the ``src:`` resource of the check or formatter


def _inside(path: str, directory: str) -> bool:
    if directory in ("", "."):
        return not path.startswith("/")
    return path == directory or path.startswith(directory.rstrip("/") + "/")


# Shared state that two writers of the same kind leave the same whichever goes first.
_COMMUTING = ("todos:", "deps:", "build:", "src:")


def _commutes(res: str) -> bool:
    return res.startswith(_COMMUTING) or (res.startswith("git:") and res.endswith(":index"))


def _same_deps(installed: str, used: str) -> bool:
    """``deps:<language>:<dir>``: system packages are anyone's, and a generic runner may use any."""
    _, lang_a, dir_a = installed.split(":", 2)
    _, lang_b, dir_b = used.split(":", 2)
    return dir_a == dir_b and (lang_a == lang_b or lang_a == "system" or lang_b == "*")


def _scopes_overlap(a: str, b: str) -> bool:
    (exts_a, path_a), (exts_b, path_b) = source_scope(a), source_scope(b)
    if exts_a is not None and exts_b is not None and not exts_a & exts_b:
        return False  # gofmt and eslint: different files
    return _inside(path_a, path_b) or _inside(path_b, path_a)


def source_scope(resource: str) -> tuple[frozenset[str] | None, str]:
    """The file extensions (None: any code) and the path of a ``src:<extensions>:<path>`` resource."""
    _, exts, path = resource.split(":", 2)
    return (None if exts == "*" else frozenset(exts.split(","))), path


def _code_written_in(effect: Effect, resource: str) -> str | None:
    """A code file the call writes that the check or formatter over ``resource`` covers."""
    exts, scope = source_scope(resource)
    for f in sorted(effect.writes):
        if _is_file_resource(f) and is_code(f) and _inside(f, scope) and \
                (exts is None or posixpath.splitext(f)[1].lower() in exts):
            return f
    return None


# What a program does, as against how its code is laid out: a test run, a build or a type check
# sees the same program before and after a formatter rewrites it.
_BEHAVIOUR_CHECKS = frozenset({"test", "build", "typecheck", "run"})


def _layout_only(res: str, writer: Effect, reader: Effect) -> bool:
    """The writer only reformats the code (``gofmt -w``, ``mise run fmt``) and the reader only runs
    or compiles it: either order gives the same answer. A lint, `git add` or an edit still depends
    on the layout."""
    return res.startswith("src:") and "format" in writer.categories and \
        bool(reader.categories) and reader.categories <= _BEHAVIOUR_CHECKS


def depends(a: Effect, b: Effect) -> Dependency | None:
    """Does B (issued after A in the same batch) depend on A?"""
    for res in sorted(a.writes & b.reads):
        if _layout_only(res, a, b):
            continue
        return Dependency("RAW", res) if _is_file_resource(res) else Dependency("ORDER", res, "RAW")
    for res in sorted(r for r in a.writes if r.startswith("deps:")):  # an install, then what uses it
        for other in sorted(r for r in b.reads if r.startswith("deps:")):
            if other != res and _same_deps(res, other):
                return Dependency("ORDER", other, "RAW")
    for res in sorted(r for r in a.writes if r.startswith("src:")):  # a formatter, then a check
        if _layout_only(res, a, b):
            continue
        for other in sorted(r for r in b.reads if r.startswith("src:")):
            if _scopes_overlap(res, other):
                return Dependency("ORDER", other, "RAW")
    for res in sorted(a.writes & b.writes):
        if _commutes(res):
            continue  # two todo updates, two installs, two builds, two git adds: either order ends alike
        return Dependency("WAW", res) if _is_file_resource(res) else Dependency("ORDER", res, "WAW")
    for res in sorted(a.reads & b.writes):
        if _layout_only(res, b, a):
            continue
        return Dependency("WAR", res) if _is_file_resource(res) else Dependency("ORDER", res, "WAR")
    # The source tree: an edit of a code file, then a check or a formatter over its directory
    # (the test run meant to check the edit); a formatter, then an edit of a file it rewrites.
    for res in sorted(r for r in b.reads | b.writes if r.startswith("src:")):
        code = _code_written_in(a, res)
        if code is not None:
            return Dependency("CODE", code, "RAW" if res in b.reads else "WAW", res)
    for res in sorted(r for r in a.writes if r.startswith("src:")):
        code = _code_written_in(b, res)
        if code is not None:
            return Dependency("CODE", code, "WAW", res)
    for directory in sorted(a.dir_writes):
        for res in sorted(b.reads | b.writes | b.dir_writes):
            # `mkdir -p out` then `cp a.txt out/` (a write to the directory itself) or `ls out`;
            # two `mkdir -p out` leave the same directory
            if _is_file_resource(res) and _inside(res, directory) and (res != directory or res not in b.dir_writes):
                return Dependency("DIR", directory)
    return None


def knowable(effect: Effect, ctx: ContextIndex, start: int) -> bool:
    """Was every value the call names in context at sequence number ``start``? A plain name the
    agent could have guessed (`ls src`) need not have been."""
    guessable = effect.extra.get("guessable", ())
    for forms in effect.values:
        if forms not in guessable and ctx.known_at(forms, before=start + 1) is None \
                and not _listed_under_known_root(forms, ctx, start + 1):
            return False
    return True


# A home directory at the head of an absolute path, which the agent may have written as `~`.
_HOME = re.compile(r"^(?:/Users/[^/]+|/home/[^/]+|/root)(?=/)")


def _listed_under_known_root(forms: tuple[str, ...], ctx: ContextIndex, before: int) -> bool:
    """A path known in two parts: a listing of a directory printed it relative to there (`ls
    src-tauri` prints `Cargo.toml` on a line of its own; `cd ~/work/app && find .` prints
    `./src/main.rs`), and that directory was written out too (`src-tauri`, `~/work/app`). Both parts
    must have been in context before ``before``: the directory, in any of its spellings, and the
    path below it as a listing writes it (`./src/main.rs`, `src/main.rs` when it names a
    subdirectory, or a bare name as a line of the listing)."""
    absolute = next((f for f in forms if f.startswith("/")), None)
    if absolute is None:
        return False
    path = absolute.rstrip("/")
    home = _HOME.match(path)
    parts = path.split("/")
    first = len(home.group(0).split("/")) + 1 if home else 3  # the root holds at least one more name
    for cut in range(len(parts) - 1, first - 1, -1):
        root, tail = "/".join(parts[:cut]), "/".join(parts[cut:])
        if "/" in tail:
            below = ctx.known_at(("./" + tail, tail), before=before)
        else:
            below = ctx.known_at(("./" + tail,), before=before)
            if below is None and "." in tail[1:] and len(tail) >= 4:  # a file's name, not a bare `app`
                below = ctx.line_seen(tail, before=before)
        if below is None:
            continue
        roots = {root}
        if home:
            roots.add("~" + root[home.end():])
        roots |= {f.rstrip("/")[:-len(tail) - 1] for f in forms if f.rstrip("/").endswith("/" + tail)}
        roots = {r for r in roots if r not in ("", ".", "~")}
        if ctx.known_at(tuple(sorted(roots | {r + "/" for r in roots})), before=before) is not None:
            return True
    return False


def derived(effect: Effect, ctx: ContextIndex, start: int, issued: int) -> str | None:
    """A value that entered the context after ``start`` and before the call was issued."""
    for forms in effect.values:
        seen = ctx.known_at(forms, before=issued)
        if seen is not None and start < seen:
            return forms[0]
    return None


def same_resource(a: Effect, b: Effect) -> bool:
    """Do two calls touch the same file (reading a file twice, e.g. paging through it, counts), or
    are they the same function call again?"""
    signature = a.extra.get("signature")
    if signature is not None and signature == b.extra.get("signature"):
        return True
    shared = (a.reads | a.writes) & (b.reads | b.writes) - {"."}
    return any(_is_file_resource(r) for r in shared)
