"""``tracemark/spans``: what is AI in a document, pushed to the client for gutters and status bars.

Coalesced per document: at most one notification every :data:`INTERVAL` seconds (the first
change of a burst waits at most that long, later ones ride along), and none when the spans are
the same as in the last one sent. ``version`` is the document version the ranges refer to.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from tracemark.lsp.documents import OpenDocument
from tracemark.lsp.server import TracemarkServer
from tracemark.tracking import TextEdit

SPANS = "tracemark/spans"
#: Seconds between two notifications for one document.
INTERVAL = 0.1


@dataclass
class _State:
    handle: asyncio.TimerHandle | None = None
    last_sent: float = 0.0
    last_key: Any = None


def spans_payload(od: OpenDocument) -> dict[str, Any]:
    """The ``tracemark/spans`` params for ``od`` (AI spans only, in the client's encoding)."""
    index = od.doc.index
    enc = od.encoding
    out = []
    for sp in od.doc.spans:
        o = sp.origin
        if not o.kind.is_ai:
            continue
        sl, sc = index.position_at(sp.start, enc)
        el, ec = index.position_at(sp.end, enc)
        out.append({
            "range": {"start": {"line": sl, "character": sc},
                      "end": {"line": el, "character": ec}},
            "kind": o.kind.value,
            "tool": o.tool,
            "model": o.model,
            "confidence": o.confidence.value,
        })
    return {"uri": od.uri, "version": od.version, "spans": out}


def _key(payload: dict[str, Any]) -> Any:
    return tuple(
        (s["range"]["start"]["line"], s["range"]["start"]["character"],
         s["range"]["end"]["line"], s["range"]["end"]["character"],
         s["kind"], s["tool"], s["model"], s["confidence"])
        for s in payload["spans"]
    )


class SpansNotifier:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server
        ev = server.events
        ev.opened.append(self.schedule)
        ev.changed.append(self.on_changed)
        ev.claims.append(self.schedule)
        ev.closed.append(self.on_closed)

    def on_changed(self, od: OpenDocument, edits: list[TextEdit | None]) -> None:
        self.schedule(od)

    def schedule(self, od: OpenDocument) -> None:
        state: _State = od.state.setdefault("spans", _State())
        if state.handle is not None:
            return
        delay = max(0.0, state.last_sent + INTERVAL - time.monotonic())
        state.handle = asyncio.get_running_loop().call_later(delay, self.flush, od)

    def flush(self, od: OpenDocument) -> None:
        state: _State = od.state.setdefault("spans", _State())
        state.handle = None
        if od.closed:
            return
        payload = spans_payload(od)
        key = _key(payload)
        if key == state.last_key:
            return
        state.last_key = key
        state.last_sent = time.monotonic()
        self.server.protocol.notify(SPANS, payload)

    def on_closed(self, od: OpenDocument) -> None:
        state = od.state.get("spans")
        if state is not None and state.handle is not None:
            state.handle.cancel()
            state.handle = None


def register(server: TracemarkServer) -> SpansNotifier:
    return SpansNotifier(server)
