"""The report for people reading a terminal or a CI log: every failure on one line, first."""

from __future__ import annotations

from tracemark.gate.report import VerifyReport


def _short(sha: str | None) -> str:
    return sha[:10] if sha else "range"


def render_text(report: VerifyReport) -> str:
    out: list[str] = []
    n = len(report.commits)
    out.append(f"tracemark verify {report.spec} ({report.source}): {n} commit"
               f"{'s' * (n != 1)}, policy: {report.policy_source}")
    for f in report.failures:
        out.append(f"FAIL {_short(f.commit)} {f.rule}: {f.reason}")
    if report.commits:
        out.append("")
        out.append(f"{'commit':<10} {'status':<14} {'added':>6} {'ai':>5} {'findings':>8}  "
                   "subject")
    for c in report.commits:
        mark = "x" if c.failures else " "
        shown = [g for g in c.findings if not g.duplicate]
        merge = " (merge)" if c.commit.is_merge else ""
        out.append(f"{c.commit.sha[:10]:<10} {c.status.value:<14} {c.lines['added']:>6} "
                   f"{c.ai_lines:>5} {len(shown):>8} {mark} {c.commit.subject[:60]}{merge}")
    findings = report.reported_findings()
    if findings:
        out.append("")
        out.append("findings (origin of the lines, what the policy does):")
        for g in findings:
            f = g.finding
            state = "fixed later in the range" if g.resolved else g.action
            who = f" by {g.tool}{':' + g.model if g.model else ''}" if g.tool else ""
            out.append(f"  {f.path}:{f.start.line + 1} {f.severity.value:<7} {f.rule_id} "
                       f"[{g.origin}{who}, {_short(g.commit)}] {state}")
    if report.dependencies:
        out.append("")
        out.append("dependencies added by AI lines:")
        for d in report.dependencies:
            out.append(f"  {d.purl:<40} {d.path}:{d.line} ({d.tool}"
                       f"{':' + d.model if d.model else ''}{', reviewed' if d.reviewed else ''})"
                       f" {d.action}")
    lines = report.lines()
    share = report.ai_share()
    statuses = ", ".join(f"{v} {k}" for k, v in sorted(report.by_status().items()))
    out.append("")
    out.append(f"{lines['added']} lines added: "
               f"{lines['ai'] + lines['ai_modified'] + lines['reviewed']} AI"
               f"{f' ({share:.0%})' if share is not None else ''}, {lines['human']} human, "
               f"{lines['unattested']} unattested; commits: {statuses or 'none'}")
    if report.deep.requested and not report.deep.ran:
        out.append(f"deep tier did not run: {report.deep.reason}")
    if not report.signatures_checked:
        out.append("signatures were not checked (--no-signatures): binding only")
    for note in report.notes:
        out.append(f"note: {note}")
    verdict = "PASS" if report.passed else f"FAIL: {len(report.failures)} policy failure" \
        f"{'s' * (len(report.failures) != 1)}"
    out.append(verdict)
    return "\n".join(out) + "\n"
