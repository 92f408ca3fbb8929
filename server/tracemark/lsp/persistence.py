"""Persistence: spans saved to the repository's ledger and read back, off the event loop.

- **open**: the document's repository and ledger are found, and the stored spans re-anchored
  onto the text the client sent;
- **save** and **close**: the spans are recorded (``Ledger.record`` merges them with what other
  writers stored, latest claim per character), against the file as it is on disk;
- **other writers** (agent hooks, ``tracemark mark``): ``Ledger.revision`` is polled (a cheap
  query) every ``ledgerPollSeconds`` and checked right after saves and reloads; a newer record
  is merged in, never overwritten. A record for a text the buffer does not have yet (an agent
  rewrote the file, the editor has not reloaded) waits until the buffer's text equals it.

``untitled:`` documents and files outside a git repository are kept in memory only. All ledger
work runs on the server's single I/O thread, in order; results computed against a snapshot are
carried forward through the edits made meanwhile (:mod:`tracemark.lsp.history`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from tracemark.capture.heuristics import merge_claims
from tracemark.errors import InputError
from tracemark.lsp.documents import LedgerLink, OpenDocument
from tracemark.lsp.server import TracemarkServer
from tracemark.model import Span
from tracemark.tracking import TextEdit
from tracemark.tracking.anchor import reanchor

if TYPE_CHECKING:
    from tracemark.gitutil import Repo
    from tracemark.ledger import Ledger

log = logging.getLogger("tracemark.lsp.persistence")

#: A change inserting this many lines may be a reload: look at the ledger right away.
_RELOAD_LINES = 3


def _writer() -> str:
    return f"lsp:{os.getpid()}"


class Persistence:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server
        self._repos: dict[Path, Repo | str] = {}
        self._ledgers: dict[Path, Ledger | str] = {}
        self._poller: asyncio.Task[None] | None = None
        self._checking: set[str] = set()
        self._refused: set[tuple[str, str]] = set()
        ev = server.events
        ev.opened.append(self.on_opened)
        ev.changed.append(self.on_changed)
        ev.saved.append(self.on_saved)
        ev.closed.append(self.on_closed)

    # -- resolving a document's ledger (I/O thread) ------------------------------------------

    def _resolve(self, path: Path | None) -> LedgerLink | str:
        if path is None:
            return "not a file (untitled): kept in memory only"
        from tracemark.gitutil import find_repo
        from tracemark.ledger import Ledger, LedgerError

        folder = path.parent
        repo = self._repos.get(folder)
        if repo is None:
            try:
                repo = find_repo(folder if folder.exists() else path)
            except InputError:
                repo = "not inside a git repository: kept in memory only"
            except OSError as err:
                repo = f"git is not usable ({err}): kept in memory only"
            self._repos[folder] = repo
        if isinstance(repo, str):
            return repo
        try:
            rel = repo.relpath(path)
        except InputError as err:
            return f"{err}: kept in memory only"
        ledger = self._ledgers.get(repo.common_dir)
        if ledger is None:
            try:
                ledger = Ledger.for_repo(repo)
            except (LedgerError, OSError) as err:
                ledger = str(err)
            self._ledgers[repo.common_dir] = ledger
        if isinstance(ledger, str):
            return f"ledger unavailable ({ledger}); kept in memory only"
        return LedgerLink(ledger=ledger, rel=rel, root=repo.root)

    # -- ledger operations (I/O thread) ------------------------------------------------------

    @staticmethod
    def _load(link: LedgerLink, text: str
              ) -> tuple[int, list[Span], tuple[str, list[Span]] | None]:
        """The stored spans on ``text`` and, when the stored text differs, the record itself."""
        rec = link.ledger.get(link.rel)
        if rec is None:
            return 0, [], None
        if rec.text == text:
            return rec.revision, rec.spans, None
        return rec.revision, reanchor(rec.text, rec.spans, text), (rec.text, rec.spans)

    @staticmethod
    def _save(link: LedgerLink, path: Path, text: str, spans: list[Span]
              ) -> tuple[int, list[Span]] | str | None:
        """Record ``spans`` of the buffer against the file on disk; the merged result, or why
        the file cannot be recorded."""
        from tracemark.textfile import read_text

        try:
            disk = read_text(path)
        except InputError as err:
            return str(err)  # not UTF-8, binary, too large, gone: the caller says so
        ledger = link.ledger
        same = disk == text
        on_disk = spans if same else reanchor(text, spans, disk)
        if not on_disk and not ledger.knows(link.rel):
            return None  # no claim to make: never mark a whole file as known-human
        revision = ledger.record(link.rel, disk, on_disk, writer=_writer())
        rec = ledger.get(link.rel)
        merged = [] if rec is None else rec.spans if same else reanchor(disk, rec.spans, text)
        return revision, merged

    @staticmethod
    def _revisions(links: list[LedgerLink]) -> list[int]:
        out = []
        for link in links:
            try:
                out.append(link.ledger.revision(link.rel))
            except InputError:
                out.append(-1)
        return out

    # -- merging results on the loop ---------------------------------------------------------

    def _merge(self, od: OpenDocument, spans: list[Span], seq: int, snapshot: str) -> None:
        if od.closed:
            return
        incoming = od.history.replay(spans, seq, od.text, snapshot) if seq != od.seq else spans
        before = od.doc.spans
        merged = merge_claims(before, incoming)
        if merged != before:
            od.doc.spans = merged
            self.server.events.emit("claims", od)

    def _take_pending(self, od: OpenDocument) -> None:
        """Merge a waiting ledger record once the buffer holds exactly its text."""
        pending = od.pending
        if pending is None or len(pending[0]) != len(od.text) or pending[0] != od.text:
            return
        od.pending = None
        self._merge(od, pending[1], od.seq, od.text)

    # -- events ------------------------------------------------------------------------------

    def on_opened(self, od: OpenDocument) -> None:
        od.state["restore"] = self.server.spawn(self._restore(od), f"restoring spans of {od.uri}")
        if self._poller is None or self._poller.done():
            self._poller = self.server.spawn(self._poll(), "ledger poll")

    async def _restore(self, od: OpenDocument) -> None:
        seq, text = od.seq, od.text
        link = await self.server.blocking(self._resolve, od.path)
        if isinstance(link, str):
            od.memory_only = link
            log.info("%s: %s", od.uri, link)
            return
        od.link = link
        try:
            revision, spans, record = await self.server.blocking(self._load, link, text)
        except InputError as err:
            self.server.tell_once(f"ledger:{link.ledger.path}", str(err))
            return
        od.known_revision = revision
        if record is not None:
            od.pending = record
        self._merge(od, spans, seq, text)
        self._take_pending(od)

    def on_changed(self, od: OpenDocument, edits: list[TextEdit | None]) -> None:
        if od.pending is not None:
            self._take_pending(od)
        if od.link is None:
            return
        for e in edits:
            if e is None or e.new_end_point[0] - e.start_point[0] >= _RELOAD_LINES:
                self.server.spawn(self.check(od), f"checking the ledger for {od.uri}")
                break

    def on_saved(self, od: OpenDocument) -> None:
        self.server.spawn(self.save(od), f"saving spans of {od.uri}")

    def on_closed(self, od: OpenDocument) -> None:
        if od.dirty:
            self.server.spawn(self.save(od), f"saving spans of {od.uri}")

    async def save(self, od: OpenDocument) -> None:
        restore = od.state.get("restore")
        if od.link is None and restore is not None and not restore.done():
            # Saved before the ledger was found (right after open): wait for it, or the
            # spans marked meanwhile would never be recorded.
            with contextlib.suppress(Exception):
                await asyncio.shield(restore)
        link, path = od.link, od.path
        if link is None or path is None:
            return
        seq, text, spans = od.seq, od.text, list(od.doc.spans)
        od.dirty = False
        try:
            result = await self.server.blocking(self._save, link, path, text, spans)
        except InputError as err:
            od.dirty = True
            self.server.tell_once(f"ledger:{link.ledger.path}", str(err))
            return
        if result is None:
            return
        if isinstance(result, str):
            od.dirty = True
            key = (od.uri, result)
            if key not in self._refused:
                self._refused.add(key)
                self.server.log_client(f"spans of {od.uri} not recorded in the ledger: {result}",
                                       types.MessageType.Warning)
            return
        revision, merged = result
        od.known_revision = revision
        self._merge(od, merged, seq, text)

    async def check(self, od: OpenDocument) -> None:
        """Merge what another writer recorded since we last looked, if anything."""
        link = od.link
        if link is None or od.closed or od.uri in self._checking:
            return
        self._checking.add(od.uri)
        try:
            current = await self.server.blocking(self._revisions, [link])
            if current[0] in (od.known_revision, -1) or od.closed:
                return
            seq, text = od.seq, od.text
            revision, spans, record = await self.server.blocking(self._load, link, text)
            if od.closed:
                return
            od.known_revision = revision
            od.pending = record
            self._merge(od, spans, seq, text)
            self._take_pending(od)
        except InputError as err:
            self.server.tell_once(f"ledger:{link.ledger.path}", str(err))
        finally:
            self._checking.discard(od.uri)

    async def _poll(self) -> None:
        while True:
            interval = self.server.settings.ledger_poll
            await asyncio.sleep(interval if interval > 0 else 5.0)
            if interval <= 0:
                continue
            docs = [od for od in self.server.documents if od.link is not None]
            if not docs:
                continue
            revisions = await self.server.blocking(
                self._revisions, [od.link for od in docs])
            for od, rev in zip(docs, revisions, strict=True):
                if rev not in (od.known_revision, -1) and not od.closed:
                    await self.check(od)

    async def flush(self) -> None:
        """Record every document with unrecorded changes (at shutdown)."""
        for od in self.server.documents:
            if od.dirty:
                with contextlib.suppress(Exception):
                    await self.save(od)

    def stop(self) -> None:
        for ledger in self._ledgers.values():
            if not isinstance(ledger, str):
                with contextlib.suppress(Exception):
                    ledger.close()


def register(server: TracemarkServer) -> Persistence:
    feature = Persistence(server)

    async def on_shutdown(params: None) -> None:
        await feature.flush()

    server.feature(types.SHUTDOWN)(on_shutdown)
    return feature
