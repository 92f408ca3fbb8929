"""``tracemark stats``: AI, AI-modified, human and unattested lines per commit, from trailers.

Every commit of a range is verified (:func:`~tracemark.attest.verify.verify_message`) and the
lines it adds are counted:

- ``ai`` / ``ai_modified`` / ``reviewed``: lines of verified AI ranges, by kind (``reviewed``
  is AI code a person reviewed);
- ``human``: the other lines a commit with a genuine record adds;
- ``unattested``: lines of commits without a (valid) record, and the lines of attested ranges
  that changed since signing.

A merge commit counts only the lines it adds relative to *every* parent (its conflict
resolutions); the merged lines are counted in the commits that brought them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tracemark.attest.changes import commit_changes
from tracemark.attest.config import load_config
from tracemark.attest.verify import (
    SigstorePolicy,
    commit_content,
    read_commit,
    rev_list,
    sigstore_policy_from,
    verify_message,
)
from tracemark.capture import gitai
from tracemark.gitutil import Repo
from tracemark.model import CommitStatus, OriginKind

KINDS = ("ai", "ai_modified", "reviewed")
COUNTS = ("added", "ai", "ai_modified", "reviewed", "human", "unattested")


@dataclass
class CommitStats:
    commit: str
    subject: str
    status: CommitStatus
    lines: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    #: (tool, model) → counts per AI kind.
    by_tool: dict[tuple[str, str | None], dict[str, int]] = field(default_factory=dict)

    def json(self) -> dict:
        return {"commit": self.commit, "subject": self.subject, "status": self.status.value,
                "lines": self.lines, "by_tool": _tools_json(self.by_tool)}


def _tools_json(by_tool: dict[tuple[str, str | None], dict[str, int]]) -> list[dict]:
    return [{"tool": t, "model": m, **counts} for (t, m), counts in sorted(
        by_tool.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]


def commit_stats(repo: Repo, rev: str, *, check_signatures: bool,
                 allowed_signers: Path | None, sigstore: SigstorePolicy | None,
                 config=None) -> CommitStats:
    config = config or load_config(repo.root)
    info = read_commit(repo.root, rev)
    content = commit_content(repo.root, info)
    result = verify_message(repo.root, info.sha, info.message, content,
                            allowed_signers=allowed_signers, check_signatures=check_signatures,
                            sigstore=sigstore, config=config)
    added = {p: set(fc.added) for p, fc in content.changes.items()}
    for other in info.parents[1:]:
        theirs = commit_changes(repo.root, info.sha, other)
        added = {p: s & set(theirs[p].added) if p in theirs else set() for p, s in added.items()}
    st = CommitStats(info.sha, info.message.split("\n", 1)[0], result.status)
    total = sum(len(s) for s in added.values())
    st.lines["added"] = total
    if result.status is CommitStatus.INVALID:
        st.lines["unattested"] = total
        return st
    seen: set[tuple[str, int]] = set()
    for a in result.ai_lines if result.status is not CommitStatus.UNATTESTED else ():
        kind = a.kind.replace("-", "_")
        if kind not in KINDS:
            continue
        for n in range(a.start, a.end + 1):
            if n not in added.get(a.path, ()) or (a.path, n) in seen:
                continue  # merged lines, or claimed twice (a squash of overlapping records)
            seen.add((a.path, n))
            st.lines[kind] += 1
            counts = st.by_tool.setdefault((a.tool, a.model), dict.fromkeys(KINDS, 0))
            counts[kind] += 1
    _count_git_ai(repo, info.sha, added, seen, st)
    if result.status is CommitStatus.UNATTESTED:
        st.lines["unattested"] = total - len(seen)
        return st
    changed = min(sum(len(c.lines) for c in result.changed), total - len(seen))
    st.lines["unattested"] = changed
    st.lines["human"] = total - len(seen) - changed
    return st


@lru_cache(maxsize=8)
def _has_git_ai_notes(repo: Repo) -> bool:
    return gitai.has_notes(repo)


def _count_git_ai(repo: Repo, sha: str, added: dict[str, set[int]],
                  seen: set[tuple[str, int]], st: CommitStats) -> None:
    """The second source: lines a git-ai note (``refs/notes/ai``) attests as AI and no verified
    trailer covers count as ``ai``, under the note's tool and model."""
    if not _has_git_ai_notes(repo):
        return
    for path, by_line in gitai.commit_origins(repo, sha).items():
        for n, origin in by_line.items():
            if origin.kind is not OriginKind.AI or n not in added.get(path, ()) or (
                    path, n) in seen:
                continue
            seen.add((path, n))
            st.lines["ai"] += 1
            key = (origin.tool or "unknown", origin.model)
            st.by_tool.setdefault(key, dict.fromkeys(KINDS, 0))["ai"] += 1


def range_stats(repo: Repo, spec: str = "HEAD", *, allowed_signers: Path | None = None,
                check_signatures: bool | None = None) -> dict:
    """The ``tracemark/stats/v1`` document for a range."""
    config = load_config(repo.root)
    allowed = allowed_signers or config.allowed_signers
    sigstore = sigstore_policy_from(config)
    if check_signatures is None:
        check_signatures = allowed is not None or sigstore is not None
    commits = [commit_stats(repo, sha, check_signatures=check_signatures,
                            allowed_signers=allowed, sigstore=sigstore, config=config)
               for sha in rev_list(repo.root, spec)]
    lines = dict.fromkeys(COUNTS, 0)
    by_tool: dict[tuple[str, str | None], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(KINDS, 0))
    statuses: dict[str, int] = defaultdict(int)
    for c in commits:
        statuses[c.status.value] += 1
        for k, v in c.lines.items():
            lines[k] += v
        for key, counts in c.by_tool.items():
            for k, v in counts.items():
                by_tool[key][k] += v
    return {
        "schema": "tracemark/stats/v1",
        "range": spec,
        "signatures_checked": check_signatures,
        "commits": [c.json() for c in commits],
        "total": {"commits": len(commits), "by_status": dict(statuses), "lines": lines,
                  "by_tool": _tools_json(dict(by_tool))},
    }
