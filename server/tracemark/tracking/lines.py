"""From per-character spans to per-line origins: what ``blame``, hover and code lens show.

A line is ``ai`` when all its non-blank characters are AI, ``ai-modified`` when AI and other
characters mix (or its AI text was edited), ``reviewed`` when all of it is reviewed AI text,
``human`` when it has no AI character (``unknown`` when tracemark never saw the file). A blank
line takes the kind of a span that covers it whole (a blank line inside an AI block is AI).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracemark.model import LineOrigin, OriginKind, Span
from tracemark.tracking.positions import TextIndex

if TYPE_CHECKING:  # pragma: no cover  (annotations only: no pydantic at import)
    from tracemark.model.origin import Origin


def _nonblank(s: str) -> int:
    """Number of non-whitespace characters."""
    return len("".join(s.split()))


def line_count(index: TextIndex) -> int:
    """Lines as git counts them: a final line break does not start another line."""
    n = index.line_count
    if n > 1 and index.starts[-1] == len(index.text):
        return n - 1
    return 0 if not index.text else n


def classify_line(
    index: TextIndex, line: int, spans: Sequence[Span], *, known: bool = True
) -> LineOrigin:
    """The origin of one 0-based ``line`` given the spans that overlap it (sorted)."""
    ls = index.starts[line]
    le = index.line_end(line)
    lf = index.line_end(line, with_break=True)
    text = index.text
    total = _nonblank(text[ls:le])
    counts: dict[OriginKind, int] = {}
    best: dict[OriginKind, tuple[int, Origin]] = {}
    for sp in spans:
        a, b = max(sp.start, ls), min(sp.end, le)
        if a >= b:
            continue
        n = _nonblank(text[a:b])
        if not n:
            continue
        k = sp.origin.kind
        counts[k] = counts.get(k, 0) + n
        if k not in best or n > best[k][0]:
            best[k] = (n, sp.origin)

    def pick(*kinds: OriginKind) -> Origin | None:
        cands = [best[k] for k in kinds if k in best]
        return max(cands, key=lambda c: c[0])[1] if cands else None

    if total == 0:
        for sp in spans:  # a blank line wholly inside a span takes its kind
            if sp.start <= ls and sp.end >= max(lf, ls + 1):
                return LineOrigin.of(line + 1, sp.origin.kind, sp.origin)
        return LineOrigin.of(line + 1, OriginKind.HUMAN if known else OriginKind.UNKNOWN, None)
    ai = counts.get(OriginKind.AI, 0)
    mod = counts.get(OriginKind.AI_MODIFIED, 0)
    rev = counts.get(OriginKind.REVIEWED, 0)
    ai_like = ai + mod + rev
    ai_kinds = (OriginKind.AI, OriginKind.AI_MODIFIED, OriginKind.REVIEWED)
    if ai_like == total:
        if mod:
            return LineOrigin.of(line + 1, OriginKind.AI_MODIFIED, pick(*ai_kinds))
        if rev == total:
            return LineOrigin.of(line + 1, OriginKind.REVIEWED, pick(OriginKind.REVIEWED))
        return LineOrigin.of(line + 1, OriginKind.AI, pick(*ai_kinds))
    if ai_like:
        return LineOrigin.of(line + 1, OriginKind.AI_MODIFIED, pick(*ai_kinds))
    if counts.get(OriginKind.HUMAN):
        return LineOrigin.of(line + 1, OriginKind.HUMAN, pick(OriginKind.HUMAN))
    return LineOrigin.of(line + 1, OriginKind.HUMAN if known else OriginKind.UNKNOWN, None)


def classify_lines(
    text: str | TextIndex, spans: Sequence[Span], *, known: bool = True
) -> list[LineOrigin]:
    """One :class:`LineOrigin` per line (1-based), in order; spans must be sorted."""
    index = text if isinstance(text, TextIndex) else TextIndex(text)
    out: list[LineOrigin] = []
    si = 0
    n = line_count(index)
    for line in range(n):
        ls = index.starts[line]
        lf = index.line_end(line, with_break=True)
        while si < len(spans) and spans[si].end <= ls:
            si += 1
        j = si
        here = []
        while j < len(spans) and spans[j].start < max(lf, ls + 1):
            here.append(spans[j])
            j += 1
        out.append(classify_line(index, line, here, known=known))
    return out


def ai_blocks(lines: Sequence[LineOrigin]) -> list[tuple[int, int, LineOrigin]]:
    """Runs of consecutive AI lines (any AI kind) as ``(first, last, representative)``, 1-based.

    A block ends where the line kind stops being AI or the tool/model changes; this is what a
    code lens summarises ("AI · copilot gpt-4.1 · 12 lines · not reviewed").
    """
    blocks: list[tuple[int, int, LineOrigin]] = []
    for lo in lines:
        if not lo.kind.is_ai:
            continue
        if blocks:
            first, last, rep = blocks[-1]
            if last == lo.line - 1 and (rep.tool, rep.model) == (lo.tool, lo.model):
                blocks[-1] = (first, lo.line, rep)
                continue
        blocks.append((lo.line, lo.line, lo))
    return blocks


def line_range_offsets(index: TextIndex, first: int, last: int) -> tuple[int, int]:
    """Code-point range covering 1-based lines ``first..last`` including the last line break."""
    n = index.line_count
    first = max(1, first)
    last = min(last, n)
    return index.starts[first - 1], index.line_end(last - 1, with_break=True)
