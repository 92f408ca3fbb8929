"""Origin kinds, confidences and the clock: the parts of an origin that need no pydantic.

Kept apart from :mod:`tracemark.model.origin` so that code that only reads kinds (the commit
hook, line classification) does not pay for importing pydantic (~150 ms of CPU per process).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum


class OriginKind(StrEnum):
    """The kinds a character or a line can have (the blame contract's ``kind``)."""

    AI = "ai"
    #: AI-written text that a person has since edited (inside the span, or on the same line).
    AI_MODIFIED = "ai-modified"
    HUMAN = "human"
    #: AI-written text that a person has explicitly reviewed and accepted.
    REVIEWED = "reviewed"
    #: Nothing is known about this text (tracemark never saw it written).
    UNKNOWN = "unknown"

    @property
    def is_ai(self) -> bool:
        """AI wrote it, whatever happened since (edited or reviewed)."""
        return self in (OriginKind.AI, OriginKind.AI_MODIFIED, OriginKind.REVIEWED)


class Confidence(StrEnum):
    """How the origin was learned."""

    #: An editor plugin, proxy or agent hook reported exactly what the AI inserted.
    EXACT = "exact"
    #: Inferred, e.g. one change event that inserted several lines at once.
    HEURISTIC = "heuristic"
    #: A person said so (``tracemark mark``, ``tracemark.markSelection``).
    DECLARED = "declared"


def utcnow() -> datetime:
    """Now, in UTC, to the millisecond (what the ledger and trailers keep)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
