"""The report document as one self-contained HTML page: inline CSS and inline SVG, nothing else.

No script, no web font, no image file, no request of any kind: a Content-Security-Policy of
``default-src 'none'`` says so to the browser as well, so the page renders the same from a CI
artifact, an e-mail attachment or a laptop on a plane. Every chart has a title and a
description, writes its numbers beside its bars, and is followed by the same figures as a
table. Rendered from the ``tracemark/report/v1`` document only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracemark.report import charts
from tracemark.report.charts import Bar, Column, Series
from tracemark.report.markdown import headline, num, pct, period
from tracemark.report.svg import esc

#: Columns per commit up to this many commits (or when the range is one day), else per day.
MAX_COMMIT_COLUMNS = 40
#: Day columns up to this many, else weeks (or months when weeks are too many still).
MAX_DAY_COLUMNS = 90
#: Rows in the rule and CWE charts and the tool × rule table; the tables list the rest.
TOP = 15
#: Tools with their own colour; the others are summed as "other AI".
MAX_TOOL_SERIES = 8

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #F6F8FA; color: #1F2328;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial,
  sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p { margin: 6px 0; }
code { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.sub { color: #59636E; }
.lead { font-size: 16px; max-width: 70ch; }
section { background: #fff; border: 1px solid #D8DEE4; border-radius: 8px; padding: 16px 20px;
  margin: 16px 0; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px;
  background: none; border: 0; padding: 0; }
.kpi { background: #fff; border: 1px solid #D8DEE4; border-radius: 8px; padding: 12px 14px; }
.kpi-value { font-size: 28px; font-weight: 700; line-height: 1.2; }
.kpi-label { color: #59636E; font-size: 13px; }
.kpi.alert { border-color: #C0392B; background: #FDF2F1; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
  gap: 8px 28px; }
.chart { max-width: 100%; height: auto; display: block; font-family: inherit; }
.explain { color: #59636E; font-size: 13px; margin: 0 0 10px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #EEF1F4;
  vertical-align: top; }
th { color: #59636E; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
details { margin-top: 8px; }
summary { cursor: pointer; color: #0969DA; }
.sev { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px;
  color: #fff; }
.sev-error { background: #C0392B; } .sev-warning { background: #B26B00; }
.sev-info { background: #0072B2; }
.callout { border-left: 6px solid #C0392B; }
.callout.ok { border-left-color: #009E73; }
.heat td.n { min-width: 44px; }
.empty { color: #59636E; font-style: italic; }
footer { color: #59636E; font-size: 12px; margin-top: 24px; }
"""


def _tool_series(doc: dict[str, Any]) -> tuple[list[Series], dict[str, str]]:
    """One colour per tool:model (most AI lines first), the rest folded into "other AI"."""
    labels = [t["label"] for t in doc["tools"]]
    colors: dict[str, str] = {}
    series: list[Series] = []
    for i, lab in enumerate(labels):
        if i < MAX_TOOL_SERIES:
            colors[lab] = charts.PALETTE[i % len(charts.PALETTE)]
            series.append(Series(lab, colors[lab]))
        else:
            colors[lab] = "#9AA5B1"
    if len(labels) > MAX_TOOL_SERIES:
        series.append(Series("other AI", "#9AA5B1"))
    return series, colors


def _fold(by_tool: dict[str, int], shown: set[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for lab, n in by_tool.items():
        key = lab if lab in shown else "other AI"
        out[key] = out.get(key, 0) + n
    return out


def _buckets(days: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The day rows, or (on long ranges) the same figures summed per ISO week or per month:
    a column stays wide enough to see and to label."""
    if len(days) <= MAX_DAY_COLUMNS:
        return "day", days
    weekly = len({_week(d["day"]) for d in days}) <= MAX_DAY_COLUMNS
    unit, key = ("week", _week) if weekly else ("month", lambda day: day[:7])
    out: dict[str, dict[str, Any]] = {}
    for d in days:
        b = out.setdefault(key(d["day"]), {"day": key(d["day"]), "commits": 0, "lines": {},
                                           "by_tool": {}, "ai_lines": 0})
        b["commits"] += d["commits"]
        b["ai_lines"] += d["ai_lines"]
        for k, v in d["lines"].items():
            b["lines"][k] = b["lines"].get(k, 0) + v
        for k, v in d["by_tool"].items():
            b["by_tool"][k] = b["by_tool"].get(k, 0) + v
    for b in out.values():
        b["ai_share"] = b["ai_lines"] / b["lines"]["added"] if b["lines"].get("added") else None
    return unit, list(out.values())


def _week(day: str) -> str:
    y, w, _ = date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


def _timeline(doc: dict[str, Any]) -> str:
    commits, days = doc["timeline"]["commits"], doc["timeline"]["days"]
    if not commits:
        return '<p class="empty">No commits in this range.</p>'
    per_commit = len(commits) <= MAX_COMMIT_COLUMNS or len(days) <= 1
    tools, _ = _tool_series(doc)
    shown = {s.name for s in tools}
    series = [*tools, Series("human", charts.HUMAN),
              Series("unattested", charts.UNATTESTED, outline=True)]
    unit, rows = ("commit", commits) if per_commit else _buckets(days)
    cols = []
    for r in rows:
        values = _fold(r["by_tool"], shown)
        values["human"] = r["lines"]["human"]
        values["unattested"] = r["lines"]["unattested"]
        if per_commit:
            label, tip = r["commit"][:7], f"{r['commit'][:10]} {r['subject'][:60]} ({r['day']})"
        else:
            label, tip = r["day"], f"{r['day']}, {r['commits']} commits"
        cols.append(Column(label, values, pct(r["ai_share"]) if r["lines"]["added"] else "",
                           tip))
    s = doc["summary"]
    svg = charts.columns(
        "chart-timeline", f"Lines added per {unit}, by who wrote them",
        f"Stacked columns, one per {unit}: AI lines by tool and model, human and unattested "
        f"lines; the percentage above each column is its AI share. Over the range: "
        f"{pct(s['ai_share'])} AI.", cols, series)
    table = ["<details><summary>The figures per day</summary><table><thead><tr><th>day</th>"
             '<th class="n">commits</th><th class="n">added</th><th class="n">AI</th>'
             '<th class="n">AI share</th><th class="n">reviewed</th><th class="n">human</th>'
             '<th class="n">unattested</th><th>by tool and model</th></tr></thead><tbody>']
    for d in days:
        ln = d["lines"]
        table.append(f'<tr><td>{esc(d["day"])}</td><td class="n">{d["commits"]}</td>'
                     f'<td class="n">{ln["added"]}</td><td class="n">{d["ai_lines"]}</td>'
                     f'<td class="n">{pct(d["ai_share"])}</td><td class="n">{ln["reviewed"]}</td>'
                     f'<td class="n">{ln["human"]}</td><td class="n">{ln["unattested"]}</td>'
                     f'<td>{esc(", ".join(f"{k} {v}" for k, v in d["by_tool"].items()) or "-")}'
                     "</td></tr>")
    table.append("</tbody></table></details>")
    return svg + "".join(table)


def _tools(doc: dict[str, Any]) -> str:
    tools = doc["tools"]
    if not tools:
        return '<p class="empty">No AI lines in this range.</p>'
    _, colors = _tool_series(doc)
    rows = [t for t in tools if t["lines"]["total"]]
    series = [Series(t["label"], colors[t["label"]]) for t in rows]
    lines_svg = charts.bars(
        "chart-tool-lines", "AI lines by tool and model",
        "Horizontal bars: AI lines each tool and model wrote in the range, with the count and "
        "its share of all AI lines.",
        [Bar(t["label"], {t["label"]: t["lines"]["total"]},
             f"{t['lines']['total']:,} ({pct(t['share_of_ai_lines'])})") for t in rows],
        series, width=520, legend=False) if rows else ""
    rate_rows = [t for t in rows if t["findings_per_1000_lines"] is not None]
    rate_svg = charts.bars(
        "chart-tool-rate", "Findings per 1,000 AI lines, by tool and model",
        "Horizontal bars: findings on the AI lines of each tool and model, per 1,000 of its "
        "AI lines, with the count of findings.",
        [Bar(t["label"], {t["label"]: t["findings_per_1000_lines"]},
             f"{num(t['findings_per_1000_lines'])} ({t['findings']['total']} finding"
             f"{'s' * (t['findings']['total'] != 1)})")
         for t in rate_rows], series, width=520, legend=False) if rate_rows else ""
    head = ('<table><thead><tr><th>tool:model</th><th class="n">AI lines</th>'
            '<th class="n">share</th><th class="n">commits</th><th class="n">reviewed</th>'
            '<th class="n">findings</th><th class="n">open</th><th class="n">per 1,000</th>'
            "</tr></thead><tbody>")
    body = "".join(
        f'<tr><td><code>{esc(t["label"])}</code></td><td class="n">{t["lines"]["total"]}</td>'
        f'<td class="n">{pct(t["share_of_ai_lines"])}</td><td class="n">{t["commits"]}</td>'
        f'<td class="n">{t["lines"]["reviewed"]}</td><td class="n">{t["findings"]["total"]}</td>'
        f'<td class="n">{t["findings"]["open"]}</td>'
        f'<td class="n">{num(t["findings_per_1000_lines"])}</td></tr>' for t in tools)
    rollups = []
    for field in ("tool", "model"):
        rs = doc[f"by_{field}"]
        if len(rs) > 1:
            rollups.append(f"<p>Per {field}: " + "; ".join(
                f"<code>{esc(r[field])}</code> {r['ai_lines']:,} AI lines, {r['findings']} "
                f"finding{'s' * (r['findings'] != 1)} ({num(r['findings_per_1000_lines'])} "
                "per 1,000)" for r in rs)
                + ".</p>")
    return (f'<div class="grid2"><div>{lines_svg}</div><div>{rate_svg}</div></div>'
            + "".join(rollups) + head + body + "</tbody></table>")


def _findings(doc: dict[str, Any]) -> str:
    f = doc["findings"]
    if not f["total"]:
        return (f'<p class="empty">No findings on AI lines in this range ('
                f'{sum(f["other_lines"].values())} on other lines).</p>')
    sev_series = [Series(k, charts.SEVERITY[k]) for k in ("error", "warning", "info")]
    sev = charts.bars(
        "chart-severity", "Findings on AI lines by severity",
        "Horizontal bars: findings on AI lines per severity.",
        [Bar(k, {k: v}) for k, v in f["by_severity"].items()], sev_series, width=480,
        legend=False)
    rules = f["by_rule"][:TOP]
    rule_svg = charts.bars(
        "chart-rules", "Findings on AI lines by rule",
        "Horizontal bars, coloured by severity: findings per rule, with how many are still "
        "open at the range's last commit.",
        [Bar(r["rule"], {r["severity"]: r["count"]}, f"{r['count']} ({r['open']} open)",
             tip=f"{r['rule']} ({', '.join(r['cwe'])})") for r in rules], sev_series,
        width=480)
    cwes = f["by_cwe"][:TOP]
    cwe_svg = charts.bars(
        "chart-cwe", "Findings on AI lines by CWE", "Horizontal bars: findings per CWE id.",
        [Bar(c["cwe"], {"findings": c["count"]}, tip=", ".join(c["rules"])) for c in cwes],
        [Series("findings", "#4E79A7")], width=480)
    table = ['<table><thead><tr><th>rule</th><th>severity</th><th>CWE</th><th>category</th>'
             '<th class="n">findings</th><th class="n">open</th><th>by</th></tr></thead><tbody>']
    for r in f["by_rule"]:
        table.append(
            f'<tr><td><code>{esc(r["rule"])}</code></td><td><span class="sev sev-'
            f'{esc(r["severity"])}">{esc(r["severity"])}</span></td>'
            f'<td>{esc(", ".join(r["cwe"]) or "-")}</td><td>{esc(r["category"] or "-")}</td>'
            f'<td class="n">{r["count"]}</td><td class="n">{r["open"]}</td>'
            f'<td>{esc(", ".join(f"{k} {v}" for k, v in r["tools"].items()))}</td></tr>')
    table.append("</tbody></table>")
    return (f'<p class="explain">{f["total"]} findings on AI lines, {f["open"]} still open at '
            f"the range's last commit; {sum(f['other_lines'].values())} more on human or "
            "unattested lines (not counted here).</p>"
            f'<div class="grid2"><div><h3>By severity</h3>{sev}<h3>By CWE</h3>{cwe_svg}</div><div>'
            f"<h3>By rule</h3>{rule_svg}</div></div>" + "".join(table))


def _matrix(doc: dict[str, Any]) -> str:
    """Rule × tool counts, shaded: which tools produce which findings most."""
    rules = doc["findings"]["by_rule"][:TOP]
    tools = [t for t in doc["tools"] if t["findings"]["total"]]
    if not rules or not tools:
        return '<p class="empty">No findings on AI lines to compare.</p>'
    peak = max(n for t in tools for n in t["rules"].values())
    head = "".join(f'<th class="n"><code>{esc(t["label"])}</code></th>' for t in tools)
    out = [f'<table class="heat"><thead><tr><th>rule</th>{head}</tr></thead><tbody>']
    for r in rules:
        cells = []
        for t in tools:
            n = t["rules"].get(r["rule"], 0)
            alpha = 0.12 + 0.6 * n / peak if n else 0
            style = f' style="background: rgba(192, 57, 43, {alpha:.2f})"' if n else ""
            cells.append(f'<td class="n"{style}>{n or ""}</td>')
        out.append(f'<tr><td><code>{esc(r["rule"])}</code></td>{"".join(cells)}</tr>')
    rate = "".join(f'<td class="n"><strong>{num(t["findings_per_1000_lines"])}</strong></td>'
                   for t in tools)
    out.append(f"<tr><td><strong>per 1,000 AI lines</strong></td>{rate}</tr>")
    out.append("</tbody></table>")
    return ('<p class="explain">Findings per rule (rows, most frequent first) on the AI lines '
            "of each tool and model (columns); darker cells are larger counts.</p>"
            + "".join(out))


def _review(doc: dict[str, Any]) -> str:
    rv = doc["review"]
    if not rv["ai_lines"]:
        return '<p class="empty">No AI lines in this range.</p>'
    series = [Series("reviewed", charts.REVIEWED), Series("unreviewed", charts.UNREVIEWED)]
    rows = [Bar("all AI lines", {"reviewed": rv["reviewed"], "unreviewed": rv["unreviewed"]},
                f"{rv['reviewed']:,} of {rv['ai_lines']:,} reviewed "
                f"({pct(rv['reviewed_share'])})")]
    for t in rv["by_tool"]:
        total = t["reviewed"] + t["unreviewed"]
        rows.append(Bar(t["label"], {"reviewed": t["reviewed"], "unreviewed": t["unreviewed"]},
                        f"{t['reviewed']:,} of {total:,} reviewed"))
    svg = charts.bars(
        "chart-review", "Reviewed and unreviewed AI lines",
        "Stacked horizontal bars: AI lines a person marked reviewed (tracemark mark "
        "--reviewed) and the rest, over all AI lines and per tool and model.", rows, series,
        width=720)
    fr = rv["findings"]
    return (svg + f"<p>Findings on reviewed AI lines: <strong>{fr['reviewed']}</strong>; on "
            f"unreviewed AI lines: <strong>{fr['unreviewed']}</strong>.</p>")


def _telemetry(doc: dict[str, Any]) -> tuple[str, bool]:
    tele = doc["telemetry_integrity"]
    if not tele["count"]:
        text = (f"None: the {tele['rules_in_pack']} telemetry-integrity rules found nothing on "
                "AI lines." if tele["rules_in_pack"] else
                "Not checked: the rule pack in use has no telemetry-integrity rules.")
        return f"<p>{esc(text)}</p>", False
    rows = "".join(
        f'<tr><td><code>{esc(g["path"])}:{g["line"]}</code></td><td><code>{esc(g["rule"])}'
        f'</code></td><td>{esc(", ".join(g["cwe"]))}</td><td><code>{esc(g["label"])}</code></td>'
        f'<td><code>{esc(g["commit"][:10])}</code></td>'
        f'<td>{"fixed later" if g["resolved"] else "open"}</td></tr>' for g in tele["items"])
    return (f'<p><strong data-figure="telemetry_findings">{tele["count"]}</strong> finding'
            f'{"s" * (tele["count"] != 1)} on AI lines weaken{"s" * (tele["count"] == 1)} the '
            "signals that would reveal a problem: logs muted, errors swallowed, tracing "
            "switched off, secrets or request data in logs, error details sent to clients. "
            f"{tele['open']} still open.</p>"
            '<table><thead><tr><th>where</th><th>rule</th><th>CWE</th><th>by</th>'
            f"<th>commit</th><th>state</th></tr></thead><tbody>{rows}</tbody></table>", True)


def _commits(doc: dict[str, Any]) -> str:
    rows = "".join(
        f'<tr><td><code>{esc(c["commit"][:10])}</code></td><td>{esc(c["day"] or "-")}</td>'
        f'<td>{esc(c["status"])}</td><td class="n">{c["lines"]["added"]}</td>'
        f'<td class="n">{c["ai_lines"]}</td><td class="n">{pct(c["ai_share"])}</td>'
        f'<td>{esc(", ".join(f"{k} {v}" for k, v in c["by_tool"].items()) or "-")}</td>'
        f'<td>{esc(c["subject"][:80])}</td></tr>' for c in doc["timeline"]["commits"])
    return ("<details><summary>Every commit of the range</summary><table><thead><tr>"
            '<th>commit</th><th>day</th><th>status</th><th class="n">added</th>'
            '<th class="n">AI</th><th class="n">AI share</th><th>by tool and model</th>'
            f"<th>subject</th></tr></thead><tbody>{rows}</tbody></table></details>")


def _kpi(figure: str, value: str, text: str, alert: bool = False) -> str:
    return (f'<div class="kpi{" alert" if alert else ""}"><div class="kpi-value" '
            f'data-figure="{figure}">{esc(value)}</div><div class="kpi-label">{esc(text)}'
            "</div></div>")


def render_html(doc: dict[str, Any]) -> str:
    s = doc["summary"]
    spec = doc["range"]["spec"]
    tele_html, tele_alert = _telemetry(doc)
    kpis = "".join([
        _kpi("ai_share", pct(s["ai_share"]), f"of {s['lines']['added']:,} added lines are AI"),
        _kpi("ai_lines", f"{s['ai_lines']:,}", f"AI lines by {len(s['tools'])} tool/model"
             f"{'s' * (len(s['tools']) != 1)}"),
        _kpi("findings_on_ai_lines", str(s["findings_on_ai_lines"]),
             f"findings on AI lines ({s['open_findings_on_ai_lines']} open)",
             alert=s["findings_on_ai_lines"] > 0),
        _kpi("findings_per_1000_ai_lines", num(s["findings_per_1000_ai_lines"]),
             "findings per 1,000 AI lines"),
        _kpi("reviewed_share", pct(s["reviewed_share"]), "of AI lines reviewed"),
        _kpi("telemetry_findings", str(s["telemetry_findings"]),
             "telemetry-integrity findings", alert=tele_alert),
    ])
    notes = "".join(f"<p>{esc(n)}</p>" for n in doc["notes"])
    statuses = ", ".join(f"{v} {k}" for k, v in s["by_status"].items()) or "none"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="tracemark report ({esc(doc['schema'])})">
<title>tracemark report: {esc(spec)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header>
<h1>tracemark report</h1>
<p class="sub">Range <code>{esc(spec)}</code>: {esc(period(doc))}. Head
<code>{esc((doc['range']['head'] or '-')[:12])}</code>, policy <code>{esc(doc['policy'])}</code>,
signatures {'checked' if doc['signatures_checked'] else 'not checked'}.</p>
<p class="lead" id="headline">{esc(headline(doc))}</p>
</header>
<section class="kpis" aria-label="Key figures">{kpis}</section>
<section id="timeline"><h2>AI share over time</h2>
<p class="explain">Lines each commit adds (a merge: its conflict resolutions), by who wrote them,
from the commits' signed provenance trailers.</p>
{_timeline(doc)}</section>
<section id="tools"><h2>By tool and model</h2>{_tools(doc)}</section>
<section id="findings"><h2>Findings on AI lines</h2>{_findings(doc)}</section>
<section id="matrix"><h2>Which tools produce which findings</h2>{_matrix(doc)}</section>
<section id="review"><h2>Reviewed vs unreviewed AI lines</h2>{_review(doc)}</section>
<section id="telemetry" class="callout{'' if tele_alert else ' ok'}">
<h2>Telemetry integrity</h2>{tele_html}</section>
<section id="commits"><h2>Commits</h2><p>{s['commits']} commits: {esc(statuses)}.</p>
{_commits(doc)}</section>
<footer>{notes}<p>Generated by <code>tracemark report</code> from the
<code>{esc(doc['schema'])}</code> document (<code>--format json</code> gives the same figures).
Works offline: no scripts, fonts or images are loaded.</p></footer>
</main>
</body>
</html>
"""
