"""What changed in a document since an earlier moment: for stale requests and off-loop results.

Two consumers need it:

- ``tracemark/markRange`` for a document version the server has already moved past (the user
  typed while the editor plugin was sending): its range is mapped forward through the changes
  since, in LSP positions, so it lands on the same text;
- work done off the event-loop thread (ledger reads, semgrep) against a snapshot of the text:
  its spans and findings are carried forward through the code-point edits made meanwhile.

Bounded: the last :data:`MAX_ENTRIES` changes; a whole-document replacement starts over.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from tracemark.model import Span
from tracemark.tracking import spans as span_ops
from tracemark.tracking.anchor import reanchor
from tracemark.tracking.positions import LINE_BREAK, PositionEncoding, units_len

MAX_ENTRIES = 2000

Pos = tuple[int, int]


class StaleVersion(Exception):
    """The requested version is older than what the history still covers."""


@dataclass(frozen=True, slots=True)
class Change:
    """One applied content change, in both LSP positions and code points."""

    #: The client's document version after the change (``None`` when the client sent none).
    version: int | None
    #: The server's own change counter after the change.
    seq: int
    start: Pos
    end: Pos
    #: Line breaks in the inserted text, and the width of its last line in client units.
    breaks: int
    tail: int
    cp_start: int
    cp_old_end: int
    cp_new_len: int

    @property
    def new_end(self) -> Pos:
        sl, sc = self.start
        return (sl + self.breaks, sc + self.tail if self.breaks == 0 else self.tail)

    def map(self, p: Pos, *, right: bool) -> Pos:
        """Where position ``p`` (before the change) is after it.

        ``right`` is the bias of a range start: text inserted exactly at ``p`` ends up before
        it. A range end (``right=False``) keeps such text after it. A position inside replaced
        text moves to the edge of the new text that keeps the range from growing.
        """
        s, e = self.start, self.end
        if p < s or (p == s and not right):
            return p
        if right:
            if p < e:
                return self.new_end
        elif p <= e:
            return s
        pl, pc = p
        el, ec = e
        if pl == el:
            nl, nc = self.new_end
            return (nl, nc + (pc - ec))
        return (pl + self.breaks - (el - s[0]), pc)


@dataclass(frozen=True, slots=True)
class Reset:
    """A whole-document replacement: positions before it cannot be mapped, spans re-anchored."""

    version: int | None
    seq: int
    old_text: str
    new_text: str


def _shape(text: str, encoding: PositionEncoding) -> tuple[int, int]:
    """Line breaks in ``text`` and the width of its last line in ``encoding`` units."""
    last = None
    breaks = 0
    for m in LINE_BREAK.finditer(text):
        breaks += 1
        last = m.end()
    tail = text if last is None else text[last:]
    return breaks, units_len(tail, encoding)


class EditLog:
    """The recent changes of one document, oldest first."""

    __slots__ = ("_entries", "encoding", "floor_seq", "floor_version")

    def __init__(self, encoding: PositionEncoding, version: int | None = None) -> None:
        self.encoding = encoding
        self._entries: deque[Change | Reset] = deque(maxlen=MAX_ENTRIES)
        #: Changes after this counter / version are all in the log.
        self.floor_seq = 0
        self.floor_version = version

    def add(self, version: int | None, seq: int, start: Pos, end: Pos, new_text: str,
            cp: tuple[int, int, int]) -> None:
        if len(self._entries) == self._entries.maxlen:
            dropped = self._entries[0]
            self.floor_seq = dropped.seq
            self.floor_version = dropped.version
        breaks, tail = _shape(new_text, self.encoding) if new_text else (0, 0)
        self._entries.append(Change(version, seq, start, end, breaks, tail, *cp))

    def reset(self, version: int | None, seq: int, old_text: str, new_text: str) -> None:
        """A whole-document replacement: keep only it (its texts are what replay needs)."""
        self._entries.clear()
        self._entries.append(Reset(version, seq, old_text, new_text))
        self.floor_seq = seq - 1
        self.floor_version = version

    # -- positions (stale requests) ----------------------------------------------------------

    def covers_version(self, version: int) -> bool:
        """Whether every change made after client ``version`` is still in the log."""
        return self.floor_version is not None and version >= self.floor_version

    def map_range(self, version: int, start: Pos, end: Pos) -> tuple[Pos, Pos]:
        """``start``/``end`` of document ``version`` mapped to the current version.

        Raises :class:`StaleVersion` when changes after ``version`` are no longer all known.
        """
        if not self.covers_version(version):
            raise StaleVersion(version)
        for c in self._entries:
            if isinstance(c, Change) and c.version is not None and c.version > version:
                start = c.map(start, right=True)
                end = c.map(end, right=False)
        return start, end

    # -- spans (off-loop results) ------------------------------------------------------------

    def replay(self, spans: Sequence[Span], since_seq: int, current_text: str,
               snapshot_text: str) -> list[Span]:
        """Spans of the text as it was at ``since_seq`` carried onto the current text.

        Edits inside a span make that part ``ai-modified`` as live tracking does; a
        whole-document replacement (or a gap in the log) re-anchors by identical lines.
        """
        out = list(spans)
        if since_seq < self.floor_seq:
            return reanchor(snapshot_text, out, current_text) if out else out
        for c in self._entries:
            if c.seq <= since_seq:
                continue
            if isinstance(c, Reset):
                out = reanchor(c.old_text, out, c.new_text) if out else out
            else:
                out = span_ops.apply_edit(out, c.cp_start, c.cp_old_end, c.cp_new_len)
        return out

    def map_offsets(self, start: int, end: int, since_seq: int) -> tuple[int, int] | None:
        """A code-point range at ``since_seq`` on the current text; ``None`` when lost."""
        if since_seq < self.floor_seq:
            return None
        for c in self._entries:
            if c.seq <= since_seq:
                continue
            if isinstance(c, Reset):
                return None
            delta = c.cp_new_len - (c.cp_old_end - c.cp_start)
            if start >= c.cp_old_end:
                start += delta
            elif start >= c.cp_start:
                start = c.cp_start + c.cp_new_len
            if end > c.cp_old_end:
                end += delta
            elif end > c.cp_start:
                end = c.cp_start
        return (start, end) if start < end else None
