"""``tracemark blame FILE --rev REV``: who wrote each line of a committed file, from trailers.

``git blame --porcelain`` says which commit introduced each line and where the line was in
that commit's version of the file; that commit's verified records say whether that line is one
of its AI lines (tool, model, kind). Lines from commits without a valid record are ``unknown``;
the other lines of attested commits are ``human``. Nothing is read from the ledger: this is
what anyone with a clone can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracemark.attest.config import load_config
from tracemark.attest.verify import (
    commit_content,
    read_commit,
    sigstore_policy_from,
    verify_message,
)
from tracemark.errors import InputError
from tracemark.gitutil import Repo, git
from tracemark.model import CommitStatus, CommitVerification, LineOrigin, OriginKind


@dataclass
class BlameLine:
    origin: LineOrigin
    commit: str
    text: str


def _porcelain(root: Path, rev: str, path: str) -> list[tuple[str, int, str, str]]:
    """``(commit, line in that commit's file, that file's path, text)`` per final line."""
    proc = git(["blame", "--porcelain", rev, "--", path], root, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{path} at {rev}: {err[-1] if err else 'git blame failed'}")
    out: list[tuple[str, int, str, str]] = []
    names: dict[str, str] = {}
    sha, orig = "", 0
    for raw in proc.stdout.decode("utf-8", "surrogateescape").split("\n"):
        if raw.startswith("\t"):
            out.append((sha, orig, names.get(sha, path), raw[1:]))
            continue
        parts = raw.split(" ")
        if len(parts) >= 3 and len(parts[0]) in (40, 64) and parts[1].isdigit():
            sha, orig = parts[0], int(parts[1])
        elif raw.startswith("filename "):
            names[sha] = raw[len("filename "):]
    return out


def blame_at(repo: Repo, path: str, rev: str, *, allowed_signers: Path | None = None,
             check_signatures: bool | None = None) -> list[BlameLine]:
    """One :class:`BlameLine` per line of ``path`` as of ``rev``."""
    config = load_config(repo.root)
    allowed = allowed_signers or config.allowed_signers
    sigstore = sigstore_policy_from(config)
    if check_signatures is None:
        check_signatures = allowed is not None or sigstore is not None
    results: dict[str, CommitVerification] = {}
    ai: dict[str, dict[tuple[str, int], tuple]] = {}
    out = []
    for n, (sha, orig, name, text) in enumerate(_porcelain(repo.root, rev, path), start=1):
        if sha not in results:
            info = read_commit(repo.root, sha)
            results[sha] = verify_message(
                repo.root, sha, info.message, commit_content(repo.root, info),
                allowed_signers=allowed, check_signatures=check_signatures, sigstore=sigstore,
                config=config)
            ai[sha] = {(a.path, ln): (a.kind, a.tool, a.model) for a in results[sha].ai_lines
                       for ln in range(a.start, a.end + 1)}
        res = results[sha]
        hit = ai[sha].get((name, orig))
        if hit is not None:
            kind, tool, model = hit
            lo = LineOrigin(line=n, kind=OriginKind(kind), tool=tool, model=model,
                            reviewed=kind == OriginKind.REVIEWED.value)
        elif res.status in (CommitStatus.UNATTESTED, CommitStatus.INVALID):
            lo = LineOrigin(line=n, kind=OriginKind.UNKNOWN)
        else:
            lo = LineOrigin(line=n, kind=OriginKind.HUMAN)
        out.append(BlameLine(lo, sha, text))
    return out
