"""A code lens above each AI block: ``AI · copilot gpt-4.1 · 12 lines · not reviewed``.

Clicking it runs ``tracemark.showProvenance`` for the block. When spans change without the
text changing (a mark, a review, an agent's record picked up from the ledger) the client is
asked to refresh its lenses, at most twice a second, if it supports that.
"""

from __future__ import annotations

import asyncio
import contextlib

from lsprotocol import types

from tracemark.lsp.config import Settings
from tracemark.lsp.documents import OpenDocument
from tracemark.lsp.provenance import CMD_SHOW_PROVENANCE
from tracemark.lsp.server import TracemarkServer, handler
from tracemark.lsp.views import blocks, lens_title

REFRESH_INTERVAL = 0.5


class Refresher:
    """Sends a ``workspace/*/refresh`` request, coalesced, when the client supports it."""

    def __init__(self, server: TracemarkServer, capability: str, send: str) -> None:
        self.server = server
        self.capability = capability
        self.send = send
        self._handle: asyncio.TimerHandle | None = None

    def __call__(self, *_: object) -> None:
        if self._handle is not None or not self.server.client_has(self.capability):
            return
        self._handle = asyncio.get_running_loop().call_later(REFRESH_INTERVAL, self._fire)

    def _fire(self) -> None:
        self._handle = None
        with contextlib.suppress(Exception):
            getattr(self.server, self.send)(None)


class CodeLens:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server
        self.refresh = Refresher(server, "workspace.code_lens.refresh_support",
                                 "workspace_code_lens_refresh")
        server.events.claims.append(self.on_claims)
        server.events.settings.append(self.on_settings)

    def on_claims(self, *_: object) -> None:
        if self.server.settings.code_lens:
            self.refresh()

    def on_settings(self, old: Settings, new: Settings) -> None:
        if old.code_lens != new.code_lens:
            self.refresh()

    def lenses(self, params: types.CodeLensParams) -> list[types.CodeLens]:
        od = self.server.documents.get(params.text_document.uri)
        if od is None or not self.server.settings.code_lens:
            return []
        return [lens(od, b) for b in blocks(od)]


def lens(od: OpenDocument, block: tuple) -> types.CodeLens:
    first, last = block[0], block[1]
    index = od.doc.index
    el, ec = index.position_at(index.line_end(last), od.encoding)
    rng = {"start": {"line": first, "character": 0}, "end": {"line": el, "character": ec}}
    return types.CodeLens(
        range=types.Range(start=types.Position(line=first, character=0),
                          end=types.Position(line=first, character=0)),
        command=types.Command(
            title=lens_title(od, block),
            command=CMD_SHOW_PROVENANCE,
            arguments=[{"textDocument": {"uri": od.uri}, "range": rng, "show": True}],
        ),
    )


def register(server: TracemarkServer) -> CodeLens:
    feature = CodeLens(server)
    server.feature(types.TEXT_DOCUMENT_CODE_LENS,
                   types.CodeLensOptions(resolve_provider=False))(handler(feature.lenses))
    return feature
