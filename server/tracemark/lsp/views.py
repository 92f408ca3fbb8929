"""Per-line views of an open document for hover, code lens, inlay hints and code actions.

Only the lines that AI spans touch are classified (a 5,000-line file with one AI block costs a
few lines, not 5,000), and the result is cached until the text or the spans change.
"""

from __future__ import annotations

from bisect import bisect_right

from tracemark.lsp.documents import OpenDocument
from tracemark.model import LineOrigin, Span
from tracemark.tracking import ai_blocks
from tracemark.tracking.lines import classify_line, line_count

Block = tuple[int, int, LineOrigin]


def _spans_on(spans: list[Span], ends: list[int], lo: int, hi: int) -> list[Span]:
    """Spans overlapping ``[lo, hi)`` (``hi`` at least ``lo + 1``) from sorted ``spans``."""
    out = []
    i = bisect_right(ends, lo)
    while i < len(spans) and spans[i].start < hi:
        out.append(spans[i])
        i += 1
    return out


def ai_lines(od: OpenDocument) -> dict[int, LineOrigin]:
    """0-based line → its origin, for every line that is AI (any AI kind)."""
    doc = od.doc
    key = (doc.index, doc.spans)
    cached = od.state.get("lines")
    if cached is not None and cached[0][0] is key[0] and cached[0][1] is key[1]:
        return cached[1]
    index = doc.index
    spans = doc.spans
    ends = [s.end for s in spans]
    nlines = line_count(index)
    touched: set[int] = set()
    for sp in spans:
        if sp.origin.kind.is_ai and sp.end > sp.start:
            first = index.line_of(sp.start)
            last = index.line_of(sp.end - 1)
            touched.update(range(first, min(last, nlines - 1) + 1))
    out: dict[int, LineOrigin] = {}
    for line in sorted(touched):
        ls = index.starts[line]
        lf = index.line_end(line, with_break=True)
        lo = classify_line(index, line, _spans_on(spans, ends, ls, max(lf, ls + 1)))
        if lo.kind.is_ai:
            out[line] = lo
    od.state["lines"] = (key, out)
    return out


def blocks(od: OpenDocument) -> list[Block]:
    """Runs of AI lines with one tool and model, as ``(first, last, origin)``, 0-based."""
    lines = ai_lines(od)
    return [(a - 1, b - 1, rep) for a, b, rep in ai_blocks([lines[k] for k in sorted(lines)])]


def block_at(od: OpenDocument, line: int) -> Block | None:
    for b in blocks(od):
        if b[0] <= line <= b[1]:
            return b
    return None


def block_summary(od: OpenDocument, block: Block) -> dict[str, int]:
    """How many lines of a block are plain AI, edited since, and reviewed."""
    lines = ai_lines(od)
    counts = {"ai": 0, "ai-modified": 0, "reviewed": 0}
    for line in range(block[0], block[1] + 1):
        lo = lines.get(line)
        if lo is not None:
            counts[lo.kind.value] = counts.get(lo.kind.value, 0) + 1
    return counts


def label(tool: str | None, model: str | None) -> str:
    parts = [p for p in (tool, model) if p]
    return " ".join(parts) if parts else "unknown tool"


def lens_title(od: OpenDocument, block: Block) -> str:
    """``AI · copilot gpt-4.1 · 12 lines · not reviewed`` (and how many were edited)."""
    first, last, rep = block
    n = last - first + 1
    counts = block_summary(od, block)
    reviewed = counts["reviewed"]
    edited = counts["ai-modified"]
    who = label(rep.tool, rep.model)
    if rep.confidence is not None and rep.confidence.value == "heuristic":
        who += " (guessed)"
    lines = f"{n} line{'s' if n != 1 else ''}"
    if edited:
        lines += f" ({edited} edited)"
    if reviewed == n:
        status = "reviewed"
    elif reviewed:
        status = f"{reviewed} of {n} reviewed"
    else:
        status = "not reviewed"
    return f"AI · {who} · {lines} · {status}"
