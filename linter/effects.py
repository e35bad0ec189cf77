"""What each tool call reads, writes, runs or spawns.

Kinds: ``read`` (no local side effect), ``write`` (modifies files), ``exec`` (runs a program;
side effects beyond what was recognised are unknown), ``spawn`` (starts a subagent), ``state``
(the agent's own todo list or plan), ``ask`` (waits for the user), ``unknown``.

Resources are strings: file paths relative to the session's working directory (absolute when
outside it), ``git:<dir>:index``/``git:<dir>:head``, ``deps:<language>:<dir>`` (installed
dependencies), ``build:<toolchain>:<dir>`` (build output), ``src:<extensions>:<path>`` (the code
a check or formatter covers), ``lock:<tool>:<dir>``, ``port:N``, ``url:<url>``.

Values (``Effect.values``) are what the call's arguments name that may have come out of an
earlier result: each value is a tuple of equivalent spellings (absolute path, path relative to
the working directory, ...). They feed the "knowable up front" test.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from linter.model import ToolCall
from linter.shell import (SEARCH_PROGRAMS, SEARCH_VALUE_OPTIONS, VALIDATION, classify, command_of, is_device,
                          is_windows_path, join, positionals, script_words, split_command,
                          windows_path)
from linter.textutil import is_salient, salient_tokens, tokens

READ, WRITE, EXEC, SPAWN, STATE, ASK, UNKNOWN = "read", "write", "exec", "spawn", "state", "ask", "unknown"
KINDS = (READ, WRITE, EXEC, SPAWN, STATE, ASK, UNKNOWN)


@dataclass(slots=True)
class Effect:
    kind: str
    reads: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()
    dir_writes: frozenset[str] = frozenset()
    locks: frozenset[str] = frozenset()
    ports: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    spellings: tuple[tuple[str, ...], ...] | None = ()
    label: str = ""
    search: bool = False  # a search whose empty answer invites a different search next
    adaptive: bool = False  # each call is usually chosen from the previous answer (web research)
    extra: dict[str, Any] = field(default_factory=dict)
    lazy_spellings: Callable[[], tuple[tuple[str, ...], ...]] | None = None

    def __post_init__(self) -> None:
        if self.spellings and () in self.spellings:
            self.spellings = tuple(v for v in self.spellings if v)  # a value known anyway (the working directory)

    @property
    def values(self) -> tuple[tuple[str, ...], ...]:
        """Values the call's arguments name, each as its equivalent spellings (computed on demand)."""
        if self.spellings is None:
            self.spellings = self.lazy_spellings() if self.lazy_spellings is not None else ()
        return self.spellings

    @property
    def is_validation(self) -> bool:
        return bool(self.categories & VALIDATION)

    @property
    def modifies_files(self) -> bool:
        return any(is_file_resource(r) for r in self.writes) or bool(self.dir_writes)

    @property
    def files_written(self) -> frozenset[str]:
        return frozenset(r for r in self.writes if is_file_resource(r))


def is_file_resource(resource: str) -> bool:
    """Is this resource a path (not git state, a lock, a port, a URL...)?"""
    head = resource.split(":", 1)[0]
    return not (":" in resource and head in ("git", "deps", "build", "lock", "port", "url", "db", "db-data", "shell", "todos", "src"))


class Resolver:
    """Turns raw argument paths into resources and value spellings for one session."""

    def __init__(self, cwd: str | None) -> None:
        if cwd and is_windows_path(cwd):
            cwd = windows_path(cwd)
        self.cwd = posixpath.normpath(cwd) if cwd else ""
        self.windows = bool(self.cwd) and is_windows_path(self.cwd)
        self._prefix = self.cwd.rstrip("/") + "/"
        self._cache: dict[str, str] = {}

    def resource(self, path: str) -> str:
        """The path relative to the working directory when inside it, else normalised absolute."""
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        out = ""
        raw = path.strip()
        if raw.startswith("~"):
            out = raw
        elif not self.windows and is_windows_path(raw):
            out = windows_path(raw)  # `C:\Users\ana\a.txt` and `C:/Users/ana/a.txt` are one file
        elif raw:
            full = join(self.cwd, raw) if self.cwd else posixpath.normpath(raw)
            if self.cwd and full == self.cwd:
                out = "."
            elif self.cwd and full.startswith(self._prefix):
                out = full[len(self._prefix):]
            else:
                out = full
        if len(self._cache) < 65536:
            self._cache[path] = out
        return out

    def forms(self, path: str) -> tuple[str, ...]:
        """Spellings under which a path may have appeared in the context; none for the working
        directory itself, which the agent was told at the start (it needs no appearance)."""
        raw = path.strip()
        if not raw:
            return ()
        rel = self.resource(raw)
        if rel == "." and self.cwd:
            return ()
        spellings = {raw, raw.rstrip("/")}
        if rel:
            spellings.add(rel)
            if not rel.startswith("/") and not is_windows_path(rel):
                spellings.add("./" + rel)
                if self.cwd:
                    spellings.add(posixpath.join(self.cwd, rel))
        if self.windows or "\\" in raw:
            spellings |= {s.replace("/", "\\") for s in spellings}  # as Windows tools print them
        return tuple(sorted(s for s in spellings if s and s not in (".", "./", "..", "./.")))


Handler = Callable[[ToolCall, Resolver], Effect]


def path_arg(call: ToolCall, *names: str) -> str:
    for name in names:
        value = call.input.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


def file_read(call: ToolCall, r: Resolver) -> Effect:
    path = path_arg(call, "file_path", "path", "notebook_path", "absolute_path")
    res = r.resource(path)
    return Effect(READ, reads=frozenset([res] if res else []), spellings=(r.forms(path),) if path else (),
                  label=res or call.name)


def file_write(call: ToolCall, r: Resolver) -> Effect:
    path = path_arg(call, "file_path", "notebook_path", "path", "absolute_path")
    res = r.resource(path)
    if is_device(res):
        res = ""  # writing to /dev/null changes no file
    return Effect(WRITE, writes=frozenset([res] if res else []), spellings=(r.forms(path),) if path else (),
                  label=res or call.name)


def _glob_literal_dir(pattern: str) -> str:
    parts = []
    for part in pattern.split("/"):
        if any(ch in part for ch in "*?[{"):
            break
        parts.append(part)
    return "/".join(parts)


def file_search(call: ToolCall, r: Resolver) -> Effect:
    path = path_arg(call, "path", "dir_path", "directory")
    values: list[tuple[str, ...]] = []
    reads = set()
    if path:
        values.append(r.forms(path))
        reads.add(r.resource(path))
    pattern = call.input.get("pattern")
    if isinstance(pattern, str):
        if call.name.lower() in ("glob",):
            literal = _glob_literal_dir(pattern)
            if literal and literal not in (".", "**"):
                values.append(r.forms(literal))
        else:
            # every word of a search pattern must have been in context, not only salient ones:
            # a new word is the mark of a search refined after the previous answer
            for tok in sorted(tokens(re.sub(r"\\[a-zA-Z]|[\\^$()|*+?{}\[\]]", " ", pattern))):
                if len(tok) >= 3:
                    values.append((tok,))
    reads.discard("")
    return Effect(READ, reads=frozenset(reads or {"."}), spellings=tuple(values), search=True,
                  label=str(pattern) if pattern else call.name)


def web_fetch(call: ToolCall, r: Resolver) -> Effect:
    url = path_arg(call, "url")
    forms: tuple[str, ...] = ()
    if url:
        bare = url.split(":", 1)[1] if "://" in url else url
        forms = tuple(sorted({url, bare, bare.rstrip("/"), bare.lstrip("/")}))
    return Effect(READ, reads=frozenset([f"url:{url}"] if url else []), spellings=(forms,) if forms else (),
                  label=url)


def web_search(call: ToolCall, r: Resolver) -> Effect:
    query = path_arg(call, "query")
    return Effect(READ, spellings=tuple((t,) for t in salient_tokens(query)), search=True, adaptive=True,
                  label=query)


def _words(command: str) -> list[str]:
    """The command's tokens, and the two ends of a revision range (`45df707..0f186b8`, `a...b`)."""
    found = tokens(command)
    for tok in list(found):
        if ".." in tok and "/" not in tok:
            found.update(part for part in re.split(r"\.{2,3}", tok) if part)
    return sorted(found)


def _shell_values(command: str, r: Resolver, cwd: str) -> tuple[tuple[str, ...], ...]:
    values = []
    for tok in _words(command):
        if not is_salient(tok) or tok.startswith("-"):
            continue
        if "/" in tok or "." in tok:
            forms = set(r.forms(join(cwd, tok) if cwd and not tok.startswith(("/", "~")) else tok))
            if not forms:
                continue  # the working directory (`cd /home/ana/app && ...`)
            forms.add(tok)
            values.append(tuple(sorted(forms)))
        else:
            values.append((tok,))
    return tuple(values)


# Programs whose plain words are paths (`ls src`, `cd web && ls`, `cat Makefile`, `find tests -name x`).
_PATH_READERS = frozenset({"cd", "ls", "tree", "find", "cat", "head", "tail", "wc", "du", "stat", "file", "less", "more",
                           "bat", "nl"})
# Programs whose words after the subcommand name objects: containers, pods, services
# (`docker logs project-api-1`, `kubectl describe pod web-7d9f`).
_OBJECT_READERS = frozenset({"docker", "docker-compose", "kubectl"})
_PLAIN_NAME = re.compile(r"[A-Za-z_][\w.-]{2,}")
# `gh pr view 123`, `gh issue view 45`: a number a listing may have shown; `pip show requests`,
# `npm view react`: a package a listing may have shown.
_GH_NUMBERED = {"pr": {"view", "diff", "checks"}, "issue": {"view"}, "run": {"view"}}
_PACKAGE_READERS = {"pip": {"show"}, "pip3": {"show"}, "npm": {"view", "info", "show", "ls", "list"},
                    "pnpm": {"view", "info", "ls", "list", "why"}, "yarn": {"info", "why"}}


def _plain_names(segments: Any, r: Resolver, cwd: str) -> tuple[tuple[str, ...], ...]:
    """The names a read-only command takes as plain words: the paths of a listing or a read
    (`ls src`), the containers and pods of docker and kubectl (`docker logs project-api-1`), the
    number of `gh pr view 123`, the package of `pip show requests`. Not salient as words go: the
    agent may have guessed them (``extra["guessable"]``: they need not be in context before the
    call), but one an answer showed is a name taken from that answer (a listing showing `src`)."""
    values = []
    for seg in segments:
        args = seg.words[1:]
        if seg.program in _OBJECT_READERS:
            args = [a for a in args if not a.startswith("-")]
            args = args[2:] if args[:1] == ["compose"] else args[1:]  # the names follow the subcommand
        elif seg.program == "gh":
            words = [a for a in args if not a.startswith("-")]
            if len(words) >= 3 and words[1] in _GH_NUMBERED.get(words[0], ()) and words[2].isdigit():
                values.append((words[2], f"#{words[2]}"))
            continue
        elif seg.program in _PACKAGE_READERS:
            words = [a for a in args if not a.startswith("-")]
            if not (words[:1] and words[0] in _PACKAGE_READERS[seg.program]):
                continue
            args = words[1:]
        elif seg.program not in _PATH_READERS:
            continue
        elif seg.program == "find":  # the paths come before the expression
            args = args[:next((n for n, a in enumerate(args) if a.startswith(("-", "(", "!"))), len(args))]
        for word in args:
            if not word.startswith("-") and _PLAIN_NAME.fullmatch(word) and not is_salient(word):
                forms = set(r.forms(join(cwd, word) if cwd else word))
                forms.add(word)
                values.append(tuple(sorted(forms)))
    return tuple(values)


# A search of the history for a pattern: `git log --grep=...`, `-S` (pickaxe), `-G`.
_GIT_LOG_SEARCH = re.compile(r"git\s+(?:-C\s+\S+\s+)?log\b.*\s(?:--grep|-S|-G)")
_REGEX_NOISE = re.compile(r"\\[a-zA-Z]|[\\^$()|*+?{}\[\]]")


def search_pattern_words(command: str) -> tuple[tuple[str, ...], ...]:
    """Words (3+ characters) of the patterns of the grep / rg searches in a command line."""
    found: set[str] = set()
    for seg in split_command(command):
        words = seg.words[1:]
        if seg.program == "git":
            if not words or words[0] != "grep":
                continue
            words = words[1:]
        elif seg.program not in SEARCH_PROGRAMS:
            continue
        patterns = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-e", "--regexp")]
        patterns += [w.split("=", 1)[1] for w in words if w.startswith("--regexp=")]
        if not patterns:
            patterns = positionals(words, SEARCH_VALUE_OPTIONS)[:1]
        for pattern in patterns:
            found.update(t for t in tokens(_REGEX_NOISE.sub(" ", pattern)) if len(t) >= 3)
    return tuple((word,) for word in sorted(found))


def _state_or_path(resource: str, r: Resolver) -> str:
    """A file path resolved against the session's directory; state (``deps:<language>:<dir>``) as it is,
    but the source a check covers (``src:<extensions>:<path>``) with its path resolved, so that
    it can be compared with the files an edit writes."""
    head = resource.split(":", 1)[0]
    if head == "src":  # src:<extensions>:<path>
        _, exts, path = resource.split(":", 2)
        return f"src:{exts}:{r.resource(path) or '.'}"
    return resource if head in ("git", "deps", "build", "db", "db-data") else r.resource(resource)


# Source files: what tests, builds, linters and type checkers read, and formatters rewrite.
CODE_EXTENSIONS = frozenset({
    ".py", ".pyi", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".go", ".rs", ".java", ".kt",
    ".kts", ".scala", ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".cs", ".fs", ".rb", ".php", ".swift",
    ".m", ".mm", ".sh", ".bash", ".zsh", ".vue", ".svelte", ".lua", ".dart", ".ex", ".exs", ".erl", ".hs",
    ".ml", ".clj", ".zig", ".nim", ".jl", ".r", ".pl", ".pm", ".sql", ".gradle", ".groovy", ".ps1", ".psm1",
    ".bat", ".cmd", ".fish", ".pony",
})


def is_code(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in CODE_EXTENSIONS


# A leading change of directory says where, not what: messages show the command after it.
_CD_PREFIX = re.compile(r"^cd +(\"[^\"]*\"|'[^']*'|\S+) *&& *")


# A backslash that ends a line joins the next to it (`\<newline>  sed -i ...` is one command).
_CONTINUATION = re.compile(r"[ \t]*\\\r?\n[ \t]*")


def _command_label(command: str) -> str:
    line = _CONTINUATION.sub(" ", command).strip().split("\n", 1)[0].strip()
    return _CD_PREFIX.sub("", line, count=1) or line


_SCRIPT_NAME = re.compile(r"[A-Za-z_]\w*")


def shell_effect(command: str, r: Resolver, workdir: str = "") -> Effect:
    cwd = join(r.cwd, workdir) if workdir else r.cwd
    info = classify(command, cwd)
    reads = {_state_or_path(p, r) for p in info.reads}
    writes = {_state_or_path(p, r) for p in info.writes}
    dir_writes = {r.resource(p) for p in info.dir_writes}
    if info.read_only:
        kind = READ
    elif writes and not info.categories and all(is_file_resource(w) for w in writes):
        kind = WRITE
    else:
        kind = EXEC
    search = info.read_only and any(s.program in SEARCH_PROGRAMS | {"find", "fd"} or
                                    (s.program == "git" and (s.words[1:2] == ["grep"] or bool(_GIT_LOG_SEARCH.match(s.text))))
                                    for s in info.segments)

    # `ls src`: a plain name that an answer may have shown, or that the agent guessed
    plain = _plain_names(info.segments, r, cwd) if info.read_only else ()

    def values() -> tuple[tuple[str, ...], ...]:
        # every word of a search pattern counts, as for a search tool: a new word marks a
        # search refined after the previous answer
        text = command
        # a script word counts as a whole word, quoted or not (`sed p f.py`)
        for script in (w for seg in info.segments for w in script_words(seg)):
            # its names stay (`/func fetchState/` names fetchState, which an answer may have shown)
            names = " " + " ".join(_SCRIPT_NAME.findall(script)) + " "
            text = re.sub(r"(?<![^\s'\"])" + re.escape(script) + r"(?![^\s'\";|&)])", lambda _: names, text)
        found = _shell_values(text, r, cwd) + plain
        return found + search_pattern_words(command) if search else found

    return Effect(kind, reads=frozenset(x for x in reads if x), writes=frozenset(x for x in writes if x),
                  dir_writes=frozenset(x for x in dir_writes if x), locks=frozenset(info.locks),
                  ports=frozenset(f"port:{p}" for p in info.ports), categories=frozenset(info.categories),
                  spellings=None, lazy_spellings=values,
                  label=_command_label(command),
                  search=search,
                  extra={"segments": len(info.segments), "guessable": plain} if plain else
                  {"segments": len(info.segments)})


def shell(call: ToolCall, r: Resolver) -> Effect:
    command = command_of(call)
    if not command:
        return Effect(EXEC, label=call.name)
    workdir = path_arg(call, "workdir", "cwd", "directory", "dir_path")
    return shell_effect(command, r, workdir)


def spawn(call: ToolCall, r: Resolver) -> Effect:
    prompt = path_arg(call, "prompt", "objective", "task", "description")
    desc = path_arg(call, "description", "subagent_type", "agent_name") or prompt[:60]
    return Effect(SPAWN, spellings=None, lazy_spellings=lambda: tuple((t,) for t in sorted(salient_tokens(prompt))),
                  label=desc)


def state(call: ToolCall, r: Resolver) -> Effect:
    return Effect(STATE, writes=frozenset(["todos:"]), label=call.name)


def ask(call: ToolCall, r: Resolver) -> Effect:
    return Effect(ASK, label=call.name)


def shell_output(call: ToolCall, r: Resolver) -> Effect:
    shell_id = path_arg(call, "bash_id", "shell_id", "task_id", "agentId")
    return Effect(READ, reads=frozenset([f"shell:{shell_id}"] if shell_id else []),
                  spellings=((shell_id,),) if shell_id else (), label=call.name)


def kill(call: ToolCall, r: Resolver) -> Effect:
    shell_id = path_arg(call, "bash_id", "shell_id", "task_id")
    return Effect(EXEC, writes=frozenset([f"shell:{shell_id}"] if shell_id else []), label=call.name)


def unknown(call: ToolCall, r: Resolver) -> Effect:
    return Effect(UNKNOWN, label=call.name)


def _fixed(kind: str) -> Handler:
    def handler(call: ToolCall, r: Resolver) -> Effect:
        if kind == READ:
            effect = file_read(call, r)
            return effect if effect.reads else Effect(READ, label=call.name)
        if kind == WRITE:
            effect = file_write(call, r)
            return effect if effect.writes else Effect(WRITE, label=call.name)
        return {SPAWN: spawn, STATE: state, ASK: ask, EXEC: shell}.get(kind, unknown)(call, r)

    return handler


class EffectModel:
    """Effects of the calls of one session: the harness's table plus user overrides.

    ``table`` maps the harness's tool names to handlers (each format module offers its own);
    ``overrides`` maps tool names to a kind from the configuration's ``tool-effects``.
    """

    def __init__(self, table: dict[str, Handler], cwd: str | None, overrides: dict[str, str] | None = None,
                 fallback: Handler | None = None) -> None:
        self.table = dict(table)
        self.fallback = fallback or unknown
        for name, kind in (overrides or {}).items():
            self.table[name] = _fixed(kind)
        self.resolver = Resolver(cwd)

    def of(self, call: ToolCall) -> Effect:
        effect = call._effect
        if effect is None:
            handler = self.table.get(call.name)
            if handler is None:
                handler = self.fallback
            try:
                effect = handler(call, self.resolver)
            except Exception:  # malformed arguments: say nothing about this call
                effect = Effect(UNKNOWN, label=call.name)
            call._effect = effect
        return effect


def text_editor(call: ToolCall, r: Resolver) -> Effect:
    """Anthropic's text editor tool (and OpenHands' editor): ``command`` says view or modify."""
    command = call.input.get("command")
    if command == "view":
        return file_read(call, r)
    if command in ("create", "str_replace", "insert", "undo_edit", "write"):
        return file_write(call, r)
    return unknown(call, r)


# Tool names common in agents built directly on model APIs (OpenAI, Anthropic, Gemini, OTel
# traces of such agents). Names outside this table stay ``unknown`` unless configured.
GENERIC: dict[str, Handler] = {
    **{name: file_read for name in ("read_file", "view_file", "open_file", "cat_file", "read",
                                    "list_dir", "list_directory", "ls", "Read", "LS")},
    **{name: file_write for name in ("write_file", "create_file", "edit_file", "write", "edit",
                                     "Write", "Edit", "MultiEdit")},
    **{name: file_search for name in ("grep", "glob", "search_files", "find_files", "file_search",
                                      "Grep", "Glob")},
    **{name: shell for name in ("bash", "shell", "run_command", "execute_command", "run_shell_command",
                                "terminal", "execute_bash", "exec", "Bash")},
    **{name: web_search for name in ("web_search", "WebSearch")},
    **{name: web_fetch for name in ("web_fetch", "fetch_url", "fetch", "WebFetch")},
    "str_replace_based_edit_tool": text_editor, "str_replace_editor": text_editor,
    "Task": spawn, "Agent": spawn,
}


# Verbs that name a query: a function called so answers a question and changes nothing.
QUERY_VERBS = frozenset("""
get fetch find search lookup look list query read retrieve calculate calc compute convert estimate
predict analyze analyse check count describe show view solve identify recommend evaluate determine
measure translate summarize summarise forecast compare inspect""".split())
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


# Words that name an action or a general-purpose executor: a function whose name holds one may
# change something, or do anything at all, so its effect stays unknown.
ACTION_WORDS = frozenset("""
set update create add insert delete del remove write save send post put patch book reserve order buy
purchase sell pay transfer cancel schedule start stop run execute exec eval play pause resume move click
type press tap scroll open close upload download install uninstall submit apply assign register
subscribe unsubscribe enable disable reset restart kill launch deploy commit push pull merge edit modify
replace rename copy mark toggle turn make generate build clear drop store publish share invite approve
reject login logout signin signout signup checkout refresh reload undo redo next previous prev goto
navigate wait sleep select focus fill drag hover scroll shutdown reboot mount attach detach connect
disconnect lock unlock increment decrement append upsert import export sync reply forward notify
roll draw flip shuffle spin deal guess attack load unload
terminate destroy truncate revoke grant charge refund withdraw deposit fork ban block archive purge
rm mv cp mkdir rmdir chmod chown touch kill stop cancel
bash shell terminal computer browser python code interpreter command cmd script sql database db
confirm escalate email dispatch activate deactivate reactivate suspend unsuspend message sms dial unassign
reassign resolve reopen complete finish trigger process handle decline accept enroll unenroll ship fulfill
allocate deallocate provision deprovision rollback migrate backup restore retry resend respond comment
follow unfollow vote pin unpin star unstar mute unmute print claim redeem void capture authorize settle
""".split())


def is_query_name(name: str) -> bool:
    """Does a function's name say it answers a question and changes nothing?

    Its last dotted part starts with a query verb (``get_weather``, ``math.calculate_area``,
    ``searchFlights``), or it is a noun phrase holding no action word (``math.gcd``,
    ``weather_forecast``, ``lawsuit_search``): a function named after what it returns.
    """
    last = name.rsplit(".", 1)[-1].rsplit("__", 1)[-1]
    words = [w.lower() for w in _NAME_WORDS.findall(last)]
    if not words:
        return False
    if words[:2] in (["check", "in"], ["check", "out"]):
        return False  # checking in a booking changes it
    if words[0] in QUERY_VERBS:
        # "find_and_replace", "get_or_create_user": a query joined to an action is an action
        return not any(w in ("and", "or") for w in words[1:]) or not any(w in ACTION_WORDS for w in words[1:])
    return not any(w in ACTION_WORDS for w in words)


def _number_forms(value: float) -> tuple[str, ...]:
    """Ways a number may be written in a prompt: 5.0 as 5, 0.5 as .5 or 50%, 500000 as 500,000 or
    500k, 1267000000 as 1.267 billion, 1.3 as 1.30, 8.854e-12 as 8.854 x 10^-12 or 1e-07 as
    0.0000001, and a negative amount as its size ("a loss of $1000") or signed in any of those
    spellings ("-74.0060")."""
    size = abs(value)
    forms = [repr(value)]
    if isinstance(size, float) and size.is_integer():
        size = int(size)
    forms.append(str(size))
    if isinstance(size, int):
        if size >= 1000:
            forms.append(f"{size:,}")
        if size < 10**6:
            forms += [f"{size}.0", f"{size}.00"]  # "5.0 meters", "$12.00"
    else:
        plain = format(Decimal(repr(size)), "f")  # 8.854e-12 as 0.000000000008854, exactly
        forms.append(plain)
        forms += [plain + "0", plain + "00"]  # "$1.30", "-74.0060": trailing zeros
        if plain.startswith("0."):
            forms.append(plain[1:])
        if 0.001 <= size < 1:
            forms.append(f"{size * 100:.10g}%")  # a rate given as a percentage
    if size >= 1000:
        # "1.267 billion" for 1267000000, "500k" for 500000
        for scale, word, short in ((10**12, "trillion", ""), (10**9, "billion", "bn"), (10**6, "million", "M"),
                                   (10**3, "thousand", "k")):
            quotient = size / scale
            if 1 <= quotient < 1000 and round(quotient, 3) == quotient:
                forms.append(f"{quotient:g} {word}")
                if short:
                    forms.append(f"{quotient:g}{short}")
                break
    if isinstance(size, float) and "e" in repr(size):
        # scientific notation as prompts write it: "8.854 x 10^-12", "8.854e-12"
        mantissa, exponent = repr(size).split("e")
        power = int(exponent)
        forms += [f"{mantissa}{sep}10^{power}" for sep in (" x ", "x", " × ", "×", " * ", "*")]
        forms += [f"{mantissa}e{power}", f"{mantissa}E{power}"]
    if value < 0:
        # "-74.0060": the sign written with the other spellings (a sign runs into the bare size)
        forms += [f"-{form}" for form in forms[1:] if form[0].isdigit()]
    return tuple(dict.fromkeys(forms))


# Words of a string argument, split as the context splits text: "Gluten-free" and "grams/mole"
# stay whole, so they are found where the prompt wrote them. A path keeps its leading "/", "~/",
# "./" or "../": "user/data.csv" is no whole word of "/user/data.csv".
_ARG_WORD = re.compile(r"(?:(?:~|\.\.?)?/)?[^\W_][\w./~+-]*[^\W_]|[^\W_]")
_ARG_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>`]+")


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _date_forms(year: int, month: int, day: int) -> list[tuple[str, ...]]:
    """An ISO date the prompt may have written out ("May 3rd, 2022", "3 May 2022", "2022-05-03"):
    its year, month and day must each be there, or the date as written."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return [(f"{year:04d}-{month:02d}-{day:02d}",)]
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    name = _MONTHS[month - 1]
    return [(iso, str(year)), tuple(dict.fromkeys((iso, name, name.lower(), name[:3]))),
            tuple(dict.fromkeys((iso, str(day), f"{day:02d}")))]


def _argument_values(value: Any, out: list[tuple[str, ...]], depth: int = 0) -> None:
    if depth > 4 or len(out) > 64:
        return
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float)):
        out.append(_number_forms(value))
    elif isinstance(value, str):
        date = _ISO_DATE.match(value.strip())
        if date is not None:
            out.extend(_date_forms(*map(int, date.groups())))
            return
        short = value.strip()
        if short.isdigit() and len(short) < 3:
            out.append((short,))  # an id such as "7": the whole value, too short to be a word
            return
        for url in _ARG_URL.findall(value):
            # a URL is one value (its host and path are no words on their own), with or without its scheme
            url = url.rstrip(".,;:")
            out.append((url, url.split("://", 1)[1]))
        for word in sorted(set(_ARG_WORD.findall(_ARG_URL.sub(" ", value)))):
            if len(word) >= 3:
                out.append(tuple(dict.fromkeys((word, word.lower(), word.capitalize()))))
    elif isinstance(value, dict):
        for item in value.values():
            _argument_values(item, out, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _argument_values(item, out, depth + 1)


# Words of a function's name that make it a check (PAR401 counts it as validation): `run_tests`,
# `run_linter`, `typecheck`, but not `t_test` or `chi_squared_test` (statistics).
_CHECK_WORDS = {"test": "test", "tests": "test", "pytest": "test", "unittest": "test", "lint": "lint",
                "linter": "lint", "typecheck": "typecheck", "mypy": "typecheck", "tsc": "typecheck"}


def function_tool(call: ToolCall, r: Resolver) -> Effect:
    """An application's own function (model APIs): a query when its name says so, else unknown.

    A query's values are the words and numbers of its arguments, so that it counts as knowable
    only when everything it was called with was already in the context.
    """
    words = [x.lower() for x in _NAME_WORDS.findall(call.name.rsplit(".", 1)[-1])]
    checks = {_CHECK_WORDS[w] for w in words if w in _CHECK_WORDS}
    if checks and (words[0] in ("run", "execute", "exec", "trigger", "start") or all(w in _CHECK_WORDS for w in words)):
        # `run_tests`, `run_linter`, `typecheck`: the application's own validation
        return Effect(EXEC, categories=frozenset(checks), label=call.name)
    if not is_query_name(call.name):
        return unknown(call, r)
    values: list[tuple[str, ...]] = []
    _argument_values(call.input, values)
    # the same call again is a poll or a page turn: it asks about state, not a new question
    signature = (call.name, json.dumps(call.input, sort_keys=True, default=str))
    return Effect(READ, spellings=tuple(values), label=call.name, extra={"function": True, "signature": signature})
