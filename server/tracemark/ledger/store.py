"""The ledger: one SQLite database per repository, shared by every process that writes origins.

Design:

- it lives in ``<git common dir>/tracemark/ledger.db``, so every worktree shares it and it is
  never committed;
- WAL journal with ``synchronous=FULL``: a committed write survives ``kill -9`` and power loss,
  readers never block the writer;
- every write is one ``BEGIN IMMEDIATE`` transaction that reads the stored record, re-anchors it
  onto the new text and overlays the writer's spans, keeping the latest claim per character.
  So the language server saving a buffer never erases lines an agent hook recorded meanwhile,
  and several writers at once (server, git hooks, agent hooks) lose nothing;
- a database that cannot be read is never deleted or overwritten: every operation raises a
  :class:`LedgerError` with a one-line reason and the way out (``tracemark ledger repair``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tracemark.errors import InputError
from tracemark.gitutil import Repo
from tracemark.ledger.schema import SCHEMA, SCHEMA_VERSION
from tracemark.model import Span
from tracemark.model.kinds import utcnow
from tracemark.tracking import spans as span_ops
from tracemark.tracking.anchor import reanchor
from tracemark.tracking.positions import TextIndex

if TYPE_CHECKING:  # pragma: no cover  (imported where origins are decoded: see _origin)
    from tracemark.model.origin import Origin

LEDGER_NAME = "ledger.db"
BUSY_TIMEOUT_MS = 30_000


class LedgerError(InputError):
    """The ledger cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class FileRecord:
    """What the ledger holds for one file."""

    path: str
    text: str
    spans: list[Span]
    revision: int
    updated_at: datetime
    writer: str | None


def _origin_key(o: Origin) -> str:
    return json.dumps(o.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Ledger:
    """A connection to one repository's ledger. Thread-safe; open one per process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._origins: dict[int, Origin] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise sqlite3.DatabaseError(f"could not switch to WAL (journal mode {mode})")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as err:
            raise self._error(err) from None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def for_repo(cls, repo: Repo) -> Ledger:
        return cls(repo.tracemark_dir / LEDGER_NAME)

    def _error(self, err: Exception) -> LedgerError:
        return LedgerError(
            f"ledger {self.path} is unreadable ({err}); it was left untouched: "
            "run `tracemark ledger repair` to salvage it into a fresh one"
        )

    def _migrate(self) -> None:
        with self._write():
            # One statement at a time: executescript() would commit outside our transaction.
            for stmt in SCHEMA.split(";\n"):
                if stmt.strip():
                    self._db.execute(stmt)
            row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self._db.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise LedgerError(
                    f"ledger {self.path} has schema {row[0]}, newer than this tracemark "
                    f"understands ({SCHEMA_VERSION}); upgrade tracemark"
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: writers queue on SQLite's lock, never interleave."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as err:
                raise self._error(err) from None

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except sqlite3.DatabaseError as err:
                raise self._error(err) from None

    # -- origins -----------------------------------------------------------------------------

    def _origin_id(self, db: sqlite3.Connection, o: Origin) -> int:
        key = _origin_key(o)
        row = db.execute("SELECT id FROM origins WHERE key=?", (key,)).fetchone()
        if row:
            return int(row[0])
        cur = db.execute(
            "INSERT INTO origins(key, kind, tool, model, session, confidence, time, reviewed_at,"
            " source) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                key, o.kind.value, o.tool, o.model, o.session, o.confidence.value,
                o.time.isoformat(), o.reviewed_at.isoformat() if o.reviewed_at else None, o.source,
            ),
        )
        return int(cur.lastrowid or 0)

    def _origin(self, db: sqlite3.Connection, origin_id: int) -> Origin:
        o = self._origins.get(origin_id)
        if o is None:
            from tracemark.model import Origin  # pydantic: only once an origin is read

            row = db.execute("SELECT key FROM origins WHERE id=?", (origin_id,)).fetchone()
            o = Origin.model_validate_json(row[0])
            self._origins[origin_id] = o
        return o

    # -- reading -----------------------------------------------------------------------------

    def _load_row(self, db: sqlite3.Connection, path: str) -> FileRecord | None:
        row = db.execute(
            "SELECT id, content, revision, updated_at, writer FROM files WHERE path=?", (path,)
        ).fetchone()
        if row is None:
            return None
        file_id, blob, revision, updated, writer = row
        text = zlib.decompress(blob).decode("utf-8", "surrogatepass")
        spans = [
            Span(start=s, end=e, origin=self._origin(db, oid))
            for s, e, oid in db.execute(
                'SELECT start, "end", origin_id FROM spans WHERE file_id=? ORDER BY start',
                (file_id,),
            )
        ]
        return FileRecord(
            path, text, span_ops.clip(spans, len(text)), revision,
            datetime.fromisoformat(updated), writer,
        )

    def get(self, path: str) -> FileRecord | None:
        """The stored record of ``path`` as written (not re-anchored)."""
        with self._read() as db:
            return self._load_row(db, path)

    def load(self, path: str, text: str | None = None) -> list[Span]:
        """The spans of ``path``; re-anchored onto ``text`` when it differs from what is stored."""
        rec = self.get(path)
        if rec is None:
            return []
        if text is None or text == rec.text:
            return rec.spans
        return reanchor(rec.text, rec.spans, text)

    def revision(self, path: str) -> int:
        """The write counter of ``path`` (0 when never written): cheap change detection."""
        with self._read() as db:
            row = db.execute("SELECT revision FROM files WHERE path=?", (path,)).fetchone()
        return int(row[0]) if row else 0

    def files(self) -> list[str]:
        with self._read() as db:
            return [r[0] for r in db.execute("SELECT path FROM files ORDER BY path")]

    def knows(self, path: str) -> bool:
        return self.revision(path) > 0

    # -- writing -----------------------------------------------------------------------------

    def record(
        self,
        path: str,
        text: str,
        spans: Sequence[Span],
        *,
        writer: str,
        replace: bool = False,
    ) -> int:
        """Store ``spans`` of ``text`` for ``path`` and return the new revision.

        Unless ``replace``, what was stored is re-anchored onto ``text`` and merged with
        ``spans``, the latest claim winning per character.
        """
        incoming = span_ops.clip(sorted(spans, key=lambda s: s.start), len(text))
        if replace:
            return self._update(path, text, lambda _carried: incoming, writer, "record")
        return self._update(
            path, text, lambda carried: span_ops.overlay_latest(carried, incoming), writer,
            "record",
        )

    def mark(self, path: str, text: str, start: int, end: int, origin: Origin | None, *,
             writer: str) -> int:
        """Declare ``[start, end)`` of ``text`` to have ``origin`` (``None`` forgets it)."""
        return self._update(
            path, text, lambda carried: span_ops.mark(carried, start, end, origin), writer,
            "mark",
        )

    def review(self, path: str, text: str, start: int, end: int, *, writer: str) -> int:
        """Mark the AI text in ``[start, end)`` of ``text`` as reviewed."""
        return self._update(
            path, text, lambda carried: span_ops.review(carried, start, end), writer, "review"
        )

    def _update(
        self,
        path: str,
        text: str,
        change: Callable[[list[Span]], list[Span]],
        writer: str,
        action: str,
    ) -> int:
        """Read, re-anchor, change and write one file's record in a single transaction."""
        with self._write() as db:
            old = self._load_row(db, path)
            carried: list[Span] = []
            if old is not None:
                carried = old.spans if old.text == text else reanchor(
                    TextIndex(old.text), old.spans, TextIndex(text)
                )
            spans = span_ops.clip(change(carried), len(text))
            now = utcnow().isoformat()
            blob = zlib.compress(text.encode("utf-8", "surrogatepass"), 6)
            if old is None:
                cur = db.execute(
                    "INSERT INTO files(path, content, sha256, revision, updated_at, writer)"
                    " VALUES (?,?,?,?,?,?)",
                    (path, blob, _sha(text), 1, now, writer),
                )
                file_id, revision = int(cur.lastrowid or 0), 1
            else:
                file_id = db.execute("SELECT id FROM files WHERE path=?", (path,)).fetchone()[0]
                revision = old.revision + 1
                db.execute(
                    "UPDATE files SET content=?, sha256=?, revision=?, updated_at=?, writer=?"
                    " WHERE id=?",
                    (blob, _sha(text), revision, now, writer, file_id),
                )
                db.execute("DELETE FROM spans WHERE file_id=?", (file_id,))
            db.executemany(
                'INSERT INTO spans(file_id, start, "end", origin_id) VALUES (?,?,?,?)',
                [(file_id, sp.start, sp.end, self._origin_id(db, sp.origin)) for sp in spans],
            )
            detail = json.dumps({"revision": revision, "spans": len(spans)})
            db.execute(
                "INSERT INTO events(time, writer, path, action, detail) VALUES (?,?,?,?,?)",
                (now, writer, path, action, detail),
            )
        return revision

    def forget(self, path: str, *, writer: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM files WHERE path=?", (path,))
            db.execute(
                "INSERT INTO events(time, writer, path, action) VALUES (?,?,?,?)",
                (utcnow().isoformat(), writer, path, "forget"),
            )

    # -- health ------------------------------------------------------------------------------

    def check(self) -> list[str]:
        """SQLite's integrity check: an empty list when the database is sound."""
        with self._read() as db:
            rows = [r[0] for r in db.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows


def ledger_path(repo: Repo) -> Path:
    return repo.tracemark_dir / LEDGER_NAME


def open_ledger(repo: Repo) -> Ledger:
    """Open (creating when needed) the ledger of ``repo``."""
    return Ledger.for_repo(repo)


def writer_name(kind: str) -> str:
    """A writer label for the events journal: what wrote, and which process."""
    return f"{kind}:{os.getpid()}"
