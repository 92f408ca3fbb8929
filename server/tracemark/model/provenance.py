"""Provenance records: what a commit's trailers attest, and what verifying them found.

A :class:`ProvenanceRecord` is made at commit time from the staged content: for each file the
commit adds lines to, the AI line ranges (with tool, model, kind and content hashes) and a digest
of all the lines it adds, plus a summary of the fast rules run on the AI lines. It is signed and
written into the commit message (``docs/trailers.md``).

The wire form uses short field names (the aliases below) because it lives in commit messages;
the Python names say what the fields mean. Line numbers are 1-based, in the file as the commit
has it.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: The record format version: the ``v1`` of the trailers and the ``v`` of the record.
RECORD_VERSION = 1


class _Wire(BaseModel):
    """Frozen, short names on the wire, unknown fields refused (a signed record is exact)."""

    # defer_build: every process importing `model` would otherwise pay for these schemas.
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid",
                              defer_build=True)


class ToolModel(_Wire):
    """An AI tool and model, as ``Assisted-by: TOOL:MODEL`` names them."""

    tool: str = Field(alias="t")
    model: str | None = Field(default=None, alias="m")

    def label(self) -> str:
        """``TOOL:MODEL`` (``TOOL`` alone when the model is unknown)."""
        return f"{self.tool}:{self.model}" if self.model else self.tool


class AttestedRange(_Wire):
    """Consecutive AI lines of one file with one origin, and the hash binding them."""

    #: First line (1-based) in the file as committed.
    start: int = Field(alias="s", ge=1)
    #: Number of lines.
    count: int = Field(alias="n", ge=1)
    #: ``ai``, ``ai-modified`` or ``reviewed``.
    kind: Literal["ai", "ai-modified", "reviewed"] = Field(alias="k")
    #: Index into :attr:`ProvenanceRecord.tools`.
    tool: int = Field(alias="t", ge=0)
    #: SHA-256 of the lines (each without its line break, followed by ``\\n``), base64url;
    #: 12 bytes in a compact record (the record's ``ai_digest`` then carries full strength).
    digest: str = Field(alias="h")
    #: Short per-line hashes (first 6 bytes of SHA-256, base64url): say which lines changed.
    #: Dropped by the compact encoding.
    line_hashes: list[str] | None = Field(default=None, alias="l")

    @property
    def end(self) -> int:
        """Last line (inclusive)."""
        return self.start + self.count - 1

    @property
    def reviewed(self) -> bool:
        return self.kind == "reviewed"


class AttestedFile(_Wire):
    """One file the commit adds lines to."""

    path: str = Field(alias="p")
    #: Lines the commit adds to it (its diff against the first parent).
    added: int = Field(alias="a", ge=0)
    #: SHA-256 of those added lines in order, truncated to 16 bytes, base64url (left out for
    #: files with AI lines in a compact record).
    added_digest: str | None = Field(default=None, alias="d")
    #: False when tracemark's ledger had never seen the file (its lines are not known human).
    tracked: bool = Field(default=True, alias="k")
    ranges: list[AttestedRange] = Field(default_factory=list, alias="r")


class OtherFiles(_Wire):
    """Compact encoding: the files with no AI line, folded into one entry."""

    files: int = Field(alias="f", ge=0)
    added: int = Field(alias="a", ge=0)
    #: SHA-256 over ``path NUL added_digest LF`` of those files sorted by path, 16 bytes.
    digest: str = Field(alias="d")


class ScanHit(_Wire):
    """One finding of the fast rules on the AI lines."""

    rule: str = Field(alias="r")
    severity: str = Field(alias="s")
    path: str = Field(alias="p")
    line: int = Field(alias="l")


class ScanSummary(_Wire):
    """What the fast rules found on the attested AI lines when the commit was made."""

    #: ``fast`` (tree-sitter); the CI gate re-scans with both tiers.
    engine: str = Field(default="fast", alias="e")
    #: Number of rules loaded, and a digest of their ids (which rule set ran).
    rules: int = Field(default=0, alias="n")
    ruleset: str = Field(default="", alias="rs")
    #: Findings per severity.
    counts: dict[str, int] = Field(default_factory=dict, alias="c")
    #: The findings, up to a cap (the compact encoding keeps counts only).
    hits: list[ScanHit] = Field(default_factory=list, alias="h")
    #: Files with AI lines whose language the rules do not cover, or that failed to scan.
    skipped: int = Field(default=0, alias="x")
    #: Why no scan ran (rules failed to load, ...); empty when it ran.
    error: str | None = Field(default=None, alias="err")


class ProvenanceRecord(_Wire):
    """The signed statement a commit carries: which of the lines it adds an AI wrote."""

    version: int = Field(default=RECORD_VERSION, alias="v")
    #: The tracemark version that made it.
    generator: str = Field(default="", alias="g")
    #: When it was signed (UTC). Signers check key validity at this time.
    created: datetime = Field(alias="at")
    #: ``compact`` when the compact encoding folded details away.
    compact: bool = Field(default=False, alias="c")
    tools: list[ToolModel] = Field(default_factory=list, alias="tm")
    files: list[AttestedFile] = Field(default_factory=list, alias="fs")
    other: OtherFiles | None = Field(default=None, alias="o")
    #: Compact records: full SHA-256 over every AI line of the record, files and ranges in
    #: order (the per-range digests are short; this gives the binding its full strength).
    ai_digest: str | None = Field(default=None, alias="h")
    scan: ScanSummary = Field(default_factory=ScanSummary, alias="sc")

    def canonical(self) -> bytes:
        """The exact bytes that are signed: sorted keys, no spaces, ASCII, wire names."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()

    @classmethod
    def from_canonical(cls, data: bytes) -> ProvenanceRecord:
        return cls.model_validate_json(data)

    def ai_lines(self) -> int:
        return sum(r.count for f in self.files for r in f.ranges)

    def assisted_by(self) -> list[str]:
        """``TOOL:MODEL`` labels of the tools that have at least one range."""
        used = sorted({r.tool for f in self.files for r in f.ranges})
        return [self.tools[i].label() for i in used if i < len(self.tools)]


# -- verification results ------------------------------------------------------------------


class CommitStatus(StrEnum):
    """The verdict on one commit, from worst to best."""

    #: A record is forged, replayed, malformed, or signed by a key the policy does not allow.
    INVALID = "invalid"
    #: Records are genuine, but some attested AI lines are no longer what was signed.
    LINES_CHANGED = "lines-changed"
    #: Genuine records bound to this commit, with AI lines.
    AI_ATTESTED = "ai-attested"
    #: Genuine records bound to this commit, declaring no AI line.
    HUMAN_ATTESTED = "human-attested"
    #: No tracemark record in the message.
    UNATTESTED = "unattested"


class ChangedLines(_Wire):
    """An attested range that no longer binds: which lines changed (or went missing)."""

    path: str
    #: The range as signed (lines in the file of the commit that was signed).
    start: int
    end: int
    #: The signed lines (1-based, as signed) whose content was not found among the lines this
    #: commit adds; all of them when the record is compact (no per-line hashes).
    lines: list[int]
    reason: str


class AttestedLines(_Wire):
    """A verified AI range, located in the verified commit's version of the file."""

    path: str
    start: int
    end: int
    kind: str
    tool: str
    model: str | None = None
    reviewed: bool = False
    #: Which record of the message attests it (0-based).
    record: int = 0


class SignerInfo(_Wire):
    """Who signed a record, as far as verification could tell."""

    #: ``ssh`` or ``sigstore``.
    method: str
    #: SSH: the allowed-signers principal(s); sigstore: the certificate identity.
    principal: str | None = None
    #: SSH key fingerprint (``SHA256:...``) or the sigstore issuer.
    key: str | None = None


class RecordVerification(_Wire):
    """One record of a commit message and what verifying it found."""

    index: int
    status: CommitStatus
    reasons: list[str] = Field(default_factory=list)
    signer: SignerInfo | None = None
    #: The record itself when it could be decoded.
    record: ProvenanceRecord | None = None
    ai_lines: list[AttestedLines] = Field(default_factory=list)
    changed: list[ChangedLines] = Field(default_factory=list)
    #: Informational: files whose non-AI added lines differ from when it was signed.
    notes: list[str] = Field(default_factory=list)


class CommitVerification(_Wire):
    """The result of :func:`tracemark.attest.verify_commit` for one commit."""

    commit: str
    status: CommitStatus
    #: One line each: why the status is what it is (empty for a clean result).
    reasons: list[str] = Field(default_factory=list)
    records: list[RecordVerification] = Field(default_factory=list)
    #: Every verified AI range, in this commit's files: what the gate re-scans.
    ai_lines: list[AttestedLines] = Field(default_factory=list)
    changed: list[ChangedLines] = Field(default_factory=list)
    #: ``TOOL:MODEL`` of the ``Assisted-by`` trailers found in the message.
    assisted_by: list[str] = Field(default_factory=list)
    #: Whether signatures were checked (``False``: binding and format only).
    signatures_checked: bool = True
    notes: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Genuine and unchanged (attested either way)."""
        return self.status in (CommitStatus.AI_ATTESTED, CommitStatus.HUMAN_ATTESTED)
