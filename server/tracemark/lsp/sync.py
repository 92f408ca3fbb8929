"""Text synchronisation: ``didOpen``, ``didChange``, ``didSave``, ``didClose``.

Every content change goes through :meth:`TrackedDocument.apply_change`, so spans follow each
edit in the negotiated encoding. The insertion heuristic decides here, per change, whether the
inserted text gets an AI origin. Robustness: a change for an unknown document, an out-of-order
version or a position past the end is applied as well as LSP allows and reported in the
client's log; nothing raises out of these handlers.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from tracemark.lsp.documents import OpenDocument, uri_to_path
from tracemark.lsp.server import TracemarkServer, handler
from tracemark.tracking import TextEdit, TrackedDocument

log = logging.getLogger("tracemark.lsp.sync")

#: Deleted text shorter than this is not remembered for undo/move detection (typing).
_REMEMBER_MIN = 16


def _is_whole(change: object) -> bool:
    return isinstance(change, types.TextDocumentContentChangeWholeDocument) or getattr(
        change, "range", None) is None


class TextSync:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server

    # -- open / close ------------------------------------------------------------------------

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        server = self.server
        od = OpenDocument(
            uri=item.uri,
            language_id=item.language_id,
            doc=TrackedDocument(item.text, version=item.version),
            encoding=server.encoding,
            path=uri_to_path(item.uri),
            version=item.version,
        )
        old = server.documents.add(od)
        if old is not None:
            old.closed = True
            server.log_client(f"{item.uri} opened again: starting over from the new text",
                              types.MessageType.Warning)
            server.events.emit("closed", old)
        server.events.emit("opened", od)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        od = self.server.documents.remove(params.text_document.uri)
        if od is None:
            self.server.log_client(f"didClose for {params.text_document.uri}, which is not open",
                                   types.MessageType.Warning)
            return
        self.server.events.emit("closed", od)

    def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        od = self.server.documents.get(params.text_document.uri)
        if od is None:
            self.server.log_client(f"didSave for {params.text_document.uri}, which is not open",
                                   types.MessageType.Warning)
            return
        if params.text is not None and params.text != od.text:
            # The client says the saved text differs from what we have: trust it.
            self._replace(od, params.text, od.version)
        self.server.events.emit("saved", od)

    # -- changes -----------------------------------------------------------------------------

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        server = self.server
        ident = params.text_document
        od = server.documents.get(ident.uri)
        if od is None:
            server.log_client(f"didChange for {ident.uri}, which is not open: ignored",
                              types.MessageType.Warning)
            return
        version = ident.version
        if version is not None and od.version is not None and version <= od.version:
            server.log_client(
                f"{ident.uri}: didChange version {version} after version {od.version} "
                "(out of order); applied anyway", types.MessageType.Warning)
        edits: list[TextEdit | None] = []
        capture = server.features.get("capture")
        for change in params.content_changes:
            if _is_whole(change):
                self._replace(od, change.text, version, emit=False)
                edits.append(None)
                continue
            edits.append(self._apply(od, change, version, capture))  # type: ignore[arg-type]
        od.version = version
        od.doc.version = version
        od.dirty = True
        server.events.emit("changed", od, edits)

    def _apply(self, od: OpenDocument, change: types.TextDocumentContentChangePartial,
               version: int | None, capture: object) -> TextEdit | None:
        """One ranged change; ``None`` when it was handled as a whole-text replacement."""
        doc = od.doc
        r = change.range
        rng = (r.start.line, r.start.character, r.end.line, r.end.character)
        old_index = doc.index
        new = change.text
        start, end = doc.range_offsets(rng, od.encoding)
        origin = None
        if capture is not None and new:
            origin = capture.origin_for_change(od, start, end, new)  # type: ignore[attr-defined]
        n = len(old_index.text)
        if origin is None and start == 0 and end == n and n > 0:
            # A range over the whole document (how some editors reload a buffer or apply a
            # formatter): carry spans over identical lines, as for a whole-text sync.
            self._replace(od, new, version, emit=False)
            return None
        edit = doc.apply_change(rng, new, od.encoding, origin)
        assert edit is not None  # a ranged change always yields an edit
        if edit.clamped:
            self.server.log_client(f"{od.uri}: {edit.clamped}; clamped as LSP specifies",
                                   types.MessageType.Warning)
            rs = old_index.position_at(edit.start, od.encoding)
            re_ = old_index.position_at(edit.old_end, od.encoding)
        else:
            rs, re_ = (rng[0], rng[1]), (rng[2], rng[3])
        if edit.old_end - edit.start >= _REMEMBER_MIN:
            od.recent.remember(old_index.text[edit.start:edit.old_end])
        od.seq += 1
        od.history.add(version, od.seq, rs, re_, new,
                       (edit.start, edit.old_end, edit.new_end - edit.start))
        return edit

    def _replace(self, od: OpenDocument, text: str, version: int | None, *,
                 emit: bool = True) -> None:
        old_text = od.text
        od.doc.replace_text(text)
        od.seq += 1
        od.history.reset(version, od.seq, old_text, text)
        if emit:
            od.dirty = True
            self.server.events.emit("changed", od, [None])


def register(server: TracemarkServer) -> TextSync:
    feature = TextSync(server)
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(handler(feature.did_open))
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(handler(feature.did_change))
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(handler(feature.did_close))
    server.feature(types.TEXT_DOCUMENT_DID_SAVE,
                   types.SaveOptions(include_text=False))(handler(feature.did_save))
    return feature
