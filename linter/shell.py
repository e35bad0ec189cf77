"""Shell command classification: what a command line reads, writes and runs.

Used for Claude Code's Bash, and for every other harness's shell tool. The classification is
deliberately coarse and errs towards ``exec`` (unknown side effects): a rule that needs a command
to be read-only or a validation run only fires on commands it recognises.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1[^\n]*\n.*?\n[ \t]*\2[ \t]*(?=\n|$)", re.S)
# A here-document whose end marker is missing (the command was cut short): its body runs to the end.
_OPEN_HEREDOC = re.compile(r"(<<-?\s*(['\"]?)\w+\2[^\n]*)\n.*", re.S)
_MARKER = re.compile(r"^<<-?\s*(['\"]?)\w+\1")
_SEPARATORS = {"&&", "||", ";", "|", "&", ";;", "|&", "(", ")", "\n"}
_REDIRECTS = {">", ">>", ">|", "&>", "&>>", "<", "<<", "<<<", "2>", "2>>", "1>", "1>>"}
_WRAPPERS = {"sudo", "time", "nohup", "command", "exec", "builtin", "nice", "stdbuf", "xargs"}

READ_ONLY = {
    "ls", "cat", "head", "tail", "grep", "egrep", "fgrep", "rg", "ag", "ack", "fd", "wc", "which",
    "whereis", "type", "pwd", "echo", "printf", "diff", "stat", "du", "df", "tree", "file", "less",
    "more", "sort", "uniq", "cut", "jq", "yq", "basename", "dirname", "realpath", "readlink",
    "date", "whoami", "printenv", "ps", "uname", "hostname", "id", "true", "false", "test", "[",
    "nl", "od", "xxd", "hexdump", "md5sum", "sha1sum", "sha256sum", "shasum", "column", "tr",
    "comm", "cmp", "lsof", "netstat", "ss", "cd", "env", "sleep", "top", "free", "uptime",
    "locale", "bat", "exa", "eza", "fzf", "man", "help", "tldr", "cloc", "tokei", "strings",
    "awk", "sed", "find", "pgrep", "history", "alias", "set", "export", "source", ".",
}
# Options of grep / rg / ag that take a value (`-g '!*.pyc'`, `-t py`, `-A 3`): not paths.
SEARCH_VALUE_OPTIONS = frozenset({"-g", "--glob", "--iglob", "-t", "--type", "-T", "--type-not", "-m", "--max-count",
                                  "-A", "-B", "-C", "--context", "-f", "--file", "-j", "--threads", "-d", "--max-depth",
                                  "-M", "--max-columns", "-e", "--regexp"})
SEARCH_PROGRAMS = frozenset({"grep", "egrep", "fgrep", "rg", "ag", "ack"})
GIT_READ = {
    "status", "log", "diff", "show", "rev-parse", "ls-files", "ls-tree", "blame", "describe",
    "shortlog", "grep", "cat-file", "reflog", "rev-list", "merge-base", "name-rev", "whatchanged",
    "check-ignore", "for-each-ref", "show-ref", "count-objects", "fsck", "help", "version",
}
GIT_INDEX_WRITE = {"add", "rm", "mv", "stage"}
GIT_COMMIT = {"commit"}
# Device files: writing to them (`> /dev/null`, `tee /dev/stderr`) changes no file.
DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty", "/dev/zero",
                     "/dev/full", "/dev/random", "/dev/urandom"})
_DEVICE_FD = re.compile(r"^/(dev|proc/self)/fd/\d+$")


def is_device(path: str) -> bool:
    """Is this path a device (``/dev/null``, ``/dev/stderr``, ``/dev/fd/2``) rather than a file?"""
    return path in DEVICES or bool(_DEVICE_FD.match(path))


FILE_WRITERS = {"mkdir", "touch", "rm", "rmdir", "mv", "cp", "ln", "chmod", "chown", "tee",
                "truncate", "install", "unzip", "patch", "rsync", "tar"}

# (category, regex on the normalised segment text). First match wins.
# Gradle, run by its wrapper or not (`./gradlew`, `gradlew.bat`), then any options and tasks
_GRADLE = r"^(gradle|\./gradlew|gradlew|gradlew\.bat)( \S+)*? "
_CATEGORY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("install", re.compile(
        r"^(npm|pnpm|yarn|bun) (install|i|ci|add)\b|^yarn$|^(pip3?|uv pip|python3? -m pip) install\b"
        r"|^uv (sync|add)\b|^poetry (install|add)\b|^cargo (add|fetch)\b|^go (get|mod (tidy|download))\b"
        r"|^bundle (install)?$|^bundle install\b|^(apt|apt-get|brew|dnf|yum|apk) (install|add)\b"
        r"|^composer (install|require)\b|^gem install\b|^dotnet restore\b|^mvn (dependency|install)\b")),
    ("migrate", re.compile(r"\bmigrat(e|ions?)\b|\balembic upgrade\b|\bdb:(migrate|setup|reset)\b")),
    ("seed", re.compile(r"\bseed\b|\bdb:seed\b")),
    # formatters rewrite the source files in place (a --check run only reads: it is a lint)
    ("format", re.compile(
        r"^(npx |pnpm |yarn |bunx |uv run |poetry run |python3? -m )?(black|isort|autopep8|yapf|ruff format)\b(?!.*--(check|diff)\b)"
        r"|^(npx |pnpm |yarn |bunx )?prettier\b.*\s(--write|-w)\b|^(gofmt|goimports)\b.*\s-w\b|^go fmt\b"
        r"|^(cargo fmt|rustfmt)\b(?!.*--check\b)|^clang-format\b.*\s-i\b|^(npx )?biome (format|check)\b.*\s--write\b"
        r"|^(npm|pnpm|yarn|bun) (run )?(format|fmt)$|^(mise run|mise r|just|task|make|poe|invoke) (format|fmt)$"
        r"|^deno fmt\b(?!.*--check\b)|^dotnet format\b(?!.*--verify-no-changes\b)|^mix format\b(?!.*--check-formatted\b)"
        r"|^swift-format\b.*\s(-i|--in-place)\b|^(stylua|shfmt -w|dart format)\b")),
    ("test", re.compile(r"^(mise run|mise r|just|task|make|poe|invoke|cargo make|nox -s|tox -e) [\w:.-]*\btest")),
    ("lint", re.compile(r"^(mise run|mise r|just|task|make|poe|invoke|cargo make|nox -s|tox -e) [\w:.-]*\b(lint|check|vet|typecheck|types)\b")),
    ("build", re.compile(r"^(mise run|mise r|just|task|poe|invoke|cargo make) [\w:.-]*\bbuild\b")),
    # Gradle tasks, by name, of a module or not: `:ui:compileDebugKotlin`, `assembleRelease`,
    # `testDebugUnitTest`, `connectedAndroidTest`, `lintDebug`, `ktlintCheck`
    ("test", re.compile(_GRADLE + r"(\S*:)?(test\w*|check|connected\w*Test)\b")),
    ("lint", re.compile(_GRADLE + r"(\S*:)?(lint|detekt|ktlintCheck|spotlessCheck|checkstyle)\w*\b")),
    ("build", re.compile(_GRADLE + r"(\S*:)?(build|assemble|compile|bundle)\w*\b")),
    ("typecheck", re.compile(
        r"^(npx |pnpm |yarn |bunx |uv run |poetry run |python3? -m )?(tsc|mypy|pyright|pytype|basedpyright|ty check|vue-tsc)\b"
        r"|^(npm|pnpm|yarn|bun) (run )?(typecheck|type-check|types|check-types|tsc)\b|^cargo check\b|^go vet\b")),
    ("lint", re.compile(
        r"^(npx |pnpm |yarn |bunx |uv run |poetry run |python3? -m )?(eslint|ruff|flake8|pylint|golangci-lint|clippy|shellcheck"
        r"|stylelint|biome|oxlint|rubocop|standard|markdownlint|hadolint|actionlint|ktlint|swiftlint|black --check"
        r"|prettier (--check|-c)|isort --check|deno lint)\b|^cargo (clippy|fmt --check)\b|^gofmt -l\b"
        r"|^deno fmt\b.*--check\b|^dotnet format\b.*--verify-no-changes\b|^mix format\b.*--check-formatted\b"
        r"|^(npm|pnpm|yarn|bun) (run )?(lint|format:check|fmt:check|check)\b|^pre-commit run\b|^make (lint|check)\b")),
    ("test", re.compile(
        r"^(npx |pnpm |yarn |bunx |uv run |poetry run |pipenv run |hatch run |python3? -m )?(pytest|py\.test|jest|vitest|mocha|ava|tap"
        r"|playwright test|cypress run|unittest|nose2?|tox|nox|rspec|phpunit|ctest|karma)\b"
        r"|^(npm|pnpm|yarn|bun) (run )?(test|tests|e2e|test:\S+|coverage)\b|^npm t\b|^(bun|deno) test\b"
        r"|^(cargo|go|dotnet|swift|mix|zig|gleam|stack|cabal) test\b|^cargo nextest\b|^make (test|tests|check)\b"
        r"|^(mvn|\./mvnw|gradle|\./gradlew)( \S+)* (test|verify|check)\b|^bazel test\b|^rake( test| spec)?$|^rails test\b"
        r"|^just test\b|^task test\b|^gotestsum\b|^prove\b|^\./(test|run_tests|run-tests)\S*"
        r"|^coverage run\b.*\b(pytest|unittest|nose2?)\b|^coverage run\s+\S*test\S*|^(hatch|rye|pdm) test\b"
        r"|^(hatch|pdm) run (\S+:)?(test|tests|cov|pytest)\b"
        r"|^(test|tests|cov):\S+$|^tests?$")),  # `hatch run test:all` once the runner prefix is gone
    ("build", re.compile(
        r"^(npm|pnpm|yarn|bun) (run )?build\b|^(cargo|go|dotnet|swift|zig|stack|cabal) build\b"
        r"|^make( (all|build|\S+\.o))?$|^make -j\S*|^cmake --build\b|^(mvn|gradle|\./gradlew|\./mvnw)( \S+)* (package|build|compile|assemble)\b"
        r"|^bazel build\b|^(npx )?(vite|webpack|rollup|esbuild|next|nuxt) build\b|^python3? -m build\b|^(uv|poetry) build\b"
        r"|^tsc -b\b|^(npx )?turbo (run )?build\b|^just build\b|^ninja\b|^docker build\b|^docker[- ]compose( -\S+ \S+)* build\b"
        r"|^just$|^docker[- ]compose( -\S+ \S+)* up\b.*--build\b")),
    ("run", re.compile(
        r"^(npx |pnpm dlx |bunx )?(python3?|node|deno|bun|ruby|perl|php|java|bash|sh|zsh|fish|powershell(\.exe)?|pwsh|uv run|"
        r"poetry run|tsx|ts-node|vite-node) "
        r"(?!-m (http\.server|SimpleHTTPServer)\b)\S"  # a static file server runs none of the code
        r"|^(cargo|go|dotnet|swift) run\b|^(npm|pnpm|yarn|bun) (run )?(start|dev|serve|preview)\b|^\./\S+|^make \S+")),
]

VALIDATION = {"test", "lint", "typecheck", "build", "run"}
LOCKING = {"install", "test", "build", "typecheck", "lint"}


@dataclass(slots=True)
class Segment:
    words: list[str]
    redirects: list[tuple[str, str]] = field(default_factory=list)
    cwd: str = ""

    @property
    def program(self) -> str:
        return posixpath.basename(self.words[0]) if self.words else ""

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(slots=True)
class CommandInfo:
    """What one command line does, over all its segments."""

    segments: list[Segment]
    read_only: bool
    categories: set[str]
    reads: set[str]
    writes: set[str]
    dir_writes: set[str]
    locks: set[str]
    ports: set[str]
    git_index_write: bool = False
    git_commit: bool = False


# One shell word (quoted parts joined, quotes removed later), or an operator, or a newline.
_WORD = re.compile(r"""\d?>>?(?:&\d+)?|&>>?|<<<?|(?:[^\s'"\\;&|<>()]+|'[^']*'|"(?:\\.|[^"\\])*"|\\.)+|&&|\|\||;;|\|&|[;&|<>()]|\n""")
_QUOTED = re.compile(r"""'([^']*)'|"((?:\\.|[^"\\])*)"|\\(.)""")


# An unquoted Windows path (`src\\a.ts`, `C:\\repo\\x`, as PowerShell and cmd take them): its
# backslashes separate directories, they escape nothing.
_WIN_WORD = re.compile(r"(?=.*(?:\w\\\w|^[A-Za-z]:\\))(?:[^\\'\"]|\\[\w.-])*")


def _unquote(word: str) -> str:
    if "'" not in word and '"' not in word and "\\" not in word:
        return word
    if _WIN_WORD.fullmatch(word):
        return word
    return _QUOTED.sub(lambda m: m.group(1) if m.group(1) is not None else
                       (m.group(2) if m.group(2) is not None else m.group(3)), word)


def _tokenise(command: str) -> list[str]:
    """Words and operators of a command line (a fast subset of POSIX shell lexing)."""
    # a here-document is data, not commands: keep only what follows its marker on the first line
    command = _HEREDOC.sub(lambda m: _MARKER.sub("", m.group(0).split("\n", 1)[0]), command)
    command = _OPEN_HEREDOC.sub(lambda m: _MARKER.sub("", m.group(1)), command)
    command = command.replace("\\\n", " ")
    return [_unquote(w) for w in _WORD.findall(command)]


def split_command(command: str, cwd: str = "") -> list[Segment]:
    """Split a command line into simple commands, tracking ``cd`` for relative paths."""
    segments: list[Segment] = []
    current = Segment([], [], cwd)
    pending_redirect: str | None = None
    here = cwd
    for tok in _tokenise(command):
        if pending_redirect is not None:
            current.redirects.append((pending_redirect, tok))
            pending_redirect = None
            continue
        if tok in _SEPARATORS or (tok and set(tok) <= set(";&|()") and tok not in _REDIRECTS):
            if current.words or current.redirects:
                segments.append(current)
                if current.program == "cd" and len(current.words) > 1 and tok != "|":
                    here = join(here, current.words[1])
            current = Segment([], [], here)
            continue
        if tok in _REDIRECTS or re.fullmatch(r"\d?>{1,2}|&>{1,2}", tok):
            pending_redirect = tok
            continue
        if re.fullmatch(r"\d?>&\d", tok):
            continue
        current.words.append(tok)
    if current.words or current.redirects:
        segments.append(current)
    for seg in segments:
        _strip_prefixes(seg)
    return [s for s in segments if s.words or s.redirects]


def _strip_prefixes(seg: Segment) -> None:
    words = seg.words
    while words:
        head = words[0]
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", head):
            words.pop(0)
        elif head == "command" and len(words) > 1 and re.fullmatch(r"-[pvV]*[vV][pvV]*", words[1]):
            break  # `command -v X` looks X up, it does not run it
        elif head in _WRAPPERS:
            words.pop(0)
            while words and words[0].startswith("-"):
                words.pop(0)
        elif head == "timeout":
            words.pop(0)
            while words and (words[0].startswith("-") or re.fullmatch(r"[\d.]+[smhd]?", words[0])):
                words.pop(0)
        elif head == "env" and len(words) > 1:
            words.pop(0)
        else:
            break


_WIN_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def is_windows_path(path: str) -> bool:
    return bool(_WIN_DRIVE.match(path)) or "\\" in path


def windows_path(path: str) -> str:
    """``C:\\repo\\src\\a.ts`` as ``C:/repo/src/a.ts`` (drive letter upper-cased), so that it joins
    and compares like any other path."""
    path = path.replace("\\", "/")
    return path[0].upper() + path[1:] if _WIN_DRIVE.match(path) else path


def join(base: str, path: str) -> str:
    if not path:
        return base
    if path.startswith("~"):
        return path
    if is_windows_path(path) or _WIN_DRIVE.match(base):
        path, base = windows_path(path), windows_path(base)
        if _WIN_DRIVE.match(path):
            return posixpath.normpath(path)
    if not base or path.startswith("/"):
        return posixpath.normpath(path)
    return posixpath.normpath(posixpath.join(base, path))


# Runners in front of the real tool: `bundle exec rspec`, `pnpm --filter api test`,
# `docker compose exec web pytest`. The tool after them decides the category.
_RUNNER_PREFIX = re.compile(r"^(bundle exec|pnpm exec|uvx|pipx run|pdm run|hatch run|pixi run"
                            r"|docker compose (exec|run)( -\S+)* \S+) ")
# A package manager aimed at one workspace runs that workspace's script, as `npm <script>` would.
_WORKSPACE_PREFIX = re.compile(r"^(yarn workspace \S+|pnpm (--filter|-F) \S+|pnpm -[wr]) ")


def categorise(seg: Segment) -> str | None:
    words = list(seg.words)
    if words and "/" in words[0] and not words[0].startswith("./"):
        words[0] = seg.program  # `.venv/bin/python -m pytest` runs python
    text = _WORKSPACE_PREFIX.sub("npm ", _RUNNER_PREFIX.sub("", " ".join(words)))
    for name, pattern in _CATEGORY_PATTERNS:
        if pattern.search(text):
            return name
    return None


def redirect_writes(op: str, target: str, errors: bool = True) -> bool:
    """Does the redirect send a stream into a file (`> out.txt`, `2>> err.log`), not into a device
    (`2>/dev/null`) or another stream (`2>&1`)? With ``errors`` false, only the command's output
    counts (`2> err.log` holds no more than error messages)."""
    if op.startswith("<") or ">" not in op or target.startswith("&") or is_device(target):
        return False
    return errors or not op.startswith("2")


def is_read_only(seg: Segment) -> bool:
    """Does the segment only read (`git status`, `ls`, `cat`), writing no file and changing no state?"""
    prog = seg.program
    args = seg.words[1:]
    if any(redirect_writes(op, target) for op, target in seg.redirects):
        return False
    if prog == "git":
        at, sub = _subcommand(args, _GIT_VALUE_OPTIONS)
        rest = args[at + 1:]
        if sub in GIT_READ:
            return True
        if sub == "branch":
            return not any(a in ("-d", "-D", "-m", "-M", "-c", "-C", "--delete", "--move") for a in args) and \
                len([a for a in args if not a.startswith("-")]) <= 1
        if sub == "config":
            return _git_config_reads(rest)
        if sub in ("remote", "stash", "worktree", "tag"):
            if not rest:
                return sub != "stash"  # a bare `git stash` stashes the changes away
            return rest[0] in ("-v", "list", "show", "--list", "-l", "get-url")
        return False
    if prog == "command":
        return True  # left in place only as `command -v X`: a lookup
    if prog in _SYSTEM_READERS:
        return _system_reads(prog, args)
    if prog == "tee":
        return all(is_device(a) for a in args if not a.startswith("-"))  # `tee /dev/stderr` only copies
    if prog in ("docker", "docker-compose"):
        return _docker_reads(args if prog == "docker" else ["compose", *args])
    if prog == "kubectl":
        return _subcommand(args, _KUBECTL_VALUE_OPTIONS)[1] in _KUBECTL_READ
    if prog == "sed":
        return not any(re.match(r"-[^-]*i", a) or a.startswith("--in-place") for a in args)
    if prog == "awk":
        return not any("inplace" in a for a in args)
    if prog == "find":
        return not any(a in ("-delete", "-exec", "-execdir", "-ok", "-fprint") for a in args)
    if prog in ("gh",):
        return len(args) >= 2 and args[1] in ("view", "list", "status", "diff", "checks")
    if prog in ("npm", "pnpm", "yarn"):
        return bool(args) and args[0] in ("ls", "list", "view", "info", "outdated", "why", "explain", "config")
    if prog in ("pip", "pip3"):
        return bool(args) and args[0] in ("list", "show", "freeze", "check")
    if prog in ("python", "python3", "node", "go", "cargo", "rustc", "java") and args[:1] in (["--version"], ["-V"], ["version"]):
        return True
    if args and args[-1] in ("--version", "--help") and len([a for a in args if not a.startswith("-")]) <= 2 and \
            prog not in _INTERPRETERS and not any("/" in a or "." in a for a in args):
        return True  # `npx tsc --version`: what the tool is, not a run of it (`python app.py --help` runs the app)
    return prog in READ_ONLY or is_powershell_read(prog)


_GIT_VALUE_OPTIONS = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"})
# PowerShell cmdlets that only look (names compared in lower case, as PowerShell does), and their
# options that take a value which is not a path (`-Filter *.ts`, `-Pattern foo.bar`, `-First 50`).
_PS_READ_ONLY = frozenset("""
get-content get-childitem get-item test-path resolve-path select-string select-object where-object
foreach-object sort-object format-table format-list measure-object out-string get-filehash get-itemproperty
convertfrom-json
""".split())
_PS_ALIASES = frozenset({"gc", "gci", "gi", "sls", "dir"})
_PS_VALUE_OPTIONS = frozenset({"-filter", "-include", "-exclude", "-pattern", "-first", "-last", "-skip",
                               "-encoding", "-depth", "-totalcount", "-tail", "-head", "-property",
                               "-expandproperty", "-delimiter", "-readcount", "-context", "-algorithm"})


# PowerShell cmdlets that change files, and their options that take a value which is not a path.
_PS_WRITES = frozenset({"set-content", "add-content", "out-file", "new-item", "remove-item", "copy-item",
                        "move-item"})
_PS_WRITE_VALUE_OPTIONS = frozenset({"-value", "-encoding", "-width", "-inputobject", "-itemtype", "-type", "-name",
                                     "-destination", "-filter", "-include", "-exclude", "-stream"})


def _ps_option(args: list[str], *names: str) -> str | None:
    for n, a in enumerate(args[:-1]):
        if a.lower() in names:
            return args[n + 1]
    return None


def _powershell_write(cmdlet: str, args: list[str], here: str, reads: set[str], writes: set[str],
                      dir_writes: set[str]) -> None:
    """`Set-Content -Path a.txt -Value x`, `New-Item -ItemType Directory -Path out`, `Remove-Item -Recurse
    build`, `Copy-Item a.txt -Destination b.txt`: the files (and directories) they change."""
    lowered = [a.lower() if a.startswith("-") else a for a in args]
    named = _ps_option(args, "-path", "-literalpath", "-filepath")
    targets = [named] if named else positionals(lowered, _PS_WRITE_VALUE_OPTIONS | {"-path", "-literalpath",
                                                                                     "-filepath"})[:1]
    if cmdlet in ("copy-item", "move-item"):
        destination = _ps_option(args, "-destination") or (positionals(lowered, _PS_WRITE_VALUE_OPTIONS)[1:2] or [None])[0]
        for source in targets:
            reads.add(join(here, source))
            if cmdlet == "move-item":
                writes.add(join(here, source))
        if destination:
            writes.add(join(here, destination))
        return
    name = _ps_option(args, "-name")
    directory = (cmdlet == "new-item" and (_ps_option(args, "-itemtype", "-type") or "").lower() == "directory") \
        or (cmdlet == "remove-item" and "-recurse" in lowered)
    for target in targets:
        path = join(here, posixpath.join(windows_path(target), name) if name else target)
        writes.add(path)
        if directory:
            dir_writes.add(path)


def is_powershell_read(program: str) -> bool:
    name = program.lower()
    # PowerShell's approved verb Get only retrieves (Get-Service, Get-NetRoute, Get-Process)
    return name in _PS_READ_ONLY or name in _PS_ALIASES or bool(_PS_GET.match(name))


_PS_GET = re.compile(r"get-[a-z]+$")
# System inspection commands, and the first words that make them only look: {program: words}
# (an empty set: the program only looks unless a word of _SYSTEM_CHANGES is given).
_SYSTEM_READERS: dict[str, frozenset[str]] = {
    "lscpu": frozenset(), "lsblk": frozenset(), "lspci": frozenset(), "lsusb": frozenset(),
    "lsmod": frozenset(), "nproc": frozenset(), "vmstat": frozenset(), "iostat": frozenset(),
    "systeminfo": frozenset(), "tasklist": frozenset(), "ipconfig": frozenset(), "nvidia-smi": frozenset(),
    "journalctl": frozenset(),
    "systemctl": frozenset({"status", "is-active", "is-enabled", "is-failed", "list-units", "list-unit-files",
                            "list-timers", "show", "cat"}),
    "reg": frozenset({"query"}),
    "w32tm": frozenset({"/query"}),
    "wmic": frozenset(),
    "winget": frozenset({"list", "search", "show"}),
    "choco": frozenset({"list", "search", "info", "outdated"}),
    "ip": frozenset({"addr", "address", "a", "route", "r", "link", "l", "neigh", "n"}),
}
# Words that make an inspection command change something (`ipconfig /renew`, `nvidia-smi -pl 300`,
# `journalctl --vacuum-size=1G`, `ip route add ...`, `wmic process call create ...`).
_SYSTEM_CHANGES = {
    "ipconfig": re.compile(r"/(release|renew|flushdns|registerdns|setclassid)\w*$", re.I),
    "nvidia-smi": re.compile(r"(-pl|-pm|-r|-e|-c|-ac|-rac|-lgc|-rgc|-lmc|-rmc|-am|-caa|--gpu-reset|--persistence-mode.*|"
                             r"--power-limit.*|--compute-mode.*|--ecc-config.*|--applications-clocks.*|"
                             r"--lock-\w+-clocks.*|--reset-\w+)$"),
    "journalctl": re.compile(r"--(vacuum.*|rotate|flush|sync|relinquish-var|setup-keys)$"),
    "wmic": re.compile(r"(call|create|delete|set)$", re.I),
    "ip": re.compile(r"(add|del|delete|change|replace|set|flush|append|restore)$"),
}


def _system_reads(prog: str, args: list[str]) -> bool:
    changes = _SYSTEM_CHANGES.get(prog)
    if changes is not None and any(changes.match(a) for a in args):
        return False
    words = _SYSTEM_READERS[prog]
    if not words:
        return True
    first = next((a for a in args if not a.startswith("-")), "")
    if not first:
        return prog == "systemctl"  # a bare `systemctl` lists the units
    return first.lower() in words


def _positionals(args: list[str], value_options: frozenset[str]) -> list[tuple[int, str]]:
    """``(position, word)`` of the words that are neither options nor an option's value."""
    out: list[tuple[int, str]] = []
    skip = False
    for n, a in enumerate(args):
        if skip:
            skip = False
        elif a in value_options:
            skip = True
        elif not a.startswith("-"):
            out.append((n, a))
    return out


# Programs whose first plain word is a script of their own language (`sed -n '/^func/,/^}/p' f`,
# `awk '{print $1}' f`, `jq '.scripts' package.json`), unless an option gives the script instead:
# (options whose value is the script, options that take some other value).
SCRIPTED = {
    "sed": (frozenset({"-e", "--expression"}), frozenset({"-f", "--file", "-l", "--line-length"})),
    "awk": (frozenset(), frozenset({"-f", "--file", "-v", "--assign", "-F", "--field-separator"})),
    "jq": (frozenset(), frozenset({"-f", "--from-file", "--arg", "--argjson", "--slurpfile", "--rawfile", "--indent"})),
    "perl": (frozenset({"-e", "-E"}), frozenset({"-I", "-M", "-m"})),
}
SCRIPTED["gawk"] = SCRIPTED["mawk"] = SCRIPTED["awk"]
_SCRIPT_FILE_OPTIONS = frozenset({"-f", "--file", "--from-file"})


def script_words(seg: Segment) -> list[str]:
    """The script words of a sed, awk, jq or perl run: patterns the agent writes, not paths."""
    spec = SCRIPTED.get(seg.program)
    if spec is None:
        return []
    inline, valued = spec
    args = seg.words[1:]
    if _script_given(args, inline):
        return [args[n + 1] for n, a in enumerate(args[:-1]) if a in inline and args[n + 1]]
    return [a for a in positionals(args, inline | valued) if a][:1]


def _script_given(args: list[str], inline: frozenset[str]) -> bool:
    """Whether an option gives the script (`sed -e 's/a/b/' f`, `awk -f prog.awk f`)."""
    return any(a in inline or a in _SCRIPT_FILE_OPTIONS for a in args)


def positionals(args: list[str], value_options: frozenset[str] = frozenset()) -> list[str]:
    """The words of a command line that are neither options nor an option's value."""
    return [a for _, a in _positionals(args, value_options)]


def _subcommand(args: list[str], value_options: frozenset[str]) -> tuple[int, str]:
    """The position and name of the first word that is not an option (nor an option's value)."""
    found = _positionals(args, value_options)
    return found[0] if found else (len(args), "")


def _git_subcommand(args: list[str]) -> str:
    return _subcommand(args, _GIT_VALUE_OPTIONS)[1]


_CONFIG_READS = frozenset({"--get", "--get-all", "--get-regexp", "--get-urlmatch", "--get-color",
                           "--get-colorbool", "-l", "--list"})
_CONFIG_WRITES = frozenset({"--add", "--unset", "--unset-all", "--replace-all", "--rename-section",
                            "--remove-section", "-e", "--edit"})
_CONFIG_VALUE_OPTIONS = frozenset({"-f", "--file", "--blob", "--type", "--default", "--comment"})


def _git_config_reads(rest: list[str]) -> bool:
    """`git config [--global] key` and `--get`/`--list` read; `git config key value` sets."""
    if any(a in _CONFIG_WRITES for a in rest):
        return False
    if any(a in _CONFIG_READS for a in rest):
        return True
    positional = positionals(rest, _CONFIG_VALUE_OPTIONS)
    if positional[:1] in (["get"], ["list"]):
        return True  # git 2.46's `git config get key`, `git config list`
    if positional[:1] in (["set"], ["unset"], ["rename-section"], ["remove-section"], ["edit"]):
        return False
    return len(positional) <= 1


_DOCKER_VALUE_OPTIONS = frozenset({"-H", "--host", "-c", "--context", "--config", "-l", "--log-level"})
_COMPOSE_VALUE_OPTIONS = frozenset({"-f", "--file", "-p", "--project-name", "--profile", "--env-file",
                                    "--project-directory", "--ansi", "--progress"})
_DOCKER_READ = frozenset({"ps", "images", "logs", "inspect", "version", "info"})
_DOCKER_OBJECT_READ = frozenset({"ls", "ps", "list", "inspect", "logs", "history"})
_COMPOSE_READ = frozenset({"ps", "logs", "images", "ls", "version"})  # not `config`: -o writes a file
_KUBECTL_VALUE_OPTIONS = frozenset({"-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user",
                                    "-s", "--server", "--as", "--as-group", "--token", "--request-timeout"})
_KUBECTL_READ = frozenset({"get", "describe", "logs", "explain", "version", "api-resources", "api-versions"})


def _docker_reads(args: list[str]) -> bool:
    """`docker ps`, `docker logs web`, `docker image ls`, `docker compose ps`: they only report."""
    at, sub = _subcommand(args, _DOCKER_VALUE_OPTIONS)
    if sub in _DOCKER_READ:
        return True
    if sub in ("container", "image", "volume", "network"):
        return _subcommand(args[at + 1:], frozenset())[1] in _DOCKER_OBJECT_READ
    if sub == "compose":
        return _subcommand(args[at + 1:], _COMPOSE_VALUE_OPTIONS)[1] in _COMPOSE_READ
    return False


_PATHSPEC_MAGIC = re.compile(r"[*?\[]|^:")
_RESTORE_VALUE_OPTIONS = frozenset({"-s", "--source"})


def _git_restored(sub: str, rest: list[str]) -> tuple[list[str], bool] | None:
    """The paths `git restore` / `git checkout ... -- PATH` rewrite, and whether the index changes
    too; None when the paths are not literal or it is not that form (`git checkout main`)."""
    if "--" in rest:
        before, paths = rest[:rest.index("--")], rest[rest.index("--") + 1:]
    elif sub == "restore":
        before, paths = rest, []
    else:
        return None
    if any(a.startswith("--pathspec-from-file") for a in before):
        return None
    positional = positionals(before, _RESTORE_VALUE_OPTIONS if sub == "restore" else frozenset())
    if sub == "restore":
        paths = positional + paths
        flags = "".join(a[1:] for a in before if a.startswith("-") and not a.startswith("--"))
        staged = "--staged" in before or "S" in flags
        worktree = "--worktree" in before or "W" in flags or not staged
        index = staged
    else:
        if len(positional) > 1 or any(a in ("-b", "-B", "--orphan") for a in before):
            return None
        worktree, index = True, bool(positional)  # `git checkout HEAD -- a.py` resets the index entry too
    if not paths or any(_PATHSPEC_MAGIC.search(p) for p in paths):
        return None
    return (paths if worktree else []), index


# Which source files a check or formatter covers: a tool of one language covers that
# language's files; a generic runner (make, npm test, mise run) covers them all.
_LANGUAGES = {
    ".go": ("go", "gofmt", "goimports", "golangci-lint", "gotestsum"),
    ".rs": ("cargo", "rustfmt", "clippy"),
    ".py,.pyi": ("pytest", "py.test", "mypy", "pyright", "basedpyright", "pytype", "ruff", "black", "isort", "flake8",
                 "pylint", "autopep8", "yapf", "tox", "nox", "unittest", "nose", "nose2"),
    ".js,.jsx,.mjs,.cjs,.ts,.tsx,.mts,.cts,.vue,.svelte": ("jest", "vitest", "mocha", "ava", "eslint", "tsc", "vue-tsc",
                                                           "prettier", "biome", "oxlint", "standard", "karma", "deno"),
    ".sh,.bash,.zsh": ("shellcheck", "shfmt"),
    ".rb": ("rubocop", "rspec", "rake", "rails"),
    ".php": ("phpunit",),
    ".swift": ("swift", "swiftlint", "swift-format"),
    ".cs,.fs": ("dotnet",),
    ".dart": ("dart",),
    ".lua": ("stylua",),
    ".ex,.exs": ("mix",),
    ".java,.kt,.kts,.scala,.groovy,.gradle": ("mvn", "./mvnw", "gradle", "./gradlew", "ktlint"),
    ".c,.h,.cc,.cpp,.cxx,.hpp,.hh,.m,.mm": ("clang-format", "ctest"),
}
_LANGUAGE_OF = {tool: exts for exts, tools in _LANGUAGES.items() for tool in tools}
_RUNNER_WORDS = frozenset({"npx", "pnpx", "bunx", "uv", "run", "poetry", "pipenv", "hatch", "exec", "python", "python3",
                           "-m", "pnpm", "yarn", "bun", "npm", "dlx"})
# Options that pick a package by name: which files that covers is not known here.
_PACKAGE_OPTIONS = re.compile(r"(^|\s)(--filter|-F|--package|--scope)(\s|=)|^cargo .*\s-p\s|^yarn workspace\b"
                              r"|^(npx )?(nx|turbo|lerna) ")
_WORKSPACE_DIR = re.compile(r"(?:^|\s)(?:-w|--workspace)(?:\s+|=)['\"]?([^\s'\"-][^\s'\"]*)")
_FIXES = re.compile(r"\s--fix\b|\s-[aA]\b|\blint:fix\b|\s--write\b")
# Words after a check's name that pick what it does, not what it covers.
_SUBCOMMANDS = frozenset({"check", "format", "fmt", "lint", "run", "vet", "clippy", "test", "build", "exec", "ci",
                          "typecheck", "types", "tsc"})
# Option words a check takes with a value (the value is no path it checks).
_CHECK_VALUE_OPTIONS = frozenset({"-c", "--config", "-p", "--project", "-k", "-m", "--rcfile", "--ignore", "--exclude",
                                  "--select", "--extend-select", "--max-line-length", "--format", "-f", "-o",
                                  "--output", "--reporter", "--cov", "-n", "--maxfail", "--ext", "--parser",
                                  "--config-file", "--target", "--line-length", "-l", "--tb"})


_INTERPRETERS = {"python", "python3", "node", "deno", "bun", "ruby", "perl", "php", "java", "uv", "poetry"}
# Which build a test or run uses: the same toolchain's. `go test` and `cargo test` compile what they
# test themselves, so an earlier `go build` or `cargo build` is no input of theirs.
_FAMILIES = {"npm": "js", "pnpm": "js", "yarn": "js", "bun": "js", "npx": "js", "node": "js", "vite": "js",
             "webpack": "js", "rollup": "js", "esbuild": "js", "next": "js", "nuxt": "js", "turbo": "js", "tsc": "js",
             "make": "make", "cmake": "make", "ninja": "make", "ctest": "make", "mvn": "jvm", "./mvnw": "jvm",
             "gradle": "jvm", "./gradlew": "jvm", "gradlew": "jvm", "mvnw": "jvm", "java": "jvm", "python": "py", "python3": "py", "pytest": "py",
             "uv": "py", "poetry": "py", "docker": "docker", "docker-compose": "docker"}
_SELF_BUILDING = {"go", "cargo", "swift", "zig", "stack", "cabal", "jvm", "dotnet", "py"}  # (`java -jar` does use the jar)
_NATIVE = {"go", "cargo", "make", "swift", "zig", "gcc", "clang", "g++", "clang++"}


def _build_family(seg: Segment) -> str:
    prog = seg.program
    return _FAMILIES.get(prog, _FAMILIES.get(posixpath.basename(prog), posixpath.basename(prog)))


# Whose dependencies a command installs or uses: `npm install` and `pytest` touch different ones.
# System packages (apt, brew) are anyone's; a generic runner (make, mise, a script) may use any.
_DEP_LANGUAGES = {
    "js": ("npm", "pnpm", "yarn", "bun", "npx", "bunx", "node", "deno", "jest", "vitest", "mocha", "eslint", "tsc",
           "prettier", "next", "vite", "webpack", "tsx", "ts-node", "playwright", "cypress", "biome", "turbo", "nx"),
    "py": ("pip", "pip3", "uv", "poetry", "pipenv", "pdm", "hatch", "rye", "python", "python3", "pytest", "py.test",
           "mypy", "pyright", "ruff", "black", "isort", "flake8", "pylint", "tox", "nox", "coverage", "alembic",
           "django-admin", "conda"),
    "go": ("go", "gofmt", "golangci-lint", "gotestsum"),
    "rs": ("cargo", "rustc", "rustfmt"),
    "rb": ("bundle", "gem", "rake", "rails", "rspec", "rubocop", "ruby"),
    "php": ("composer", "php", "phpunit"),
    "jvm": ("mvn", "./mvnw", "mvnw", "gradle", "./gradlew", "gradlew", "java"),
    "dotnet": ("dotnet",),
    "system": ("apt", "apt-get", "brew", "dnf", "yum", "apk", "pacman", "port"),
}
_DEP_LANGUAGE_OF = {tool: lang for lang, tools in _DEP_LANGUAGES.items() for tool in tools}


def _dep_language(seg: Segment) -> str:
    for word in seg.words:
        if word.startswith("-") or word in ("sudo", "env", "time", "exec", "run", "-m"):
            continue
        return _DEP_LANGUAGE_OF.get(word, _DEP_LANGUAGE_OF.get(posixpath.basename(word), "*"))
    return "*"


def source_scopes(seg: Segment, category: str) -> list[str]:
    """``src:<extensions>:<path>`` resources for the code a check or formatter covers: the paths
    it names (the files given to a linter or formatter), else its whole directory. A test run
    covers its directory even when it names test files: the tests import the code. A package
    picked by name (``pnpm --filter web test``, ``cargo test -p core``) gives none."""
    here = seg.cwd or "."
    words = seg.words
    tool = next((w for w in words if w not in _RUNNER_WORDS and not w.startswith("-")), words[0] if words else "")
    exts = _LANGUAGE_OF.get(posixpath.basename(tool), _LANGUAGE_OF.get(tool, "*"))
    if _PACKAGE_OPTIONS.search(seg.text) and not _WORKSPACE_DIR.search(seg.text):
        return []
    workspace = _WORKSPACE_DIR.search(seg.text)
    if workspace is not None:
        return [f"src:{exts}:{join(here, workspace.group(1))}"]
    paths: list[str] = []
    if category in ("lint", "typecheck", "format"):
        for w in positionals(words[1:], _CHECK_VALUE_OPTIONS):
            if w != tool and w not in _RUNNER_WORDS and w not in _SUBCOMMANDS and not w.startswith("./...") \
                    and "=" not in w:
                literal = "/".join(part for part in w.split("*", 1)[0].split("/")[:-1]) if "*" in w else w
                paths.append(join(here, literal) if literal not in ("", ".") else here)
    return [f"src:{exts}:{p}" for p in (paths or [here])]


def _git_staged(rest: list[str], top: str) -> set[str]:
    """What `git add` reads: the named paths, or the code of the whole tree (`-A`, `.`)."""
    paths = [a for a in rest if not a.startswith("-")]
    if not paths or any(a in ("-A", "--all", "-u", "--update") for a in rest) or any(p in (".", "./", ":/") for p in paths):
        return {f"src:*:{top or '.'}"}
    if any(_PATHSPEC_MAGIC.search(p) or p.endswith("/") for p in paths):
        return set()  # globs and directories: not told file by file
    return {join(top, p) for p in paths}


def _git_dir(options: list[str], here: str) -> str:
    """The directory git runs in: `git -C sub ...` moves it."""
    for n, a in enumerate(options[:-1]):
        if a == "-C":
            here = join(here, options[n + 1])
    return here


# Read-only programs whose arguments are names, not files (`which python3.11`, `docker logs web.1`).
_NO_PATH_ARGS = frozenset({"echo", "printf", "cd", "sleep", "env", "export", "which", "whereis", "type", "command",
                           "docker", "docker-compose", "kubectl", "gh"})
_PORT_FLAG = re.compile(r"^(?:--port|-p|--listen|--bind)(?:=|$)")
_PORT_ENV = re.compile(r"^PORT=(\d{2,5})$")
_PORT_IN_TEXT = re.compile(r"(?:localhost|127\.0\.0\.1|0\.0\.0\.0):(\d{2,5})\b")


@lru_cache(maxsize=4096)
def classify(command: str, cwd: str = "") -> CommandInfo:
    """What a command line does. Cached: sessions repeat commands (git status, the test run).
    The result is shared between callers and must not be modified."""
    segments = split_command(command, cwd)
    categories: set[str] = set()
    reads: set[str] = set()
    writes: set[str] = set()
    dir_writes: set[str] = set()
    locks: set[str] = set()
    ports: set[str] = set()
    read_only = bool(segments)
    git_index_write = git_commit = False
    for m in re.finditer(r"(?:^|\s)PORT=(\d{2,5})\b", command):
        ports.add(m.group(1))
    for seg in segments:
        here = seg.cwd
        for op, target in seg.redirects:
            if op == "<":
                reads.add(join(here, target))
            elif redirect_writes(op, target):
                writes.add(join(here, target))
        if not seg.words:
            continue
        prog, args = seg.program, seg.words[1:]
        if not is_read_only(seg):
            read_only = False
        category = categorise(seg) if not is_read_only(seg) else None  # `ls db/migrate` runs nothing
        if category:
            categories.add(category)
            if category in LOCKING:
                locks.add(f"lock:{prog}:{here or '.'}")
            if category in ("install",):
                writes.add(f"deps:{_dep_language(seg)}:{here or '.'}")
            elif category in ("test", "run", "build", "typecheck", "lint"):
                reads.add(f"deps:{_dep_language(seg)}:{here or '.'}")
            if category in ("test", "build", "typecheck", "lint", "format"):
                for scope in source_scopes(seg, category):
                    if category == "format" or (category == "lint" and _FIXES.search(seg.text)):
                        writes.add(scope)  # rewrites the files it covers
                    if category != "format":
                        reads.add(scope)  # the code it checks, as it stands when it runs
            family = _build_family(seg)
            if category == "build":
                writes.add(f"build:{family}:{here or '.'}")
                if family in _NATIVE:
                    writes.add(f"build:bin:{here or '.'}")  # a binary a later `./app` runs
            elif (category == "test" and family not in _SELF_BUILDING) or \
                    (category == "run" and family not in _SELF_BUILDING - {"jvm"}):
                # a test run or a program that uses what the build made (a bundle, a jar, a binary)
                local = seg.words[0].startswith(("./", "../")) and family not in ("jvm", "make")
                reads.add(f"build:{'bin' if local else family}:{here or '.'}")
            if category == "migrate":
                writes.add(f"db:{here or '.'}")
            elif category == "seed":
                reads.add(f"db:{here or '.'}")
                writes.add(f"db-data:{here or '.'}")
        if prog in ("docker", "docker-compose") and (args[:1] == ["run"] or "up" in args):
            reads.add(f"build:docker:{here or '.'}")  # runs the image a `docker build` made
        for i, a in enumerate(args):
            if _PORT_FLAG.match(a):
                value = a.split("=", 1)[1] if "=" in a else (args[i + 1] if i + 1 < len(args) else "")
                if value.isdigit():
                    ports.add(value)
        for m in _PORT_IN_TEXT.finditer(seg.text):
            if category in ("run", "test", "build"):
                ports.add(m.group(1))
        paths = [a for a in args if not a.startswith("-")]
        if is_powershell_read(prog):
            paths = positionals([a.lower() if a.startswith("-") else a for a in args], _PS_VALUE_OPTIONS) \
                if prog.lower() in _PS_READ_ONLY or prog.lower() in _PS_ALIASES else []  # Get-NetRoute 0.0.0.0/0
        if prog in SCRIPTED:
            # `sed -n '/^func/,/^}/p' main.go`, `jq '.scripts' package.json`: the files are the
            # operands after the script (all of them when an option gives the script)
            inline, valued = SCRIPTED[prog]
            operands = [a for a in positionals(args, inline | valued) if a]  # `sed -i ''`: no suffix
            paths = operands if _script_given(args, inline) else operands[1:]
            paths += [args[n + 1] for n, a in enumerate(args[:-1]) if a in _SCRIPT_FILE_OPTIONS]
        if prog in SEARCH_PROGRAMS:
            # the files searched: the operands after the pattern (all of them when the pattern
            # comes by -e / -f, or when `rg --files` lists files)
            operands = positionals(args, SEARCH_VALUE_OPTIONS)
            given = any(a in ("-e", "--regexp", "-f", "--file", "--files") or a.startswith(("--regexp=", "--file="))
                        for a in args)
            paths = operands if given else operands[1:]
        if prog == "git":
            at, sub = _subcommand(args, _GIT_VALUE_OPTIONS)
            repo = f"git:{here or '.'}"
            restored = _git_restored(sub, args[at + 1:]) if sub in ("restore", "checkout") else None
            if restored is not None:
                # `git restore a.py`, `git checkout [HEAD] -- a.py`: only the named paths change
                files, index = restored
                top = _git_dir(args[:at], here)
                for p in files:
                    target = join(top, p)
                    if p in (".", "./") or p.endswith("/") or "." not in posixpath.basename(p):
                        dir_writes.add(target)  # `git checkout -- frontend`: a directory, most likely
                    else:
                        writes.add(target)
                if index:
                    writes.add(repo + ":index")
            elif sub in GIT_INDEX_WRITE:
                git_index_write = True
                writes.add(repo + ":index")
                if sub in ("add", "stage"):
                    # it stages the files as they are now: what an edit beside it changes
                    reads.update(_git_staged(args[at + 1:], _git_dir(args[:at], here)))
            elif sub in GIT_COMMIT:
                git_commit = True
                reads.add(repo + ":index")
                writes.add(repo + ":head")
                if any(a in ("-a", "--all") or (a.startswith("-") and not a.startswith("--") and "a" in a[1:])
                       for a in args[at + 1:] if a not in ("-m", "-F")):
                    reads.add(f"src:*:{_git_dir(args[:at], here) or '.'}")  # `commit -a` stages what changed
            elif sub in ("checkout", "switch") and {"-b", "-B", "-c", "-C", "--create"} & set(args):
                writes.add(repo + ":head")  # a new branch at the current commit: no file changes
            elif sub in ("checkout", "switch", "reset", "merge", "rebase", "pull", "stash", "restore",
                         "cherry-pick", "revert", "am", "apply", "clean") and not is_read_only(seg):
                writes.add(repo + ":index")
                writes.add(repo + ":head")
                dir_writes.add(here or ".")
            elif sub in ("push",):
                reads.add(repo + ":head")
            continue
        if prog.lower() in _PS_WRITES:
            _powershell_write(prog.lower(), args, here, reads, writes, dir_writes)
        elif prog in ("mkdir",):
            for p in paths:
                dir_writes.add(join(here, p))
        elif prog in ("rm", "rmdir"):
            for p in paths:
                target = join(here, p)
                writes.add(target)
                if "-r" in args or "-rf" in args or "-fr" in args or "-R" in args or prog == "rmdir":
                    dir_writes.add(target)
        elif prog in ("mv", "cp", "rsync", "ln", "install"):
            if len(paths) >= 2:
                for p in paths[:-1]:
                    reads.add(join(here, p))
                    if prog == "mv":
                        writes.add(join(here, p))
                writes.add(join(here, paths[-1]))
        elif prog in ("touch", "truncate", "tee"):
            for p in paths:
                writes.add(join(here, p))
        elif prog in ("chmod", "chown"):
            read_only = False  # metadata only: it needs the file, it does not rewrite it
            for p in paths[1:]:
                reads.add(join(here, p))
        elif prog in ("sed", "perl") and any(re.match(r"-[^-]*i", a) or a.startswith("--in-place") for a in args):
            for p in paths:  # the script is not among them
                writes.add(join(here, p))
        elif prog in ("tar", "unzip"):
            read_only = False
        elif is_read_only(seg) and prog not in _NO_PATH_ARGS and prog not in _SYSTEM_READERS:
            for p in paths:
                if "/" in p or "." in p:
                    reads.add(join(here, p))
        elif category in ("run",) and len(seg.words) > 1:
            target = seg.words[1]
            if "/" in target or target.endswith((".py", ".js", ".ts", ".sh", ".rb", ".mjs", ".cjs")):
                reads.add(join(here, target))
    writes = {w for w in writes if not is_device(w)}
    reads = {r for r in reads if not is_device(r)}
    if writes or dir_writes:
        read_only = False
    return CommandInfo(segments, read_only, categories, reads, writes, dir_writes, locks, ports,
                       git_index_write, git_commit)


_SHELLS = {"bash", "sh", "zsh", "dash", "ksh", "fish"}


def command_text(value: Any) -> str:
    """The command line of a shell call: a string, or an argv list (``bash -lc CMD`` unwrapped)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return ""
    program = posixpath.basename(value[0]).lower()
    if program in _SHELLS:
        for pos in range(1, len(value) - 1):
            flag = value[pos]
            if not flag.startswith("-") or flag.startswith("--"):
                break
            if "c" in flag[1:]:
                return value[pos + 1]
    powershell = program in ("powershell", "powershell.exe", "pwsh", "pwsh.exe")
    if powershell and len(value) >= 3 and value[-2].lower() == "-command":
        return value[-1]
    return shlex.join(value)


def command_of(call: Any) -> str:
    """The command line a shell-like call runs, whatever the harness's argument shape: a string
    ``command``, an argv list (``["bash", "-lc", "..."]``, unwrapped) or Codex's ``cmd``."""
    raw = call.input.get("command")
    return command_text(raw if raw is not None else call.input.get("cmd"))
