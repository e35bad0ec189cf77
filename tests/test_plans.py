"""Plans and orchestration code: parsing, PAR5xx/PAR6xx findings, suppressions, fixes, discovery."""

from __future__ import annotations

import ast
import shutil
import textwrap

import pytest

from linter.plans.markdown import files_in, parse
from tests.conftest import ROOT, rel

PLANS = sorted((ROOT / "fixtures" / "plans").glob("*.md"))
CODE = sorted((ROOT / "fixtures" / "code").glob("*.py"))


def _codes(doc):
    return [(d["code"], d["line"]) for d in doc["diagnostics"]]


@pytest.mark.parametrize("path", PLANS + CODE, ids=[p.name for p in PLANS + CODE])
def test_plan_and_code_fixtures(cli, snapshot_json, path) -> None:
    result, doc = cli.json("check", rel(path))
    assert doc["errors"] == []
    doc["tool"]["version"] = "<version>"
    assert doc == snapshot_json


def test_kiro_tasks_structure() -> None:
    plan = parse((ROOT / "fixtures" / "plans" / "kiro-player-trail-effect-tasks.md").read_text(), "tasks.md")
    numbers = [s.number for s in plan.steps]
    assert numbers[:3] == ["1", "1.1", "1.2"]
    assert len([s for s in plan.steps if s.parent is None]) == len({n.split(".")[0] for n in numbers})
    first = plan.steps[1]
    assert first.parent is plan.steps[0] and "unique ID generation" in first.text
    assert all(s.depends_on == [] for s in plan.steps)  # _Requirements_ name criteria, not tasks
    assert plan.groups == []


def test_cc_sdd_parallel_marks_and_depends_lines() -> None:
    plan = parse((ROOT / "fixtures" / "plans" / "cc-sdd-replace-mockery-tasks.md").read_text(), "tasks.md")
    # "2. (P)", "3. (P)", "4. (P)" run beside each other; so do "2.1 (P)" and "2.2 (P)", and "2.3"
    # (not marked) comes after them
    assert [(g.marker, g.may, [s.number for s in g.steps]) for g in plan.groups] == [
        ("(P)", True, ["2", "3", "4"]), ("(P)", True, ["2.1", "2.2"]), ("(P)", True, ["3.1", "3.2"])]
    assert plan.steps[4].text.startswith("Replace BTC keygen manual stubs")  # the marker is not the title
    deps = parse("- [ ] 4.1 (P) Hook\n  - _Requirements: 1.1_\n  - _Depends: 1.1, 3.2_\n"
                 "- [ ] 4.2 Queue **Depends:** 4.1\n", "tasks.md")
    assert [s.depends_on for s in deps.steps] == [["1.1", "3.2"], ["4.1"]]


def test_markdown_groups_dependencies_and_files() -> None:
    plan = parse(textwrap.dedent("""\
        # Plan
        ## Research (in parallel)
        1. Read `src/a.py`
        2. Read ./src/b.py, then note its API
        ## Build
        3. Update `.goreleaser.yaml` using the results of step 1 and 2
        4. Do not run these in parallel: first migrate, then seed
        - [x] 5. Deploy after step 3
        """), "p.md")
    one, two, three, four, five = plan.steps
    assert one.group is two.group and one.group is not None and one.group.marker == "in parallel"
    assert three.group is None and four.group is None
    assert two.files == {"src/b.py"}
    assert three.files == {".goreleaser.yaml"} and three.outputs == {".goreleaser.yaml"}
    assert three.depends_on == ["1", "2"] and five.depends_on == ["3"] and five.done
    assert files_in("see e.g. v1.2.3 and https://x.org/a.html") == set()


def test_plans_inside_transcripts_are_linted_at_their_line(cli, tmp_path) -> None:
    from linter.testing import render

    scenario = """
    user: Review src/a.py, src/b.py and src/c.py
    step
    call TodoWrite todos:='[{"content": "Read src/a.py", "status": "pending"}, {"content": "Read src/b.py", "status": "pending"}, {"content": "Read src/c.py", "status": "pending"}]'
    step
    call ExitPlanMode plan:='"1. Read `src/a.py`\\n2. Review `src/b.py`\\n3. Inspect `src/c.py`"'
    step
    call TodoWrite todos:='[{"content": "Read src/a.py", "status": "completed"}, {"content": "Read src/b.py", "status": "pending"}, {"content": "Read src/c.py", "status": "pending"}]'
    """
    path = tmp_path / "s.jsonl"
    path.write_text(render(textwrap.dedent(scenario)), encoding="utf-8")
    _, doc = cli.json("check", str(path), "--select", "PAR502")
    # the plan-mode plan is linted at its line; the todo lists are checklists and are not
    assert _codes(doc) == [("PAR502", 4)]


def test_gather_fix_keeps_comments_parses_and_is_idempotent(cli, tmp_path, snapshot) -> None:
    target = tmp_path / "orchestrate.py"
    shutil.copy(ROOT / "fixtures" / "code" / "orchestrate.py", target)
    diff = cli("check", str(target), "--diff")
    assert diff.exit_code == 1
    assert "+    first, second = await asyncio.gather(Runner.run(search_agent, topic_a), " in diff.stdout
    assert target.read_text() == (ROOT / "fixtures" / "code" / "orchestrate.py").read_text()  # --diff changes nothing
    fixed = cli("fix", str(target))
    after = target.read_text()
    assert "Fixed 1 finding in 1 file." in fixed.stderr
    assert after == snapshot
    ast.parse(after)
    assert "# look both topics up first" in after and "# the second topic does not need the first" in after
    assert "# the slow part" in after
    again = cli("fix", str(target))
    assert "Fixed" not in again.stderr and target.read_text() == after
    _, doc = cli.json("check", str(target), "--select", "PAR601")
    assert doc["diagnostics"] == []


def test_fix_relints_only_the_fixed_files(cli, tmp_path) -> None:
    # Standard input cannot be read twice: its session and findings outlive the fix.
    target = tmp_path / "orchestrate.py"
    shutil.copy(ROOT / "fixtures" / "code" / "orchestrate.py", target)
    transcript = (ROOT / "fixtures" / "claude-code" / "par101-serial-reads.jsonl").read_bytes()
    _, before = cli.json("check", "-", str(target), input=transcript)
    result, after = cli.json("check", "-", str(target), "--fix", input=transcript)
    assert "Fixed 1 finding in 1 file." in result.stderr
    assert after["errors"] == []
    assert [s["path"] for s in after["sessions"]] == ["-"]
    assert [(d["path"], d["code"]) for d in after["diagnostics"]] == [
        (d["path"], d["code"]) for d in before["diagnostics"] if d["code"] != "PAR601"]
    assert [d["path"] for d in after["diagnostics"]][0] == "-"


def test_code_acceptance_cases(tmp_path, cli) -> None:
    cases = {
        "independent.py": ("async def main():\n    a = await Runner.run(agent_a, 'x')\n"
                           "    b = await Runner.run(agent_b, 'y')\n    return a, b\n", [("PAR601", 2)]),
        "feeds.py": ("async def main():\n    a = await Runner.run(agent_a, 'x')\n"
                     "    b = await Runner.run(agent_b, a.final_output)\n    return b\n", []),
        "dropped.py": ("import asyncio\n\nasync def main():\n    asyncio.create_task(job())\n", [("PAR602", 4)]),
    }
    for name, (source, expected) in cases.items():
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        _, doc = cli.json("check", str(path), "--select", "PAR601,PAR602")
        assert _codes(doc) == expected, name


def test_syntax_error_names_file_and_line(cli, tmp_path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("async def main(:\n    pass\n", encoding="utf-8")
    result, doc = cli.json("check", str(path))
    assert result.exit_code == 2
    assert doc["errors"][0]["line"] == 1 and "Python syntax error" in doc["errors"][0]["message"]


def test_directory_walk_uses_plan_and_code_globs(cli, tmp_path) -> None:
    (tmp_path / "README.md").write_text("1. Read `a.py`\n2. Read `b.py`\n3. Read `c.py`\n", encoding="utf-8")
    (tmp_path / "migration-plan.md").write_text("1. Read `a.py`\n2. Read `b.py`\n3. Read `c.py`\n", encoding="utf-8")
    (tmp_path / "flow.py").write_text("import asyncio\n\nasync def f():\n    asyncio.create_task(g())\n")
    _, doc = cli.json("check", str(tmp_path))
    assert [(d["code"], d["path"].rsplit("/", 1)[-1]) for d in doc["diagnostics"]] == [("PAR502", "migration-plan.md")]
    config = tmp_path / "parlint.toml"
    config.write_text('code-globs = ["*.py"]\n', encoding="utf-8")
    _, doc = cli.json("check", str(tmp_path), "--config", str(config))
    assert sorted(d["code"] for d in doc["diagnostics"]) == ["PAR502", "PAR602"]


def test_gather_fix_keeps_unpacking_targets_apart(cli, tmp_path) -> None:
    source = (
        "import asyncio\n\n\n"
        "async def fetch(u):\n    return [u, 2, 3]\n\n\n"
        "async def main():\n"
        "    first, *rest = await fetch(1)\n"
        "    a, b, c = await fetch(2)\n"
        "    q = await fetch(3)\n"
        "    return first, rest, a, b, c, q\n"
    )
    target = tmp_path / "flow.py"
    target.write_text(source, encoding="utf-8")
    before: dict = {}
    exec(compile(source + "\nresult = asyncio.run(main())\n", "before", "exec"), before)
    cli("fix", str(target))
    fixed = target.read_text(encoding="utf-8")
    assert "    (first, *rest), (a, b, c), q = await asyncio.gather(fetch(1), fetch(2), fetch(3))\n" in fixed
    after: dict = {}
    exec(compile(fixed + "\nresult = asyncio.run(main())\n", "after", "exec"), after)
    assert after["result"] == before["result"]


def test_a_paragraph_at_the_margin_ends_a_parallel_list() -> None:
    from linter.plans.markdown import parse

    text = ("Parallel tasks:\n"
            "- [ ] Add the users route in `src/routes/users.py`\n\n"
            "- [ ] Add the orders route in `src/routes/orders.py`\n\n"
            "Then, once both are merged:\n"
            "- [ ] Register both routes in `src/app.py`\n"
            "- [ ] Run the tests\n")
    plan = parse(text, "plan.md")
    assert [(g.line, [s.line for s in g.steps]) for g in plan.groups] == [(1, [2, 4])]


def test_sub_headings_of_a_parallel_phase_are_its_workstreams() -> None:
    from linter.plans.markdown import parse

    text = ("## Phase 1 (in parallel)\n\n### Agent A\n1. Add `src/a.py`\n2. Test `src/a.py`\n\n"
            "### Agent B\n1. Add `src/b.py`\n2. Test `src/b.py`\n\n## Phase 2\n1. Run the full test suite\n")
    plan = parse(text, "plan.md")
    assert [[(s.text, [c.line for c in s.children]) for s in g.steps] for g in plan.groups] == [
        [("Agent A", [4, 5]), ("Agent B", [8, 9])]]
