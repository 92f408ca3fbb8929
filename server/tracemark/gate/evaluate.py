"""``tracemark verify``: verify every commit of a range and apply the policy.

For each commit: its trailers are verified by the attestation's own code
(:func:`tracemark.attest.verify.verify_message`: signature against the allowed signers or
Sigstore identities, binding of the attested lines to the lines the commit adds, ``Assisted-by``)
and the commit is classified (``ai-attested``, ``human-attested``, ``unattested``,
``lines-changed``, ``invalid``). The rules re-run on the lines it adds, in the file as the
commit has it, and each finding gets the provenance of its lines. Then the policy
(``docs/policy.md``) turns all of that into failures, each with a one-line reason.

Merge commits: a merge's own lines are those new relative to *every* parent (conflict
resolutions); the merged lines are judged in the commits that brought them. A clean merge has
no lines of its own and needs no record.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tracemark.attest.config import AttestConfig, load_config
from tracemark.attest.verify import Content, verify_message
from tracemark.gate import dependencies as deps
from tracemark.gate.history import Commit, load_commits, read_blobs, rev_list
from tracemark.gate.report import (
    AddedDependency,
    CommitResult,
    Failure,
    GateFinding,
    VerifyReport,
)
from tracemark.gate.rescan import (
    FastScanner,
    Target,
    deep_scan,
    gate_engine,
    merge_tiers,
    relocate,
    scannable,
)
from tracemark.gate.trust import Trust
from tracemark.model import AttestedLines, CommitStatus, CommitVerification
from tracemark.policy import Policy, path_matches

Progress = Callable[[int, int], None]


@dataclass
class Options:
    deep: bool = False
    check_signatures: bool = True
    semgrep_timeout: float = 1800.0
    #: Threads verifying commits at once (signature checks are ssh-keygen processes).
    jobs: int = 0


# -- verification ---------------------------------------------------------------------------


def _verify(root: Path, c: Commit, trust: Trust, config: AttestConfig, check: bool
            ) -> CommitVerification:
    def fetch(path: str) -> bytes | None:
        return read_blobs(root, [f"{c.sha}:{path}"]).get(f"{c.sha}:{path}")

    content = Content(c.changes, fetch)
    identities = trust.sigstore or [None]
    result = None
    for identity in identities:  # a record may be signed by any of the allowed identities
        result = verify_message(root, c.sha, c.message, content,
                                allowed_signers=trust.allowed_signers, check_signatures=check,
                                sigstore=identity, config=config)
        if result.status is not CommitStatus.INVALID or not any(
                "sigstore" in why.lower() for why in result.reasons):
            break
    assert result is not None
    return result


def _own_ai_lines(v: CommitVerification, own: dict[str, set[int]]
                  ) -> dict[str, dict[int, AttestedLines]]:
    """Line → the attested range covering it, for the commit's own lines (trusted records
    only: an invalid commit has no AI lines anyone can rely on)."""
    out: dict[str, dict[int, AttestedLines]] = {}
    if v.status is CommitStatus.INVALID:
        return out
    for a in v.ai_lines:
        mine = own.get(a.path, set())
        for n in range(a.start, a.end + 1):
            if n in mine:
                out.setdefault(a.path, {}).setdefault(n, a)
    return out


def _count(v: CommitVerification, own: dict[str, set[int]],
           ai: dict[str, dict[int, AttestedLines]]) -> dict[str, int]:
    total = sum(len(s) for s in own.values())
    lines = {"added": total, "ai": 0, "ai_modified": 0, "reviewed": 0, "human": 0,
             "unattested": 0}
    if v.status in (CommitStatus.UNATTESTED, CommitStatus.INVALID):
        lines["unattested"] = total
        return lines
    for by_line in ai.values():
        for a in by_line.values():
            kind = a.kind.replace("-", "_")
            lines[kind if kind in ("ai", "ai_modified", "reviewed") else "ai"] += 1
    ai_total = sum(len(x) for x in ai.values())
    changed = min(sum(len(c.lines) for c in v.changed), total - ai_total)
    lines["unattested"] = changed
    lines["human"] = total - ai_total - changed
    return lines


# -- policy ---------------------------------------------------------------------------------


def _label(tool: str | None, model: str | None) -> str:
    return f"{tool}:{model}" if tool and model else (tool or "unknown tool")


def _line_failures(policy: Policy, r: CommitResult,
                   ai: dict[str, dict[int, AttestedLines]]) -> None:
    """Paths, tools and models: the rules about AI lines themselves."""
    sha = r.commit.sha
    seen_tools: set[tuple[str, str | None]] = set()
    for path in sorted(ai):
        by_line = ai[path]
        runs = _runs(sorted(by_line))
        if path_matches(path, policy.ai.forbidden_paths):
            for a, b in runs:
                r.failures.append(Failure(
                    "ai-forbidden-path", f"{path}:{_span(a, b)}: AI lines by "
                    f"{_label(by_line[a].tool, by_line[a].model)} where the policy accepts no "
                    "AI code (ai.forbidden_paths)", sha, path, a))
        elif path_matches(path, policy.ai.review_paths):
            pending = sorted(n for n, x in by_line.items() if not x.reviewed)
            for a, b in _runs(pending):
                r.failures.append(Failure(
                    "ai-review-path", f"{path}:{_span(a, b)}: AI lines by "
                    f"{_label(by_line[a].tool, by_line[a].model)} need a review mark here "
                    "(ai.review_paths; tracemark mark --reviewed)", sha, path, a))
        for n in sorted(by_line):
            x = by_line[n]
            key = (x.tool, x.model)
            if key in seen_tools:
                continue
            seen_tools.add(key)
            if not policy.ai.tool_allowed(x.tool):
                r.failures.append(Failure(
                    "ai-tool", f"AI lines from {x.tool!r}, which ai.tools does not allow "
                    f"(allowed: {', '.join(policy.ai.tools or [])})", sha, path, n))
            elif not policy.ai.model_allowed(x.model):
                r.failures.append(Failure(
                    "ai-model", f"AI lines from {_label(x.tool, x.model)}: model "
                    f"{x.model or '(unknown)'} is not in ai.models "
                    f"({', '.join(policy.ai.models or [])})", sha, path, n))


def _runs(lines: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for n in lines:
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def _span(a: int, b: int) -> str:
    return f"{a}" if a == b else f"{a}-{b}"


def _attestation_failures(r: CommitResult) -> None:
    v, sha = r.verification, r.commit.sha
    if v.status is CommitStatus.INVALID:
        for why in v.reasons or ["invalid provenance record"]:
            r.failures.append(Failure("invalid-attestation", why, sha))
        return
    if not r.needs_attestation:
        return
    if v.status is CommitStatus.UNATTESTED:
        r.failures.append(Failure(
            "attestation-required", "no provenance record (committed without tracemark's "
            "hooks, or with --no-verify); the policy requires one (attestation)", sha))
    elif v.status is CommitStatus.LINES_CHANGED:
        why = "; ".join(v.reasons) or "attested AI lines changed since signing"
        r.failures.append(Failure("attestation-required", f"{why}; the policy requires a "
                                  "record that matches the commit (attestation)", sha))


def _finding_failures(r: CommitResult) -> None:
    for g in r.findings:
        if not g.is_ai or g.resolved or g.duplicate or g.action == "report":
            continue
        f = g.finding
        where = f"{f.path}:{f.start.line + 1}"
        who = _label(g.tool, g.model)
        if g.action == "block":
            r.failures.append(Failure(
                "ai-finding", f"{where}: {f.rule_id} ({f.severity.value}) on AI lines by {who}: "
                f"{_first_sentence(f.message)}", r.commit.sha, f.path, f.start.line + 1))
        elif g.action == "review" and not g.reviewed:
            r.failures.append(Failure(
                "ai-finding-review", f"{where}: {f.rule_id} ({f.severity.value}) on AI lines by "
                f"{who} needs a review mark (tracemark mark --reviewed): "
                f"{_first_sentence(f.message)}", r.commit.sha, f.path, f.start.line + 1))


def _dependency_failures(r: CommitResult) -> None:
    for d in r.dependencies:
        if d.action == "block" or (d.action == "review" and not d.reviewed):
            need = "is not accepted" if d.action == "block" else "needs a review mark"
            r.failures.append(Failure(
                "ai-dependency", f"{d.path}:{d.line}: dependency {d.name}"
                f"{' ' + d.version if d.version else ''} added by AI lines "
                f"({_label(d.tool, d.model)}) {need} (ai.dependencies: {d.action})",
                r.commit.sha, d.path, d.line))


def _first_sentence(text: str) -> str:
    s = " ".join(text.split())
    cut = s.find(". ")
    s = s[:cut + 1] if cut > 0 else s
    return s if len(s) <= 160 else s[:157] + "..."


# -- the range ------------------------------------------------------------------------------


def verify_range(root: Path, spec: str, trust: Trust, *, source: str = "argument",
                 options: Options | None = None, progress: Progress | None = None
                 ) -> VerifyReport:
    """Verify every commit of ``spec`` against ``trust`` (policy and signers)."""
    options = options or Options()
    policy = trust.policy
    config = load_config(root)
    shas = rev_list(root, spec)
    commits = load_commits(root, shas)
    report = VerifyReport(spec=spec, source=source, head=shas[-1] if shas else None,
                          policy_source=trust.policy_source,
                          signatures_checked=options.check_signatures,
                          allowed_signers=str(trust.allowed_signers)
                          if trust.allowed_signers else None, max_share=policy.ai.max_share)
    report.deep.requested = options.deep
    total = len(commits)
    done = 0

    def one(c: Commit) -> CommitVerification:
        return _verify(root, c, trust, config, options.check_signatures)

    jobs = options.jobs or min(8, 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        verifications = []
        for v in pool.map(one, commits):
            verifications.append(v)
            done += 1
            if progress is not None:
                progress(done, total)

    # Lines of their own, provenance per line, and what to re-scan.
    ais: list[dict[str, dict[int, AttestedLines]]] = []
    wanted: list[tuple[str, str, set[int]]] = []
    manifests: list[tuple[int, str, set[int]]] = []
    for i, (c, v) in enumerate(zip(commits, verifications, strict=True)):
        own = c.own_lines()
        ai = _own_ai_lines(v, own)
        ais.append(ai)
        r = CommitResult(c, v, lines=_count(v, own, ai),
                         needs_attestation=bool(own) and policy.attestation.needed_for(
                             sorted(own)))
        report.commits.append(r)
        for path, lines in own.items():
            wanted.append((c.sha, path, lines))
            if path in ai and deps.manifest_kind(path) is not None:
                manifests.append((i, path, set(ai[path])))
    specs = [f"{sha}:{p}" for sha, p, _ in wanted]
    blobs = read_blobs(root, specs)
    targets = [Target(sha, p, blobs[f"{sha}:{p}"], lines)  # type: ignore[arg-type]
               for sha, p, lines in wanted if scannable(p, blobs.get(f"{sha}:{p}"))]

    # Findings: fast tier always, semgrep with --deep.
    engine = gate_engine(root, policy)
    scanner = FastScanner(engine)
    deep = None
    if options.deep:
        deep = deep_scan(engine, targets, timeout=options.semgrep_timeout)
        report.deep.ran, report.deep.reason = deep.ran, deep.reason
        report.deep.warnings = deep.warnings
    index = {c.sha: i for i, c in enumerate(commits)}
    head_specs = sorted({f"{report.head}:{t.path}" for t in targets}) if report.head else []
    heads = read_blobs(root, head_specs) if head_specs else {}
    seen: set[tuple[str, str, int, bytes]] = set()
    for t in targets:
        i = index[t.commit]
        r, ai, v = report.commits[i], ais[i], verifications[i]
        found = merge_tiers(scanner.scan(t), deep.findings.get(t.key, []) if deep else [])
        head_text = heads.get(f"{report.head}:{t.path}")
        old_lines = t.content.split(b"\n")
        for f, engines in found:
            covered = [ai.get(t.path, {}).get(n) for n in range(f.start.line + 1,
                                                                 f.end.line + 2)]
            hits = [a for a in covered if a is not None]
            if hits:
                origin = "reviewed" if all(a.reviewed for a in hits) else (
                    "ai-modified" if any(a.kind == "ai-modified" for a in hits) else "ai")
                tool, model = hits[0].tool, hits[0].model
                action = policy.ai.findings.for_severity(f.severity)
            else:
                origin = "unattested" if v.status in (CommitStatus.UNATTESTED,
                                                      CommitStatus.INVALID) else "human"
                tool = model = None
                action = "report"
            place = relocate(f, t.content, head_text)
            g = GateFinding(f, t.commit, origin, tool, model, action, engines,
                            place[0] if place else None, place[1] if place else None)
            text = old_lines[f.start.line] if f.start.line < len(old_lines) else b""
            key = (f.rule_id, t.path, g.head_start_line or -1, text.strip())
            if place is not None and key in seen:
                g.duplicate = True  # the same match, already reported for an earlier commit
            seen.add(key)
            r.findings.append(g)
            report.findings.append(g)
        if head_text is not None:
            report.head_texts[t.path] = head_text

    # Dependencies added by AI lines.
    for i, path, lines in manifests:
        c, ai = commits[i], ais[i]
        content = blobs.get(f"{c.sha}:{path}")
        if content is None:
            continue
        for d in deps.declared_on_lines(path, content, lines):
            a = ai[path][d.line]
            added = AddedDependency(d.ecosystem, d.name, d.version, d.purl, path, d.line, c.sha,
                                    a.tool, a.model, a.reviewed, policy.ai.dependencies)
            report.commits[i].dependencies.append(added)
            report.dependencies.append(added)

    # The policy.
    for r, ai in zip(report.commits, ais, strict=True):
        _attestation_failures(r)
        _line_failures(policy, r, ai)
        _finding_failures(r)
        _dependency_failures(r)
        report.failures.extend(r.failures)
    share = report.ai_share()
    if policy.ai.max_share is not None and share is not None and share > policy.ai.max_share:
        lines = report.lines()
        ai_n = lines["ai"] + lines["ai_modified"] + lines["reviewed"]
        report.failures.append(Failure(
            "ai-share", f"{ai_n} of {lines['added']} added lines are AI ({share:.0%}); "
            f"ai.max_share allows {policy.ai.max_share:.0%}"))
    _trust_notes(report, commits, trust)
    return report


def _trust_notes(report: VerifyReport, commits: list[Commit], trust: Trust) -> None:
    changed = {p for c in commits for p in c.changes}
    for label, path in (("policy file", trust.policy_path),
                        ("allowed signers file", trust.signers_path)):
        if path and path in changed and ":" not in trust.policy_source:
            report.notes.append(
                f"this range changes the {label} {path}, and it was read from the working "
                "tree: judge a change by its base's policy with --policy-rev BASE")
    if not trust.allowed_signers and any(
            r.status is CommitStatus.INVALID and any("allowed signers" in why
                                                     for why in r.verification.reasons)
            for r in report.commits):
        report.notes.append("no allowed signers file: name one in the policy "
                            "(signers.allowed_signers) or pass --allowed-signers FILE")
