"""The command line: exit codes, errors that name the file and line, selection, config, safety."""

from __future__ import annotations

import json
import os
import re

from tests.conftest import FIXTURES, rel

SERIAL = rel(FIXTURES / "par101-serial-reads.jsonl")
CLEAN = rel(FIXTURES / "clean-batched-reads.jsonl")
BROKEN = FIXTURES / "broken"


def test_exit_codes(cli) -> None:
    assert cli("check", CLEAN).exit_code == 0
    assert cli("check", SERIAL).exit_code == 1
    assert cli("check", SERIAL, "--exit-zero").exit_code == 0
    assert cli("check", "no/such/file.jsonl").exit_code == 2
    assert cli("check").exit_code == 2  # usage error: no path


def test_text_output_is_one_line_per_finding(cli) -> None:
    out = cli("check", SERIAL).stdout.splitlines()
    assert re.match(r"^fixtures/claude-code/par101-serial-reads\.jsonl:3:1: PAR101 3 independent read-only calls", out[0])
    assert out[2] == "Found 1 finding (PAR101 x1)."
    assert out[3] == "1 session checked."
    assert out[-1] == ("Estimated missed savings: 2 extra round trips, 100-200 overhead tokens, "
                       "40,171 context tokens re-read, $0.0144 at list prices, 4.0 s of waiting.")


def test_missing_path_is_reported_and_others_still_checked(cli) -> None:
    result, doc = cli.json("check", "missing.jsonl", SERIAL)
    assert result.exit_code == 2
    assert doc["errors"] == [{"path": "missing.jsonl", "line": None, "message": "no such file or directory",
                              "level": "error"}]
    assert [d["code"] for d in doc["diagnostics"]] == ["PAR101"]
    assert "missing.jsonl: error: no such file or directory" in result.stderr


def test_malformed_line_names_file_and_line(cli) -> None:
    path = rel(BROKEN / "malformed-middle.jsonl")
    result, doc = cli.json("check", path, CLEAN)
    assert result.exit_code == 2
    assert doc["errors"] == [{"path": path, "line": 6, "message": "line contains invalid json; line skipped",
                              "level": "error"}]
    assert len(doc["sessions"]) == 2  # both files were checked
    assert f"{path}:6: error: line contains invalid json" in result.stderr
    assert "Traceback" not in result.stderr


def test_truncated_last_line_is_a_warning(cli) -> None:
    path = rel(BROKEN / "truncated-last-line.jsonl")
    result, doc = cli.json("check", path)
    assert doc["errors"][0]["level"] == "warning" and doc["errors"][0]["line"] == 9
    assert result.exit_code == 1  # findings, and a warning does not make it an input error


def test_explicit_non_transcript_is_an_error_but_walked_one_is_skipped(cli, tmp_path) -> None:
    result = cli("check", rel(BROKEN / "not-a-transcript.jsonl"))
    assert result.exit_code == 2
    assert "not JSON: the first line is neither a JSON value" in result.stderr
    (tmp_path / "notes.jsonl").write_text('{"a": 1}\n')
    result = cli("check", str(tmp_path / "notes.jsonl"))
    assert result.exit_code == 2
    assert "not a recognised transcript format" in result.stderr
    (tmp_path / "s.jsonl").write_text((FIXTURES / "clean-batched-reads.jsonl").read_text())
    result, doc = cli.json("check", str(tmp_path))
    assert result.exit_code == 0
    assert doc["summary"]["skipped"] == 1 and len(doc["sessions"]) == 1


def test_empty_and_binary_files_are_named_for_what_they_are(cli, tmp_path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n\n")
    (tmp_path / "blob.jsonl").write_bytes(bytes(range(256)))
    good = tmp_path / "s.jsonl"
    good.write_text((FIXTURES / "clean-batched-reads.jsonl").read_text())
    result, doc = cli.json("check", str(tmp_path / "empty.jsonl"), str(tmp_path / "blob.jsonl"), str(good))
    assert [(e["line"], e["level"], e["message"]) for e in doc["errors"]] == [
        (None, "warning", "empty file: nothing to check"),
        (1, "error", "not JSON: the first line is neither a JSON value nor the start of a JSON document; not checked"),
    ]
    assert len(doc["sessions"]) == 1 and result.exit_code == 2


def _pretty(path, out) -> None:
    """The records of a JSON Lines file, each pretty-printed over several lines (`jq . file`)."""
    records = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    out.write_text("".join(json.dumps(r, indent=2) + "\n" for r in records))


def test_pretty_printed_json_lines_read_as_their_records(cli, tmp_path) -> None:
    """A session passed through `jq .` before it was saved gives the same findings, each at the
    line its record starts on."""
    pretty = tmp_path / "pretty.jsonl"
    _pretty(FIXTURES / "par101-serial-reads.jsonl", pretty)
    _, compact = cli.json("check", SERIAL)
    result, doc = cli.json("check", str(pretty))
    assert result.exit_code == 1 and doc["errors"] == []
    assert [(d["code"], d["call_ids"]) for d in doc["diagnostics"]] == \
        [(d["code"], d["call_ids"]) for d in compact["diagnostics"]]
    starts = [n for n, line in enumerate(pretty.read_text().splitlines(), 1) if line == "{"]
    assert doc["diagnostics"][0]["line"] in starts and doc["diagnostics"][0]["line"] > 1
    assert doc["sessions"][0]["tool_calls"] == compact["sessions"][0]["tool_calls"]


def test_broken_pretty_printed_json_is_still_an_error(cli, tmp_path) -> None:
    pretty = tmp_path / "pretty.jsonl"
    _pretty(FIXTURES / "par101-serial-reads.jsonl", pretty)
    pretty.write_text(pretty.read_text()[:-40])  # cut inside the last record
    result, doc = cli.json("check", str(pretty))
    assert result.exit_code == 2 and doc["sessions"] == []
    assert doc["errors"][0]["message"].startswith("invalid JSON")


def test_empty_directory_is_an_input_error(cli, tmp_path) -> None:
    result = cli("check", str(tmp_path))
    assert result.exit_code == 2
    assert "no transcript found" in result.stderr


def test_no_raw_control_characters_in_output(cli) -> None:
    path = rel(BROKEN / "control-characters.jsonl")
    for fmt in ("text", "json"):
        result = cli("check", path, "--output-format", fmt)
        for stream in (result.stdout, result.stderr):
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", stream)


def test_select_and_ignore(cli) -> None:
    assert cli("check", SERIAL, "--select", "PAR2").exit_code == 0
    assert cli("check", SERIAL, "--ignore", "PAR101").exit_code == 0
    assert cli("check", SERIAL, "--select", "PAR1", "--ignore", "PAR10").exit_code == 0
    assert cli("check", SERIAL, "--select", "PAR101", "--ignore", "PAR1").exit_code == 1  # longer prefix wins
    result = cli("check", SERIAL, "--select", "XYZ9")
    assert result.exit_code == 2 and "no rule matches XYZ9" in result.stderr


def test_statistics(cli) -> None:
    out = cli("check", SERIAL, "--statistics").stdout
    assert re.search(r"^\s*1\s+PAR101\s+serialised-independent-calls\s+warning$", out, re.M)


def test_config_file(cli, tmp_path) -> None:
    config = tmp_path / "parlint.toml"
    config.write_text('ignore = ["PAR101"]\n')
    assert cli("check", SERIAL, "--config", str(config)).exit_code == 0
    config.write_text('min-serial-calls = 4\n')
    assert cli("check", SERIAL, "--config", str(config)).exit_code == 0
    config.write_text('[per-path-ignores]\n"fixtures/claude-code/par101-*" = ["PAR1"]\n')
    # globs match the path relative to the config's directory, or the path as given
    _, doc = cli.json("check", SERIAL, "--config", str(config))
    assert doc["diagnostics"] == []
    config.write_text('[per-path-ignores]\n"elsewhere/**" = ["PAR1"]\n')
    _, doc = cli.json("check", SERIAL, "--config", str(config))
    assert [d["code"] for d in doc["diagnostics"]] == ["PAR101"]
    config.write_text('tokens-per-call = [10, 20]\n')
    _, doc = cli.json("check", SERIAL, "--config", str(config))
    assert doc["diagnostics"][0]["savings"]["overhead_tokens"] == [20, 40]


def test_config_discovered_from_pyproject(cli, tmp_path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.parlint]\nselect = ["PAR4"]\n')
    target = tmp_path / "s.jsonl"
    target.write_text((FIXTURES / "par101-serial-reads.jsonl").read_text())
    monkeypatch.chdir(tmp_path)
    assert cli("check", "s.jsonl").exit_code == 0


def test_bad_config_is_a_clear_error(cli, tmp_path) -> None:
    config = tmp_path / "parlint.toml"
    config.write_text("max-fanout = 0\n")
    result = cli("check", SERIAL, "--config", str(config))
    assert result.exit_code == 2
    assert f"{config}: max-fanout must be a whole number >= 1" in result.stderr
    config.write_text("selct = []\n")
    assert "unknown key(s) selct" in cli("check", SERIAL, "--config", str(config)).stderr
    config.write_text("select = [\n")
    assert "invalid TOML" in cli("check", SERIAL, "--config", str(config)).stderr


def test_rules_and_explain(cli) -> None:
    listing = json.loads(cli("rules", "--output-format", "json").stdout)
    assert [r["code"] for r in listing][:4] == ["PAR001", "PAR101", "PAR102", "PAR103"]
    text = cli("explain", "PAR201").stdout
    assert text.startswith("PAR201 dependent-calls-in-batch\n")
    assert "Flagged (INVALID) example 1:" in text and "call Write file_path=notes.txt" in text
    assert cli("explain", "serialised-subagents").stdout.startswith("PAR102 ")
    assert cli("explain", "PAR999").exit_code == 2


def test_help_teaches(cli) -> None:
    out = cli("--help").stdout
    assert "parlint check ~/.claude/projects" in out
    assert "Exit codes" in cli("check", "--help").stdout


def test_typos_in_configured_codes_and_keys_are_errors(cli, tmp_path) -> None:
    config = tmp_path / "parlint.toml"
    config.write_text('[per-path-ignores]\n"**" = ["PAR1O1"]\n', encoding="utf-8")
    result = cli("check", SERIAL, "--config", str(config))
    assert result.exit_code == 2 and "no rule matches PAR1O1" in result.stderr
    config.write_text('[per-path-ignores]\n"**" = { codes = ["PAR101"], reson = "x" }\n', encoding="utf-8")
    result = cli("check", SERIAL, "--config", str(config))
    assert result.exit_code == 2 and "unknown key(s) reson (known: codes, reason)" in result.stderr


def test_a_forced_format_that_reads_nothing_is_an_error(cli) -> None:
    result = cli("check", SERIAL, "--format", "gemini-cli")
    assert result.exit_code == 2
    assert "nothing in this file reads as gemini-cli (is --format right?" in result.stderr


def test_a_session_without_tool_calls_says_so(cli, tmp_path) -> None:
    path = tmp_path / "chat.jsonl"
    path.write_text('{"type":"user","message":{"role":"user","content":"hi"},"uuid":"u1","sessionId":"s",'
                    '"timestamp":"2026-01-01T00:00:00Z"}\n', encoding="utf-8")
    _, doc = cli.json("check", str(path))
    assert {"what": "tool-calls", "reason": "no tool calls recorded: the session rules had nothing to check"} \
        in doc["sessions"][0]["not_checked"]


def test_linting_a_transcript_does_not_load_libcst() -> None:
    """libcst is for Python plans and code; loading it costs every run a quarter second."""
    import subprocess
    import sys

    probe = ("import sys; from linter.cli import main\n"
             "try:\n    main(['check', sys.argv[1], '--exit-zero'])\nexcept SystemExit:\n    pass\n"
             "print('libcst' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, str(FIXTURES / "par101-serial-reads.jsonl")],
                          capture_output=True, text=True, cwd=FIXTURES.parents[1])
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout + done.stderr


def test_a_missing_cost_figure_is_not_a_partly_checked_session(cli) -> None:
    """Message lists carry no timestamps: every rule still ran, only the seconds figure is missing."""
    root = FIXTURES.parent / "openai-chat"
    clean = cli("check", str(root / "clean-batched-reads.json"))
    assert "partly checked" not in clean.output and "1 session checked." in clean.output
    found = cli("check", str(root / "par101-serial-reads.json"))
    assert "1 session checked; 1 session without timestamps or token usage" in found.output


def test_a_history_copied_into_two_files_is_reported_once(cli, tmp_path) -> None:
    # A resumed Claude Code session copies the earlier file's records (same tool_use ids) into
    # its own file; linting both must not report the same calls twice.
    real = FIXTURES / "real" / "entire__v2.1.17__13_db96e5c261_0.full.jsonl"
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_bytes(real.read_bytes())
    second.write_bytes(real.read_bytes())
    _, alone = cli.json("check", str(first))
    _, both = cli.json("check", str(first), str(second))
    assert len(alone["diagnostics"]) == 13
    assert [d["path"] for d in both["diagnostics"]] == [str(first)] * 13
    notes = {s["path"]: s["not_checked"] for s in both["sessions"]}
    assert not any(n["what"] == "repeated" for n in notes[str(first)])
    assert {"what": "repeated", "reason": f"13 finding(s) are on calls already reported in {first} "
            "(a resumed or copied session repeats its history); they are reported there only"} in notes[str(second)]


def test_short_made_up_call_ids_are_not_taken_for_copies(cli, tmp_path) -> None:
    # toolu_0001 in two hand-written files is a coincidence, not a copy.
    source = FIXTURES / "par101-serial-reads.jsonl"
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_bytes(source.read_bytes())
    _, out = cli.json("check", str(tmp_path))
    assert sorted(os.path.basename(d["path"]) for d in out["diagnostics"]) == ["a.jsonl", "b.jsonl"]


def test_dash_reads_one_transcript_from_stdin(cli, tmp_path, monkeypatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    _, from_file = cli.json("check", SERIAL)
    result, doc = cli.json("check", "-", CLEAN, input=(FIXTURES / "par101-serial-reads.jsonl").read_bytes())
    assert result.exit_code == 1
    assert [(d["path"], d["line"], d["code"], d["call_ids"]) for d in doc["diagnostics"]] == [
        ("-", d["line"], d["code"], d["call_ids"]) for d in from_file["diagnostics"]]
    assert [s["path"] for s in doc["sessions"]] == ["-", CLEAN]
    assert list(tmp_path.iterdir()) == []  # the spooled copy is gone
    assert cli("check", "-", input=(FIXTURES / "par101-serial-reads.jsonl").read_bytes()).stdout.startswith(
        "-:3:1: PAR101 3 independent read-only calls")


def test_stdin_filename_names_standard_input(cli, tmp_path) -> None:
    data = (FIXTURES / "par101-serial-reads.jsonl").read_bytes()
    result, doc = cli.json("check", "-", "--stdin-filename", "logs/run-7.jsonl", input=data)
    assert result.exit_code == 1
    assert [(d["path"], d["code"]) for d in doc["diagnostics"]] == [("logs/run-7.jsonl", "PAR101")]
    assert [s["path"] for s in doc["sessions"]] == ["logs/run-7.jsonl"]
    assert cli("check", "-", "--stdin-filename", "logs/run-7.jsonl", input=data).stdout.startswith(
        "logs/run-7.jsonl:3:1: PAR101 ")
    # per-path ignores match the given name
    config = tmp_path / "parlint.toml"
    config.write_text('[per-path-ignores]\n"logs/**" = ["PAR101"]\n')
    result, doc = cli.json("check", "-", "--stdin-filename", "logs/run-7.jsonl", "--config", str(config), input=data)
    assert (result.exit_code, doc["diagnostics"]) == (0, [])
    # errors name it too
    result, doc = cli.json("check", "-", "--stdin-filename", "logs/bad.jsonl",
                           input=(BROKEN / "malformed-middle.jsonl").read_bytes())
    assert [(e["path"], e["line"]) for e in doc["errors"]] == [("logs/bad.jsonl", 6)]
    # without a PATH of - there is nothing to name
    result = cli("check", SERIAL, "--stdin-filename", "x.jsonl")
    assert result.exit_code == 2
    assert "--stdin-filename names the transcript read from standard input" in result.stderr


def test_stdin_errors_name_it_dash(cli) -> None:
    result, doc = cli.json("check", "-", input=(BROKEN / "malformed-middle.jsonl").read_bytes())
    assert result.exit_code == 2
    assert doc["errors"] == [{"path": "-", "line": 6, "message": "line contains invalid json; line skipped",
                              "level": "error"}]
    assert "-:6: error: line contains invalid json" in result.stderr
    result, doc = cli.json("check", "-", input=b"")
    assert result.exit_code == 2
    assert doc["errors"] == [{"path": "-", "line": None, "message": "standard input is empty: nothing to check",
                              "level": "warning"}]


def test_stdin_from_a_terminal_is_refused(monkeypatch) -> None:
    import sys

    from linter.cli import _registry
    from linter.config import Config
    from linter.engine import run

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    result = run(["-", CLEAN], Config(), _registry())
    assert [(e.path, e.level, e.message.split(":")[0]) for e in result.errors] == [
        ("-", "error", "standard input is a terminal")]
    assert [s.path for s in result.sessions] == [CLEAN]  # the file named beside it is still checked
