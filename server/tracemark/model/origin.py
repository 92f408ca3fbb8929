"""Who wrote a piece of text: the origin carried by every span."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

# The enums and the clock live in a module without pydantic (the commit hook reads origins
# without importing pydantic); they are re-exported here, where they have always been.
from tracemark.model.kinds import Confidence, OriginKind, utcnow

__all__ = ["Confidence", "Origin", "OriginKind", "utcnow"]


class Origin(BaseModel):
    """Where a span of text came from. Immutable and shared by every span that has it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: OriginKind
    tool: str | None = None
    model: str | None = None
    session: str | None = None
    confidence: Confidence = Confidence.EXACT
    time: datetime = Field(default_factory=utcnow)
    #: Which capture path recorded it: "lsp", "proxy", "mark", "hook:claude", ...
    source: str | None = None
    #: When a person marked it reviewed (``kind`` is then ``reviewed``).
    reviewed_at: datetime | None = None

    @property
    def is_ai(self) -> bool:
        return self.kind.is_ai

    def modified(self) -> Origin:
        """The same origin after a person edited inside it (reviewed text loses its review)."""
        if self.kind in (OriginKind.AI, OriginKind.REVIEWED):
            return self.model_copy(update={"kind": OriginKind.AI_MODIFIED})
        return self

    def reviewed(self, when: datetime | None = None) -> Origin:
        """The same AI origin, now reviewed by a person (a newer claim than the write)."""
        if self.kind.is_ai:
            return self.model_copy(
                update={"kind": OriginKind.REVIEWED, "reviewed_at": when or utcnow()}
            )
        return self

    @property
    def claimed_at(self) -> datetime:
        """When this claim was made: the review if there was one, else the write.

        Writers that disagree about a character (an editor's view and an agent hook's record,
        say) are reconciled by keeping the latest claim.
        """
        if self.reviewed_at is not None and self.reviewed_at > self.time:
            return self.reviewed_at
        return self.time

    def label(self) -> str:
        """``copilot gpt-4.1`` style label for people."""
        parts = [p for p in (self.tool, self.model) if p]
        return " ".join(parts) if parts else "unknown tool"
