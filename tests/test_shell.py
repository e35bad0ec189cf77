"""Shell command classification."""

from __future__ import annotations

import pytest

from linter.shell import classify


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
    assert classify("cd web && npm test", "/repo").reads >= {"build:/repo/web", "deps:/repo/web"}
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
