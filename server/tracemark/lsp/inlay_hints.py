"""Inlay hints (setting ``inlayHints``, off by default): ``AI copilot gpt-4.1`` after the first
line of each AI block, for editors that show inlay hints but not code lenses."""

from __future__ import annotations

from lsprotocol import types

from tracemark.lsp.code_lens import Refresher
from tracemark.lsp.config import Settings
from tracemark.lsp.server import TracemarkServer, handler
from tracemark.lsp.views import blocks, label


class InlayHints:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server
        self.refresh = Refresher(server, "workspace.inlay_hint.refresh_support",
                                 "workspace_inlay_hint_refresh")
        server.events.claims.append(self.on_claims)
        server.events.settings.append(self.on_settings)

    def on_claims(self, *_: object) -> None:
        if self.server.settings.inlay_hints:
            self.refresh()

    def on_settings(self, old: Settings, new: Settings) -> None:
        if old.inlay_hints != new.inlay_hints:
            self.refresh()

    def hints(self, params: types.InlayHintParams) -> list[types.InlayHint]:
        od = self.server.documents.get(params.text_document.uri)
        if od is None or not self.server.settings.inlay_hints:
            return []
        lo_line, hi_line = params.range.start.line, params.range.end.line
        index = od.doc.index
        out = []
        for first, last, rep in blocks(od):
            if first < lo_line or first > hi_line:
                continue
            line, ch = index.position_at(index.line_end(first), od.encoding)
            n = last - first + 1
            out.append(types.InlayHint(
                position=types.Position(line=line, character=ch),
                label=f"AI {label(rep.tool, rep.model)}" + (f" ×{n}" if n > 1 else ""),
                kind=None,
                padding_left=True,
                tooltip=f"tracemark: lines {first + 1}–{last + 1} written by "
                        f"{label(rep.tool, rep.model)}",
            ))
        return out


def register(server: TracemarkServer) -> InlayHints:
    feature = InlayHints(server)
    server.feature(types.TEXT_DOCUMENT_INLAY_HINT)(handler(feature.hints))
    return feature
