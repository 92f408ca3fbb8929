"""What ``tracemark verify`` found: per commit, per finding, per failure; and its JSON.

Every output format (text, JSON, SARIF, Markdown, CycloneDX) is rendered from one
:class:`VerifyReport`, so they cannot disagree. The JSON (``tracemark/verify/v1``) is the
report itself, field for field; ``docs/ci.md`` describes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracemark.gate.history import Commit
from tracemark.model import CommitStatus, CommitVerification, Finding

SCHEMA = "tracemark/verify/v1"

#: Policy rule ids, as failures name them (``docs/policy.md`` lists what each checks).
RULES = {
    "invalid-attestation": "a record is forged, replayed, edited or signed by an unknown key",
    "attestation-required": "the policy requires a valid record on this commit",
    "ai-finding": "a finding on AI lines whose severity the policy blocks",
    "ai-finding-review": "a finding on AI lines that needs a review mark",
    "ai-review-path": "AI lines in a path that needs a review mark",
    "ai-forbidden-path": "AI lines in a path where the policy accepts no AI code",
    "ai-tool": "AI lines from a tool the policy does not allow",
    "ai-model": "AI lines from a model the policy does not allow",
    "ai-share": "the share of AI lines in the change is above the policy's maximum",
    "ai-dependency": "a dependency added by AI lines (blocked or needing a review mark)",
}


@dataclass
class Failure:
    """One reason the gate fails; ``reason`` is one line."""

    rule: str
    reason: str
    commit: str | None = None
    path: str | None = None
    #: 1-based line in the file as ``commit`` has it.
    line: int | None = None

    def json(self) -> dict[str, Any]:
        return {"rule": self.rule, "reason": self.reason, "commit": self.commit,
                "path": self.path, "line": self.line}


@dataclass
class GateFinding:
    """A rule finding on lines a commit adds, with the provenance of those lines."""

    finding: Finding
    commit: str
    #: ``ai``, ``ai-modified``, ``reviewed`` (AI lines a person reviewed), ``human`` (lines of a
    #: commit with a valid record that are not AI), or ``unattested``.
    origin: str
    tool: str | None = None
    model: str | None = None
    #: What the policy does with it: ``block``, ``review`` or ``report``.
    action: str = "report"
    engines: list[str] = field(default_factory=lambda: ["fast"])
    #: The finding's place in the range's last version of the file (``None``: its lines are
    #: gone there: fixed later in the range, and then it does not fail).
    head_start_line: int | None = None
    head_end_line: int | None = None
    #: The same finding already reported for an earlier commit of the range.
    duplicate: bool = False

    @property
    def is_ai(self) -> bool:
        return self.origin in ("ai", "ai-modified", "reviewed")

    @property
    def reviewed(self) -> bool:
        return self.origin == "reviewed"

    @property
    def resolved(self) -> bool:
        return self.head_start_line is None

    @property
    def line(self) -> int:
        return self.finding.start.line + 1

    def json(self) -> dict[str, Any]:
        f = self.finding
        return {
            "rule": f.rule_id, "severity": f.severity.value, "message": f.message,
            "cwe": list(f.cwe), "path": f.path, "line": f.start.line + 1,
            "end_line": f.end.line + 1, "commit": self.commit, "origin": self.origin,
            "tool": self.tool, "model": self.model, "action": self.action,
            "engines": list(self.engines), "resolved": self.resolved,
            "head_line": self.head_start_line,
        }


@dataclass
class AddedDependency:
    """A dependency that AI lines add to a manifest."""

    ecosystem: str
    name: str
    #: The version or specifier as written (``>=2.31``, ``^4.17.21``), if any.
    version: str | None
    purl: str
    path: str
    line: int
    commit: str
    tool: str | None
    model: str | None
    reviewed: bool
    action: str = "report"

    def json(self) -> dict[str, Any]:
        return {"ecosystem": self.ecosystem, "name": self.name, "version": self.version,
                "purl": self.purl, "path": self.path, "line": self.line, "commit": self.commit,
                "tool": self.tool, "model": self.model, "reviewed": self.reviewed,
                "action": self.action}


LINE_KINDS = ("added", "ai", "ai_modified", "reviewed", "human", "unattested")


@dataclass
class CommitResult:
    commit: Commit
    verification: CommitVerification
    #: Lines of its own, by kind (``LINE_KINDS``).
    lines: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LINE_KINDS, 0))
    #: Whether the policy requires a valid record on it.
    needs_attestation: bool = False
    findings: list[GateFinding] = field(default_factory=list)
    dependencies: list[AddedDependency] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def status(self) -> CommitStatus:
        return self.verification.status

    @property
    def ai_lines(self) -> int:
        return self.lines["ai"] + self.lines["ai_modified"] + self.lines["reviewed"]

    def tools(self) -> list[str]:
        return sorted({f"{a.tool}:{a.model}" if a.model else a.tool
                       for a in self.verification.ai_lines})

    def json(self) -> dict[str, Any]:
        v = self.verification
        return {
            "commit": self.commit.sha, "subject": self.commit.subject,
            "parents": list(self.commit.parents), "merge": self.commit.is_merge,
            "status": v.status.value, "reasons": list(v.reasons),
            "needs_attestation": self.needs_attestation,
            "signers": [r.signer.model_dump(mode="json") for r in v.records
                        if r.signer is not None],
            "assisted_by": list(v.assisted_by), "tools": self.tools(),
            "lines": dict(self.lines),
            "ai_lines": [{"path": a.path, "start": a.start, "end": a.end, "kind": a.kind,
                          "tool": a.tool, "model": a.model, "reviewed": a.reviewed}
                         for a in v.ai_lines],
            "changed": [c.model_dump(mode="json") for c in v.changed],
            "notes": list(v.notes),
            "failures": [f.json() for f in self.failures],
        }


@dataclass
class DeepTier:
    """Whether the semgrep tier ran (``--deep``) and, when it did not, why."""

    requested: bool = False
    ran: bool = False
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class VerifyReport:
    spec: str
    #: Where the range came from: ``argument``, ``github-pull-request``, ``gitlab-merge-request``,
    #: ``upstream``, ...
    source: str
    head: str | None
    policy_source: str
    commits: list[CommitResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    findings: list[GateFinding] = field(default_factory=list)
    dependencies: list[AddedDependency] = field(default_factory=list)
    deep: DeepTier = field(default_factory=DeepTier)
    notes: list[str] = field(default_factory=list)
    signatures_checked: bool = True
    allowed_signers: str | None = None
    max_share: float | None = None
    #: Head versions of the files with findings (path → bytes), for SARIF columns.
    head_texts: dict[str, bytes] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def lines(self) -> dict[str, int]:
        out = dict.fromkeys(LINE_KINDS, 0)
        for c in self.commits:
            for k, v in c.lines.items():
                out[k] += v
        return out

    def ai_share(self) -> float | None:
        lines = self.lines()
        if not lines["added"]:
            return None
        return (lines["ai"] + lines["ai_modified"] + lines["reviewed"]) / lines["added"]

    def by_status(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.commits:
            out[c.status.value] = out.get(c.status.value, 0) + 1
        return out

    def reported_findings(self) -> list[GateFinding]:
        """Findings without the repeats of one already reported for an earlier commit."""
        return [f for f in self.findings if not f.duplicate]

    def finding_counts(self) -> dict[str, dict[str, int]]:
        out = {k: {"error": 0, "warning": 0, "info": 0} for k in ("ai", "human")}
        for f in self.reported_findings():
            if not f.resolved:
                out["ai" if f.is_ai else "human"][f.finding.severity.value] += 1
        return out

    def json(self) -> dict[str, Any]:
        share = self.ai_share()
        return {
            "schema": SCHEMA,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "range": {"spec": self.spec, "source": self.source, "head": self.head},
            "policy": {"source": self.policy_source, "max_ai_share": self.max_share},
            "signatures_checked": self.signatures_checked,
            "allowed_signers": self.allowed_signers,
            "summary": {
                "commits": len(self.commits), "by_status": self.by_status(),
                "lines": self.lines(), "ai_share": round(share, 4) if share is not None else None,
                "findings": self.finding_counts(), "dependencies": len(self.dependencies),
                "failures": len(self.failures),
            },
            "failures": [f.json() for f in self.failures],
            "commits": [c.json() for c in self.commits],
            "findings": [f.json() for f in self.reported_findings()],
            "dependencies": [d.json() for d in self.dependencies],
            "deep": {"requested": self.deep.requested, "ran": self.deep.ran,
                     "reason": self.deep.reason, "warnings": list(self.deep.warnings)},
            "notes": list(self.notes),
        }
