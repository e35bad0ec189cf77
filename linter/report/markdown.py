"""The efficiency report as Markdown (``parlint report --markdown``) or terminal tables."""

from __future__ import annotations

from tabulate import tabulate

from linter.pricing import load_table
from linter.report.aggregate import HEADERS, Report, money, row_cells, seconds, tokens
from linter.textutil import safe


def _cell(text: str) -> str:
    return safe(text, 80).replace("|", "\\|")


def render(report: Report, *, markdown: bool = True) -> str:
    fmt = "github" if markdown else "simple"
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    out = [f"{h1}parlint efficiency report", ""]
    scope = (f"{len(report.sessions)} session{'s' if len(report.sessions) != 1 else ''}, "
             f"{len(report.diagnostics)} finding{'s' if len(report.diagnostics) != 1 else ''}")
    if report.excluded:
        scope += f"; {report.excluded} session(s) outside the date range left out"
    if report.skipped:
        scope += f"; {report.skipped} file(s) skipped (not a transcript)"
    if report.errors:
        scope += f"; {report.errors} input error(s), see stderr"
    out += [scope + ".", "",
            "All savings are estimates: extra round trips from the dependency structure of each finding, "
            "overhead tokens as a per-call range, context tokens and seconds as recorded in the "
            f"transcripts, dollars at list prices (table of {load_table().as_of}).", ""]
    out += [f"{h2}Totals", "", tabulate([row_cells(report.total)[1:]], headers=HEADERS[1:], tablefmt=fmt), ""]
    if report.groups:
        headers = [report.group_by] + HEADERS[1:]
        rows = [[_cell(r.key)] + row_cells(r)[1:] for r in report.groups]
        out += [f"{h2}By {report.group_by}", "", tabulate(rows, headers=headers, tablefmt=fmt), ""]
        if report.group_by == "tool":
            out += ["A finding that involves several tools counts under each of them, and a session under "
                    "every tool it used, so these rows add up to more than the totals.", ""]
    if report.by_rule:
        rows = [[r.key, r.findings, r.figures["extra_round_trips"], tokens(r.figures["context_tokens"]),
                 money(r.figures["dollars"]), seconds(r.figures["seconds"])] for r in report.by_rule]
        out += [f"{h2}Findings by rule", "",
                tabulate(rows, headers=["rule", "findings", "extra trips", "context tokens", "dollars", "seconds"],
                         tablefmt=fmt), ""]
    if report.top:
        rows = []
        for n, (s, figures) in enumerate(report.top, 1):
            rows.append([n, _cell(s.path), s.findings, figures["extra_round_trips"], tokens(figures["context_tokens"]),
                         money(figures["dollars"]), seconds(figures["seconds"])])
        out += [f"{h2}Top sessions by waste", "",
                tabulate(rows, headers=["#", "session", "findings", "extra trips", "context tokens", "dollars",
                                        "seconds"], tablefmt=fmt), ""]
    if report.unpriced_models:
        out += [f"Unpriced models (not in the price table; add them under [tool.parlint.prices]): "
                f"{', '.join(_cell(m) for m in report.unpriced_models)}.", ""]
    return "\n".join(out)
