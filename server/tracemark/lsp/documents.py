"""The server's own store of open documents: the source of truth for text and spans.

pygls keeps a ``TextDocument`` per open document, but it re-splits the whole text on every
change and treats ``\\u2028`` as a line break (editors do not). tracemark keeps its own
:class:`~tracemark.tracking.TrackedDocument` (incremental line index, spans that follow every
edit) and pygls' workspace is bypassed for text synchronisation (see ``server.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from tracemark.capture.heuristics import RecentText
from tracemark.lsp.history import EditLog
from tracemark.model import OriginKind, Span
from tracemark.tracking import PositionEncoding, TrackedDocument

if TYPE_CHECKING:
    from tracemark.ledger import Ledger


def uri_to_path(uri: str) -> Path | None:
    """The local file of a ``file:`` URI; ``None`` for ``untitled:`` and other schemes."""
    try:
        parsed = urlparse(uri)
    except ValueError:
        return None
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and len(path) > 2 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    if parsed.netloc and parsed.netloc != "localhost":
        path = f"//{parsed.netloc}{path}"
    return Path(path) if path else None


@dataclass(eq=False)
class LedgerLink:
    """Where an open document's spans are kept: a repository's ledger and the file's path in it."""

    ledger: Ledger
    rel: str
    root: Path


@dataclass(eq=False)
class OpenDocument:
    """One open document and everything the features keep about it."""

    uri: str
    language_id: str
    doc: TrackedDocument
    encoding: PositionEncoding
    path: Path | None = None
    #: The client's version of the text in ``doc``.
    version: int | None = None
    #: The server's change counter (every content change and claim bumps it).
    seq: int = 0
    history: EditLog = field(init=False)
    recent: RecentText = field(default_factory=RecentText)
    #: Ledger persistence: resolved off the loop after open; ``None`` means in memory only.
    link: LedgerLink | None = None
    #: Why the document is kept in memory only (shown once in the log).
    memory_only: str | None = None
    #: The ledger revision the spans last merged; a higher one was written by someone else.
    known_revision: int = 0
    #: Spans or text changed since the last ledger write.
    dirty: bool = False
    #: A ledger record for a text the buffer does not have yet (an agent wrote the file and the
    #: editor has not reloaded): merged when the buffer's text becomes equal to it.
    pending: tuple[str, list[Span]] | None = None
    closed: bool = False
    #: Per-feature state (rule checkers, semgrep runs, ...), keyed by the feature's name.
    state: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.history = EditLog(self.encoding, self.version)

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def untitled(self) -> bool:
        return self.path is None

    def ai_spans(self) -> list[Span]:
        return [s for s in self.doc.spans if s.origin.kind.is_ai]

    def has_ai(self) -> bool:
        return any(s.origin.kind.is_ai for s in self.doc.spans)

    def human_spans(self) -> list[Span]:
        return [s for s in self.doc.spans if s.origin.kind is OriginKind.HUMAN]


class UnknownDocument(KeyError):
    """A request named a document that is not open."""

    def __str__(self) -> str:
        return f"document {self.args[0]} is not open (send textDocument/didOpen first)"


class DocumentStore:
    """Open documents by URI."""

    def __init__(self) -> None:
        self._docs: dict[str, OpenDocument] = {}

    def add(self, od: OpenDocument) -> OpenDocument | None:
        """Store ``od``; returns the document it replaced (a second didOpen), if any."""
        old = self._docs.get(od.uri)
        self._docs[od.uri] = od
        return old

    def get(self, uri: str) -> OpenDocument | None:
        return self._docs.get(uri)

    def require(self, uri: str) -> OpenDocument:
        od = self._docs.get(uri)
        if od is None:
            raise UnknownDocument(uri)
        return od

    def remove(self, uri: str) -> OpenDocument | None:
        od = self._docs.pop(uri, None)
        if od is not None:
            od.closed = True
        return od

    def __iter__(self):
        return iter(list(self._docs.values()))

    def __len__(self) -> int:
        return len(self._docs)
