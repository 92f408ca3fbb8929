"""Salvaging an unreadable ledger: copy what still reads into a fresh database.

The damaged file is renamed, never deleted, so nothing is lost even if salvage misses rows.
"""

from __future__ import annotations

import os
import sqlite3
import time
import zlib
from pathlib import Path

from tracemark.ledger.store import Ledger
from tracemark.model import Origin, Span


def repair(path: Path) -> str:
    """Move ``path`` aside and rebuild a ledger from the records it still yields."""
    if not path.exists():
        Ledger(path).close()
        return f"{path}: no ledger yet; created an empty one"
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{path}{suffix}")
        if src.exists():
            os.replace(src, f"{aside}{suffix}")
    saved = lost = 0
    fresh = Ledger(path)
    try:
        src_db = sqlite3.connect(f"file:{aside}?mode=ro", uri=True)
        rows = src_db.execute("SELECT id, path, content FROM files").fetchall()
    except sqlite3.DatabaseError:
        rows = []
        src_db = None
    for file_id, rel, blob in rows:
        try:
            text = zlib.decompress(blob).decode("utf-8", "surrogatepass")
            assert src_db is not None
            spans = [
                Span(start=s, end=e, origin=Origin.model_validate_json(key))
                for s, e, key in src_db.execute(
                    'SELECT s.start, s."end", o.key FROM spans s JOIN origins o'
                    " ON o.id = s.origin_id WHERE s.file_id=? ORDER BY s.start",
                    (file_id,),
                )
            ]
            fresh.record(rel, text, spans, writer="repair", replace=True)
            saved += 1
        except Exception:  # salvage what reads, count the rest
            lost += 1
    fresh.close()
    return (f"{path}: rebuilt with {saved} file record(s), {lost} unreadable; the damaged "
            f"database is kept at {aside}")
