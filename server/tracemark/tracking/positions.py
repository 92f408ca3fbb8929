"""Positions in the three LSP encodings, over a text whose line index is kept up to date.

Everything inside tracemark is a code-point offset into a Python ``str``; this module is the
one place that converts from and to ``(line, character)`` in UTF-8, UTF-16 or UTF-32 units and
to UTF-8 byte offsets (tree-sitter, semgrep).

Line breaks are LSP's: ``\\r\\n``, ``\\r`` and ``\\n`` only (``str.splitlines`` also splits on
``\\x0b``, ``\\u2028`` and others, which editors do not, so it cannot be used here).

Out-of-range positions are clamped the way LSP 3.17 specifies: a character past the end of its
line means the end of the line; a line past the last means the end of the document. A position
inside a character (half of a surrogate pair, the middle of a UTF-8 sequence) rounds down to the
start of that character. Callers that must report such positions use :meth:`TextIndex.check`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from enum import StrEnum

LINE_BREAK = re.compile(r"\r\n|\r|\n")


class PositionEncoding(StrEnum):
    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


def char_units(ch: str, encoding: PositionEncoding) -> int:
    """Width of one code point in ``encoding`` units."""
    cp = ord(ch)
    if encoding is PositionEncoding.UTF16:
        return 2 if cp > 0xFFFF else 1
    if encoding is PositionEncoding.UTF8:
        return 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4
    return 1


def units_len(s: str, encoding: PositionEncoding) -> int:
    """Length of ``s`` in ``encoding`` units."""
    if encoding is PositionEncoding.UTF32 or s.isascii():
        return len(s)
    if encoding is PositionEncoding.UTF8:
        return len(s.encode("utf-8", "surrogatepass"))
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def units_to_cp(line: str, units: int, encoding: PositionEncoding) -> int:
    """Code-point column for ``units`` into ``line``; clamped, rounding down inside a character."""
    if units <= 0:
        return 0
    if encoding is PositionEncoding.UTF32 or line.isascii():
        return min(units, len(line))
    acc = 0
    for i, ch in enumerate(line):
        w = char_units(ch, encoding)
        if acc + w > units:
            return i
        acc += w
    return len(line)


def line_starts_of(text: str) -> list[int]:
    """Code-point offsets at which each line starts; always at least ``[0]``."""
    return [0, *(m.end() for m in LINE_BREAK.finditer(text))]


class TextIndex:
    """A text and the offsets of its line starts, updated incrementally on each edit."""

    __slots__ = ("_ascii", "_byte_starts", "starts", "text")

    def __init__(
        self, text: str, starts: list[int] | None = None, *, ascii: bool | None = None
    ) -> None:
        self.text = text
        self.starts = starts if starts is not None else line_starts_of(text)
        #: True when the text is known to be ASCII (bytes == code points); False may be stale.
        self._ascii = text.isascii() if ascii is None else ascii
        self._byte_starts: list[int] | None = None

    # -- lines -------------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def line_end(self, line: int, *, with_break: bool = False) -> int:
        """Offset of the end of ``line``: before its line break unless ``with_break``."""
        nxt = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        if with_break or nxt == self.starts[line]:
            return nxt
        if self.text[nxt - 1] == "\n":
            crlf = nxt - 2 >= self.starts[line] and self.text[nxt - 2] == "\r"
            return nxt - 2 if crlf else nxt - 1
        if self.text[nxt - 1] == "\r":
            return nxt - 1
        return nxt

    def line_text(self, line: int) -> str:
        """The text of ``line`` without its line break."""
        return self.text[self.starts[line] : self.line_end(line)]

    def lines(self) -> list[str]:
        return [self.line_text(i) for i in range(len(self.starts))]

    # -- positions ---------------------------------------------------------------------------

    def offset_at(self, line: int, character: int, encoding: PositionEncoding) -> int:
        """Code-point offset of an LSP position, clamped as LSP specifies."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        return start + units_to_cp(self.line_text(line), character, encoding)

    def check(self, line: int, character: int, encoding: PositionEncoding) -> str | None:
        """Why a position is not exactly inside the document, or ``None`` when it is."""
        if line < 0 or character < 0:
            return f"negative position {line}:{character}"
        if line >= len(self.starts):
            return f"line {line} is past the end of the document ({len(self.starts)} lines)"
        text = self.line_text(line)
        width = units_len(text, encoding)
        if character > width:
            return f"character {character} is past the end of line {line} ({width} {encoding})"
        if units_len(text[: units_to_cp(text, character, encoding)], encoding) != character:
            return f"character {character} of line {line} falls inside a character ({encoding})"
        return None

    def position_at(self, offset: int, encoding: PositionEncoding) -> tuple[int, int]:
        """LSP ``(line, character)`` of a code-point offset."""
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        prefix = self.text[self.starts[line] : offset]
        return line, units_len(prefix, encoding)

    # -- bytes (tree-sitter, semgrep) --------------------------------------------------------

    def _bytes_starts(self) -> list[int]:
        if self._byte_starts is None:
            if self._ascii:
                self._byte_starts = self.starts
            else:
                out, acc, prev = [], 0, 0
                for s in self.starts:
                    acc += units_len(self.text[prev:s], PositionEncoding.UTF8)
                    out.append(acc)
                    prev = s
                self._byte_starts = out
        return self._byte_starts

    def point_at(self, offset: int) -> tuple[int, int]:
        """tree-sitter point ``(row, byte column)`` of a code-point offset."""
        return self.position_at(offset, PositionEncoding.UTF8)

    def byte_offset(self, offset: int) -> int:
        """UTF-8 byte offset of a code-point offset."""
        line, col = self.point_at(offset)
        return self._bytes_starts()[line] + col

    def offset_of_byte(self, byte: int) -> int:
        """Code-point offset of a UTF-8 byte offset (rounding down inside a character)."""
        bstarts = self._bytes_starts()
        line = max(0, bisect_right(bstarts, byte) - 1)
        start = self.starts[line]
        whole = self.text[start : self.line_end(line, with_break=True)]  # exact, even mid-CRLF
        return start + units_to_cp(whole, byte - bstarts[line], PositionEncoding.UTF8)

    # -- edits -------------------------------------------------------------------------------

    def replace(self, start: int, end: int, new: str) -> TextIndex:
        """A new index for the text with ``[start, end)`` replaced by ``new``.

        Only the line starts near the edit are recomputed: a line start at ``p`` depends on
        the characters at ``p - 1`` and ``p`` alone, so starts before ``start`` and after
        ``end + 1`` are kept (the latter shifted).
        """
        old = self.text
        text = old[:start] + new + old[end:]
        delta = len(new) - (end - start)
        starts = self.starts
        keep_lo = bisect_right(starts, start - 1)  # starts[:keep_lo] are <= start - 1
        keep_hi = bisect_right(starts, end)  # starts[keep_hi:] are >= end + 1
        lo = max(start - 1, 0)
        hi = min(end + delta + 2, len(text))
        window = [
            q
            for q in (m.end() for m in LINE_BREAK.finditer(text, lo, hi))
            if start <= q <= end + delta
        ]
        tail = [p + delta for p in starts[keep_hi:]]
        head = starts[:keep_lo] or [0]
        new_starts = [*head, *window, *tail]
        ascii_now = self._ascii and new.isascii()
        result = TextIndex(text, new_starts, ascii=ascii_now)
        if not ascii_now and self._byte_starts is not None and keep_lo > 0:
            # Keep the byte index incremental too: lines before the edit are unchanged, lines
            # after it shift by the edit's size in bytes, the few in between are recomputed.
            old_b = self._byte_starts
            bdelta = units_len(new, PositionEncoding.UTF8) - units_len(
                old[start:end], PositionEncoding.UTF8
            )
            bhead = old_b[:keep_lo]
            acc, prev = bhead[-1], head[-1]
            bwin = []
            for q in window:
                acc += units_len(text[prev:q], PositionEncoding.UTF8)
                bwin.append(acc)
                prev = q
            result._byte_starts = [*bhead, *bwin, *(b + bdelta for b in old_b[keep_hi:])]
        return result
