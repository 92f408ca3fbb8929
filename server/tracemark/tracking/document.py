"""A document whose spans follow every edit: the live state the language server keeps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tracemark.model import LineOrigin, Span
from tracemark.tracking import spans as span_ops
from tracemark.tracking.anchor import reanchor
from tracemark.tracking.lines import classify_lines
from tracemark.tracking.positions import PositionEncoding, TextIndex

if TYPE_CHECKING:  # pragma: no cover  (annotations only: no pydantic at import)
    from tracemark.model.origin import Origin

#: An LSP range as ``(start_line, start_character, end_line, end_character)``.
LspRange = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class TextEdit:
    """One applied edit, in every unit a consumer needs (tree-sitter wants bytes and points)."""

    start: int
    old_end: int
    new_end: int
    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]
    #: Set when a position had to be clamped (past the end, inside a character): the reason.
    clamped: str | None = None


class TrackedDocument:
    """Text plus the spans that say who wrote which part of it."""

    __slots__ = ("index", "spans", "version")

    def __init__(self, text: str, spans: Sequence[Span] = (), version: int | None = None) -> None:
        self.index = TextIndex(text)
        self.spans: list[Span] = span_ops.normalize(spans, len(text)) if spans else []
        self.version = version

    @property
    def text(self) -> str:
        return self.index.text

    # -- edits -------------------------------------------------------------------------------

    def apply_edit(self, start: int, end: int, new: str, origin: Origin | None = None
                   ) -> TextEdit:
        """Replace code points ``[start, end)`` with ``new``; ``origin`` tags the new text."""
        old = self.index
        start = max(0, min(start, len(old.text)))
        end = max(start, min(end, len(old.text)))
        start_point = old.point_at(start)
        old_end_point = old.point_at(end)
        start_byte = old.byte_offset(start)
        old_end_byte = old.byte_offset(end)
        self.index = idx = old.replace(start, end, new)
        new_end = start + len(new)
        if self.spans:
            touched = (
                old.starts[old.line_of(start)],
                idx.line_end(idx.line_of(new_end), with_break=True),
            )
            self.spans = span_ops.apply_edit(self.spans, start, end, len(new), origin, touched)
        elif origin is not None and new:
            self.spans = [Span(start=start, end=new_end, origin=origin)]
        return TextEdit(
            start=start,
            old_end=end,
            new_end=new_end,
            start_byte=start_byte,
            old_end_byte=old_end_byte,
            new_end_byte=self.index.byte_offset(new_end),
            start_point=start_point,
            old_end_point=old_end_point,
            new_end_point=self.index.point_at(new_end),
        )

    def apply_change(
        self,
        rng: LspRange | None,
        new: str,
        encoding: PositionEncoding = PositionEncoding.UTF16,
        origin: Origin | None = None,
    ) -> TextEdit | None:
        """Apply one LSP content change; ``rng=None`` is a whole-document replacement.

        A whole-document replacement (a reload from disk, a client without incremental sync)
        re-anchors the spans line by line instead of treating everything as edited.
        Positions past the end are clamped as LSP specifies; the returned edit says so.
        """
        if rng is None:
            self.replace_text(new)
            return None
        sl, sc, el, ec = rng
        idx = self.index
        reason = idx.check(sl, sc, encoding) or idx.check(el, ec, encoding)
        start = idx.offset_at(sl, sc, encoding)
        end = idx.offset_at(el, ec, encoding)
        if end < start:
            start, end = end, start
            reason = reason or "range end before its start"
        edit = self.apply_edit(start, end, new, origin)
        if reason:
            edit = replace(edit, clamped=reason)
        return edit

    def replace_text(self, new_text: str) -> None:
        """The whole text changed without a diff: carry spans over through identical lines."""
        if new_text == self.index.text:
            return
        new_index = TextIndex(new_text)
        self.spans = reanchor(self.index, self.spans, new_index)
        self.index = new_index

    # -- claims ------------------------------------------------------------------------------

    def mark(self, start: int, end: int, origin: Origin | None) -> None:
        """Declare ``[start, end)`` to have ``origin`` (``None`` forgets what covered it)."""
        n = len(self.index.text)
        self.spans = span_ops.mark(self.spans, max(0, start), min(end, n), origin)

    def review(self, start: int, end: int) -> None:
        n = len(self.index.text)
        self.spans = span_ops.review(self.spans, max(0, start), min(end, n))

    def overlay(self, spans: Sequence[Span]) -> None:
        """Merge claims from elsewhere (the ledger), keeping the latest claim per character."""
        incoming = span_ops.clip(spans, len(self.index.text))
        self.spans = span_ops.overlay_latest(self.spans, incoming)

    # -- views -------------------------------------------------------------------------------

    def range_offsets(self, rng: LspRange, encoding: PositionEncoding) -> tuple[int, int]:
        sl, sc, el, ec = rng
        a = self.index.offset_at(sl, sc, encoding)
        b = self.index.offset_at(el, ec, encoding)
        return (a, b) if a <= b else (b, a)

    def line_origins(self, *, known: bool = True) -> list[LineOrigin]:
        return classify_lines(self.index, self.spans, known=known)

    def span_ranges(self, encoding: PositionEncoding) -> list[tuple[LspRange, Span]]:
        """Each span with its LSP range in ``encoding``."""
        out = []
        for sp in self.spans:
            sl, sc = self.index.position_at(sp.start, encoding)
            el, ec = self.index.position_at(sp.end, encoding)
            out.append(((sl, sc, el, ec), sp))
        return out
