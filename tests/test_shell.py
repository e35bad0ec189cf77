"""Shell command classification."""

from __future__ import annotations

import pytest

from linter.deps import depends
from linter.effects import WRITE, Effect, Resolver, shell_effect
from linter.shell import classify, join

_REPO = Resolver("/repo")


def _edit(path: str) -> Effect:
    """An Edit of ``path`` (relative to /repo)."""
    return Effect(WRITE, writes=frozenset([_REPO.resource(path)]), label=path)


def _dependent(first: Effect | str, then: str) -> bool:
    """Does the command ``then``, issued in one batch after ``first`` (an effect or a command), depend on it?"""
    before = shell_effect(first, _REPO) if isinstance(first, str) else first
    return depends(before, shell_effect(then, _REPO)) is not None


@pytest.mark.parametrize("command,read_only,categories", [
    ("git status", True, set()),
    ("git diff HEAD~1 | head -50", True, set()),
    ("cat src/a.py && wc -l src/b.py", True, set()),
    ("grep -rn foo src/ 2>/dev/null", True, set()),
    ("sed -i s/a/b/ f.txt", False, set()),
    ("echo hi > out.txt", False, set()),
    ("npm run build", False, {"build"}),
    ("cd web && npm test", False, {"test"}),
    ("pytest -q tests/ 2>&1 | tail -5", False, {"test"}),
    ("uv run pytest -x", False, {"test"}),
    ("ruff check .", False, {"lint"}),
    ("npx tsc --noEmit", False, {"typecheck"}),
    ("go test ./...", False, {"test"}),
    ("mise run test:integration", False, {"test"}),
    ("pip install -e .", False, {"install"}),
    ("python manage.py migrate", False, {"migrate"}),
    ("npx create-next-app@latest app", False, set()),
    # Gradle tasks by name, of a module or not
    ("./gradlew :ui:compileDebugKotlin", False, {"build"}),
    ("gradle assembleDebug", False, {"build"}),
    ("./gradlew --no-daemon :app:assembleRelease", False, {"build"}),
    ("./gradlew testDebugUnitTest", False, {"test"}),
    ("./gradlew :app:connectedAndroidTest", False, {"test"}),
    ("./gradlew check", False, {"test"}),
    ("./gradlew ktlintCheck", False, {"lint"}),
    ("./gradlew checkstyleMain", False, {"lint"}),
    ("./gradlew clean", False, {"run"}),  # no check: a script run, as before
])
def test_classify(command: str, read_only: bool, categories: set[str]) -> None:
    info = classify(command, "/repo")
    assert info.read_only is read_only
    assert info.categories == categories


def test_resources() -> None:
    info = classify("mkdir -p out && echo hi > out/x.txt", "/repo")
    assert info.dir_writes == {"/repo/out"} and info.writes == {"/repo/out/x.txt"}
    info = classify("git add -A && git commit -m 'x'", "/repo")
    assert "git:/repo:index" in info.writes and "git:/repo:index" in info.reads
    assert classify("cd web && npm test", "/repo").reads >= {"build:js:/repo/web", "deps:js:/repo/web"}
    assert classify("cat <<EOF > f.txt\nhello > nope.txt\nEOF", "/repo").writes == {"/repo/f.txt"}
    assert classify("PORT=3000 npm run dev", "/repo").ports == {"3000"}
    assert classify("echo 'unbalanced", "/repo").segments  # falls back, no exception


def test_here_documents_are_data() -> None:
    # a closed here-document, then another command
    info = classify("cat > a.ts << 'EOF'\nx => y\nEOF\nls > out.txt", "/repo")
    assert info.writes == {"/repo/a.ts", "/repo/out.txt"}
    assert [s.program for s in info.segments] == ["cat", "ls"]
    # a here-document cut short (transcripts bound long inputs): its body is not parsed as commands
    cut = classify("cat > types/utils.ts << 'EOF'\nexport type F = (t: T) => boolean;\nfoo & bar", "/repo")
    assert cut.writes == {"/repo/types/utils.ts"}
    assert [s.program for s in cut.segments] == ["cat"]


def test_git_reads_and_writes() -> None:
    assert classify("git stash list", "/repo").writes == set()
    assert classify("git stash", "/repo").writes == {"git:/repo:index", "git:/repo:head"}
    assert classify("git checkout -b feat/x", "/repo").writes == {"git:/repo:head"}
    assert classify("git checkout -b feat/x", "/repo").dir_writes == set()
    assert classify("git checkout main", "/repo").dir_writes == {"/repo"}


@pytest.mark.parametrize(("command", "category"), [
    (".venv/bin/python -m pytest tests/test_pager.py -q", "test"),
    ("venv/bin/pytest", "test"),
    ("bundle exec rspec spec/a_spec.rb", "test"),
    ("docker compose exec web pytest", "test"),
    ("pnpm --filter api test", "test"),
    ("yarn workspace web lint", "lint"),
    ("uvx ruff check .", "lint"),
])
def test_runners_in_front_of_the_tool(command: str, category: str) -> None:
    assert category in classify(command, "/repo").categories


def test_builds_that_run_the_app() -> None:
    assert classify("just", "/repo").categories == {"build"}
    assert classify("docker compose up --build -d", "/repo").categories == {"build"}
    assert classify("docker compose up -d", "/repo").categories == set()


def test_in_place_edits_and_read_only_commands() -> None:
    assert classify("sed -i '' 's/foo/bar/g' src/a.py", "/repo").writes == {"/repo/src/a.py"}
    assert classify("sed -Ei 's/a/b/' src/a.py", "/repo").writes == {"/repo/src/a.py"}
    assert classify("ls db/migrate", "/repo").categories == set()
    assert classify("grep -rn seed src/", "/repo").categories == set()


@pytest.mark.parametrize(("command", "read_only"), [
    # system inspection only looks, unless a word makes it change something
    ("lscpu", True),
    ("nvidia-smi --query-gpu=name,memory.total --format=csv", True),
    ("nvidia-smi -pl 300", False),
    ("systemctl status nginx", True),
    ("systemctl restart nginx", False),
    ("journalctl -u sshd -e -n 50", True),
    ("journalctl --vacuum-size=1G", False),
    ("ip addr show dev eth0", True),
    ("ip route add 10.0.0.0/8 via 192.168.1.1", False),
    ("ipconfig /all", True),
    ("ipconfig /flushdns", False),
    ('reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\TimeZoneInformation" /v RealTimeIsUniversal', True),
    ("reg add HKLM\\Software\\X /v Y /t REG_DWORD /d 1", False),
    ("w32tm /query /status", True),
    ("w32tm /resync", False),
    ("winget search latencymon", True),
    ("winget install Resplendence.LatencyMon", False),
    ("wmic os get osarchitecture", True),
    ("wmic process call create notepad.exe", False),
    # PowerShell's Get verb only retrieves; its parameters are no files
    ('Get-NetRoute -DestinationPrefix "0.0.0.0/0" | Select-Object -ExpandProperty NextHop', True),
    ("Set-Service w32time -StartupType Automatic", False),
])
def test_system_inspection(command: str, read_only: bool) -> None:
    info = classify(command, "/repo")
    assert info.read_only is read_only
    if read_only:
        assert info.reads == set()


@pytest.mark.parametrize(("command", "reads", "writes"), [
    # the script of sed, awk, jq and perl is not a file, whatever its delimiters
    ("sed 's#^#./#' files.txt", {"/repo/files.txt"}, set()),
    ("sed -e 's/x/y/' -e 's/q/r/' a.txt", {"/repo/a.txt"}, set()),
    ("sed -n 1,5p a.txt b.txt", {"/repo/a.txt", "/repo/b.txt"}, set()),
    ("jq '.scripts' package.json", {"/repo/package.json"}, set()),
    ("awk -f prog.awk data.txt", {"/repo/prog.awk", "/repo/data.txt"}, set()),
    ("sed -i.bak -e 's/a/b/' x.py y.py", set(), {"/repo/x.py", "/repo/y.py"}),
    ("perl -i -pe 's/a/b/' f.c", None, {"/repo/f.c"}),
])
def test_script_words_are_not_files(command: str, reads: set[str] | None, writes: set[str]) -> None:
    info = classify(command, "/repo")
    if reads is not None:
        assert info.reads == reads
    assert info.writes == writes


@pytest.mark.parametrize(("command", "reads"), [
    ('Get-Content -Path "C:\\Users\\ana\\notes.md"', {"C:/Users/ana/notes.md"}),
    ("get-content README.md | Select-Object -First 50", {"C:/repo/README.md"}),
    ("Select-String -Pattern parse.args -Path src\\cli.py", {"C:/repo/src/cli.py"}),  # unquoted, as PowerShell takes it
    ("Get-ChildItem -Path src -Filter *.ts -Recurse", set()),
])
def test_powershell_cmdlets_that_only_look_read_their_paths(command: str, reads: set) -> None:
    info = classify(command, "C:/repo")
    assert info.read_only and info.reads == reads


@pytest.mark.parametrize(("command", "writes", "dir_writes"), [
    ("Set-Content -Path src\\a.ts -Value x", {"C:/repo/src/a.ts"}, set()),
    ("Out-File -FilePath out.txt -InputObject $x", {"C:/repo/out.txt"}, set()),
    ("New-Item -ItemType Directory -Path out", {"C:/repo/out"}, {"C:/repo/out"}),
    ("New-Item -Path src -Name b.ts -ItemType File", {"C:/repo/src/b.ts"}, set()),
    ("remove-item -Recurse -Force build", {"C:/repo/build"}, {"C:/repo/build"}),
    ("Move-Item -Path a.txt -Destination d\\a.txt", {"C:/repo/a.txt", "C:/repo/d/a.txt"}, set()),
])
def test_powershell_cmdlets_that_change_files(command: str, writes: set, dir_writes: set) -> None:
    info = classify(command, "C:/repo")
    assert not info.read_only and (info.writes, info.dir_writes) == (writes, dir_writes)


def test_windows_paths_resolve_like_any_other() -> None:
    from linter.effects import Resolver

    assert join("C:\\repo", "src\\a.ts") == join("C:/repo", "C:\\repo\\src\\a.ts") == "C:/repo/src/a.ts"
    r = Resolver("c:\\repo")
    assert r.resource("C:\\repo\\src\\a.ts") == r.resource("src/a.ts") == "src/a.ts"
    assert "src\\a.ts" in r.forms("src/a.ts")  # as a Windows tool prints it
    assert classify("find . -name \\*.py -exec rm {} \\;", "/w").segments[0].words[3] == "*.py"  # still an escape
    assert not classify("Set-Content -Path a.txt -Value x", "C:/repo").read_only


def test_windows_paths_without_a_working_directory() -> None:
    """A session that records no working directory (Gemini CLI's JSON files) still sees one file
    in `C:\\Users\\ana\\a.txt` and `C:/Users/ana/a.txt`, and spells neither as relative."""
    from linter.effects import Resolver

    r = Resolver(None)
    assert r.resource("C:\\Users\\ana\\a.txt") == r.resource("c:/Users/ana/a.txt") == "C:/Users/ana/a.txt"
    assert set(r.forms("C:\\Users\\ana\\a.txt")) == {"C:/Users/ana/a.txt", "C:\\Users\\ana\\a.txt"}


@pytest.mark.parametrize(("command", "reads"), [
    ("rg --files -g '!*.pyc' -g '!__pycache__'", set()),  # glob values are not files
    ("rg -t py -n import src/app.py", {"/repo/src/app.py"}),
    ("grep -rn config.load src/app.py", {"/repo/src/app.py"}),  # the pattern is not a file
    ("grep -A 3 -e parse.args cli.py main.py", {"/repo/cli.py", "/repo/main.py"}),
])
def test_searches_read_their_operands_not_their_pattern_or_option_values(command: str, reads: set) -> None:
    assert classify(command, "/repo").reads == reads


@pytest.mark.parametrize("command", [
    "command -v node",
    "command -v rg >/dev/null && echo yes",
    "type python3",
    "which -a python3.11",
    "git config --get user.email",
    "git config user.name",
    "git config --global user.name",
    "git config --global --get-regexp alias",
    "git config --list --show-origin",
    "git config -l",
    "git -C sub config remote.origin.url",
    "docker ps -a",
    "docker images",
    "docker logs -f web.1",
    "docker inspect web",
    "docker compose ps",
    "kubectl get pods -o wide",
    "kubectl -n prod describe pod api-0",
    "kubectl logs --tail=50 api-0",
    "gh pr view 12 --json title",
    "gh pr list",
    "gh issue view 3",
    "gh run view 42 --log",
])
def test_lookups_and_status_queries_only_read(command: str) -> None:
    info = classify(command, "/repo")
    assert info.read_only, command
    assert info.writes == set() and info.dir_writes == set() and info.reads == set()


@pytest.mark.parametrize("command", [
    "git config user.name Bob",
    "git config --global core.editor vim",
    "git config --unset user.name",
    "git config --add remote.origin.fetch x",
    "git config set user.name Bob",
    "docker rm web",
    "docker compose up -d",
    "kubectl apply -f deploy.yaml",
    "kubectl delete pod api-0",
    "gh pr create --fill",
    "gh pr merge 12",
    "command rm -rf build",
])
def test_commands_that_change_something_are_not_read_only(command: str) -> None:
    assert not classify(command, "/repo").read_only, command


def test_git_restore_writes_the_named_paths() -> None:
    for command in ("git restore src/a.py", "git checkout -- src/a.py", "git restore --source=HEAD~1 src/a.py",
                    "cd src && git checkout -- a.py", "git -C src restore a.py"):
        info = classify(command, "/repo")
        assert (info.writes, info.dir_writes) == ({"/repo/src/a.py"}, set()), command
    # from a commit, the index entry is reset too; HEAD does not move
    info = classify("git checkout HEAD -- a.py b.py", "/repo")
    assert info.writes == {"/repo/a.py", "/repo/b.py", "git:/repo:index"} and info.dir_writes == set()
    assert classify("git restore --staged a.py", "/repo").writes == {"git:/repo:index"}
    assert classify("git restore -SW a.py", "/repo").writes == {"/repo/a.py", "git:/repo:index"}
    assert classify("git checkout -- src/", "/repo").dir_writes == {"/repo/src"}
    # a glob, or a branch switch, still changes the whole tree
    assert classify("git restore '*.py'", "/repo").dir_writes == {"/repo"}
    assert classify("git checkout main", "/repo").dir_writes == {"/repo"}


@pytest.mark.parametrize("command", [
    "echo hi | tee /dev/null", "echo hi | tee -a /dev/stderr", "echo hi > /dev/stdout", "echo hi >/dev/null 2>&1",
    "ls &> /dev/null", "echo oops >&2", "echo oops 1>/dev/stderr", "cat x.log > /dev/fd/2",
])
def test_devices_are_not_files(command: str) -> None:
    info = classify(command, "/repo")
    assert info.writes == set() and info.read_only, command


def test_tee_writes_its_files_but_not_devices() -> None:
    assert classify("echo hi | tee out.txt /dev/null", "/repo").writes == {"/repo/out.txt"}
    assert classify("cp build.log /dev/null", "/repo").writes == set()


@pytest.mark.parametrize(("command", "label"), [
    ("cd /repo/test/gemini_test && git checkout main", "git checkout main"),
    ("cd 'my dir' && npm test\nnpm run lint", "npm test"),
    ("cd /repo", "cd /repo"),
    ("npm test", "npm test"),
    # a line that ends in a backslash goes on in the next one
    ("\\\n  sed -i 's/a/b/' \\\n    src/x.go \\\n    src/y.go", "sed -i 's/a/b/' src/x.go src/y.go"),
    ("go vet ./... \\\r\n  && go test ./...", "go vet ./... && go test ./..."),
])
def test_a_command_is_labelled_by_what_it_runs_after_a_leading_cd(command: str, label: str) -> None:
    assert shell_effect(command, _REPO).label == label


@pytest.mark.parametrize(("command", "category"), [
    ("gofmt -w .", "format"),
    ("go fmt ./...", "format"),
    ("black src", "format"),
    ("ruff format .", "format"),
    ("npx prettier --write src", "format"),
    ("cargo fmt", "format"),
    ("mise run fmt", "format"),
    ("npm run format", "format"),
    ("black --check src", "lint"),
    ("ruff format --check .", "lint"),
    ("cargo fmt --check", "lint"),
    ("gofmt -l .", "lint"),
    ("npx prettier --check src", "lint"),
])
def test_formatters_rewrite_the_source_and_checks_only_read_it(command: str, category: str | None) -> None:
    info = classify(command, "/repo")
    assert (sorted(info.categories) or [None]) == [category]
    written = [res for res in info.writes if res.startswith("src:")]
    read = [res for res in info.reads if res.startswith("src:")]
    if category == "format":
        assert written and not read
    elif category == "lint":
        assert read and not written


_LANG_JS = "src:.js,.jsx,.mjs,.cjs,.ts,.tsx,.mts,.cts,.vue,.svelte:"


@pytest.mark.parametrize(("command", "covers"), [
    ("ruff check src/a.py", ["src:.py,.pyi:src/a.py"]),  # the files it is given
    ("ruff check src tests", ["src:.py,.pyi:src", "src:.py,.pyi:tests"]),
    ("npx prettier --write 'docs/**/*.md'", [_LANG_JS + "docs"]),  # a glob: its literal directory
    ("npx tsc -p tsconfig.json", [_LANG_JS + "."]),  # an option's value is no path to check
    ("go vet ./...", ["src:.go:."]),
    ("python -m pytest tests/test_models.py", ["src:.py,.pyi:."]),  # tests import the code: all of it
    ("npm test -w packages/web", ["src:*:packages/web"]),  # a workspace by directory
    ("pnpm --filter @acme/web test", []),  # a package by name: not known here
    ("cargo test -p core", []),
    ("cargo test --workspace --all-features", ["src:.rs:."]),
    ("mise run lint", ["src:*:."]),  # a generic runner: any code
    ("npx tsc --version", []),  # no run at all
])
def test_a_check_covers_the_paths_it_names_in_its_language(command: str, covers: list[str]) -> None:
    effect = shell_effect(command, _REPO)
    assert sorted(res for res in effect.reads | effect.writes if res.startswith("src:")) == covers


@pytest.mark.parametrize(("edited", "command", "dependent"), [
    ("src/a.py", "ruff check src/a.py", True),
    ("src/b.py", "ruff check src/a.py", False),
    ("src/a.py", "ruff check --fix . && pytest", True),
    ("backend/app.py", "npx eslint frontend/src", False),
    ("src/app.ts", "npx prettier --write README.md CHANGELOG.md", False),
    ("tests/test_api.py", "black src/", False),
    ("src/models.py", "python -m pytest tests/test_models.py", True),
    ("cmd/x.go", "go test ./...", True),
    ("web/src/App.tsx", "go test ./...", False),  # another language
    ("scripts/bump_version.py", "cargo fmt", False),
    ("packages/web/src/a.ts", "npm test -w packages/web", True),
    ("packages/api/src/handler.ts", "npm test -w packages/web", False),
    ("packages/api/src/handler.ts", "pnpm --filter @acme/web test", False),
    ("src/a.ts", "npx tsc --noEmit", True),
    ("src/a.ts", "npx tsc --version", False),
    ("cmd/hooks.go", "mise run fmt && mise run lint", True),
    ("/opt/other/tool.py", "pytest -q", False),  # outside the directory the tests run in
    ("README.md", "npm run lint", False),  # not code
])
def test_an_edit_and_a_check_over_it(edited: str, command: str, dependent: bool) -> None:
    assert _dependent(_edit(edited), command) is dependent


@pytest.mark.parametrize(("first", "second", "dependent"), [
    ("gofmt -w .", "golangci-lint run", True),
    ("mise run fmt", "mise run lint", True),
    ("black src", "mypy src/a.py", False),  # a formatter changes no type: the check answers alike
    ("mise run fmt", "go test ./...", False),  # nor what the tests see
    ("go test ./...", "gofmt -w .", False),
    ("gofmt -w .", "go build ./...", False),
    ("gofmt -w .", "git add -A", True),  # what gets staged does change
    ("ruff check --fix src", "pytest -q", True),  # a fix is more than layout
    ("gofmt -w .", "npx eslint .", False),  # different files
    ("npx prettier --write docs/", "npx eslint src", False),
    ("black src", "ruff format src", False),  # two formatters: either order ends alike
])
def test_a_formatter_and_a_check(first: str, second: str, dependent: bool) -> None:
    assert _dependent(first, second) is dependent


@pytest.mark.parametrize(("command", "category"), [
    ("deno fmt", "format"), ("deno fmt --check", "lint"),
    ("dotnet format", "format"), ("dotnet format --verify-no-changes", "lint"),
    ("mix format", "format"), ("mix format --check-formatted", "lint"),
    ("shfmt -w run.sh", "format"), ("dart format .", "format"),
])
def test_more_formatters_and_their_check_modes(command: str, category: str) -> None:
    assert classify(command, "/repo").categories == {category}


@pytest.mark.parametrize("command", ["npx eslint --fix src", "ruff check --fix .", "npm run lint:fix", "rubocop -a"])
def test_a_lint_that_fixes_also_rewrites_what_it_covers(command: str) -> None:
    info = classify(command, "/repo")
    assert info.categories == {"lint"}
    assert [r for r in info.writes if r.startswith("src:")] == [r for r in info.reads if r.startswith("src:")] != []


@pytest.mark.parametrize(("build", "then", "dependent"), [
    ("npm run build", "npm test", True),  # the tests may run the bundle
    ("npm run build", "npm start", True),
    ("make", "make test", True),
    ("cmake --build build", "ctest", True),
    ("docker build -t app .", "docker run app", True),
    ("docker compose build", "docker compose up -d", True),
    ("mvn package", "java -jar target/app.jar", True),
    ("cargo build", "./target/debug/server", True),
    ("go build -o bin/app ./cmd/app", "./bin/app", True),
    ("go build ./...", "go test ./...", False),  # go test compiles what it tests itself
    ("cargo build --release", "cargo test", False),
    ("./gradlew assemble", "./gradlew test", False),
    ("go build ./...", "go run ./cmd/x", False),
    ("docker build -t app .", "pytest -q", False),  # another toolchain
    ("npm run build", "pytest -q", False),
])
def test_a_build_and_what_uses_it(build: str, then: str, dependent: bool) -> None:
    assert _dependent(build, then) is dependent


@pytest.mark.parametrize("command", ["coverage run -m pytest", "hatch test", "hatch run test", "hatch run test:all",
                                     "rye test", "pdm run pytest"])
def test_more_test_runners(command: str) -> None:
    assert classify(command, "/repo").categories == {"test"}


@pytest.mark.parametrize(("command", "read_only"), [
    ("npx tsc --version", True),
    ("python -m app --help", False),  # runs the program, which imports its code
    ("python src/app.py --help", False),
])
def test_version_and_help(command: str, read_only: bool) -> None:
    assert classify(command, "/repo").read_only is read_only


@pytest.mark.parametrize(("install", "then", "dependent"), [
    ("npm install", "npm run build", True),
    ("pip install -e .", "pytest", True),
    ("uv sync", "uv run pytest", True),
    ("npm install", "make test", True),  # a generic runner may use any
    ("apt-get install -y libpq-dev", "python app.py", True),  # system packages are anyone's
    ("npm install", "pytest -q", False),  # another language's dependencies
    ("pip install -e .", "npm test", False),
    ("go mod tidy", "pytest", False),
])
def test_an_install_and_what_uses_it(install: str, then: str, dependent: bool) -> None:
    assert _dependent(install, then) is dependent


@pytest.mark.parametrize(("first", "then", "dependent"), [
    ("mkdir -p out", "cp a.txt out/", True),  # a copy into the directory being made
    ("mkdir -p out/sub", "touch out/sub/x", True),
    ("mkdir -p out", "mkdir -p out", False),  # the same directory either way
])
def test_a_directory_and_what_goes_into_it(first: str, then: str, dependent: bool) -> None:
    assert _dependent(first, then) is dependent


@pytest.mark.parametrize(("command", "dependent"), [
    ("git add src/a.py && git commit -m fix", True),  # stages the file as it is when it runs
    ("git add -A", True),
    ("git commit -am fix", True),
    ("git add src/b.py", False),
    ("git commit -m fix", False),  # commits the index, which the edit does not touch
    ("git status", False),
])
def test_an_edit_and_git_staging_beside_it(command: str, dependent: bool) -> None:
    assert _dependent(_edit("src/a.py"), command) is dependent


@pytest.mark.parametrize(("command", "named"), [
    ("ls src", "src"),
    ("cd pkg && ls -la tests", "tests"),
    ("cd web && ls", "web"),
    ("find scripts -maxdepth 2 -name helper", "scripts"),
    ("cat Makefile", "Makefile"),
    ("head -n 20 CHANGES", "CHANGES"),
    ("docker logs project-api-1 --tail 50", "project-api-1"),
    ("docker compose logs api", "api"),
    ("kubectl describe pod web-7d9f8b6c5-x2x9z", "web-7d9f8b6c5-x2x9z"),
    ("gh pr view 123 --comments", "123"),
    ("gh issue view 45", "#45"),
    ("pip show requests", "requests"),
    ("npm ls react", "react"),
])
def test_a_listing_names_its_plain_paths(command: str, named: str) -> None:
    """`ls src` lists a directory an earlier listing may have shown: its name is a value of the call."""
    assert any(named in forms for forms in shell_effect(command, _REPO).values)


@pytest.mark.parametrize("command", ["ls -la", "find . -name helper", "echo src", "head -n 20 a/b.txt",
                                     "docker logs", "docker compose ps", "kubectl get", "gh pr list",
                                     "gh pr list --limit 20", "pip list", "npm test"])
def test_no_plain_path_from_options_or_other_programs(command: str) -> None:
    words = {w for forms in shell_effect(command, _REPO).values for w in forms}
    assert not words & {"helper", "src", "20", "logs", "compose", "ps", "get", "list", "test"}


@pytest.mark.parametrize("command", ["git diff 45df707c..0f186b81 --stat", "git log 45df707c...0f186b81"])
def test_both_ends_of_a_revision_range_are_values(command: str) -> None:
    """A range's commits may come from an earlier `git log`: each end is a value of its own."""
    words = {w for forms in shell_effect(command, _REPO).values for w in forms}
    assert {"45df707c", "0f186b81"} <= words


@pytest.mark.parametrize(("op", "target", "any_stream", "output_only"), [
    (">", "a.py", True, True),
    (">>", "a.py", True, True),
    ("&>", "log.txt", True, True),
    ("2>", "err.log", True, False),  # error messages only
    (">", "/dev/null", False, False),
    ("2>", "&1", False, False),
    ("<", "in.txt", False, False),
])
def test_redirect_writes_a_file(op: str, target: str, any_stream: bool, output_only: bool) -> None:
    from linter.shell import redirect_writes

    assert redirect_writes(op, target) is any_stream
    assert redirect_writes(op, target, errors=False) is output_only
