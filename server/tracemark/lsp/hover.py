"""Hover on an AI line: who wrote it (tool, model), when, whether it was edited or reviewed.

Lines that are not AI get no hover from tracemark, so other servers' hovers stay uncluttered.
"""

from __future__ import annotations

from datetime import datetime

from lsprotocol import types

from tracemark.lsp.server import TracemarkServer, handler
from tracemark.lsp.views import ai_lines, block_at, label
from tracemark.model import LineOrigin

_KIND_TEXT = {
    "ai": "AI-written",
    "ai-modified": "AI-written, edited by a person since",
    "reviewed": "AI-written, reviewed by a person",
}


def when(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC") if t is not None else "unknown time"


def hover_markdown(lo: LineOrigin, block: tuple[int, int, LineOrigin] | None) -> str:
    lines = [f"**tracemark** · {_KIND_TEXT.get(lo.kind.value, lo.kind.value)} (`{lo.kind.value}`)"]
    lines.append("")
    lines.append(f"- tool: `{lo.tool or 'unknown'}` · model: `{lo.model or 'unknown'}`")
    how = f" ({lo.confidence.value})" if lo.confidence is not None else ""
    lines.append(f"- written: {when(lo.time)}{how}")
    if lo.session:
        lines.append(f"- session: `{lo.session}`")
    lines.append(f"- {'reviewed' if lo.reviewed else 'not reviewed'}")
    if block is not None and block[1] > block[0]:
        lines.append(f"- block: lines {block[0] + 1}–{block[1] + 1} ({label(lo.tool, lo.model)})")
    return "\n".join(lines)


class Hover:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        od = self.server.documents.get(params.text_document.uri)
        if od is None:
            return None
        line = params.position.line
        if line < 0 or line >= od.doc.index.line_count:
            return None
        lo = ai_lines(od).get(line)
        if lo is None:
            return None
        index = od.doc.index
        end = index.position_at(index.line_end(line), od.encoding)
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                         value=hover_markdown(lo, block_at(od, line))),
            range=types.Range(start=types.Position(line=line, character=0),
                              end=types.Position(line=end[0], character=end[1])),
        )


def register(server: TracemarkServer) -> Hover:
    feature = Hover(server)
    server.feature(types.TEXT_DOCUMENT_HOVER)(handler(feature.hover))
    return feature
