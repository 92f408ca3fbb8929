"""Pure operations on a sorted, non-overlapping list of spans.

These are the rules of tracking, in one place:

- an edit entirely before a span shifts it; entirely after leaves it alone; touching a span's
  edge (typing right after an AI block) does not extend it;
- an edit inside a span (an insertion strictly inside, or a deletion/replacement overlapping it)
  cuts out the edited characters, splits the span around them and turns what remains into
  ``ai-modified``; a span deleted entirely disappears;
- text inserted with an origin (an accepted completion, an agent's write) gets a span of its own;
- marking a range overrides whatever covered it, without touching the text.

Adjacent spans are never merged: each span is one claim, and merging two would make a later
insertion between them look like an edit inside one. The two sides of a deletion inside one span
stay one claim.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from tracemark.model import OriginKind, Span

if TYPE_CHECKING:  # pragma: no cover  (annotations only: no pydantic at import)
    from tracemark.model.origin import Origin

_new = Span


def apply_edit(
    spans: Sequence[Span],
    start: int,
    end: int,
    inserted: int,
    origin: Origin | None = None,
    touched: tuple[int, int] | None = None,
) -> list[Span]:
    """Spans after ``[start, end)`` was replaced by ``inserted`` characters.

    ``origin`` is the origin of the inserted text when it is known (``None``: typed by hand or
    by an unknown hand, which gets no span). ``touched`` is the range of whole lines the edit
    touched, in the new text: only the parts of an edited span on those lines become
    ``ai-modified``, so blame stays exact for the lines nobody changed.
    """
    if start == end and not inserted:
        return list(spans)  # nothing changed
    delta = inserted - (end - start)
    lo, hi = touched if touched is not None else (start, start + inserted)
    out: list[Span] = []
    insert_at: int | None = None
    for sp in spans:
        a, b = sp.start, sp.end
        if b <= start:
            out.append(sp)
        elif a >= end:
            if insert_at is None:
                insert_at = len(out)
            out.append(_new(start=a + delta, end=b + delta, origin=sp.origin) if delta else sp)
        else:
            mod = sp.origin.modified()
            if a < start:
                if a < lo:
                    out.append(_new(start=a, end=lo, origin=sp.origin))
                if max(a, lo) < start:
                    out.append(_new(start=max(a, lo), end=start, origin=mod))
            insert_at = len(out)
            if b > end:
                ra, rb = end + delta, b + delta
                mid = min(hi, rb) if rb > hi > ra else rb
                _append_piece(out, ra, mid, mod)
                if mid < rb:
                    out.append(_new(start=mid, end=rb, origin=sp.origin))
    if origin is not None and inserted > 0:
        new = _new(start=start, end=start + inserted, origin=origin)
        out.insert(len(out) if insert_at is None else insert_at, new)
    return out


def _append_piece(out: list[Span], start: int, end: int, origin: Origin) -> None:
    """Append ``[start, end)``; re-join it to the piece before when both are one claim.

    A deletion inside a span leaves its two sides touching: they are still the one claim they
    were (the same ``origin`` object), so a later edit to either side touches both.
    """
    prev = out[-1] if out else None
    if prev is not None and prev.end == start and prev.origin is origin:
        out[-1] = _new(start=prev.start, end=end, origin=origin)
    else:
        out.append(_new(start=start, end=end, origin=origin))


def _cut(spans: Sequence[Span], start: int, end: int) -> tuple[list[Span], list[Span], list[Span]]:
    """Split ``spans`` into the parts before, inside and after ``[start, end)``."""
    before: list[Span] = []
    inside: list[Span] = []
    after: list[Span] = []
    for sp in spans:
        a, b = sp.start, sp.end
        if b <= start:
            before.append(sp)
        elif a >= end:
            after.append(sp)
        else:
            if a < start:
                before.append(_new(start=a, end=start, origin=sp.origin))
            inside.append(_new(start=max(a, start), end=min(b, end), origin=sp.origin))
            if b > end:
                after.append(_new(start=end, end=b, origin=sp.origin))
    return before, inside, after


def mark(spans: Sequence[Span], start: int, end: int, origin: Origin | None) -> list[Span]:
    """Spans after declaring ``[start, end)`` to have ``origin`` (``None`` clears it)."""
    if end <= start:
        return list(spans)
    before, _inside, after = _cut(spans, start, end)
    mid = [_new(start=start, end=end, origin=origin)] if origin is not None else []
    return [*before, *mid, *after]


def review(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """Spans after a person reviewed ``[start, end)``: the AI text in it becomes ``reviewed``.

    Only spans whose origin changes are split; the rest stay whole claims.
    """
    if end <= start:
        return list(spans)
    out: list[Span] = []
    for sp in spans:
        a, b = sp.start, sp.end
        needs = sp.origin.kind.is_ai and sp.origin.kind is not OriginKind.REVIEWED
        if not needs or b <= start or a >= end:
            out.append(sp)
            continue
        if a < start:
            out.append(_new(start=a, end=start, origin=sp.origin))
        out.append(_new(start=max(a, start), end=min(b, end), origin=sp.origin.reviewed()))
        if b > end:
            out.append(_new(start=end, end=b, origin=sp.origin))
    return out


def overlay_latest(base: Iterable[Span], top: Iterable[Span]) -> list[Span]:
    """Per character, keep the latest claim of the two span lists (``top`` wins ties).

    This is how two writers' views of one file are reconciled (an editor saving its buffer, an
    agent hook recording what it wrote): neither can erase the other's newer claims.
    """
    base_l, top_l = list(base), list(top)
    if not base_l:
        return top_l
    if not top_l:
        return base_l
    cuts = sorted({p for sp in (*base_l, *top_l) for p in (sp.start, sp.end)})
    out: list[Span] = []
    bi = ti = 0
    for lo, hi in pairwise(cuts):
        while bi < len(base_l) and base_l[bi].end <= lo:
            bi += 1
        while ti < len(top_l) and top_l[ti].end <= lo:
            ti += 1
        b = base_l[bi] if bi < len(base_l) and base_l[bi].start <= lo else None
        t = top_l[ti] if ti < len(top_l) and top_l[ti].start <= lo else None
        if b is None and t is None:
            continue
        base_newer = b is not None and (t is None or b.origin.claimed_at > t.origin.claimed_at)
        win = b if base_newer else t
        assert win is not None
        prev = out[-1] if out else None
        if prev is not None and prev.end == lo and prev.origin is win.origin:
            out[-1] = _new(start=prev.start, end=hi, origin=win.origin)
        else:
            out.append(_new(start=lo, end=hi, origin=win.origin))
    return out


def clip(spans: Iterable[Span], length: int) -> list[Span]:
    """Drop what lies past ``length`` and empty spans (defensive, for data read from disk)."""
    out = []
    for sp in spans:
        a, b = max(0, sp.start), min(sp.end, length)
        if a < b:
            same = (a, b) == (sp.start, sp.end)
            out.append(sp if same else _new(start=a, end=b, origin=sp.origin))
    return out


def normalize(spans: Iterable[Span], length: int) -> list[Span]:
    """Sorted, clipped and non-overlapping (a later span in the input wins an overlap)."""
    out: list[Span] = []
    for sp in clip(spans, length):
        out = mark(out, sp.start, sp.end, sp.origin)
    out.sort(key=lambda s: s.start)
    return out


def find(spans: Sequence[Span], offset: int) -> Span | None:
    """The span containing ``offset``, if any."""
    i = bisect_left([s.end for s in spans], offset + 1)
    if i < len(spans) and spans[i].start <= offset < spans[i].end:
        return spans[i]
    return None
