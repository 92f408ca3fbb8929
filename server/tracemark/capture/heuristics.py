"""The insertion heuristic: one change event that inserts several lines at once is AI-written.

Editors without a plugin hook still show AI completions and chat edits the same way: a block
of code lands in one change event, where typing produces one or two characters per event. That
is the signal; this module decides, from plain text, whether one change carries it.

What the signal would wrongly catch, and is ruled out here:

- a reload or checkout (the buffer now equals the file on disk) and whole-document syncs;
- reformatting (the same code with different whitespace: a formatter's edit);
- undo, redo and cut-and-paste within the document (the text was deleted from it moments ago);
- edits the server itself proposed (quick fixes applied by the client).

Pasting code from elsewhere is indistinguishable and is tagged; that is why the origin says
``confidence: heuristic`` and ``tool: unknown``. The language server is a thin shell over this.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from tracemark.model import Confidence, Origin, OriginKind, Span
from tracemark.tracking import spans as span_ops

#: Default minimum number of non-blank inserted lines that counts as "several lines".
DEFAULT_MIN_LINES = 3


@dataclass(frozen=True, slots=True)
class HeuristicSettings:
    """``enabled`` switches the heuristic; ``min_lines`` non-blank lines in one event trigger it."""

    enabled: bool = True
    min_lines: int = DEFAULT_MIN_LINES


class Verdict(NamedTuple):
    """Whether to tag a change as AI, and why (shown in the server's debug log)."""

    tag: bool
    reason: str


def squash(text: str) -> str:
    """``text`` without any whitespace: what stays equal through reformatting."""
    return "".join(text.split())


def nonblank_lines(text: str, stop_at: int | None = None) -> int:
    """Number of lines of ``text`` that hold something other than whitespace.

    ``stop_at`` ends the count early (the caller only needs to know "at least N").
    """
    n = 0
    for line in text.splitlines():
        if line.strip():
            n += 1
            if stop_at is not None and n >= stop_at:
                break
    return n


class RecentText:
    """Text recently removed from (or proposed for) one document, to recognise it coming back.

    Undo, redo and moving a block with cut and paste re-insert text that was in the document a
    moment ago; so does a client applying a quick fix the server sent. Kept small and short-lived:
    a few entries for a few minutes.
    """

    __slots__ = ("_items", "max_age", "min_chars")

    def __init__(self, size: int = 16, max_age: float = 600.0, min_chars: int = 8) -> None:
        self._items: deque[tuple[float, str]] = deque(maxlen=size)
        self.max_age = max_age
        self.min_chars = min_chars

    def remember(self, text: str, now: float | None = None) -> None:
        key = squash(text)
        if len(key) >= self.min_chars:
            self._items.append((time.monotonic() if now is None else now, key))

    def seen(self, text: str, now: float | None = None) -> bool:
        """True when ``text`` (whitespace aside) is part of something remembered."""
        key = squash(text)
        if not key:
            return False
        now = time.monotonic() if now is None else now
        return any(now - t <= self.max_age and key in k for t, k in self._items)

    def __len__(self) -> int:
        return len(self._items)


def judge_change(
    inserted: str,
    replaced: str,
    settings: HeuristicSettings,
    *,
    whole_document: bool = False,
    recent: RecentText | None = None,
    matches_disk: Callable[[], bool] | None = None,
) -> Verdict:
    """Decide whether one content change (``replaced`` → ``inserted``) is an AI insertion.

    The checks run cheapest first; ``matches_disk`` (which may read a file) runs last and only
    when everything else says "tag".
    """
    if not settings.enabled:
        return Verdict(False, "heuristic off")
    if whole_document:
        return Verdict(False, "whole-document sync")
    # Cheap pre-check: fewer line breaks than needed cannot make enough lines.
    if inserted.count("\n") + inserted.count("\r") < settings.min_lines - 1:
        return Verdict(False, "single-line change")
    lines = nonblank_lines(inserted, stop_at=settings.min_lines)
    if lines < settings.min_lines:
        return Verdict(False, f"{lines} non-blank line(s), fewer than {settings.min_lines}")
    if replaced and squash(replaced) == squash(inserted):
        return Verdict(False, "reformatting (same code, whitespace changed)")
    if recent is not None and recent.seen(inserted):
        return Verdict(False, "text removed from this document moments ago (undo, move, fix)")
    if matches_disk is not None and matches_disk():
        return Verdict(False, "reload (the buffer now equals the file on disk)")
    return Verdict(True, f"{lines}+ lines inserted in one change")


def heuristic_origin(source: str = "lsp:heuristic") -> Origin:
    """The origin given to text the heuristic tags."""
    return Origin(
        kind=OriginKind.AI, tool="unknown", confidence=Confidence.HEURISTIC, source=source
    )


def _is_guess(span: Span) -> bool:
    return span.origin.confidence is Confidence.HEURISTIC


def _subtract(span: Span, cover: Sequence[Span]) -> list[Span]:
    """The parts of ``span`` not covered by ``cover`` (sorted, non-overlapping)."""
    pieces: list[Span] = []
    at = span.start
    i = bisect_right([c.end for c in cover], span.start)
    while i < len(cover) and cover[i].start < span.end:
        c = cover[i]
        if c.start > at:
            pieces.append(Span(start=at, end=c.start, origin=span.origin))
        at = max(at, c.end)
        i += 1
    if at < span.end:
        pieces.append(Span(start=at, end=span.end, origin=span.origin))
    return pieces


def merge_claims(base: Sequence[Span], incoming: Sequence[Span]) -> list[Span]:
    """Merge another writer's spans (the ledger's) into a document's: latest claim per character.

    One exception: a heuristic guess never beats an exact or declared claim, whichever is newer.
    An agent hook's exact record of what it wrote must win over the heuristic that saw the same
    lines arrive in the editor a moment later (on a buffer reload, say).
    """
    if not incoming:
        return list(base)
    if not base:
        return list(incoming)
    firm_in = [s for s in incoming if not _is_guess(s)]
    firm_base = [s for s in base if not _is_guess(s)]
    base2 = [p for s in base for p in (_subtract(s, firm_in) if _is_guess(s) else (s,))]
    inc2 = [p for s in incoming for p in (_subtract(s, firm_base) if _is_guess(s) else (s,))]
    return span_ops.overlay_latest(base2, inc2)
