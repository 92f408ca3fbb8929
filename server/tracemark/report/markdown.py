"""The report document as Markdown: a pull request comment, a wiki page, a job summary.

Rendered from the ``tracemark/report/v1`` document only. Tables escape ``|`` and keep to one
line per row; the per-commit table is folded into ``<details>`` and cut at ``MAX_ROWS``.
"""

from __future__ import annotations

from typing import Any

MAX_ROWS = 50


def cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.0f}%"


def num(v: float | None) -> str:
    return "-" if v is None else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}")


def headline(doc: dict[str, Any]) -> str:
    """One sentence with the figures a reader wants first (also the HTML page's lead)."""
    s = doc["summary"]
    lines = s["lines"]
    tools = len(s["tools"])
    out = (f"{pct(s['ai_share'])} of the {lines['added']:,} lines added are AI "
           f"({s['ai_lines']:,} lines by {tools} tool{'s' * (tools != 1)}/model"
           f"{'s' * (tools != 1)}); {s['findings_on_ai_lines']} finding"
           f"{'s' * (s['findings_on_ai_lines'] != 1)} on AI lines "
           f"({s['open_findings_on_ai_lines']} still open), "
           f"{num(s['findings_per_1000_ai_lines'])} per 1,000 AI lines; "
           f"{pct(s['reviewed_share'])} of AI lines reviewed; "
           f"{s['telemetry_findings']} telemetry-integrity finding"
           f"{'s' * (s['telemetry_findings'] != 1)}.")
    return out


def period(doc: dict[str, Any]) -> str:
    r, s = doc["range"], doc["summary"]
    days = (f", {r['first_day']} to {r['last_day']}" if r["first_day"] != r["last_day"]
            else f", {r['first_day']}") if r["first_day"] else ""
    return f"{s['commits']} commit{'s' * (s['commits'] != 1)}{days}"


def _tools(mapping: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in mapping.items()) or "-"


def render_markdown(doc: dict[str, Any]) -> str:
    s = doc["summary"]
    out = [f"# tracemark report: `{cell(doc['range']['spec'])}` ({period(doc)})", "",
           headline(doc), ""]

    out += ["## AI share over time", "", "| day | commits | added | AI | AI share | human | "
            "unattested | by tool and model |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for d in doc["timeline"]["days"]:
        ln = d["lines"]
        out.append(f"| {d['day']} | {d['commits']} | {ln['added']} | {d['ai_lines']} | "
                   f"{pct(d['ai_share'])} | {ln['human']} | {ln['unattested']} | "
                   f"{cell(_tools(d['by_tool']))} |")
    out.append("")

    out += ["## By tool and model", "", "| tool:model | AI lines | share of AI lines | "
            "reviewed | findings | open | per 1,000 AI lines | most frequent rules |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for t in doc["tools"]:
        top = ", ".join(f"`{r}` {n}" for r, n in list(t["rules"].items())[:3]) or "-"
        out.append(f"| `{cell(t['label'])}` | {t['lines']['total']} | "
                   f"{pct(t['share_of_ai_lines'])} | {t['lines']['reviewed']} | "
                   f"{t['findings']['total']} | {t['findings']['open']} | "
                   f"{num(t['findings_per_1000_lines'])} | {top} |")
    if not doc["tools"]:
        out.append("| (no AI lines in this range) | | | | | | | |")
    out.append("")
    for field, title in (("by_tool", "tool"), ("by_model", "model")):
        rows = doc[field]
        if len(rows) > 1:
            out += [f"Per {title}: " + "; ".join(
                f"`{cell(r[title])}` {r['ai_lines']} AI lines, {r['findings']} findings "
                f"({num(r['findings_per_1000_lines'])} per 1,000)" for r in rows) + ".", ""]

    f = doc["findings"]
    sev = f["by_severity"]
    out += ["## Findings on AI lines", "",
            f"{f['total']} finding{'s' * (f['total'] != 1)} ({f['open']} still open at the "
            f"range's last commit): {sev['error']} error, {sev['warning']} warning, "
            f"{sev['info']} info. On other lines: {sum(f['other_lines'].values())}.", ""]
    if f["by_rule"]:
        out += ["| rule | severity | CWE | category | findings | open | by |",
                "|---|---|---|---|---:|---:|---|"]
        for r in f["by_rule"]:
            out.append(f"| `{r['rule']}` | {r['severity']} | {', '.join(r['cwe']) or '-'} | "
                       f"{cell(r['category'] or '-')} | {r['count']} | {r['open']} | "
                       f"{cell(_tools(r['tools']))} |")
        out += ["", "| CWE | findings | rules |", "|---|---:|---|"]
        for c in f["by_cwe"]:
            out.append(f"| {c['cwe']} | {c['count']} | "
                       f"{', '.join(f'`{x}`' for x in c['rules'])} |")
        out.append("")

    rv = doc["review"]
    out += ["## Reviewed vs unreviewed AI lines", "",
            f"{rv['reviewed']} of {rv['ai_lines']} AI lines reviewed ({pct(rv['reviewed_share'])}"
            f"), {rv['unreviewed']} unreviewed. Findings on reviewed lines: "
            f"{rv['findings']['reviewed']}, on unreviewed lines: {rv['findings']['unreviewed']}.",
            ""]
    if rv["by_tool"]:
        out += ["| tool:model | reviewed | unreviewed |", "|---|---:|---:|"]
        out += [f"| `{cell(t['label'])}` | {t['reviewed']} | {t['unreviewed']} |"
                for t in rv["by_tool"]]
        out.append("")

    tele = doc["telemetry_integrity"]
    out += ["## Telemetry integrity", ""]
    if tele["count"]:
        one = tele["count"] == 1
        out += [f"> **{tele['count']} finding{'' if one else 's'} on AI lines "
                f"weaken{'s' if one else ''} the signals that would reveal a problem** (logs "
                "muted, errors swallowed, tracing "
                f"off, secrets in logs); {tele['open']} still open.", "",
                "| where | rule | CWE | by | commit | state |", "|---|---|---|---|---|---|"]
        for g in tele["items"][:MAX_ROWS]:
            out.append(f"| `{cell(g['path'])}:{g['line']}` | `{g['rule']}` | "
                       f"{', '.join(g['cwe'])} | `{cell(g['label'])}` | `{g['commit'][:10]}` | "
                       f"{'fixed later' if g['resolved'] else 'open'} |")
    elif tele["rules_in_pack"]:
        out.append(f"None: the {tele['rules_in_pack']} telemetry-integrity rules found nothing "
                   "on AI lines.")
    else:
        out.append("Not checked: the rule pack in use has no telemetry-integrity rules.")
    out.append("")

    commits = doc["timeline"]["commits"]
    out += ["<details><summary>Per commit</summary>", "",
            "| commit | day | status | added | AI | AI share | by tool and model | subject |",
            "|---|---|---|---:|---:|---:|---|---|"]
    for c in commits[:MAX_ROWS]:
        out.append(f"| `{c['commit'][:10]}` | {c['day'] or '-'} | {c['status']} | "
                   f"{c['lines']['added']} | {c['ai_lines']} | {pct(c['ai_share'])} | "
                   f"{cell(_tools(c['by_tool']))} | {cell(c['subject'][:72])} |")
    if len(commits) > MAX_ROWS:
        out.append(f"| | | | | | | | … and {len(commits) - MAX_ROWS} more (see the JSON) |")
    out += ["", "</details>"]
    if doc["notes"]:
        out.append("")
        out += [f"> {cell(n)}" for n in doc["notes"]]
    out += ["", f"<sub>tracemark report ({doc['schema']}), policy `{cell(doc['policy'])}`, "
            f"signatures {'checked' if doc['signatures_checked'] else 'not checked'}; "
            f"head `{(doc['range']['head'] or '-')[:10]}`. {s['commits']} commits by status: "
            + ", ".join(f"{v} {k}" for k, v in s["by_status"].items()) + ".</sub>"]
    return "\n".join(out) + "\n"
