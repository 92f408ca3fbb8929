"""Types shared by every stage. Imports nothing else of tracemark's.

Exports are resolved lazily (PEP 562): ``from tracemark.model import Span, OriginKind`` loads
only the dataclasses and enums, not pydantic, which the pydantic models (``Origin``, ``Finding``,
``ProvenanceRecord``...) need. The commit hook relies on this to start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from tracemark.model.finding import Finding, Fix, Point, Severity
    from tracemark.model.kinds import Confidence, OriginKind
    from tracemark.model.origin import Origin
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

#: Where each export lives.
_WHERE = {
    **dict.fromkeys(("Finding", "Fix", "Point", "Severity"), "finding"),
    **dict.fromkeys(("Confidence", "OriginKind"), "kinds"),
    "Origin": "origin",
    **dict.fromkeys(("AttestedFile", "AttestedLines", "AttestedRange", "ChangedLines",
                     "CommitStatus", "CommitVerification", "OtherFiles", "ProvenanceRecord",
                     "RecordVerification", "ScanHit", "ScanSummary", "SignerInfo", "ToolModel"),
                    "provenance"),
    **dict.fromkeys(("LineOrigin", "Span"), "span"),
}

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


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'tracemark.model' has no attribute {name!r}")
    value = getattr(import_module(f"tracemark.model.{where}"), name)
    globals()[name] = value  # resolved once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
