"""Types shared by every stage. Imports nothing else of tracemark's."""

from tracemark.model.finding import Finding, Fix, Point, Severity
from tracemark.model.origin import Confidence, Origin, OriginKind
from tracemark.model.span import LineOrigin, Span

__all__ = [
    "Confidence",
    "Finding",
    "Fix",
    "LineOrigin",
    "Origin",
    "OriginKind",
    "Point",
    "Severity",
    "Span",
]
