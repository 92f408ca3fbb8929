"""The report as Markdown: a pull request comment or ``$GITHUB_STEP_SUMMARY``.

GitHub renders it; table cells escape ``|`` and keep to one line. Long lists are folded into
``<details>`` so the summary stays readable on large ranges.
"""

from __future__ import annotations

from tracemark.gate.report import VerifyReport

#: Rows shown before the rest is folded away.
MAX_ROWS = 50


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _sha(sha: str | None) -> str:
    return f"`{sha[:10]}`" if sha else "range"


def render_markdown(report: VerifyReport) -> str:
    lines = report.lines()
    share = report.ai_share()
    ai_n = lines["ai"] + lines["ai_modified"] + lines["reviewed"]
    icon = "✅" if report.passed else "❌"
    verdict = "passed" if report.passed else f"failed ({len(report.failures)} policy failure" \
        f"{'s' * (len(report.failures) != 1)})"
    out = [f"## {icon} tracemark verify {verdict}", ""]
    out.append(f"Range `{_cell(report.spec)}` ({report.source}), {len(report.commits)} commits, "
               f"policy `{_cell(report.policy_source)}`.")
    out.append("")
    out.append(f"**{lines['added']}** lines added: **{ai_n}** AI"
               f"{f' ({share:.0%})' if share is not None else ''}, {lines['human']} human, "
               f"{lines['unattested']} unattested.")
    counts = report.finding_counts()
    out.append(f"Findings on AI lines: {counts['ai']['error']} error, {counts['ai']['warning']} "
               f"warning, {counts['ai']['info']} info; on other lines: "
               f"{sum(counts['human'].values())}.")
    out.append("")
    if report.failures:
        out.append("### Policy failures")
        out.append("")
        out.append("| commit | rule | reason |")
        out.append("|---|---|---|")
        for f in report.failures[:MAX_ROWS]:
            out.append(f"| {_sha(f.commit)} | `{f.rule}` | {_cell(f.reason)} |")
        if len(report.failures) > MAX_ROWS:
            out.append(f"| | | … and {len(report.failures) - MAX_ROWS} more (see the JSON or "
                       "SARIF report) |")
        out.append("")
    out.append("<details><summary>Commits</summary>")
    out.append("")
    out.append("| commit | status | added | AI | tools | subject |")
    out.append("|---|---|---:|---:|---|---|")
    for c in report.commits[:MAX_ROWS]:
        out.append(f"| {_sha(c.commit.sha)} | {c.status.value} | {c.lines['added']} | "
                   f"{c.ai_lines} | {_cell(', '.join(c.tools()) or '-')} | "
                   f"{_cell(c.commit.subject[:80])} |")
    if len(report.commits) > MAX_ROWS:
        out.append(f"| | | | | | … and {len(report.commits) - MAX_ROWS} more |")
    out.append("")
    out.append("</details>")
    findings = report.reported_findings()
    if findings:
        out.append("")
        out.append("<details><summary>Findings</summary>")
        out.append("")
        out.append("| where | severity | rule | lines by | commit | policy |")
        out.append("|---|---|---|---|---|---|")
        for g in findings[:MAX_ROWS]:
            f = g.finding
            who = g.origin + (f" ({g.tool}{':' + g.model if g.model else ''})" if g.tool
                              else "")
            state = "fixed later" if g.resolved else g.action
            out.append(f"| `{_cell(f.path)}:{f.start.line + 1}` | {f.severity.value} | "
                       f"`{f.rule_id}` | {_cell(who)} | {_sha(g.commit)} | {state} |")
        out.append("")
        out.append("</details>")
    if report.dependencies:
        out.append("")
        out.append("<details><summary>Dependencies added by AI lines</summary>")
        out.append("")
        out.append("| package | where | by | reviewed |")
        out.append("|---|---|---|---|")
        for d in report.dependencies[:MAX_ROWS]:
            out.append(f"| `{_cell(d.purl)}` | `{_cell(d.path)}:{d.line}` | "
                       f"{_cell(d.tool)}{':' + _cell(d.model) if d.model else ''} | "
                       f"{'yes' if d.reviewed else 'no'} |")
        out.append("")
        out.append("</details>")
    if report.notes or (report.deep.requested and not report.deep.ran):
        out.append("")
        for note in report.notes:
            out.append(f"> {_cell(note)}")
        if report.deep.requested and not report.deep.ran:
            out.append(f"> deep tier did not run: {_cell(report.deep.reason)}")
    return "\n".join(out) + "\n"
