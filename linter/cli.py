"""The ``parlint`` command line."""

from __future__ import annotations

import sys
import textwrap
from typing import Any, Callable

import click

from linter import __version__
from linter.config import ConfigError, load
from linter.engine import Registry, RunResult, load_registry, run
from linter.rule import SEVERITIES
from linter.parsers import FORMATS
from linter.report.aggregate import GROUPS
from linter.report import json_report, text
from linter.textutil import safe

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c.strip().upper() for c in value.split(",") if c.strip()]


OUTPUT_FORMATS = ["text", "json", "jsonl", "sarif", "github", "junit"]


def _render(result: RunResult, registry: Registry, output_format: str, statistics: bool = False,
            show_suppressed: bool = False) -> str:
    if output_format == "json":
        return json_report.render(result, show_suppressed=show_suppressed)
    if output_format == "jsonl":
        return json_report.render_lines(result)
    if output_format == "sarif":
        from linter.report import sarif

        return sarif.render(result, registry)
    if output_format == "github":
        from linter.report import github

        return github.render(result)
    if output_format == "junit":
        from linter.report import junit

        return junit.render(result)
    return text.render(result, registry, statistics=statistics, show_suppressed=show_suppressed)


def _progress() -> Callable[[int, int, str], None] | None:
    """A one-line progress display on stderr, only when stderr is a terminal and the run is long."""
    if not sys.stderr.isatty():
        return None
    state = {"shown": False}

    def show(done: int, total: int, path: str) -> None:
        if total < 20:
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        state["shown"] = True
        if done + 1 >= total:
            sys.stderr.write("\r" + " " * (width + 24) + "\r")
        sys.stderr.flush()

    return show


def _replace_files(result: RunResult, again: RunResult, paths: set[str]) -> None:
    """Put ``again``'s findings, plans and errors for ``paths`` in place of ``result``'s, in the
    same order (a file's findings where its first finding was). The notes of fixes dropped stay."""

    def merged(old: list[Any], new: list[Any], path_of: Callable[[Any], str]) -> list[Any]:
        fresh: dict[str, list[Any]] = {}
        for item in new:
            fresh.setdefault(path_of(item), []).append(item)
        out: list[Any] = []
        for item in old:
            path = path_of(item)
            if path not in paths:
                out.append(item)
            elif path in fresh:
                out.extend(fresh.pop(path))
        for rest in fresh.values():
            out.extend(rest)
        return out

    for name in ("diagnostics", "suppressed", "baselined"):
        setattr(result, name, merged(getattr(result, name), getattr(again, name), lambda d: d.path))
    result.plans = merged(result.plans, again.plans, lambda p: str(p["path"]))
    dropped = [e for e in result.errors if e.path in paths and "fix dropped" in e.message]
    result.errors = merged([e for e in result.errors if e not in dropped], again.errors, lambda e: e.path) + dropped


def _registry() -> Registry:
    registry = load_registry()
    for problem in registry.problems:
        click.echo(f"parlint: warning: {safe(problem)}", err=True)
    return registry


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="parlint")
def main() -> None:
    """Lint AI-agent session transcripts for parallel-execution anti-patterns.

    parlint reads what an agent did (its transcript: Claude Code, Codex CLI, Gemini CLI and more,
    see 'parlint formats') or plans to do (Markdown plans, Python orchestration code), and flags
    independent calls that went out one per turn, dependent calls batched together, conflicting
    edits, ignored failures, forgotten background jobs and missing validation, with an estimate of
    the round trips, tokens and seconds lost.

    \b
    Examples:
      parlint check ~/.claude/projects               # every session under a directory
      parlint check ~/.codex/sessions ~/.gemini/tmp  # other harnesses' logs
      parlint check session.jsonl --output-format json
      claude -p "..." --output-format stream-json --verbose | parlint check -
      parlint check . --select PAR1 --statistics     # only missed-parallelism rules
      parlint report ~/.claude/projects --html report.html
      parlint rules                                  # the rule catalogue
      parlint explain PAR101                         # one rule in full, with examples
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--output-format", type=click.Choice(OUTPUT_FORMATS), default="text", show_default=True,
              help="text: one line per finding and a summary; json: the contract documented in the README; "
                   "jsonl: one finding per line; sarif: SARIF 2.1.0; github: workflow annotations; junit: JUnit XML.")
@click.option("--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True,
              help="Transcript format; auto sniffs each file from its first records (see 'parlint formats').")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="info", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only findings not recorded in this baseline (see 'parlint baseline').")
@click.option("--show-suppressed", is_flag=True, help="Also list the findings that configured suppressions silence.")
@click.option("--select", help="Comma-separated codes or prefixes to enable (e.g. PAR1,PAR201); replaces the config's.")
@click.option("--ignore", help="Comma-separated codes or prefixes to disable; replaces the config's.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (input errors still exit 2).")
@click.option("--statistics", is_flag=True, help="Add a table of finding counts per rule (text output).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (parlint.toml or pyproject.toml); default: found by walking up from here.")
@click.option("--diff", is_flag=True, help="Print the fixes on offer for plan and code files as a unified diff; change nothing.")
@click.option("--fix", is_flag=True, help="Apply safe fixes to plan and code files, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, include fixes marked unsafe.")
@click.option("--stdin-filename", metavar="PATH",
              help="Path under which findings and errors report the transcript read from standard input "
                   "(a PATH of -); per-path-ignores match it.  [default: -]")
def check(paths: tuple[str, ...], output_format: str, fmt: str, select: str | None, ignore: str | None,
          exit_zero: bool, statistics: bool, config_path: str | None, diff: bool = False, fix: bool = False,
          unsafe_fixes: bool = False, fail_on: str = "info", baseline_path: str | None = None,
          show_suppressed: bool = False, stdin_filename: str | None = None) -> None:
    """Lint transcripts, plans and orchestration code.

    Transcripts: files, or directories walked for *.jsonl, *.json and *.traj; each file's format
    is recognised from its content; a PATH of - reads one transcript from standard input (findings
    name it -, or the path given with --stdin-filename). Files found by walking that match no
    format are skipped and counted; a file named explicitly that matches none is an error. Plans:
    *.md files named explicitly, or found by walking when they match plan-globs (e.g.
    **/*plan.md, **/tasks.md).
    Python orchestration code: *.py files named explicitly, or matching code-globs.

    --diff prints the fixes on offer as a unified diff; --fix applies the safe ones (and the
    unsafe ones too with --unsafe-fixes). Transcripts are never edited.

    \b
    Exit codes: 0 no findings, 1 findings, 2 usage or input error (a missing path, an
    unreadable file, a malformed line, a bad config). An error in one file is reported with
    its path and line, and the other files are still checked.
    """
    if stdin_filename is not None and "-" not in paths:
        click.echo("parlint: error: --stdin-filename names the transcript read from standard input: "
                   "give - among the paths", err=True)
        sys.exit(EXIT_ERROR)
    try:
        config = load(config_path)
    except ConfigError as exc:
        click.echo(f"parlint: error: {safe(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)
    if select is not None:
        config.select = _codes(select) or []
    if ignore is not None:
        config.ignore = _codes(ignore) or []
    registry = _registry()
    named = config.select + config.ignore + [c for s in config.suppressions for c in s.codes]
    unknown = sorted({c for c in named if c != "ALL" and not any(code.startswith(c) for code in registry.rules)})
    if unknown:
        # a typo must not pass as a clean run
        click.echo(f"parlint: error: no rule matches {', '.join(unknown)} (see `parlint rules`)", err=True)
        sys.exit(EXIT_ERROR)
    entries = None
    if baseline_path is not None:
        from linter.baseline import BaselineError, read

        try:
            entries = read(baseline_path)
        except BaselineError as exc:
            click.echo(f"parlint: error: {safe(str(exc))}", err=True)
            sys.exit(EXIT_ERROR)
    known = set(entries) if entries is not None else None
    result = run(list(paths), config, registry, fmt=fmt, progress=_progress(), baseline=known,
                 stdin_name=stdin_filename or "-")
    if entries is not None:
        from linter.baseline import stale

        checked = {s.path for s in result.sessions} | {str(p["path"]) for p in result.plans}
        active = {r.code for r in registry.sorted() if config.enabled(r.code)}
        result.stale_baseline = stale(entries, result.baselined + result.diagnostics + result.suppressed,
                                      checked, active)
    if diff or fix:
        from linter.fixes import fix_file, fixable

        active = [r for r in registry.sorted() if config.enabled(r.code)]
        fixes = [f for f in (fix_file(p, active, config, unsafe_fixes, result.errors)
                             for p in fixable(result.diagnostics)) if f is not None]
        if diff:
            for problem in result.errors:
                click.echo(text.render_problem(problem), err=True)
            for found in fixes:
                click.echo(found.diff(), nl=False)
            held = sum(1 for d in result.diagnostics if d.fix is not None and not d.fix.safe and not unsafe_fixes)
            click.echo(f"{len(fixes)} file{'s' if len(fixes) != 1 else ''} would be changed"
                       + (f"; {held} unsafe fix(es) need --unsafe-fixes" if held else "") + ".", err=True)
            sys.exit(EXIT_FINDINGS if fixes else EXIT_CLEAN)
        for found in fixes:
            with open(found.path, "w", encoding="utf-8") as fp:
                fp.write(found.after)
        if fixes:
            count = sum(len(f.applied) for f in fixes)
            click.echo(f"Fixed {count} finding{'s' if count != 1 else ''} in {len(fixes)} "
                       f"file{'s' if len(fixes) != 1 else ''}.", err=True)
            # Only the fixed files changed: lint them again and keep the rest of the first run
            # (standard input, in particular, cannot be read twice).
            again = run([f.path for f in fixes], config, registry, fmt=fmt, baseline=known)
            _replace_files(result, again, {f.path for f in fixes})
    for problem in registry.problems:
        from linter.model import ParseProblem

        result.errors.append(ParseProblem("<plugins>", None, problem, level="warning"))
    for problem in result.errors:
        click.echo(text.render_problem(problem), err=True)
    click.echo(_render(result, registry, output_format, statistics, show_suppressed), nl=False)
    checked = result.sessions or result.plans
    if result.has_errors or (not checked and not result.errors and not result.skipped and paths):
        if not checked and not result.has_errors:
            click.echo("parlint: error: no transcript found in the given paths", err=True)
        sys.exit(EXIT_ERROR)
    if not checked:
        click.echo("parlint: error: nothing parseable in the given paths", err=True)
        sys.exit(EXIT_ERROR)
    gate = SEVERITIES.index(fail_on)
    if not exit_zero and any(SEVERITIES.index(d.severity) >= gate for d in result.diagnostics):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


@main.command()
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(output_format: str) -> None:
    """List every rule: code, name, default severity and summary."""
    registry = _registry()
    if output_format == "json":
        import orjson

        data = [{"code": r.code, "name": r.name, "severity": r.severity, "confidence": r.confidence,
                 "summary": r.summary} for r in registry.sorted()]
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    from tabulate import tabulate

    rows = [(r.code, r.name, r.severity, r.summary) for r in registry.sorted()]
    click.echo(tabulate(rows, headers=["code", "name", "severity", "summary"], tablefmt="simple",
                        maxcolwidths=[None, None, None, 70]))


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False), help="Write the report as Markdown here.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write a self-contained HTML report (tables and per-session timelines) here.")
@click.option("--group-by", type=click.Choice(GROUPS), default="project", show_default=True,
              help="How to group the breakdown table.")
@click.option("--since", callback=_date, help="Only sessions that started on or after this date (YYYY-MM-DD, UTC).")
@click.option("--until", callback=_date, help="Only sessions that started on or before this date (YYYY-MM-DD, UTC).")
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="How many of the most wasteful sessions to list.")
@click.option("--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True,
              help="Transcript format; auto recognises each file from its content.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file.")
def report(paths: tuple[str, ...], markdown_path: str | None, html_path: str | None, group_by: str,
           since: str | None, until: str | None, top: int, fmt: str, config_path: str | None) -> None:
    """Efficiency report: where sessions lost round trips, tokens, dollars and seconds.

    Prints the tables on stdout; --markdown and --html also write them to files (the HTML adds a
    timeline per session). All figures are estimates; dollars are at list prices from the
    shipped, dated price table (override in config under [tool.parlint.prices]).

    \b
    Examples:
      parlint report ~/.claude/projects --html report.html
      parlint report sessions/ --group-by model --since 2026-11-01 --markdown report.md
    """
    from linter.report import aggregate, html, markdown

    try:
        config = load(config_path)
    except ConfigError as exc:
        click.echo(f"parlint: error: {safe(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)
    registry = _registry()
    result = run(list(paths), config, registry, fmt=fmt, progress=_progress(), timeline=html_path is not None)
    for problem in result.errors:
        click.echo(text.render_problem(problem), err=True)
    built = aggregate.build(result, group_by, since, until, top)
    click.echo(markdown.render(built, markdown=False), nl=False)
    try:
        if markdown_path:
            with open(markdown_path, "w", encoding="utf-8") as fp:
                fp.write(markdown.render(built))
        if html_path:
            with open(html_path, "w", encoding="utf-8") as fp:
                fp.write(html.render(built, registry))
    except OSError as exc:
        click.echo(f"parlint: error: cannot write the report: {safe(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)
    if result.plans:
        click.echo(f"parlint: note: the report covers transcripts; {len(result.plans)} plan or code file(s) "
                   "were left out (`parlint check` lints them)", err=True)
    if result.has_errors or not result.sessions:
        if not result.sessions:
            click.echo("parlint: error: no transcript found in the given paths", err=True)
        sys.exit(EXIT_ERROR)


@main.command("fix")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file.")
@click.pass_context
def fix_command(ctx: click.Context, paths: tuple[str, ...], unsafe_fixes: bool, config_path: str | None) -> None:
    """Apply safe fixes to plan and code files (same as 'check --fix')."""
    ctx.invoke(check, paths=paths, output_format="text", fmt="auto", select=None, ignore=None, exit_zero=False,
               statistics=False, config_path=config_path, fix=True, unsafe_fixes=unsafe_fixes)


@main.command()
@click.option("--warn-only", is_flag=True, help="At Stop, tell the user instead of blocking the agent.")
@click.option("--state-dir", type=click.Path(file_okay=False),
              help="Where PostToolUse keeps its small per-session state (default: ~/.local/state/parlint/hooks).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file.")
def hook(warn_only: bool, state_dir: str | None, config_path: str | None) -> None:
    """Run as a Claude Code hook: read the hook payload (JSON) on stdin and lint that session.

    \b
    PostToolUse: a one-line nudge (exit 2, stderr) when the newest turns complete a finding,
    at most once per finding; silent and fast otherwise.
    Stop / SubagentStop: block once (exit 2) with a short summary of the session's findings
    (what the agent can still fix first); never when stop_hook_active is set.
    """
    from linter.hook import handle

    try:
        config = load(config_path)
    except ConfigError as exc:
        click.echo(f"parlint: error: {safe(str(exc))}", err=True)
        sys.exit(0)  # a broken config must not break the agent's session
    outcome = handle(sys.stdin.read(), config, load_registry(), warn_only or config.hook_warn_only, state_dir)
    if outcome.stdout:
        click.echo(outcome.stdout, nl=False)
    if outcome.stderr:
        click.echo(outcome.stderr, nl=False, err=True)
    sys.exit(outcome.exit_code)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the baseline (JSON).")
@click.option("--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Configuration file.")
def baseline(paths: tuple[str, ...], output: str, fmt: str, config_path: str | None) -> None:
    """Record the current findings so that 'check --baseline FILE' reports only new ones.

    Findings are recorded by fingerprint (rule, session and call ids; not line numbers), so
    unrelated edits to a file do not make old findings look new.
    """
    from linter.baseline import write

    try:
        config = load(config_path)
    except ConfigError as exc:
        click.echo(f"parlint: error: {safe(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)
    result = run(list(paths), config, _registry(), fmt=fmt, progress=_progress())
    for problem in result.errors:
        click.echo(text.render_problem(problem), err=True)
    try:
        with open(output, "wb") as fp:
            fp.write(write(result))
    except OSError as exc:
        click.echo(f"parlint: error: cannot write {safe(output)}: {safe(exc.strerror or str(exc))}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"Recorded {len(result.diagnostics)} finding{'s' if len(result.diagnostics) != 1 else ''} "
               f"in {safe(output)}.")
    if result.has_errors:
        sys.exit(EXIT_ERROR)


@main.command()
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def formats(output_format: str) -> None:
    """List the transcript formats parlint reads, with the name '--format' takes."""
    rows = [(name, module.DESCRIPTION) for name, module in FORMATS.items()]
    if output_format == "json":
        import orjson

        data = [{"name": name, "description": desc} for name, desc in rows]
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    width = max(len(name) for name, _ in rows)
    for name, desc in rows:
        click.echo(f"{name.ljust(width)}  {desc}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Explain one rule (by code or name): what it flags, why it costs, examples."""
    registry = _registry()
    wanted = code.strip()
    rule = registry.rules.get(wanted.upper()) or next(
        (r for r in registry.rules.values() if r.name == wanted.lower()), None)
    if rule is None:
        click.echo(f"parlint: error: no rule {safe(code)!r}; run 'parlint rules' for the list", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(explain_text(rule), nl=False)


def explain_text(rule: type) -> str:
    out = [f"{rule.code} {rule.name}", "",
           f"Severity: {rule.severity}    Confidence: {rule.confidence}", "",
           rule.summary, "", "Why it matters", ""]
    out.extend(textwrap.wrap(rule.rationale, 88))
    options = dict(getattr(rule, "options", {}) or {})
    if options:
        out += ["", "Options (rule defaults)", ""]
        out += [f"  {k} = {v}" for k, v in options.items()]
    for title, examples in (("Flagged (INVALID)", rule.INVALID), ("Not flagged (VALID)", rule.VALID)):
        for n, example in enumerate(examples, 1):
            out += ["", f"{title} example {n}:", ""]
            out += ["    " + line for line in textwrap.dedent(example).strip("\n").splitlines()]
    return "\n".join(out) + "\n"
