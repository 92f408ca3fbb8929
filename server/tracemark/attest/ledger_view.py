"""What the commit hook reads from the ledger: spans of the staged files, read-only, no pydantic.

The :class:`~tracemark.ledger.Ledger` decodes every origin into a pydantic ``Origin``; a process
that imports pydantic pays ~150 ms of CPU before doing anything, which on every commit is most
of the hook's budget. The hook needs far less: for each file, the stored text and its spans
with the kind, tool and model of each (what :func:`~tracemark.tracking.classify_lines` reads),
so it reads exactly that, in one query per file, through the same SQLite database.

Read-only: no migration is run and nothing is written. A database this code does not read as
expected (another schema version, missing tables, corruption) is opened with the real
``Ledger`` instead (:func:`open_for_hook`), which migrates it or raises its one-line
:class:`~tracemark.ledger.LedgerError` as before. The two are held to the same answers by
tests/attest/test_ledger_view.py.
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tracemark.ledger.schema import SCHEMA_VERSION
from tracemark.ledger.store import BUSY_TIMEOUT_MS, LEDGER_NAME
from tracemark.model import Span
from tracemark.model.kinds import Confidence, OriginKind
from tracemark.tracking import spans as span_ops
from tracemark.tracking.anchor import reanchor


class Unreadable(Exception):
    """This view cannot read the database as it is: use the real ``Ledger``."""


@dataclass(frozen=True, slots=True)
class StoredOrigin:
    """The fields of an origin that classifying lines reads (``Origin``'s names)."""

    kind: OriginKind
    tool: str | None
    model: str | None
    session: str | None
    confidence: Confidence
    time: datetime | None

    @property
    def is_ai(self) -> bool:
        return self.kind.is_ai


class LedgerView:
    """Read-only access to the spans of a repository's ledger (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._origins: dict[int, StoredOrigin] = {}
        self._texts: dict[str, tuple[int, str, list[Span]] | None] = {}
        try:
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000,
                                       isolation_level=None)
        except sqlite3.Error as err:
            raise Unreadable(str(err)) from None
        try:
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None or int(row[0]) != SCHEMA_VERSION:
                raise Unreadable(f"schema {row[0] if row else 'missing'}")
        except (sqlite3.Error, ValueError, Unreadable) as err:
            self._db.close()
            raise Unreadable(str(err)) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> LedgerView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _origin(self, origin_id: int) -> StoredOrigin:
        o = self._origins.get(origin_id)
        if o is None:
            row = self._db.execute(
                "SELECT kind, tool, model, session, confidence, time FROM origins WHERE id=?",
                (origin_id,),
            ).fetchone()
            kind, tool, model, session, confidence, when = row
            o = StoredOrigin(OriginKind(kind), tool, model, session, Confidence(confidence),
                             datetime.fromisoformat(when) if when else None)
            self._origins[origin_id] = o
        return o

    def _stored(self, path: str) -> tuple[int, str, list[Span]] | None:
        if path in self._texts:
            return self._texts[path]
        db = self._db
        try:
            db.execute("BEGIN")  # one snapshot for the file row and its spans
            row = db.execute("SELECT id, content, revision FROM files WHERE path=?",
                             (path,)).fetchone()
            if row is None:
                found = None
            else:
                file_id, blob, revision = row
                text = zlib.decompress(blob).decode("utf-8", "surrogatepass")
                spans = [Span(start=s, end=e, origin=self._origin(oid))  # type: ignore[arg-type]
                         for s, e, oid in db.execute(
                             'SELECT start, "end", origin_id FROM spans WHERE file_id=? '
                             "ORDER BY start", (file_id,))]
                found = (revision, text, span_ops.clip(spans, len(text)))
            db.execute("COMMIT")
        except (sqlite3.Error, zlib.error, ValueError) as err:
            raise Unreadable(f"{path}: {err}") from None
        self._texts[path] = found
        return found

    def knows(self, path: str) -> bool:
        """The ledger has a record of ``path`` (as ``Ledger.knows``)."""
        stored = self._stored(path)
        return stored is not None and stored[0] > 0

    def load(self, path: str, text: str | None = None) -> list[Span]:
        """The spans of ``path``; re-anchored onto ``text`` when it differs (as ``Ledger.load``)."""
        stored = self._stored(path)
        if stored is None:
            return []
        _, old, spans = stored
        if text is None or text == old:
            return spans
        return reanchor(old, spans, text)


def open_for_hook(repo):
    """What the hook reads the ledger through: ``None`` when there is no ledger, else this
    view, or the real :class:`~tracemark.ledger.Ledger` when the view cannot read it (which
    migrates it, or raises ``LedgerError`` with the reason and the way out)."""
    path = repo.tracemark_dir / LEDGER_NAME
    if not path.exists():
        return None
    try:
        return LedgerView(path)
    except Unreadable:
        from tracemark.ledger import open_ledger

        return open_ledger(repo)
