"""`parlint report`: the Markdown report of the fixtures (snapshot) and the HTML report in Chromium."""

from __future__ import annotations

import os
import pathlib

import pytest

from tests.conftest import FIXTURES, rel

HAND_MADE = [rel(p) for p in sorted(FIXTURES.glob("*.jsonl"))]
CHROMIUM = "/usr/bin/chromium"


def test_markdown_report_of_the_fixtures(cli, snapshot, tmp_path) -> None:
    out = tmp_path / "report.md"
    result = cli("report", *HAND_MADE, "--markdown", str(out), "--group-by", "rule")
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == snapshot


def test_terminal_report_groups_by_project_and_filters_by_date(cli) -> None:
    result = cli("report", *HAND_MADE, "--since", "2030-01-01")
    assert result.exit_code == 0
    assert "0 sessions, 0 findings" in result.stdout
    assert f"{len(HAND_MADE)} session(s) outside the date range left out" in result.stdout
    result = cli("report", *HAND_MADE, "--until", "2026-01-01")
    assert f"{len(HAND_MADE)} sessions" in result.stdout


def test_bad_date_is_a_usage_error(cli) -> None:
    result = cli("report", HAND_MADE[0], "--since", "last week")
    assert result.exit_code == 2
    assert "is not a date" in result.output


def test_report_totals_match_check_totals(cli) -> None:
    _, doc = cli.json("check", *HAND_MADE)
    result = cli("report", *HAND_MADE)
    summary = doc["summary"]
    assert f"{summary['extra_round_trips']}" in result.stdout
    assert f"{summary['context_tokens']:,}" in result.stdout
    assert f"${summary['dollars']:,.4f}" in result.stdout


def _chromium_or_skip() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs the Debian packages chromium and chromium-driver")
        pytest.skip("Chromium not installed (apt-get install chromium chromium-driver)")


def test_html_report_in_headless_chromium(cli, tmp_path) -> None:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    html = tmp_path / "report.html"
    result = cli("report", *HAND_MADE, "--html", str(html))
    assert result.exit_code == 0
    _, doc = cli.json("check", *HAND_MADE)
    expected_bars = sum(s["tool_calls"] for s in doc["sessions"])  # every fixture call is timestamped

    url = html.resolve().as_uri()
    console_errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if r.url != url else None)
        page.goto(url)
        assert page.locator("svg.timeline rect.call").count() == expected_bars
        assert page.locator("#sessions > details").count() == len(HAND_MADE)
        flagged = page.locator("svg.timeline rect.call.flagged").count()
        assert flagged == len({(d["path"], c) for d in doc["diagnostics"] for c in d["call_ids"]})
        page.locator("#sessions > details").first.locator("summary").click()
        shots = pathlib.Path(os.environ.get("PARLINT_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "report.png"), full_page=True)
        browser.close()
    assert console_errors == []
    assert requests == []
    assert (shots / "report.png").stat().st_size > 0


def test_progress_shows_only_on_a_terminal_and_only_for_long_runs(monkeypatch) -> None:
    import io

    from linter import cli as cli_module

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert cli_module._progress() is None
    screen = Tty()
    monkeypatch.setattr("sys.stderr", screen)
    show = cli_module._progress()
    assert show is not None
    show(0, 5, "a.jsonl")
    assert screen.getvalue() == ""  # a short run shows nothing
    for n in range(40):
        show(n, 40, f"{n}.jsonl")
    assert "[###############...............] 20/40 files" in screen.getvalue()
    assert screen.getvalue().endswith("\r")  # the line is cleared at the end


@pytest.mark.parametrize(("cwd", "project"), [
    ("/home/dev/work/app/", "app"),
    ("C:\\repos\\BattleCity", "BattleCity"),  # a Windows working directory
    ("C:\\Users\\Divik\\", "Divik"),
    ("/", "/"),
])
def test_project_is_the_working_directorys_name(cwd: str, project: str) -> None:
    from linter.engine import _project
    from linter.model import Session

    assert _project(Session("s.jsonl", "codex", "s1", cwd)) == project
