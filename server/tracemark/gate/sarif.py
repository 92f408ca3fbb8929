"""The report as SARIF 2.1.0 for GitHub code scanning, built on :mod:`tracemark.rules.sarif`.

- Findings: one result each (repeats of one finding across commits once), placed in the range's
  last version of the file (what the pull request shows), ``level`` from the severity, CWE ids
  in the rule's properties, ``partialFingerprints`` from the rules' SARIF builder, and the
  provenance of the lines in the result's ``properties``: ``origin``, ``tool``, ``model``,
  ``commit``, ``reviewed``, ``policyAction``. Findings fixed later in the range are left out.
- Policy failures that point at a file (forbidden or review-required paths, dependencies) are
  results of ``tracemark-policy/<rule>`` rules; the others (an invalid or missing attestation,
  the AI share) are ``toolExecutionNotifications`` of the run, with the commit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tracemark.gate.report import RULES, GateFinding, VerifyReport
from tracemark.model import Finding, Point
from tracemark.rules.loader import default_rules
from tracemark.rules.sarif import build_sarif

#: Failures that are findings already reported as results.
_FINDING_RULES = {"ai-finding", "ai-finding-review"}


def _at_head(g: GateFinding) -> Finding:
    f = g.finding
    assert g.head_start_line is not None and g.head_end_line is not None
    delta = g.head_start_line - (f.start.line + 1)
    if delta == 0:
        return f
    return f.model_copy(update={
        "start": Point(line=f.start.line + delta, byte_col=f.start.byte_col),
        "end": Point(line=f.end.line + delta, byte_col=f.end.byte_col),
        "fix": None,  # its byte offsets are the old file's
    })


def render_sarif(report: VerifyReport, root: Path) -> dict[str, Any]:
    shown = [g for g in report.reported_findings() if not g.resolved]
    placed: dict[int, GateFinding] = {}
    findings = []
    for g in shown:
        f = _at_head(g)
        placed[id(f)] = g
        findings.append(f)

    def provenance(f: Finding) -> dict[str, Any]:
        g = placed[id(f)]
        return {"origin": g.origin, "tool": g.tool, "model": g.model, "commit": g.commit,
                "reviewed": g.reviewed, "policyAction": g.action,
                "engines": list(g.engines)}

    used = {f.rule_id for f in findings}
    rules = [r for r in default_rules() if r.id in used]
    log = build_sarif(findings, rules=rules, root=root, texts=report.head_texts,
                      result_properties=provenance, tool_name="tracemark",
                      run_properties={"range": report.spec, "rangeSource": report.source,
                                      "head": report.head, "policy": report.policy_source,
                                      "passed": report.passed,
                                      "failures": len(report.failures),
                                      "aiShare": report.ai_share()})
    run = log["runs"][0]
    descriptors = run["tool"]["driver"]["rules"]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    notifications = []
    for fail in report.failures:
        if fail.rule in _FINDING_RULES:
            continue
        if fail.path is None:
            notifications.append({
                "level": "error",
                "message": {"text": f"{fail.commit[:12] + ': ' if fail.commit else ''}"
                            f"{fail.rule}: {fail.reason}"},
                "descriptor": {"id": f"tracemark-policy/{fail.rule}"},
                "properties": {"commit": fail.commit, "policyRule": fail.rule},
            })
            continue
        rid = f"tracemark-policy/{fail.rule}"
        if rid not in index:
            index[rid] = len(descriptors)
            descriptors.append({
                "id": rid,
                "shortDescription": {"text": RULES.get(fail.rule, fail.rule)},
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["provenance", "policy"]},
            })
        fp = hashlib.sha256(f"{fail.rule}\0{fail.path}\0{fail.reason}".encode()).hexdigest()
        run["results"].append({
            "ruleId": rid,
            "ruleIndex": index[rid],
            "level": "error",
            "message": {"text": fail.reason},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": fail.path, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": fail.line or 1},
            }}],
            "partialFingerprints": {"tracemark/v1": fp[:32]},
            "properties": {"commit": fail.commit, "policyRule": fail.rule},
        })
    run["invocations"] = [{"executionSuccessful": True,
                           "toolExecutionNotifications": notifications}]
    return log
