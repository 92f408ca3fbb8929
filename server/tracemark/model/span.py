"""Spans: runs of characters that share an origin, and the per-line view derived from them.

These two are plain slotted dataclasses, not pydantic models like the rest of ``model``: spans
are rebuilt on every keystroke and lines on every hover, and pydantic's construction costs about
4 µs each where a dataclass costs a tenth of that. Pydantic models embed and validate them all
the same (``TypeAdapter(list[Span])``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tracemark.model.kinds import Confidence, OriginKind

if TYPE_CHECKING:  # pragma: no cover  (annotations only: spans carry any origin object)
    from tracemark.model.origin import Origin


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``[start, end)`` of a document's text, in code points (Python ``str`` indexes).

    Code points are the one unit every position encoding converts to exactly; conversion to
    UTF-16 or UTF-8 happens at the edges (LSP, tree-sitter, semgrep).
    """

    start: int
    end: int
    origin: Origin

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class LineOrigin:
    """One line of ``tracemark blame``: the contract's per-line entry (lines are 1-based)."""

    line: int
    kind: OriginKind
    tool: str | None = None
    model: str | None = None
    session: str | None = None
    reviewed: bool = False
    confidence: Confidence | None = None
    time: datetime | None = None

    @classmethod
    def of(cls, line: int, kind: OriginKind, origin: Origin | None) -> LineOrigin:
        if origin is None:
            return cls(line=line, kind=kind)
        return cls(
            line=line,
            kind=kind,
            tool=origin.tool,
            model=origin.model,
            session=origin.session,
            reviewed=kind is OriginKind.REVIEWED,
            confidence=origin.confidence,
            time=origin.time,
        )

    def blame_json(self) -> dict:
        """The ``tracemark/blame/v1`` line object."""
        out = {
            "line": self.line,
            "kind": self.kind.value,
            "tool": self.tool,
            "model": self.model,
            "session": self.session,
            "reviewed": self.reviewed,
        }
        if self.confidence is not None:
            out["confidence"] = self.confidence.value
        if self.time is not None:
            out["time"] = self.time.isoformat()
        return out
