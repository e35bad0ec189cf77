"""CI-facing outputs: SARIF, GitHub annotations, JUnit, JSON Lines; baselines, suppressions, gates."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from tests.conftest import FIXTURES, ROOT, rel

HAND_MADE = [rel(p) for p in sorted(FIXTURES.glob("*.jsonl"))]
SERIAL = "fixtures/claude-code/par101-serial-reads.jsonl"
EDITS = "fixtures/claude-code/par401-edits-no-tests.jsonl"
PLAN = "fixtures/plans/research-plan.md"


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "jsonl"])
def test_every_output_format_on_the_fixtures(cli, snapshot, fmt) -> None:
    result = cli("check", *HAND_MADE, PLAN, "--output-format", fmt)
    assert result.exit_code == 1
    assert result.stdout.replace(f'"version": "{_version()}"', '"version": "<version>"') \
        .replace(f'"semanticVersion": "{_version()}"', '"semanticVersion": "<version>"') == snapshot


def _version() -> str:
    from linter import __version__

    return __version__


def test_sarif_validates_against_the_official_schema(cli) -> None:
    schema = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    result = cli("check", *HAND_MADE, PLAN, "fixtures/claude-code/broken/malformed-middle.jsonl",
                 "--output-format", "sarif")
    doc = json.loads(result.stdout)
    jsonschema.Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"PAR101", "PAR502", "PAR601"}
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("fixtures/")
    assert len(first["partialFingerprints"]["parlint/v1"]) == 32
    assert run["invocations"][0]["executionSuccessful"] is False  # the malformed line is reported


def test_fingerprints_do_not_depend_on_line_numbers(cli, tmp_path) -> None:
    original = (ROOT / SERIAL).read_text(encoding="utf-8")
    shifted = tmp_path / "par101-serial-reads.jsonl"  # the same file name, moved and changed
    # a leading record of an unknown type moves every line down by one
    shifted.write_text('{"type": "custom-title", "title": "x"}\n' + original, encoding="utf-8")
    a = json.loads(cli("check", SERIAL, "--output-format", "sarif").stdout)["runs"][0]["results"][0]
    b = json.loads(cli("check", str(shifted), "--output-format", "sarif").stdout)["runs"][0]["results"][0]
    assert a["locations"][0]["physicalLocation"]["region"]["startLine"] + 1 == \
        b["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert a["partialFingerprints"] == b["partialFingerprints"]


def test_github_annotations_cannot_be_injected(tmp_path) -> None:
    from linter.cost import Savings
    from linter.engine import Diagnostic, RunResult
    from linter.report.github import render

    evil = Diagnostic(code="PAR101", name="serialised-independent-calls", severity="warning", confidence="high",
                      message="50% done\n::error file=x::owned\r", path="a,b:c.jsonl", line=3, call_ids=[],
                      session_id=None, agent_id="main", savings=Savings())
    out = render(RunResult(diagnostics=[evil]))
    assert out == ("::warning file=a%2Cb%3Ac.jsonl,line=3,title=PAR101 serialised-independent-calls::"
                   "50%25 done ::error file=x::owned \n")
    assert out.count("\n") == 1


def test_junit_has_a_case_per_session_and_a_failure_per_finding(cli) -> None:
    result = cli("check", *HAND_MADE, "--output-format", "junit")
    _, doc = cli.json("check", *HAND_MADE)
    root = ET.fromstring(result.stdout)
    suite = root.find("testsuite")
    assert suite is not None
    assert int(suite.get("tests")) == len(doc["sessions"])
    assert len(suite.findall("testcase/failure")) == len(doc["diagnostics"]) == int(suite.get("failures"))


def test_jsonl_is_one_finding_per_line(cli) -> None:
    result = cli("check", *HAND_MADE, "--output-format", "jsonl")
    _, doc = cli.json("check", *HAND_MADE)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["code"], r["path"], r["line"]) for r in rows] == \
        [(d["code"], d["path"], d["line"]) for d in doc["diagnostics"]]
    assert all(len(r["fingerprint"]) == 32 for r in rows)


def test_baseline_reports_only_new_findings_and_stale_entries(cli, tmp_path) -> None:
    serial, edits = tmp_path / "serial.jsonl", tmp_path / "edits.jsonl"
    shutil.copy(ROOT / SERIAL, serial)
    shutil.copy(ROOT / EDITS, edits)
    base = tmp_path / "baseline.json"
    made = cli("baseline", str(serial), str(edits), "-o", str(base))
    assert made.exit_code == 0 and "Recorded 2 findings" in made.stdout
    again = cli("check", str(serial), str(edits), "--baseline", str(base))
    assert again.exit_code == 0
    assert "2 findings already in the baseline." in again.stdout
    # a new file brings a new finding, reported alone
    result, doc = cli.json("check", str(serial), str(edits), "fixtures/claude-code/par202-two-edits-batch.jsonl",
                           "--baseline", str(base))
    assert [d["code"] for d in doc["diagnostics"]] == ["PAR202"]
    assert doc["summary"]["baselined"] == 2 and doc["summary"]["stale_baseline"] == 0
    # a file or rule left out of this run says nothing about its entries
    _, doc = cli.json("check", str(serial), "--baseline", str(base))
    assert doc["summary"]["stale_baseline"] == 0
    _, doc = cli.json("check", str(serial), str(edits), "--select", "PAR1", "--baseline", str(base))
    assert doc["summary"]["stale_baseline"] == 0
    # the edits get their tests: the baseline's PAR401 entry is stale
    shutil.copy(ROOT / "fixtures" / "claude-code" / "clean-tests-after-edit.jsonl", edits)
    _, doc = cli.json("check", str(serial), str(edits), "--baseline", str(base))
    assert doc["summary"]["stale_baseline"] == 1 and doc["stale_baseline"][0]["code"] == "PAR401"
    text = cli("check", str(serial), str(edits), "--baseline", str(base)).stdout
    assert f"1 stale baseline entry no longer found (PAR401 {edits}:" in text


def test_bad_baseline_is_a_clear_error(cli, tmp_path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("{not json", encoding="utf-8")
    result = cli("check", SERIAL, "--baseline", str(bad))
    assert result.exit_code == 2 and "the baseline is not valid JSON" in result.stderr


def test_suppressions_carry_reasons_and_are_counted(cli, tmp_path) -> None:
    config = tmp_path / "parlint.toml"
    config.write_text(
        '[per-path-ignores]\n"fixtures/claude-code/par101-*" = { codes = ["PAR101"], reason = "scripted reads" }\n'
        '[[suppress]]\ncodes = ["PAR401"]\nreason = "validation runs in CI"\n', encoding="utf-8")
    result = cli("check", SERIAL, EDITS, "--config", str(config))
    assert result.exit_code == 0
    assert "2 findings suppressed by configuration (per-path-ignores.\"fixtures/claude-code/par101-*\": " \
           "scripted reads x1; suppress[0]: validation runs in CI x1)" in result.stdout
    shown = cli("check", SERIAL, EDITS, "--config", str(config), "--show-suppressed")
    assert "[suppressed by suppress[0]: validation runs in CI]" in shown.stdout
    _, doc = cli.json("check", SERIAL, EDITS, "--config", str(config), "--show-suppressed")
    assert doc["summary"]["suppressed"] == 2 and len(doc["suppressed"]) == 2


@pytest.mark.parametrize("gate, code", [("info", 1), ("warning", 1), ("error", 0)])
def test_fail_on_sets_the_lowest_failing_severity(cli, gate, code) -> None:
    assert cli("check", SERIAL, "--fail-on", gate).exit_code == code  # PAR101 is a warning


def test_fail_on_error_still_fails_on_errors(cli) -> None:
    assert cli("check", "fixtures/claude-code/par202-two-edits-batch.jsonl", "--fail-on", "error").exit_code == 1
    assert cli("check", "fixtures/claude-code/par202-two-edits-batch.jsonl", "--exit-zero").exit_code == 0


def test_hostile_transcript_text_cannot_inject_commands_or_control_characters(cli, tmp_path) -> None:
    from linter.testing import render

    esc = "\x1b"
    scenario = "\n".join([
        "user: Build and test it.",
        "step: Running both.",
        f'call Bash command="npm run build {esc}[31m::error file=a.py::pwned%0A"',
        "!> ::error file=x::owned\\n%0A" + esc + "[2J",
        'call Bash command="npm test"',
        "-> ok",
        f"step: All builds passed successfully::error::x {esc}[0m%0Adone",
    ])
    path = tmp_path / "hostile.jsonl"
    path.write_text(render(scenario), encoding="utf-8")
    for fmt in ("github", "text"):
        result = cli("check", str(path), "--output-format", fmt)
        assert result.exit_code == 1
        out = result.stdout
        assert esc not in out and "\r" not in out
        assert not any(ch < " " and ch not in "\n\t" for ch in out), fmt
        for line in out.splitlines():
            if fmt == "github":
                assert line.startswith(("::warning file=", "::error file=", "::notice file=")), line
                assert line.count("::") == 2 + line.split("::", 2)[2].count("::")  # only the leading command
            assert not line.startswith("::") or fmt == "github"
    github = cli("check", str(path), "--output-format", "github").stdout
    assert "%0A" not in github.replace("%250A", "")  # a literal %0A in the text is escaped, not a newline
    assert {line.split(" ", 1)[0] for line in github.splitlines()} <= {"::error", "::warning"}


def test_pre_commit_hook_runs_as_pre_commit_would(tmp_path) -> None:
    import re
    import subprocess
    import sys

    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "parlint" and hook["language"] == "python"
    files = re.compile(hook["files"])
    sample = ["sessions/a.jsonl", "run.traj", "docs/tasks.md", "migration-plan.md", "README.md", "src/app.py",
              "docs/explanation.md"]
    chosen = [f for f in sample if files.search(f)]
    assert chosen == ["sessions/a.jsonl", "run.traj", "docs/tasks.md", "migration-plan.md"]
    # pre-commit runs `entry` with the matching staged files appended
    (tmp_path / "sessions").mkdir()
    (tmp_path / "sessions" / "a.jsonl").write_text((ROOT / SERIAL).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "migration-plan.md").write_text("1. Read `a.py`\n2. Read `b.py`\n", encoding="utf-8")
    entry = hook["entry"].split()
    assert entry[0] == "parlint"
    done = subprocess.run([sys.executable, "-m", "linter", *entry[1:], "sessions/a.jsonl", "migration-plan.md"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "sessions/a.jsonl:3:1: PAR101" in done.stdout
