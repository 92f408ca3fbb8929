"""Records from staged content: the ledger's spans mapped onto what is actually being committed.

The ledger holds spans anchored to whatever text its writers last saw (an editor buffer, an
agent's write, ``tracemark mark``). At commit time that text may differ from the staged blob
(``git add -p`` staged part of it; the working tree moved on), so the spans are re-anchored onto
the **staged** blob of each file (identical lines only, ``tracking/anchor.py``). A line is
attested as AI only when it is an AI line of the staged blob *and* a line this commit adds
(``changes.staged_changes``): a record never claims lines the commit does not add, which is what
lets verification refuse a record copied onto another commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tracemark.attest.changes import FileChange, read_blobs, staged_changes
from tracemark.attest.lines import (
    SHORT,
    added_digest,
    bare,
    files_digest,
    line_hash,
    range_digest,
)
from tracemark.attest.scan_summary import ScanInput, default_cache_dir, summarize
from tracemark.gitutil import Repo
from tracemark.model import (
    AttestedFile,
    AttestedRange,
    OtherFiles,
    ProvenanceRecord,
    ScanSummary,
    ToolModel,
)
from tracemark.model.origin import utcnow

#: Past this many bytes of canonical record the compact form is used (see ``trailers.py``).
COMPACT_THRESHOLD = 3000


@dataclass
class StagedRecord:
    """A record and what went into it (the hook prints a summary from it)."""

    record: ProvenanceRecord
    changes: dict[str, FileChange]
    ai_lines: int = 0
    notes: list[str] = field(default_factory=list)
    #: path → SHA-256 (hex) of the file's AI lines in order: in-toto subjects for Sigstore.
    ai_digests: dict[str, str] = field(default_factory=dict)


def _ai_lines_of(
    ledger, path: str, blob: bytes
) -> tuple[dict[int, tuple[str, str, str | None]], str | None]:
    """AI lines of a staged blob per the ledger: line → (kind, tool, model), or a note."""
    from tracemark.textfile import decode_text
    from tracemark.tracking.lines import classify_lines
    from tracemark.tracking.positions import TextIndex

    try:
        text = decode_text(blob, path)
    except Exception as err:  # binary or not UTF-8: the ledger cannot hold it either
        return {}, str(err)
    if "\r" in text.replace("\r\n", ""):
        # A lone CR is a line break to editors (and the ledger) but not to git.
        return {}, f"{path}: lone CR line breaks, AI lines not attested"
    spans = ledger.load(path, text)
    out: dict[int, tuple[str, str, str | None]] = {}
    if not spans:
        return out, None
    for lo in classify_lines(TextIndex(text), spans):
        if lo.kind.is_ai:
            out[lo.line] = (lo.kind.value, lo.tool or "unknown", lo.model)
    return out, None


def _runs(lines: Mapping[int, tuple[str, str, str | None]]) -> list[tuple[int, int, tuple]]:
    """Consecutive lines with one (kind, tool, model) → ``(first, last, origin)``."""
    out: list[tuple[int, int, tuple]] = []
    for n in sorted(lines):
        key = lines[n]
        if out and out[-1][1] == n - 1 and out[-1][2] == key:
            out[-1] = (out[-1][0], n, key)
        else:
            out.append((n, n, key))
    return out


def build_record(
    repo: Repo,
    *,
    base: str | None,
    ledger=None,
    covered: Mapping[str, set[int]] | None = None,
    other_parents: list[str] | None = None,
    changes: dict[str, FileChange] | None = None,
    scan: bool = True,
    now: datetime | None = None,
    compact_threshold: int = COMPACT_THRESHOLD,
) -> StagedRecord:
    """The record for what the index adds relative to ``base`` (``None``: first commit).

    ``covered`` lines (per path) are already attested by a record carried in the message and
    are left out. For a merge, ``other_parents`` are the merged heads: only lines new relative to
    every parent (conflict resolutions, evil merges) are attested, since the merged lines carry
    their own commits' records.
    """
    from tracemark import __version__

    covered = covered or {}
    if changes is None:
        changes = staged_changes(repo.root, base)
    notes: list[str] = []
    candidate: dict[str, set[int]] = {p: set(fc.added) for p, fc in changes.items()}
    for other in other_parents or []:
        # Limit the diff to the paths in question unless that makes too long a command line.
        theirs = staged_changes(repo.root, other, sorted(changes) if len(changes) < 500 else ())
        for p in candidate:
            candidate[p] &= set(theirs[p].added) if p in theirs else set()
    known: set[str] = set()
    if ledger is not None:
        known = {p for p in changes if ledger.knows(p)}
    blobs = read_blobs(repo.root, [f":{p}" for p in sorted(known)]) if known else {}
    tools: dict[tuple[str, str | None], int] = {}
    files: list[AttestedFile] = []
    scan_inputs: list[ScanInput] = []
    bodies: dict[tuple[str, int], list[bytes]] = {}
    ai_total = 0
    for path in sorted(changes):
        fc = changes[path]
        ranges: list[AttestedRange] = []
        blob = blobs.get(f":{path}")
        if path in known and blob is not None:
            ai, note = _ai_lines_of(ledger, path, blob)
            if note:
                notes.append(note)
            skip = covered.get(path, set())
            ai = {n: o for n, o in ai.items() if n in candidate[path] and n not in skip}
            for first, last, (kind, tool, model) in _runs(ai):
                idx = tools.setdefault((tool, model), len(tools))
                body = [fc.added[n] for n in range(first, last + 1)]
                bodies[(path, first)] = body
                ranges.append(AttestedRange(
                    start=first, count=last - first + 1, kind=kind, tool=idx,
                    digest=range_digest(body), line_hashes=[line_hash(b) for b in body],
                ))
            if ranges:
                ai_total += sum(r.count for r in ranges)
                scan_inputs.append(ScanInput(path, blob, [(r.start, r.end) for r in ranges]))
        files.append(AttestedFile(
            path=path, added=len(fc.added), added_digest=added_digest(fc.added_lines()),
            tracked=path in known, ranges=ranges,
        ))
    cache = default_cache_dir(repo.tracemark_dir / "cache")
    summary = summarize(scan_inputs, cache) if scan else ScanSummary()
    record = ProvenanceRecord(
        generator=f"tracemark {__version__}",
        created=now or utcnow(),
        tools=[ToolModel(tool=t, model=m) for (t, m), _ in sorted(tools.items(),
                                                                  key=lambda kv: kv[1])],
        files=files,
        scan=summary,
    )
    if len(record.canonical()) > compact_threshold:
        record = compact(record, bodies)
    digests = {}
    for f in record.files:
        h = hashlib.sha256()
        for r in f.ranges:
            for line in bodies.get((f.path, r.start), []):
                h.update(bare(line) + b"\n")
        if f.ranges:
            digests[f.path] = h.hexdigest()
    return StagedRecord(record=record, changes=changes, ai_lines=ai_total, notes=notes,
                        ai_digests=digests)


def compact(record: ProvenanceRecord, bodies: Mapping[tuple[str, int], list[bytes]]
            ) -> ProvenanceRecord:
    """The compact form, for big commits: per-line hashes dropped, per-range digests cut to 12
    bytes with one full digest over all the record's AI lines (the same strength for a
    fraction of the size), files without AI lines folded into one digest, findings reduced to
    counts. Its size then grows with the number of AI ranges only (about 30 bytes each once
    compressed), not with lines or files. ``bodies`` are the ranges' lines by
    ``(path, start)``."""
    ai_files, rest = [], []
    for f in record.files:
        (ai_files if f.ranges else rest).append(f)
    files = [f.model_copy(update={
        "added_digest": None,
        "ranges": [r.model_copy(update={
            "line_hashes": None,
            "digest": range_digest(bodies[(f.path, r.start)], SHORT)}) for r in f.ranges],
    }) for f in ai_files]
    every = [line for f in ai_files for r in f.ranges for line in bodies[(f.path, r.start)]]
    other = OtherFiles(
        files=len(rest), added=sum(f.added for f in rest),
        digest=files_digest((f.path, f.added_digest or "") for f in rest),
    ) if rest else None
    scan = record.scan.model_copy(update={"hits": []})
    return record.model_copy(update={
        "compact": True, "files": files, "other": other, "scan": scan,
        "ai_digest": range_digest(every) if every else None})
