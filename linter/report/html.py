"""The efficiency report as one self-contained HTML file: inline CSS, SVG and a little JS.

No external resources and no network requests: the file works offline and can be attached to a
CI run. Sessions are listed most wasteful first, 25 to a page, each collapsed; opening one shows
its timeline (one lane per agent, one bar per call from its start to its result, calls of one
batch side by side, model turns as ticks) and its findings, linked to each rule's explanation.
"""

from __future__ import annotations

from html import escape
from typing import Any

from linter.engine import Registry, SessionSummary
from linter.report.aggregate import HEADERS, Report, money, row_cells, seconds, tokens
from linter.textutil import safe

PAGE = 25
WIDTH = 960
LANE = 26
LEFT = 150

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#1d2430;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
table{border-collapse:collapse;margin:6px 0 12px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #e3e7ee;padding:4px 10px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#f5f7fa;font-weight:600}
.note{color:#5a6475;max-width:900px}details{border:1px solid #e3e7ee;border-radius:6px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer}summary .w{color:#a33;font-weight:600;margin-left:8px}
svg{background:#fafbfc;border:1px solid #eef0f4;margin:8px 0}
rect.call{fill:#4c78a8}rect.call.batch{fill:#72b7b2}rect.call.failed{fill:#e45756}
rect.call.flagged{stroke:#b8002e;stroke-width:2}line.turn{stroke:#9aa3b2;stroke-width:1}
text{font-size:11px;fill:#3b4252}.pager button{margin:0 4px 0 0}
ul.findings li{margin:2px 0}code{background:#f2f4f7;padding:0 3px;border-radius:3px}
"""

_JS = """
(function(){
  var items=document.querySelectorAll('#sessions > details');
  var per=%d, pages=Math.max(1, Math.ceil(items.length/per)), page=0;
  var label=document.getElementById('page');
  function show(){
    for(var i=0;i<items.length;i++){items[i].style.display=(Math.floor(i/per)===page)?'':'none';}
    label.textContent='page '+(page+1)+' of '+pages;
  }
  document.getElementById('prev').addEventListener('click',function(){if(page>0){page--;show();}});
  document.getElementById('next').addEventListener('click',function(){if(page<pages-1){page++;show();}});
  var filter=document.getElementById('filter');
  filter.addEventListener('input',function(){
    var q=filter.value.toLowerCase();
    if(!q){show();return;}
    for(var i=0;i<items.length;i++){items[i].style.display=items[i].dataset.key.indexOf(q)>=0?'':'none';}
    label.textContent='filtered';
  });
  show();
})();
""" % PAGE


def _e(text: object, limit: int = 200) -> str:
    return escape(safe(str(text), limit), quote=True)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def timeline_svg(timeline: dict[str, Any] | None) -> str:
    """One lane per agent; each call a bar from its start to its result."""
    if not timeline or not timeline.get("lanes") or timeline.get("t0") is None:
        return '<p class="note">No timestamps recorded: no timeline.</p>'
    span = max(float(timeline["span"]), 0.001)
    scale = (WIDTH - LEFT - 10) / span
    lanes = [lane for lane in timeline["lanes"] if lane["calls"] or lane["steps"]]
    height = 24 + LANE * len(lanes)
    parts = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="timeline of tool calls">']
    parts.append(f'<text x="{LEFT}" y="12">0 s</text><text x="{WIDTH - 10}" y="12" text-anchor="end">'
                 f'{_e(seconds(span))}</text>')
    for n, lane in enumerate(lanes):
        y = 18 + LANE * n
        parts.append(f'<text x="4" y="{y + 15}">{_e(lane["label"], 24)}</text>')
        for start, _end, _ncalls in lane["steps"]:
            x = LEFT + start * scale
            parts.append(f'<line class="turn" x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + LANE - 4}"/>')
        # calls of one batch share a step: draw them side by side within the lane
        by_step: dict[int, int] = {}
        for call in lane["calls"]:
            slot = by_step.get(call["step"], 0)
            by_step[call["step"]] = slot + 1
            x = LEFT + call["start"] * scale
            w = max(2.0, (call["end"] - call["start"]) * scale)
            h = 6
            cy = y + 2 + (slot % 3) * 7
            classes = ["call"] + (["batch"] if call["batch"] else []) + (["failed"] if call["failed"] else [])
            title = f'{call["name"]} {call["id"]} {call["start"]:.1f}-{call["end"]:.1f} s'
            if call["codes"]:
                classes.append("flagged")
                title += " " + ", ".join(call["codes"])
            rect = (f'<rect class="{" ".join(classes)}" x="{x:.1f}" y="{cy}" width="{w:.1f}" height="{h}">'
                    f'<title>{_e(title)}</title></rect>')
            if call["codes"]:
                rect = f'<a href="#rule-{_e(call["codes"][0])}">{rect}</a>'
            parts.append(rect)
    parts.append("</svg>")
    untimed = timeline.get("untimed", 0)
    note = ('<p class="note">Bars: blue a call alone in its turn, teal a call of a batch, red a failed call, '
            'outlined a call a finding names (click for the rule); ticks: model turns.')
    note += f" {untimed} call(s) without timestamps are not drawn.</p>" if untimed else "</p>"
    return "".join(parts) + note


def _session(s: SessionSummary, figures: dict[str, Any]) -> str:
    head = (f'<summary>{_e(s.path)} <span class="w">{s.findings} finding(s), '
            f'{figures["extra_round_trips"]} extra trip(s), {_e(money(figures["dollars"]))}</span></summary>')
    meta = (f'<p class="note">{_e(s.format)}; {s.steps} steps, {s.tool_calls} calls, {s.batches} batches, '
            f'{s.agents} agent(s); models: {_e(", ".join(s.models) or "unknown")}</p>')
    items = []
    for d in s.diagnostics:
        where = f"{d.path}:{d.line}" if d.line is not None else d.path
        items.append(f'<li><a href="#rule-{_e(d.code)}"><code>{_e(d.code)}</code></a> {_e(d.message, 400)} '
                     f'<span class="note">({_e(where)})</span></li>')
    findings = f'<ul class="findings">{"".join(items)}</ul>' if items else ""
    key = _e(f"{s.path} {s.project or ''} {' '.join(s.models)}".lower(), 400)
    return f'<details data-key="{key}">{head}{meta}{timeline_svg(s.timeline)}{findings}</details>'


def render(report: Report, registry: Registry) -> str:
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>parlint efficiency report</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>parlint efficiency report</h1>",
           f'<p class="note">{len(report.sessions)} sessions, {len(report.diagnostics)} findings. '
           "All savings are estimates (see each rule's explanation below).</p>",
           "<h2>Totals</h2>", _table(HEADERS[1:], [row_cells(report.total)[1:]])]
    if report.groups:
        out += [f"<h2>By {_e(report.group_by)}</h2>",
                _table([report.group_by] + HEADERS[1:], [row_cells(r) for r in report.groups])]
    if report.by_rule:
        rows = [[r.key, str(r.findings), str(r.figures["extra_round_trips"]), tokens(r.figures["context_tokens"]),
                 money(r.figures["dollars"]), seconds(r.figures["seconds"])] for r in report.by_rule]
        out += ["<h2>Findings by rule</h2>",
                _table(["rule", "findings", "extra trips", "context tokens", "dollars", "seconds"], rows)]
    ranked = sorted(report.sessions, key=lambda s: (s.totals.get("dollars") or 0.0, s.totals.get("context_tokens") or 0,
                                                    s.totals.get("extra_round_trips") or 0, s.findings), reverse=True)
    out += ["<h2>Sessions</h2>",
            '<p class="pager"><button id="prev" type="button">previous</button>'
            '<button id="next" type="button">next</button> <span id="page"></span> '
            '<input id="filter" type="search" placeholder="filter by path, project or model"></p>',
            '<div id="sessions">', "".join(_session(s, s.totals) for s in ranked), "</div>"]
    codes = sorted({d.code for d in report.diagnostics})
    if codes:
        out.append("<h2>Rules</h2>")
        for code in codes:
            rule = registry.rules.get(code)
            if rule is None:
                continue
            out.append(f'<h3 id="rule-{_e(code)}">{_e(code)} {_e(rule.name)}</h3>'
                       f"<p>{_e(rule.summary, 400)}</p><p class=\"note\">{_e(rule.rationale, 2000)}</p>")
    out.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(out) + "\n"
