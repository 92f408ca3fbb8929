"""Verifying a commit's provenance: signature, binding to content, and what changed.

The public entry point is :func:`verify_commit` (re-exported by ``tracemark.attest``). For each
record in the commit message it checks, in order:

1. **format**: the record decodes (``v1``, ``j``/``z``) into a valid record and has a signature;
2. **signature** (unless ``check_signatures=False``): SSH against the allowed signers at the
   record's signing time, or the Sigstore bundle from ``refs/notes/tracemark`` against the
   identity policy, offline;
3. **binding**: every attested AI range must be lines that *this* commit adds (its diff
   against its first parent) and hash as signed. A range is looked for at its signed position,
   then anywhere among the lines the commit adds to that file (a rebase may shift it), then
   allowing for an ambiguous hunk that git slid differently;
4. **Assisted-by**: each tool and model the records attest has its ``Assisted-by`` trailer (an
   edited trailer is refused even though the record's signature is intact).

A record none of whose lines this commit adds is *invalid* (copied from another commit). One
whose lines are partly found is *lines-changed*, and :class:`ChangedLines` says which.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tracemark.attest.changes import (
    FileChange,
    commit_changes,
    read_blobs,
    slide_closure,
    split_lines,
)
from tracemark.attest.config import AttestConfig, load_config
from tracemark.attest.lines import (
    added_digest,
    digest_size,
    files_digest,
    line_hash,
    range_digest,
)
from tracemark.attest.signers import SignatureInvalid, SigningError
from tracemark.attest.trailers import RecordTrailers, TrailerError, decode_record, parse_message
from tracemark.errors import InputError
from tracemark.gitutil import Repo, find_repo, git
from tracemark.model import (
    AttestedLines,
    AttestedRange,
    ChangedLines,
    CommitStatus,
    CommitVerification,
    ProvenanceRecord,
    RecordVerification,
    SignerInfo,
)

_RANK = {
    CommitStatus.INVALID: 0, CommitStatus.LINES_CHANGED: 1, CommitStatus.AI_ATTESTED: 2,
    CommitStatus.HUMAN_ATTESTED: 3, CommitStatus.UNATTESTED: 4,
}


@dataclass
class SigstorePolicy:
    """Who may sign with Sigstore: a certificate identity (e-mail or workflow URI) and issuer."""

    identity: str
    issuer: str
    #: A ``ClientTrustConfig`` JSON file (a private Sigstore deployment or a test double);
    #: ``None``: the public-good instance's embedded trust root.
    trust_config: Path | None = None


@dataclass
class CommitInfo:
    sha: str
    parents: list[str]
    message: str


def read_commit(root: Path, rev: str) -> CommitInfo:
    """A commit's id, parents and message; ``InputError`` when ``rev`` is not a commit."""
    proc = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root, check=False)
    if proc.returncode != 0:
        raise InputError(f"{rev}: not a commit")
    sha = proc.stdout.decode().strip()
    raw = git(["cat-file", "commit", sha], root).stdout
    header, _, body = raw.partition(b"\n\n")
    parents = [ln.split()[1].decode() for ln in header.split(b"\n") if ln.startswith(b"parent ")]
    return CommitInfo(sha, parents, body.decode("utf-8", "replace"))


@dataclass
class Content:
    """The lines a commit (or the index) adds, and lazy access to its files' full text."""

    changes: dict[str, FileChange]
    #: path → full blob, fetched on demand (only when a range must be searched harder).
    fetch: Callable[[str], bytes | None]
    _lines: dict[str, list[bytes] | None] = field(default_factory=dict)

    def lines(self, path: str) -> list[bytes] | None:
        if path not in self._lines:
            blob = self.fetch(path)
            self._lines[path] = split_lines(blob) if blob is not None else None
        return self._lines[path]


def commit_content(root: Path, info: CommitInfo) -> Content:
    changes = commit_changes(root, info.sha, info.parents[0] if info.parents else None)

    def fetch(path: str) -> bytes | None:
        return read_blobs(root, [f"{info.sha}:{path}"]).get(f"{info.sha}:{path}")

    return Content(changes, fetch)


# -- binding --------------------------------------------------------------------------------


def _candidates(r: AttestedRange, where: Sequence[int], line_at: Callable[[int], bytes]
                ) -> list[int]:
    """Start lines to try for a range, nearest its signed position first."""
    first = r.line_hashes[0] if r.line_hashes else None
    starts = [n for n in where if first is None or line_hash(line_at(n)) == first]
    return sorted(starts, key=lambda n: (abs(n - r.start), n))


#: Sanity bounds of a range (a file of more lines is not a source file).
MAX_RANGE_LINES = 1_000_000
MAX_LINE = 100_000_000
#: Lines hashed while searching for one moved range, at most: a hostile record (checked without
#: signatures by ``stats``) must not turn verification into a denial of service.
SEARCH_BUDGET = 200_000


def _find_range(r: AttestedRange, added: dict[int, bytes]) -> int | None:
    """Where the range's content is, as consecutive added lines (nearest the signed spot)."""
    if r.count > len(added):
        return None
    size = digest_size(r.digest)

    def at(p: int) -> bool:
        body = [added.get(n) for n in range(p, p + r.count)]
        return all(b is not None for b in body) and range_digest(body, size) == r.digest  # type: ignore[arg-type]

    if at(r.start):
        return r.start
    budget = SEARCH_BUDGET
    for p in _candidates(r, list(added), added.__getitem__):
        budget -= r.count
        if budget < 0:
            break
        if p != r.start and at(p):
            return p
    return None


def _find_range_sliding(r: AttestedRange, fc: FileChange, lines: list[bytes]) -> int | None:
    """Like :func:`_find_range`, accepting lines git could have shown as added in a slid hunk."""
    if r.count > len(lines):
        return None
    closure = slide_closure(fc.added, lines)
    size = digest_size(r.digest)
    budget = SEARCH_BUDGET
    for p in _candidates(r, sorted(closure), lambda n: lines[n - 1]):
        budget -= r.count
        if budget < 0:
            break
        span = range(p, p + r.count)
        if all(n in closure for n in span) and p + r.count - 1 <= len(lines) and range_digest(
                [lines[n - 1] for n in span], size) == r.digest:
            return p
    return None


def _changed_lines(r: AttestedRange, fc: FileChange | None) -> list[int]:
    """Which signed lines of a range are not found among the lines the commit adds."""
    if not r.line_hashes or fc is None:
        return list(range(r.start, r.end + 1))
    present = {line_hash(b) for b in fc.added.values()}
    missing = [r.start + i for i, h in enumerate(r.line_hashes) if h not in present]
    return missing or list(range(r.start, r.end + 1))  # all present but no longer together


def _bodies(found: list[tuple[str, AttestedRange, int]], content: Content) -> list[bytes]:
    """The lines of located ranges, in order (for a compact record's full digest)."""
    every: list[bytes] = []
    for path, r, pos in found:
        fc = content.changes[path]
        lines = None
        for n in range(pos, pos + r.count):
            if n in fc.added:
                every.append(fc.added[n])
            else:  # a slid hunk: the line is in the file, not among the diff's lines
                lines = lines if lines is not None else content.lines(path) or []
                every.append(lines[n - 1] if n - 1 < len(lines) else b"")
    return every


@dataclass
class Binding:
    located: list[tuple[str, AttestedRange, int]] = field(default_factory=list)
    changed: list[ChangedLines] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: AI lines whose per-line hash is still found among the added lines (replay detection).
    lines_found: int = 0
    lines_total: int = 0
    human_bound: bool = False
    touched: bool = False


def bind(record: ProvenanceRecord, content: Content) -> Binding:
    """Match a record's ranges against the lines ``content`` adds (see the module docstring)."""
    out = Binding()
    listed = set()
    for f in record.files:
        listed.add(f.path)
        fc = content.changes.get(f.path)
        if fc is not None:
            out.touched = True
            if f.added_digest is None:
                pass  # compact record: only the AI lines bind
            elif added_digest(fc.added_lines()) == f.added_digest:
                out.human_bound = True
            elif not f.ranges:
                out.notes.append(f"{f.path}: lines added without AI differ from when signed")
        found: list[tuple[str, AttestedRange, int]] = []
        for r in f.ranges:
            out.lines_total += r.count
            pos = _find_range(r, fc.added) if fc is not None else None
            if pos is None and fc is not None:
                lines = content.lines(f.path)
                if lines is not None:
                    pos = _find_range_sliding(r, fc, lines)
            if pos is not None:
                found.append((f.path, r, pos))
                continue
            missing = _changed_lines(r, fc)
            out.lines_found += r.count - len(missing) if r.line_hashes else 0
            why = "not changed by this commit" if fc is None else (
                "no longer hash as signed" if r.line_hashes else
                "no longer hash as signed (compact record: no per-line detail)")
            out.changed.append(ChangedLines(path=f.path, start=r.start, end=r.end,
                                            lines=missing, reason=why))
        out.located.extend(found)
        out.lines_found += sum(r.count for _p, r, _pos in found)
    # Compact records: full strength once every range is found (a partial match is reported
    # as lines-changed anyway, its ranges located by 96-bit digests).
    if record.ai_digest is not None and out.located and not out.changed and range_digest(
            _bodies(out.located, content)) != record.ai_digest:
        for path, r, _pos in out.located:
            out.changed.append(ChangedLines(
                path=path, start=r.start, end=r.end, lines=list(range(r.start, r.end + 1)),
                reason="the record's AI lines do not hash as signed"))
        out.located = []
    if record.other is not None:
        rest = [(p, added_digest(fc.added_lines())) for p, fc in content.changes.items()
                if p not in listed]
        if rest:
            out.touched = True
        if files_digest(rest) == record.other.digest:
            out.human_bound = True
        else:
            out.notes.append(f"{record.other.files} files without AI lines differ from when "
                             "signed")
    if not record.files and record.other is None and not content.changes:
        out.human_bound = True  # an empty record on a commit that adds nothing
    return out


# -- signatures -----------------------------------------------------------------------------


def check_signature(
    root: Path, payload: bytes, value: str, record: ProvenanceRecord, *,
    allowed_signers: Path | None, sigstore: SigstorePolicy | None, config: AttestConfig,
) -> SignerInfo:
    """Who signed ``payload``; :class:`SignatureInvalid` when it does not verify."""
    parts = value.split(None, 1)
    if len(parts) < 2:
        raise SignatureInvalid("Tracemark-Signature: expected 'v1 METHOD DATA'")
    version, rest = parts
    if version != "v1":
        raise SignatureInvalid(f"Tracemark-Signature: format {version!r} is not supported")
    method = rest.split(None, 1)[0]
    if method == "ssh":
        from tracemark.attest.signers import ssh

        return ssh.verify(payload, rest, allowed_signers, when=record.created,
                          program=config.ssh_program)
    if method == "sigstore":
        from tracemark.attest.signers import sigstore as sg

        if sigstore is None:
            raise SignatureInvalid("signed with Sigstore, but no identity policy was given "
                                   "(tracemark.sigstore.identity and .issuer)")
        try:
            return sg.verify(root, payload, rest, sigstore)
        except SigningError as err:
            raise SignatureInvalid(str(err)) from None
    raise SignatureInvalid(f"unknown signature method {method!r}")


# -- records and commits --------------------------------------------------------------------


def _decode(rt: RecordTrailers) -> tuple[bytes, ProvenanceRecord]:
    payload = decode_record(rt.record.value)
    try:
        record = ProvenanceRecord.from_canonical(payload)
    except ValueError as err:
        first = str(err).strip().splitlines()
        raise TrailerError(f"not a valid v1 record ({first[1] if len(first) > 1 else err})"
                           ) from None
    return payload, record


def _malformed(record: ProvenanceRecord) -> str | None:
    """Why a decoded record cannot be bound (absurd sizes), checked before any binding work."""
    for f in record.files:
        for r in f.ranges:
            if r.count > MAX_RANGE_LINES or r.start > MAX_LINE or (
                    r.line_hashes is not None and len(r.line_hashes) != r.count):
                return f"not a valid v1 record (range {f.path}:{r.start} is malformed)"
    return None


def verify_record(
    root: Path, index: int, rt: RecordTrailers, content: Content, *,
    check_signatures: bool, allowed_signers: Path | None, sigstore: SigstorePolicy | None,
    config: AttestConfig,
) -> RecordVerification:
    """One record of a message: format, signature, binding."""

    def invalid(reason: str, **kw) -> RecordVerification:
        return RecordVerification(index=index, status=CommitStatus.INVALID, reasons=[reason],
                                  **kw)

    try:
        payload, record = _decode(rt)
    except TrailerError as err:
        return invalid(str(err))
    if rt.signature is None:
        return invalid("record has no Tracemark-Signature after it (unsigned or removed)",
                       record=record)
    signer = None
    if check_signatures:
        try:
            signer = check_signature(root, payload, rt.signature.value, record,
                                     allowed_signers=allowed_signers, sigstore=sigstore,
                                     config=config)
        except SignatureInvalid as err:
            return invalid(str(err), record=record)
    why = _malformed(record)
    if why:
        return invalid(why, record=record, signer=signer)
    b = bind(record, content)
    tools = record.tools
    ai = []
    for path, r, pos in b.located:
        tm = tools[r.tool] if r.tool < len(tools) else None
        if tm is None:
            return invalid(f"range {path}:{r.start} names tool #{r.tool}, which the record lacks",
                           record=record, signer=signer)
        ai.append(AttestedLines(path=path, start=pos, end=pos + r.count - 1, kind=r.kind,
                                tool=tm.tool, model=tm.model, reviewed=r.reviewed, record=index))
    common = {"record": record, "signer": signer, "ai_lines": ai, "changed": b.changed,
              "notes": b.notes}
    if b.lines_total:
        if not b.located and b.lines_found * 2 < b.lines_total:
            return invalid(
                f"record does not bind to this commit: none of its {b.lines_total} AI lines "
                "are lines this commit adds (trailer copied from another commit?)", **common)
        if b.changed:
            which = "; ".join(f"{c.path} lines {_spans(c.lines)}" for c in b.changed)
            return RecordVerification(index=index, status=CommitStatus.LINES_CHANGED,
                                      reasons=[f"AI lines changed since signing: {which}"],
                                      **common)
        return RecordVerification(index=index, status=CommitStatus.AI_ATTESTED, **common)
    if b.human_bound:
        return RecordVerification(index=index, status=CommitStatus.HUMAN_ATTESTED, **common)
    if b.touched:
        return RecordVerification(
            index=index, status=CommitStatus.LINES_CHANGED,
            reasons=["the lines this commit adds differ from those the record attests"],
            **common)
    return invalid("record does not bind to this commit: it attests files this commit does "
                   "not change (trailer copied from another commit?)", **common)


def _spans(lines: Sequence[int]) -> str:
    out: list[tuple[int, int]] = []
    for n in sorted(lines):
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in out)


def verify_message(
    root: Path, sha: str, message: str, content: Content, *,
    allowed_signers: Path | None = None, check_signatures: bool = True,
    sigstore: SigstorePolicy | None = None, config: AttestConfig | None = None,
) -> CommitVerification:
    """Verify the records of ``message`` against ``content`` (a commit's, or the index's)."""
    config = config or load_config(root)
    parsed = parse_message(message)
    notes: list[str] = []
    if not parsed.records:
        if parsed.assisted_by:
            notes.append("Assisted-by declared by hand; no tracemark record to verify it")
        reasons = [f"orphan Tracemark-Signature at line {t.first + 1} (its record was removed?)"
                   for t in parsed.orphan_signatures]
        return CommitVerification(
            commit=sha, status=CommitStatus.INVALID if reasons else CommitStatus.UNATTESTED,
            reasons=reasons, assisted_by=parsed.assisted_by,
            signatures_checked=check_signatures, notes=notes)
    results = [
        verify_record(root, i, rt, content, check_signatures=check_signatures,
                      allowed_signers=allowed_signers, sigstore=sigstore, config=config)
        for i, rt in enumerate(parsed.records)
    ]
    reasons = [f"record {r.index + 1}: {why}" for r in results for why in r.reasons]
    reasons += [f"orphan Tracemark-Signature at line {t.first + 1} (its record was removed?)"
                for t in parsed.orphan_signatures]
    declared = {a.strip() for a in parsed.assisted_by}
    attested = {label for r in results if r.record is not None
                for label in r.record.assisted_by()}
    missing = sorted(attested - declared)
    if missing:
        reasons.append(
            f"Assisted-by trailers do not match the signed record: it attests {', '.join(missing)}"
            f" but the message says {', '.join(sorted(declared)) or 'nothing'} (edited trailer?)")
    extra = sorted(declared - attested)
    if extra:
        notes.append(f"Assisted-by {', '.join(extra)} declared by hand, not attested")
    status = min((r.status for r in results), key=_RANK.__getitem__)
    if missing or parsed.orphan_signatures:
        status = CommitStatus.INVALID
    return CommitVerification(
        commit=sha, status=status, reasons=reasons, records=results,
        ai_lines=[a for r in results for a in r.ai_lines],
        changed=[c for r in results for c in r.changed],
        assisted_by=parsed.assisted_by, signatures_checked=check_signatures,
        notes=notes + [n for r in results for n in r.notes],
    )


def verify_commit(
    repo: Repo | str | Path,
    commit: str,
    allowed_signers: str | Path | None = None,
    *,
    check_signatures: bool = True,
    sigstore: SigstorePolicy | None = None,
) -> CommitVerification:
    """Verify the provenance trailers of one commit.

    ``repo``: a :class:`~tracemark.gitutil.Repo` or any path inside the work tree.
    ``commit``: any revision naming a commit. ``allowed_signers``: an OpenSSH allowed-signers
    file; default ``tracemark.allowedSignersFile``, then git's ``gpg.ssh.allowedSignersFile``.
    ``sigstore``: the identity policy for Sigstore-signed records (default: from
    ``tracemark.sigstore.identity`` / ``.issuer`` / ``.trustConfig``). With
    ``check_signatures=False`` only the format and the binding are checked (``stats`` and
    ``blame`` without an allowed-signers file).

    Returns a :class:`~tracemark.model.CommitVerification`: ``status`` is one of
    ``ai-attested``, ``human-attested``, ``unattested``, ``lines-changed`` (``changed`` says
    which lines) or ``invalid`` (``reasons`` says why); ``ai_lines`` are the verified AI
    ranges located in this commit's files. Raises :class:`~tracemark.errors.InputError` when
    ``commit`` is not a commit.
    """
    r = repo if isinstance(repo, Repo) else find_repo(repo)
    config = load_config(r.root)
    info = read_commit(r.root, commit)
    allowed = Path(allowed_signers) if allowed_signers is not None else config.allowed_signers
    if sigstore is None:
        sigstore = sigstore_policy_from(config)
    content = commit_content(r.root, info)
    return verify_message(r.root, info.sha, info.message, content, allowed_signers=allowed,
                          check_signatures=check_signatures, sigstore=sigstore, config=config)


def rev_list(root: Path, spec: str) -> list[str]:
    """Commits of ``spec`` (anything ``git rev-list`` takes, e.g. ``main..HEAD``), oldest first;
    :class:`~tracemark.errors.InputError` with git's reason when it is not a range."""
    proc = git(["rev-list", "--reverse", *spec.split(), "--"], root, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{spec}: not a revision range ({err[-1] if err else 'git rev-list'})")
    return proc.stdout.decode().split()


def verify_range(
    repo: Repo | str | Path,
    spec: str,
    allowed_signers: str | Path | None = None,
    *,
    check_signatures: bool = True,
    sigstore: SigstorePolicy | None = None,
) -> list[CommitVerification]:
    """:func:`verify_commit` for every commit of ``spec``, oldest first (config read once)."""
    r = repo if isinstance(repo, Repo) else find_repo(repo)
    config = load_config(r.root)
    allowed = Path(allowed_signers) if allowed_signers is not None else config.allowed_signers
    sigstore = sigstore or sigstore_policy_from(config)
    out = []
    for sha in rev_list(r.root, spec):
        info = read_commit(r.root, sha)
        out.append(verify_message(r.root, info.sha, info.message, commit_content(r.root, info),
                                  allowed_signers=allowed, check_signatures=check_signatures,
                                  sigstore=sigstore, config=config))
    return out


def sigstore_policy_from(config: AttestConfig) -> SigstorePolicy | None:
    identity = config.get("tracemark.sigstore.identity")
    issuer = config.get("tracemark.sigstore.issuer")
    if not identity or not issuer:
        return None
    return SigstorePolicy(identity, issuer, config.path("tracemark.sigstore.trustconfig"))


def digest_of(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()
