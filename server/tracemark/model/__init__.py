"""Types shared by every stage. Imports nothing else of tracemark's."""

from tracemark.model.finding import Finding, Fix, Point, Severity
from tracemark.model.origin import Confidence, Origin, OriginKind
from tracemark.model.provenance import (
    AttestedFile,
    AttestedLines,
    AttestedRange,
    ChangedLines,
    CommitStatus,
    CommitVerification,
    OtherFiles,
    ProvenanceRecord,
    RecordVerification,
    ScanHit,
    ScanSummary,
    SignerInfo,
    ToolModel,
)
from tracemark.model.span import LineOrigin, Span

__all__ = [
    "AttestedFile",
    "AttestedLines",
    "AttestedRange",
    "ChangedLines",
    "CommitStatus",
    "CommitVerification",
    "Confidence",
    "Finding",
    "Fix",
    "LineOrigin",
    "Origin",
    "OriginKind",
    "OtherFiles",
    "Point",
    "ProvenanceRecord",
    "RecordVerification",
    "ScanHit",
    "ScanSummary",
    "Severity",
    "SignerInfo",
    "Span",
    "ToolModel",
]
